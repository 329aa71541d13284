"""A dispositif's rules and cohort behaviour compiled into day-by-day arrays for the kernel.

Everything the kernel needs is read once here from the policy (capacity, CER, renewals,
maximum, rhythm, veille, convention) and from the cohort model (arrivals, profile, delays,
no-shows, exit hazards and reasons, initial stock, veille outcome), as numpy arrays indexed by
the day's offset from the first day of the arrays. Values absent from the cohort model take
the simulator's stated defaults (:data:`DEFAUTS`).

The kernel starts on the run's first day ``du``, or on the latest date of the cohort's
``stock_initial`` before it: the days in between are a warm-up, simulated but not reported
(the reports and aggregates count from ``du``). The arrays start earlier still when that stock
is not empty: the people accompanied on its day started before it (at most
``stock_initial.anciennete_max`` before, never before the dispositif opened), under the rules
in force on those days. Nobody else arrives before the kernel's first day.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from parcours.errors import PolicyError, Problem
from parcours.policies.cohort import PROFILS, CohorteDispositif
from parcours.policies.durations import Duree
from parcours.policies.rules import ReglesDatees
from parcours.policies.schema import Dispositif
from parcours.simulation._calendar import Calendrier, ajouter, calendrier, date_de, en_mois_jours, jour
from parcours.simulation._series import ouvert, regle, regle_duree, serie, serie_duree
from parcours.vocabulary import ETAPE_EVENEMENT, ETAPES_AVANT

__all__ = ["DEFAUTS", "Depart", "Tableaux", "compiler", "depart"]

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]
B = npt.NDArray[np.bool_]

#: The simulator's own assumptions, used when neither policy nor cohort model says.
DEFAUTS: dict[str, str] = {
    "delai": "7 jours entre deux étapes avant le démarrage",
    "cer": "périodes de 6 mois quand la politique ne fixe pas la durée du CER",
    "report": "7 jours avant le rendez-vous qui suit une absence",
    "absence": "aucune absence aux entretiens",
    "stock": "un stock initial accompagné depuis au plus la durée maximale du dispositif, sinon 3 ans",
}
_DELAI = Duree(7, "jours")
_CER = Duree(6, "mois")
_REPORT = Duree(7, "jours")
_ANCIENNETE = Duree(3, "ans")
MOIS = 365.25 / 12


@dataclass(frozen=True)
class Duree3:
    """A duration per day: calendar months, exact days, and whether it is defined."""

    mois: I64
    jours: I64
    defini: B


@dataclass(frozen=True)
class Tableaux:
    """One dispositif's rules and behaviour over the simulated days ``[debut, debut + n)``."""

    ident: str
    debut: int  # first day of the arrays: ``du``, or earlier for the initial stock's démarrages
    n: int
    du: int  # the kernel's first day: arrivals from it, the initial stock accompanied on it
    stock: float  # people accompanied on ``du`` (a fraction is drawn)
    avant: tuple[str, ...]  # events of the pre-démarrage steps the dispositif has
    a_bilan: bool
    a_reorientation: bool
    # capacity (places per day, inf: unlimited), refusal instead of waiting, convention
    capacite: F64
    refus: bool
    ouvert: B
    fin_convention: int | None
    # durations and bounds, per démarrage day
    cer: Duree3
    renouvellements_max: I64  # -1: unlimited
    maximum: Duree3
    intervalle_max: Duree3
    phase_demarrage: Duree3  # length of the stricter first phase
    intervalle_demarrage: Duree3
    # veille
    veille: Duree3
    motifs_veille: B  # per motif index
    # cohort behaviour
    arrivees_par_jour: F64
    delais: dict[str, F64]  # step → mean days to reach it from the previous one
    absence: F64
    intervalle: Duree3
    report: Duree3
    en_cours: F64
    en_premiere: F64  # the in-period hazard of the first period (en_cours when not said)
    au_bilan: F64
    reorientation: F64
    motifs: tuple[str, ...]
    parts_motifs: F64  # (n, k) cumulative shares
    positifs: B
    emploi: B  # per motif index: the policy marks it « emploi »
    veille_emploi: (
        tuple[F64, F64] | None
    )  # in work at the veille point: after an « emploi » exit, after another
    profil: dict[str, tuple[tuple[str, ...], F64]]  # variable → labels, cumulative shares (n, k)
    calendrier: Calendrier


def _duree(param: object, debut: int, n: int, defaut: Duree | None) -> Duree3:
    mois, jours, defini = serie_duree(param, debut, n, defaut)  # type: ignore[arg-type]
    return Duree3(mois, jours, defini)


def _regle(regles: ReglesDatees, attribut: str, debut: int, n: int, defaut: Duree | None = None) -> Duree3:
    return Duree3(*regle_duree(regles, attribut, debut, n, defaut))


def _mix(parts: dict[str, object], debut: int, n: int, nom: str) -> tuple[tuple[str, ...], F64]:
    labels = tuple(parts)
    if not labels:
        return labels, np.ones((n, 0), dtype=np.float64)
    shares = np.column_stack([serie(parts[k], debut, n, 0.0, f"{nom}.{k}") for k in labels])  # type: ignore[arg-type]
    totals = shares.sum(axis=1, keepdims=True)
    cumul = np.cumsum(shares / np.where(totals > 0, totals, 1.0), axis=1)
    cumul[:, -1] = 1.0
    return labels, cumul


def _capacite(regles: ReglesDatees, cohorte: CohorteDispositif, debut: int, n: int) -> F64:
    """The policy's places on each day (inf: unlimited), bounded by what the référents can
    hold when the cohort model says how many interviews an ETP holds a month (a behaviour,
    not a rule: it only delays starts)."""
    places = regle(regles, "places", debut, n, np.inf)
    charge = cohorte.entretiens.par_etp_par_mois
    etp = regle(regles, "etp", debut, n, np.inf)
    if charge is not None and np.isfinite(etp).any():
        intervalle = _duree(cohorte.entretiens.intervalle, debut, n, None)
        imax = _regle(regles, "rythme", debut, n)
        mois = np.where(intervalle.defini, intervalle.mois, imax.mois)
        jours = np.where(intervalle.defini, intervalle.jours, imax.jours)
        longueur = mois * MOIS + jours
        par_personne = np.where(longueur > 0, MOIS / np.maximum(longueur, 1e-9), 0.0)
        tenus = etp * serie(charge, debut, n, np.inf, "entretiens.par_etp_par_mois")
        places = np.minimum(places, np.where(par_personne > 0, tenus / par_personne, np.inf))
    return places


def _motifs_veille(regles: ReglesDatees, motifs: tuple[str, ...]) -> B:
    ouvrent = regles.fenetres[-1].veille_motifs
    return np.array([m in ouvrent for m in motifs], dtype=np.bool_)


def _arrivees(cohorte: CohorteDispositif, debut: int, n: int, ouvert: B, du: int) -> F64:
    arrivees = np.zeros(n, dtype=np.float64)
    for nom, flux in cohorte.arrivees.flux.items():
        if flux.par_an is not None:
            arrivees += serie(flux.par_an, debut, n, 0.0, f"arrivees.flux.{nom}.par_an") / 365.25
        else:
            arrivees += serie(flux.par_mois, debut, n, 0.0, f"arrivees.flux.{nom}.par_mois") / MOIS
    arrivees[: du - debut] = 0.0
    out: F64 = arrivees * ouvert
    return out


@dataclass(frozen=True)
class Depart:
    """Where a dispositif's arrays start: the stock's earliest démarrage, the stock's day (the
    kernel's first day, arrivals from it), how many people are accompanied on it."""

    debut: int
    jour_stock: int
    stock: float


def _anciennete(ident: str, regles: ReglesDatees, cohorte: CohorteDispositif, jour_stock: int) -> Duree:
    stock = cohorte.stock_initial
    anciennete = (
        None
        if stock is None or stock.anciennete_max is None
        else stock.anciennete_max.version_au(date_de(jour_stock))
    )
    if anciennete is not None:
        return anciennete.valeur
    en_vigueur = regles.au(date_de(jour_stock))
    return (en_vigueur.maximum if en_vigueur is not None else None) or _ANCIENNETE


def depart(
    ident: str, regles: ReglesDatees, cohorte: CohorteDispositif, du: int, stock: bool = True
) -> Depart:
    """Where the kernel starts for a run from ``du`` (see the module docstring).

    The latest version of ``stock_initial.effectif`` dated on or before ``du`` gives the
    kernel's first day: from a later ``du`` the days in between are a warm-up, simulated but
    before the period reported. ``stock=False`` (a run with a fixed number of arrivals) starts
    empty on ``du``.
    """
    param = None if cohorte.stock_initial is None else cohorte.stock_initial.effectif
    version = None if param is None or not stock else param.version_au(date_de(du))
    if version is None:
        return Depart(du, du, 0.0)
    jour_stock = du if version.debut is None else jour(version.debut)
    if version.valeur <= 0:
        return Depart(jour_stock, jour_stock, 0.0)
    mois, jours = en_mois_jours(_anciennete(ident, regles, cohorte, jour_stock))
    origine = int(ajouter(np.array([jour_stock], dtype=np.int64), -mois, -jours)[0])
    if regles.ouverture is not None:
        origine = max(origine, jour(regles.ouverture))
    if origine >= jour_stock:
        where = version.origine
        raise PolicyError(
            Problem(
                f"{ident} : {version.valeur:g} personnes déjà accompagnées le "
                f"{date_de(jour_stock).isoformat()}, mais le dispositif ouvre le "
                f"{date_de(origine).isoformat()}",
                fichier=where.fichier if where else None,
                ligne=where.ligne if where else None,
                colonne=where.colonne if where else None,
                chemin=f"dispositifs.{ident}.stock_initial.effectif",
                attendu="aucun stock avant l'ouverture du dispositif",
            )
        )
    return Depart(origine, jour_stock, float(version.valeur))


def _poursuite(cohorte: CohorteDispositif, dernier: int) -> bool:
    """Whether the accompaniments go on past the end of the convention (the cohort's
    ``sorties.fin_de_convention`` on the last day; its first version before its first date)."""
    param = cohorte.sorties.fin_de_convention
    if param is None or not param.versions:
        return False
    version = param.version_au(date_de(dernier)) or param.versions[0]
    return version.valeur == "poursuite"


def _veille_emploi(cohorte: CohorteDispositif, debut: int, n: int) -> tuple[F64, F64] | None:
    suivi = cohorte.veille
    if suivi is None:
        return None
    return (
        serie(suivi.en_emploi_apres_sortie_emploi, debut, n, None, "veille.en_emploi_apres_sortie_emploi"),
        serie(suivi.en_emploi_apres_autre_sortie, debut, n, None, "veille.en_emploi_apres_autre_sortie"),
    )


def _delais(cohorte: CohorteDispositif, debut: int, n: int) -> dict[str, F64]:
    delais: dict[str, F64] = {}
    for etape in ("prescription", "diagnostic_partage", "demarrage"):
        d = _duree(getattr(cohorte.delais, etape), debut, n, _DELAI)
        delais[etape] = (d.mois * MOIS + d.jours).astype(np.float64)
    return delais


def _politique(regles: ReglesDatees, debut: int, n: int) -> dict[str, Any]:
    """The policy's rules, day by day, read from its compiled rules (policies/rules.py)."""
    etapes = regles.dispositif.etapes
    ouvert_ = ouvert(regles, debut, n)
    fin = None
    if n:
        dernier = regles.au(date_de(debut + n - 1))
        fin = None if dernier is None or dernier.convention_fin is None else jour(dernier.convention_fin)
    return {
        "avant": tuple(ETAPE_EVENEMENT[e] for e in ETAPES_AVANT if e in etapes),
        "a_bilan": "bilan" in etapes,
        "a_reorientation": "reorientation" in etapes,
        "capacite_places": regle(regles, "places", debut, n, np.inf),
        "refus": regles.dispositif.capacite.si_complet == "refus",
        "ouvert": ouvert_,
        "fin_convention": fin,
        "cer": _regle(regles, "cer", debut, n, _CER),
        "renouvellements_max": regle(regles, "renouvellements_max", debut, n, -1.0).astype(np.int64),
        "maximum": _regle(regles, "maximum", debut, n),
        "intervalle_max": _regle(regles, "rythme", debut, n),
        "phase_demarrage": _regle(regles, "pendant", debut, n),
        "intervalle_demarrage": _regle(regles, "rythme_demarrage", debut, n),
        "veille": _regle(regles, "veille", debut, n),
    }


def compiler(
    ident: str, dispositif: Dispositif, cohorte: CohorteDispositif, du: int, jours: int, stock: bool = True
) -> Tableaux:
    """Compile one dispositif's rules and cohort behaviour for a run of ``jours`` days from ``du``.

    The policy's rules come from its compiled form, the same the engine applies; days the
    dispositif is not open (before its opening, outside its convention) nobody arrives. The
    arrays start before ``du`` for an initial stock or a warm-up (:func:`depart`).
    """
    regles = ReglesDatees(ident, dispositif)
    parti = depart(ident, regles, cohorte, du, stock)
    debut = parti.debut
    n = jours + du - debut
    politique = _politique(regles, debut, n)
    if _poursuite(cohorte, du + jours - 1):
        politique["fin_convention"] = None
    sorties = cohorte.sorties
    motifs = tuple(sorties.motifs)
    for motif in motifs:
        if motif not in dispositif.motifs_sortie:
            raise PolicyError(f"{ident} : motif de sortie « {motif} » non déclaré par la politique")
    labels, cumul = _mix(dict(sorties.motifs), debut, n, "sorties.motifs")
    en_cours = serie(sorties.en_cours_de_periode, debut, n, None, "sorties.en_cours_de_periode")
    del politique["capacite_places"]
    return Tableaux(
        ident=ident,
        debut=debut,
        n=n,
        du=parti.jour_stock,
        stock=parti.stock,
        capacite=_capacite(regles, cohorte, debut, n),
        motifs_veille=_motifs_veille(regles, motifs),
        arrivees_par_jour=_arrivees(cohorte, debut, n, politique["ouvert"], parti.jour_stock),
        delais=_delais(cohorte, debut, n),
        absence=serie(cohorte.entretiens.absence, debut, n, 0.0, "entretiens.absence"),
        intervalle=_duree(cohorte.entretiens.intervalle, debut, n, None),
        report=_duree(cohorte.entretiens.report, debut, n, _REPORT),
        en_cours=en_cours,
        en_premiere=en_cours
        if sorties.en_premiere_periode is None
        else serie(sorties.en_premiere_periode, debut, n, None, "sorties.en_premiere_periode"),
        au_bilan=serie(sorties.au_bilan, debut, n, None, "sorties.au_bilan"),
        reorientation=serie(sorties.reorientation, debut, n, 0.0, "sorties.reorientation")
        * politique["a_reorientation"],
        motifs=labels,
        parts_motifs=cumul,
        positifs=np.array([dispositif.motifs_sortie[m].positive for m in labels], dtype=np.bool_),
        emploi=np.array([dispositif.motifs_sortie[m].emploi for m in labels], dtype=np.bool_),
        veille_emploi=_veille_emploi(cohorte, debut, n),
        profil={
            var: _mix(dict(parts), debut, n, f"profil.{var}")
            for var, parts in cohorte.profil.variables().items()
            if var in PROFILS
        },
        calendrier=calendrier(debut, n),
        **politique,
    )
