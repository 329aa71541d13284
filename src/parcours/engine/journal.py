"""The append-only journal of applied events, and its replay.

Two backends behind one interface: :class:`~parcours.engine.journal_jsonl.JsonlJournal` (the
default, one JSON object per line) and :class:`~parcours.engine.journal_sqlite.SqliteJournal`
(stdlib sqlite3, WAL). :func:`ouvrir_journal` picks one from the file suffix.

Durability contract (both backends):

* ``Engine.apply`` writes its line(s) and flushes them to the operating system before it
  returns: a killed process loses nothing acknowledged. With ``durable=True`` the journal
  also fsyncs (JSONL) or commits with ``synchronous=FULL`` (SQLite): a power loss loses
  nothing acknowledged either.
* ``Engine.apply_many`` writes in batches of ``lot`` events (10,000 by default), and always
  before it returns or raises: when an event of the batch is refused, the lines of the events
  applied before it are written, then the error propagates. A crash in the middle of a call
  may lose up to one batch of lines of that call (the call had not returned); the journal is
  then a prefix of the events applied, and sending the call again with the same ``id`` keys
  is harmless.
* A torn last line (a crash in the middle of a write) or an invalid line is reported by
  :meth:`Journal.lire` with its line number, after the valid prefix.
"""

from __future__ import annotations

import os
from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from datetime import date
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from parcours.errors import JournalError, ParcoursError

if TYPE_CHECKING:
    from parcours.engine.engine import Engine
    from parcours.policies.schema import Policy

__all__ = ["Journal", "Ligne", "ouvrir_journal"]

#: What the engine hands the journal for one event: (dossier, date, evenement, JSON text).
Ligne = tuple[str, str, str, str]


class Journal(ABC):
    """An append-only journal file. Use it as a context manager, or call :meth:`close`."""

    def __init__(self, chemin: str | os.PathLike[str], *, durable: bool = False) -> None:
        self.chemin = Path(chemin)
        self.durable = durable

    @property
    def nom(self) -> str:
        return os.fspath(self.chemin)

    @abstractmethod
    def ecrire(self, lignes: Sequence[Ligne]) -> None:
        """Append ``lignes`` in order and flush them (fsync when ``durable``)."""

    @abstractmethod
    def lire(self) -> Iterator[tuple[int, dict[str, Any]]]:
        """Every event as (line number, object), in order; a bad line raises JournalError."""

    @abstractmethod
    def est_vide(self) -> bool:
        """Whether the journal holds no line."""

    @abstractmethod
    def close(self) -> None: ...

    def lignes_dossier(self, dossier: str) -> list[dict[str, Any]]:
        """The events of one dossier, in order (a scan; for explanations, not the hot path)."""
        return [event for _, event in self.lire() if event.get("dossier") == dossier]

    def reparer(self) -> bool:
        """Cut a torn last line off (a write a crash interrupted). True when one was cut."""
        return False

    def replay(
        self,
        policy: Policy,
        *,
        jusqu_au: date | None = None,
        tolerant: bool = False,
        continuer: bool = False,
        historique: bool = False,
    ) -> Engine:
        """Rebuild the engine whose applied events this journal holds.

        Events dated after ``jusqu_au`` are left out. A bad line raises JournalError naming
        it; with ``tolerant`` the engine of the valid prefix is returned and the error is in
        its ``avertissements``. With ``continuer`` the engine writes its next events here
        (a torn last line is cut off first; an invalid line in the middle forbids it).
        ``historique`` keeps each dossier's events in memory (for explanations).
        """
        from parcours.engine.engine import Engine

        engine = Engine(policy, historique=historique)
        limite = None if jusqu_au is None else jusqu_au.isoformat()
        invalide: JournalError | None = None
        try:
            for numero, event in self.lire():
                if limite is not None and str(event.get("date", ""))[:10] > limite:
                    continue
                try:
                    engine._rejouer(event)
                except ParcoursError as exc:
                    raise JournalError(str(exc), fichier=self.nom, ligne=numero) from exc
        except JournalError as exc:
            if not tolerant:
                raise
            invalide = exc
            engine.avertissements.append(exc)
        if continuer:
            if jusqu_au is not None:
                raise JournalError(
                    "on ne peut pas continuer un journal rejoué jusqu'à une date", fichier=self.nom
                )
            if invalide is not None and not self.reparer():
                raise JournalError(
                    "le journal a une ligne invalide avant sa fin : corrigez-la avant d'y écrire",
                    fichier=self.nom,
                    ligne=invalide.ligne,
                )
            engine._attacher(self)
        return engine

    def __enter__(self) -> Journal:
        return self

    def __exit__(
        self, typ: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


def ouvrir_journal(chemin: str | os.PathLike[str], *, durable: bool = False) -> Journal:
    """A journal for ``chemin``: SQLite for ``.sqlite``/``.sqlite3``/``.db``, JSONL otherwise."""
    suffix = Path(chemin).suffix.lower()
    if suffix in (".sqlite", ".sqlite3", ".db"):
        from parcours.engine.journal_sqlite import SqliteJournal

        return SqliteJournal(chemin, durable=durable)
    from parcours.engine.journal_jsonl import JsonlJournal

    return JsonlJournal(chemin, durable=durable)
