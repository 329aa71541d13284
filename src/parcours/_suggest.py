"""« Vouliez-vous dire » hints for a misspelt word: a policy key, an event, a dispositif."""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Iterable

__all__ = ["proche", "suggest"]


def _simple(mot: str) -> str:
    """``mot`` lowercased and without accents (« Démarrage » → « demarrage »)."""
    decompose = unicodedata.normalize("NFKD", mot)
    return "".join(c for c in decompose if not unicodedata.combining(c)).lower()


def proche(mot: str, choix: Iterable[str]) -> str | None:
    """The allowed word ``mot`` was most likely meant to be, if one is close enough."""
    candidats = sorted(choix)
    simples = {_simple(c): c for c in candidats}
    close = difflib.get_close_matches(_simple(mot), list(simples), n=1, cutoff=0.6)
    return simples[close[0]] if close else None


def suggest(word: str, choices: Iterable[str]) -> str:
    """A French « vouliez-vous dire » hint, or the list of allowed words."""
    choices = sorted(choices)
    close = proche(word, choices)
    if close is not None:
        return f"vouliez-vous dire « {close} » ?"
    return "clés possibles : " + ", ".join(choices)
