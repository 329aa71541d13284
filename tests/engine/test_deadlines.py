"""Deadlines: absolute dates from event dates and the policy in force; explanations."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from parcours.engine import Engine
from parcours.policies import Policy

Ev = Callable[..., dict[str, Any]]


def _natures(engine: Engine, au: date, **kw: Any) -> list[tuple[str | None, str, date, bool]]:
    return [(e.dossier, e.nature, e.date, e.en_retard) for e in engine.echeances(au, **kw)]


def test_interviews_follow_the_stricter_rhythm_at_the_start(engine: Engine, ev: Ev) -> None:
    engine.apply(ev("a", "2017-01-10", "demarrage", dispositif="global"))
    assert engine.dossier("a").entretien_du == date(2017, 1, 25)  # 15 jours
    engine.apply(ev("a", "2017-03-09", "entretien"))  # before 2017-03-10: still the start window
    assert engine.dossier("a").entretien_du == date(2017, 3, 24)
    engine.apply(ev("a", "2017-03-10", "entretien"))  # window over: 1 mois
    assert engine.dossier("a").entretien_du == date(2017, 4, 10)


def test_month_arithmetic_clamps_to_the_end_of_the_month(engine: Engine, ev: Ev) -> None:
    engine.apply(ev("a", "2017-08-31", "demarrage", dispositif="global"))
    dossier = engine.dossier("a")
    assert dossier.fin_cer == date(2018, 2, 28)  # + 6 mois
    assert dossier.fin_max == date(2018, 5, 31)  # + 9 mois
    engine.apply(ev("a", "2018-01-31", "entretien"))
    assert dossier.entretien_du == date(2018, 2, 28)  # + 1 mois
    engine.apply(ev("a", "2018-02-28", "bilan"))
    engine.apply(ev("a", "2018-02-28", "renouvellement"))
    assert dossier.fin_cer == date(2018, 5, 31)  # 2018-08-28 cut at the maximum


def test_a_late_interview_or_bilan_counts_as_missed(engine: Engine, ev: Ev) -> None:
    engine.apply(ev("a", "2017-01-10", "demarrage", dispositif="global"))
    engine.apply(ev("a", "2017-01-20", "entretien", presence="absent"))
    engine.apply(ev("a", "2017-02-01", "entretien"))  # due 2017-01-25
    engine.apply(ev("a", "2017-07-11", "bilan"))  # due 2017-07-10
    dossier = engine.dossier("a")
    assert (dossier.manques, dossier.absences) == (2, 1)
    assert dossier.dernier_entretien == date(2017, 2, 1)


def test_echeances_lists_what_is_due_or_overdue(engine: Engine, ev: Ev) -> None:
    engine.apply(ev("a", "2017-01-10", "demarrage", dispositif="global"))
    engine.apply(ev("b", "2017-01-20", "demarrage", dispositif="global"))
    assert _natures(engine, date(2017, 1, 24)) == []
    assert _natures(engine, date(2017, 1, 26)) == [("a", "entretien", date(2017, 1, 25), True)]
    assert _natures(engine, date(2017, 1, 26), horizon=10) == [
        ("a", "entretien", date(2017, 1, 25), True),
        ("b", "entretien", date(2017, 2, 4), False),
    ]
    late = _natures(engine, date(2019, 1, 2))
    assert ("a", "fin_cer", date(2017, 7, 10), True) in late
    assert ("a", "duree_maximum", date(2017, 10, 10), True) in late
    assert (None, "fin_convention", date(2018, 12, 31), True) in late


def test_the_veille_follows_an_exit_to_employment_only(engine: Engine, ev: Ev) -> None:
    engine.apply(ev("a", "2017-01-10", "demarrage", dispositif="global"))
    engine.apply(ev("b", "2017-01-10", "demarrage", dispositif="global"))
    engine.apply(ev("a", "2017-03-31", "sortie", motif="cdi"))
    engine.apply(ev("b", "2017-03-31", "sortie", motif="abandon"))
    assert engine.dossier("a").fin_veille == date(2017, 9, 30)
    assert engine.dossier("b").fin_veille is None
    assert _natures(engine, date(2017, 9, 1), horizon=30) == [("a", "fin_veille", date(2017, 9, 30), False)]
    assert _natures(engine, date(2017, 10, 1), horizon=30) == []


def test_a_step_delay_runs_from_the_first_event(engine: Engine, ev: Ev) -> None:
    engine.apply(ev("s", "2017-01-31", "prescription", dispositif="social"))
    assert _natures(engine, date(2017, 3, 1)) == [("s", "delai_demarrage", date(2017, 2, 28), True)]
    engine.apply(ev("s", "2017-02-10", "demarrage"))
    assert all(n != "delai_demarrage" for _, n, _, _ in _natures(engine, date(2017, 3, 1)))


def test_expliquer_cites_the_value_and_its_file_line(policy: Policy, ev: Ev) -> None:
    engine = Engine(policy, historique=True)
    engine.apply(ev("a", "2017-01-10", "demarrage", dispositif="global"))
    engine.apply(ev("a", "2017-03-15", "entretien"))
    text = str(engine.explain("a"))
    fichier = policy.dispositifs["global"].rythme_entretiens
    assert fichier is not None
    origine = fichier.intervalle_max.versions[0].origine
    assert (
        "entretien dû le 15/04/2017 : dernier entretien le 15/03/2017 + "
        f"rythme_entretiens.intervalle_max = 1 mois, {origine}" in text
    )
    assert str(origine).endswith("politique_test.yaml:14")
    assert "fin du CER le 10/07/2017 (bilan dû) : CER du 10/01/2017 + duree.cer = 6 mois" in text
    assert "15/03/2017 entretien" in text


def test_expliquer_during_the_start_window(engine: Engine, ev: Ev) -> None:
    engine.apply(ev("a", "2017-01-10", "demarrage", dispositif="global"))
    explication = engine.explain("a")
    entretien = next(t for n, _, t in explication.echeances if n == "entretien")
    assert entretien.startswith(
        "entretien dû le 25/01/2017 : démarrage le 10/01/2017 + "
        "rythme_entretiens.au_demarrage.intervalle_max = 15 jours"
    )
    assert "rythme_entretiens.au_demarrage.pendant = 2 mois" in entretien
