"""The SQLite journal: table ``evenements``, WAL mode, one transaction per write.

``evenements(seq INTEGER PRIMARY KEY, dossier TEXT NOT NULL, date TEXT NOT NULL,
evenement TEXT NOT NULL, ligne TEXT NOT NULL)``: ``ligne`` is the event's JSON object, the
same text as a JSONL line; ``seq`` is the application order and the "line number" of errors.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator, Sequence
from typing import Any

from parcours.engine.journal import Journal, Ligne, lire_ligne
from parcours.errors import JournalError

__all__ = ["SCHEMA", "SqliteJournal"]

SCHEMA = (
    "CREATE TABLE IF NOT EXISTS evenements("
    "seq INTEGER PRIMARY KEY, dossier TEXT NOT NULL, date TEXT NOT NULL, "
    "evenement TEXT NOT NULL, ligne TEXT NOT NULL)"
)


class SqliteJournal(Journal):
    """A SQLite database in WAL mode (``synchronous=NORMAL``; ``FULL`` when ``durable``)."""

    def __init__(self, path: str | os.PathLike[str], *, durable: bool = False) -> None:
        super().__init__(path, durable=durable)
        self._conn: sqlite3.Connection | None = None

    def _connexion(self) -> sqlite3.Connection:
        if self._conn is None:
            try:
                conn = sqlite3.connect(self.path, isolation_level=None)
                conn.execute("PRAGMA journal_mode=WAL")
                conn.execute(f"PRAGMA synchronous={'FULL' if self.durable else 'NORMAL'}")
                conn.execute(SCHEMA)
            except sqlite3.DatabaseError as exc:
                raise JournalError(f"base SQLite illisible : {exc}", fichier=self.name) from exc
            self._conn = conn
        return self._conn

    def write(self, lignes: Sequence[Ligne]) -> None:
        if not lignes:
            return
        conn = self._connexion()
        conn.execute("BEGIN")
        try:
            conn.executemany(
                "INSERT INTO evenements(dossier, date, evenement, ligne) VALUES (?, ?, ?, ?)", lignes
            )
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    def is_empty(self) -> bool:
        if not self.path.exists():
            return True
        row = self._connexion().execute("SELECT 1 FROM evenements LIMIT 1").fetchone()
        return row is None

    def _lignes(self, sql: str, params: tuple[Any, ...] = ()) -> Iterator[tuple[int, str]]:
        for seq, texte in self._connexion().execute(sql, params):
            # a row is a whole line: the newline a file line ends with is implied
            yield seq, (texte if isinstance(texte, str) else repr(texte)) + "\n"

    def lines(self) -> Iterator[tuple[int, str]]:
        if not self.path.exists():
            return iter(())
        return self._lignes("SELECT seq, ligne FROM evenements ORDER BY seq")

    def read_dossier(self, dossier: str) -> list[dict[str, Any]]:
        if not self.path.exists():
            return []
        sql = "SELECT seq, ligne FROM evenements WHERE dossier = ? ORDER BY seq"
        found = (lire_ligne(texte) for _, texte in self._lignes(sql, (dossier,)))
        return [event for event in found if event is not None]

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
