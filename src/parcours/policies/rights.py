"""The national layer of the policy language: the droits et devoirs of RSA beneficiaries.

A policy's ``droits_devoirs`` block holds the rules the national texts set for every
département (loi n° 2023-1196 du 18 décembre 2023 pour le plein emploi, its decrees, and the
former wording of the CASF before them): the orientation delay, the contrat d'engagement
(its delay by parcours, its weekly hours and their dispenses), the re-examination of a
social parcours, the bounds of a sanction. Every value is dated (``2009-06-01``: the former
regime; ``2025-01-01``; ``2025-06-01``) and cites its text and article::

    droits_devoirs:
      orientation:
        delai:
          2025-01-01:
            valeur: 6 semaines
            source: {document: Code de l'action sociale et des familles, section: art. D. 262-65-2}

The bundled layer is ``policies/national/plein_emploi.yaml``; a département inherits it with
``herite`` and may then write under ``droits_devoirs`` only what the texts leave to it
(:data:`MODIFIABLES`: its delegate organismes and its alert rules); the loader refuses any
other key with its file:line. The rules in force on a date are compiled by
:mod:`parcours.policies.rights_rules`.
"""

from __future__ import annotations

from datetime import date
from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, model_validator

from parcours.policies.alerts import Niveau, champs_message
from parcours.policies.values import DureeField, Param, Source, Taux
from parcours.vocabulary import NatureEcheanceDroits, ParcoursOrientation

__all__ = [
    "MODIFIABLES",
    "AlerteDroits",
    "BornesSanction",
    "ConditionDroits",
    "ConditionEcheanceDroits",
    "ConditionHeures",
    "ContratEngagement",
    "Dispense",
    "DroitsDevoirs",
    "Libelle",
    "OrientationDroits",
    "ReexamenSocial",
    "SanctionDroits",
    "TransitionContrat",
]

#: What a policy that inherits a ``droits_devoirs`` block may write under it: the texts leave
#: to the département its delegate organismes (C. trav. L. 5411-5-1 IV) and its own alerts.
MODIFIABLES: tuple[str, ...] = ("organismes", "alertes")
GenreAlerteDroits = Literal["echeance", "heures_sous_contrat"]
_COMMUNS = {"dossier", "dispositif", "date", "alerte"}
#: The fields each kind of national alert condition fills in its message.
CHAMPS_DROITS: dict[str, set[str]] = {
    "echeance": _COMMUNS | {"echeance", "retard", "reste", "nom"},
    "heures_sous_contrat": _COMMUNS | {"semaine", "heures", "contrat", "ecart"},
}


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Libelle(_Model):
    """A word of the national layer (a parcours, an organisme, a difficulty) and its text."""

    libelle: str
    description: str | None = None
    source: Source | None = None


class Dispense(_Model):
    """A reason to write fewer than the minimum weekly hours in a contract (or none)."""

    libelle: str
    sans_heures: bool = Field(
        description="true : le plan d'action peut ne prévoir aucune durée hebdomadaire (0 heure)"
    )
    source: Source | None = None


class OrientationDroits(_Model):
    """The orientation of a beneficiary after the opening (or transfer) of the right."""

    delai: Param[DureeField] | None = Field(
        None, description="délai pour orienter, depuis la réception de l'information d'ouverture du droit"
    )


class TransitionContrat(_Model):
    """People already accompanied when the reform begins get a contrat d'engagement by a date."""

    reforme: Param[date] = Field(description="entrée en vigueur du contrat d'engagement")
    delai: Param[DureeField] = Field(description="délai laissé aux personnes déjà accompagnées")


class ContratEngagement(_Model):
    """The contract after an orientation: its delay by parcours, its weekly hours."""

    delai: dict[ParcoursOrientation, Param[DureeField]] = Field(
        default_factory=dict, description="délai de signature depuis la notification de l'orientation"
    )
    sans_delai: Param[tuple[str, ...]] | None = Field(
        None, description="organismes dont le contrat n'a pas de délai fixé par les textes"
    )
    heures_minimum: Param[float] | None = Field(None, description="durée hebdomadaire d'activité minimale")
    heures_maximum: Param[float] | None = Field(None, description="durée hebdomadaire d'activité maximale")
    dispenses: dict[str, Dispense] = Field(
        default_factory=dict, description="motifs d'une durée réduite ou nulle (clé « dispense » du contrat)"
    )
    transition: TransitionContrat | None = None


class ReexamenSocial(_Model):
    """The re-examination of a social accompaniment with France Travail."""

    parcours: Param[tuple[ParcoursOrientation, ...]] | None = Field(
        None, description="les parcours réexaminés"
    )
    delai: Param[DureeField] | None = Field(None, description="depuis la signature ou la révision du contrat")
    delai_difficultes: Param[DureeField] | None = Field(
        None, description="délai quand des difficultés particulières le justifient"
    )
    difficultes: dict[str, Libelle] = Field(
        default_factory=dict, description="difficultés qui justifient le délai long (clé « difficultes »)"
    )


class BornesSanction(_Model):
    """The bounds of a sanction for a first breach, or for a repeated one."""

    taux_maximum: Param[Taux] | None = None
    mois_minimum: Param[int] | None = None
    mois_maximum: Param[int] | None = None


class SanctionDroits(_Model):
    """The bounds of a suspension-remobilisation (or of a reduction, before 2025-06-01)."""

    taux_minimum: Param[Taux] | None = None
    taux_maximum_foyer: Param[Taux] | None = Field(
        None, description="plafond pour un foyer de plusieurs personnes (clé foyer_plusieurs_personnes)"
    )
    premier_manquement: BornesSanction = BornesSanction()
    repetition: BornesSanction = BornesSanction()
    fenetre_repetition: Param[DureeField] | None = Field(
        None, description="un manquement est répété dans cette durée après la sanction précédente"
    )
    natures: dict[str, Libelle] = Field(
        default_factory=dict, description="natures de manquement connues (la clé « nature » reste libre)"
    )


class ConditionEcheanceDroits(_Model):
    """A deadline of the track passed by ``depassee_de`` (0 if absent), or coming ``dans``."""

    nom: NatureEcheanceDroits
    depassee_de: Param[DureeField] | None = None
    dans: Param[DureeField] | None = None

    @model_validator(mode="after")
    def _un_cote(self) -> ConditionEcheanceDroits:
        if self.depassee_de is not None and self.dans is not None:
            raise ValueError("indiquez soit « depassee_de », soit « dans », pas les deux")
        return self


class ConditionHeures(_Model):
    """A week's activity declared below the contract's weekly hours (by ``ecart`` at least)."""

    ecart: Param[float] | None = Field(None, description="heures sous le contrat à partir desquelles alerter")


class ConditionDroits(_Model):
    """Exactly one kind of condition."""

    echeance: ConditionEcheanceDroits | None = None
    heures_sous_contrat: ConditionHeures | None = None

    @model_validator(mode="after")
    def _une(self) -> ConditionDroits:
        given = [name for name in type(self).model_fields if getattr(self, name) is not None]
        if len(given) != 1:
            raise ValueError("une condition et une seule (attendu : echeance ou heures_sous_contrat)")
        return self

    @property
    def kind(self) -> GenreAlerteDroits:
        name = next(n for n in type(self).model_fields if getattr(self, n) is not None)
        assert name in get_args(GenreAlerteDroits)
        return name  # type: ignore[return-value]


class AlerteDroits(_Model):
    """An alert rule of the droits et devoirs track."""

    libelle: str | None = None
    niveau: Niveau
    message: str = Field(description="texte de l'alerte ; {champs} remplacés (ex. {echeance})")
    quand: ConditionDroits
    actif: bool = Field(True, description="false : désactiver une règle héritée")
    source: Source | None = None
    hypothese: bool = False
    raison: str | None = None

    @model_validator(mode="after")
    def _champs(self) -> AlerteDroits:
        permis = CHAMPS_DROITS[self.quand.kind]
        inconnus = sorted(champs_message(self.message) - permis)
        if inconnus:
            raise ValueError(
                f"message : champ {{{inconnus[0]}}} inconnu pour une condition {self.quand.kind} "
                f"(attendu : {', '.join('{' + n + '}' for n in sorted(permis))})"
            )
        return self


class DroitsDevoirs(_Model):
    """The national rules of the droits et devoirs track (see the module docstring)."""

    libelle: str
    description: str | None = None
    parcours: dict[ParcoursOrientation, Libelle] = Field(
        default_factory=dict, description="les trois parcours du référentiel d'orientation"
    )
    organismes: dict[str, Libelle] = Field(
        default_factory=dict, description="organismes référents (clé « organisme » d'une orientation)"
    )
    orientation: OrientationDroits = OrientationDroits()
    contrat: ContratEngagement = ContratEngagement()
    reexamen: ReexamenSocial = ReexamenSocial()
    sanction: SanctionDroits = SanctionDroits()
    alertes: dict[str, AlerteDroits] = Field(
        default_factory=dict, description="règles d'alerte des droits et devoirs"
    )
