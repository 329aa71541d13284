"""The JSONL journal: one applied event per line, UTF-8, appended in application order."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Sequence
from typing import IO, Any

from parcours.engine.journal import Journal, Ligne
from parcours.errors import JournalError

__all__ = ["JsonlJournal"]


class JsonlJournal(Journal):
    """A JSONL file. Lines are written with one ``write`` per call, then flushed."""

    def __init__(self, path: str | os.PathLike[str], *, durable: bool = False) -> None:
        super().__init__(path, durable=durable)
        self._fichier: IO[bytes] | None = None
        self._prefixe_valide: int | None = None
        self._dechiree = False

    def _ouvrir(self) -> IO[bytes]:
        if self._fichier is None:
            if self.path.exists() and self.path.stat().st_size > 0:
                with open(self.path, "rb") as existing:
                    existing.seek(-1, os.SEEK_END)
                    if existing.read(1) != b"\n":
                        raise JournalError(
                            "la dernière ligne est tronquée (écriture interrompue) : "
                            "reprenez le journal avec Engine.replay(politique, journal, "
                            "continuer=True), qui la retire",
                            fichier=self.name,
                        )
            self._fichier = open(self.path, "ab")  # noqa: SIM115 - kept open across writes
        return self._fichier

    def write(self, lignes: Sequence[Ligne]) -> None:
        if not lignes:
            return
        fichier = self._ouvrir()
        fichier.write("".join([ligne[3] + "\n" for ligne in lignes]).encode("utf-8"))
        fichier.flush()
        if self.durable:
            os.fsync(fichier.fileno())

    def is_empty(self) -> bool:
        return not self.path.exists() or self.path.stat().st_size == 0

    def read(self) -> Iterator[tuple[int, dict[str, Any]]]:
        self._prefixe_valide = 0
        self._dechiree = False
        if not self.path.exists():
            return
        fin = 0
        loads = json.loads
        with open(self.path, "rb") as source:
            for numero, brute in enumerate(source, 1):
                if not brute.endswith(b"\n"):
                    self._dechiree = True
                    raise JournalError(
                        "ligne tronquée (écriture interrompue)", fichier=self.name, ligne=numero
                    )
                try:
                    event = loads(brute)
                except ValueError as exc:
                    raise JournalError(f"ligne invalide : {exc}", fichier=self.name, ligne=numero) from exc
                if not isinstance(event, dict):
                    raise JournalError(
                        "ligne invalide : un objet JSON est attendu", fichier=self.name, ligne=numero
                    )
                yield numero, event
                fin += len(brute)
                self._prefixe_valide = fin

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

    def repair(self) -> bool:
        """Cut the torn last line found by the last :meth:`read` (nothing else is touched)."""
        if not self._dechiree or self._prefixe_valide is None:
            return False
        self.close()
        with open(self.path, "r+b") as fichier:
            fichier.truncate(self._prefixe_valide)
        self._dechiree = False
        return True

    def close(self) -> None:
        if self._fichier is not None:
            self._fichier.close()
            self._fichier = None
