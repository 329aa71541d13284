"""A state diagram drawn as SVG by parcours itself: no Graphviz, no script, no network.

The layout is fixed by the shape every parcours has (engine/machine.py): the entry of a
dossier at the top, the states of a parcours under way in one column, in the order of the
steps, inside a box « parcours en cours », and the final states under it.

* from one state of the column to the next: a straight arrow, its words on the right;
* an arrow that skips a state (a démarrage without waiting) or goes back (a renewal): a
  lane on the right of the column, its words right of the lane;
* the entry straight into a later step: a lane on the left, its words above its last part;
* every state under way leads to the same finals: one arrow from the box to each.

Text cannot wrap inside SVG, so lines are cut to a fixed number of characters and widths are
estimated from the letters, generously (DejaVu Sans, the widest common sans-serif); the
browser tests check that no text leaves its box, overlaps another or leaves the drawing.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterator
from dataclasses import dataclass, field
from html import escape

from parcours.engine.diagram import Fleche, Schema

__all__ = ["en_svg", "largeur_texte"]

TAILLE, PETIT, INTERLIGNE = 13, 11, 16
_COUPURE = 30  # characters per line of a label
_VIDE_V, _MARGE = 64, 16
_BLEU, _GRIS, _ENCRE = "#1f5f99", "#6b7785", "#222"


def _chasse(c: str) -> float:
    if c in "mwMW":
        return 0.92
    if c in "iljtfr'.,:;| ()[]":
        return 0.36
    if c.isupper() or c in "«»%":
        return 0.74
    if c.isdigit():
        return 0.64
    return 0.6


def largeur_texte(texte: str, taille: float = TAILLE, gras: bool = False) -> float:
    """The width of ``texte`` in px, estimated a little above DejaVu Sans's."""
    return sum(_chasse(c) for c in texte) * taille * (1.1 if gras else 1.0)


def _lignes(texte: str, coupure: int = _COUPURE) -> list[str]:
    return textwrap.wrap(texte, coupure, break_long_words=False) or [""]


def _libelle(f: Fleche) -> list[str]:
    return _lignes(f.libelle) + ([] if f.condition is None else _lignes(f"[{f.condition}]"))


@dataclass
class _Boite:
    ident: str
    titre: list[str]
    notes: list[str]
    x: float = 0.0
    y: float = 0.0
    w: float = 0.0
    h: float = 0.0

    def __post_init__(self) -> None:
        largeurs = [largeur_texte(t, TAILLE, True) for t in self.titre]
        largeurs += [largeur_texte(n, PETIT) for n in self.notes]
        self.w = max([120.0, *largeurs]) + 24
        self.h = 14 + INTERLIGNE * len(self.titre) + 14 * len(self.notes)

    @property
    def cx(self) -> float:
        return self.x + self.w / 2

    @property
    def cy(self) -> float:
        return self.y + self.h / 2


@dataclass
class _Dessin:
    """The elements of the drawing, in px, before they are written as SVG."""

    suffixe: str
    corps: list[str] = field(default_factory=list)
    textes: list[tuple[float, float, list[str], str]] = field(default_factory=list)  # x, y, lines, anchor

    def fleche(self, f: Fleche, chemin: str, x: float, y: float, ancre: str = "start") -> None:
        mots = _libelle(f)
        self.corps.append(
            f'<g class="transition" data-evenement="{f.evenement}" data-source="{f.source}" '
            f'data-dest="{f.dest}"><path d="{chemin}" fill="none" stroke="{_GRIS}" stroke-width="1.4" '
            f'marker-end="url(#pointe-{self.suffixe})"/>{_texte(x, y, mots, ancre)}</g>'
        )


def _texte(x: float, y: float, lignes: list[str], ancre: str, taille: int = PETIT, classe: str = "") -> str:
    spans = "".join(
        f'<tspan x="{x:.1f}" dy="{0 if i == 0 else taille + 3}">{escape(t)}</tspan>'
        for i, t in enumerate(lignes)
    )
    attr = f' class="{classe}"' if classe else ""
    return f'<text{attr} x="{x:.1f}" y="{y:.1f}" font-size="{taille}" text-anchor="{ancre}">{spans}</text>'


def _hauteur(lignes: list[str], taille: int = PETIT) -> float:
    return len(lignes) * (taille + 3)


def _boites(s: Schema) -> tuple[list[_Boite], list[_Boite]]:
    def boite(ident: str) -> _Boite:
        e = s.etat(ident)
        notes = _lignes(" · ".join(e.internes), 34) if e.internes else []
        return _Boite(ident, _lignes(e.libelle, 24), notes)

    colonne = [boite(i) for i in s.en_cours()]
    finales = [boite(e.ident) for e in s.etats if e.final]
    return colonne, finales


def _fleches_par_forme(s: Schema, rang: dict[str, int]) -> Iterator[tuple[str, Fleche]]:
    """Each transition with the shape it is drawn as."""
    partout = set(s.sorties_partout())
    premiere = min(rang.values(), default=0)
    for f in s.fleches:
        if f.dest in partout and f.source in rang:
            continue  # drawn once, from the box
        if f.source not in rang:  # the entry
            yield ("descente" if rang.get(f.dest) == premiere else "entree"), f
        elif f.dest not in rang:
            yield "vers_finale", f  # drawn with the finals
        elif rang[f.dest] == rang[f.source] + 1:
            yield "descente", f
        else:
            yield "voie_droite", f


def _place_colonne(colonne: list[_Boite], fleches: list[tuple[str, Fleche]], haut: float) -> float:
    """Stack the column's boxes under ``haut``, each gap tall enough for its arrow's words."""
    y = haut
    for i, b in enumerate(colonne):
        b.y = y
        suivante = colonne[i + 1].ident if i + 1 < len(colonne) else None
        mots = [_libelle(f) for forme, f in fleches if forme == "descente" and f.source == b.ident]
        besoin = max([_hauteur(m) for m in mots if suivante is not None], default=0)
        y += b.h + max(_VIDE_V, besoin + 24)
    return y - _VIDE_V


def en_svg(s: Schema, suffixe: str) -> str:
    """``s`` as an SVG drawing; ``suffixe`` makes its ids unique in a page of several."""
    colonne, finales = _boites(s)
    rang = {b.ident: i for i, b in enumerate(colonne)}
    boite = {b.ident: b for b in [*colonne, *finales]}
    fleches = list(_fleches_par_forme(s, rang))
    d = _Dessin(suffixe)
    gauche = _largeur_entrees(fleches)
    largeur_col = max((b.w for b in colonne), default=120.0)
    xc = _MARGE + gauche + largeur_col / 2 + 12
    for b in colonne:
        b.x = xc - b.w / 2
    entree_y = _MARGE + 10
    bas = _place_colonne(colonne, fleches, entree_y + 84)
    droite = _dessine_colonne(d, colonne, fleches, boite, xc, entree_y)
    boite_haut, boite_bas = entree_y + 60, bas + 30
    cadre_d = max(droite, xc + largeur_col / 2) + 14
    cadre_g = xc - largeur_col / 2 - 14
    d.corps.insert(
        0,
        f'<rect class="cadre" x="{cadre_g:.1f}" y="{boite_haut:.1f}" width="{cadre_d - cadre_g:.1f}" '
        f'height="{boite_bas - boite_haut:.1f}" rx="10" fill="#f6f9fc" stroke="#c9d6e3"/>',
    )
    d.textes.append((cadre_g + 8, boite_bas - 8, ["parcours en cours"], "start"))
    fin = _dessine_finales(d, s, finales, boite, xc, boite_bas)
    largeur = max(cadre_d, *(b.x + b.w for b in finales), fin[0]) + _MARGE
    return _ecrire(d, s, colonne + finales, largeur, fin[1] + _MARGE)


def _largeur_entrees(fleches: list[tuple[str, Fleche]]) -> float:
    mots = [max(largeur_texte(t, PETIT) for t in _libelle(f)) for forme, f in fleches if forme == "entree"]
    return (max(mots) + 18 * len(mots) + 10) if mots else 0.0


def _dessine_colonne(
    d: _Dessin,
    colonne: list[_Boite],
    fleches: list[tuple[str, Fleche]],
    boite: dict[str, _Boite],
    xc: float,
    entree_y: float,
) -> float:
    """The entry, the column's arrows and lanes; returns the rightmost x drawn."""
    d.corps.append(f'<circle cx="{xc:.1f}" cy="{entree_y:.1f}" r="7" fill="{_ENCRE}"/>')
    d.textes.append((xc + 14, entree_y + 4, ["Entrée du dossier"], "start"))
    droite = xc + max((b.w for b in colonne), default=120.0) / 2
    etiquettes = xc + 10  # labels of the straight arrows start here
    entrees = [f for forme, f in fleches if forme == "entree"]
    entrees.sort(key=lambda f: boite[f.dest].y)
    x = min((b.x for b in colonne), default=xc) - 4
    for f in entrees:
        b = boite[f.dest]
        x = min(x - 18, b.x - 16 - max(largeur_texte(t, PETIT) for t in _libelle(f)))
        chemin = f"M{xc - 7:.1f},{entree_y:.1f} H{x:.1f} V{b.cy:.1f} H{b.x:.1f}"
        mots = _libelle(f)
        d.fleche(f, chemin, b.x - 6, b.cy - 5 - _hauteur(mots) + PETIT, "end")
    for forme, f in fleches:
        if forme != "descente":
            continue
        b = boite[f.dest]
        y0 = entree_y + 7 if f.source not in boite else boite[f.source].y + boite[f.source].h
        mots = _libelle(f)
        milieu = (y0 + b.y) / 2 - _hauteur(mots) / 2 + PETIT - 2
        d.fleche(f, f"M{xc:.1f},{y0:.1f} V{b.y:.1f}", etiquettes, milieu)
        droite = max(droite, etiquettes + max(largeur_texte(t, PETIT) for t in mots))
    return _dessine_voies(d, fleches, boite, droite + 16)


def _dessine_voies(
    d: _Dessin, fleches: list[tuple[str, Fleche]], boite: dict[str, _Boite], x0: float
) -> float:
    """Arrows that skip or go back along the column, each on a lane right of the column."""
    prises: list[tuple[float, float, float]] = []  # (top, bottom, right edge of its words)
    droite = x0
    for forme, f in fleches:
        if forme != "voie_droite":
            continue
        a, b = boite[f.source], boite[f.dest]
        y1 = a.cy + (6 if a.y > b.y else -6) if f.source != f.dest else a.cy + 6
        y2 = b.cy - (6 if a.y > b.y else -6) if f.source != f.dest else a.cy - 8
        haut, bas = min(y1, y2), max(y1, y2)
        x = max([x0, *(r + 14 for h, bb, r in prises if h < bas and haut < bb)])
        mots = _libelle(f)
        chemin = f"M{a.x + a.w:.1f},{y1:.1f} H{x:.1f} V{y2:.1f} H{b.x + b.w:.1f}"
        milieu = (y1 + y2) / 2 - _hauteur(mots) / 2 + PETIT - 2
        d.fleche(f, chemin, x + 6, milieu)
        fin = x + 6 + max(largeur_texte(t, PETIT) for t in mots)
        prises.append((haut - 4, bas + 4, fin))
        droite = max(droite, fin)
    return droite


def _dessine_finales(
    d: _Dessin, s: Schema, finales: list[_Boite], boite: dict[str, _Boite], xc: float, cadre_bas: float
) -> tuple[float, float]:
    """The final states under the box and the arrows to them; returns (right, bottom)."""
    partout = set(s.sorties_partout())
    arrivees: dict[str, Fleche] = {}
    for b in finales:
        f = next((f for f in s.fleches if f.dest == b.ident), None)
        if b.ident in partout and f is not None:
            arrivees[b.ident] = Fleche(f.evenement, "en_cours", b.ident, f"{f.libelle} (depuis toute étape)")
    largeurs = [
        max(
            [b.w, *(largeur_texte(t, PETIT) + 20 for t in _libelle(arrivees[b.ident]))]
            if b.ident in arrivees
            else [b.w]
        )
        for b in finales
    ]
    x, y = xc - (sum(largeurs) + 40 * (len(finales) - 1)) / 2, cadre_bas + 70
    droite, bas = xc, cadre_bas
    for b, w in zip(finales, largeurs, strict=True):
        b.x, b.y = x + (w - b.w) / 2, y
        if b.ident in arrivees:
            d.fleche(arrivees[b.ident], f"M{b.cx:.1f},{cadre_bas:.1f} V{b.y:.1f}", b.cx + 6, cadre_bas + 22)
        x += w + 40
        droite, bas = max(droite, x - 40, b.x + b.w), max(bas, b.y + b.h)
    for f in s.fleches:  # a final that not every state under way leads to: one arrow per state
        if f.dest in boite and f.dest not in arrivees and f.source in boite and f.source != f.dest:
            a, b = boite[f.source], boite[f.dest]
            if b in finales:
                d.fleche(f, f"M{a.x:.1f},{a.cy:.1f} L{b.cx:.1f},{b.y:.1f}", a.x - 6, a.cy - 6, "end")
    return droite, bas


def _ecrire(d: _Dessin, s: Schema, boites: list[_Boite], largeur: float, hauteur: float) -> str:
    decalage = max(0.0, _MARGE - min((b.x for b in boites), default=_MARGE))  # finals wider than the column
    largeur += decalage
    parts = [
        '<svg xmlns="http://www.w3.org/2000/svg" class="diagramme" '
        f'viewBox="0 0 {largeur:.0f} {hauteur:.0f}" width="{largeur:.0f}" height="{hauteur:.0f}" '
        f'role="img" aria-label="{escape(s.titre)}" '
        f'font-family="DejaVu Sans, Helvetica, Arial, sans-serif" fill="{_ENCRE}">',
        f"<title>{escape(s.titre)}</title>",
        f'<defs><marker id="pointe-{d.suffixe}" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" '
        'markerHeight="7" orient="auto-start-reverse">'
        f'<path d="M0,0 L10,5 L0,10 z" fill="{_GRIS}"/></marker></defs>',
        f'<g transform="translate({decalage:.1f},0)">',
        *d.corps,
    ]
    for b in boites:
        final = s.etat(b.ident).final
        parts.append(
            f'<g class="etat" data-etat="{b.ident}"><rect x="{b.x:.1f}" y="{b.y:.1f}" width="{b.w:.1f}" '
            f'height="{b.h:.1f}" rx="{14 if final else 6}" fill="#fff" stroke="{_BLEU}" '
            f'stroke-width="{2.5 if final else 1.5}"/>'
            + _texte(b.cx, b.y + 20, b.titre, "middle", TAILLE, "nom").replace(
                "<text ", '<text font-weight="bold" ', 1
            )
            + (_texte(b.cx, b.y + 20 + INTERLIGNE * len(b.titre), b.notes, "middle") if b.notes else "")
            + "</g>"
        )
    parts += [_texte(x, y, lignes, ancre) for x, y, lignes, ancre in d.textes]
    parts.append("</g></svg>")
    return "".join(parts)
