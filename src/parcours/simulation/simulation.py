"""``simulate``: a policy and its cohort model through the vectorised kernel, one seed.

>>> from parcours.simulation import simulate
>>> sim = simulate("moselle", du=date(2017, 1, 1), au=date(2017, 12, 31), seed=1)
>>> sim.bilan().to_dict()["accompagnees"]          # doctest: +SKIP
>>> sim.to_frame()                                   # one row per dossier (pandas)
>>> sim.write_journal("simulation.jsonl")           # the events, for the engine
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from parcours.errors import PolicyError, UsageError
from parcours.policies.cohort import Cohorte, find_cohorte, load_cohorte
from parcours.policies.durations import add_months
from parcours.policies.loader import load_policy
from parcours.policies.schema import Policy
from parcours.reports.period import Periode
from parcours.simulation._calendar import date_de, jour
from parcours.simulation._default import cohorte_par_defaut
from parcours.simulation._random import Aleas
from parcours.simulation.aggregates import agreger, indicateurs
from parcours.simulation.events import evenements
from parcours.simulation.kernel import Trajectoires, simuler_dispositif
from parcours.simulation.tables import Tableaux, compiler

if TYPE_CHECKING:
    import pandas as pd

    from parcours.reports.compute import Bilan

__all__ = [
    "BilanSimule",
    "Graine",
    "Simulation",
    "load_source",
    "prepare",
    "resolve_cohort",
    "run",
    "simulate",
]

Graine = int | np.random.SeedSequence | None


@dataclass(frozen=True)
class BilanSimule:
    """The kernel's own bilan figures (same keys as the reports' ``Bilan.to_dict()``)."""

    donnees: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return dict(self.donnees)


class Simulation:
    """One simulated run: its dossiers (columnar), their events, bilan and indicators.

    ``cohorte`` is the cohort model simulated (``cohorte.reference``: its file, or the
    generic model's label).
    """

    def __init__(
        self,
        policy: Policy,
        cohorte: Cohorte,
        du: date,
        au: date,
        trajectoires: dict[str, Trajectoires],
        evenements_gardes: bool,
        graine: Graine = None,
    ) -> None:
        self.policy = policy
        self.cohorte = cohorte
        self.du = du
        self.au = au
        self.trajectoires = trajectoires
        self._evenements_gardes = evenements_gardes
        self.graine = graine  # the seed it was drawn with, for the bilan's provenance line

    def __repr__(self) -> str:
        n = sum(t.n for t in self.trajectoires.values())
        periode = f"{self.du}..{self.au}"
        return f"<Simulation {self.policy.nom} {periode}, cohorte {self.cohorte.reference}: {n} dossiers>"

    def _periode(self, du: date | None, au: date | None) -> tuple[int, int]:
        a, b = jour(du or self.du), jour(au or self.au)
        if a < jour(self.du) or b > jour(self.au) or a > b:
            couverte = f"du {self.du.isoformat()} au {self.au.isoformat()}"
            raise UsageError(f"période hors de la simulation : elle couvre {couverte}")
        return a, b

    def events(self) -> Iterator[dict[str, Any]]:
        """The events of every dossier, in date order (journal format of DESIGN.md)."""
        if not self._evenements_gardes:
            raise UsageError("simulation lancée sans ses événements : relancez avec evenements=True")
        return evenements(self.trajectoires)

    def write_journal(self, chemin: str | os.PathLike[str]) -> int:
        """Write the events as JSON lines; returns how many."""
        n = 0
        with open(chemin, "w", encoding="utf-8") as out:
            for event in self.events():
                out.write(json.dumps(event, ensure_ascii=False) + "\n")
                n += 1
        return n

    def aggregates(self, du: date | None = None, au: date | None = None) -> dict[str, Any]:
        """The kernel's bilan figures over [du, au] (by default the simulated period)."""
        return agreger(self.trajectoires, *self._periode(du, au))

    def bilan(self, du: date | None = None, au: date | None = None) -> Bilan | BilanSimule:
        """The reports' bilan of [du, au] computed from this run's events.

        It equals :meth:`aggregates` (tests/simulation/test_accord_moteur.py); a run made
        with ``evenements=False`` has no events: its kernel figures are returned in a
        :class:`BilanSimule` with the same ``to_dict()`` keys.
        """
        from parcours.reports.compute import bilan
        from parcours.reports.provenance import provenance_simulation

        a, b = self._periode(du, au)
        if not self._evenements_gardes:
            return BilanSimule(agreger(self.trajectoires, a, b))
        c = self.cohorte
        cohorte = Path(c.fichier).stem if c.fichier else (c.libelle or "par défaut")
        origine = provenance_simulation(self.policy.nom, cohorte, self.graine)
        return bilan(list(self.events()), self.policy, du=date_de(a), au=date_de(b), provenance=origine)

    def indicateurs(self, du: date | None = None, au: date | None = None) -> dict[str, float]:
        """Flat indicators: bilan figures, waiting, occupation, interviews, veille."""
        return indicateurs(self.trajectoires, *self._periode(du, au))

    def to_frame(self) -> pd.DataFrame:
        """One row per simulated dossier (pandas)."""
        from parcours.simulation._frame import vers_frame

        return vers_frame(self.trajectoires)


def load_source(policy: Policy | str | os.PathLike[str]) -> Policy:
    """A policy given as an object, a bundled name or a file."""
    return policy if isinstance(policy, Policy) else load_policy(policy)


def resolve_cohort(policy: Policy, cohort: Cohorte | str | os.PathLike[str] | None, du: date) -> Cohorte:
    """The cohort model to simulate: ``cohort`` when given, else the one the policy names,
    else a generic one (values in force on ``du``); checked against the policy."""
    if isinstance(cohort, Cohorte):
        model = cohort
    elif cohort is not None:
        model = load_cohorte(cohort)
    else:
        model = find_cohorte(policy) or cohorte_par_defaut(policy, du)
    model.verifier(policy)
    return model


def _periode_defaut(policy: Policy, du: date | None, au: date | None) -> tuple[date, date]:
    if du is None:
        debuts = [
            d.convention.debut.versions[0].valeur
            for d in policy.dispositifs.values()
            if d.convention is not None
        ]
        du = min(debuts) if debuts else date(date.today().year, 1, 1)
    if au is None:
        au = date.fromordinal(add_months(du, 12).toordinal() - 1)
    periode = Periode(du, au)  # refuses an empty period
    return periode.du, periode.au


def _repartir(total: int, poids: Mapping[str, float]) -> dict[str, int]:
    """Split ``total`` dossiers over dispositifs in proportion to their expected arrivals."""
    somme = sum(poids.values())
    parts = {k: (v / somme if somme > 0 else 1.0 / len(poids)) for k, v in poids.items()}
    base = {k: int(total * p) for k, p in parts.items()}
    reste = total - sum(base.values())
    for k in sorted(parts, key=lambda k: total * parts[k] - base[k], reverse=True)[:reste]:
        base[k] += 1
    return base


def prepare(
    policy: Policy | str | os.PathLike[str],
    cohort: Cohorte | str | os.PathLike[str] | None = None,
    du: date | None = None,
    au: date | None = None,
    dispositif: str | None = None,
    *,
    stock: bool = True,
) -> tuple[Policy, Cohorte, date, date, dict[str, Tableaux]]:
    """Load and compile once what every run of a Monte Carlo shares.

    ``stock=False`` starts every dispositif empty on ``du``, without the cohort's initial stock
    or warm-up (a run with a fixed number of arrivals).
    """
    pol = load_source(policy)
    du, au = _periode_defaut(pol, du, au)
    model = resolve_cohort(pol, cohort, du)
    idents = list(model.dispositifs)
    if dispositif is not None:
        pol.dispositif(dispositif)
        if dispositif not in model.dispositifs:
            raise PolicyError(f"le modèle de cohorte ne décrit pas le dispositif « {dispositif} »")
        idents = [dispositif]
    debut, n = jour(du), jour(au) - jour(du) + 1
    regles = {i: compiler(i, pol.dispositifs[i], model.dispositifs[i], debut, n, stock) for i in idents}
    return pol, model, du, au, regles


def run(
    regles: Mapping[str, Tableaux],
    dossiers: int | None,
    seed: Graine,
    *,
    evenements: bool,
    entretiens: bool = True,
    capacite_proportionnelle: bool = False,
) -> dict[str, Trajectoires]:
    """Run the kernel on compiled rules (the part a Monte Carlo worker does)."""
    graine = seed if isinstance(seed, np.random.SeedSequence) else np.random.SeedSequence(seed)
    aleas = Aleas(graine)
    nombres: Mapping[str, int | None]
    if dossiers is None:
        nombres = dict.fromkeys(regles)
    else:
        nombres = _repartir(dossiers, {k: float(r.arrivees_par_jour.sum()) for k, r in regles.items()})
    return {
        ident: simuler_dispositif(
            r,
            aleas.sous(ident),
            nombres[ident],
            entretiens=entretiens,
            garder_entretiens=evenements,
            capacite_proportionnelle=capacite_proportionnelle,
        )
        for ident, r in regles.items()
    }


def simulate(
    policy: Policy | str | os.PathLike[str],
    cohort: Cohorte | str | os.PathLike[str] | None = None,
    du: date | None = None,
    au: date | None = None,
    dossiers: int | None = None,
    seed: Graine = 0,
    *,
    dispositif: str | None = None,
    evenements: bool = True,
    entretiens: bool = True,
    capacite_proportionnelle: bool = False,
) -> Simulation:
    """Simulate the policy's dispositifs from ``du`` to ``au`` (both included).

    ``cohort``: a cohort model, a file, or ``None`` for the one the policy names (its
    ``cohorte`` key, inherited through ``herite``) or else a generic one. ``dossiers`` fixes
    the number of arrivals, split over the dispositifs as their expected arrivals; ``None``
    keeps the cohort's rates. The capacity is the policy's (so the events replay through the
    Engine), unless ``capacite_proportionnelle=True`` scales it with the arrivals.
    On ``du`` the people of the cohort's ``stock_initial`` are already accompanied (their
    démarrages drawn before ``du``); when its latest date is before ``du``, the kernel starts
    on that date and the days in between are a warm-up the aggregates and bilans leave out;
    without a stock, or with ``dossiers``, the simulation starts empty on ``du``.
    ``evenements=False`` keeps only what aggregates need (faster, less memory);
    ``entretiens=False`` skips interviews.
    """
    pol, model, du, au, regles = prepare(policy, cohort, du, au, dispositif, stock=dossiers is None)
    trajectoires = run(
        regles,
        dossiers,
        seed,
        evenements=evenements,
        entretiens=entretiens,
        capacite_proportionnelle=capacite_proportionnelle,
    )
    return Simulation(pol, model, du, au, trajectoires, evenements, seed)
