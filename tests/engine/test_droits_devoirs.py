"""The droits et devoirs track: what its guards refuse, its dated deadlines, its alerts.

Expected dates are computed by hand in the comments from the national texts' delays.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from parcours import Engine, JournalError, TransitionError, load_policy, load_policy_text
from parcours.policies import Policy


@pytest.fixture(scope="module")
def policy() -> Policy:
    return load_policy("meurthe_et_moselle")


def e(jour: str, evenement: str, dossier: str = "X", **cles: Any) -> dict[str, Any]:
    return {"dossier": dossier, "date": jour, "evenement": evenement, **cles}


def _oriente(engine: Engine, jour: str, parcours: str = "social", organisme: str = "departement") -> None:
    engine.apply(e(jour, "orientation", parcours=parcours, organisme=organisme))


def _engage(engine: Engine, orientation: str, contrat: str, **cles: Any) -> None:
    _oriente(engine, orientation, cles.pop("parcours", "social"), cles.pop("organisme", "departement"))
    engine.apply(e(contrat, "contrat_engagement", heures_hebdomadaires=cles.pop("heures", 15), **cles))


def _echeances(engine: Engine, au: date) -> dict[str, date]:
    return {x.nature: x.date for x in engine.echeances(au, horizon=3000) if x.dossier == "X"}


# --- dated delays: the former regime and 2025 -------------------------------------------------


def test_before_2025_no_orientation_delay_and_a_social_contract_within_two_months(policy: Policy) -> None:
    engine = Engine(policy)
    engine.apply(e("2024-03-01", "ouverture_droit"))
    assert _echeances(engine, date(2024, 3, 1)) == {}  # the former CASF set no orientation delay
    _oriente(engine, "2024-04-10")
    # ancien L. 262-36: two months after a social orientation: 10/04 + 2 months = 10/06/2024
    assert _echeances(engine, date(2024, 4, 10)) == {"contrat_engagement": date(2024, 6, 10)}


def test_before_2025_an_orientation_to_pole_emploi_has_no_contract_delay(policy: Policy) -> None:
    engine = Engine(policy)
    _oriente(engine, "2024-04-10", "professionnel", "france_travail")  # a PPAE, ancien L. 262-34
    assert _echeances(engine, date(2024, 4, 10)) == {}


def test_from_2025_six_weeks_to_orient_and_one_month_to_sign(policy: Policy) -> None:
    engine = Engine(policy)
    engine.apply(e("2025-01-06", "ouverture_droit"))
    # 06/01 + 42 days: 31/01 is + 25, + 17 = 17/02/2025
    assert _echeances(engine, date(2025, 1, 6)) == {"orientation": date(2025, 2, 17)}
    _oriente(engine, "2025-01-31", "professionnel", "france_travail")
    # one month after 31/01/2025 is the month's last day, 28/02/2025
    assert _echeances(engine, date(2025, 1, 31)) == {"contrat_engagement": date(2025, 2, 28)}


def test_a_contract_signed_before_the_reform_is_replaced_within_two_years(policy: Policy) -> None:
    engine = Engine(policy)
    _oriente(engine, "2024-09-02")
    engine.apply(e("2024-10-01", "contrat_engagement"))  # a CER: no weekly hours required in 2024
    # transition: reform on 01/01/2025 + 2 years = 01/01/2027
    assert _echeances(engine, date(2025, 1, 1)) == {"contrat_engagement": date(2027, 1, 1)}


def test_a_social_parcours_is_re_examined_after_6_months_or_12_with_difficulties(policy: Policy) -> None:
    engine = Engine(policy)
    _engage(engine, "2025-03-03", "2025-03-20")
    assert _echeances(engine, date(2025, 3, 20))["reexamen"] == date(2025, 9, 20)  # + 6 months
    engine.apply(e("2025-09-15", "reexamen", difficultes=["logement"]))
    assert _echeances(engine, date(2025, 9, 15))["reexamen"] == date(2026, 9, 15)  # + 12 months
    with pytest.raises(TransitionError, match=r"difficulté « sant » inconnue .*vouliez-vous dire « sante »"):
        engine.apply(e("2026-09-01", "reexamen", difficultes=["sant"]))


def test_a_professional_parcours_is_not_re_examined(policy: Policy) -> None:
    engine = Engine(policy)
    _engage(engine, "2025-03-03", "2025-03-20", parcours="professionnel", organisme="france_travail")
    assert "reexamen" not in _echeances(engine, date(2025, 3, 20))
    with pytest.raises(TransitionError, match=r"le parcours « professionnel » n'est pas réexaminé .*social"):
        engine.apply(e("2025-09-20", "reexamen"))


# --- the contract's weekly hours ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("cles", "fragment"),
    [
        ({}, "heures_hebdomadaires manquant"),
        ({"heures_hebdomadaires": 10}, "10 h par semaine, sous le minimum de 15 h sans « dispense »"),
        (
            {"heures_hebdomadaires": 0, "dispense": "situation_individuelle"},
            "réduit la durée sans la supprimer",
        ),
        ({"heures_hebdomadaires": 40}, "40 h par semaine, au-delà de 35 h"),
        ({"heures_hebdomadaires": 15, "dispense": "sant"}, "dispense « sant » inconnue .*« sante »"),
    ],
)
def test_a_contract_breaking_the_hours_rule_is_refused(
    policy: Policy, cles: dict[str, Any], fragment: str
) -> None:
    engine = Engine(policy)
    _oriente(engine, "2025-02-03")
    with pytest.raises(TransitionError, match=fragment):
        engine.apply(e("2025-02-20", "contrat_engagement", **cles))
    assert engine.suivi_droits("X").state == "oriente"  # nothing changed


@pytest.mark.parametrize(
    "cles",
    [
        {"heures_hebdomadaires": 10, "dispense": "situation_individuelle"},
        {"heures_hebdomadaires": 0, "dispense": "parent_isole"},
        {"heures_hebdomadaires": 35},
    ],
)
def test_a_contract_within_the_hours_rule_is_signed(policy: Policy, cles: dict[str, Any]) -> None:
    engine = Engine(policy)
    _oriente(engine, "2025-02-03")
    engine.apply(e("2025-02-20", "contrat_engagement", **cles))
    assert engine.suivi_droits("X").state == "engage"


def test_activity_needs_a_contract_and_a_past_week(policy: Policy) -> None:
    engine = Engine(policy)
    _oriente(engine, "2025-02-03")
    with pytest.raises(TransitionError, match="« activite » n'est pas permis ici"):
        engine.apply(e("2025-02-10", "activite", semaine="2025-W06", heures=15))
    engine.apply(e("2025-02-20", "contrat_engagement", heures_hebdomadaires=15))
    # week 10 of 2025 starts on Monday 03/03/2025, after the event of 25/02
    with pytest.raises(TransitionError, match="la semaine 2025-W10 commence le 03/03/2025"):
        engine.apply(e("2025-02-25", "activite", semaine="2025-W10", heures=15))


# --- sanctions -----------------------------------------------------------------------------------


def _sanctionnable(engine: Engine, manquement: str, observations: str | None = "next") -> None:
    _engage(engine, "2024-01-08", "2024-01-20")
    engine.apply(e(manquement, "manquement", nature="non_respect_contrat"))
    if observations is not None:
        engine.apply(e(manquement, "observations"))


def test_under_the_former_regime_a_first_reduction_has_no_minimum_and_lasts_up_to_three_months(
    policy: Policy,
) -> None:
    engine = Engine(policy)
    _sanctionnable(engine, "2025-03-10")  # a breach before 01/06/2025: ancien R. 262-68
    with pytest.raises(TransitionError, match="taux de 85 % au-delà de 80 %"):
        engine.apply(e("2025-03-20", "sanction", taux=85, mois=1))
    with pytest.raises(TransitionError, match="suspension de 4 mois hors des bornes d'un premier manquement"):
        engine.apply(e("2025-03-20", "sanction", taux=20, mois=4))
    engine.apply(e("2025-03-20", "sanction", taux=20, mois=3))
    # 20/03/2025 + 3 months = 20/06/2025
    assert _echeances(engine, date(2025, 3, 20))["fin_suspension"] == date(2025, 6, 20)


def test_the_bounds_are_those_of_the_day_of_the_breach(policy: Policy) -> None:
    engine = Engine(policy)
    _sanctionnable(engine, "2025-05-28")  # breach under the former regime, decided in June
    engine.apply(e("2025-06-10", "sanction", taux=20, mois=3))
    assert engine.suivi_droits("X").taux == 20.0


def test_a_breach_repeated_within_24_months_may_be_sanctioned_up_to_four_months(policy: Policy) -> None:
    engine = Engine(policy)
    _sanctionnable(engine, "2025-06-10")
    engine.apply(e("2025-06-20", "sanction", taux=30, mois=1))
    engine.apply(e("2025-07-20", "remobilisation"))
    # a new breach on 10/01/2026, within 24 months of the sanction of 20/06/2025: 1 to 4 months
    engine.apply(e("2026-01-10", "manquement", nature="non_respect_contrat"))
    engine.apply(e("2026-01-15", "observations"))
    with pytest.raises(TransitionError, match=r"hors des bornes d'un manquement répété .*1 à 4 mois"):
        engine.apply(e("2026-01-20", "sanction", taux=100, mois=5))
    engine.apply(e("2026-01-20", "sanction", taux=100, mois=4))


def test_a_breach_more_than_24_months_after_the_last_sanction_is_a_first_one(policy: Policy) -> None:
    engine = Engine(policy)
    _sanctionnable(engine, "2025-06-10")
    engine.apply(e("2025-06-20", "sanction", taux=30, mois=1))
    # 20/06/2025 + 24 months = 20/06/2027: a breach on 01/07/2027 is a first breach again
    engine.apply(e("2027-07-01", "manquement", nature="non_respect_contrat"))
    engine.apply(e("2027-07-05", "observations"))
    with pytest.raises(TransitionError, match=r"hors des bornes d'un premier manquement .*1 à 2 mois"):
        engine.apply(e("2027-07-10", "sanction", taux=30, mois=3))


def test_breaches_before_june_2025_do_not_make_a_later_one_repeated(policy: Policy) -> None:
    engine = Engine(policy)
    _sanctionnable(engine, "2025-03-10")
    engine.apply(e("2025-03-20", "sanction", taux=20, mois=1))
    engine.apply(e("2025-04-01", "remobilisation"))
    engine.apply(e("2025-09-01", "manquement", nature="non_respect_contrat"))
    engine.apply(e("2025-09-03", "observations"))
    # décret 2025-478, art. 12, III: only breaches since 01/06/2025 open the 24 months
    with pytest.raises(TransitionError, match="premier manquement"):
        engine.apply(e("2025-09-10", "sanction", taux=30, mois=3))


def test_a_remobilisation_needs_a_suspension_running(policy: Policy) -> None:
    engine = Engine(policy)
    _sanctionnable(engine, "2025-06-10")
    with pytest.raises(TransitionError, match="aucune suspension en cours"):
        engine.apply(e("2025-06-12", "remobilisation"))
    engine.apply(e("2025-06-20", "sanction", taux="30 %", mois=1))
    # 20/06 + 1 month = 20/07/2025: a remobilisation on 21/07 comes after the suspension
    with pytest.raises(TransitionError, match="a pris fin le 20/07/2025"):
        engine.apply(e("2025-07-21", "remobilisation"))


def test_observations_answer_a_breach(policy: Policy) -> None:
    engine = Engine(policy)
    _oriente(engine, "2025-02-03")
    with pytest.raises(TransitionError, match="aucun manquement en attente de décision"):
        engine.apply(e("2025-02-10", "observations"))
    with pytest.raises(TransitionError, match="aucun manquement à sanctionner"):
        engine.apply(e("2025-02-10", "sanction", taux=30, mois=1))
    with pytest.raises(TransitionError, match="nature manquante"):
        engine.apply(e("2025-02-10", "manquement"))


# --- orientation, organismes, dispositifs ------------------------------------------------------


def test_an_orientation_names_a_known_organisme_or_a_dispositif(policy: Policy) -> None:
    engine = Engine(policy)
    with pytest.raises(TransitionError, match=r"organisme « france_travial » inconnu.*« france_travail »"):
        _oriente(engine, "2025-02-03", "professionnel", "france_travial")
    with pytest.raises(TransitionError, match="parcours manquant"):
        engine.apply(e("2025-02-03", "orientation", organisme="departement"))
    _oriente(engine, "2025-02-03", "social", "lunevillois")  # the operator of a dispositif accompanies
    assert engine.suivi_droits("X").organisme == "lunevillois"


def test_a_departement_may_declare_its_delegates() -> None:
    texte = """
herite: national/plein_emploi
departement: Test
libelle: Test
droits_devoirs:
  organismes:
    plie_nancy: {libelle: PLIE du Grand Nancy}
dispositifs: {}
"""
    engine = Engine(load_policy_text(texte, "delegue.yaml"))
    engine.apply(e("2025-02-03", "orientation", parcours="professionnel", organisme="plie_nancy"))
    assert engine.suivi_droits("X").state == "oriente"


def test_the_track_keeps_the_dispositif_its_events_name(policy: Policy) -> None:
    engine = Engine(policy)
    with pytest.raises(TransitionError, match="dispositif « atlantide » inconnu de la politique"):
        engine.apply(e("2025-02-03", "ouverture_droit", dispositif="atlantide"))
    engine.apply(e("2025-02-03", "ouverture_droit", dispositif="lunevillois"))
    autre = e(
        "2025-02-10",
        "orientation",
        parcours="social",
        organisme="departement",
        dispositif="accompagnement_cec",
    )
    with pytest.raises(TransitionError, match="rangés dans « lunevillois », pas « accompagnement_cec »"):
        engine.apply(autre)


def test_the_two_tracks_of_a_dossier_move_apart(policy: Policy) -> None:
    engine = Engine(policy)
    engine.apply(e("2025-02-03", "prescription", dispositif="lunevillois"))
    engine.apply(e("2025-01-20", "ouverture_droit"))  # an earlier date: another track
    _oriente(engine, "2025-02-04")
    engine.apply(e("2025-02-05", "demarrage"))
    assert engine.dossier("X").state == "demarrage"
    assert engine.suivi_droits("X").state == "oriente"
    with pytest.raises(TransitionError, match="antérieur au dernier événement national du dossier"):
        engine.apply(e("2025-02-01", "ouverture_droit"))


def test_a_policy_without_the_national_layer_refuses_the_track(tmp_path: Path) -> None:
    texte = "departement: T\nlibelle: T\ndispositifs:\n  g: {libelle: G, etapes: [demarrage, sortie]}\n"
    engine = Engine(load_policy_text(texte, "sans.yaml"))
    with pytest.raises(TransitionError, match=r"n'a pas de couche nationale .*herite: national/plein_emploi"):
        engine.apply(e("2025-02-03", "ouverture_droit"))


def test_an_id_applied_twice_is_acknowledged_and_a_conflicting_one_refused(policy: Policy) -> None:
    engine = Engine(policy)
    engine.apply(e("2025-02-03", "ouverture_droit", id="o1"))
    assert not engine.apply(e("2025-02-03", "ouverture_droit", id="o1")).applique
    with pytest.raises(TransitionError, match="id « o1 » déjà appliqué à un autre événement"):
        engine.apply(e("2025-02-04", "ouverture_droit", id="o1"))


# --- the event format ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ev", "fragment"),
    [
        (e("2025-02-03", "orientation", parcours="sociale"), "parcours « sociale » inconnu.*« social »"),
        (e("2025-02-03", "activite", semaine="2025-07"), "semaine « 2025-07 » invalide"),
        (e("2025-02-03", "activite", semaine="2025-W54"), "semaine « 2025-W54 » invalide"),
        (e("2025-02-03", "activite", heures=-2), "« heures » doit être un nombre d'heures entre 0 et 168"),
        (e("2025-02-03", "sanction", taux="trente"), "taux « trente » invalide"),
        (e("2025-02-03", "sanction", taux=130), "taux « 130 » invalide"),
        (e("2025-02-03", "sanction", mois=1.5), "« mois » doit être un nombre entier de mois"),
        (e("2025-02-03", "sanction", foyer_plusieurs_personnes="oui"), "true ou false"),
        (e("2025-02-03", "entretien", heures=3), "clé « heures » inconnue pour « entretien »"),
        (e("2025-02-03", "orientation", motif="cdi"), "clé « motif » inconnue pour « orientation »"),
        (e("2025-02-03", "reexamen", difficultes="sante"), "« difficultes » doit être une liste"),
    ],
)
def test_a_malformed_line_of_the_track_is_refused_by_the_format(
    policy: Policy, ev: dict[str, Any], fragment: str
) -> None:
    with pytest.raises(JournalError, match=fragment):
        Engine(policy).apply(ev)


# --- alerts: late events and replay --------------------------------------------------------------


def test_a_late_orientation_cancels_the_alert_it_shows_was_not_due(policy: Policy, tmp_path: Path) -> None:
    chemin = tmp_path / "j.jsonl"
    engine = Engine(policy, chemin)
    engine.apply(e("2025-01-06", "ouverture_droit"))  # orientation due 17/02/2025
    engine.apply(e("2025-03-01", "ouverture_droit", dossier="Y"))  # moves the clock past 18/02
    assert [(a.dossier, a.date) for a in engine.alertes()] == [("X", date(2025, 2, 18))]
    resultat = engine.apply(e("2025-02-10", "orientation", parcours="social", organisme="departement"))
    assert [a.date for a in resultat.annulees] == [date(2025, 2, 18)]
    assert engine.alertes() == []
    engine.close()
    rejoue = Engine.replay(policy, chemin)
    assert rejoue.alertes() == [] and rejoue.avertissements == []


def test_alerts_raised_live_are_confirmed_on_replay(policy: Policy, tmp_path: Path) -> None:
    chemin = tmp_path / "j.jsonl"
    engine = Engine(policy, chemin)
    _engage(engine, "2025-03-03", "2025-04-20")  # contract due 03/04, alert 04/04
    engine.apply(e("2025-05-05", "activite", semaine="2025-W18", heures=12))
    live = [(a.date, a.alerte) for a in engine.alertes()]
    engine.close()
    assert live == [
        (date(2025, 4, 4), "contrat_engagement_en_retard"),
        (date(2025, 5, 5), "heures_sous_le_contrat"),
    ]
    rejoue = Engine.replay(policy, chemin)
    assert [(a.date, a.alerte) for a in rejoue.alertes()] == live
    assert rejoue.avertissements == []
