"""A dispositif's rules and cohort behaviour compiled into day-by-day arrays for the kernel.

Everything the kernel needs is read once here from the policy (capacity, CER, renewals,
maximum, rhythm, veille, convention) and from the cohort model (arrivals, profile, delays,
no-shows, exit hazards and reasons), as numpy arrays indexed by the day's offset from the
first simulated day. Values absent from the cohort model take the simulator's stated defaults
(:data:`DEFAUTS`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from parcours.errors import PolicyError
from parcours.policies.cohorte import PROFILS, CohorteDispositif
from parcours.policies.durations import Duree
from parcours.policies.schema import Dispositif
from parcours.policies.versions import iter_params
from parcours.simulation._calendrier import Calendrier, jour
from parcours.simulation._series import serie, serie_duree

__all__ = ["AVANT", "DEFAUTS", "Regles", "compiler"]

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]
B = npt.NDArray[np.bool_]

#: Steps before démarrage, in order, and the event each one is journaled as.
AVANT: tuple[tuple[str, str], ...] = (
    ("reperage", "reperage"),
    ("prescription", "prescription"),
    ("diagnostic_partage", "diagnostic"),
)

#: The simulator's own assumptions, used when neither policy nor cohort model says.
DEFAUTS: dict[str, str] = {
    "delai": "7 jours entre deux étapes avant le démarrage",
    "cer": "périodes de 6 mois quand la politique ne fixe pas la durée du CER",
    "report": "7 jours avant le rendez-vous qui suit une absence",
    "absence": "aucune absence aux entretiens",
}
_DELAI = Duree(7, "jours")
_CER = Duree(6, "mois")
_REPORT = Duree(7, "jours")
MOIS = 365.25 / 12


@dataclass(frozen=True)
class Duree3:
    """A duration per day: calendar months, exact days, and whether it is defined."""

    mois: I64
    jours: I64
    defini: B


@dataclass(frozen=True)
class Regles:
    """One dispositif's rules and behaviour over the simulated days ``[debut, debut + n)``."""

    ident: str
    debut: int
    n: int
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
    au_bilan: F64
    reorientation: F64
    motifs: tuple[str, ...]
    parts_motifs: F64  # (n, k) cumulative shares
    positifs: B
    profil: dict[str, tuple[tuple[str, ...], F64]]  # variable → labels, cumulative shares (n, k)
    calendrier: Calendrier


def _duree(param: object, debut: int, n: int, defaut: Duree | None) -> Duree3:
    mois, jours, defini = serie_duree(param, debut, n, defaut)  # type: ignore[arg-type]
    return Duree3(mois, jours, defini)


def _mix(parts: dict[str, object], debut: int, n: int, nom: str) -> tuple[tuple[str, ...], F64]:
    labels = tuple(parts)
    if not labels:
        return labels, np.ones((n, 0), dtype=np.float64)
    shares = np.column_stack([serie(parts[k], debut, n, 0.0, f"{nom}.{k}") for k in labels])  # type: ignore[arg-type]
    totals = shares.sum(axis=1, keepdims=True)
    cumul = np.cumsum(shares / np.where(totals > 0, totals, 1.0), axis=1)
    cumul[:, -1] = 1.0
    return labels, cumul


def _capacite(dispositif: Dispositif, cohorte: CohorteDispositif, debut: int, n: int) -> F64:
    cap = dispositif.capacite
    places = serie(cap.places, debut, n, np.inf, "capacite.places")
    if cap.etp is not None and cap.portefeuille_par_etp is not None:
        etp = serie(cap.etp, debut, n, np.inf, "capacite.etp")
        places = np.minimum(places, etp * serie(cap.portefeuille_par_etp, debut, n, np.inf, "portefeuille"))
    charge = cohorte.entretiens.par_etp_par_mois
    if cap.etp is not None and charge is not None:
        etp = serie(cap.etp, debut, n, np.inf, "capacite.etp")
        intervalle = _duree(cohorte.entretiens.intervalle, debut, n, None)
        rythme = dispositif.rythme_entretiens
        imax = _duree(rythme.intervalle_max if rythme else None, debut, n, None)
        mois = np.where(intervalle.defini, intervalle.mois, imax.mois)
        jours = np.where(intervalle.defini, intervalle.jours, imax.jours)
        longueur = mois * MOIS + jours
        par_personne = np.where(longueur > 0, MOIS / np.maximum(longueur, 1e-9), 0.0)
        tenus = etp * serie(charge, debut, n, np.inf, "entretiens.par_etp_par_mois")
        places = np.minimum(places, np.where(par_personne > 0, tenus / par_personne, np.inf))
    return places


def premier_jour_juge(dispositif: Dispositif) -> int | None:
    """The first day every value the dispositif declares is in force (the engine refuses
    events dated earlier: they cannot be judged); ``None`` when some value has always been."""
    regles: list[object] = [
        dispositif.capacite,
        dispositif.duree,
        dispositif.rythme_entretiens,
        dispositif.veille,
    ]
    if dispositif.convention is not None:
        regles.append(dispositif.convention.fin)
    premiers = [
        jour(param.versions[0].debut)
        for node in regles
        for _, param in iter_params(node)
        if param.versions and param.versions[0].debut is not None
    ]
    return max(premiers) if premiers else None


def compiler(ident: str, dispositif: Dispositif, cohorte: CohorteDispositif, debut: int, n: int) -> Regles:
    """Compile one dispositif's rules and cohort behaviour over ``n`` days from day ``debut``.

    Days before every declared value is in force are closed: no one arrives then.
    """
    etapes = dispositif.etapes
    ouvert = np.ones(n, dtype=np.bool_)
    juge = premier_jour_juge(dispositif)
    if juge is not None:
        ouvert &= np.arange(debut, debut + n) >= juge
    fin: int | None = None
    if dispositif.convention is not None:
        conv = dispositif.convention
        days = np.arange(debut, debut + n)
        first = serie(conv.debut, debut, n, None, "convention.debut", lambda d: float(jour(d)))
        ouvert &= days >= first
        if conv.fin is not None:
            last = serie(conv.fin, debut, n, None, "convention.fin", lambda d: float(jour(d)))
            ouvert &= days <= last
            fin = int(last[-1]) if n else None
    rythme = dispositif.rythme_entretiens
    phase = rythme.au_demarrage if rythme is not None else None
    veille = dispositif.veille
    sorties = cohorte.sorties
    motifs = tuple(sorties.motifs)
    for motif in motifs:
        if motif not in dispositif.motifs_sortie:
            raise PolicyError(f"{ident} : motif de sortie « {motif} » non déclaré par la politique")
    labels, cumul = _mix(dict(sorties.motifs), debut, n, "sorties.motifs")
    if veille is None:
        motifs_veille = np.zeros(len(motifs), dtype=np.bool_)
    else:
        ouvrent = veille.motifs or tuple(k for k, m in dispositif.motifs_sortie.items() if m.emploi)
        motifs_veille = np.array([m in ouvrent for m in motifs], dtype=np.bool_)
    arrivees = np.zeros(n, dtype=np.float64)
    for nom, flux in cohorte.arrivees.flux.items():
        if flux.par_an is not None:
            arrivees += serie(flux.par_an, debut, n, 0.0, f"arrivees.flux.{nom}.par_an") / 365.25
        else:
            arrivees += serie(flux.par_mois, debut, n, 0.0, f"arrivees.flux.{nom}.par_mois") / MOIS
    arrivees *= ouvert
    delais: dict[str, F64] = {}
    for etape in ("prescription", "diagnostic_partage", "demarrage"):
        d = _duree(getattr(cohorte.delais, etape), debut, n, _DELAI)
        delais[etape] = (d.mois * MOIS + d.jours).astype(np.float64)
    renouv = serie(dispositif.duree.renouvellements_max, debut, n, -1.0, "renouvellements_max")
    return Regles(
        ident=ident,
        debut=debut,
        n=n,
        avant=tuple(evt for etape, evt in AVANT if etape in etapes),
        a_bilan="bilan" in etapes,
        a_reorientation="reorientation" in etapes,
        capacite=_capacite(dispositif, cohorte, debut, n),
        refus=dispositif.capacite.si_complet == "refus",
        ouvert=ouvert,
        fin_convention=fin,
        cer=_duree(dispositif.duree.cer, debut, n, _CER),
        renouvellements_max=renouv.astype(np.int64),
        maximum=_duree(dispositif.duree.maximum, debut, n, None),
        intervalle_max=_duree(rythme.intervalle_max if rythme else None, debut, n, None),
        phase_demarrage=_duree(phase.pendant if phase else None, debut, n, None),
        intervalle_demarrage=_duree(phase.intervalle_max if phase else None, debut, n, None),
        veille=_duree(veille.duree if veille else None, debut, n, None),
        motifs_veille=motifs_veille,
        arrivees_par_jour=arrivees,
        delais=delais,
        absence=serie(cohorte.entretiens.absence, debut, n, 0.0, "entretiens.absence"),
        intervalle=_duree(cohorte.entretiens.intervalle, debut, n, None),
        report=_duree(cohorte.entretiens.report, debut, n, _REPORT),
        en_cours=serie(sorties.en_cours_de_periode, debut, n, None, "sorties.en_cours_de_periode"),
        au_bilan=serie(sorties.au_bilan, debut, n, None, "sorties.au_bilan"),
        reorientation=serie(sorties.reorientation, debut, n, 0.0, "sorties.reorientation")
        * ("reorientation" in etapes),
        motifs=labels,
        parts_motifs=cumul,
        positifs=np.array([dispositif.motifs_sortie[m].positive for m in labels], dtype=np.bool_),
        profil={
            var: _mix(dict(parts), debut, n, f"profil.{var}")
            for var, parts in cohorte.profil.variables().items()
            if var in PROFILS
        },
        calendrier=Calendrier(debut, n),
    )
