"""Strategies that generate event streams for a policy: plausible parcours, and perturbed ones.

A plausible parcours follows the dispositif's steps in order, dates never go backwards, it
enters the dispositif once it is open, renewals stay within ``renouvellements_max`` and
before the maximum duration (both read from the compiled rules in force, as the engine reads
them), exits use a declared motif. Streams
keep the number of dossiers of a dispositif within its places, so that a plausible stream is
applied by the engine without any refusal.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from hypothesis import strategies as st

from parcours.policies.rules import ReglesDatees, ouverture
from parcours.policies.schema import Dispositif, Policy
from parcours.vocabulary import ETAPE_EVENEMENT, ETAPES_AVANT

__all__ = ["Perturbation", "debut_possible", "flux_perturbe", "flux_plausible", "places_min"]

_HORIZON = date(2040, 12, 31)


def debut_possible(dispositif: Dispositif) -> date:
    """The first day a dossier may enter the dispositif (2018-01-01 when it is always open)."""
    jour = ouverture(dispositif)
    return date(2018, 1, 1) if jour is None else jour


def places_min(dispositif: Dispositif) -> int | None:
    """The smallest number of places any version gives (None: no capacity)."""
    places = dispositif.capacite.places
    if places is None:
        return None
    return min(v.valeur for v in places.versions)


@st.composite
def _parcours(
    draw: st.DrawFn, ident: str, dispositif_id: str, dispositif: Dispositif
) -> list[dict[str, Any]]:
    regles = ReglesDatees(dispositif_id, dispositif)
    start = debut_possible(dispositif)
    fin = regles.fenetres[-1].convention_fin
    # entered while open, started at most 90 days later (three steps of at most 30 days)
    marge = 3 * 365 if fin is None else max(0, min(3 * 365, (fin - start).days - 90))
    jour = start + timedelta(days=draw(st.integers(0, marge)))
    events: list[dict[str, Any]] = []

    def add(evenement: str, **extra: Any) -> None:
        event = {"dossier": ident, "date": jour.isoformat(), "evenement": evenement, **extra}
        if not events:
            event["dispositif"] = dispositif_id
        event["id"] = f"{ident}-{len(events)}"
        events.append(event)

    avant = [s for s in dispositif.etapes if s in ETAPES_AVANT]
    if avant:
        first = draw(st.integers(0, len(avant)))  # len(avant): start at démarrage directly
        for step in avant[first:]:
            add(ETAPE_EVENEMENT[step])
            jour += timedelta(days=draw(st.integers(0, 30)))
    if not regles.ouvert(jour):
        return []
    add("demarrage")
    debut = jour
    au_debut = regles.au(debut)
    maximum = None if au_debut is None else au_debut.maximum
    fin_max = None if maximum is None else maximum.ajouter(debut)
    renouvellements = 0
    has_bilan = "bilan" in dispositif.etapes
    for _period in range(draw(st.integers(0, 3))):
        for _ in range(draw(st.integers(0, 4))):
            jour += timedelta(days=draw(st.integers(1, 60)))
            add("entretien", presence=draw(st.sampled_from(("present", "present", "absent"))))
        if draw(st.booleans()):
            add("cer_signe")
        jour += timedelta(days=draw(st.integers(0, 30)))
        if has_bilan:
            add("bilan")
        renewal_day = jour + timedelta(days=draw(st.integers(0, 10)))
        # The engine judges a renewal by the maximum in force on the renewal's own day.
        au_jour = regles.au(renewal_day)
        rmax = None if au_jour is None else au_jour.renouvellements_max
        can_renew = (rmax is None or renouvellements < rmax) and (fin_max is None or renewal_day < fin_max)
        if not can_renew or not draw(st.booleans()):
            break
        jour = renewal_day
        add("renouvellement")
        renouvellements = renouvellements + 1  # counted only when a renewal is written
    if draw(st.integers(0, 4)) > 0:  # most parcours end
        jour += timedelta(days=draw(st.integers(0, 60)))
        finals = ["sortie", *(["reorientation"] if "reorientation" in dispositif.etapes else [])]
        final = draw(st.sampled_from(finals))
        if final == "sortie":
            motifs = sorted(dispositif.motifs_sortie) or ["autre"]
            add("sortie", motif=draw(st.sampled_from(motifs)))
        else:
            add("reorientation", vers="autre_dispositif")
    return [e for e in events if date.fromisoformat(e["date"]) <= _HORIZON]


@st.composite
def flux_plausible(draw: st.DrawFn, policy: Policy, max_dossiers: int = 20) -> list[dict[str, Any]]:
    """Plausible parcours of several dossiers, interleaved by date (stable per dossier)."""
    idents = sorted(policy.dispositifs)
    count = draw(st.integers(0, max_dossiers))
    per_dispositif: dict[str, int] = {}
    events: list[dict[str, Any]] = []
    for n in range(count):
        choice = draw(st.sampled_from(idents))
        limit = places_min(policy.dispositifs[choice])
        if limit is not None and per_dispositif.get(choice, 0) >= limit:
            continue
        per_dispositif[choice] = per_dispositif.get(choice, 0) + 1
        events.extend(draw(_parcours(f"D{n:04d}", choice, policy.dispositifs[choice])))
    events.sort(key=lambda e: e["date"])  # stable: each dossier keeps its own order
    return events


@dataclass(frozen=True)
class Perturbation:
    """A plausible stream with one perturbation, and what it is."""

    evenements: list[dict[str, Any]]
    nature: str  # "omis", "double", "desordre", "inconnu"
    index: int


@st.composite
def flux_perturbe(draw: st.DrawFn, policy: Policy, max_dossiers: int = 10) -> Perturbation:
    """A plausible stream with one event skipped, duplicated, moved out of order, or for a
    dossier that does not exist."""
    events = draw(flux_plausible(policy, max_dossiers).filter(lambda evs: len(evs) >= 2))
    nature = draw(st.sampled_from(("omis", "double", "desordre", "inconnu")))
    i = draw(st.integers(0, len(events) - 1))
    events = [dict(e) for e in events]
    if nature == "omis":
        del events[i]
    elif nature == "double":
        events.insert(i + 1, dict(events[i]))
    elif nature == "desordre":
        moved = dict(events[i])
        moved["date"] = (
            date.fromisoformat(moved["date"]) - timedelta(days=draw(st.integers(1, 400)))
        ).isoformat()
        moved.pop("id", None)
        events.append(moved)
        i = len(events) - 1
    else:
        events.insert(i, {"dossier": "INCONNU", "date": events[i]["date"], "evenement": "entretien"})
    return Perturbation(events, nature, i)
