"""Each broken file in tests/policies/invalid/ is refused with its French message at its line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from parcours import PolicyError, load_policy

INVALID = Path(__file__).parent / "invalid"

# file → (line, column or None, fragment of the message); written from the broken input.
CASES: dict[str, tuple[int, int | None, str]] = {
    "tabulation.yaml": (7, 1, "tabulation interdite"),
    "indentation.yaml": (9, None, "indentation incorrecte"),
    "vide.yaml": (1, 1, "fichier vide"),
    "latin1.yaml": (2, 21, "n'est pas en UTF-8"),
    "cle_double.yaml": (9, 5, "clé « capacite » en double (déjà définie ligne 7)"),
    "python_tag.yaml": (2, 10, "« !!python/object/apply:os.system » refusée"),
    "tag_inconnu.yaml": (8, 15, "« !secret » refusée"),
    "alias_bombe.yaml": (4, None, "plus de 10 alias"),
    "cle_inconnue.yaml": (7, 5, "clé « capacitee » inconnue (attendu : vouliez-vous dire « capacite » ?)"),
    "etape_inconnue.yaml": (6, 28, "« diagnostic_partag » n'est pas une étape connue"),
    "motif_non_declare.yaml": (15, 21, "motif de sortie « cdd » non déclaré"),
    "dates_desordre.yaml": (10, 9, "date « 2017-01-01 » avant la précédente (2018-01-01)"),
    "date_double.yaml": (10, 9, "clé « 2018-01-01 » en double"),
    "dates_melangees.yaml": (9, 9, "mélange de dates d'effet et d'autres clés"),
    "duree_invalide.yaml": (10, 12, "« 6 semianes » n'est pas une durée"),
    "duree_nulle.yaml": (10, 12, "une durée nulle n'a pas de sens"),
    "entier_invalide.yaml": (8, 15, "« beaucoup » n'est pas un nombre entier"),
    "taux_invalide.yaml": (14, 41, "« 150 % » n'est pas un taux"),
    "cle_obligatoire.yaml": (5, 5, "dispositifs.global.libelle: clé obligatoire absente"),
    "source_cle_inconnue.yaml": (8, 28, "clé « sourc » inconnue (attendu : vouliez-vous dire « source » ?)"),
    "etapes_ordre.yaml": (6, 13, "les étapes doivent suivre l'ordre"),
    "pas_un_dictionnaire.yaml": (1, 1, "une politique doit être un dictionnaire"),
    "heritage_introuvable.yaml": (1, 9, "en chargeant la politique héritée « base/inexistante »"),
    "cycle_a.yaml": (1, 9, "en chargeant la politique héritée « cycle_b.yaml »"),
    "alerte_evenement_inconnu.yaml": (18, 35, "« entretient » n'est pas une valeur permise"),
    "alerte_champ_inconnu.yaml": (18, None, "vouliez-vous dire « presence »"),
    "alerte_dispositif_inconnu.yaml": (17, 27, "dispositif « globale » inconnu"),
    "alerte_message_inconnu.yaml": (16, 14, "champ {echeanse} inconnu"),
    "national_surcharge.yaml": (
        5,
        3,
        "droits_devoirs.orientation: valeur nationale fixée par les textes : une politique qui hérite "
        "de la couche nationale ne peut pas la remplacer",
    ),
    "national_organisme_redefini.yaml": (
        7,
        5,
        "organisme national « france_travail » : il ne peut pas être redéfini",
    ),
    "national_alerte_champ.yaml": (8, 16, "champ {heure} inconnu pour une condition heures_sous_contrat"),
}


def test_every_broken_file_has_a_case() -> None:
    on_disk = {p.name for p in INVALID.glob("*.yaml")} - {"cycle_b.yaml", "plusieurs_erreurs.yaml"}
    assert on_disk == set(CASES)
    assert len(CASES) >= 15


@pytest.mark.parametrize("name", sorted(CASES))
def test_broken_file_is_refused_at_its_line(name: str) -> None:
    line, column, fragment = CASES[name]
    with pytest.raises(PolicyError, match=re.escape(fragment)) as caught:
        load_policy(INVALID / name)
    error = caught.value
    first = error.problems[0]
    assert fragment in str(error)
    assert first.fichier is not None and first.fichier.endswith(name)
    assert first.ligne == line
    if column is not None:
        assert first.colonne == column
    # The message reads like a compiler's: fichier:ligne:colonne: ...
    assert str(first).startswith(f"{first.fichier}:{line}:")


def test_cycle_names_the_chain() -> None:
    with pytest.raises(
        PolicyError,
        match=r"cycle_a\.yaml:1: héritage circulaire : cycle_a\.yaml → cycle_b\.yaml → "
        r"cycle_a\.yaml$",
    ) as caught:
        load_policy(INVALID / "cycle_a.yaml")
    assert "héritage circulaire : cycle_a.yaml → cycle_b.yaml → cycle_a.yaml" in str(caught.value)


def test_all_errors_of_a_file_are_reported_at_once() -> None:
    with pytest.raises(
        PolicyError,
        match=r"plusieurs_erreurs\.yaml:8:7: dispositifs\.global\.capacite\.placs: clé « placs "
        r"» inconnue",
    ) as caught:
        load_policy(INVALID / "plusieurs_erreurs.yaml")
    problems = caught.value.problems
    assert [(p.ligne, p.chemin) for p in problems] == [
        (8, "dispositifs.global.capacite.placs"),
        (9, "dispositifs.global.capacite.places"),
        (11, "dispositifs.global.duree.cer"),
    ]
    assert "vouliez-vous dire « places »" in str(problems[0])


def test_file_over_one_mebibyte_is_refused(tmp_path: Path) -> None:
    big = tmp_path / "gros.yaml"
    big.write_text("departement: Test\n" + "# " + "x" * (1024 * 1024) + "\n", encoding="utf-8")
    with pytest.raises(PolicyError, match="fichier trop gros") as caught:
        load_policy(big)
    assert "fichier trop gros" in str(caught.value)
    assert caught.value.ligne == 1


def test_python_tag_is_never_executed(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    policy = tmp_path / "p.yaml"
    policy.write_text(f'departement: !!python/object/apply:os.system ["touch {marker}"]\n', encoding="utf-8")
    with pytest.raises(
        PolicyError,
        match=r"p\.yaml:1:14: departement: étiquette YAML « !!python/object/apply:os\.system » "
        r"refusée",
    ):
        load_policy(policy)
    assert not marker.exists()
