"""Each example of issue 6 raises its alert on the day its condition becomes true, not a day early.

Expected days are counted with the tests' own calendar (tests/mois_a_la_main.py), not with
the month arithmetic of parcours they check; month ends are among the examples.
"""

from __future__ import annotations

from datetime import date, timedelta

from alertes_aides import ev
from hypothesis import example, given
from hypothesis import strategies as st

from mois_a_la_main import plus_mois
from parcours.engine import Engine
from parcours.policies import Policy

JOURS = st.dates(min_value=date(2017, 1, 1), max_value=date(2024, 12, 31))
UN_JOUR = timedelta(days=1)


def _ids(engine: Engine, alerte: str) -> list[tuple[str, date]]:
    return [(a.dossier, a.date) for a in engine.alertes() if a.alerte == alerte]


def _demarrer(engine: Engine, dossier: str, jour: date) -> None:
    engine.apply(ev(dossier, jour, "prescription", dispositif="global"))
    engine.apply(ev(dossier, jour, "demarrage"))


@given(debut=JOURS, ecart=st.integers(min_value=0, max_value=120))
def test_two_absences_within_60_days(policy: Policy, debut: date, ecart: int) -> None:
    engine = Engine(policy)
    _demarrer(engine, "a", debut)
    engine.apply(ev("a", debut, "entretien", presence="absent"))
    engine.apply(ev("a", debut + timedelta(days=ecart), "entretien", presence="present"))
    second = debut + timedelta(days=ecart)
    resultat = engine.apply(ev("a", second, "entretien", presence="absent"))
    levees = [a for a in resultat.alertes if a.alerte == "absences_repetees"]
    if ecart < 60:
        assert [(a.dossier, a.date) for a in levees] == [("a", second)]
        assert levees[0].message == "2 absences aux entretiens en moins de 60 jours"
    else:
        assert levees == []


def test_absences_are_consumed_by_their_alert(engine: Engine) -> None:
    _demarrer(engine, "a", date(2017, 1, 2))
    for jour in ("2017-01-03", "2017-01-04", "2017-01-05", "2017-01-06"):
        engine.apply(ev("a", jour, "entretien", presence="absent"))
    assert _ids(engine, "absences_repetees") == [("a", date(2017, 1, 4)), ("a", date(2017, 1, 6))]


@given(debut=JOURS)
@example(debut=date(2018, 1, 31))
@example(debut=date(2019, 8, 31))
@example(debut=date(2019, 12, 31))
def test_interview_overdue_by_more_than_15_days(policy: Policy, debut: date) -> None:
    engine = Engine(policy)
    _demarrer(engine, "a", debut)
    du = plus_mois(debut, 1)  # rythme_entretiens: 1 mois
    jour = du + timedelta(days=16)  # depassee_de: 15 jours → the 16th day after
    assert [a for a in engine.advance(jour - UN_JOUR) if a.alerte == "entretien_en_retard"] == []
    levees = [a for a in engine.advance(jour) if a.alerte == "entretien_en_retard"]
    assert [(a.date, a.niveau) for a in levees] == [(jour, "urgent")]
    assert levees[0].message == f"entretien dû le {du:%d/%m/%Y}, en retard de 16 jours"


@given(debut=JOURS)
@example(debut=date(2018, 1, 31))
@example(debut=date(2019, 8, 31))
@example(debut=date(2019, 12, 31))
def test_an_interview_on_the_last_day_of_tolerance_prevents_it(policy: Policy, debut: date) -> None:
    engine = Engine(policy)
    _demarrer(engine, "a", debut)
    dernier = plus_mois(debut, 1) + timedelta(days=15)
    engine.apply(ev("a", dernier, "entretien", presence="present"))
    suivant = plus_mois(dernier, 1) + timedelta(days=16)
    engine.advance(suivant - UN_JOUR)
    assert _ids(engine, "entretien_en_retard") == []
    engine.advance(suivant)
    assert _ids(engine, "entretien_en_retard") == [("a", suivant)]


@given(debut=JOURS)
@example(debut=date(2018, 1, 31))
@example(debut=date(2019, 8, 31))
@example(debut=date(2019, 12, 31))
def test_cer_ends_within_30_days(policy: Policy, debut: date) -> None:
    engine = Engine(policy)
    _demarrer(engine, "a", debut)
    fin_cer = plus_mois(debut, 6)
    jour = fin_cer - timedelta(days=30)
    engine.advance(jour - UN_JOUR)
    assert _ids(engine, "fin_de_cer_sans_bilan") == []
    engine.advance(jour)
    assert _ids(engine, "fin_de_cer_sans_bilan") == [("a", jour)]


def test_a_bilan_before_the_warning_cancels_it(engine: Engine) -> None:
    _demarrer(engine, "a", date(2017, 1, 10))
    engine.apply(ev("a", "2017-06-01", "bilan"))
    engine.advance(date(2017, 8, 1))
    assert _ids(engine, "fin_de_cer_sans_bilan") == []


def test_occupancy_at_95_percent(engine: Engine) -> None:
    jour = date(2017, 3, 1)
    for i in range(18):
        _demarrer(engine, f"d{i}", jour)
    assert _ids(engine, "occupation_haute") == []
    _demarrer(engine, "d18", jour)  # 19/20 = 95 %
    levees = [a for a in engine.alertes() if a.alerte == "occupation_haute"]
    assert [(a.dossier, a.date) for a in levees] == [("d18", jour)]
    assert levees[0].message == "95,0 % des places occupées (19/20)"
    _demarrer(engine, "d19", jour)  # still above: no new alert
    engine.apply(ev("d0", "2017-03-02", "sortie", motif="abandon"))
    engine.apply(ev("d1", "2017-03-02", "sortie", motif="abandon"))  # 18/20: fell back
    _demarrer(engine, "d20", date(2017, 3, 3))
    assert _ids(engine, "occupation_haute") == [("d18", jour), ("d20", date(2017, 3, 3))]


@given(debut=JOURS, motif=st.sampled_from(["cdi", "abandon"]))
@example(debut=date(2018, 8, 11), motif="cdi")  # exit on 31/08: veille ends 28/02
def test_veille_point_six_months_after_an_exit_to_employment(policy: Policy, debut: date, motif: str) -> None:
    engine = Engine(policy)
    _demarrer(engine, "a", debut)
    sortie = debut + timedelta(days=20)
    engine.apply(ev("a", sortie, "entretien", presence="present"))
    engine.apply(ev("a", sortie, "sortie", motif=motif))
    fin_veille = plus_mois(sortie, 6)
    engine.advance(fin_veille)
    assert _ids(engine, "point_de_veille") == []
    engine.advance(fin_veille + UN_JOUR)
    attendu = [("a", fin_veille + UN_JOUR)] if motif == "cdi" else []
    assert _ids(engine, "point_de_veille") == attendu


@given(debut=JOURS)
@example(debut=date(2018, 1, 31))
@example(debut=date(2019, 8, 31))
@example(debut=date(2019, 12, 31))
def test_parcours_longer_than_its_maximum(policy: Policy, debut: date) -> None:
    engine = Engine(policy)
    _demarrer(engine, "a", debut)
    limite = plus_mois(debut, 9)  # duree.maximum: 9 mois
    engine.advance(limite)
    assert _ids(engine, "parcours_trop_long") == []
    engine.advance(limite + UN_JOUR)
    assert _ids(engine, "parcours_trop_long") == [("a", limite + UN_JOUR)]
    (levee,) = engine.alertes(dossier="a", niveau="attention", dispositif="global")[-1:]
    # the day after the limit is 9 whole months after the start (one more day of the month,
    # or the 1st of the month after a clamped end), whatever the year or the day
    assert (
        levee.message
        == f"parcours de 9 mois depuis le {debut:%d/%m/%Y}, au-delà de la durée maximale (9 mois)"
    )
    assert levee.regle.endswith("politique_alertes.yaml:42")
