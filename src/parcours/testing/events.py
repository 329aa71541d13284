"""Strategies that generate event streams for a policy: plausible parcours, and perturbed ones.

A plausible parcours follows the dispositif's steps in order, dates never go backwards, it
enters the dispositif once it is open, renewals stay within ``renouvellements_max`` and
before the maximum duration (both read from the compiled rules in force, as the engine reads
them), exits use a declared motif.

Demand may exceed the places. A stream is built in date order by a small model of each
dispositif's places, kept by the strategy itself (independent of the engine's code, from the
rules the engine documents): the accompaniments open, the waiting list in arrival order. A
démarrage when every place is taken goes to the waiting list (``si_complet: attente``; the
engine journals ``attente``) or is refused (``refus``: the event is in the stream, and its
position in :attr:`Flux.refus`); a waiting dossier starts when an exit frees a place, by a
démarrage the engine generates (listed in :attr:`Flux.generes`, not in the stream), and its
parcours goes on from that day; a waiting dossier may also give up (an exit from the list,
from any position in it), a refused one may ask again later or leave. Half of the streams
send their dossiers in a wave, mostly to one dispositif, so that small dispositifs fill up.

Every event of a plausible stream is applied by the engine, except those listed in
:attr:`Flux.refus`, which the engine refuses because every place is taken.
"""

from __future__ import annotations

import heapq
import itertools
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from hypothesis import strategies as st

from parcours.policies.rules import ReglesDatees, ouverture
from parcours.policies.schema import Dispositif, Policy
from parcours.vocabulary import ETAPE_EVENEMENT, ETAPES_AVANT

__all__ = ["Flux", "Perturbation", "debut_possible", "flux_perturbe", "flux_plausible", "places_min"]

_HORIZON = date(2040, 12, 31)


class Flux(list[dict[str, Any]]):
    """A plausible stream: its events (a list), and what capacity makes of them.

    ``refus``: positions of the démarrages the engine refuses (every place taken,
    ``si_complet: refus``); ``attentes``: positions of those it puts on the waiting list;
    ``generes``: the démarrages the engine generates, as (dossier, date), in order.
    """

    def __init__(
        self,
        events: Iterable[dict[str, Any]] = (),
        refus: frozenset[int] = frozenset(),
        attentes: frozenset[int] = frozenset(),
        generes: tuple[tuple[str, str], ...] = (),
    ) -> None:
        super().__init__(events)
        self.refus = refus
        self.attentes = attentes
        self.generes = generes

    def __repr__(self) -> str:
        return (
            f"Flux({list.__repr__(self)}, refus={sorted(self.refus)}, attentes={sorted(self.attentes)}, "
            f"generes={list(self.generes)})"
        )


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


@dataclass
class _Dossier:
    """One dossier of the stream, as the strategy's model sees it."""

    ident: str
    dispositif: str
    etat: str = "absent"  # absent (unknown to the engine), avant, attente, ouvert, fin
    n: int = 0  # events written (ids)


@dataclass
class _Places:
    regles: ReglesDatees
    ouverts: int = 0
    attente: deque[str] = field(default_factory=deque)


class _Modele:
    """The stream being written: its events in date order, and the places of each dispositif."""

    def __init__(self, draw: st.DrawFn, policy: Policy) -> None:
        self.draw = draw
        self.policy = policy
        self.events: list[dict[str, Any]] = []
        self.refus: set[int] = set()
        self.attentes: set[int] = set()
        self.generes: list[tuple[str, str]] = []
        self.dossiers: dict[str, _Dossier] = {}
        self.places = {k: _Places(ReglesDatees(k, d)) for k, d in policy.dispositifs.items()}
        self._agenda: list[tuple[date, int, str, str, dict[str, Any]]] = []
        self._seq = itertools.count()

    def plus_tard(self, jour: date, ident: str, action: str, **extra: Any) -> None:
        """Plan ``action`` for dossier ``ident`` on ``jour`` (after what is planned that day)."""
        heapq.heappush(self._agenda, (jour, next(self._seq), ident, action, extra))

    def ecrire(self, dossier: _Dossier, jour: date, evenement: str, **extra: Any) -> int:
        event = {"dossier": dossier.ident, "date": jour.isoformat(), "evenement": evenement, **extra}
        if dossier.etat == "absent":
            event["dispositif"] = dossier.dispositif
        event["id"] = f"{dossier.ident}-{dossier.n}"
        dossier.n += 1
        self.events.append(event)
        return len(self.events) - 1

    def derouler(self) -> Flux:
        """Play the agenda in date order (ties in the order they were planned)."""
        while self._agenda:
            jour, _, ident, action, extra = heapq.heappop(self._agenda)
            if jour > _HORIZON:
                break
            _ACTIONS[action](self, self.dossiers[ident], jour, **extra)
        return Flux(self.events, frozenset(self.refus), frozenset(self.attentes), tuple(self.generes))


def _avant(m: _Modele, dossier: _Dossier, jour: date) -> None:
    """The steps before démarrage, then the démarrage asked for (up to 90 days later)."""
    disp = m.policy.dispositifs[dossier.dispositif]
    avant = [s for s in disp.etapes if s in ETAPES_AVANT]
    first = m.draw(st.integers(0, len(avant)))  # len(avant): start at démarrage directly
    for step in avant[first:]:
        m.ecrire(dossier, jour, ETAPE_EVENEMENT[step])
        dossier.etat = "avant"
        jour += timedelta(days=m.draw(st.integers(0, 30)))
    m.plus_tard(jour, dossier.ident, "demande")


def _demande(m: _Modele, dossier: _Dossier, jour: date) -> None:
    """A caller's démarrage: the waiting list is served first; then a place, the list, or a refusal."""
    places = m.places[dossier.dispositif]
    if not places.regles.ouvert(jour):
        if dossier.etat == "avant" and m.draw(st.booleans()):
            _sortir(m, dossier, jour)
        return  # a démarrage the engine would refuse as closed: not written
    regles = places.regles.au(jour)
    limite = None if regles is None else regles.places
    complet = limite is not None and places.ouverts >= limite
    if complet and regles is not None and regles.si_complet == "refus":
        m.refus.add(m.ecrire(dossier, jour, "demarrage"))
        choix = m.draw(st.sampled_from(("encore", "sortie", "rien")))
        if choix == "encore":  # asks again later
            m.plus_tard(jour + timedelta(days=m.draw(st.integers(1, 60))), dossier.ident, "demande")
        elif choix == "sortie" and dossier.etat == "avant":
            m.plus_tard(jour + timedelta(days=m.draw(st.integers(0, 30))), dossier.ident, "abandon")
        return
    if limite is not None:
        _servir(m, dossier.dispositif, jour)
    position = m.ecrire(dossier, jour, "demarrage")
    if limite is not None and places.ouverts >= limite:
        m.attentes.add(position)
        dossier.etat = "attente"
        places.attente.append(dossier.ident)
        if m.draw(st.booleans()):  # may give up before a place frees
            m.plus_tard(jour + timedelta(days=m.draw(st.integers(1, 120))), dossier.ident, "abandon")
        return
    _demarrer(m, dossier, jour)


def _servir(m: _Modele, dispositif: str, jour: date) -> None:
    """Start waiting dossiers while places are free (démarrages the engine generates)."""
    places = m.places[dispositif]
    while places.attente:
        dossier = m.dossiers[places.attente[0]]
        if dossier.etat != "attente":  # left the list
            places.attente.popleft()
            continue
        regles = places.regles.au(jour)
        if regles is None or regles.places is None or places.ouverts >= regles.places:
            return
        if not places.regles.ouvert(jour):
            return
        places.attente.popleft()
        m.generes.append((dossier.ident, jour.isoformat()))
        _demarrer(m, dossier, jour)


def _demarrer(m: _Modele, dossier: _Dossier, debut: date) -> None:
    """An accompaniment opens on ``debut``: its interviews, CER periods, renewals and exit."""
    dossier.etat = "ouvert"
    m.places[dossier.dispositif].ouverts += 1
    disp = m.policy.dispositifs[dossier.dispositif]
    regles = m.places[dossier.dispositif].regles
    au_debut = regles.au(debut)
    maximum = None if au_debut is None else au_debut.maximum
    fin_max = None if maximum is None else maximum.ajouter(debut)
    draw, jour, renouvellements = m.draw, debut, 0
    plan: list[tuple[date, str, dict[str, Any]]] = []
    for _period in range(draw(st.integers(0, 3))):
        for _ in range(draw(st.integers(0, 4))):
            jour += timedelta(days=draw(st.integers(1, 60)))
            presence = draw(st.sampled_from(("present", "present", "absent")))
            plan.append((jour, "entretien", {"presence": presence}))
        if draw(st.booleans()):
            plan.append((jour, "cer_signe", {}))
        jour += timedelta(days=draw(st.integers(0, 30)))
        if "bilan" in disp.etapes:
            plan.append((jour, "bilan", {}))
        renewal_day = jour + timedelta(days=draw(st.integers(0, 10)))
        # The engine judges a renewal by the maximum in force on the renewal's own day.
        au_jour = regles.au(renewal_day)
        rmax = None if au_jour is None else au_jour.renouvellements_max
        can_renew = (rmax is None or renouvellements < rmax) and (fin_max is None or renewal_day < fin_max)
        if not can_renew or not draw(st.booleans()):
            break
        jour = renewal_day
        plan.append((jour, "renouvellement", {}))
        renouvellements = renouvellements + 1  # counted only when a renewal is written
    for quand, evenement, extra in plan:
        m.plus_tard(quand, dossier.ident, "ev", evenement=evenement, **extra)
    if draw(st.integers(0, 4)) > 0:  # most parcours end
        m.plus_tard(jour + timedelta(days=draw(st.integers(0, 60))), dossier.ident, "fin")


def _interne(m: _Modele, dossier: _Dossier, jour: date, evenement: str, **extra: Any) -> None:
    """An event of an open accompaniment (interview, CER, bilan, renewal)."""
    m.ecrire(dossier, jour, evenement, **extra)


def _sortir(m: _Modele, dossier: _Dossier, jour: date) -> None:
    """An exit: sortie with a declared motif, or réorientation when the dispositif has it."""
    disp = m.policy.dispositifs[dossier.dispositif]
    finals = ["sortie", *(["reorientation"] if "reorientation" in disp.etapes else [])]
    if m.draw(st.sampled_from(finals)) == "sortie":
        motifs = sorted(disp.motifs_sortie) or ["autre"]
        m.ecrire(dossier, jour, "sortie", motif=m.draw(st.sampled_from(motifs)))
    else:
        m.ecrire(dossier, jour, "reorientation", vers="autre_dispositif")
    ouvert = dossier.etat == "ouvert"
    dossier.etat = "fin"
    if ouvert:
        m.places[dossier.dispositif].ouverts -= 1
        _servir(m, dossier.dispositif, jour)


def _fin(m: _Modele, dossier: _Dossier, jour: date) -> None:
    _sortir(m, dossier, jour)


def _abandon(m: _Modele, dossier: _Dossier, jour: date) -> None:
    """A waiting (or refused) dossier leaves before its accompaniment starts, if it still can."""
    if dossier.etat in ("attente", "avant"):
        _sortir(m, dossier, jour)


#: What each planned action of the agenda does.
_ACTIONS: dict[str, Callable[..., None]] = {
    "entree": _avant,
    "demande": _demande,
    "ev": _interne,
    "fin": _fin,
    "abandon": _abandon,
}


def _entree(draw: st.DrawFn, dispositif: Dispositif, base: date | None, vague: bool = False) -> date | None:
    """The day a dossier enters (within 60 days of ``base`` in a wave), or None if closed then."""
    regles = ReglesDatees("", dispositif)
    start = debut_possible(dispositif)
    places = dispositif.capacite.places
    if vague and places is not None and places.versions[0].debut is not None:
        # a wave starts once the places are in force: before, a dispositif has no limit
        start = max(start, places.versions[0].debut)
    fin = regles.fenetres[-1].convention_fin
    # entered while open, started at most 90 days later (three steps of at most 30 days)
    marge = 3 * 365 if fin is None else max(0, min(3 * 365, (fin - start).days - 90))
    if base is None:
        jour = start + timedelta(days=draw(st.integers(0, marge)))
    else:
        jour = base + timedelta(days=draw(st.integers(0, 60)))
    return jour if regles.ouvert(jour) else None


@st.composite
def flux_plausible(draw: st.DrawFn, policy: Policy, max_dossiers: int = 20) -> Flux:
    """Plausible parcours of several dossiers, in date order (see the module docstring).

    Three streams in four are a wave: when a dispositif has fewer places than ``max_dossiers``,
    more dossiers than its places enter it within weeks of each other.
    """
    idents = sorted(policy.dispositifs)
    # at least one dossier: Hypothesis draws a range's first value about one time in three
    count = draw(st.integers(min(1, max_dossiers), max_dossiers))
    vague = draw(st.integers(0, 3)) > 0  # three streams in four
    petits = [k for k in idents if (places_min(policy.dispositifs[k]) or max_dossiers) < max_dossiers]
    cible = draw(st.sampled_from(petits if vague and petits else idents))
    limite = places_min(policy.dispositifs[cible])
    dans_la_vague = 0
    if vague and limite is not None and limite < max_dossiers:
        dans_la_vague = limite + draw(st.integers(1, max_dossiers - limite))
        count = max(count, dans_la_vague)
    elif vague:
        dans_la_vague = count
    bases: dict[str, date] = {}
    m = _Modele(draw, policy)
    for n in range(count):
        choice = cible if n < dans_la_vague else draw(st.sampled_from(idents))
        dispositif = policy.dispositifs[choice]
        base = None
        if n < dans_la_vague:
            if choice not in bases:
                bases[choice] = _entree(draw, dispositif, None, vague=True) or debut_possible(dispositif)
            base = bases[choice]
        jour = _entree(draw, dispositif, base)
        if jour is None:
            continue
        dossier = m.dossiers[f"D{n:04d}"] = _Dossier(f"D{n:04d}", choice)
        m.plus_tard(jour, dossier.ident, "entree")
    return m.derouler()


@dataclass(frozen=True)
class Perturbation:
    """A plausible stream with one perturbation, and what it is."""

    evenements: list[dict[str, Any]]
    nature: str  # "omis", "double", "desordre", "inconnu"
    index: int
    flux: Flux = field(default_factory=Flux)  # the plausible stream before the perturbation


@st.composite
def flux_perturbe(draw: st.DrawFn, policy: Policy, max_dossiers: int = 10) -> Perturbation:
    """A plausible stream with one event skipped, duplicated, moved out of order, or for a
    dossier that does not exist."""
    flux = draw(flux_plausible(policy, max_dossiers).filter(lambda evs: len(evs) >= 2))
    nature = draw(st.sampled_from(("omis", "double", "desordre", "inconnu")))
    i = draw(st.integers(0, len(flux) - 1))
    events = [dict(e) for e in flux]
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
    return Perturbation(events, nature, i, flux)
