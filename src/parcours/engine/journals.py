"""Open a journal by its path or URL: PostgreSQL for a ``postgresql://`` URL, otherwise the
backend is chosen from the file's suffix."""

from __future__ import annotations

import os
from pathlib import Path

from parcours.engine.journal import Journal
from parcours.engine.journal_jsonl import JsonlJournal
from parcours.engine.journal_postgresql import PostgresJournal, est_url
from parcours.engine.journal_sqlite import SqliteJournal

__all__ = ["SUFFIXES_SQLITE", "est_sqlite", "est_url", "open_journal"]

#: File suffixes read as a SQLite journal; every other path is a JSONL journal.
SUFFIXES_SQLITE = (".sqlite", ".sqlite3", ".db")
_ENTETE_SQLITE = b"SQLite format 3\x00"


def est_sqlite(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` is a SQLite journal: by its suffix, or by the header of an existing file."""
    chemin = Path(path)
    if chemin.suffix.lower() in SUFFIXES_SQLITE:
        return True
    if not chemin.is_file():
        return False
    with open(chemin, "rb") as fichier:
        return fichier.read(len(_ENTETE_SQLITE)) == _ENTETE_SQLITE


def open_journal(path: str | os.PathLike[str], *, durable: bool = False) -> Journal:
    """A journal for ``path``: PostgreSQL for a ``postgresql://`` (or ``postgres://``) URL,
    SQLite for ``.sqlite``/``.sqlite3``/``.db`` or a file with SQLite's header, JSONL
    otherwise (the reports read a path by the same rule)."""
    if isinstance(path, str) and est_url(path):
        return PostgresJournal(path, durable=durable)
    if est_sqlite(path):
        return SqliteJournal(path, durable=durable)
    return JsonlJournal(path, durable=durable)
