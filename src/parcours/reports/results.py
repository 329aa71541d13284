"""Exits read through the policy: categories, positive and employment exits, objectives."""

from __future__ import annotations

from collections import Counter
from datetime import date

from parcours.policies.rules import ReglesDatees
from parcours.policies.schema import Dispositif
from parcours.reports.model import ResultatObjectif
from parcours.vocabulary import MOTIF_REORIENTATION

__all__ = ["categories", "objectifs", "positives"]


def categories(disp: Dispositif, par_motif: dict[str, int]) -> dict[str, int]:
    """Exits per category of the policy (a réorientation without motif is « reorientation »)."""
    result: Counter[str] = Counter()
    for motif, n in par_motif.items():
        declared = disp.motifs_sortie.get(motif)
        result[declared.categorie if declared else MOTIF_REORIENTATION] += n
    return dict(sorted(result.items()))


def positives(disp: Dispositif, par_motif: dict[str, int]) -> tuple[int, int]:
    """(positive exits, employment exits) by the policy's flags on its motifs."""
    pos = sum(n for m, n in par_motif.items() if m in disp.motifs_sortie and disp.motifs_sortie[m].positive)
    emp = sum(n for m, n in par_motif.items() if m in disp.motifs_sortie and disp.motifs_sortie[m].emploi)
    return pos, emp


def objectifs(
    ident_dispositif: str,
    disp: Dispositif,
    par_motif: dict[str, int],
    sorties: int,
    accompagnees: int,
    au: date,
) -> dict[str, ResultatObjectif]:
    """Each expected result of the dispositif against the period (taux in force on ``au``)."""
    regles = ReglesDatees(ident_dispositif, disp).au(au)
    result: dict[str, ResultatObjectif] = {}
    for ident, obj in disp.resultats_attendus.items():
        if obj.motifs is not None:
            retenus = set(obj.motifs)
        elif obj.selon == "positive":
            retenus = {m for m, d in disp.motifs_sortie.items() if d.positive}
        else:
            retenus = {m for m, d in disp.motifs_sortie.items() if d.emploi}
        result[ident] = ResultatObjectif(
            libelle=obj.libelle,
            taux_attendu=None if regles is None else regles.objectifs.get(ident),
            numerateur=sum(n for m, n in par_motif.items() if m in retenus),
            denominateur=sorties if obj.base == "sorties" else accompagnees,
            base=obj.base,
        )
    return result
