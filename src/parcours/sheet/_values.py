"""The values of a policy sheet: each version in words, its note, whether it is assumed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from parcours.policies.display import format_value
from parcours.policies.values import Param, Source, Version

__all__ = ["Ligne", "Note", "Notes", "Valeur", "valeurs"]


@dataclass(frozen=True)
class Valeur:
    """One version of a value as shown: its words, from when, its note, whether assumed."""

    texte: str
    debut: date | None = None
    notes: tuple[int, ...] = ()
    hypothese: bool = False


@dataclass(frozen=True)
class Ligne:
    """A labelled value: its versions (none: ``absent``, the words for a value not set)."""

    libelle: str
    valeurs: tuple[Valeur, ...]
    absent: str = "non précisé"
    chemin: str | None = None  # the key path in the dispositif


@dataclass(frozen=True)
class Note:
    numero: int
    texte: str
    hypothese: bool


class Notes:
    """The page's numbered notes: a source quoted twice has one number."""

    def __init__(self, documents: dict[str, str]) -> None:
        self._documents = documents
        self._numeros: dict[tuple[str, bool], int] = {}

    def ajouter(self, source: Source | None, hypothese: bool, raison: str | None) -> int | None:
        parts = []
        if source is not None:
            doc = source.document
            titre = self._documents.get(doc) if doc else None
            parts.append(", ".join(p for p in (titre or doc, source.section) if p))
            if source.citation:
                parts.append(f"« {source.citation} »")
        if hypothese:
            parts.insert(0, "Hypothèse" + (f" : {raison}" if raison else ""))
        elif raison:
            parts.append(raison)
        if not parts:
            return None
        cle = (" — ".join(p for p in parts if p), hypothese)
        return self._numeros.setdefault(cle, len(self._numeros) + 1)

    def liste(self) -> tuple[Note, ...]:
        return tuple(Note(n, texte, hyp) for (texte, hyp), n in self._numeros.items())


def valeurs(
    param: Param[Any] | None, notes: Notes, jour: date | None, texte: Callable[[Any], str] | None = None
) -> tuple[Valeur, ...]:
    """The versions of ``param`` shown (on ``jour``: the one in force), ``texte`` writing a value."""
    if param is None:
        return ()
    versions: tuple[Version[Any], ...] = param.versions
    if jour is not None:
        en_vigueur = param.version_au(jour)
        versions = () if en_vigueur is None else (en_vigueur,)
    ecrire = texte or format_value
    shown = []
    for v in versions:
        note = notes.ajouter(v.source, v.hypothese, v.raison)
        shown.append(Valeur(ecrire(v.valeur), v.debut, () if note is None else (note,), v.hypothese))
    return tuple(shown)
