"""The ``parcours simuler`` verb."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from parcours.cli import app

ICI = Path(__file__).parent
POL = str(ICI / "politique_test.yaml")
COH = str(ICI / "cohorte_test.yaml")
runner = CliRunner()


def _run(*args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(
        app, ["simuler", POL, "--cohorte", COH, "--du", "2017-01-01", "--au", "2017-12-31", *args]
    )


def test_text() -> None:
    result = _run()
    assert result.exit_code == 0, result.output
    assert "Personnes accompagnées" in result.output
    assert "graine 0" in result.output


def test_json_single_run() -> None:
    result = _run("--format", "json", "--dispositif", "flux", "--graine", "3")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["dispositifs"] == "flux"
    assert (
        data["bilan"]["accompagnees"] == data["bilan"]["sorties"] + data["bilan"]["encore_suivies_au_31_12"]
    )


def test_json_monte_carlo_is_reproducible() -> None:
    a = _run("--format", "json", "--runs", "3", "--dossiers", "500")
    b = _run("--format", "json", "--runs", "3", "--dossiers", "500")
    assert a.exit_code == 0, a.output
    assert json.loads(a.output) == json.loads(b.output)
    assert (
        json.loads(a.output)["indicateurs"]["sorties"]["bas"]
        <= json.loads(a.output)["indicateurs"]["sorties"]["haut"]
    )


def test_html() -> None:
    result = _run("--format", "html", "--runs", "2")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("<!DOCTYPE html>") and "<table>" in result.output


def test_user_errors_exit_1() -> None:
    result = _run("--dispositif", "inconnu")
    assert result.exit_code == 1
    assert "inconnu" in result.output


def test_usage_errors_exit_2() -> None:
    assert _run("--format", "pdf").exit_code == 2
    assert _run("--runs", "0").exit_code == 2
    assert runner.invoke(app, ["simuler", POL, "--du", "2017-13-01"]).exit_code == 2
    assert runner.invoke(app, ["simuler", POL, "--du", "2018-01-01", "--au", "2017-01-01"]).exit_code == 2
