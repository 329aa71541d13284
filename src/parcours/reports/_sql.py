"""Small helpers to write DuckDB SQL (quoting strings, lists and dates)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

__all__ = ["chaine", "jour", "liste"]


def chaine(text: str) -> str:
    """A SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def liste(texts: Iterable[str]) -> str:
    """A parenthesised list of string literals (``(NULL)`` when empty, which matches nothing)."""
    items = [chaine(t) for t in texts]
    return "(" + (", ".join(items) if items else "NULL") + ")"


def jour(d: date) -> str:
    return f"DATE '{d.isoformat()}'"
