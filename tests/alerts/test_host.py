"""The durable_rules host of the alert layer (engine/alerts/_host.py), driven directly.

The alert tests reach the host through the monitor, where a fact no rule wants, a fact
already held and an action's own exception never happen: the C engine's result codes
(1 not handled, 2 already observed, 3 held without action) and the error paths are told
apart here, on a ruleset written in the test.
"""

from __future__ import annotations

import gc
from typing import Any

import pytest

from parcours.engine.alerts import _host
from parcours.engine.alerts._host import Hote
from parcours.errors import RulesEngineError


def _regles(vus: list[tuple[str, Any]]) -> dict[str, dict[str, Any]]:
    def boom(_c: Any) -> None:
        raise ValueError("boom")

    return {
        "seul": {"all": [{"m": {"t": "x"}}], "run": lambda c: vus.append(("seul", c.m._d))},
        "paire": {
            "all": [{"a": {"t": "a"}}, {"b": {"$and": [{"t": "b"}, {"dossier": {"a": "dossier"}}]}}],
            "run": lambda c: vus.append(("paire", (c.a._d, c.b._d))),
        },
        "panne": {"all": [{"m": {"t": "k"}}], "run": boom},
    }


@pytest.fixture
def hote() -> Any:
    h = Hote()
    yield h
    h.fermer()


def test_facts_no_rule_wants_held_without_action_and_firing(hote: Hote) -> None:
    vus: list[tuple[str, Any]] = []
    nom = hote.ajouter("essai", _regles(vus))
    assert nom.startswith("essai$")
    assert hote.affirmer(nom, {"id": 1, "t": "y"}) is False  # code 1: no rule looks at it
    assert hote.faits(nom) == []
    assert hote.affirmer(nom, {"id": 2, "t": "x"}) is True
    assert vus == [("seul", {"id": 2, "t": "x"})]
    # code 3: held, half of a join, no action yet; then the join fires on the same dossier
    assert hote.affirmer(nom, {"id": 3, "t": "a", "dossier": "d"}) is True
    assert vus == [("seul", {"id": 2, "t": "x"})]
    assert hote.affirmer(nom, {"id": 4, "t": "b", "dossier": "d"}) is True
    assert vus[-1] == ("paire", ({"id": 3, "t": "a", "dossier": "d"}, {"id": 4, "t": "b", "dossier": "d"}))
    assert sorted(f["id"] for f in hote.faits(nom)) == [2, 3, 4]
    assert hote.retirer(nom, {"id": 3, "t": "a", "dossier": "d"}) is True
    assert sorted(f["id"] for f in hote.faits(nom)) == [2, 4]
    assert hote.operations == 5  # four assertions and one retraction


def test_a_fact_already_held_is_refused(hote: Hote) -> None:
    nom = hote.ajouter("essai", _regles([]))
    hote.affirmer(nom, {"id": 2, "t": "x"})
    with pytest.raises(
        RulesEngineError, match=r"^moteur de règles : fait déjà présent \{'id': 2, 't': 'x'\}$"
    ):
        hote.affirmer(nom, {"id": 2, "t": "x"})


def test_an_action_s_exception_is_raised_once_then_the_host_goes_on(hote: Hote) -> None:
    vus: list[tuple[str, Any]] = []
    nom = hote.ajouter("essai", _regles(vus))
    with pytest.raises(
        RulesEngineError, match=r"^moteur de règles : ValueError sur le fait \{'id': 5, 't': 'k'\} \(boom\)$"
    ):
        hote.affirmer(nom, {"id": 5, "t": "k"})
    assert hote.affirmer(nom, {"id": 6, "t": "x"}) is True  # the failure was not kept
    assert vus == [("seul", {"id": 6, "t": "x"})]


def test_an_error_of_the_c_engine_names_its_type_and_fact(hote: Hote) -> None:
    nom = hote.ajouter("essai", _regles([]))
    with pytest.raises(RulesEngineError, match=r"^moteur de règles : TypeError sur le fait \{'id': \{1\}\}"):
        hote.affirmer(nom, {"id": {1}})  # a set is not JSON


def test_a_ruleset_the_c_engine_refuses(hote: Hote) -> None:
    with pytest.raises(RulesEngineError, match=r"^moteur de règles : ensemble de règles refusé \("):
        hote.ajouter("mauvais", {"r": {"all": 3, "run": lambda c: None}})


def test_two_rulesets_do_not_share_facts(hote: Hote) -> None:
    vus: list[tuple[str, Any]] = []
    un = hote.ajouter("un", _regles(vus))
    deux = hote.ajouter("deux", _regles(vus))
    assert un != deux
    hote.affirmer(un, {"id": 1, "t": "x"})
    assert hote.affirmer(deux, {"id": 1, "t": "x"}) is True  # same id, other ruleset: not held there
    assert hote.faits(un) == hote.faits(deux) == [{"id": 1, "t": "x"}]


def test_a_collected_host_s_rulesets_are_freed_by_the_next_host() -> None:
    h = Hote()
    h.ajouter("essai", _regles([]))
    handle = h._handles[0]
    del h
    gc.collect()
    assert handle in _host._a_liberer  # queued, not freed from the finalizer
    suivant = Hote()
    assert _host._a_liberer == []
    suivant.fermer()
