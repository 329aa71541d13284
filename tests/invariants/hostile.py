"""Hostile inputs for every reader of parcours, generated: each case is a file (or a directory,
a FIFO) that a malformed export, a wrong tool or an attacker could hand over.

``politiques()``, ``journaux()`` and ``exports_csv()`` write their corpus in a folder and
return ``{name: path}``; the generators behind them take their sizes as arguments, so that
the Hypothesis tests draw them too (tests/invariants/test_hostile_inputs.py).
"""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

from parcours.engine.journal_sqlite import SCHEMA
from parcours.limits import (
    ALIAS_YAML_MAX,
    DISPOSITIFS_MAX,
    LONGUEUR_IDENTIFIANT_MAX,
    LONGUEUR_LIGNE_MAX,
    PROFONDEUR_JSON_MAX,
    PROFONDEUR_YAML_MAX,
    TAILLE_CHAMP_MAX,
    TAILLE_YAML_MAX,
)

TETE = 'departement: "54"\nlibelle: Essai\n'
DISPOSITIF = "  d{i}:\n    libelle: D{i}\n    etapes: [demarrage, sortie]\n"
EVENEMENT = {"dossier": "a", "date": "2018-01-10", "evenement": "demarrage", "dispositif": "lunevillois"}


# --- policies and cohort models (YAML) ------------------------------------------------------


def yaml_crochets(niveaux: int) -> bytes:
    return (TETE + "description: " + "[" * niveaux + "]" * niveaux + "\n").encode()


def yaml_blocs(niveaux: int) -> bytes:
    corps = "".join(" " * i + f"k{i}:\n" for i in range(1, niveaux)) + " " * niveaux + "x: 1\n"
    return (TETE + "description:\n" + corps).encode()


def yaml_octet(octet: bytes, ligne: int = 2) -> bytes:
    """A valid head, then ``octet`` inside the value of line ``ligne``."""
    lignes = [b'departement: "54"', b"libelle: Essai", b"description: texte"]
    lignes[ligne - 1] += octet + b"suite"
    return b"\n".join(lignes) + b"\n"


def yaml_alias(n: int) -> bytes:
    return (TETE + "a: &x [1]\n" + "".join(f"b{i}: *x\n" for i in range(n))).encode()


def yaml_dispositifs(n: int) -> bytes:
    return (TETE + "dispositifs:\n" + "".join(DISPOSITIF.format(i=i) for i in range(n))).encode()


def yaml_gros(octets: int) -> bytes:
    return (TETE + "description: " + "x" * octets + "\n").encode()


def politiques(dossier: Path) -> dict[str, Path]:
    """One file of each kind a policy (or cohort) reader refuses."""
    contenus = {
        "crochets_profonds.yaml": yaml_crochets(5000),
        "blocs_profonds.yaml": yaml_blocs(1200),
        "octet_nul.yaml": yaml_octet(b"\x00"),
        "echappement_terminal.yaml": yaml_octet(b"\x1b[2J"),
        "utf8_invalide.yaml": yaml_octet(b"\xff\xfe"),
        "utf16.yaml": (TETE + "dispositifs: {}\n").encode("utf-16"),
        "bombe_alias.yaml": yaml_alias(ALIAS_YAML_MAX + 5),
        "trop_de_dispositifs.yaml": yaml_dispositifs(DISPOSITIFS_MAX + 1),
        "trop_gros.yaml": yaml_gros(TAILLE_YAML_MAX),
        "vide.yaml": b"",
    }
    out = {nom: _ecrire(dossier / nom, brut) for nom, brut in contenus.items()}
    out.update(_speciaux(dossier, ".yaml"))
    assert PROFONDEUR_YAML_MAX < 1200
    return out


# --- journals (JSONL, SQLite) ---------------------------------------------------------------


def ligne(**champs: object) -> bytes:
    return json.dumps({**EVENEMENT, **champs}, ensure_ascii=False).encode() + b"\n"


def jsonl_profond(niveaux: int) -> bytes:
    details = b"[" * niveaux + b"]" * niveaux
    return (
        ligne()
        + b'{"dossier": "b", "date": "2018-01-11", "evenement": "demarrage", "details": '
        + details
        + b"}\n"
    )


def jsonl_longue(octets: int) -> bytes:
    return ligne() + ligne(dossier="b", details="x" * octets)


def jsonl_octet(octet: bytes) -> bytes:
    """A valid line, then ``octet`` inside the second line."""
    return ligne() + b'{"dossier": "b' + octet + b'", "date": "2018-01-11", "evenement": "demarrage"}\n'


def jsonl_identifiant(valeur: str) -> bytes:
    return ligne() + ligne(dossier=valeur)


def journaux(dossier: Path) -> dict[str, Path]:
    """One journal of each kind the readers stop at, as JSONL and as SQLite where it applies."""
    contenus = {
        "json_profond.jsonl": jsonl_profond(100_000),
        "json_juste_trop_profond.jsonl": jsonl_profond(PROFONDEUR_JSON_MAX + 1),
        "ligne_enorme.jsonl": jsonl_longue(3 * LONGUEUR_LIGNE_MAX),
        "octet_nul.jsonl": jsonl_octet(b"\x00"),
        "octets_nuls.jsonl": b"\x00" * 4096 + b"\n",
        "utf8_invalide.jsonl": jsonl_octet(b"\xff"),
        "utf16.jsonl": ligne().decode().encode("utf-16"),
        "echappement_dans_un_id.jsonl": jsonl_identifiant("b\x1b[31m"),
        "controle_echappe_dans_un_id.jsonl": ligne()
        + b'{"dossier": "b\\u0007", "date": "2018-01-11", "evenement": "demarrage"}\n',
        "id_trop_long.jsonl": jsonl_identifiant("b" * (LONGUEUR_IDENTIFIANT_MAX + 1)),
    }
    out = {nom: _ecrire(dossier / nom, brut) for nom, brut in contenus.items()}
    out.update(_speciaux(dossier, ".jsonl"))
    out.update(_sqlite(dossier))
    return out


def _sqlite(dossier: Path) -> dict[str, Path]:
    vide = _ecrire(dossier / "vide.sqlite", b"")
    autre = dossier / "autre_schema.sqlite"
    with sqlite3.connect(autre) as con:
        con.execute("CREATE TABLE clients(nom TEXT)")
    illisible = _ecrire(dossier / "pas_une_base.sqlite", b"SQLite format 3\x00" + os.urandom(3000))
    profonde = dossier / "ligne_profonde.sqlite"
    with sqlite3.connect(profonde) as con:
        con.execute(SCHEMA)
        for seq, brut in enumerate([ligne(), jsonl_profond(5000).split(b"\n")[1], b'{"dossier": "\xff"}'], 1):
            con.execute("INSERT INTO evenements VALUES (?, 'a', '2018-01-10', 'demarrage', ?)", (seq, brut))
    return {p.name: p for p in (vide, autre, illisible, profonde)}


# --- CSV exports ----------------------------------------------------------------------------

ENTETE = b"id;convention;entree;sortie;motif\n"


def exports_csv(dossier: Path) -> dict[str, Path]:
    contenus = {
        "octet_nul.csv": ENTETE + b"p1;lunevillois;2018-01-10;\x00;\n",
        "champ_enorme.csv": ENTETE
        + b'p1;lunevillois;2018-01-10;;"'
        + b"x" * (TAILLE_CHAMP_MAX + 10)
        + b'"\n',
        "utf16.csv": ENTETE.decode().encode("utf-16"),
        "utf8_invalide.csv": ENTETE + b"p1;lunevil\xfflois;2018-01-10;;\n",
        "guillemet_ouvert.csv": ENTETE + b'p1;"lunevillois;2018-01-10;;\n',
    }
    out = {nom: _ecrire(dossier / nom, brut) for nom, brut in contenus.items()}
    out.update(_speciaux(dossier, ".csv"))
    return out


def _ecrire(chemin: Path, brut: bytes) -> Path:
    chemin.write_bytes(brut)
    return chemin


def _speciaux(dossier: Path, suffixe: str) -> dict[str, Path]:
    """A directory and a FIFO given as a file (a FIFO is read without end if opened)."""
    rep = dossier / f"un_dossier{suffixe}"
    rep.mkdir(exist_ok=True)
    fifo = dossier / f"un_tube{suffixe}"
    if not fifo.exists():
        os.mkfifo(fifo)
    return {rep.name: rep, fifo.name: fifo}
