"""The ``parcours bilan`` command: a journal's bilan for a year or a span of days."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from parcours._cli_utils import out_console, parse_date, signaler_ecartees, user_errors
from parcours.engine.journals import est_url
from parcours.errors import UsageError
from parcours.reports.period import Periode
from parcours.reports.render import Format

__all__ = ["register"]


def _periode(annee: int | None, du: str | None, au: str | None) -> tuple[date, date]:
    try:
        periode = Periode.choisir(annee, parse_date(du, "--du"), parse_date(au, "--au"))
    except UsageError as exc:
        raise typer.BadParameter(str(exc), param_hint="--annee/--du/--au") from exc
    return periode.du, periode.au


def bilan_cmd(
    journal: Annotated[
        str, typer.Argument(help="journal JSONL, base SQLite ou URL postgresql://", show_default=False)
    ],
    politique: Annotated[
        str,
        typer.Option(
            "--politique", "-p", help="fichier YAML ou nom d'une politique fournie", show_default=False
        ),
    ],
    annee: Annotated[int | None, typer.Option("--annee", help="année civile du bilan")] = None,
    du: Annotated[
        str | None, typer.Option("--du", metavar="AAAA-MM-JJ", help="premier jour de la période (AAAA-MM-JJ)")
    ] = None,
    au: Annotated[
        str | None, typer.Option("--au", metavar="AAAA-MM-JJ", help="dernier jour de la période (AAAA-MM-JJ)")
    ] = None,
    dispositif: Annotated[str | None, typer.Option("--dispositif", "-d", help="un seul dispositif")] = None,
    format: Annotated[Format, typer.Option("--format", "-f", help="format de sortie")] = Format.markdown,
    sortie: Annotated[
        Path | None, typer.Option("--sortie", "-o", help="fichier écrit (par défaut : la sortie standard)")
    ] = None,
    precedents: Annotated[
        int, typer.Option("--precedents", min=0, max=10, help="périodes précédentes ajoutées aux tableaux")
    ] = 0,
    strict: Annotated[
        bool, typer.Option("--strict", help="une ligne du journal écartée est une erreur (code de sortie 1)")
    ] = False,
) -> None:
    """Bilan d'un journal sur une année ou une période : personnes accompagnées, sorties, indicateurs.

    Une ligne que le moteur refuserait n'est jamais comptée : elle est écartée et listée avec
    son numéro et sa raison ; avec --strict, c'est une erreur.
    """
    periode = _periode(annee, du, au)
    _executer(journal, politique, periode, dispositif, format.value, sortie, precedents, strict)


@user_errors
def _executer(
    journal: str,
    politique: str,
    periode: tuple[date, date],
    dispositif: str | None,
    format: str,
    sortie: Path | None,
    precedents: int,
    strict: bool,
) -> None:
    from parcours.policies import load_policy
    from parcours.reports import Bilan, Periode, bilan, read_journal
    from parcours.reports.render import render

    policy = load_policy(politique)
    if not est_url(journal) and not Path(journal).is_file():
        raise FileNotFoundError(2, "journal introuvable", journal)
    lu = read_journal(journal, policy)
    courant = Periode(*periode)
    anciens: list[Bilan] = []
    p = courant
    for _ in range(precedents):
        p = p.precedente()
        anciens.insert(0, bilan(lu, policy, du=p.du, au=p.au, dispositif=dispositif))
    b = bilan(lu, policy, du=courant.du, au=courant.au, dispositif=dispositif)
    texte = render(b, format, anciens)
    if sortie is None:
        sys.stdout.write(texte)
    else:
        sortie.write_text(texte, encoding="utf-8")
        out_console.print(f"bilan écrit dans {sortie}", markup=False)
    signaler_ecartees(lu.problemes(None), strict)


def register(app: typer.Typer) -> None:
    """Add the ``bilan`` command to the ``parcours`` application."""
    app.command("bilan")(bilan_cmd)
