"""durable_rules stays behind its door: loaded late, no threads, no global host, no exceptions."""

from __future__ import annotations

import subprocess
import sys
import threading
from datetime import date
from pathlib import Path

import pytest
from alertes_aides import POLITIQUE, ev
from test_replay_batching import flux

from parcours.engine import Engine
from parcours.errors import ParcoursError
from parcours.policies import Policy

SRC = Path(__file__).resolve().parents[2] / "src"


def _executer(code: str) -> str:
    env = {"PYTHONPATH": str(SRC)}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    return done.stdout.strip()


def test_durable_is_imported_only_when_alert_rules_run() -> None:
    code = (
        "import sys, parcours; from parcours.engine import Engine; "
        "from parcours.policies import load_policy; "
        "e = Engine(load_policy('moselle')); "
        "e.apply({'dossier': 'a', 'date': '2017-01-02', 'evenement': 'prescription', "
        "'dispositif': 'accompagnement_social'}); "
        "print('durable' in sys.modules, end=' '); "
        f"e = Engine(load_policy({str(POLITIQUE)!r})); "
        "e.apply({'dossier': 'a', 'date': '2017-01-02', 'evenement': 'prescription', "
        "'dispositif': 'global'}); "
        "print('durable' in sys.modules, 'durable.lang' in sys.modules)"
    )
    # Moselle's accompagnement social has no alert rule: no rules engine for it.
    assert _executer(code) == "False True False"


def test_no_thread_is_started(policy: Policy) -> None:
    avant = threading.active_count()
    engine = Engine(policy)
    engine.apply_many(flux(1))
    engine.advance(date(2030, 1, 1))
    assert engine.alertes()
    assert threading.active_count() == avant
    engine.close()


@pytest.mark.parametrize("panne", ["c", "action"])
def test_rules_engine_errors_never_surface_and_never_undo_the_event(policy: Policy, panne: str) -> None:
    engine = Engine(policy)
    engine.apply(ev("a", "2017-01-02", "prescription", dispositif="global"))
    engine.apply(ev("a", "2017-01-02", "demarrage"))
    engine.apply(ev("a", "2017-01-03", "entretien", presence="absent"))
    hote = engine._surveillance._hote
    assert hote is not None
    if panne == "c":  # what the C engine raises past 1024 states
        reel = hote._c

        class Casse:
            def __getattr__(self, nom: str) -> object:
                return getattr(reel, nom)

            def assert_fact(self, handle: int, texte: str) -> object:
                raise MemoryError

        hote._c = Casse()
    else:  # an action that fails inside durable_rules

        def action_cassee(c: object) -> None:
            raise RuntimeError("action en panne")

        for objet in hote._rulesets.values():
            for promesse in objet._actions.values():
                promesse._func = hote._garder(action_cassee)
    resultat = engine.apply(ev("a", "2017-01-10", "entretien", presence="absent"))
    assert resultat.applique and engine.dossier("a").absences == 2
    assert engine.avertissements and isinstance(engine.avertissements[0], ParcoursError)
    assert "moteur de règles" in str(engine.avertissements[0])


def test_unmatched_facts_are_not_errors(engine: Engine) -> None:
    engine.apply(ev("a", "2017-01-02", "prescription", dispositif="global"))
    engine.apply(ev("a", "2017-01-02", "demarrage"))
    engine.apply(ev("a", "2017-01-03", "entretien", presence="present"))  # no rule wants it
    assert engine.avertissements == []


@pytest.mark.parametrize("motif", ["abandon", "cdi"])
def test_facts_are_retracted_at_exit_or_after_the_veille(policy: Policy, motif: str) -> None:
    engine = Engine(policy)
    events = flux(5, dossiers=30)
    engine.apply_many(e if e["evenement"] != "sortie" else {**e, "motif": motif} for e in events)
    surveillance = engine._surveillance
    if motif == "cdi":
        assert surveillance.faits() > 0  # the veille deadlines
        engine.advance(date(2030, 1, 1))
    assert surveillance.faits() == 0
    assert surveillance._dossiers == {}
