"""A bilan written by hand (no journal, no computation) and its tables as a reader expects them.

The renderings of a bilan are pure functions of its figures: these tests give them figures
chosen to reach every branch (a thousand, a rounding, a missing figure, an objective met or
not, a profile with and without « Non renseigné », a period with no exit, a label with a pipe
or a markup character) and hold the Markdown and the HTML to tables whose every cell was
computed here by hand from those figures (the arithmetic is in the comments). Nothing below is
copied from the code's output. « \u202f » is the narrow no-break space of French thousands.
"""

from __future__ import annotations

from datetime import date

from parcours.engine.journal import LigneEcartee
from parcours.reports.compute import Bilan
from parcours.reports.model import (
    Activite,
    BilanVeille,
    CapacitePartagee,
    Indicateurs,
    IndicateursDroits,
    Occupation,
    ResultatObjectif,
    Rythme,
)
from parcours.reports.period import Periode

Rows = list[list[str]]
Table = tuple[list[str], Rows]

ALPHA, BETA = "Atelier Alpha & Co", "Beta <jeunes>"
MOIS_ALPHA = {"2018-01": 38.0, "2018-02": 42.5, "2018-03": 40.0}

DROITS_ALPHA = IndicateursDroits(
    evenements=12,
    orientes=6,
    matures_orientation=4,
    orientations_dans_le_delai=3,
    delai_median_orientation_jours=20.25,
    contrats_engagement=5,
    matures_contrat=1,
    contrats_dans_le_delai=1,
    contrats_avec_heures=2,
    heures_contractuelles=30.0,
    dispenses=1,
    sanctions=2,
    matures_remobilisation=1,
    remobilisations_dans_le_delai=0,
    reexamens_en_retard=1,
)
# the département's: also dossiers outside any dispositif
DROITS_TOTAL = IndicateursDroits(
    evenements=15,
    orientes=8,
    matures_orientation=5,
    orientations_dans_le_delai=3,
    delai_median_orientation_jours=21.0,
    contrats_engagement=5,
    matures_contrat=0,
    delai_median_contrat_jours=12.5,
    dispenses=1,
    sanctions=2,
    reexamens_en_retard=1,
)

INDICATEURS_ALPHA = Indicateurs(
    accompagnees=1341,
    sorties=8,
    encore_suivies=1333,
    entrees=1200,
    sorties_par_motif={"licorne": 1, "abandon": 2, "cdi": 5},  # ascending: the table sorts them
    sorties_par_categorie={"emploi": 5, "autre": 3},
    sorties_positives=5,
    sorties_emploi=5,
    duree_totale_jours=1000,
    duree_mediane_jours=91.3125,  # 3 × 30,4375
    objectifs={
        "positives": ResultatObjectif("Sorties positives", 0.15, 5, 8, "sorties"),
        "reprise": ResultatObjectif("Reprise d'emploi", 0.5, 1, 8, "sorties"),
        "vide": ResultatObjectif("Sans base", 0.2, 0, 0, "sorties"),
    },
    repartition={
        "sexe": {"H": 600, "F": 700},
        "niveau_formation": {"V": 3},
        "ma_cle": {"false": 41, "true": 1300},
    },
    activite=Activite(
        cer_signes=3,
        rendez_vous=1250,
        rendez_vous_manques=17,
        personnes_recues=40,
        personnes_mobilisees=30,
        entrees_accompagnement_global=2,
        reorientations=4,
    ),
    rythme=Rythme(echeances_dues=10, echeances_tenues=7),
    occupation=Occupation(
        jours=365,
        jours_accompagnement=14782,
        places=45.0,
        etp=2.0,
        portefeuille_par_etp=60,
        par_mois=MOIS_ALPHA,
    ),
    veille=BilanVeille(sorties_observees=4, en_emploi=1),
    droits=DROITS_ALPHA,
)
INDICATEURS_BETA = Indicateurs(
    accompagnees=2,
    encore_suivies=2,
    entrees=2,
    activite=Activite(rendez_vous=3, personnes_recues=2, personnes_mobilisees=2),
    occupation=Occupation(places=10.0),
)
INDICATEURS_TOTAL = Indicateurs(
    accompagnees=1343,
    sorties=8,
    encore_suivies=1335,
    entrees=1202,
    sorties_par_motif={"licorne": 1, "abandon": 2, "cdi": 5},
    sorties_positives=5,
    duree_totale_jours=1000,
    duree_mediane_jours=91.3125,
    repartition={"sexe": {"H": 600, "F": 700}},
    activite=Activite(
        cer_signes=3,
        rendez_vous=1253,
        rendez_vous_manques=17,
        personnes_recues=42,
        personnes_mobilisees=32,
        entrees_accompagnement_global=2,
    ),
    rythme=Rythme(echeances_dues=10, echeances_tenues=7),
    occupation=Occupation(
        jours=365,
        jours_accompagnement=14782,
        places=55.0,
        etp=3.0,
        portefeuille_par_etp=60,
        par_mois=MOIS_ALPHA,
    ),
    veille=BilanVeille(sorties_observees=4, en_emploi=1),
    droits=DROITS_TOTAL,
)


def bilan_2018() -> Bilan:
    """Two dispositifs, a shared capacity, the droits et devoirs track, three lines set aside."""
    return Bilan(
        politique="test_politique",
        periode=Periode.annee(2018),
        dispositif=None,
        total=INDICATEURS_TOTAL,
        par_dispositif={"alpha": INDICATEURS_ALPHA, "beta": INDICATEURS_BETA},
        libelles={"alpha": ALPHA, "beta": BETA},
        source="journal.jsonl",
        evenements=4321,
        lignes_ignorees=3,
        problemes=(LigneEcartee(7, "date invalide"), LigneEcartee(9, "dossier inconnu")),
        motifs={"cdi": "CDI", "abandon": "Abandon"},  # « licorne » has no label: its id is shown
        capacites_communes={
            "pool": CapacitePartagee(
                "Places | communes",
                ("alpha", "beta"),
                Occupation(jours=365, jours_accompagnement=14782, places=50.0),
            )
        },
        departement="Moselle-Test",
    )


def bilan_2017() -> Bilan:
    """The year before, when « beta » did not exist yet."""
    ind = Indicateurs(accompagnees=1100, sorties=250, encore_suivies=850)
    return Bilan(
        politique="test_politique",
        periode=Periode.annee(2017),
        dispositif=None,
        total=ind,
        par_dispositif={"alpha": ind},
        libelles={"alpha": ALPHA},
        source="journal.jsonl",
        evenements=900,
        lignes_ignorees=0,
        departement="Moselle-Test",
    )


def bilan_printemps() -> Bilan:
    """A span of days (not a year), one dispositif, one event, nothing set aside."""
    ind = Indicateurs(accompagnees=2, encore_suivies=2, entrees=2)
    return Bilan(
        politique="test_politique",
        periode=Periode(date(2018, 3, 1), date(2018, 5, 31)),
        dispositif="beta",
        total=ind,
        par_dispositif={"beta": ind},
        libelles={"beta": BETA},
        source="journal.jsonl",
        evenements=1,
        lignes_ignorees=0,
        provenance="Simulation de test, graine 3.",
    )


# ---- the tables, by hand -------------------------------------------------------------------

NN = "\u202f"  # the thousands separator

ANNUEL_HEADER = ["", "2017", "2018"]
ANNUEL_TOTAL: Rows = [
    ["Personnes accompagnées", f"1{NN}100", f"1{NN}343"],
    ["Personnes sorties", "250", "8"],
    ["Personnes encore suivies au 31/12", "850", f"1{NN}335"],
]
ANNUEL_ALPHA: Rows = [
    ["Personnes accompagnées", f"1{NN}100", f"1{NN}341"],
    ["Personnes sorties", "250", "8"],
    ["Personnes encore suivies au 31/12", "850", f"1{NN}333"],
]
ANNUEL_BETA: Rows = [  # no « beta » in 2017: a dash
    ["Personnes accompagnées", "–", "2"],
    ["Personnes sorties", "–", "0"],
    ["Personnes encore suivies au 31/12", "–", "2"],
]

SORTIES_HEADER = ["Motif de sortie", "Personnes", "Part"]
# 5/8 = 62,5 %, 2/8 = 25 %, 1/8 = 12,5 %; most frequent first
SORTIES: Rows = [
    ["CDI", "5", "62,5 %"],
    ["Abandon", "2", "25,0 %"],
    ["licorne", "1", "12,5 %"],
    ["Total", "8", "100,0 %"],
]

INDICATEURS_HEADER = ["Indicateur", "Valeur"]
# occupation: 14 782 / 365 = 40,4986 days a day; durée moyenne: 1 000 / 8 = 125 days
# = 125 / 30,4375 = 4,107 months; médiane 91,3125 / 30,4375 = 3 months
INDICATEURS_ALPHA_ROWS: Rows = [
    ["Entrées en accompagnement", f"1{NN}200"],
    ["Taux de sorties positives", "62,5 %"],
    ["Durée moyenne d'accompagnement (sorties)", "4,1 mois"],
    ["Durée médiane d'accompagnement (sorties)", "3,0 mois"],
    ["CER signés", "3"],
    ["Rendez-vous tenus (manqués)", f"1{NN}250 (17)"],
    ["Nombre moyen de rendez-vous par usager", "0,9"],  # 1 250 / 1 341 = 0,932
    ["Personnes reçues", "40"],
    ["Taux de mobilisation", "75,0 %"],  # 30 / 40
    ["Entrées en accompagnement global", "2"],
    ["Échéances d'entretien tenues / dues", "7 / 10"],
    ["Respect du rythme des entretiens", "70,0 %"],
    ["Échéances dépassées", "3"],
    ["Occupation moyenne / places", "40,5 / 45,0"],
    ["Taux d'occupation", "90,0 %"],  # 40,4986 / 45 = 0,89997
    ["Personnes suivies par ETP (prévu)", "20,2 (60)"],  # 40,4986 / 2
    ["En emploi à l'issue de la veille", "25,0 %"],  # 1 / 4
    ["Objectif : Sorties positives", "62,5 % pour 15 % attendus (atteint)"],
    ["Objectif : Reprise d'emploi", "12,5 % pour 50 % attendus (non atteint)"],
    ["Objectif : Sans base", "– pour 20 % attendus (–)"],
]
INDICATEURS_BETA_ROWS: Rows = [
    ["Entrées en accompagnement", "2"],
    ["Taux de sorties positives", "–"],
    ["Durée moyenne d'accompagnement (sorties)", "– mois"],
    ["Durée médiane d'accompagnement (sorties)", "– mois"],
    ["CER signés", "0"],
    ["Rendez-vous tenus (manqués)", "3 (0)"],
    ["Nombre moyen de rendez-vous par usager", "1,5"],  # 3 / 2
    ["Personnes reçues", "2"],
    ["Taux de mobilisation", "100,0 %"],
    ["Entrées en accompagnement global", "0"],
    ["Échéances d'entretien tenues / dues", "0 / 0"],
    ["Respect du rythme des entretiens", "–"],
    ["Échéances dépassées", "0"],
    ["Occupation moyenne / places", "– / 10,0"],
    ["Taux d'occupation", "–"],
    ["Personnes suivies par ETP (prévu)", "– (–)"],
    ["En emploi à l'issue de la veille", "–"],
]
INDICATEURS_TOTAL_ROWS: Rows = [
    ["Entrées en accompagnement", f"1{NN}202"],
    ["Taux de sorties positives", "62,5 %"],
    ["Durée moyenne d'accompagnement (sorties)", "4,1 mois"],
    ["Durée médiane d'accompagnement (sorties)", "3,0 mois"],
    ["CER signés", "3"],
    ["Rendez-vous tenus (manqués)", f"1{NN}253 (17)"],
    ["Nombre moyen de rendez-vous par usager", "0,9"],  # 1 253 / 1 343 = 0,933
    ["Personnes reçues", "42"],
    ["Taux de mobilisation", "76,2 %"],  # 32 / 42 = 0,7619
    ["Entrées en accompagnement global", "2"],
    ["Échéances d'entretien tenues / dues", "7 / 10"],
    ["Respect du rythme des entretiens", "70,0 %"],
    ["Échéances dépassées", "3"],
    ["Occupation moyenne / places", "40,5 / 55,0"],
    ["Taux d'occupation", "73,6 %"],  # 40,4986 / 55 = 0,73634
    ["Personnes suivies par ETP (prévu)", "13,5 (60)"],  # 40,4986 / 3 = 13,4995
    ["En emploi à l'issue de la veille", "25,0 %"],
]

DROITS_ALPHA_ROWS: Rows = [
    ["Personnes orientées", "6"],
    ["Orientées dans le délai de six semaines", "75,0 % (3 sur 4 délais échus)"],
    ["Délai médian d'orientation", "20,3 jours"],  # 20,25 rounded half-up
    ["Contrats d'engagement signés", "5"],
    ["Contrats signés dans le mois de l'orientation", "100,0 % (1 sur 1 délai échu)"],
    ["Délai médian de signature du contrat", "–"],
    ["Heures hebdomadaires moyennes au contrat", "15,0 h"],  # 30 h / 2 contracts
    ["Part des contrats avec dispense", "20,0 %"],  # 1 / 5
    ["Sanctions (suspension-remobilisation)", "2"],
    ["Suspensions levées par une remobilisation", "0,0 % (0 sur 1 suspension échue)"],
    ["Réexamens d'accompagnement social en retard en fin de période", "1"],
]
DROITS_TOTAL_ROWS: Rows = [
    ["Personnes orientées", "8"],
    ["Orientées dans le délai de six semaines", "60,0 % (3 sur 5 délais échus)"],
    ["Délai médian d'orientation", "21,0 jours"],
    ["Contrats d'engagement signés", "5"],
    ["Contrats signés dans le mois de l'orientation", "– (aucun délai échu)"],
    ["Délai médian de signature du contrat", "12,5 jours"],
    ["Heures hebdomadaires moyennes au contrat", "–"],
    ["Part des contrats avec dispense", "20,0 %"],
    ["Sanctions (suspension-remobilisation)", "2"],
    ["Suspensions levées par une remobilisation", "– (aucune suspension échue)"],
    ["Réexamens d'accompagnement social en retard en fin de période", "1"],
]

PROFIL_HEADER = ["", "Personnes", "Part"]
# shares of 1 341: 700 → 52,20 %, 600 → 44,74 %, the 41 others → 3,06 %
SEXE_ALPHA: Rows = [
    ["Femmes", "700", "52,2 %"],
    ["Hommes", "600", "44,7 %"],
    ["Non renseigné", "41", "3,1 %"],
]
# 3 / 1 341 = 0,22 %, 1 338 / 1 341 = 99,78 %
FORMATION_ALPHA: Rows = [["V", "3", "0,2 %"], ["Non renseigné", f"1{NN}338", "99,8 %"]]
# « ma_cle » has no title of its own: « Ma cle »; 1 300 / 1 341 = 96,94 %; all given: no « Non renseigné »
MA_CLE_ALPHA: Rows = [["oui", f"1{NN}300", "96,9 %"], ["non", "41", "3,1 %"]]
# shares of 1 343: 52,12 %, 44,68 %, 43 → 3,20 %
SEXE_TOTAL: Rows = [
    ["Femmes", "700", "52,1 %"],
    ["Hommes", "600", "44,7 %"],
    ["Non renseigné", "43", "3,2 %"],
]

CAPACITES_HEADER = ["Capacité partagée", "Dispositifs", "Occupation moyenne", "Places", "Taux d'occupation"]
CAPACITES: Rows = [["Places | communes", f"{ALPHA}, {BETA}", "40,5", "50,0", "81,0 %"]]  # 40,4986 / 50

PRINTEMPS_HEADER = ["", "du 01/03/2018 au 31/05/2018"]
PRINTEMPS_ANNUEL: Rows = [
    ["Personnes accompagnées", "2"],
    ["Personnes sorties", "0"],
    ["Personnes encore suivies en fin de période", "2"],
]
PRINTEMPS_INDICATEURS: Rows = [
    ["Entrées en accompagnement", "2"],
    ["Taux de sorties positives", "–"],
    ["Durée moyenne d'accompagnement (sorties)", "– mois"],
    ["Durée médiane d'accompagnement (sorties)", "– mois"],
    ["CER signés", "0"],
    ["Rendez-vous tenus (manqués)", "0 (0)"],
    ["Nombre moyen de rendez-vous par usager", "0,0"],
    ["Personnes reçues", "0"],
    ["Taux de mobilisation", "–"],
    ["Entrées en accompagnement global", "0"],
    ["Échéances d'entretien tenues / dues", "0 / 0"],
    ["Respect du rythme des entretiens", "–"],
    ["Échéances dépassées", "0"],
    ["Occupation moyenne / places", "– / –"],
    ["Taux d'occupation", "–"],
    ["Personnes suivies par ETP (prévu)", "– (–)"],
    ["En emploi à l'issue de la veille", "–"],
]
