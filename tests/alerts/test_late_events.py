"""An event entered late (dated before the alert clock) re-evaluates the alerts it invalidates.

The clock moves with the latest event of any dossier. Dossier A starts on 09/07/2018 on the
Lunévillois (an interview every fifteen days); an event of dossier B dated 10/08 moves the
clock: A's « entretien en retard » is raised, dated 25/07 (due 24/07). A's interview of 20/07
is then entered: that alert was not due. It is cancelled (an ``alerte_annulee`` line), and
the alert the new deadline calls for (due 04/08, raised 05/08, before the clock) is raised.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from parcours import Engine, load_policy
from parcours.engine.engine import Lot


def _ev(dossier: str, jour: str, evenement: str, **extra: object) -> dict[str, object]:
    return {"dossier": dossier, "date": jour, "evenement": evenement, **extra}


def test_a_late_interview_cancels_the_alert_it_shows_was_not_due(tmp_path: Path) -> None:
    policy = load_policy("meurthe_et_moselle")
    chemin = tmp_path / "j.jsonl"
    engine = Engine(policy, chemin)
    engine.apply(_ev("A", "2018-07-09", "demarrage", dispositif="lunevillois"))
    moved = engine.apply(_ev("B", "2018-08-10", "demarrage", dispositif="lunevillois"))
    assert [(a.dossier, a.date, a.alerte) for a in moved.alertes] == [
        ("A", date(2018, 7, 25), "entretien_en_retard")
    ]
    late = engine.apply(_ev("A", "2018-07-20", "entretien", presence="present"))
    assert [(a.date, a.alerte) for a in late.annulees] == [(date(2018, 7, 25), "entretien_en_retard")]
    assert [(a.date, a.alerte) for a in late.alertes] == [(date(2018, 8, 5), "entretien_en_retard")]
    restantes = [(a.date, a.alerte) for a in engine.alertes(dossier="A")]
    assert restantes == [(date(2018, 8, 5), "entretien_en_retard")]
    engine.close()

    lignes = [json.loads(line) for line in chemin.read_text(encoding="utf-8").splitlines()]
    assert [(line["dossier"], line["evenement"], line["date"]) for line in lignes] == [
        ("A", "demarrage", "2018-07-09"),
        ("A", "alerte", "2018-07-25"),  # journaled before the event whose date moved the clock
        ("B", "demarrage", "2018-08-10"),
        ("A", "entretien", "2018-07-20"),
        ("A", "alerte_annulee", "2018-07-25"),
        ("A", "alerte", "2018-08-05"),
    ]
    rejoue = Engine.replay(policy, chemin)
    assert rejoue.avertissements == []
    assert [(a.dossier, a.date, a.alerte) for a in rejoue.alertes()] == [
        (a.dossier, a.date, a.alerte) for a in engine.alertes()
    ]


def test_a_late_event_that_changes_nothing_keeps_the_alert(tmp_path: Path) -> None:
    policy = load_policy("meurthe_et_moselle")
    engine = Engine(policy)
    engine.apply(_ev("A", "2018-07-09", "demarrage", dispositif="lunevillois"))
    engine.apply(_ev("B", "2018-08-10", "demarrage", dispositif="lunevillois"))
    # a missed interview does not move the deadline: the alert of 25/07 was due
    late = engine.apply(_ev("A", "2018-07-20", "entretien", presence="absent"))
    assert late.annulees == () and late.alertes == ()
    restantes = [(a.date, a.alerte) for a in engine.alertes(dossier="A")]
    assert restantes == [(date(2018, 7, 25), "entretien_en_retard")]


def test_a_batch_counts_the_alerts_raised_and_cancelled_by_all_its_events() -> None:
    """The scenario above in one batch, then an interview of B that changes no alert: 2 raised
    (25/07 when B's démarrage moves the clock, 05/08 after the late interview), 1 cancelled."""
    policy = load_policy("meurthe_et_moselle")
    events = [
        _ev("A", "2018-07-09", "demarrage", dispositif="lunevillois"),
        _ev("B", "2018-08-10", "demarrage", dispositif="lunevillois"),
        _ev("A", "2018-07-20", "entretien", presence="present"),
        _ev("B", "2018-08-11", "entretien", presence="present"),
    ]
    assert Engine(policy).apply_many(events) == Lot(4, 0, 0, 2, 1)
