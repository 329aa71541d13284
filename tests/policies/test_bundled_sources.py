"""Every value of the bundled policies says where it comes from, and every quote is real.

A number, date, duration or rate must carry a ``source`` or ``hypothese: true`` with a
``raison``; each ``citation`` must appear (whitespace-insensitive) in the seed it names. The
seeds live in ``../shared/seeds`` next to the repository (or ``$PARCOURS_SEEDS``): missing
locally, the citation tests are skipped; missing under ``CI=true``, they fail.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from parcours.policies import Policy, load_policy
from parcours.policies.versions import iter_params

ROOT = Path(__file__).resolve().parents[2]
BUNDLED = ["base/accompagnement_social", "moselle", "meurthe_et_moselle", "seine_saint_denis"]

_DUREE = re.compile(r"^\s*\d+\s*(jours?|j|semaines?|mois|ans?|ann[ée]es?)\s*$")
_TAUX = re.compile(r"^\s*\d+([.,]\d+)?\s*%\s*$")


def _path(name: str) -> Path:
    return ROOT / "policies" / f"{name}.yaml"


def _raw(name: str) -> Any:
    return yaml.safe_load(_path(name).read_text(encoding="utf-8"))


def _load(name: str) -> Policy:
    return load_policy(_path(name))


def _justified(wrapper: dict[str, Any]) -> bool:
    source = wrapper.get("source")
    if isinstance(source, dict) and source.get("document"):
        return True
    raison = wrapper.get("raison")
    return wrapper.get("hypothese") is True and isinstance(raison, str) and bool(raison.strip())


def _is_date_keyed(node: dict[Any, Any]) -> bool:
    return bool(node) and all(isinstance(k, date) for k in node)


def _needs_source(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, (int, float, date)):
        return True
    return isinstance(value, str) and bool(_DUREE.match(value) or _TAUX.match(value))


def _unjustified(node: Any, path: str = "") -> Iterator[str]:
    """Paths of bare values (or wrappers) that have neither a source nor a flagged hypothesis."""
    if isinstance(node, dict):
        if "valeur" in node:
            if not _justified(node):
                yield path
            return
        if _is_date_keyed(node):
            for key, version in node.items():
                where = f"{path}.{key.isoformat()}"
                if not (isinstance(version, dict) and "valeur" in version and _justified(version)):
                    yield where
            return
        for key, value in node.items():
            if key == "source":
                continue
            yield from _unjustified(value, f"{path}.{key}" if path else str(key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _unjustified(value, f"{path}[{i}]")
    elif _needs_source(node):
        yield path


def _sources(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "source" and isinstance(value, dict):
                yield value
            else:
                yield from _sources(value)
    elif isinstance(node, list):
        for value in node:
            yield from _sources(value)


def _collapse(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("name", BUNDLED)
def test_every_value_in_the_file_is_sourced_or_flagged(name: str) -> None:
    missing = list(_unjustified(_raw(name)))
    assert missing == [], f"{name} : valeurs sans source ni hypothèse justifiée : {missing}"


@pytest.mark.parametrize("name", BUNDLED)
def test_every_loaded_parameter_is_sourced_or_flagged(name: str) -> None:
    policy = _load(name)
    params = list(iter_params(policy))
    assert len(params) > 5
    bad = [
        (".".join(path), version.debut)
        for path, param in params
        for version in param.versions
        if not (
            (version.source is not None and version.source.document)
            or (version.hypothese and version.raison and version.raison.strip())
        )
    ]
    assert bad == []


@pytest.mark.parametrize("name", BUNDLED)
def test_every_exit_reason_says_why_it_is_or_is_not_positive(name: str) -> None:
    for ident, dispositif in _load(name).dispositifs.items():
        for key, motif in dispositif.motifs_sortie.items():
            assert motif.raison and motif.raison.strip(), f"{ident}.{key} : raison manquante"
            assert motif.source is not None or motif.hypothese, f"{ident}.{key}"


def test_the_unsourced_value_detector_catches_bare_values() -> None:
    raw = {
        "a": {"valeur": 4, "source": {"document": "x.txt"}},
        "b": 175,
        "c": {"valeur": "6 mois", "hypothese": True},
        "d": {date(2017, 1, 1): {"valeur": 1, "hypothese": True, "raison": "r"}, date(2018, 1, 1): 2},
        "e": {"f": ["15 %", "texte", True]},
    }
    assert list(_unjustified(raw)) == ["b", "c", "d.2018-01-01", "e.f[0]"]


@pytest.mark.parametrize("name", BUNDLED)
def test_every_citation_appears_in_its_seed(name: str, seeds: dict[str, str]) -> None:
    documents = _load(name).documents
    sources = list(_sources(_raw(name)))
    assert sources, f"{name} ne cite aucune source"
    for source in sources:
        document = source.get("document")
        assert document in seeds, f"{name} : document inconnu {document!r}"
        assert document in documents, f"{name} : {document} absent de « documents »"
        citation = source.get("citation")
        assert isinstance(citation, str) and citation.strip(), f"{name} : citation vide ({document})"
        assert _collapse(citation) in seeds[document], (
            f"{name} : citation introuvable dans {document} : {citation!r}"
        )


@pytest.mark.parametrize("name", BUNDLED)
def test_every_listed_document_is_a_seed(name: str, seeds: dict[str, str]) -> None:
    assert set(_load(name).documents) <= set(seeds)
