"""Journal replay: rebuild an engine from the lines of its journal (:meth:`Engine.replay`).

Each line goes through the engine's own guards and effects (engine.py), the engine's
decisions being read from the journal (``attente``, generated démarrages) rather than made
again. An ``alerte`` line moves the alert clock to its date and confirms the alert the rules
raise again; a line the policy no longer raises is kept, with a warning.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from parcours.engine.alerts import AlerteLevee
from parcours.engine.journal import Journal
from parcours.errors import JournalError, ParcoursError
from parcours.vocabulary import EVENEMENT_ALERTE

if TYPE_CHECKING:
    from parcours.engine.engine import Engine

__all__ = ["rejouer"]


def _confirmer(engine: Engine, event: dict[str, Any]) -> None:
    ligne = AlerteLevee.from_event(event)
    if not engine._surveillance.confirmer(ligne):
        engine.avertissements.append(
            JournalError(
                f"alerte « {ligne.alerte} » du {ligne.date.isoformat()} (dossier {ligne.dossier}) "
                "absente des alertes que la politique lève : gardée telle que journalisée"
            )
        )


def _lignes(engine: Engine, journal: Journal, limite: str | None) -> None:
    for numero, event in journal.read():
        if limite is not None and str(event.get("date", ""))[:10] > limite:
            continue
        try:
            if event.get("evenement") == EVENEMENT_ALERTE:
                _confirmer(engine, event)
            else:
                engine._appliquer(event, True)
        except ParcoursError as exc:
            raise JournalError(str(exc), fichier=journal.name, ligne=numero) from exc


def rejouer(
    engine: Engine,
    journal: Journal,
    *,
    jusqu_au: date | None = None,
    tolerant: bool = False,
    continuer: bool = False,
) -> None:
    """Apply ``journal``'s lines to the new ``engine`` (see :meth:`Engine.replay`)."""
    if continuer and jusqu_au is not None:
        raise JournalError(
            "on ne peut pas continuer un journal rejoué jusqu'à une date", fichier=journal.name
        )
    engine._rejeu = True
    try:
        _lignes(engine, journal, None if jusqu_au is None else jusqu_au.isoformat())
    except JournalError as exc:
        repare = continuer and journal.repair()  # a torn last line is cut off
        if not (repare or tolerant):
            raise
        engine.avertissements.append(exc)
        if continuer and not repare:
            raise JournalError(
                "le journal a une ligne invalide avant sa fin : corrigez-la avant d'y écrire",
                fichier=journal.name,
                ligne=exc.ligne,
            ) from exc
    finally:
        engine._rejeu = False
    if continuer:
        engine.journal = journal
