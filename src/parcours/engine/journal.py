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
A line that breaks a bound of :mod:`parcours.limits` (longer than LONGUEUR_LIGNE_MAX bytes,
nested deeper than PROFONDEUR_JSON_MAX), or that is not UTF-8 text (undecodable bytes, a raw
control character), raises :class:`~parcours.errors.UnsafeLineError`, which stops a replay:
these are measured on the raw line before it is decoded, so a hostile line costs its length
in time and never a recursion. A reader never holds more than LONGUEUR_LIGNE_MAX + 1 bytes of
one line: :meth:`Journal.lines` gives a longer line as its first LONGUEUR_LIGNE_MAX + 1 bytes.

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
import re
import time
from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import accumulate
from pathlib import Path
from types import TracebackType
from typing import Any, ClassVar

from parcours._text import encodage_bom
from parcours.errors import JournalError, UnsafeLineError
from parcours.limits import LONGUEUR_LIGNE_MAX, PROFONDEUR_JSON_MAX

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


# a raw control character (JSON allows tab, newline and carriage return between tokens only)
_CONTROLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
_CHAINE_JSON = re.compile(r'"(?:[^"\\]|\\.)*"')
_CROCHET = re.compile(r"[\[\]{}]")


def _longueur(brute: str | bytes, fin: bool) -> int:
    """The line's length in UTF-8 bytes, its newline aside (exact up to LONGUEUR_LIGNE_MAX)."""
    n = len(brute) - fin
    if isinstance(brute, bytes) or n > LONGUEUR_LIGNE_MAX or 4 * n <= LONGUEUR_LIGNE_MAX:
        return n
    return len(brute.encode("utf-8", "surrogatepass")) - fin


def _decoder(brute: bytes) -> str:
    try:
        return brute.decode("utf-8")
    except UnicodeDecodeError as exc:
        encodage = encodage_bom(brute)
        if encodage is not None:
            message = f"le journal est en {encodage} (marque d'ordre des octets en tête), pas en UTF-8"
        else:
            message = (
                f"octet 0x{brute[exc.start]:02x} invalide colonne {exc.start + 1} : "
                "le journal n'est pas en UTF-8"
            )
        raise UnsafeLineError(message) from exc


def _profondeur(texte: str) -> int:
    """How deep the arrays and objects of ``texte`` nest (brackets inside strings aside); 0 when
    the line has too few brackets to go past PROFONDEUR_JSON_MAX (the common case: two counts)."""
    if texte.count("[") + texte.count("{") <= PROFONDEUR_JSON_MAX:
        return 0
    pas = (1 if c in "[{" else -1 for c in _CROCHET.findall(_CHAINE_JSON.sub("", texte)))
    return max(accumulate(pas), default=0)


def _texte_sur(brute: str | bytes) -> str:
    """The text of a whole line (its newline included) once shown to be UTF-8 text without a
    raw control character; UnsafeLineError otherwise."""
    texte = _decoder(brute) if isinstance(brute, bytes) else brute
    controle = _CONTROLE.search(texte)
    if controle is not None:
        raise UnsafeLineError(
            f"caractère de contrôle U+{ord(controle.group()):04X} colonne {controle.start() + 1} : "
            "une ligne de journal est du texte"
        )
    return texte


class _AvecDoublon(dict[str, Any]):
    """An object of a line that repeated one of its keys (``doublon``): readers disagree on
    which value such a key has (the last for Python, the first for others)."""

    doublon = ""


def _objet(paires: list[tuple[str, Any]]) -> dict[str, Any]:
    objet = dict(paires)
    if len(objet) == len(paires):
        return objet
    vues: set[str] = set()
    marque = _AvecDoublon(objet)
    marque.doublon = next(k for k, _ in paires if k in vues or vues.add(k))  # type: ignore[func-returns-value]
    return marque


_DECODEUR = json.JSONDecoder(object_pairs_hook=_objet)


def lire_ligne(brute: str | bytes) -> dict[str, Any] | None:
    """One line of a journal as its JSON object; ``None`` for a blank line (ignored).

    The checks, in order: the line's length (LONGUEUR_LIGNE_MAX, newline aside); a line read
    from a file ends with its newline, one that does not was torn by an interrupted write; the
    bytes are UTF-8 text without a raw control character; a blank line is ignored; its arrays
    and objects nest at most PROFONDEUR_JSON_MAX deep; it is a JSON object, whose keys are
    written once, whose text can be written back as UTF-8 (no lone surrogate ``\\ud800``). Raises
    :class:`~parcours.errors.JournalError` (without location), and its subclass
    :class:`~parcours.errors.UnsafeLineError` for a bound, the encoding or a control character.
    """
    fin = brute.endswith("\n") if isinstance(brute, str) else brute.endswith(b"\n")
    if _longueur(brute, fin) > LONGUEUR_LIGNE_MAX:
        raise UnsafeLineError(f"ligne trop longue : plus de {LONGUEUR_LIGNE_MAX} octets")
    if not fin:
        if not brute.strip():
            return None
        raise JournalError("ligne tronquée (écriture interrompue)")
    texte = _texte_sur(brute)
    if not texte.strip():
        return None
    if _profondeur(texte) > PROFONDEUR_JSON_MAX:
        raise UnsafeLineError(
            f"imbrication trop profonde : plus de {PROFONDEUR_JSON_MAX} niveaux de tableaux et d'objets"
        )
    try:
        event = _DECODEUR.decode(texte)
        if "\\u" in texte:  # an escape may stand for half a surrogate pair, which is no text
            json.dumps(event, ensure_ascii=False).encode("utf-8")
    except (ValueError, UnicodeEncodeError) as exc:
        raise JournalError(f"ligne invalide : JSON mal formé ({exc})") from exc
    if not isinstance(event, dict):
        raise JournalError("ligne invalide : un objet JSON est attendu")
    if isinstance(event, _AvecDoublon):
        raise JournalError(f"ligne invalide : clé « {event.doublon} » en double")
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
        """Every line's raw text with its number, in order (a line of a file keeps its newline;
        a line longer than LONGUEUR_LIGNE_MAX is given as its first LONGUEUR_LIGNE_MAX + 1
        bytes, which :func:`lire_ligne` refuses)."""

    def read(self) -> Iterator[tuple[int, dict[str, Any]]]:
        """Every event as (line number, object), in order; blank lines are skipped and a bad
        line raises JournalError with its number."""
        for numero, brute in self.lines():
            try:
                event = lire_ligne(brute)
            except JournalError as exc:
                raise type(exc)(str(exc), fichier=self.name, ligne=numero) from exc
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
