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

Bundled cohort models live in ``policies/cohortes/<politique>.yaml``; a cohort file next to a
policy file is found in a ``cohortes/`` folder beside it.
"""

from __future__ import annotations

import os
from importlib.abc import Traversable
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, model_validator

from parcours.errors import PolicyError, Problem
from parcours.policies.values import DureeField, Param, Taux

__all__ = [
    "PROFILS",
    "Arrivees",
    "Cohorte",
    "CohorteDispositif",
    "Entretiens",
    "Flux",
    "Profil",
    "Sorties",
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
    hazard over the period); at each bilan with a renewal possible, with probability
    ``au_bilan``. A share ``reorientation`` of the exits are réorientations; the others are
    sorties whose reason is drawn from ``motifs``.
    """

    en_cours_de_periode: Param[Taux]
    au_bilan: Param[Taux]
    reorientation: Param[Taux] | None = None
    motifs: dict[str, Param[Taux]] = Field(default_factory=dict)

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


class CohorteDispositif(_Model):
    """The cohort model of one dispositif."""

    arrivees: Arrivees
    profil: Profil = Profil()
    delais: Delais = Delais()
    entretiens: Entretiens = Entretiens()
    sorties: Sorties


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
    """The cohort model that goes with ``policy``: ``cohortes/<nom>.yaml`` beside its file, or bundled."""
    from parcours.policies.schema import Policy

    assert isinstance(policy, Policy)
    if policy.fichier and Path(policy.fichier).is_file():
        beside = Path(policy.fichier).parent / "cohortes" / f"{Path(policy.fichier).stem}.yaml"
        if beside.is_file():
            return load_cohorte_text(beside.read_bytes(), str(beside))
    bundled = _bundled(policy.nom)
    if bundled is None:
        return None
    return load_cohorte_text(bundled.read_bytes(), f"policies/cohortes/{policy.nom}.yaml")
