"""``parcours journal init``: create or migrate a journal's schema (PostgreSQL, SQLite)."""

from __future__ import annotations

from typing import Annotated

import typer

from parcours._cli_french import CommandeParcours, GroupeParcours
from parcours._cli_utils import out_console, user_errors
from parcours.engine.journal_postgresql import est_url, init, masquer
from parcours.engine.journal_sqlite import SqliteJournal
from parcours.errors import UsageError

__all__ = ["register"]

app = typer.Typer(
    cls=GroupeParcours,
    help="Les journaux partagés : créer ou mettre à jour leur schéma.",
    no_args_is_help=True,
    rich_markup_mode=None,
)


@app.command("init", cls=CommandeParcours)
@user_errors
def init_cmd(
    journal: Annotated[str, typer.Argument(help="URL postgresql://... ou base SQLite (.sqlite, .db)")],
) -> None:
    """Crée le schéma d'un journal, ou le met à jour vers la version de cette version de parcours.

    Sans effet sur un journal déjà à jour ; plusieurs processus peuvent le lancer à la fois.
    """
    if est_url(journal):
        avant, apres = init(journal)
        quoi = (
            "créé"
            if avant == 0
            else ("déjà à jour" if avant == apres else f"mis à jour depuis la version {avant}")
        )
        out_console.print(
            f"✓ {masquer(journal)} : journal PostgreSQL {quoi} (schéma version {apres})", markup=False
        )
        return
    if not journal.lower().endswith((".sqlite", ".sqlite3", ".db")):
        raise UsageError(
            f"{journal} : « journal init » prépare une base partagée (URL postgresql://... ou fichier "
            ".sqlite, .sqlite3, .db) ; un journal JSONL n'a pas de schéma"
        )
    with SqliteJournal(journal) as base:
        base.attach()
    out_console.print(f"✓ {journal} : journal SQLite prêt", markup=False)


def register(parent: typer.Typer) -> None:
    """Add the ``journal`` group to the ``parcours`` command."""
    parent.add_typer(app, name="journal")
