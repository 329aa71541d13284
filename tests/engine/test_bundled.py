"""The engine runs every bundled policy on a generated event stream, and replays it."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

from parcours.engine import Engine, JsonlJournal
from parcours.policies import bundled_names, load_policy

BUNDLED = ("moselle", "meurthe_et_moselle", "seine_saint_denis")
BENCH = Path(__file__).resolve().parents[2] / "benchmarks" / "engine.py"


def _bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("_bench_engine", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_bundled_policy_is_run_here() -> None:
    """No skip when one is missing: a broken ``bundled_root()`` fails here, by name (the base
    and national layers are inherited by the three, not run alone)."""
    couches = ["base/accompagnement_social", "national/plein_emploi"]
    assert sorted(bundled_names()) == sorted([*couches, *BUNDLED])


@pytest.mark.parametrize("name", BUNDLED)
def test_a_bundled_policy_runs_a_generated_stream(name: str, tmp_path: Path) -> None:
    policy = load_policy(name)
    events = _bench().generate(policy, 4000, 300)
    engine = Engine(policy, JsonlJournal(tmp_path / "j.jsonl"))
    lot = engine.apply_many(events)
    engine.close()
    assert lot.appliques == len(events) and lot.doublons == 0
    replayed = Engine.replay(policy, JsonlJournal(tmp_path / "j.jsonl"))
    assert {k: d.champs() for k, d in replayed.dossiers.items()} == {
        k: d.champs() for k, d in engine.dossiers.items()
    }


def test_the_generated_stream_runs_on_the_test_policy(tmp_path: Path) -> None:
    policy = load_policy(str(Path(__file__).with_name("politique_test.yaml")))
    events = _bench().generate(policy, 3000, 200)
    engine = Engine(policy)
    assert engine.apply_many(events).appliques == len(events)
