"""A journal is read in batches and judged a group of dossiers at a time, spilled to disk past
one group: the figures are those of the seeds whatever the batch and group sizes, from a JSONL
file or a SQLite base, and a line over a bound stops the reading at its number."""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
from reports_builders import JournalBuilder
from test_seed_002 import TABLES_002

from parcours import Engine
from parcours.engine.journal_sqlite import SCHEMA
from parcours.errors import UnsafeLineError
from parcours.policies import Policy, load_policy_text
from parcours.reports import bilan, read_journal
from parcours.reports._parts import Parts
from parcours.reports.reading import JournalLu
from parcours.reports.sources import JsonlSource, SqliteSource


def _jsonl(tmp_path: Path, events: Iterable[dict[str, Any]]) -> Path:
    chemin = tmp_path / "journal.jsonl"
    chemin.write_text("".join(json.dumps(e, ensure_ascii=False) + "\n" for e in events), encoding="utf-8")
    return chemin


def _seed_002() -> list[dict[str, Any]]:
    jb = JournalBuilder(seed=2)
    for ident, rows in TABLES_002.items():
        jb.yearly_table(ident, rows)
        jb.noise(ident, 2016, 2018)
    return jb.events


def _sans_source(d: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in d.items() if k not in ("source", "provenance")}


def test_seed_002_holds_when_read_in_small_batches_and_judged_in_groups_spilled_to_disk(
    tmp_path: Path, pol002: Policy
) -> None:
    events = _seed_002()
    lu = JournalLu(JsonlSource(_jsonl(tmp_path, events), bloc=4096, lot=300), pol002, groupe=600)
    assert lu.groupes >= 4 and lu.lignes_ignorees == 0
    assert sorted(p.name for p in Path(lu._temporaire.name).glob("partie-*.arrow"))[:1] == [
        "partie-000.arrow"
    ]
    for ident, rows in TABLES_002.items():
        for year, acc, sorties, encore in rows:
            d = bilan(lu, pol002, annee=year).to_dict()["par_dispositif"][ident]
            assert (d["accompagnees"], d["sorties"], d["encore_suivies_au_31_12"]) == (acc, sorties, encore)
    entier = read_journal(events, pol002)
    assert entier.groupes == 1
    for year in (2016, 2017, 2018):
        assert _sans_source(bilan(lu, pol002, annee=year).to_dict()) == _sans_source(
            bilan(entier, pol002, annee=year).to_dict()
        )
    lu.close()
    assert not Path(lu._temporaire.name).exists()  # the spilled parts go with the journal read


def test_a_sqlite_journal_read_in_small_batches_gives_the_jsonl_figures(
    tmp_path: Path, pol002: Policy
) -> None:
    events = _seed_002()
    chemin = tmp_path / "journal.sqlite"
    with sqlite3.connect(chemin) as con:
        con.execute(SCHEMA)
        con.executemany(
            "INSERT INTO evenements(dossier, date, evenement, ligne) VALUES (?, ?, ?, ?)",
            [(e["dossier"], e["date"], e["evenement"], json.dumps(e)) for e in events],
        )
    lu = JournalLu(SqliteSource(chemin, lot=77), pol002, groupe=500)
    assert lu.groupes >= 4 and lu.lignes_lues == len(events)
    d = bilan(lu, pol002, annee=2018).to_dict()
    assert (d["accompagnees"], d["sorties"], d["encore_suivies_au_31_12"]) == (637, 360, 277)  # seed 002
    lu.close()


QUOTA = load_policy_text(
    """
departement: "54"
libelle: Deux places
dispositifs:
  d:
    libelle: D
    etapes: [demarrage, sortie]
    capacite: {places: 2}
    motifs_sortie:
      fin: {libelle: Fin, categorie: fin, positive: false}
""",
    "quota.yaml",
)


def test_places_taken_beyond_the_quota_across_groups_are_judged_by_the_engine(tmp_path: Path) -> None:
    # 40 dossiers, each started and never left: the third démarrage on finds no place
    events = [
        {
            "dossier": f"p{i:02d}",
            "date": f"2018-01-{1 + i % 28:02d}",
            "evenement": "demarrage",
            "dispositif": "d",
        }
        for i in range(40)
    ]
    events.sort(key=lambda e: e["date"])
    chemin = _jsonl(tmp_path, events)
    rejoue = Engine.replay(QUOTA, chemin, ecarter=True)
    lu = JournalLu(JsonlSource(chemin, bloc=512, lot=5), QUOTA, groupe=8)
    assert lu.groupes > 1
    assert [(e.numero, e.message) for e in lu.problemes(None)] == [
        (e.numero, e.message) for e in rejoue.lignes_ecartees
    ]
    assert (
        len(lu.problemes(None)) == 38 and "toutes les places sont prises (2/2)" in lu.problemes()[0].message
    )
    assert bilan(lu, QUOTA, annee=2018).to_dict()["accompagnees"] == 2
    lu.close()


def test_a_line_over_a_bound_in_a_later_block_stops_the_reading_at_its_number(
    tmp_path: Path, pol002: Policy
) -> None:
    events = _seed_002()[:500]
    profond = {**events[300], "details": json.loads("[" * 80 + "]" * 80)}
    chemin = _jsonl(tmp_path, [*events[:300], profond, *events[300:]])
    with pytest.raises(UnsafeLineError, match=re.escape(f"{chemin}:301: ")) as lecture:
        JournalLu(JsonlSource(chemin, bloc=1024, lot=10), pol002, groupe=50)
    assert lecture.value.ligne == 301 and lecture.value.fichier == str(chemin)
    with pytest.raises(UnsafeLineError, match=re.escape(f"{chemin}:301: ")) as rejeu:
        Engine.replay(pol002, chemin, ecarter=True)
    assert str(rejeu.value) == str(lecture.value)


def test_parts_give_back_every_line_once_in_groups_of_whole_parts(tmp_path: Path) -> None:
    parts = Parts(tmp_path, 8, 10)
    for debut in range(0, 100, 7):
        numeros = list(range(debut, min(debut + 7, 100)))
        parts.ajouter(pa.table({"numero": numeros, "part": [n % 8 for n in numeros]}))
    groupes = list(parts.groupes())
    assert sorted(n for g in groupes for n in g.column("numero").to_pylist()) == list(range(100))
    assert len(groupes) > 1
    for g in groupes:  # whole parts, each in journal order, within the group size unless alone
        vues = g.column("part").to_pylist()
        assert g.num_rows <= 10 or len(set(vues)) == 1
        for p in set(vues):
            rangs = [n for n, q in zip(g.column("numero").to_pylist(), vues, strict=True) if q == p]
            assert rangs == sorted(rangs) and len(rangs) == len([n for n in range(100) if n % 8 == p])
