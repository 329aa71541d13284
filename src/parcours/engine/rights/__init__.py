"""The droits et devoirs track of a dossier: the national layer's events, guards, effects and
deadlines (see track.py for how it sits beside a dispositif's accompaniment)."""

from parcours.engine.rights.track import SuiviDroits

__all__ = ["SuiviDroits"]
