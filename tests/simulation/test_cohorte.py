"""The cohort model: reading, located errors, checks against the policy, bundled files."""

from __future__ import annotations

import pytest

from parcours.errors import PolicyError
from parcours.policies import bundled_names, load_policy
from parcours.policies.cohort import Cohorte, find_cohorte, load_cohorte, load_cohorte_text

MINI = """\
politique: test
dispositifs:
  global:
    arrivees:
      flux:
        a: {par_an: 100}
    sorties:
      en_cours_de_periode: 30 %
      au_bilan: 50 %
      motifs: {cdi: 100 %}
"""


def test_reads_sourced_and_plain_values(cohorte: Cohorte) -> None:
    global_ = cohorte.dispositifs["global"]
    assert global_.arrivees.flux["prescriptions"].par_mois is not None
    assert global_.profil.sexe is not None
    assert global_.profil.sexe["homme"].versions[0].valeur == pytest.approx(0.538)
    assert global_.sorties.au_bilan.versions[0].valeur == pytest.approx(0.6)


def test_shares_must_add_up_to_100_percent() -> None:
    with pytest.raises(
        PolicyError,
        match=r"^c\.yaml:10:15: dispositifs\.global\.sorties\.motifs: les parts font 80\.0 % "
        r"\(attendu : un total de 100 %\)$",
    ) as err:
        load_cohorte_text(MINI.replace("{cdi: 100 %}", "{cdi: 60 %, autre: 20 %}"), "c.yaml")
    assert "c.yaml:" in str(err.value)
    assert "80.0 %" in str(err.value)


def test_unknown_key_is_located() -> None:
    with pytest.raises(
        PolicyError,
        match=r"c\.yaml:9:7: dispositifs\.global\.sorties\.au_bilam: clé « au_bilam » inconnue "
        r"\(attendu : vouliez-vous dire « au_bilan » \?\)",
    ) as err:
        load_cohorte_text(MINI.replace("au_bilan", "au_bilam"), "c.yaml")
    assert err.value.fichier == "c.yaml"
    lines = {(p.ligne, p.colonne) for p in err.value.problems}
    assert (9, 7) in lines
    assert "vouliez-vous dire « au_bilan »" in str(err.value)


def test_one_rate_per_stream() -> None:
    with pytest.raises(PolicyError, match="par_an"):
        load_cohorte_text(MINI.replace("{par_an: 100}", "{par_an: 100, par_mois: 8}"), "c.yaml")


def test_unknown_dispositif_is_reported_at_its_line(politique: object) -> None:
    cohort = load_cohorte_text(MINI.replace("  global:", "  globale:"), "c.yaml")
    with pytest.raises(
        PolicyError,
        match=r"^c\.yaml:3:3: dispositifs\.globale: dispositif « globale » inconnu de la "
        r"politique politique_test \(attendu : l'un de : flux, global\)$",
    ) as err:
        cohort.verifier(politique)  # type: ignore[arg-type]
    assert err.value.fichier == "c.yaml"
    assert err.value.ligne == 3
    assert "globale" in str(err.value) and "global" in str(err.value)


def test_unknown_exit_reason_is_reported(politique: object) -> None:
    cohort = load_cohorte_text(MINI.replace("{cdi: 100 %}", "{cdj: 100 %}"), "c.yaml")
    with pytest.raises(
        PolicyError,
        match=r"^c\.yaml:10:16: dispositifs\.global\.sorties\.motifs\.cdj: motif de sortie « "
        r"cdj » non déclaré par le dispositif global",
    ) as err:
        cohort.verifier(politique)  # type: ignore[arg-type]
    assert err.value.ligne == 10
    assert "cdj" in str(err.value)


def test_reorientation_only_needs_the_step(politique: object) -> None:
    text = MINI.replace("      motifs: {cdi: 100 %}\n", "      reorientation: 100 %\n").replace(
        "  global:", "  flux:"
    )
    cohort = load_cohorte_text(text, "c.yaml")
    with pytest.raises(PolicyError, match="reorientation"):
        cohort.verifier(politique)  # type: ignore[arg-type]


def test_cohort_folder_is_not_a_policy() -> None:
    assert not [name for name in bundled_names() if name.startswith("cohortes")]


@pytest.mark.parametrize("name", ["moselle", "meurthe_et_moselle", "seine_saint_denis"])
def test_bundled_cohorts_match_their_policy(name: str) -> None:
    policy = load_policy(name)
    cohort = find_cohorte(policy)
    assert cohort is not None
    assert cohort.politique == name
    cohort.verifier(policy)
    assert load_cohorte(name) == cohort
