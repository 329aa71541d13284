"""The indicators of the droits et devoirs track over a period, from the ``droits`` table.

Like rdv-insertion's delay rates, a rate counts only the **mature** delays of the period:
those that started in it and whose deadline has passed by its last day (a delay still
running could yet be met); the number of mature delays is given beside each rate. The
deadlines are the engine's own (engine/rights/deadlines.py), with the national values in
force on the day each delay starts.

- ``orientes``: dossiers with an ``orientation`` in the period.
- ``taux_orientation_6_semaines``: among the rights opened (``ouverture_droit``) in the period
  whose orientation delay is over, the share oriented by their deadline;
  ``delai_median_orientation_jours``: the median days from the opening to the (first)
  orientation, over those of them oriented.
- ``taux_contrat_1_mois``: among the orientations of the period whose contract delay is over,
  the share followed by a ``contrat_engagement`` by their deadline. An orientation replaced by
  a new one (or by a new opening of the right) before its deadline has no delay of its own
  any more: the new one starts a new month (C. trav. D. 5411-8-2 and D. 5411-14-2) and it is
  left out; replaced after its deadline, it was missed. ``delai_median_contrat_jours``: the
  median days from the orientation to its contract.
- ``heures_hebdomadaires_moyennes``: the mean weekly hours of the contracts signed in the
  period (those that give them); ``part_dispenses``: the share of those contracts with a
  ``dispense``.
- ``sanctions``: sanctions of the period; ``taux_remobilisation``: among the sanctions of the
  period whose suspension is over, the share ended by a ``remobilisation``.
- ``reexamens_en_retard``: dossiers whose contract is in force at the period's end, in a
  re-examined parcours, with their re-examination deadline passed.

Indicators are given per dispositif and in total: a dossier's track belongs to the
dispositif its national events name, or else to the dispositif of its accompaniment (same
dossier id); a track that has neither counts in the total only.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import date
from typing import Any

import pyarrow as pa

from parcours.engine.rights.deadlines import contrat_du, orientation_due, reexamen_du
from parcours.policies.durations import Duree
from parcours.policies.rights_rules import ReglesDroitsDatees, regles_droits
from parcours.reports._sql import jour, liste
from parcours.reports.model import IndicateursDroits
from parcours.reports.period import Periode
from parcours.reports.reading import JournalLu

__all__ = ["indicateurs_droits"]

Cle = str | None  # a dispositif id, None for the total
_GROUPES = """
CREATE OR REPLACE TEMP TABLE droits_groupe AS
SELECT d.dossier, coalesce(d.disp, x.dispositif, '') AS groupe
FROM (SELECT dossier, arg_min(dispositif, numero) FILTER (WHERE dispositif IS NOT NULL) AS disp
      FROM droits GROUP BY dossier) d
LEFT JOIN dossiers x ON x.nom = d.dossier
"""
_PAR_GROUPE = "GROUP BY GROUPING SETS ((g.groupe), ())"


def _enregistrer(
    journal: JournalLu, nom: str, colonnes: dict[str, list[Any]], types: dict[str, pa.DataType]
) -> None:
    table = pa.table({k: pa.array(v, types[k]) for k, v in colonnes.items()})
    journal.con.register(f"{nom}_arrow", table)
    journal.con.execute(f"CREATE OR REPLACE TEMP TABLE {nom} AS SELECT * FROM {nom}_arrow")
    journal.con.unregister(f"{nom}_arrow")


def _echeances(journal: JournalLu, datees: ReglesDroitsDatees) -> None:
    """The deadline of every delay start the journal holds, by the engine's rules."""
    ouvertures = [
        d for (d,) in journal.sql("SELECT DISTINCT jour FROM droits WHERE evenement = 'ouverture_droit'")
    ]
    dues = [(d, orientation_due(datees, d)) for d in ouvertures]
    _enregistrer(
        journal,
        "echeances_orientation",
        {"ouverture": [d for d, e in dues if e], "echeance": [e for _, e in dues if e]},
        {"ouverture": pa.date32(), "echeance": pa.date32()},
    )
    orientations = journal.sql(
        "SELECT DISTINCT jour, parcours, organisme FROM droits WHERE evenement = 'orientation'"
    )
    contrats = [(d, p, o, contrat_du(datees, d, p, o)) for d, p, o in orientations]
    contrats = [c for c in contrats if c[3] is not None]
    _enregistrer(
        journal,
        "echeances_contrat",
        {k: [c[i] for c in contrats] for i, k in enumerate(("jour", "parcours", "organisme", "echeance"))},
        {"jour": pa.date32(), "parcours": pa.string(), "organisme": pa.string(), "echeance": pa.date32()},
    )
    sanctions = journal.sql("SELECT DISTINCT jour, mois FROM droits WHERE evenement = 'sanction'")
    fins = [(d, m, Duree(int(m), "mois").ajouter(d)) for d, m in sanctions]
    _enregistrer(
        journal,
        "fins_suspension",
        {"jour": [f[0] for f in fins], "mois": [f[1] for f in fins], "fin": [f[2] for f in fins]},
        {"jour": pa.date32(), "mois": pa.int64(), "fin": pa.date32()},
    )


def _orientation(journal: JournalLu, du: str, au: str, filtre: str) -> list[tuple[Any, ...]]:
    return journal.sql(
        f"""
        WITH r AS (
          SELECT dossier, numero, evenement, jour,
                 max(CASE WHEN evenement = 'ouverture_droit' THEN numero END)
                   OVER (PARTITION BY dossier ORDER BY numero ROWS UNBOUNDED PRECEDING) AS ouv
          FROM droits WHERE evenement IN ('ouverture_droit', 'orientation')
        ), e AS (
          SELECT dossier, min(jour) FILTER (WHERE evenement = 'ouverture_droit') AS ouverture,
                 min(jour) FILTER (WHERE evenement = 'orientation') AS orientation
          FROM r WHERE ouv IS NOT NULL GROUP BY dossier, ouv
        )
        SELECT g.groupe, count(*), count(*) FILTER (WHERE e.orientation <= k.echeance),
               median(e.orientation - e.ouverture) FILTER (WHERE e.orientation <= {au})
        FROM e JOIN echeances_orientation k USING (ouverture) JOIN droits_groupe g USING (dossier)
        WHERE e.ouverture BETWEEN {du} AND {au} AND k.echeance <= {au} AND {filtre}
        {_PAR_GROUPE}
        """
    )


def _contrat(journal: JournalLu, du: str, au: str, filtre: str) -> list[tuple[Any, ...]]:
    return journal.sql(
        f"""
        WITH r AS (
          SELECT dossier, numero, evenement, jour, parcours, organisme,
                 max(CASE WHEN evenement IN ('ouverture_droit', 'orientation') THEN numero END)
                   OVER (PARTITION BY dossier ORDER BY numero ROWS UNBOUNDED PRECEDING) AS ori
          FROM droits WHERE evenement IN ('ouverture_droit', 'orientation', 'contrat_engagement')
        ), o AS (
          SELECT dossier, numero, evenement, jour, parcours, organisme,
                 lead(jour) OVER (PARTITION BY dossier ORDER BY numero) AS interruption
          FROM r WHERE evenement IN ('ouverture_droit', 'orientation')
        ), c AS (
          SELECT dossier, ori, min(jour) AS contrat FROM r
          WHERE evenement = 'contrat_engagement' GROUP BY dossier, ori
        ), e AS (
          SELECT o.dossier, o.jour AS orientation, o.parcours, o.organisme, o.interruption, c.contrat
          FROM o LEFT JOIN c ON c.dossier = o.dossier AND c.ori = o.numero
          WHERE o.evenement = 'orientation'
        )
        SELECT g.groupe, count(*), count(*) FILTER (WHERE e.contrat <= k.echeance),
               median(e.contrat - e.orientation) FILTER (WHERE e.contrat <= {au})
        FROM e JOIN echeances_contrat k
               ON k.jour = e.orientation AND k.parcours = e.parcours AND k.organisme = e.organisme
             JOIN droits_groupe g USING (dossier)
        WHERE e.orientation BETWEEN {du} AND {au} AND k.echeance <= {au} AND {filtre}
          AND NOT (e.contrat IS NULL AND e.interruption IS NOT NULL AND e.interruption <= k.echeance)
        {_PAR_GROUPE}
        """
    )


def _remobilisation(journal: JournalLu, du: str, au: str, filtre: str) -> list[tuple[Any, ...]]:
    return journal.sql(
        f"""
        WITH r AS (
          SELECT dossier, numero, evenement, jour, mois,
                 max(CASE WHEN evenement = 'sanction' THEN numero END)
                   OVER (PARTITION BY dossier ORDER BY numero ROWS UNBOUNDED PRECEDING) AS san
          FROM droits WHERE evenement IN ('sanction', 'remobilisation')
        ), s AS (
          SELECT dossier, min(jour) FILTER (WHERE evenement = 'sanction') AS sanction,
                 min(mois) FILTER (WHERE evenement = 'sanction') AS mois,
                 min(jour) FILTER (WHERE evenement = 'remobilisation') AS remobilisation
          FROM r WHERE san IS NOT NULL GROUP BY dossier, san
        )
        SELECT g.groupe, count(*), count(*) FILTER (WHERE s.remobilisation <= f.fin)
        FROM s JOIN fins_suspension f ON f.jour = s.sanction AND f.mois = s.mois
             JOIN droits_groupe g USING (dossier)
        WHERE s.sanction BETWEEN {du} AND {au} AND f.fin <= {au} AND {filtre}
        {_PAR_GROUPE}
        """
    )


def _periode(journal: JournalLu, du: str, au: str, filtre: str) -> list[tuple[Any, ...]]:
    return journal.sql(
        f"""
        SELECT g.groupe, count(*),
               count(DISTINCT d.dossier) FILTER (WHERE d.evenement = 'orientation'),
               count(*) FILTER (WHERE d.evenement = 'contrat_engagement'),
               count(d.heures_hebdomadaires) FILTER (WHERE d.evenement = 'contrat_engagement'),
               coalesce(sum(d.heures_hebdomadaires) FILTER (WHERE d.evenement = 'contrat_engagement'), 0),
               count(d.dispense) FILTER (WHERE d.evenement = 'contrat_engagement'),
               count(*) FILTER (WHERE d.evenement = 'sanction')
        FROM droits d JOIN droits_groupe g USING (dossier)
        WHERE d.jour BETWEEN {du} AND {au} AND {filtre}
        {_PAR_GROUPE}
        """
    )


def _en_retard(journal: JournalLu, datees: ReglesDroitsDatees, fin: date, filtre: str) -> dict[Cle, int]:
    """Contracts in force at ``fin`` whose re-examination deadline has passed, by group."""
    rows = journal.sql(
        f"""
        WITH etat AS (
          SELECT dossier,
            arg_max(evenement, numero) FILTER (
              WHERE evenement IN ('ouverture_droit', 'orientation', 'contrat_engagement')) AS dernier,
            arg_max(parcours, numero) FILTER (WHERE evenement = 'orientation') AS parcours,
            arg_max(jour, numero) FILTER (WHERE evenement IN ('contrat_engagement', 'reexamen')) AS revision,
            arg_max(difficultes, numero) FILTER (
              WHERE evenement IN ('contrat_engagement', 'reexamen')) AS difficultes
          FROM droits WHERE jour <= {jour(fin)} GROUP BY dossier
        )
        SELECT g.groupe, e.parcours, e.revision, e.difficultes, count(*)
        FROM etat e JOIN droits_groupe g USING (dossier)
        WHERE e.dernier = 'contrat_engagement' AND {filtre}
        GROUP BY ALL
        """
    )
    out: dict[Cle, int] = defaultdict(int)
    for groupe, parcours, revision, difficultes, n in rows:
        du = reexamen_du(datees, revision, parcours, bool(difficultes))
        if du is not None and du < fin:
            out[groupe] += int(n)
            out[None] += int(n)
    return out


def _remplir(
    result: dict[Cle, IndicateursDroits],
    rows: Iterable[tuple[Any, ...]],
    champs: Callable[[tuple[Any, ...]], dict[str, Any]],
) -> None:
    for row in rows:
        cle: Cle = row[0]
        result[cle] = replace(result.get(cle, IndicateursDroits()), **champs(row[1:]))


def _mediane(valeur: Any) -> float | None:
    return None if valeur is None else float(valeur)


def indicateurs_droits(
    journal: JournalLu, periode: Periode, dispositifs: tuple[str, ...], toutes: bool
) -> dict[Cle, IndicateursDroits]:
    """The track's indicators per dispositif of ``dispositifs`` and in total (key None); with
    ``toutes``, the total also counts the tracks that belong to no dispositif."""
    datees = regles_droits(journal.policy)
    if datees is None or journal.evenements_droits == 0:
        return {None: IndicateursDroits()}
    journal.con.execute(_GROUPES)
    _echeances(journal, datees)
    du, au = jour(periode.du), jour(periode.au)
    filtre = "true" if toutes else f"g.groupe IN {liste(dispositifs)}"
    result: dict[Cle, IndicateursDroits] = {None: IndicateursDroits()}
    _remplir(
        result,
        _periode(journal, du, au, filtre),
        lambda r: dict(
            evenements=int(r[0]),
            orientes=int(r[1]),
            contrats_engagement=int(r[2]),
            contrats_avec_heures=int(r[3]),
            heures_contractuelles=float(r[4]),
            dispenses=int(r[5]),
            sanctions=int(r[6]),
        ),
    )
    _remplir(
        result,
        _orientation(journal, du, au, filtre),
        lambda r: dict(
            matures_orientation=int(r[0]),
            orientations_dans_le_delai=int(r[1]),
            delai_median_orientation_jours=_mediane(r[2]),
        ),
    )
    _remplir(
        result,
        _contrat(journal, du, au, filtre),
        lambda r: dict(
            matures_contrat=int(r[0]),
            contrats_dans_le_delai=int(r[1]),
            delai_median_contrat_jours=_mediane(r[2]),
        ),
    )
    _remplir(
        result,
        _remobilisation(journal, du, au, filtre),
        lambda r: dict(matures_remobilisation=int(r[0]), remobilisations_dans_le_delai=int(r[1])),
    )
    for cle, n in _en_retard(journal, datees, periode.au, filtre).items():
        result[cle] = replace(result.get(cle, IndicateursDroits()), reexamens_en_retard=n)
    return result
