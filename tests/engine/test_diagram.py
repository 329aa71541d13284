"""The state diagram shows exactly the compiled machine, in the policy's words."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

import pytest

from parcours.engine import Engine
from parcours.engine.diagram import Schema, en_mermaid, schema, schema_dispositif
from parcours.engine.diagram_svg import en_svg
from parcours.engine.machine import GARDES, construire_machine, topologie
from parcours.policies import Policy, load_policy
from parcours.vocabulary import LIBELLES_ETATS, LIBELLES_EVENEMENTS

POLITIQUE = Path(__file__).with_name("politique_test.yaml")

SVG = "{http://www.w3.org/2000/svg}"
_EDGE = re.compile(r"^\s*(\S+) --> (\w+): (.+)$")


def _machine_edges(engine: Engine, dispositif: str) -> tuple[set[tuple[str, str, str]], set[tuple[str, str]]]:
    machine = construire_machine(engine.etat_dispositif(dispositif).topo)
    edges, internal = set(), set()
    for name, event in machine.events.items():
        for source, trs in event.transitions.items():
            if trs[0].dest is None:
                internal.add((source, name))
            else:
                edges.add((source, trs[0].dest, name))
    return edges, internal


@pytest.mark.parametrize("dispositif", ["global", "social"])
def test_the_schema_holds_exactly_the_machine(engine: Engine, dispositif: str) -> None:
    edges, internal = _machine_edges(engine, dispositif)
    s = schema(engine.etat_dispositif(dispositif).topo, "titre")
    assert {(f.source, f.dest, f.evenement) for f in s.fleches} == edges
    assert {(e.ident, i) for e in s.etats for i in e.internes} == {
        (source, LIBELLES_EVENEMENTS[name]) for source, name in internal
    }


@pytest.mark.parametrize("dispositif", ["global", "social"])
def test_the_mermaid_text_lists_every_transition_in_words(engine: Engine, dispositif: str) -> None:
    edges, _ = _machine_edges(engine, dispositif)
    text = engine.diagram(dispositif)
    found = set()
    for line in text.splitlines():
        if match := _EDGE.match(line):
            source = "nouveau" if match.group(1) == "[*]" else match.group(1)
            found.add((source, match.group(2), match.group(3).split(" [")[0]))
    assert found == {(a, b, LIBELLES_EVENEMENTS[e]) for a, b, e in edges}
    for identifier in [*GARDES, "internal", '"nouveau"']:
        assert identifier not in text


def test_conditions_carry_the_values_in_force(policy: Policy) -> None:
    s = schema_dispositif(policy, "global", date(2018, 6, 1))
    labels = {(f.source, f.dest): f.condition for f in s.fleches}
    assert labels[("attente", "demarrage")] == "une place libre sur 3"
    assert labels[("nouveau", "attente")] == "les 3 places prises"
    assert labels[("bilan", "demarrage")] == "au plus 1 renouvellement et durée totale au plus 9 mois"
    assert "01/06/2018" in s.titre
    s2017 = schema_dispositif(policy, "global", date(2017, 6, 1))
    assert {f.condition for f in s2017.fleches if f.dest == "demarrage"} >= {"une place libre sur 4"}


def test_steps_left_out_are_skipped() -> None:
    topo = topologie(["prescription", "demarrage", "sortie"], attente=False)
    assert topo.etats == ("nouveau", "prescription", "demarrage", "sortie")
    permis = topo.permis()
    assert permis["prescription"] == ("demarrage", "sortie")
    assert permis["demarrage"] == ("entretien", "cer_signe", "renouvellement", "sortie")
    assert permis["sortie"] == ("veille",)  # the point made after an exit


def _drawn(s: Schema, dispositif: str) -> ET.Element:
    return ET.fromstring(en_svg(s, dispositif))


@pytest.mark.parametrize("dispositif", ["global", "social"])
def test_the_svg_draws_every_state_and_transition_with_its_words(policy: Policy, dispositif: str) -> None:
    s = schema_dispositif(policy, dispositif, date(2018, 6, 1))
    root = _drawn(s, dispositif)
    etats = {g.get("data-etat") for g in root.iter(f"{SVG}g") if g.get("class") == "etat"}
    assert etats == {e.ident for e in s.etats if not e.initial}
    drawn = {
        (g.get("data-source"), g.get("data-dest"), g.get("data-evenement"))
        for g in root.iter(f"{SVG}g")
        if g.get("class") == "transition"
    }
    partout = set(s.sorties_partout())
    expected = {(f.source, f.dest, f.evenement) for f in s.fleches if f.dest not in partout}
    expected |= {("en_cours", final, final) for final in partout}
    assert drawn == expected
    words = " ".join("".join(t.itertext()) for t in root.iter(f"{SVG}text"))
    for state in s.etats:
        assert state.libelle.split()[0] in words
    for identifier in GARDES:
        assert identifier not in words
    assert float(root.get("width", "0")) > 0 and float(root.get("height", "0")) > 0


def test_the_svg_labels_states_as_the_vocabulary_does(policy: Policy) -> None:
    root = _drawn(schema_dispositif(policy, "global"), "g")
    names = {
        " ".join(" ".join(t.itertext()).split())
        for g in root.iter(f"{SVG}g")
        if g.get("class") == "etat"
        for t in g.iter(f"{SVG}text")
        if t.get("class") == "nom"
    }
    assert names == {
        LIBELLES_ETATS[e]
        for e in (
            "reperage",
            "prescription",
            "diagnostic_partage",
            "attente",
            "demarrage",
            "bilan",
            "sortie",
            "reorientation",
        )
    }


def test_a_dispositif_without_places_needs_no_free_place_to_start() -> None:
    from parcours import load_policy

    s = schema_dispositif(load_policy("base/accompagnement_social"), "accompagnement_social")
    assert [f.condition for f in s.fleches if f.dest == "demarrage" and f.evenement == "demarrage"] == [None]


def test_the_whole_mermaid_text_of_a_small_dispositif(tmp_path: Path) -> None:
    """Every line, by hand: social (prescription, demarrage, sortie; 2 places, no bound on the
    renewals), its title quoted without its double quotes (Mermaid's front matter)."""
    texte = POLITIQUE.read_text(encoding="utf-8").replace("Accompagnement social", 'Suivi "social"')
    chemin = tmp_path / "p.yaml"
    chemin.write_text(texte, encoding="utf-8")
    s = schema_dispositif(load_policy(str(chemin)), "social")
    assert en_mermaid(s).splitlines() == [
        "---",
        "title: Suivi 'social'",
        "---",
        "stateDiagram-v2",
        "  direction TB",
        '  state "Prescription" as prescription',
        '  state "Accompagnement démarré (entretien, CER signé)" as demarrage',
        '  state "Sortie (point de veille)" as sortie',
        "  [*] --> prescription: prescription",
        "  [*] --> demarrage: démarrage [une place libre sur 2]",
        "  prescription --> demarrage: démarrage [une place libre sur 2]",
        "  demarrage --> demarrage: renouvellement du CER [sans limite]",
        "  prescription --> sortie: sortie",
        "  demarrage --> sortie: sortie",
    ]
    assert en_mermaid(s).endswith("sortie\n")
