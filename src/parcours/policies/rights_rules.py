"""The national rules in force on a date: the one compiled reading of ``droits_devoirs``.

The engine's droits et devoirs track (its guards, deadlines and ``expliquer``), its alerts,
the reports' national indicators and the simulator read the national layer here, never from
the model. As for a dispositif (rules.py), the dates where some national value changes cut
the time into windows; :class:`ReglesDroits` holds one window's values as plain attributes,
``None`` when the texts set none then (the orientation delay before 2025, the minimum rate
of a sanction before 1 June 2025...), and :meth:`ReglesDroitsDatees.au` finds the window
of a date.

Which date a value is read on is the engine's rule, written where it is applied: the
orientation delay on the day the right opens, the contract delay on the day of the
orientation, the re-examination delay on the day the contract is signed or revised, the
bounds of a sanction on the day of the breach it sanctions.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from parcours.policies.durations import Duree
from parcours.policies.rights import BornesSanction, DroitsDevoirs
from parcours.policies.schema import Policy
from parcours.policies.values import Param, Version
from parcours.policies.versions import iter_params

__all__ = ["CHEMINS_DROITS", "Bornes", "ReglesDroits", "ReglesDroitsDatees", "regles_droits"]

#: The attribute of :class:`ReglesDroits` for each dated national value (its key path under
#: ``droits_devoirs``); the contract delay by parcours is ``contrat.delai.<parcours>``.
CHEMINS_DROITS: dict[str, str] = {
    "orientation_delai": "orientation.delai",
    "sans_delai": "contrat.sans_delai",
    "heures_minimum": "contrat.heures_minimum",
    "heures_maximum": "contrat.heures_maximum",
    "transition_reforme": "contrat.transition.reforme",
    "transition_delai": "contrat.transition.delai",
    "reexamen_parcours": "reexamen.parcours",
    "reexamen_delai": "reexamen.delai",
    "reexamen_delai_difficultes": "reexamen.delai_difficultes",
    "taux_minimum": "sanction.taux_minimum",
    "taux_maximum_foyer": "sanction.taux_maximum_foyer",
    "fenetre_repetition": "sanction.fenetre_repetition",
}
_BORNES = ("premier_manquement", "repetition")


@dataclass(frozen=True, slots=True)
class Bornes:
    """The bounds of a sanction (first breach, or repeated), ``None`` where none is set."""

    taux_maximum: float | None
    mois_minimum: int | None
    mois_maximum: int | None


@dataclass(frozen=True, slots=True)
class ReglesDroits:
    """The national values in force from ``debut`` (None: from always) to ``fin`` (excluded)."""

    debut: date | None
    fin: date | None
    orientation_delai: Duree | None
    contrat_delais: dict[str, Duree]
    sans_delai: frozenset[str]
    heures_minimum: float | None
    heures_maximum: float | None
    transition_reforme: date | None
    transition_delai: Duree | None
    reexamen_parcours: frozenset[str]
    reexamen_delai: Duree | None
    reexamen_delai_difficultes: Duree | None
    taux_minimum: float | None
    taux_maximum_foyer: float | None
    fenetre_repetition: Duree | None
    premier_manquement: Bornes
    repetition: Bornes
    #: the version read for each value, by its key path under ``droits_devoirs`` (explanations)
    versions: dict[str, Version[Any]] = field(repr=False)

    def delai_contrat(self, parcours: str | None, organisme: str | None) -> Duree | None:
        """The delay to sign the contract after an orientation (None: no delay is set)."""
        if parcours is None or (organisme is not None and organisme in self.sans_delai):
            return None
        return self.contrat_delais.get(parcours)

    def delai_reexamen(self, difficultes: bool) -> Duree | None:
        return self.reexamen_delai_difficultes if difficultes else self.reexamen_delai

    def chemin_reexamen(self, difficultes: bool) -> str:
        return CHEMINS_DROITS["reexamen_delai_difficultes" if difficultes else "reexamen_delai"]


def _valeur(param: Param[Any] | None, jour: date, chemin: str, versions: dict[str, Version[Any]]) -> Any:
    version = None if param is None else param.version_au(jour)
    if version is None:
        return None
    versions[chemin] = version
    return version.valeur


def _noeud(block: DroitsDevoirs, chemin: str) -> Param[Any] | None:
    node: Any = block
    for part in chemin.split("."):
        node = getattr(node, part, None)
        if node is None:
            return None
    return node if isinstance(node, Param) else None


def _bornes(bornes: BornesSanction, prefixe: str, jour: date, versions: dict[str, Version[Any]]) -> Bornes:
    return Bornes(
        taux_maximum=_valeur(bornes.taux_maximum, jour, f"{prefixe}.taux_maximum", versions),
        mois_minimum=_valeur(bornes.mois_minimum, jour, f"{prefixe}.mois_minimum", versions),
        mois_maximum=_valeur(bornes.mois_maximum, jour, f"{prefixe}.mois_maximum", versions),
    )


def _compiler(block: DroitsDevoirs, debut: date | None, fin: date | None) -> ReglesDroits:
    jour = debut if debut is not None else date.min
    versions: dict[str, Version[Any]] = {}
    valeurs = {
        attribut: _valeur(_noeud(block, chemin), jour, chemin, versions)
        for attribut, chemin in CHEMINS_DROITS.items()
    }
    delais: dict[str, Duree] = {}
    for parcours, param in block.contrat.delai.items():
        duree = _valeur(param, jour, f"contrat.delai.{parcours}", versions)
        if duree is not None:
            delais[parcours] = duree
    sanction = block.sanction
    return ReglesDroits(
        debut=debut,
        fin=fin,
        orientation_delai=valeurs["orientation_delai"],
        contrat_delais=delais,
        sans_delai=frozenset(valeurs["sans_delai"] or ()),
        heures_minimum=valeurs["heures_minimum"],
        heures_maximum=valeurs["heures_maximum"],
        transition_reforme=valeurs["transition_reforme"],
        transition_delai=valeurs["transition_delai"],
        reexamen_parcours=frozenset(valeurs["reexamen_parcours"] or ()),
        reexamen_delai=valeurs["reexamen_delai"],
        reexamen_delai_difficultes=valeurs["reexamen_delai_difficultes"],
        taux_minimum=valeurs["taux_minimum"],
        taux_maximum_foyer=valeurs["taux_maximum_foyer"],
        fenetre_repetition=valeurs["fenetre_repetition"],
        premier_manquement=_bornes(
            sanction.premier_manquement, "sanction.premier_manquement", jour, versions
        ),
        repetition=_bornes(sanction.repetition, "sanction.repetition", jour, versions),
        versions=versions,
    )


class ReglesDroitsDatees:
    """The national layer over time, and the words it knows (organismes, dispenses...).

    ``organismes`` are the layer's organismes, the département's delegates and the policy's
    dispositifs (an orientation may name the dispositif whose operator accompanies).
    """

    __slots__ = (
        "bloc",
        "dates",
        "difficultes",
        "dispenses",
        "dispositifs",
        "fenetres",
        "natures",
        "organismes",
    )

    def __init__(self, bloc: DroitsDevoirs, dispositifs: Mapping[str, object] = {}) -> None:
        self.bloc = bloc
        found: set[date] = set()
        for _, param in iter_params(bloc):
            found.update(param.dates)
        #: the first day of each window after the first one
        self.dates: tuple[date, ...] = tuple(sorted(found))
        bornes: list[date | None] = [None, *self.dates]
        self.fenetres: tuple[ReglesDroits, ...] = tuple(
            _compiler(bloc, b, bornes[i + 1] if i + 1 < len(bornes) else None) for i, b in enumerate(bornes)
        )
        self.dispositifs: frozenset[str] = frozenset(dispositifs or ())
        self.organismes: frozenset[str] = frozenset(bloc.organismes) | self.dispositifs
        #: each dispense motif → whether it allows a plan with no weekly hours at all
        self.dispenses: dict[str, bool] = {k: d.sans_heures for k, d in bloc.contrat.dispenses.items()}
        self.difficultes: frozenset[str] = frozenset(bloc.reexamen.difficultes)
        self.natures: dict[str, str] = {k: n.libelle for k, n in bloc.sanction.natures.items()}

    def au(self, jour: date) -> ReglesDroits:
        """The national values in force on ``jour``."""
        return self.fenetres[bisect_right(self.dates, jour)]

    def __iter__(self) -> Iterator[ReglesDroits]:
        return iter(self.fenetres)


def regles_droits(policy: Policy) -> ReglesDroitsDatees | None:
    """The compiled national layer of ``policy`` (None: the policy has none)."""
    bloc = policy.droits_devoirs
    if bloc is None:
        return None
    return ReglesDroitsDatees(bloc, policy.dispositifs)
