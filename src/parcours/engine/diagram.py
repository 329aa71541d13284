"""A dispositif's state diagram in the words of its policy, and its Mermaid text.

:func:`schema` reads the machine's topology (the states and transitions the engine moves
dossiers through, engine/machine.py) and names everything as a reader would: states by the
vocabulary's labels, transitions by their events, guards by what they require, with the
policy's values in force when rules are given (« une place libre sur 175 », « au plus
1 renouvellement et durée totale au plus 6 mois »). Events that leave the step where it is (entretien,
CER signé, point de veille) are listed inside their state. The drawing (diagram_svg.py) and
the Mermaid text (:func:`en_mermaid`) are two renderings of the same :class:`Schema`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from parcours._french import format_date, format_decimal
from parcours.engine.machine import (
    GARDE_COMPLET,
    GARDE_PLACES,
    GARDE_RENOUVELLEMENT,
    GARDES,
    Topologie,
    topologie_de,
)
from parcours.policies.rules import Regles, regles_datees
from parcours.policies.schema import Policy
from parcours.vocabulary import (
    ETAPES_FINALES,
    ETAT_INITIAL,
    LIBELLES_ETATS,
    LIBELLES_EVENEMENTS,
)

__all__ = ["Etat", "Fleche", "Schema", "conditions", "en_mermaid", "schema", "schema_dispositif"]


@dataclass(frozen=True)
class Etat:
    """A state as drawn: its id, its label, the events that leave it where it is."""

    ident: str
    libelle: str
    internes: tuple[str, ...] = ()

    @property
    def initial(self) -> bool:
        return self.ident == ETAT_INITIAL

    @property
    def final(self) -> bool:
        return self.ident in ETAPES_FINALES


@dataclass(frozen=True)
class Fleche:
    """A transition as drawn: its event (id and words) and the condition it needs, if any."""

    evenement: str
    source: str
    dest: str
    libelle: str
    condition: str | None = None


@dataclass(frozen=True)
class Schema:
    """A dispositif's diagram: its states, its transitions between two different states."""

    titre: str
    etats: tuple[Etat, ...]
    fleches: tuple[Fleche, ...]

    def etat(self, ident: str) -> Etat:
        return next(e for e in self.etats if e.ident == ident)

    def en_cours(self) -> tuple[str, ...]:
        """The states of a parcours under way: neither the entry nor a final."""
        return tuple(e.ident for e in self.etats if not (e.initial or e.final))

    def sorties_partout(self) -> tuple[str, ...]:
        """The finals that every state under way leads to (drawn once, from the whole box)."""
        en_cours = set(self.en_cours())
        return tuple(
            e.ident
            for e in self.etats
            if e.final and en_cours and {f.source for f in self.fleches if f.dest == e.ident} >= en_cours
        )


def _pluriel(n: int, mot: str) -> str:
    return f"{format_decimal(n)} {mot}{'s' if n > 1 else ''}"


def conditions(regles: Regles | None) -> dict[str, str]:
    """Each guard in words, with the values of ``regles`` when given (empty: nothing to require)."""
    mots = dict(GARDES)
    if regles is None:
        return mots
    if regles.places is not None:
        mots[GARDE_PLACES] = f"une place libre sur {format_decimal(regles.places)}"
        mots[GARDE_COMPLET] = f"les {_pluriel(regles.places, 'place')} prises"
    else:
        mots[GARDE_PLACES] = ""  # no limit of places: a démarrage needs nothing
    limites = []
    if regles.renouvellements_max is not None:
        limites.append(f"au plus {_pluriel(regles.renouvellements_max, 'renouvellement')}")
    if regles.maximum is not None:
        limites.append(f"durée totale au plus {regles.maximum}")
    mots[GARDE_RENOUVELLEMENT] = " et ".join(limites) if limites else "sans limite"
    return mots


def schema(topo: Topologie, titre: str, regles: Regles | None = None) -> Schema:
    """The diagram of ``topo`` in words (with the values of ``regles`` in its conditions)."""
    mots = conditions(regles)
    internes: dict[str, list[str]] = {etat: [] for etat in topo.etats}
    fleches: list[Fleche] = []
    for tr in topo.transitions:
        libelle = LIBELLES_EVENEMENTS.get(tr.evenement, tr.evenement)
        if tr.dest is None:
            internes[tr.source].append(libelle)
            continue
        condition = None if tr.garde is None else (mots.get(tr.garde, tr.garde) or None)
        fleches.append(Fleche(tr.evenement, tr.source, tr.dest, libelle, condition))
    etats = tuple(Etat(e, LIBELLES_ETATS.get(e, e), tuple(dict.fromkeys(internes[e]))) for e in topo.etats)
    return Schema(titre, etats, tuple(fleches))


def schema_dispositif(policy: Policy, ident: str, jour: date | None = None) -> Schema:
    """The diagram of a dispositif, its conditions with the values in force on ``jour``.

    Without ``jour``, the values of its latest rules; the title says which day they are of. A
    dispositif not open on ``jour`` is drawn with its conditions in general words.
    """
    regles_d = regles_datees(policy, ident)
    regles = regles_d.fenetres[-1] if jour is None else regles_d.au(jour)
    depuis = jour if jour is not None else (regles.debut if regles is not None else None)
    titre = policy.dispositif(ident).libelle
    if depuis is not None and regles is not None:
        titre += f" (valeurs en vigueur {'le' if jour else 'depuis le'} {format_date(depuis)})"
    return schema(topologie_de(policy.dispositif(ident)), titre, regles)


def _quote(texte: str) -> str:
    return texte.replace('"', "'")


def en_mermaid(s: Schema) -> str:
    """The diagram as a Mermaid state diagram, every label in the policy's words."""
    lines = ["---", f"title: {_quote(s.titre)}", "---", "stateDiagram-v2", "  direction TB"]
    for e in s.etats:
        if e.initial:
            continue
        label = e.libelle + (f" ({', '.join(e.internes)})" if e.internes else "")
        lines.append(f'  state "{_quote(label)}" as {e.ident}')
    for f in s.fleches:
        source = "[*]" if f.source == ETAT_INITIAL else f.source
        texte = f.libelle + (f" [{f.condition}]" if f.condition else "")
        lines.append(f"  {source} --> {f.dest}: {_quote(texte)}")
    return "\n".join(lines) + "\n"
