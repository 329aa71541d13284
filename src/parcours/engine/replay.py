"""Journal replay: rebuild an engine from the lines of its journal (:meth:`Engine.replay`).

Each line is decoded by the journal's one line reader (journal.lire_ligne) and goes through
the engine's own format check, guards and effects (engine.py), the engine's decisions being
read from the journal (``attente``, generated démarrages) rather than made again. An
``alerte`` line moves the alert clock to its date and confirms the alert the rules raise
again, an ``alerte_annulee`` line confirms a cancellation; a line the policy no longer
raises (or cancels) is kept as journaled, with a warning.

A line the engine refuses stops the replay with its number (``JournalError``), or, with
``ecarter``, is set aside in ``Engine.lignes_ecartees`` and the replay goes on: that is what
``parcours rejouer`` does, and what the reports do, so that both refuse the same lines. A line
the reader will not read on from (``UnsafeLineError``: a bound, the encoding, a control
character in an identifier) stops the replay in every mode, with its number.

:func:`catch_up` applies the lines other writers appended to a shared journal after the
engine's position, the same way, and says what they moved (conflicts.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING, Any

from parcours.engine.alerts import AlerteLevee
from parcours.engine.conflicts import Places, Vus, change_les_places, en_attente
from parcours.engine.journal import Journal, LigneEcartee, lire_ligne
from parcours.errors import JournalError, ParcoursError, UnsafeLineError
from parcours.vocabulary import EVENEMENT_ALERTE, EVENEMENT_ALERTE_ANNULEE, EVENEMENTS_DROITS

if TYPE_CHECKING:
    from parcours.engine.engine import Engine, Resultat

__all__ = ["catch_up", "rejouer"]


def _confirmer(engine: Engine, event: dict[str, Any]) -> None:
    ligne = AlerteLevee.from_event(event)
    surveillance = engine._surveillance
    if event["evenement"] == EVENEMENT_ALERTE_ANNULEE:
        if not surveillance.confirmer_annulation(ligne):
            engine.avertissements.append(
                JournalError(
                    f"annulation de l'alerte « {ligne.alerte} » du {ligne.date.isoformat()} "
                    f"(dossier {ligne.dossier}) que la politique n'annule pas : gardée telle que journalisée"
                )
            )
        return
    if not surveillance.confirmer(ligne):
        engine.avertissements.append(
            JournalError(
                f"alerte « {ligne.alerte} » du {ligne.date.isoformat()} (dossier {ligne.dossier}) "
                "absente des alertes que la politique lève : gardée telle que journalisée"
            )
        )


def _ligne(engine: Engine, brute: str | bytes, limite: str | None) -> Resultat | None:
    """Replay one raw line (a blank line is ignored); what it did to its dossier, if anything."""
    event = lire_ligne(brute)
    if event is None:
        return None
    if limite is not None and str(event.get("date", ""))[:10] > limite:
        return None
    return _evenement(engine, event)


def _evenement(engine: Engine, event: dict[str, Any]) -> Resultat | None:
    if event.get("evenement") in (EVENEMENT_ALERTE, EVENEMENT_ALERTE_ANNULEE):
        _confirmer(engine, event)
        return None
    return engine._appliquer(event, True)


def _lignes(engine: Engine, journal: Journal, limite: str | None, ecarter: bool) -> None:
    for numero, brute in journal.lines():
        try:
            _ligne(engine, brute, limite)
        except UnsafeLineError as exc:
            raise UnsafeLineError(str(exc), fichier=journal.name, ligne=numero) from exc
        except ParcoursError as exc:
            if not ecarter:
                raise JournalError(str(exc), fichier=journal.name, ligne=numero) from exc
            engine.lignes_ecartees.append(LigneEcartee(numero, str(exc)))
        journal.position = numero


def catch_up(
    engine: Engine, journal: Journal, lignes: Iterable[tuple[int, str | bytes]], vus: Vus | None = None
) -> Vus:
    """Apply the lines other writers appended after the engine's position (a line the engine
    refuses is set aside in ``lignes_ecartees``, as ``parcours rejouer`` does); what they moved
    (added to ``vus`` when given)."""
    vus = Vus() if vus is None else vus
    rejeu, engine._rejeu = engine._rejeu, True
    try:
        for numero, brute in lignes:
            try:
                event = lire_ligne(brute)
                if event is not None:
                    _rattraper(engine, vus, numero, event)
            except UnsafeLineError as exc:
                raise UnsafeLineError(str(exc), fichier=journal.name, ligne=numero) from exc
            except ParcoursError as exc:
                engine.lignes_ecartees.append(LigneEcartee(numero, str(exc)))
            journal.position = numero
            vus.lignes += 1
    finally:
        engine._rejeu = rejeu
    return vus


def _rattraper(engine: Engine, vus: Vus, numero: int, event: dict[str, Any]) -> None:
    """Apply another writer's line and note what it moved (the places as they were before the
    first move of a dispositif's places)."""
    dossier = engine.dossiers.get(str(event.get("dossier")))
    ident = dossier.dispositif if dossier is not None else event.get("dispositif")
    etat = engine._etats.get(ident) if isinstance(ident, str) else None
    avant = None
    if etat is not None and etat.ident not in vus.places:
        avant = (etat.occupes, en_attente(etat, engine.dossiers))
    fait = _evenement(engine, event)
    if fait is None or not fait.applique:
        return
    if fait.evenement in EVENEMENTS_DROITS:  # the dossier's second track: no step, no place
        vus.droits.setdefault(fait.dossier, (numero, fait.evenement))
        return
    vus.dossiers.setdefault(fait.dossier, (numero, fait.evenement))
    disp = engine.dossiers[fait.dossier].dispositif
    if disp not in vus.places and change_les_places(fait.avant, fait.apres):
        occupes, attente = avant if avant is not None else (0, 0)
        vus.places[disp] = Places(numero, occupes, attente)


def rejouer(
    engine: Engine,
    journal: Journal,
    *,
    jusqu_au: date | None = None,
    tolerant: bool = False,
    continuer: bool = False,
    ecarter: bool = False,
    reparer: bool = False,
) -> None:
    """Apply ``journal``'s lines to the new ``engine`` (see :meth:`Engine.replay`)."""
    if continuer and jusqu_au is not None:
        raise JournalError(
            "on ne peut pas continuer un journal rejoué jusqu'à une date", fichier=journal.name
        )
    if continuer:
        journal.attach()  # the writer's lock (JSONL) before reading: no one writes in between
    if reparer or continuer:
        cote = journal.repair()
        if cote is not None:
            engine.avertissements.append(
                JournalError(
                    "dernière ligne tronquée (écriture interrompue) retirée ; "
                    f"ses octets sont gardés dans {cote}",
                    fichier=journal.name,
                )
            )
    engine._rejeu = True
    try:
        _lignes(engine, journal, None if jusqu_au is None else jusqu_au.isoformat(), ecarter)
    except JournalError as exc:
        if not tolerant:
            raise
        engine.avertissements.append(exc)
        if continuer:
            raise JournalError(
                "le journal a une ligne invalide avant sa fin : corrigez-la avant d'y écrire",
                fichier=journal.name,
                ligne=exc.ligne,
            ) from exc
    finally:
        engine._rejeu = False
    if continuer:
        engine.journal = journal
        engine._ecrites = None  # the journal held lines before this engine
    else:
        engine._source = journal  # followed by refresh() and follow(), never written
