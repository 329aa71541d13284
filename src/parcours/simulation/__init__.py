"""Simulation of cohorts: a vectorised kernel that produces the engine's events, Monte Carlo.

Importing :mod:`parcours` (or its command) does not import numpy: the names below are loaded
on first use::

    from parcours.simulation import simulate, monte_carlo, comparer, variante
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from parcours.simulation.distributions import Distribution, Distributions
    from parcours.simulation.montecarlo import Comparaison, comparer, monte_carlo
    from parcours.simulation.simulation import BilanSimule, Simulation, simulate
    from parcours.simulation.variantes import variante

__all__ = [
    "BilanSimule",
    "Comparaison",
    "Distribution",
    "Distributions",
    "Simulation",
    "comparer",
    "monte_carlo",
    "simulate",
    "variante",
]

_OU = {
    "BilanSimule": "simulation",
    "Simulation": "simulation",
    "simulate": "simulation",
    "Distribution": "distributions",
    "Distributions": "distributions",
    "Comparaison": "montecarlo",
    "comparer": "montecarlo",
    "monte_carlo": "montecarlo",
    "variante": "variantes",
}


def __getattr__(nom: str) -> Any:
    module = _OU.get(nom)
    if module is None:
        raise AttributeError(f"module 'parcours.simulation' has no attribute {nom!r}")
    return getattr(importlib.import_module(f"parcours.simulation.{module}"), nom)
