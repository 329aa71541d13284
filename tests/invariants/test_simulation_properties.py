"""Property 8 of docs/invariants.md: the fast kernel agrees with the engine, on generated policies.

The kernel's events, replayed through the Engine, raise no TransitionError and leave every
dossier in the step the kernel ended it in (read from the kernel's arrays, not from the events
replayed); the same seed gives the same events.
"""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from parcours import load_policy, load_policy_text
from parcours.engine import Engine
from parcours.policies.schema import Policy
from parcours.simulation import Simulation, simulate
from parcours.simulation.events import identifiants
from parcours.testing import CasPolitique, politiques_valides
from parcours.testing.events import debut_possible
from parcours.vocabulary import EVENEMENT_ETAPE

BUNDLED = ("moselle", "meurthe_et_moselle", "seine_saint_denis")


def _policies() -> st.SearchStrategy[Policy]:
    return st.one_of(
        st.sampled_from(BUNDLED).map(load_policy), politiques_valides().map(CasPolitique.charger)
    )


def _kernel_steps(sim: Simulation) -> dict[str, str]:
    """The step the kernel left each dossier in, read from its own arrays (not from its events):
    an observed exit is final, a started accompaniment is open (every bilan before the end of
    the period is followed by its renewal), otherwise the last step reached before démarrage."""
    steps: dict[str, str] = {}
    for ident, t in sim.trajectoires.items():
        for i, dossier in enumerate(identifiants(ident, t.n)):
            if 0 <= t.demarrage[i] <= t.fin:
                if t.sortie[i] <= t.fin:
                    steps[dossier] = "reorientation" if t.reoriente[i] else "sortie"
                else:
                    steps[dossier] = "demarrage"
                continue
            reached = [evt for k, evt in enumerate(t.regles.avant) if t.etapes[k, i] <= t.fin]
            if reached:
                steps[dossier] = EVENEMENT_ETAPE[reached[-1]]
    return steps


@given(_policies(), st.integers(0, 2**32 - 1), st.integers(0, 400))
def test_kernel_events_replay_through_the_engine(policy: Policy, seed: int, offset: int) -> None:
    du = max(debut_possible(d) for d in policy.dispositifs.values()) + timedelta(days=offset)
    au = du + timedelta(days=365)
    sim = simulate(policy, du=du, au=au, dossiers=150, seed=seed)
    events = list(sim.events())
    engine = Engine(policy)
    engine.apply_many(events)  # a TransitionError fails the property
    expected = _kernel_steps(sim)
    assert {ident: d.etape for ident, d in engine.dossiers.items()} == expected
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
