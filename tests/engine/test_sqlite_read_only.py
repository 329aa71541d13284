"""Replay and the reports open a SQLite journal read-only and check its schema first: a base
that is not a parcours journal (empty, another schema) is refused with a clear error, and is
left exactly as it was."""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from parcours.engine import Engine
from parcours.engine.journal_sqlite import lire_seulement
from parcours.errors import JournalError
from parcours.policies import Policy
from parcours.reports import read_journal


def _empreinte(dossier: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(dossier.iterdir())}


def _autre_schema(chemin: Path) -> None:
    with sqlite3.connect(chemin) as con:
        con.execute("CREATE TABLE clients(nom TEXT)")


def _evenements_autres(chemin: Path) -> None:
    with sqlite3.connect(chemin) as con:
        con.execute("CREATE TABLE evenements(id INTEGER, texte TEXT)")


def _vide(chemin: Path) -> None:
    chemin.write_bytes(b"")


@pytest.mark.parametrize(
    ("faire", "trouve"),
    [
        (_vide, "trouvé : un fichier vide"),
        (_autre_schema, "trouvé : aucune table evenements"),
        (_evenements_autres, "trouvé : id, texte"),
    ],
)
@pytest.mark.parametrize(
    "lire",
    [
        lambda policy, chemin: Engine.replay(policy, chemin),
        lambda policy, chemin: read_journal(chemin, policy),
    ],
    ids=["replay", "reports"],
)
def test_a_base_that_is_not_a_journal_is_refused_and_left_untouched(
    policy: Policy,
    tmp_path: Path,
    faire: Callable[[Path], None],
    trouve: str,
    lire: Callable[[Policy, Path], Any],
) -> None:
    chemin = tmp_path / "base.sqlite"
    faire(chemin)
    avant = _empreinte(tmp_path)
    with pytest.raises(JournalError, match=f"ce n'est pas un journal parcours .*{trouve}") as info:
        lire(policy, chemin)
    assert str(info.value).startswith(f"{chemin}: ")
    assert _empreinte(tmp_path) == avant


def test_the_readers_connection_cannot_write(policy: Policy, tmp_path: Path) -> None:
    chemin = tmp_path / "j.sqlite"
    with Engine(policy, chemin) as engine:
        engine.apply(
            {"dossier": "a", "date": "2017-01-10", "evenement": "prescription", "dispositif": "social"}
        )
    con = lire_seulement(chemin, str(chemin))
    try:
        assert con.execute("PRAGMA query_only").fetchone() == (1,)
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            con.execute("DELETE FROM evenements")
    finally:
        con.close()
    avant = _empreinte(tmp_path)
    assert Engine.replay(policy, chemin).dossier("a").state == "prescription"
    assert read_journal(chemin, policy).evenements == 1
    assert _empreinte(tmp_path) == avant
