"""The alert rules of a dispositif on its sheet: when each is raised, in words, with its values."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from parcours.policies.alerts import Alerte, ConditionAlerte
from parcours.policies.display import format_value
from parcours.policies.schema import Policy
from parcours.policies.values import Param
from parcours.sheet._values import Notes, Valeur, valeurs
from parcours.vocabulary import LIBELLES_EVENEMENTS, libelle_echeance

__all__ = ["RegleAlerte", "alertes_du_dispositif"]


@dataclass(frozen=True)
class RegleAlerte:
    """An alert rule as shown: its name, level, when it is raised, its message and notes."""

    libelle: str
    niveau: str
    quand: str
    message: str
    notes: tuple[int, ...]
    hypothese: bool


_NIVEAUX = {"info": "information", "attention": "attention", "urgent": "urgent"}


def _en_mots(param: Param[Any] | None, notes: Notes, jour: date | None) -> tuple[str, list[Valeur]]:
    """A value of a condition in words (its versions joined), and the versions for their notes."""
    shown = list(valeurs(param, notes, jour))
    if not shown:
        return "?", []
    mots = [v.texte + (f" à partir du {format_value(v.debut)}" if v.debut else "") for v in shown]
    return " ; ".join(mots), shown


def condition(cond: ConditionAlerte, notes: Notes, jour: date | None) -> tuple[str, list[Valeur]]:
    """When a rule is raised, in words, and the values it rests on."""
    if cond.evenements is not None:
        e = cond.evenements
        nombre, v1 = _en_mots(e.nombre, notes, jour)
        dans, v2 = _en_mots(e.dans, notes, jour)
        champs = "".join(f" ({k} : {v})" for k, v in e.champs.items())
        return (
            f"{nombre} × « {LIBELLES_EVENEMENTS.get(e.evenement, e.evenement)} »{champs} en {dans}",
            v1 + v2,
        )
    if cond.echeance is not None:
        c = cond.echeance
        nom = f"« {libelle_echeance(c.nom)} »"
        sauf = (
            ""
            if c.sauf_evenement is None
            else f", sauf si « {LIBELLES_EVENEMENTS[c.sauf_evenement]} » est enregistré"
        )
        if c.dans is not None:
            dans, v = _en_mots(c.dans, notes, jour)
            return f"{dans} avant l'échéance {nom}{sauf}", v
        if c.depassee_de is not None:
            retard, v = _en_mots(c.depassee_de, notes, jour)
            return f"l'échéance {nom} dépassée de {retard}{sauf}", v
        return f"le lendemain de l'échéance {nom}{sauf}", []
    if cond.occupation is not None:
        seuil, v = _en_mots(cond.occupation.seuil, notes, jour)
        return f"les places occupées à {seuil} ou plus", v
    assert cond.duree_parcours is not None
    if cond.duree_parcours.depasse is None:
        return "un parcours plus long que la durée totale maximale du dispositif", []
    duree, v = _en_mots(cond.duree_parcours.depasse, notes, jour)
    return f"un parcours de plus de {duree} depuis le démarrage", v


def _regle(regle: Alerte, ident: str, notes: Notes, jour: date | None) -> RegleAlerte:
    quand, appuis = condition(regle.quand, notes, jour)
    note = notes.ajouter(regle.source, regle.hypothese, regle.raison)
    hypothese = regle.hypothese or any(v.hypothese for v in appuis)
    renvois = ([] if note is None else [note]) + [n for v in appuis for n in v.notes]
    return RegleAlerte(
        regle.libelle or ident,
        _NIVEAUX[regle.niveau],
        quand,
        regle.message,
        tuple(dict.fromkeys(renvois)),
        hypothese,
    )


def alertes_du_dispositif(
    policy: Policy, ident: str, notes: Notes, jour: date | None
) -> tuple[RegleAlerte, ...]:
    """The rules that apply to dispositif ``ident`` (the policy's, replaced by its own of the same id)."""
    regles = policy.dispositif(ident).alertes_effectives(policy.alertes)
    return tuple(
        _regle(regle, cle, notes, jour)
        for cle, regle in regles.items()
        if regle.dispositifs is None or ident in regle.dispositifs
    )
