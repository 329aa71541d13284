"""Seed 003's activity indicators on a small journal whose figures are counted by hand."""

from __future__ import annotations

from datetime import date

from parcours.policies import load_policy_text
from parcours.reports import bilan

POLICY = """
departement: "93"
libelle: Seine-Saint-Denis (test)
dispositifs:
  renfort_social:
    libelle: Renfort des équipes sociales
    etapes: [prescription, demarrage, bilan, sortie, reorientation]
    motifs_sortie:
      emploi: {libelle: Emploi, categorie: emploi, positive: true, emploi: true}
      autre_droit: {libelle: Accès à un autre droit, categorie: droits, positive: true}
      abandon: {libelle: Abandon, categorie: abandon, positive: false}
  accompagnement_global:
    libelle: Accompagnement global
    etapes: [prescription, demarrage, sortie]
    motifs_sortie:
      emploi: {libelle: Emploi, categorie: emploi, positive: true, emploi: true}
"""


def ev(dossier: str, jour: str, evenement: str, **extra: object) -> dict[str, object]:
    return {"dossier": dossier, "date": jour, "evenement": evenement, **extra}


EVENTS = [
    # a: received, started, 2 CER, 3 interviews held + 1 missed, exits to employment
    ev("a", "2020-09-01", "prescription", dispositif="renfort_social"),
    ev("a", "2020-09-10", "demarrage"),
    ev("a", "2020-09-10", "cer_signe"),
    ev("a", "2020-09-24", "entretien", presence="present"),
    ev("a", "2020-10-08", "entretien", presence="absent"),
    ev("a", "2020-10-15", "entretien", presence="present"),
    ev("a", "2021-03-10", "cer_signe"),
    ev("a", "2021-03-10", "entretien"),
    ev("a", "2021-06-30", "sortie", motif="emploi"),
    # b: received (prescription in the period) but never started: not mobilised
    ev("b", "2020-10-01", "prescription", dispositif="renfort_social"),
    ev("b", "2020-10-20", "attente"),
    # c: started, re-oriented to accompagnement global
    ev("c", "2020-09-15", "demarrage", dispositif="renfort_social"),
    ev("c", "2020-09-15", "cer_signe"),
    ev("c", "2021-01-05", "reorientation", vers="accompagnement_global"),
    # d: only a generated alert in the period: not received
    ev("d", "2020-08-01", "prescription", dispositif="renfort_social"),
    ev("d", "2020-09-20", "alerte", genere=True),
    # e: started before the period, still followed, no event in the period
    ev("e", "2020-03-01", "demarrage", dispositif="renfort_social"),
    # f: enters accompagnement global directly
    ev("f", "2020-11-02", "demarrage", dispositif="accompagnement_global"),
]


def test_activity_indicators() -> None:
    policy = load_policy_text(POLICY)
    b = bilan(EVENTS, policy, du=date(2020, 9, 1), au=date(2021, 10, 31))
    d = b.to_dict()
    rs = d["par_dispositif"]["renfort_social"]
    assert rs["personnes_recues"] == 3  # a, b, c (d only had an alert; e no event)
    assert rs["personnes_mobilisees"] == 2  # a, c
    assert rs["taux_mobilisation"] == 2 / 3
    assert rs["cer_signes"] == 3
    assert rs["rendez_vous"] == 3 and rs["rendez_vous_manques"] == 1
    assert rs["accompagnees"] == 3  # a, c, e
    assert rs["nombre_moyen_rendez_vous"] == 1.0
    assert rs["sorties"] == 2 and rs["encore_suivies_au_31_12"] == 1
    assert rs["sorties_par_motif"] == {"emploi": 1, "reorientation": 1}
    assert rs["taux_sorties_positives"] == 0.5
    assert d["entrees_accompagnement_global"] == 2  # c's réorientation, f's démarrage
    assert d["accompagnees"] == 4 and d["entrees"] == 3
