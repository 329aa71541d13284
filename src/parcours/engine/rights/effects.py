"""The effects of the droits et devoirs track: what an accepted event changes on it.

:func:`effectuer_droits` applies a :class:`~parcours.engine.rights.guards.MouvementDroits`:
it moves the track along its machine's table and updates its dates. Live events and journal
replay go through it alike.
"""

from __future__ import annotations

from collections.abc import Callable

from parcours.engine.events import lire_taux
from parcours.engine.rights.guards import MouvementDroits
from parcours.engine.rights.track import topologie_droits

__all__ = ["effectuer_droits"]


def _ouverture(m: MouvementDroits) -> None:
    m.suivi.ouverture = m.jour


def _orientation(m: MouvementDroits) -> None:
    suivi = m.suivi
    suivi.orientation = m.jour
    suivi.parcours = m.ev["parcours"]
    suivi.organisme = m.ev["organisme"]
    suivi.orientations += 1


def _contrat(m: MouvementDroits) -> None:
    suivi = m.suivi
    suivi.contrat = suivi.revision = m.jour
    heures = m.ev.get("heures_hebdomadaires")
    suivi.heures = None if heures is None else float(heures)
    suivi.dispense = m.ev.get("dispense")
    suivi.difficultes = bool(m.ev.get("difficultes"))
    suivi.contrats += 1


def _reexamen(m: MouvementDroits) -> None:
    m.suivi.revision = m.jour
    m.suivi.difficultes = bool(m.ev.get("difficultes"))


def _manquement(m: MouvementDroits) -> None:
    suivi = m.suivi
    suivi.manquement = m.jour
    suivi.nature = m.ev["nature"]
    suivi.observations = None


def _observations(m: MouvementDroits) -> None:
    m.suivi.observations = m.jour


def _sanction(m: MouvementDroits) -> None:
    suivi = m.suivi
    assert suivi.manquement is not None  # the guard checked it
    suivi.sanctions.append((suivi.manquement, m.jour))
    suivi.suspension = m.jour
    suivi.fin_suspension = m.fin_suspension
    suivi.taux = lire_taux(m.ev["taux"])
    suivi.manquement = suivi.observations = None


def _remobilisation(m: MouvementDroits) -> None:
    suivi = m.suivi
    suivi.remobilisation = m.jour
    suivi.suspension = suivi.fin_suspension = None


_EFFETS: dict[str, Callable[[MouvementDroits], None]] = {
    "ouverture_droit": _ouverture,
    "orientation": _orientation,
    "contrat_engagement": _contrat,
    "reexamen": _reexamen,
    "manquement": _manquement,
    "observations": _observations,
    "sanction": _sanction,
    "remobilisation": _remobilisation,
}


def effectuer_droits(m: MouvementDroits) -> None:
    """Apply an accepted event of the track: move it, then its fields."""
    suivi = m.suivi
    dest = topologie_droits().table[m.evenement][m.avant]
    if dest is not None:
        suivi.state = dest
    suivi.derniere = m.jour
    dispositif = m.ev.get("dispositif")
    if dispositif is not None:
        suivi.dispositif = dispositif
    effet = _EFFETS.get(m.evenement)
    if effet is not None:
        effet(m)
