"""Property 6 of docs/invariants.md: bilans of engine journals, for generated and bundled policies.

accompagnées = sorties + encore suivies; exits by motif sum to exits; every rate lies in
[0, 1]; two adjacent periods are consistent with their union.
"""

from __future__ import annotations

import tempfile
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from parcours import bilan, load_policy
from parcours.engine import Engine, JsonlJournal
from parcours.policies.schema import Policy
from parcours.reports.reading import read_journal
from parcours.testing import CasPolitique, politiques_valides
from parcours.testing.events import flux_plausible

BUNDLED = ("moselle", "meurthe_et_moselle", "seine_saint_denis")


def _policies() -> st.SearchStrategy[Policy]:
    return st.one_of(
        st.sampled_from(BUNDLED).map(load_policy), politiques_valides().map(CasPolitique.charger)
    )


def _rates(node: Any, path: str = "") -> list[tuple[str, float]]:
    """Every value under a key that starts with ``taux`` (a rate), with its path."""
    found: list[tuple[str, float]] = []
    if isinstance(node, dict):
        for key, value in node.items():
            here = f"{path}.{key}"
            if str(key).startswith("taux") and isinstance(value, int | float) and not isinstance(value, bool):
                found.append((here, float(value)))
            else:
                found.extend(_rates(value, here))
    return found


def _check_identities(report: dict[str, Any]) -> None:
    for scope in (report, *report["par_dispositif"].values()):
        assert scope["accompagnees"] == scope["sorties"] + scope["encore_suivies_au_31_12"]
        assert sum(scope["sorties_par_motif"].values()) == scope["sorties"]
    for path, value in _rates(report):
        assert 0.0 <= value <= 1.0, (path, value)


@given(
    _policies().flatmap(lambda p: st.tuples(st.just(p), flux_plausible(p, max_dossiers=25))),
    st.integers(0, 900),
    st.integers(1, 700),
)
def test_bilans_of_engine_journals_keep_their_identities(
    case: tuple[Policy, list[dict[str, Any]]], offset: int, split: int
) -> None:
    policy, events = case
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "j.jsonl"
        engine = Engine(policy, JsonlJournal(path))
        engine.apply_many(events)
        engine.close()
        if not path.exists():
            path.write_text("", encoding="utf-8")
        journal = read_journal(path, policy)
        first = min((date.fromisoformat(e["date"]) for e in events), default=date(2018, 1, 1))
        du = first + timedelta(days=offset // 3)
        middle = du + timedelta(days=split)
        au = middle + timedelta(days=offset + 1)
        whole = bilan(journal, policy, du=du, au=au).to_dict()
        left = bilan(journal, policy, du=du, au=middle).to_dict()
        right = bilan(journal, policy, du=middle + timedelta(days=1), au=au).to_dict()
    for report in (whole, left, right):
        _check_identities(report)
    assert whole["sorties"] == left["sorties"] + right["sorties"]
    assert whole["encore_suivies_au_31_12"] == right["encore_suivies_au_31_12"]
    # Those still followed at the end of the first period are accompanied in the second too.
    assert (
        whole["accompagnees"]
        == left["accompagnees"] + right["accompagnees"] - left["encore_suivies_au_31_12"]
    )
    for motif, count in whole["sorties_par_motif"].items():
        assert count == left["sorties_par_motif"].get(motif, 0) + right["sorties_par_motif"].get(motif, 0)
