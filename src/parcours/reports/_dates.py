"""Vectorised calendar arithmetic on arrays of days (numpy ``datetime64[D]``).

Same rules as :meth:`parcours.policies.durations.Duree.ajouter`: days and weeks add exact
days; months and years add calendar months and clamp to the last day of the target month.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from parcours.policies.durations import Duree
from parcours.policies.values import Param

__all__ = ["Jours", "ajouter", "ajouter_selon"]

Jours = npt.NDArray[np.datetime64]


def ajouter(jours: Jours, duree: Duree) -> Jours:
    """``jours + duree`` for each element."""
    if duree.unite == "jours":
        return jours + np.timedelta64(duree.nombre, "D")
    if duree.unite == "semaines":
        return jours + np.timedelta64(7 * duree.nombre, "D")
    months = duree.nombre * (12 if duree.unite == "ans" else 1)
    mois = jours.astype("datetime64[M]")
    rang = (jours - mois.astype("datetime64[D]")).astype(np.int64)
    cible = mois + np.timedelta64(months, "M")
    longueur = (
        (cible + np.timedelta64(1, "M")).astype("datetime64[D]") - cible.astype("datetime64[D]")
    ).astype(np.int64)
    result: Jours = cible.astype("datetime64[D]") + np.minimum(rang, longueur - 1).astype("timedelta64[D]")
    return result


def ajouter_selon(param: Param[Duree], jours: Jours, quand: Jours) -> Jours:
    """``jours +`` the duration in force on ``quand`` (element-wise); NaT where none is in force."""
    result = np.full(jours.shape, np.datetime64("NaT"), dtype="datetime64[D]")
    versions = list(param.versions)
    for i, version in enumerate(versions):
        mask = np.ones(jours.shape, dtype=bool)
        if version.debut is not None:
            mask &= quand >= np.datetime64(version.debut, "D")
        if i + 1 < len(versions) and versions[i + 1].debut is not None:
            mask &= quand < np.datetime64(versions[i + 1].debut, "D")
        if mask.any():
            result[mask] = ajouter(jours[mask], version.valeur)
    return result
