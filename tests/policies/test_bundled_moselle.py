"""The Moselle policy says what seeds 000 and 004 say (values read in the seeds)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from parcours.policies import Dispositif, Duree, Policy, load_policy
from parcours.policies.versions import iter_params

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def policy() -> Policy:
    return load_policy(ROOT / "policies" / "moselle.yaml")


@pytest.fixture(scope="module")
def ag(policy: Policy) -> Dispositif:
    return policy.dispositif("accompagnement_global")


def _in_force(policy: Policy, jour: date) -> dict[tuple[str, ...], tuple[object, ...]]:
    return {path: tuple((v.debut, v.valeur) for v in p.versions) for path, p in iter_params(policy.at(jour))}


def test_the_three_accompaniments_of_the_sasi(policy: Policy) -> None:
    assert set(policy.dispositifs) == {
        "accompagnement_social",
        "accompagnement_socio_professionnel",
        "accompagnement_global",
    }
    assert all("UDAF" in (d.operateur or "") for d in policy.dispositifs.values())


def test_monthly_quota_4000_in_2017_then_3800_in_2018(policy: Policy) -> None:
    # 000: « 4000 prises en charge mensuelles et 3800 en 2018 », for social and global.
    quota = policy.capacites_communes
    assert len(quota) == 1
    (shared,) = quota.values()
    assert set(shared.dispositifs) == {"accompagnement_social", "accompagnement_global"}
    assert shared.places is not None
    assert shared.places.au(date(2017, 6, 1)) == 4000
    assert shared.places.au(date(2017, 12, 31)) == 4000
    assert shared.places.au(date(2018, 6, 1)) == 3800
    assert shared.places.dates == (date(2017, 1, 1), date(2018, 1, 1))


def test_diff_between_june_2017_and_june_2018_is_the_quota(policy: Policy) -> None:
    before, after = _in_force(policy, date(2017, 6, 1)), _in_force(policy, date(2018, 6, 1))
    changed = {path for path in before if before[path] != after[path]}
    assert changed == {("capacites_communes", "sasi_social_et_global", "places")}


def test_accompagnement_global_1330_a_month_in_2017_and_2018(ag: Dispositif) -> None:
    assert ag.capacite.places is not None
    assert ag.capacite.places.au(date(2017, 3, 1)) == 1330
    assert ag.capacite.places.au(date(2018, 11, 1)) == 1330
    # 2015-2016: 1400 in concerted accompaniment (000), a count used as capacity: flagged.
    early = ag.capacite.places.version_au(date(2016, 1, 1))
    assert early is not None
    assert early.valeur == 1400
    assert early.hypothese


def test_the_quota_is_not_yet_in_force_in_2016(policy: Policy) -> None:
    (shared,) = policy.at(date(2016, 6, 1)).capacites_communes.values()
    assert shared.places is not None
    assert shared.places.versions == ()


def test_fourteen_binomes_from_february_2015(ag: Dispositif) -> None:
    assert ag.capacite.binomes is not None
    assert ag.capacite.binomes.valeur == 14
    assert ag.convention is not None
    assert ag.convention.debut.valeur == date(2015, 2, 1)


def test_accompagnement_global_lasts_six_to_nine_months(ag: Dispositif) -> None:
    assert ag.duree.minimum is not None
    assert ag.duree.maximum is not None
    assert ag.duree.minimum.valeur == Duree(6, "mois")
    assert ag.duree.maximum.valeur == Duree(9, "mois")


def test_the_five_steps_of_004(ag: Dispositif) -> None:
    five = ("reperage", "prescription", "diagnostic_partage", "demarrage", "bilan")
    assert ag.etapes[:5] == five
    assert "sortie" in ag.etapes
    (entry,) = ag.entrees.values()
    assert entry.orienteur == "Pôle emploi ou UDAF"


def test_the_eight_exit_situations_and_their_positive_flags(ag: Dispositif) -> None:
    motifs = ag.motifs_sortie
    assert len(motifs) == 8
    # 004: « De belles réussites ... CDI ou CDD + 6 mois ... une formation ».
    for positive in ("cdi", "cdd_ctt_plus_6_mois", "formation"):
        assert motifs[positive].positive, positive
    for negative in ("nouvelle_modalite_pole_emploi", "cdd_ctt_moins_6_mois", "retrait_marche_travail"):
        assert not motifs[negative].positive, negative
    assert not motifs["autres_sorties"].positive
    assert {k for k, m in motifs.items() if m.emploi} == {
        "cdi",
        "cdd_ctt_plus_6_mois",
        "cdd_ctt_moins_6_mois",
        "creation_reprise_entreprise",
    }
    # Moselle publishes no definition of a positive exit: every flag is an assumption.
    assert all(m.hypothese and m.raison for m in motifs.values())


def _values(dispositif: Dispositif, key: str) -> dict[str, float]:
    return {k: p.valeur for k, p in dispositif.observations[key].valeurs.items()}


def test_exits_by_situation_add_up_and_match_the_published_shares(ag: Dispositif) -> None:
    exits = _values(ag, "sorties")
    published = {
        "nouvelle_modalite_pole_emploi": (1341, 47.3),
        "cdi": (156, 5.5),
        "cdd_ctt_plus_6_mois": (427, 15.1),
        "cdd_ctt_moins_6_mois": (324, 11.4),
        "creation_reprise_entreprise": (15, 0.5),
        "formation": (145, 5.1),
        "retrait_marche_travail": (33, 1.2),
        "autres_sorties": (389, 13.7),
    }
    assert exits == {k: n for k, (n, _) in published.items()}
    assert set(exits) == set(ag.motifs_sortie)
    total = sum(exits.values())
    assert total == 2830
    for key, (count, share) in published.items():
        assert abs(100 * count / total - share) < 0.1, key


def test_people_accompanied_by_sex_training_disability(ag: Dispositif) -> None:
    assert _values(ag, "sexe") == {"hommes": 2145, "femmes": 1842}
    total = 2145 + 1842
    assert sum(_values(ag, "niveau_formation").values()) == total
    assert _values(ag, "travailleurs_handicapes") == {"oui": 499, "non": 3488}
    assert sum(_values(ag, "travailleurs_handicapes").values()) == total


def test_age_bands_are_one_short_of_the_total_as_in_004(ag: Dispositif) -> None:
    assert _values(ag, "age") == {"moins_de_26_ans": 238, "de_26_a_49_ans": 2986, "plus_de_50_ans": 762}
    assert sum(_values(ag, "age").values()) == 2145 + 1842 - 1


def test_minimum_benefits_leave_22_2_percent_not_concerned(ag: Dispositif) -> None:
    minima = _values(ag, "minima_sociaux")
    assert minima == {"rsa": 2450, "ass": 617, "aah": 17, "ata": 19}
    not_concerned = 3987 - sum(minima.values())
    assert round(100 * not_concerned / 3987, 1) == _values(ag, "minima_sociaux_non_concernes")["part"] == 22.2


def test_35_3_percent_in_employment_within_six_months(ag: Dispositif) -> None:
    assert _values(ag, "emploi_dans_les_6_mois") == {"part": 35.3}


def test_service_volumes_2015_2016(policy: Policy) -> None:
    volumes = {k: p.valeur for k, p in policy.observations["volumes_2015_2016"].valeurs.items()}
    assert volumes == {
        "participants_minimum": 5200,
        "participants_maximum": 5500,
        "dont_accompagnement_concerte": 1400,
    }


def test_domains_of_difficulty(policy: Policy, ag: Dispositif) -> None:
    social = policy.dispositif("accompagnement_social")
    assert social.domaines is not None
    assert {"budget_familial", "hygiene", "alimentation", "logement", "illettrisme", "sante"} <= set(
        social.domaines.valeur
    )
    assert ag.domaines is not None
    assert set(ag.domaines.valeur) == {
        "logement",
        "sante",
        "budget",
        "acces_aux_droits",
        "mobilite",
        "parentalite",
    }


def test_does_not_borrow_rules_from_another_departement(policy: Policy) -> None:
    # It inherits the national layer (issue 18), from no other département.
    assert policy.herite == "national/plein_emploi"
    assert all(d.rythme_entretiens is None for d in policy.dispositifs.values())
