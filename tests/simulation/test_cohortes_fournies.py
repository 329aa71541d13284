"""Every number of a bundled cohort file is sourced or an assumption with a reason; every
citation is found, word for word, in its seed document."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
FICHIERS = sorted((ROOT / "policies" / "cohortes").glob("*.yaml"))
_WRAPPER = {"valeur", "source", "hypothese", "raison"}


def _collapse(text: str) -> str:
    return " ".join(text.split())


def _values(node: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    """Every (path, value form) of the file: a wrapper dict, or a bare scalar."""
    if isinstance(node, dict):
        if "valeur" in node and set(node) <= _WRAPPER:
            yield path, node
            return
        for key, value in node.items():
            # ``calage`` records a fit (published and simulated figures), it holds no value
            if key in ("libelle", "description", "politique", "documents", "raison", "calage"):
                continue
            yield from _values(value, f"{path}.{key}")
    elif isinstance(node, (int, float, str)) and not isinstance(node, bool):
        yield path, node


def _justified(form: Any) -> bool:
    if not isinstance(form, dict):
        return False
    if form.get("hypothese") is True:
        return bool(form.get("raison"))
    source = form.get("source") or {}
    return bool(source.get("document") and source.get("citation"))


def test_there_are_bundled_cohorts() -> None:
    assert {f.stem for f in FICHIERS} >= {"moselle", "meurthe_et_moselle", "seine_saint_denis"}


@pytest.mark.parametrize("fichier", FICHIERS, ids=lambda f: f.stem)
def test_every_value_is_sourced_or_an_assumption(fichier: Path) -> None:
    data = yaml.safe_load(fichier.read_text(encoding="utf-8"))
    bare = [path for path, form in _values(data["dispositifs"], "dispositifs") if not _justified(form)]
    assert bare == []


@pytest.mark.parametrize("fichier", FICHIERS, ids=lambda f: f.stem)
def test_every_citation_is_in_its_seed(fichier: Path, seeds: dict[str, str]) -> None:
    data = yaml.safe_load(fichier.read_text(encoding="utf-8"))
    missing = []
    for path, form in _values(data["dispositifs"], "dispositifs"):
        source = form.get("source") if isinstance(form, dict) else None
        cited = source.get("citation") if source else None
        if cited and _collapse(cited) not in seeds[source["document"]]:
            missing.append((path, cited))
    assert missing == []
