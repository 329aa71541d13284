"""The bounds of parcours.limits on policy and cohort files: each is refused at its line, in
French, by the fast and the pure-Python reader alike, before any recursion can go deep."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from parcours import PolicyError, load_policy
from parcours.limits import (
    DISPOSITIFS_MAX,
    HERITAGE_MAX,
    MOTIFS_MAX,
    PROFONDEUR_YAML_MAX,
    VERSIONS_MAX,
)
from parcours.policies import load_policy_text
from parcours.policies._yaml import read_yaml
from parcours.policies.cohort import load_cohorte_text

TETE = 'departement: "54"\nlibelle: Essai\n'
DISPOSITIF = """  d{i}:
    libelle: D{i}
    etapes: [prescription, demarrage, bilan, sortie]
    motifs_sortie:
      cdi: {{libelle: CDI, categorie: emploi, positive: true}}
"""


def _erreur(raw: bytes, *, fast: bool = True) -> PolicyError:
    with pytest.raises(PolicyError, match=r"p\.yaml") as caught:
        read_yaml(raw, "p.yaml", fast=fast)
    return caught.value


@pytest.mark.parametrize("fast", [True, False])
def test_flow_nesting_past_the_bound_is_refused_at_the_first_node_too_deep(fast: bool) -> None:
    # 5,000 levels: far past Python's recursion limit, which used to raise RecursionError
    raw = b"a: " + b"[" * 5000 + b"]" * 5000 + b"\n"
    erreur = _erreur(raw, fast=fast)
    premier = erreur.problems[0]
    assert "imbrication trop profonde" in premier.message
    assert f"plus de {PROFONDEUR_YAML_MAX} niveaux" in premier.message
    # the first node too deep: after "a: " and PROFONDEUR_YAML_MAX - 1 brackets (the root is a level)
    assert (premier.ligne, premier.colonne) == (1, 3 + PROFONDEUR_YAML_MAX)


@pytest.mark.parametrize("fast", [True, False])
def test_block_nesting_past_the_bound_is_refused_at_its_line(fast: bool) -> None:
    niveaux = 1200  # one-space indents: 0.7 MB, under the file size bound
    raw = "".join(" " * i + f"k{i}:\n" for i in range(niveaux)) + " " * niveaux + "x: 1\n"
    erreur = _erreur(raw.encode(), fast=fast)
    assert "imbrication trop profonde" in str(erreur)
    assert erreur.problems[0].ligne == PROFONDEUR_YAML_MAX + 1


def test_nesting_within_the_bound_is_read() -> None:
    raw = b"a: " + b"[" * (PROFONDEUR_YAML_MAX - 1) + b"]" * (PROFONDEUR_YAML_MAX - 1) + b"\n"
    profond = read_yaml(raw, "p.yaml").data["a"]
    for _ in range(PROFONDEUR_YAML_MAX - 2):
        profond = profond[0]
    assert profond == []


def test_the_bound_stays_far_below_the_recursion_limit() -> None:
    # the composer and the builder take a few frames per level
    assert sys.getrecursionlimit() > PROFONDEUR_YAML_MAX * 10


@pytest.mark.parametrize(
    ("raw", "fragment", "ligne"),
    [
        (b"a: 1\nb: x\x00y\n", "caractère de contrôle U+0000", 2),
        (b"a: 1\nb: \x1b[31mrouge\n", "caractère de contrôle U+001B", 2),
        ("a: 1\n".encode("utf-16"), "le fichier est en UTF-16", 1),
        (b"a: 1\nb: \xff\n", "octet 0xff invalide", 2),
    ],
)
def test_control_characters_and_other_encodings_are_refused_at_their_line(
    raw: bytes, fragment: str, ligne: int
) -> None:
    for fast in (True, False):
        erreur = _erreur(raw, fast=fast)
        assert fragment in str(erreur) and erreur.problems[0].ligne == ligne


def test_more_dispositifs_than_the_bound_are_refused_at_the_first_one_too_many() -> None:
    texte = TETE + "dispositifs:\n" + "".join(DISPOSITIF.format(i=i) for i in range(DISPOSITIFS_MAX + 1))
    with pytest.raises(PolicyError, match=f"plus de {DISPOSITIFS_MAX} dispositifs") as caught:
        load_policy_text(texte, "p.yaml")
    premier = caught.value.problems[0]
    assert premier.ligne == 4 + 5 * DISPOSITIFS_MAX  # the key of dispositif number DISPOSITIFS_MAX + 1
    assert premier.chemin == f"dispositifs.d{DISPOSITIFS_MAX}"


def test_more_exit_reasons_than_the_bound_are_refused() -> None:
    motifs = "".join(
        f"      m{i}: {{libelle: M{i}, categorie: autre, positive: false}}\n" for i in range(MOTIFS_MAX + 1)
    )
    texte = (
        TETE
        + "dispositifs:\n  d:\n    libelle: D\n    etapes: [prescription, demarrage, bilan, sortie]\n"
        + "    motifs_sortie:\n"
        + motifs
    )
    with pytest.raises(PolicyError, match=f"plus de {MOTIFS_MAX} motifs de sortie") as caught:
        load_policy_text(texte, "p.yaml")
    assert caught.value.problems[0].ligne == 8 + MOTIFS_MAX


def test_more_dated_versions_than_the_bound_are_refused() -> None:
    dates = "".join(
        f"        {2000 + i // 12}-{1 + i % 12:02d}-01: {10 + i}\n" for i in range(VERSIONS_MAX + 1)
    )
    texte = (
        TETE
        + "dispositifs:\n  d:\n    libelle: D\n    etapes: [prescription, demarrage, bilan, sortie]\n"
        + "    capacite:\n      places:\n"
        + dates
        + "    motifs_sortie:\n      cdi: {libelle: CDI, categorie: emploi, positive: true}\n"
    )
    with pytest.raises(PolicyError, match=f"plus de {VERSIONS_MAX} versions datées") as caught:
        load_policy_text(texte, "p.yaml")
    assert caught.value.problems[0].ligne == 9 + VERSIONS_MAX


def test_an_inheritance_chain_longer_than_the_bound_is_refused(tmp_path: Path) -> None:
    base = TETE + "dispositifs:\n" + DISPOSITIF.format(i=0)
    (tmp_path / "p0.yaml").write_text(base, encoding="utf-8")
    for i in range(1, HERITAGE_MAX + 1):
        (tmp_path / f"p{i}.yaml").write_text(f"herite: p{i - 1}.yaml\n", encoding="utf-8")
    assert load_policy(tmp_path / f"p{HERITAGE_MAX - 1}.yaml").dispositifs
    with pytest.raises(PolicyError, match=f"héritage trop long : plus de {HERITAGE_MAX} politiques"):
        load_policy(tmp_path / f"p{HERITAGE_MAX}.yaml")


def test_a_cohort_file_has_the_same_bounds() -> None:
    texte = "politique: meurthe_et_moselle\ndispositifs:\n  x: " + "[" * 3000 + "]" * 3000 + "\n"
    with pytest.raises(PolicyError, match="imbrication trop profonde") as caught:
        load_cohorte_text(texte, "c.yaml")
    assert caught.value.problems[0].fichier == "c.yaml" and caught.value.problems[0].ligne == 3
