"""A bilan beside the one of a previous period: each indicator, its former value, the change."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

from parcours.reports.export import scalaires

if TYPE_CHECKING:
    from parcours.reports.compute import Bilan

__all__ = ["ComparaisonPeriodes"]


def _ecart(actuel: Any, precedent: Any) -> Any:
    if isinstance(actuel, (int, float)) and isinstance(precedent, (int, float)):
        return actuel - precedent
    return None


@dataclass(frozen=True)
class ComparaisonPeriodes:
    """``actuel`` against ``precedent`` (normally the same policy, an earlier period)."""

    actuel: Bilan
    precedent: Bilan

    def to_dict(self) -> dict[str, Any]:
        def bloc(a: dict[str, Any], p: dict[str, Any]) -> dict[str, Any]:
            return {k: {"actuel": a[k], "precedent": p.get(k), "ecart": _ecart(a[k], p.get(k))} for k in a}

        par = {}
        for ident, ind in self.actuel.par_dispositif.items():
            before = self.precedent.par_dispositif.get(ident)
            par[ident] = bloc(scalaires(ind), scalaires(before) if before else {})
        return {
            "periode": self.actuel.periode.libelle(),
            "periode_precedente": self.precedent.periode.libelle(),
            **bloc(scalaires(self.actuel.total), scalaires(self.precedent.total)),
            "par_dispositif": par,
        }

    def to_frame(self) -> pd.DataFrame:
        """Columns (indicator, actuel|precedent|ecart), one row per dispositif and ensemble."""
        a = self.actuel.to_frame().drop(columns="libelle")
        p = self.precedent.to_frame().drop(columns="libelle").reindex(a.index)
        ecart = a.apply(pd.to_numeric, errors="coerce") - p.apply(pd.to_numeric, errors="coerce")
        return (
            pd.concat({"actuel": a, "precedent": p, "ecart": ecart}, axis=1)
            .swaplevel(axis=1)
            .sort_index(axis=1)
        )
