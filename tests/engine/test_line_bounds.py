"""The line reader's bounds (parcours.limits): length, nesting, encoding, control characters
and identifiers are checked before a line is decoded, and stop a replay at their line."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import pytest

from parcours.engine import Engine, JsonlJournal, SqliteJournal
from parcours.engine.events import montrer, normaliser
from parcours.engine.journal import lire_ligne
from parcours.engine.journal_sqlite import SCHEMA
from parcours.errors import JournalError, UnsafeLineError
from parcours.limits import LONGUEUR_IDENTIFIANT_MAX, LONGUEUR_LIGNE_MAX, PROFONDEUR_JSON_MAX
from parcours.policies import Policy

BON = {"dossier": "a", "date": "2017-01-10", "evenement": "prescription", "dispositif": "social"}


def _ligne(**champs: object) -> bytes:
    return json.dumps({**BON, **champs}, ensure_ascii=False).encode() + b"\n"


@pytest.mark.parametrize(
    ("brute", "fragment"),
    [
        (
            b'{"a": ' + b"[" * (PROFONDEUR_JSON_MAX + 1) + b"]" * (PROFONDEUR_JSON_MAX + 1) + b"}\n",
            "imbrication",
        ),
        (b"[" * 100_000 + b"]" * 100_000 + b"\n", "imbrication trop profonde"),
        (b'{"a": "' + b"x" * LONGUEUR_LIGNE_MAX + b'"}\n', "ligne trop longue"),
        (b'{"dossier": "\xff"}\n', "octet 0xff invalide colonne 14"),
        ('{"a": 1}\n'.encode("utf-16")[:-1], "le journal est en UTF-16"),  # as a file splits it
        (b'{"dossier": "a\x00"}\n', "caractère de contrôle U+0000 colonne 15"),
        (b"\x1f\n", "caractère de contrôle U+001F"),
    ],
)
def test_a_line_past_a_bound_or_not_text_is_unsafe(brute: bytes, fragment: str) -> None:
    with pytest.raises(UnsafeLineError, match=re.escape(fragment)):
        lire_ligne(brute)
    try:
        texte = brute.decode("utf-8")
    except UnicodeDecodeError:
        return
    with pytest.raises(UnsafeLineError, match=re.escape(fragment)):  # the same line given as text
        lire_ligne(texte)


def test_brackets_inside_strings_do_not_count_as_nesting() -> None:
    texte = json.dumps({**BON, "details": "[" * 1000 + "{" * 1000}) + "\n"
    assert lire_ligne(texte)["details"].startswith("[[[")  # type: ignore[index]
    profond = {
        **BON,
        "details": json.loads("[" * (PROFONDEUR_JSON_MAX - 1) + "]" * (PROFONDEUR_JSON_MAX - 1)),
    }
    assert lire_ligne(json.dumps(profond) + "\n") == profond


def test_a_line_of_exactly_the_bound_is_read_and_its_length_counts_bytes_not_characters() -> None:
    tete = json.dumps({**BON, "details": ""})[:-2]  # up to the opening quote of details
    remplissage = LONGUEUR_LIGNE_MAX - len(tete.encode()) - 2
    assert lire_ligne(tete + "x" * remplissage + '"}\n') is not None
    # the same number of characters, two bytes each: over the bound
    with pytest.raises(UnsafeLineError, match="trop longue"):
        lire_ligne(tete + "é" * remplissage + '"}\n')


def test_a_torn_line_stays_an_ordinary_error_even_cut_inside_a_character() -> None:
    with pytest.raises(JournalError, match="tronquée") as info:
        lire_ligne(b'{"dossier": "\xc3')
    assert not isinstance(info.value, UnsafeLineError)


@pytest.mark.parametrize(
    ("champs", "fragment"),
    [
        ({"dossier": "a\x1b[31m"}, "« dossier » contient le caractère de contrôle U+001B (position 2)"),
        ({"id": "x\u009b"}, "« id » contient le caractère de contrôle U+009B"),
        ({"acteur": "\x7f"}, "« acteur » contient le caractère de contrôle U+007F"),
        (
            {"dossier": "d" * (LONGUEUR_IDENTIFIANT_MAX + 1)},
            f"« dossier » trop long ({LONGUEUR_IDENTIFIANT_MAX + 1}",
        ),
    ],
)
def test_an_identifier_with_a_control_character_or_too_long_is_unsafe(
    champs: dict[str, str], fragment: str
) -> None:
    with pytest.raises(UnsafeLineError, match=re.escape(fragment)):
        normaliser({**BON, **champs, "commentaire": "clé inconnue : vue après"})


def test_a_free_text_may_hold_a_newline_and_messages_escape_control_characters() -> None:
    assert normaliser({**BON, "details": {"note": "ligne 1\nligne 2"}})
    with pytest.raises(JournalError, match=r"\\u001b\[2J") as info:
        normaliser({**BON, "evenement": "\x1b[2J" + "x" * 200})
    assert "\x1b" not in str(info.value) and "\\u001b[2J" in str(info.value)
    assert montrer("y" * 200) == "y" * 80 + "…"


def test_a_replay_stops_at_an_unsafe_line_even_when_setting_lines_aside(
    policy: Policy, tmp_path: Path
) -> None:
    chemin = tmp_path / "j.jsonl"
    chemin.write_bytes(
        _ligne()
        + b"pas du json\n"
        + _ligne(dossier="b", details=json.loads("[" * 70 + "]" * 70))
        + _ligne(dossier="c")
    )
    with pytest.raises(UnsafeLineError, match=re.escape(f"{chemin}:3: ")) as info:
        Engine.replay(policy, JsonlJournal(chemin), ecarter=True)
    assert (info.value.fichier, info.value.ligne) == (str(chemin), 3)
    assert str(info.value).startswith(f"{chemin}:3: imbrication trop profonde")


def test_a_jsonl_journal_gives_a_line_too_long_as_its_start_only(policy: Policy, tmp_path: Path) -> None:
    chemin = tmp_path / "j.jsonl"
    chemin.write_bytes(
        _ligne() + b'{"dossier": "' + b"x" * (3 * LONGUEUR_LIGNE_MAX) + b'"}\n' + _ligne(dossier="b")
    )
    lignes = list(JsonlJournal(chemin).lines())
    assert [n for n, _ in lignes] == [1, 2, 3]
    assert len(lignes[1][1]) == LONGUEUR_LIGNE_MAX + 1 and lignes[2][1] == _ligne(dossier="b")
    with pytest.raises(UnsafeLineError, match="trop longue") as info:
        Engine.replay(policy, chemin, ecarter=True)
    assert info.value.ligne == 2


def test_repair_keeps_a_torn_line_longer_than_a_block(policy: Policy, tmp_path: Path) -> None:
    chemin = tmp_path / "j.jsonl"
    dechire = b'{"dossier": "' + b"x" * (3 << 20)
    chemin.write_bytes(_ligne() + dechire)
    cote = JsonlJournal(chemin).repair()
    assert cote is not None and cote.read_bytes() == dechire
    assert chemin.read_bytes() == _ligne()


def test_a_sqlite_row_is_read_as_bytes_and_bounded(policy: Policy, tmp_path: Path) -> None:
    chemin = tmp_path / "j.db"
    with sqlite3.connect(chemin) as conn:
        conn.execute(SCHEMA)
        rows = [_ligne(), b'{"dossier": "\xff"}', "x" * (LONGUEUR_LIGNE_MAX + 5)]
        for seq, ligne in enumerate(rows, 1):
            conn.execute(
                "INSERT INTO evenements VALUES (?, 'a', '2017-01-10', 'prescription', ?)", (seq, ligne)
            )
    lignes = list(SqliteJournal(chemin).lines())
    assert [len(b) for _, b in lignes][2] == LONGUEUR_LIGNE_MAX + 2  # the prefix and its implied newline
    with pytest.raises(UnsafeLineError, match="octet 0xff") as info:
        Engine.replay(policy, SqliteJournal(chemin), ecarter=True)
    assert info.value.ligne == 2
