"""A dossier: one person's parcours in one dispositif, as a small slots object.

It is not registered on any transitions Machine: it merely carries a ``state`` attribute
that the dispositif's machine moves. Dates are shared ``date`` objects (durations remember
the dates they computed), idempotency keys are kept as 8-byte prints per event
(engine/idempotency.py), so a dossier costs a few hundred bytes.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from parcours.engine.idempotency import EmpreintesDifferees
from parcours.engine.scheme import EtatDispositif
from parcours.vocabulary import ETAT_INITIAL

__all__ = ["Dossier"]


class Dossier:
    """The state of one parcours. Fields are read-only for callers; the engine moves them.

    ``state`` is the step (``nouveau``, a step of the dispositif, ``attente``, or a final).
    ``entree`` is the date of its first event, ``derniere`` of its last one, ``debut`` of its
    (latest) démarrage. ``fin_cer`` ends the current CER period (the bilan is due then),
    ``fin_max`` the maximum duration, ``entretien_du`` is when the next interview is due.
    ``manques`` counts deadlines missed (an interview or a bilan after its due date),
    ``absences`` interviews the person missed. ``fin``, ``motif``, ``vers`` describe the exit,
    ``fin_veille`` the end of the follow-up after an exit that opens one, ``veille_emploi``
    the last point made during it (in employment or not).
    """

    __slots__ = (
        "_dispositif",
        "_empreintes",
        "absences",
        "debut",
        "dernier_entretien",
        "derniere",
        "entree",
        "entretien_du",
        "fin",
        "fin_cer",
        "fin_max",
        "fin_veille",
        "id",
        "manques",
        "motif",
        "profil",
        "renouvellements",
        "state",
        "veille_emploi",
        "vers",
    )

    def __init__(self, ident: str, dispositif: EtatDispositif, entree: date) -> None:
        self.id = ident
        self._dispositif = dispositif
        self.state = ETAT_INITIAL
        self.entree = entree
        self.derniere = entree
        self.debut: date | None = None
        self.fin_cer: date | None = None
        self.fin_max: date | None = None
        self.dernier_entretien: date | None = None
        self.entretien_du: date | None = None
        self.renouvellements = 0
        self.manques = 0
        self.absences = 0
        self.fin: date | None = None
        self.motif: str | None = None
        self.vers: str | None = None
        self.fin_veille: date | None = None
        self.veille_emploi: bool | None = None
        self.profil: Mapping[str, Any] | None = None
        self._empreintes: bytes | EmpreintesDifferees = b""

    @property
    def dispositif(self) -> str:
        return self._dispositif.ident

    @property
    def etape(self) -> str:
        return self.state

    @property
    def _ids(self) -> bytes:
        """The prints of the dossier's idempotency keys (engine/idempotency.py)."""
        found = self._empreintes
        if not isinstance(found, bytes):  # left by a bulk replay, computed when first read
            found = self._empreintes = found.materialiser()
        return found

    @_ids.setter
    def _ids(self, valeur: bytes) -> None:
        self._empreintes = valeur

    def champs(self) -> dict[str, Any]:
        """Every field by name (the hashes of idempotency keys included): for comparisons."""
        result = {name: getattr(self, name) for name in _CHAMPS}
        result["dispositif"] = self.dispositif
        return result

    def __repr__(self) -> str:
        return f"Dossier({self.id!r}, {self.dispositif!r}, etape={self.state!r})"


#: The fields :meth:`Dossier.champs` compares (``_ids`` read through its property).
_CHAMPS = tuple("_ids" if n == "_empreintes" else n for n in Dossier.__slots__ if n != "_dispositif")
