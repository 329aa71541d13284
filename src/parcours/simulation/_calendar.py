"""Vectorised calendar arithmetic on day numbers (days since 1970-01-01, int64).

Durations of the policy language add either whole days or calendar months clamped to the
month's end (see :mod:`parcours.policies.durations`); here the same rule is applied to whole
arrays of dates at once, a duration being split into a number of months and a number of days.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache

import numpy as np
import numpy.typing as npt

from parcours.policies.durations import Duree

__all__ = ["Calendrier", "Jours", "ajouter", "ajouter_mois", "calendrier", "date_de", "en_mois_jours", "jour"]

Jours = npt.NDArray[np.int64]
_EPOCH = date(1970, 1, 1).toordinal()


def jour(d: date) -> int:
    """The day number of ``d``."""
    return d.toordinal() - _EPOCH


def date_de(n: int) -> date:
    """The date of day number ``n``."""
    return date.fromordinal(int(n) + _EPOCH)


def en_mois_jours(duree: Duree | None) -> tuple[int, int]:
    """A duration as (months, days); ``None`` as (0, 0)."""
    if duree is None:
        return 0, 0
    if duree.unite == "jours":
        return 0, duree.nombre
    if duree.unite == "semaines":
        return 0, 7 * duree.nombre
    return duree.nombre * (12 if duree.unite == "ans" else 1), 0


def ajouter_mois(jours: Jours, mois: npt.ArrayLike) -> Jours:
    """``jours`` plus ``mois`` calendar months, the day clamped to the target month's length."""
    d = jours.astype("datetime64[D]")
    debut_mois = d.astype("datetime64[M]")
    quantieme = (d - debut_mois.astype("datetime64[D]")).astype(np.int64)
    cible = debut_mois + np.asarray(mois, dtype=np.int64).astype("timedelta64[M]")
    premier = cible.astype("datetime64[D]")
    longueur = ((cible + np.timedelta64(1, "M")).astype("datetime64[D]") - premier).astype(np.int64)
    out: Jours = premier.astype(np.int64) + np.minimum(quantieme, longueur - 1)
    return out


def ajouter(jours: Jours, mois: npt.ArrayLike, nb_jours: npt.ArrayLike) -> Jours:
    """``jours`` plus a duration given as months (calendar) and days (exact)."""
    mois_arr = np.asarray(mois)
    base = jours if not mois_arr.any() else ajouter_mois(jours, mois_arr)
    return base + np.asarray(nb_jours, dtype=np.int64)


class Calendrier:
    """``ajouter`` made cheap for days of the simulated period: a table of month additions.

    ``table[r, m]`` is day ``debut + r`` plus ``m`` calendar months, for every simulated day
    and every month count that can still land inside the period; anything else falls back to
    :func:`ajouter_mois`. Same results, a single indexing instead of date conversions.
    """

    def __init__(self, debut: int, n: int) -> None:
        self.debut = debut
        self.lignes = n + 2
        self.mois_max = (n + 2) // 28 + 14
        jours = np.arange(debut, debut + self.lignes, dtype=np.int64)
        self.table = np.stack(
            [ajouter_mois(jours, np.full(self.lignes, m)) for m in range(self.mois_max + 1)], 1
        )

    def ajouter(self, jours: Jours | int, mois: npt.ArrayLike, nb_jours: npt.ArrayLike) -> Jours:
        """``jours`` (an array, or one day for a whole batch) plus months and days."""
        mois_arr = np.asarray(mois, dtype=np.int64)
        if np.ndim(jours) == 0:
            r = int(jours) - self.debut
            if 0 <= r < self.lignes and (
                mois_arr.size == 0 or (mois_arr.min() >= 0 and mois_arr.max() <= self.mois_max)
            ):
                rapide: Jours = self.table[r][mois_arr] + np.asarray(nb_jours, dtype=np.int64)
                return rapide
            jours = np.full(mois_arr.shape or (1,), int(jours), dtype=np.int64)
        jours_arr = np.asarray(jours, dtype=np.int64)
        mois_arr = (
            np.broadcast_to(mois_arr, jours_arr.shape) if mois_arr.shape != jours_arr.shape else mois_arr
        )
        r_arr = jours_arr - self.debut
        ok = (r_arr >= 0) & (r_arr < self.lignes) & (mois_arr >= 0) & (mois_arr <= self.mois_max)
        if ok.all():
            base = self.table[r_arr, mois_arr]
        else:
            base = np.empty(jours_arr.shape, dtype=np.int64)
            base[ok] = self.table[r_arr[ok], mois_arr[ok]]
            base[~ok] = ajouter_mois(jours_arr[~ok], mois_arr[~ok])
        out: Jours = base + np.asarray(nb_jours, dtype=np.int64)
        return out


@lru_cache(maxsize=16)
def calendrier(debut: int, n: int) -> Calendrier:
    """The month table of ``n`` days from ``debut``, built once (it is only read): the runs of a
    calibration compile the same period many times."""
    table = Calendrier(debut, n)
    table.table.setflags(write=False)
    return table
