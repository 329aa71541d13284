"""What other writers of a shared journal changed, and when an event conflicts with it.

When an engine takes a shared journal's write lock, it first applies the lines other writers
appended since it last read (replay.catch_up). :class:`Vus` records what those lines moved:
the dossiers whose step changed, and for each dispositif where a place was taken or freed
(a dossier entered or left the open steps or the waiting list), the places as this engine
saw them before. :func:`conflit` gives the :class:`~parcours.errors.ConflitError` the engine
raises, before the event changes anything, when the caller decided on a stale view:

* the event's dossier was moved by another writer (its step may not be the one the caller saw);
  for an event of the droits et devoirs track, the dossier's track was;
* the event is a démarrage, and the other writers' moves change what it does: the stale
  view gave it a place and none is left, or made it wait and one is free now.

Other moves of places do not make an event stale: an exit frees its place whatever the
others did, and the waiting list is served, under the lock, from the journal as it is.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from parcours.errors import ConflitError
from parcours.vocabulary import ETAPES_OUVERTES, ETAT_ATTENTE

if TYPE_CHECKING:
    from parcours.engine.dossier import Dossier
    from parcours.engine.scheme import EtatDispositif

__all__ = ["Places", "Vus", "change_les_places", "conflit", "conflit_droits", "en_attente"]

_DEMARRAGE = "demarrage"


def _occupation(etat: str | None) -> int:
    """2: holds a place, 1: waits for one, 0: neither."""
    if etat in ETAPES_OUVERTES:
        return 2
    return 1 if etat == ETAT_ATTENTE else 0


def change_les_places(avant: str | None, apres: str) -> bool:
    """Whether a move from ``avant`` to ``apres`` takes or frees a place (or a waiting rank)."""
    return _occupation(avant) != _occupation(apres)


@dataclass(frozen=True)
class Places:
    """A dispositif's places as the engine saw them before another writer's first move of them."""

    position: int
    occupes: int
    attente: int


@dataclass
class Vus:
    """What the lines of other writers moved, each with the position of the line that did."""

    dossiers: dict[str, tuple[int, str]] = field(default_factory=dict)
    places: dict[str, Places] = field(default_factory=dict)
    #: the dossiers whose droits et devoirs track other writers moved
    droits: dict[str, tuple[int, str]] = field(default_factory=dict)
    lignes: int = 0


def en_attente(etat: EtatDispositif, dossiers: dict[str, Dossier]) -> int:
    """How many dossiers wait for a place of ``etat``."""
    return sum(1 for i in etat.attente if dossiers[i].state == ETAT_ATTENTE)


def conflit(
    vus: Vus,
    ident: str,
    evenement: str,
    etat: EtatDispositif,
    dossiers: dict[str, Dossier],
    jour: date,
    fichier: str,
) -> ConflitError | None:
    """The conflict of a caller's event with what other writers moved, if any."""
    deja = vus.dossiers.get(ident)
    if deja is not None:
        return ConflitError(
            f"dossier {ident} : un autre écrivain l'a fait avancer (« {deja[1]} », ligne {deja[0]} "
            "du journal) depuis la dernière lecture de ce moteur ; le moteur est maintenant à jour : "
            "regardez le dossier, puis renvoyez l'événement s'il a encore lieu d'être",
            dossier=ident,
            position=deja[0],
            fichier=fichier,
        )
    vues = vus.places.get(etat.ident)
    if evenement != _DEMARRAGE or vues is None:
        return None
    regles = etat.regles.au(jour)
    if regles is None or regles.places is None:
        return None
    avant = vues.occupes + vues.attente < regles.places
    maintenant = etat.occupes + en_attente(etat, dossiers) < regles.places
    if avant == maintenant:
        return None
    quoi = "la dernière place libre a été prise" if avant else "une place s'est libérée"
    return ConflitError(
        f"dossier {ident} : {quoi} au dispositif « {etat.ident} » par un autre écrivain (ligne "
        f"{vues.position} du journal) depuis la dernière lecture de ce moteur ; le moteur est "
        "maintenant à jour : renvoyez l'événement",
        dossier=ident,
        dispositif=etat.ident,
        position=vues.position,
        fichier=fichier,
    )


def conflit_droits(vus: Vus, ident: str, fichier: str) -> ConflitError | None:
    """The conflict of a caller's droits et devoirs event with the track other writers moved."""
    deja = vus.droits.get(ident)
    if deja is None:
        return None
    return ConflitError(
        f"dossier {ident} : un autre écrivain a fait avancer ses droits et devoirs (« {deja[1]} », "
        f"ligne {deja[0]} du journal) depuis la dernière lecture de ce moteur ; le moteur est "
        "maintenant à jour : regardez le dossier, puis renvoyez l'événement s'il a encore lieu d'être",
        dossier=ident,
        position=deja[0],
        fichier=fichier,
    )
