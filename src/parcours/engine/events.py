"""The event format (a public interface, see DESIGN.md): one JSON object per event.

Required keys: ``dossier``, ``date`` (``AAAA-MM-JJ``; a datetime is accepted and truncated),
``evenement``; ``dispositif`` is required on a dossier's first event. Optional keys: ``id``
(idempotency key), ``acteur``, ``profil``, ``details``, ``presence`` (entretien), ``motif``
(sortie), ``vers`` (reorientation), ``emploi`` (veille). The events of the droits et devoirs
track (``ouverture_droit``, ``orientation``...) carry their own keys (:data:`CLES_DROITS`) and
not those of an accompaniment. Lines the engine writes itself carry ``"genere": true``. The
words are those of :mod:`parcours.vocabulary`.

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
from parcours.errors import JournalError, UnsafeLineError
from parcours.limits import LONGUEUR_IDENTIFIANT_MAX
from parcours.vocabulary import (
    EVENEMENT_ALERTE,
    EVENEMENT_ALERTE_ANNULEE,
    EVENEMENT_ATTENTE,
    EVENEMENTS,
    EVENEMENTS_DROITS,
    EVENEMENTS_JOURNAL,
    PARCOURS_ORIENTATION,
    PRESENCES,
)

__all__ = [
    "CHAINES",
    "CLES",
    "CLES_ALERTE",
    "CLES_DROITS",
    "CLES_EVENEMENT_DROITS",
    "CONTROLE_RE2",
    "IDENTIFIANTS",
    "MOTIF_DATE",
    "Event",
    "contenu",
    "lire_jour",
    "lire_semaine",
    "lire_taux",
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
#: The keys only the events of the droits et devoirs track carry.
CLES_DROITS: tuple[str, ...] = (
    "parcours",
    "organisme",
    "heures_hebdomadaires",
    "dispense",
    "semaine",
    "heures",
    "nature",
    "taux",
    "mois",
    "foyer_plusieurs_personnes",
    "difficultes",
)
#: Every key an event of the droits et devoirs track may carry (no accompaniment key).
CLES_EVENEMENT_DROITS: tuple[str, ...] = (
    "dossier",
    "date",
    "evenement",
    "dispositif",
    "id",
    "acteur",
    "details",
    *CLES_DROITS,
    "genere",
)
#: The keys of an ``alerte`` or ``alerte_annulee`` line besides ``dossier``, ``date``,
#: ``evenement``, ``dispositif`` and ``genere`` (all text).
CLES_ALERTE: tuple[str, ...] = ("alerte", "niveau", "message", "regle")
#: The keys whose value is text, in the order they are checked.
CHAINES: tuple[str, ...] = ("dispositif", "id", "acteur", "motif", "vers")
#: The keys that identify something (messages quote them): when text, at most
#: LONGUEUR_IDENTIFIANT_MAX characters and no control character (C0, DEL, C1).
IDENTIFIANTS: tuple[str, ...] = ("dossier", *CHAINES, "alerte", "niveau", "regle")
#: A date: ``AAAA-MM-JJ`` (years 1900 to 2199), optionally followed by an ISO time, which is
#: dropped. The same pattern is used by the reports' reader (reports/reading.py).
MOTIF_DATE = r"(?:19|20|21)\d\d-\d\d-\d\d(?:[T ]\d\d:\d\d(?::\d\d(?:\.\d+)?)?(?:Z|[+-]\d\d:?\d\d)?)?"
_DATE = re.compile(MOTIF_DATE, re.ASCII)
_CLES = frozenset(CLES)
_CLES_DROITS = frozenset(CLES_EVENEMENT_DROITS)
_DROITS = frozenset(EVENEMENTS_DROITS)
_TEXTES_DROITS = ("organisme", "dispense", "nature")
_SEMAINE = re.compile(r"(\d{4})-W(\d{2})", re.ASCII)
_POURCENT = re.compile(r"\s*(\d+(?:[.,]\d+)?)\s*%\s*", re.ASCII)
_CLES_LIGNE_ALERTE = frozenset(("dossier", "date", "evenement", "dispositif", "genere", *CLES_ALERTE))
_VOCAB = frozenset((*EVENEMENTS, *EVENEMENTS_DROITS))
_MOTEUR = frozenset((EVENEMENT_ATTENTE, EVENEMENT_ALERTE, EVENEMENT_ALERTE_ANNULEE))
_PRESENCES = frozenset(PRESENCES)
_GENERES = frozenset(("demarrage", EVENEMENT_ALERTE, EVENEMENT_ALERTE_ANNULEE))
_JOURS: dict[str, date | None] = {}
_JOURS_MAX = 100_000
_IDENTIFIANTS = frozenset(IDENTIFIANTS)
_CONTROLE = re.compile("[\x00-\x1f\x7f-\x9f]")
#: The same class of control characters (C0, DEL, C1) written for RE2, the regular
#: expressions of DuckDB and pyarrow, for the readers that check identifiers by columns.
CONTROLE_RE2 = "[\\x{00}-\\x{1f}\\x{7f}-\\x{9f}]"
_MONTRE_MAX = 80


def montrer(valeur: object) -> str:
    """A value as a message shows it: text as it is, anything else as JSON; control characters
    written ``\\u001b`` (a message never drives the terminal), cut after 80 characters."""
    if isinstance(valeur, str):
        texte = valeur
    else:
        try:
            texte = json.dumps(valeur, ensure_ascii=False)
        except (TypeError, ValueError, RecursionError):
            texte = repr(valeur)
    if len(texte) > _MONTRE_MAX:
        texte = texte[:_MONTRE_MAX] + "…"
    return _CONTROLE.sub(lambda m: f"\\u{ord(m.group()):04x}", texte)


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


def lire_semaine(texte: str) -> date | None:
    """The Monday of an ISO week ``AAAA-Wss`` (``None``: not a week that exists)."""
    found = _SEMAINE.fullmatch(texte)
    if found is None:
        return None
    try:
        return date.fromisocalendar(int(found.group(1)), int(found.group(2)), 1)
    except ValueError:
        return None


def lire_taux(valeur: object) -> float | None:
    """A sanction's ``taux`` as a percentage: ``30`` or ``"30 %"`` → 30.0 (None: not a rate)."""
    if isinstance(valeur, bool):
        return None
    if isinstance(valeur, (int, float)):
        taux = float(valeur)
    elif isinstance(valeur, str) and (found := _POURCENT.fullmatch(valeur)) is not None:
        taux = float(found.group(1).replace(",", "."))
    else:
        return None
    return taux if 0.0 <= taux <= 100.0 else None


#: What makes two events of a dossier with the same ``id`` the same event (free keys aside).
CLES_CONTENU: tuple[str, ...] = (
    "date",
    "evenement",
    "dispositif",
    "acteur",
    "presence",
    "motif",
    "vers",
    "emploi",
    *(k for k in CLES_DROITS if k != "difficultes"),
)
_CONTENU_RESTE = CLES_CONTENU[2:]
#: An accompaniment's event carries no key of the droits et devoirs track (normaliser).
_CONTENU_ACCOMPAGNEMENT = tuple(k for k in _CONTENU_RESTE if k not in CLES_DROITS)


def contenu(event: Mapping[str, Any]) -> tuple[Any, ...]:
    """The content that an ``id`` stands for: the date (its day), the event (a démarrage put
    on the waiting list, journaled ``attente``, is the same démarrage) and the other keys of
    :data:`CLES_CONTENU` (free keys aside)."""
    get = event.get
    evenement = get("evenement")
    return (
        str(get("date"))[:10],
        "demarrage" if evenement == EVENEMENT_ATTENTE else evenement,
        *map(get, _CONTENU_RESTE if evenement in _DROITS else _CONTENU_ACCOMPAGNEMENT),
    )


def _erreur(message: str, event: Mapping[str, Any]) -> JournalError:
    dossier = event.get("dossier")
    prefix = f"dossier {dossier} : " if isinstance(dossier, str) and dossier else ""
    return JournalError(f"événement invalide : {prefix}{message}")


def _verifier_identifiants(event: Mapping[str, Any]) -> None:
    """An identifier that is text is short and free of control characters (UnsafeLineError)."""
    for key in _IDENTIFIANTS.intersection(event):
        valeur = event[key]
        if not isinstance(valeur, str):
            continue
        if len(valeur) > LONGUEUR_IDENTIFIANT_MAX:
            raise UnsafeLineError(
                f"événement invalide : « {key} » trop long ({len(valeur)} caractères ; "
                f"au plus {LONGUEUR_IDENTIFIANT_MAX})"
            )
        controle = _CONTROLE.search(valeur)
        if controle is not None:
            raise UnsafeLineError(
                f"événement invalide : « {key} » contient le caractère de contrôle "
                f"U+{ord(controle.group()):04X} (position {controle.start() + 1})"
            )


def _date(event: Mapping[str, Any]) -> str:
    jour = event.get("date")
    if type(jour) is str and lire_jour(jour) is not None:  # the common case first
        return jour
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
    ``genere``): journal replay. Raises :class:`~parcours.errors.JournalError` (French), and
    :class:`~parcours.errors.UnsafeLineError` first for an identifier (IDENTIFIANTS) longer
    than LONGUEUR_IDENTIFIANT_MAX or holding a control character.
    """
    if not isinstance(event, Mapping):
        raise JournalError("ligne invalide : un objet JSON est attendu")
    _verifier_identifiants(event)
    nom = event.get("evenement")
    alerte = moteur and nom in (EVENEMENT_ALERTE, EVENEMENT_ALERTE_ANNULEE)
    droits = nom in _DROITS
    permises = _CLES_LIGNE_ALERTE if alerte else _CLES_DROITS if droits else _CLES
    if not permises.issuperset(event):
        inconnue = next(k for k in event if k not in permises)
        liste = ", ".join(k for k in (*CLES, *CLES_DROITS, *CLES_ALERTE) if k in permises)
        pour = f" pour « {nom} »" if droits or (isinstance(inconnue, str) and inconnue in CLES_DROITS) else ""
        raise _erreur(f"clé « {montrer(inconnue)} » inconnue{pour} (clés : {liste})", event)
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
            if droits:
                _verifier_droits(event)
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


def _nombre(valeur: object) -> bool:
    return isinstance(valeur, (int, float)) and not isinstance(valeur, bool)


def _verifier_droits(event: Mapping[str, Any]) -> None:
    """The keys of the droits et devoirs track: their types and the words of the vocabulary
    (what the policy allows, an organisme or a dispense, is judged by the guards)."""
    for key in _TEXTES_DROITS:
        if key in event and (not isinstance(event[key], str) or not event[key]):
            raise _erreur(f"« {key} » doit être un texte non vide", event)
    parcours = event.get("parcours")
    if parcours is not None and parcours not in PARCOURS_ORIENTATION:
        voisin = proche(parcours, PARCOURS_ORIENTATION) if isinstance(parcours, str) else None
        indice = f" ; vouliez-vous dire « {voisin} » ?" if voisin else ""
        attendu = ", ".join(PARCOURS_ORIENTATION)
        raise _erreur(f"parcours « {montrer(parcours)} » inconnu (attendu : {attendu}){indice}", event)
    semaine = event.get("semaine")
    if semaine is not None and (not isinstance(semaine, str) or lire_semaine(semaine) is None):
        raise _erreur(
            f"semaine « {montrer(semaine)} » invalide (attendu : une semaine ISO AAAA-Wss, ex. 2025-W07)",
            event,
        )
    for key in ("heures_hebdomadaires", "heures"):
        valeur = event.get(key)
        if valeur is not None and not (_nombre(valeur) and 0 <= valeur <= 168):
            raise _erreur(
                f"« {key} » doit être un nombre d'heures entre 0 et 168 (reçu : {montrer(valeur)})", event
            )
    if "taux" in event and lire_taux(event["taux"]) is None:
        raise _erreur(
            f"taux « {montrer(event['taux'])} » invalide (attendu : un pourcentage de 0 à 100, ex. 30)", event
        )
    mois = event.get("mois")
    if mois is not None and not (isinstance(mois, int) and not isinstance(mois, bool) and mois >= 1):
        raise _erreur(
            f"« mois » doit être un nombre entier de mois, au moins 1 (reçu : {montrer(mois)})", event
        )
    foyer = event.get("foyer_plusieurs_personnes")
    if foyer is not None and not isinstance(foyer, bool):
        raise _erreur("« foyer_plusieurs_personnes » doit être true ou false", event)
    difficultes = event.get("difficultes")
    if difficultes is not None and not (
        isinstance(difficultes, list) and all(isinstance(d, str) and d for d in difficultes)
    ):
        raise _erreur('« difficultes » doit être une liste de mots (ex. ["sante", "logement"])', event)


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
    parcours: str | None = None
    organisme: str | None = None
    heures_hebdomadaires: float | None = None
    dispense: str | None = None
    semaine: str | None = None
    heures: float | None = None
    nature: str | None = None
    taux: float | str | None = None
    mois: int | None = None
    foyer_plusieurs_personnes: bool | None = None
    difficultes: tuple[str, ...] | None = None
    genere: bool = field(default=False, compare=False)

    def to_dict(self) -> dict[str, Any]:
        result: dict[str, Any] = {
            "dossier": self.dossier,
            "date": self.date.isoformat(),
            "evenement": self.evenement,
        }
        for key in (*CLES[3:-1], *CLES_DROITS):
            value = getattr(self, key)
            if value is not None:
                result[key] = (
                    dict(value) if key == "profil" else list(value) if key == "difficultes" else value
                )
        if self.genere:
            result["genere"] = True
        return result

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Event:
        checked = normaliser(data, moteur=True)
        fields: dict[str, Any] = {k: v for k, v in checked.items() if k != "date"}
        if "difficultes" in fields:
            fields["difficultes"] = tuple(fields["difficultes"])
        return cls(date=date.fromisoformat(checked["date"]), **fields)
