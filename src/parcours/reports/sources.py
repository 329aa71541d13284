"""Journal sources as raw lines: one ``(numero, ligne)`` row per event, numbered for messages.

Every input (a JSONL file, a SQLite journal, a PostgreSQL journal, Python events, a CSV
export) becomes the same pyarrow table of JSON texts, so that one parser
(:mod:`parcours.reports.reading`) reads them all and reports a bad event by its line number
(JSONL), its ``seq`` (SQLite), its ``position`` (PostgreSQL) or its rank.
"""

from __future__ import annotations

import io
import json
import os
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.csv as pacsv

from parcours.engine.journal_postgresql import PostgresJournal
from parcours.engine.journal_sqlite import lire_seulement
from parcours.engine.journals import est_sqlite, est_url
from parcours.errors import JournalError

#: What ``bytes.strip`` takes off a line: a line of only these is blank (engine/journal.py).
_BLANCS = " \t\n\r\x0b\x0c"

__all__ = ["Lignes", "read_events", "read_file", "read_jsonl", "read_postgresql", "read_sqlite"]


@dataclass(frozen=True)
class Lignes:
    """Raw event lines: ``table`` has ``numero`` (int64) and ``ligne`` (string) columns.

    ``fichier`` is the JSONL file they were split from (its raw bytes give a refused line's
    exact reason), ``tronquee`` the number of a last line that has no newline (a torn write),
    ``origines`` the number shown for each row when it is not its ``numero`` (a CSV export's
    events in date order keep the number of their CSV line).
    """

    table: pa.Table
    source: str
    unite: str = "ligne"  # how a numero is named in messages: ligne, seq, événement
    fichier: Path | None = None
    tronquee: int | None = None
    origines: npt.NDArray[np.int64] | None = None

    def __len__(self) -> int:
        return int(self.table.num_rows)

    def montrer(self, numero: int) -> int:
        """The number messages give for line ``numero``."""
        if self.origines is None:
            return numero
        return int(self.origines[int(np.searchsorted(self._numeros, numero))])

    @cached_property
    def _numeros(self) -> npt.NDArray[np.int64]:
        return np.asarray(self.table.column("numero").to_numpy(), dtype=np.int64)

    def texte(self, numero: int) -> str:
        """The text of line ``numero`` (as the table holds it)."""
        rang = int(np.searchsorted(self._numeros, numero))
        valeur = self.table.column("ligne")[rang].as_py()
        return "" if valeur is None else str(valeur)

    def brutes(self, numeros: Iterable[int]) -> dict[int, str | bytes]:
        """The raw lines ``numeros`` as a journal reader sees them: a file line's bytes with
        its newline (none for a torn last line), a row's text with the newline it implies."""
        voulus = set(numeros)
        if self.fichier is None:
            return {n: self.texte(n) + ("" if n == self.tronquee else "\n") for n in sorted(voulus)}
        out: dict[int, str | bytes] = {}
        if not voulus:
            return out
        dernier = max(voulus)
        with open(self.fichier, "rb") as source:
            for numero, brute in enumerate(source, 1):
                if numero in voulus:
                    out[numero] = brute
                if numero >= dernier:
                    break
        return out


def _table(numeros: Any, lignes: pa.Array | list[str]) -> pa.Table:
    return pa.table({"numero": pa.array(numeros, pa.int64()), "ligne": pa.array(lignes, pa.string())})


def read_jsonl(chemin: str | os.PathLike[str]) -> Lignes:
    """Read a JSONL file; line numbers count every line of the file, blank ones included."""
    path = Path(chemin)
    sauts, fin = _sauts_de_ligne(path)
    try:
        table = _read_lines_fast(path)
        # pyarrow also splits at a lone carriage return: the numbers would shift
        if table.num_rows != sauts + (0 if fin else 1) and table.num_rows:
            table = _read_lines_slow(path)
    except pa.ArrowInvalid:
        table = _read_lines_slow(path)
    tronquee = None if fin or not table.num_rows else int(table.num_rows)
    if tronquee is not None and not str(table.column("ligne")[-1].as_py() or "").strip(_BLANCS):
        tronquee = None  # only spaces after the last newline: a blank line, as the format reads it
    return Lignes(table, str(chemin), "ligne", fichier=path, tronquee=tronquee)


def _sauts_de_ligne(path: Path) -> tuple[int, bool]:
    """(newlines in the file, whether it ends with one or is empty)."""
    compte, dernier = 0, b"\n"
    with open(path, "rb") as source:
        while bloc := source.read(1 << 24):
            compte += bloc.count(b"\n")
            dernier = bloc[-1:]
    return compte, dernier == b"\n"


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
            texts.append("\x00 encodage invalide")  # refused by the fast reader; brutes() says why
    if texts and texts[-1] == "":
        texts.pop()
    return _table(np.arange(1, len(texts) + 1, dtype=np.int64), texts)


def read_sqlite(chemin: str | os.PathLike[str]) -> Lignes:
    """Read the ``evenements`` table of a SQLite journal (opened read-only, its schema checked),
    numbered by its ``seq``."""
    con = lire_seulement(Path(chemin), str(chemin))
    try:
        rows = con.execute("SELECT seq, ligne FROM evenements ORDER BY seq").fetchall()
    finally:
        con.close()
    return Lignes(_table([r[0] for r in rows], [r[1] for r in rows]), str(chemin), "seq")


class _Flux(io.RawIOBase):
    """The blocks of a ``COPY ... TO STDOUT`` as a file pyarrow's CSV reader can stream."""

    def __init__(self, blocs: Iterator[bytes | bytearray | memoryview]) -> None:
        self._blocs = blocs
        self._reste = b""

    def readable(self) -> bool:
        return True

    def readinto(self, tampon: Any) -> int:
        while not self._reste:
            bloc = next(self._blocs, None)
            if bloc is None:
                return 0
            self._reste = bytes(bloc)
        n = min(len(tampon), len(self._reste))
        tampon[:n] = self._reste[:n]
        self._reste = self._reste[n:]
        return n


def read_postgresql(url: str) -> Lignes:
    """Read a PostgreSQL journal (its schema checked), numbered by its ``position``: the lines
    come through ``COPY ... TO STDOUT`` straight into Arrow, never row by row in Python."""
    journal = PostgresJournal(url)
    try:
        table = journal.copy_to(lambda blocs: _csv_numerote(_Flux(blocs)))
    finally:
        journal.close()
    return Lignes(table, journal.name, "position")


def _csv_numerote(flux: io.RawIOBase) -> pa.Table:
    return pacsv.read_csv(
        io.BufferedReader(flux, 1 << 20),
        read_options=pacsv.ReadOptions(column_names=["numero", "ligne"], block_size=1 << 24),
        parse_options=pacsv.ParseOptions(newlines_in_values=True),
        convert_options=pacsv.ConvertOptions(
            column_types={"numero": pa.int64(), "ligne": pa.string()},
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
        ),
    )


def read_events(evenements: Iterable[Mapping[str, Any]], source: str = "<événements>") -> Lignes:
    """Python events (dicts in the journal format), numbered from 1 in the given order."""
    texts = [json.dumps(dict(e), ensure_ascii=False, default=str) for e in evenements]
    return Lignes(_table(np.arange(1, len(texts) + 1, dtype=np.int64), texts), source, "événement")


def read_file(chemin: str | os.PathLike[str]) -> Lignes:
    """A journal: PostgreSQL for a ``postgresql://`` URL, SQLite for the suffixes of
    open_journal or a file with SQLite's header, JSONL otherwise (as the engine opens them)."""
    if isinstance(chemin, str) and est_url(chemin):
        return read_postgresql(chemin)
    path = Path(chemin)
    if not path.is_file():
        raise JournalError("journal introuvable ou qui n'est pas un fichier ordinaire", fichier=str(chemin))
    if est_sqlite(path):
        return read_sqlite(chemin)
    return read_jsonl(chemin)
