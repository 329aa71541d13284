"""Small helpers to write DuckDB SQL from policy values (quoting, dates, durations)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from parcours.policies.durations import Duree
from parcours.policies.values import Param

__all__ = ["ajout_duree", "chaine", "jour", "liste", "selon_param"]


def chaine(text: str) -> str:
    """A SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def liste(texts: Iterable[str]) -> str:
    """A parenthesised list of string literals (``(NULL)`` when empty, which matches nothing)."""
    items = [chaine(t) for t in texts]
    return "(" + (", ".join(items) if items else "NULL") + ")"


def jour(d: date) -> str:
    return f"DATE '{d.isoformat()}'"


def ajout_duree(colonne: str, duree: Duree) -> str:
    """``colonne + duree`` as a DATE; months clamp to the month's end, as Duree.ajouter does."""
    if duree.unite == "jours":
        return f"CAST({colonne} + INTERVAL ({duree.nombre}) DAY AS DATE)"
    if duree.unite == "semaines":
        return f"CAST({colonne} + INTERVAL ({7 * duree.nombre}) DAY AS DATE)"
    months = duree.nombre * (12 if duree.unite == "ans" else 1)
    return f"CAST({colonne} + INTERVAL ({months}) MONTH AS DATE)"


def selon_param(colonne: str, param: Param[Duree], quand: str | None = None) -> str:
    """``colonne + (the duration in force on quand)``; NULL when no version is in force yet."""
    quand = quand or colonne
    branches: list[str] = []
    defaut = "NULL"
    for version in reversed(param.versions):
        expr = ajout_duree(colonne, version.valeur)
        if version.debut is None:
            defaut = expr
            break
        branches.append(f"WHEN {quand} >= {jour(version.debut)} THEN {expr}")
    if not branches:
        return defaut
    return "CASE " + " ".join(branches) + f" ELSE {defaut} END"
