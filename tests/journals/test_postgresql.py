"""The PostgreSQL journal: its schema (versioned, append-only, one id per dossier), reading and
writing through the engine, the reports and the commands. Against the tests' own server."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import psycopg
import pytest

from parcours import Engine, load_policy
from parcours.engine.journal_postgresql import PostgresJournal, init, masquer
from parcours.engine.journals import open_journal
from parcours.errors import JournalError
from parcours.policies.schema import Policy
from parcours.reports import bilan

ICI = Path(__file__).parent
POLITIQUE = ICI.parent / "engine" / "politique_test.yaml"
SRC = ICI.parents[1] / "src"

EVENEMENTS = [
    {"dossier": "D1", "date": "2017-02-01", "evenement": "prescription", "dispositif": "global", "id": "a"},
    {"dossier": "D1", "date": "2017-02-01", "evenement": "diagnostic", "id": "b"},
    {"dossier": "D1", "date": "2017-02-02", "evenement": "demarrage", "id": "c"},
    {"dossier": "D2", "date": "2017-02-03", "evenement": "prescription", "dispositif": "social"},
    {"dossier": "D1", "date": "2017-05-02", "evenement": "sortie", "motif": "cdi", "id": "d"},
]


@pytest.fixture(scope="module")
def policy() -> Policy:
    return load_policy(POLITIQUE)


def _parcours(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "parcours", *args],
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(SRC)},
    )


def _rempli(policy: Policy, url: str) -> None:
    with Engine(policy, url) as engine:
        engine.apply_many(EVENEMENTS)


def test_init_creates_the_versioned_schema_once(url_pg: str) -> None:
    assert init(url_pg) == (0, 1)
    assert init(url_pg) == (1, 1)  # idempotent
    with psycopg.connect(url_pg) as conn:
        colonnes = [
            r[0]
            for r in conn.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = 'parcours_evenements' "
                "AND table_schema = current_schema() "
                "ORDER BY ordinal_position"
            )
        ]
    assert colonnes == ["position", "dossier", "date", "evenement", "id", "ligne"]
    fait = _parcours("journal", "init", url_pg)
    assert fait.returncode == 0 and "déjà à jour (schéma version 1)" in fait.stdout


def test_a_journal_of_a_newer_schema_or_none_is_refused_with_what_to_do(policy: Policy, url_pg: str) -> None:
    with pytest.raises(
        JournalError,
        match="pas de journal parcours dans cette base : créez-le avec « parcours journal init URL »",
    ):
        Engine.replay(policy, url_pg)
    init(url_pg)
    with psycopg.connect(url_pg) as conn:
        conn.execute("INSERT INTO parcours_schema(version) VALUES (2)")
    with pytest.raises(JournalError, match="version 2, cette version de parcours lit la version 1"):
        Engine.replay(policy, url_pg)
    with pytest.raises(JournalError, match="version 2, plus récente que celle de cette version de parcours"):
        init(url_pg)
    fait = _parcours("rejouer", url_pg, "-p", str(POLITIQUE))
    assert fait.returncode == 1 and "Traceback" not in fait.stderr and "version 2" in fait.stderr


def test_the_table_is_append_only(policy: Policy, url_pg: str) -> None:
    _rempli(policy, url_pg)
    for sql in (
        "UPDATE parcours_evenements SET evenement = 'sortie'",
        "DELETE FROM parcours_evenements",
        "TRUNCATE parcours_evenements",
    ):
        with psycopg.connect(url_pg) as conn, pytest.raises(psycopg.Error, match="en ajout seulement"):
            conn.execute(sql)
    assert len(list(open_journal(url_pg).lines())) == 5


def test_an_id_is_unique_per_dossier_in_the_database_itself(policy: Policy, url_pg: str) -> None:
    _rempli(policy, url_pg)
    ligne = json.dumps({"dossier": "D1", "date": "2017-06-01", "evenement": "entretien", "id": "c"})
    with (
        psycopg.connect(url_pg) as conn,
        pytest.raises(psycopg.errors.UniqueViolation, match="parcours_evenements_id"),
    ):
        conn.execute(
            "INSERT INTO parcours_evenements(dossier, date, evenement, ligne) "
            "VALUES ('D1', '2017-06-01', 'entretien', %s)",
            (ligne,),
        )
    with psycopg.connect(url_pg) as conn:  # the same id on another dossier is another event
        conn.execute(
            "INSERT INTO parcours_evenements(dossier, date, evenement, ligne) "
            "VALUES ('D2', '2017-06-01', 'demarrage', %s)",
            (json.dumps({"dossier": "D2", "date": "2017-06-01", "evenement": "demarrage", "id": "c"}),),
        )


def test_replay_reports_and_commands_read_postgresql_as_they_read_jsonl(
    policy: Policy, url_pg: str, tmp_path: Path
) -> None:
    _rempli(policy, url_pg)
    jsonl = tmp_path / "j.jsonl"
    with Engine(policy, jsonl) as engine:
        engine.apply_many(EVENEMENTS)
    pg, fichier = Engine.replay(policy, url_pg), Engine.replay(policy, jsonl)
    assert {i: d.state for i, d in pg.dossiers.items()} == {i: d.state for i, d in fichier.dossiers.items()}
    assert pg.dossier("D1").state == "sortie" and pg.dossier("D2").state == "prescription"
    b_pg, b_fichier = bilan(url_pg, policy, annee=2017).to_dict(), bilan(jsonl, policy, annee=2017).to_dict()
    b_pg.pop("source"), b_fichier.pop("source")
    assert b_pg == b_fichier and b_pg["accompagnees"] == 1 and b_pg["sorties"] == 1
    for commande in (["rejouer", "--format", "json"], ["alertes", "--format", "json"]):
        sorties = [
            json.loads(_parcours(commande[0], j, "-p", str(POLITIQUE), *commande[1:]).stdout)
            for j in (url_pg, str(jsonl))
        ]
        assert sorties[0] == sorties[1]
    expliquees = [_parcours("expliquer", j, "D1", "-p", str(POLITIQUE)) for j in (url_pg, str(jsonl))]
    assert expliquees[0].returncode == 0 and expliquees[0].stdout == expliquees[1].stdout
    fait = _parcours("bilan", url_pg, "-p", str(POLITIQUE), "--annee", "2017", "--format", "json")
    assert fait.returncode == 0 and json.loads(fait.stdout)["accompagnees"] == 1


def test_a_password_never_shows_in_messages() -> None:
    url = "postgresql://agent:tres-secret@127.0.0.1:1/base"
    assert masquer(url) == "postgresql://agent:***@127.0.0.1:1/base"
    assert PostgresJournal(url).name == masquer(url)
    with pytest.raises(JournalError, match="connexion impossible") as info:
        PostgresJournal(url).is_empty()
    assert "tres-secret" not in str(info.value)
    fait = _parcours("rejouer", url, "-p", str(POLITIQUE))
    assert fait.returncode == 1 and "tres-secret" not in fait.stderr + fait.stdout


def test_a_line_postgresql_cannot_keep_is_refused_and_the_journal_stays_as_it_was(
    policy: Policy, url_pg: str
) -> None:
    engine = Engine(policy, url_pg)
    engine.apply(EVENEMENTS[0])
    nul: dict[str, Any] = {**EVENEMENTS[1], "details": {"note": "a\x00b"}}
    with pytest.raises(
        JournalError, match=r"ne garde pas le caractère nul .* l'état est revenu à celui du journal"
    ):
        engine.apply(nul)
    assert engine.dossier("D1").state == "prescription"
    engine.apply(EVENEMENTS[1])
    engine.close()
    assert [e["evenement"] for _, e in open_journal(url_pg).read()] == ["prescription", "diagnostic"]
