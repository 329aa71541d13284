"""The activity of a period (seed 003): CER signed, interviews, people received and mobilised.

Counted over the events dated in the period, for the dossiers of the chosen dispositifs:

- ``cer_signes``: ``cer_signe`` events;
- ``rendez_vous`` / ``rendez_vous_manques``: ``entretien`` events held (``presence`` other than
  ``absent``, or not given) / missed (``absent``);
- ``personnes_recues``: dossiers with at least one event in the period, leaving out events the
  engine generated (``genere``) and alerts;
- ``personnes_mobilisees``: among those received, the dossiers whose accompaniment started
  (first ``demarrage``) on or before the period's end;
- ``entrees_accompagnement_global``: démarrages in a dispositif whose id is
  ``accompagnement_global`` plus réorientations ``vers`` it (003: « Nombre d'entrées en
  Accompagnement global »);
- ``reorientations``: ``reorientation`` events.

The counts are made a group of dossiers at a time (the groups the journal was judged in, see
:mod:`parcours.reports.reading`) and added up: a dossier is in one group only, so the people
counted once per group are counted once in all, and the memory is that of one group.
"""

from __future__ import annotations

from typing import Any

from parcours.reports._sql import chaine, jour, liste
from parcours.reports.model import Activite
from parcours.reports.period import Periode
from parcours.reports.reading import JournalLu

__all__ = ["ACCOMPAGNEMENT_GLOBAL", "activite"]

ACCOMPAGNEMENT_GLOBAL = "accompagnement_global"


def activite(
    journal: JournalLu, periode: Periode, dispositifs: tuple[str, ...]
) -> dict[str | None, Activite]:
    du, au = jour(periode.du), jour(periode.au)
    ag = chaine(ACCOMPAGNEMENT_GLOBAL)
    sommes: dict[str | None, list[int]] = {}
    for groupe in range(journal.groupes):
        for disp, *valeurs in _du_groupe(journal, groupe, du, au, ag, dispositifs):
            total = sommes.setdefault(disp, [0] * len(valeurs))
            total[:] = [t + int(v) for t, v in zip(total, valeurs, strict=True)]
    result: dict[str | None, Activite] = {None: Activite()}
    for disp, (cer, rdv, manques, recues, mobilisees, ag_n, reor) in sommes.items():
        result[disp] = Activite(
            cer_signes=cer,
            rendez_vous=rdv,
            rendez_vous_manques=manques,
            personnes_recues=recues,
            personnes_mobilisees=mobilisees,
            entrees_accompagnement_global=ag_n,
            reorientations=reor,
        )
    return result


def _du_groupe(
    journal: JournalLu, groupe: int, du: str, au: str, ag: str, dispositifs: tuple[str, ...]
) -> list[tuple[Any, ...]]:
    return journal.sql(
        f"""
        SELECT d.dispositif,
          count(*) FILTER (WHERE e.evenement = 'cer_signe'),
          count(*) FILTER (WHERE e.evenement = 'entretien' AND coalesce(e.presence, '') <> 'absent'),
          count(*) FILTER (WHERE e.evenement = 'entretien' AND e.presence = 'absent'),
          count(DISTINCT e.dossier) FILTER (WHERE NOT e.genere AND e.evenement <> 'alerte'),
          count(DISTINCT e.dossier) FILTER (
            WHERE NOT e.genere AND e.evenement <> 'alerte' AND d.debut <= {au}),
          count(*) FILTER (
            WHERE (e.evenement = 'demarrage' AND e.numero = d.num_debut AND d.dispositif = {ag})
               OR (e.evenement = 'reorientation' AND e.vers = {ag})),
          count(*) FILTER (WHERE e.evenement = 'reorientation')
        FROM (SELECT * FROM ev WHERE groupe = {groupe}) e
        JOIN (SELECT * FROM dossiers WHERE groupe = {groupe}) d USING (dossier)
        WHERE e.jour BETWEEN {du} AND {au} AND d.dispositif IN {liste(dispositifs)}
        GROUP BY GROUPING SETS ((d.dispositif), ())
        """
    )
