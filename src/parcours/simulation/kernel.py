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
    n = int(arrivee.shape[0])
    off_arr = arrivee - regles.debut
    # Profile (drawn on arrival).
    profil: dict[str, npt.NDArray[np.int8]] = {}
    rng_profil = aleas.generateur("profil")
    for var, (_labels, cumul) in regles.profil.items():
        u = rng_profil.random(n)
        codes = (u[:, None] >= cumul[off_arr]).sum(axis=1)
        profil[var] = np.minimum(codes, cumul.shape[1] - 1).astype(np.int8)
    # Steps before démarrage, each after an exponential delay.
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
    pret = jour
    # Capacity queue and exits.
    tirages = Tirages.tirer(aleas.generateur("sorties"), n)
    sortie = np.full(n, -1, dtype=np.int64)
    periodes = np.zeros(n, dtype=np.int64)
    au_bilan = np.zeros(n, dtype=np.bool_)
    force = np.zeros(n, dtype=np.int8)
    reoriente = np.zeros(n, dtype=np.bool_)
    motif = np.full(n, -1, dtype=np.int16)

    def issue(idx: I64, debut: I64 | int) -> I64:
        res = tirer_issues(regles, tirages, idx, debut, fin)
        sortie[idx] = res.sortie
        periodes[idx] = res.periodes
        au_bilan[idx] = res.au_bilan
        force[idx] = res.force
        reoriente[idx] = res.reoriente
        motif[idx] = res.motif
        return res.sortie

    demarrage, refuse = demarrer(regles, pret, echelle, issue)
    # Veille after an exit with a reason that opens it.
    fin_veille = np.full(n, -1, dtype=np.int64)
    if regles.motifs_veille.any():
        veille = (sortie >= 0) & ~reoriente & regles.motifs_veille[np.maximum(motif, 0)]
        idx = np.flatnonzero(veille)
        off = np.minimum(demarrage[idx] - regles.debut, regles.n - 1)
        fin_veille[idx] = regles.calendrier.ajouter(
            sortie[idx], regles.veille.mois[off], regles.veille.jours[off]
        )
    suivis = None
    if entretiens:
        suivis = simuler_entretiens(
            regles, aleas.cle("entretiens"), demarrage, sortie, fin, garder_entretiens
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
        sortie=sortie,
        periodes=periodes,
        au_bilan=au_bilan,
        force=force,
        reoriente=reoriente,
        motif=motif,
        fin_veille=fin_veille,
        profil=profil,
        entretiens=suivis,
    )
