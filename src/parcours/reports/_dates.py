"""Vectorised calendar arithmetic on arrays of days (numpy ``datetime64[D]``).

Same rules as :meth:`parcours.policies.durations.Duree.ajouter`: days and weeks add exact
days; months and years add calendar months and clamp to the last day of the target month.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from parcours.policies.durations import Duree
from parcours.policies.rules import ReglesDatees

__all__ = ["Jours", "ajouter", "ajouter_regle"]

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


def ajouter_regle(regles: ReglesDatees, attribut: str, jours: Jours, quand: Jours) -> Jours:
    """``jours +`` the duration rule ``attribut`` in force on ``quand`` (element-wise, from the
    compiled rules the engine applies); NaT where it is absent."""
    result = np.full(jours.shape, np.datetime64("NaT"), dtype="datetime64[D]")
    for fenetre in regles:
        duree = getattr(fenetre, attribut)
        if duree is None:
            continue
        mask = np.ones(jours.shape, dtype=bool)
        if fenetre.debut is not None:
            mask &= quand >= np.datetime64(fenetre.debut, "D")
        if fenetre.fin is not None:
            mask &= quand < np.datetime64(fenetre.fin, "D")
        if regles.ouverture is not None:
            mask &= quand >= np.datetime64(regles.ouverture, "D")
        if mask.any():
            result[mask] = ajouter(jours[mask], duree)
    return result
