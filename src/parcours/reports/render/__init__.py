"""Renderings of a bilan: JSON, Markdown, CSV and a self-contained HTML report."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from parcours.reports.compute import Bilan

__all__ = ["FORMATS", "Format", "render"]

Format = Literal["json", "markdown", "html", "csv"]
FORMATS: tuple[Format, ...] = ("json", "markdown", "html", "csv")


def render(b: Bilan, format: Format, precedents: Sequence[Bilan] = ()) -> str:
    """``b`` as text in ``format``; ``precedents`` (older first) add columns to the tables."""
    if format == "json":
        from parcours.reports.render.tabular import en_json

        return en_json(b, precedents)
    if format == "csv":
        from parcours.reports.render.tabular import en_csv

        return en_csv(b)
    if format == "markdown":
        from parcours.reports.render.markdown import en_markdown

        return en_markdown(b, precedents)
    from parcours.reports.render.html import en_html

    return en_html(b, precedents)
