"""« N events in D » rules: counted in a window, one durable_rules pattern whatever N is.

Found by the intensive invariant run: the count used to be a join of N patterns, whose action
retracted the matched facts from inside the C engine's dispatch. The process crashed once in
10,000 generated policies, and ``nombre: 8`` did not finish in two minutes (every ordering of
the events was built).
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from parcours.engine import Engine
from parcours.engine.alerts.compilation import compiler_dispositif
from parcours.policies import load_policy_text


def _policy(nombre: int, dans: str = "3 mois") -> str:
    return f"""
departement: T
libelle: Règle de comptage
dispositifs:
  a:
    libelle: A
    etapes: [demarrage, sortie]
    motifs_sortie: {{fin: {{libelle: Fin, categorie: fin, positive: false}}}}
alertes:
  absences:
    niveau: attention
    message: "{{nombre}} absences en {{dans}}"
    quand:
      evenements: {{evenement: entretien, champs: {{presence: absent}}, nombre: {nombre}, dans: {dans}}}
"""


def _absences(engine: Engine, jours: int, debut: date = date(2018, 1, 2)) -> None:
    engine.apply({"dossier": "x", "date": "2018-01-01", "evenement": "demarrage", "dispositif": "a"})
    for i in range(jours):
        jour = (debut + timedelta(days=i)).isoformat()
        engine.apply({"dossier": "x", "date": jour, "evenement": "entretien", "presence": "absent"})


@pytest.mark.parametrize("nombre", [1, 2, 8, 12])
def test_every_count_rule_is_one_pattern(nombre: int) -> None:
    programme = compiler_dispositif(load_policy_text(_policy(nombre), "t.yaml"), "a")
    assert programme.definitions
    assert all(len(definition["all"]) == 1 for definition in programme.definitions.values())


def test_eight_absences_fire_once_per_eight_events() -> None:
    engine = Engine(load_policy_text(_policy(8), "t.yaml"))
    _absences(engine, 25)  # absences from 2 to 26 January
    # the 8th, 16th and 24th absences: 9, 17 and 25 January; the 25th starts a new count
    assert [a.date for a in engine.alertes()] == [date(2018, 1, 9), date(2018, 1, 17), date(2018, 1, 25)]
    assert {a.message for a in engine.alertes()} == {"8 absences en 3 mois"}


def test_events_leave_the_window() -> None:
    engine = Engine(load_policy_text(_policy(3, "10 jours"), "t.yaml"))
    engine.apply({"dossier": "x", "date": "2018-01-01", "evenement": "demarrage", "dispositif": "a"})
    for jour in ("2018-01-02", "2018-01-05", "2018-01-20", "2018-01-22", "2018-01-25"):
        engine.apply({"dossier": "x", "date": jour, "evenement": "entretien", "presence": "absent"})
    # 2 and 5 January leave the 10-day window before the 20th: only 20, 22, 25 January make three
    assert [a.date for a in engine.alertes()] == [date(2018, 1, 25)]


def test_presences_do_not_count() -> None:
    engine = Engine(load_policy_text(_policy(2), "t.yaml"))
    engine.apply({"dossier": "x", "date": "2018-01-01", "evenement": "demarrage", "dispositif": "a"})
    engine.apply({"dossier": "x", "date": "2018-01-02", "evenement": "entretien", "presence": "absent"})
    engine.apply({"dossier": "x", "date": "2018-01-03", "evenement": "entretien", "presence": "present"})
    assert engine.alertes() == []
    engine.apply({"dossier": "x", "date": "2018-01-04", "evenement": "entretien", "presence": "absent"})
    assert [a.date for a in engine.alertes()] == [date(2018, 1, 4)]


def test_no_action_retracts_a_fact_while_it_is_dispatched(monkeypatch: pytest.MonkeyPatch) -> None:
    """The crash came from retracting inside an action: no action may do it any more."""
    import durable.engine

    calls: list[object] = []
    monkeypatch.setattr(durable.engine.Closure, "retract_fact", lambda self, *args: calls.append(args))
    engine = Engine(load_policy_text(_policy(2), "t.yaml"))
    _absences(engine, 6)
    assert len(engine.alertes()) == 3
    assert calls == []
