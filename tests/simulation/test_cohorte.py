"""The cohort model: reading, located errors, checks against the policy, bundled files."""

from __future__ import annotations

from pathlib import Path

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


def test_a_copied_policy_keeps_its_cohort(tmp_path: Path) -> None:
    """The cohort is named by the policy (« cohorte: meurthe_et_moselle »), not by its file:
    a copy under another name simulates the same people."""
    from datetime import date

    from parcours.policies.bundled import find_bundled
    from parcours.simulation import simulate

    bundled = find_bundled("meurthe_et_moselle")
    assert bundled is not None
    copie = tmp_path / "mm.yaml"
    copie.write_bytes(bundled.read_bytes())
    a = simulate("meurthe_et_moselle", du=date(2018, 1, 1), au=date(2018, 12, 31), seed=1, evenements=False)
    b = simulate(copie, du=date(2018, 1, 1), au=date(2018, 12, 31), seed=1, evenements=False)
    assert b.cohorte.reference == "policies/cohortes/meurthe_et_moselle.yaml"
    assert b.aggregates() == a.aggregates()
    assert "cohorte policies/cohortes/meurthe_et_moselle.yaml" in repr(b)


def test_an_inheriting_policy_simulates_its_parent_cohort(tmp_path: Path) -> None:
    enfant = tmp_path / "variante.yaml"
    enfant.write_text("herite: moselle\ndepartement: Moselle\nlibelle: Variante\ndispositifs: {}\n", "utf-8")
    policy = load_policy(enfant)
    cohort = find_cohorte(policy)
    assert cohort is not None and cohort.fichier == "policies/cohortes/moselle.yaml"


def test_a_cohort_path_is_read_beside_the_policy_and_a_missing_one_is_located(tmp_path: Path) -> None:
    (tmp_path / "c.yaml").write_text(MINI, "utf-8")
    politique = (
        "departement: T\nlibelle: T\ncohorte: c.yaml\ndispositifs:\n  global:\n    libelle: G\n"
        "    etapes: [demarrage, sortie]\n"
        "    motifs_sortie: {cdi: {libelle: CDI, categorie: emploi, positive: true}}\n"
    )
    (tmp_path / "p.yaml").write_text(politique, "utf-8")
    cohort = find_cohorte(load_policy(tmp_path / "p.yaml"))
    assert cohort is not None and cohort.fichier == str(tmp_path / "c.yaml")
    (tmp_path / "q.yaml").write_text(politique.replace("c.yaml", "absente.yaml"), "utf-8")
    with pytest.raises(PolicyError, match=r"absente\.yaml") as err:
        find_cohorte(load_policy(tmp_path / "q.yaml"))
    assert f"{tmp_path / 'q.yaml'}:3" in str(err.value) and "absente.yaml" in str(err.value)


def test_compare_simulates_each_side_with_its_own_cohort(tmp_path: Path) -> None:
    """Same rules, two cohorts (100 and 200 arrivals a year): B − A shows B's arrivals, unless
    one cohort is given for both."""
    from datetime import date

    from parcours.simulation import compare

    politique = (
        "departement: T\nlibelle: T\ncohorte: {c}\ndispositifs:\n  global:\n    libelle: G\n"
        "    etapes: [demarrage, sortie]\n"
        "    motifs_sortie: {{cdi: {{libelle: CDI, categorie: emploi, positive: true}}}}\n"
    )
    for nom, par_an in (("a", 100), ("b", 200)):
        (tmp_path / f"c_{nom}.yaml").write_text(MINI.replace("par_an: 100", f"par_an: {par_an}"), "utf-8")
        (tmp_path / f"{nom}.yaml").write_text(politique.format(c=f"c_{nom}.yaml"), "utf-8")
    periode = {"du": date(2018, 1, 1), "au": date(2018, 12, 31), "runs": 5, "seed": 1}
    propres = compare(tmp_path / "a.yaml", tmp_path / "b.yaml", **periode)  # type: ignore[arg-type]
    assert propres.difference["accompagnees"].moyenne > 50
    communes = compare(tmp_path / "a.yaml", tmp_path / "b.yaml", tmp_path / "c_a.yaml", **periode)  # type: ignore[arg-type]
    assert communes.difference["accompagnees"].moyenne == 0
