"""Property 7 of docs/invariants.md: live alerts equal replayed alerts, whatever the batching.

On generated policies (which declare random alert rules of every kind) and bundled ones.
"""

from __future__ import annotations

import tempfile
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from parcours import load_policy
from parcours.engine import Engine, JsonlJournal
from parcours.policies.schema import Policy
from parcours.testing import CasPolitique, politiques_valides
from parcours.testing.evenements import flux_plausible

BUNDLED = ("moselle", "meurthe_et_moselle", "seine_saint_denis")


def _policies() -> st.SearchStrategy[Policy]:
    generated = politiques_valides().map(CasPolitique.charger)
    return st.one_of(st.sampled_from(BUNDLED).map(load_policy), generated)


def _alerts(engine: Engine) -> list[dict[str, Any]]:
    return [a.to_event() for a in engine.alertes()]


@given(
    _policies().flatmap(lambda p: st.tuples(st.just(p), flux_plausible(p, max_dossiers=15))),
    st.sampled_from((1, 5, 10_000)),
)
def test_live_alerts_equal_replayed_alerts_and_do_not_depend_on_batching(
    case: tuple[Policy, list[dict[str, Any]]], lot: int
) -> None:
    policy, events = case
    last = max((date.fromisoformat(e["date"]) for e in events), default=date(2019, 1, 1))
    horizon = last + timedelta(days=400)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "j.jsonl"
        live = Engine(policy, JsonlJournal(path))
        for event in events:
            live.apply(event)
        live.alertes(au=horizon)  # moves the clock: deadline alerts are raised and journaled
        live.close()
        batched = Engine(policy, lot=lot)
        batched.apply_many(events)
        batched.alertes(au=horizon)
        replayed = JsonlJournal(path).replay(policy)
        assert _alerts(replayed) == _alerts(live)
        assert _alerts(batched) == _alerts(live)
        assert not replayed.avertissements
