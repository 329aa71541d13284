"""parcours: RSA accompaniment parcours as state machines driven by département policies.

Every name a public function returns is exported here. The names of the reports
(``bilan``, ``Bilan``...) and of the simulation (``simulate``, ``Simulation``...) are loaded
on first use, so that ``import parcours`` loads neither DuckDB nor numpy.
"""

import importlib
import typing

from parcours.engine import (
    AlerteLevee,
    Charge,
    Dossier,
    Echeance,
    Engine,
    EtatDispositif,
    Event,
    Explication,
    Journal,
    JsonlJournal,
    Lot,
    PostgresJournal,
    Resultat,
    SqliteJournal,
    SuiviDroits,
    open_journal,
)
from parcours.errors import (
    ConflitError,
    JournalError,
    ParcoursError,
    PolicyError,
    Problem,
    RulesEngineError,
    TransitionError,
    UnsafeLineError,
    UsageError,
)
from parcours.policies import (
    Alerte,
    Dispositif,
    Duree,
    Policy,
    Regles,
    ReglesDatees,
    ReglesDroits,
    ReglesDroitsDatees,
    bundled_names,
    load_policy,
    load_policy_text,
    regles_datees,
    regles_droits,
)

if typing.TYPE_CHECKING:
    from parcours.reports import Bilan, ComparaisonPeriodes, bilan
    from parcours.simulation import (
        BilanSimule,
        ComparaisonScenarios,
        Distribution,
        Distributions,
        Simulation,
        compare,
        monte_carlo,
        simulate,
        variant,
    )

__version__ = "0.2.0.dev0"

__all__ = [
    "Alerte",
    "AlerteLevee",
    "Bilan",
    "BilanSimule",
    "Charge",
    "ComparaisonPeriodes",
    "ComparaisonScenarios",
    "ConflitError",
    "Dispositif",
    "Distribution",
    "Distributions",
    "Dossier",
    "Duree",
    "Echeance",
    "Engine",
    "EtatDispositif",
    "Event",
    "Explication",
    "Journal",
    "JournalError",
    "JsonlJournal",
    "Lot",
    "ParcoursError",
    "Policy",
    "PolicyError",
    "PostgresJournal",
    "Problem",
    "Regles",
    "ReglesDatees",
    "ReglesDroits",
    "ReglesDroitsDatees",
    "Resultat",
    "RulesEngineError",
    "Simulation",
    "SqliteJournal",
    "SuiviDroits",
    "TransitionError",
    "UnsafeLineError",
    "UsageError",
    "__version__",
    "bilan",
    "bundled_names",
    "compare",
    "load_policy",
    "load_policy_text",
    "monte_carlo",
    "open_journal",
    "regles_datees",
    "regles_droits",
    "simulate",
    "variant",
]

# names loaded on first use, and the subpackage that holds them
_LAZY = {
    "Bilan": "parcours.reports",
    "ComparaisonPeriodes": "parcours.reports",
    "bilan": "parcours.reports",
    "BilanSimule": "parcours.simulation",
    "ComparaisonScenarios": "parcours.simulation",
    "Distribution": "parcours.simulation",
    "Distributions": "parcours.simulation",
    "Simulation": "parcours.simulation",
    "compare": "parcours.simulation",
    "monte_carlo": "parcours.simulation",
    "simulate": "parcours.simulation",
    "variant": "parcours.simulation",
}


def __getattr__(name: str) -> object:
    package = _LAZY.get(name)
    if package is None:
        raise AttributeError(f"module 'parcours' has no attribute {name!r}")
    return getattr(importlib.import_module(package), name)


def __dir__() -> list[str]:
    return sorted(__all__)
