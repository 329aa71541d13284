"""Flat views of a policy: one row per effective value, for display, JSON and diffs."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from pydantic import BaseModel

from parcours._french import format_date, format_decimal, format_pourcentage
from parcours.policies.durations import Duree
from parcours.policies.schema import Policy
from parcours.policies.values import Param, Pourcentage, Source, Version

__all__ = ["Row", "diff_rows", "flatten", "format_value", "libelles_dispositifs"]


@dataclass(frozen=True)
class Row:
    """One value of a policy: its key path, the date it takes effect, where it comes from."""

    chemin: str
    valeur: Any
    debut: date | None = None
    origine: str | None = None
    source: str | None = None
    hypothese: bool = False
    raison: str | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"chemin": self.chemin, "valeur": to_json(self.valeur)}
        if self.debut is not None:
            out["debut"] = self.debut.isoformat()
        for key in ("origine", "source", "raison"):
            if getattr(self, key) is not None:
                out[key] = getattr(self, key)
        if self.hypothese:
            out["hypothese"] = True
        return out


def to_json(value: Any) -> Any:
    """A JSON-compatible form of a policy value."""
    if isinstance(value, Duree):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [to_json(v) for v in value]
    return value


def format_value(value: Any) -> str:
    """A short French rendering of a value: « oui », « 100 % », « 4 000 », « 2,5 », « 01/06/2018 »."""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, Pourcentage):
        return format_pourcentage(value)
    if isinstance(value, int | float):
        return format_decimal(value)
    if isinstance(value, date):
        return format_date(value)
    if isinstance(value, tuple | list):
        return ", ".join(format_value(v) for v in value)
    return str(to_json(value))


def _version_row(path: str, version: Version[Any]) -> Row:
    source: Source | None = version.source
    return Row(
        chemin=path,
        valeur=version.valeur,
        debut=version.debut,
        origine=str(version.origine) if version.origine else None,
        source=str(source) if source else None,
        hypothese=version.hypothese,
        raison=version.raison,
    )


#: The choices of a record marked ``hypothese: true`` (an exit motif) that the mark is about.
_CHOIX = ("positive", "emploi")


def _choice_rows(node: BaseModel, path: str, positions: dict[str, str]) -> list[Row]:
    """The flags of a record that is itself an assumption (an exit motif's positive/emploi)."""
    source = getattr(node, "source", None)
    return [
        Row(
            chemin=f"{path}.{name}",
            valeur=getattr(node, name),
            origine=positions.get(f"{path}.{name}") or positions.get(path),
            source=str(source) if source else None,
            hypothese=True,
            raison=getattr(node, "raison", None),
        )
        for name in _CHOIX
        if name in type(node).model_fields
    ]


def _walk(node: Any, path: str, rows: list[Row], positions: dict[str, str]) -> None:
    if isinstance(node, Param):
        rows.extend(_version_row(path, v) for v in node.versions)
    elif isinstance(node, BaseModel):
        champs = type(node).model_fields
        suppose = getattr(node, "hypothese", False) is True and any(n in champs for n in _CHOIX)
        if suppose:
            rows.extend(_choice_rows(node, path, positions))
        for name in type(node).model_fields:
            value = getattr(node, name)
            if value is None or name in ("defauts",) or value == {} or value == ():
                continue
            if suppose and name in _CHOIX:
                continue
            _walk(value, f"{path}.{name}" if path else name, rows, positions)
    elif isinstance(node, dict):
        for key, value in node.items():
            _walk(value, f"{path}.{key}" if path else str(key), rows, positions)
    else:
        rows.append(Row(chemin=path, valeur=node, origine=positions.get(path)))


def flatten(policy: Policy) -> list[Row]:
    """Every value of ``policy`` (each version of a dated value is a row)."""
    rows: list[Row] = []
    _walk(policy, "", rows, policy.positions)
    return rows


def diff_rows(before: list[Row], after: list[Row]) -> list[tuple[str, Row | None, Row | None]]:
    """Key-by-key differences of two flattened snapshots: (path, before, after)."""
    left = {r.chemin: r for r in before}
    right = {r.chemin: r for r in after}
    out: list[tuple[str, Row | None, Row | None]] = []
    for key in dict.fromkeys([*left, *right]):
        a, b = left.get(key), right.get(key)
        if a is None or b is None or a.valeur != b.valeur:
            out.append((key, a, b))
    return out


def libelles_dispositifs(policy: Policy, idents: Iterable[str] | None = None) -> dict[str, str]:
    """How a reader tells the dispositifs apart: each label, plus its operator when two are alike.

    Two dispositifs with the same ``libelle`` read « libellé — opérateur »; if that is still
    alike (same operator, or none), their identifiers are added in parentheses.
    """
    choisis = list(policy.dispositifs if idents is None else idents)
    libelles = {i: policy.dispositifs[i].libelle for i in choisis}
    doubles = {lib for lib, n in Counter(libelles.values()).items() if n > 1}
    for i in choisis:
        operateur = policy.dispositifs[i].operateur
        if libelles[i] in doubles and operateur:
            libelles[i] = f"{libelles[i]} — {operateur}"
    encore = {lib for lib, n in Counter(libelles.values()).items() if n > 1}
    return {i: f"{lib} ({i})" if lib in encore else lib for i, lib in libelles.items()}
