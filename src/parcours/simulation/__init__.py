"""Simulation of cohorts: a vectorised kernel that produces the engine's events, Monte Carlo.

Importing :mod:`parcours` (or its command) does not import numpy: the names below are loaded
on first use::

    from parcours.simulation import simulate, monte_carlo, compare, variant
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from parcours.simulation.distributions import Distribution, Distributions
    from parcours.simulation.montecarlo import ComparaisonScenarios, compare, monte_carlo
    from parcours.simulation.simulation import BilanSimule, Simulation, simulate
    from parcours.simulation.variants import variant

__all__ = [
    "BilanSimule",
    "ComparaisonScenarios",
    "Distribution",
    "Distributions",
    "Simulation",
    "compare",
    "monte_carlo",
    "simulate",
    "variant",
]

_OU = {
    "BilanSimule": "simulation",
    "Simulation": "simulation",
    "simulate": "simulation",
    "Distribution": "distributions",
    "Distributions": "distributions",
    "ComparaisonScenarios": "montecarlo",
    "compare": "montecarlo",
    "monte_carlo": "montecarlo",
    "variant": "variants",
}


def __getattr__(nom: str) -> Any:
    module = _OU.get(nom)
    if module is None:
        raise AttributeError(f"module 'parcours.simulation' has no attribute {nom!r}")
    return getattr(importlib.import_module(f"parcours.simulation.{module}"), nom)
