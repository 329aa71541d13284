"""Vectorised calendar arithmetic on day numbers (days since 1970-01-01, int64).

Durations of the policy language add either whole days or calendar months clamped to the
month's end (see :mod:`parcours.policies.durations`); here the same rule is applied to whole
arrays of dates at once, a duration being split into a number of months and a number of days.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import numpy.typing as npt

from parcours.policies.durations import Duree

__all__ = ["Jours", "ajouter", "ajouter_mois", "date_de", "en_mois_jours", "jour"]

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
    return premier.astype(np.int64) + np.minimum(quantieme, longueur - 1)


def ajouter(jours: Jours, mois: npt.ArrayLike, nb_jours: npt.ArrayLike) -> Jours:
    """``jours`` plus a duration given as months (calendar) and days (exact)."""
    mois_arr = np.asarray(mois)
    base = jours if not mois_arr.any() else ajouter_mois(jours, mois_arr)
    return base + np.asarray(nb_jours, dtype=np.int64)
