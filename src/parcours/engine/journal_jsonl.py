"""The JSONL journal: one applied event per line, UTF-8, appended in application order.

One writer: the object that writes holds an exclusive lock on the file (``flock``) from its
first write (or :meth:`~parcours.engine.journal.Journal.attach`) until it is closed, so a
second engine, in this process or another, is refused instead of interleaving its lines
with stale decisions. Readers (replay, reports, alerts) take no lock.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO, Any

from parcours.engine.journal import FileJournal, Ligne, lire_ligne
from parcours.errors import JournalError
from parcours.limits import LONGUEUR_LIGNE_MAX

_BLOC = 1 << 20

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX: no lock, the single writer is the caller's care
    fcntl = None  # type: ignore[assignment]

__all__ = ["JsonlJournal"]

_UN_ECRIVAIN = (
    "ce journal JSONL est déjà ouvert en écriture par un autre moteur (de ce processus ou d'un "
    "autre) : un journal JSONL n'a qu'un écrivain. Fermez l'autre moteur, ou prenez un journal "
    "SQLite (.sqlite) ou PostgreSQL (postgresql://...) pour écrire à plusieurs"
)


class JsonlJournal(FileJournal):
    """A JSONL file. Lines are written with one ``write`` per call, then flushed."""

    def __init__(self, path: str | os.PathLike[str], *, durable: bool = False) -> None:
        super().__init__(path, durable=durable)
        self._fichier: IO[bytes] | None = None
        self._verrou: IO[bytes] | None = None

    def attach(self) -> None:
        """Take the journal's writer lock (the file is created if it does not exist)."""
        if self._verrou is not None:
            return
        if self.path.is_dir():
            raise JournalError("c'est un dossier, pas un fichier de journal", fichier=self.name)
        try:
            verrou = open(self.path, "ab")  # noqa: SIM115 - held until close
        except OSError as exc:
            raise JournalError(
                f"le journal ne peut pas être ouvert en écriture ({exc})", fichier=self.name
            ) from exc
        if fcntl is not None:
            try:
                fcntl.flock(verrou.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                verrou.close()
                raise JournalError(_UN_ECRIVAIN, fichier=self.name) from None
        self._verrou = verrou

    def _ouvrir(self) -> IO[bytes]:
        if self._fichier is None:
            tenu = self._verrou is not None
            self.attach()
            try:
                self._refuser_si_tronque()
            except JournalError:
                if not tenu:
                    self._liberer()
                raise
            self._fichier = open(self.path, "ab")  # noqa: SIM115 - kept open across writes
        return self._fichier

    def _refuser_si_tronque(self) -> None:
        if self.path.stat().st_size > 0:
            with open(self.path, "rb") as existing:
                existing.seek(-1, os.SEEK_END)
                if existing.read(1) != b"\n":
                    raise JournalError(
                        "la dernière ligne est tronquée (écriture interrompue) : "
                        "reprenez le journal avec Engine.replay(politique, journal, "
                        "continuer=True), qui la retire",
                        fichier=self.name,
                    )

    def write(self, lignes: Sequence[Ligne]) -> None:
        if not lignes:
            return
        fichier = self._ouvrir()
        fichier.write("".join([ligne[3] + "\n" for ligne in lignes]).encode("utf-8"))
        fichier.flush()
        if self.durable:
            os.fsync(fichier.fileno())

    def is_empty(self) -> bool:
        if self.path.is_dir():
            raise JournalError("c'est un dossier, pas un fichier de journal", fichier=self.name)
        return not self.path.exists() or self.path.stat().st_size == 0

    def lines(self) -> Iterator[tuple[int, bytes]]:
        if not self.path.exists():
            return
        if not self.path.is_file():  # a device or a pipe would be read without end
            raise JournalError(
                "ce n'est pas un fichier ordinaire : il ne peut pas être relu", fichier=self.name
            )
        with open(self.path, "rb") as source:
            numero = 0
            while brute := source.readline(LONGUEUR_LIGNE_MAX + 2):
                numero += 1
                if len(brute) > LONGUEUR_LIGNE_MAX + 1 or (
                    len(brute) > LONGUEUR_LIGNE_MAX and not brute.endswith(b"\n")
                ):  # too long: its start is enough for lire_ligne to refuse it
                    if not brute.endswith(b"\n"):
                        _sauter_la_ligne(source)
                    brute = brute[: LONGUEUR_LIGNE_MAX + 1]
                yield numero, brute

    def read_dossier(self, dossier: str) -> list[dict[str, Any]]:
        aiguille = json.dumps(dossier, ensure_ascii=False).encode("utf-8")
        result: list[dict[str, Any]] = []
        for _, brute in self.lines():
            if aiguille not in brute:
                continue
            try:
                event = lire_ligne(brute)
            except JournalError:
                continue
            if event is not None and event.get("dossier") == dossier:
                result.append(event)
        return result

    def repair(self) -> Path | None:
        """Cut a torn last line off; its bytes are kept in ``<journal>.tronquee`` (numbered if
        that file exists). Nothing else is touched; memory stays within a block whatever the
        length of the torn line."""
        if self.is_empty():
            return None
        with open(self.path, "rb") as fichier:
            garde = _fin_de_la_derniere_ligne(fichier)
            if garde is None:
                return None
            cote = self.path.with_name(self.path.name + ".tronquee")
            n = 1
            while cote.exists():
                n += 1
                cote = self.path.with_name(f"{self.path.name}.tronquee.{n}")
            fichier.seek(garde)
            with open(cote, "wb") as sortie:
                shutil.copyfileobj(fichier, sortie, _BLOC)
        self._fermer_fichier()
        with open(self.path, "r+b") as fichier:
            fichier.truncate(garde)
        return cote

    def _fermer_fichier(self) -> None:
        if self._fichier is not None:
            self._fichier.close()
            self._fichier = None

    def _liberer(self) -> None:
        if self._verrou is not None:
            self._verrou.close()  # closing the descriptor releases the flock
            self._verrou = None

    def close(self) -> None:
        self._fermer_fichier()
        self._liberer()


def _sauter_la_ligne(source: IO[bytes]) -> None:
    """Read past the rest of the current line, a block at a time."""
    while (bloc := source.readline(_BLOC)) and not bloc.endswith(b"\n"):
        pass


def _fin_de_la_derniere_ligne(fichier: IO[bytes]) -> int | None:
    """Where the torn last line of ``fichier`` starts (None: it ends with a newline), read
    backwards a block at a time."""
    fin = fichier.seek(0, os.SEEK_END)
    fichier.seek(fin - 1)
    if fichier.read(1) == b"\n":
        return None
    debut = fin
    while debut > 0:
        debut = max(0, debut - _BLOC)
        fichier.seek(debut)
        bloc = fichier.read(min(_BLOC, fin - debut))
        coupe = bloc.rfind(b"\n")
        if coupe != -1:
            return debut + coupe + 1
        fin = debut
    return 0
