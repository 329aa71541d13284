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

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from parcours._suggest import proche
from parcours.errors import JournalError
from parcours.vocabulary import (
    EVENEMENT_ALERTE,
    EVENEMENT_ALERTE_ANNULEE,
    EVENEMENT_ATTENTE,
    EVENEMENTS,
    EVENEMENTS_JOURNAL,
    PRESENCES,
)

__all__ = [
    "CHAINES",
    "CLES",
    "CLES_ALERTE",
    "MOTIF_DATE",
    "Event",
    "contenu",
    "lire_jour",
    "montrer",
    "normaliser",
]

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
#: The keys of an ``alerte`` or ``alerte_annulee`` line besides ``dossier``, ``date``,
#: ``evenement``, ``dispositif`` and ``genere`` (all text).
CLES_ALERTE: tuple[str, ...] = ("alerte", "niveau", "message", "regle")
#: The keys whose value is text, in the order they are checked.
CHAINES: tuple[str, ...] = ("dispositif", "id", "acteur", "motif", "vers")
#: A date: ``AAAA-MM-JJ`` (years 1900 to 2199), optionally followed by an ISO time, which is
#: dropped. The same pattern is used by the reports' reader (reports/reading.py).
MOTIF_DATE = r"(?:19|20|21)\d\d-\d\d-\d\d(?:[T ]\d\d:\d\d(?::\d\d(?:\.\d+)?)?(?:Z|[+-]\d\d:?\d\d)?)?"
_DATE = re.compile(MOTIF_DATE, re.ASCII)
_CLES = frozenset(CLES)
_CLES_LIGNE_ALERTE = frozenset(("dossier", "date", "evenement", "dispositif", "genere", *CLES_ALERTE))
_VOCAB = frozenset(EVENEMENTS)
_MOTEUR = frozenset((EVENEMENT_ATTENTE, EVENEMENT_ALERTE, EVENEMENT_ALERTE_ANNULEE))
_PRESENCES = frozenset(PRESENCES)
_GENERES = frozenset(("demarrage", EVENEMENT_ALERTE, EVENEMENT_ALERTE_ANNULEE))
_JOURS: dict[str, date | None] = {}
_JOURS_MAX = 100_000


def montrer(valeur: object) -> str:
    """A value as a message shows it: text as it is, anything else as JSON."""
    if isinstance(valeur, str):
        return valeur
    try:
        return json.dumps(valeur, ensure_ascii=False)
    except (TypeError, ValueError):
        return repr(valeur)


def lire_jour(texte: str) -> date | None:
    """The day of a date of the format (``None``: not a date of the format)."""
    found = _JOURS.get(texte, False)
    if found is False:
        found = None
        if _DATE.fullmatch(texte):
            try:
                found = date.fromisoformat(texte[:10])
            except ValueError:
                found = None
        if len(_JOURS) < _JOURS_MAX:
            _JOURS[texte] = found
    return found  # type: ignore[return-value]


def contenu(event: Mapping[str, Any]) -> tuple[Any, ...]:
    """The content that an ``id`` stands for: the date (its day), the event (a démarrage put
    on the waiting list, journaled ``attente``, is the same démarrage), ``dispositif``,
    ``acteur``, ``presence``, ``motif``, ``vers`` and ``emploi`` (free keys aside)."""
    get = event.get
    evenement = get("evenement")
    return (
        str(get("date"))[:10],
        "demarrage" if evenement == EVENEMENT_ATTENTE else evenement,
        get("dispositif"),
        get("acteur"),
        get("presence"),
        get("motif"),
        get("vers"),
        get("emploi"),
    )


def _erreur(message: str, event: Mapping[str, Any]) -> JournalError:
    dossier = event.get("dossier")
    prefix = f"dossier {dossier} : " if isinstance(dossier, str) and dossier else ""
    return JournalError(f"événement invalide : {prefix}{message}")


def _date(event: Mapping[str, Any]) -> str:
    jour = event.get("date")
    if isinstance(jour, datetime):
        jour = jour.date()
    if isinstance(jour, date):
        return jour.isoformat()
    if not isinstance(jour, str) or lire_jour(jour) is None:
        raise _erreur(f"date « {montrer(jour)} » invalide (attendu : AAAA-MM-JJ)", event)
    return jour


def normaliser(event: Mapping[str, Any], *, moteur: bool = False) -> dict[str, Any]:
    """Check ``event``'s shape; return the dict to journal (``event`` itself when already canonical).

    This is the one reader of the format: the engine, its replay, the alert layer, the reports
    (whose fast reader is held to this one by a test) and the CSV import apply it. ``moteur``
    admits what only the engine writes (``attente``, ``alerte``, ``alerte_annulee`` lines,
    ``genere``): journal replay. Raises :class:`~parcours.errors.JournalError` (French).
    """
    if not isinstance(event, Mapping):
        raise JournalError("ligne invalide : un objet JSON est attendu")
    nom = event.get("evenement")
    alerte = moteur and nom in (EVENEMENT_ALERTE, EVENEMENT_ALERTE_ANNULEE)
    permises = _CLES_LIGNE_ALERTE if alerte else _CLES
    if not permises.issuperset(event):
        inconnue = next(k for k in event if k not in permises)
        liste = ", ".join(k for k in (*CLES, *CLES_ALERTE) if k in permises)
        raise _erreur(f"clé « {montrer(inconnue)} » inconnue (clés : {liste})", event)
    dossier = event.get("dossier")
    if not isinstance(dossier, str) or not dossier:
        raise _erreur("« dossier » manque ou n'est pas une chaîne", event)
    if nom not in _VOCAB and not (moteur and nom in _MOTEUR):
        raise _erreur(_inconnu(nom, moteur), event)
    jour = _date(event)
    if len(event) > 3:
        if alerte:
            _verifier_alerte(event)
        else:
            _verifier_optionnels(event, moteur)
    if len(jour) != 10 or not isinstance(event, dict) or jour is not event.get("date"):
        copie = dict(event)
        copie["date"] = jour[:10]
        return copie
    return event


def _inconnu(nom: object, moteur: bool) -> str:
    attendus = EVENEMENTS_JOURNAL if moteur else EVENEMENTS
    texte = f"événement « {montrer(nom)} » inconnu (attendu : {', '.join(attendus)})"
    voisin = proche(nom, attendus) if isinstance(nom, str) else None
    return texte + (f" ; vouliez-vous dire « {voisin} » ?" if voisin else "")


def _verifier_optionnels(event: Mapping[str, Any], moteur: bool) -> None:
    for key in CHAINES:
        if key in event and not isinstance(event[key], str):
            raise _erreur(f"« {key} » doit être une chaîne", event)
    profil = event.get("profil")
    if profil is not None and not isinstance(profil, dict):
        raise _erreur("« profil » doit être un objet", event)
    presence = event.get("presence")
    if presence is not None and presence not in _PRESENCES:
        raise _erreur(f"presence « {montrer(presence)} » inconnue (attendu : {', '.join(PRESENCES)})", event)
    emploi = event.get("emploi")
    if emploi is not None and not isinstance(emploi, bool):
        raise _erreur("« emploi » doit être true ou false", event)
    if "genere" in event and not (moteur and event["genere"] is True and event["evenement"] in _GENERES):
        raise _erreur("« genere » est réservé aux démarrages et alertes écrits par le moteur", event)


def _verifier_alerte(event: Mapping[str, Any]) -> None:
    for key in ("dispositif", *CLES_ALERTE):
        if not isinstance(event.get(key), str):
            raise _erreur(f"ligne d'alerte : « {key} » manque ou n'est pas une chaîne", event)
    if event.get("genere") is not True:
        raise _erreur("ligne d'alerte : « genere » doit valoir true", event)


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
        return cls(date=date.fromisoformat(checked["date"]), **fields)
