"""Bad journal lines are set aside with their number, counted, and never dropped silently."""

from __future__ import annotations

import json
import re
import sqlite3
from datetime import date
from pathlib import Path

import pytest
from reports_builders import policy_002

from parcours import Engine
from parcours.errors import ParcoursError, PolicyError, UnsafeLineError, UsageError
from parcours.reports import bilan, read_journal

POLICY = policy_002()

GOOD = [
    {"dossier": "a", "date": "2018-01-10", "evenement": "demarrage", "dispositif": "dom"},
    {"dossier": "a", "date": "2018-05-10", "evenement": "sortie", "motif": "relais"},
    {"dossier": "b", "date": "2018-02-01", "evenement": "demarrage", "dispositif": "dom"},
]


def _write(tmp_path: Path, lines: list[str]) -> Path:
    path = tmp_path / "journal.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_each_bad_line_is_named_by_its_number(tmp_path: Path) -> None:
    lines = [json.dumps(e) for e in GOOD]
    lines += [
        '{"dossier": "c", "date": "2018-03-01", "evenement": "demarrage", "dispositif": "atlantide"}',  # 4
        '{"dossier": "b", "date": "2018-06-01", "evenement": "sortie", "motif": "licorne"}',  # 5
        '{"dossier": "b", "date": "2018-06-0", "profil": {',  # 6: torn line
        "",  # 7: blank, not an event
        '{"dossier": "b", "date": "2018-02-30", "evenement": "entretien"}',  # 8
        '{"dossier": "b", "date": "2018-07-01", "evenement": "sortei", "motif": "relais"}',  # 9
        '{"date": "2018-07-01", "evenement": "entretien"}',  # 10
        '{"dossier": "b", "date": "2018-07-02", "evenement": "sortie"}',  # 11
        "[1, 2]",  # 12
    ]
    journal = read_journal(_write(tmp_path, lines), POLICY)
    problems = {p.numero: p.message for p in journal.problemes()}
    assert set(problems) == {4, 5, 6, 8, 9, 10, 11, 12}
    assert "atlantide" in problems[4] and "dispositif" in problems[4]
    assert "licorne" in problems[5] and "motif" in problems[5]
    assert problems[6].startswith("ligne invalide : JSON mal formé")
    assert "2018-02-30" in problems[8]
    assert "sortei" in problems[9]
    assert "dossier" in problems[10]
    assert "motif manquant" in problems[11]
    assert journal.lignes_ignorees == 8
    # the dossier of line 4 has no valid dispositif: none of its lines may count
    b = bilan(journal, POLICY, annee=2018)
    d = b.to_dict()
    assert d["lignes_ignorees"] == 8
    assert [p["numero"] for p in d["problemes"]] == [4, 5, 6, 8, 9, 10, 11, 12]
    assert d["problemes"][0]["unite"] == "ligne"
    # b's exit was refused: b is still followed
    assert (d["accompagnees"], d["sorties"], d["encore_suivies_au_31_12"]) == (2, 1, 1)


def test_dossier_without_any_dispositif(tmp_path: Path) -> None:
    lines = [json.dumps(e) for e in GOOD]
    lines += [
        '{"dossier": "z", "date": "2018-03-01", "evenement": "demarrage"}',
        '{"dossier": "z", "date": "2018-04-01", "evenement": "sortie", "motif": "relais"}',
    ]
    journal = read_journal(_write(tmp_path, lines), POLICY)
    assert [(p.numero, "z" in p.message) for p in journal.problemes()] == [(4, True), (5, True)]


def test_exit_before_start_is_refused() -> None:
    events = [
        {"dossier": "a", "date": "2018-05-10", "evenement": "demarrage", "dispositif": "dom"},
        {"dossier": "a", "date": "2018-01-10", "evenement": "sortie", "motif": "relais"},
    ]
    journal = read_journal(events, POLICY)
    assert [p.numero for p in journal.problemes()] == [2]
    assert journal.problemes()[0].unite == "événement"
    d = bilan(journal, POLICY, annee=2018).to_dict()
    assert (d["accompagnees"], d["sorties"], d["encore_suivies_au_31_12"]) == (1, 0, 1)


@pytest.mark.parametrize(
    ("ligne", "fragment"),
    [
        (b'{"dossier": "\xff"}\n', "octet 0xff invalide colonne 14"),
        (b"\x1f\n", "caractère de contrôle U+001F"),
    ],
)
def test_bytes_that_are_not_utf8_text_stop_the_reading_at_their_line(
    tmp_path: Path, ligne: bytes, fragment: str
) -> None:
    path = tmp_path / "journal.jsonl"
    path.write_bytes(
        json.dumps(GOOD[0]).encode() + b"\n" + b"pas du json\n" + ligne + json.dumps(GOOD[2]).encode() + b"\n"
    )
    with pytest.raises(UnsafeLineError, match=re.escape(fragment)) as info:
        read_journal(path, POLICY)
    assert (info.value.fichier, info.value.ligne) == (str(path), 3) and fragment in str(info.value)
    # the replay stops at the same line, in the same words
    with pytest.raises(UnsafeLineError, match=re.escape(fragment)) as rejeu:
        Engine.replay(POLICY, path, ecarter=True)
    assert str(rejeu.value) == str(info.value)


def test_sqlite_numbers_by_seq(tmp_path: Path) -> None:
    path = tmp_path / "journal.sqlite"
    con = sqlite3.connect(path)
    con.execute(
        "CREATE TABLE evenements(seq INTEGER PRIMARY KEY, dossier TEXT NOT NULL, date TEXT NOT NULL,"
        " evenement TEXT NOT NULL, ligne TEXT NOT NULL)"
    )
    rows = [*GOOD, {"dossier": "b", "date": "2018-06-01", "evenement": "sortie", "motif": "licorne"}]
    for seq, e in zip([10, 11, 12, 20], rows, strict=True):
        con.execute(
            "INSERT INTO evenements VALUES (?, ?, ?, ?, ?)",
            (seq, e["dossier"], e["date"], e["evenement"], json.dumps(e)),
        )
    con.commit()
    con.close()
    journal = read_journal(path, POLICY)
    assert [(p.numero, p.unite) for p in journal.problemes()] == [(20, "seq")]
    d = bilan(journal, POLICY, annee=2018).to_dict()
    assert (d["accompagnees"], d["sorties"]) == (2, 1)


def _journal_du_moteur(chemin: Path, events: list[dict[str, object]]) -> Path:
    engine = Engine(POLICY, chemin)
    engine.apply_many(events)
    engine.close()
    return chemin


def test_same_counts_from_jsonl_sqlite_and_events(tmp_path: Path) -> None:
    """The engine's own journals, in both formats, and the events give the same bilan."""
    jsonl = _journal_du_moteur(tmp_path / "journal.jsonl", GOOD)
    sqlite = _journal_du_moteur(tmp_path / "journal.sqlite", GOOD)
    with sqlite3.connect(sqlite) as con:  # really the engine's SQLite table, not a JSONL file
        assert con.execute("SELECT seq, dossier, evenement FROM evenements").fetchall() == [
            (1, "a", "demarrage"),
            (2, "a", "sortie"),
            (3, "b", "demarrage"),
        ]
    dicts = [bilan(source, POLICY, annee=2018).to_dict() for source in (jsonl, sqlite, GOOD)]
    assert [d.pop("source") for d in dicts] == [str(jsonl), str(sqlite), "<événements>"]
    assert dicts[0] == dicts[1] == dicts[2]
    d = dicts[0]
    assert (d["accompagnees"], d["sorties"], d["encore_suivies_au_31_12"], d["entrees"]) == (2, 1, 1, 2)
    assert d["evenements"] == 3 and d["lignes_ignorees"] == 0
    # a: 10/01 → 10/05 (120 days); days open in 2018: a 121 (exit day included), b 01/02 → 31/12, 334
    assert d["duree_totale_jours"] == 120
    assert d["occupation"]["jours_accompagnement"] == 121 + 334


def test_an_engine_sqlite_journal_line_is_named_by_its_seq(tmp_path: Path) -> None:
    sqlite = _journal_du_moteur(tmp_path / "journal.db", GOOD)
    with sqlite3.connect(sqlite) as con:  # a line damaged after the engine wrote it
        con.execute("UPDATE evenements SET ligne = replace(ligne, 'relais', 'licorne') WHERE seq = 2")
    journal = read_journal(sqlite, POLICY)
    [probleme] = journal.problemes()
    assert (probleme.numero, probleme.unite) == (2, "seq")
    assert str(probleme) == (
        "seq 2 : dossier a (dom, étape « demarrage ») : motif de sortie « licorne » inconnu (motifs_sortie : "
        "abandon, cddi_cae_cui, cdi_cdd, deces, formation_qualifiante, incarceration, relais, sortie_rsa)"
    )
    d = bilan(journal, POLICY, annee=2018).to_dict()
    assert (d["accompagnees"], d["sorties"], d["encore_suivies_au_31_12"]) == (2, 0, 2)


def test_unknown_dispositif_asked() -> None:
    with pytest.raises(PolicyError, match="atlantide"):
        bilan(GOOD, POLICY, annee=2018, dispositif="atlantide")


def test_period_must_be_given_once() -> None:
    with pytest.raises(UsageError, match=r"^indiquez la période : du et au, ou une année$"):
        bilan(GOOD, POLICY)
    with pytest.raises(UsageError, match=r"^indiquez soit une année, soit les dates du et au, pas les deux"):
        bilan(GOOD, POLICY, annee=2018, du=date(2018, 1, 1))
    with pytest.raises(UsageError, match=r"^période vide : le 01/01/2018 précède le 01/02/2018$"):
        bilan(GOOD, POLICY, du=date(2018, 2, 1), au=date(2018, 1, 1))


def test_csv_export_one_row_per_parcours(tmp_path: Path) -> None:
    from parcours.reports.csv_import import read_csv

    path = tmp_path / "export.csv"
    path.write_text(
        "id;convention;date_entree;date_sortie;motif_sortie;sexe\n"
        "p1;dom;10/01/2017;15/03/2018;relais;F\n"  # line 2: exited in 2018
        "p2;dom;2018-02-01;;;H\n"  # line 3: still followed
        "p3;dom;2018-02-01;2018-06-01;licorne;H\n"  # line 4: unknown motif
        "p4;dom;31/02/2018;;;F\n",  # line 5: no such day
        encoding="utf-8",
    )
    colonnes = {
        "dossier": "id",
        "dispositif": "convention",
        "entree": "date_entree",
        "sortie": "date_sortie",
        "motif": "motif_sortie",
        "profil.sexe": "sexe",
    }
    lignes = read_csv(path, colonnes, forme="parcours", separateur=";")
    journal = read_journal(lignes, POLICY)
    assert [(p.numero, p.unite) for p in journal.problemes()] == [(4, "ligne"), (5, "ligne")]
    d = bilan(journal, POLICY, annee=2018).to_dict()
    # p3's exit was refused: it stays followed; p4 never started
    assert (d["accompagnees"], d["sorties"], d["encore_suivies_au_31_12"]) == (3, 1, 2)
    assert d["sorties_par_motif"] == {"relais": 1}
    assert d["repartition"]["sexe"] == {"F": 1, "H": 2}


def test_csv_export_one_row_per_event(tmp_path: Path) -> None:
    from parcours.reports.csv_import import read_csv

    path = tmp_path / "events.csv"
    path.write_text(
        "dossier,jour,type,dispositif,motif\n"
        "a,2018-01-10,demarrage,dom,\n"
        "a,2018-05-10,sortie,,relais\n"
        "b,2018-02-01,demarrage,dom,\n",
        encoding="utf-8",
    )
    colonnes = {
        "dossier": "dossier",
        "date": "jour",
        "evenement": "type",
        "dispositif": "dispositif",
        "motif": "motif",
    }
    d = bilan(read_csv(path, colonnes), POLICY, annee=2018).to_dict()
    assert (d["accompagnees"], d["sorties"], d["encore_suivies_au_31_12"]) == (2, 1, 1)
    with pytest.raises(ParcoursError, match="colonne"):
        read_csv(path, {"dossier": "personne"})
