"""Published tables: the shipped ones cite their seeds, a wrong file is told at its line, and
the validation view and ``parcours calibrer`` work from the command line."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from parcours.cli import app
from parcours.errors import PolicyError
from parcours.simulation import calibrate, read_table
from parcours.simulation.published import read_table_text

ROOT = Path(__file__).resolve().parents[2]
ICI = Path(__file__).parent
runner = CliRunner()
ENTETE = "periode,dispositif,indicateur,valeur,usage,document,section,citation,hypothese,raison\n"


@pytest.mark.parametrize("nom", ["meurthe_et_moselle", "moselle"])
def test_every_shipped_figure_is_printed_in_its_seed(nom: str, seeds: dict[str, str]) -> None:
    """Each citation is in its document; a figure not computed is in its citation."""
    for c in read_table(nom).cellules:
        assert c.source is not None and c.source.citation and c.source.document, c.ligne
        assert " ".join(c.source.citation.split()) in seeds[c.source.document], c.ligne
        calcule = (c.raison or "").startswith("Calcul")
        if not calcule:
            assert c.valeur in _nombres(c.source.citation), (c.ligne, c.valeur)


def _nombres(citation: str) -> set[float]:
    """The numbers printed in a citation, « 2 145 » (a thousands space) read both ways."""
    jetons = re.findall(r"\d+(?:[.,]\d+)?", citation)
    nombres = {float(j.replace(",", ".")) for j in jetons}
    nombres |= {
        float(a + b) for a, b in itertools.pairwise(jetons) if a.isdigit() and len(b) == 3 and b.isdigit()
    }
    return nombres


def test_the_tables_of_002_add_up() -> None:
    """accompanied = exited + still followed, for every convention-year of seed 002."""
    t = read_table("meurthe_et_moselle")
    cellules = {(c.libelle_periode, c.dispositifs, c.indicateur): c.valeur for c in t.cellules}
    annees = 0
    for (periode, dispositifs, indicateur), valeur in cellules.items():
        if indicateur == "accompagnees" and (periode, dispositifs, "sorties") in cellules:
            sortis = cellules[(periode, dispositifs, "sorties")]
            assert valeur == sortis + cellules[(periode, dispositifs, "encore_suivies")], (
                periode,
                dispositifs,
            )
            annees += 1
    assert annees == 19  # 6 conventions x 3 years, and the 2018 service total


def test_a_wrong_cell_is_told_at_its_line() -> None:
    texte = (
        ENTETE
        + "2017,flux,accompagnees,20,,,,,,\n2017,flux,acompagnees,20,,,,,,\n20x7,flux,sorties,3,,,,,,\n"
    )
    with pytest.raises(PolicyError, match="indicateur « acompagnees » inconnu") as err:
        read_table_text(texte, "t.csv")
    message = str(err.value)
    assert "t.csv:3: indicateur: indicateur « acompagnees » inconnu" in message
    assert "t.csv:4: periode: période « 20x7 » illisible" in message


def test_a_group_total_cannot_be_fitted(politique: object) -> None:
    texte = ENTETE + "2017,global+flux,accompagnees,300,ajuster,,,,,\n"
    tableau = read_table_text(texte, "t.csv")
    with pytest.raises(PolicyError, match=r"t\.csv:2: usage: .*publié pour 2 dispositifs"):
        calibrate(politique, tableau, ICI / "cohorte_test.yaml")  # type: ignore[arg-type]


def test_simuler_comparer_a_shows_the_published_figures_beside_the_intervals() -> None:
    result = runner.invoke(app, ["simuler", "moselle", "--comparer-a", "moselle", "--runs", "5"])
    assert result.exit_code == 0, result.output
    assert "cohorte : policies/cohortes/moselle.yaml" in result.output
    ligne = next(x for x in result.output.splitlines() if "Personnes accompagnées" in x)
    assert "3987" in ligne and "[" in ligne  # 004: 2 145 hommes + 1 842 femmes
    page = runner.invoke(
        app, ["simuler", "moselle", "--comparer-a", "moselle", "--runs", "5", "--format", "html"]
    )
    assert page.exit_code == 0 and page.output.count("<svg") == 2 and "<script" not in page.output


def test_simuler_comparer_a_an_unknown_table_is_a_french_error() -> None:
    result = runner.invoke(app, ["simuler", "moselle", "--comparer-a", "inconnu"])
    assert result.exit_code == 1
    assert "tableau « inconnu » introuvable" in result.output and "Traceback" not in result.output


def test_calibrer_writes_a_cohort_file_that_simulates_the_table(tmp_path: Path) -> None:
    """A table of the test policy's flux dispositif (2017 and 2018): the fitted file loads,
    carries its calage and gives back the figures."""
    table = tmp_path / "flux.csv"
    lignes = [
        "2017,flux,accompagnees,70,,,,,,",
        "2017,flux,sorties,40,,,,,,",
        "2017,flux,encore_suivies,30,,,,,,",
        "2018,flux,accompagnees,75,,,,,,",
        "2018,flux,sorties,50,,,,,,",
        "2018,flux,encore_suivies,25,,,,,,",
    ]
    table.write_text(ENTETE + "\n".join(lignes) + "\n", encoding="utf-8")
    sortie = tmp_path / "calee.yaml"
    commande = [
        "calibrer",
        str(ICI / "politique_test.yaml"),
        str(table),
        "--cohorte",
        str(ICI / "cohorte_test.yaml"),
    ]
    result = runner.invoke(app, [*commande, "--sortie", str(sortie), "--processus", "1", "--runs", "5"])
    assert result.exit_code == 0, result.output
    assert "flux : 6/6 cellules dans la tolérance" in result.output
    comparer = [
        "simuler",
        str(ICI / "politique_test.yaml"),
        "--cohorte",
        str(sortie),
        "--comparer-a",
        str(table),
    ]
    vue = runner.invoke(app, comparer)
    assert vue.exit_code == 0, vue.output
    assert "6 cellules ajustables sur 6 dans la tolérance" in vue.output
    assert "calage:" in sortie.read_text(encoding="utf-8")
