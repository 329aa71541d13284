"""Durations of the policy language and their calendar arithmetic.

A duration is a positive whole number followed by a unit: ``"15 jours"``, ``"6 semaines"``,
``"6 mois"``, ``"1 an"``. Days and weeks add exact days (a week is 7 days). Months and years
add calendar months (a year is 12 months) and clamp to the last day of the target month::

    31 janvier 2018 + 1 mois = 28 février 2018
    31 janvier 2020 + 1 mois = 29 février 2020
    29 février 2020 + 1 an   = 28 février 2021

Adding a duration never goes backwards, and adding ``12 mois`` always equals adding ``1 an``.
Note that month addition is not associative with clamping: (31/01 + 1 mois) + 1 mois is
28/03, while 31/01 + 2 mois is 31/03; deadlines are therefore always computed from the date
that starts them, never step by step.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Literal

__all__ = ["UNITES", "Duree", "add_months", "parse_duree"]

Unite = Literal["jours", "semaines", "mois", "ans"]

# Accepted spellings of each unit (singular, plural, with or without accent).
_UNIT_WORDS: dict[str, Unite] = {
    "jour": "jours",
    "jours": "jours",
    "j": "jours",
    "semaine": "semaines",
    "semaines": "semaines",
    "mois": "mois",
    "an": "ans",
    "ans": "ans",
    "année": "ans",
    "années": "ans",
    "annee": "ans",
    "annees": "ans",
}
UNITES: tuple[Unite, ...] = ("jours", "semaines", "mois", "ans")
ATTENDU = "un nombre entier suivi de jours, semaines, mois ou ans (ex. « 6 semaines »)"

_PATTERN = re.compile(r"^\s*(\d+)\s*([a-zA-Zéè]+)\s*$")
# Dates computed by one duration are remembered (the same days come back again and again in a
# journal, and sharing the resulting ``date`` objects keeps dossiers small), up to this many.
_MEMO_MAX = 100_000


@dataclass(frozen=True, order=False)
class Duree:
    """A whole number of days, weeks, months or years."""

    nombre: int
    unite: Unite
    _memo: dict[date, date] = field(default_factory=dict, init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        if self.nombre < 0:
            raise ValueError("une durée ne peut pas être négative")
        if self.unite not in UNITES:
            raise ValueError(f"unité inconnue : {self.unite}")

    def __str__(self) -> str:
        if self.unite == "ans":
            word = "an" if self.nombre == 1 else "ans"
        elif self.unite == "jours":
            word = "jour" if self.nombre == 1 else "jours"
        elif self.unite == "semaines":
            word = "semaine" if self.nombre == 1 else "semaines"
        else:
            word = "mois"
        return f"{self.nombre} {word}"

    def __repr__(self) -> str:
        return f"Duree({str(self)!r})"

    @property
    def en_jours_approx(self) -> float:
        """Approximate length in days (a month is 365.25/12 days): for sorting and display."""
        if self.unite == "jours":
            return float(self.nombre)
        if self.unite == "semaines":
            return 7.0 * self.nombre
        months = self.nombre * (12 if self.unite == "ans" else 1)
        return months * 365.25 / 12

    def __reduce__(self) -> tuple[Any, ...]:
        return (Duree, (self.nombre, self.unite))  # the memo stays behind

    def __deepcopy__(self, memo: dict[int, Any]) -> Duree:
        return self  # immutable

    def ajouter(self, depart: date) -> date:
        """The date ``depart`` plus this duration (months clamp to the month's end)."""
        found = self._memo.get(depart)
        if found is None:
            found = self._ajouter(depart)
            if len(self._memo) < _MEMO_MAX:
                self._memo[depart] = found
        return found

    def ajouter_jours(self, jours: Any) -> Any:
        """:meth:`ajouter` for an array of day ordinals (``date.toordinal``): the ordinals of
        the dates, each computed by :meth:`ajouter` (once per distinct day)."""
        import numpy as np

        tableau = np.asarray(jours, dtype=np.int64)
        distincts, rang = np.unique(tableau, return_inverse=True)
        fins = [self.ajouter(date.fromordinal(int(j))).toordinal() for j in distincts.tolist()]
        return np.asarray(fins, dtype=np.int64)[rang].reshape(tableau.shape)

    def _ajouter(self, depart: date) -> date:
        if self.unite == "jours":
            return depart + timedelta(days=self.nombre)
        if self.unite == "semaines":
            return depart + timedelta(days=7 * self.nombre)
        months = self.nombre * (12 if self.unite == "ans" else 1)
        return add_months(depart, months)

    __radd__ = ajouter

    def retirer(self, fin: date) -> date:
        """The date ``fin`` minus this duration (months clamp to the month's end)."""
        if self.unite == "jours":
            return fin - timedelta(days=self.nombre)
        if self.unite == "semaines":
            return fin - timedelta(days=7 * self.nombre)
        months = self.nombre * (12 if self.unite == "ans" else 1)
        return add_months(fin, -months)


def add_months(d: date, months: int) -> date:
    """Add calendar months to a date, clamping the day to the target month's length."""
    index = d.year * 12 + (d.month - 1) + months
    year, month0 = divmod(index, 12)
    last = calendar.monthrange(year, month0 + 1)[1]
    return date(year, month0 + 1, min(d.day, last))


def parse_duree(text: object) -> Duree:
    """Parse ``"6 semaines"`` into a :class:`Duree`; raise ValueError with a French message."""
    if isinstance(text, Duree):
        return text
    if not isinstance(text, str):
        raise ValueError(f"« {text} » n'est pas une durée")
    match = _PATTERN.match(text)
    if match is None:
        raise ValueError(f"« {text} » n'est pas une durée")
    number, word = match.groups()
    unit = _UNIT_WORDS.get(word.lower())
    if unit is None:
        raise ValueError(f"« {text} » n'est pas une durée : unité « {word} » inconnue")
    return Duree(int(number), unit)
