"""Capacity of a dispositif: places taken, waiting list, load per ETP against the portfolio."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from parcours.engine.engine import Engine

__all__ = ["Charge", "charge"]


@dataclass(frozen=True, slots=True)
class Charge:
    """The load of a dispositif: its open accompaniments against the values in force on ``au``.

    ``par_etp`` is open accompaniments per ETP; ``taux_portefeuille`` is that against
    ``portefeuille_par_etp`` (1.0 = portfolios full). None when the policy does not say.
    """

    dispositif: str
    au: date
    occupes: int
    en_attente: int
    places: int | None
    etp: float | None
    portefeuille_par_etp: int | None
    par_etp: float | None
    taux_portefeuille: float | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "dispositif": self.dispositif,
            "au": self.au.isoformat(),
            "occupes": self.occupes,
            "en_attente": self.en_attente,
            "places": self.places,
            "etp": self.etp,
            "portefeuille_par_etp": self.portefeuille_par_etp,
            "par_etp": self.par_etp,
            "taux_portefeuille": self.taux_portefeuille,
        }


def charge(engine: Engine, dispositif: str, au: date) -> Charge:
    """The load of ``dispositif`` in ``engine`` (the engine holds the state; ``au`` the values)."""
    etat = engine.etat_dispositif(dispositif)
    regles = etat.regles.au(au)
    places = None if regles is None else regles.places
    etp = None if regles is None else regles.etp
    portefeuille = None if regles is None else regles.portefeuille
    par_etp = None if not etp else etat.occupes / etp
    taux = None if par_etp is None or not portefeuille else par_etp / portefeuille
    return Charge(
        dispositif=dispositif,
        au=au,
        occupes=etat.occupes,
        en_attente=len(engine.attente(dispositif)),
        places=places,
        etp=etp,
        portefeuille_par_etp=portefeuille,
        par_etp=par_etp,
        taux_portefeuille=taux,
    )
