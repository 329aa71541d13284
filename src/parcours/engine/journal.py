"""The append-only journal of applied events: the interface its backends implement.

Backends: :class:`~parcours.engine.journal_jsonl.JsonlJournal` (the default, one JSON object
per line) and :class:`~parcours.engine.journal_sqlite.SqliteJournal` (stdlib sqlite3, WAL);
:func:`~parcours.engine.journals.open_journal` picks one from the path. This module imports
neither backend nor the engine: the engine writes to a journal and rebuilds itself from one
(:meth:`Engine.replay <parcours.engine.engine.Engine.replay>`), never the other way round.

Durability contract (every backend):

* ``Engine.apply`` writes its line(s) and flushes them to the operating system before it
  returns: a killed process loses nothing acknowledged. With ``durable=True`` the journal
  also fsyncs (JSONL) or commits with ``synchronous=FULL`` (SQLite): a power loss loses
  nothing acknowledged either.
* ``Engine.apply_many`` writes in batches of ``batch`` events (10,000 by default), and always
  before it returns or raises: when an event of the batch is refused, the lines of the events
  applied before it are written, then the error propagates. A crash in the middle of a call
  may lose up to one batch of lines of that call (the call had not returned); the journal is
  then a prefix of the events applied, and sending the call again with the same ``id`` keys
  is harmless.
* A torn last line (a crash in the middle of a write) or an invalid line is reported by
  :meth:`Journal.read` with its line number, after the valid prefix; :meth:`Journal.repair`
  cuts a torn last line off.
"""

from __future__ import annotations

import os
from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any

__all__ = ["Journal", "Ligne"]

#: What the engine hands the journal for one event: (dossier, date, evenement, JSON text).
Ligne = tuple[str, str, str, str]


class Journal(ABC):
    """An append-only journal. Use it as a context manager, or call :meth:`close`."""

    def __init__(self, path: str | os.PathLike[str], *, durable: bool = False) -> None:
        self.path = Path(path)
        self.durable = durable

    @property
    def name(self) -> str:
        """The journal's name in messages (its path)."""
        return os.fspath(self.path)

    @abstractmethod
    def write(self, lignes: Sequence[Ligne]) -> None:
        """Append ``lignes`` in order and flush them (fsync when ``durable``)."""

    @abstractmethod
    def read(self) -> Iterator[tuple[int, dict[str, Any]]]:
        """Every event as (line number, object), in order; a bad line raises JournalError."""

    @abstractmethod
    def is_empty(self) -> bool:
        """Whether the journal holds no line."""

    @abstractmethod
    def close(self) -> None: ...

    def read_dossier(self, dossier: str) -> list[dict[str, Any]]:
        """The events of one dossier, in order (a scan; for explanations, not the hot path)."""
        return [event for _, event in self.read() if event.get("dossier") == dossier]

    def repair(self) -> bool:
        """Cut a torn last line off (a write a crash interrupted). True when one was cut."""
        return False

    def __enter__(self) -> Journal:
        return self

    def __exit__(
        self, typ: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
