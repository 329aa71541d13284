"""A simulation as a pandas DataFrame, one row per dossier (pandas imported only here)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np

from parcours.simulation.events import identifiants
from parcours.simulation.kernel import Trajectoires

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["vers_frame"]

_FORCE = np.array(["", "renouvellements_epuises", "duree_maximale", "fin_de_convention"], dtype=object)


def _dates(jours: np.ndarray, ok: np.ndarray) -> np.ndarray:
    out = np.where(ok, jours, 0).astype("datetime64[D]")
    out[~ok] = np.datetime64("NaT")
    return out


def vers_frame(trajectoires: Mapping[str, Trajectoires]) -> pd.DataFrame:
    import pandas as pd

    frames = []
    for ident, t in trajectoires.items():
        demarre = t.demarrage >= 0
        sorti = demarre & (t.sortie <= t.fin)
        motifs = np.array([*t.regles.motifs, "reorientation"], dtype=object)
        rien = np.full(t.n, None, dtype=object)
        cols: dict[str, object] = {
            "dossier": identifiants(ident, t.n),
            "dispositif": ident,
            "arrivee": _dates(t.arrivee, np.ones(t.n, dtype=bool)),
            "pret": _dates(t.pret, t.pret <= t.fin),
            "demarrage": _dates(t.demarrage, demarre),
            "sortie": _dates(t.sortie, sorti),
            "issue": np.where(sorti, np.where(t.reoriente, "reorientation", "sortie"), rien),
            "motif": np.where(sorti, motifs[t.motif], rien),
            "duree_jours": np.where(sorti, t.sortie - t.demarrage, -1),
            "renouvellements": np.where(sorti, t.periodes - t.au_bilan, 0),
            "fin_forcee": np.where(sorti, _FORCE[t.force], rien),
            "refuse": t.refuse,
        }
        if t.entretiens is not None:
            cols["entretiens"] = t.entretiens.nombre
            cols["absences"] = t.entretiens.absences
            cols["echeances_manquees"] = t.entretiens.echeances_manquees
        for var, codes in t.profil.items():
            cols[var] = pd.Categorical.from_codes(codes, categories=list(t.regles.profil[var][0]))
        frame = pd.DataFrame(cols)
        frame["duree_jours"] = frame["duree_jours"].where(frame["duree_jours"] >= 0)
        frames.append(frame)
    if not frames:
        return pd.DataFrame()
    return pd.concat(frames, ignore_index=True)
