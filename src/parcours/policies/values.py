"""Values of a policy: sourced, optionally date-keyed, as OpenFisca parameters are.

In a policy file a value is written in one of three forms::

    places: 175                                   # a plain value
    places: {valeur: 175, source: {...}}          # a value with its source (or hypothese)
    places:                                       # date-keyed: each value in force from its date
      2017-01-01: {valeur: 4000, source: {...}}
      2018-01-01: {valeur: 3800, source: {...}}

The loader turns each into a :class:`Param`: an ordered tuple of :class:`Version`, each with
the date it takes effect (``None`` = always), the value, its source, whether it is an
assumption (``hypothese``) and the file:line it was read from.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, Generic, TypeVar

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, PlainSerializer, WithJsonSchema

from parcours.errors import PolicyError
from parcours.policies.durations import ATTENDU as DUREE_ATTENDU
from parcours.policies.durations import Duree, parse_duree

__all__ = [
    "DureeField",
    "Origine",
    "Param",
    "Pourcentage",
    "Source",
    "Taux",
    "Version",
    "parse_taux",
]

T = TypeVar("T")


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Source(_Frozen):
    """Where a value comes from: a seed document and a section or a short quote."""

    document: str | None = None
    section: str | None = None
    citation: str | None = None

    def __str__(self) -> str:
        parts = [p for p in (self.document, self.section) if p]
        if self.citation:
            parts.append(f"« {self.citation} »")
        return ", ".join(parts)


class Origine(_Frozen):
    """The place in a policy file a value was read from."""

    fichier: str
    ligne: int
    colonne: int = 1

    def __str__(self) -> str:
        return f"{self.fichier}:{self.ligne}"


class Version(_Frozen, Generic[T]):
    """One value of a parameter, in force from ``debut`` (``None``: from always)."""

    debut: date | None = None
    valeur: T
    source: Source | None = None
    hypothese: bool = False
    raison: str | None = None
    origine: Origine | None = None


class Param(_Frozen, Generic[T]):
    """A policy value that may change over time. ``versions`` are sorted by date."""

    versions: tuple[Version[T], ...] = ()

    def version_au(self, jour: date) -> Version[T] | None:
        """The version in force on ``jour``, or None when none is yet."""
        found: Version[T] | None = None
        for version in self.versions:
            if version.debut is None or version.debut <= jour:
                found = version
            else:
                break
        return found

    def au(self, jour: date, nom: str = "valeur") -> T:
        """The value in force on ``jour``; a PolicyError says so when none is yet."""
        version = self.version_au(jour)
        if version is None:
            first = self.versions[0].debut if self.versions else None
            raise PolicyError(
                f"{nom} : aucune valeur en vigueur le {jour.isoformat()}"
                + (f" (première date d'effet : {first.isoformat()})" if first else "")
            )
        return version.valeur

    @property
    def valeur(self) -> T:
        """The value when the parameter has a single version (e.g. after ``policy.at``)."""
        if len(self.versions) != 1:
            raise PolicyError(f"ce paramètre a {len(self.versions)} versions datées : utilisez .au(date)")
        return self.versions[0].valeur

    @property
    def dates(self) -> tuple[date, ...]:
        return tuple(v.debut for v in self.versions if v.debut is not None)

    def restreint(self, jour: date) -> Param[T]:
        """This parameter reduced to the version in force on ``jour`` (possibly none)."""
        version = self.version_au(jour)
        return type(self)(versions=() if version is None else (version,))


# --- Value types -------------------------------------------------------------------------

_TAUX = re.compile(r"^\s*(\d+(?:[.,]\d+)?)\s*%\s*$")


class Pourcentage(float):
    """A rate of the policy language: a fraction that is written and shown as a percentage.

    It is a ``float`` (0.95) everywhere a rule computes with it; what displays it (``afficher``,
    ``diff``, the sheet, the YAML dump) knows by its type to write « 95 % ».
    """

    __slots__ = ()

    def __repr__(self) -> str:
        return f"Pourcentage({float(self)!r})"

    def __str__(self) -> str:
        return float.__repr__(self)


def parse_taux(value: object) -> float:
    """``"15 %"`` or ``0.15`` → 0.15; refuses values outside [0, 1].

    « 35,3 % » is read on its decimal form (353/1000), so that writing back the percentage
    of a fraction gives the same fraction.
    """
    if isinstance(value, bool):
        raise ValueError(f"« {value} » n'est pas un taux")
    if isinstance(value, (int, float)):
        result = float(value)
    elif isinstance(value, str):
        match = _TAUX.match(value)
        if match is None:
            raise ValueError(f"« {value} » n'est pas un taux")
        try:
            result = float(Decimal(match.group(1).replace(",", ".")) / 100)
        except InvalidOperation:  # pragma: no cover - the pattern admits only digits
            raise ValueError(f"« {value} » n'est pas un taux") from None
    else:
        raise ValueError(f"« {value} » n'est pas un taux")
    if not 0.0 <= result <= 1.0:
        raise ValueError(f"« {value} » n'est pas un taux entre 0 et 100 %")
    return result


def _duree(value: Any) -> Duree:
    try:
        result = parse_duree(value)
    except ValueError as exc:
        raise ValueError(f"{exc} (attendu : {DUREE_ATTENDU})") from None
    return result


def _duree_positive(value: Any) -> Duree:
    result = _duree(value)
    if result.nombre <= 0:
        raise ValueError(f"« {value} » : une durée nulle n'a pas de sens ici (attendu : une durée > 0)")
    return result


_DUREE_SCHEMA = {
    "type": "string",
    "pattern": r"^\s*\d+\s*(jours?|j|semaines?|mois|ans?|ann[ée]es?)\s*$",
    "description": "un nombre entier suivi de jours, semaines, mois ou ans",
    "examples": ["15 jours", "6 semaines", "6 mois", "1 an"],
}

DureeField = Annotated[
    Duree,
    BeforeValidator(_duree_positive),
    PlainSerializer(str, return_type=str),
    WithJsonSchema(_DUREE_SCHEMA),
]

Taux = Annotated[
    float,
    BeforeValidator(parse_taux),
    AfterValidator(Pourcentage),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "pattern": r"^\s*(100([.,]0+)?|\d{1,2}([.,]\d+)?)\s*%\s*$"},
                {"type": "number", "minimum": 0, "maximum": 1},
            ],
            "description": "un pourcentage (« 15 % ») ou une fraction entre 0 et 1",
        }
    ),
]
