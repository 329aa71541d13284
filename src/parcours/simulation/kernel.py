"""The vectorised kernel: every dossier of a dispositif at once, by event-time jumps.

Instead of moving all dossiers one day at a time, the kernel draws, for all dossiers at once,
the dates of their next event: arrival, each step before démarrage, démarrage (through the
capacity queue, the only part that couples dossiers and the only day loop), the end of the
accompaniment and its bilans, then interviews round by round. The cost is a few numpy passes
per event of a parcours rather than per simulated day (see benchmarks/simulation.py).

The result is columnar (:class:`Trajectoires`): one array per fact, one entry per dossier;
events and aggregates are read from it. The first ``stock`` dossiers are the initial stock
(people already accompanied on the run's first day, :mod:`parcours.simulation._stock`),
ready on their démarrage day; the others arrive from the first day on.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from parcours.simulation._exits import Tirages, tirer_issues
from parcours.simulation._interviews import EntretiensSimules, simuler_entretiens
from parcours.simulation._queue import demarrer
from parcours.simulation._random import Aleas
from parcours.simulation._stock import tirer_stock
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
    stock: int = 0  # the first ``stock`` dossiers were already accompanied on the first day
    veille_emploi: npt.NDArray[np.bool_] | None = None  # in work at the veille point (None: not drawn)

    @property
    def n(self) -> int:
        return int(self.arrivee.shape[0])


def _poisson(taux: npt.NDArray[np.float64], rng: np.random.Generator) -> I64:
    """Arrival days of a Poisson process of daily rates ``taux`` (offsets into the arrays).

    Arrivals are the points of a unit-rate process (sums of exponential gaps) mapped through
    the cumulative rate: each day's count is Poisson with that day's rate, as ``rng.poisson``
    would give, and on the same seed a change of rate moves arrivals rather than redrawing
    them (a calibration compares nearby rates on common random numbers).
    """
    cumul = np.cumsum(taux)
    total = float(cumul[-1]) if cumul.size else 0.0
    if total <= 0:
        return np.zeros(0, dtype=np.int64)
    points: list[npt.NDArray[np.float64]] = []
    fin = 0.0
    while fin <= total:
        lot = fin + np.cumsum(rng.standard_exponential(int(total - fin + 6 * np.sqrt(total) + 16)))
        points.append(lot)
        fin = float(lot[-1])
    tous = np.concatenate(points)
    out: I64 = np.searchsorted(cumul, tous[tous <= total], side="left").astype(np.int64)
    return out


def _arrivees(
    regles: Tableaux, rng: np.random.Generator, dossiers: int | None, proportionnelle: bool
) -> tuple[I64, float]:
    taux = regles.arrivees_par_jour
    attendu = float(taux.sum())
    if dossiers is None:
        return _poisson(taux, rng) + regles.debut, 1.0
    else:
        if attendu <= 0:
            comptes = np.zeros(regles.n, dtype=np.int64)
            nombre = regles.n - (regles.du - regles.debut)
            if dossiers:
                comptes[regles.du - regles.debut :] = rng.multinomial(dossiers, np.full(nombre, 1.0 / nombre))
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

    def effacer(self, idx: I64) -> None:
        """Forget the exits drawn for ``idx`` (the queue found they could not start then)."""
        self.sortie[idx] = -1
        self.periodes[idx] = 0
        self.au_bilan[idx] = False
        self.force[idx] = 0
        self.reoriente[idx] = False
        self.motif[idx] = -1


def _fin_veille(regles: Tableaux, fins: _Fins) -> I64:
    """The end of the veille after an exit whose motif opens it (the duration in force on the
    exit day, as the engine reads it); -1 without veille."""
    fin_veille = np.full(fins.sortie.shape[0], -1, dtype=np.int64)
    if regles.motifs_veille.any():
        veille = (fins.sortie >= 0) & ~fins.reoriente & regles.motifs_veille[np.maximum(fins.motif, 0)]
        idx = np.flatnonzero(veille)
        mois, jours = regles.veille.mois, regles.veille.jours
        if (mois == mois[0]).all() and (jours == jours[0]).all():  # one duration: no gather
            fin_veille[idx] = regles.calendrier.ajouter(fins.sortie[idx], mois[0], jours[0])
        else:
            off = np.clip(fins.sortie[idx] - regles.debut, 0, regles.n - 1)
            fin_veille[idx] = regles.calendrier.ajouter(fins.sortie[idx], mois[off], jours[off])
    return fin_veille


def _veille_emploi(
    regles: Tableaux, fins: _Fins, fin_veille: I64, rng: np.random.Generator
) -> npt.NDArray[np.bool_] | None:
    """Who is found in work at the veille point (drawn only when the cohort says how often)."""
    if regles.veille_emploi is None:
        return None
    apres_emploi, apres_autre = regles.veille_emploi
    u = rng.random(int(fin_veille.shape[0]))
    off = np.clip(fins.sortie - regles.debut, 0, regles.n - 1)
    emploi = regles.emploi[np.maximum(fins.motif, 0)] if regles.emploi.size else np.zeros(u.shape, np.bool_)
    part = np.where(emploi, apres_emploi[off], apres_autre[off])
    out: npt.NDArray[np.bool_] = (fin_veille >= 0) & (u < part)
    return out


def _avec_stock(
    regles: Tableaux, aleas: Aleas, arrivee: I64, etapes: I64, pret: I64, tirages: Tirages
) -> tuple[I64, I64, I64, Tirages, int]:
    """The initial stock put before the arrivals: ready (and every earlier step) on its démarrage day."""
    jours, tirages_stock = tirer_stock(regles, aleas.generateur("stock"))
    if jours.size == 0:
        return arrivee, etapes, pret, tirages, 0
    etapes_stock = np.broadcast_to(jours, (etapes.shape[0], jours.size))
    return (
        np.concatenate([jours, arrivee]),
        np.concatenate([etapes_stock, etapes], axis=1),
        np.concatenate([jours, pret]),
        Tirages.concatener([tirages_stock, tirages]),
        int(jours.size),
    )


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
    tirages = Tirages.tirer(aleas.generateur("sorties"), arrivee.shape[0])
    arrivee, etapes, pret, tirages, stock = _avec_stock(regles, aleas, arrivee, etapes, pret, tirages)
    fins = _Fins.vides(regles, tirages, fin, arrivee.shape[0])
    demarrage, refuse = demarrer(regles, pret, echelle, fins)
    fin_veille = _fin_veille(regles, fins)
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
        fin_veille=fin_veille,
        profil=_profils(regles, aleas, arrivee),
        entretiens=suivis,
        stock=stock,
        veille_emploi=_veille_emploi(regles, fins, fin_veille, aleas.generateur("veille")),
    )
