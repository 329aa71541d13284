"""Shared test settings: Hypothesis profiles chosen by PARCOURS_HYPOTHESIS (ci | intensif), the
seeds' texts, and the PostgreSQL server of the journal tests."""

from __future__ import annotations

import hashlib
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile("ci", max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile(
    "intensif", max_examples=10_000, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("dev", max_examples=30, deadline=None)
settings.load_profile(os.environ.get("PARCOURS_HYPOTHESIS", "ci"))


@pytest.fixture(scope="session")
def seeds() -> dict[str, str]:
    """Each source document's text (``../shared/seeds`` beside the repository, or the folder
    PARCOURS_SEEDS names) by file name, its whitespace collapsed to single spaces, as the
    citation tests compare quotations. Missing: skipped on a developer's machine, a failure
    under CI=true."""
    env = os.environ.get("PARCOURS_SEEDS")
    folder = Path(env) if env else Path(__file__).resolve().parents[1] / ".." / "shared" / "seeds"
    if not folder.is_dir():
        message = f"documents sources introuvables : {folder}"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return {p.name: " ".join(p.read_text(encoding="utf-8").split()) for p in folder.glob("*.txt")}


# --- PostgreSQL: one throwaway server per session, a fresh schema per test ------------------

_SERVEUR: list[Any] = []


def _sans_serveur(raison: str) -> None:
    """Skip on a developer's machine; fail under CI=true or PARCOURS_CI=true (.ci/run installs
    the server: a PostgreSQL test never passes by not running)."""
    if "true" in (os.environ.get("CI", "").lower(), os.environ.get("PARCOURS_CI", "").lower()):
        pytest.fail(f"{raison} (CI=true : les tests PostgreSQL doivent tourner)", pytrace=False)
    pytest.skip(raison)


@pytest.fixture(scope="session")
def serveur_pg() -> Iterator[Any]:
    """A PostgreSQL server started for the session (see tests/pg_server.py)."""
    from pg_server import ErreurServeur, demarrer

    try:
        import psycopg  # noqa: F401
    except ImportError:
        _sans_serveur("psycopg manque : pip install -e '.[dev]'")
    try:
        serveur = demarrer()
    except (ErreurServeur, OSError, subprocess.SubprocessError) as exc:
        _sans_serveur(f"serveur PostgreSQL impossible à démarrer : {exc}")
        raise
    yield serveur
    serveur.arreter()


@pytest.fixture
def url_pg(serveur_pg: Any, request: pytest.FixtureRequest) -> str:
    """The URL of an empty schema of the session's server, for one test."""
    import psycopg

    schema = "t_" + hashlib.sha1(request.node.nodeid.encode()).hexdigest()[:16]
    with psycopg.connect(serveur_pg.url, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        conn.execute(f"CREATE SCHEMA {schema}")
    return str(serveur_pg.url_schema(schema))
