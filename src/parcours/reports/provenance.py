"""Where a bilan's events come from, in one French sentence (the provenance line of a report).

A bilan read from a journal says which file and how many lines; one computed from a simulation
says which policy, cohort model, seed and runs. The board reading a bilan knows by this line
whether it reads real dossiers or simulated ones.
"""

from __future__ import annotations

from parcours._french import format_nombre
from parcours.reports.reading import JournalLu

__all__ = ["provenance_journal", "provenance_simulation"]


def _lignes(n: int, mot: str = "ligne") -> str:
    return f"{format_nombre(n)} {mot}{'s' if n > 1 else ''}"


def provenance_journal(journal: JournalLu) -> str:
    """« Journal simulation.jsonl : 6 584 lignes. », or the same for a SQLite base or Python events."""
    if journal.unite == "seq":
        return f"Journal SQLite {journal.source} : {_lignes(journal.lignes_lues)}."
    if journal.unite == "événement":
        return f"{_lignes(journal.lignes_lues, 'événement').capitalize()} transmis par un programme."
    return f"Journal {journal.source} : {_lignes(journal.lignes_lues)}."


def provenance_simulation(politique: str, cohorte: str, graine: object, runs: int = 1) -> str:
    """« Simulation de la politique moselle, cohorte moselle, graine 1, 1 tirage. »"""
    tirages = f"{format_nombre(runs)} tirage{'s' if runs > 1 else ''}"
    return f"Simulation de la politique {politique}, cohorte {cohorte}, graine {graine}, {tirages}."
