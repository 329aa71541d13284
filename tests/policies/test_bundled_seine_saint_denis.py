"""The Seine-Saint-Denis policy says what seed 003 says; what 003 leaves out is flagged."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from parcours.policies import Dispositif, Duree, Policy, load_policy
from parcours.policies.versions import policy_at

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def policy() -> Policy:
    return load_policy(ROOT / "policies" / "seine_saint_denis.yaml")


@pytest.fixture(scope="module")
def action(policy: Policy) -> Dispositif:
    return policy.dispositif("accompagnement_social")


def test_inherits_the_base_and_has_one_dispositif(policy: Policy) -> None:
    assert policy.herite == "base/accompagnement_social"
    assert policy.departement == "Seine-Saint-Denis"
    assert list(policy.dispositifs) == ["accompagnement_social"]
    assert "003_809340dbbb5245cc.txt" in policy.documents


def test_550_people_a_year_of_whom_300_remobilised_and_250_new(action: Dispositif) -> None:
    assert action.capacite.personnes_par_an is not None
    assert action.capacite.personnes_par_an.valeur == 550
    volumes = {k: p.personnes_par_an.valeur for k, p in action.publics_cibles.items() if p.personnes_par_an}
    assert sorted(volumes.values()) == [250, 300]
    assert sum(volumes.values()) == 550


def test_from_september_2020_to_october_2021(action: Dispositif) -> None:
    assert action.convention is not None
    assert action.convention.debut.valeur == date(2020, 9, 1)
    assert action.convention.fin is not None
    assert action.convention.fin.valeur == date(2021, 10, 31)
    assert action.convention.fin.versions[0].hypothese  # the day is not given


def test_values_003_does_not_give_are_inherited_and_flagged(action: Dispositif) -> None:
    # 003 gives neither rhythm, nor portfolio, nor CER length, nor a target: those of the base
    # (001: 6 weeks, 100 per ETP, 6 months, 15 %) are kept as assumptions with a reason.
    assert action.rythme_entretiens is not None
    assert action.capacite.portefeuille_par_etp is not None
    assert action.duree.cer is not None
    inherited = {
        "rythme": (action.rythme_entretiens.intervalle_max, Duree(6, "semaines")),
        "portefeuille": (action.capacite.portefeuille_par_etp, 100),
        "cer": (action.duree.cer, Duree(6, "mois")),
    }
    for objectif in action.resultats_attendus.values():
        inherited[objectif.libelle] = (objectif.taux, 0.15)
    for name, (param, expected) in inherited.items():
        (version,) = param.versions
        assert version.valeur == expected, name
        assert version.hypothese, name
        assert version.raison and "001" in version.raison, name


def test_the_three_parcours_referents(policy: Policy) -> None:
    referents = {k: r.mis_en_oeuvre_par for k, r in policy.parcours_referents.items()}
    assert referents == {
        "emploi": "Pôle Emploi",
        "socioprofessionnel": "Projets Insertion Emploi",
        "social": "Service social départemental ou associations conventionnées",
    }


def test_entry_points_tools_and_domains(action: Dispositif) -> None:
    assert len(action.entrees) == 3
    assert action.outils is not None
    assert set(action.outils) == {"webrsa", "accompagnement_global"}
    assert action.domaines is not None
    assert {"sante", "droits_retraite", "acces_aux_droits"} <= set(action.domaines.valeur)
    assert "reorientation" in action.etapes
    assert action.motifs_sortie == {}  # 003 lists no exit reasons


def test_the_evaluation_indicators_of_003(action: Dispositif) -> None:
    groups = {k: (i.groupe, i.nature) for k, i in action.indicateurs.items()}
    assert len(groups) == 7
    assert [k for k, g in groups.items() if g[0] == "evaluation"] == [
        "taux_sorties_positives",
        "taux_acces_autre_droit",
    ]
    assert groups["cer_signes"] == ("activite", "nombre")
    assert groups["rendez_vous_par_usager"] == ("activite", "moyenne")
    assert groups["entrees_accompagnement_global"] == ("activite", "nombre")


def test_no_date_keyed_value(policy: Policy) -> None:
    # Its own values are not dated: the only dates of effect are those of the national layer
    # it inherits (issue 18), which change no dispositif.
    national = load_policy("national/plein_emploi")
    assert policy.dates_effet() == national.dates_effet()
    assert all(policy_at(d, date(2020, 1, 1)) == d for d in policy.dispositifs.values())
