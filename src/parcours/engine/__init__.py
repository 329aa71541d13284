"""The parcours engine: dispositifs as state machines, events, deadlines, capacity, journal.

Importing this package builds nothing: machines are compiled when an engine first meets a
dispositif, journals are opened when written or read.
"""

from parcours.engine.alerts import AlerteLevee
from parcours.engine.capacity import Charge
from parcours.engine.deadlines import Echeance
from parcours.engine.dossier import Dossier
from parcours.engine.engine import Engine, Lot, Resultat
from parcours.engine.events import Event
from parcours.engine.explain import Explication
from parcours.engine.journal import Journal
from parcours.engine.journal_jsonl import JsonlJournal
from parcours.engine.journal_postgresql import PostgresJournal
from parcours.engine.journal_sqlite import SqliteJournal
from parcours.engine.journals import open_journal
from parcours.engine.machine import Topologie, topologie
from parcours.engine.rights import SuiviDroits
from parcours.engine.scheme import EtatDispositif

__all__ = [
    "AlerteLevee",
    "Charge",
    "Dossier",
    "Echeance",
    "Engine",
    "EtatDispositif",
    "Event",
    "Explication",
    "Journal",
    "JsonlJournal",
    "Lot",
    "PostgresJournal",
    "Resultat",
    "SqliteJournal",
    "SuiviDroits",
    "Topologie",
    "open_journal",
    "topologie",
]
