"""The base accompagnement social policy says what seed 001 says (values read in the seed)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from parcours.policies import Dispositif, Duree, Policy, load_policy
from parcours.policies.versions import policy_at

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def policy() -> Policy:
    return load_policy(ROOT / "policies" / "base" / "accompagnement_social.yaml")


@pytest.fixture(scope="module")
def social(policy: Policy) -> Dispositif:
    return policy.dispositif("accompagnement_social")


def test_the_departement_of_seed_001_is_not_named(policy: Policy) -> None:
    assert "non nommé" in policy.departement
    assert set(policy.documents) == {"001_209350266655c100.txt"}


def test_it_is_loadable_by_its_bundled_name() -> None:
    assert load_policy("base/accompagnement_social").dispositifs.keys() == {"accompagnement_social"}


def test_cer_of_six_months_renewable_without_limit(social: Dispositif) -> None:
    # 001 §4: « Le CER est conclu pour une durée de 6 mois renouvelable. »
    assert social.duree.cer is not None
    assert social.duree.cer.valeur == Duree(6, "mois")
    assert social.duree.renouvellements_max is None


def test_no_time_limit_but_reevaluation_at_each_renewal(social: Dispositif) -> None:
    # 001 §5: « L'accompagnement n'est pas limité dans le temps », réévaluation au renouvellement.
    assert social.duree.maximum is None
    assert social.duree.reevaluation_au_renouvellement is not None
    assert social.duree.reevaluation_au_renouvellement.valeur is True


def test_at_least_one_interview_every_six_weeks(social: Dispositif) -> None:
    assert social.rythme_entretiens is not None
    assert social.rythme_entretiens.intervalle_max.valeur == Duree(6, "semaines")
    # « plus intensive ... au démarrage » is allowed but not quantified by 001.
    assert social.rythme_entretiens.au_demarrage is None


def test_portfolio_of_100_per_funded_etp(social: Dispositif) -> None:
    assert social.capacite.portefeuille_par_etp is not None
    assert social.capacite.portefeuille_par_etp.valeur == 100
    # « L'opérateur précise le nombre d'ETP » : not fixed by the call for tender.
    assert social.capacite.etp is None


def test_expected_results_fifteen_and_fifteen_percent(social: Dispositif) -> None:
    results = social.resultats_attendus
    assert len(results) == 2
    assert sorted(o.taux.valeur for o in results.values()) == [0.15, 0.15]
    assert {o.selon for o in results.values()} == {"positive", "emploi"}
    emploi = next(o for o in results.values() if o.selon == "emploi")
    assert emploi.base == "sorties"


def test_plan_of_action_domains(social: Dispositif) -> None:
    assert social.domaines is not None
    domains = set(social.domaines.valeur)
    for expected in (
        "acces_aux_droits",
        "logement",
        "sante",
        "illettrisme_illectronisme",
        "langue_francaise",
    ):
        assert expected in domains


def test_steps_and_no_exit_reasons(social: Dispositif) -> None:
    assert social.etapes == ("demarrage", "bilan", "sortie", "reorientation")
    # 001 refers to a « définition des sorties positives » it does not reproduce.
    assert social.motifs_sortie == {}


def test_no_date_keyed_value(policy: Policy) -> None:
    # Its own values are not dated: the only dates of effect are those of the national layer
    # it inherits (issue 18), which change no dispositif.
    national = load_policy("national/plein_emploi")
    assert policy.dates_effet() == national.dates_effet()
    assert all(policy_at(d, date(2020, 1, 1)) == d for d in policy.dispositifs.values())
