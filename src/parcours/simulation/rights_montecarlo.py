"""Monte Carlo runs of the droits et devoirs track, and what-if comparisons on common seeds.

Run ``i`` uses child ``i`` of ``SeedSequence(seed).spawn(runs)``, on any
``concurrent.futures.Executor``. :func:`compare_droits` runs the cohort model and a variant of
it (``{"orientation.delai_moyen": "4 semaines"}``) on the same seeds: the same people open the
same rights on the same days and draw the same random numbers, so the spread of the
difference is far smaller than the spread of either (see simulation/rights.py).

Each run is counted by the reports (its bilan), so the figures are those a département reads
in its own bilans, each with the interval holding 95 % of the runs.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from concurrent.futures import Executor
from datetime import date
from typing import Any

import numpy as np

from parcours.errors import UsageError
from parcours.policies.rights_cohort import CohorteDroits
from parcours.policies.schema import Policy
from parcours.simulation.distributions import Distributions
from parcours.simulation.montecarlo import ComparaisonScenarios
from parcours.simulation.rights import preparer_droits, simulate_droits, variante_cohorte

__all__ = ["compare_droits", "monte_carlo_droits"]

Progression = Callable[[int, int], None]
Source = Policy | str | os.PathLike[str]


def _un_run(policy: Policy, cohorte: CohorteDroits, du: date, au: date, graine: Any) -> dict[str, float]:
    return simulate_droits(policy, cohorte, du, au, graine).indicateurs()


def _deux_runs(
    policy: Policy, a: CohorteDroits, b: CohorteDroits, du: date, au: date, graine: Any
) -> tuple[dict[str, float], dict[str, float]]:
    return _un_run(policy, a, du, au, graine), _un_run(policy, b, du, au, graine)


def _lancer(
    fn: Callable[..., Any],
    args: list[tuple[Any, ...]],
    executor: Executor | None,
    progression: Progression | None,
) -> list[Any]:
    if executor is None:
        out = []
        for i, a in enumerate(args, 1):
            out.append(fn(*a))
            if progression is not None:
                progression(i, len(args))
        return out
    resultats = list(executor.map(fn, *zip(*args, strict=True)))
    if progression is not None:
        progression(len(args), len(args))
    return resultats


def _graines(seed: int | np.random.SeedSequence | None, runs: int) -> list[np.random.SeedSequence]:
    if runs < 1:
        raise UsageError(f"runs doit être au moins 1 (reçu : {runs})")
    racine = seed if isinstance(seed, np.random.SeedSequence) else np.random.SeedSequence(seed)
    return racine.spawn(runs)


def monte_carlo_droits(
    policy: Source,
    cohorte: CohorteDroits | str | os.PathLike[str] | None = None,
    du: date | None = None,
    au: date | None = None,
    seed: int | np.random.SeedSequence | None = 0,
    runs: int = 20,
    executor: Executor | None = None,
    *,
    progression: Progression | None = None,
) -> Distributions:
    """``runs`` independent runs; each national indicator's distribution with its interval."""
    pol, _, modele, du, au = preparer_droits(policy, cohorte, du, au)
    args = [(pol, modele, du, au, g) for g in _graines(seed, runs)]
    return Distributions.depuis(_lancer(_un_run, args, executor, progression))


def compare_droits(
    policy: Source,
    changements: Mapping[str, Any],
    cohorte: CohorteDroits | str | os.PathLike[str] | None = None,
    du: date | None = None,
    au: date | None = None,
    seed: int | np.random.SeedSequence | None = 0,
    runs: int = 20,
    executor: Executor | None = None,
    *,
    progression: Progression | None = None,
) -> ComparaisonScenarios:
    """The cohort model (A) and its variant with ``changements`` (B) on the same seeds: each
    one's distributions and those of B − A."""
    pol, _, modele, du, au = preparer_droits(policy, cohorte, du, au)
    variante = variante_cohorte(modele, changements)
    args = [(pol, modele, variante, du, au, g) for g in _graines(seed, runs)]
    paires = _lancer(_deux_runs, args, executor, progression)
    a = [p[0] for p in paires]
    b = [p[1] for p in paires]
    diff = [{k: rb[k] - ra[k] for k in ra} for ra, rb in zip(a, b, strict=True)]
    return ComparaisonScenarios(Distributions.depuis(a), Distributions.depuis(b), Distributions.depuis(diff))
