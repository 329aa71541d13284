"""A confrontation (simulation beside a published table) as French text, JSON or HTML.

The HTML page holds the table and, per dispositif, an inline SVG plot (no script): one line
per published cell, the simulated central interval as a bar, the simulated mean as a dot and
the published figure as a diamond; shares and durations have their own plots, on their own
scale.
"""

from __future__ import annotations

import html
import json
from typing import TYPE_CHECKING

from parcours._french import format_date
from parcours.simulation.published import INDICATEURS

if TYPE_CHECKING:
    from parcours.simulation.confrontation import CelluleConfrontee, Confrontation

__all__ = ["confrontation_html", "confrontation_json", "confrontation_texte", "titre"]

_BLEU, _ORANGE, _GRIS, _ROUGE = "#1f5f99", "#c75b12", "#9e9e9e", "#b71c1c"
_POLICE = 'font-family="Helvetica, Arial, sans-serif" font-size="12"'


def _nombre(v: float | None) -> str:
    if v is None:
        return "—"
    return f"{v:.1f}".replace(".", ",") if abs(v - round(v)) > 1e-9 else str(round(v))


def _libelle(c: CelluleConfrontee) -> str:
    nom = c.cellule.indicateur
    if nom in INDICATEURS:
        return INDICATEURS[nom]
    if nom.startswith("part_sorties."):
        return f"Part des sorties « {nom.removeprefix('part_sorties.')} » (%)"
    _, variable, valeur = nom.split(".")
    return f"Profil {variable} = {valeur} (%)"


def _dispositif(c: CelluleConfrontee) -> str:
    d = c.cellule.dispositifs
    return d[0] if len(d) == 1 else f"{len(d)} dispositifs ensemble"


def titre(c: Confrontation) -> str:
    return (
        f"{c.politique} : {c.runs} simulations du {format_date(c.du)} au {format_date(c.au)}, "
        f"graine {c.graine}, face au tableau {c.tableau}"
    )


def _lignes(c: Confrontation) -> list[tuple[str, ...]]:
    lignes: list[tuple[str, ...]] = []
    for x in c.cellules:
        intervalle = x.intervalle()
        bornes = "—" if intervalle is None else f"[{_nombre(intervalle[0])} ; {_nombre(intervalle[1])}]"
        ok = x.dans_la_tolerance
        verdict = "—" if ok is None else ("oui" if ok else "NON")
        if x.cellule.usage == "comparer":
            verdict += " (comparé)"
        lignes.append(
            (
                x.cellule.libelle_periode,
                _dispositif(x),
                _libelle(x),
                _nombre(x.cellule.valeur),
                _nombre(x.moyenne),
                bornes,
                verdict,
            )
        )
    return lignes


_ENTETES = (
    "période",
    "dispositif",
    "indicateur",
    "publié",
    "simulé",
    "intervalle à 95 %",
    "dans la tolérance",
)


def confrontation_texte(c: Confrontation) -> str:
    lignes = [_ENTETES, *_lignes(c)]
    largeurs = [max(len(ligne[i]) for ligne in lignes) for i in range(len(_ENTETES))]
    corps = ["  ".join(v.ljust(w) for v, w in zip(ligne, largeurs, strict=True)).rstrip() for ligne in lignes]
    tenues = [x for x in c.cellules if x.cellule.usage == "ajuster" and x.dans_la_tolerance is not None]
    bilan = (
        f"{sum(1 for x in tenues if x.dans_la_tolerance)} cellules ajustables sur {len(tenues)} dans la "
        "tolérance (15 % ou 4 personnes ; 3 points pour une part)"
    )
    return "\n".join([titre(c), f"cohorte : {c.cohorte}", *corps, bilan])


def confrontation_json(c: Confrontation) -> str:
    return json.dumps(c.to_dict(), ensure_ascii=False, indent=2)


def _court(x: CelluleConfrontee, periodes: bool) -> str:
    """A short label for a plot's line: the period when the plot has several, the indicator."""
    nom = x.cellule.indicateur
    if nom.startswith("part_sorties."):
        quoi = f"sorties {nom.removeprefix('part_sorties.')}"
    elif nom.startswith("profil."):
        quoi = " = ".join(nom.split(".")[1:])
    else:
        quoi = INDICATEURS[nom].split(" (")[0]
    return f"{x.cellule.libelle_periode} · {quoi}" if periodes else quoi


def _graphe(cellules: list[CelluleConfrontee], titre_graphe: str) -> str:
    """One line per cell: interval bar, mean dot, published diamond, on one scale; the figures
    written at the end of the line."""
    marge, largeur, pas = 280, 820, 22
    zone = largeur - marge - 190
    bornes = [v for x in cellules for v in (x.cellule.valeur, *(x.intervalle() or ()))]
    echelle = zone / ((max(bornes, default=1.0) or 1.0) * 1.05)
    periodes = len({x.cellule.libelle_periode for x in cellules}) > 1
    corps: list[str] = []
    for i, x in enumerate(cellules):
        y = 12 + i * pas
        etiquette = html.escape(_court(x, periodes)[:40])
        corps.append(f'<text x="{marge - 8}" y="{y + 4}" text-anchor="end">{etiquette}</text>')
        intervalle = x.intervalle()
        if intervalle is not None:
            x0, x1 = marge + intervalle[0] * echelle, marge + intervalle[1] * echelle
            corps.append(
                f'<rect x="{x0:.1f}" y="{y - 4}" width="{max(x1 - x0, 1):.1f}" height="8" '
                f'fill="{_BLEU}" opacity="0.35"/>'
            )
        if x.moyenne is not None:
            corps.append(f'<circle cx="{marge + x.moyenne * echelle:.1f}" cy="{y}" r="3.5" fill="{_BLEU}"/>')
        px = marge + x.cellule.valeur * echelle
        couleur = _ORANGE if x.dans_la_tolerance is not False else _ROUGE
        corps.append(f'<path d="M{px:.1f} {y - 6} l6 6 l-6 6 l-6 -6 z" fill="{couleur}"/>')
        chiffres = f"publié {_nombre(x.cellule.valeur)} · simulé {_nombre(x.moyenne)}"
        corps.append(f'<text x="{marge + zone + 12}" y="{y + 4}">{html.escape(chiffres)}</text>')
    hauteur = 22 + len(cellules) * pas
    corps.append(f'<line x1="{marge}" y1="2" x2="{marge}" y2="{hauteur - 6}" stroke="{_GRIS}"/>')
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {largeur} {hauteur}" width="100%" role="img" '
        f'aria-label="{html.escape(titre_graphe)}" {_POLICE}><title>{html.escape(titre_graphe)}</title>'
        + "".join(corps)
        + "</svg>"
    )


def _graphes(c: Confrontation) -> str:
    groupes: dict[tuple[str, str], list[CelluleConfrontee]] = {}
    for x in c.cellules:
        genre = (
            "comptes"
            if x.cellule.indicateur in ("accompagnees", "sorties", "encore_suivies", "entrees")
            else "autres"
        )
        groupes.setdefault((_dispositif(x), genre), []).append(x)
    parties = []
    for (dispositif, genre), cellules in groupes.items():
        nom = f"{dispositif} ({'personnes' if genre == 'comptes' else 'parts et durées'})"
        parties.append(f"<h2>{html.escape(nom)}</h2>\n{_graphe(cellules, nom)}")
    return "\n".join(parties)


def confrontation_html(c: Confrontation) -> str:
    entete = "".join(f"<th>{html.escape(h)}</th>" for h in _ENTETES)
    rangs = "\n".join(
        "<tr>" + "".join(f"<td>{html.escape(v)}</td>" for v in ligne) + "</tr>" for ligne in _lignes(c)
    )
    legende = (
        "<p>Barre : intervalle central à 95 % des simulations ; point : leur moyenne ; losange : le "
        "chiffre publié (rouge quand la moyenne est hors de la tolérance).</p>"
    )
    page_titre = html.escape(titre(c))
    return (
        '<!DOCTYPE html>\n<html lang="fr"><head><meta charset="utf-8">'
        f"<title>{page_titre}</title></head>\n<body><h1>{page_titre}</h1>\n"
        f"<p>cohorte : {html.escape(c.cohorte)}</p>\n{legende}\n{_graphes(c)}\n"
        f"<table>\n<tr>{entete}</tr>\n{rangs}\n</table></body></html>"
    )
