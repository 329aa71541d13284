"""The JSONL journal: one applied event per line, UTF-8, appended in application order.

One writer: the object that writes holds an exclusive lock on the file (``flock``) from its
first write (or :meth:`~parcours.engine.journal.Journal.attach`) until it is closed, so a
second engine, in this process or another, is refused instead of interleaving its lines
with stale decisions. Readers (replay, reports, alerts) take no lock.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO, Any

from parcours.engine.journal import FileJournal, Ligne
from parcours.errors import JournalError

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
            yield from enumerate(source, 1)

    def read_dossier(self, dossier: str) -> list[dict[str, Any]]:
        aiguille = json.dumps(dossier, ensure_ascii=False).encode("utf-8")
        result: list[dict[str, Any]] = []
        if not self.path.exists():
            return result
        with open(self.path, "rb") as source:
            for brute in source:
                if aiguille in brute:
                    try:
                        event = json.loads(brute)
                    except ValueError:
                        continue
                    if isinstance(event, dict) and event.get("dossier") == dossier:
                        result.append(event)
        return result

    def repair(self) -> Path | None:
        """Cut a torn last line off; its bytes are kept in ``<journal>.tronquee`` (numbered if
        that file exists). Nothing else is touched."""
        if self.is_empty():
            return None
        with open(self.path, "rb") as fichier:
            fichier.seek(0, os.SEEK_END)
            taille = fichier.tell()
            debut = max(0, taille - (1 << 16))
            fichier.seek(debut)
            fin = fichier.read()
        if fin.endswith(b"\n"):
            return None
        coupe = fin.rfind(b"\n")
        while coupe == -1 and debut > 0:  # a torn line longer than the tail read
            debut = max(0, debut - (1 << 20))
            with open(self.path, "rb") as fichier:
                fichier.seek(debut)
                fin = fichier.read()
            coupe = fin.rfind(b"\n")
        garde = debut + coupe + 1
        cote = self.path.with_name(self.path.name + ".tronquee")
        n = 1
        while cote.exists():
            n += 1
            cote = self.path.with_name(f"{self.path.name}.tronquee.{n}")
        cote.write_bytes(fin[coupe + 1 :])
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
