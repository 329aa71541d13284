"""A dispositif's parcours as a transitions state machine.

States: ``nouveau`` (initial), the dispositif's steps, ``attente`` (waiting for a place, when
the dispositif has places and ``si_complet: attente``) and the finals ``sortie`` /
``reorientation``. Transitions, by event:

========================  ===================================================================
event                     from → to
========================  ===================================================================
reperage, prescription,   ``nouveau`` → that step, when the dispositif has it (a dossier may
diagnostic                enter at any step before démarrage); from a pre-démarrage step to
                          the next one the dispositif has (steps it leaves out are skipped)
demarrage                 ``nouveau``, the last pre-démarrage step, ``attente`` → ``demarrage``
attente (engine only)     same sources as démarrage except ``attente`` → ``attente``
                          (guard: every place taken and ``si_complet: attente``)
bilan                     ``demarrage`` → ``bilan``
renouvellement            ``bilan`` → ``demarrage`` (``demarrage`` → itself when the dispositif
                          has no bilan); guard: renewals left, maximum duration not reached
entretien, cer_signe      internal in ``demarrage`` and ``bilan``: the step does not change
sortie, reorientation     any non-final step but ``nouveau`` → that final (when the dispositif
                          has it)
veille                    internal in ``sortie``: the point made on a person after the exit
========================  ===================================================================

One :class:`~transitions.Machine` is built per dispositif, with ``model=None`` and no
callbacks nor conditions: the guards need the policy values in force on the event's date, so
the engine judges them (engine/guards.py) before it moves a dossier. A trigger of such a
machine does one thing, set the dossier's ``state`` to the transition's destination; the
engine does exactly that from :attr:`Topologie.table`, which is read from the machine's own
transition objects (``machine.events[e].transitions``), for live events and journal replay
alike. Guards appear as conditions in the diagram only, under the policy's words
(engine/diagram.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from transitions import Machine

from parcours.policies.schema import Dispositif
from parcours.vocabulary import (
    ETAPE_EVENEMENT,
    ETAPES_AVANT,
    ETAPES_FINALES,
    ETAT_ATTENTE,
    ETAT_INITIAL,
    EVENEMENT_ATTENTE,
    EVENEMENT_VEILLE,
    EVENEMENTS_INTERNES,
)

__all__ = [
    "GARDES",
    "GARDE_COMPLET",
    "GARDE_PLACES",
    "GARDE_RENOUVELLEMENT",
    "Topologie",
    "Transition",
    "construire_machine",
    "topologie",
    "topologie_de",
]

GARDE_PLACES = "places_disponibles"
GARDE_COMPLET = "complet_et_attente"
GARDE_RENOUVELLEMENT = "renouvellement_possible"
#: Each guard of the machine, in the words of the policy (for diagrams).
GARDES: dict[str, str] = {
    GARDE_PLACES: "une place libre",
    GARDE_COMPLET: "toutes les places prises",
    GARDE_RENOUVELLEMENT: "renouvellements restants et durée maximale non atteinte",
}


@dataclass(frozen=True)
class Transition:
    """One edge: ``dest`` None means internal (the step does not change)."""

    evenement: str
    source: str
    dest: str | None
    garde: str | None = None


@dataclass(frozen=True)
class Topologie:
    """States and transitions of a dispositif's machine, derived from its steps only.

    ``table[evenement][etat]`` is the destination of each allowed (event, state), ``None``
    for an internal transition; it is read from the transitions machine (:func:`table`).
    """

    etats: tuple[str, ...]
    transitions: tuple[Transition, ...]
    table: dict[str, dict[str, str | None]] = field(default_factory=dict, compare=False)

    def permis(self) -> dict[str, tuple[str, ...]]:
        """For each state, the events allowed from it (engine-only events left out)."""
        result: dict[str, list[str]] = {etat: [] for etat in self.etats}
        for tr in self.transitions:
            if tr.evenement != EVENEMENT_ATTENTE and tr.evenement not in result[tr.source]:
                result[tr.source].append(tr.evenement)
        return {etat: tuple(evts) for etat, evts in result.items()}

    def sources(self, evenement: str) -> frozenset[str]:
        """The states from which ``evenement`` is allowed."""
        return frozenset(t.source for t in self.transitions if t.evenement == evenement)


def _edges(etapes: Sequence[str], attente: bool) -> tuple[list[str], list[Transition]]:
    avant = [e for e in ETAPES_AVANT if e in etapes]
    finals = [e for e in ETAPES_FINALES if e in etapes]
    has_bilan = "bilan" in etapes
    ouverts = ["demarrage", *(["bilan"] if has_bilan else [])]
    etats = [ETAT_INITIAL, *avant, *([ETAT_ATTENTE] if attente else []), *ouverts, *finals]
    trs: list[Transition] = []
    for i, etape in enumerate(avant):
        evt = ETAPE_EVENEMENT[etape]
        trs.append(Transition(evt, ETAT_INITIAL, etape))
        if i > 0:
            trs.append(Transition(evt, avant[i - 1], etape))
    for source in [ETAT_INITIAL, *avant[-1:]]:
        trs.append(Transition("demarrage", source, "demarrage", GARDE_PLACES))
        if attente:
            trs.append(Transition(EVENEMENT_ATTENTE, source, ETAT_ATTENTE, GARDE_COMPLET))
    if attente:
        trs.append(Transition("demarrage", ETAT_ATTENTE, "demarrage", GARDE_PLACES))
    for source in ouverts:
        trs.extend(Transition(evt, source, None) for evt in EVENEMENTS_INTERNES)
    if has_bilan:
        trs.append(Transition("bilan", "demarrage", "bilan"))
        trs.append(Transition("renouvellement", "bilan", "demarrage", GARDE_RENOUVELLEMENT))
    else:
        trs.append(Transition("renouvellement", "demarrage", "demarrage", GARDE_RENOUVELLEMENT))
    for source in etats:
        if source != ETAT_INITIAL and source not in ETAPES_FINALES:
            trs.extend(Transition(final, source, final) for final in finals)
    trs.append(Transition(EVENEMENT_VEILLE, "sortie", None))
    return etats, trs


def topologie(etapes: Sequence[str], *, attente: bool = True) -> Topologie:
    """The states and transitions for a dispositif with these steps (in policy order).

    ``attente`` is False when the dispositif has no waiting list (no ``places``, or
    ``si_complet: refus``): the state and its transitions are left out.
    """
    etats, trs = _edges(etapes, attente)
    brute = Topologie(tuple(etats), tuple(trs))
    return Topologie(brute.etats, brute.transitions, table(construire_machine(brute)))


def topologie_de(dispositif: Dispositif) -> Topologie:
    """The topology of a dispositif: its steps, and a waiting list when it has places and
    ``si_complet: attente``."""
    cap = dispositif.capacite
    return topologie(dispositif.etapes, attente=cap.places is not None and cap.si_complet == "attente")


def _specs(topo: Topologie) -> list[dict[str, object]]:
    return [{"trigger": tr.evenement, "source": tr.source, "dest": tr.dest} for tr in topo.transitions]


def construire_machine(topo: Topologie) -> Machine:
    """A transitions Machine with no model: dossiers carry their own ``state`` attribute."""
    return Machine(
        model=None,
        states=list(topo.etats),
        transitions=_specs(topo),
        initial=ETAT_INITIAL,
        auto_transitions=False,
        send_event=False,
    )


def table(machine: Machine) -> dict[str, dict[str, str | None]]:
    """``machine``'s transitions as event → state → destination (None: internal).

    Each (event, state) has one transition (the topology has no two edges alike), so this
    is what ``machine.events[event].trigger`` does to a dossier in that state.
    """
    out: dict[str, dict[str, str | None]] = {}
    for nom, event in machine.events.items():
        out[nom] = {}
        for source, transitions in event.transitions.items():
            if len(transitions) != 1:
                raise AssertionError(f"{nom} depuis {source} : {len(transitions)} transitions")
            out[nom][source] = transitions[0].dest
    return out
