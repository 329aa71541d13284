"""The parcours engine: dispositifs as state machines, events, deadlines, capacity, journal.

Importing this package builds nothing: machines are compiled when an engine first meets a
dispositif (once per version window), journals are opened when written or read.
"""

from parcours.engine.capacity import Charge
from parcours.engine.deadlines import Echeance
from parcours.engine.dossier import Dossier
from parcours.engine.engine import Engine, Lot, Resultat
from parcours.engine.events import EVENEMENTS, Event
from parcours.engine.explain import Explication
from parcours.engine.journal import Journal, ouvrir_journal
from parcours.engine.journal_jsonl import JsonlJournal
from parcours.engine.journal_sqlite import SqliteJournal
from parcours.engine.machine import Topologie, topologie

__all__ = [
    "EVENEMENTS",
    "Charge",
    "Dossier",
    "Echeance",
    "Engine",
    "Event",
    "Explication",
    "Journal",
    "JsonlJournal",
    "Lot",
    "Resultat",
    "SqliteJournal",
    "Topologie",
    "ouvrir_journal",
    "topologie",
]
