"""The engine's verdict on the droits et devoirs lines of a journal, for the reports.

A line of the track depends on nothing but the earlier lines of its dossier's track (no
capacity, no dispositif's machine), and a journal holds far fewer of them than lines of
accompaniment: the engine itself judges them, in journal order, through the same format
check, guards and effects as a replay. So a bilan refuses exactly the lines ``parcours
rejouer`` refuses, with the same message, and counts only what the engine applies.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from parcours.engine.journal import LigneEcartee
from parcours.errors import ParcoursError
from parcours.policies.schema import Policy

__all__ = ["VerdictsDroits", "juger_droits_en_ligne"]


@dataclass
class VerdictsDroits:
    """The track's lines applied (number and event), duplicates acknowledged, lines refused."""

    appliques: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    doublons: int = 0
    ecartees: list[LigneEcartee] = field(default_factory=list)


def juger_droits_en_ligne(policy: Policy, lignes: Iterable[tuple[int, dict[str, Any]]]) -> VerdictsDroits:
    """Judge each (number, event) line of the track, in the order given, as a replay does."""
    from parcours.engine.engine import Engine

    engine = Engine(policy)
    engine._rejeu = True
    engine._surveillance.actif = False  # alert rules never refuse a line
    verdicts = VerdictsDroits()
    for numero, event in lignes:
        try:
            resultat = engine._appliquer(event, True)
        except ParcoursError as exc:
            verdicts.ecartees.append(LigneEcartee(numero, str(exc)))
            continue
        if resultat.applique:
            verdicts.appliques.append((numero, event))
        else:
            verdicts.doublons += 1
    return verdicts
