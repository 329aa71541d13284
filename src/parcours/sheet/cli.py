"""The ``parcours fiche`` command: a policy's sheet as an HTML page or as Markdown."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from parcours._cli_utils import out_console, parse_date, user_errors

__all__ = ["register"]


class FormatFiche(StrEnum):
    html = "html"
    markdown = "markdown"


@user_errors
def fiche(
    politique: Annotated[str, typer.Argument(help="Nom d'une politique fournie ou chemin d'un fichier.")],
    date_: Annotated[
        str | None,
        typer.Option(
            "--date",
            metavar="AAAA-MM-JJ",
            help="Valeurs en vigueur ce jour (par défaut : toutes les versions).",
        ),
    ] = None,
    format_: Annotated[
        FormatFiche, typer.Option("--format", "-f", help="html ou markdown.")
    ] = FormatFiche.html,
    sortie: Annotated[
        Path | None, typer.Option("--sortie", "-o", help="Fichier écrit (par défaut : la sortie standard).")
    ] = None,
) -> None:
    """Écrire la fiche d'une politique : chaque valeur avec sa source, les hypothèses, le parcours dessiné."""
    from parcours.policies.loader import load_policy
    from parcours.sheet.content import fiche as contenu

    jour = parse_date(date_)
    f = contenu(load_policy(politique), jour)
    if format_ is FormatFiche.html:
        from parcours.sheet.html import en_html

        texte = en_html(f)
    else:
        from parcours.sheet.markdown import en_markdown

        texte = en_markdown(f)
    if sortie is None:
        sys.stdout.write(texte)  # as written: no console markup, emoji codes or wrapping
    else:
        sortie.write_text(texte, encoding="utf-8")
        out_console.print(f"fiche écrite dans {sortie}", markup=False)


def register(app: typer.Typer) -> None:
    """Add the ``fiche`` command to the ``parcours`` application."""
    app.command("fiche")(fiche)
