"""Simulation of cohorts: a vectorised kernel that produces the engine's events, Monte Carlo.

Importing :mod:`parcours` (or its command) does not import numpy: the names below are loaded
on first use::

    from parcours.simulation import simulate, monte_carlo, compare, variant
    from parcours.simulation import calibrate, confront, read_table
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from parcours.simulation.calibration import CohorteCalee, calibrate
    from parcours.simulation.confrontation import CelluleConfrontee, Confrontation, confront
    from parcours.simulation.distributions import Distribution, Distributions
    from parcours.simulation.montecarlo import ComparaisonScenarios, compare, monte_carlo
    from parcours.simulation.published import CellulePubliee, TableauPublie, read_table
    from parcours.simulation.simulation import BilanSimule, Simulation, simulate
    from parcours.simulation.variants import variant

__all__ = [
    "BilanSimule",
    "CelluleConfrontee",
    "CellulePubliee",
    "CohorteCalee",
    "ComparaisonScenarios",
    "Confrontation",
    "Distribution",
    "Distributions",
    "Simulation",
    "TableauPublie",
    "calibrate",
    "compare",
    "confront",
    "monte_carlo",
    "read_table",
    "simulate",
    "variant",
]

_OU = {
    "CohorteCalee": "calibration",
    "calibrate": "calibration",
    "CelluleConfrontee": "confrontation",
    "Confrontation": "confrontation",
    "confront": "confrontation",
    "CellulePubliee": "published",
    "TableauPublie": "published",
    "read_table": "published",
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
