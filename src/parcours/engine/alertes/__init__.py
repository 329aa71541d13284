"""Alert rules of a policy, run on durable_rules behind a private host (see surveillance.py).

Importing this package imports no rules engine: durable_rules is loaded when an engine first
meets a dispositif that has alert rules.
"""

from parcours.engine.alertes.levee import CLES_ALERTE, AlerteLevee
from parcours.engine.alertes.surveillance import Surveillance

__all__ = ["CLES_ALERTE", "AlerteLevee", "Surveillance"]
