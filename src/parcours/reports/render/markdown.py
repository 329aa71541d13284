"""A bilan as Markdown: the tables of seed 002 per dispositif, exits by motif, indicators."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from parcours._french import format_date, format_nombre
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

if TYPE_CHECKING:
    from parcours.reports.compute import Bilan

__all__ = ["en_markdown"]


def _table(t: Table) -> list[str]:
    header, rows = t
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(["---"] + ["---:"] * (len(header) - 1)) + "|"]
    lines += ["| " + " | ".join(c.replace("|", "\\|") for c in row) + " |" for row in rows]
    return [*lines, ""]


def en_markdown(b: Bilan, precedents: Sequence[Bilan] = ()) -> str:
    out = [
        f"# Bilan {b.periode.libelle()} — {b.departement or b.politique}",
        "",
        f"Politique « {b.politique} ». Période du {format_date(b.periode.du)} au "
        f"{format_date(b.periode.au)} ; {compte(b.evenements, 'événement compté', 'événements comptés')}, "
        f"{compte(b.lignes_ignorees, 'ligne ignorée', 'lignes ignorées')}.",
        "",
        f"*{b.provenance or f'Journal {b.source}.'}*",
        "",
    ]
    nationaux = droits(b.total.droits)
    if nationaux is not None:
        out += [f"## {TITRE_DROITS} — ensemble du département", ""]
        out += _table(nationaux)
    groupes: list[tuple[str | None, str]] = [(i, b.libelles.get(i, i)) for i in b.par_dispositif]
    if len(groupes) > 1:
        groupes.insert(0, (None, "Ensemble des dispositifs"))
    for ident, titre in groupes:
        ind = b.total if ident is None else b.par_dispositif[ident]
        out += [f"## {titre}", ""]
        out += _table(tableau_annuel(b, ident, precedents))
        if ind.sorties:
            out += ["### Situation des personnes en fin d'accompagnement", ""]
            out += _table(sorties(b, ident, b.motifs))
        out += ["### Indicateurs", ""]
        out += _table(indicateurs(ind))
        propres = droits(ind.droits) if ident is not None else None
        if propres is not None:
            out += [f"### {TITRE_DROITS}", ""]
            out += _table(propres)
        for titre_profil, table in profils(ind):
            out += [f"### {titre_profil}", ""]
            out += _table(table)
    partagees = capacites_communes(b)
    if partagees is not None:
        out += ["## Capacités partagées entre dispositifs", ""]
        out += _table(partagees)
    if b.problemes:
        out += ["## Lignes ignorées", ""]
        out += [f"- {p}" for p in b.problemes]
        if b.lignes_ignorees > len(b.problemes):
            out.append(f"- … et {format_nombre(b.lignes_ignorees - len(b.problemes))} autres")
        out.append("")
    return "\n".join(out)
