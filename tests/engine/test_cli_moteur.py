"""The engine's verbs through typer's CliRunner (their own app: the main one may lack others' verbs)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from parcours.engine import Engine
from parcours.engine.cli import register
from parcours.policies import Policy

Parcours = Callable[..., list[dict[str, Any]]]
POLITIQUE = str(Path(__file__).with_name("politique_test.yaml"))


@pytest.fixture(scope="module")
def app() -> typer.Typer:
    application = typer.Typer(no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False)
    register(application)
    return application


@pytest.fixture
def journal(policy: Policy, parcours: Parcours, tmp_path: Path) -> Path:
    chemin = tmp_path / "j.jsonl"
    engine = Engine(policy, chemin)
    engine.apply_many(parcours("a")[:6])
    engine.apply_many(parcours("b")[:4])
    engine.close()
    return chemin


def test_rejouer_text(app: typer.Typer, journal: Path) -> None:
    result = CliRunner().invoke(app, ["rejouer", str(journal), "--politique", POLITIQUE])
    assert result.exit_code == 0, result.output
    assert "global : 2 dossier(s) — demarrage 2" in result.output
    assert "places occupées : 2 / 4 ; 2,0 par ETP (portefeuille : 100 par ETP)" in result.output


def test_rejouer_json_until_a_date(app: typer.Typer, journal: Path) -> None:
    args = ["rejouer", str(journal), "-p", POLITIQUE, "--jusqu-au", "2017-03-01", "--format", "json"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["au"] == "2017-03-01"
    assert data["dispositifs"]["global"]["etapes"] == {"demarrage": 2}
    assert data["echeances_depassees"]["par_nature"] == {"entretien": 2}


def test_expliquer(app: typer.Typer, journal: Path) -> None:
    result = CliRunner().invoke(app, ["expliquer", str(journal), "a", "--politique", POLITIQUE])
    assert result.exit_code == 0, result.output
    assert "entretien dû le 08/02/2017 : dernier entretien le 24/01/2017 + " in result.output
    assert "politique_test.yaml:15" in result.output


def test_diagramme_names_its_dispositif_as_an_argument(app: typer.Typer) -> None:
    result = CliRunner().invoke(app, ["diagramme", POLITIQUE, "social"])
    assert result.exit_code == 0, result.output
    assert "stateDiagram-v2" in result.output
    assert "prescription --> demarrage: démarrage [une place libre sur 2]" in result.output
    assert "global" not in result.output


def test_diagramme_as_svg_and_as_a_page(app: typer.Typer, tmp_path: Path) -> None:
    svg = CliRunner().invoke(app, ["diagramme", POLITIQUE, "global", "--format", "svg"])
    assert svg.exit_code == 0, svg.output
    assert svg.output.startswith("<svg") and svg.output.count("<svg") == 1
    page = tmp_path / "diagrammes.html"
    done = CliRunner().invoke(app, ["diagramme", POLITIQUE, "-f", "html", "-o", str(page)])
    assert done.exit_code == 0, done.output
    html = page.read_text(encoding="utf-8")
    assert html.count("<svg") == 2 and "Accompagnement social" in html and "Accompagnement global" in html


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["expliquer", "{journal}", "zz", "-p", POLITIQUE], 1, "dossier « zz » inconnu"),
        (["rejouer", "absent.jsonl", "-p", POLITIQUE], 1, "journal introuvable"),
        (["rejouer", "{journal}", "-p", POLITIQUE, "--jusqu-au", "demain"], 2, "AAAA-MM-JJ"),
        (["rejouer", "{journal}", "-p", POLITIQUE, "--format", "xml"], 2, "xml"),
        (["diagramme", POLITIQUE, "autre"], 1, "dispositif « autre » inconnu"),
        (["diagramme", POLITIQUE, "--format", "svg"], 2, "un fichier SVG ne dessine qu'un dispositif"),
    ],
)
def test_user_errors(app: typer.Typer, journal: Path, args: list[str], code: int, message: str) -> None:
    result = CliRunner().invoke(app, [a.format(journal=journal) for a in args])
    assert result.exit_code == code
    assert message in result.output
    assert "Traceback" not in result.output
