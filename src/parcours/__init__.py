"""parcours: RSA accompaniment parcours as state machines driven by département policies."""

from parcours.engine import Engine, Event, Journal, ouvrir_journal
from parcours.errors import JournalError, ParcoursError, PolicyError, TransitionError
from parcours.policies import Duree, Policy, bundled_names, load_policy, load_policy_text

__all__ = [
    "Duree",
    "Engine",
    "Event",
    "Journal",
    "JournalError",
    "ParcoursError",
    "Policy",
    "PolicyError",
    "TransitionError",
    "bundled_names",
    "load_policy",
    "load_policy_text",
    "ouvrir_journal",
]

__version__ = "0.1.0"
