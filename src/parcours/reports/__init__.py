"""Bilans and indicators computed from a journal, for any period, per dispositif and in total.

>>> from parcours.reports import bilan                                   # doctest: +SKIP
>>> b = bilan("journal.jsonl", load_policy("meurthe_et_moselle"), annee=2018)  # doctest: +SKIP
>>> b.to_dict()["accompagnees"]                                          # doctest: +SKIP
"""

from parcours.reports.bilan import Bilan, bilan
from parcours.reports.compare import Comparaison
from parcours.reports.journal import JournalLu, Probleme, lire_journal
from parcours.reports.model import Indicateurs
from parcours.reports.periode import Periode

__all__ = ["Bilan", "Comparaison", "Indicateurs", "JournalLu", "Periode", "Probleme", "bilan", "lire_journal"]
