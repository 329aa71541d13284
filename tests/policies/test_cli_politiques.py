"""The policy verbs of the ``parcours`` command."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from parcours.cli import app

HERE = Path(__file__).parent
runner = CliRunner()
DATED = """\
departement: Test
libelle: Dated
dispositifs:
  global:
    libelle: Global
    etapes: [demarrage, sortie]
    capacite:
      places: {2017-01-01: 4000, 2018-01-01: 3800}
      etp: {valeur: 2, hypothese: true, raison: pour voir}
"""


def test_valider_ok_and_ko() -> None:
    ok = runner.invoke(app, ["valider", str(HERE / "valid_minimal.yaml")])
    assert ok.exit_code == 0, ok.output
    assert "valide" in ok.output
    ko = runner.invoke(
        app, ["valider", str(HERE / "valid_minimal.yaml"), str(HERE / "invalid" / "cle_inconnue.yaml")]
    )
    assert ko.exit_code == 1
    assert "cle_inconnue.yaml:7:5" in ko.output
    assert "Traceback" not in ko.output


def test_valider_without_file_is_a_usage_error() -> None:
    assert runner.invoke(app, ["valider"]).exit_code == 2


def test_valider_real_process_has_no_traceback() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "parcours", "valider", str(HERE / "invalid" / "python_tag.yaml")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1
    assert "python_tag.yaml:2:10" in done.stderr
    assert "Traceback" not in done.stderr + done.stdout


def test_afficher_at_a_date_with_origins(tmp_path: Path) -> None:
    path = tmp_path / "dated.yaml"
    path.write_text(DATED, encoding="utf-8")
    before = runner.invoke(app, ["afficher", str(path), "--date", "2017-06-01", "--origine"])
    assert before.exit_code == 0, before.output
    assert "dispositifs.global.capacite.places = 4\u202f000" in before.output
    assert f"{path}:8" in before.output
    after = runner.invoke(app, ["afficher", str(path), "--date", "2018-06-01", "--format", "json"])
    payload = json.loads(after.output)
    values = {row["chemin"]: row["valeur"] for row in payload["valeurs"]}
    assert values["dispositifs.global.capacite.places"] == 3800


def test_afficher_hypotheses_only(tmp_path: Path) -> None:
    path = tmp_path / "dated.yaml"
    path.write_text(DATED, encoding="utf-8")
    result = runner.invoke(app, ["afficher", str(path), "--hypotheses"])
    assert result.exit_code == 0
    assert "capacite.etp = 2  [hypothèse : pour voir]" in result.output
    assert "places" not in result.output


def test_afficher_hypotheses_shows_the_flags_of_an_assumed_exit_motif(tmp_path: Path) -> None:
    """A motif marked ``hypothese: true`` is a choice of its ``positive`` and ``emploi`` flags."""
    path = tmp_path / "motifs.yaml"
    motifs = """\
    motifs_sortie:
      cdi: {libelle: CDI, categorie: emploi, positive: true, emploi: true,
            hypothese: true, raison: choix du test}
      abandon: {libelle: Abandon, categorie: abandon, positive: false}
"""
    path.write_text(DATED + motifs, encoding="utf-8")
    result = runner.invoke(app, ["afficher", str(path), "--hypotheses"])
    assert result.exit_code == 0, result.output
    assert "motifs_sortie.cdi.positive = oui  [hypothèse : choix du test]" in result.output
    assert "motifs_sortie.cdi.emploi = oui  [hypothèse : choix du test]" in result.output
    assert "abandon" not in result.output


def test_afficher_bad_date_is_a_usage_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["afficher", str(HERE / "valid_minimal.yaml"), "--date", "2018-13-01"])
    assert result.exit_code == 2


def test_afficher_before_the_opening_says_the_dispositif_is_not_open(tmp_path: Path) -> None:
    path = tmp_path / "dated.yaml"
    path.write_text(DATED, encoding="utf-8")
    result = runner.invoke(app, ["afficher", str(path), "--date", "2016-01-01"])
    assert result.exit_code == 0
    assert "dispositifs.global = (pas ouvert : le dispositif « global » ouvre le 01/01/2017)" in result.output
    assert "capacite.places" not in result.output


def test_diff_two_dates(tmp_path: Path) -> None:
    path = tmp_path / "dated.yaml"
    path.write_text(DATED, encoding="utf-8")
    result = runner.invoke(app, ["diff", str(path), "--du", "2017-06-01", "--au", "2018-06-01"])
    assert result.exit_code == 0, result.output
    assert "dispositifs.global.capacite.places : 4\u202f000 → 3\u202f800" in result.output
    assert "etp" not in result.output


def test_diff_two_policies(tmp_path: Path) -> None:
    a = tmp_path / "a.yaml"
    b = tmp_path / "b.yaml"
    a.write_text(DATED, encoding="utf-8")
    b.write_text(DATED.replace("etp: {valeur: 2", "etp: {valeur: 3"), encoding="utf-8")
    result = runner.invoke(app, ["diff", str(a), str(b), "--date", "2018-02-01"])
    assert result.exit_code == 0
    assert "dispositifs.global.capacite.etp : 2 → 3" in result.output


def test_schema_prints_json() -> None:
    result = runner.invoke(app, ["schema"])
    assert result.exit_code == 0
    assert json.loads(result.output)["title"] == "Politique parcours"


def test_politiques_lists_the_bundled_policies() -> None:
    result = runner.invoke(app, ["politiques"])
    assert result.exit_code == 0, result.output
    for name in ("moselle", "meurthe_et_moselle", "seine_saint_denis"):
        assert name in result.output


PERCENT = """\
departement: Test
libelle: Taux
dispositifs:
  global:
    libelle: Global
    etapes: [demarrage, sortie]
    capacite:
      places: 10
    alertes:
      plein:
        niveau: info
        message: "{occupation} des places"
        quand:
          occupation:
            seuil: {2017-01-01: 100 %, 2018-01-01: 90 %}
"""


def test_a_rate_is_shown_as_a_percentage_by_afficher_and_diff(tmp_path: Path) -> None:
    path = tmp_path / "taux.yaml"
    path.write_text(PERCENT, encoding="utf-8")
    shown = runner.invoke(app, ["afficher", str(path), "--date", "2017-06-01"])
    assert shown.exit_code == 0, shown.output
    assert "alertes.plein.quand.occupation.seuil = 100 %" in shown.output
    changes = runner.invoke(app, ["diff", str(path), "--du", "2017-06-01", "--au", "2018-06-01"])
    assert "alertes.plein.quand.occupation.seuil : 100 % → 90 %" in changes.output
    as_json = runner.invoke(app, ["afficher", str(path), "--date", "2018-06-01", "--format", "json"])
    values = {row["chemin"]: row["valeur"] for row in json.loads(as_json.output)["valeurs"]}
    assert values["dispositifs.global.alertes.plein.quand.occupation.seuil"] == 0.9  # JSON keeps fractions
