"""Alert rules of the policy language: what needs a référent's attention, and when.

An alert is declared under ``alertes:`` (for the whole policy, or in a dispositif, where a rule
of the same id replaces the policy's). Each has a French ``message`` template, a ``niveau``
and one condition under ``quand``::

    alertes:
      absences_repetees:
        niveau: attention
        message: "{nombre} absences aux entretiens en {dans}"
        quand:
          evenements: {evenement: entretien, champs: {presence: absent}, nombre: 2, dans: 60 jours}
      entretien_en_retard:
        niveau: urgent
        message: "entretien dû le {echeance}, en retard de {retard} jours"
        quand:
          echeance: {nom: entretien, depassee_de: 15 jours}
      fin_de_cer_sans_bilan:
        niveau: attention
        message: "le CER se termine le {echeance} et aucun bilan n'est prévu"
        quand:
          echeance: {nom: fin_cer, dans: 30 jours, sauf_evenement: bilan}
      occupation_haute:
        niveau: info
        message: "{occupation} des places occupées ({occupees}/{places})"
        quand:
          occupation: {seuil: 95 %}
      parcours_trop_long:
        niveau: attention
        message: "parcours de {duree} mois, au-delà de {limite}"
        quand:
          duree_parcours: {depasse: 9 mois}
"""

from __future__ import annotations

import string
from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from parcours.policies.values import DureeField, Param, Source, Taux
from parcours.vocabulary import PRESENCES, Evenement, NatureEcheance

__all__ = [
    "NIVEAUX",
    "Alerte",
    "ConditionAlerte",
    "ConditionDuree",
    "ConditionEcheance",
    "ConditionEvenements",
    "ConditionOccupation",
    "champs_message",
]

#: Fields of an event a rule may filter on, with their allowed values when they are closed.
CHAMPS: dict[str, tuple[str, ...] | None] = {
    "presence": PRESENCES,
    "motif": None,
    "vers": None,
    "acteur": None,
}
Niveau = Literal["info", "attention", "urgent"]
NIVEAUX: tuple[Niveau, ...] = get_args(Niveau)

# Placeholders each kind of condition fills in its message.
_COMMON = {"dossier", "dispositif", "date", "alerte"}
PLACEHOLDERS: dict[str, set[str]] = {
    "evenements": _COMMON | {"nombre", "dans", "evenement"},
    "echeance": _COMMON | {"echeance", "retard", "reste", "nom"},
    "occupation": {"dispositif", "date", "alerte", "occupation", "occupees", "places", "seuil"},
    "duree_parcours": _COMMON | {"duree", "limite", "depuis"},
}


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


def champs_message(message: str) -> set[str]:
    """The ``{champs}`` of a message template; a ValueError (French) when it is malformed."""
    try:
        fields = [name for _, name, _, _ in string.Formatter().parse(message) if name is not None]
    except ValueError as exc:
        raise ValueError(f"modèle de message invalide : {exc}") from None
    if any(not name.isidentifier() for name in fields):
        raise ValueError("modèle de message invalide : {…} doit contenir un nom simple")
    return {name for name in fields if name}


class ConditionEvenements(_Model):
    """``nombre`` events of a kind (with some field values) within ``dans``."""

    evenement: Evenement
    champs: dict[Literal["presence", "motif", "vers", "acteur"], str] = Field(
        default_factory=dict, description="valeurs que l'événement doit porter"
    )
    nombre: Param[int] = Field(description="combien d'événements")
    dans: Param[DureeField] = Field(description="fenêtre glissante")

    @model_validator(mode="after")
    def _values(self) -> ConditionEvenements:
        for field, value in self.champs.items():
            allowed = CHAMPS[field]
            if allowed is not None and value not in allowed:
                raise ValueError(
                    f"champs.{field} : « {value} » n'est pas une valeur permise "
                    f"(attendu : {' ou '.join(allowed)})"
                )
        return self


class ConditionEcheance(_Model):
    """A deadline passed by ``depassee_de`` (0 jours if absent), or coming ``dans`` a delay."""

    nom: NatureEcheance
    depassee_de: Param[DureeField] | None = Field(None, description="tolérance après l'échéance")
    dans: Param[DureeField] | None = Field(None, description="alerte avant l'échéance")
    sauf_evenement: Evenement | None = Field(
        None, description="pas d'alerte si cet événement est déjà enregistré pour la période"
    )

    @model_validator(mode="after")
    def _one_side(self) -> ConditionEcheance:
        if self.depassee_de is not None and self.dans is not None:
            raise ValueError("indiquez soit « depassee_de », soit « dans », pas les deux")
        return self


class ConditionOccupation(_Model):
    """The occupancy of a dispositif's places at or above ``seuil``."""

    seuil: Param[Taux]


class ConditionDuree(_Model):
    """A parcours (from démarrage) longer than ``depasse``, or than the policy's maximum."""

    depasse: Param[DureeField] | None = Field(
        None, description="durée au-delà de laquelle alerter (absent : duree.maximum du dispositif)"
    )


class ConditionAlerte(_Model):
    """Exactly one kind of condition."""

    evenements: ConditionEvenements | None = None
    echeance: ConditionEcheance | None = None
    occupation: ConditionOccupation | None = None
    duree_parcours: ConditionDuree | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> ConditionAlerte:
        given = [name for name in type(self).model_fields if getattr(self, name) is not None]
        if len(given) != 1:
            raise ValueError(
                "une condition et une seule (attendu : evenements, echeance, occupation ou duree_parcours)"
            )
        return self

    @property
    def kind(self) -> str:
        return next(name for name in type(self).model_fields if getattr(self, name) is not None)


class Alerte(_Model):
    """A declared alert rule."""

    libelle: str | None = None
    niveau: Niveau
    message: str = Field(description="texte de l'alerte ; {champs} remplacés (ex. {echeance})")
    quand: ConditionAlerte
    dispositifs: tuple[str, ...] | None = Field(
        None, description="limiter la règle à ces dispositifs (absent : tous)"
    )
    actif: bool = Field(True, description="false : désactiver une règle héritée")
    source: Source | None = None
    hypothese: bool = False
    raison: str | None = None

    @field_validator("message")
    @classmethod
    def _template(cls, message: str) -> str:
        champs_message(message)
        return message

    @model_validator(mode="after")
    def _known_placeholders(self) -> Alerte:
        allowed = PLACEHOLDERS[self.quand.kind]
        names = champs_message(self.message)
        unknown = sorted(names - allowed)
        if unknown:
            raise ValueError(
                f"message : champ {{{unknown[0]}}} inconnu pour une condition {self.quand.kind} "
                f"(attendu : {', '.join('{' + n + '}' for n in sorted(allowed))})"
            )
        return self
