"""A dispositif's rules in force over one version window, as plain values for the hot path.

Compiling reads the pydantic policy once per (dispositif, window); applying an event then
touches only these slots. Date arithmetic is memoised per duration (``_Plus``): the same
days come back again and again, and sharing the resulting ``date`` objects also keeps the
dossiers small.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal, TypeVar

from transitions import Machine

from parcours.policies.durations import Duree
from parcours.policies.schema import Dispositif
from parcours.policies.values import Param

__all__ = ["Regles", "compiler"]

T = TypeVar("T")
_MEMO_MAX = 200_000


class _Plus:
    """``jour + duree``, memoised."""

    __slots__ = ("_memo", "duree")

    def __init__(self, duree: Duree) -> None:
        self.duree = duree
        self._memo: dict[date, date] = {}

    def __call__(self, jour: date) -> date:
        found = self._memo.get(jour)
        if found is None:
            found = self.duree.ajouter(jour)
            if len(self._memo) < _MEMO_MAX:
                self._memo[jour] = found
        return found


class _Lecteur:
    """Reads the values in force on a date and notes the ones declared but not yet in force."""

    def __init__(self, jour: date) -> None:
        self.jour = jour
        self.manquants: list[str] = []

    def value(self, param: Param[T] | None, nom: str) -> T | None:
        if param is None:
            return None
        version = param.version_au(self.jour)
        if version is None:
            self.manquants.append(nom)
            return None
        return version.valeur

    def plus(self, param: Param[Any] | None, nom: str) -> _Plus | None:
        duree = self.value(param, nom)
        return None if duree is None else _Plus(duree)


class Regles:
    """The values of one dispositif in force from ``debut`` (``None``: its first window)."""

    __slots__ = (
        "cer",
        "convention_fin",
        "debut",
        "dispositif",
        "etp",
        "machine",
        "manquants",
        "maximum",
        "motifs",
        "pendant",
        "permis",
        "places",
        "portefeuille",
        "renouvellements_max",
        "rythme",
        "rythme_demarrage",
        "si_complet",
        "suivant",
        "veille",
        "veille_motifs",
    )

    def __init__(
        self,
        dispositif: Dispositif,
        debut: date | None,
        machine: Machine,
        permis: dict[str, tuple[str, ...]],
    ) -> None:
        lire = _Lecteur(debut if debut is not None else date.min)
        self.debut = debut
        self.dispositif = dispositif
        self.machine = machine
        self.permis = permis
        self.suivant: dict[str, dict[str, str | None]] = {
            nom: {source: trs[0].dest for source, trs in event.transitions.items() if trs}
            for nom, event in machine.events.items()
        }
        cap = dispositif.capacite
        self.places: int | None = lire.value(cap.places, "capacite.places")
        self.si_complet: Literal["attente", "refus"] = cap.si_complet
        self.etp: float | None = lire.value(cap.etp, "capacite.etp")
        self.portefeuille: int | None = lire.value(cap.portefeuille_par_etp, "capacite.portefeuille_par_etp")
        duree = dispositif.duree
        self.cer = lire.plus(duree.cer, "duree.cer")
        self.renouvellements_max: int | None = lire.value(
            duree.renouvellements_max, "duree.renouvellements_max"
        )
        self.maximum = lire.plus(duree.maximum, "duree.maximum")
        rythme = dispositif.rythme_entretiens
        self.rythme = (
            None if rythme is None else lire.plus(rythme.intervalle_max, "rythme_entretiens.intervalle_max")
        )
        dem = None if rythme is None else rythme.au_demarrage
        self.rythme_demarrage = (
            None
            if dem is None
            else lire.plus(dem.intervalle_max, "rythme_entretiens.au_demarrage.intervalle_max")
        )
        self.pendant = (
            None if dem is None else lire.plus(dem.pendant, "rythme_entretiens.au_demarrage.pendant")
        )
        self.motifs: frozenset[str] = frozenset(dispositif.motifs_sortie)
        veille = dispositif.veille
        self.veille = None if veille is None else lire.plus(veille.duree, "veille.duree")
        if veille is None:
            self.veille_motifs: frozenset[str] = frozenset()
        elif veille.motifs is not None:
            self.veille_motifs = frozenset(veille.motifs)
        else:
            self.veille_motifs = frozenset(k for k, m in dispositif.motifs_sortie.items() if m.emploi)
        conv = dispositif.convention
        self.convention_fin: date | None = None if conv is None else lire.value(conv.fin, "convention.fin")
        #: values the dispositif declares that are not yet in force in this window: events
        #: dated here cannot be judged and are refused.
        self.manquants: tuple[str, ...] = tuple(lire.manquants)

    def prochain_entretien(self, jour: date, debut: date) -> date | None:
        """When the next interview is due after one on ``jour`` (accompaniment begun ``debut``)."""
        if self.rythme_demarrage is not None and self.pendant is not None and jour < self.pendant(debut):
            return self.rythme_demarrage(jour)
        return None if self.rythme is None else self.rythme(jour)


def compiler(
    dispositif: Dispositif, debut: date | None, machine: Machine, permis: dict[str, tuple[str, ...]]
) -> Regles:
    """Compile the values of ``dispositif`` in force from ``debut``."""
    return Regles(dispositif, debut, machine, permis)
