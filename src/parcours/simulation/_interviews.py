"""Follow-up interviews, by rounds: the k-th interview of every open accompaniment at once.

Interviews are planned at the cohort's interval (by default the policy's maximum interval,
the stricter one during the first phase ``au_demarrage``); an absence moves the next
rendez-vous ``report`` days later. A deadline falls ``intervalle_max`` after the last interview
held (the démarrage is the first); an interview held after it, or the accompaniment's end,
counts one missed deadline, and the next deadline is one interval after the missed one.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from parcours.simulation._random import uniformes_compteur
from parcours.simulation.tables import Duree3, Tableaux

__all__ = ["EntretiensSimules", "simuler_entretiens"]

I64 = npt.NDArray[np.int64]
I32 = npt.NDArray[np.int32]


@dataclass(frozen=True)
class EntretiensSimules:
    """Per dossier counts, and when asked the interviews themselves (columnar)."""

    nombre: I32
    absences: I32
    echeances_manquees: I32
    dossier: I64 | None = None
    jour: I64 | None = None
    present: npt.NDArray[np.bool_] | None = None


Par = tuple[I64, I64, npt.NDArray[np.bool_]]  # per dossier: months, days, defined


def _par_dossier(d: Duree3, off: I64) -> Par:
    return d.mois[off], d.jours[off], d.defini[off]


def _ou(x: Par, y: Par) -> Par:
    """``x`` where defined, else ``y``."""
    return np.where(x[2], x[0], y[0]), np.where(x[2], x[1], y[1]), x[2] | y[2]


def _court(x: Par, y: Par) -> Par:
    """The shorter of two durations, each taken where defined."""
    lx = np.where(x[2], x[0] * 30.4375 + x[1], np.inf)
    ly = np.where(y[2], y[0] * 30.4375 + y[1], np.inf)
    use_x = lx <= ly
    return np.where(use_x, x[0], y[0]), np.where(use_x, x[1], y[1]), x[2] | y[2]


def _selon(phase: npt.NDArray[np.bool_], a: Par, b: Par, v: I64) -> tuple[I64, I64]:
    return np.where(phase, a[0][v], b[0][v]), np.where(phase, a[1][v], b[1][v])


def simuler_entretiens(
    regles: Tableaux,
    cle: np.uint64,
    demarrage: I64,
    sortie: I64,
    fin: int,
    garder: bool,
) -> EntretiensSimules:
    """Interviews of every started dossier between its démarrage and ``min(sortie, fin + 1)``."""
    n = demarrage.shape[0]
    nombre = np.zeros(n, dtype=np.int32)
    absences = np.zeros(n, dtype=np.int32)
    manquees = np.zeros(n, dtype=np.int32)
    actifs = np.flatnonzero(demarrage >= 0)
    if actifs.size == 0:
        return EntretiensSimules(nombre, absences, manquees)
    s = demarrage[actifs]
    off = s - regles.debut
    borne = np.minimum(sortie[actifs], fin + 1)
    imax = _par_dossier(regles.intervalle_max, off)
    phase_int = _par_dossier(regles.intervalle_demarrage, off)
    plan = _ou(_par_dossier(regles.intervalle, off), imax)
    plan_phase = _court(plan, phase_int)
    max_phase = _ou(phase_int, imax)
    a_max = imax[2]
    phase_len = _par_dossier(regles.phase_demarrage, off)
    fin_phase = np.where(phase_len[2], regles.calendrier.ajouter(s, phase_len[0], phase_len[1]), s)
    absence = regles.absence[off]
    report = np.maximum(regles.report.mois[off] * 30 + regles.report.jours[off], 1)
    tous = np.arange(off.size)
    en_phase = s < fin_phase
    echeance = regles.calendrier.ajouter(s, *_selon(en_phase, max_phase, imax, tous))
    echeance_finale = echeance.copy()
    t = regles.calendrier.ajouter(s, *_selon(en_phase, plan_phase, plan, tous))
    vivants = np.flatnonzero(plan[2] & (t > s) & (t < borne))
    t = t[vivants]
    echeance_v = echeance[vivants]
    jours: list[I64] = []
    dossiers: list[I64] = []
    presents: list[npt.NDArray[np.bool_]] = []
    tour = 0
    while vivants.size:
        idx = actifs[vivants]
        present = uniformes_compteur(cle, idx, tour) >= absence[vivants]
        if garder:
            jours.append(t)
            dossiers.append(idx)
            presents.append(present)
        nombre[idx] += 1
        absences[idx] += ~present
        en_retard = a_max[vivants] & (t > echeance_v)
        manquees[idx] += en_retard
        en_phase = t < fin_phase[vivants]
        m_max, j_max = _selon(en_phase, max_phase, imax, vivants)
        apres_retard = np.where(en_retard, regles.calendrier.ajouter(echeance_v, m_max, j_max), echeance_v)
        echeance_v = np.where(present, regles.calendrier.ajouter(t, m_max, j_max), apres_retard)
        m_pl, j_pl = _selon(en_phase, plan_phase, plan, vivants)
        suivant = np.where(present, regles.calendrier.ajouter(t, m_pl, j_pl), t + report[vivants])
        echeance_finale[vivants] = echeance_v
        garde = suivant < borne[vivants]
        vivants, t, echeance_v = vivants[garde], suivant[garde], echeance_v[garde]
        tour += 1
    manquees[actifs] += a_max & (echeance_finale < borne)
    if not garder:
        return EntretiensSimules(nombre, absences, manquees)
    return EntretiensSimules(
        nombre,
        absences,
        manquees,
        np.concatenate(dossiers) if dossiers else np.zeros(0, np.int64),
        np.concatenate(jours) if jours else np.zeros(0, np.int64),
        np.concatenate(presents) if presents else np.zeros(0, np.bool_),
    )
