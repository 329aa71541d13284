"""The policy language: a département's rules as a validated, date-versioned YAML file."""

from parcours.policies.alerts import Alerte
from parcours.policies.bundled import bundled_names
from parcours.policies.durations import Duree, add_months, parse_duree
from parcours.policies.loader import load_policy, load_policy_text
from parcours.policies.rights_rules import ReglesDroits, ReglesDroitsDatees, regles_droits
from parcours.policies.rules import Regles, ReglesDatees, regles_datees
from parcours.policies.schema import Dispositif, MotifSortie, Policy
from parcours.policies.values import Param, Source, Version

__all__ = [
    "Alerte",
    "Dispositif",
    "Duree",
    "MotifSortie",
    "Param",
    "Policy",
    "Regles",
    "ReglesDatees",
    "ReglesDroits",
    "ReglesDroitsDatees",
    "Source",
    "Version",
    "add_months",
    "bundled_names",
    "load_policy",
    "load_policy_text",
    "parse_duree",
    "regles_datees",
    "regles_droits",
]
