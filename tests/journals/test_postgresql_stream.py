"""The reports read a PostgreSQL journal as a stream: COPY's blocks through pyarrow's streaming
CSV reader, in batches of at most ``lot`` lines, numbered by ``position``; a line over the
length bound is cut by the server and stops the reading at its position, as in a file."""

from __future__ import annotations

import json
from pathlib import Path

import psycopg
import pytest

from parcours import Engine, load_policy
from parcours.errors import UnsafeLineError
from parcours.limits import LONGUEUR_LIGNE_MAX
from parcours.policies.schema import Policy
from parcours.reports import read_journal
from parcours.reports.sources import PostgresSource, read_file

POLITIQUE = Path(__file__).parent.parent / "engine" / "politique_test.yaml"


@pytest.fixture(scope="module")
def policy() -> Policy:
    return load_policy(POLITIQUE)


def _evenements(n: int) -> list[dict[str, str]]:
    return [
        {"dossier": f"D{i}", "date": "2017-02-01", "evenement": "prescription", "dispositif": "global"}
        for i in range(n)
    ]


def test_a_postgresql_journal_is_read_in_batches_of_at_most_lot_lines(policy: Policy, url_pg: str) -> None:
    with Engine(policy, url_pg) as engine:
        engine.apply_many(_evenements(25))
    source = PostgresSource(url_pg, lot=4)
    lots = list(source.lots())
    assert len(lots) == 7 and max(lot.num_rows for lot in lots) == 4
    numeros = [n for lot in lots for n in lot.column("numero").to_pylist()]
    assert numeros == list(range(1, 26))
    premiere = json.loads(lots[0].column("ligne")[0].as_py())
    assert lots[0].column("ligne")[0].as_py().endswith("}\n") and premiere["dossier"] == "D0"
    assert isinstance(read_file(url_pg), PostgresSource)
    assert read_journal(source, policy).evenements == 25


def test_a_line_over_the_bound_stops_the_reports_at_its_position(policy: Policy, url_pg: str) -> None:
    with Engine(policy, url_pg) as engine:
        engine.apply_many(_evenements(2))
    enorme = {**_evenements(1)[0], "dossier": "X", "details": "x" * (LONGUEUR_LIGNE_MAX + 10)}
    with psycopg.connect(url_pg) as conn:
        conn.execute(
            "INSERT INTO parcours_evenements(dossier, date, evenement, ligne) "
            "VALUES ('X', '2017-02-01', 'prescription', %s)",
            (json.dumps(enorme),),
        )
    with pytest.raises(UnsafeLineError, match=r":3: ligne trop longue"):
        read_journal(url_pg, policy)
