"""The rules of a dispositif in force on a date: the one compiled reading of a policy.

Every part of parcours that applies a policy reads its values here: the engine and its
deadlines, ``expliquer``, the alert rules, the simulator's kernel, the reports and
``parcours afficher --date``. None of them reads a dated value of the model on its own.

The dating rule
---------------
A dispositif **opens** on its ``convention.debut`` when it declares a convention (the
earliest start, when the convention is dated), otherwise on the earliest date of effect of
its values; a dispositif with no dated value has always been open. It **closes** after the
``convention.fin`` in force, when there is one. A dossier enters a dispositif, and an
accompaniment starts, only while it is open; the dossiers already in it go on after it closes.

A value whose first date of effect is later than the opening is **absent** before that date
(no maximum duration, no interview rhythm, no limit of places...), exactly as ``parcours
diff`` shows it: « (absent) ». The loader checks, with file:line, that every value the
language requires once its block is written (``rythme_entretiens.intervalle_max``,
``veille.duree``, ``convention.debut``...) is in force at the opening
(:func:`problemes_ouverture`).

The windows
-----------
The dates where some value of the dispositif changes cut the time from the opening into
windows; :class:`Regles` holds the values of one window as plain attributes, compiled once,
and :meth:`ReglesDatees.au` finds the window of a date by bisection.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from pydantic import BaseModel

from parcours._french import format_date
from parcours.errors import Problem
from parcours.policies.durations import Duree
from parcours.policies.schema import Dispositif, Policy
from parcours.policies.values import Param, Version
from parcours.policies.versions import iter_params
from parcours.vocabulary import Etape

__all__ = [
    "CHEMINS",
    "Regles",
    "ReglesDatees",
    "ouverture",
    "problemes_ouverture",
    "regles_datees",
]

#: The attribute of :class:`Regles` for each dated value of a dispositif (its key path).
CHEMINS: dict[str, str] = {
    "places": "capacite.places",
    "etp": "capacite.etp",
    "portefeuille": "capacite.portefeuille_par_etp",
    "cer": "duree.cer",
    "renouvellements_max": "duree.renouvellements_max",
    "maximum": "duree.maximum",
    "rythme": "rythme_entretiens.intervalle_max",
    "rythme_demarrage": "rythme_entretiens.au_demarrage.intervalle_max",
    "pendant": "rythme_entretiens.au_demarrage.pendant",
    "veille": "veille.duree",
    "convention_debut": "convention.debut",
    "convention_fin": "convention.fin",
}
# Parts of a dispositif that are not rules: figures kept for calibration and comparison.
_HORS_REGLES = ("observations",)


def _param(dispositif: Dispositif, chemin: str) -> Param[Any] | None:
    node: Any = dispositif
    for part in chemin.split("."):
        node = getattr(node, part, None)
        if node is None:
            return None
    return node if isinstance(node, Param) else None


@dataclass(frozen=True, slots=True)
class Regles:
    """The values of one dispositif in force from ``debut`` (``None``: from always) to ``fin``.

    Each attribute of :data:`CHEMINS` is the value in force, or ``None`` when the policy
    does not set it (or not yet). ``versions`` holds the version read for each of them
    (its source, its file:line), for explanations.
    """

    dispositif: str
    debut: date | None
    fin: date | None  # first day of the next window (None: the last window)
    places: int | None
    si_complet: Literal["attente", "refus"]
    etp: float | None
    portefeuille: int | None
    cer: Duree | None
    renouvellements_max: int | None
    maximum: Duree | None
    rythme: Duree | None
    rythme_demarrage: Duree | None
    pendant: Duree | None
    veille: Duree | None
    veille_motifs: frozenset[str]
    convention_debut: date | None
    convention_fin: date | None
    delais: dict[Etape, Duree]
    objectifs: dict[str, float]  # expected rate of each ``resultats_attendus``
    motifs: frozenset[str]
    versions: dict[str, Version[Any]] = field(repr=False)

    def prochain_entretien(self, jour: date, debut: date) -> date | None:
        """When the next interview is due after one on ``jour`` (accompaniment begun ``debut``).

        The stricter ``au_demarrage`` rhythm applies while ``jour`` is within its ``pendant``
        from the démarrage.
        """
        if (
            self.rythme_demarrage is not None
            and self.pendant is not None
            and jour < self.pendant.ajouter(debut)
        ):
            return self.rythme_demarrage.ajouter(jour)
        return None if self.rythme is None else self.rythme.ajouter(jour)

    def prochain_entretien_jours(self, jours: Any, debuts: Any) -> Any:
        """:meth:`prochain_entretien` for arrays of day ordinals (numpy): the ordinal of the
        next interview due after one on each ``jours`` (accompaniment begun ``debuts``), -1
        where none is due. Each date comes from ``Duree.ajouter``, as in the scalar method."""
        import numpy as np

        jours = np.asarray(jours, dtype=np.int64)
        if self.rythme is None:
            out = np.full(jours.shape, -1, dtype=np.int64)
        else:
            out = self.rythme.ajouter_jours(jours)
        if self.rythme_demarrage is not None and self.pendant is not None and jours.size:
            debut_strict = jours < self.pendant.ajouter_jours(debuts)
            out = np.where(debut_strict, self.rythme_demarrage.ajouter_jours(jours), out)
        return out

    def valeur(self, attribut: str) -> Any:
        """The value of an attribute of :data:`CHEMINS` (``None``: absent)."""
        return getattr(self, attribut)


def ouverture(dispositif: Dispositif) -> date | None:
    """The day ``dispositif`` opens (see the module docstring); ``None``: always open."""
    conv = dispositif.convention
    if conv is not None and conv.debut.versions:
        return min(v.valeur for v in conv.debut.versions)
    premieres = [
        p.versions[0].debut
        for chemin, p in iter_params(dispositif)
        if chemin[0] not in _HORS_REGLES and p.versions and p.versions[0].debut is not None
    ]
    return min(premieres, default=None)


def _dates(dispositif: Dispositif) -> tuple[date, ...]:
    found: set[date] = set()
    for chemin, param in iter_params(dispositif):
        if chemin[0] not in _HORS_REGLES:
            found.update(param.dates)
    return tuple(sorted(found))


def _compiler(ident: str, dispositif: Dispositif, debut: date | None, fin: date | None) -> Regles:
    jour = debut if debut is not None else date.min
    versions: dict[str, Version[Any]] = {}
    valeurs: dict[str, Any] = {}
    for attribut, chemin in CHEMINS.items():
        param = _param(dispositif, chemin)
        version = None if param is None else param.version_au(jour)
        valeurs[attribut] = None if version is None else version.valeur
        if version is not None:
            versions[chemin] = version
    delais: dict[Etape, Duree] = {}
    for etape, param in dispositif.delais_max.items():
        version = param.version_au(jour)
        if version is not None:
            delais[etape] = version.valeur
            versions[f"delais_max.{etape}"] = version
    objectifs: dict[str, float] = {}
    for cle, objectif in dispositif.resultats_attendus.items():
        version = objectif.taux.version_au(jour)
        if version is not None:
            objectifs[cle] = version.valeur
            versions[f"resultats_attendus.{cle}.taux"] = version
    veille = dispositif.veille
    if veille is None:
        veille_motifs: frozenset[str] = frozenset()
    elif veille.motifs is not None:
        veille_motifs = frozenset(veille.motifs)
    else:
        veille_motifs = frozenset(k for k, m in dispositif.motifs_sortie.items() if m.emploi)
    return Regles(
        dispositif=ident,
        debut=debut,
        fin=fin,
        si_complet=dispositif.capacite.si_complet,
        veille_motifs=veille_motifs,
        delais=delais,
        objectifs=objectifs,
        motifs=frozenset(dispositif.motifs_sortie),
        versions=versions,
        **valeurs,
    )


class ReglesDatees:
    """A dispositif's rules over time: its opening, its windows, and which is in force when."""

    __slots__ = ("dates", "dispositif", "fenetres", "ident", "ouverture")

    def __init__(self, ident: str, dispositif: Dispositif) -> None:
        self.ident = ident
        self.dispositif = dispositif
        self.ouverture: date | None = ouverture(dispositif)
        debut = self.ouverture
        #: the first day of each window after the first one
        self.dates: tuple[date, ...] = tuple(d for d in _dates(dispositif) if debut is None or d > debut)
        bornes: list[date | None] = [debut, *self.dates]
        self.fenetres: tuple[Regles, ...] = tuple(
            _compiler(ident, dispositif, b, bornes[i + 1] if i + 1 < len(bornes) else None)
            for i, b in enumerate(bornes)
        )

    def au(self, jour: date) -> Regles | None:
        """The rules in force on ``jour``; ``None`` before the opening."""
        if self.ouverture is not None and jour < self.ouverture:
            return None
        return self.fenetres[bisect_right(self.dates, jour)]

    def ouvert(self, jour: date) -> bool:
        """Whether a dossier may enter, and an accompaniment start, on ``jour``."""
        regles = self.au(jour)
        if regles is None:
            return False
        if regles.convention_debut is not None and jour < regles.convention_debut:
            return False
        return regles.convention_fin is None or jour <= regles.convention_fin

    def fermeture(self, jour: date) -> str:
        """Why the dispositif is not open on ``jour`` (French), for refusals."""
        regles = self.au(jour)
        if regles is None:
            assert self.ouverture is not None
            return f"le dispositif « {self.ident} » ouvre le {format_date(self.ouverture)}"
        if regles.convention_debut is not None and jour < regles.convention_debut:
            return (
                f"la convention du dispositif « {self.ident} » commence le "
                f"{format_date(regles.convention_debut)} (convention.debut)"
            )
        assert regles.convention_fin is not None
        return (
            f"la convention du dispositif « {self.ident} » a pris fin le "
            f"{format_date(regles.convention_fin)} (convention.fin)"
        )

    def __iter__(self) -> Iterator[Regles]:
        return iter(self.fenetres)


def regles_datees(policy: Policy, ident: str) -> ReglesDatees:
    """The compiled rules of dispositif ``ident`` (a PolicyError when it is unknown)."""
    return ReglesDatees(ident, policy.dispositif(ident))


# --- the check at load ---------------------------------------------------------------------


def _requis(node: Any, chemin: tuple[str, ...]) -> Iterator[tuple[tuple[str, ...], Param[Any]]]:
    """Every value the language requires once its block is written, with its key path."""
    if isinstance(node, BaseModel):
        for name, info in type(node).model_fields.items():
            value = getattr(node, name)
            if isinstance(value, Param):
                if info.is_required():
                    yield (*chemin, name), value
            elif value is not None and name not in _HORS_REGLES and name != "alertes":
                yield from _requis(value, (*chemin, name))
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from _requis(value, (*chemin, str(key)))


def _iso(jour: date | None) -> str:
    return "?" if jour is None else jour.isoformat()


def problemes_ouverture(policy: Policy) -> list[Problem]:
    """A problem for each required value not in force when its dispositif opens."""
    problems: list[Problem] = []
    for ident, dispositif in policy.dispositifs.items():
        jour = ouverture(dispositif)
        if jour is None:
            continue
        for chemin, param in _requis(dispositif, ()):
            if param.version_au(jour) is not None:
                continue
            premiere = param.versions[0]
            where = premiere.origine
            problems.append(
                Problem(
                    f"aucune valeur en vigueur à l'ouverture du dispositif ({jour.isoformat()}) ; "
                    f"la première date d'effet est le {_iso(premiere.debut)}",
                    fichier=where.fichier if where else policy.fichier,
                    ligne=where.ligne if where else None,
                    colonne=where.colonne if where else None,
                    chemin=".".join(("dispositifs", ident, *chemin)),
                    attendu="une valeur sans date, ou datée au plus tard de l'ouverture",
                )
            )
    return problems
