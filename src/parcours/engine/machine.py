"""A dispositif's parcours as a transitions state machine.

States: ``nouveau`` (initial), the dispositif's steps, ``attente`` (waiting for a place, when
the dispositif has places and ``si_complet: attente``) and
the finals ``sortie`` / ``reorientation`` (absorbing). Transitions, by event:

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
========================  ===================================================================

Guards are evaluated by the engine before it triggers an event (they need the policy values
in force on the event's date); the machine itself carries no callbacks, so that a trigger on
an unregistered dossier costs what a bare transitions trigger costs. Guards appear as
conditions in the diagram only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from transitions import Machine

__all__ = [
    "ETAT_ATTENTE",
    "ETAT_INITIAL",
    "FINALS",
    "Topologie",
    "construire_machine",
    "diagramme_mermaid",
    "topologie",
]

ETAT_INITIAL = "nouveau"
ETAT_ATTENTE = "attente"
FINALS: tuple[str, ...] = ("sortie", "reorientation")
_AVANT = ("reperage", "prescription", "diagnostic_partage")
_EVENEMENT_ETAPE = {
    "reperage": "reperage",
    "prescription": "prescription",
    "diagnostic_partage": "diagnostic",
}
_SANS_CHANGEMENT = ("entretien", "cer_signe")
GARDE_PLACES = "places_disponibles"
GARDE_COMPLET = "complet_et_attente"
GARDE_RENOUVELLEMENT = "renouvellement_possible"


@dataclass(frozen=True)
class Transition:
    """One edge: ``dest`` None means internal (the step does not change)."""

    evenement: str
    source: str
    dest: str | None
    garde: str | None = None


@dataclass(frozen=True)
class Topologie:
    """States and transitions of a dispositif's machine, derived from its steps only."""

    etats: tuple[str, ...]
    transitions: tuple[Transition, ...]

    def permis(self) -> dict[str, tuple[str, ...]]:
        """For each state, the events allowed from it (engine-only events left out)."""
        result: dict[str, list[str]] = {etat: [] for etat in self.etats}
        for tr in self.transitions:
            if tr.evenement != "attente" and tr.evenement not in result[tr.source]:
                result[tr.source].append(tr.evenement)
        return {etat: tuple(evts) for etat, evts in result.items()}


def topologie(etapes: Sequence[str], *, attente: bool = True) -> Topologie:
    """The states and transitions for a dispositif with these steps (in policy order).

    ``attente`` is False when the dispositif has no waiting list (no ``places``, or
    ``si_complet: refus``): the state and its transitions are left out.
    """
    avant = [e for e in _AVANT if e in etapes]
    finals = [e for e in FINALS if e in etapes]
    has_bilan = "bilan" in etapes
    etats = [
        ETAT_INITIAL,
        *avant,
        *([ETAT_ATTENTE] if attente else []),
        "demarrage",
        *(["bilan"] if has_bilan else []),
        *finals,
    ]
    trs: list[Transition] = []
    for i, etape in enumerate(avant):
        evt = _EVENEMENT_ETAPE[etape]
        trs.append(Transition(evt, ETAT_INITIAL, etape))
        if i > 0:
            trs.append(Transition(evt, avant[i - 1], etape))
    entrees = [ETAT_INITIAL, *avant[-1:]]
    for source in entrees:
        trs.append(Transition("demarrage", source, "demarrage", GARDE_PLACES))
        if attente:
            trs.append(Transition("attente", source, ETAT_ATTENTE, GARDE_COMPLET))
    if attente:
        trs.append(Transition("demarrage", ETAT_ATTENTE, "demarrage", GARDE_PLACES))
    ouverts = ["demarrage", *(["bilan"] if has_bilan else [])]
    for source in ouverts:
        trs.extend(Transition(evt, source, None) for evt in _SANS_CHANGEMENT)
    if has_bilan:
        trs.append(Transition("bilan", "demarrage", "bilan"))
        trs.append(Transition("renouvellement", "bilan", "demarrage", GARDE_RENOUVELLEMENT))
    else:
        trs.append(Transition("renouvellement", "demarrage", "demarrage", GARDE_RENOUVELLEMENT))
    for source in etats:
        if source == ETAT_INITIAL or source in FINALS:
            continue
        trs.extend(Transition(final, source, final) for final in finals)
    return Topologie(tuple(etats), tuple(trs))


def _specs(topo: Topologie, with_conditions: bool) -> list[dict[str, object]]:
    specs: list[dict[str, object]] = []
    for tr in topo.transitions:
        spec: dict[str, object] = {"trigger": tr.evenement, "source": tr.source, "dest": tr.dest}
        if with_conditions and tr.garde is not None:
            spec["conditions"] = [tr.garde]
        specs.append(spec)
    return specs


def construire_machine(topo: Topologie) -> Machine:
    """A transitions Machine with no model: dossiers carry their own ``state`` attribute."""
    return Machine(
        model=None,
        states=list(topo.etats),
        transitions=_specs(topo, with_conditions=False),
        initial=ETAT_INITIAL,
        auto_transitions=False,
        send_event=False,
    )


def diagramme_mermaid(topo: Topologie, titre: str) -> str:
    """The machine as a mermaid state diagram, drawn by transitions' mermaid backend."""
    from transitions.extensions import GraphMachine

    graph_machine = GraphMachine(
        states=list(topo.etats),
        transitions=_specs(topo, with_conditions=True),
        initial=ETAT_INITIAL,
        auto_transitions=False,
        graph_engine="mermaid",
        show_conditions=True,
        title=titre,
    )
    text: str = graph_machine.get_graph().draw(None)
    return text
