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
    suivi = engine.suivi(dispositif)
    regles = suivi.regles(au)
    par_etp = None if not regles.etp else suivi.occupes / regles.etp
    taux = None if par_etp is None or not regles.portefeuille else par_etp / regles.portefeuille
    return Charge(
        dispositif=dispositif,
        au=au,
        occupes=suivi.occupes,
        en_attente=len(engine.attente(dispositif)),
        places=regles.places,
        etp=regles.etp,
        portefeuille_par_etp=regles.portefeuille,
        par_etp=par_etp,
        taux_portefeuille=taux,
    )
