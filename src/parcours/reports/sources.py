"""Journal sources as raw lines: one ``(numero, ligne)`` row per event, numbered for messages.

Every input (a JSONL file, a SQLite journal, Python events, a CSV export) becomes the same
pyarrow table of JSON texts, so that one parser (:mod:`parcours.reports.reading`) reads them
all and reports a bad event by its line number (JSONL), its ``seq`` (SQLite) or its rank.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

__all__ = ["Lignes", "read_events", "read_file", "read_jsonl", "read_sqlite"]

_SQLITE_MAGIC = b"SQLite format 3\x00"


@dataclass(frozen=True)
class Lignes:
    """Raw event lines: ``table`` has ``numero`` (int64) and ``ligne`` (string) columns."""

    table: pa.Table
    source: str
    unite: str = "ligne"  # how a numero is named in messages: ligne, seq, événement
    diviseur: int = 1  # numero // diviseur is the number shown (several events from one CSV row)

    def __len__(self) -> int:
        return int(self.table.num_rows)


def _table(numeros: Any, lignes: pa.Array | list[str]) -> pa.Table:
    return pa.table({"numero": pa.array(numeros, pa.int64()), "ligne": pa.array(lignes, pa.string())})


def read_jsonl(chemin: str | os.PathLike[str]) -> Lignes:
    """Read a JSONL file; line numbers count every line of the file, blank ones included."""
    path = Path(chemin)
    try:
        table = _read_lines_fast(path)
    except pa.ArrowInvalid:
        table = _read_lines_slow(path)
    return Lignes(table, str(chemin), "ligne")


def _read_lines_fast(path: Path) -> pa.Table:
    """Split lines with pyarrow's multithreaded CSV reader (one column, no quoting)."""
    table = pacsv.read_csv(
        path,
        read_options=pacsv.ReadOptions(column_names=["ligne"], block_size=1 << 24),
        parse_options=pacsv.ParseOptions(
            delimiter="\x1f",
            quote_char=False,
            escape_char=False,
            newlines_in_values=False,
            ignore_empty_lines=False,
        ),
        convert_options=pacsv.ConvertOptions(
            column_types={"ligne": pa.string()},
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
        ),
    )
    # keep pyarrow's chunks: DuckDB scans an Arrow table in parallel, one chunk per task
    lignes = table.column("ligne")
    numeros, debut = [], 1
    for chunk in lignes.chunks:
        numeros.append(pa.array(np.arange(debut, debut + len(chunk), dtype=np.int64)))
        debut += len(chunk)
    return pa.table({"numero": pa.chunked_array(numeros, pa.int64()), "ligne": lignes})


def _read_lines_slow(path: Path) -> pa.Table:
    """Line by line, for files the fast reader refuses (a stray control byte, bad UTF-8).

    A line that is not UTF-8 becomes an empty object marker that the parser reports.
    """
    texts: list[str] = []
    for raw in path.read_bytes().split(b"\n"):
        try:
            texts.append(raw.decode("utf-8"))
        except UnicodeDecodeError:
            texts.append("\x00 encodage invalide")
    if texts and texts[-1] == "":
        texts.pop()
    return _table(np.arange(1, len(texts) + 1, dtype=np.int64), texts)


def read_sqlite(chemin: str | os.PathLike[str]) -> Lignes:
    """Read the ``evenements`` table of a SQLite journal, numbered by its ``seq``."""
    uri = Path(chemin).resolve().as_uri() + "?mode=ro"
    con = sqlite3.connect(uri, uri=True)
    try:
        rows = con.execute("SELECT seq, ligne FROM evenements ORDER BY seq").fetchall()
    finally:
        con.close()
    return Lignes(_table([r[0] for r in rows], [r[1] for r in rows]), str(chemin), "seq")


def read_events(evenements: Iterable[Mapping[str, Any]], source: str = "<événements>") -> Lignes:
    """Python events (dicts in the journal format), numbered from 1 in the given order."""
    texts = [json.dumps(dict(e), ensure_ascii=False, default=str) for e in evenements]
    return Lignes(_table(np.arange(1, len(texts) + 1, dtype=np.int64), texts), source, "événement")


def read_file(chemin: str | os.PathLike[str]) -> Lignes:
    """A journal file: SQLite when it starts with SQLite's header, JSONL otherwise."""
    with open(chemin, "rb") as handle:
        head = handle.read(len(_SQLITE_MAGIC))
    if head == _SQLITE_MAGIC:
        return read_sqlite(chemin)
    return read_jsonl(chemin)
