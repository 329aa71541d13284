"""Interview rhythm and occupancy on journals small enough to count by hand."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from parcours.policies import Duree, load_policy_text
from parcours.reports import bilan
from parcours.reports._dates import ajouter

POLICY = load_policy_text(
    """
departement: "54"
libelle: Test
dispositifs:
  quinze:
    libelle: Tous les quinze jours
    etapes: [demarrage, sortie]
    capacite:
      places: {2018-01-01: 10, 2018-07-01: 20}
      etp: 0.5
      portefeuille_par_etp: 30
    rythme_entretiens: {intervalle_max: 15 jours}
    motifs_sortie:
      fin: {libelle: Fin, categorie: fin, positive: false}
  mensuel:
    libelle: Mensuel
    etapes: [demarrage, sortie]
    rythme_entretiens:
      intervalle_max: 1 mois
      au_demarrage: {intervalle_max: 1 semaine, pendant: 1 mois}
    motifs_sortie:
      fin: {libelle: Fin, categorie: fin, positive: false}
"""
)


def ev(dossier: str, jour: str, evenement: str, **extra: object) -> dict[str, object]:
    return {"dossier": dossier, "date": jour, "evenement": evenement, **extra}


def test_fortnightly_deadlines() -> None:
    events = [
        ev("a", "2018-01-01", "demarrage", dispositif="quinze"),  # due 16/01
        ev("a", "2018-01-10", "entretien"),  # kept; due 25/01
        ev("a", "2018-01-30", "entretien"),  # late: 25/01 overdue; due 14/02
        ev("a", "2018-02-05", "entretien", presence="absent"),  # missed: no new anchor
        ev("a", "2018-02-14", "entretien"),  # kept (on the day); due 01/03
        ev("a", "2018-02-20", "sortie", motif="fin"),  # 01/03 falls after the exit: not due
    ]
    d = bilan(events, POLICY, annee=2018, dispositif="quinze").to_dict()
    assert d["rythme"] == {
        "echeances_dues": 3,  # 16/01, 25/01, 14/02
        "echeances_tenues": 2,
        "echeances_depassees": 1,
        "taux_respect": 2 / 3,
    }
    # January: 16/01 (kept) and 25/01 (overdue) fall in it
    jan = bilan(events, POLICY, du=date(2018, 1, 1), au=date(2018, 1, 31), dispositif="quinze").to_dict()
    assert (jan["rythme"]["echeances_dues"], jan["rythme"]["echeances_tenues"]) == (2, 1)


def test_monthly_after_a_weekly_start_and_month_ends() -> None:
    events = [
        ev("m", "2018-01-31", "demarrage", dispositif="mensuel"),  # first month: due 07/02
        ev("m", "2018-02-06", "entretien"),  # kept; still in the first month: due 13/02
        ev("m", "2018-02-13", "entretien"),  # kept; still before 28/02: due 20/02
        ev("m", "2018-03-01", "entretien"),  # late (20/02 overdue); after the first month: due 01/04
    ]
    d = bilan(events, POLICY, du=date(2018, 1, 1), au=date(2018, 3, 31), dispositif="mensuel").to_dict()
    assert (d["rythme"]["echeances_dues"], d["rythme"]["echeances_tenues"]) == (3, 2)
    # 31/01 + 1 mois is 28/02 (clamped), so 31/01 + 1 mois with no interview falls in February
    lone = [ev("n", "2018-01-31", "demarrage", dispositif="mensuel")]
    late = bilan(lone, POLICY, du=date(2018, 2, 7), au=date(2018, 2, 7), dispositif="mensuel").to_dict()
    assert late["rythme"]["echeances_depassees"] == 1


def test_occupancy_against_dated_capacity() -> None:
    events = [
        ev("a", "2018-01-01", "demarrage", dispositif="quinze"),
        ev("b", "2018-07-01", "demarrage", dispositif="quinze"),
        ev("b", "2018-07-10", "sortie", motif="fin"),
    ]
    d = bilan(events, POLICY, annee=2018, dispositif="quinze").to_dict()
    occ = d["occupation"]
    assert occ["jours_accompagnement"] == 365 + 10  # a every day, b from 01/07 to 10/07 included
    assert occ["occupation_moyenne"] == 375 / 365
    # 181 days at 10 places, 184 days at 20 places
    assert occ["places"] == (181 * 10 + 184 * 20) / 365
    assert occ["charge_par_etp"] == (375 / 365) / 0.5
    assert occ["portefeuille_par_etp"] == 30
    assert occ["par_mois"]["2018-07"] == (31 + 10) / 31
    assert occ["par_mois"]["2018-01"] == 1.0


@given(
    st.dates(date(1990, 1, 1), date(2100, 12, 31)),
    st.integers(0, 40),
    st.sampled_from(["jours", "semaines", "mois", "ans"]),
)
def test_vectorised_durations_agree_with_duree(jour: date, n: int, unite: str) -> None:
    duree = Duree(n, unite)  # type: ignore[arg-type]
    got = ajouter(np.array([jour, jour + timedelta(1)], dtype="datetime64[D]"), duree)
    assert [x.astype(object) for x in got] == [duree.ajouter(jour), duree.ajouter(jour + timedelta(1))]
