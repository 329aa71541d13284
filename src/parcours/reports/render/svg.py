"""Inline SVG charts (no script, no network): horizontal bars, stacked bars, monthly curves."""

from __future__ import annotations

import math
from html import escape

__all__ = ["barres", "barres_empilees", "courbe"]

_POLICE = 'font-family="Helvetica, Arial, sans-serif" font-size="12"'
BLEU, VERT, ORANGE, GRIS = "#1f5f99", "#2e7d32", "#c75b12", "#9e9e9e"


def _svg(largeur: int, hauteur: int, corps: list[str], titre: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {largeur} {hauteur}" width="100%" '
        f'role="img" aria-label="{escape(titre)}" {_POLICE}><title>{escape(titre)}</title>'
        + "".join(corps)
        + "</svg>"
    )


def barres(items: list[tuple[str, float, str]], titre: str, largeur: int = 720) -> str:
    """One horizontal bar per item: (label, value, text shown after the bar)."""
    marge, hauteur_barre, pas = 260, 18, 26
    maximum = max((v for _, v, _ in items), default=0) or 1
    zone = largeur - marge - 110
    corps: list[str] = []
    for i, (label, valeur, texte) in enumerate(items):
        y = 8 + i * pas
        w = zone * valeur / maximum
        corps.append(f'<text x="{marge - 8}" y="{y + 13}" text-anchor="end">{escape(label[:42])}</text>')
        corps.append(f'<rect x="{marge}" y="{y}" width="{w:.1f}" height="{hauteur_barre}" fill="{BLEU}"/>')
        corps.append(f'<text x="{marge + w + 6:.1f}" y="{y + 13}">{escape(texte)}</text>')
    return _svg(largeur, 16 + len(items) * pas, corps, titre)


def barres_empilees(items: list[tuple[str, int, int, str]], titre: str, largeur: int = 720) -> str:
    """A 100 % bar per item: (label, kept, overdue, text) in green and orange."""
    marge, pas = 260, 26
    zone = largeur - marge - 110
    corps: list[str] = []
    for i, (label, ok, ko, texte) in enumerate(items):
        y = 8 + i * pas
        total = ok + ko
        corps.append(f'<text x="{marge - 8}" y="{y + 13}" text-anchor="end">{escape(label[:42])}</text>')
        if total:
            w_ok = zone * ok / total
            corps.append(f'<rect x="{marge}" y="{y}" width="{w_ok:.1f}" height="18" fill="{VERT}"/>')
            corps.append(
                f'<rect x="{marge + w_ok:.1f}" y="{y}" width="{zone - w_ok:.1f}" '
                f'height="18" fill="{ORANGE}"/>'
            )
        else:
            corps.append(
                f'<rect x="{marge}" y="{y}" width="{zone}" height="18" fill="none" stroke="{GRIS}"/>'
            )
        corps.append(f'<text x="{marge + zone + 6}" y="{y + 13}">{escape(texte)}</text>')
    legende_y = 16 + len(items) * pas
    corps.append(f'<rect x="{marge}" y="{legende_y}" width="10" height="10" fill="{VERT}"/>')
    corps.append(f'<text x="{marge + 14}" y="{legende_y + 9}">tenues</text>')
    corps.append(f'<rect x="{marge + 80}" y="{legende_y}" width="10" height="10" fill="{ORANGE}"/>')
    corps.append(f'<text x="{marge + 94}" y="{legende_y + 9}">dépassées</text>')
    return _svg(largeur, legende_y + 20, corps, titre)


def _arrondi_haut(x: float) -> float:
    """The smallest 1, 2, 2.5 or 5 × 10^k not below ``x`` (a readable top for an axis)."""
    puissance = 10.0 ** math.floor(math.log10(x))
    for facteur in (1, 2, 2.5, 5, 10):
        if facteur * puissance >= x:
            return float(facteur * puissance)
    return 10 * puissance  # pragma: no cover


def courbe(
    etiquettes: list[str], valeurs: list[float], capacite: float | None, titre: str, largeur: int = 720
) -> str:
    """A monthly curve with the capacity as a dashed line."""
    hauteur, gauche, bas, haut = 220, 50, 40, 14
    maximum = _arrondi_haut(max([*valeurs, capacite or 0, 1]) * 1.05)
    n = len(valeurs)
    zone_x = largeur - gauche - 20
    zone_y = hauteur - bas - haut

    def px(i: int) -> float:
        return gauche + (zone_x * (i + 0.5) / n if n else 0)

    def py(v: float) -> float:
        return haut + zone_y * (1 - v / maximum)

    corps = [
        f'<line x1="{gauche}" y1="{haut + zone_y}" x2="{largeur - 20}" y2="{haut + zone_y}" '
        f'stroke="{GRIS}"/>',
        f'<line x1="{gauche}" y1="{haut}" x2="{gauche}" y2="{haut + zone_y}" stroke="{GRIS}"/>',
    ]
    for k in range(5):
        v = maximum * k / 4
        corps.append(f'<text x="{gauche - 6}" y="{py(v) + 4:.1f}" text-anchor="end">{v:.0f}</text>')
    pas = max(1, n // 12)
    for i, label in enumerate(etiquettes):
        if i % pas == 0:
            corps.append(
                f'<text x="{px(i):.1f}" y="{hauteur - bas + 16}" text-anchor="middle">{escape(label)}</text>'
            )
    if capacite:
        y = py(capacite)
        corps.append(
            f'<line x1="{gauche}" y1="{y:.1f}" x2="{largeur - 20}" y2="{y:.1f}" '
            f'stroke="{ORANGE}" stroke-dasharray="6 4"/>'
        )
        corps.append(
            f'<text x="{largeur - 22}" y="{y - 4:.1f}" text-anchor="end" fill="{ORANGE}">'
            f"places : {capacite:.0f}</text>"
        )
    if valeurs:
        points = " ".join(f"{px(i):.1f},{py(v):.1f}" for i, v in enumerate(valeurs))
        corps.append(f'<polyline points="{points}" fill="none" stroke="{BLEU}" stroke-width="2"/>')
        corps += [
            f'<circle cx="{px(i):.1f}" cy="{py(v):.1f}" r="2.5" fill="{BLEU}"/>'
            for i, v in enumerate(valeurs)
        ]
    return _svg(largeur, hauteur, corps, titre)
