"""Compile a dispositif's alert rules into one durable_rules ruleset (JSON definitions).

Facts the engine asserts (all in the default sid, each with a unique ``id``, see _hote.py):

``{"t": "ev", "regle": "R#v", "dossier": d, "e": <event>, <champs>...}``
    an event of the kind rule R looks at, tagged with the version ``v`` of ``nombre`` in
    force on its date (asserted, retracted): the rule's fields say whether it counts.
``{"t": "cpt", "regle": "R#v", "dossier": d, "n": n}``
    ``n`` counted events of the dossier are in the window of ``R#v`` (asserted, retracted).
``{"t": "ech", "regle": R, "dossier": d, "cle": k}``
    the dossier's current deadline for rule R (``k`` changes with each new deadline value).
``{"t": "tic", "regle": R, "dossier": d, "cle": k}``
    the engine's clock reached the day rule R fires for deadline ``k`` (asserted, retracted).
``{"t": "sauf", "regle": R, "dossier": d}``
    the event that cancels rule R (``sauf_evenement``) is recorded for the current deadline.
``{"t": "occ", "regle": R, "v": v, "taux": x}``
    the occupancy of the dispositif changed (asserted, retracted); ``occ_haute`` marks that
    rule R has fired and occupancy has not gone back under its threshold since.

Rules, by kind of condition (``nombre`` and ``seuil`` may change with the date: one durable
rule per version, ``R#v``):

``evenements``      ``R#v:compte``: an ``ev`` fact of ``R#v`` with the kind and ``champs``
                    (the event counts); ``R#v``: a ``cpt`` fact of ``R#v`` with
                    ``n == nombre`` (the alert fires; the engine empties the window)
``echeance``,       ``ech`` joined with ``tic`` on ``dossier`` and ``cle``, and no ``sauf``
``duree_parcours``  of that dossier when the rule has ``sauf_evenement``
``occupation``      an ``occ`` fact with ``taux >= seuil`` and no ``occ_haute`` (rises); an
                    ``occ`` fact with ``taux < seuil`` and an ``occ_haute`` (falls back)

Only equality joins between facts: durable_rules 2.0.28 crashes on ``$gt`` references between
facts in any ruleset but the first of a process. Time is never in a rule's condition: the
engine asserts ``tic`` facts and drops expired events from the window as its clock moves.

Counting is not a join of ``nombre`` patterns: such a join builds every ordering of the
events (``nombre: 8`` did not finish in two minutes), and its action had to retract facts
from inside the C engine's dispatch, which crashed the process once in the intensive
invariant run. The window is kept by the engine; durable_rules decides with one pattern.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from parcours.policies.alerts import Alerte
from parcours.policies.schema import Policy
from parcours.policies.values import Param

__all__ = ["Programme", "RegleCompilee", "compiler_dispositif", "version_index"]


def version_index(param: Param[Any], jour: date) -> int | None:
    """The index of the version of ``param`` in force on ``jour`` (None: none yet)."""
    found: int | None = None
    for index, version in enumerate(param.versions):
        if version.debut is None or version.debut <= jour:
            found = index
        else:
            break
    return found


@dataclass(frozen=True)
class RegleCompilee:
    """One alert rule of a dispositif, with where it is written."""

    ident: str
    alerte: Alerte
    origine: str

    @property
    def kind(self) -> str:
        return self.alerte.quand.kind


@dataclass
class Programme:
    """The compiled alert rules of one dispositif: durable definitions and lookup tables."""

    dispositif: str
    regles: dict[str, RegleCompilee] = field(default_factory=dict)
    #: durable rule name → its JSON condition (``{"all": [...]}``, without ``run``)
    definitions: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: durable rule name → (rule id, kind of firing: ev, ech, occ, occ_basse)
    actions: dict[str, tuple[str, str]] = field(default_factory=dict)
    par_evenement: dict[str, list[RegleCompilee]] = field(default_factory=dict)
    echeances: list[RegleCompilee] = field(default_factory=list)
    occupation: list[RegleCompilee] = field(default_factory=list)
    #: event name → deadline rules it cancels (``sauf_evenement``)
    sauf: dict[str, list[RegleCompilee]] = field(default_factory=dict)

    @property
    def vide(self) -> bool:
        return not self.regles


def _et(*conditions: dict[str, Any]) -> dict[str, Any]:
    return {"$and": list(conditions)}


def _evenements(regle: RegleCompilee, programme: Programme) -> None:
    cond = regle.alerte.quand.evenements
    assert cond is not None
    champs: list[dict[str, Any]] = [{"e": cond.evenement}]
    champs.extend({k: v} for k, v in sorted(cond.champs.items()))
    for index, version in enumerate(cond.nombre.versions):
        nom = f"{regle.ident}#{index}"
        programme.definitions[f"{nom}:compte"] = {"all": [{"e": _et({"t": "ev"}, {"regle": nom}, *champs)}]}
        programme.actions[f"{nom}:compte"] = (regle.ident, "ev_compte")
        seuil = max(1, version.valeur)
        programme.definitions[nom] = {"all": [{"c": _et({"t": "cpt"}, {"regle": nom}, {"n": seuil})}]}
        programme.actions[nom] = (regle.ident, "ev")
    programme.par_evenement.setdefault(cond.evenement, []).append(regle)


def _echeance(regle: RegleCompilee, programme: Programme) -> None:
    ident = regle.ident
    motifs: list[dict[str, Any]] = [
        {"e": _et({"t": "ech"}, {"regle": ident})},
        {"h": _et({"t": "tic"}, {"regle": ident}, {"dossier": {"e": "dossier"}}, {"cle": {"e": "cle"}})},
    ]
    cond = regle.alerte.quand.echeance
    if cond is not None and cond.sauf_evenement is not None:
        motifs.append({"m_2$not": _et({"t": "sauf"}, {"regle": ident}, {"dossier": {"e": "dossier"}})})
        programme.sauf.setdefault(cond.sauf_evenement, []).append(regle)
    programme.definitions[ident] = {"all": motifs}
    programme.actions[ident] = (ident, "ech")
    programme.echeances.append(regle)


def _occupation(regle: RegleCompilee, programme: Programme) -> None:
    cond = regle.alerte.quand.occupation
    assert cond is not None
    ident = regle.ident
    haute = _et({"t": "occ_haute"}, {"regle": ident})
    for index, version in enumerate(cond.seuil.versions):
        occ = ({"t": "occ"}, {"regle": ident}, {"v": index})
        monte = f"{ident}#{index}"
        programme.definitions[monte] = {
            "all": [{"o": _et(*occ, {"$gte": {"taux": version.valeur}})}, {"m_1$not": haute}]
        }
        programme.actions[monte] = (ident, "occ")
        baisse = f"{ident}#{index}:baisse"
        programme.definitions[baisse] = {
            "all": [{"o": _et(*occ, {"$lt": {"taux": version.valeur}})}, {"h": haute}]
        }
        programme.actions[baisse] = (ident, "occ_basse")
    programme.occupation.append(regle)


_COMPILERS = {
    "evenements": _evenements,
    "echeance": _echeance,
    "duree_parcours": _echeance,
    "occupation": _occupation,
}


def origine(policy: Policy, dispositif: str, ident: str) -> str:
    """The file:line where rule ``ident`` is written (in the dispositif, or for the policy)."""
    positions = policy.positions
    for chemin in (f"dispositifs.{dispositif}.alertes.{ident}", f"alertes.{ident}"):
        if chemin in positions:
            return positions[chemin]
    return policy.fichier or policy.nom


def compiler_dispositif(policy: Policy, dispositif: str) -> Programme:
    """The alert rules that apply to ``dispositif``, compiled (its own replace the policy's)."""
    disp = policy.dispositif(dispositif)
    programme = Programme(dispositif)
    for ident, alerte in sorted(disp.alertes_effectives(policy.alertes).items()):
        if alerte.dispositifs is not None and dispositif not in alerte.dispositifs:
            continue
        regle = RegleCompilee(ident, alerte, origine(policy, dispositif, ident))
        programme.regles[ident] = regle
        _COMPILERS[regle.kind](regle, programme)
    return programme
