"""Capacity: who starts when, first come first served, when places are counted.

Places are counted at the start of each day: a place freed by an exit on day ``d`` is taken
again from day ``d + 1``. The kernel therefore never starts more people on a day than there
are free places, whatever order the engine later replays that day's events in. People ready
on a day when no place is free wait (``si_complet: attente``) or are refused (``refus``).

The queue is a loop on days only where it must be. While nobody waits, a block of days is
judged at once: everyone ready in it starts on their first open day, their exits are drawn
in one batch, and the block is kept if the places never run out in it. Where they do, the
people who started before that day keep their draws, the others' are forgotten, and the queue
goes day by day until nobody waits again. A block that holds doubles the next one (up to
:data:`BLOC_MAX` days); one that does not starts again from :data:`BLOC` days, so a run where
places run out wastes at most one block of draws each time they do. Each dossier's exit
depends only on its own draws and its démarrage day, so the result is the day-by-day loop's,
with far fewer batches (tests/simulation/test_noyau.py checks both ways give the same
dossiers).
"""

from __future__ import annotations

from typing import Protocol

import numpy as np
import numpy.typing as npt

from parcours.simulation.tables import Tableaux

__all__ = ["BLOC", "BLOC_MAX", "Fins", "demarrer"]

I64 = npt.NDArray[np.int64]
#: Days judged at once while nobody waits, at first (1: the plain day-by-day loop).
BLOC = 32
#: The longest block, after blocks that held.
BLOC_MAX = 512


class Fins(Protocol):
    """Where the exits of started dossiers are drawn and kept."""

    def tirer(self, idx: I64, debut: I64 | int) -> I64:
        """Draw (and keep) the exits of dossiers ``idx`` starting on ``debut``; their exit days."""

    def effacer(self, idx: I64) -> None:
        """Forget the draws of dossiers ``idx``: they did not start then after all."""


def _prochains_ouverts(ouvert: npt.NDArray[np.bool_]) -> I64:
    """For each day offset, the first open day offset on or after it (``n``: none)."""
    n = ouvert.shape[0]
    jours = np.where(ouvert, np.arange(n), n)
    out: I64 = np.minimum.accumulate(jours[::-1])[::-1].astype(np.int64)
    return out


class _File:
    """The state of the queue between days: who is next, places taken, places freed when."""

    def __init__(self, regles: Tableaux, pret: I64, echelle: float, fins: Fins) -> None:
        n = regles.n
        self.regles = regles
        self.fins = fins
        self.debut = regles.debut
        self.places = np.where(np.isinf(regles.capacite), np.iinfo(np.int64).max // 4, 0).astype(np.int64)
        finite = np.isfinite(regles.capacite)
        self.places[finite] = np.maximum(np.rint(regles.capacite[finite] * echelle), 1).astype(np.int64)
        self.ordre = np.argsort(pret, kind="stable")
        self.pret_trie = pret[self.ordre]
        self.prets_au = np.searchsorted(self.pret_trie, np.arange(self.debut, self.debut + n), side="right")
        self.prochain = _prochains_ouverts(regles.ouvert)
        self.liberes = np.zeros(n + 2, dtype=np.int64)
        self.occupees = 0
        self.tete = 0
        self.demarrage = np.full(pret.shape[0], -1, dtype=np.int64)
        self.refuse = np.zeros(pret.shape[0], dtype=np.bool_)

    def _garder(self, idx: I64, jours: I64, sorties: I64) -> None:
        self.demarrage[idx] = jours
        self.liberes += np.bincount(
            np.clip(sorties - self.debut + 1, 0, self.regles.n + 1), minlength=self.regles.n + 2
        )

    def jour(self, d: int) -> None:
        """Day ``d`` alone: free places, start whoever fits, refuse or keep waiting the others."""
        self.occupees -= int(self.liberes[d])
        disponibles = int(self.prets_au[d]) - self.tete
        if disponibles <= 0 or not self.regles.ouvert[d]:
            return
        k = min(int(self.places[d]) - self.occupees, disponibles)
        if k > 0:
            idx = self.ordre[self.tete : self.tete + k]
            self._garder(
                idx, np.full(k, self.debut + d, dtype=np.int64), self.fins.tirer(idx, self.debut + d)
            )
            self.occupees += k
            self.tete += k
        if self.regles.refus and self.tete < self.prets_au[d]:
            self.refuse[self.ordre[self.tete : self.prets_au[d]]] = True
            self.tete = int(self.prets_au[d])

    def personne_n_attend(self, d: int) -> bool:
        """Whether nobody ready before day ``d`` is still waiting."""
        return d == 0 or self.tete >= int(self.prets_au[d - 1])

    def bloc(self, d: int, f: int) -> int:
        """Days ``[d, f)`` at once while the places last; the first day not yet done."""
        fin_idx = int(self.prets_au[f - 1])
        if fin_idx <= self.tete:
            self.occupees -= int(self.liberes[d:f].sum())
            return f
        idx = self.ordre[self.tete : fin_idx]
        depart = self.prochain[self.pret_trie[self.tete : fin_idx] - self.debut]
        dans = int(np.searchsorted(depart, f))  # start days are sorted: a prefix starts in the block
        idx, depart = idx[:dans], depart[:dans]
        sorties = self.fins.tirer(idx, depart + self.debut) if dans else np.zeros(0, dtype=np.int64)
        propres = np.bincount(np.clip(sorties - self.debut + 1 - d, 0, f - d), minlength=f - d + 1)[: f - d]
        debuts = np.bincount(depart - d, minlength=f - d)
        occ = self.occupees - np.cumsum(self.liberes[d:f] + propres) + np.cumsum(debuts)
        trop = np.flatnonzero((occ > self.places[d:f]) & (debuts > 0))
        arret = f if trop.size == 0 else d + int(trop[0])
        gardes = int(np.searchsorted(depart, arret))
        if gardes < dans:
            self.fins.effacer(idx[gardes:])
        self._garder(idx[:gardes], depart[:gardes] + self.debut, sorties[:gardes])
        self.occupees += gardes - int(self.liberes[d:arret].sum())
        self.tete += gardes
        return arret


def demarrer(
    regles: Tableaux, pret: I64, echelle: float, fins: Fins, bloc: int = BLOC
) -> tuple[I64, npt.NDArray[np.bool_]]:
    """The démarrage day of each dossier (-1: not started within the period) and who was refused.

    ``pret`` is the day each dossier is ready to start (sorted by arrival, FIFO order);
    ``fins`` draws the exits of the dossiers that start, which free the places. ``bloc`` is
    the number of days judged at once while nobody waits (1: day by day; same result).
    """
    n, debut = regles.n, regles.debut
    if np.isinf(regles.capacite).all():
        demarrage = np.full(pret.shape[0], -1, dtype=np.int64)
        offset = pret - debut
        ok = (offset >= 0) & (offset < n)
        ok[ok] = regles.ouvert[offset[ok]]
        idx = np.flatnonzero(ok)
        demarrage[idx] = pret[idx]
        if idx.size:
            fins.tirer(idx, pret[idx])
        return demarrage, np.zeros(pret.shape[0], dtype=np.bool_)
    file = _File(regles, pret, echelle, fins)
    d = 0
    taille = bloc
    while d < n:
        if bloc > 1 and file.personne_n_attend(d):
            f = min(d + taille, n)
            d = file.bloc(d, f)
            if d == f:
                taille = min(2 * taille, max(bloc, BLOC_MAX))
                continue
            taille = bloc
        file.jour(d)  # the day the places ran out, or someone waits: one day at a time
        d += 1
    return file.demarrage, file.refuse
