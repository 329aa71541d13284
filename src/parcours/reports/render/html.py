"""A bilan as one self-contained HTML file: French, inline CSS and SVG, no script, printable."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import TYPE_CHECKING

from parcours._french import format_date, format_nombre, format_part
from parcours._html import page
from parcours.reports.model import Indicateurs, IndicateursDroits
from parcours.reports.render._tables import (
    TITRE_DROITS,
    Table,
    capacites_communes,
    compte,
    droits,
    indicateurs,
    profils,
    sorties,
    tableau_annuel,
)
from parcours.reports.render.svg import barres, barres_empilees, courbe

if TYPE_CHECKING:
    from parcours.reports.compute import Bilan

__all__ = ["en_html"]

_MOIS = ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."]

_CSS = """
.cartes { display: flex; flex-wrap: wrap; gap: 10px; margin: 12px 0; }
.carte { border: 1px solid #c9d6e3; border-radius: 6px; padding: 8px 12px; min-width: 150px; }
.carte b { display: block; font-size: 22px; color: #1f5f99; }
section.dispositif { break-before: page; page-break-before: always; }
figure { max-width: 760px; }
.barres { display: grid; grid-template-columns: minmax(8em, 36%) minmax(6em, 1fr) auto; gap: 6px 10px;
          align-items: center; font-size: 13px; margin: 4px 0 6px; }
.barres .etiquette { text-align: right; overflow-wrap: break-word; min-width: 0; }
.barres .valeur { white-space: nowrap; font-variant-numeric: tabular-nums; }
.barres svg.barre { display: block; width: 100%; height: 18px; }
.legende-barres { font-size: 12px; margin: 2px 0; }
.pastille { display: inline-block; width: 10px; height: 10px; vertical-align: baseline; }
.grille { display: grid; grid-template-columns: repeat(auto-fill, minmax(300px, 1fr)); gap: 4px 16px; }
.alerte { border-left: 4px solid #c75b12; background: #fff4ec; padding: 6px 10px; }
.provenance { font-size: 13px; color: #333; border-left: 4px solid #1f5f99; background: #f3f7fb;
              padding: 4px 10px; }
@media print {
  figure { max-width: none; }
  .cartes { gap: 6px; }
  .carte { min-width: 120px; padding: 4px 8px; }
}
"""


def _table(t: Table, classe: str = "") -> str:
    header, rows = t
    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    body = "".join(
        "<tr>"
        + "".join(f'<td class="{"n" if i else ""}">{escape(c)}</td>' for i, c in enumerate(row))
        + "</tr>"
        for row in rows
    )
    return f'<table class="{classe}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def _cartes(ind: Indicateurs, fin: str) -> str:
    items = [
        ("Personnes accompagnées", format_nombre(ind.accompagnees)),
        ("Personnes sorties", format_nombre(ind.sorties)),
        (f"Encore suivies {fin}", format_nombre(ind.encore_suivies)),
        ("Sorties positives", format_part(ind.sorties_positives, ind.sorties)),
        ("Durée moyenne", f"{format_nombre(ind.duree_moyenne_mois, 1)} mois"),
        ("Respect du rythme", format_part(ind.rythme.echeances_tenues, ind.rythme.echeances_dues)),
    ]
    return (
        '<div class="cartes">'
        + "".join(f'<div class="carte"><b>{escape(v)}</b>{escape(k)}</div>' for k, v in items)
        + "</div>"
    )


def _graphe_sorties(b: Bilan, ind: Indicateurs, titre: str) -> str:
    if not ind.sorties:
        return "<p>Aucune sortie sur la période.</p>"
    items = [
        (b.motifs.get(m, m), float(n), f"{format_nombre(n)} ({format_part(n, ind.sorties)})")
        for m, n in sorted(ind.sorties_par_motif.items(), key=lambda kv: -kv[1])
    ]
    return f"<figure>{barres(items, titre)}<figcaption>{escape(titre)}</figcaption></figure>"


def _graphe_occupation(ind: Indicateurs, titre: str) -> str:
    occ = ind.occupation
    mois = sorted(occ.par_mois)
    etiquettes = [f"{_MOIS[int(m[5:7]) - 1]} {m[2:4]}" for m in mois]
    svg = courbe(etiquettes, [occ.par_mois[m] for m in mois], occ.places, titre)
    legende = f"{titre} : occupation moyenne par mois (trait plein) et places prévues (pointillés)"
    return f"<figure>{svg}<figcaption>{escape(legende)}</figcaption></figure>"


def _graphe_rythme(b: Bilan) -> str:
    items = [
        (
            b.libelles.get(i, i),
            ind.rythme.echeances_tenues,
            ind.rythme.echeances_depassees,
            format_part(ind.rythme.echeances_tenues, ind.rythme.echeances_dues),
        )
        for i, ind in b.par_dispositif.items()
    ]
    titre = "Respect du rythme des entretiens : échéances tenues et dépassées"
    return f"<figure>{barres_empilees(items, titre)}<figcaption>{escape(titre)}</figcaption></figure>"


def _droits(d: IndicateursDroits, titre: str, niveau: str) -> str:
    """The droits et devoirs table, and the delays kept and overdue (none: nothing to show)."""
    table = droits(d)
    if table is None:
        return ""
    items = [
        (
            "Orientation dans les six semaines",
            d.orientations_dans_le_delai,
            d.matures_orientation - d.orientations_dans_le_delai,
            format_part(d.orientations_dans_le_delai, d.matures_orientation),
        ),
        (
            "Contrat d'engagement dans le mois",
            d.contrats_dans_le_delai,
            d.matures_contrat - d.contrats_dans_le_delai,
            format_part(d.contrats_dans_le_delai, d.matures_contrat),
        ),
    ]
    legende = f"Délais échus tenus et dépassés — {titre}"
    figure = f"<figure>{barres_empilees(items, legende)}<figcaption>{escape(legende)}</figcaption></figure>"
    entete = TITRE_DROITS if niveau == "h3" else f"{TITRE_DROITS} — {titre}"
    return f"<{niveau}>{escape(entete)}</{niveau}>{_table(table)}{figure}"


def _section(b: Bilan, ident: str | None, titre: str, precedents: Sequence[Bilan], classe: str) -> str:
    ind = b.total if ident is None else b.par_dispositif[ident]
    fin = "au 31/12" if b.periode.est_annee else "en fin de période"
    parts = [f'<section class="{classe}"><h2>{escape(titre)}</h2>', _cartes(ind, fin)]
    parts.append(_table(tableau_annuel(b, ident, precedents)))
    parts.append("<h3>Situation des personnes en fin d'accompagnement</h3>")
    parts.append(_graphe_sorties(b, ind, f"Sorties par motif — {titre}"))
    if ind.sorties:
        parts.append(_table(sorties(b, ident, b.motifs)))
    parts.append("<h3>Occupation des places</h3>")
    parts.append(_graphe_occupation(ind, titre))
    parts.append("<h3>Indicateurs</h3>")
    parts.append(_table(indicateurs(ind)))
    if ident is not None:
        parts.append(_droits(ind.droits, titre, "h3"))
    blocs = profils(ind)
    if blocs:
        parts.append('<h3>Caractéristiques du public accompagné</h3><div class="grille">')
        parts += [f"<div><b>{escape(t)}</b>{_table(tab)}</div>" for t, tab in blocs]
        parts.append("</div>")
    parts.append("</section>")
    return "".join(parts)


def _lignes_ignorees(n: int) -> str:
    if n == 1:
        return "1 ligne du journal a été ignorée"
    return f"{format_nombre(n)} lignes du journal ont été ignorées"


def en_html(b: Bilan, precedents: Sequence[Bilan] = ()) -> str:
    titre = f"Bilan {b.periode.libelle()} — {b.departement or b.politique}"
    meta = (
        f"Politique « {b.politique} ». Période du {format_date(b.periode.du)} au "
        f"{format_date(b.periode.au)} : {compte(b.evenements, 'événement compté', 'événements comptés')}."
    )
    parts = [
        f'<h1>{escape(titre)}</h1><p class="meta">{escape(meta)}</p>',
        f'<p class="provenance">{escape(b.provenance or f"Journal {b.source}.")}</p>',
    ]
    if b.lignes_ignorees:
        liste = "".join(f"<li>{escape(str(p))}</li>" for p in b.problemes[:20])
        reste = b.lignes_ignorees - min(len(b.problemes), 20)
        suite = f"<li>… et {format_nombre(reste)} autres</li>" if reste > 0 else ""
        parts.append(
            f'<div class="alerte"><b>{_lignes_ignorees(b.lignes_ignorees)}</b><ul>{liste}{suite}</ul></div>'
        )
    nationaux = _droits(b.total.droits, "ensemble du département", "h2")
    if nationaux:
        parts.append(f"<section>{nationaux}</section>")
    plusieurs = len(b.par_dispositif) > 1
    if plusieurs:
        parts.append(_section(b, None, "Ensemble des dispositifs", precedents, "ensemble"))
        parts.append("<section><h2>Respect du rythme des entretiens</h2>" + _graphe_rythme(b) + "</section>")
    partagees = capacites_communes(b)
    if partagees is not None:
        titre_partage = "<h2>Capacités partagées entre dispositifs</h2>"
        parts.append(f"<section>{titre_partage}{_table(partagees)}</section>")
    for ident in b.par_dispositif:
        parts.append(
            _section(b, ident, b.libelles.get(ident, ident), precedents, "dispositif" if plusieurs else "")
        )
    return page(titre, "\n".join(parts), _CSS)
