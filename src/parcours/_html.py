"""The shell of parcours' HTML pages: French, self-contained, printable on A4.

A page has no script, no font or image to fetch and no network access: it opens the same
from a mail attachment, a shared folder or a browser with no connection. Its print style
sheet sets A4 pages, keeps tables, figures and notes whole, and starts each part marked
``saut`` on a new page.
"""

from __future__ import annotations

from html import escape

__all__ = ["CSS_BASE", "page"]

CSS_BASE = """
@page { size: A4; margin: 15mm 12mm; }
* { box-sizing: border-box; }
body { font-family: "DejaVu Sans", Helvetica, Arial, sans-serif; color: #222; margin: 0 auto;
       max-width: 1000px; padding: 16px; line-height: 1.4; overflow-wrap: break-word;
       -webkit-print-color-adjust: exact; print-color-adjust: exact; }
h1 { color: #1f5f99; font-size: 26px; margin: 0 0 4px; }
h2 { color: #1f5f99; border-bottom: 2px solid #1f5f99; padding-bottom: 2px; margin-top: 28px; }
h3 { font-size: 15px; margin: 18px 0 6px; }
.meta { color: #555; margin: 0 0 12px; }
table { border-collapse: collapse; margin: 6px 0 12px; font-size: 13px; max-width: 100%; }
th, td { border: 1px solid #c9d6e3; padding: 4px 8px; vertical-align: top; }
th { background: #e8f0f8; text-align: left; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
figure { margin: 8px 0 14px; max-width: 100%; }
figure svg { max-width: 100%; height: auto; }
figcaption { font-size: 12px; color: #555; }
.hypothese { background: #fff4d6; border-bottom: 1px dashed #b07d00; }
.marque-hypothese { color: #8a5a00; font-weight: bold; font-size: 11px; }
.notes { font-size: 12px; color: #333; }
.notes li { margin-bottom: 3px; }
section, figure, table, .notes li { break-inside: avoid; page-break-inside: avoid; }
@media print {
  body { max-width: none; padding: 0; font-size: 11pt; }
  h1 { font-size: 20pt; }
  h2 { font-size: 15pt; break-after: avoid; page-break-after: avoid; }
  h3 { break-after: avoid; page-break-after: avoid; }
  .saut { break-before: page; page-break-before: always; }
  a { color: inherit; text-decoration: none; }
}
"""


def page(titre: str, corps: str, css: str = "") -> str:
    """A whole HTML page: ``corps`` is its body (already HTML), ``css`` adds to the base style."""
    return (
        '<!DOCTYPE html>\n<html lang="fr"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(titre)}</title><style>{CSS_BASE}{css}</style></head>\n"
        f"<body>\n{corps}\n</body></html>\n"
    )
