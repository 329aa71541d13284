"""How an accompaniment ends, drawn for a batch of dossiers the day they start.

Per CER period a person leaves with probability ``q`` (constant hazard within the period;
``q0`` in the first period, where early leavers go); at the period's bilan, with probability
``b``, else the CER is renewed. The number of periods
fully lived is therefore geometric, drawn from one uniform; a second says whether the exit
falls within the period or at its bilan, a third when within the period. The policy then
bounds it: at most ``renouvellements_max`` renewals (the last bilan is an exit), the maximum
duration, the end of the convention. Periods are counted from the démarrage date itself
(``démarrage + k × CER``), as the policy language computes deadlines from the date that starts
them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from parcours.simulation.tables import Tableaux

__all__ = ["FORCE_BILAN", "FORCE_CONVENTION", "FORCE_MAXIMUM", "Issues", "Tirages", "tirer_issues"]

I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]

FORCE_BILAN = 1  # no renewal left: the last bilan ends the accompaniment
FORCE_MAXIMUM = 2  # maximum duration reached
FORCE_CONVENTION = 3  # end of the convention
_CHAMPS = ("periodes", "type", "moment", "reorientation", "motif")


@dataclass(frozen=True)
class Tirages:
    """The per-dossier uniforms of the exit process, drawn once (common random numbers)."""

    periodes: F64
    type: F64
    moment: F64
    reorientation: F64
    motif: F64

    @classmethod
    def tirer(cls, rng: np.random.Generator, n: int) -> Tirages:
        draws = rng.random((5, n))
        return cls(1.0 - draws[0], draws[1], draws[2], draws[3], draws[4])

    def choisir(self, idx: I64) -> Tirages:
        """The draws of the dossiers ``idx``, in that order."""
        return Tirages(
            self.periodes[idx], self.type[idx], self.moment[idx], self.reorientation[idx], self.motif[idx]
        )

    @classmethod
    def concatener(cls, parts: list[Tirages]) -> Tirages:
        """The draws of several groups of dossiers, one after the other."""
        return cls(*(np.concatenate([getattr(p, f) for p in parts]) for f in _CHAMPS))


@dataclass(frozen=True)
class Issues:
    """The end of each dossier of a batch."""

    sortie: I64  # exit day (may lie after the simulated period: then not yet observed)
    periodes: I64  # period ends (bilans) up to the exit day; renewals = periodes - au_bilan
    au_bilan: npt.NDArray[np.bool_]  # the exit happens at a period's bilan
    force: npt.NDArray[np.int8]
    reoriente: npt.NDArray[np.bool_]
    motif: npt.NDArray[np.int16]  # index in regles.motifs, -1 for a réorientation


def fin_de_periode(regles: Tableaux, demarrage: I64 | int, off: I64 | int, k: I64) -> I64:
    """The day period ``k`` (0-based) of a dossier started on ``demarrage`` ends (its bilan)."""
    return regles.calendrier.ajouter(
        demarrage, regles.cer.mois[off] * (k + 1), regles.cer.jours[off] * (k + 1)
    )


def periodes_avant(regles: Tableaux, demarrage: I64, off: I64, jour: I64) -> I64:
    """How many period ends fall on or before ``jour``."""
    longueur = np.maximum(regles.cer.mois[off] * 30.4375 + regles.cer.jours[off], 1.0)
    m = np.maximum(np.floor((jour - demarrage) / longueur).astype(np.int64), 0)
    for _ in range(64):
        trop = (m > 0) & (fin_de_periode(regles, demarrage, off, m - 1) > jour)
        manque = fin_de_periode(regles, demarrage, off, m) <= jour
        if not (trop.any() or manque.any()):
            break
        m = m - trop + manque
    out: I64 = m
    return out


def _renouvellements_permis(
    regles: Tableaux, demarrage: I64 | int, off: I64 | int, plafond: int, n: int
) -> I64:
    """How many renewals each dossier may have, judged as the engine does: renewal ``j + 1``
    falls on the bilan ending period ``j`` and needs ``j`` < renouvellements_max in force on
    that day (-1: unlimited)."""
    serie = regles.renouvellements_max
    if serie.min() == serie.max():  # one value over the whole run: no need to date each renewal
        seul = int(serie[0])
        return np.full(n, seul if seul >= 0 else plafond, dtype=np.int64)
    dernier = np.full(n, plafond, dtype=np.int64)
    libre = np.ones(n, dtype=np.bool_)
    for j in range(int(serie.max()) + 1):
        jour = fin_de_periode(regles, demarrage, off, np.full(n, j, dtype=np.int64))
        r = serie[np.clip(jour - regles.debut, 0, serie.shape[0] - 1)]
        bloque = libre & (r >= 0) & (j >= r)
        dernier[bloque] = j
        libre &= ~bloque
    return dernier


def _un_jour_si_constant(regles: Tableaux, off: I64 | int) -> I64 | int:
    """One day's offset for a batch whose démarrage days all have the same rules and behaviour
    (the queue judges blocks of days at once): every value is then read as a scalar, as for a
    batch that starts on a single day, instead of gathered dossier by dossier."""
    if np.ndim(off) == 0:
        return off
    tableau = np.asarray(off)
    if tableau.size == 0:
        return tableau
    lo, hi = int(tableau.min()), int(tableau.max())
    if lo == hi:
        return lo
    series = (
        regles.en_cours,
        regles.en_premiere,
        regles.au_bilan,
        regles.reorientation,
        regles.renouvellements_max,
        regles.cer.mois,
        regles.cer.jours,
        regles.maximum.mois,
        regles.maximum.jours,
        regles.maximum.defini,
        regles.parts_motifs,
    )
    for serie in series:
        tranche = serie[lo : hi + 1]
        if not (tranche == tranche[0]).all():
            return off
    return lo


def _part_en_cours(q: F64, b: F64) -> F64:
    """Of the exits of a period, the share that happens within it rather than at its bilan."""
    survie = (1.0 - q) * (1.0 - b)
    with np.errstate(divide="ignore", invalid="ignore"):
        out: F64 = np.where(survie < 1.0, q / (1.0 - survie), 0.0)
    return out


def _log_survie(q: F64) -> F64:
    out: F64 = np.log1p(-np.minimum(q, 1 - 1e-12))
    return out


def _periodes_vecues(u: F64, q0: F64, q: F64, b: F64, plafond: int) -> I64:
    """How many whole periods each person lives before the one they leave in (geometric, from
    one uniform ``u`` in (0, 1]): the first period has its own in-period hazard ``q0``."""
    survie0 = (1.0 - q0) * (1.0 - b)
    survie = (1.0 - q) * (1.0 - b)
    with np.errstate(divide="ignore", invalid="ignore"):
        # survie == 0: log is -inf and the ratio 0 (exit in the next period), never NaN.
        ratio = np.log(u / np.maximum(survie0, 1e-300)) / np.log(np.minimum(survie, 1.0 - 1e-15))
    suite = np.where(survie < 1.0, np.minimum(1.0 + np.floor(ratio), plafond), plafond)
    out: I64 = np.where(u > survie0, 0, suite).astype(np.int64)
    return out


def tirer_issues(regles: Tableaux, tirages: Tirages, idx: I64, demarrage: I64 | int, horizon: int) -> Issues:
    """Draw the end of the accompaniments of dossiers ``idx`` started on ``demarrage``.

    ``demarrage`` is one day per dossier, or a single day for the whole batch (the capacity
    queue starts a batch per day): then every rule is a scalar and the batch is cheap.
    """
    off = _un_jour_si_constant(regles, demarrage - regles.debut)
    q = regles.en_cours[off]
    q0 = regles.en_premiere[off]
    b = regles.au_bilan[off]
    plafond = horizon - regles.debut + 2  # a period lasts at least a day: beyond, unobserved
    k_brut = _periodes_vecues(tirages.periodes[idx], q0, q, b, plafond)
    dernier = _renouvellements_permis(regles, demarrage, off, plafond, idx.shape[0])
    force = np.where(k_brut > dernier, FORCE_BILAN, 0).astype(np.int8)
    k = np.minimum(k_brut, dernier)
    premiere = k == 0
    q_k = np.where(premiere, q0, q)
    p_milieu = np.where(premiere, _part_en_cours(q0, b), _part_en_cours(q, b))
    milieu = (force == 0) & (tirages.type[idx] < p_milieu)
    debut_k = regles.calendrier.ajouter(demarrage, regles.cer.mois[off] * k, regles.cer.jours[off] * k)
    fin_k = fin_de_periode(regles, demarrage, off, k)
    longueur = fin_k - debut_k
    with np.errstate(divide="ignore", invalid="ignore"):
        echelle = np.where(premiere, _log_survie(q0), _log_survie(q))
        fraction = np.where(q_k > 0, np.log1p(-tirages.moment[idx] * q_k) / echelle, 0.0)
    decalage = np.clip(np.floor(fraction * longueur).astype(np.int64), 1, np.maximum(longueur - 1, 1))
    sortie = np.where(milieu, debut_k + decalage, fin_k)
    # A mid-period exit falls strictly inside period k; a bilan exit ends it.
    m = np.where(milieu, k, k + 1)
    plafonne = np.zeros(idx.shape[0], dtype=np.bool_)
    if regles.maximum.defini.any():
        limite = regles.calendrier.ajouter(demarrage, regles.maximum.mois[off], regles.maximum.jours[off])
        depasse = regles.maximum.defini[off] & (sortie > limite)
        sortie = np.where(depasse, limite, sortie)
        force = np.where(depasse, FORCE_MAXIMUM, force).astype(np.int8)
        plafonne |= depasse
    if regles.fin_convention is not None:
        depasse = sortie > regles.fin_convention
        sortie = np.where(depasse, np.maximum(regles.fin_convention, demarrage), sortie)
        force = np.where(depasse, FORCE_CONVENTION, force).astype(np.int8)
        plafonne |= depasse
    au_bilan = ~milieu
    if plafonne.any():
        c = np.flatnonzero(plafonne)
        d_c = np.broadcast_to(demarrage, idx.shape)[c]
        off_c = d_c - regles.debut
        m[c] = periodes_avant(regles, d_c, off_c, sortie[c])
        au_bilan[c] = (m[c] >= 1) & (fin_de_periode(regles, d_c, off_c, np.maximum(m[c] - 1, 0)) == sortie[c])
    reoriente = tirages.reorientation[idx] < regles.reorientation[off]
    cumul = regles.parts_motifs[off]
    motif = np.minimum((tirages.motif[idx][:, None] >= cumul).sum(axis=1), cumul.shape[-1] - 1)
    return Issues(
        sortie=sortie,
        periodes=m,
        au_bilan=au_bilan,
        force=force,
        reoriente=reoriente,
        motif=np.where(reoriente, -1, motif).astype(np.int16),
    )
