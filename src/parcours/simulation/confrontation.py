"""``confront``: a policy's simulation beside a published table, cell by cell.

    >>> from parcours.simulation import confront
    >>> c = confront("meurthe_et_moselle", "meurthe_et_moselle", runs=20, seed=1)  # doctest: +SKIP
    >>> c.to_frame()                                                                # doctest: +SKIP

Each published cell (a period, a dispositif or a group of them, an indicator) is measured on
``runs`` simulations of the period the table covers (or of ``du``..``au``), with the reports'
counting rules (:mod:`parcours.simulation.measures`), and shown beside the published figure:
the mean, the central interval holding ``niveau`` of the runs, and whether the mean is within
the tolerance the calibration uses (15 % of a count or 4 people, 3 points of a share, 15 % of
a duration). Run ``i`` uses child
``i`` of ``SeedSequence(seed)``, on any executor, as :func:`~parcours.simulation.monte_carlo`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from parcours.policies.cohort import Cohorte
from parcours.policies.schema import Policy
from parcours.simulation.measures import mesurer, tolerance, verifier_cellules
from parcours.simulation.montecarlo import Progression, dispatch, spawn_seeds
from parcours.simulation.published import CellulePubliee, TableauPublie, read_table
from parcours.simulation.simulation import prepare, run
from parcours.simulation.tables import Tableaux

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["CelluleConfrontee", "Confrontation", "confront"]

F64 = npt.NDArray[np.float64]


@dataclass(frozen=True)
class CelluleConfrontee:
    """One published cell and its simulated values (one per run; NaN where undefined)."""

    cellule: CellulePubliee
    valeurs: F64

    @property
    def moyenne(self) -> float | None:
        vues = self.valeurs[~np.isnan(self.valeurs)]
        return float(vues.mean()) if vues.size else None

    def intervalle(self, niveau: float = 0.95) -> tuple[float, float] | None:
        vues = self.valeurs[~np.isnan(self.valeurs)]
        if not vues.size:
            return None
        bas = (1.0 - niveau) / 2
        lo, hi = np.quantile(vues, [bas, 1.0 - bas])
        return float(lo), float(hi)

    @property
    def ecart(self) -> float | None:
        moyenne = self.moyenne
        return None if moyenne is None else moyenne - self.cellule.valeur

    @property
    def dans_la_tolerance(self) -> bool | None:
        """Whether the mean is within the tolerance (15 % or 4 people; 3 points for a share)."""
        ecart = self.ecart
        return None if ecart is None else abs(ecart) <= tolerance(self.cellule)

    def dans_l_intervalle(self, niveau: float = 0.95) -> bool | None:
        intervalle = self.intervalle(niveau)
        return None if intervalle is None else intervalle[0] <= self.cellule.valeur <= intervalle[1]


@dataclass(frozen=True)
class Confrontation:
    """A simulation beside a published table: the cells, in the table's order."""

    politique: str
    cohorte: str  # the cohort model simulated (its file)
    tableau: str
    du: date
    au: date
    runs: int
    graine: int
    cellules: tuple[CelluleConfrontee, ...]

    def to_dict(self, niveau: float = 0.95) -> dict[str, Any]:
        return {
            "politique": self.politique,
            "cohorte": self.cohorte,
            "tableau": self.tableau,
            "du": self.du.isoformat(),
            "au": self.au.isoformat(),
            "runs": self.runs,
            "graine": self.graine,
            "niveau": niveau,
            "cellules": [_ligne(c, niveau) for c in self.cellules],
        }

    def to_html(self) -> str:
        """A standalone French HTML page: per dispositif an SVG plot, then the table."""
        from parcours.simulation._confront_render import confrontation_html

        return confrontation_html(self)

    def to_frame(self, niveau: float = 0.95) -> pd.DataFrame:
        """One row per cell (pandas): period, dispositif, indicator, published, mean, interval."""
        import pandas as pd

        return pd.DataFrame([_ligne(c, niveau) for c in self.cellules]).set_index("ligne")


def _ligne(c: CelluleConfrontee, niveau: float) -> dict[str, Any]:
    intervalle = c.intervalle(niveau)
    return {
        "ligne": c.cellule.ligne,
        "periode": c.cellule.libelle_periode,
        "dispositif": "+".join(c.cellule.dispositifs),
        "indicateur": c.cellule.indicateur,
        "usage": c.cellule.usage,
        "publie": c.cellule.valeur,
        "moyenne": c.moyenne,
        "bas": None if intervalle is None else intervalle[0],
        "haut": None if intervalle is None else intervalle[1],
        "ecart": c.ecart,
        "dans_la_tolerance": c.dans_la_tolerance,
        "dans_l_intervalle": c.dans_l_intervalle(niveau),
    }


def _un_run(
    regles: Mapping[str, Tableaux], graine: np.random.SeedSequence, cellules: Sequence[CellulePubliee]
) -> list[float]:
    trajectoires = run(regles, None, graine, evenements=False, entretiens=False)
    return [np.nan if (v := mesurer(trajectoires, c)) is None else v for c in cellules]


def confront(
    policy: Policy | str | os.PathLike[str],
    tableau: TableauPublie | str | os.PathLike[str],
    cohort: Cohorte | str | os.PathLike[str] | None = None,
    du: date | None = None,
    au: date | None = None,
    runs: int = 20,
    seed: int = 0,
    executor: Executor | None = None,
    *,
    progression: Progression | None = None,
) -> Confrontation:
    """Simulate ``runs`` times and measure every cell of ``tableau`` (module docstring).

    The period is the table's (its first period's first day to its last period's last day)
    unless ``du``/``au`` say otherwise; the cohort model is the policy's own unless ``cohort``.
    """
    tab = tableau if isinstance(tableau, TableauPublie) else read_table(tableau)
    etendue = tab.etendue()
    pol, model, d1, d2, regles = prepare(policy, cohort, du or etendue.du, au or etendue.au)
    verifier_cellules(tab, set(regles))
    utiles = {d for c in tab.cellules for d in c.dispositifs}
    regles = {i: r for i, r in regles.items() if i in utiles}
    args = [(regles, g, tab.cellules) for g in spawn_seeds(seed, runs)]
    resultats = np.array(dispatch(_un_run, args, executor, progression), dtype=np.float64)
    return Confrontation(
        politique=pol.nom,
        cohorte=model.reference,
        tableau=tab.fichier,
        du=d1,
        au=d2,
        runs=runs,
        graine=seed,
        cellules=tuple(CelluleConfrontee(c, resultats[:, i]) for i, c in enumerate(tab.cellules)),
    )
