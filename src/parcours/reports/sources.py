"""Journal sources as a stream of Arrow batches of raw lines, numbered for messages.

Every input (a JSONL file, a SQLite journal, a PostgreSQL journal, Python events, a CSV
export) is a
:class:`LineSource`: its :meth:`~LineSource.lots` give record batches of two columns,
``numero`` (int64: the line number of a JSONL file, the ``seq`` of a SQLite journal, the
``position`` of a PostgreSQL journal, the rank of an event) and ``ligne`` (string: the raw line
as the engine's line reader sees it, its newline included — a line without one was torn).
One reader (:mod:`parcours.reports.reading`) reads them all, a batch at a time, so that a
journal of any length is read in bounded memory.

A batch never holds a line the reader must not read on from: a source stops (raises
:class:`~parcours.errors.UnsafeLineError` with the line number) at the first line longer than
LONGUEUR_LIGNE_MAX or that is not UTF-8, after giving the lines before it. A new source is a
subclass whose ``lots`` yields such batches: nothing else in the reports changes.
"""

from __future__ import annotations

import io
import json
import os
import sqlite3
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from parcours.engine.journal import lire_ligne
from parcours.engine.journal_postgresql import PostgresJournal
from parcours.engine.journal_sqlite import LIGNES_SQL, lire_seulement
from parcours.engine.journals import est_sqlite, est_url
from parcours.errors import JournalError, UnsafeLineError
from parcours.limits import LONGUEUR_LIGNE_MAX

__all__ = [
    "LOT",
    "SCHEMA",
    "JsonlSource",
    "Lignes",
    "LineSource",
    "PostgresSource",
    "SqliteSource",
    "lignes_en_memoire",
    "read_events",
    "read_file",
    "read_jsonl",
    "read_postgresql",
    "read_sqlite",
]

#: Lines per batch (a JSONL file is cut in blocks of about as many bytes' worth of lines).
LOT = 1 << 18
#: The columns of a batch.
SCHEMA = pa.schema([("numero", pa.int64()), ("ligne", pa.string())])
_BLOC = 1 << 24  # bytes read from a JSONL file at a time


class LineSource(ABC):
    """Where a journal's lines come from: ``source`` names it in messages, ``unite`` says how
    a ``numero`` is called (ligne, seq, événement)."""

    source: str
    unite: str = "ligne"
    #: lines per batch at most
    lot: int = LOT

    @abstractmethod
    def lots(self) -> Iterator[pa.RecordBatch]:
        """The lines in order, in batches of SCHEMA (each may be read again: a new iterator)."""

    def montrer(self, numero: int) -> int:
        """The number messages give for line ``numero``."""
        return numero

    def arreter(self, numero: int, brute: bytes) -> UnsafeLineError:
        """The located error of a line that a batch cannot hold (``brute``: its raw bytes)."""
        try:
            lire_ligne(brute)
        except UnsafeLineError as exc:
            return UnsafeLineError(str(exc), fichier=self.source, ligne=self.montrer(numero))
        raise AssertionError(f"ligne {numero} : le lecteur de lignes l'accepte")  # pragma: no cover


def _lot(numeros: npt.NDArray[np.int64], lignes: pa.Array) -> pa.RecordBatch:
    return pa.record_batch([pa.array(numeros, pa.int64()), lignes], schema=SCHEMA)


def _suite(premier: int, nombre: int) -> npt.NDArray[np.int64]:
    return np.arange(premier, premier + nombre, dtype=np.int64)


@dataclass(frozen=True)
class Lignes(LineSource):
    """Lines held in memory (Python events, a CSV export): ``table`` has SCHEMA's columns;
    ``origines`` gives the number shown for each row when it is not its ``numero`` (a CSV
    export's events in date order keep the number of their CSV line)."""

    table: pa.Table
    source: str
    unite: str = "ligne"
    origines: npt.NDArray[np.int64] | None = field(default=None, compare=False)

    def __len__(self) -> int:
        return int(self.table.num_rows)

    def lots(self) -> Iterator[pa.RecordBatch]:
        yield from self.table.combine_chunks().to_batches(max_chunksize=self.lot)

    def montrer(self, numero: int) -> int:
        if self.origines is None:
            return numero
        numeros = np.asarray(self.table.column("numero").to_numpy(), dtype=np.int64)
        return int(self.origines[int(np.searchsorted(numeros, numero))])


def lignes_en_memoire(textes: list[str], source: str, unite: str, origines: Any = None) -> Lignes:
    """``textes`` (one JSON object each, no newline) as lines numbered from 1."""
    numeros = np.arange(1, len(textes) + 1, dtype=np.int64)
    table = pa.table({"numero": numeros, "ligne": pa.array([t + "\n" for t in textes], pa.string())})
    return Lignes(table, source, unite, origines)


class JsonlSource(LineSource):
    """A JSONL file, cut in blocks of about 16 MiB at line ends (line numbers count every line
    of the file, blank ones included); a line is never longer in memory than the bound."""

    def __init__(self, chemin: str | os.PathLike[str], *, bloc: int = _BLOC, lot: int = LOT) -> None:
        self.path = Path(chemin)
        self.source = str(chemin)
        self.bloc = bloc
        self.lot = lot

    def lots(self) -> Iterator[pa.RecordBatch]:
        premier = 1
        reste = b""
        with open(self.path, "rb") as fichier:
            while bloc := fichier.read(self.bloc):
                donnees = reste + bloc if reste else bloc
                coupe = donnees.rfind(b"\n") + 1
                reste = donnees[coupe:]
                if coupe:
                    for lot in self._lignes(donnees[:coupe], premier):
                        premier += lot.num_rows
                        yield lot
                if len(reste) > LONGUEUR_LIGNE_MAX + 1:
                    raise self.arreter(premier, reste[: LONGUEUR_LIGNE_MAX + 1])
        if reste:  # a torn last line: the line reader says so from its text
            if len(reste) > LONGUEUR_LIGNE_MAX:
                raise self.arreter(premier, reste)
            yield _lot(_suite(premier, 1), pa.array([reste.decode("utf-8", "replace")]))

    def _lignes(self, donnees: bytes, premier: int) -> Iterator[pa.RecordBatch]:
        """The whole lines of ``donnees`` as batches; stops at a line that is too long or not
        UTF-8, after the lines before it."""
        fins = np.flatnonzero(np.frombuffer(donnees, dtype=np.uint8) == 10) + 1
        debuts = np.concatenate(([0], fins[:-1]))
        mauvaise = _premiere_trop_longue(debuts, fins)
        tableau = pa.StringArray.from_buffers(
            len(fins), pa.py_buffer(np.concatenate(([0], fins)).astype(np.int32)), pa.py_buffer(donnees)
        )
        try:
            tableau.validate(full=True)
        except pa.ArrowInvalid:
            mauvaise = min(mauvaise, _premiere_non_utf8(donnees, debuts, fins))
        garde = min(mauvaise, len(fins))
        for debut in range(0, garde, self.lot):
            fin = min(debut + self.lot, garde)
            yield _lot(_suite(premier + debut, fin - debut), tableau[debut:fin])
        if mauvaise < len(fins):
            raise self.arreter(premier + mauvaise, donnees[debuts[mauvaise] : fins[mauvaise]])


def _premiere_trop_longue(debuts: npt.NDArray[np.int64], fins: npt.NDArray[np.int64]) -> int:
    """The index of the first line longer than the bound (its newline aside), else len(fins)."""
    trop = np.flatnonzero(fins - debuts - 1 > LONGUEUR_LIGNE_MAX)
    return int(trop[0]) if trop.size else len(fins)


def _premiere_non_utf8(donnees: bytes, debuts: npt.NDArray[np.int64], fins: npt.NDArray[np.int64]) -> int:
    for i, (debut, fin) in enumerate(zip(debuts.tolist(), fins.tolist(), strict=True)):
        try:
            donnees[debut:fin].decode("utf-8")
        except UnicodeDecodeError:
            return i
    return len(fins)  # pragma: no cover - Arrow found one


class SqliteSource(LineSource):
    """The ``evenements`` table of a SQLite journal (opened read-only, its schema checked),
    numbered by its ``seq``, read through the engine's own query (rows as bounded bytes)."""

    unite = "seq"

    def __init__(self, chemin: str | os.PathLike[str], *, lot: int = LOT) -> None:
        self.path = Path(chemin)
        self.source = str(chemin)
        self.lot = lot
        lire_seulement(self.path, self.source).close()  # not a parcours journal: said now

    def lots(self) -> Iterator[pa.RecordBatch]:
        con = lire_seulement(self.path, self.source)
        try:
            curseur = con.execute(f"{LIGNES_SQL} ORDER BY seq")
            while rows := curseur.fetchmany(self.lot):
                yield from self._lot(rows)
        except sqlite3.DatabaseError as exc:
            raise JournalError(f"base SQLite illisible : {exc}", fichier=self.source) from exc
        finally:
            con.close()

    def _lot(self, rows: list[tuple[int, bytes]]) -> Iterator[pa.RecordBatch]:
        numeros = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
        brutes = pc.binary_join_element_wise(pa.array([r[1] for r in rows], pa.binary()), b"\n", b"")
        try:
            yield _lot(numeros, brutes.cast(pa.string()))
        except pa.ArrowInvalid:
            brut = [r[1] + b"\n" for r in rows]
            mauvaise = _premiere_non_utf8(b"".join(brut), *_bornes(brut))
            if mauvaise:
                yield _lot(numeros[:mauvaise], brutes[:mauvaise].cast(pa.string()))
            raise self.arreter(int(numeros[mauvaise]), brut[mauvaise]) from None


def _bornes(brut: list[bytes]) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    fins = np.cumsum([len(b) for b in brut], dtype=np.int64)
    return np.concatenate(([0], fins[:-1])), fins


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


class PostgresSource(LineSource):
    """A PostgreSQL journal (its schema checked), numbered by its ``position``: the lines come
    through ``COPY ... TO STDOUT`` into pyarrow's streaming CSV reader, a block of about 16 MiB
    at a time, never the whole table nor row by row in Python. Each line is cut to
    LONGUEUR_LIGNE_MAX + 1 characters by the server, enough for the line reader to refuse it."""

    unite = "position"

    def __init__(self, url: str, *, lot: int = LOT) -> None:
        self.url = url
        self.lot = lot
        journal = PostgresJournal(url)
        self.source = journal.name
        try:
            journal.is_empty()  # not a parcours journal, or no server: said now
        finally:
            journal.close()

    def lots(self) -> Iterator[pa.RecordBatch]:
        journal = PostgresJournal(self.url)
        try:
            lecteur = pacsv.open_csv(
                io.BufferedReader(_Flux(journal.copy_blocks(LONGUEUR_LIGNE_MAX + 1)), 1 << 20),
                read_options=pacsv.ReadOptions(column_names=["numero", "ligne"], block_size=_BLOC),
                parse_options=pacsv.ParseOptions(newlines_in_values=True),
                convert_options=pacsv.ConvertOptions(
                    column_types={"numero": pa.int64(), "ligne": pa.string()},
                    strings_can_be_null=False,
                    quoted_strings_can_be_null=False,
                ),
            )
            for lu in lecteur:
                lignes = pc.binary_join_element_wise(lu.column("ligne"), "\n", "")
                lot = pa.record_batch([lu.column("numero"), lignes], schema=SCHEMA)
                for debut in range(0, lot.num_rows, self.lot):
                    yield lot.slice(debut, self.lot)
        finally:
            journal.close()


def read_jsonl(chemin: str | os.PathLike[str]) -> JsonlSource:
    """A JSONL file; line numbers count every line of the file, blank ones included."""
    return JsonlSource(chemin)


def read_postgresql(url: str) -> PostgresSource:
    """A PostgreSQL journal, numbered by its ``position``, streamed through ``COPY``."""
    return PostgresSource(url)


def read_sqlite(chemin: str | os.PathLike[str]) -> SqliteSource:
    """The ``evenements`` table of a SQLite journal, numbered by its ``seq``."""
    return SqliteSource(chemin)


def read_events(evenements: Iterable[Mapping[str, Any]], source: str = "<événements>") -> Lignes:
    """Python events (dicts in the journal format), numbered from 1 in the given order."""
    textes = [json.dumps(dict(e), ensure_ascii=False, default=str) for e in evenements]
    return lignes_en_memoire(textes, source, "événement")


def read_file(chemin: str | os.PathLike[str]) -> LineSource:
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
