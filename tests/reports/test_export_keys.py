"""The bilan as data (reports/export.py, compare.py): every key of ``Bilan.to_dict()`` that
docs/rapports.md lists, with the value computed here by hand from the figures of
tests/reports/bilan_a_la_main.py; the flat indicator columns of ``to_frame()``, the
comparison with the year before, and ``sorties_frame``."""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Any

from bilan_a_la_main import ALPHA, BETA, MOIS_ALPHA, bilan_2017, bilan_2018, bilan_printemps

from parcours.reports.export import TAUX, sorties_frame
from parcours.reports.model import Indicateurs

MOIS = 365.25 / 12  # a month in days (docs/rapports.md)
MOYENNE = 14782 / 365  # occupancy of alpha and of the whole: 40,4986 places a day

# The indicators of a dispositif with no figure at all: counts at 0, rates null.
VIDE: dict[str, Any] = {
    "accompagnees": 0,
    "sorties": 0,
    "encore_suivies_au_31_12": 0,
    "entrees": 0,
    "sorties_par_motif": {},
    "sorties_par_categorie": {},
    "sorties_positives": 0,
    "taux_sorties_positives": None,
    "sorties_emploi": 0,
    "duree_totale_jours": 0,
    "duree_moyenne_mois": None,
    "duree_mediane_mois": None,
    "objectifs": {},
    "repartition": {},
    "cer_signes": 0,
    "rendez_vous": 0,
    "rendez_vous_manques": 0,
    "nombre_moyen_rendez_vous": None,
    "personnes_recues": 0,
    "personnes_mobilisees": 0,
    "taux_mobilisation": None,
    "entrees_accompagnement_global": 0,
    "reorientations": 0,
    "rythme": {"echeances_dues": 0, "echeances_tenues": 0, "echeances_depassees": 0, "taux_respect": None},
    "occupation": {
        "jours": 0,
        "jours_accompagnement": 0,
        "occupation_moyenne": None,
        "places": None,
        "taux_occupation": None,
        "etp": None,
        "charge_par_etp": None,
        "portefeuille_par_etp": None,
        "par_mois": {},
    },
    "veille": {"sorties_observees": 0, "en_emploi": 0, "taux_emploi": None},
    "orientes": 0,
    "taux_orientation_6_semaines": None,
    "matures_orientation": 0,
    "orientations_dans_le_delai": 0,
    "delai_median_orientation_jours": None,
    "contrats_engagement": 0,
    "taux_contrat_1_mois": None,
    "matures_contrat": 0,
    "contrats_dans_le_delai": 0,
    "delai_median_contrat_jours": None,
    "heures_hebdomadaires_moyennes": None,
    "contrats_avec_heures": 0,
    "part_dispenses": None,
    "dispenses": 0,
    "sanctions": 0,
    "taux_remobilisation": None,
    "matures_remobilisation": 0,
    "remobilisations_dans_le_delai": 0,
    "reexamens_en_retard": 0,
}


def _objectif(
    libelle: str, num: int, den: int, attendu: float, obtenu: float | None, atteint: bool | None
) -> Any:
    return {
        "libelle": libelle,
        "base": "sorties",
        "numerateur": num,
        "denominateur": den,
        "taux_attendu": attendu,
        "taux_obtenu": obtenu,
        "atteint": atteint,
    }


COMMUN: dict[str, Any] = {  # alpha and the whole share these
    "sorties": 8,
    "sorties_par_motif": {"licorne": 1, "abandon": 2, "cdi": 5},
    "sorties_positives": 5,
    "taux_sorties_positives": 5 / 8,
    "duree_totale_jours": 1000,
    "duree_moyenne_mois": 1000 / 8 / MOIS,
    "duree_mediane_mois": 3.0,
    "cer_signes": 3,
    "rendez_vous_manques": 17,
    "entrees_accompagnement_global": 2,
    "rythme": {"echeances_dues": 10, "echeances_tenues": 7, "echeances_depassees": 3, "taux_respect": 0.7},
    "veille": {"sorties_observees": 4, "en_emploi": 1, "taux_emploi": 0.25},
    "orientes": 6,
    "matures_orientation": 4,
    "orientations_dans_le_delai": 3,
    "taux_orientation_6_semaines": 0.75,
    "delai_median_orientation_jours": 20.25,
    "contrats_engagement": 5,
    "dispenses": 1,
    "part_dispenses": 0.2,
    "sanctions": 2,
    "reexamens_en_retard": 1,
}
ALPHA_DICT: dict[str, Any] = {
    **VIDE,
    **COMMUN,
    "accompagnees": 1341,
    "encore_suivies_au_31_12": 1333,
    "entrees": 1200,
    "sorties_par_categorie": {"emploi": 5, "autre": 3},
    "sorties_emploi": 5,
    "objectifs": {
        "positives": _objectif("Sorties positives", 5, 8, 0.15, 0.625, True),
        "reprise": _objectif("Reprise d'emploi", 1, 8, 0.5, 0.125, False),
        "vide": _objectif("Sans base", 0, 0, 0.2, None, None),
    },
    "repartition": {
        "sexe": {"H": 600, "F": 700},
        "niveau_formation": {"V": 3},
        "ma_cle": {"false": 41, "true": 1300},
    },
    "rendez_vous": 1250,
    "nombre_moyen_rendez_vous": 1250 / 1341,
    "personnes_recues": 40,
    "personnes_mobilisees": 30,
    "taux_mobilisation": 0.75,
    "reorientations": 4,
    "occupation": {
        "jours": 365,
        "jours_accompagnement": 14782,
        "occupation_moyenne": MOYENNE,
        "places": 45.0,
        "taux_occupation": MOYENNE / 45,
        "etp": 2.0,
        "charge_par_etp": MOYENNE / 2,
        "portefeuille_par_etp": 60,
        "par_mois": MOIS_ALPHA,
    },
    "matures_contrat": 1,
    "contrats_dans_le_delai": 1,
    "taux_contrat_1_mois": 1.0,
    "contrats_avec_heures": 2,
    "heures_hebdomadaires_moyennes": 15.0,
    "matures_remobilisation": 1,
    "taux_remobilisation": 0.0,
}
BETA_DICT: dict[str, Any] = {
    **VIDE,
    "accompagnees": 2,
    "encore_suivies_au_31_12": 2,
    "entrees": 2,
    "rendez_vous": 3,
    "nombre_moyen_rendez_vous": 1.5,
    "personnes_recues": 2,
    "personnes_mobilisees": 2,
    "taux_mobilisation": 1.0,
    "occupation": {**VIDE["occupation"], "places": 10.0},
}
TOTAL_DICT: dict[str, Any] = {
    **VIDE,
    **COMMUN,
    "accompagnees": 1343,
    "encore_suivies_au_31_12": 1335,
    "entrees": 1202,
    "repartition": {"sexe": {"H": 600, "F": 700}},
    "rendez_vous": 1253,
    "nombre_moyen_rendez_vous": 1253 / 1343,
    "personnes_recues": 42,
    "personnes_mobilisees": 32,
    "taux_mobilisation": 32 / 42,
    "occupation": {
        **ALPHA_DICT["occupation"],
        "places": 55.0,
        "taux_occupation": MOYENNE / 55,
        "etp": 3.0,
        "charge_par_etp": MOYENNE / 3,
    },
    # the département's droits et devoirs
    "orientes": 8,
    "matures_orientation": 5,
    "taux_orientation_6_semaines": 0.6,
    "delai_median_orientation_jours": 21.0,
    "delai_median_contrat_jours": 12.5,
}


def test_to_dict_holds_every_key_of_the_contract_with_its_value() -> None:
    d = bilan_2018().to_dict()
    attendu = {
        "politique": "test_politique",
        "periode": {"du": "2018-01-01", "au": "2018-12-31", "libelle": "2018"},
        "dispositif": None,
        "source": "journal.jsonl",
        "evenements": 4321,
        "lignes_ignorees": 3,
        "problemes": [
            {"numero": 7, "unite": "ligne", "message": "date invalide"},
            {"numero": 9, "unite": "ligne", "message": "dossier inconnu"},
        ],
        **TOTAL_DICT,
        "par_dispositif": {"alpha": {"libelle": ALPHA, **ALPHA_DICT}, "beta": {"libelle": BETA, **BETA_DICT}},
        "capacites_communes": {
            "pool": {
                "libelle": "Places | communes",
                "dispositifs": ["alpha", "beta"],
                "occupation": {
                    **VIDE["occupation"],
                    "jours": 365,
                    "jours_accompagnement": 14782,
                    "occupation_moyenne": MOYENNE,
                    "places": 50.0,
                    "taux_occupation": MOYENNE / 50,
                },
            }
        },
    }
    for cle in attendu:  # one key at a time: a failure names it
        assert d[cle] == attendu[cle], cle
    assert d == attendu


def test_a_span_of_days_and_one_dispositif() -> None:
    d = bilan_printemps().to_dict()
    assert d["periode"] == {"du": "2018-03-01", "au": "2018-05-31", "libelle": "du 01/03/2018 au 31/05/2018"}
    assert d["dispositif"] == "beta" and list(d["par_dispositif"]) == ["beta"]
    assert d["capacites_communes"] == {} and d["problemes"] == []


# the flat columns of a frame: column → value for alpha (hand values above)
COLONNES_ALPHA: dict[str, Any] = {
    "libelle": ALPHA,
    "accompagnees": 1341,
    "sorties": 8,
    "encore_suivies_au_31_12": 1333,
    "entrees": 1200,
    "sorties_positives": 5,
    "taux_sorties_positives": 0.625,
    "sorties_emploi": 5,
    "duree_moyenne_mois": 1000 / 8 / MOIS,
    "duree_mediane_mois": 3.0,
    "cer_signes": 3,
    "rendez_vous": 1250,
    "nombre_moyen_rendez_vous": 1250 / 1341,
    "personnes_recues": 40,
    "personnes_mobilisees": 30,
    "taux_mobilisation": 0.75,
    "entrees_accompagnement_global": 2,
    "echeances_dues": 10,
    "echeances_depassees": 3,
    "taux_respect_rythme": 0.7,
    "occupation_moyenne": MOYENNE,
    "places": 45.0,
    "taux_occupation": MOYENNE / 45,
    "charge_par_etp": MOYENNE / 2,
    "portefeuille_par_etp": 60,
    "veille_sorties_observees": 4,
    "taux_emploi_veille": 0.25,
}


def _egal(a: Any, b: Any) -> bool:
    """Equal, a missing figure (None or NaN) equal to a missing one."""
    manque = [x is None or (isinstance(x, float) and math.isnan(x)) for x in (a, b)]
    return all(manque) if any(manque) else bool(a == b)


def test_the_frame_has_one_row_per_dispositif_and_the_whole_with_the_flat_columns() -> None:
    frame = bilan_2018().to_frame()
    assert list(frame.index) == ["alpha", "beta", "ensemble"] and frame.index.name == "dispositif"
    assert list(frame.columns) == list(COLONNES_ALPHA)
    for colonne, valeur in COLONNES_ALPHA.items():
        assert _egal(frame.loc["alpha", colonne], valeur), colonne
    beta = {
        "libelle": BETA,
        "accompagnees": 2,
        "places": 10.0,
        "taux_occupation": None,
        "personnes_recues": 2,
    }
    ensemble = {"libelle": "Ensemble", "accompagnees": 1343, "places": 55.0, "taux_mobilisation": 32 / 42}
    for ligne, valeurs in (("beta", beta), ("ensemble", ensemble)):
        for colonne, valeur in valeurs.items():
            assert _egal(frame.loc[ligne, colonne], valeur), (ligne, colonne)
    # one dispositif: no « ensemble » row
    assert list(bilan_printemps().to_frame().index) == ["beta"]


def test_the_rate_columns_are_the_fractions() -> None:
    taux = {"taux_sorties_positives", "taux_mobilisation", "taux_respect_rythme", "taux_occupation"}
    assert taux | {"taux_emploi_veille"} == TAUX


def test_the_exits_frame_one_row_per_motif_with_its_share() -> None:
    frame = sorties_frame(bilan_2018())
    assert list(frame.columns) == ["dispositif", "motif", "sorties", "part"]
    par_motif = [("licorne", 1, 1 / 8), ("abandon", 2, 2 / 8), ("cdi", 5, 5 / 8)]
    attendu = [("alpha", *m) for m in par_motif] + [("ensemble", *m) for m in par_motif]  # beta: none
    assert [tuple(r) for r in frame.itertuples(index=False)] == attendu
    sans = replace(bilan_printemps(), par_dispositif={"beta": Indicateurs(sorties_par_motif={"fin": 0})})
    assert [tuple(r) for r in sorties_frame(sans).itertuples(index=False)] == [("beta", "fin", 0, None)]


def test_the_comparison_with_the_year_before() -> None:
    comp = bilan_2018().compare(bilan_2017())
    d = comp.to_dict()
    assert (d["periode"], d["periode_precedente"]) == ("2018", "2017")
    assert d["accompagnees"] == {"actuel": 1343, "precedent": 1100, "ecart": 243}
    assert d["sorties"] == {"actuel": 8, "precedent": 250, "ecart": -242}
    # 2017: 0 positive exit of 250 (a rate of 0); no occupancy (no rate, no change)
    assert d["taux_sorties_positives"] == {"actuel": 0.625, "precedent": 0.0, "ecart": 0.625}
    assert d["taux_occupation"] == {"actuel": MOYENNE / 55, "precedent": None, "ecart": None}
    assert d["par_dispositif"]["alpha"]["encore_suivies_au_31_12"] == {
        "actuel": 1333,
        "precedent": 850,
        "ecart": 483,
    }
    # beta did not exist in 2017: no former value, no change, for every indicator
    beta = d["par_dispositif"]["beta"]
    assert beta["accompagnees"] == {"actuel": 2, "precedent": None, "ecart": None}
    assert {k for k, v in beta.items() if v["precedent"] is not None or v["ecart"] is not None} == set()
    assert set(beta) == set(COLONNES_ALPHA) - {"libelle"}
    frame = comp.to_frame()
    assert list(frame.index) == ["alpha", "beta", "ensemble"]
    assert list(frame.columns) == sorted(frame.columns)
    assert {c for c, _ in frame.columns} == set(COLONNES_ALPHA) - {"libelle"}
    assert {q for _, q in frame.columns} == {"actuel", "precedent", "ecart"}
    assert frame.loc["alpha", ("accompagnees", "actuel")] == 1341
    assert frame.loc["alpha", ("accompagnees", "precedent")] == 1100
    assert frame.loc["alpha", ("accompagnees", "ecart")] == 241
    # 2017 has one dispositif, hence no « ensemble » row: nothing to compare the whole with
    assert math.isnan(frame.loc["ensemble", ("accompagnees", "precedent")])
    assert math.isnan(frame.loc["ensemble", ("accompagnees", "ecart")])
    assert math.isnan(frame.loc["alpha", ("taux_occupation", "ecart")])


def test_the_exits_frame_of_a_bilan_without_exit_keeps_its_columns() -> None:
    frame = sorties_frame(bilan_printemps())
    assert list(frame.columns) == ["dispositif", "motif", "sorties", "part"] and len(frame) == 0


def test_the_comparison_frame_has_the_rows_of_the_current_period_only() -> None:
    """A dispositif of the former period that is gone is not a row of the comparison."""
    avant = bilan_2017()
    ancien = Indicateurs(accompagnees=7)
    avant = replace(avant, par_dispositif={**avant.par_dispositif, "ancien": ancien})
    frame = bilan_2018().compare(avant).to_frame()
    assert list(frame.index) == ["alpha", "beta", "ensemble"]
    assert "ancien" not in bilan_2018().compare(avant).to_dict()["par_dispositif"]


def test_a_dispositif_without_label_is_labelled_by_its_id() -> None:
    d = replace(bilan_2018(), libelles={"alpha": ALPHA}).to_dict()
    assert (d["par_dispositif"]["alpha"]["libelle"], d["par_dispositif"]["beta"]["libelle"]) == (
        ALPHA,
        "beta",
    )
