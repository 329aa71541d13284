"""One writer process of the concurrency tests: ``python ecrivain.py POLITIQUE JOURNAL N GRAINE``.

It continues the shared journal and applies N events, one ``apply`` each, to dossiers that
the other writers also move (a sliding window of dossier numbers that every writer walks at
the same pace), on a dispositif of few places. Each event is decided from the engine's
current view; a ConflitError is counted, and the event is decided again from the view the
engine now has (it caught up) and sent again. It prints one JSON object: the ids it had
acknowledged, how many conflicts and refusals it met.
"""

from __future__ import annotations

import itertools
import json
import random
import sys
from datetime import date, timedelta
from typing import Any

from parcours import Engine, load_policy
from parcours.errors import ConflitError, TransitionError

DEBUT = date(2017, 1, 2)
SUIVANTS = {
    "prescription": ("diagnostic",),
    "diagnostic_partage": ("demarrage",),
    "demarrage": ("entretien", "entretien", "bilan", "sortie"),
    "bilan": ("entretien", "sortie"),
    "attente": ("sortie",),
}


def decider(engine: Engine, ident: str, jour: date, tirage: random.Random) -> dict[str, Any] | None:
    """The next event of dossier ``ident`` as this writer sees it (None: the dossier is done)."""
    dossier = engine.dossiers.get(ident)
    if dossier is None:
        return {
            "dossier": ident,
            "date": jour.isoformat(),
            "evenement": "prescription",
            "dispositif": "global",
        }
    choix = SUIVANTS.get(dossier.state)
    if choix is None:
        return None
    evenement = tirage.choice(choix)
    event: dict[str, Any] = {
        "dossier": ident,
        "date": max(jour, dossier.derniere).isoformat(),
        "evenement": evenement,
    }
    if evenement == "entretien":
        event["presence"] = "present"
    if evenement == "sortie":
        event["motif"] = tirage.choice(("cdi", "abandon"))
    return event


def choisir(engine: Engine, tirage: random.Random) -> dict[str, Any]:
    """An event for a dossier of the window every writer shares: the forty dossiers after the
    journal's position / 4 (a dossier is done after a few events: the window moves on as the
    journal grows, and later dossiers are taken when the whole window is done)."""
    assert engine.journal is not None
    position = engine.journal.position
    jour = DEBUT + timedelta(days=position // 50)
    base = position // 4
    ordre = list(range(base, base + 40))
    tirage.shuffle(ordre)
    for numero in itertools.chain(ordre, itertools.count(base + 40)):
        event = decider(engine, f"D{numero}", jour, tirage)
        if event is not None:
            return event
    raise AssertionError("unreachable")  # itertools.count never ends


def main(politique: str, journal: str, n: int, graine: int) -> dict[str, Any]:
    tirage = random.Random(graine)
    engine = Engine.replay(load_policy(politique), journal, continuer=True)
    acquittes: list[str] = []
    conflits = refus = 0
    while len(acquittes) < n:
        ident = f"e{graine}-{len(acquittes) + refus}"
        while True:
            event = {**choisir(engine, tirage), "id": ident}
            try:
                if engine.apply(event).applique:
                    acquittes.append(ident)
                break
            except ConflitError:
                conflits += 1  # the engine is up to date: decide again, send again
            except TransitionError:
                refus += 1  # e.g. past the maximum duration: the writer moves on
                break
    engine.close()
    return {"acquittes": acquittes, "conflits": conflits, "refus": refus}


if __name__ == "__main__":
    politique, journal, n, graine = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    print(json.dumps(main(politique, journal, n, graine)))
