"""Charts of a bilan (no script, no network): bars with HTML labels that wrap, monthly SVG curves.

A bar chart is a grid: the label in HTML (it wraps instead of being cut, however long the
policy's wording), the bar as a small SVG stretched to its cell, the figure after it.
"""

from __future__ import annotations

import math
from html import escape

from parcours._french import format_nombre

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


def _barre(rects: list[tuple[float, str]], vide: bool = False) -> str:
    """One bar as a small SVG stretched to its cell: ``rects`` are (share of 100, colour)."""
    x, corps = 0.0, []
    for part, couleur in rects:
        corps.append(f'<rect x="{x:.2f}" y="0" width="{part:.2f}" height="18" fill="{couleur}"/>')
        x += part
    if vide:
        corps.append(
            f'<rect x="0" y="0.5" width="100" height="17" fill="none" stroke="{GRIS}" '
            'vector-effect="non-scaling-stroke"/>'
        )
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" class="barre" viewBox="0 0 100 18" '
        f'preserveAspectRatio="none" width="100%" height="18" aria-hidden="true">{"".join(corps)}</svg>'
    )


def _grille(lignes: list[tuple[str, str, str]], titre: str, legende: str = "") -> str:
    cellules = "".join(
        f'<div class="etiquette">{escape(label)}</div>{barre}<div class="valeur">{escape(texte)}</div>'
        for label, barre, texte in lignes
    )
    return f'<div class="barres" role="img" aria-label="{escape(titre)}">{cellules}</div>{legende}'


def barres(items: list[tuple[str, float, str]], titre: str) -> str:
    """One horizontal bar per item: (label, value, text shown after the bar).

    The labels are HTML and wrap on as many lines as they need; each bar is an SVG.
    """
    maximum = max((v for _, v, _ in items), default=0) or 1
    return _grille([(label, _barre([(100 * v / maximum, BLEU)]), texte) for label, v, texte in items], titre)


def barres_empilees(items: list[tuple[str, int, int, str]], titre: str) -> str:
    """A 100 % bar per item: (label, kept, overdue, text) in green and orange."""
    lignes = []
    for label, ok, ko, texte in items:
        total = ok + ko
        rects = [(100 * ok / total, VERT), (100 * ko / total, ORANGE)] if total else []
        lignes.append((label, _barre(rects, vide=not total), texte))
    legende = (
        f'<p class="legende-barres"><span class="pastille" style="background:{VERT}"></span> tenues '
        f'<span class="pastille" style="background:{ORANGE}"></span> dépassées</p>'
    )
    return _grille(lignes, titre, legende)


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
        corps.append(
            f'<text x="{gauche - 6}" y="{py(v) + 4:.1f}" text-anchor="end">{format_nombre(v)}</text>'
        )
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
            f"places : {format_nombre(capacite)}</text>"
        )
    if valeurs:
        points = " ".join(f"{px(i):.1f},{py(v):.1f}" for i, v in enumerate(valeurs))
        corps.append(f'<polyline points="{points}" fill="none" stroke="{BLEU}" stroke-width="2"/>')
        corps += [
            f'<circle cx="{px(i):.1f}" cy="{py(v):.1f}" r="2.5" fill="{BLEU}"/>'
            for i, v in enumerate(valeurs)
        ]
    return _svg(largeur, hauteur, corps, titre)
