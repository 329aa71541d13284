"""Simulation of cohorts: a vectorised kernel that produces the engine's events, Monte Carlo.

Importing :mod:`parcours` does not import this package (nor numpy); import it explicitly::

    from parcours.simulation import simulate, monte_carlo, comparer
"""

from parcours.simulation.simulation import BilanSimule, Simulation, simulate

__all__ = ["BilanSimule", "Simulation", "simulate"]
