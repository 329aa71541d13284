"""Occupancy of the places, day by day, against the capacity and the référents' ETP.

An accompaniment occupies a place on every day from its démarrage to its exit, both
included (the same days that make a person « accompagnée »). The average occupancy of a
period is the sum of these person-days divided by its number of days; the capacity is the
policy's ``capacite.places`` averaged over the days on which a value is in force, read from
the compiled rules the engine applies.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, timedelta

import numpy as np
import numpy.typing as npt

from parcours.policies.rules import ReglesDatees, regles_datees
from parcours.policies.schema import Policy
from parcours.policies.values import Param
from parcours.reports._sql import jour, liste
from parcours.reports.model import CapacitePartagee, Occupation
from parcours.reports.period import Periode
from parcours.reports.reading import JournalLu

__all__ = ["occupation"]

Serie = npt.NDArray[np.int64]


def _serie(rows: list[tuple[date, int]], periode: Periode, decalage: int = 0) -> npt.NDArray[np.int64]:
    """Cumulative count, for each day of the period, of the dates on or before that day - decalage."""
    par_jour = np.zeros(periode.jours, dtype=np.int64)
    avant = 0
    for quand, n in rows:
        index = (quand - periode.du).days + decalage
        if index < 0:
            avant += n
        elif index < periode.jours:
            par_jour[index] += n
    result: npt.NDArray[np.int64] = np.cumsum(par_jour) + avant
    return result


def _moyenne(valeurs: Sequence[tuple[date, date, float | None]], periode: Periode) -> float | None:
    """The average over the period's days of a value given on [debut, fin) spans (None: absent)."""
    total, jours = 0.0, 0
    fin_periode = periode.au + timedelta(days=1)
    for debut, fin, valeur in valeurs:
        d, f = max(debut, periode.du), min(fin, fin_periode)
        if valeur is not None and d < f:
            total += valeur * (f - d).days
            jours += (f - d).days
    return total / jours if jours else None


def _places(regles: ReglesDatees, periode: Periode) -> float | None:
    """The dispositif's places averaged over the days a value is in force (compiled rules)."""
    spans = [
        (
            w.debut or regles.ouverture or date.min,
            w.fin or date.max,
            None if w.places is None else float(w.places),
        )
        for w in regles
    ]
    return _moyenne(spans, periode)


def _places_communes(param: Param[int] | None, periode: Periode) -> float | None:
    """A shared capacity's places averaged over the days a value is in force."""
    if param is None:
        return None
    versions = param.versions
    spans = [
        (
            v.debut or date.min,
            versions[i + 1].debut or date.max if i + 1 < len(versions) else date.max,
            float(v.valeur),
        )
        for i, v in enumerate(versions)
    ]
    return _moyenne(spans, periode)


def _au(regles: ReglesDatees, periode: Periode) -> tuple[float | None, int | None]:
    au = regles.au(periode.au)
    if au is None:
        return None, None
    return (None if au.etp is None else float(au.etp), au.portefeuille)


def _par_mois(serie: npt.NDArray[np.int64], periode: Periode) -> dict[str, float]:
    mois: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for i, valeur in enumerate(serie.tolist()):
        cle = (periode.du + timedelta(days=i)).strftime("%Y-%m")
        mois[cle][0] += valeur
        mois[cle][1] += 1
    return {k: s / n for k, (s, n) in mois.items()}


def _series(journal: JournalLu, periode: Periode, dispositifs: tuple[str, ...]) -> dict[str, Serie]:
    """For each dispositif, the number of accompaniments open on each day of the period."""
    au = jour(periode.au)
    debuts: dict[str, list[tuple[date, int]]] = defaultdict(list)
    fins: dict[str, list[tuple[date, int]]] = defaultdict(list)
    for disp, quand, n in journal.sql(
        f"""SELECT dispositif, debut, count(*) FROM dossiers
            WHERE debut <= {au} AND dispositif IN {liste(dispositifs)} GROUP BY ALL"""
    ):
        debuts[disp].append((quand, int(n)))
    for disp, quand, n in journal.sql(
        f"""SELECT dispositif, fin, count(*) FROM dossiers
            WHERE debut IS NOT NULL AND fin <= {au} AND dispositif IN {liste(dispositifs)} GROUP BY ALL"""
    ):
        fins[disp].append((quand, int(n)))
    # open on day d: started on or before d, not exited before d (exit day included)
    return {
        ident: _serie(debuts[ident], periode) - _serie(fins[ident], periode, decalage=1)
        for ident in dispositifs
    }


def occupation(
    journal: JournalLu, policy: Policy, periode: Periode, dispositifs: tuple[str, ...]
) -> tuple[dict[str | None, Occupation], dict[str, CapacitePartagee]]:
    """Occupancy per dispositif (``None``: all of them) and per shared capacity of the policy.

    A shared capacity (``capacites_communes``) is reported only when all its dispositifs are in
    ``dispositifs``: the occupancy of a part of them against the whole quota would mislead.
    """
    series = _series(journal, periode, dispositifs)
    result: dict[str | None, Occupation] = {}
    total = np.zeros(periode.jours, dtype=np.int64)
    places_total: float | None = 0.0
    etp_total: float | None = 0.0
    for ident in dispositifs:
        regles = regles_datees(policy, ident)
        serie = series[ident]
        total += serie
        places = _places(regles, periode)
        etp, porte = _au(regles, periode)
        places_total = None if places is None or places_total is None else places_total + places
        etp_total = None if etp is None or etp_total is None else etp_total + etp
        result[ident] = Occupation(
            jours=periode.jours,
            jours_accompagnement=int(serie.sum()),
            places=places,
            etp=etp,
            portefeuille_par_etp=porte,
            par_mois=_par_mois(serie, periode),
        )
    result[None] = Occupation(
        jours=periode.jours,
        jours_accompagnement=int(total.sum()),
        places=places_total if dispositifs else None,
        etp=etp_total if dispositifs else None,
        portefeuille_par_etp=result[dispositifs[0]].portefeuille_par_etp if len(dispositifs) == 1 else None,
        par_mois=_par_mois(total, periode),
    )
    communes: dict[str, CapacitePartagee] = {}
    for ident, commune in policy.capacites_communes.items():
        if not commune.dispositifs or not set(commune.dispositifs) <= set(dispositifs):
            continue
        serie = sum((series[d] for d in commune.dispositifs), np.zeros(periode.jours, dtype=np.int64))
        communes[ident] = CapacitePartagee(
            libelle=commune.libelle,
            dispositifs=tuple(commune.dispositifs),
            occupation=Occupation(
                jours=periode.jours,
                jours_accompagnement=int(serie.sum()),
                places=_places_communes(commune.places, periode),
                par_mois=_par_mois(serie, periode),
            ),
        )
    return result, communes
