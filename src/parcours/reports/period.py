"""Reporting periods: a civil year or any span of days, both ends included."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from parcours.errors import UsageError

__all__ = ["Periode"]


@dataclass(frozen=True, order=True)
class Periode:
    """The days from ``du`` to ``au``, both included."""

    du: date
    au: date

    def __post_init__(self) -> None:
        if self.au < self.du:
            raise UsageError(
                f"période vide : le {self.au.strftime('%d/%m/%Y')} précède le {self.du.strftime('%d/%m/%Y')}"
            )

    @classmethod
    def annee(cls, annee: int) -> Periode:
        return cls(date(annee, 1, 1), date(annee, 12, 31))

    @classmethod
    def choisir(cls, annee: int | None = None, du: date | None = None, au: date | None = None) -> Periode:
        """The period a caller asks for: a year, or ``du`` and ``au`` (not both, not neither)."""
        if annee is not None:
            if du is not None or au is not None:
                raise UsageError("indiquez soit une année, soit les dates du et au, pas les deux")
            return cls.annee(annee)
        if du is None or au is None:
            raise UsageError("indiquez la période : du et au, ou une année")
        return cls(du, au)

    @property
    def jours(self) -> int:
        return (self.au - self.du).days + 1

    @property
    def est_annee(self) -> bool:
        return self.du.month == 1 and self.du.day == 1 and self.au == date(self.du.year, 12, 31)

    def precedente(self) -> Periode:
        """The period of the same shape just before: the previous year, or as many days."""
        if self.est_annee:
            return Periode.annee(self.du.year - 1)
        return Periode(self.du - timedelta(days=self.jours), self.du - timedelta(days=1))

    def libelle(self) -> str:
        if self.est_annee:
            return str(self.du.year)
        return f"du {self.du.strftime('%d/%m/%Y')} au {self.au.strftime('%d/%m/%Y')}"

    def __str__(self) -> str:
        return self.libelle()
