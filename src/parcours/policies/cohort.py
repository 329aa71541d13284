"""The cohort model of a policy: who arrives, when, and how their parcours tends to go.

A policy states the rules (capacity, CER, rhythm, exit reasons); a cohort model states the
behaviour the simulator draws from, per dispositif, written in the same language (sourced or
``hypothese: true`` values, date-keyed when they change)::

    politique: moselle
    dispositifs:
      accompagnement_global:
        arrivees:
          flux:
            prescriptions: {par_mois: {valeur: 148, hypothese: true, raison: ...}}
        profil:
          sexe: {homme: {valeur: 53,8 %, source: {...}}, femme: ...}
        delais: {diagnostic_partage: 15 jours, demarrage: 10 jours}
        entretiens: {absence: 15 %}
        sorties:
          en_cours_de_periode: 30 %
          au_bilan: 60 %
          motifs: {cdi: 5,5 %, ...}
        stock_initial: {effectif: 95}          # people already accompanied on the first day
        veille: {en_emploi_apres_sortie_emploi: 100 %, en_emploi_apres_autre_sortie: 4 %}

A cohort fitted by ``parcours calibrer`` also records, per dispositif, the published cells it
was fitted to and the residuals (``calage``). Bundled cohort models live in
``policies/cohortes/<nom>.yaml``; a policy names its own with its ``cohorte`` key (a bundled
name or a path relative to the policy file), inherited through ``herite`` like any key: the
model is never guessed from a file's name (:func:`find_cohorte`).
"""

from __future__ import annotations

import os
from importlib.abc import Traversable
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, model_validator

from parcours.errors import PolicyError, Problem
from parcours.policies.values import DureeField, Param, Taux

__all__ = [
    "PROFILS",
    "Arrivees",
    "Calage",
    "CelluleCalee",
    "Cohorte",
    "CohorteDispositif",
    "Entretiens",
    "Flux",
    "Profil",
    "Sorties",
    "StockInitial",
    "SuiviVeille",
    "find_cohorte",
    "load_cohorte",
    "load_cohorte_text",
]

#: The profile variables of the event format (``profil`` on a dossier's first event).
PROFILS: tuple[str, ...] = ("sexe", "tranche_age", "niveau_formation", "handicap", "minimum_social")
_TOLERANCE = 0.02  # shares transcribed from rounded percentages may miss 100 % by a little


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


def _check_shares(parts: dict[str, Param[float]], what: str) -> None:
    """Every version of a mix must add up to 1 (within rounding), date by date."""
    dates = sorted({v.debut for p in parts.values() for v in p.versions if v.debut is not None})
    for jour in [None, *dates]:
        total = 0.0
        for param in parts.values():
            version = param.versions[0] if jour is None else param.version_au(jour)
            if version is not None:
                total += version.valeur
        if abs(total - 1.0) > _TOLERANCE:
            quand = f" au {jour.isoformat()}" if jour else ""
            raise ValueError(
                f"{what} : les parts font {total * 100:.1f} %{quand} (attendu : un total de 100 %)"
            )


class Flux(_Model):
    """A stream of arrivals (people per year or per month), spread evenly over time."""

    par_an: Param[float] | None = Field(None, description="arrivées par an")
    par_mois: Param[float] | None = Field(None, description="arrivées par mois")
    libelle: str | None = None

    @model_validator(mode="after")
    def _one_rate(self) -> Flux:
        if (self.par_an is None) == (self.par_mois is None):
            raise ValueError("indiquez soit « par_an », soit « par_mois » (l'un des deux)")
        return self


class Arrivees(_Model):
    """Arrivals into the dispositif: one or several streams (003: 300 remobilisés + 250 nouveaux)."""

    flux: dict[str, Flux]

    @model_validator(mode="after")
    def _not_empty(self) -> Arrivees:
        if not self.flux:
            raise ValueError("au moins un flux d'arrivées est attendu")
        return self


class Profil(_Model):
    """Shares of each profile variable (004's demographics), each summing to 100 %."""

    sexe: dict[str, Param[Taux]] | None = None
    tranche_age: dict[str, Param[Taux]] | None = None
    niveau_formation: dict[str, Param[Taux]] | None = None
    handicap: dict[str, Param[Taux]] | None = None
    minimum_social: dict[str, Param[Taux]] | None = None

    @model_validator(mode="after")
    def _sums(self) -> Profil:
        for name in PROFILS:
            parts = getattr(self, name)
            if parts:
                _check_shares(parts, name)
        return self

    def variables(self) -> dict[str, dict[str, Param[float]]]:
        return {name: getattr(self, name) for name in PROFILS if getattr(self, name)}


class Delais(_Model):
    """Mean delay to reach each step from the previous one (drawn exponential, in days)."""

    prescription: Param[DureeField] | None = None
    diagnostic_partage: Param[DureeField] | None = None
    demarrage: Param[DureeField] | None = None


class Entretiens(_Model):
    """How interviews actually happen: planned interval, no-shows and rescheduling."""

    absence: Param[Taux] | None = Field(None, description="probabilité d'absence à un entretien")
    intervalle: Param[DureeField] | None = Field(
        None, description="intervalle prévu entre deux entretiens (absent : l'intervalle maximal)"
    )
    report: Param[DureeField] | None = Field(None, description="délai du rendez-vous suivant une absence")
    par_etp_par_mois: Param[float] | None = Field(
        None,
        description="entretiens qu'un ETP de référent tient par mois : avec capacite.etp, borne la "
        "file active selon le rythme (un rythme plus serré laisse moins de places)",
    )


class Sorties(_Model):
    """Exit hazards and the mix of exit reasons.

    During each CER period a person leaves with probability ``en_cours_de_periode`` (constant
    hazard over the period; ``en_premiere_periode`` in the first one, when given); at each
    bilan with a renewal possible, with probability ``au_bilan``. A share ``reorientation`` of
    the exits are réorientations; the others are sorties whose reason is drawn from
    ``motifs``. ``fin_de_convention: poursuite`` keeps the accompaniments open past the end of
    the convention (a convention renewed in practice).
    """

    en_cours_de_periode: Param[Taux]
    en_premiere_periode: Param[Taux] | None = Field(
        None,
        description="probabilité de sortir pendant la première période (abandons précoces) ; "
        "absente : en_cours_de_periode",
    )
    au_bilan: Param[Taux]
    reorientation: Param[Taux] | None = None
    motifs: dict[str, Param[Taux]] = Field(default_factory=dict)
    fin_de_convention: Param[Literal["sortie", "poursuite"]] | None = Field(
        None,
        description="à la fin de la convention en vigueur le dernier jour simulé, les "
        "accompagnements en cours prennent fin (sortie, par défaut) ou continuent (poursuite : "
        "convention reconduite)",
    )

    @model_validator(mode="after")
    def _mix(self) -> Sorties:
        toutes_reorientees = self.reorientation is not None and all(
            v.valeur >= 1.0 for v in self.reorientation.versions
        )
        if not self.motifs and not toutes_reorientees:
            raise ValueError(
                "motifs : au moins un motif de sortie est attendu (sauf si reorientation vaut 100 %)"
            )
        if self.motifs:
            _check_shares(self.motifs, "motifs")
        return self


class StockInitial(_Model):
    """The people already accompanied when a run starts (a run need not start empty).

    ``effectif`` is read on the run's first day (the version in force then; a fraction is
    drawn: 95,4 is 95 or 96 people, 96 four times in ten). Their démarrages are spread over
    the ``anciennete_max`` before that day (never before the dispositif opens) and kept when
    the cohort's own exit model leaves them still accompanied on the first day: the stock is
    the one a steady flow of arrivals would leave.
    """

    effectif: Param[float] = Field(description="personnes encore accompagnées au premier jour simulé")
    anciennete_max: Param[DureeField] | None = Field(
        None,
        description="depuis combien de temps au plus elles sont accompagnées (absent : la durée "
        "maximale du dispositif, sinon 3 ans)",
    )


class SuiviVeille(_Model):
    """What the point made at the end of the veille finds (a ``veille`` event with ``emploi``).

    Only exits whose motif opens the policy's veille have one; without this block the
    simulator writes no ``veille`` event.
    """

    en_emploi_apres_sortie_emploi: Param[Taux] = Field(
        description="part en emploi au point de veille après une sortie d'un motif « emploi »"
    )
    en_emploi_apres_autre_sortie: Param[Taux] = Field(
        description="part en emploi au point de veille après une sortie d'un autre motif"
    )


class CelluleCalee(_Model):
    """One published cell a cohort was fitted to, and what the fitted model gives."""

    ligne: int = Field(description="ligne du tableau publié")
    periode: str
    indicateur: str
    groupe: str | None = Field(None, description="les dispositifs comptés ensemble (plusieurs)")
    publie: float
    simule: float | None = Field(description="moyenne des simulations du calage (absente : indéfinie)")
    ecart: float | None = Field(description="simulé − publié")


class Calage(_Model):
    """How ``parcours calibrer`` fitted a dispositif's values: to which cells, with what residuals."""

    tableau: str
    methode: str
    parametres: tuple[str, ...] = Field(description="les valeurs ajustées (chemins dans le dispositif)")
    cellules: tuple[CelluleCalee, ...] = ()
    comparees: tuple[CelluleCalee, ...] = Field(
        (), description="cellules publiées comparées mais non ajustées (voir la raison dans le tableau)"
    )


class CohorteDispositif(_Model):
    """The cohort model of one dispositif."""

    arrivees: Arrivees
    profil: Profil = Profil()
    delais: Delais = Delais()
    entretiens: Entretiens = Entretiens()
    sorties: Sorties
    stock_initial: StockInitial | None = None
    veille: SuiviVeille | None = None
    calage: Calage | None = None


class Cohorte(_Model):
    """A cohort model: per dispositif id of the policy, the behaviour to simulate."""

    politique: str | None = Field(None, description="la politique que ce modèle accompagne")
    libelle: str | None = None
    description: str | None = None
    documents: dict[str, str] = Field(default_factory=dict)
    dispositifs: dict[str, CohorteDispositif]

    _fichier: str | None = PrivateAttr(default=None)
    _lignes: dict[tuple[str, ...], tuple[int, int]] = PrivateAttr(default_factory=dict)

    @property
    def fichier(self) -> str | None:
        return self._fichier

    @property
    def reference(self) -> str:
        """What to show as the cohort used: its file, or its label when built in memory."""
        return self._fichier or self.libelle or "modèle de cohorte sans fichier"

    def _problem(self, path: tuple[str, ...], message: str, attendu: str) -> Problem:
        ligne, colonne = self._lignes.get(path, (None, None))
        return Problem(
            message,
            fichier=self._fichier,
            ligne=ligne,
            colonne=colonne,
            chemin=".".join(path),
            attendu=attendu,
        )

    def verifier(self, policy: BaseModel) -> None:
        """Check this model against ``policy``: known dispositifs and exit reasons, steps it has.

        Raises :class:`~parcours.errors.PolicyError` located at the cohort file's line.
        """
        from parcours.policies.schema import Policy

        assert isinstance(policy, Policy)
        problems: list[Problem] = []
        known = sorted(policy.dispositifs)
        for ident, model in self.dispositifs.items():
            if ident not in policy.dispositifs:
                problems.append(
                    self._problem(
                        ("dispositifs", ident),
                        f"dispositif « {ident} » inconnu de la politique {policy.nom}",
                        "l'un de : " + ", ".join(known),
                    )
                )
                continue
            dispositif = policy.dispositifs[ident]
            declared = sorted(dispositif.motifs_sortie)
            for motif in model.sorties.motifs:
                if motif not in dispositif.motifs_sortie:
                    problems.append(
                        self._problem(
                            ("dispositifs", ident, "sorties", "motifs", motif),
                            f"motif de sortie « {motif} » non déclaré par le dispositif {ident}",
                            "l'un de : " + (", ".join(declared) or "aucun motif déclaré"),
                        )
                    )
            if model.sorties.reorientation is not None and "reorientation" not in dispositif.etapes:
                problems.append(
                    self._problem(
                        ("dispositifs", ident, "sorties", "reorientation"),
                        f"le dispositif {ident} n'a pas d'étape « reorientation »",
                        "retirez sorties.reorientation",
                    )
                )
            for etape in type(model.delais).model_fields:
                if getattr(model.delais, etape) is not None and etape not in dispositif.etapes:
                    problems.append(
                        self._problem(
                            ("dispositifs", ident, "delais", etape),
                            f"le dispositif {ident} n'a pas d'étape « {etape} »",
                            "étapes : " + ", ".join(dispositif.etapes),
                        )
                    )
        if problems:
            raise PolicyError(problems)


def load_cohorte_text(text: str | bytes, fichier: str = "<cohorte>") -> Cohorte:
    """Read a cohort model from YAML text (errors located as ``fichier:ligne:colonne``)."""
    from parcours.policies._yaml import read_yaml
    from parcours.policies.loader import load_document

    raw = text.encode("utf-8") if isinstance(text, str) else text
    cohorte = load_document(raw, fichier, Cohorte)
    doc = read_yaml(raw, fichier)
    lignes: dict[tuple[str, ...], tuple[int, int]] = {}
    for path in doc.cles:
        if path[:1] == ("dispositifs",) and all(isinstance(p, str) for p in path):
            where = doc.pos(path, cle=True)
            if where is not None:
                lignes[tuple(str(p) for p in path)] = (where.ligne, where.colonne)
    cohorte._fichier = fichier
    cohorte._lignes = lignes
    return cohorte


def load_cohorte(source: str | os.PathLike[str]) -> Cohorte:
    """Read a cohort model from a file path or a bundled name (``"moselle"``)."""
    text = os.fspath(source)
    if text.endswith((".yaml", ".yml")) and Path(text).is_file():
        return load_cohorte_text(Path(text).read_bytes(), text)
    bundled = _bundled(text.removesuffix(".yaml").removeprefix("cohortes/"))
    if bundled is None:
        raise PolicyError(
            Problem(
                f"modèle de cohorte « {text} » introuvable",
                attendu="un fichier YAML ou le nom d'une politique fournie ayant un modèle de cohorte",
            )
        )
    return load_cohorte_text(bundled.read_bytes(), f"policies/cohortes/{Path(text).stem}.yaml")


def _bundled(name: str) -> Traversable | None:
    from parcours.policies.bundled import bundled_root

    entry = bundled_root() / "cohortes"
    parts = name.split("/")
    for part in parts[:-1]:
        entry = entry / part
    candidate = entry / f"{parts[-1]}.yaml"
    return candidate if candidate.is_file() else None


def find_cohorte(policy: BaseModel) -> Cohorte | None:
    """The cohort model the policy names with its ``cohorte`` key (``None``: it names none).

    The key holds a bundled model's name (``meurthe_et_moselle``) or a path ending in
    ``.yaml``, relative to the policy file that writes it (a key inherited through ``herite``
    is read relative to the parent's file). A policy copied under another name keeps its
    cohort; nothing is looked up from the file's name.
    """
    from parcours.policies.schema import Policy

    assert isinstance(policy, Policy)
    nom = policy.cohorte
    if nom is None:
        return None
    ou = policy.positions.get("cohorte", "")
    fichier_politique, _, ligne = ou.rpartition(":")
    if nom.endswith((".yaml", ".yml")):
        chemin = Path(nom)
        if not chemin.is_absolute() and fichier_politique:
            chemin = Path(fichier_politique).parent / chemin
        if chemin.is_file():
            return load_cohorte_text(chemin.read_bytes(), os.path.normpath(chemin))
    else:
        bundled = _bundled(nom.removeprefix("cohortes/"))
        if bundled is not None:
            return load_cohorte_text(
                bundled.read_bytes(), f"policies/cohortes/{nom.removeprefix('cohortes/')}.yaml"
            )
    raise PolicyError(
        Problem(
            f"modèle de cohorte « {nom} » introuvable",
            fichier=fichier_politique or policy.fichier,
            ligne=int(ligne) if ligne.isdigit() else None,
            chemin="cohorte",
            attendu="le nom d'un modèle fourni ou un chemin de fichier YAML relatif à la politique",
        )
    )
