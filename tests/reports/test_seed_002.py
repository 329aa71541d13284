"""Seed 002 (ARS Nancy, bilan 2018): each convention's yearly table and the 2018 totals.

Every expected figure below is copied from seed 002, never from the code's output.
"""

from __future__ import annotations

import itertools
from datetime import date

import pytest
from reports_builders import JournalBuilder

from parcours._french import format_part
from parcours.reports import bilan, read_journal

# seed 002, « DETAIL DES CONVENTIONS »: (year, accompagnées, sorties, encore suivies au 31/12)
TABLES_002 = {
    "nancy_couronne": [(2016, 237, 159, 78), (2017, 222, 107, 115), (2018, 251, 137, 114)],
    "dom": [(2016, 144, 77, 67), (2017, 176, 102, 74), (2018, 150, 81, 69)],
    "lunevillois": [(2016, 50, 22, 28), (2017, 70, 25, 45), (2018, 58, 24, 34)],
    "terres_de_lorraine": [(2016, 42, 42, 0), (2017, 37, 17, 20), (2018, 31, 31, 0)],
    "dsp": [(2016, 130, 71, 59), (2017, 119, 90, 29), (2018, 126, 77, 49)],
    "cec": [(2016, 16, 7, 9), (2017, 20, 6, 14), (2018, 21, 10, 11)],
}


@pytest.fixture(scope="module")
def journal_conventions(pol002):  # type: ignore[no-untyped-def]
    jb = JournalBuilder(seed=2)
    for ident, rows in TABLES_002.items():
        jb.yearly_table(ident, rows)
        jb.noise(ident, 2016, 2018)
    return read_journal(jb.events, pol002)


@pytest.mark.parametrize("ident", list(TABLES_002))
@pytest.mark.parametrize("index", [0, 1, 2])
def test_each_convention_each_year(journal_conventions, pol002, ident, index):  # type: ignore[no-untyped-def]
    year, acc, sorties, encore = TABLES_002[ident][index]
    b = bilan(journal_conventions, pol002, annee=year)
    d = b.to_dict()["par_dispositif"][ident]
    assert (d["accompagnees"], d["sorties"], d["encore_suivies_au_31_12"]) == (acc, sorties, encore)
    one = bilan(journal_conventions, pol002, annee=year, dispositif=ident).to_dict()
    assert (one["accompagnees"], one["sorties"], one["encore_suivies_au_31_12"]) == (acc, sorties, encore)


def test_no_line_was_set_aside(journal_conventions):  # type: ignore[no-untyped-def]
    assert journal_conventions.lignes_ignorees == 0


def test_total_of_the_six_tables_2018(journal_conventions, pol002):  # type: ignore[no-untyped-def]
    d = bilan(journal_conventions, pol002, annee=2018).to_dict()
    # 251+150+58+31+126+21, 137+81+24+31+77+10, 114+69+34+0+49+11
    assert (d["accompagnees"], d["sorties"], d["encore_suivies_au_31_12"]) == (637, 360, 277)


# seed 002, « ACTIVITÉS 2018 »: 379 exits by category, 668 accompanied, 289 still followed,
# 181 women (27 %) and 487 men (73 %), average duration 5.8 months.
SORTIES_2018 = {
    "cdi_cdd": 40,
    "cddi_cae_cui": 32,
    "formation_qualifiante": 11,
    "sortie_rsa": 63,
    "relais": 213,
    "abandon": 9,
    "incarceration": 9,
    "deces": 2,
}


@pytest.fixture(scope="module")
def bilan_2018(pol002):  # type: ignore[no-untyped-def]
    """A journal of the 2018 totals: 379 exits by motif, 289 still followed, 181 women."""
    jb = JournalBuilder(seed=18)
    motifs = list(itertools.chain.from_iterable([m] * n for m, n in SORTIES_2018.items()))
    sexes = ["F"] * 181 + ["H"] * 487
    jb.rng.shuffle(sexes)
    # durations of the exits: 5.8 months on average (150 and 203 days, alternately)
    for i, motif in enumerate(motifs):
        fin = date(2018, 6, 1).replace(day=1 + i % 28)
        duree = 150 if i % 2 == 0 else 203
        debut = date.fromordinal(fin.toordinal() - duree)
        jb.parcours("nancy_couronne", debut, fin, motif, profil={"sexe": sexes[i]})
    # still followed: within each convention's places (175, 110), or the engine refuses them
    for i in range(289):
        convention = "nancy_couronne" if i < 170 else "dom" if i < 280 else "lunevillois"
        jb.parcours(convention, date(2018, 3, 1), profil={"sexe": sexes[379 + i]})
    jb.noise("nancy_couronne", 2018)
    return bilan(jb.events, pol002, annee=2018)


def test_totals_2018(bilan_2018):  # type: ignore[no-untyped-def]
    d = bilan_2018.to_dict()
    assert (d["accompagnees"], d["sorties"], d["encore_suivies_au_31_12"]) == (668, 379, 289)
    assert d["sorties_par_motif"] == SORTIES_2018
    assert sum(d["sorties_par_motif"].values()) == 379


def test_exits_by_category_2018(bilan_2018):  # type: ignore[no-untyped-def]
    d = bilan_2018.to_dict()
    assert d["sorties_par_categorie"] == {
        "activite_professionnelle": 72,  # 40 CDI / CDD + 32 CDDI / CAE / CUI
        "formation": 11,
        "sortie_rsa": 63,
        "relais": 213,
        "abandon": 9,
        "incarceration": 9,
        "deces": 2,
    }
    # positive exits: activité professionnelle and formation qualifiante (72 + 11)
    assert d["sorties_positives"] == 83
    assert d["sorties_emploi"] == 72


def test_women_and_men_2018(bilan_2018):  # type: ignore[no-untyped-def]
    d = bilan_2018.to_dict()
    assert d["repartition"]["sexe"] == {"F": 181, "H": 487}
    assert format_part(181, d["accompagnees"], 0) == "27 %"
    assert format_part(487, d["accompagnees"], 0) == "73 %"


def test_average_duration_2018(bilan_2018):  # type: ignore[no-untyped-def]
    d = bilan_2018.to_dict()
    # 190 exits after 150 days, 189 after 203 days (the journal built above)
    assert d["duree_moyenne_mois"] == pytest.approx((190 * 150 + 189 * 203) / 379 / (365.25 / 12))
    assert f"{d['duree_moyenne_mois']:.1f}" == "5.8"


def test_objectives_15_15(bilan_2018):  # type: ignore[no-untyped-def]
    """Seed 001's expected results (15 % / 15 %) against the 2018 exits."""
    obj = bilan_2018.to_dict()["par_dispositif"]["nancy_couronne"]["objectifs"]
    assert obj["reprise"]["taux_attendu"] == pytest.approx(0.15)
    assert (obj["reprise"]["numerateur"], obj["reprise"]["denominateur"]) == (72, 379)
    assert obj["reprise"]["atteint"] is True  # 19.0 %
    assert (obj["positives"]["numerateur"], obj["positives"]["denominateur"]) == (83, 379)
