"""Renderings (JSON, Markdown, CSV, HTML) and the ``parcours bilan`` command."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
import typer
from reports_builders import JournalBuilder, policy_002
from typer.testing import CliRunner

from parcours.reports import bilan
from parcours.reports.cli import register
from parcours.reports.render import render

POLICY = policy_002()


@pytest.fixture(scope="module")
def journal_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    jb = JournalBuilder(seed=7)
    # seed 002, Lunévillois: 2017 50 → 70/25/45, 2018 58/24/34
    jb.yearly_table("lunevillois", [(2016, 50, 22, 28), (2017, 70, 25, 45), (2018, 58, 24, 34)])
    path = tmp_path_factory.mktemp("j") / "journal.jsonl"
    lines = [json.dumps(e, ensure_ascii=False) for e in jb.events]
    lines.append('{"dossier": "x", "date": "2018-05-01", "evenement": "sortie", "motif": "licorne"}')
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def policy_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from reports_builders import CONVENTIONS_002, MOTIFS_002

    text = 'departement: "54"\nlibelle: Test\ndispositifs:\n'
    for ident, (libelle, places, rythme) in CONVENTIONS_002.items():
        text += (
            f'  {ident}:\n    libelle: "{libelle}"\n    etapes: [demarrage, sortie]\n'
            f"    capacite: {{places: {places}}}\n    rythme_entretiens: {{intervalle_max: {rythme}}}\n"
            f"    motifs_sortie:{MOTIFS_002}"
        )
    path = tmp_path_factory.mktemp("p") / "m54.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_json_keeps_counts(journal_file: Path) -> None:
    data = json.loads(render(bilan(journal_file, POLICY, annee=2018), "json"))
    assert (data["accompagnees"], data["sorties"], data["encore_suivies_au_31_12"]) == (58, 24, 34)
    assert data["par_dispositif"]["lunevillois"]["accompagnees"] == 58
    assert data["lignes_ignorees"] == 1
    for key in ("sorties_par_motif", "taux_sorties_positives", "duree_moyenne_mois", "par_dispositif"):
        assert key in data


def test_markdown_and_html_show_the_seed_table(journal_file: Path) -> None:
    b = bilan(journal_file, POLICY, annee=2018, dispositif="lunevillois")
    before = [bilan(journal_file, POLICY, annee=y, dispositif="lunevillois") for y in (2016, 2017)]
    md = render(b, "markdown", before)
    assert "| Personnes accompagnées | 50 | 70 | 58 |" in md
    assert "| Personnes sorties | 22 | 25 | 24 |" in md
    assert "| Personnes encore suivies au 31/12 | 28 | 45 | 34 |" in md
    assert "## Lignes ignorées" in md and "dossier x inconnu" in md
    page = render(b, "html", before)
    assert page.startswith("<!DOCTYPE html>") and '<html lang="fr">' in page
    assert "<svg" in page and "http://" not in page.replace("http://www.w3.org/2000/svg", "")
    assert "<script" not in page and "@page" in page
    assert "1 ligne du journal a été ignorée" in page


def test_csv_long_format(journal_file: Path) -> None:
    rows = list(csv.DictReader(io.StringIO(render(bilan(journal_file, POLICY, annee=2018), "csv"))))
    got = {(r["dispositif"], r["indicateur"], r["modalite"]): r["valeur"] for r in rows}
    assert got[("lunevillois", "accompagnees", "")] == "58"
    assert got[("ensemble", "encore_suivies_au_31_12", "")] == "34"


def test_frame_and_comparison(journal_file: Path) -> None:
    b18 = bilan(journal_file, POLICY, annee=2018)
    b17 = bilan(journal_file, POLICY, annee=2017)
    frame = b18.to_frame()
    assert frame.loc["lunevillois", "accompagnees"] == 58
    comp = b18.compare(b17).to_dict()
    assert comp["accompagnees"] == {"actuel": 58, "precedent": 70, "ecart": -12}
    assert comp["par_dispositif"]["lunevillois"]["sorties"] == {"actuel": 24, "precedent": 25, "ecart": -1}
    assert b18.compare(b17).to_frame().loc["lunevillois", ("encore_suivies_au_31_12", "ecart")] == 34 - 45


def _app() -> typer.Typer:
    app = typer.Typer(add_completion=False, pretty_exceptions_enable=False)
    register(app)

    @app.callback()
    def _root() -> None:  # a group, as in the real ``parcours`` app
        pass

    return app


def test_cli_writes_each_format(journal_file: Path, policy_file: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    for fmt in ("json", "markdown", "html", "csv"):
        out = tmp_path / f"bilan.{fmt}"
        result = runner.invoke(
            _app(),
            [
                "bilan",
                str(journal_file),
                "--politique",
                str(policy_file),
                "--annee",
                "2018",
                "--format",
                fmt,
                "--sortie",
                str(out),
                "--precedents",
                "2",
            ],
        )
        assert result.exit_code == 0, result.output
        assert out.stat().st_size > 0
    data = json.loads((tmp_path / "bilan.json").read_text(encoding="utf-8"))
    assert (data["accompagnees"], data["sorties"], data["encore_suivies_au_31_12"]) == (58, 24, 34)
    assert data["comparaison"]["accompagnees"]["precedent"] == 70


def test_cli_period_and_stdout(journal_file: Path, policy_file: Path) -> None:
    result = CliRunner().invoke(
        _app(),
        [
            "bilan",
            str(journal_file),
            "-p",
            str(policy_file),
            "--du",
            "2018-01-01",
            "--au",
            "2018-12-31",
            "--dispositif",
            "lunevillois",
            "--format",
            "json",
        ],
    )
    assert result.exit_code == 0
    assert json.loads(result.stdout)["accompagnees"] == 58


@pytest.mark.parametrize(
    "args",
    [
        ["--annee", "2018", "--du", "2018-01-01"],
        [],
        ["--du", "2018-01-01"],
        ["--du", "2018-13-01", "--au", "2018-12-31"],
        ["--du", "2018-12-31", "--au", "2018-01-01"],
        ["--annee", "2018", "--format", "pdf"],
    ],
)
def test_cli_usage_errors_exit_2(journal_file: Path, policy_file: Path, args: list[str]) -> None:
    result = CliRunner().invoke(_app(), ["bilan", str(journal_file), "-p", str(policy_file), *args])
    assert result.exit_code == 2, result.output


def test_cli_user_errors_exit_1(journal_file: Path, policy_file: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    missing = runner.invoke(
        _app(), ["bilan", str(tmp_path / "nope.jsonl"), "-p", str(policy_file), "--annee", "2018"]
    )
    assert missing.exit_code == 1 and "Traceback" not in missing.output
    unknown = runner.invoke(
        _app(), ["bilan", str(journal_file), "-p", str(policy_file), "--annee", "2018", "-d", "atlantide"]
    )
    assert unknown.exit_code == 1 and "atlantide" in unknown.output


def test_the_html_bilan_names_the_departement_and_says_where_its_events_come_from(journal_file: Path) -> None:
    from parcours.simulation import simulate

    b = bilan(journal_file, POLICY, annee=2018)
    page = render(b, "html")
    assert f"<h1>Bilan 2018 — {POLICY.departement}</h1>" in page
    lignes = len(journal_file.read_text(encoding="utf-8").splitlines())
    assert f"Journal {journal_file} : {lignes} lignes." in page
    assert "@media print" in page and "size: A4" in page
    simule = simulate("seine_saint_denis", seed=3).bilan()
    provenance = (
        "Simulation de la politique seine_saint_denis, cohorte seine_saint_denis, graine 3, 1 tirage."
    )
    assert provenance in render(simule, "html")
    assert provenance in render(simule, "markdown")


def test_chart_labels_are_written_whole_however_long() -> None:
    from html import escape

    from parcours import load_policy
    from parcours.simulation import simulate

    policy = load_policy("meurthe_et_moselle")
    b = simulate(policy, seed=1).bilan()
    page = render(b, "html")
    longs = [d.libelle for d in policy.dispositifs.values() if len(d.libelle) > 42]
    longs += [b.motifs[m] for m in b.total.sorties_par_motif if len(b.motifs[m]) > 42]
    assert len(longs) >= 3
    for libelle in longs:
        assert f'<div class="etiquette">{escape(libelle)}</div>' in page
