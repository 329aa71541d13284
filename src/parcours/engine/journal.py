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
  cuts a torn last line off and keeps its bytes in a file beside the journal.

Reading: :meth:`Journal.lines` gives each line's raw text with its number; :func:`lire_ligne`
is the one decoder of a line (the replay, the reports and the alerts use it): a blank line is
ignored everywhere, a torn or invalid line raises :class:`~parcours.errors.JournalError`.

Writers (the concurrency contract). A journal has a *position*: the number of the last line
this object has read or written (a JSONL line number, a SQLite ``seq``, a PostgreSQL
``position``). The engine writes through :meth:`Journal.begin` and :meth:`Journal.commit`:

* a *shared* journal (``partage``: SQLite, PostgreSQL) takes its write lock in ``begin`` and
  gives back the lines other writers appended after the position; the engine applies them
  (it catches up) before it judges its own events, so that every event is judged on the
  whole journal and the journal's order is the order of application. An event whose dossier
  another writer moved since the engine last read, or a move that takes or frees a place of
  a dispositif where another writer did so, is refused with
  :class:`~parcours.errors.ConflitError`: the engine is then up to date and the caller looks
  again and retries. ``commit`` appends the lines, moves the position past them and releases
  the lock: a place is never given twice, whatever the number of writers.
* a JSONL journal has one writer: :meth:`Journal.attach` takes an exclusive lock on the file,
  held until :meth:`Journal.close`; a second writer is refused with a French error.

:meth:`Journal.since` gives the lines after a position without the lock (a reader catching
up), :meth:`Journal.wait` waits until there may be some (NOTIFY on PostgreSQL, polling on
SQLite).
"""

from __future__ import annotations

import json
import os
import time
from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, ClassVar

from parcours.errors import JournalError

__all__ = ["FileJournal", "Journal", "Ligne", "LigneEcartee", "lire_ligne"]

#: What the engine hands the journal for one event: (dossier, date, evenement, JSON text).
Ligne = tuple[str, str, str, str]


@dataclass(frozen=True)
class LigneEcartee:
    """A line set aside (not applied, not counted), with the reason in French."""

    numero: int
    message: str
    unite: str = "ligne"

    def __str__(self) -> str:
        return f"{self.unite} {self.numero} : {self.message}"


def lire_ligne(brute: str | bytes) -> dict[str, Any] | None:
    """One line of a journal as its JSON object; ``None`` for a blank line (ignored).

    A line read from a file ends with its newline: one that does not was torn by an
    interrupted write. Raises :class:`~parcours.errors.JournalError` (without location).
    """
    fin = "\n" if isinstance(brute, str) else b"\n"
    if not brute.endswith(fin):  # type: ignore[arg-type]
        if not brute.strip():
            return None
        raise JournalError("ligne tronquée (écriture interrompue)")
    if not brute.strip():
        return None
    try:
        event = json.loads(brute)
    except ValueError as exc:
        raise JournalError(f"ligne invalide : JSON mal formé ({exc})") from exc
    if not isinstance(event, dict):
        raise JournalError("ligne invalide : un objet JSON est attendu")
    return event


class Journal(ABC):
    """An append-only journal. Use it as a context manager, or call :meth:`close`."""

    #: whether several processes may write to it at once (see the module docstring)
    partage: ClassVar[bool] = False

    def __init__(self, *, durable: bool = False) -> None:
        self.durable = durable
        #: the number of the last line this object has read or written
        self.position = 0

    @property
    @abstractmethod
    def name(self) -> str:
        """The journal's name in messages (its path, or its URL without password)."""

    def attach(self) -> None:
        """This object is going to write: make sure it may (a JSONL journal takes its lock,
        a database creates or checks its schema)."""
        return None

    def begin(self) -> Sequence[tuple[int, str | bytes]]:
        """Start writing: take the write lock of a shared journal and give the lines other
        writers appended after :attr:`position` (none for a single-writer journal)."""
        return ()

    def commit(self, lignes: Sequence[Ligne]) -> None:
        """Append ``lignes`` (possibly none), move the position past them, release the lock."""
        if lignes:
            self.write(lignes)

    def rollback(self) -> None:
        """Release the write lock without appending anything."""
        return None

    def since(self, position: int) -> Iterator[tuple[int, str | bytes]]:
        """The lines after ``position``, in order, without taking the lock."""
        for numero, brute in self.lines():
            if numero > position:
                yield numero, brute

    def wait(self, timeout: float) -> bool:
        """Wait up to ``timeout`` seconds for lines after :attr:`position`; whether there are."""
        fin = time.monotonic() + timeout
        pause = 0.01
        while True:
            if self._apres(self.position):
                return True
            reste = fin - time.monotonic()
            if reste <= 0:
                return False
            time.sleep(min(pause, reste))
            pause = min(pause * 2, 0.25)

    def _apres(self, position: int) -> bool:
        """Whether the journal holds a line after ``position``."""
        return next(iter(self.since(position)), None) is not None

    @abstractmethod
    def write(self, lignes: Sequence[Ligne]) -> None:
        """Append ``lignes`` in order and flush them (fsync when ``durable``)."""

    @abstractmethod
    def lines(self) -> Iterator[tuple[int, str | bytes]]:
        """Every line's raw text with its number, in order (a line of a file keeps its newline)."""

    def read(self) -> Iterator[tuple[int, dict[str, Any]]]:
        """Every event as (line number, object), in order; blank lines are skipped and a bad
        line raises JournalError with its number."""
        for numero, brute in self.lines():
            try:
                event = lire_ligne(brute)
            except JournalError as exc:
                raise JournalError(str(exc), fichier=self.name, ligne=numero) from exc
            if event is not None:
                yield numero, event

    @abstractmethod
    def is_empty(self) -> bool:
        """Whether the journal holds no line."""

    @abstractmethod
    def close(self) -> None: ...

    def read_dossier(self, dossier: str) -> list[dict[str, Any]]:
        """The events of one dossier, in order (a scan; for explanations, not the hot path)."""
        return [event for _, event in self.read() if event.get("dossier") == dossier]

    def repair(self) -> Path | None:
        """Cut a torn last line off (a write a crash interrupted); the file that keeps its bytes,
        or None when there was none."""
        return None

    def __enter__(self) -> Journal:
        return self

    def __exit__(
        self, typ: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


class FileJournal(Journal):
    """A journal kept in one file (JSONL, SQLite): named by its path."""

    def __init__(self, path: str | os.PathLike[str], *, durable: bool = False) -> None:
        super().__init__(durable=durable)
        self.path = Path(path)

    @property
    def name(self) -> str:
        return os.fspath(self.path)
