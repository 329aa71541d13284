"""A CSV export read byte for byte as spreadsheets write it: a BOM, CRLF line ends, a tab or a
comma, ``profil.*`` columns, blank rows; each event keeps the number of its CSV line, which a
refused line's message shows. The expected events are written out by hand."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from parcours.errors import JournalError
from parcours.reports import read_journal
from parcours.reports.csv_import import read_csv
from parcours.reports.sources import Lignes

COLONNES = {
    "dossier": "id",
    "date": "jour",
    "evenement": "quoi",
    "dispositif": "conv",
    "profil.sexe": "sexe",
    "profil.tranche_age": "age",
}


def _ecrire(tmp_path: Path, brut: bytes) -> Path:
    path = tmp_path / "export.csv"
    path.write_bytes(brut)
    return path


def _lu(lignes: Lignes) -> list[tuple[int, dict[str, Any]]]:
    """(CSV line shown, event) of every journal line, in the journal's order."""
    textes = lignes.table.column("ligne").to_pylist()
    numeros = lignes.table.column("numero").to_pylist()
    return [(lignes.montrer(n), json.loads(t)) for n, t in zip(numeros, textes, strict=True)]


ATTENDU = [
    (
        2,
        {
            "dossier": "p1",
            "date": "2018-01-10",
            "evenement": "demarrage",
            "dispositif": "dom",
            "profil": {"sexe": "F", "tranche_age": "26 à 35"},
        },
    ),
    (
        3,
        {"dossier": "p1", "date": "2018-02-01", "evenement": "entretien", "profil": {"sexe": "F"}},
    ),  # no age: not in the profile
    (
        5,
        {"dossier": "p2", "date": "2018-03-05", "evenement": "demarrage", "dispositif": "dom"},
    ),  # line 4 is blank
]


@pytest.mark.parametrize(
    ("brut", "encodage"),
    [
        (
            "id;jour;quoi;conv;sexe;age\r\np1;10/01/2018;demarrage;dom;F;26 à 35\r\n"
            "p1;2018-02-01;entretien;;F;\r\n\r\np2; 05/03/2018 ;demarrage;dom;;\r\n",
            "utf-8-sig",
        ),
        (
            "id,jour,quoi,conv,sexe,age\np1,10/01/2018,demarrage,dom,F,26 à 35\n"
            'p1,2018-02-01,entretien,,"F",\n\np2,05/03/2018,demarrage,dom, ,\n',
            "utf-8",
        ),
        (
            "id\tjour\tquoi\tconv\tsexe\tage\np1\t10/01/2018\tdemarrage\tdom\tF\t26 à 35\n"
            "p1\t2018-02-01\tentretien\t\tF\t\n\np2\t05/03/2018\tdemarrage\tdom\t\t\n",
            "cp1252",
        ),
    ],
)
def test_each_event_with_its_profile_and_its_csv_line(tmp_path: Path, brut: str, encodage: str) -> None:
    path = _ecrire(tmp_path, brut.encode(encodage))  # « utf-8-sig » writes the BOM
    lu = _lu(read_csv(path, COLONNES, encodage=encodage))
    assert lu == ATTENDU


def test_a_bom_is_not_part_of_the_first_column(tmp_path: Path) -> None:
    path = _ecrire(tmp_path, b"\xef\xbb\xbfid;jour;quoi\r\np1;2018-01-10;demarrage\r\n")
    lu = _lu(read_csv(path, {"dossier": "id", "date": "jour", "evenement": "quoi"}))
    assert lu == [(2, {"dossier": "p1", "date": "2018-01-10", "evenement": "demarrage"})]
    # read as plain UTF-8 the BOM sticks to « id », which the mapping then does not find
    with pytest.raises(JournalError, match="colonne\\(s\\) absente\\(s\\) du CSV : id") as info:
        read_csv(path, {"dossier": "id", "date": "jour", "evenement": "quoi"}, encodage="utf-8")
    assert info.value.ligne == 1


def test_a_utf16_export_is_named_by_its_bom(tmp_path: Path) -> None:
    path = _ecrire(tmp_path, "id;jour;quoi\np1;2018-01-10;demarrage\n".encode("utf-16"))
    with pytest.raises(JournalError, match="donnez encodage=« utf-16 »") as info:
        read_csv(path, {"dossier": "id", "date": "jour", "evenement": "quoi"})
    assert info.value.ligne == 1
    lu = _lu(read_csv(path, {"dossier": "id", "date": "jour", "evenement": "quoi"}, encodage="utf-16"))
    assert lu == [(2, {"dossier": "p1", "date": "2018-01-10", "evenement": "demarrage"})]


def test_a_refused_line_is_reported_with_its_csv_line_in_date_order(tmp_path: Path) -> None:
    from reports_builders import policy_002

    texte = (
        "id;jour;quoi;conv;sexe;age\n"
        "p2;2018-05-01;demarrage;dom;;\n"  # line 2, second in date order
        "p1;2018-01-10;demarrage;dom;H;\n"  # line 3, first
        "p3;2018-13-45;demarrage;dom;;\n"  # line 4: no such date, refused
        "p4;2018-02-01;licorne;dom;;\n"  # line 5: no such event, refused
    )
    lignes = read_csv(_ecrire(tmp_path, texte.encode()), COLONNES)
    assert [(n, e["dossier"]) for n, e in _lu(lignes)] == [(3, "p1"), (5, "p4"), (2, "p2"), (4, "p3")]
    problemes = read_journal(lignes, policy_002()).problemes()
    assert [p.numero for p in problemes] == [4, 5]  # the CSV lines, in their order (not the journal's)
    assert all(str(p).startswith(f"ligne {p.numero} : ") for p in problemes)


def test_parcours_rows_with_a_fixed_dispositif_and_profile(tmp_path: Path) -> None:
    texte = "id;entree;sortie;motif;sexe\r\np1;10/01/2018;;;F\r\np2;2018-02-01;01/03/2018;relais;\r\n"
    colonnes = {
        "dossier": "id",
        "entree": "entree",
        "sortie": "sortie",
        "motif": "motif",
        "profil.sexe": "sexe",
    }
    lu = _lu(read_csv(_ecrire(tmp_path, texte.encode()), colonnes, forme="parcours", dispositif="dom"))
    assert lu == [
        (
            2,
            {
                "dossier": "p1",
                "date": "2018-01-10",
                "evenement": "demarrage",
                "dispositif": "dom",
                "profil": {"sexe": "F"},
            },
        ),
        (3, {"dossier": "p2", "date": "2018-02-01", "evenement": "demarrage", "dispositif": "dom"}),
        (3, {"dossier": "p2", "date": "2018-03-01", "evenement": "sortie", "motif": "relais"}),
    ]


def test_an_exit_without_motif_and_a_row_without_exit(tmp_path: Path) -> None:
    texte = "id;conv;entree;sortie;motif\np1;dom;2018-01-10;2018-02-01;\np2;dsp;2018-01-11;;\n"
    colonnes = {
        "dossier": "id",
        "dispositif": "conv",
        "entree": "entree",
        "sortie": "sortie",
        "motif": "motif",
    }
    lu = _lu(read_csv(_ecrire(tmp_path, texte.encode()), colonnes, forme="parcours", dispositif="ignore"))
    assert lu == [
        (2, {"dossier": "p1", "date": "2018-01-10", "evenement": "demarrage", "dispositif": "dom"}),
        (3, {"dossier": "p2", "date": "2018-01-11", "evenement": "demarrage", "dispositif": "dsp"}),
        (2, {"dossier": "p1", "date": "2018-02-01", "evenement": "sortie"}),
    ]


@pytest.mark.parametrize(
    ("brut", "ligne", "motif"),
    [
        (b"id;jour;quoi\np1;2018-01-10;demarrage\np2;2018-01-11;\x00\n", 3, "caractère de contrôle U\\+0000"),
        (b"id;jour;quoi\n;2018-01-10;demarrage\n", 2, "identifiant de dossier vide"),
        (
            b'id;jour;quoi\np1;2018-01-10;demarrage\np2;"2018;x\n',
            3,
            "ligne CSV mal formée : guillemet non fermé",
        ),
    ],
)
def test_structural_problems_name_their_line(tmp_path: Path, brut: bytes, ligne: int, motif: str) -> None:
    path = _ecrire(tmp_path, brut)
    with pytest.raises(JournalError, match=motif) as info:
        read_csv(path, {"dossier": "id", "date": "jour", "evenement": "quoi"})
    assert (info.value.ligne, info.value.fichier) == (ligne, str(path))


def test_an_unknown_encoding_and_a_missing_file(tmp_path: Path) -> None:
    path = _ecrire(tmp_path, b"id;jour;quoi\n")
    with pytest.raises(JournalError, match="encodage « klingon » inconnu"):
        read_csv(path, {"dossier": "id"}, encodage="klingon")
    with pytest.raises(JournalError, match="fichier CSV introuvable"):
        read_csv(tmp_path / "absent.csv", {"dossier": "id"})


EV = {"dossier": "id", "date": "jour", "evenement": "quoi"}


def test_the_separator_is_read_from_the_header_only(tmp_path: Path) -> None:
    # the data hold more commas than the header has semicolons
    texte = 'id;jour;quoi;motif\np1;2018-01-10;sortie;"a,b,c,d,e,f,g,h"\n'
    lu = _lu(read_csv(_ecrire(tmp_path, texte.encode()), {**EV, "motif": "motif"}))
    assert lu == [
        (2, {"dossier": "p1", "date": "2018-01-10", "evenement": "sortie", "motif": "a,b,c,d,e,f,g,h"})
    ]


def test_a_one_column_file_needs_no_separator_two_columns_do(tmp_path: Path) -> None:
    path = _ecrire(tmp_path, b"id\np1\n")
    assert _lu(read_csv(path, {"dossier": "id"})) == [(2, {"dossier": "p1"})]
    path = _ecrire(tmp_path, b"id jour\np1 2018-01-10\n")
    attendu = (
        r": une seule colonne lue : séparateur introuvable dans l'en-tête \(attendu : « ; », « , » "
        r"ou une tabulation ; ou donnez separateur=\.\.\.\)$"
    )
    with pytest.raises(JournalError, match=attendu):
        read_csv(path, {"dossier": "id", "date": "jour"})


def test_an_empty_file_lacks_its_columns(tmp_path: Path) -> None:
    with pytest.raises(
        JournalError, match=r":1: colonne\(s\) absente\(s\) du CSV : id, jour \(colonnes lues : \)$"
    ):
        read_csv(_ecrire(tmp_path, b""), {"dossier": "id", "date": "jour"}, separateur=";")


def test_the_columns_missing_and_unknown_are_listed(tmp_path: Path) -> None:
    path = _ecrire(tmp_path, b"id;x;y\np1;1;2\n")
    absentes = r": colonne\(s\) absente\(s\) du CSV : age, sexe \(colonnes lues : id, x, y\)$"
    with pytest.raises(JournalError, match=absentes):
        read_csv(path, {"dossier": "id", "profil.sexe": "sexe", "profil.age": "age"})
    inconnues = r": colonne\(s\) inconnue\(s\) de la table des colonnes : x, y$"
    with pytest.raises(JournalError, match=inconnues):
        read_csv(path, {"dossier": "id"}, strict=True)


def test_a_quoted_line_end_is_kept_and_a_stray_quote_is_named(tmp_path: Path) -> None:
    """A row over two lines is numbered by its first; the next row by its own line."""
    texte = b'id;jour;quoi;motif\r\np1;2018-01-10;sortie;"deux\r\nlignes"\r\np2;2018-01-11;demarrage;\r\n'
    lu = _lu(read_csv(_ecrire(tmp_path, texte), {**EV, "motif": "motif"}))
    assert lu == [
        (2, {"dossier": "p1", "date": "2018-01-10", "evenement": "sortie", "motif": "deux\r\nlignes"}),
        (4, {"dossier": "p2", "date": "2018-01-11", "evenement": "demarrage"}),
    ]
    path = _ecrire(tmp_path, b'id;jour;quoi\np1;"2018"-01-10;demarrage\n')
    with pytest.raises(JournalError, match=r":2: ligne CSV mal formée : ';' expected after '\"'$"):
        read_csv(path, EV)


def test_an_empty_dossier_id_is_the_whole_message(tmp_path: Path) -> None:
    for forme, texte in (
        ("evenements", b"id;jour;quoi\n;2018-01-10;demarrage\n"),
        ("parcours", b"id;entree\n;2018-01-10\n"),
    ):
        colonnes = EV if forme == "evenements" else {"dossier": "id", "entree": "entree"}
        with pytest.raises(JournalError, match=r"export\.csv:2: identifiant de dossier vide$"):
            read_csv(_ecrire(tmp_path, texte), colonnes, forme=forme)  # type: ignore[arg-type]


def test_only_the_date_column_is_read_as_a_date_and_in_the_declared_form(tmp_path: Path) -> None:
    texte = b"id;jour;quoi;motif\np1;01/02/18;sortie;12/05/2018\n"
    lu = _lu(read_csv(_ecrire(tmp_path, texte), {**EV, "motif": "motif"}, format_date="%d/%m/%y"))
    assert lu == [(2, {"dossier": "p1", "date": "2018-02-01", "evenement": "sortie", "motif": "12/05/2018"})]
    texte = b"id;entree;sortie\np1;01/02/18;01/03/18\n"
    colonnes = {"dossier": "id", "entree": "entree", "sortie": "sortie"}
    lu = _lu(read_csv(_ecrire(tmp_path, texte), colonnes, forme="parcours", format_date="%d/%m/%y"))
    assert [e["date"] for _, e in lu] == ["2018-02-01", "2018-03-01"]


def test_a_row_twice_then_others_and_a_same_day_exit(tmp_path: Path) -> None:
    texte = b"id;entree;sortie\np1;2018-01-10;\np1;2018-01-10;\np2;2018-01-11;2018-01-11\n"
    colonnes = {"dossier": "id", "entree": "entree", "sortie": "sortie"}
    lu = _lu(read_csv(_ecrire(tmp_path, texte), colonnes, forme="parcours"))
    assert [(n, e["dossier"], e["evenement"]) for n, e in lu] == [
        (2, "p1", "demarrage"),
        (4, "p2", "demarrage"),  # the démarrage before the exit of the same day
        (4, "p2", "sortie"),
    ]


def test_a_date_not_in_iso_form_comes_first_and_is_refused(tmp_path: Path) -> None:
    texte = b"id;jour;quoi\np1;2018-01-10;demarrage\np2;2018/03/01;demarrage\np3;Z;demarrage\n"
    lu = _lu(read_csv(_ecrire(tmp_path, texte), EV))
    # not a date: sorted before every dated event, in the order of their lines
    assert [n for n, _ in lu] == [3, 4, 2]


def test_a_wrong_encoding_without_bom_suggests_the_spreadsheet_one(tmp_path: Path) -> None:
    path = _ecrire(tmp_path, "id;jour;quoi\np1;2018-01-10;réorienté\n".encode("cp1252"))
    attendu = (
        r"export\.csv:2: octet invalide pour l'encodage utf-8-sig "
        r"\(essayez encodage=« cp1252 » pour un export de tableur, ou « utf-8 »\)$"
    )
    with pytest.raises(JournalError, match=attendu):
        read_csv(path, EV)


def test_a_date_like_value_outside_the_date_column_is_kept_as_written(tmp_path: Path) -> None:
    texte = b"id;jour;quoi;motif\np1;01/02/2018;sortie;12/05/2018\n"
    lu = _lu(read_csv(_ecrire(tmp_path, texte), {**EV, "motif": "motif"}))
    assert lu == [(2, {"dossier": "p1", "date": "2018-02-01", "evenement": "sortie", "motif": "12/05/2018"})]


def test_a_control_character_after_a_blank_first_line(tmp_path: Path) -> None:
    with pytest.raises(
        JournalError, match=r"export\.csv:2: caractère de contrôle U\+0000 : un export CSV est du texte$"
    ):
        read_csv(_ecrire(tmp_path, b"\nid\x00\n"), {"dossier": "id"})


def test_a_dossier_on_two_different_rows_is_the_whole_message(tmp_path: Path) -> None:
    texte = b"id;entree\np1;2018-01-10\np1;2018-02-10\n"
    attendu = (
        r"export\.csv:3: le dossier « p1 » est déjà ligne 2 avec d'autres valeurs : une ligne par parcours$"
    )
    with pytest.raises(JournalError, match=attendu):
        read_csv(_ecrire(tmp_path, texte), {"dossier": "id", "entree": "entree"}, forme="parcours")


def test_the_journal_read_from_a_csv_is_named_by_its_file(tmp_path: Path) -> None:
    from reports_builders import policy_002

    from parcours.reports import bilan

    path = _ecrire(tmp_path, b"id;jour;quoi;conv\np1;2018-01-10;demarrage;dom\n")
    assert read_csv(path, {**EV, "dispositif": "conv"}).source == str(path)
    assert bilan(read_csv(path, {**EV, "dispositif": "conv"}), policy_002(), annee=2018).source == str(path)
    absent = tmp_path / "absent.csv"
    with pytest.raises(
        JournalError, match=r"absent\.csv: fichier CSV introuvable ou qui n'est pas un fichier ordinaire$"
    ) as info:
        read_csv(absent, EV)
    assert info.value.fichier == str(absent)
