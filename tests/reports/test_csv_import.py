"""A CSV export's malformed rows are errors naming the file and the line, never a traceback;
its dates are read only in the forms said; its events become a journal in date order."""

from __future__ import annotations

from pathlib import Path

import pytest
from reports_builders import policy_002

from parcours.errors import JournalError
from parcours.policies import load_policy_text
from parcours.reports import bilan, read_journal
from parcours.reports.csv_import import read_csv

POLICY = policy_002()
PARCOURS = {
    "dossier": "id",
    "dispositif": "convention",
    "entree": "entree",
    "sortie": "sortie",
    "motif": "motif",
}
ENTETE = "id;convention;entree;sortie;motif\n"


def _csv(tmp_path: Path, texte: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / "export.csv"
    path.write_bytes(texte.encode(encoding))
    return path


@pytest.mark.parametrize(
    ("texte", "ligne", "motif"),
    [
        (
            ENTETE + "p1;dom;2018-01-10;2018-05-10;relais\np2;dom;2018-02-01\n",
            3,
            r"3 colonne\(s\) au lieu des 5",
        ),
        (ENTETE + "p1;dom;2018-01-10;2018-05-10;relais;en trop\n", 2, r"6 colonne\(s\) au lieu des 5"),
        (ENTETE + 'p1;dom;"2018-01-10;2018-05-10;relais\n', 2, "ligne CSV mal formée"),
        (ENTETE + ";dom;2018-01-10;;\n", 2, "identifiant de dossier vide"),
        (
            ENTETE + "p1;dom;2018-01-10;;\np1;dom;2018-01-10;2018-03-01;relais\n",
            3,
            "déjà ligne 2 avec d'autres valeurs",
        ),
        ("id,convention,entree,sortie,motif\n", 1, None),  # a comma file: found, no error
        ("id convention entree sortie motif\np1 dom 2018-01-10\n", 1, "séparateur introuvable"),
    ],
)
def test_a_malformed_row_is_an_error_with_its_line(
    tmp_path: Path, texte: str, ligne: int, motif: str | None
) -> None:
    path = _csv(tmp_path, texte)
    if motif is None:
        assert len(read_csv(path, PARCOURS, forme="parcours")) == 0
        return
    with pytest.raises(JournalError, match=motif) as info:
        read_csv(path, PARCOURS, forme="parcours")
    assert info.value.ligne == ligne and info.value.fichier == str(path)


def test_the_same_row_twice_is_read_once(tmp_path: Path) -> None:
    path = _csv(tmp_path, ENTETE + "p1;dom;2018-01-10;;\np1;dom;2018-01-10;;\n")
    assert len(read_csv(path, PARCOURS, forme="parcours")) == 1


def test_unknown_columns_are_an_error_only_when_strict(tmp_path: Path) -> None:
    path = _csv(tmp_path, "id;convention;entree;sortie;motif;commentaire\np1;dom;2018-01-10;;;x\n")
    assert len(read_csv(path, PARCOURS, forme="parcours")) == 1
    with pytest.raises(JournalError, match=r"colonne\(s\) inconnue\(s\) .*commentaire") as info:
        read_csv(path, PARCOURS, forme="parcours", strict=True)
    assert info.value.ligne == 1


def test_a_wrong_encoding_names_the_line_and_suggests_one(tmp_path: Path) -> None:
    path = _csv(tmp_path, ENTETE + "p1;dom;2018-01-10;;\np2;dom;2018-01-10;2018-03-01;réorienté\n", "cp1252")
    with pytest.raises(JournalError, match=r"encodage utf-8-sig .*cp1252") as info:
        read_csv(path, PARCOURS, forme="parcours")
    assert info.value.ligne == 3
    assert len(read_csv(path, PARCOURS, forme="parcours", encodage="cp1252")) == 3


def test_dates_are_read_in_the_declared_forms_only(tmp_path: Path) -> None:
    path = _csv(tmp_path, ENTETE + "p1;dom;10/01/2018;;\np2;dom;01/02/18;;\np3;dom;2018/03/01;;\n")
    journal = read_journal(read_csv(path, PARCOURS, forme="parcours"), POLICY)
    problemes = {p.numero: p.message for p in journal.problemes()}
    assert set(problemes) == {3, 4}  # a two-digit year is not guessed, nor a slashed ISO date
    assert "« 01/02/18 »" in problemes[3] and "« 2018/03/01 »" in problemes[4]
    d = bilan(journal, POLICY, annee=2018).to_dict()
    assert d["accompagnees"] == 1  # the refused lines are not counted
    declared = read_csv(path, PARCOURS, forme="parcours", format_date="%d/%m/%y")
    assert {p.numero for p in read_journal(declared, POLICY).problemes()} == {2, 4}


def test_events_become_a_journal_in_date_order(tmp_path: Path) -> None:
    # two people on a dispositif of one place: in row order the second would find it taken;
    # in date order, it leaves before the first starts
    policy = load_policy_text(
        "departement: T\nlibelle: T\ndispositifs:\n  un:\n    libelle: Une place\n"
        "    etapes: [demarrage, sortie]\n    capacite: {places: 1, si_complet: refus}\n"
        "    motifs_sortie: {relais: {libelle: Relais, categorie: relais, positive: false}}\n"
    )
    path = _csv(tmp_path, ENTETE + "p1;un;2018-06-01;;\np2;un;2018-01-10;2018-03-01;relais\n")
    journal = read_journal(read_csv(path, PARCOURS, forme="parcours"), policy)
    assert journal.problemes() == []
    d = bilan(journal, policy, annee=2018).to_dict()
    assert (d["accompagnees"], d["sorties"], d["encore_suivies_au_31_12"]) == (2, 1, 1)
