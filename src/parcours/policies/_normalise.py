"""Schema-guided normalisation of a YAML document into the canonical form of the models.

The walk follows the pydantic models: it refuses unknown keys (with a « vouliez-vous dire »
suggestion), turns each of the three written forms of a value into a canonical
``{"versions": [...]}`` record carrying its file:line, checks date keys are in order, and
remembers, for every canonical path, the YAML node it came from so that pydantic's errors
can be reported at the right line.
"""

from __future__ import annotations

import types
import typing
from datetime import date, datetime
from typing import Any, Union, get_args, get_origin

from pydantic import BaseModel

from parcours._suggest import suggest
from parcours.errors import Problem
from parcours.limits import DISPOSITIFS_MAX, MOTIFS_MAX, VERSIONS_MAX
from parcours.policies._yaml import Located, dotted
from parcours.policies.values import Param

__all__ = ["Canonical", "ParamDict", "PosMap", "merge", "normalise"]

Path = tuple[Any, ...]
#: canonical path → (document, path in that document)
PosMap = dict[Path, tuple[Located, Path]]
_WRAPPER_KEYS = ("valeur", "source", "hypothese", "raison")
#: the collections the language bounds, by key: (most entries, what they are called)
_BORNES = {
    "dispositifs": (DISPOSITIFS_MAX, "dispositifs"),
    "motifs_sortie": (MOTIFS_MAX, "motifs de sortie"),
    "motifs": (MOTIFS_MAX, "motifs"),
}


class ParamDict(dict[str, Any]):
    """A canonical parameter record: merged as a whole, never key by key."""


class Canonical:
    """A normalised document: its data, where each canonical node came from, its problems."""

    def __init__(self, data: Any, pos: PosMap, problems: list[Problem]) -> None:
        self.data = data
        self.pos = pos
        self.problems = problems


def _strip(annotation: Any) -> tuple[Any, bool]:
    """Remove Optional/Annotated wrappers; say whether None is allowed."""
    optional = False
    while True:
        origin = get_origin(annotation)
        if origin is typing.Annotated:
            annotation = get_args(annotation)[0]
        elif origin in (Union, types.UnionType):
            args = [a for a in get_args(annotation) if a is not type(None)]
            optional = optional or len(args) != len(get_args(annotation))
            if len(args) == 1:
                annotation = args[0]
            else:
                return annotation, optional
        else:
            return annotation, optional


def _is_param(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, Param)


def _is_model(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel) and not _is_param(annotation)


def _is_date_key(key: Any) -> bool:
    return isinstance(key, date) and not isinstance(key, datetime)


class _Walker:
    def __init__(self, doc: Located, overrides: dict[Path, Any]) -> None:
        self.doc = doc
        self.overrides = overrides
        self.pos: PosMap = {}
        self.problems: list[Problem] = []

    def problem(self, raw_path: Path, message: str, attendu: str | None = None, *, cle: bool = False) -> None:
        where = self.doc.pos(raw_path, cle=cle)
        self.problems.append(
            Problem(
                message,
                fichier=self.doc.fichier,
                ligne=where.ligne if where else None,
                colonne=where.colonne if where else None,
                chemin=dotted(raw_path),
                attendu=attendu,
            )
        )

    def walk(self, raw: Any, annotation: Any, path: Path, canon: Path) -> Any:
        self.pos[canon] = (self.doc, path)
        annotation, _ = _strip(self.overrides.get(path, annotation))
        if raw is None:
            return None
        if _is_param(annotation):
            return self.param(raw, path, canon)
        if _is_model(annotation):
            return self.model(raw, annotation, path, canon)
        origin = get_origin(annotation)
        if origin is dict and isinstance(raw, dict):
            value_type = get_args(annotation)[1]
            items = self.bounded(list(raw.items()), path)
            return {key: self.walk(value, value_type, (*path, key), (*canon, key)) for key, value in items}
        if origin in (tuple, list) and isinstance(raw, list):
            item_type = get_args(annotation)[0]
            kept = self.bounded(list(enumerate(raw)), path)
            return [self.walk(v, item_type, (*path, i), (*canon, i)) for i, v in kept]
        return raw

    def bounded(self, items: list[tuple[Any, Any]], path: Path) -> list[tuple[Any, Any]]:
        """``items`` of the collection at ``path``, within its bound (a problem past it)."""
        nom = path[-1] if path else None
        if not isinstance(nom, str) or nom not in _BORNES or len(items) <= _BORNES[nom][0]:
            return items
        most, quoi = _BORNES[nom]
        self.problem((*path, items[most][0]), f"plus de {most} {quoi}", f"au plus {most} {quoi}", cle=True)
        return items[:most]

    def model(self, raw: Any, model: type[BaseModel], path: Path, canon: Path) -> Any:
        if not isinstance(raw, dict):
            return raw  # pydantic reports the type error at this node
        fields = model.model_fields
        out: dict[str, Any] = {}
        for key, value in raw.items():
            if not isinstance(key, str) or key not in fields:
                shown = key.isoformat() if isinstance(key, date) else str(key)
                self.problem(
                    (*path, key),
                    f"clé « {shown} » inconnue",
                    suggest(shown, fields)
                    if isinstance(key, str)
                    else "clés possibles : " + ", ".join(sorted(fields)),
                    cle=True,
                )
                continue
            out[key] = self.walk(value, fields[key].annotation, (*path, key), (*canon, key))
        return out

    def param(self, raw: Any, path: Path, canon: Path) -> ParamDict:
        versions: list[dict[str, Any]] = []
        if isinstance(raw, dict) and raw and all(_is_date_key(k) for k in raw):
            previous: date | None = None
            dated = list(raw.items())
            if len(dated) > VERSIONS_MAX:
                self.problem(
                    (*path, dated[VERSIONS_MAX][0]),
                    f"plus de {VERSIONS_MAX} versions datées",
                    f"au plus {VERSIONS_MAX} dates d'effet pour une valeur",
                    cle=True,
                )
                dated = dated[:VERSIONS_MAX]
            for i, (key, value) in enumerate(dated):
                if previous is not None and key <= previous:
                    self.problem(
                        (*path, key),
                        f"date « {key.isoformat()} » "
                        + (
                            "en double"
                            if key == previous
                            else f"avant la précédente ({previous.isoformat()})"
                        ),
                        "des dates d'effet strictement croissantes",
                        cle=True,
                    )
                previous = key
                versions.append(self.version(value, key, (*path, key), (*canon, "versions", i)))
        elif isinstance(raw, dict) and any(_is_date_key(k) for k in raw):
            self.problem(
                path,
                "mélange de dates d'effet et d'autres clés",
                "soit des dates AAAA-MM-JJ, soit valeur/source/hypothese/raison",
            )
        else:
            versions.append(self.version(raw, None, path, (*canon, "versions", 0)))
        return ParamDict(versions=versions)

    def version(self, raw: Any, debut: date | None, path: Path, canon: Path) -> dict[str, Any]:
        self.pos[canon] = (self.doc, path)
        where = self.doc.pos(path)
        record: dict[str, Any] = {"debut": debut}
        if where is not None:
            record["origine"] = {"fichier": self.doc.fichier, "ligne": where.ligne, "colonne": where.colonne}
        if isinstance(raw, dict) and not (raw and all(_is_date_key(k) for k in raw)):
            if "valeur" not in raw:
                unknown = [k for k in raw if k not in _WRAPPER_KEYS]
                if unknown:
                    key = str(unknown[0])
                    self.problem(
                        (*path, unknown[0]), f"clé « {key} » inconnue", suggest(key, _WRAPPER_KEYS), cle=True
                    )
                else:
                    self.problem(path, "« valeur » manquante", "valeur: ... à côté de source/hypothese")
                return record
            for key, value in raw.items():
                if key not in _WRAPPER_KEYS:
                    self.problem(
                        (*path, key), f"clé « {key} » inconnue", suggest(str(key), _WRAPPER_KEYS), cle=True
                    )
                    continue
                self.pos[(*canon, key)] = (self.doc, (*path, key))
                record[key] = value
            value_where = self.doc.pos((*path, "valeur"))
            if value_where is not None:
                record["origine"] = {
                    "fichier": self.doc.fichier,
                    "ligne": value_where.ligne,
                    "colonne": value_where.colonne,
                }
        else:
            self.pos[(*canon, "valeur")] = (self.doc, path)
            record["valeur"] = raw
        return record


def normalise(doc: Located, model: type[BaseModel], overrides: dict[Path, Any] | None = None) -> Canonical:
    """Normalise ``doc`` along ``model`` (unknown keys and bad value forms become problems).

    ``overrides`` gives the model to follow at some paths where the field's own annotation is
    looser (the ``defauts`` of a policy are a partial dispositif).
    """
    walker = _Walker(doc, overrides or {})
    data = walker.walk(doc.data, model, (), ())
    return Canonical(data, walker.pos, walker.problems)


def merge(base: Any, override: Any) -> Any:
    """Deep-merge canonical data: ``override`` wins; parameters are replaced whole."""
    if (
        isinstance(base, dict)
        and isinstance(override, dict)
        and not isinstance(override, ParamDict)
        and not isinstance(base, ParamDict)
    ):
        out = dict(base)
        for key, value in override.items():
            out[key] = merge(base[key], value) if key in base else value
        return out
    return override
