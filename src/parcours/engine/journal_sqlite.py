"""The SQLite journal: table ``evenements``, WAL mode, one transaction per write.

``evenements(seq INTEGER PRIMARY KEY, dossier TEXT NOT NULL, date TEXT NOT NULL,
evenement TEXT NOT NULL, ligne TEXT NOT NULL)``: ``ligne`` is the event's JSON object, the
same text as a JSONL line; ``seq`` is the application order and the "line number" of errors.

Several writers (processes or engines) may share one SQLite journal: a write is a
``BEGIN IMMEDIATE`` transaction (SQLite's write lock; waits up to ``ATTENTE_VERROU`` seconds
for another writer) in which the engine first reads the lines after its position, then
appends its own (see the contract in journal.py).
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from parcours.engine.journal import FileJournal, Ligne, lire_ligne
from parcours.errors import JournalError
from parcours.limits import LONGUEUR_LIGNE_MAX

__all__ = ["COLONNES", "LIGNES_SQL", "SCHEMA", "SqliteJournal", "lire_seulement"]

SCHEMA = (
    "CREATE TABLE IF NOT EXISTS evenements("
    "seq INTEGER PRIMARY KEY, dossier TEXT NOT NULL, date TEXT NOT NULL, "
    "evenement TEXT NOT NULL, ligne TEXT NOT NULL)"
)
#: The columns of a parcours journal's table.
COLONNES = ("seq", "dossier", "date", "evenement", "ligne")
#: Every row as (seq, the bytes of its line): as bytes, whatever SQLite holds (text that is not
#: UTF-8, a BLOB; a NULL reads as ``null``, which is not an event), and at most
#: LONGUEUR_LIGNE_MAX + 1 of them, enough for the line reader to refuse a longer one without
#: Python ever holding it. The replay and the reports read rows through it.
LIGNES_SQL = (
    f"SELECT seq, coalesce(substr(CAST(ligne AS BLOB), 1, {LONGUEUR_LIGNE_MAX + 1}), CAST('null' AS BLOB)) "
    "FROM evenements"
)
#: Seconds a writer waits for another one's transaction before giving up.
ATTENTE_VERROU = 60.0
_INSERT = "INSERT INTO evenements(dossier, date, evenement, ligne) VALUES (?, ?, ?, ?)"


def lire_seulement(path: Path, nom: str) -> sqlite3.Connection:
    """A read-only connection to the SQLite journal at ``path`` (``mode=ro``, ``query_only``),
    once it is shown to be a parcours journal; a JournalError says why not."""
    try:
        conn = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True, check_same_thread=False)
        conn.execute("PRAGMA query_only = ON")
        colonnes = tuple(row[1] for row in conn.execute("PRAGMA table_info(evenements)"))
    except sqlite3.DatabaseError as exc:
        raise JournalError(f"base SQLite illisible : {exc}", fichier=nom) from exc
    if colonnes != COLONNES:
        conn.close()
        vide = path.is_file() and path.stat().st_size == 0
        trouve = ", ".join(colonnes) if colonnes else "un fichier vide" if vide else "aucune table evenements"
        raise JournalError(
            f"ce n'est pas un journal parcours (attendu : une table evenements({', '.join(COLONNES)}) ; "
            f"trouvé : {trouve})",
            fichier=nom,
        )
    return conn


class SqliteJournal(FileJournal):
    """A SQLite database in WAL mode (``synchronous=NORMAL``; ``FULL`` when ``durable``)."""

    partage = True

    def __init__(self, path: str | os.PathLike[str], *, durable: bool = False) -> None:
        super().__init__(path, durable=durable)
        self._conn: sqlite3.Connection | None = None
        self._lecture: sqlite3.Connection | None = None

    def _lire(self) -> sqlite3.Connection:
        """The connection reads go through: the writer's, or a read-only one."""
        if self._conn is not None:
            return self._conn
        if self._lecture is None:
            self._lecture = lire_seulement(self.path, self.name)
        return self._lecture

    def _connexion(self) -> sqlite3.Connection:
        if self._lecture is not None:
            self._lecture.close()
            self._lecture = None
        if self._conn is None:
            try:
                # an engine may be handed from one thread to another (never used by two at once)
                conn = sqlite3.connect(
                    self.path, isolation_level=None, timeout=ATTENTE_VERROU, check_same_thread=False
                )
                conn.execute("PRAGMA journal_mode=WAL")
                conn.execute(f"PRAGMA synchronous={'FULL' if self.durable else 'NORMAL'}")
                conn.execute(SCHEMA)
            except sqlite3.DatabaseError as exc:
                raise JournalError(f"base SQLite illisible : {exc}", fichier=self.name) from exc
            self._conn = conn
        return self._conn

    def attach(self) -> None:
        self._connexion()

    def write(self, lignes: Sequence[Ligne]) -> None:
        if not lignes:
            return
        self._executer("BEGIN IMMEDIATE")
        self.commit(lignes)

    def begin(self) -> list[tuple[int, bytes]]:
        self._executer("BEGIN IMMEDIATE")
        try:
            return list(self._lignes(f"{LIGNES_SQL} WHERE seq > ? ORDER BY seq", (self.position,)))
        except BaseException:
            self.rollback()
            raise

    def commit(self, lignes: Sequence[Ligne]) -> None:
        conn = self._connexion()
        try:
            if lignes:
                conn.executemany(_INSERT, lignes)
                (dernier,) = conn.execute("SELECT max(seq) FROM evenements").fetchone()
            else:
                dernier = self.position
            conn.execute("COMMIT")
        except BaseException:
            self.rollback()
            raise
        self.position = dernier

    def rollback(self) -> None:
        conn = self._conn
        if conn is not None and conn.in_transaction:
            conn.execute("ROLLBACK")

    def _executer(self, sql: str) -> None:
        try:
            self._connexion().execute(sql)
        except sqlite3.OperationalError as exc:  # locked longer than ATTENTE_VERROU
            raise JournalError(
                f"le journal n'a pas pu être verrouillé pour écrire ({exc})", fichier=self.name
            ) from exc

    def since(self, position: int) -> Iterator[tuple[int, bytes]]:
        if not self.path.exists():
            return iter(())
        return self._lignes(f"{LIGNES_SQL} WHERE seq > ? ORDER BY seq", (position,))

    def _apres(self, position: int) -> bool:
        if not self.path.exists():
            return False
        row = self._lire().execute("SELECT 1 FROM evenements WHERE seq > ? LIMIT 1", (position,)).fetchone()
        return row is not None

    def is_empty(self) -> bool:
        if not self.path.exists() or (self.path.is_file() and self.path.stat().st_size == 0):
            return True
        row = self._lire().execute("SELECT 1 FROM evenements LIMIT 1").fetchone()
        return row is None

    def _lignes(self, sql: str, params: tuple[Any, ...] = ()) -> Iterator[tuple[int, bytes]]:
        for seq, brute in self._lire().execute(sql, params):
            # a row is a whole line: the newline a file line ends with is implied
            yield seq, bytes(brute) + b"\n"

    def lines(self) -> Iterator[tuple[int, bytes]]:
        if not self.path.exists():
            return iter(())
        return self._lignes(f"{LIGNES_SQL} ORDER BY seq")

    def read_dossier(self, dossier: str) -> list[dict[str, Any]]:
        if not self.path.exists():
            return []
        result: list[dict[str, Any]] = []
        for _, brute in self._lignes(f"{LIGNES_SQL} WHERE dossier = ? ORDER BY seq", (dossier,)):
            try:
                event = lire_ligne(brute)
            except JournalError:
                continue  # the replay reports it
            if event is not None:
                result.append(event)
        return result

    def close(self) -> None:
        for conn in (self._conn, self._lecture):
            if conn is not None:
                conn.close()
        self._conn = self._lecture = None
