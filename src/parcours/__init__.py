"""parcours: RSA accompaniment parcours as state machines driven by département policies."""

from typing import TYPE_CHECKING, Any

from parcours.engine import Engine, Event, Journal, open_journal
from parcours.errors import JournalError, ParcoursError, PolicyError, TransitionError
from parcours.policies import Duree, Policy, bundled_names, load_policy, load_policy_text

if TYPE_CHECKING:
    from parcours.reports import Bilan, bilan

__all__ = [
    "Bilan",
    "Duree",
    "Engine",
    "Event",
    "Journal",
    "JournalError",
    "ParcoursError",
    "Policy",
    "PolicyError",
    "TransitionError",
    "bilan",
    "bundled_names",
    "load_policy",
    "load_policy_text",
    "open_journal",
]

__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    # the reports load DuckDB and pyarrow: only when asked for
    if name in ("bilan", "Bilan"):
        from parcours import reports

        return getattr(reports, name)
    raise AttributeError(f"module 'parcours' has no attribute {name!r}")
