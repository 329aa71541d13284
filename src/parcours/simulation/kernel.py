"""The vectorised kernel: every dossier of a dispositif at once, by event-time jumps.

Instead of moving all dossiers one day at a time, the kernel draws, for all dossiers at once,
the dates of their next event: arrival, each step before démarrage, démarrage (through the
capacity queue, the only part that couples dossiers and the only day loop), the end of the
accompaniment and its bilans, then interviews round by round. The cost is a few numpy passes
per event of a parcours rather than per simulated day (see benchmarks/simulation.py).

The result is columnar (:class:`Trajectoires`): one array per fact, one entry per dossier;
events and aggregates are read from it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from parcours.simulation._exits import Tirages, tirer_issues
from parcours.simulation._interviews import EntretiensSimules, simuler_entretiens
from parcours.simulation._queue import demarrer
from parcours.simulation._random import Aleas
from parcours.simulation.tables import Tableaux
from parcours.vocabulary import EVENEMENT_ETAPE

__all__ = ["Trajectoires", "simuler_dispositif"]

I64 = npt.NDArray[np.int64]


@dataclass
class Trajectoires:
    """The simulated dossiers of one dispositif, one array entry per dossier (days as numbers)."""

    regles: Tableaux
    fin: int  # last simulated day: later events are not observed
    echelle: float  # capacity scale (dossiers asked / expected arrivals)
    arrivee: I64
    etapes: I64  # (len(regles.avant), n): day of each step before démarrage
    pret: I64  # ready to start
    demarrage: I64  # -1: not started within the period
    refuse: npt.NDArray[np.bool_]
    sortie: I64  # exit day (-1: not started); after ``fin``: not observed
    periodes: I64
    au_bilan: npt.NDArray[np.bool_]
    force: npt.NDArray[np.int8]
    reoriente: npt.NDArray[np.bool_]
    motif: npt.NDArray[np.int16]
    fin_veille: I64  # -1: no veille
    profil: dict[str, npt.NDArray[np.int8]] = field(default_factory=dict)
    entretiens: EntretiensSimules | None = None

    @property
    def n(self) -> int:
        return int(self.arrivee.shape[0])


def _arrivees(
    regles: Tableaux, rng: np.random.Generator, dossiers: int | None, proportionnelle: bool
) -> tuple[I64, float]:
    taux = regles.arrivees_par_jour
    attendu = float(taux.sum())
    if dossiers is None:
        comptes = rng.poisson(taux)
        echelle = 1.0
    else:
        if attendu <= 0:
            comptes = np.zeros(regles.n, dtype=np.int64)
            if dossiers:
                comptes = rng.multinomial(dossiers, np.full(regles.n, 1.0 / regles.n))
        else:
            comptes = rng.multinomial(dossiers, taux / attendu)
        echelle = dossiers / attendu if attendu > 0 and proportionnelle else 1.0
    jours = np.repeat(np.arange(regles.debut, regles.debut + regles.n, dtype=np.int64), comptes)
    return jours, echelle


def _profils(regles: Tableaux, aleas: Aleas, arrivee: I64) -> dict[str, npt.NDArray[np.int8]]:
    """Each dossier's profile, drawn on arrival."""
    profil: dict[str, npt.NDArray[np.int8]] = {}
    rng = aleas.generateur("profil")
    off = arrivee - regles.debut
    for var, (_labels, cumul) in regles.profil.items():
        u = rng.random(int(arrivee.shape[0]))
        codes = (u[:, None] >= cumul[off]).sum(axis=1)
        profil[var] = np.minimum(codes, cumul.shape[1] - 1).astype(np.int8)
    return profil


def _avant(regles: Tableaux, aleas: Aleas, arrivee: I64) -> tuple[I64, I64]:
    """(day of each step before démarrage, day ready to start): exponential delays."""
    n = arrivee.shape[0]
    expo = aleas.generateur("delais").standard_exponential((4, n))
    etapes = np.empty((len(regles.avant), n), dtype=np.int64)
    jour = arrivee
    for i, evt in enumerate(regles.avant):
        if i > 0:
            moyenne = regles.delais[EVENEMENT_ETAPE[evt]][np.minimum(jour - regles.debut, regles.n - 1)]
            jour = jour + np.rint(expo[i] * moyenne).astype(np.int64)
        etapes[i] = jour
    if regles.avant:
        moyenne = regles.delais["demarrage"][np.minimum(jour - regles.debut, regles.n - 1)]
        jour = jour + np.rint(expo[3] * moyenne).astype(np.int64)
    return etapes, jour


@dataclass
class _Fins:
    """The end of each dossier's accompaniment, filled batch by batch as dossiers start."""

    regles: Tableaux
    tirages: Tirages
    fin: int
    sortie: I64
    periodes: I64
    au_bilan: npt.NDArray[np.bool_]
    force: npt.NDArray[np.int8]
    reoriente: npt.NDArray[np.bool_]
    motif: npt.NDArray[np.int16]

    @classmethod
    def vides(cls, regles: Tableaux, tirages: Tirages, fin: int, n: int) -> _Fins:
        return cls(
            regles,
            tirages,
            fin,
            sortie=np.full(n, -1, dtype=np.int64),
            periodes=np.zeros(n, dtype=np.int64),
            au_bilan=np.zeros(n, dtype=np.bool_),
            force=np.zeros(n, dtype=np.int8),
            reoriente=np.zeros(n, dtype=np.bool_),
            motif=np.full(n, -1, dtype=np.int16),
        )

    def tirer(self, idx: I64, debut: I64 | int) -> I64:
        """Draw the exits of dossiers ``idx`` starting on ``debut``; their exit days."""
        res = tirer_issues(self.regles, self.tirages, idx, debut, self.fin)
        self.sortie[idx] = res.sortie
        self.periodes[idx] = res.periodes
        self.au_bilan[idx] = res.au_bilan
        self.force[idx] = res.force
        self.reoriente[idx] = res.reoriente
        self.motif[idx] = res.motif
        return res.sortie


def _fin_veille(regles: Tableaux, fins: _Fins) -> I64:
    """The end of the veille after an exit whose motif opens it (the duration in force on the
    exit day, as the engine reads it); -1 without veille."""
    fin_veille = np.full(fins.sortie.shape[0], -1, dtype=np.int64)
    if regles.motifs_veille.any():
        veille = (fins.sortie >= 0) & ~fins.reoriente & regles.motifs_veille[np.maximum(fins.motif, 0)]
        idx = np.flatnonzero(veille)
        off = np.clip(fins.sortie[idx] - regles.debut, 0, regles.n - 1)
        fin_veille[idx] = regles.calendrier.ajouter(
            fins.sortie[idx], regles.veille.mois[off], regles.veille.jours[off]
        )
    return fin_veille


def simuler_dispositif(
    regles: Tableaux,
    aleas: Aleas,
    dossiers: int | None = None,
    *,
    entretiens: bool = True,
    garder_entretiens: bool = False,
    capacite_proportionnelle: bool = False,
) -> Trajectoires:
    """Simulate the dispositif's parcours from ``regles.debut`` for ``regles.n`` days.

    ``dossiers`` fixes the number of arrivals (their dates follow the cohort's rates);
    ``None`` draws a Poisson number of arrivals at the cohort's rates. The capacity is the
    policy's, unless ``capacite_proportionnelle`` scales it by dossiers / expected arrivals
    (national-scale "what if" runs; such events no longer replay under the policy itself).
    """
    fin = regles.debut + regles.n - 1
    arrivee, echelle = _arrivees(regles, aleas.generateur("arrivees"), dossiers, capacite_proportionnelle)
    etapes, pret = _avant(regles, aleas, arrivee)
    fins = _Fins.vides(
        regles, Tirages.tirer(aleas.generateur("sorties"), arrivee.shape[0]), fin, arrivee.shape[0]
    )
    demarrage, refuse = demarrer(regles, pret, echelle, fins.tirer)
    suivis = None
    if entretiens:
        suivis = simuler_entretiens(
            regles, aleas.cle("entretiens"), demarrage, fins.sortie, fin, garder_entretiens
        )
    return Trajectoires(
        regles=regles,
        fin=fin,
        echelle=echelle,
        arrivee=arrivee,
        etapes=etapes,
        pret=pret,
        demarrage=demarrage,
        refuse=refuse,
        sortie=fins.sortie,
        periodes=fins.periodes,
        au_bilan=fins.au_bilan,
        force=fins.force,
        reoriente=fins.reoriente,
        motif=fins.motif,
        fin_veille=_fin_veille(regles, fins),
        profil=_profils(regles, aleas, arrivee),
        entretiens=suivis,
    )
