"""`parcours rejouer`: the whole text and JSON state of a journal with a full dispositif, a
waiting list, overdue deadlines of two kinds and a line set aside.

Expected values by hand from tests/engine/politique_test.yaml: 4 places in 2017 in
``global`` (1 ETP, portfolio 100), 2 in ``social``; first interview 15 days after the
démarrage (10/01 → 25/01; after the interview of 20/01 → 04/02); ``social``'s démarrage
due one month after the prescription (05/01 → 05/02). The app is built per test (a
module-scoped one would tie ``register`` to a single test for mutation testing).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from parcours.engine import Engine
from parcours.engine.cli import register
from parcours.policies import Policy, load_policy

POLITIQUE = str(Path(__file__).with_name("politique_test.yaml"))
ECARTEE = "ligne 9 : dossier z inconnu : son premier événement doit indiquer son dispositif"


@pytest.fixture
def app() -> typer.Typer:
    application = typer.Typer(no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False)
    register(application)
    return application


@pytest.fixture
def journal(policy: Policy, tmp_path: Path) -> Path:
    chemin = tmp_path / "j.jsonl"
    engine = Engine(policy, chemin)
    ev = [
        *(
            {"dossier": d, "date": "2017-01-10", "evenement": "demarrage", "dispositif": "global"}
            for d in "abcd"
        ),
        {"dossier": "e", "date": "2017-01-11", "evenement": "demarrage", "dispositif": "global"},
        {"dossier": "f", "date": "2017-01-12", "evenement": "demarrage", "dispositif": "global"},
        {"dossier": "a", "date": "2017-01-20", "evenement": "entretien"},
        {"dossier": "s", "date": "2017-01-05", "evenement": "prescription", "dispositif": "social"},
    ]
    engine.apply_many(ev)
    engine.close()
    with chemin.open("a", encoding="utf-8") as f:  # line 9: a dossier the engine does not know
        f.write('{"dossier": "z", "date": "2017-01-13", "evenement": "entretien"}\n')
    return chemin


def test_the_text_state_lists_steps_waiting_list_load_and_overdue_deadlines(
    app: typer.Typer, journal: Path
) -> None:
    result = CliRunner().invoke(app, ["rejouer", str(journal), "-p", POLITIQUE, "--jusqu-au", "2017-02-15"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "politique politique_test — 7 dossier(s), au 15/02/2017",
        "global : 6 dossier(s) — attente 2, demarrage 4",
        "  liste d'attente : 2 (e, f)",
        "  places occupées : 4 / 4 ; 4,0 par ETP (portefeuille : 100 par ETP)",
        "social : 1 dossier(s) — prescription 1",
        "  liste d'attente : 0",
        "  places occupées : 0 / 2",
        "échéances dépassées : 5",
        "  delai_demarrage : 1",
        "  entretien : 4",
        "  25/01/2017 entretien b",
        "  25/01/2017 entretien c",
        "  25/01/2017 entretien d",
        "  04/02/2017 entretien a",
        "  05/02/2017 delai_demarrage s",
    ]
    assert result.stderr.splitlines() == ["attention : 1 ligne(s) du journal écartée(s) :", f"  {ECARTEE}"]


def test_without_a_date_the_state_is_that_of_the_last_event(app: typer.Typer, journal: Path) -> None:
    result = CliRunner().invoke(app, ["rejouer", str(journal), "-p", POLITIQUE])
    assert result.exit_code == 0, result.output
    lignes = result.stdout.splitlines()
    assert lignes[0] == "politique politique_test — 7 dossier(s), au 20/01/2017"  # a's interview
    assert lignes[-1] == "échéances dépassées : 0"  # nothing is late on 20/01
    strict = CliRunner().invoke(app, ["rejouer", str(journal), "-p", POLITIQUE, "--strict"])
    assert strict.exit_code == 1
    assert strict.stderr.splitlines()[-1] == "erreur : --strict : le journal a des lignes écartées"


def _charge(dispositif: str, occupes: int, attente: int, places: int, etp: float | None) -> dict[str, Any]:
    return {
        "dispositif": dispositif,
        "au": "2017-02-15",
        "occupes": occupes,
        "en_attente": attente,
        "places": places,
        "etp": etp,
        "portefeuille_par_etp": 100 if etp else None,
        "par_etp": occupes / etp if etp else None,
        "taux_portefeuille": occupes / etp / 100 if etp else None,
    }


def _due(jour: str, nature: str, dispositif: str, dossier: str) -> dict[str, Any]:
    return {"date": jour, "nature": nature, "dispositif": dispositif, "dossier": dossier, "en_retard": True}


def test_the_json_state_has_every_field(app: typer.Typer, journal: Path) -> None:
    args = ["rejouer", str(journal), "-p", POLITIQUE, "--jusqu-au", "2017-02-15", "--format", "json"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {
        "politique": "politique_test",
        "au": "2017-02-15",
        "dossiers": 7,
        "dispositifs": {
            "global": {
                "etapes": {"attente": 2, "demarrage": 4},
                "total": 6,
                "attente": {"nombre": 2, "premiers": ["e", "f"]},
                "charge": _charge("global", 4, 2, 4, 1.0),
            },
            "social": {
                "etapes": {"prescription": 1},
                "total": 1,
                "attente": {"nombre": 0, "premiers": []},
                "charge": _charge("social", 0, 0, 2, None),
            },
        },
        "droits_devoirs": {"etapes": {}, "total": 0},
        "echeances_depassees": {
            "nombre": 5,
            "par_nature": {"delai_demarrage": 1, "entretien": 4},
            "premieres": [
                _due("2017-01-25", "entretien", "global", "b"),
                _due("2017-01-25", "entretien", "global", "c"),
                _due("2017-01-25", "entretien", "global", "d"),
                _due("2017-02-04", "entretien", "global", "a"),
                _due("2017-02-05", "delai_demarrage", "social", "s"),
            ],
        },
        "avertissements": [],
        "lignes_ecartees": [{"numero": 9, "message": ECARTEE.removeprefix("ligne 9 : ")}],
    }


def test_an_empty_journal_has_no_date_and_dispositifs_without_dossiers(
    app: typer.Typer, policy: Policy, tmp_path: Path
) -> None:
    chemin = tmp_path / "vide.jsonl"
    chemin.write_text("", encoding="utf-8")
    result = CliRunner().invoke(app, ["rejouer", str(chemin), "-p", POLITIQUE])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "politique politique_test — 0 dossier(s), au —",
        "global : 0 dossier(s) — aucun dossier",
        "social : 0 dossier(s) — aucun dossier",
        "échéances dépassées : 0",
    ]


def test_the_droits_et_devoirs_track_has_its_own_line(app: typer.Typer, tmp_path: Path) -> None:
    chemin = tmp_path / "droits.jsonl"
    with Engine(load_policy("moselle"), chemin) as engine:
        engine.apply({"dossier": "P1", "date": "2025-02-03", "evenement": "ouverture_droit"})
        engine.apply({"dossier": "P2", "date": "2025-02-03", "evenement": "ouverture_droit"})
        engine.apply(
            {
                "dossier": "P2",
                "date": "2025-03-03",
                "evenement": "orientation",
                "parcours": "social",
                "organisme": "departement",
            }
        )
    result = CliRunner().invoke(app, ["rejouer", str(chemin), "-p", "moselle", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["droits_devoirs"] == {
        "etapes": {"droit_ouvert": 1, "oriente": 1},
        "total": 2,
    }
    texte = CliRunner().invoke(app, ["rejouer", str(chemin), "-p", "moselle"])
    assert "droits et devoirs : 2 dossier(s) — droit_ouvert 1, oriente 1" in texte.stdout.splitlines()
