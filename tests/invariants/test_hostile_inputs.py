"""Property 11 of docs/invariants.md: a hostile file is refused, located, in French, in time.

The corpus of tests/invariants/hostile.py (nesting past the bounds, huge lines and fields, NUL
bytes, bytes that are not UTF-8, UTF-16 files, control characters in identifiers, a directory
or a FIFO given as a file, an empty SQLite file, a SQLite base of another schema...) is given
to every command that reads a file, in one child process under a time bound: each exits 1
with a French message naming the file (and its line when the problem is in a line), never a
traceback. Every public reader refuses the same files with a located ParcoursError, and
Hypothesis draws the corpus's generators (sizes, bytes, positions) against the readers.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
from hostile import (
    journaux,
    jsonl_identifiant,
    jsonl_longue,
    jsonl_octet,
    jsonl_profond,
    ligne,
    politiques,
    yaml_alias,
    yaml_blocs,
    yaml_crochets,
    yaml_octet,
)
from hypothesis import given, settings
from hypothesis import strategies as st

from parcours import Engine, JournalError, ParcoursError, PolicyError, UnsafeLineError, load_policy
from parcours.limits import (
    LONGUEUR_IDENTIFIANT_MAX,
    LONGUEUR_LIGNE_MAX,
    PROFONDEUR_JSON_MAX,
    PROFONDEUR_YAML_MAX,
)
from parcours.policies import load_policy_text
from parcours.policies.cohort import load_cohorte
from parcours.reports import read_journal
from parcours.reports.csv_import import read_csv

SRC = Path(__file__).resolve().parents[2] / "src"
POLICY = load_policy("meurthe_et_moselle")
DELAI = 600  # seconds for the whole corpus through every command: generous, a bound not a timing

# The child: every command of the corpus through the parcours application, one JSON line each.
PILOTE = """
import json, sys
from typer.testing import CliRunner
from parcours.cli import app
runner = CliRunner()
for args in json.loads(sys.stdin.read()):
    r = runner.invoke(app, args)
    print(json.dumps({"args": args, "code": r.exit_code, "sortie": r.output[:1500] + r.output[-1500:],
                      "exception": type(r.exception).__name__ if r.exception else None}), flush=True)
"""


def _commandes(p: dict[str, Path], j: dict[str, Path], bon: Path) -> list[tuple[Path, list[str]]]:
    """(the hostile file, the command line given it) for every command that reads a file."""
    politique = "meurthe_et_moselle"
    cas: list[tuple[Path, list[str]]] = []
    for chemin in p.values():
        f = str(chemin)
        cas += [
            (chemin, ["valider", f]),
            (chemin, ["afficher", f]),
            (chemin, ["diagramme", f]),
            (chemin, ["fiche", f]),
            (chemin, ["diff", f, politique]),
            (chemin, ["simuler", politique, "--cohorte", f, "--dossiers", "20"]),
            (chemin, ["bilan", str(bon), "-p", f, "--annee", "2018"]),
        ]
    for chemin in j.values():
        f = str(chemin)
        cas += [
            (chemin, ["rejouer", f, "-p", politique]),
            (chemin, ["bilan", f, "-p", politique, "--annee", "2018"]),
            (chemin, ["alertes", f, "-p", politique]),
            (chemin, ["expliquer", f, "a", "-p", politique]),
        ]
    return cas


def _ligne_citee(nom: str) -> bool:
    """Whether the problem of corpus file ``nom`` is in a line (the message gives its number)."""
    return not nom.startswith(("un_dossier", "un_tube", "vide", "autre_schema", "pas_une_base", "trop_gros"))


def test_every_command_refuses_every_hostile_file_in_french_with_its_place_and_in_time(
    tmp_path: Path,
) -> None:
    (tmp_path / "p").mkdir()
    (tmp_path / "j").mkdir()
    bon = tmp_path / "bon.jsonl"
    bon.write_bytes(ligne())
    cas = _commandes(politiques(tmp_path / "p"), journaux(tmp_path / "j"), bon)
    env = {**os.environ, "PYTHONPATH": str(SRC), "COLUMNS": "200"}
    fait = subprocess.run(
        [sys.executable, "-c", PILOTE],
        input=json.dumps([args for _, args in cas]),
        capture_output=True,
        text=True,
        timeout=DELAI,
        env=env,
        check=False,
    )
    resultats = [json.loads(x) for x in fait.stdout.splitlines()]
    assert len(resultats) == len(cas), fait.stderr[-3000:]
    fautes = []
    for (chemin, _), r in zip(cas, resultats, strict=True):
        attendu = f"{chemin}:" if _ligne_citee(chemin.name) else str(chemin)
        propre = r["code"] == 1 and "Traceback" not in r["sortie"] and r["exception"] in (None, "SystemExit")
        # "erreur : ..." or a policy's problems, one per line, "fichier:ligne:colonne: ..."
        francais = "erreur" in r["sortie"] or re.search(r":[0-9]+:[0-9]+: ", r["sortie"]) is not None
        if not propre or not francais or attendu not in r["sortie"]:
            fautes.append(r)
    assert not fautes, json.dumps(fautes[:5], ensure_ascii=False, indent=1)


@pytest.fixture(scope="module")
def corpus() -> dict[str, dict[str, Path]]:
    dossier = Path(tempfile.mkdtemp(prefix="parcours-hostile-"))
    for nom in ("p", "j", "c"):
        (dossier / nom).mkdir()
    from hostile import exports_csv

    return {"p": politiques(dossier / "p"), "j": journaux(dossier / "j"), "c": exports_csv(dossier / "c")}


def _localisee(exc: ParcoursError, chemin: Path, ligne_citee: bool) -> None:
    texte = str(exc)
    assert str(chemin) in texte, texte
    if ligne_citee:
        assert f"{chemin}:" in texte and any(c.isdigit() for c in texte.split(str(chemin) + ":", 1)[1][:8]), (
            texte
        )


@pytest.mark.parametrize("lecteur", ["load_policy", "load_cohorte"])
def test_policy_readers_refuse_the_hostile_policies_at_their_line(
    corpus: dict[str, dict[str, Path]], lecteur: str
) -> None:
    lire: Callable[[Path], object] = load_policy if lecteur == "load_policy" else load_cohorte
    for nom, chemin in corpus["p"].items():
        with pytest.raises(PolicyError, match=re.escape(chemin.name)) as info:
            lire(chemin)
        _localisee(info.value, chemin, _ligne_citee(nom))


def test_journal_readers_refuse_the_hostile_journals_alike(corpus: dict[str, dict[str, Path]]) -> None:
    for nom, chemin in corpus["j"].items():
        with pytest.raises(JournalError, match=re.escape(str(chemin))) as rejeu:
            Engine.replay(POLICY, chemin, ecarter=True)
        with pytest.raises(JournalError, match=re.escape(str(chemin))) as lecture:
            read_journal(chemin, POLICY)
        _localisee(rejeu.value, chemin, _ligne_citee(nom))
        if _ligne_citee(nom):  # the same line, in the same words
            assert str(lecture.value) == str(rejeu.value)
        else:
            _localisee(lecture.value, chemin, False)


def test_the_csv_import_refuses_the_hostile_exports_at_their_line(corpus: dict[str, dict[str, Path]]) -> None:
    colonnes = {
        "dossier": "id",
        "dispositif": "convention",
        "entree": "entree",
        "sortie": "sortie",
        "motif": "motif",
    }
    for nom, chemin in corpus["c"].items():
        with pytest.raises(JournalError, match=re.escape(chemin.name)) as info:
            read_csv(chemin, colonnes, forme="parcours")
        _localisee(info.value, chemin, not nom.startswith(("un_dossier", "un_tube")))


# --- the same generators, drawn -------------------------------------------------------------

_YAML = st.one_of(
    st.integers(PROFONDEUR_YAML_MAX + 1, 3000).map(yaml_crochets),
    st.integers(PROFONDEUR_YAML_MAX + 1, 400).map(yaml_blocs),
    st.tuples(
        st.sampled_from([b"\x00", b"\x07", b"\x1b", b"\x7f", b"\xc2\x85\x00", b"\xff", b"\xc3"]),
        st.integers(1, 3),
    ).map(lambda c: yaml_octet(*c)),
    st.integers(11, 50).map(yaml_alias),
)


@settings(max_examples=40, deadline=None)
@given(_YAML)
def test_a_drawn_hostile_policy_is_refused_with_its_line(brut: bytes) -> None:
    with pytest.raises(PolicyError, match=r"p\.yaml") as info:
        load_policy_text(brut, "p.yaml")
    premier = info.value.problems[0]
    assert premier.fichier == "p.yaml" and premier.ligne is not None and premier.ligne >= 1


_LIGNE_HOSTILE = st.one_of(
    st.integers(PROFONDEUR_JSON_MAX + 1, 20_000).map(jsonl_profond),
    st.integers(LONGUEUR_LIGNE_MAX, LONGUEUR_LIGNE_MAX + 64).map(jsonl_longue),
    st.sampled_from([b"\x00", b"\x01", b"\x1f", b"\xff", b"\xc3(", b"\xed\xa0\x80"]).map(jsonl_octet),
    st.sampled_from(["\x1b", "\x07", "\x7f", "\u009b", "\n"]).map(lambda c: jsonl_identifiant(f"b{c}")),
    st.integers(LONGUEUR_IDENTIFIANT_MAX + 1, LONGUEUR_IDENTIFIANT_MAX + 40).map(
        lambda n: jsonl_identifiant("b" * n)
    ),
)


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 6), _LIGNE_HOSTILE, st.integers(0, 4))
def test_a_drawn_hostile_line_stops_replay_and_reports_at_its_number(
    avant: int, hostile: bytes, apres: int
) -> None:
    tete = b"".join(ligne(dossier=f"v{i}") for i in range(avant))
    queue = b"".join(ligne(dossier=f"w{i}") for i in range(apres))
    with tempfile.TemporaryDirectory() as dossier:
        chemin = Path(dossier) / "j.jsonl"
        chemin.write_bytes(tete + hostile + queue)
        with pytest.raises(UnsafeLineError, match=re.escape(str(chemin))) as rejeu:
            Engine.replay(POLICY, chemin, ecarter=True)
        with pytest.raises(UnsafeLineError, match=re.escape(str(chemin))) as lecture:
            read_journal(chemin, POLICY)
        assert rejeu.value.ligne == avant + 2  # the second line of the hostile piece
        assert str(lecture.value) == str(rejeu.value)
