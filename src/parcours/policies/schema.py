"""The models of the policy language: a policy, its dispositifs and their rules.

Keys are French, ASCII snake_case; every model is frozen and refuses unknown keys. Values
that may change over time or that need a source are :class:`~parcours.policies.values.Param`;
labels and identifiers are plain strings.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_validator, model_validator

from parcours.policies.alerts import Alerte
from parcours.policies.rights import DroitsDevoirs
from parcours.policies.values import DureeField, Param, Source, Taux
from parcours.vocabulary import ETAPES, ETAPES_OBLIGATOIRES, Drapeau, Etape

__all__ = [
    "Capacite",
    "CapaciteCommune",
    "Convention",
    "Dispositif",
    "DureeAccompagnement",
    "Indicateur",
    "ModeAction",
    "MotifSortie",
    "Objectif",
    "Observation",
    "ParcoursReferent",
    "PointEntree",
    "Policy",
    "PublicCible",
    "RythmeDemarrage",
    "RythmeEntretiens",
    "Veille",
]

IDENT = r"^[a-z][a-z0-9_]*$"
#: How a dispositif works with people: one to one, in groups, or both.
ModeAction = Literal["individuel", "collectif", "individuel_et_collectif"]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Capacite(_Model):
    """How many people a dispositif takes and who follows them."""

    places: Param[int] | None = Field(
        None, description="mesures « en flux continu » : places occupées à tout moment"
    )
    personnes_par_an: Param[int] | None = Field(None, description="personnes à accompagner par an")
    etp: Param[float] | None = Field(None, description="équivalents temps plein de référents")
    portefeuille_par_etp: Param[int] | None = Field(
        None, description="personnes suivies par ETP « en file active »"
    )
    si_complet: Literal["attente", "refus"] = Field(
        "attente", description="quand toutes les places sont prises : liste d'attente ou refus"
    )
    binomes: Param[int] | None = Field(
        None, description="binômes conseiller Pôle emploi / travailleur social (accompagnement global)"
    )
    part_brsa: Param[Taux] | None = Field(
        None, description="part des personnes suivies qui doivent être bénéficiaires du RSA"
    )


class DureeAccompagnement(_Model):
    """Durations of the accompaniment: CER period, renewals, bounds."""

    cer: Param[DureeField] | None = Field(None, description="durée d'une période de CER")
    renouvellements_max: Param[int] | None = Field(
        None, description="nombre maximal de renouvellements (absent : non limité)"
    )
    minimum: Param[DureeField] | None = None
    maximum: Param[DureeField] | None = Field(
        None, description="durée totale maximale (absent : non limitée)"
    )
    reevaluation_au_renouvellement: Param[bool] | None = Field(
        None, description="la situation est réévaluée à chaque renouvellement du CER"
    )


class RythmeDemarrage(_Model):
    """A stricter interview rhythm during the first weeks of the accompaniment."""

    intervalle_max: Param[DureeField]
    pendant: Param[DureeField]


class RythmeEntretiens(_Model):
    """The minimum rhythm of follow-up interviews."""

    intervalle_max: Param[DureeField] = Field(description="au plus cet intervalle entre deux entretiens")
    au_demarrage: RythmeDemarrage | None = None


class MotifSortie(_Model):
    """An exit reason, and whether the département counts it as a positive exit."""

    libelle: str
    categorie: str = Field(pattern=IDENT)
    positive: bool
    emploi: bool = Field(False, description="sortie liée à l'emploi (déclenche la veille)")
    raison: str | None = Field(None, description="pourquoi ce motif est (ou non) positif")
    source: Source | None = None
    hypothese: bool = False


class Objectif(_Model):
    """An expected result: a rate over the exits (or the people) of the period.

    The numerator is given either by a list of exit reasons (``motifs``) or by a flag of the
    exit reasons (``selon: positive`` or ``selon: emploi``), so that a base policy can state
    an objective before the policies that inherit from it declare their exit reasons.
    """

    libelle: str
    taux: Param[Taux]
    motifs: tuple[str, ...] | None = Field(None, description="motifs comptés au numérateur")
    selon: Drapeau | None = Field(None, description="compter les motifs marqués positive ou emploi")
    base: Literal["sorties", "accompagnees"] = "sorties"

    @model_validator(mode="after")
    def _one_numerator(self) -> Objectif:
        if (self.motifs is None) == (self.selon is None):
            raise ValueError("indiquez soit « motifs », soit « selon » (l'un des deux)")
        return self


class Veille(_Model):
    """Follow-up after an exit (e.g. six months after an exit to employment)."""

    duree: Param[DureeField]
    motifs: tuple[str, ...] | None = Field(
        None, description="motifs qui ouvrent la veille (absent : les motifs « emploi »)"
    )


class Convention(_Model):
    """The period of the convention with the operator."""

    debut: Param[date]
    fin: Param[date] | None = None


class Observation(_Model):
    """Figures published in a source, kept for calibration and comparison, not as rules."""

    libelle: str
    periode: str | None = None
    unite: str | None = None
    valeurs: dict[str, Param[float]]


class PointEntree(_Model):
    """A way into a dispositif: who orients or prescribes, at which moment of the parcours."""

    libelle: str
    orienteur: str | None = Field(None, description="qui oriente ou prescrit la personne")
    source: Source | None = None


class PublicCible(_Model):
    """One of the publics a dispositif is meant for, with its own target volume."""

    libelle: str
    description: str | None = None
    personnes_par_an: Param[int] | None = Field(
        None, description="personnes de ce public à accompagner par an"
    )


class Indicateur(_Model):
    """An indicator the département expects the operator to report (computed by the reports)."""

    libelle: str
    groupe: Literal["activite", "evaluation"] = Field(description="indicateur d'activité ou d'évaluation")
    nature: Literal["nombre", "taux", "moyenne"]
    calcul: str = Field(pattern=IDENT, description="identifiant du calcul, connu du module des rapports")
    source: Source | None = None


class Dispositif(_Model):
    """An accompaniment scheme (a convention, a track) and its rules."""

    libelle: str
    operateur: str | None = None
    public: str | None = None
    description: str | None = None
    etapes: tuple[Etape, ...] = Field(description="les étapes du parcours, dans l'ordre")
    delais_max: dict[Etape, Param[DureeField]] = Field(
        default_factory=dict, description="délai maximal pour atteindre une étape"
    )
    capacite: Capacite = Capacite()
    duree: DureeAccompagnement = DureeAccompagnement()
    rythme_entretiens: RythmeEntretiens | None = None
    motifs_sortie: dict[str, MotifSortie] = Field(default_factory=dict)
    resultats_attendus: dict[str, Objectif] = Field(default_factory=dict)
    veille: Veille | None = None
    convention: Convention | None = None
    domaines: Param[tuple[str, ...]] | None = None
    observations: dict[str, Observation] = Field(default_factory=dict)
    mode: ModeAction | None = Field(None, description="mode d'action : individuel, collectif ou les deux")
    journees_par_semaine: Param[int] | None = Field(
        None, description="action collective : journées d'intervention par semaine"
    )
    entrees: dict[str, PointEntree] = Field(
        default_factory=dict, description="points d'entrée : qui oriente, à quel moment"
    )
    publics_cibles: dict[str, PublicCible] = Field(
        default_factory=dict, description="publics visés et leur volume (sous-ensembles de la capacité)"
    )
    outils: tuple[str, ...] | None = Field(
        None, description="outils et dispositifs partenaires ouverts à l'opérateur (logiciel, ...)"
    )
    indicateurs: dict[str, Indicateur] = Field(
        default_factory=dict, description="indicateurs de suivi et d'évaluation attendus"
    )
    alertes: dict[str, Alerte] = Field(
        default_factory=dict,
        description="règles d'alerte propres au dispositif (remplacent celles de même id)",
    )

    @field_validator("etapes")
    @classmethod
    def _steps(cls, etapes: tuple[Etape, ...]) -> tuple[Etape, ...]:
        problems: list[str] = []
        repeated = sorted({s for s in etapes if etapes.count(s) > 1})
        if repeated:
            problems.append("étape répétée : " + ", ".join(repeated))
        for required in ETAPES_OBLIGATOIRES:
            if required not in etapes:
                problems.append(f"l'étape « {required} » est obligatoire")
        if list(dict.fromkeys(etapes)) != [s for s in ETAPES if s in etapes]:
            problems.append("les étapes doivent suivre l'ordre " + " → ".join(ETAPES))
        if problems:
            raise ValueError("; ".join(problems))
        return etapes

    @model_validator(mode="after")
    def _delays(self) -> Dispositif:
        unknown = [step for step in self.delais_max if step not in self.etapes]
        if unknown:
            raise ValueError("delais_max : étape absente de etapes : " + ", ".join(unknown))
        return self

    def alertes_effectives(self, politique: dict[str, Alerte]) -> dict[str, Alerte]:
        """The policy's rules that apply here, replaced by this dispositif's of the same id."""
        merged = {**politique, **self.alertes}
        return {key: rule for key, rule in merged.items() if rule.actif}

    def motifs_positifs(self) -> frozenset[str]:
        return frozenset(k for k, m in self.motifs_sortie.items() if m.positive)


class CapaciteCommune(_Model):
    """A capacity shared by several dispositifs (a quota for a whole service)."""

    libelle: str
    description: str | None = None
    dispositifs: tuple[str, ...] = Field(description="dispositifs qui se partagent ces places")
    places: Param[int] | None = Field(
        None, description="places occupées à tout moment, tous dispositifs confondus"
    )
    personnes_par_an: Param[int] | None = None


class ParcoursReferent(_Model):
    """One of the tracks the département orients beneficiaries to (emploi, socio-pro, social)."""

    libelle: str
    mis_en_oeuvre_par: str | None = Field(None, description="qui assure ce parcours")
    source: Source | None = None


class Policy(_Model):
    """A département's policy: its dispositifs and their rules, date-versioned."""

    departement: str
    libelle: str
    description: str | None = None
    herite: str | None = Field(None, description="politique dont celle-ci reprend les valeurs")
    cohorte: str | None = Field(
        None,
        description="le modèle de cohorte que simule la politique : nom d'un modèle fourni "
        "(policies/cohortes/) ou chemin d'un fichier YAML relatif à la politique",
    )
    documents: dict[str, str] = Field(
        default_factory=dict, description="documents sources cités : nom de fichier → titre"
    )
    defauts: dict[str, object] = Field(
        default_factory=dict,
        description="valeurs communes à tous les dispositifs (mêmes clés qu'un dispositif)",
    )
    dispositifs: dict[str, Dispositif]
    observations: dict[str, Observation] = Field(default_factory=dict)
    capacites_communes: dict[str, CapaciteCommune] = Field(
        default_factory=dict, description="capacités partagées par plusieurs dispositifs (quota d'un service)"
    )
    parcours_referents: dict[str, ParcoursReferent] = Field(
        default_factory=dict, description="les parcours vers lesquels le département oriente"
    )
    alertes: dict[str, Alerte] = Field(
        default_factory=dict, description="règles d'alerte de la politique (tous les dispositifs)"
    )
    droits_devoirs: DroitsDevoirs | None = Field(
        None,
        description="règles nationales des droits et devoirs (couche nationale : national/plein_emploi)",
    )

    @model_validator(mode="after")
    def _check_capacites_communes(self) -> Policy:
        problems = [
            f"capacites_communes.{key} : dispositif « {ident} » inconnu"
            for key, commune in self.capacites_communes.items()
            for ident in commune.dispositifs
            if ident not in self.dispositifs
        ]
        if problems:
            raise ValueError("; ".join(problems))
        return self

    _fichier: str | None = PrivateAttr(default=None)
    _nom: str | None = PrivateAttr(default=None)
    _positions: dict[str, str] = PrivateAttr(default_factory=dict)

    @property
    def positions(self) -> dict[str, str]:
        """Dotted key path → ``fichier:ligne`` of the value, for every key of the file(s)."""
        return self._positions

    @property
    def fichier(self) -> str | None:
        """The file this policy was loaded from (as given to the loader)."""
        return self._fichier

    @property
    def nom(self) -> str:
        """A short name: the bundled name, or the file's stem."""
        if self._nom:
            return self._nom
        return self.departement

    def dispositif(self, ident: str) -> Dispositif:
        from parcours.errors import PolicyError

        try:
            return self.dispositifs[ident]
        except KeyError:
            known = ", ".join(sorted(self.dispositifs)) or "aucun"
            raise PolicyError(
                f"dispositif « {ident} » inconnu de la politique {self.nom} (connus : {known})"
            ) from None

    def dates_effet(self) -> tuple[date, ...]:
        """Every date at which some value of the policy changes, sorted."""
        from parcours.policies.versions import dates_effet

        return dates_effet(self)

    def at(self, jour: date) -> Policy:
        """The policy with, for each value, only the version in force on ``jour``."""
        from parcours.policies.versions import policy_at

        return policy_at(self, jour)
