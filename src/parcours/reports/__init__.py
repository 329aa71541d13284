"""Bilans and indicators computed from a journal, for any period, per dispositif and in total.

>>> from parcours.reports import bilan                                          # doctest: +SKIP
>>> b = bilan("journal.jsonl", load_policy("meurthe_et_moselle"), annee=2018)  # doctest: +SKIP
>>> b.to_dict()["accompagnees"]                                                 # doctest: +SKIP

The names are imported on first use, so that ``parcours`` commands other than ``bilan`` do
not load DuckDB and pyarrow.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from parcours.reports.compare import ComparaisonPeriodes
    from parcours.reports.compute import Bilan, bilan
    from parcours.reports.model import Indicateurs
    from parcours.reports.period import Periode
    from parcours.reports.reading import JournalLu, LigneEcartee, read_journal

__all__ = [
    "Bilan",
    "ComparaisonPeriodes",
    "Indicateurs",
    "JournalLu",
    "LigneEcartee",
    "Periode",
    "bilan",
    "read_journal",
]

_WHERE = {
    "Bilan": "compute",
    "bilan": "compute",
    "ComparaisonPeriodes": "compare",
    "JournalLu": "reading",
    "LigneEcartee": "reading",
    "read_journal": "reading",
    "Indicateurs": "model",
    "Periode": "period",
}


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'parcours.reports' has no attribute {name!r}")
    return getattr(importlib.import_module(f"parcours.reports.{module}"), name)
