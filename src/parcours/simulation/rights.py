"""Simulate the droits et devoirs track under the national rules in force.

One run draws the rights opened over a period and, for each person, in vectors: the delay
to the orientation, its parcours and organisme, whether and when the contract is signed and
its weekly hours, the re-examination of a social parcours, a breach and what follows (the
person's observations, a sanction, a remobilisation). The rules come from the policy's
national layer, read in force on each event's day (policies/rights_rules.py): the hours
written are at least the minimum, a sanction's rate and months within the bounds of the day
of its breach, a re-examination due when the engine says it is due. The draws are turned
into events of the public format, so that the run is read by the engine (its events are
never refused) and counted by the reports' own code (:meth:`SimulationDroits.bilan`).

Assumptions of the simulator (beside the cohort model's, each flagged there): delays are
gamma-distributed of shape 2 around their mean; a person has at most one breach over the
period (a constant annual hazard from the contract on); nobody is re-oriented; no weekly
activity is declared (the contracted hours are simulated, not the declared ones). A run
starts empty on ``du``: rights opened before it are not drawn.

Every value drawn uses the same random numbers whatever the cohort's values (standard draws
scaled afterwards), so that two variants on the same seed differ only by what they change.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

import numpy as np
from pydantic import ValidationError

from parcours.engine.rights.deadlines import reexamen_du
from parcours.errors import PolicyError
from parcours.policies.durations import Duree
from parcours.policies.loader import load_policy
from parcours.policies.rights_cohort import CohorteDroits, load_cohorte_droits
from parcours.policies.rights_rules import ReglesDroitsDatees, regles_droits
from parcours.policies.schema import Policy
from parcours.reports.period import Periode
from parcours.vocabulary import PARCOURS_ORIENTATION

if TYPE_CHECKING:
    from parcours.reports.compute import Bilan

__all__ = ["SimulationDroits", "preparer_droits", "simulate_droits", "variante_cohorte"]

Graine = int | np.random.SeedSequence | None
_FORME = 2.0  # the gamma shape of every delay


@dataclass(frozen=True)
class SimulationDroits:
    """One run: its events (public format, date order) and what the reports make of them."""

    policy: Policy
    cohorte: CohorteDroits
    du: date
    au: date
    evenements: tuple[dict[str, Any], ...]
    graine: Graine = None

    def events(self) -> list[dict[str, Any]]:
        return [dict(e) for e in self.evenements]

    def bilan(self) -> Bilan:
        """The reports' bilan of the simulated period, from the run's events."""
        from parcours.reports.compute import bilan
        from parcours.reports.provenance import provenance_simulation

        cohorte = os.path.basename(self.cohorte.fichier or "") or self.cohorte.libelle
        origine = provenance_simulation(self.policy.nom, cohorte, self.graine)
        return bilan(list(self.evenements), self.policy, du=self.du, au=self.au, provenance=origine)

    def indicateurs(self) -> dict[str, float]:
        """The droits et devoirs indicators of the period, as numbers (NaN: nothing to divide)."""
        from parcours.reports.export import droits_dict

        return {k: _nombre(v) for k, v in droits_dict(self.bilan().total.droits).items()}


def _nombre(valeur: Any) -> float:
    return float("nan") if valeur is None else float(valeur)


def variante_cohorte(cohorte: CohorteDroits, changements: Mapping[str, Any]) -> CohorteDroits:
    """``cohorte`` with the values at the given dotted paths replaced by flagged assumptions
    (``{"orientation.delai_moyen": "4 semaines"}``)."""
    data = cohorte.model_dump()
    for chemin, valeur in changements.items():
        node: Any = data
        parts = chemin.split(".")
        for part in parts[:-1]:
            node = node.get(part) if isinstance(node, dict) else None
        if not isinstance(node, dict) or parts[-1] not in node:
            raise PolicyError(f"variante : « {chemin} » n'est pas une valeur du modèle de cohorte")
        node[parts[-1]] = {
            "versions": [{"valeur": valeur, "hypothese": True, "raison": f"variante : {chemin}"}]
        }
    try:
        result = CohorteDroits.model_validate(data)
    except ValidationError as exc:
        premiere = exc.errors()[0]
        raise PolicyError(
            f"variante invalide : {'.'.join(map(str, premiere['loc']))} : {premiere['msg']}"
        ) from exc
    result._fichier = cohorte.fichier
    return result


class _Tirage:
    """The draws of one run, turned into events (see the module docstring)."""

    def __init__(
        self, datees: ReglesDroitsDatees, cohorte: CohorteDroits, du: date, au: date, rng: Any
    ) -> None:
        self.datees, self.c, self.du, self.au, self.rng = datees, cohorte, du, au, rng
        self.events: list[tuple[date, int, int, dict[str, Any]]] = []

    def _valeur(self, param: Any, jour: date) -> Any:
        version = param.version_au(jour)
        return (param.versions[0] if version is None else version).valeur

    def _jours(self, moyenne: Duree, standard: float) -> int:
        return max(1, round(moyenne.en_jours_approx * standard / _FORME))

    def _ajouter(self, personne: int, rang: int, jour: date, evenement: str, **cles: Any) -> bool:
        if jour > self.au:
            return False
        ev = {"dossier": f"S-{personne:06d}", "date": jour.isoformat(), "evenement": evenement, **cles}
        self.events.append((jour, personne, rang, ev))
        return True

    def run(self) -> list[dict[str, Any]]:
        c, rng = self.c, self.rng
        jours = (self.au - self.du).days + 1
        n = int(rng.poisson(self._valeur(c.ouvertures.par_mois, self.du) * jours / (365.25 / 12)))
        ouvertures = np.sort(rng.integers(0, jours, size=n))
        tirages = {nom: rng.standard_gamma(_FORME, size=n) for nom in ("orientation", "contrat", "retard")}
        uniformes = rng.random(size=(n, 11))
        for i in range(n):
            self._personne(i, self.du + timedelta(days=int(ouvertures[i])), tirages, uniformes[i])
        self.events.sort(key=lambda t: (t[0], t[1], t[2]))
        return [t[3] for t in self.events]

    def _parcours(self, jour: date, u: float) -> str:
        shares = self.c.orientation.parcours
        parts = [(p, self._valeur(shares[p], jour)) for p in PARCOURS_ORIENTATION if p in shares]
        cumul = 0.0
        for parcours, part in parts:
            cumul += part
            if u < cumul:
                return parcours
        return parts[-1][0]

    def _personne(self, i: int, ouverture: date, t: dict[str, Any], u: Any) -> None:
        c = self.c
        if not self._ajouter(i, 0, ouverture, "ouverture_droit"):
            return
        delai = self._valeur(c.orientation.delai_moyen, ouverture)
        orientation = ouverture + timedelta(self._jours(delai, t["orientation"][i]))
        parcours = self._parcours(orientation, u[0])
        organisme = c.orientation.organismes[parcours]  # type: ignore[index]
        if not self._ajouter(i, 1, orientation, "orientation", parcours=parcours, organisme=organisme):
            return
        if u[1] < self._valeur(c.contrat.sans_contrat, orientation):
            return
        delai = self._valeur(c.contrat.delai_moyen, orientation)
        contrat = orientation + timedelta(self._jours(delai, t["contrat"][i]))
        regles = self.datees.au(contrat)
        if u[2] < self._valeur(c.contrat.dispenses, contrat):
            cles: dict[str, Any] = {"heures_hebdomadaires": 0, "dispense": "sante"}
        else:
            heures = max(float(self._valeur(c.contrat.heures, contrat)), regles.heures_minimum or 0.0)
            cles = {"heures_hebdomadaires": min(heures, regles.heures_maximum or heures)}
        if not self._ajouter(i, 2, contrat, "contrat_engagement", **cles):
            return
        self._reexamen(i, contrat, parcours, t["retard"][i], u[3])
        self._manquement(i, contrat, u[4:])

    def _reexamen(self, i: int, contrat: date, parcours: str, retard: float, u: float) -> None:
        du = reexamen_du(self.datees, contrat, parcours, False)
        if du is None:
            return
        c = self.c.reexamen
        if u < self._valeur(c.a_temps, du):
            jour = du - timedelta(days=int(u * 20))
        else:
            jour = du + timedelta(self._jours(self._valeur(c.retard_moyen, du), retard))
        self._ajouter(i, 3, max(jour, contrat), "reexamen")

    def _manquement(self, i: int, contrat: date, u: Any) -> None:
        """u: the breach's time, observations (whether, when), sanction (whether, when),
        remobilisation (whether, when), as uniform draws."""
        c = self.c.manquements
        taux_an = float(self._valeur(c.par_an, contrat))
        if taux_an <= 0.0:
            return
        par_jour = -np.log(max(1.0 - taux_an, 1e-12)) / 365.25  # a constant hazard
        jour = contrat + timedelta(days=max(1, int(-np.log(max(u[0], 1e-12)) / par_jour)))
        if not self._ajouter(i, 4, jour, "manquement", nature="non_respect_contrat"):
            return
        if u[1] >= self._valeur(c.observations, jour):
            return
        observations = jour + timedelta(days=1 + int(u[2] * 9))  # within the ten days
        if not self._ajouter(i, 5, observations, "observations") or u[3] >= self._valeur(c.sanction, jour):
            return
        regime = self.datees.au(jour)  # the bounds of the day of the breach, as the engine reads them
        bornes = regime.premier_manquement
        taux = max(float(self._valeur(c.taux, jour)), regime.taux_minimum or 0.0)
        taux = min(taux, bornes.taux_maximum or 1.0)
        mois = int(self._valeur(c.mois, jour))
        mois = min(max(mois, bornes.mois_minimum or 1), bornes.mois_maximum or mois)
        sanction = observations + timedelta(days=1 + int(u[4] * 14))
        if not self._ajouter(i, 6, sanction, "sanction", taux=round(taux * 100, 6), mois=mois):
            return
        if u[5] < self._valeur(c.remobilisation, jour):
            duree = (Duree(mois, "mois").ajouter(sanction) - sanction).days  # remobilised before the end
            self._ajouter(i, 7, sanction + timedelta(days=1 + int(u[6] * (duree - 1))), "remobilisation")


def _graine(seed: Graine) -> np.random.SeedSequence:
    return seed if isinstance(seed, np.random.SeedSequence) else np.random.SeedSequence(seed)


def preparer_droits(
    policy: Policy | str | os.PathLike[str],
    cohorte: CohorteDroits | str | os.PathLike[str] | None = None,
    du: date | None = None,
    au: date | None = None,
) -> tuple[Policy, ReglesDroitsDatees, CohorteDroits, date, date]:
    """Load and check once what every run shares."""
    pol = policy if isinstance(policy, Policy) else load_policy(policy)
    datees = regles_droits(pol)
    if datees is None:
        raise PolicyError(
            f"la politique {pol.nom} n'a pas de couche nationale des droits et devoirs : "
            "ajoutez « herite: national/plein_emploi »"
        )
    modele = cohorte if isinstance(cohorte, CohorteDroits) else load_cohorte_droits(cohorte)
    inconnus = sorted(set(modele.orientation.organismes.values()) - datees.organismes)
    if inconnus:
        raise PolicyError(
            f"modèle de cohorte : organisme « {inconnus[0]} » inconnu de la politique {pol.nom}"
        )
    du = du or date(2025, 1, 1)
    periode = Periode(du, au or date(du.year, 12, 31))  # refuses an empty period
    return pol, datees, modele, periode.du, periode.au


def simulate_droits(
    policy: Policy | str | os.PathLike[str],
    cohorte: CohorteDroits | str | os.PathLike[str] | None = None,
    du: date | None = None,
    au: date | None = None,
    seed: Graine = 0,
) -> SimulationDroits:
    """One run of the droits et devoirs track from ``du`` to ``au`` (by default, 2025).

    ``cohorte``: a cohort model of the track, a file, or None for the bundled national one.
    """
    pol, datees, modele, du, au = preparer_droits(policy, cohorte, du, au)
    rng = np.random.default_rng(_graine(seed))
    evenements = _Tirage(datees, modele, du, au, rng).run()
    return SimulationDroits(pol, modele, du, au, tuple(evenements), seed)
