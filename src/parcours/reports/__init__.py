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
    from parcours.reports.calcul import Bilan, bilan
    from parcours.reports.compare import Comparaison
    from parcours.reports.journal import JournalLu, Probleme, lire_journal
    from parcours.reports.model import Indicateurs
    from parcours.reports.periode import Periode

__all__ = ["Bilan", "Comparaison", "Indicateurs", "JournalLu", "Periode", "Probleme", "bilan", "lire_journal"]

_WHERE = {
    "Bilan": "calcul",
    "bilan": "calcul",
    "Comparaison": "compare",
    "JournalLu": "journal",
    "Probleme": "journal",
    "lire_journal": "journal",
    "Indicateurs": "model",
    "Periode": "periode",
}


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'parcours.reports' has no attribute {name!r}")
    return getattr(importlib.import_module(f"parcours.reports.{module}"), name)
