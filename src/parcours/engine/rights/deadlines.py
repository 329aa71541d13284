"""The deadlines of the droits et devoirs track, computed from its dates and the national values.

``orientation``         the right opened (``ouverture_droit``) + ``orientation.delai`` in force
                        that day, while the track awaits its orientation (``droit_ouvert``)
``contrat_engagement``  the latest orientation + ``contrat.delai.<parcours>`` in force that day,
                        while the track awaits its contract (``oriente``), unless the
                        organisme has no delay (``contrat.sans_delai``); a new orientation
                        starts a new delay. For a contract signed before the reform
                        (``contrat.transition.reforme``), the reform + ``transition.delai``
``reexamen``            the contract's signature (or the latest re-examination) + the
                        re-examination delay in force that day (``delai_difficultes`` when the
                        contract or re-examination names ``difficultes``), for a parcours the
                        texts re-examine, while the contract is in force (``engage``)
``fin_suspension``      the sanction + its months, while the suspension runs

No clock: as for a dispositif (deadlines.py), the dates are compared with the date asked for.
"""

from __future__ import annotations

from datetime import date

from parcours.engine.rights.track import SuiviDroits
from parcours.policies.rights_rules import ReglesDroitsDatees
from parcours.vocabulary import ECHEANCES_DROITS

__all__ = [
    "NATURES_DROITS",
    "contrat_du",
    "echeance_droits",
    "echeances_droits",
    "orientation_due",
    "reexamen_du",
]

#: The deadline kinds of the track, in the order they are listed.
NATURES_DROITS: tuple[str, ...] = tuple(ECHEANCES_DROITS)


def orientation_due(datees: ReglesDroitsDatees, ouverture: date) -> date | None:
    """When the orientation is due after the right opened on ``ouverture`` (None: no delay)."""
    delai = datees.au(ouverture).orientation_delai
    return None if delai is None else delai.ajouter(ouverture)


def contrat_du(
    datees: ReglesDroitsDatees, orientation: date, parcours: str | None, organisme: str | None
) -> date | None:
    """When the contract is due after an orientation on ``orientation`` (None: no delay)."""
    delai = datees.au(orientation).delai_contrat(parcours, organisme)
    return None if delai is None else delai.ajouter(orientation)


def reexamen_du(
    datees: ReglesDroitsDatees, revision: date, parcours: str | None, difficultes: bool
) -> date | None:
    """When a parcours signed or revised on ``revision`` is due for re-examination (None: never)."""
    regles = datees.au(revision)
    delai = regles.delai_reexamen(difficultes)
    if parcours not in regles.reexamen_parcours or delai is None:
        return None
    return delai.ajouter(revision)


def _contrat(suivi: SuiviDroits, datees: ReglesDroitsDatees) -> date | None:
    if suivi.state == "oriente" and suivi.orientation is not None:
        return contrat_du(datees, suivi.orientation, suivi.parcours, suivi.organisme)
    if suivi.state == "engage" and suivi.contrat is not None:
        regles = datees.au(suivi.contrat)
        reforme, delai = regles.transition_reforme, regles.transition_delai
        if reforme is not None and delai is not None and suivi.contrat < reforme:
            return delai.ajouter(reforme)
    return None


def echeance_droits(suivi: SuiviDroits, nature: str, datees: ReglesDroitsDatees) -> date | None:
    """The deadline of kind ``nature`` pending for the track (None: none)."""
    if nature == "orientation":
        if suivi.state != "droit_ouvert" or suivi.ouverture is None:
            return None
        return orientation_due(datees, suivi.ouverture)
    if nature == "contrat_engagement":
        return _contrat(suivi, datees)
    if nature == "reexamen":
        if suivi.state != "engage" or suivi.revision is None:
            return None
        return reexamen_du(datees, suivi.revision, suivi.parcours, suivi.difficultes)
    if nature == "fin_suspension":
        return suivi.fin_suspension
    raise ValueError(f"nature d'échéance nationale inconnue : {nature}")


def echeances_droits(suivi: SuiviDroits, datees: ReglesDroitsDatees) -> list[tuple[str, date]]:
    """Every deadline pending for the track: (nature, date)."""
    found: list[tuple[str, date]] = []
    for nature in NATURES_DROITS:
        quand = echeance_droits(suivi, nature, datees)
        if quand is not None:
            found.append((nature, quand))
    return found
