"""Monte Carlo over runs, on any ``concurrent.futures.Executor`` (a Dask client's too).

Run ``i`` uses child ``i`` of ``SeedSequence(seed).spawn(runs)``, whoever computes it: the
result does not depend on the executor or on its number of workers. Rules are compiled once
and shipped to the workers; each task runs one seed (aggregates only, no events kept).

Scenarios (:func:`compare`) run two policy variants on the same seeds, hence the same
arrivals, profiles, delays and exit draws per dossier (common random numbers): the spread of
the differences is far smaller than the spread of either variant.

    >>> from concurrent.futures import ProcessPoolExecutor
    >>> with ProcessPoolExecutor(2) as pool:                       # doctest: +SKIP
    ...     res = monte_carlo("moselle", runs=100, executor=pool)
    >>> from dask.distributed import Client                         # doctest: +SKIP
    >>> res = monte_carlo("moselle", runs=100, executor=Client().get_executor())  # doctest: +SKIP
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from concurrent.futures import Executor, Future, as_completed
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np

from parcours.errors import UsageError
from parcours.policies.cohort import Cohorte
from parcours.policies.schema import Policy
from parcours.simulation._calendar import jour
from parcours.simulation.aggregates import indicateurs
from parcours.simulation.distributions import Distributions
from parcours.simulation.simulation import prepare, run
from parcours.simulation.tables import Tableaux

__all__ = ["ComparaisonScenarios", "Progression", "compare", "dispatch", "monte_carlo", "spawn_seeds"]

Source = Policy | str | os.PathLike[str]
Progression = Callable[[int, int], None]


def _un_run(
    regles: Mapping[str, Tableaux],
    dossiers: int | None,
    graine: np.random.SeedSequence,
    du: int,
    au: int,
    proportionnelle: bool = False,
) -> dict[str, float]:
    trajectoires = run(regles, dossiers, graine, evenements=False, capacite_proportionnelle=proportionnelle)
    return indicateurs(trajectoires, du, au)


def _deux_runs(
    a: Mapping[str, Tableaux],
    b: Mapping[str, Tableaux],
    dossiers: int | None,
    graine: np.random.SeedSequence,
    du: int,
    au: int,
    proportionnelle: bool = False,
) -> tuple[dict[str, float], dict[str, float]]:
    return (
        _un_run(a, dossiers, graine, du, au, proportionnelle),
        _un_run(b, dossiers, graine, du, au, proportionnelle),
    )


def dispatch(
    fn: Callable[..., Any],
    args: list[tuple[Any, ...]],
    executor: Executor | None,
    progression: Progression | None,
) -> list[Any]:
    """``fn(*a)`` for each ``a`` of ``args``, on ``executor`` when given; results in order."""
    total = len(args)
    if executor is None:
        out = []
        for i, a in enumerate(args):
            out.append(fn(*a))
            if progression:
                progression(i + 1, total)
        return out
    futures: list[Future[Any]] = [executor.submit(fn, *a) for a in args]
    position = {id(f): i for i, f in enumerate(futures)}
    resultats: list[Any] = [None] * total
    for done, f in enumerate(as_completed(futures), start=1):
        resultats[position[id(f)]] = f.result()
        if progression:
            progression(done, total)
    return resultats


def spawn_seeds(seed: int | np.random.SeedSequence | None, runs: int) -> list[np.random.SeedSequence]:
    """The seed of each run: the children of ``SeedSequence(seed)``."""
    if runs < 1:
        raise UsageError(f"runs doit être au moins 1 (reçu : {runs})")
    racine = seed if isinstance(seed, np.random.SeedSequence) else np.random.SeedSequence(seed)
    return racine.spawn(runs)


def monte_carlo(
    policy: Source,
    cohort: Cohorte | str | os.PathLike[str] | None = None,
    du: date | None = None,
    au: date | None = None,
    dossiers: int | None = None,
    seed: int | np.random.SeedSequence | None = 0,
    runs: int = 100,
    executor: Executor | None = None,
    *,
    dispositif: str | None = None,
    progression: Progression | None = None,
    capacite_proportionnelle: bool = False,
) -> Distributions:
    """``runs`` independent simulations; each indicator's distribution with intervals."""
    _, _, du, au, regles = prepare(policy, cohort, du, au, dispositif, stock=dossiers is None)
    args = [
        (regles, dossiers, g, jour(du), jour(au), capacite_proportionnelle) for g in spawn_seeds(seed, runs)
    ]
    return Distributions.depuis(dispatch(_un_run, args, executor, progression))


@dataclass(frozen=True)
class ComparaisonScenarios:
    """Two variants on common random numbers: each one's distributions and of B − A."""

    a: Distributions
    b: Distributions
    difference: Distributions

    def to_dict(self, niveau: float = 0.95) -> dict[str, Any]:
        return {
            "a": self.a.to_dict(niveau),
            "b": self.b.to_dict(niveau),
            "difference": self.difference.to_dict(niveau),
        }


def compare(
    policy_a: Source,
    policy_b: Source,
    cohort: Cohorte | str | os.PathLike[str] | None = None,
    du: date | None = None,
    au: date | None = None,
    dossiers: int | None = None,
    seed: int | np.random.SeedSequence | None = 0,
    runs: int = 100,
    executor: Executor | None = None,
    *,
    dispositif: str | None = None,
    progression: Progression | None = None,
    capacite_proportionnelle: bool = False,
) -> ComparaisonScenarios:
    """Run variant A and variant B on the same seeds; report B − A per indicator.

    Each side simulates its own cohort model (the one its policy names), unless ``cohort``
    gives one for both: then only the rules differ.
    """
    _, _, du, au, regles_a = prepare(policy_a, cohort, du, au, dispositif, stock=dossiers is None)
    _, _, _, _, regles_b = prepare(policy_b, cohort, du, au, dispositif, stock=dossiers is None)
    args = [
        (regles_a, regles_b, dossiers, g, jour(du), jour(au), capacite_proportionnelle)
        for g in spawn_seeds(seed, runs)
    ]
    paires = dispatch(_deux_runs, args, executor, progression)
    a = [p[0] for p in paires]
    b = [p[1] for p in paires]
    diff = [{k: rb[k] - ra[k] for k in ra} for ra, rb in zip(a, b, strict=True)]
    return ComparaisonScenarios(Distributions.depuis(a), Distributions.depuis(b), Distributions.depuis(diff))
