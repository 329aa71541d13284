"""The engine's state for one dispositif: its rules over time, its machine, places and waiting list."""

from __future__ import annotations

from collections import deque

from parcours.engine.machine import Topologie, topologie_de
from parcours.policies.rules import ReglesDatees
from parcours.policies.schema import Dispositif
from parcours.vocabulary import EVENEMENT_ATTENTE

__all__ = ["EtatDispositif"]


class EtatDispositif:
    """One dispositif in an engine: its compiled rules, its topology, occupancy and waiting list.

    ``occupes`` counts the dossiers whose accompaniment is open (steps ``demarrage`` and
    ``bilan``); ``attente`` holds waiting dossier ids in arrival order (ids of dossiers that
    left the list by an exit are skipped when served).
    """

    __slots__ = (
        "attente",
        "dispositif",
        "ident",
        "occupes",
        "permis",
        "regles",
        "sources_attente",
        "table",
        "topo",
    )

    def __init__(self, ident: str, dispositif: Dispositif) -> None:
        self.ident = ident
        self.dispositif = dispositif
        self.regles = ReglesDatees(ident, dispositif)
        self.topo: Topologie = topologie_de(dispositif)
        self.table = self.topo.table
        self.permis: dict[str, tuple[str, ...]] = self.topo.permis()
        self.sources_attente = self.topo.sources(EVENEMENT_ATTENTE)
        self.occupes = 0
        self.attente: deque[str] = deque()
