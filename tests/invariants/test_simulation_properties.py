"""Property 8 of docs/invariants.md: the fast kernel agrees with the engine, on generated policies.

The kernel's events, replayed through the Engine, raise no TransitionError and leave every
dossier in the step the kernel ended it in; the same seed gives the same events.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from parcours import load_policy, load_policy_text
from parcours.engine import Engine
from parcours.policies.schema import Policy
from parcours.simulation import simulate
from parcours.testing import CasPolitique, politiques_valides
from parcours.testing.events import debut_possible

BUNDLED = ("moselle", "meurthe_et_moselle", "seine_saint_denis")
_STEP = {
    "reperage": "reperage",
    "prescription": "prescription",
    "diagnostic": "diagnostic_partage",
    "demarrage": "demarrage",
    "renouvellement": "demarrage",
    "bilan": "bilan",
    "sortie": "sortie",
    "reorientation": "reorientation",
    "attente": "attente",
}


def _policies() -> st.SearchStrategy[Policy]:
    return st.one_of(
        st.sampled_from(BUNDLED).map(load_policy), politiques_valides().map(CasPolitique.charger)
    )


def _last_steps(events: list[dict[str, Any]]) -> dict[str, str]:
    """The step each dossier's own events leave it in, read from the events alone."""
    steps: dict[str, str] = {}
    for event in events:
        step = _STEP.get(event["evenement"])
        if step is not None:
            steps[event["dossier"]] = step
    return steps


@given(_policies(), st.integers(0, 2**32 - 1), st.integers(0, 400))
def test_kernel_events_replay_through_the_engine(policy: Policy, seed: int, offset: int) -> None:
    du = max(debut_possible(d) for d in policy.dispositifs.values()) + timedelta(days=offset)
    au = du + timedelta(days=365)
    sim = simulate(policy, du=du, au=au, dossiers=150, seed=seed)
    events = list(sim.events())
    engine = Engine(policy)
    engine.apply_many(events)  # a TransitionError fails the property
    expected = _last_steps(events)
    assert {ident: engine.dossier(ident).etape for ident in expected} == expected
    # Same seed, same events.
    again = simulate(policy, du=du, au=au, dossiers=150, seed=seed)
    assert list(again.events()) == events


def test_regression_renewals_are_judged_on_the_day_of_each_renewal() -> None:
    """Found by the property above: with ``renouvellements_max`` lowered by a later version, the
    kernel granted the renewals in force at démarrage, which the engine (judging each event by
    the values in force on its date) refused."""
    text = """\
departement: Généré
libelle: Renouvellements datés
dispositifs:
  a:
    libelle: A
    etapes: [demarrage, sortie]
    motifs_sortie: {a: {libelle: a, categorie: cat_a, positive: false}}
    duree:
      renouvellements_max: {2010-01-01: 1, 2010-01-03: 0}
"""
    policy = load_policy_text(text, "renouvellements.yaml")
    sim = simulate(policy, du=date(2010, 1, 1), au=date(2011, 1, 1), dossiers=150, seed=0)
    events = list(sim.events())
    renewals = [e for e in events if e["evenement"] == "renouvellement"]
    assert all(e["date"] < "2010-01-03" for e in renewals)  # none once the maximum is 0
    Engine(policy).apply_many(events)
