"""Deadline alerts other than the interview's: each fires on the day worked out by hand.

politique_echeances.yaml: CER of 3 months, at most 2 renewals, maximum 8 months, convention
from 01/01/2018 to 31/12/2018. Dossier « a » starts on 31/01/2018:

* fin_cer = 31/01 + 3 mois = 30/04/2018 (April has 30 days); ``bilan_bientot`` (15 days
  before, unless a CER is signed) fires on 15/04/2018;
* fin_max = 31/01 + 8 mois = 30/09/2018; ``maximum_proche`` (1 month before) on 30/08/2018,
  31 days before it;
* a bilan on 02/05 leaves ``demarrage``: no end of CER is pending in ``bilan``; the renewal
  of 10/05 opens a period ending 10/08/2018, whose alert fires on 26/07/2018; the second
  renewal, on 25/08, would end on 25/11 but is cut at the maximum, 30/09: alert on 15/09;
* the convention ends on 31/12/2018; ``convention_terminee`` (10 days after) fires on
  11/01/2019 for every dossier still open, 11 days after the end.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from alertes_aides import ev

from parcours.engine import Engine
from parcours.errors import TransitionError
from parcours.policies import Policy, load_policy

POLITIQUE = Path(__file__).with_name("politique_echeances.yaml")
UN_JOUR = date.resolution


@pytest.fixture
def politique() -> Policy:
    return load_policy(str(POLITIQUE))


def _levees(engine: Engine, alerte: str) -> list[tuple[str, date]]:
    return [(a.dossier, a.date) for a in engine.alertes() if a.alerte == alerte]


def _avancer(engine: Engine, jour: date, alerte: str) -> list[tuple[str, date]]:
    return [(a.dossier, a.date) for a in engine.advance(jour) if a.alerte == alerte]


def test_end_of_cer_fires_fifteen_days_before_and_moves_with_bilan_and_renewals(politique: Policy) -> None:
    engine = Engine(politique)
    engine.apply(ev("a", "2018-01-31", "demarrage", dispositif="suivi"))
    assert _avancer(engine, date(2018, 4, 14), "bilan_bientot") == []
    [levee] = [a for a in engine.advance(date(2018, 4, 15)) if a.alerte == "bilan_bientot"]
    assert (levee.dossier, levee.date, levee.niveau) == ("a", date(2018, 4, 15), "info")
    assert levee.message == "bilan dû le 30/04/2018 pour a, dans 15 jours (CER non signé)"
    engine.apply(ev("a", "2018-05-02", "bilan"))
    engine.apply(ev("a", "2018-05-10", "renouvellement"))
    assert engine.dossier("a").fin_cer == date(2018, 8, 10)
    assert _avancer(engine, date(2018, 7, 25), "bilan_bientot") == []
    assert _avancer(engine, date(2018, 7, 26), "bilan_bientot") == [("a", date(2018, 7, 26))]
    engine.apply(ev("a", "2018-08-20", "bilan"))
    engine.apply(ev("a", "2018-08-25", "renouvellement"))
    assert engine.dossier("a").fin_cer == date(2018, 9, 30)  # 25/11 cut at the maximum
    assert _avancer(engine, date(2018, 9, 14), "bilan_bientot") == []
    [troisieme] = [a for a in engine.advance(date(2018, 9, 15)) if a.alerte == "bilan_bientot"]
    assert troisieme.message == "bilan dû le 30/09/2018 pour a, dans 15 jours (CER non signé)"
    assert _levees(engine, "bilan_bientot") == [
        ("a", date(2018, 4, 15)),
        ("a", date(2018, 7, 26)),
        ("a", date(2018, 9, 15)),
    ]


def test_no_end_of_cer_alert_while_the_dossier_is_at_its_bilan(politique: Policy) -> None:
    engine = Engine(politique)
    engine.apply(ev("a", "2018-01-31", "demarrage", dispositif="suivi"))
    engine.apply(ev("a", "2018-04-01", "bilan"))  # before 15/04: the alert is never due
    engine.advance(date(2018, 12, 1))
    assert _levees(engine, "bilan_bientot") == []


def test_a_signed_cer_cancels_the_pending_alert_of_its_period_only(politique: Policy) -> None:
    engine = Engine(politique)
    engine.apply(ev("a", "2018-01-31", "demarrage", dispositif="suivi"))
    engine.apply(ev("b", "2018-01-31", "demarrage", dispositif="suivi"))
    engine.apply(ev("b", "2018-02-01", "cer_signe"))
    assert _avancer(engine, date(2018, 4, 15), "bilan_bientot") == [("a", date(2018, 4, 15))]
    # b's renewal opens a new period: its CER is not signed yet, the alert is due again
    engine.apply(ev("b", "2018-04-20", "bilan"))
    engine.apply(ev("b", "2018-04-20", "renouvellement"))  # fin_cer 20/07/2018
    assert _avancer(engine, date(2018, 7, 4), "bilan_bientot") == []
    assert _avancer(engine, date(2018, 7, 5), "bilan_bientot") == [("b", date(2018, 7, 5))]


def test_the_maximum_duration_alert_fires_one_month_before_it(politique: Policy) -> None:
    engine = Engine(politique)
    engine.apply(ev("a", "2018-01-31", "demarrage", dispositif="suivi"))
    assert engine.dossier("a").fin_max == date(2018, 9, 30)
    assert _avancer(engine, date(2018, 8, 29), "maximum_proche") == []
    [levee] = [a for a in engine.advance(date(2018, 8, 30)) if a.alerte == "maximum_proche"]
    assert (levee.dossier, levee.date, levee.niveau, levee.dispositif) == (
        "a",
        date(2018, 8, 30),
        "attention",
        "suivi",
    )
    assert levee.message == (
        "Durée maximale proche : a (suivi) atteint sa durée maximale le 30/09/2018, "
        "dans 31 jours (duree_maximum, alerte du 30/08/2018)"
    )
    assert levee.regle.endswith("politique_echeances.yaml:18")  # the rule's first line


def test_a_deadline_set_after_its_warning_day_fires_the_day_it_is_set(politique: Policy) -> None:
    """A renewal on 20/09 opens a period cut at the maximum, 30/09: its warning day (15/09) is
    already past, so the alert is dated 20/09, 10 days before the end."""
    engine = Engine(politique)
    engine.apply(ev("a", "2018-01-31", "demarrage", dispositif="suivi"))
    engine.apply(ev("a", "2018-04-14", "cer_signe"))
    bilan = engine.apply(ev("a", "2018-09-20", "bilan"))  # the clock moves to 20/09 first
    assert [(a.alerte, a.date) for a in bilan.alertes] == [("maximum_proche", date(2018, 8, 30))]
    resultat = engine.apply(ev("a", "2018-09-20", "renouvellement"))
    assert [(a.alerte, a.date) for a in resultat.alertes] == [("bilan_bientot", date(2018, 9, 20))]
    assert resultat.alertes[0].message == "bilan dû le 30/09/2018 pour a, dans 10 jours (CER non signé)"
    assert _levees(engine, "bilan_bientot") == [("a", date(2018, 9, 20))]  # 15/04: CER signed on 14/04


def test_the_end_of_the_convention_fires_for_each_open_dossier_eleven_days_after(politique: Policy) -> None:
    engine = Engine(politique)
    engine.apply(ev("a", "2018-01-31", "demarrage", dispositif="suivi"))
    engine.apply(ev("b", "2018-11-02", "demarrage", dispositif="suivi"))
    engine.apply(ev("c", "2018-03-01", "demarrage", dispositif="suivi"))
    engine.apply(ev("c", "2018-12-20", "sortie", motif="fin"))  # gone before the end
    assert _avancer(engine, date(2019, 1, 10), "convention_terminee") == []
    levees = [a for a in engine.advance(date(2019, 1, 11)) if a.alerte == "convention_terminee"]
    assert [(a.dossier, a.date, a.niveau) for a in levees] == [
        ("a", date(2019, 1, 11), "urgent"),
        ("b", date(2019, 1, 11), "urgent"),
    ]
    assert [a.message for a in levees] == [
        "convention terminée le 31/12/2018 : a encore suivi, 11 jours après",
        "convention terminée le 31/12/2018 : b encore suivi, 11 jours après",
    ]


def test_the_renewals_are_bounded_by_count_and_by_the_maximum(politique: Policy) -> None:
    engine = Engine(politique)
    engine.apply(ev("a", "2018-01-31", "demarrage", dispositif="suivi"))
    for jour in ("2018-03-01", "2018-04-01"):
        engine.apply(ev("a", jour, "bilan"))
        engine.apply(ev("a", jour, "renouvellement"))
    assert engine.dossier("a").renouvellements == 2
    engine.apply(ev("a", "2018-05-01", "bilan"))
    with pytest.raises(
        TransitionError,
        match=r"^dossier a \(suivi, étape « bilan »\) : renouvellement refusé : 2 renouvellement\(s\) "
        r"déjà, au plus 2 \(duree\.renouvellements_max\)$",
    ):
        engine.apply(ev("a", "2018-05-01", "renouvellement"))
    engine.apply(ev("b", "2018-01-31", "demarrage", dispositif="suivi"))
    engine.apply(ev("b", "2018-09-29", "bilan"))
    engine.apply(ev("b", "2018-09-29", "renouvellement"))  # the day before the maximum: allowed
    assert engine.dossier("b").fin_cer == date(2018, 9, 30)
    engine.apply(ev("b", "2018-09-30", "bilan"))
    with pytest.raises(
        TransitionError,
        match=r"^dossier b \(suivi, étape « bilan »\) : renouvellement refusé : durée maximale "
        r"atteinte le 30/09/2018 \(duree\.maximum\)$",
    ):
        engine.apply(ev("b", "2018-09-30", "renouvellement"))
