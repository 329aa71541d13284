"""A raised alert (``AlerteLevee``) and the journal line that records it.

An alert is journaled as an event written by the engine::

    {"dossier": "a", "date": "2017-03-02", "evenement": "alerte", "dispositif": "global",
     "alerte": "entretien_en_retard", "niveau": "urgent", "message": "...",
     "regle": "policies/moselle.yaml:212", "genere": true}

``regle`` is the file:line of the rule in the policy. ``date`` is the day the condition
became true (see surveillance.py), not the day it was noticed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from parcours._french import format_date
from parcours.errors import JournalError

__all__ = ["CLES_ALERTE", "AlerteLevee"]

#: The keys of an ``alerte`` line besides those of every event.
CLES_ALERTE: tuple[str, ...] = ("alerte", "niveau", "message", "regle")


@dataclass(frozen=True, slots=True)
class AlerteLevee:
    """One alert raised for a dossier (for an occupancy alert: the dossier that filled it)."""

    dossier: str
    date: date
    alerte: str
    niveau: str
    message: str
    regle: str
    dispositif: str

    @property
    def cle(self) -> tuple[str, str, str]:
        return (self.dossier, self.date.isoformat(), self.alerte)

    def to_event(self) -> dict[str, Any]:
        return {
            "dossier": self.dossier,
            "date": self.date.isoformat(),
            "evenement": "alerte",
            "dispositif": self.dispositif,
            "alerte": self.alerte,
            "niveau": self.niveau,
            "message": self.message,
            "regle": self.regle,
            "genere": True,
        }

    to_dict = to_event

    def __str__(self) -> str:
        return (
            f"{format_date(self.date)} {self.niveau} — dossier {self.dossier} ({self.dispositif}) : "
            f"{self.message} [{self.alerte}, {self.regle}]"
        )

    @classmethod
    def from_event(cls, event: Mapping[str, Any]) -> AlerteLevee:
        """Read an ``alerte`` journal line; a missing or mistyped key is a JournalError."""
        champs = ("dossier", "date", "dispositif", *CLES_ALERTE)
        valeurs: dict[str, str] = {}
        for cle in champs:
            valeur = event.get(cle)
            if not isinstance(valeur, str):
                raise JournalError(f"ligne d'alerte invalide : « {cle} » manque ou n'est pas une chaîne")
            valeurs[cle] = valeur
        try:
            jour = date.fromisoformat(valeurs["date"][:10])
        except ValueError:
            raise JournalError(f"ligne d'alerte invalide : date « {valeurs['date']} »") from None
        return cls(
            dossier=valeurs["dossier"],
            date=jour,
            alerte=valeurs["alerte"],
            niveau=valeurs["niveau"],
            message=valeurs["message"],
            regle=valeurs["regle"],
            dispositif=valeurs["dispositif"],
        )
