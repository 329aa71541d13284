"""One headless Chromium for the browser tests, and the folder their screenshots are kept in.

The browser is Debian's ``chromium`` (``.ci/run`` installs it when it is missing), or the one
``$CHROMIUM`` names. Without a browser the tests are skipped on a developer's machine, and
fail under ``CI=true`` (or ``PARCOURS_CI=true``, which .ci/run sets): a missing browser never
turns the CI green. Screenshots go to
``$PARCOURS_CAPTURES`` when set, else to a folder of pytest's temporary directory, printed at
the end of the run.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from chromium_cdp import Chromium, ErreurNavigateur

_NOMS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
_CAPTURES: list[Path] = []


def trouver_chromium() -> str | None:
    """The browser to drive: ``$CHROMIUM``, else the first of the usual names on the PATH."""
    if os.environ.get("CHROMIUM"):
        chemin = os.environ["CHROMIUM"]
        return chemin if os.access(chemin, os.X_OK) else None
    return next((c for c in map(shutil.which, _NOMS) if c), None)


def sans_navigateur(raison: str) -> None:
    """Skip, or fail under CI=true (a browser test must never pass by not running)."""
    if "true" in (os.environ.get("CI", "").lower(), os.environ.get("PARCOURS_CI", "").lower()):
        pytest.fail(f"{raison} (CI=true : les tests du navigateur doivent tourner)", pytrace=False)
    pytest.skip(raison)


@pytest.fixture(scope="session")
def navigateur() -> Iterator[Chromium]:
    executable = trouver_chromium()
    if executable is None:
        sans_navigateur("aucun chromium trouvé : apt-get install -y --no-install-recommends chromium")
    assert executable is not None
    try:
        chromium = Chromium(executable)
    except (OSError, ErreurNavigateur) as exc:
        sans_navigateur(f"chromium ne démarre pas : {exc}")
        raise
    yield chromium
    chromium.close()


@pytest.fixture(scope="session")
def captures(tmp_path_factory: pytest.TempPathFactory) -> Path:
    dossier = Path(os.environ.get("PARCOURS_CAPTURES") or tmp_path_factory.mktemp("captures"))
    dossier.mkdir(parents=True, exist_ok=True)
    _CAPTURES.append(dossier)
    return dossier


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    for dossier in _CAPTURES:
        n = len(list(dossier.glob("*.png")))
        terminalreporter.write_line(f"captures d'écran des tests du navigateur ({n}) : {dossier}")
