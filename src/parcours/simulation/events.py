"""The kernel's dossiers as events of the journal format (DESIGN.md), in date order.

Events are built as columns (dossier, day, kind, order within the dossier's day) and sorted
once by (day, dossier, order); each dossier's first event carries its ``dispositif`` (every
event does, which is harmless) and its ``profil``. Nothing after the last simulated day is
emitted: those accompaniments are still open. The initial stock's events come before the
run's first day, on the days its accompaniments started. When the cohort says what the veille
finds, a ``veille`` event (with ``emploi``) ends each veille.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import numpy as np
import numpy.typing as npt

from parcours.simulation._calendar import date_de
from parcours.simulation._exits import fin_de_periode, periodes_avant
from parcours.simulation.kernel import Trajectoires

__all__ = ["NOMS", "evenements", "identifiants"]

I64 = npt.NDArray[np.int64]

#: Kinds of events, in the order they take within one dossier's day.
NOMS: tuple[str, ...] = (
    "reperage",
    "prescription",
    "diagnostic",
    "demarrage",
    "cer_signe",
    "entretien",
    "bilan",
    "renouvellement",
    "cer_signe",
    "sortie",
    "reorientation",
    "veille",
)
_K = {nom: i for i, nom in enumerate(NOMS) if i != 8}
_CER_APRES_RENOUVELLEMENT = 8


def identifiants(ident: str, n: int) -> list[str]:
    """The dossier ids of a dispositif's simulated dossiers: ``<dispositif>-000042``."""
    width = max(6, len(str(n)))
    return [f"{ident}-{i:0{width}d}" for i in range(n)]


def _colonnes(t: Trajectoires) -> tuple[I64, I64, I64, I64]:
    """(dossier, day, kind, extra) of every observed event; extra = motif or presence."""
    dossiers: list[I64] = []
    jours: list[I64] = []
    sortes: list[I64] = []
    extras: list[I64] = []

    def add(d: I64, j: I64, kind: int, extra: I64 | int = 0) -> None:
        ok = j <= t.fin
        dossiers.append(d[ok])
        jours.append(j[ok])
        sortes.append(np.full(int(ok.sum()), kind, dtype=np.int64))
        extras.append(np.broadcast_to(np.asarray(extra, dtype=np.int64), d.shape)[ok])

    tous = np.arange(t.n, dtype=np.int64)
    for i, evt in enumerate(t.regles.avant):
        add(tous, t.etapes[i], _K[evt])
    started = np.flatnonzero(t.demarrage >= 0)
    s = t.demarrage[started]
    add(started, s, _K["demarrage"])
    add(started, s, _K["cer_signe"])
    e = t.sortie[started]
    off_s = np.minimum(s - t.regles.debut, t.regles.n - 1)
    observe = e <= t.fin
    m = np.where(observe, t.periodes[started], periodes_avant(t.regles, s, off_s, np.minimum(e, t.fin)))
    renouv = np.where(observe, m - t.au_bilan[started], m)
    rep = np.repeat(np.arange(started.size), m)
    j = np.arange(rep.size) - np.repeat(np.cumsum(m) - m, m)
    off = np.minimum(s[rep] - t.regles.debut, t.regles.n - 1)
    jour_bilan = fin_de_periode(t.regles, s[rep], off, j)
    if t.regles.a_bilan:
        add(started[rep], jour_bilan, _K["bilan"])
    ren = j < renouv[rep]
    add(started[rep][ren], jour_bilan[ren], _K["renouvellement"])
    add(started[rep][ren], jour_bilan[ren], _CER_APRES_RENOUVELLEMENT)
    if t.entretiens is not None and t.entretiens.dossier is not None:
        assert t.entretiens.jour is not None and t.entretiens.present is not None
        add(t.entretiens.dossier, t.entretiens.jour, _K["entretien"], t.entretiens.present.astype(np.int64))
    reo = t.reoriente[started]
    add(started[~reo], e[~reo], _K["sortie"], t.motif[started][~reo].astype(np.int64))
    add(started[reo], e[reo], _K["reorientation"])
    if t.veille_emploi is not None:
        veille = np.flatnonzero((t.fin_veille >= 0) & (t.sortie <= t.fin))
        add(veille, t.fin_veille[veille], _K["veille"], t.veille_emploi[veille].astype(np.int64))
    return np.concatenate(dossiers), np.concatenate(jours), np.concatenate(sortes), np.concatenate(extras)


def evenements(trajectoires: Mapping[str, Trajectoires]) -> Iterator[dict[str, Any]]:
    """Every observed event of every dispositif, sorted by date (then dossier, then order)."""
    parts: list[tuple[I64, I64, I64, I64, I64]] = []
    base = 0
    for t in trajectoires.values():
        d, j, k, x = _colonnes(t)
        parts.append((d + base, j, k, x, np.full(d.size, len(parts), dtype=np.int64)))
        base += t.n
    if not parts:
        return
    d, j, k, x, w = (np.concatenate([p[i] for p in parts]) for i in range(5))
    ordre = np.lexsort((k, d, j))
    idents = list(trajectoires)
    trajs = list(trajectoires.values())
    debuts = np.cumsum([0] + [t.n for t in trajs])
    ids = [identifiants(ident, t.n) for ident, t in zip(idents, trajs, strict=True)]
    dates: dict[int, str] = {}
    vus = np.zeros(base, dtype=np.bool_)
    for i in ordre.tolist():
        dossier = int(d[i])
        which = int(w[i])
        t = trajs[which]
        local = dossier - int(debuts[which])
        jour = int(j[i])
        iso = dates.get(jour)
        if iso is None:
            iso = dates[jour] = date_de(jour).isoformat()
        kind = int(k[i])
        event: dict[str, Any] = {
            "dossier": ids[which][local],
            "date": iso,
            "evenement": NOMS[kind],
            "dispositif": idents[which],
        }
        if kind == _K["entretien"]:
            event["presence"] = "present" if x[i] else "absent"
        elif kind == _K["sortie"]:
            event["motif"] = t.regles.motifs[int(x[i])]
        elif kind == _K["veille"]:
            event["emploi"] = bool(x[i])
        if not vus[dossier]:
            vus[dossier] = True
            if t.profil:
                event["profil"] = {
                    var: t.regles.profil[var][0][int(codes[local])] for var, codes in t.profil.items()
                }
        yield event
