"""Open a journal by its path: the backend is chosen from the file's suffix."""

from __future__ import annotations

import os
from pathlib import Path

from parcours.engine.journal import Journal
from parcours.engine.journal_jsonl import JsonlJournal
from parcours.engine.journal_sqlite import SqliteJournal

__all__ = ["SUFFIXES_SQLITE", "open_journal"]

#: File suffixes read as a SQLite journal; every other path is a JSONL journal.
SUFFIXES_SQLITE = (".sqlite", ".sqlite3", ".db")


def open_journal(path: str | os.PathLike[str], *, durable: bool = False) -> Journal:
    """A journal for ``path``: SQLite for ``.sqlite``/``.sqlite3``/``.db``, JSONL otherwise."""
    if Path(path).suffix.lower() in SUFFIXES_SQLITE:
        return SqliteJournal(path, durable=durable)
    return JsonlJournal(path, durable=durable)
