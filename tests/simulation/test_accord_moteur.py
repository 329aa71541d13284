"""Agreement of the fast path with the engine and the reports.

The kernel's events, replayed through the Engine, raise no TransitionError, never make the
engine put anyone on its waiting list (the kernel holds its own queue), and leave every
dossier in the step the kernel says; the reports' bilan of those events equals the kernel's
own aggregates; the journal the simulation writes replays to the same steps.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from parcours import reports
from parcours.engine import Engine
from parcours.errors import TransitionError
from parcours.simulation import Simulation, simulate

ICI = Path(__file__).parent
ANNEE = (date(2017, 1, 1), date(2017, 12, 31))
CAS = [
    pytest.param((ICI / "politique_test.yaml", ICI / "cohorte_test.yaml", *ANNEE), id="test"),
    pytest.param(("moselle", None, date(2017, 1, 1), date(2017, 12, 31)), id="moselle"),
    pytest.param(("meurthe_et_moselle", None, date(2017, 1, 1), date(2018, 12, 31)), id="meurthe_et_moselle"),
    pytest.param(("seine_saint_denis", None, None, None), id="seine_saint_denis"),
]  # fmt: skip
_AVANT = {"reperage": "reperage", "prescription": "prescription", "diagnostic": "diagnostic_partage"}


@pytest.fixture(scope="module", params=CAS)
def sim(request: pytest.FixtureRequest) -> Simulation:
    policy, cohort, du, au = request.param
    return simulate(policy, cohort, du=du, au=au, seed=2024)


def _attendus(sim: Simulation, events: list[dict[str, Any]]) -> dict[str, str]:
    """The step each dossier should be in after its events, from the kernel's own arrays."""
    last_before: dict[str, str] = {}
    for e in events:
        if e["evenement"] in _AVANT:
            last_before[e["dossier"]] = _AVANT[e["evenement"]]
    frame = sim.to_frame()
    out: dict[str, str] = {}
    for row in frame.itertuples():
        if isinstance(row.issue, str):
            out[row.dossier] = row.issue
        elif not _nat(row.demarrage):
            out[row.dossier] = "demarrage"
        elif row.dossier in last_before:
            out[row.dossier] = last_before[row.dossier]
    return out


def _nat(value: Any) -> bool:
    return str(value) == "NaT"


def test_engine_replays_the_kernel(sim: Simulation) -> None:
    events = list(sim.events())
    assert len({e["dossier"] for e in events}) > 100
    engine = Engine(sim.policy)
    generated = 0
    for event in events:
        try:
            result = engine.apply(event)
        except TransitionError as exc:  # pragma: no cover - the failure message is the point
            pytest.fail(f"{event} : {exc}")
        generated += len(result.generes)
    assert generated == 0  # no attente: the kernel never starts anyone over capacity
    expected = _attendus(sim, events)
    states = {ident: engine.dossier(ident).etape for ident in expected}
    assert states == expected


def test_reports_bilan_equals_kernel_aggregates(sim: Simulation) -> None:
    du = date(sim.au.year, 1, 1) if date(sim.au.year, 1, 1) > sim.du else sim.du
    theirs = reports.bilan(list(sim.events()), sim.policy, du=du, au=sim.au).to_dict()
    mine = sim.aggregates(du, sim.au)
    # « veille »: the veille points the kernel draws (Moselle's, after every exit) are the
    # reports' ``veille`` events
    keys = ("accompagnees", "sorties", "encore_suivies_au_31_12", "sorties_par_motif", "veille")
    for key in keys:
        assert theirs[key] == mine[key], key
    for key in ("taux_sorties_positives", "duree_moyenne_mois"):
        assert theirs[key] == pytest.approx(mine[key]), key
    for ident, figures in mine["par_dispositif"].items():
        for key in keys:
            assert theirs["par_dispositif"][ident][key] == figures[key], (ident, key)
    assert sim.bilan(du, sim.au).to_dict()["accompagnees"] == mine["accompagnees"]


def test_the_simulation_journal_replays_to_the_kernel_steps(sim: Simulation, tmp_path: Path) -> None:
    path = tmp_path / "simulation.jsonl"
    events = list(sim.events())
    assert sim.write_journal(path) == len(events)
    replayed = Engine.replay(sim.policy, path)  # a refused line raises JournalError with its number
    assert replayed.lignes_ecartees == [] and replayed.avertissements == []
    expected = _attendus(sim, events)
    assert {ident: replayed.dossier(ident).etape for ident in expected} == expected
    assert set(replayed.dossiers) == {e["dossier"] for e in events}
