"""The engine's state for one dispositif: compiled rule windows, places taken, waiting list."""

from __future__ import annotations

from bisect import bisect_right
from collections import deque
from datetime import date

from parcours.engine._regles import Regles, compiler
from parcours.engine.machine import Topologie, construire_machine, topologie
from parcours.policies.schema import Dispositif
from parcours.policies.versions import dates_effet

__all__ = ["Suivi"]


class Suivi:
    """One dispositif in an engine: its rules by version window, occupancy and waiting list.

    ``occupes`` counts the dossiers whose accompaniment is open (steps ``demarrage`` and
    ``bilan``); ``attente`` holds waiting dossier ids in arrival order (ids of dossiers that
    left the list by an exit are skipped when served).
    """

    __slots__ = (
        "_fenetres",
        "attente",
        "dates",
        "dispositif",
        "ident",
        "occupes",
        "permis",
        "sources_attente",
        "topo",
    )

    def __init__(self, ident: str, dispositif: Dispositif) -> None:
        self.ident = ident
        self.dispositif = dispositif
        self.dates: tuple[date, ...] = dates_effet(dispositif)
        cap = dispositif.capacite
        self.topo: Topologie = topologie(
            dispositif.etapes, attente=cap.places is not None and cap.si_complet == "attente"
        )
        self.permis: dict[str, tuple[str, ...]] = self.topo.permis()
        self.sources_attente = frozenset(t.source for t in self.topo.transitions if t.evenement == "attente")
        self._fenetres: list[Regles | None] = [None] * (len(self.dates) + 1)
        self.occupes = 0
        self.attente: deque[str] = deque()

    def regles(self, jour: date) -> Regles:
        """The rules in force on ``jour`` (compiled once per version window)."""
        index = bisect_right(self.dates, jour) if self.dates else 0
        found = self._fenetres[index]
        if found is None:
            debut = self.dates[index - 1] if index > 0 else None
            found = compiler(self.dispositif, debut, construire_machine(self.topo), self.permis)
            self._fenetres[index] = found
        return found

    def fenetres_compilees(self) -> list[Regles]:
        return [r for r in self._fenetres if r is not None]
