"""Distributions of indicators over Monte Carlo runs, with their intervals."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Distribution", "Distributions"]


@dataclass(frozen=True)
class Distribution:
    """The values one indicator took over the runs."""

    nom: str
    valeurs: npt.NDArray[np.float64]

    @property
    def moyenne(self) -> float:
        return float(self.valeurs.mean())

    @property
    def ecart_type(self) -> float:
        return float(self.valeurs.std(ddof=1)) if self.valeurs.size > 1 else 0.0

    def intervalle(self, niveau: float = 0.95) -> tuple[float, float]:
        """The central interval holding ``niveau`` of the runs (empirical quantiles)."""
        bas = (1.0 - niveau) / 2
        lo, hi = np.quantile(self.valeurs, [bas, 1.0 - bas])
        return float(lo), float(hi)

    def to_dict(self, niveau: float = 0.95) -> dict[str, float]:
        lo, hi = self.intervalle(niveau)
        return {"moyenne": self.moyenne, "ecart_type": self.ecart_type, "bas": lo, "haut": hi}


@dataclass(frozen=True)
class Distributions:
    """Every indicator's distribution over ``runs`` runs."""

    runs: int
    indicateurs: dict[str, Distribution]

    @classmethod
    def depuis(cls, resultats: Sequence[Mapping[str, float]]) -> Distributions:
        noms = list(resultats[0]) if resultats else []
        return cls(
            len(resultats),
            {n: Distribution(n, np.array([r[n] for r in resultats], dtype=np.float64)) for n in noms},
        )

    def __getitem__(self, nom: str) -> Distribution:
        return self.indicateurs[nom]

    def to_dict(self, niveau: float = 0.95) -> dict[str, Any]:
        return {
            "runs": self.runs,
            "niveau": niveau,
            "indicateurs": {n: d.to_dict(niveau) for n, d in self.indicateurs.items()},
        }

    def to_frame(self, niveau: float = 0.95) -> pd.DataFrame:
        import pandas as pd

        return pd.DataFrame({n: d.to_dict(niveau) for n, d in self.indicateurs.items()}).T
