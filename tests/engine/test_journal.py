"""The journal: both backends, durability, torn lines, replay equal to the live engine."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from parcours.engine import Engine, Journal, JsonlJournal, SqliteJournal, open_journal
from parcours.errors import JournalError, TransitionError
from parcours.policies import Policy

Ev = Callable[..., dict[str, Any]]
Parcours = Callable[..., list[dict[str, Any]]]
SRC = Path(__file__).resolve().parents[2] / "src"
POLITIQUE = Path(__file__).with_name("politique_test.yaml")


@pytest.fixture(params=["jsonl", "sqlite"])
def chemin(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    return tmp_path / f"journal.{request.param}"


def _flux(ev: Ev, parcours: Parcours) -> list[dict[str, Any]]:
    """Several dossiers interleaved in date order, with a waiting list and generated démarrages."""
    events = [e for d in ("a", "b", "c") for e in parcours(d)]
    events += [ev(f"o{i}", "2017-01-11", "demarrage", dispositif="global", id=f"o{i}") for i in range(2)]
    events += [ev("w", "2017-01-12", "demarrage", dispositif="global", profil={"age": "26-35"})]
    events += [ev("s", "2017-01-03", "prescription", dispositif="social")]
    events.sort(key=lambda e: e["date"])
    return events


def _etat(engine: Engine) -> dict[str, Any]:
    return {
        "dossiers": {k: d.champs() for k, d in engine.dossiers.items()},
        "attente": {k: engine.attente(k) for k in engine.policy.dispositifs},
        "occupes": {k: engine.etat_dispositif(k).occupes for k in engine.policy.dispositifs},
    }


def test_replay_rebuilds_the_live_engine_field_by_field(
    policy: Policy, ev: Ev, parcours: Parcours, chemin: Path
) -> None:
    live = Engine(policy, chemin)
    for event in _flux(ev, parcours):
        live.apply(event)
    assert live.attente("global") == []  # w waited, then started when a place freed
    assert any(r.get("genere") for r in live.historique("w"))
    live.close()
    with open_journal(chemin) as journal:
        replayed = Engine.replay(policy, journal)
    assert _etat(replayed) == _etat(live)
    for ident, dossier in live.dossiers.items():
        for champ, valeur in dossier.champs().items():
            assert (
                getattr(replayed.dossiers[ident], champ, replayed.dossiers[ident].champs()[champ]) == valeur
            )


def test_each_line_is_the_event_object(policy: Policy, ev: Ev, chemin: Path) -> None:
    engine = Engine(policy, chemin)
    event = ev(
        "é1", "2017-01-10T08:00", "demarrage", dispositif="global", id="x", details={"note": "déjà vu"}
    )
    engine.apply(event)
    journal = open_journal(chemin)
    [(numero, line)] = list(journal.read())  # written before apply returned, engine still open
    assert numero == 1
    assert line == {**event, "date": "2017-01-10"}
    engine.close()
    journal.close()


def test_jsonl_is_utf8_one_object_per_line(policy: Policy, ev: Ev, tmp_path: Path) -> None:
    engine = Engine(policy, tmp_path / "j.jsonl")
    engine.apply(ev("é", "2017-01-10", "demarrage", dispositif="global"))
    raw = (tmp_path / "j.jsonl").read_bytes()
    assert (
        raw == '{"dossier":"é","date":"2017-01-10","evenement":"demarrage","dispositif":"global"}\n'.encode()
    )
    engine.close()


def test_sqlite_table_and_wal(policy: Policy, ev: Ev, tmp_path: Path) -> None:
    engine = Engine(policy, tmp_path / "j.sqlite")
    engine.apply(ev("a", "2017-01-10", "demarrage", dispositif="global"))
    with sqlite3.connect(tmp_path / "j.sqlite") as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        columns = [(r[1], r[2], r[3], r[5]) for r in conn.execute("PRAGMA table_info(evenements)")]
        assert columns == [
            ("seq", "INTEGER", 0, 1),
            ("dossier", "TEXT", 1, 0),
            ("date", "TEXT", 1, 0),
            ("evenement", "TEXT", 1, 0),
            ("ligne", "TEXT", 1, 0),
        ]
        row = conn.execute("SELECT seq, dossier, date, evenement, ligne FROM evenements").fetchone()
    assert row[:4] == (1, "a", "2017-01-10", "demarrage")
    assert json.loads(row[4]) == ev("a", "2017-01-10", "demarrage", dispositif="global")
    engine.close()


def test_a_refused_event_is_not_journaled(policy: Policy, ev: Ev, chemin: Path) -> None:
    engine = Engine(policy, chemin)
    engine.apply(ev("a", "2017-01-10", "demarrage", dispositif="global"))
    with pytest.raises(TransitionError):
        engine.apply(ev("a", "2017-01-09", "entretien"))
    engine.close()
    assert len(list(open_journal(chemin).read())) == 1


def test_apply_many_writes_the_applied_prefix_before_raising(policy: Policy, ev: Ev, chemin: Path) -> None:
    engine = Engine(policy, chemin, batch=1000)
    batch = [ev(f"d{i}", "2017-01-10", "prescription", dispositif="social") for i in range(5)]
    batch.append(ev("d0", "2017-01-09", "demarrage"))  # refused: before its last event
    with pytest.raises(TransitionError):
        engine.apply_many(batch)
    assert [e["dossier"] for _, e in open_journal(chemin).read()] == [f"d{i}" for i in range(5)]
    engine.close()


def test_a_journal_with_events_is_resumed_by_replay(policy: Policy, ev: Ev, chemin: Path) -> None:
    engine = Engine(policy, chemin)
    engine.apply(ev("a", "2017-01-10", "demarrage", dispositif="global"))
    engine.close()
    with pytest.raises(JournalError, match="continuer=True"):
        Engine(policy, chemin)
    resumed = Engine.replay(policy, open_journal(chemin), continuer=True)
    resumed.apply(ev("a", "2017-01-20", "entretien"))
    resumed.close()
    assert [e["evenement"] for _, e in open_journal(chemin).read()] == ["demarrage", "entretien"]


def test_replay_until_a_date(policy: Policy, ev: Ev, parcours: Parcours, chemin: Path) -> None:
    engine = Engine(policy, chemin)
    engine.apply_many(parcours("a"))
    engine.close()
    replayed = Engine.replay(policy, open_journal(chemin), jusqu_au=date(2017, 7, 10))
    dossier = replayed.dossier("a")
    assert (dossier.state, dossier.renouvellements) == ("demarrage", 1)


def _ecrire(policy: Policy, ev: Ev, chemin: Path, n: int) -> None:
    engine = Engine(policy, chemin)
    engine.apply_many(ev(f"d{i}", "2017-01-10", "prescription", dispositif="social") for i in range(n))
    engine.close()


def test_a_torn_last_line_is_reported_and_the_prefix_stays_usable(
    policy: Policy, ev: Ev, tmp_path: Path
) -> None:
    chemin = tmp_path / "j.jsonl"
    _ecrire(policy, ev, chemin, 3)
    with open(chemin, "ab") as f:
        f.write(b'{"dossier":"d3","date":"2017-01')  # a crash in the middle of a write
    journal = JsonlJournal(chemin)
    with pytest.raises(JournalError) as info:
        Engine.replay(policy, journal)
    assert info.value.ligne == 4 and "tronquée" in str(info.value) and str(chemin) in str(info.value)
    with pytest.raises(JournalError, match="tronquée"):  # appending after a torn line is refused
        JsonlJournal(chemin).write([("x", "2017-01-10", "prescription", "{}")])
    engine = Engine.replay(policy, journal, tolerant=True, continuer=True)
    assert sorted(engine.dossiers) == ["d0", "d1", "d2"] and engine.avertissements[0].ligne == 4
    engine.apply(ev("d3", "2017-01-11", "prescription", dispositif="social"))
    engine.close()
    assert [e["dossier"] for _, e in JsonlJournal(chemin).read()] == ["d0", "d1", "d2", "d3"]


def test_an_invalid_line_in_the_middle_is_reported_with_its_number(
    policy: Policy, ev: Ev, tmp_path: Path
) -> None:
    chemin = tmp_path / "j.jsonl"
    _ecrire(policy, ev, chemin, 3)
    lines = chemin.read_text("utf-8").splitlines(keepends=True)
    lines.insert(1, '{"dossier": "d9", "date": "2017-01-10", "evenement": "bilan", "dispositif": "global"}\n')
    lines.insert(3, "pas du json\n")
    chemin.write_text("".join(lines), "utf-8")
    with pytest.raises(JournalError) as info:
        Engine.replay(policy, JsonlJournal(chemin))
    assert info.value.ligne == 2 and "« bilan » n'est pas permis" in str(info.value)
    engine = Engine.replay(policy, JsonlJournal(chemin), tolerant=True)
    assert sorted(engine.dossiers) == ["d0"]
    with pytest.raises(JournalError, match="avant sa fin"):
        Engine.replay(policy, JsonlJournal(chemin), tolerant=True, continuer=True)


def test_an_invalid_sqlite_line_is_reported_with_its_seq(policy: Policy, ev: Ev, tmp_path: Path) -> None:
    chemin = tmp_path / "j.db"
    _ecrire(policy, ev, chemin, 3)
    with sqlite3.connect(chemin) as conn:
        conn.execute("UPDATE evenements SET ligne = '{\"dossier\": ' WHERE seq = 2")
    with pytest.raises(JournalError) as info:
        Engine.replay(policy, SqliteJournal(chemin))
    assert info.value.ligne == 2


_WRITER = """
import sys
from parcours.engine import Engine, JsonlJournal
from parcours.policies import load_policy
engine = Engine(load_policy(sys.argv[1]), JsonlJournal(sys.argv[2]), batch=20000)
pad = "x" * 200
def events():
    i = 0
    while True:
        yield {"dossier": f"d{i}", "date": "2017-01-10", "evenement": "prescription",
               "dispositif": "social", "details": {"note": pad}}
        i += 1
engine.apply_many(events())
"""


@pytest.mark.slow
def test_killing_a_writer_mid_stream_leaves_a_usable_prefix(policy: Policy, ev: Ev, tmp_path: Path) -> None:
    chemin = tmp_path / "j.jsonl"
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    proc = subprocess.Popen([sys.executable, "-c", _WRITER, str(POLITIQUE), str(chemin)], env=env)
    try:
        deadline = time.monotonic() + 60
        while (not chemin.exists() or chemin.stat().st_size < 3_000_000) and time.monotonic() < deadline:
            time.sleep(0.005)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    assert chemin.stat().st_size >= 3_000_000
    journal = JsonlJournal(chemin)
    engine = Engine.replay(policy, journal, tolerant=True, continuer=True)
    lignes = chemin.read_bytes().count(b"\n")
    assert len(engine.dossiers) == lignes  # every complete line replayed, nothing earlier lost
    if engine.avertissements:  # the kill tore the last line: reported with its number
        assert engine.avertissements[0].ligne == lignes + 1
    engine.apply(ev("fin", "2017-01-11", "prescription", dispositif="social"))
    engine.close()
    assert Engine.replay(policy, JsonlJournal(chemin)).dossiers.keys() >= {"d0", "fin"}


def test_journal_is_a_context_manager(tmp_path: Path) -> None:
    with open_journal(tmp_path / "j.db") as journal:
        assert isinstance(journal, Journal) and journal.is_empty()


class _Panne(JsonlJournal):
    def write(self, lignes: Any) -> None:
        raise OSError(28, "plus de place sur le disque")


def test_a_failed_write_stops_the_engine_until_replayed(policy: Policy, ev: Ev, tmp_path: Path) -> None:
    engine = Engine(policy, _Panne(tmp_path / "j.jsonl"))
    with pytest.raises(OSError, match="plus de place"):
        engine.apply(ev("a", "2017-01-10", "demarrage", dispositif="global"))
    with pytest.raises(JournalError, match="rejouez le journal"):
        engine.apply(ev("b", "2017-01-10", "demarrage", dispositif="global"))
