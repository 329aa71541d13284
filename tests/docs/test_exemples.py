"""The README's and the documentation pages' Python examples run as doctests, in a temp folder."""

from __future__ import annotations

from pathlib import Path

import pytest
from doctest_blocs import RACINE, blocs, run

PAGES = [
    "README.md",
    "docs/demarrer.md",
    "docs/ecrivains.md",
    "docs/rapports.md",
    "docs/simulation.md",
    "docs/guide/plein_emploi.md",
    "docs/guide/politique.md",
]


@pytest.mark.parametrize("page", PAGES)
def test_python_examples_run(page: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    chemin = RACINE / page
    assert blocs(chemin), f"{page} n'a aucun exemple >>>"
    monkeypatch.chdir(tmp_path)  # the examples write their journals in the current folder
    resultat = run(chemin)
    assert resultat.failed == 0, f"{resultat.failed} exemple(s) de {page} en échec (voir la sortie)"
