"""The journal: both backends, durability, torn lines, replay equal to the live engine."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
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
    with pytest.raises(
        TransitionError,
        match=r"^dossier a \(global, étape « demarrage »\) : événement du 09/01/2017 antérieur "
        r"au dernier événement du dossier \(10/01/2017\)$",
    ):
        engine.apply(ev("a", "2017-01-09", "entretien"))
    engine.close()
    assert len(list(open_journal(chemin).read())) == 1


def test_apply_many_writes_the_applied_prefix_before_raising(policy: Policy, ev: Ev, chemin: Path) -> None:
    engine = Engine(policy, chemin, batch=1000)
    batch = [ev(f"d{i}", "2017-01-10", "prescription", dispositif="social") for i in range(5)]
    batch.append(ev("d0", "2017-01-09", "demarrage"))  # refused: before its last event
    with pytest.raises(
        TransitionError,
        match=r"^événement n° 6 du lot : dossier d0 \(social, étape « prescription »\) : "
        r"événement du 09/01/2017 antérieur",
    ):
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
    with pytest.raises(JournalError, match=r":4: ligne tronquée \(écriture interrompue\)$") as info:
        Engine.replay(policy, journal)
    assert info.value.ligne == 4 and "tronquée" in str(info.value) and str(chemin) in str(info.value)
    with pytest.raises(JournalError, match="tronquée"):  # appending after a torn line is refused
        JsonlJournal(chemin).write([("x", "2017-01-10", "prescription", "{}")])
    # continuer=True cuts the torn line off, keeps its bytes beside the journal and says where
    engine = Engine.replay(policy, journal, continuer=True)
    assert sorted(engine.dossiers) == ["d0", "d1", "d2"]
    [avertissement] = engine.avertissements
    cote = chemin.with_name("j.jsonl.tronquee")
    assert str(cote) in str(avertissement) and "retirée" in str(avertissement)
    assert cote.read_bytes() == b'{"dossier":"d3","date":"2017-01'
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
    with pytest.raises(
        JournalError,
        match=r":2: dossier d9 \(global, étape « nouveau »\) : « bilan » n'est pas permis ici "
        r"\(permis : reperage, prescription, diagnostic, demarrage\)$",
    ) as info:
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
    with pytest.raises(JournalError, match=r"j\.db:2: ligne invalide : JSON mal formé \(") as info:
        Engine.replay(policy, SqliteJournal(chemin))
    assert info.value.ligne == 2


# A writer that dies at a chosen point: it writes ``complets`` batches of two lines, then, on
# the next write, the bytes of its first line and half of the second one, and kills itself
# (SIGKILL: no cleanup, no flush but what was written). Deterministic, no timing.
_WRITER = """
import os, signal, sys
from parcours.engine import Engine, JsonlJournal, SqliteJournal
from parcours.policies import load_policy
complets = int(sys.argv[3])

class Mourant(JsonlJournal):
    def write(self, lignes):
        global complets
        if complets == 0:
            data = "".join(l[3] + "\\n" for l in lignes).encode()
            coupe = data.index(b"\\n") + 1 + len(lignes[1][3]) // 2
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND)
            os.write(fd, data[:coupe])
            os.kill(os.getpid(), signal.SIGKILL)
        complets -= 1
        super().write(lignes)

class MourantSqlite(SqliteJournal):
    def commit(self, lignes):  # inside the BEGIN IMMEDIATE transaction begin() opened
        global complets
        if lignes and complets == 0:  # killed between the inserts and the commit
            sql = "INSERT INTO evenements(dossier, date, evenement, ligne) VALUES (?, ?, ?, ?)"
            self._connexion().executemany(sql, lignes)
            os.kill(os.getpid(), signal.SIGKILL)
        complets -= bool(lignes)
        super().commit(lignes)

journal = (MourantSqlite if sys.argv[2].endswith(".db") else Mourant)(sys.argv[2])
engine = Engine(load_policy(sys.argv[1]), journal, batch=2)
engine.apply_many(
    {"dossier": f"d{i}", "date": "2017-01-10", "evenement": "prescription", "dispositif": "social"}
    for i in range(100)
)
"""


def _tuer_en_ecrivant(chemin: Path, complets: int) -> None:
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    done = subprocess.run(
        [sys.executable, "-c", _WRITER, str(POLITIQUE), str(chemin), str(complets)], env=env
    )
    assert done.returncode == -signal.SIGKILL


@pytest.mark.slow
def test_a_writer_killed_mid_line_leaves_a_prefix_and_a_torn_line_that_repair_keeps(
    policy: Policy, ev: Ev, tmp_path: Path
) -> None:
    chemin = tmp_path / "j.jsonl"
    _tuer_en_ecrivant(chemin, complets=3)  # 3 batches of 2 lines, then 1 line and a half
    brut = chemin.read_bytes()
    assert brut.count(b"\n") == 7 and not brut.endswith(b"\n")
    with pytest.raises(JournalError, match="ligne tronquée") as info:
        Engine.replay(policy, chemin)
    assert info.value.ligne == 8
    engine = Engine.replay(policy, chemin, continuer=True)
    assert sorted(engine.dossiers) == sorted(f"d{i}" for i in range(7))
    assert chemin.read_bytes() == brut[: brut.rindex(b"\n") + 1]
    assert (tmp_path / "j.jsonl.tronquee").read_bytes() == brut[brut.rindex(b"\n") + 1 :]
    engine.apply(ev("fin", "2017-01-11", "prescription", dispositif="social"))
    engine.close()
    assert len(Engine.replay(policy, chemin).dossiers) == 8


@pytest.mark.slow
def test_a_sqlite_writer_killed_mid_transaction_loses_only_that_batch(policy: Policy, tmp_path: Path) -> None:
    chemin = tmp_path / "j.db"
    _tuer_en_ecrivant(chemin, complets=3)
    engine = Engine.replay(policy, chemin)
    assert sorted(engine.dossiers) == sorted(f"d{i}" for i in range(6))


def test_journal_is_a_context_manager(tmp_path: Path) -> None:
    with open_journal(tmp_path / "j.db") as journal:
        assert isinstance(journal, Journal) and journal.is_empty()


class _Panne(JsonlJournal):
    """A journal whose disk fills up after ``reussies`` successful writes."""

    reussies = 0

    def write(self, lignes: Any) -> None:
        if self.reussies <= 0:
            raise OSError(28, "plus de place sur le disque")
        self.reussies -= 1
        super().write(lignes)


def test_a_failed_write_raises_a_journal_error_and_changes_nothing(
    policy: Policy, ev: Ev, tmp_path: Path
) -> None:
    engine = Engine(policy, _Panne(tmp_path / "j.jsonl"))
    with pytest.raises(JournalError, match=r"n'a pas pu être écrit \(\[Errno 28\] plus de place"):
        engine.apply(ev("a", "2017-01-10", "demarrage", dispositif="global"))
    assert engine.dossiers == {} and engine.etat_dispositif("global").occupes == 0


def test_a_write_failing_mid_batch_leaves_the_state_of_the_journal(
    policy: Policy, ev: Ev, tmp_path: Path
) -> None:
    journal = _Panne(tmp_path / "j.jsonl")
    journal.reussies = 1  # the first batch is written, the second is not
    engine = Engine(policy, journal, batch=2)
    events = [ev(f"d{i}", "2017-01-10", "prescription", dispositif="social") for i in range(5)]
    with pytest.raises(
        JournalError, match=r"2 ligne\(s\) non écrite\(s\), l'état est revenu à celui du journal"
    ):
        engine.apply_many(events)
    assert sorted(engine.dossiers) == ["d0", "d1"]
    assert [e["dossier"] for _, e in JsonlJournal(tmp_path / "j.jsonl").read()] == ["d0", "d1"]
    journal.reussies = 10  # the disk has room again: the engine goes on from the journal's state
    engine.apply_many(events[2:])
    engine.close()
    assert sorted(Engine.replay(policy, tmp_path / "j.jsonl").dossiers) == [f"d{i}" for i in range(5)]


@pytest.mark.parametrize("durable", [True, False])
def test_a_durable_jsonl_journal_syncs_each_write_to_disk(
    policy: Policy, ev: Ev, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, durable: bool
) -> None:
    synced: list[int] = []
    monkeypatch.setattr(os, "fsync", synced.append)
    journal = open_journal(tmp_path / "j.jsonl", durable=durable)
    assert isinstance(journal, JsonlJournal) and journal.durable is durable
    engine = Engine(policy, journal, batch=2)
    engine.apply(ev("a", "2017-01-10", "demarrage", dispositif="global"))  # one write
    engine.apply_many(ev(f"d{i}", "2017-01-10", "prescription", dispositif="social") for i in range(3))
    assert journal._fichier is not None
    fileno = journal._fichier.fileno()
    engine.close()
    assert synced == ([fileno] * 3 if durable else [])  # 1 + 2 batches (2 lines, then 1)
    assert len(list(open_journal(tmp_path / "j.jsonl").read())) == 4


@pytest.mark.parametrize(("durable", "mode"), [(True, "FULL"), (False, "NORMAL")])
def test_a_durable_sqlite_journal_commits_with_synchronous_full(
    policy: Policy, ev: Ev, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, durable: bool, mode: str
) -> None:
    statements: list[str] = []
    connect = sqlite3.connect

    def traced(*args: Any, **kwargs: Any) -> sqlite3.Connection:
        conn = connect(*args, **kwargs)
        conn.set_trace_callback(statements.append)
        return conn

    monkeypatch.setattr(sqlite3, "connect", traced)
    engine = Engine(policy, open_journal(tmp_path / "j.sqlite", durable=durable))
    engine.apply(ev("a", "2017-01-10", "demarrage", dispositif="global"))
    engine.close()
    pragmas = [s for s in statements if s.startswith("PRAGMA") and "query_only" not in s]
    assert pragmas[:2] == ["PRAGMA journal_mode=WAL", f"PRAGMA synchronous={mode}"]
    ligne = '{"dossier":"a","date":"2017-01-10","evenement":"demarrage","dispositif":"global"}'
    debut = max(i for i, s in enumerate(statements) if s.startswith("BEGIN"))
    assert statements[debut] == "BEGIN IMMEDIATE"  # the write lock first (several writers)
    lus = statements[debut + 1]  # what others wrote since (each line read within its bound)
    assert lus.startswith("SELECT seq, ") and lus.endswith(" FROM evenements WHERE seq > 0 ORDER BY seq")
    assert statements[debut + 2 :] == [
        "INSERT INTO evenements(dossier, date, evenement, ligne) "
        f"VALUES ('a', '2017-01-10', 'demarrage', '{ligne}')",
        "SELECT max(seq) FROM evenements",  # the journal's position after the batch
        "COMMIT",
    ]
