"""Capacity: who starts when, first come first served, when places are counted.

Places are counted at the start of each day: a place freed by an exit on day ``d`` is taken
again from day ``d + 1``. The kernel therefore never starts more people on a day than there
are free places, whatever order the engine later replays that day's events in. People ready
on a day when no place is free wait (``si_complet: attente``) or are refused (``refus``).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import numpy.typing as npt

from parcours.simulation.tables import Tableaux

__all__ = ["demarrer"]

I64 = npt.NDArray[np.int64]


def demarrer(
    regles: Tableaux,
    pret: I64,
    echelle: float,
    issue: Callable[[I64, I64 | int], I64],
) -> tuple[I64, npt.NDArray[np.bool_]]:
    """The démarrage day of each dossier (-1: not started within the period) and who was refused.

    ``pret`` is the day each dossier is ready to start (sorted by arrival, FIFO order);
    ``issue(idx, jour)`` draws the exits of the dossiers ``idx`` starting on ``jour`` and returns
    their exit days, which free the places.
    """
    n, debut = regles.n, regles.debut
    demarrage = np.full(pret.shape[0], -1, dtype=np.int64)
    refuse = np.zeros(pret.shape[0], dtype=np.bool_)
    offset = pret - debut
    if np.isinf(regles.capacite).all():
        ok = (offset >= 0) & (offset < n)
        ok[ok] = regles.ouvert[offset[ok]]
        idx = np.flatnonzero(ok)
        demarrage[idx] = pret[idx]
        if idx.size:
            issue(idx, pret[idx])
        return demarrage, refuse
    places = np.where(np.isinf(regles.capacite), np.iinfo(np.int64).max // 4, 0).astype(np.int64)
    finite = np.isfinite(regles.capacite)
    places[finite] = np.maximum(np.rint(regles.capacite[finite] * echelle), 1).astype(np.int64)
    ordre = np.argsort(pret, kind="stable")
    pret_trie = pret[ordre]
    prets_au = np.searchsorted(pret_trie, np.arange(debut, debut + n), side="right")
    liberes = np.zeros(n + 2, dtype=np.int64)
    occupees = 0
    tete = 0
    for d in range(n):
        occupees -= int(liberes[d])
        disponibles = int(prets_au[d]) - tete
        if disponibles <= 0 or not regles.ouvert[d]:
            continue
        k = min(int(places[d]) - occupees, disponibles)
        if k > 0:
            idx = ordre[tete : tete + k]
            demarrage[idx] = debut + d
            sorties = issue(idx, debut + d)
            liberes += np.bincount(np.clip(sorties - debut + 1, 0, n + 1), minlength=n + 2)
            occupees += k
            tete += k
        if regles.refus and tete < prets_au[d]:
            refuse[ordre[tete : prets_au[d]]] = True
            tete = int(prets_au[d])
    return demarrage, refuse
