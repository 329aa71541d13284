"""What a journal's applied lines leave on their dossiers, computed for all of them at once.

This is effects.py (what an accepted event changes) read backwards, for the bulk replay: a
dossier's field is the value the line that last set it gave it, with the rules in force on
that line's day, read through policies/rules.py (``Duree.ajouter``,
``Regles.prochain_entretien``), as effects.py computes it:

``debut``, ``fin_max``   the last démarrage (generated ones included): its day, and the
                         maximum in force then added to it
``renouvellements``      the renewals since that démarrage
``fin_cer``              the last démarrage or renewal: the CER in force added to its day,
                         never after ``fin_max``
``dernier_entretien``,   the last démarrage or interview attended: its day, and the next
``entretien_du``         interview due after it
``manques``              interviews attended after the interview due as the previous setting
                         line left it, and bilans after the end of the CER period then
``absences``             interviews missed
``fin``, ``fin_veille``  the exit: its day, and the veille's end when its motif opens one

Days are day ordinals (``date.toordinal``) in int64 arrays; :data:`NUL` stands for None.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from parcours.policies.rules import Regles, ReglesDatees
from parcours.vocabulary import EVENEMENTS_JOURNAL

__all__ = ["NUL", "Applications", "Champs", "calculer"]

I64 = npt.NDArray[np.int64]
B = npt.NDArray[np.bool_]
#: None, in an array of days.
NUL = np.iinfo(np.int64).min
_CODE = {nom: i for i, nom in enumerate(EVENEMENTS_JOURNAL)}


@dataclass
class Applications:
    """The applied lines of a journal, dossier by dossier (each dossier's in journal order).

    ``debuts`` gives each dossier's first line; per line, ``jour`` is its day ordinal,
    ``evenement`` its code in EVENEMENTS_JOURNAL, ``absent`` an interview missed, ``motif``
    a sortie's motif, ``dispositif`` its dossier's dispositif (index in ``regles``) and
    ``fenetre`` the window of that dispositif's rules in force on its day, ``profil`` a line
    that carries a ``profil``."""

    debuts: I64
    jour: I64
    evenement: I64
    absent: B
    motif: npt.NDArray[np.object_]
    dispositif: I64
    fenetre: I64
    regles: Sequence[ReglesDatees]
    profil: B

    @property
    def n(self) -> int:
        return int(self.jour.shape[0])

    def est(self, *noms: str) -> B:
        return np.isin(self.evenement, [_CODE[n] for n in noms])


@dataclass
class Champs:
    """Each dossier's fields (see the module docstring), and where the lines that give the
    others are (-1: none): its last démarrage, its exit, its last veille point, its last line
    with a ``profil``, its last line."""

    debut: I64
    fin_max: I64
    renouvellements: I64
    fin_cer: I64
    dernier_entretien: I64
    entretien_du: I64
    manques: I64
    absences: I64
    fin: I64
    fin_veille: I64
    demarrage: I64
    sortie: I64
    veille: I64
    profil: I64
    derniere: I64


class _Groupes:
    """Per-dossier reductions over lines laid out dossier by dossier."""

    def __init__(self, debuts: I64, n: int) -> None:
        self.debuts = debuts
        self.n = n
        self.groupe = np.repeat(np.arange(debuts.shape[0]), np.diff(np.r_[debuts, n]))
        self.rang = np.arange(n, dtype=np.int64)

    def dernier(self, masque: B) -> I64:
        """Each dossier's last line with ``masque`` (-1: none)."""
        if not self.n:
            return np.zeros(0, dtype=np.int64)
        return np.maximum.reduceat(np.where(masque, self.rang, -1), self.debuts)

    def precedent(self, masque: B) -> I64:
        """For each line, the dossier's last line before it with ``masque`` (-1: none)."""
        avant = np.maximum.accumulate(np.where(masque, self.rang, -1)) if self.n else self.rang
        out = np.r_[-1, avant[:-1]].astype(np.int64) if self.n else self.rang
        out[out < self.debuts[self.groupe]] = -1
        return out

    def compte(self, masque: B) -> I64:
        if not self.n:
            return np.zeros(0, dtype=np.int64)
        return np.add.reduceat(masque.astype(np.int64), self.debuts)


def _prendre(valeurs: I64, positions: I64) -> I64:
    """``valeurs`` at ``positions`` (NUL where a position is -1)."""
    return np.where(positions >= 0, valeurs[np.maximum(positions, 0)], NUL)


def _par_regles(a: Applications, masque: B, calcul: Callable[[Regles, I64], I64]) -> I64:
    """``calcul(rules in force, lines)`` for the lines of ``masque``, window by window (NUL
    elsewhere, and where the rules give nothing)."""
    out = np.full(a.n, NUL, dtype=np.int64)
    lignes = np.flatnonzero(masque)
    if not lignes.size:
        return out
    cle = a.dispositif[lignes] * (1 << 20) + a.fenetre[lignes]
    for k in np.unique(cle).tolist():
        choisies = lignes[cle == k]
        out[choisies] = calcul(a.regles[k >> 20].fenetres[k & ((1 << 20) - 1)], choisies)
    return out


def _ajouter(duree: Any, jours: I64) -> I64:
    """``duree`` added to each day (NUL: no duration)."""
    if duree is None:
        return np.full(jours.shape, NUL, dtype=np.int64)
    return duree.ajouter_jours(jours)  # type: ignore[no-any-return]


def _borne(fin_cer: I64, fin_max: I64) -> I64:
    """A CER period never ends after the maximum duration (effects._borne)."""
    return np.where((fin_cer != NUL) & (fin_max != NUL) & (fin_cer > fin_max), fin_max, fin_cer)


def calculer(a: Applications) -> Champs:
    """Every dossier's fields after its applied lines (see the module docstring)."""
    g = _Groupes(a.debuts, a.n)
    dem = a.est("demarrage")
    dernier_dem = g.dernier(dem)
    dem_avant = g.precedent(dem)
    fin_max_ligne = _par_regles(a, dem, lambda r, x: _ajouter(r.maximum, a.jour[x]))
    ren = a.est("renouvellement")
    apres_dem = g.rang > dernier_dem[g.groupe]
    # the CER period: opened by a démarrage or a renewal, bounded by the démarrage's maximum
    cer = dem | ren
    fin_max_alors = np.where(dem, fin_max_ligne, _prendre(fin_max_ligne, dem_avant))
    fin_cer_ligne = _borne(_par_regles(a, cer, lambda r, x: _ajouter(r.cer, a.jour[x])), fin_max_alors)
    # interviews: the next one due is set by a démarrage or an interview attended
    present = a.est("entretien") & ~a.absent
    rdv = dem | present
    debut_alors = np.where(dem, a.jour, _prendre(a.jour, dem_avant))
    du_ligne = _entretiens(a, rdv, debut_alors)
    du_avant = _prendre(du_ligne, g.precedent(rdv))
    en_retard = present & (du_avant != NUL) & (a.jour > du_avant)
    fin_cer_avant = _prendre(fin_cer_ligne, g.precedent(cer))
    bilan_tardif = a.est("bilan") & (fin_cer_avant != NUL) & (a.jour > fin_cer_avant)
    sortie = a.est("sortie", "reorientation")
    dernier_rdv = g.dernier(rdv)
    return Champs(
        debut=_prendre(a.jour, dernier_dem),
        fin_max=_prendre(fin_max_ligne, dernier_dem),
        renouvellements=g.compte(ren & apres_dem),
        fin_cer=_prendre(fin_cer_ligne, g.dernier(cer)),
        dernier_entretien=_prendre(a.jour, dernier_rdv),
        entretien_du=_prendre(du_ligne, dernier_rdv),
        manques=g.compte(en_retard) + g.compte(bilan_tardif),
        absences=g.compte(a.est("entretien") & a.absent),
        fin=_prendre(a.jour, g.dernier(sortie)),
        fin_veille=_prendre(_veilles(a), g.dernier(sortie)),
        demarrage=dernier_dem,
        sortie=g.dernier(sortie),
        veille=g.dernier(a.est("veille")),
        profil=g.dernier(a.profil),
        derniere=np.r_[a.debuts[1:], a.n].astype(np.int64) - 1,
    )


def _entretiens(a: Applications, rdv: B, debut: I64) -> I64:
    """At each démarrage or interview attended, the next interview due (NUL: none)."""

    def du(regles: Regles, x: I64) -> I64:
        jours = regles.prochain_entretien_jours(a.jour[x], debut[x])
        return np.where(jours < 0, NUL, jours)

    return _par_regles(a, rdv, du)


def _veilles(a: Applications) -> I64:
    """At each sortie whose motif opens a veille, its end (NUL elsewhere)."""
    motifs = a.motif

    def veille(regles: Regles, x: I64) -> I64:
        ouvre = np.isin(motifs[x], list(regles.veille_motifs))
        return np.where(ouvre, _ajouter(regles.veille, a.jour[x]), NUL)

    return _par_regles(a, a.est("sortie"), veille)
