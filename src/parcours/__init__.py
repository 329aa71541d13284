"""parcours: RSA accompaniment parcours as state machines driven by département policies."""

from parcours.errors import JournalError, ParcoursError, PolicyError, TransitionError
from parcours.policies import Duree, Policy, bundled_names, load_policy, load_policy_text

__all__ = [
    "Duree",
    "JournalError",
    "ParcoursError",
    "Policy",
    "PolicyError",
    "TransitionError",
    "bundled_names",
    "load_policy",
    "load_policy_text",
]

__version__ = "0.1.0"
