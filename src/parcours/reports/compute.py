"""The bilan of a period: every indicator per dispositif and in total, from one journal."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from typing import TYPE_CHECKING, Any

from parcours.policies.display import libelles_dispositifs
from parcours.policies.schema import Policy
from parcours.reports import sources
from parcours.reports.activity import activite
from parcours.reports.counts import Comptes, compter
from parcours.reports.model import (
    Activite,
    BilanVeille,
    CapacitePartagee,
    Indicateurs,
    IndicateursDroits,
    Occupation,
    Rythme,
)
from parcours.reports.occupancy import occupation
from parcours.reports.period import Periode
from parcours.reports.provenance import provenance_journal
from parcours.reports.reading import JournalLu, LigneEcartee, read_journal
from parcours.reports.results import categories, objectifs, positives
from parcours.reports.rhythm import rythme
from parcours.reports.rights import indicateurs_droits
from parcours.vocabulary import MOTIF_REORIENTATION

if TYPE_CHECKING:
    import pandas as pd

    from parcours.reports.compare import ComparaisonPeriodes

__all__ = ["Bilan", "bilan"]

Source = JournalLu | str | os.PathLike[str] | Iterable[Mapping[str, Any]] | sources.Lignes


@dataclass(frozen=True)
class Bilan:
    """The indicators of a period, in total and per dispositif, and the lines set aside."""

    politique: str
    periode: Periode
    dispositif: str | None
    total: Indicateurs
    par_dispositif: dict[str, Indicateurs]
    libelles: dict[str, str]  # dispositif id → label
    source: str
    evenements: int
    lignes_ignorees: int
    problemes: tuple[LigneEcartee, ...] = field(default_factory=tuple)
    motifs: dict[str, str] = field(default_factory=dict)  # motif id → label
    capacites_communes: dict[str, CapacitePartagee] = field(default_factory=dict)
    departement: str = ""
    provenance: str = ""  # where the events come from, in words (a journal and its lines, a simulation)

    def to_dict(self) -> dict[str, Any]:
        from parcours.reports.export import bilan_dict

        return bilan_dict(self)

    def to_frame(self) -> pd.DataFrame:
        from parcours.reports.export import bilan_frame

        return bilan_frame(self)

    def compare(self, precedent: Bilan) -> ComparaisonPeriodes:
        from parcours.reports.compare import ComparaisonPeriodes

        return ComparaisonPeriodes(self, precedent)


def bilan(
    journal_or_events: Source,
    policy: Policy,
    du: date | None = None,
    au: date | None = None,
    dispositif: str | None = None,
    *,
    annee: int | None = None,
    provenance: str | None = None,
) -> Bilan:
    """The bilan of ``du``..``au`` (or of the civil year ``annee``) for ``policy``.

    ``journal_or_events`` is a JSONL or SQLite journal path, Python events, or a journal
    already read with :func:`~parcours.reports.reading.read_journal` (read it once to compute
    several periods). ``dispositif`` restricts the bilan to one dispositif of the policy.
    ``provenance`` says where the events come from (by default: the journal and its lines).
    """
    periode = Periode.choisir(annee, du, au)
    if dispositif is not None:
        policy.dispositif(dispositif)  # a PolicyError naming the known ones
    journal = read_journal(journal_or_events, policy)
    idents = (dispositif,) if dispositif is not None else tuple(policy.dispositifs)
    comptes = compter(journal, periode, idents)
    acts = activite(journal, periode, idents)
    rythmes = rythme(journal, periode, idents)
    occs, communes = occupation(journal, policy, periode, idents)
    droits = indicateurs_droits(journal, periode, idents, dispositif is None)
    par_dispositif = {
        ident: _indicateurs(
            policy,
            ident,
            periode,
            comptes.get(ident, Comptes()),
            acts.get(ident, Activite()),
            rythmes.get(ident, Rythme()),
            occs[ident],
            droits.get(ident, IndicateursDroits()),
        )
        for ident in idents
    }
    total = _total(par_dispositif, comptes[None], acts[None], rythmes[None], occs[None], idents)
    total = replace(total, droits=droits[None])
    return Bilan(
        politique=policy.nom,
        periode=periode,
        dispositif=dispositif,
        total=total,
        par_dispositif=par_dispositif,
        libelles=libelles_dispositifs(policy, idents),
        source=journal.source,
        evenements=journal.evenements,
        lignes_ignorees=journal.lignes_ignorees,
        problemes=tuple(journal.problemes()),
        motifs={
            MOTIF_REORIENTATION: "Réorientation",
            **{m: d.libelle for i in idents for m, d in policy.dispositifs[i].motifs_sortie.items()},
        },
        capacites_communes=communes,
        departement=policy.departement,
        provenance=provenance or provenance_journal(journal),
    )


def _indicateurs(
    policy: Policy,
    ident: str,
    periode: Periode,
    c: Comptes,
    act: Activite,
    ryt: Rythme,
    occ: Occupation,
    droits: IndicateursDroits,
) -> Indicateurs:
    disp = policy.dispositifs[ident]
    pos, emp = positives(disp, c.sorties_par_motif)
    return Indicateurs(
        accompagnees=c.accompagnees,
        sorties=c.sorties,
        encore_suivies=c.encore_suivies,
        entrees=c.entrees,
        sorties_par_motif=dict(c.sorties_par_motif),
        sorties_par_categorie=categories(disp, c.sorties_par_motif),
        sorties_positives=pos,
        sorties_emploi=emp,
        duree_totale_jours=c.duree_totale_jours,
        duree_mediane_jours=c.duree_mediane_jours,
        objectifs=objectifs(ident, disp, c.sorties_par_motif, c.sorties, c.accompagnees, periode.au),
        repartition=c.repartition,
        activite=act,
        rythme=ryt,
        occupation=occ,
        veille=BilanVeille(sorties_observees=c.veille_observees, en_emploi=c.veille_en_emploi),
        droits=droits,
    )


def _total(
    par: dict[str, Indicateurs],
    c: Comptes,
    act: Activite,
    ryt: Rythme,
    occ: Occupation,
    idents: tuple[str, ...],
) -> Indicateurs:
    if len(idents) == 1:
        return par[idents[0]]
    categ: dict[str, int] = {}
    for ind in par.values():
        for k, n in ind.sorties_par_categorie.items():
            categ[k] = categ.get(k, 0) + n
    return Indicateurs(
        accompagnees=c.accompagnees,
        sorties=c.sorties,
        encore_suivies=c.encore_suivies,
        entrees=c.entrees,
        sorties_par_motif=dict(c.sorties_par_motif),
        sorties_par_categorie=dict(sorted(categ.items())),
        sorties_positives=sum(i.sorties_positives for i in par.values()),
        sorties_emploi=sum(i.sorties_emploi for i in par.values()),
        duree_totale_jours=c.duree_totale_jours,
        duree_mediane_jours=c.duree_mediane_jours,
        objectifs={},  # each dispositif has its own; a sum of different definitions means nothing
        repartition=c.repartition,
        activite=act,
        rythme=ryt,
        occupation=occ,
        veille=BilanVeille(sorties_observees=c.veille_observees, en_emploi=c.veille_en_emploi),
    )
