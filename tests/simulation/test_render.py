"""The simulation's renderings write figures and dates in French, as the bilans do."""

from __future__ import annotations

from parcours.simulation._render import en_html, en_texte

ENTETE = {"politique": "p", "du": "2018-01-01", "au": "2018-12-31", "dispositifs": "d", "graine": 3}


def test_a_run_is_written_with_french_dates_and_numbers() -> None:
    resultat = {
        "indicateurs": {"accompagnees": 12345, "taux_sorties_positives": 0.2034, "duree_moyenne_mois": 8.333},
        "bilan": {"sorties_par_motif": {"cdi": 1500}},
    }
    texte = en_texte(ENTETE, resultat)
    assert texte.splitlines()[0] == "p : simulation du 01/01/2018 au 31/12/2018 (d), graine 3"
    lignes = dict(ligne.rsplit("  ", 1) for ligne in texte.splitlines()[1:])
    assert lignes["Personnes accompagnées".ljust(37)].strip() == "12\u202f345"
    assert lignes["Taux de sorties positives".ljust(37)].strip() == "20,3 %"
    assert lignes["Durée moyenne d'accompagnement (mois)"].strip() == "8,33"
    assert "1\u202f500" in texte and "01/01/2018" in en_html(ENTETE, resultat)


def test_monte_carlo_intervals_are_written_in_french() -> None:
    resultat = {
        "runs": 20,
        "niveau": 0.95,
        "indicateurs": {"sorties": {"moyenne": 1234.5, "bas": 1200.25, "haut": 1268.75}},
    }
    ligne = en_texte({**ENTETE, "runs": 20}, resultat).splitlines()[1]
    assert ligne.endswith("1\u202f234,50  [1\u202f200,25 ; 1\u202f268,75] à 95 %")
    assert en_texte({**ENTETE, "runs": 20}, resultat).startswith("p : 20 simulations du 01/01/2018")
