"""The fit of one dispositif's flows to published counts, on common random numbers.

The parameters are the cohort model's own values: the arrivals per year in each half of each
published period (``arrivees.flux.<flux>.par_an`` or ``par_mois``, dated at the half's start:
a year's stock on 31 December says how late in the year people came in), the exit hazards
(``sorties.en_cours_de_periode`` and ``sorties.au_bilan``, one pair per period, dated at the
period's start; ``sorties.en_premiere_periode`` for the first CER period, where early
leavers go) and, when the dispositif was open before the first period, the people already
accompanied on its first day (``stock_initial.effectif``).

The objective is the published counts of the dispositif (accompanied, exited, still followed,
entries, mean duration) against the mean of ``runs`` simulations that always use the same
seeds (common random numbers: a change of parameter moves the same simulated people, so the
means change smoothly and a finite difference measures the parameter, not the noise). Each
residual is divided by its tolerance (:func:`~parcours.simulation.measures.tolerance`: 15 %
of the figure or 4 people). Weak terms keep what the counts do not decide near fixed values:
the first period's hazards near the simulator's generic 30 % / 50 % and the first CER
period's hazard near the others (weight 0.1), each
period's hazards near the previous one's and each half's arrivals near the previous half's
(weight 0.3, on logits and logs). ``scipy.optimize.least_squares`` (trust region, forward
differences of 0.2 on log rates, logit hazards and log(1 + stock)) minimises the sum of
squares. The start point is read from the table (entries = accompanied − still followed the
period before), never from the cohort being fitted, so that fitting again gives the same
values.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cached_property
from typing import Any

import numpy as np
import numpy.typing as npt

from parcours.policies.cohort import CohorteDispositif
from parcours.policies.durations import add_months
from parcours.policies.schema import Dispositif
from parcours.simulation._calendar import jour
from parcours.simulation.measures import mesurer, moyennes, tolerance
from parcours.simulation.published import CellulePubliee
from parcours.simulation.simulation import run
from parcours.simulation.tables import compiler

__all__ = ["FLUX", "Ajustement", "Probleme", "ajuster"]

F64 = npt.NDArray[np.float64]
#: The indicators the flows are fitted to.
FLUX: tuple[str, ...] = ("accompagnees", "sorties", "encore_suivies", "entrees", "duree_moyenne_mois")
_REFERENCES = (0.3, 0.5)  # the generic cohort's hazards (simulation/_default.py)
_POIDS_REFERENCE = 0.1
_POIDS_LISSAGE = 0.3
_PAS = 0.2


def _milieu(du: date, au: date) -> date:
    """The first day of a period's second half: a whole number of months splits on a month."""
    lendemain = au + timedelta(days=1)
    if du.day == 1 and lendemain.day == 1:
        mois = (lendemain.year - du.year) * 12 + lendemain.month - du.month
        if mois >= 2:
            return add_months(du, mois // 2)
    return du + timedelta(days=((au - du).days + 1) // 2)


def _logit(p: float) -> float:
    return float(np.log(p / (1.0 - p)))


def _sigmoide(x: F64) -> F64:
    out: F64 = 1.0 / (1.0 + np.exp(-x))
    return out


@dataclass(frozen=True)
class Probleme:
    """What one dispositif's fit needs: its rules, its cohort, its cells, the seeds.

    The rules and the cohort travel as plain data (a worker process rebuilds them): pydantic's
    generic models do not pickle.
    """

    ident: str
    regles: dict[str, Any]  # the policy's dispositif, dumped
    base: dict[str, Any]  # the cohort model of the dispositif, dumped
    cellules: tuple[CellulePubliee, ...]
    du: date
    au: date
    stock: bool  # open before ``du``: the initial stock is a parameter
    origine: date  # first day a dated hazard must cover (the stock's earliest démarrage)
    graines: tuple[np.random.SeedSequence, ...]

    @property
    def periodes(self) -> list[tuple[date, date]]:
        return sorted({(c.periode.du, c.periode.au) for c in self.cellules})

    @property
    def moities(self) -> list[date]:
        """The first day of each half of each period (a year: 1 January and 1 July)."""
        return [d for du, au in self.periodes for d in (du, _milieu(du, au))]

    @cached_property
    def dispositif(self) -> Dispositif:
        return Dispositif.model_validate(self.regles)


@dataclass(frozen=True)
class Ajustement:
    """The fitted values (as written) and the model holding them."""

    cohorte: CohorteDispositif
    valeurs: Valeurs


def _depart(pb: Probleme) -> F64:
    """The start point, read from the table only."""
    publie = {(c.periode.du, c.indicateur): c.valeur for c in pb.cellules}
    periodes = pb.periodes
    taux: list[float] = []
    for i, (du, au) in enumerate(periodes):
        acc = publie.get((du, "accompagnees"))
        avant = publie.get((periodes[i - 1][0], "encore_suivies")) if i else None
        entrees = publie.get((du, "entrees"))
        if entrees is None:
            entrees = acc - avant if acc is not None and avant is not None else 0.6 * (acc or 10.0)
        taux.extend([max(entrees, 1.0) * 365.25 / ((au - du).days + 1)] * 2)
    p = len(periodes)
    x = [*np.log(taux), *[_logit(_REFERENCES[0])] * p, *[_logit(_REFERENCES[1])] * p]
    x.append(_logit(_REFERENCES[0]))  # the first period's in-period hazard
    if pb.stock:
        x.append(float(np.log1p(0.4 * publie.get((periodes[0][0], "accompagnees"), 10.0))))
    return np.array(x, dtype=np.float64)


def _versions(valeurs: Sequence[float], debuts: Sequence[date | None]) -> dict[str, Any]:
    if len(valeurs) == 1 and debuts[0] is None:
        return {"versions": [{"valeur": float(valeurs[0])}]}
    return {"versions": [{"debut": d, "valeur": float(v)} for d, v in zip(debuts, valeurs, strict=True)]}


@dataclass(frozen=True)
class Valeurs:
    """The values of a point of the fit, as the cohort model holds them."""

    arrivees: tuple[float, ...]  # per year, one per half of each period
    en_cours: tuple[float, ...]  # one per period
    au_bilan: tuple[float, ...]  # one per period
    en_premiere: float
    stock: float | None


def valeurs(pb: Probleme, x: F64) -> Valeurs:
    """The values of the point ``x`` (log rates, logit hazards, log(1 + stock))."""
    p = len(pb.periodes)
    return Valeurs(
        arrivees=tuple(float(v) for v in np.exp(x[: 2 * p])),
        en_cours=tuple(float(v) for v in _sigmoide(x[2 * p : 3 * p])),
        au_bilan=tuple(float(v) for v in _sigmoide(x[3 * p : 4 * p])),
        en_premiere=float(_sigmoide(x[4 * p : 4 * p + 1])[0]),
        stock=float(np.expm1(x[4 * p + 1])) if pb.stock else None,
    )


def arrondir(pb: Probleme, v: Valeurs) -> Valeurs:
    """The values as the cohort file writes them: rates to 0.1 a year (0.01 a month), hazards
    to 0.01 %, the stock to 0.1 person."""
    forme = next(iter(pb.base["arrivees"]["flux"].values()))
    par_an = forme.get("par_an") is not None
    return Valeurs(
        arrivees=tuple(round(a, 1) if par_an else round(a / 12.0, 2) * 12.0 for a in v.arrivees),
        en_cours=tuple(round(q, 4) for q in v.en_cours),
        au_bilan=tuple(round(b, 4) for b in v.au_bilan),
        en_premiere=round(v.en_premiere, 4),
        stock=None if v.stock is None else round(v.stock, 1),
    )


def cohorte_de(pb: Probleme, v: Valeurs) -> CohorteDispositif:
    """The dispositif's cohort model with these values (the others as in the model fitted)."""
    data = dict(pb.base)
    debuts = [du for du, _ in pb.periodes]
    flux, forme = next(iter(data["arrivees"]["flux"].items()))
    unite = "par_an" if forme.get("par_an") is not None else "par_mois"
    par = [a / 12.0 for a in v.arrivees] if unite == "par_mois" else list(v.arrivees)
    data["arrivees"] = {"flux": {flux: {**forme, unite: _versions(par, pb.moities)}}}
    dates: list[date | None] = [None] if len(debuts) == 1 else [pb.origine, *debuts[1:]]
    data["sorties"] = {
        **data["sorties"],
        "en_cours_de_periode": _versions(v.en_cours, dates),
        "en_premiere_periode": _versions([v.en_premiere], [None]),
        "au_bilan": _versions(v.au_bilan, dates),
    }
    if v.stock is not None:
        data["stock_initial"] = {
            **(data.get("stock_initial") or {}),
            "effectif": _versions([v.stock], [pb.du]),
        }
    return CohorteDispositif.model_validate(data)


def simuler(pb: Probleme, cohorte: CohorteDispositif) -> list[float | None]:
    """Each cell's mean over the problem's seeds."""
    n = jour(pb.au) - jour(pb.du) + 1
    tableaux = compiler(pb.ident, pb.dispositif, cohorte, jour(pb.du), n)
    par_cellule: list[list[float | None]] = [[] for _ in pb.cellules]
    for graine in pb.graines:
        trajectoires = run({pb.ident: tableaux}, None, graine, evenements=False, entretiens=False)
        for i, cellule in enumerate(pb.cellules):
            par_cellule[i].append(mesurer(trajectoires, cellule))
    return [moyennes(v) for v in par_cellule]


def _residus(pb: Probleme, evaluer: Callable[[F64], list[float | None]]) -> Callable[[F64], F64]:
    publies = np.array([c.valeur for c in pb.cellules])
    tolerances = np.array([tolerance(c) for c in pb.cellules])
    p = len(pb.periodes)

    def residus(x: F64) -> F64:
        simules = np.array([np.nan if v is None else v for v in evaluer(x)])
        ecarts = np.nan_to_num((simules - publies) / tolerances, nan=10.0)
        poids = [
            _POIDS_REFERENCE * (x[2 * p] - _logit(_REFERENCES[0])),
            _POIDS_REFERENCE * (x[3 * p] - _logit(_REFERENCES[1])),
            _POIDS_REFERENCE * (x[4 * p] - x[2 * p]),
            *(_POIDS_LISSAGE * (x[i] - x[i - 1]) for i in range(1, 2 * p)),
            *(_POIDS_LISSAGE * (x[2 * p + i] - x[2 * p + i - 1]) for i in range(1, p)),
            *(_POIDS_LISSAGE * (x[3 * p + i] - x[3 * p + i - 1]) for i in range(1, p)),
        ]
        out: F64 = np.concatenate([ecarts, np.array(poids)])
        return out

    return residus


def ajuster(pb: Probleme) -> Ajustement:
    """Fit the dispositif's flows to its cells (module docstring)."""
    from scipy.optimize import least_squares

    def evaluer(x: F64) -> list[float | None]:
        return simuler(pb, cohorte_de(pb, valeurs(pb, x)))

    residus = _residus(pb, evaluer)

    def jacobien(x: F64) -> F64:
        f0 = residus(x)
        colonnes = []
        for j in range(x.size):
            pas = x.copy()
            pas[j] += _PAS
            colonnes.append((residus(pas) - f0) / _PAS)
        out: F64 = np.column_stack(colonnes)
        return out

    # The search moves from the start point: its first trust region is one unit of log rate or
    # logit hazard (a factor of e), not the size of the start point.
    depart = _depart(pb)

    def centres(z: F64) -> F64:
        return residus(depart + z)

    def jacobien_centre(z: F64) -> F64:
        return jacobien(depart + z)

    res = least_squares(
        centres, np.zeros_like(depart), jac=jacobien_centre, method="trf", xtol=1e-3, ftol=1e-4, max_nfev=40
    )
    fin = arrondir(pb, valeurs(pb, depart + res.x))
    return Ajustement(cohorte_de(pb, fin), fin)
