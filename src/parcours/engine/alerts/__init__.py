"""Alert rules of a policy, run on durable_rules behind a private host (see surveillance.py).

Importing this package imports no rules engine: durable_rules is loaded when an engine first
meets a dispositif that has alert rules.
"""

from parcours.engine.alerts.monitor import Surveillance
from parcours.engine.alerts.raised import AlerteLevee

__all__ = ["AlerteLevee", "Surveillance"]
