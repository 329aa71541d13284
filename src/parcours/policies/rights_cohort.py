"""The cohort model of the droits et devoirs track: how people tend to go through it.

The national layer states the rules (six weeks to orient, one month to sign, 15 hours, the
bounds of a sanction); this model states the behaviour the simulator draws from, in the same
language (sourced or ``hypothese: true`` values, date-keyed when they change)::

    libelle: Hypothèses nationales
    ouvertures: {par_mois: {valeur: 100, hypothese: true, raison: ...}}
    orientation:
      delai_moyen: {valeur: 8 semaines, hypothese: true, raison: ...}
      parcours: {professionnel: 45 %, socio_professionnel: 35 %, social: 20 %}
      organismes: {professionnel: france_travail, socio_professionnel: departement, social: departement}
    contrat: {delai_moyen: 3 semaines, sans_contrat: 10 %, heures: 15, dispenses: 10 %}
    reexamen: {a_temps: 70 %, retard_moyen: 1 mois}
    manquements: {par_an: 15 %, observations: 90 %, sanction: 70 %, taux: 30 %, mois: 1,
                  remobilisation: 50 %}

The bundled model is ``policies/cohortes/national/plein_emploi.yaml``; every one of its values
is a flagged hypothesis until a département replaces it with its own figures.
"""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, model_validator

from parcours.errors import PolicyError, Problem
from parcours.policies.cohort import _check_shares
from parcours.policies.values import DureeField, Param, Taux
from parcours.vocabulary import ParcoursOrientation

__all__ = [
    "CohorteDroits",
    "ContratCohorte",
    "ManquementsCohorte",
    "OrientationCohorte",
    "OuverturesCohorte",
    "ReexamenCohorte",
    "load_cohorte_droits",
]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class OuverturesCohorte(_Model):
    """Rights opened (or transferred) in the département, spread evenly over time."""

    par_mois: Param[float] = Field(description="ouvertures de droit par mois")


class OrientationCohorte(_Model):
    """How long orienting takes, and to which parcours and organisme."""

    delai_moyen: Param[DureeField] = Field(description="délai moyen entre l'ouverture et l'orientation")
    parcours: dict[ParcoursOrientation, Param[Taux]] = Field(description="part de chaque parcours")
    organismes: dict[ParcoursOrientation, str] = Field(description="l'organisme référent de chaque parcours")

    @model_validator(mode="after")
    def _parts(self) -> OrientationCohorte:
        _check_shares({str(k): v for k, v in self.parcours.items()}, "parcours")
        manquants = sorted(set(self.parcours) - set(self.organismes))
        if manquants:
            raise ValueError(f"organismes : aucun organisme pour le parcours {manquants[0]}")
        return self


class ContratCohorte(_Model):
    """How long signing takes, and what the contract says."""

    delai_moyen: Param[DureeField] = Field(description="délai moyen entre l'orientation et le contrat")
    sans_contrat: Param[Taux] = Field(description="part des personnes orientées qui ne signent pas")
    heures: Param[float] = Field(description="heures hebdomadaires écrites au contrat, sans dispense")
    dispenses: Param[Taux] = Field(description="part des contrats sans durée hebdomadaire (dispense santé)")


class ReexamenCohorte(_Model):
    """Re-examinations of the social parcours: on time, or late by some delay."""

    a_temps: Param[Taux] = Field(description="part des réexamens tenus avant l'échéance")
    retard_moyen: Param[DureeField] = Field(description="retard moyen des autres")


class ManquementsCohorte(_Model):
    """Breaches of the contract and what follows them."""

    par_an: Param[Taux] = Field(description="part des personnes sous contrat qui manquent dans l'année")
    observations: Param[Taux] = Field(
        description="part des manquements où la personne présente ses observations"
    )
    sanction: Param[Taux] = Field(description="part des manquements avec observations qui sont sanctionnés")
    taux: Param[Taux] = Field(description="taux de suspension retenu")
    mois: Param[int] = Field(description="durée de la suspension, en mois")
    remobilisation: Param[Taux] = Field(description="part des suspensions levées par une remobilisation")


class CohorteDroits(_Model):
    """The behaviour the simulator of the droits et devoirs track draws from."""

    libelle: str
    description: str | None = None
    ouvertures: OuverturesCohorte
    orientation: OrientationCohorte
    contrat: ContratCohorte
    reexamen: ReexamenCohorte
    manquements: ManquementsCohorte

    _fichier: str | None = PrivateAttr(default=None)

    @property
    def fichier(self) -> str | None:
        return self._fichier


def load_cohorte_droits(source: str | os.PathLike[str] | None = None) -> CohorteDroits:
    """Read a cohort model of the track from a file (None: the bundled national one)."""
    from parcours.policies.bundled import bundled_root
    from parcours.policies.loader import load_document

    if source is None:
        fichier = "policies/cohortes/national/plein_emploi.yaml"
        raw = (bundled_root() / "cohortes" / "national" / "plein_emploi.yaml").read_bytes()
    else:
        chemin = Path(os.fspath(source))
        if not chemin.is_file():
            raise PolicyError(Problem(f"modèle de cohorte introuvable : {chemin}", attendu="un fichier YAML"))
        fichier, raw = str(chemin), chemin.read_bytes()
    cohorte = load_document(raw, fichier, CohorteDroits)
    cohorte._fichier = fichier
    return cohorte
