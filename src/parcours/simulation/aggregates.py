"""The kernel's own aggregates, counted with the reports' rules.

An accompaniment runs from its démarrage to its sortie or réorientation, both days included.
Over a period [du, au]: accompanied = open on some day of it; exited = exit day in it; still
followed = open on ``au``. Hence accompanied = exited + still followed, as in the seeds' tables.
The agreement test checks these figures equal the reports' bilan of the kernel's events.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from parcours.simulation._calendar import date_de
from parcours.simulation.kernel import Trajectoires
from parcours.simulation.tables import MOIS
from parcours.vocabulary import MOTIF_REORIENTATION

__all__ = ["agreger", "indicateurs"]


def _un(t: Trajectoires, du: int, au: int) -> dict[str, Any]:
    s, e = t.demarrage, t.sortie
    commence = (s >= 0) & (s <= au)
    sorti_avant = (e >= 0) & (e < du)
    dans = (e >= du) & (e <= au)
    sorties = commence & dans
    acc = commence & ~sorti_avant
    encore = acc & ~dans
    motifs: dict[str, int] = {}
    codes = t.motif[sorties]
    for i, nom in enumerate(t.regles.motifs):
        count = int((codes == i).sum())
        if count:
            motifs[nom] = count
    reo = int((codes < 0).sum())
    if reo:
        motifs[MOTIF_REORIENTATION] = reo
    n_sorties = int(sorties.sum())
    positives = int(t.regles.positifs[codes[codes >= 0]].sum()) if n_sorties else 0
    duree = (e - s)[sorties]
    observees, en_emploi = 0, 0
    if t.veille_emploi is not None:
        vue = sorties & (t.fin_veille >= 0) & (t.fin_veille <= t.fin)
        observees, en_emploi = int(vue.sum()), int((vue & t.veille_emploi).sum())
    return {
        "accompagnees": int(acc.sum()),
        "sorties": n_sorties,
        "encore_suivies_au_31_12": int(encore.sum()),
        "sorties_par_motif": dict(sorted(motifs.items())),
        "taux_sorties_positives": positives / n_sorties if n_sorties else None,
        "duree_moyenne_mois": float(duree.mean()) / MOIS if n_sorties else None,
        "veille": _veille(observees, en_emploi),
        "_duree_totale_jours": int(duree.sum()),
        "_positives": positives,
    }


def _veille(observees: int, en_emploi: int) -> dict[str, Any]:
    """The veille points of the period's exits, in the reports' shape."""
    return {
        "sorties_observees": observees,
        "en_emploi": en_emploi,
        "taux_emploi": en_emploi / observees if observees else None,
    }


def _public(d: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in d.items() if not k.startswith("_")}


def agreger(trajectoires: Mapping[str, Trajectoires], du: int, au: int) -> dict[str, Any]:
    """The bilan figures of the period [du, au] (day numbers), in the reports' ``to_dict`` shape."""
    par = {ident: _un(t, du, au) for ident, t in trajectoires.items()}
    sorties = sum(p["sorties"] for p in par.values())
    motifs: dict[str, int] = {}
    for p in par.values():
        for k, v in p["sorties_par_motif"].items():
            motifs[k] = motifs.get(k, 0) + v
    return {
        "accompagnees": sum(p["accompagnees"] for p in par.values()),
        "sorties": sorties,
        "encore_suivies_au_31_12": sum(p["encore_suivies_au_31_12"] for p in par.values()),
        "sorties_par_motif": dict(sorted(motifs.items())),
        "taux_sorties_positives": sum(p["_positives"] for p in par.values()) / sorties if sorties else None,
        "duree_moyenne_mois": sum(p["_duree_totale_jours"] for p in par.values()) / sorties / MOIS
        if sorties
        else None,
        "veille": _veille(
            sum(p["veille"]["sorties_observees"] for p in par.values()),
            sum(p["veille"]["en_emploi"] for p in par.values()),
        ),
        "par_dispositif": {k: _public(v) for k, v in par.items()},
    }


def _occupation(t: Trajectoires, du: int, au: int) -> float:
    """Mean number of accompaniments open per day of [du, au]."""
    s, e = t.demarrage, t.sortie
    ok = s >= 0
    debut = np.clip(s[ok], du, au + 1)
    fin = np.clip(np.where(e[ok] >= 0, e[ok], au) + 1, du, au + 1)
    jours = np.maximum(fin - debut, 0).sum()
    return float(jours) / (au - du + 1)


def indicateurs(trajectoires: Mapping[str, Trajectoires], du: int, au: int) -> dict[str, float]:
    """Flat numeric indicators of the period, for Monte Carlo distributions and comparisons."""
    bilan = agreger(trajectoires, du, au)
    out: dict[str, float] = {
        "accompagnees": bilan["accompagnees"],
        "sorties": bilan["sorties"],
        "encore_suivies": bilan["encore_suivies_au_31_12"],
        "taux_sorties_positives": bilan["taux_sorties_positives"] or 0.0,
        "duree_moyenne_mois": bilan["duree_moyenne_mois"] or 0.0,
    }
    attente = 0
    demarres = 0
    en_attente = 0
    refusees = 0
    entretiens = 0
    manquees = 0
    suivis = 0
    occupation = 0.0
    en_veille = 0
    for t in trajectoires.values():
        ok = (t.demarrage >= du) & (t.demarrage <= au)
        demarres += int(ok.sum())
        attente += int((t.demarrage - t.pret)[ok].sum())
        en_attente += int(((t.pret <= au) & ((t.demarrage < 0) | (t.demarrage > au)) & ~t.refuse).sum())
        refusees += int((t.refuse & (t.pret >= du) & (t.pret <= au)).sum())
        occupation += _occupation(t, du, au)
        en_veille += int(((t.sortie >= 0) & (t.sortie <= au) & (t.fin_veille > au)).sum())
        if t.entretiens is not None:
            started = t.demarrage >= 0
            suivis += int(started.sum())
            entretiens += int(t.entretiens.nombre.sum())
            manquees += int(t.entretiens.echeances_manquees.sum())
    out.update(
        {
            "demarrages": demarres,
            "attente_moyenne_jours": attente / demarres if demarres else 0.0,
            "en_attente_a_la_fin": en_attente,
            "refusees": refusees,
            "occupation_moyenne": occupation,
            "entretiens_par_personne": entretiens / suivis if suivis else 0.0,
            "echeances_manquees_par_personne": manquees / suivis if suivis else 0.0,
            "en_veille_a_la_fin": en_veille,
        }
    )
    return out


def periode(du: int, au: int) -> str:
    return f"du {date_de(du).isoformat()} au {date_de(au).isoformat()}"
