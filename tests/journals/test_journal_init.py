"""`parcours journal init` on SQLite (in-process: the PostgreSQL case runs it as a subprocess)
and the rule that picks a journal's backend from its path (engine/journals.py)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from parcours.engine.journal_cli import register
from parcours.engine.journal_jsonl import JsonlJournal
from parcours.engine.journal_sqlite import SqliteJournal
from parcours.engine.journals import est_sqlite, open_journal


@pytest.fixture
def app() -> typer.Typer:
    application = typer.Typer(no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False)
    register(application)
    return application


@pytest.mark.parametrize("nom", ["j.sqlite", "j.sqlite3", "J.DB"])
def test_init_prepares_a_sqlite_journal(app: typer.Typer, tmp_path: Path, nom: str) -> None:
    chemin = tmp_path / nom
    done = CliRunner().invoke(app, ["journal", "init", str(chemin)])
    assert done.exit_code == 0, done.output
    assert done.stdout == f"✓ {chemin} : journal SQLite prêt\n"
    with sqlite3.connect(chemin) as conn:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert "evenements" in tables
    again = CliRunner().invoke(app, ["journal", "init", str(chemin)])  # already prepared: no change
    assert again.exit_code == 0 and again.stdout == done.stdout


def test_init_refuses_a_jsonl_journal(app: typer.Typer, tmp_path: Path) -> None:
    chemin = tmp_path / "j.jsonl"
    done = CliRunner().invoke(app, ["journal", "init", str(chemin)])
    assert done.exit_code == 1
    assert done.stderr == (
        f"erreur : {chemin} : « journal init » prépare une base partagée (URL postgresql://... ou "
        "fichier .sqlite, .sqlite3, .db) ; un journal JSONL n'a pas de schéma\n"
    )
    assert not chemin.exists()


def test_the_backend_follows_the_suffix_then_the_sqlite_header(tmp_path: Path) -> None:
    base = tmp_path / "base.sqlite"
    with SqliteJournal(base) as journal:
        journal.attach()  # what journal init does: the file exists from here
    copie = tmp_path / "copie.bin"  # a SQLite file under another name
    copie.write_bytes(base.read_bytes())
    texte = tmp_path / "texte.bin"
    texte.write_text('{"dossier": "a"}\n', encoding="utf-8")
    assert [est_sqlite(tmp_path / n) for n in ("x.sqlite", "x.SQLITE3", "x.db", "absent.bin")] == [
        True,
        True,
        True,
        False,
    ]
    assert (est_sqlite(copie), est_sqlite(texte), est_sqlite(tmp_path)) == (True, False, False)
    with open_journal(copie) as journal:
        assert isinstance(journal, SqliteJournal)
    with open_journal(texte) as journal:
        assert isinstance(journal, JsonlJournal)
    with open_journal(str(tmp_path / "neuf.db")) as journal:
        assert isinstance(journal, SqliteJournal)
