"""Policy and cohort values as day-by-day arrays over the simulated period.

A value may change over time (date-keyed versions); the kernel reads the value in force on a
dossier's démarrage (or arrival) day by indexing these arrays with the day's offset.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt

from parcours.errors import PolicyError
from parcours.policies.durations import Duree
from parcours.policies.rules import ReglesDatees
from parcours.policies.values import Param
from parcours.simulation._calendar import date_de, en_mois_jours, jour

__all__ = ["ouvert", "regle", "regle_duree", "serie", "serie_duree"]

T = TypeVar("T")


def _versions(param: Param[Any], debut: int, n: int) -> list[tuple[int, int, Any]]:
    """(first offset, end offset, value) of each version overlapping [debut, debut + n)."""
    out: list[tuple[int, int, Any]] = []
    versions = param.versions
    for i, version in enumerate(versions):
        start = 0 if version.debut is None else jour(version.debut) - debut
        nxt = versions[i + 1].debut if i + 1 < len(versions) else None
        end = n if nxt is None else jour(nxt) - debut
        start, end = max(start, 0), min(end, n)
        if start < end:
            out.append((start, end, version.valeur))
    return out


def serie(
    param: Param[T] | None,
    debut: int,
    n: int,
    defaut: float | None,
    nom: str,
    conv: Callable[[T], float] = float,  # type: ignore[assignment]
) -> npt.NDArray[np.float64]:
    """The value in force on each of ``n`` days from day ``debut`` (``defaut`` when absent).

    A day with no version yet in force takes ``defaut``. A behaviour with no default (an exit
    hazard) takes its first version before its first date: a cohort model fitted from some
    date says nothing else of the people who started earlier. Without any version it is an
    error.
    """
    out = np.full(n, np.nan if defaut is None else defaut, dtype=np.float64)
    if param is not None:
        for start, end, value in _versions(param, debut, n):
            out[start:end] = conv(value)
        if defaut is None and n and param.versions:
            avant = np.isnan(out) & (np.arange(debut, debut + n) < _premier_jour(param, debut))
            out[avant] = conv(param.versions[0].valeur)
    if defaut is None and n and np.isnan(out).any():
        first = int(np.flatnonzero(np.isnan(out))[0])
        raise PolicyError(f"{nom} : aucune valeur en vigueur le {date_de(debut + first).isoformat()}")
    return out


def _premier_jour(param: Param[Any], defaut: int) -> int:
    premier = param.versions[0].debut
    return defaut if premier is None else jour(premier)


def serie_duree(
    param: Param[Duree] | None, debut: int, n: int, defaut: Duree | None
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.bool_]]:
    """A duration on each day as (months, days, defined) arrays."""
    mois = np.zeros(n, dtype=np.int64)
    jours = np.zeros(n, dtype=np.int64)
    defini = np.zeros(n, dtype=np.bool_)
    if defaut is not None:
        mois[:], jours[:] = en_mois_jours(defaut)
        defini[:] = True
    if param is not None:
        for start, end, value in _versions(param, debut, n):
            mois[start:end], jours[start:end] = en_mois_jours(value)
            defini[start:end] = True
    return mois, jours, defini


def _fenetres(regles: ReglesDatees, debut: int, n: int) -> list[tuple[int, int, Any]]:
    """(first offset, end offset, rules) of each window of ``regles`` overlapping the period;
    days before the opening belong to no window."""
    out: list[tuple[int, int, Any]] = []
    for fenetre in regles:
        start = 0 if fenetre.debut is None else jour(fenetre.debut) - debut
        end = n if fenetre.fin is None else jour(fenetre.fin) - debut
        start, end = max(start, 0), min(end, n)
        if start < end:
            out.append((start, end, fenetre))
    return out


def regle(
    regles: ReglesDatees,
    attribut: str,
    debut: int,
    n: int,
    defaut: float,
    conv: Callable[[Any], float] = float,
) -> npt.NDArray[np.float64]:
    """The rule ``attribut`` of the compiled rules in force on each day (``defaut`` when absent)."""
    out = np.full(n, defaut, dtype=np.float64)
    for start, end, fenetre in _fenetres(regles, debut, n):
        valeur = getattr(fenetre, attribut)
        if valeur is not None:
            out[start:end] = float(valeur)
    return out


def regle_duree(
    regles: ReglesDatees, attribut: str, debut: int, n: int, defaut: Duree | None
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.bool_]]:
    """A duration rule on each day as (months, days, defined) arrays (``defaut`` when absent)."""
    mois = np.zeros(n, dtype=np.int64)
    jours = np.zeros(n, dtype=np.int64)
    defini = np.zeros(n, dtype=np.bool_)
    if defaut is not None:
        mois[:], jours[:] = en_mois_jours(defaut)
        defini[:] = True
    for start, end, fenetre in _fenetres(regles, debut, n):
        valeur = getattr(fenetre, attribut)
        if valeur is not None:
            mois[start:end], jours[start:end] = en_mois_jours(valeur)
            defini[start:end] = True
    return mois, jours, defini


def ouvert(regles: ReglesDatees, debut: int, n: int) -> npt.NDArray[np.bool_]:
    """Whether the dispositif is open (entries and démarrages allowed) on each day."""
    out = np.zeros(n, dtype=np.bool_)
    jours = np.arange(debut, debut + n)
    for start, end, fenetre in _fenetres(regles, debut, n):
        ok = np.ones(end - start, dtype=np.bool_)
        if fenetre.convention_debut is not None:
            ok &= jours[start:end] >= jour(fenetre.convention_debut)
        if fenetre.convention_fin is not None:
            ok &= jours[start:end] <= jour(fenetre.convention_fin)
        out[start:end] = ok
    return out
