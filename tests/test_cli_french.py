"""The whole command line in French: every help page and usage error, the framework's texts included.

The English the framework could print is read from its own source (the string literals of
the click that Typer uses, and of Typer's core), so that a new version adding a sentence
makes these tests fail until parcours translates it.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest
import typer.core
import typer.main
from typer.testing import CliRunner

from parcours._cli_french import traduire
from parcours.cli import app

runner = CliRunner()
# Developer-facing texts of the framework (errors in a program's own declarations, shell
# completion, prompts) that no parcours command can print.
_HORS_SUJET = ("default value", "autocompletion", "shell_complete", "completion", "Annotated", "callback")


def _framework_files() -> list[Path]:
    typer_dir = Path(typer.core.__file__).parent
    vendored = typer_dir / "_click"
    if vendored.is_dir():
        click_files = sorted(vendored.glob("*.py"))
    else:  # older Typers use click itself
        import click

        click_files = sorted(Path(click.__file__).parent.glob("*.py"))
    return [*click_files, *(typer_dir / n for n in ("core.py", "_coercion.py", "_param_types.py", "main.py"))]


def _docstrings(tree: ast.AST) -> set[int]:
    ids: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                ids.add(id(first.value))
    return ids


@cache
def english_fragments() -> frozenset[str]:
    """Every piece of a string literal of the framework made of at least two English words."""
    found: set[str] = set()
    for path in _framework_files():
        if not path.is_file():
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        skip = _docstrings(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip:
                for piece in re.split(r"\{[^}]*\}|%\([^)]*\)s|\n|\(s\)", node.value):
                    piece = piece.strip(" .:'\"()[]")
                    if re.fullmatch(r"[A-Za-z]+(?: [A-Za-z']+)+", piece) and not any(
                        h in piece for h in _HORS_SUJET
                    ):
                        found.add(piece)
    return frozenset(found)


# Texts put together at run time (« Missing » + « argument »), or written by pydantic (Rust).
_ASSEMBLES = ("Usage", "Missing", "Error:", "Try '", "Input should be", "Value error", "Aborted", "Commands")


def _english_in(text: str) -> list[str]:
    return sorted(f for f in (*english_fragments(), *_ASSEMBLES) if f in text)


def _commands() -> list[str]:
    group = typer.main.get_command(app)
    return sorted(group.commands)  # type: ignore[attr-defined]


def test_the_framework_has_english_sentences_to_look_for() -> None:
    fragments = english_fragments()
    for sentence in ("Show this message and exit", "Got unexpected extra argument", "No such option"):
        assert any(sentence in f for f in fragments), sentence


@pytest.mark.parametrize("commande", ["", *_commands()])
def test_every_help_page_is_in_french(commande: str) -> None:
    result = runner.invoke(app, [*([commande] if commande else []), "--help"], prog_name="parcours")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Utilisation : parcours")
    assert "Afficher cette aide et quitter." in result.output
    assert not _english_in(result.output), result.output
    for word in (
        "Usage",
        "Options:",
        "Commands",
        "[required]",
        "[default",
        "<str>",
        "<int",
        "<path>",
        "list[",
    ):
        assert word not in result.output, (word, result.output)


ERREURS = [
    (["afficher"], "Argument manquant : « politique »."),
    (["afficher", "moselle", "--dat", "2018"], "option inconnue : --dat"),
    (["diff", "a", "b", "c"], "argument(s) en trop : c"),
    (
        ["afficher", "moselle", "--format", "xml"],
        "« xml » n'est pas une valeur permise (attendu : texte ou json)",
    ),
    (["simuler", "moselle", "--runs", "x"], "valeur invalide pour « --runs » : attendu : un nombre entier"),
    (["simuler", "moselle", "--runs", "0"], "un nombre supérieur ou égal à 1"),
    (["diagram"], "commande inconnue : « diagram ». Vouliez-vous dire « diagramme » ?"),
    (["afficher", "moselle", "--date"], "l'option « --date » attend une valeur."),
    (["bilan", "journal.jsonl"], "Option manquante : « --politique » / « -p »."),
    (["afficher", "moselle", "--date", "2018-13-01"], "« 2018-13-01 » n'est pas une date AAAA-MM-JJ"),
]


@pytest.mark.parametrize(("args", "message"), ERREURS, ids=[" ".join(a) for a, _ in ERREURS])
def test_a_usage_error_is_in_french_and_exits_2(args: list[str], message: str) -> None:
    result = runner.invoke(app, args, prog_name="parcours")
    assert result.exit_code == 2, result.output
    assert "Erreur : " in result.output
    assert message in result.output, result.output
    assert "Essayez « parcours" in result.output or "Erreur : l'option" in result.output
    assert not _english_in(result.output), result.output


def test_no_arguments_shows_the_french_help() -> None:
    result = runner.invoke(app, [], prog_name="parcours")
    assert "Commandes :" in result.output
    assert not _english_in(result.output), result.output


def test_a_real_process_prints_its_usage_error_in_french_on_stderr() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "parcours", "diagramme"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 2
    assert "Argument manquant" in done.stderr
    assert not _english_in(done.stderr), done.stderr
    assert "Traceback" not in done.stderr


def test_the_translations_leave_french_untouched() -> None:
    french = "Erreur : valeur invalide pour « --date » : « 2018-13-01 » n'est pas une date AAAA-MM-JJ\n"
    assert traduire(french) == french
    assert traduire(traduire("[default: 0; x>=0]")) == "[par défaut : 0 ; x>=0]"
