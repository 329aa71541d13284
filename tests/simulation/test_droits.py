"""The simulator of the droits et devoirs track: its events pass the engine, its runs repeat
with their seed, and a faster orientation shows in the orientation rate, on common seeds."""

from __future__ import annotations

import json
from datetime import date

import pytest
from typer.testing import CliRunner

from parcours import Engine, PolicyError, load_policy_text
from parcours.cli import app
from parcours.policies.rights_cohort import load_cohorte_droits
from parcours.policies.versions import iter_params
from parcours.simulation.rights import simulate_droits, variante_cohorte
from parcours.simulation.rights_montecarlo import compare_droits, monte_carlo_droits

DU, AU = date(2025, 1, 1), date(2025, 12, 31)


def test_the_bundled_cohort_model_is_made_of_flagged_assumptions() -> None:
    cohorte = load_cohorte_droits()
    params = list(iter_params(cohorte))
    assert len(params) >= 15
    for chemin, param in params:
        for version in param.versions:
            assert version.hypothese and version.raison, ".".join(chemin)


def test_simulated_events_are_never_refused_by_the_engine() -> None:
    sim = simulate_droits("seine_saint_denis", du=DU, au=AU, seed=3)
    evenements = sim.events()
    assert len(evenements) > 1000
    assert {e["evenement"] for e in evenements} >= {
        "ouverture_droit",
        "orientation",
        "contrat_engagement",
        "reexamen",
        "manquement",
        "observations",
        "sanction",
        "remobilisation",
    }
    engine = Engine(sim.policy)
    lot = engine.apply_many(evenements)
    assert lot.appliques == len(evenements)
    assert all(DU <= date.fromisoformat(e["date"]) <= AU for e in evenements)


def test_sanctions_follow_the_rules_of_the_day_of_the_breach() -> None:
    sim = simulate_droits("moselle", du=date(2025, 1, 1), au=date(2026, 12, 31), seed=5)
    sanctions = [e for e in sim.events() if e["evenement"] == "sanction"]
    assert sanctions
    assert all(e["taux"] >= 30 and 1 <= e["mois"] <= 2 for e in sanctions if e["date"] >= "2025-07-01")


def test_the_same_seed_gives_the_same_run() -> None:
    a = simulate_droits("moselle", du=DU, au=AU, seed=1).events()
    b = simulate_droits("moselle", du=DU, au=AU, seed=1).events()
    c = simulate_droits("moselle", du=DU, au=AU, seed=2).events()
    assert a == b and a != c


def test_orienting_in_four_weeks_rather_than_eight_raises_the_six_week_rate() -> None:
    comparaison = compare_droits("seine_saint_denis", {"orientation.delai_moyen": "4 semaines"}, runs=3)
    diff = comparaison.difference["taux_orientation_6_semaines"]
    # gamma delays of shape 2: P(delay ≤ 42 days) is 1 − e^(−x)(1 + x) with x = 42 / (mean / 2);
    # mean 56 days: x = 1.5, about 0.44; mean 28 days: x = 3, about 0.80
    assert comparaison.a["taux_orientation_6_semaines"].moyenne == pytest.approx(0.44, abs=0.05)
    assert comparaison.b["taux_orientation_6_semaines"].moyenne == pytest.approx(0.80, abs=0.05)
    assert diff.intervalle()[0] > 0.25
    # common seeds: what does not depend on the orientation's delay does not move
    assert comparaison.difference["part_dispenses"].ecart_type < 0.02


def test_monte_carlo_gives_an_interval_for_each_indicator() -> None:
    distributions = monte_carlo_droits("moselle", runs=3, seed=7).to_dict()
    assert distributions["runs"] == 3
    taux = distributions["indicateurs"]["taux_contrat_1_mois"]
    assert taux["bas"] <= taux["moyenne"] <= taux["haut"]


def test_a_variant_is_a_flagged_assumption_and_an_unknown_path_is_refused() -> None:
    cohorte = load_cohorte_droits()
    variante = variante_cohorte(cohorte, {"orientation.delai_moyen": "4 semaines"})
    version = variante.orientation.delai_moyen.versions[0]
    assert str(version.valeur) == "4 semaines" and version.hypothese
    with pytest.raises(PolicyError, match=r"« orientation\.delai_moyn » n.est pas une valeur"):
        variante_cohorte(cohorte, {"orientation.delai_moyn": "4 semaines"})
    with pytest.raises(PolicyError, match="variante invalide"):
        variante_cohorte(cohorte, {"orientation.delai_moyen": "quatre semaines"})


def test_a_policy_without_the_national_layer_cannot_be_simulated() -> None:
    texte = "departement: T\nlibelle: T\ndispositifs: {}\n"
    with pytest.raises(PolicyError, match="n'a pas de couche nationale"):
        simulate_droits(load_policy_text(texte, "sans.yaml"))


def test_the_command_prints_the_indicators_and_their_intervals() -> None:
    runner = CliRunner()
    texte = runner.invoke(app, ["simuler-droits", "moselle", "--runs", "2"])
    assert texte.exit_code == 0, texte.output
    assert "Orientées dans les six semaines" in texte.output and "à 95 %" in texte.output
    sortie = runner.invoke(
        app,
        [
            "simuler-droits",
            "moselle",
            "--runs",
            "2",
            "--json",
            "--variante",
            "orientation.delai_moyen=4 semaines",
        ],
    )
    assert sortie.exit_code == 0, sortie.output
    donnees = json.loads(sortie.output)
    assert donnees["variante"] == {"orientation.delai_moyen": "4 semaines"}
    assert set(donnees) >= {"a", "b", "difference"}
    faux = runner.invoke(app, ["simuler-droits", "moselle", "--variante", "orientation"])
    assert faux.exit_code == 2 and "CHEMIN=VALEUR" in faux.output
