"""``parcours alertes``: the alerts of a journal, and those due on --au."""

from __future__ import annotations

import json
from pathlib import Path

from alertes_aides import POLITIQUE, ev
from typer.testing import CliRunner

from parcours.cli import app
from parcours.engine import Engine
from parcours.policies import Policy

runner = CliRunner()


def _journal(policy: Policy, chemin: Path) -> Path:
    engine = Engine(policy, journal=chemin)
    engine.apply_many(
        [
            ev("a", "2017-01-02", "prescription", dispositif="global"),
            ev("a", "2017-01-10", "demarrage"),
            ev("a", "2017-02-01", "entretien", presence="absent"),
            ev("a", "2017-03-01", "entretien", presence="absent"),
        ]
    )
    engine.close()
    return chemin


def test_text_lists_journaled_and_due_alerts(policy: Policy, tmp_path: Path) -> None:
    chemin = _journal(policy, tmp_path / "j.jsonl")
    done = runner.invoke(app, ["alertes", str(chemin), "--politique", str(POLITIQUE), "--au", "2017-10-11"])
    assert done.exit_code == 0, done.output
    lignes = done.output.splitlines()
    assert lignes[0].startswith("politique politique_alertes — 4 alerte(s) au 11/10/2017")
    assert "01/03/2017 attention — dossier a (global) : 2 absences" in done.output
    assert "parcours de 9 mois" in done.output
    assert len(chemin.read_text(encoding="utf-8").splitlines()) == 6  # --au writes nothing


def test_json_filters_by_level(policy: Policy, tmp_path: Path) -> None:
    chemin = _journal(policy, tmp_path / "j.jsonl")
    arguments = ["alertes", str(chemin), "-p", str(POLITIQUE), "--format", "json", "--niveau", "urgent"]
    done = runner.invoke(app, arguments)
    assert done.exit_code == 0, done.output
    sortie = json.loads(done.output)
    assert sortie["par_niveau"] == {"urgent": 1}
    assert sortie["alertes"][0]["alerte"] == "entretien_en_retard"
    assert sortie["alertes"][0]["regle"].endswith("politique_alertes.yaml:22")


def test_user_errors_are_french_and_exit_1_or_2(policy: Policy, tmp_path: Path) -> None:
    chemin = _journal(policy, tmp_path / "j.jsonl")
    done = runner.invoke(app, ["alertes", str(chemin), "-p", str(POLITIQUE), "-d", "inconnu"])
    assert done.exit_code == 1 and "dispositif « inconnu » inconnu" in done.output
    done = runner.invoke(app, ["alertes", str(chemin), "-p", str(POLITIQUE), "--au", "hier"])
    assert done.exit_code == 2
    done = runner.invoke(app, ["alertes", str(tmp_path / "absent.jsonl"), "-p", str(POLITIQUE)])
    assert done.exit_code == 1 and "journal introuvable" in done.output
