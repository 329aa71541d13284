"""The notebook of docs/notebooks runs from top to bottom without an error (nbclient).

The kernel is this interpreter (a kernelspec written in a temp folder, found through
JUPYTER_PATH), and it imports parcours from this checkout's src/ first: the notebook is
tested against the code under test, whatever else is installed.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import nbformat
import pytest
from doctest_blocs import RACINE
from nbclient import NotebookClient

CARNETS = sorted((RACINE / "docs" / "notebooks").glob("*.ipynb"))
NOYAU = "parcours-tests"


@pytest.fixture
def noyau(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    spec = tmp_path / "jupyter" / "kernels" / NOYAU
    spec.mkdir(parents=True)
    argv = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    (spec / "kernel.json").write_text(
        json.dumps({"argv": argv, "display_name": "parcours (tests)", "language": "python"}),
        encoding="utf-8",
    )
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    chemins = [str(RACINE / "src"), *filter(None, [os.environ.get("PYTHONPATH")])]
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(chemins))
    return NOYAU


def test_there_is_a_notebook() -> None:
    assert CARNETS


@pytest.mark.parametrize("carnet", CARNETS, ids=lambda p: p.name)
def test_notebook_runs_without_error(carnet: Path, noyau: str, tmp_path: Path) -> None:
    nb = nbformat.read(carnet, as_version=4)
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code"), (
        f"{carnet.name} est enregistré avec ses sorties : videz-les avant de le committer"
    )
    client = NotebookClient(
        nb, timeout=120, kernel_name=noyau, resources={"metadata": {"path": str(tmp_path)}}
    )
    client.execute()  # raises CellExecutionError, naming the cell, on the first error
    erreurs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert not erreurs
