"""The event vocabulary of the journal (DESIGN.md's public event format), defined once.

The policy language (alert rules), the engine and the reports all read it from here.
"""

from __future__ import annotations

from typing import Literal, get_args

__all__ = ["EVENEMENTS", "EVENEMENTS_JOURNAL", "EVENEMENTS_MOTEUR", "Evenement"]

#: An event a caller may send.
Evenement = Literal[
    "reperage",
    "prescription",
    "diagnostic",
    "demarrage",
    "entretien",
    "cer_signe",
    "bilan",
    "renouvellement",
    "sortie",
    "reorientation",
]
EVENEMENTS: tuple[str, ...] = get_args(Evenement)
#: Events only the engine writes: a démarrage put on the waiting list, a raised alert.
EVENEMENTS_MOTEUR: tuple[str, ...] = ("attente", "alerte")
#: Everything a journal line may hold.
EVENEMENTS_JOURNAL: tuple[str, ...] = EVENEMENTS + EVENEMENTS_MOTEUR
