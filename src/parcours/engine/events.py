"""The event format (a public interface, see DESIGN.md): one JSON object per event.

Required keys: ``dossier``, ``date`` (``AAAA-MM-JJ``; a datetime is accepted and truncated),
``evenement``; ``dispositif`` is required on a dossier's first event. Optional keys: ``id``
(idempotency key), ``acteur``, ``profil``, ``details``, ``presence`` (entretien), ``motif``
(sortie), ``vers`` (reorientation), ``emploi`` (veille). Lines the engine writes itself carry
``"genere": true``. The words are those of :mod:`parcours.vocabulary`.

The engine works on plain dicts (the cheapest form); :class:`Event` is a typed view for
callers who prefer one. :func:`normaliser` checks an event's shape and returns the dict that
is journaled: the input's keys in their order, the date truncated to ``AAAA-MM-JJ``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from parcours.errors import JournalError
from parcours.vocabulary import EVENEMENT_ATTENTE, EVENEMENTS, PRESENCES

__all__ = ["CLES", "Event", "normaliser"]

#: Every key an event may carry, in the order of the format.
CLES: tuple[str, ...] = (
    "dossier",
    "date",
    "evenement",
    "dispositif",
    "id",
    "acteur",
    "profil",
    "details",
    "presence",
    "motif",
    "vers",
    "emploi",
    "genere",
)
_CLES = frozenset(CLES)
_VOCAB = frozenset(EVENEMENTS)
_PRESENCES = frozenset(PRESENCES)
_CHAINES = frozenset(("dispositif", "id", "acteur", "motif", "vers"))


def _erreur(message: str, event: Mapping[str, Any]) -> JournalError:
    dossier = event.get("dossier")
    prefix = f"dossier {dossier} : " if isinstance(dossier, str) else ""
    return JournalError(f"événement invalide : {prefix}{message}")


def normaliser(event: Mapping[str, Any], *, moteur: bool = False) -> dict[str, Any]:
    """Check ``event``'s shape; return the dict to journal (``event`` itself when already canonical).

    ``moteur`` admits what only the engine writes and applies (``attente``, ``genere``): journal
    replay (``alerte`` lines are confirmed by the alert layer, not applied).
    Raises :class:`~parcours.errors.JournalError` with a French message.
    """
    if not _CLES.issuperset(event):
        inconnue = next(k for k in event if k not in _CLES)
        raise _erreur(f"clé « {inconnue} » inconnue (clés : {', '.join(CLES)})", event)
    dossier = event.get("dossier")
    if not isinstance(dossier, str) or not dossier:
        raise _erreur("« dossier » manque ou n'est pas une chaîne", event)
    nom = event.get("evenement")
    if nom not in _VOCAB and not (moteur and nom == EVENEMENT_ATTENTE):
        raise _erreur(f"événement « {nom} » inconnu (attendu : {', '.join(EVENEMENTS)})", event)
    jour = event.get("date")
    if not isinstance(jour, str) or len(jour) < 10:
        raise _erreur(f"date « {jour} » invalide (attendu : AAAA-MM-JJ)", event)
    if len(event) > 3:
        _verifier_optionnels(event, moteur)
    if len(jour) != 10 or not isinstance(event, dict):
        copie = dict(event)
        copie["date"] = jour[:10]
        return copie
    return event


def _verifier_optionnels(event: Mapping[str, Any], moteur: bool) -> None:
    for key in _CHAINES.intersection(event):
        if not isinstance(event[key], str):
            raise _erreur(f"« {key} » doit être une chaîne", event)
    presence = event.get("presence")
    if presence is not None and presence not in _PRESENCES:
        raise _erreur(f"presence « {presence} » inconnue (attendu : {', '.join(PRESENCES)})", event)
    emploi = event.get("emploi")
    if emploi is not None and not isinstance(emploi, bool):
        raise _erreur("« emploi » doit être true ou false", event)
    profil = event.get("profil")
    if profil is not None and not isinstance(profil, dict):
        raise _erreur("« profil » doit être un objet", event)
    if "genere" in event and not (moteur and event["genere"] is True):
        raise _erreur("« genere » est réservé aux lignes écrites par le moteur", event)


@dataclass(frozen=True, slots=True)
class Event:
    """A typed event; :meth:`to_dict` gives the JSON object of the format."""

    dossier: str
    date: date
    evenement: str
    dispositif: str | None = None
    id: str | None = None
    acteur: str | None = None
    profil: Mapping[str, Any] | None = None
    details: Any = None
    presence: str | None = None
    motif: str | None = None
    vers: str | None = None
    emploi: bool | None = None
    genere: bool = field(default=False, compare=False)

    def to_dict(self) -> dict[str, Any]:
        result: dict[str, Any] = {
            "dossier": self.dossier,
            "date": self.date.isoformat(),
            "evenement": self.evenement,
        }
        for key in CLES[3:-1]:
            value = getattr(self, key)
            if value is not None:
                result[key] = dict(value) if key == "profil" else value
        if self.genere:
            result["genere"] = True
        return result

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Event:
        checked = normaliser(data, moteur=True)
        fields: dict[str, Any] = {k: v for k, v in checked.items() if k != "date"}
        try:
            jour = date.fromisoformat(checked["date"])
        except ValueError:
            raise _erreur(f"date « {checked['date']} » invalide (attendu : AAAA-MM-JJ)", data) from None
        return cls(date=jour, **fields)
