"""Byte-level mutations of journal and CSV files: every reader accepts a file or refuses it
with a ParcoursError carrying its line, never a traceback; ``bilan`` and ``rejouer`` set aside
the same lines and count the same dossiers, or both stop at the same line in the same words
(a NUL byte, bytes that are not UTF-8: an UnsafeLineError)."""

from __future__ import annotations

import json
import re
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from parcours import Engine, JournalError, ParcoursError, UnsafeLineError, load_policy
from parcours.cli import app
from parcours.reports import read_journal
from parcours.reports.csv_import import read_csv
from parcours.testing.events import flux_plausible

POLICY = load_policy("meurthe_et_moselle")
_OCTETS = st.sampled_from(
    [b"\x00", b"\r", b"\xff", b"\xc3", b'"', b"{", b"}", b",", b"\n", b" ", b"\xe2\x80\xa8"]
)


@st.composite
def _mute(draw: st.DrawFn, brut: bytes) -> bytes:
    octets = bytearray(brut)
    for _ in range(draw(st.integers(1, 6))):
        if not octets:
            break
        i = draw(st.integers(0, len(octets) - 1))
        choix = draw(st.sampled_from(("remplacer", "inserer", "effacer", "couper")))
        if choix == "remplacer":
            octets[i : i + 1] = draw(_OCTETS)
        elif choix == "inserer":
            octets[i:i] = draw(_OCTETS)
        elif choix == "effacer":
            del octets[i]
        else:
            del octets[i:]
    return bytes(octets)


@st.composite
def _journal(draw: st.DrawFn) -> bytes:
    events = draw(flux_plausible(POLICY, max_dossiers=6).filter(bool))
    brut = ("\n".join(json.dumps(e, ensure_ascii=False) for e in events) + "\n").encode()
    return draw(_mute(brut))


_RUNNER = CliRunner()


@settings(
    max_examples=max(10, settings.default.max_examples // 5),
    deadline=None,
    suppress_health_check=[HealthCheck.filter_too_much],
)
@given(_journal())
@example(  # a carriage return before the object: JSON whitespace, which both readers skip
    b'\r{"dossier": "D0000", "date": "2018-01-01", "evenement": "prescription", '
    b'"dispositif": "accompagnement_cec", "id": "D0000-0"}\n'
    b'{"dossier": "D0000", "date": "2018-01-01", "evenement": "demarrage", "id": "D0000-1"}\n'
)
def test_a_mutated_journal_is_read_or_refused_line_by_line_the_same_everywhere(brut: bytes) -> None:
    with tempfile.TemporaryDirectory() as dossier:
        chemin = Path(dossier) / "journal.jsonl"
        chemin.write_bytes(brut)
        try:
            rejoue = Engine.replay(POLICY, chemin, ecarter=True)
        except UnsafeLineError as arret:
            with pytest.raises(UnsafeLineError, match=re.escape(str(arret))) as aussi:
                read_journal(chemin, POLICY)
            assert str(aussi.value) == str(arret) and arret.ligne is not None and arret.fichier == str(chemin)
            _commandes(chemin, str(arret))
            return
        lu = read_journal(chemin, POLICY)
        assert [(e.numero, e.message) for e in lu.problemes(None)] == [
            (e.numero, e.message) for e in rejoue.lignes_ecartees
        ]
        assert all(e.numero >= 1 for e in rejoue.lignes_ecartees)
        demarres = sum(1 for d in rejoue.dossiers.values() if d.debut is not None)
        assert lu.sql("SELECT count(*) FROM dossiers WHERE debut IS NOT NULL")[0][0] == demarres
        lu.close()
        _commandes(chemin, None, bool(rejoue.lignes_ecartees))


def _commandes(chemin: Path, arret: str | None, ecartees: bool = False) -> None:
    """``rejouer`` and ``bilan`` exit 0 (1 under --strict with lines set aside), or 1 with the
    readers' message when they stop at a line; never a traceback."""
    for commande in (
        ["rejouer", str(chemin), "-p", "meurthe_et_moselle"],
        ["bilan", str(chemin), "-p", "meurthe_et_moselle", "--annee", "2018"],
    ):
        resultat = _RUNNER.invoke(app, commande)
        assert "Traceback" not in resultat.output
        assert resultat.exception is None or isinstance(resultat.exception, SystemExit), resultat.exception
        if arret is not None:
            assert resultat.exit_code == 1 and f"erreur : {arret}" in resultat.output, resultat.output
            continue
        assert resultat.exit_code == 0, resultat.output
        strict = _RUNNER.invoke(app, [*commande, "--strict"])
        assert strict.exit_code == (1 if ecartees else 0), strict.output


@st.composite
def _csv(draw: st.DrawFn) -> bytes:
    lignes = ["id;convention;entree;sortie;motif"]
    for i in range(draw(st.integers(1, 6))):
        sortie = draw(st.sampled_from(["", "2018-06-30;relais_levee_freins", "30/06/2018;abandon"]))
        lignes.append(f"p{i};lunevillois;2018-0{1 + i % 5}-1{i % 9};{sortie or ';'}")
    return draw(_mute(("\n".join(lignes) + "\n").encode()))


@settings(max_examples=40, deadline=None)
@given(_csv())
def test_a_mutated_csv_is_read_or_refused_with_its_line(brut: bytes) -> None:
    colonnes = {
        "dossier": "id",
        "dispositif": "convention",
        "entree": "entree",
        "sortie": "sortie",
        "motif": "motif",
    }
    with tempfile.TemporaryDirectory() as dossier:
        chemin = Path(dossier) / "export.csv"
        chemin.write_bytes(brut)
        try:
            lignes = read_csv(chemin, colonnes, forme="parcours")
        except JournalError as exc:
            assert exc.fichier == str(chemin) and exc.ligne is not None and exc.ligne >= 1, str(exc)
            return
        except ParcoursError as exc:  # pragma: no cover - any other family member must name its line
            raise AssertionError(f"erreur sans ligne : {exc}") from exc
        journal = read_journal(lignes, POLICY)
        assert all(p.numero >= 2 for p in journal.problemes(None))  # data rows start on line 2
        journal.close()
