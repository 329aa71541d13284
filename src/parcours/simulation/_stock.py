"""The initial stock: people already accompanied on a run's first day, drawn before it.

A cohort model may say how many people are accompanied on the first day ``du`` (its
``stock_initial``). Their démarrage days are drawn uniformly over the open days of the window
before ``du`` (the arrays of :class:`~parcours.simulation.tables.Tableaux` start there), each
with its own exit draws, and a candidate is kept when the cohort's own exit model, under the
rules in force on its démarrage day, leaves it still accompanied on ``du``. The kept ones are
distributed as the people present after a steady flow of arrivals: the longer a stay tends to
last, the older the stock. They are then ordinary dossiers, ready on their démarrage day.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from parcours.errors import UsageError
from parcours.simulation._exits import Tirages, tirer_issues
from parcours.simulation.tables import Tableaux

__all__ = ["tirer_stock"]

I64 = npt.NDArray[np.int64]
_LOT = 256  # candidates per round: a fixed size, so that one more person is one more candidate
_TOURS = 400


def _effectif(stock: float, rng: np.random.Generator) -> int:
    """A whole number of people with mean ``stock`` (95.4: 95, or 96 four times in ten)."""
    entier = int(np.floor(stock))
    return entier + int(rng.random() < stock - entier)


def tirer_stock(regles: Tableaux, rng: np.random.Generator) -> tuple[I64, Tirages]:
    """The démarrage day and exit draws of each person of the initial stock, by day."""
    voulus = _effectif(regles.stock, rng)
    if voulus == 0:
        return np.zeros(0, dtype=np.int64), Tirages.tirer(rng, 0)
    jours = np.flatnonzero(regles.ouvert[: regles.du - regles.debut]).astype(np.int64) + regles.debut
    if jours.size == 0:
        raise UsageError(f"{regles.ident} : stock initial sans aucun jour d'ouverture avant le premier jour")
    fin = regles.debut + regles.n - 1
    gardes: list[tuple[I64, Tirages]] = []
    trouves = 0
    for _ in range(_TOURS):
        candidats = jours[rng.integers(0, jours.size, _LOT)]
        tirages = Tirages.tirer(rng, _LOT)
        sortie = tirer_issues(regles, tirages, np.arange(_LOT), candidats, fin).sortie
        ok = np.flatnonzero(sortie >= regles.du)
        gardes.append((candidats[ok], tirages.choisir(ok)))
        trouves += ok.size
        if trouves >= voulus:
            break
    else:
        raise UsageError(
            f"{regles.ident} : impossible de tirer un stock initial de {voulus} personnes encore "
            "accompagnées au premier jour avec ce modèle de sortie"
        )
    demarrage = np.concatenate([g[0] for g in gardes])[:voulus]
    tirages = Tirages.concatener([g[1] for g in gardes]).choisir(np.arange(voulus))
    ordre = np.argsort(demarrage, kind="stable")
    return demarrage[ordre], tirages.choisir(ordre)
