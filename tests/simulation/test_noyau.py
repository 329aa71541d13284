"""The kernel's invariants: the policy's rules hold for every simulated dossier."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pytest

from mois_a_la_main import jour_numero, plus_mois
from parcours.errors import UsageError
from parcours.policies import Policy
from parcours.policies.cohort import Cohorte
from parcours.simulation import simulate, variant
from parcours.simulation.kernel import Trajectoires

DU = date(2017, 1, 1)
AU = date(2018, 12, 31)


@pytest.fixture(scope="module")
def sim(politique: Policy, cohorte: Cohorte):  # type: ignore[no-untyped-def]
    return simulate(politique, cohorte, du=DU, au=AU, seed=7)


def _occupation(t: Trajectoires) -> np.ndarray:
    """Places taken at the start of each day (an exit frees its place the next day)."""
    n = t.regles.n
    delta = np.zeros(n + 2, dtype=np.int64)
    ok = t.demarrage >= 0
    np.add.at(delta, t.demarrage[ok] - t.regles.debut, 1)
    fin = np.minimum(t.sortie[ok] - t.regles.debut + 1, n + 1)
    np.add.at(delta, fin, -1)
    return np.cumsum(delta)[:n]


def test_capacity_is_never_exceeded(politique: Policy, cohorte: Cohorte) -> None:
    small = variant(politique, {"dispositifs.flux.capacite.places": 8})
    sim = simulate(small, cohorte, du=DU, au=AU, seed=3, dispositif="flux")
    t = sim.trajectoires["flux"]
    assert _occupation(t).max() <= 8
    waited = t.demarrage[t.demarrage >= 0] - t.pret[t.demarrage >= 0]
    assert waited.max() > 0  # the queue was used
    assert (waited >= 0).all()


def test_fifo_order(politique: Policy, cohorte: Cohorte) -> None:
    small = variant(politique, {"dispositifs.flux.capacite.places": 8})
    t = simulate(small, cohorte, du=DU, au=AU, seed=3, dispositif="flux").trajectoires["flux"]
    started = t.demarrage >= 0
    order = np.argsort(t.pret[started], kind="stable")
    assert (np.diff(t.demarrage[started][order]) >= 0).all()


def test_refusal_instead_of_waiting(politique: Policy, cohorte: Cohorte) -> None:
    small = variant(politique, {"dispositifs.flux.capacite.places": 5})
    data = small.model_dump()
    data["dispositifs"]["flux"]["capacite"]["si_complet"] = "refus"
    refus = type(small).model_validate(data)
    t = simulate(refus, cohorte, du=DU, au=AU, seed=3, dispositif="flux").trajectoires["flux"]
    started = t.demarrage >= 0
    assert t.refuse.any()
    assert (t.demarrage[started] == t.pret[started]).all()
    assert not (t.refuse & started).any()


def test_renewals_and_maximum_are_bounded(sim) -> None:  # type: ignore[no-untyped-def]
    t = sim.trajectoires["global"]
    done = (t.demarrage >= 0) & (t.sortie <= t.fin)
    renewals = t.periodes[done] - t.au_bilan[done]
    assert renewals.max() <= 1  # renouvellements_max: 1
    debut = date(1970, 1, 1)
    limit = np.array([jour_numero(plus_mois(debut + timedelta(days=int(d)), 9)) for d in t.demarrage[done]])
    assert (t.sortie[done] <= limit).all()  # maximum: 9 mois, counted by the tests' own calendar
    assert (t.sortie[done] == limit).any()  # some parcours run to their maximum
    assert (t.sortie[done] >= t.demarrage[done]).all()


def test_steps_in_order(sim) -> None:  # type: ignore[no-untyped-def]
    t = sim.trajectoires["global"]
    assert (np.diff(t.etapes, axis=0) >= 0).all()
    assert (t.pret >= t.etapes[-1]).all()
    started = t.demarrage >= 0
    assert (t.demarrage[started] >= t.pret[started]).all()


def test_convention_end_closes_every_accompaniment(politique: Policy, cohorte: Cohorte) -> None:
    data = politique.model_dump()
    data["dispositifs"]["flux"]["convention"] = {
        "debut": {"versions": [{"valeur": "2017-01-01"}]},
        "fin": {"versions": [{"valeur": "2017-06-30"}]},
    }
    short = type(politique).model_validate(data)
    t = simulate(short, cohorte, du=DU, au=AU, seed=1, dispositif="flux").trajectoires["flux"]
    started = t.demarrage >= 0
    assert (t.sortie[started] <= jour_numero(date(2017, 6, 30))).all()
    assert (t.arrivee <= jour_numero(date(2017, 6, 30))).all()


def test_interview_rhythm(sim) -> None:  # type: ignore[no-untyped-def]
    t = sim.trajectoires["flux"]
    e = t.entretiens
    assert e is not None and e.dossier is not None and e.jour is not None
    started = t.demarrage >= 0
    assert (e.nombre[started] > 0).mean() > 0.9
    assert (e.jour > t.demarrage[e.dossier]).all()
    assert (e.jour < t.sortie[e.dossier]).all()
    # flux: every 15 days, no absences: no deadline is missed
    assert e.absences.sum() == 0 and e.echeances_manquees.sum() == 0


def test_no_shows_cause_missed_deadlines(sim) -> None:  # type: ignore[no-untyped-def]
    e = sim.trajectoires["global"].entretiens
    assert e is not None
    rate = e.absences.sum() / e.nombre.sum()
    assert rate == pytest.approx(0.15, abs=0.02)
    assert e.echeances_manquees.sum() > 0


def test_same_seed_same_result(politique: Policy, cohorte: Cohorte) -> None:
    a = simulate(politique, cohorte, du=DU, au=AU, seed=11)
    b = simulate(politique, cohorte, du=DU, au=AU, seed=11)
    c = simulate(politique, cohorte, du=DU, au=AU, seed=12)
    assert list(a.events()) == list(b.events())
    assert a.aggregates() == b.aggregates()
    assert a.aggregates() != c.aggregates()


def test_one_dispositif_draws_what_it_draws_among_all(politique: Policy, cohorte: Cohorte) -> None:
    alone = simulate(politique, cohorte, du=DU, au=AU, seed=5, dispositif="flux").trajectoires["flux"]
    both = simulate(politique, cohorte, du=DU, au=AU, seed=5).trajectoires["flux"]
    assert (alone.sortie == both.sortie).all()


def test_common_random_numbers_across_variants(politique: Policy, cohorte: Cohorte) -> None:
    """Changing the rhythm changes interviews only: arrivals and exits are the same draws."""
    rhythm = variant(politique, {"dispositifs.global.rythme_entretiens.intervalle_max": "2 mois"})
    a = simulate(politique, cohorte, du=DU, au=AU, seed=5).trajectoires["global"]
    b = simulate(rhythm, cohorte, du=DU, au=AU, seed=5).trajectoires["global"]
    assert (a.arrivee == b.arrivee).all() and (a.sortie == b.sortie).all()
    assert a.entretiens is not None and b.entretiens is not None
    assert b.entretiens.nombre.sum() < a.entretiens.nombre.sum()


def test_dossiers_fixes_the_count_and_keeps_the_policy_capacity(politique: Policy, cohorte: Cohorte) -> None:
    sim = simulate(politique, cohorte, du=DU, au=AU, dossiers=20_000, seed=2, evenements=False)
    assert sum(t.n for t in sim.trajectoires.values()) == 20_000
    t = sim.trajectoires["flux"]
    assert t.echelle == 1
    assert _occupation(t).max() <= 30


def test_proportional_capacity_scales_with_the_dossiers(politique: Policy, cohorte: Cohorte) -> None:
    sim = simulate(
        politique,
        cohorte,
        du=DU,
        au=AU,
        dossiers=20_000,
        seed=2,
        evenements=False,
        capacite_proportionnelle=True,
    )
    assert sum(t.n for t in sim.trajectoires.values()) == 20_000
    t = sim.trajectoires["flux"]
    assert t.echelle > 1
    assert 30 < _occupation(t).max() <= round(30 * t.echelle)


def test_empty_period_is_an_error(politique: Policy, cohorte: Cohorte) -> None:
    with pytest.raises(UsageError, match=r"^période vide : le 01/01/2017 précède le 31/12/2018$"):
        simulate(politique, cohorte, du=AU, au=DU)
