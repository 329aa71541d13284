"""A raised alert (``AlerteLevee``) and the journal line that records it.

An alert is journaled as an event written by the engine::

    {"dossier": "a", "date": "2017-03-02", "evenement": "alerte", "dispositif": "global",
     "alerte": "entretien_en_retard", "niveau": "urgent", "message": "...",
     "regle": "policies/moselle.yaml:212", "genere": true}

``regle`` is the file:line of the rule in the policy. ``date`` is the day the condition
became true (see monitor.py), not the day it was noticed.

When an event of the dossier dated before an alert shows that the alert was not due (an
interview entered late, before the alert's day), the engine journals its cancellation: the
same line with ``"evenement": "alerte_annulee"``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from parcours._french import format_date
from parcours.engine.events import normaliser
from parcours.errors import JournalError
from parcours.vocabulary import EVENEMENT_ALERTE, EVENEMENT_ALERTE_ANNULEE

__all__ = ["AlerteLevee"]


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
    #: True for the cancellation of this alert (an event dated before it showed it not due)
    annulee: bool = False

    @property
    def cle(self) -> tuple[str, str, str]:
        return (self.dossier, self.date.isoformat(), self.alerte)

    def to_event(self) -> dict[str, Any]:
        return {
            "dossier": self.dossier,
            "date": self.date.isoformat(),
            "evenement": EVENEMENT_ALERTE_ANNULEE if self.annulee else EVENEMENT_ALERTE,
            "dispositif": self.dispositif,
            "alerte": self.alerte,
            "niveau": self.niveau,
            "message": self.message,
            "regle": self.regle,
            "genere": True,
        }

    to_dict = to_event

    def __str__(self) -> str:
        if self.annulee:
            quoi = f"dossier {self.dossier} ({self.dispositif}) : {self.alerte}"
            return f"{format_date(self.date)} alerte annulée — {quoi}"
        return (
            f"{format_date(self.date)} {self.niveau} — dossier {self.dossier} ({self.dispositif}) : "
            f"{self.message} [{self.alerte}, {self.regle}]"
        )

    @classmethod
    def from_event(cls, event: Mapping[str, Any]) -> AlerteLevee:
        """Read an ``alerte`` journal line (checked by the format's reader, events.py)."""
        checked = normaliser(event, moteur=True)
        if checked["evenement"] not in (EVENEMENT_ALERTE, EVENEMENT_ALERTE_ANNULEE):
            raise JournalError(f"ligne d'alerte attendue, pas « {checked['evenement']} »")
        return cls(
            dossier=checked["dossier"],
            date=date.fromisoformat(checked["date"]),
            alerte=checked["alerte"],
            niveau=checked["niveau"],
            message=checked["message"],
            regle=checked["regle"],
            dispositif=checked["dispositif"],
            annulee=checked["evenement"] == EVENEMENT_ALERTE_ANNULEE,
        )
