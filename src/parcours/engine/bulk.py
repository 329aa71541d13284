"""The engine's verdict on every line of a journal, computed in bulk (numpy), for the reports.

A report must never count a line the engine would refuse. Replaying a national journal
event by event is too slow for a bilan, so this module decides, for whole columns at once,
what :meth:`Engine.replay(..., ecarter=True) <parcours.engine.engine.Engine.replay>` decides
line by line: which lines are applied, which are duplicates of an applied ``id`` (acknowledged,
not counted), which are refused. It follows the engine's checks in the engine's order — the
dossier's first line names a known dispositif that is open that day, later lines keep its
dispositif and never go back in time, each event is allowed from the dossier's step by the
dispositif's transition table (the machine's), a démarrage needs the dispositif open, a
renewal needs renewals left and the maximum duration not reached, an exit a declared motif,
a veille point its ``emploi``, and an ``id`` already applied with another content is a
conflict — one dossier's lines at a time, all dossiers together, step by step. Capacity
couples the dossiers of a dispositif: the places are checked on the applied lines in journal
order; if a démarrage would take a place that is not free (or an ``attente`` line wait beside
a free one), the verdict of the whole journal is left to the engine itself.

The reason given for a refused line is the engine's own message: the engine is run on that
dossier's lines up to the refused one (refused lines are few). The test
tests/invariants/test_report_properties.py holds this module to the engine, line by line.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
import numpy.typing as npt

from parcours.engine.events import contenu
from parcours.engine.journal import LigneEcartee
from parcours.engine.scheme import EtatDispositif
from parcours.errors import ParcoursError
from parcours.policies.schema import Policy
from parcours.vocabulary import (
    ETAPES_FINALES,
    ETAPES_OUVERTES,
    ETAT_ATTENTE,
    ETAT_INITIAL,
    EVENEMENT_ATTENTE,
    EVENEMENTS_JOURNAL,
)

__all__ = ["Colonnes", "Places", "Verdicts", "juger_en_bloc", "par_le_moteur", "places_respectees"]

I64 = npt.NDArray[np.int64]
B = npt.NDArray[np.bool_]
_EPOQUE = date(1970, 1, 1).toordinal()
_JAMAIS = np.iinfo(np.int64).max // 4


@dataclass
class Colonnes:
    """The lines of a journal that passed the format's reader, as columns (any order).

    ``ligne`` is each line's number, which orders them; ``dossier`` and ``id`` are integer
    codes (``id`` -1: none); ``evenement`` the index of its word in EVENEMENTS_JOURNAL (alert
    lines are left out by the caller); ``dispositif`` the index of the dispositif the line
    names among the policy's (-1: none, -2: one the policy does not know); ``motif`` the motif
    of a sortie (None elsewhere); ``sans_emploi`` a veille line without ``emploi``;
    ``evenements(x)`` gives line ``x``'s event dict (to compare two lines with one id, or to
    ask the engine the reason of a refusal): the line's event, or one that the engine judges
    the same (its free ``details`` may be left out).
    """

    ligne: I64
    dossier: I64
    id: I64
    jour: I64  # days since 1970-01-01
    evenement: I64
    dispositif: I64
    genere: B
    motif: npt.NDArray[np.object_]
    sans_emploi: B
    evenements: Callable[[int], dict[str, Any]]

    @property
    def n(self) -> int:
        return int(self.ligne.shape[0])


@dataclass
class Places:
    """The applied lines of a group that take a place (a démarrage), free one (an exit from an
    open step) or wait for one (``attente``), for the check of the whole journal."""

    ligne: I64
    dispositif: npt.NDArray[np.int16]  # the index of the dossier's dispositif
    delta: npt.NDArray[np.int8]  # +1 taken, -1 freed, 0 waiting
    jour: npt.NDArray[np.int32]  # 14 bytes a line: a national journal's places take tens of MB

    @classmethod
    def vide(cls) -> Places:
        return cls(np.zeros(0, np.int64), np.zeros(0, np.int16), np.zeros(0, np.int8), np.zeros(0, np.int32))


@dataclass
class Verdicts:
    """What the engine makes of each line: applied, acknowledged duplicate, or refused."""

    applique: B
    doublon: B
    ecartees: list[LigneEcartee]
    places: Places = field(default_factory=Places.vide)


def _jours(valeurs: Iterator[date | None], vide: int) -> I64:
    """Dates as day numbers (``vide`` for None)."""
    return np.array([vide if v is None else v.toordinal() - _EPOQUE for v in valeurs], dtype=np.int64)


class _Regles:
    """A dispositif's compiled rules as arrays over its windows (day numbers)."""

    def __init__(self, etat: EtatDispositif) -> None:
        regles = etat.regles
        self.etat = etat
        fenetres = regles.fenetres
        self.debuts = np.array(
            [(-_JAMAIS if f.debut is None else f.debut.toordinal() - _EPOQUE) for f in fenetres],
            dtype=np.int64,
        )
        self.ouverture = -_JAMAIS if regles.ouverture is None else regles.ouverture.toordinal() - _EPOQUE

        def jours(valeurs: Iterator[date | None], vide: int) -> I64:
            return np.array([vide if v is None else v.toordinal() - _EPOQUE for v in valeurs], dtype=np.int64)

        self.conv_debut = jours((f.convention_debut for f in fenetres), -_JAMAIS)
        self.conv_fin = jours((f.convention_fin for f in fenetres), _JAMAIS)
        self.rmax = np.array(
            [(-1 if f.renouvellements_max is None else f.renouvellements_max) for f in fenetres]
        )
        self.places = np.array([(-1 if f.places is None else f.places) for f in fenetres], dtype=np.int64)
        self.maximum = [f.maximum for f in fenetres]
        self.motifs = fenetres[-1].motifs

    def fenetre(self, jour: I64) -> I64:
        """The window in force on each day (-1 before the opening)."""
        w = np.searchsorted(self.debuts, jour, side="right") - 1
        out: I64 = np.where(jour < self.ouverture, -1, w)
        return out

    def ouvert(self, jour: I64) -> B:
        w = self.fenetre(jour)
        wc = np.maximum(w, 0)
        out: B = (w >= 0) & (jour >= self.conv_debut[wc]) & (jour <= self.conv_fin[wc])
        return out

    def fin_max(self, debut: I64) -> I64:
        """démarrage + the maximum in force that day (never: no maximum)."""
        w = self.fenetre(debut)
        out = np.full(debut.shape, _JAMAIS, dtype=np.int64)
        for jour, fenetre in set(zip(debut.tolist(), w.tolist(), strict=True)):
            duree = self.maximum[fenetre] if fenetre >= 0 else None
            if duree is not None:
                fin = duree.ajouter(date.fromordinal(jour + _EPOQUE)).toordinal() - _EPOQUE
                out[(debut == jour) & (w == fenetre)] = fin
        return out


class _Etat:
    """The state of every dossier during the scan (one entry per dossier)."""

    def __init__(self, n: int, initial: int) -> None:
        self.etat = np.full(n, initial, dtype=np.int64)
        self.nouveau = np.ones(n, dtype=np.bool_)
        self.disp = np.full(n, -1, dtype=np.int64)
        self.derniere = np.full(n, -_JAMAIS, dtype=np.int64)
        self.renouv = np.zeros(n, dtype=np.int64)
        self.fin_max = np.full(n, _JAMAIS, dtype=np.int64)


class _Juge:
    """The scan of :func:`juger_en_bloc` (see the module docstring)."""

    def __init__(self, policy: Policy, cols: Colonnes) -> None:
        self.policy = policy
        self.cols = cols
        self.noms = list(policy.dispositifs)
        self.regles = [_Regles(EtatDispositif(d, policy.dispositifs[d])) for d in self.noms]
        self.etats = sorted({e for r in self.regles for e in r.etat.topo.etats} | {ETAT_INITIAL})
        self.evts = list(EVENEMENTS_JOURNAL)
        self.table = self._table()
        self.dline = cols.dispositif
        self.evt = cols.evenement
        self.dossiers = cols.dossier
        self.prev_id = _precedent_meme_id(cols.dossier, cols.id)
        n = cols.n
        self.applique = np.zeros(n, dtype=np.bool_)
        self.doublon = np.zeros(n, dtype=np.bool_)
        self.refuse = np.zeros(n, dtype=np.bool_)
        self.premier_id = np.full(n, -1, dtype=np.int64)
        self.avant = np.full(n, -1, dtype=np.int64)

    def _table(self) -> I64:
        """next state code for (dispositif, event, state); -1: not allowed."""
        etat = {s: i for i, s in enumerate(self.etats)}
        out = np.full((len(self.noms), len(self.evts), len(self.etats)), -1, dtype=np.int64)
        for d, regles in enumerate(self.regles):
            for e, nom in enumerate(self.evts):
                for source, dest in regles.etat.table.get(nom, {}).items():
                    out[d, e, etat[source]] = etat[source if dest is None else dest]
        return out

    def code(self, nom: str) -> int:
        return self.evts.index(nom) if nom in self.evts else -99

    def scanner(self) -> None:
        ordre = np.lexsort((np.arange(self.cols.n), self.dossiers))
        d_trie = self.dossiers[ordre]
        debuts = np.flatnonzero(np.r_[True, d_trie[1:] != d_trie[:-1]])
        longueurs = np.diff(np.r_[debuts, d_trie.shape[0]])
        par_longueur = np.argsort(-longueurs, kind="stable")
        etat = _Etat(debuts.shape[0], self.etats.index(ETAT_INITIAL))
        tries = longueurs[par_longueur]
        for k in range(int(longueurs.max(initial=0))):
            actifs = par_longueur[: int(np.count_nonzero(tries > k))]
            self._pas(etat, actifs, ordre[debuts[actifs] + k])
        groupe = np.empty(self.cols.n, dtype=np.int64)
        groupe[ordre] = np.repeat(np.arange(debuts.shape[0]), longueurs)
        #: the dispositif of each line's dossier (-1: the dossier never entered one)
        self.dline_dossier = etat.disp[groupe]

    def _pas(self, e: _Etat, a: I64, i: I64) -> None:
        """Judge line ``i[x]`` of dossier ``a[x]`` for every x, then apply what is accepted."""
        cols = self.cols
        jour, evt, dl = cols.jour[i], self.evt[i], self.dline[i]
        nouveau = e.nouveau[a]
        disp = np.where(nouveau, dl, e.disp[a])
        refuse = nouveau & (dl < 0)
        refuse |= ~nouveau & (dl != -1) & (dl != e.disp[a])
        refuse |= ~nouveau & (jour < e.derniere[a])
        doublon = self._doublons(i, nouveau)
        refuse |= doublon == 2
        connu = disp >= 0
        dc = np.maximum(disp, 0)
        suivant = np.where(connu, self.table[dc, evt, e.etat[a]], -1)
        refuse |= suivant < 0
        attente = self.etats.index(ETAT_ATTENTE) if ETAT_ATTENTE in self.etats else -99
        refuse |= (evt == self.code("demarrage")) & (e.etat[a] == attente) & ~cols.genere[i]
        ouvert = np.ones(i.shape, dtype=np.bool_)
        for d in np.unique(disp[connu & (nouveau | (evt == self.code("demarrage")))]).tolist():
            m = (disp == d) & (nouveau | (evt == self.code("demarrage")))
            ouvert[m] = self.regles[d].ouvert(jour[m])
        refuse |= ~ouvert
        refuse |= self._gardes(e, a, i, disp, evt, jour)
        # an id already applied is looked at first: the same event is acknowledged, another refused
        refuse = (refuse & (doublon == 0)) | (doublon == 2)
        ok = ~refuse & (doublon == 0)
        self.refuse[i] = refuse
        self.doublon[i] = doublon == 1
        self.applique[i] = ok
        self.avant[i] = e.etat[a]
        self._appliquer(e, a[ok], i[ok], suivant[ok], disp[ok], evt[ok], jour[ok])

    def _doublons(self, i: I64, nouveau: B) -> I64:
        """0: not a duplicate, 1: the same event as an applied one with its id, 2: a conflict."""
        p = self.prev_id[i]
        premier = np.where(
            p >= 0, np.where(self.applique[np.maximum(p, 0)], p, self.premier_id[np.maximum(p, 0)]), -1
        )
        self.premier_id[i] = premier
        out = np.zeros(i.shape, dtype=np.int64)
        for x in np.flatnonzero(~nouveau & (premier >= 0)).tolist():
            out[x] = 1 if self._meme(int(i[x]), int(premier[x])) else 2
        return out

    def _meme(self, a: int, b: int) -> bool:
        return contenu(self.cols.evenements(a)) == contenu(self.cols.evenements(b))

    def _gardes(self, e: _Etat, a: I64, i: I64, disp: I64, evt: I64, jour: I64) -> B:
        """The guards of engine/guards.py that refuse (capacity aside)."""
        cols = self.cols
        refuse = np.zeros(i.shape, dtype=np.bool_)
        renouv = np.flatnonzero(evt == self.code("renouvellement"))
        for x in renouv.tolist():
            d = int(disp[x])
            if d < 0:
                continue
            regles = self.regles[d]
            w = int(regles.fenetre(jour[x : x + 1])[0])
            rmax = int(regles.rmax[w]) if w >= 0 else -1
            dossier = int(a[x])
            if (rmax >= 0 and e.renouv[dossier] >= rmax) or jour[x] >= e.fin_max[dossier]:
                refuse[x] = True
        for x in np.flatnonzero(evt == self.code("sortie")).tolist():
            motif, d = cols.motif[i[x]], int(disp[x])
            motifs = self.regles[d].motifs if d >= 0 else frozenset()
            refuse[x] = motif is None or bool(motifs and motif not in motifs)
        refuse |= (evt == self.code("veille")) & cols.sans_emploi[i]
        return refuse

    def _appliquer(self, e: _Etat, a: I64, i: I64, suivant: I64, disp: I64, evt: I64, jour: I64) -> None:
        e.etat[a] = suivant
        e.derniere[a] = jour
        e.nouveau[a] = False
        e.disp[a] = disp
        dem = evt == self.code("demarrage")
        if dem.any():
            e.renouv[a[dem]] = 0
            for d in np.unique(disp[dem]).tolist():
                m = dem & (disp == d)
                e.fin_max[a[m]] = self.regles[d].fin_max(jour[m])
        ren = evt == self.code("renouvellement")
        e.renouv[a[ren]] += 1

    def places(self) -> Places:
        """The applied lines that take, free or wait for a place, in dispositifs with places or
        with ``attente`` lines (see :class:`Places`)."""
        ouverts = [self.etats.index(s) for s in ETAPES_OUVERTES if s in self.etats]
        finales = [self.code(f) for f in ETAPES_FINALES]
        dem, att = self.code("demarrage"), self.code(EVENEMENT_ATTENTE)
        limitees = np.array([not (r.places < 0).all() for r in self.regles] + [False], dtype=np.bool_)
        evt = self.evt
        sortie = np.isin(evt, finales) & np.isin(self.avant, ouverts)
        m = self.applique & (self.dline_dossier >= 0) & ((evt == dem) | (evt == att) | sortie)
        m &= limitees[self.dline_dossier] | (evt == att)
        idx = np.flatnonzero(m)
        delta = (evt[idx] == dem).astype(np.int8) - sortie[idx].astype(np.int8)
        disp = self.dline_dossier[idx].astype(np.int16)
        return Places(self.cols.ligne[idx], disp, delta, self.cols.jour[idx].astype(np.int32))


def places_respectees(policy: Policy, groupes: Iterable[Places]) -> bool:
    """Whether the applied lines of the whole journal never give a place that is not free, nor
    wait beside one (each dispositif's lines in journal order, every group together; one
    dispositif at a time, so that the memory taken is that of its own lines)."""
    parts = list(groupes)
    if not parts:
        return True
    for d, nom in enumerate(policy.dispositifs):
        dans = [p.dispositif == d for p in parts]
        ligne = np.concatenate([p.ligne[m] for p, m in zip(parts, dans, strict=True)])
        if not ligne.size:
            continue
        ordre = np.argsort(ligne, kind="stable")
        del ligne
        dd = np.concatenate([p.delta[m] for p, m in zip(parts, dans, strict=True)])[ordre].astype(np.int64)
        jour = np.concatenate([p.jour[m] for p, m in zip(parts, dans, strict=True)])[ordre]
        regles = _Regles(EtatDispositif(nom, policy.dispositifs[nom]))
        occupes = np.cumsum(dd) - dd
        w = regles.fenetre(jour.astype(np.int64))
        places = np.where(w >= 0, regles.places[np.maximum(w, 0)], -1)
        libre = (places < 0) | (occupes < places)
        if ((dd == 1) & ~libre).any() or ((dd == 0) & libre).any():
            return False
    return True


def _precedent_meme_id(dossiers: I64, ids: I64) -> I64:
    """For each line with an id, the previous line of its dossier with the same id (-1: none)."""
    prev = np.full(dossiers.shape, -1, dtype=np.int64)
    idx = np.flatnonzero(ids >= 0)
    if idx.size:
        s = idx[np.lexsort((idx, ids[idx], dossiers[idx]))]
        meme = (dossiers[s][1:] == dossiers[s][:-1]) & (ids[s][1:] == ids[s][:-1])
        prev[s[1:][meme]] = s[:-1][meme]
    return prev


def _moteur(policy: Policy) -> Any:
    """An engine replaying records, its alert rules off (they never refuse a line)."""
    from parcours.engine.engine import Engine

    engine = Engine(policy)
    engine._rejeu = True
    engine._surveillance.actif = False
    return engine


def _raisons(policy: Policy, cols: Colonnes, juge: _Juge) -> list[LigneEcartee]:
    """The engine's own message for each refused line: its dossier's lines replayed up to it."""
    ecartees: list[LigneEcartee] = []
    refuses = np.flatnonzero(juge.refuse)
    for dossier in np.unique(juge.dossiers[refuses]).tolist():
        engine = _moteur(policy)
        for x in np.flatnonzero(juge.dossiers == dossier).tolist():
            try:
                engine._appliquer(cols.evenements(x), True)
            except ParcoursError as exc:
                if not juge.refuse[x]:
                    raise AssertionError(f"ligne {cols.ligne[x]} : le moteur la refuse ({exc})") from exc
                ecartees.append(LigneEcartee(int(cols.ligne[x]), str(exc)))
            else:
                if juge.refuse[x]:
                    raise AssertionError(f"ligne {cols.ligne[x]} : le moteur l'accepte")
    ecartees.sort(key=lambda e: e.numero)
    return ecartees


def par_le_moteur(
    policy: Policy, evenements: Iterable[tuple[int, dict[str, Any]]]
) -> tuple[list[int], int, list[LigneEcartee]]:
    """Every line judged by the engine itself, in journal order (capacity made lines depend on
    each other beyond their dossier): the numbers of the applied lines, how many duplicates
    were acknowledged, and the lines refused with the engine's message."""
    engine = _moteur(policy)
    appliquees: list[int] = []
    doublons = 0
    ecartees: list[LigneEcartee] = []
    for numero, event in evenements:
        try:
            resultat = engine._appliquer(event, True)
        except ParcoursError as exc:
            ecartees.append(LigneEcartee(numero, str(exc)))
            continue
        if resultat.applique:
            appliquees.append(numero)
        else:
            doublons += 1
    return appliquees, doublons, ecartees


def juger_en_bloc(policy: Policy, cols: Colonnes) -> Verdicts:
    """The engine's verdict on each line of ``cols``, all the lines of their dossiers (see the
    module docstring); the places they take are left to :func:`places_respectees`. Raises
    PolicyError when the policy cannot be judged in bulk (then :func:`par_le_moteur`)."""
    juge = _Juge(policy, cols)
    juge.scanner()
    return Verdicts(juge.applique, juge.doublon, _raisons(policy, cols, juge), juge.places())
