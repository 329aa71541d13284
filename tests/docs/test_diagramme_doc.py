"""The diagram shown in the documentation is the one ``parcours diagramme`` draws today."""

from __future__ import annotations

from doctest_blocs import RACINE
from typer.testing import CliRunner

from parcours.cli import app

IMAGE = RACINE / "docs" / "guide" / "lunevillois.svg"
COMMANDE = ["diagramme", "meurthe_et_moselle", "lunevillois", "--date", "2018-07-01", "--format", "svg"]


def test_the_documented_diagram_is_current() -> None:
    drawn = CliRunner().invoke(app, COMMANDE)
    assert drawn.exit_code == 0, drawn.output
    assert IMAGE.read_text(encoding="utf-8") == drawn.output, (
        f"régénérez-la : parcours {' '.join(COMMANDE)} -o docs/guide/lunevillois.svg"
    )
