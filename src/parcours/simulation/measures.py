"""A published cell measured on one simulated run, with the reports' counting rules.

Counts come from the kernel's aggregates (accompanied = open on some day of the period,
exited = exit day in it, still followed = open on its last day); shares are in % as the
tables print them: of the period's exits (``part_sorties.<motif>``, ``taux_emploi_veille``)
or of the people accompanied (``profil.<variable>.<valeur>``).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from parcours.errors import PolicyError, Problem
from parcours.simulation._calendar import jour
from parcours.simulation.aggregates import agreger
from parcours.simulation.kernel import Trajectoires
from parcours.simulation.published import CellulePubliee, TableauPublie

__all__ = ["mesurer", "moyennes", "tolerance", "verifier_cellules"]

#: How far a simulated mean may be from a published count: 15 % of it, or 4 people.
PART_COMPTE, PLANCHER_COMPTE = 0.15, 4.0
#: ... from a published share (%): 3 points; from a mean duration: 15 %.
POINTS_PART = 3.0


def tolerance(cellule: CellulePubliee) -> float:
    """How far a simulated mean may be from the published figure, in the figure's unit."""
    if (
        cellule.indicateur.startswith(("part_sorties.", "profil."))
        or cellule.indicateur == "taux_emploi_veille"
    ):
        return POINTS_PART
    if cellule.indicateur == "duree_moyenne_mois":
        return PART_COMPTE * abs(cellule.valeur)
    return max(PART_COMPTE * abs(cellule.valeur), PLANCHER_COMPTE)


def _entrees(t: Trajectoires, du: int, au: int) -> int:
    return int(((t.demarrage >= du) & (t.demarrage <= au)).sum())


def _profil(trajectoires: list[Trajectoires], variable: str, valeur: str, du: int, au: int) -> float | None:
    accompagnees = 0
    avec = 0
    for t in trajectoires:
        ouverts = (t.demarrage >= 0) & (t.demarrage <= au) & ~((t.sortie >= 0) & (t.sortie < du))
        accompagnees += int(ouverts.sum())
        if variable in t.profil:
            labels = t.regles.profil[variable][0]
            if valeur in labels:
                avec += int((ouverts & (t.profil[variable] == labels.index(valeur))).sum())
    return 100.0 * avec / accompagnees if accompagnees else None


def mesurer(trajectoires: Mapping[str, Trajectoires], cellule: CellulePubliee) -> float | None:
    """What one run gives for ``cellule`` (``None`` when the figure is undefined: no exit...)."""
    du, au = jour(cellule.periode.du), jour(cellule.periode.au)
    parts = [trajectoires[d] for d in cellule.dispositifs]
    nom = cellule.indicateur
    if nom.startswith("profil."):
        _, variable, valeur = nom.split(".")
        return _profil(parts, variable, valeur, du, au)
    if nom == "entrees":
        return float(sum(_entrees(t, du, au) for t in parts))
    bilan = agreger({d: trajectoires[d] for d in cellule.dispositifs}, du, au)
    if nom == "encore_suivies":
        return float(bilan["encore_suivies_au_31_12"])
    if nom in ("accompagnees", "sorties"):
        return float(bilan[nom])
    if nom == "duree_moyenne_mois":
        duree = bilan["duree_moyenne_mois"]
        return None if duree is None else float(duree)
    if nom == "taux_emploi_veille":
        taux = bilan["veille"]["taux_emploi"]
        return None if taux is None else 100.0 * float(taux)
    motif = nom.removeprefix("part_sorties.")
    if not bilan["sorties"]:
        return None
    return 100.0 * float(bilan["sorties_par_motif"].get(motif, 0)) / float(bilan["sorties"])


def verifier_cellules(tableau: TableauPublie, dispositifs: Mapping[str, Trajectoires] | set[str]) -> None:
    """Every cell is about simulated dispositifs (a PolicyError at the table's line if not)."""
    connus = set(dispositifs)
    problemes = [
        Problem(
            f"dispositif « {d} » non simulé",
            fichier=tableau.fichier,
            ligne=c.ligne,
            chemin="dispositif",
            attendu="l'un de : " + ", ".join(sorted(connus)),
        )
        for c in tableau.cellules
        for d in c.dispositifs
        if d not in connus
    ]
    if problemes:
        raise PolicyError(problemes)


def moyennes(valeurs: list[float | None]) -> float | None:
    """The mean of a cell over runs, ignoring runs where it is undefined."""
    vues = [v for v in valeurs if v is not None]
    return float(np.mean(vues)) if vues else None
