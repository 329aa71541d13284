"""The Meurthe-et-Moselle policy says what seed 002 says (values read in the seed)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from parcours.policies import Dispositif, Duree, Policy, load_policy, regles_datees
from parcours.policies.versions import iter_params
from tableaux_002 import ANNEES, TABLES_002

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def policy() -> Policy:
    return load_policy(ROOT / "policies" / "meurthe_et_moselle.yaml")


def _d(policy: Policy, ident: str) -> Dispositif:
    return policy.dispositif(ident)


def _places(dispositif: Dispositif, jour: date = date(2018, 12, 1)) -> int:
    assert dispositif.capacite.places is not None
    return dispositif.capacite.places.au(jour)


def _rythme(dispositif: Dispositif) -> Duree:
    assert dispositif.rythme_entretiens is not None
    return dispositif.rythme_entretiens.intervalle_max.valeur


def test_one_dispositif_per_convention(policy: Policy) -> None:
    assert len(policy.dispositifs) == 8
    assert all("ARS" in (d.operateur or "") for d in policy.dispositifs.values())


def test_capacities(policy: Policy) -> None:
    assert _places(_d(policy, "referent_unique_nancy_couronne")) == 175
    assert _places(_d(policy, "referent_unique_sdf")) == 110
    assert _places(_d(policy, "lunevillois")) == 45
    assert _places(_d(policy, "terres_de_lorraine")) == 35
    assert _places(_d(policy, "dispositif_securisation_parcours")) == 60
    assert _places(_d(policy, "securisation_parcours_refugies")) == 55


def test_interview_rhythms(policy: Policy) -> None:
    assert _rythme(_d(policy, "referent_unique_sdf")) == Duree(1, "mois")
    assert _rythme(_d(policy, "lunevillois")) == Duree(15, "jours")
    assert _rythme(_d(policy, "terres_de_lorraine")) == Duree(15, "jours")
    assert _rythme(_d(policy, "dispositif_securisation_parcours")) == Duree(1, "mois")
    assert _rythme(_d(policy, "accompagnement_cec")) == Duree(1, "mois")
    assert _d(policy, "referent_unique_nancy_couronne").rythme_entretiens is None  # not given


def test_terres_de_lorraine_six_months_from_january_to_june_2018(policy: Policy) -> None:
    tdl = _d(policy, "terres_de_lorraine")
    assert tdl.duree.maximum is not None
    assert tdl.duree.maximum.valeur == Duree(6, "mois")
    assert tdl.convention is not None
    assert tdl.convention.fin is not None
    jour = date(2018, 3, 1)
    assert (tdl.convention.debut.au(jour), tdl.convention.fin.au(jour)) == (
        date(2018, 1, 1),
        date(2018, 6, 30),
    )
    # the 2016-2017 activity of 002's table ran under an earlier period, declared as a hypothesis
    earlier = tdl.convention.debut.version_au(date(2017, 3, 1))
    assert earlier is not None and earlier.hypothese and earlier.valeur == date(2016, 1, 1)


def test_securisation_de_parcours(policy: Policy) -> None:
    dsp = _d(policy, "dispositif_securisation_parcours")
    assert dsp.capacite.part_brsa is not None
    assert dsp.capacite.part_brsa.valeur == 0.5
    assert dsp.duree.cer is not None
    assert dsp.duree.cer.valeur == Duree(6, "mois")
    assert dsp.duree.renouvellements_max is not None
    assert dsp.duree.renouvellements_max.valeur == 1
    assert dsp.veille is not None
    assert dsp.veille.duree.valeur == Duree(6, "mois")
    assert dsp.convention is not None
    assert dsp.convention.fin is not None
    jour = date(2018, 3, 1)
    assert (dsp.convention.debut.au(jour), dsp.convention.fin.au(jour)) == (
        date(2018, 1, 1),
        date(2018, 12, 31),
    )


def test_mpp_two_days_a_week_over_three_months(policy: Policy) -> None:
    mpp = _d(policy, "mobilisation_projet_professionnel")
    assert mpp.mode == "individuel_et_collectif"
    assert mpp.journees_par_semaine is not None
    assert mpp.journees_par_semaine.valeur == 2
    assert mpp.duree.maximum is not None
    assert mpp.duree.maximum.valeur == Duree(3, "mois")


def test_refugees_convention_from_march_2019(policy: Policy) -> None:
    spr = _d(policy, "securisation_parcours_refugies")
    assert spr.convention is not None
    assert spr.convention.debut.valeur == date(2019, 3, 1)


def test_lunevillois_before_and_after_the_modification_of_1_june_2018(policy: Policy) -> None:
    before = policy.at(date(2017, 6, 1)).dispositif("lunevillois")
    after = policy.at(date(2018, 7, 1)).dispositif("lunevillois")
    assert before != after
    assert before.duree.maximum is not None
    assert after.duree.maximum is not None
    assert before.duree.maximum.versions == ()
    assert after.duree.maximum.valeur == Duree(6, "mois")
    eve = policy.at(date(2018, 5, 31)).dispositif("lunevillois").duree.maximum
    assert eve is not None
    assert eve.versions == ()
    assert after.capacite.places is not None
    assert after.capacite.places.valeur == 45
    assert after.capacite.places.versions[0].debut == date(2018, 6, 1)
    # The seed does not say what changed: the dated values are flagged as assumptions.
    assert after.duree.maximum.versions[0].hypothese


def test_only_the_lunevillois_changes_between_2017_and_mid_2018(policy: Policy) -> None:
    def in_force(jour: date) -> dict[tuple[str, ...], tuple[object, ...]]:
        return {
            path: tuple((v.debut, v.valeur) for v in p.versions) for path, p in iter_params(policy.at(jour))
        }

    before, after = in_force(date(2017, 6, 1)), in_force(date(2018, 7, 1))
    changed = {path for path in before if before[path] != after[path]}
    assert changed == {
        ("dispositifs", "lunevillois", "capacite", "places"),
        ("dispositifs", "lunevillois", "duree", "maximum"),
        # the 2018 conventions of Terres de Lorraine and the DSP follow the earlier period
        ("dispositifs", "terres_de_lorraine", "convention", "debut"),
        ("dispositifs", "terres_de_lorraine", "convention", "fin"),
        ("dispositifs", "dispositif_securisation_parcours", "convention", "debut"),
        ("dispositifs", "dispositif_securisation_parcours", "convention", "fin"),
    }


def test_the_dated_conventions_open_with_the_tables_of_2016(policy: Policy) -> None:
    ouverts = {
        ident: (
            regles_datees(policy, ident).ouvert(date(2015, 12, 31)),
            regles_datees(policy, ident).ouvert(date(2016, 1, 1)),
        )
        for ident in ("lunevillois", "terres_de_lorraine")
    }
    assert ouverts == {ident: (False, True) for ident in ouverts}
    # 002: « 1 conseillère socioprofessionnelle détachée depuis septembre 2014 sur cette action »
    dsp = regles_datees(policy, "dispositif_securisation_parcours")
    assert (dsp.ouvert(date(2014, 8, 31)), dsp.ouvert(date(2014, 9, 1))) == (False, True)
    assert not regles_datees(policy, "securisation_parcours_refugies").ouvert(date(2019, 2, 28))
    assert regles_datees(policy, "securisation_parcours_refugies").ouvert(date(2019, 3, 1))


def test_exit_categories_and_positive_flags(policy: Policy) -> None:
    categories = {
        "activite_cdi_cdd",
        "activite_cddi_cae_cui",
        "formation_qualifiante",
        "sortie_rsa",
        "relais_levee_freins",
        "abandon",
        "incarceration",
        "deces",
    }
    for ident, dispositif in policy.dispositifs.items():
        motifs = dispositif.motifs_sortie
        assert categories <= set(motifs), ident
        assert dispositif.motifs_positifs() == {
            "activite_cdi_cdd",
            "activite_cddi_cae_cui",
            "formation_qualifiante",
        }
        assert {k for k, m in motifs.items() if m.emploi} == {"activite_cdi_cdd", "activite_cddi_cae_cui"}
        # 002 does not define positive exits: every flag is an assumption.
        assert all(m.hypothese for m in motifs.values()), ident


@pytest.mark.parametrize("ident", sorted(TABLES_002))
def test_each_convention_table_accompanied_equals_exited_plus_still_followed(
    policy: Policy, ident: str
) -> None:
    observations = _d(policy, ident).observations
    accompanied, exited, still = TABLES_002[ident]
    for i, year in enumerate(ANNEES):
        values = {k: p.valeur for k, p in observations[f"annee_{year}"].valeurs.items()}
        assert values == {"accompagnees": accompanied[i], "sorties": exited[i], "encore_suivies": still[i]}
        assert values["accompagnees"] == values["sorties"] + values["encore_suivies"]


def test_mpp_table_has_only_accompanied(policy: Policy) -> None:
    observations = _d(policy, "mobilisation_projet_professionnel").observations
    assert [observations[f"annee_{y}"].valeurs["accompagnees"].valeur for y in ANNEES] == [37, 18, 12]


def _obs(policy: Policy, key: str) -> dict[str, float]:
    return {k: p.valeur for k, p in policy.observations[key].valeurs.items()}


def test_2018_totals_668_equals_379_plus_289(policy: Policy) -> None:
    totals = _obs(policy, "activite_2018")
    assert totals == {
        "accompagnees": 668,
        "femmes": 181,
        "hommes": 487,
        "sorties": 379,
        "encore_suivies": 289,
    }
    assert totals["accompagnees"] == totals["sorties"] + totals["encore_suivies"]
    assert totals["accompagnees"] == totals["femmes"] + totals["hommes"]


def test_2018_exits_by_category_add_up_to_379(policy: Policy) -> None:
    exits = _obs(policy, "sorties_2018")
    assert exits == {
        "activite_cdi_cdd": 40,
        "activite_cddi_cae_cui": 32,
        "formation_qualifiante": 11,
        "sortie_rsa": 63,
        "relais_levee_freins": 213,
        "abandon": 9,
        "incarceration": 9,
        "deces": 2,
    }
    assert exits["activite_cdi_cdd"] + exits["activite_cddi_cae_cui"] == 72
    assert sum(exits.values()) == 379
    # every category is a declared exit reason
    assert set(exits) <= set(_d(policy, "referent_unique_nancy_couronne").motifs_sortie)


def test_average_duration_5_8_months(policy: Policy) -> None:
    assert _obs(policy, "duree_moyenne_2018") == {"duree_moyenne": 5.8}
