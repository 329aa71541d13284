"""Values with several dates of effect in the reports (the interview rhythm, the places, the
ETP), the « Ensemble » totals of occupancy and rhythm, and ``Periode.precedente()``; every
expected figure is counted by hand in the comments."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from parcours.policies import load_policy_text
from parcours.policies.rules import regles_datees
from parcours.reports import bilan
from parcours.reports._dates import ajouter_regle
from parcours.reports.period import Periode

POLICY = load_policy_text(
    """
departement: "54"
libelle: Test
dispositifs:
  simple:
    libelle: Rythme daté
    etapes: [demarrage, sortie]
    capacite:
      places: {2018-01-01: 10, 2018-07-01: 20}
      etp: {2018-01-01: 1, 2018-10-01: 2}
      portefeuille_par_etp: 30
    rythme_entretiens:
      intervalle_max: {2018-01-01: 1 mois, 2018-07-01: 15 jours}
    motifs_sortie:
      fin: {libelle: Fin, categorie: fin, positive: false}
  strict:
    libelle: Démarrage serré
    etapes: [demarrage, sortie]
    capacite: {places: 5, etp: 0.5}
    rythme_entretiens:
      intervalle_max: 1 mois
      au_demarrage: {intervalle_max: 1 semaine, pendant: {2018-01-01: 2 mois, 2018-10-01: 1 mois}}
    motifs_sortie:
      fin: {libelle: Fin, categorie: fin, positive: false}
"""
)


def _jours(*textes: str) -> np.ndarray:  # type: ignore[type-arg]
    return np.array(textes, dtype="datetime64[D]")


def _texte(jours: np.ndarray) -> list[str]:  # type: ignore[type-arg]
    return [str(j) for j in jours]


def test_the_duration_in_force_on_each_day_is_added() -> None:
    regles = regles_datees(POLICY, "simple")
    quand = _jours(
        "2017-12-31", "2018-01-01", "2018-06-30", "2018-07-01", "2019-01-01", "2018-07-01", "2018-06-30"
    )
    jours = _jours(
        "2017-12-31", "2018-01-31", "2018-06-30", "2018-07-01", "2019-01-01", "2018-03-31", "2018-08-31"
    )
    assert _texte(ajouter_regle(regles, "rythme", jours, quand)) == [
        "NaT",  # before the dispositif opens (its first date of effect): no rule
        "2018-02-28",  # 1 mois from 31/01: the end of February
        "2018-07-30",  # still 1 mois on 30/06
        "2018-07-16",  # 15 jours from 01/07
        "2019-01-16",
        "2018-04-15",  # the day added to is not the day that picks the rule
        "2018-09-30",
    ]
    # the dispositif has no « au_demarrage »: nothing to add, ever
    assert _texte(ajouter_regle(regles, "rythme_demarrage", jours[:2], quand[:2])) == ["NaT", "NaT"]


def test_three_windows_of_a_start_period() -> None:
    regles = regles_datees(POLICY, "strict")
    quand = _jours("2018-03-01", "2018-07-01", "2018-09-30", "2018-10-01")
    debut = _jours("2018-03-01", "2018-07-01", "2018-09-30", "2018-10-01")
    # « pendant » is 2 mois until 30/09, 1 mois from 01/10
    assert _texte(ajouter_regle(regles, "pendant", debut, quand)) == [
        "2018-05-01",
        "2018-09-01",
        "2018-11-30",
        "2018-11-01",
    ]


def ev(dossier: str, jour: str, evenement: str, **extra: object) -> dict[str, object]:
    return {"dossier": dossier, "date": jour, "evenement": evenement, **extra}


EVENTS = [
    # simple: 20/06 under « 1 mois » → due 20/07; 15/07 kept, under « 15 jours » → due 30/07;
    # 05/08 late (30/07 overdue) → due 20/08, after the exit of 10/08: not due
    ev("s", "2018-06-20", "demarrage", dispositif="simple"),
    ev("s", "2018-07-15", "entretien"),
    ev("s", "2018-08-05", "entretien"),
    ev("s", "2018-08-10", "sortie", motif="fin"),
    # strict: 10/01, weekly for 2 months → due 17/01; 15/01 kept → due 22/01, overdue by the
    # exit of 01/02
    ev("t", "2018-01-10", "demarrage", dispositif="strict"),
    ev("t", "2018-01-15", "entretien"),
    ev("t", "2018-02-01", "sortie", motif="fin"),
]


def test_the_rhythm_in_force_on_each_anchor_and_the_total() -> None:
    d = bilan(EVENTS, POLICY, annee=2018).to_dict()
    simple = d["par_dispositif"]["simple"]["rythme"]
    strict = d["par_dispositif"]["strict"]["rythme"]
    # « 1 mois » throughout would keep both, « 15 jours » throughout would keep none
    assert (simple["echeances_dues"], simple["echeances_tenues"]) == (2, 1)
    assert (strict["echeances_dues"], strict["echeances_tenues"]) == (2, 1)
    assert d["rythme"] == {
        "echeances_dues": 4,
        "echeances_tenues": 2,
        "echeances_depassees": 2,
        "taux_respect": 0.5,
    }


def test_occupancy_of_each_dispositif_and_of_the_whole_with_places_that_change() -> None:
    b = bilan(EVENTS, POLICY, annee=2018)
    simple, strict = b.par_dispositif["simple"].occupation, b.par_dispositif["strict"].occupation
    # s: 20/06 → 10/08 both included = 11 + 31 + 10 = 52 days; t: 10/01 → 01/02 = 22 + 1 = 23
    assert (simple.jours_accompagnement, strict.jours_accompagnement) == (52, 23)
    # 181 days at 10 places (January to June), 184 at 20
    assert simple.places == (181 * 10 + 184 * 20) / 365 and strict.places == 5
    assert (simple.etp, simple.portefeuille_par_etp) == (2, 30)  # the ETP in force on 31/12
    total = b.total.occupation
    assert (total.jours, total.jours_accompagnement) == (365, 52 + 23)
    assert total.places == pytest.approx((181 * 10 + 184 * 20) / 365 + 5)
    assert total.etp == 2 + 0.5
    assert total.portefeuille_par_etp is None  # two dispositifs: no single portfolio
    assert total.par_mois["2018-01"] == 22 / 31 and total.par_mois["2018-02"] == 1 / 28
    assert total.par_mois["2018-07"] == 1.0 and total.par_mois["2018-08"] == 10 / 31
    assert total.par_mois["2018-03"] == 0.0 and len(total.par_mois) == 12


def test_places_changing_inside_the_period_and_a_dispositif_without_places() -> None:
    ete = bilan(EVENTS, POLICY, du=date(2018, 6, 1), au=date(2018, 7, 31), dispositif="simple")
    occ = ete.total.occupation
    assert occ.places == (30 * 10 + 31 * 20) / 61  # June at 10 places, July at 20
    assert occ.jours_accompagnement == 11 + 31
    assert occ.etp == 1 and occ.portefeuille_par_etp == 30  # one dispositif: its own
    assert list(occ.par_mois) == ["2018-06", "2018-07"]
    # one dispositif without places: the whole has no places nor ETP (not a partial sum)
    sans = load_policy_text(
        "departement: T\nlibelle: T\ndispositifs:\n"
        "  avec:\n    libelle: A\n    etapes: [demarrage, sortie]\n    capacite: {places: 3, etp: 1}\n"
        "    motifs_sortie: {fin: {libelle: Fin, categorie: fin, positive: false}}\n"
        "  libre:\n    libelle: L\n    etapes: [demarrage, sortie]\n"
        "    motifs_sortie: {fin: {libelle: Fin, categorie: fin, positive: false}}\n"
    )
    b = bilan([ev("l", "2018-03-01", "demarrage", dispositif="libre")], sans, annee=2018)
    rien = b.total.occupation
    assert (rien.places, rien.etp, rien.taux_occupation) == (None, None, None)
    assert b.par_dispositif["avec"].occupation.places == 3
    assert rien.jours_accompagnement == 365 - 59  # 01/03 → 31/12: 306 days


@pytest.mark.parametrize(
    ("periode", "avant"),
    [
        (Periode.annee(2018), Periode(date(2017, 1, 1), date(2017, 12, 31))),
        # 92 days (March to May) → the 92 days before 01/03
        (Periode(date(2018, 3, 1), date(2018, 5, 31)), Periode(date(2017, 11, 29), date(2018, 2, 28))),
        # a leap February: 31 days before 01/03/2020 start on 30/01
        (Periode(date(2020, 3, 1), date(2020, 3, 31)), Periode(date(2020, 1, 30), date(2020, 2, 29))),
        # one day short of a year is a span of days, not a year
        (Periode(date(2018, 1, 1), date(2018, 12, 30)), Periode(date(2017, 1, 2), date(2017, 12, 31))),
        (Periode(date(2018, 5, 5), date(2018, 5, 5)), Periode(date(2018, 5, 4), date(2018, 5, 4))),
    ],
)
def test_the_period_before(periode: Periode, avant: Periode) -> None:
    assert periode.precedente() == avant
    assert avant.jours == periode.jours or periode.est_annee


def test_a_period_says_whether_it_is_a_year_and_names_itself() -> None:
    assert Periode.annee(2018).est_annee and str(Periode.annee(2018)) == "2018"
    assert not Periode(date(2018, 1, 2), date(2018, 12, 31)).est_annee
    assert not Periode(date(2018, 1, 1), date(2019, 12, 31)).est_annee
    assert Periode(date(2018, 2, 1), date(2018, 2, 28)).libelle() == "du 01/02/2018 au 28/02/2018"
    assert Periode(date(2018, 2, 1), date(2018, 2, 28)).jours == 28
