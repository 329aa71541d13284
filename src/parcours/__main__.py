"""``python -m parcours`` runs the command line."""

from parcours.cli import main

main()
