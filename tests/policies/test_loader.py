"""Loading valid policies: values, versions, origins, inheritance, defaults."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from parcours import PolicyError, load_policy, load_policy_text
from parcours.policies.durations import Duree
from parcours.policies.versions import iter_params

HERE = Path(__file__).parent
MINIMAL = HERE / "valid_minimal.yaml"

DATED = """\
departement: Test
libelle: Dated
dispositifs:
  global:
    libelle: Global
    etapes: [demarrage, bilan, sortie]
    capacite:
      places:
        2017-01-01: {valeur: 4000, source: {document: a.txt, citation: "4000 prises"}}
        2018-01-01: {valeur: 3800, hypothese: true, raison: essai}
      etp: 2
    duree:
      cer: {valeur: 6 mois, source: {document: b.txt, section: "4."}}
"""


def test_minimal_policy_loads() -> None:
    policy = load_policy(MINIMAL)
    dispositif = policy.dispositifs["global"]
    assert dispositif.etapes == ("prescription", "demarrage", "bilan", "sortie")
    assert dispositif.capacite.places is not None
    assert dispositif.capacite.places.valeur == 10
    assert dispositif.duree.cer is not None
    assert dispositif.duree.cer.valeur == Duree(6, "mois")
    assert dispositif.motifs_positifs() == frozenset({"cdi"})
    assert policy.nom == "valid_minimal"


def test_dated_values_and_their_sources() -> None:
    policy = load_policy_text(DATED, "dated.yaml")
    places = policy.dispositifs["global"].capacite.places
    assert places is not None
    assert places.au(date(2017, 1, 1)) == 4000
    assert places.au(date(2017, 12, 31)) == 4000
    assert places.au(date(2018, 1, 1)) == 3800
    with pytest.raises(PolicyError, match="aucune valeur en vigueur le 2016-12-31"):
        places.au(date(2016, 12, 31))
    first, second = places.versions
    assert first.source is not None and first.source.citation == "4000 prises"
    assert second.hypothese and second.raison == "essai"
    assert str(first.origine) == "dated.yaml:9"
    assert str(second.origine) == "dated.yaml:10"


def test_policy_at_date() -> None:
    policy = load_policy_text(DATED, "dated.yaml")
    assert policy.dates_effet() == (date(2017, 1, 1), date(2018, 1, 1))
    snapshot = policy.at(date(2017, 6, 1))
    places = snapshot.dispositifs["global"].capacite.places
    assert places is not None and places.valeur == 4000
    assert snapshot.nom == policy.nom
    # before its first date of effect a value is absent: no version left
    early = policy.at(date(2016, 6, 1)).dispositifs["global"].capacite.places
    assert early is not None and early.versions == ()


def test_value_of_a_dated_param_needs_a_date() -> None:
    policy = load_policy_text(DATED, "dated.yaml")
    places = policy.dispositifs["global"].capacite.places
    assert places is not None
    with pytest.raises(PolicyError, match=r"utilisez \.au"):
        _ = places.valeur


def test_every_param_has_an_origin() -> None:
    policy = load_policy_text(DATED, "dated.yaml")
    params = list(iter_params(policy))
    assert {path[-1] for path, _ in params} == {"places", "etp", "cer"}
    assert all(v.origine is not None for _, p in params for v in p.versions)


def test_inheritance_overrides_and_keeps_origins(tmp_path: Path) -> None:
    parent = tmp_path / "parent.yaml"
    parent.write_text(DATED, encoding="utf-8")
    child = tmp_path / "enfant.yaml"
    child.write_text(
        "herite: parent.yaml\nlibelle: Enfant\ndispositifs:\n  global:\n    capacite:\n      etp: 3\n",
        encoding="utf-8",
    )
    policy = load_policy(child)
    dispositif = policy.dispositifs["global"]
    assert policy.libelle == "Enfant"
    assert policy.departement == "Test"  # inherited
    assert dispositif.capacite.etp is not None and dispositif.capacite.etp.valeur == 3
    places = dispositif.capacite.places
    assert places is not None and places.au(date(2018, 2, 1)) == 3800  # kept from the parent
    etp_origin = dispositif.capacite.etp.versions[0].origine
    places_origin = places.versions[0].origine
    assert etp_origin is not None and etp_origin.fichier.endswith("enfant.yaml") and etp_origin.ligne == 6
    assert places_origin is not None and places_origin.fichier.endswith("parent.yaml")
    assert policy.positions["libelle"].endswith("enfant.yaml:2")
    assert policy.positions["departement"].endswith("parent.yaml:1")


def test_defaults_apply_to_every_dispositif_and_yield_to_it() -> None:
    text = """\
departement: Test
libelle: Défauts
defauts:
  duree: {cer: 6 mois}
  rythme_entretiens: {intervalle_max: 6 semaines}
dispositifs:
  a: {libelle: A, etapes: [demarrage, sortie]}
  b:
    libelle: B
    etapes: [demarrage, sortie]
    rythme_entretiens: {intervalle_max: 15 jours}
"""
    policy = load_policy_text(text, "defauts.yaml")
    a, b = policy.dispositifs["a"], policy.dispositifs["b"]
    assert a.duree.cer is not None and a.duree.cer.valeur == Duree(6, "mois")
    assert b.duree.cer is not None and b.duree.cer.valeur == Duree(6, "mois")
    assert a.rythme_entretiens is not None and a.rythme_entretiens.intervalle_max.valeur == Duree(
        6, "semaines"
    )
    assert b.rythme_entretiens is not None and b.rythme_entretiens.intervalle_max.valeur == Duree(15, "jours")
    origin = a.duree.cer.versions[0].origine
    assert origin is not None and origin.ligne == 4


def test_error_in_a_default_points_at_the_default() -> None:
    text = """\
departement: Test
libelle: Défauts
defauts:
  duree: {cer: 6 moi}
dispositifs:
  a: {libelle: A, etapes: [demarrage, sortie]}
"""
    with pytest.raises(
        PolicyError,
        match=r"^defauts\.yaml:4:16: defauts\.duree\.cer: « 6 moi » n'est pas une durée : "
        r"unité « moi » inconnue",
    ) as caught:
        load_policy_text(text, "defauts.yaml")
    assert caught.value.ligne == 4
    assert "« 6 moi » n'est pas une durée" in str(caught.value)


def test_unknown_bundled_name_suggests() -> None:
    with pytest.raises(PolicyError, match="introuvable"):
        load_policy("inexistante")


def test_objective_needs_exactly_one_numerator() -> None:
    text = MINIMAL.read_text(encoding="utf-8") + (
        "    resultats_attendus:\n      r: {libelle: R, taux: 15 %, selon: positive, motifs: [cdi]}\n"
    )
    with pytest.raises(
        PolicyError,
        match=r"^objectif\.yaml:14:10: dispositifs\.global\.resultats_attendus\.r: indiquez "
        r"soit « motifs », soit « selon » \(l'un des deux\)$",
    ) as caught:
        load_policy_text(text, "objectif.yaml")
    assert "soit « motifs », soit « selon »" in str(caught.value)
    assert caught.value.ligne == 14
