"""The engine's state from a bulk scan: its dossiers, places taken and waiting lists.

bulk_state.py computes each dossier's fields as arrays; this module turns them into the
:class:`~parcours.engine.dossier.Dossier` objects the per-event replay would have built (in the
order their first lines were applied, with shared ``date`` objects and interned texts), the
places taken (the dossiers in an open step) and each dispositif's waiting list (the dossiers of
its applied ``attente`` lines, in journal order, less those a démarrage took off it). The
prints of idempotency keys are left to be computed when first read (idempotency.py).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from parcours.engine.bulk import Balayage, Colonnes
from parcours.engine.bulk_state import NUL, Applications, Champs, calculer
from parcours.engine.dossier import Dossier
from parcours.engine.events import CLES_CONTENU
from parcours.engine.idempotency import EmpreintesDifferees
from parcours.engine.journal_columns import LignesLues
from parcours.engine.scheme import EtatDispositif
from parcours.vocabulary import ETAPES_OUVERTES, EVENEMENT_ATTENTE, EVENEMENTS_JOURNAL

if TYPE_CHECKING:
    from parcours.engine.engine import Engine

__all__ = ["installer"]

I64 = npt.NDArray[np.int64]
_EPOQUE = date(1970, 1, 1).toordinal()
_ATTENTE = EVENEMENTS_JOURNAL.index(EVENEMENT_ATTENTE)
#: The keys an event's print reads (its id and events.contenu's).
_CONTENU = ("id", *CLES_CONTENU)


class _Appliquees:
    """The applied lines of a scan, dossier by dossier (each dossier's in journal order)."""

    def __init__(self, lignes: I64, cols: Colonnes, scan: Balayage) -> None:
        o = scan.ordre[scan.applique[scan.ordre]]
        self.cols = o  # each line's index in the columns
        self.rangs = lignes[o]  # and in the rows read
        code = cols.dossier[o]
        self.debuts = np.flatnonzero(np.r_[True, code[1:] != code[:-1]]) if o.size else o
        self.dispositif = scan.dispositif[code[self.debuts]]
        self.etat = scan.etat[code[self.debuts]]
        self.n = int(o.size)

    def par_ligne(self, valeurs: I64) -> I64:
        """A per-dossier value repeated on each of its lines."""
        return np.repeat(valeurs, np.diff(np.r_[self.debuts, self.n]))


def installer(engine: Engine, lues: LignesLues, lignes: I64, cols: Colonnes, scan: Balayage) -> None:
    """Put into ``engine`` the dossiers, places and waiting lists the applied lines leave
    (``lignes``: the rows of the columns ``cols`` that ``scan`` judged)."""
    a = _Appliquees(lignes, cols, scan)
    if not a.n:
        return
    champs = calculer(_applications(lues, cols, scan, a))
    etats = {d: engine.etat_dispositif(scan.noms[d]) for d in np.unique(a.dispositif).tolist()}
    idents = _textes(lues, "dossier", a.rangs[a.debuts])
    valeurs = _Valeurs(lues, a, cols, champs)
    empreintes = _empreintes(lues, a)
    for g in np.argsort(cols.ligne[a.cols[a.debuts]], kind="stable").tolist():
        dossier = Dossier(idents[g], etats[int(a.dispositif[g])], valeurs.date(valeurs.entree[g]))
        valeurs.remplir(dossier, g, scan.etats[int(a.etat[g])])
        dossier._empreintes = empreintes(g)
        profil = valeurs.profils[g]
        if profil is not None:
            dossier.profil = engine._profil(profil)
        engine.dossiers[dossier.id] = dossier
    ouverts = [i for i, s in enumerate(scan.etats) if s in ETAPES_OUVERTES]
    for d, etat in etats.items():
        etat.occupes = int(np.isin(a.etat[a.dispositif == d], ouverts).sum())
    _attentes(a, champs, cols, idents, etats)


def _applications(lues: LignesLues, cols: Colonnes, scan: Balayage, a: _Appliquees) -> Applications:
    dispositif = a.par_ligne(a.dispositif)
    jours = cols.jour[a.cols]
    fenetre = np.zeros(a.n, dtype=np.int64)
    for d in np.unique(dispositif).tolist():
        m = dispositif == d
        fenetre[m] = scan.regles[d].fenetre(jours[m])
    presences, valeurs = lues.codes("presence")
    absent = np.array([v == "absent" for v in valeurs] + [False], dtype=np.bool_)[presences[a.rangs]]
    return Applications(
        debuts=a.debuts,
        jour=jours + _EPOQUE,
        evenement=cols.evenement[a.cols],
        absent=absent,
        motif=cols.motif[a.cols],
        dispositif=dispositif,
        fenetre=fenetre,
        regles=[r.etat.regles for r in scan.regles],
        profil=lues.a("profil")[a.rangs],
    )


def _textes(lues: LignesLues, cle: str, rangs: I64) -> list[Any]:
    """The values of ``cle`` at ``rangs``, texts interned (one object per distinct text)."""
    valeurs = lues.valeurs(cle, rangs)
    return [sys.intern(v) if isinstance(v, str) else v for v in valeurs]


_DATES = ("debut", "fin_max", "fin_cer", "dernier_entretien", "entretien_du", "fin", "fin_veille")
_COMPTES = ("renouvellements", "manques", "absences")


class _Valeurs:
    """Each dossier's fields as Python values: shared ``date`` objects, interned texts."""

    def __init__(self, lues: LignesLues, a: _Appliquees, cols: Colonnes, champs: Champs) -> None:
        self.lues, self.a = lues, a
        jour = cols.jour[a.cols] + _EPOQUE
        self.entree = jour[a.debuts].tolist()
        self.derniere = jour[champs.derniere].tolist()
        tous = np.concatenate([jour, *(getattr(champs, nom) for nom in _DATES)])
        self._dates: dict[int, date | None] = {
            int(j): date.fromordinal(int(j)) for j in np.unique(tous[tous != NUL])
        }
        self._dates[int(NUL)] = None
        self.champs = {nom: getattr(champs, nom).tolist() for nom in (*_DATES, *_COMPTES)}
        self.motif = self._textes(champs.sortie, "motif")
        self.vers = self._textes(champs.sortie, "vers")
        self.emploi = self._valeurs(champs.veille, "emploi")
        self.profils = self._profils(champs.profil)

    def date(self, ordinal: int) -> date:
        found = self._dates[ordinal]
        assert found is not None
        return found

    def remplir(self, dossier: Dossier, g: int, etat: str) -> None:
        """Set ``dossier``'s fields (dossier number ``g``, in step ``etat``)."""
        dates, champs = self._dates, self.champs
        dossier.state = etat
        dossier.derniere = self.date(self.derniere[g])
        for nom in _DATES:
            setattr(dossier, nom, dates[champs[nom][g]])
        for nom in _COMPTES:
            setattr(dossier, nom, champs[nom][g])
        dossier.motif = self.motif[g]
        dossier.vers = self.vers[g]
        dossier.veille_emploi = self.emploi[g]

    def _valeurs(self, positions: I64, cle: str) -> list[Any]:
        """The values of ``cle`` on the lines at ``positions`` (None where -1)."""
        rangs = np.where(positions >= 0, self.a.rangs[np.maximum(positions, 0)], 0)
        valeurs = self.lues.valeurs(cle, rangs)
        return [v if p >= 0 else None for v, p in zip(valeurs, positions.tolist(), strict=True)]

    def _textes(self, positions: I64, cle: str) -> list[Any]:
        return [sys.intern(v) if isinstance(v, str) else v for v in self._valeurs(positions, cle)]

    def _profils(self, positions: I64) -> list[Any]:
        """Each dossier's last ``profil``: from its column when its values are all texts,
        from the line's JSON otherwise (numbers, nested values, nulls look alike there)."""
        valeurs = self._valeurs(positions, "profil")
        colonne = self.lues.colonne("profil")
        textes = pa.types.is_struct(colonne.type) and all(
            pa.types.is_string(colonne.type.field(i).type) for i in range(colonne.type.num_fields)
        )
        out: list[Any] = []
        for p, v in zip(positions.tolist(), valeurs, strict=True):
            if v is not None and (not textes or None in v.values()):
                v = json.loads(self.lues.brute(int(self.a.rangs[p])))["profil"]
            out.append(v)
        return out


def _empreintes(lues: LignesLues, a: _Appliquees) -> Callable[[int], bytes | EmpreintesDifferees]:
    """Each dossier's idempotency prints, to be computed when first read."""
    avec = lues.a("id")[a.rangs]
    rangs = a.rangs[avec]
    compte = np.add.reduceat(avec.astype(np.int64), a.debuts)
    fins = np.cumsum(compte)
    colonnes = {cle: lues.prises(cle, rangs) for cle in _CONTENU}

    def evenements(debut: int, fin: int) -> list[dict[str, Any]]:
        valeurs = {cle: c.slice(debut, fin - debut).to_pylist() for cle, c in colonnes.items()}
        return [
            {cle: valeurs[cle][i] for cle in _CONTENU if valeurs[cle][i] is not None}
            for i in range(fin - debut)
        ]

    debuts, fins_l = (fins - compte).tolist(), fins.tolist()

    def de(g: int) -> bytes | EmpreintesDifferees:
        if debuts[g] == fins_l[g]:
            return b""
        return EmpreintesDifferees(evenements, debuts[g], fins_l[g])

    return de


def _attentes(
    a: _Appliquees, champs: Champs, cols: Colonnes, idents: list[str], etats: dict[int, EtatDispositif]
) -> None:
    """Each dispositif's waiting list: its applied ``attente`` lines in journal order, less the
    dossiers a later démarrage took off it."""
    attente = np.flatnonzero(cols.evenement[a.cols] == _ATTENTE)
    if not attente.size:
        return
    groupe = np.searchsorted(a.debuts, attente, side="right") - 1
    reste = champs.demarrage[groupe] < attente
    attente, groupe = attente[reste], groupe[reste]
    ordre = np.argsort(cols.ligne[a.cols[attente]], kind="stable")
    for g in groupe[ordre].tolist():
        etats[int(a.dispositif[g])].attente.append(idents[g])
