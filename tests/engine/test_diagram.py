"""The mermaid diagram shows exactly the compiled machine's states and transitions."""

from __future__ import annotations

import re

import pytest

from parcours.engine import Engine
from parcours.engine.machine import construire_machine, topologie

_STATE = re.compile(r'^\s*state "(\w+)" as (\w+)$')
_EDGE = re.compile(r"^\s*(\w+) --> (\w+): (.+)$")


def _parse(mermaid: str) -> tuple[set[str], set[tuple[str, str, str]]]:
    states: set[str] = set()
    edges: set[tuple[str, str, str]] = set()
    for line in mermaid.splitlines():
        if match := _STATE.match(line):
            states.add(match.group(2))
        elif match := _EDGE.match(line):
            for label in match.group(3).split(" | "):
                edges.add((match.group(1), match.group(2), label.split(" [")[0]))
    return states, edges


@pytest.mark.parametrize("dispositif", ["global", "social"])
def test_the_diagram_lists_exactly_the_machine(engine: Engine, dispositif: str) -> None:
    machine = construire_machine(engine.etat_dispositif(dispositif).topo)
    expected_edges = {
        (source, trs[0].dest or source, name)
        for name, event in machine.events.items()
        for source, trs in event.transitions.items()
        if trs
    }
    states, edges = _parse(engine.diagram(dispositif))
    assert states == set(machine.states)
    assert edges == expected_edges


def test_steps_left_out_are_skipped() -> None:
    topo = topologie(["prescription", "demarrage", "sortie"], attente=False)
    assert topo.etats == ("nouveau", "prescription", "demarrage", "sortie")
    permis = topo.permis()
    assert permis["prescription"] == ("demarrage", "sortie")
    assert permis["demarrage"] == ("entretien", "cer_signe", "renouvellement", "sortie")
    assert permis["sortie"] == ("veille",)  # the point made after an exit


def test_guards_show_as_conditions(engine: Engine) -> None:
    text = engine.diagram("global")
    assert "bilan --> demarrage: renouvellement [renouvellement_possible]" in text
    assert "diagnostic_partage --> attente: attente [complet_et_attente]" in text
