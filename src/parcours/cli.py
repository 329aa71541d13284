"""The ``parcours`` command: French verbs over policies, journals, reports and simulations.

Each group of verbs lives beside the code it drives and adds itself with ``register(app)``.
A user mistake prints a French message and exits 1; a usage error exits 2.
"""

from __future__ import annotations

import typer

from parcours._cli_french import CommandeParcours, GroupeParcours
from parcours.engine import cli as engine_cli
from parcours.engine import journal_cli
from parcours.policies import cli as policies_cli
from parcours.reports import cli as reports_cli
from parcours.sheet import cli as sheet_cli
from parcours.simulation import cli as simulation_cli
from parcours.simulation import rights_cli as simulation_droits_cli

app = typer.Typer(
    name="parcours",
    cls=GroupeParcours,
    subcommand_metavar="COMMANDE [ARGUMENTS]...",
    help="Parcours d'accompagnement RSA pilotés par des politiques départementales.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

policies_cli.register(app)
sheet_cli.register(app)
engine_cli.register(app)
journal_cli.register(app)
reports_cli.register(app)
simulation_cli.register(app)
simulation_droits_cli.register(app)
for _commande in app.registered_commands:  # every command speaks French, help and errors included
    _commande.cls = CommandeParcours


def main() -> None:
    """Entry point of the ``parcours`` script."""
    app()
