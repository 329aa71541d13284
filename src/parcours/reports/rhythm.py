"""Respect of the interview rhythm (the policy's ``rythme_entretiens``).

From the démarrage and from each interview held, the next interview is due within
``intervalle_max`` (``au_demarrage.intervalle_max`` while the anchor falls in the first
``au_demarrage.pendant`` of the accompaniment), the rules in force on the anchor's day read
from the compiled rules the engine applies; each such deadline is an échéance. An
échéance is *tenue* when the next interview is held on or before it, *dépassée* otherwise;
échéances on or after the end of the accompaniment are not due. A period counts the
échéances that fall in it. Durations follow the policy's calendar rules (months clamp to
the month's end), with the version in force on the anchor's date.

The échéances depend on the journal and the policy only: they are computed once per journal,
a group of dossiers at a time (one grouped pass over its interviews, then numpy), and kept as
counts per dispositif and day, so that a national journal's échéances take a few kilobytes;
each period is a sum over its days.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from parcours.policies.rules import regles_datees
from parcours.policies.schema import Policy
from parcours.reports._dates import Jours, ajouter_regle
from parcours.reports._sql import liste
from parcours.reports.model import Rythme
from parcours.reports.period import Periode
from parcours.reports.reading import JournalLu

__all__ = ["Echeances", "echeances", "rythme"]

_CACHE = "echeances"
_NAT = np.datetime64("NaT")


@dataclass(frozen=True)
class Echeances:
    """Every échéance of the journal counted per dispositif and day: ``dues[d][j]`` échéances
    of dispositif ``dispositifs[d]`` fall on day ``origine + j``, ``tenues[d][j]`` were kept."""

    dispositifs: tuple[str, ...]
    origine: np.datetime64
    dues: npt.NDArray[np.int64]
    tenues: npt.NDArray[np.int64]

    def compter(self, ident: str, du: np.datetime64, au: np.datetime64) -> tuple[int, int]:
        """(due, kept) échéances of ``ident`` from ``du`` to ``au``, both days included."""
        if ident not in self.dispositifs or not self.dues.shape[1]:
            return 0, 0
        d = self.dispositifs.index(ident)
        debut = max(int((du - self.origine).astype(np.int64)), 0)
        fin = int((au - self.origine).astype(np.int64)) + 1
        if fin <= debut:
            return 0, 0
        return int(self.dues[d, debut:fin].sum()), int(self.tenues[d, debut:fin].sum())


class _Compteur:
    """Échéances added a group at a time, counted per dispositif and day."""

    def __init__(self, noms: list[str]) -> None:
        self.noms = noms
        self.origine = 0  # a day number (days since 1970-01-01)
        self.dues = np.zeros((len(noms), 0), dtype=np.int64)
        self.tenues = np.zeros((len(noms), 0), dtype=np.int64)

    def ajouter(self, d: int, jours: Jours, tenue: npt.NDArray[np.bool_]) -> None:
        if not jours.size:
            return
        n = jours.astype(np.int64)
        if not self.dues.shape[1]:
            self.origine = int(n.min())
        debut, fin = min(self.origine, int(n.min())), max(self.origine + self.dues.shape[1], int(n.max()) + 1)
        if (debut, fin) != (self.origine, self.origine + self.dues.shape[1]):
            for nom in ("dues", "tenues"):
                ancien = getattr(self, nom)
                neuf = np.zeros((len(self.noms), fin - debut), dtype=np.int64)
                neuf[:, self.origine - debut : self.origine - debut + ancien.shape[1]] = ancien
                setattr(self, nom, neuf)
            self.origine = debut
        self.dues[d] += np.bincount(n - debut, minlength=fin - debut)
        self.tenues[d] += np.bincount(n[tenue] - debut, minlength=fin - debut)

    def fin(self) -> Echeances:
        origine = np.datetime64(self.origine, "D")
        return Echeances(tuple(self.noms), origine, self.dues, self.tenues)


def _jours(col: pa.ChunkedArray) -> Jours:
    arr = col.combine_chunks() if isinstance(col, pa.ChunkedArray) else col
    return np.asarray(arr.to_numpy(zero_copy_only=False), dtype="datetime64[D]")


def _ancres(table: pa.Table) -> tuple[npt.NDArray[np.int64], Jours]:
    """Anchors of each dossier (row): its démarrage then its interviews held while open."""
    n = table.num_rows
    debut = _jours(table.column("debut"))
    fin = _jours(table.column("fin"))
    listes = table.column("jours").combine_chunks()
    offsets = np.asarray(listes.offsets.to_numpy(zero_copy_only=False), dtype=np.int64)
    valeurs = np.asarray(listes.values.to_numpy(zero_copy_only=False), dtype="datetime64[D]")
    parent = np.repeat(np.arange(n, dtype=np.int64), np.diff(offsets))
    garde = valeurs >= debut[parent]
    fin_p = fin[parent]
    garde &= np.isnat(fin_p) | (valeurs <= fin_p)
    parent, valeurs = parent[garde], valeurs[garde]
    # each dossier's segment: its démarrage first, then its (sorted) interviews
    compte = np.bincount(parent, minlength=n) + 1
    depart = np.cumsum(compte) - compte
    total = int(compte.sum())
    dossier = np.empty(total, dtype=np.int64)
    ancre = np.empty(total, dtype="datetime64[D]")
    dossier[depart] = np.arange(n)
    ancre[depart] = debut
    premier = np.searchsorted(parent, np.arange(n))  # first interview index of each dossier
    rang = np.arange(len(parent)) - premier[parent]
    place = depart[parent] + 1 + rang
    dossier[place] = parent
    ancre[place] = valeurs
    return dossier, ancre


def _calculer(journal: JournalLu, policy: Policy) -> Echeances:
    suivis = [k for k, d in policy.dispositifs.items() if d.rythme_entretiens is not None]
    compteur = _Compteur(suivis)
    for groupe in range(journal.groupes):
        table = journal.con.sql(
            f"""
            SELECT d.dispositif, d.debut, d.fin, coalesce(i.jours, []) AS jours
            FROM (SELECT * FROM dossiers WHERE groupe = {groupe}) d LEFT JOIN (
              SELECT dossier, list(jour ORDER BY jour) AS jours FROM ev
              WHERE groupe = {groupe} AND evenement = 'entretien' AND presence IS DISTINCT FROM 'absent'
              GROUP BY dossier
            ) i USING (dossier)
            WHERE d.debut IS NOT NULL AND d.dispositif IN {liste(suivis)}
            """
        ).to_arrow_table()
        _du_groupe(table, policy, suivis, compteur)
    return compteur.fin()


def _du_groupe(table: pa.Table, policy: Policy, suivis: list[str], compteur: _Compteur) -> None:
    """Add the échéances of one group's dossiers (``table``: one row per dossier followed)."""
    dossier, ancre = _ancres(table)
    suivant = np.full(ancre.shape, _NAT, dtype="datetime64[D]")
    meme = dossier[1:] == dossier[:-1]
    suivant[:-1][meme] = ancre[1:][meme]
    unique = np.isnat(suivant) | (suivant > ancre)  # same-day anchors make one échéance
    dossier, ancre, suivant = dossier[unique], ancre[unique], suivant[unique]
    codes = table.column("dispositif").combine_chunks().dictionary_encode()
    noms = [str(x) for x in codes.dictionary.to_pylist()]
    disp = np.asarray(codes.indices.to_numpy(zero_copy_only=False), dtype=np.int32)[dossier]
    debut = _jours(table.column("debut"))[dossier]
    fin = _jours(table.column("fin"))[dossier]
    for ident in suivis:
        if ident not in noms:
            continue
        regles = regles_datees(policy, ident)
        mask = disp == noms.index(ident)
        a = ancre[mask]
        # as Regles.prochain_entretien: the rules in force on the anchor's day
        e = ajouter_regle(regles, "rythme", a, a)
        limite = ajouter_regle(regles, "pendant", debut[mask], a)
        strict = ajouter_regle(regles, "rythme_demarrage", a, a)
        debut_strict = ~np.isnat(limite) & ~np.isnat(strict) & (a < limite)
        echeance = np.where(debut_strict, strict, e)
        f, s = fin[mask], suivant[mask]
        due = ~np.isnat(echeance) & (np.isnat(f) | (echeance < f))
        tenue = ~np.isnat(s) & (s <= echeance)
        compteur.ajouter(suivis.index(ident), echeance[due], tenue[due])


def echeances(journal: JournalLu) -> Echeances:
    """The échéances of the journal (computed once, then kept with it)."""
    cached = journal._cache.get(_CACHE)
    if not isinstance(cached, Echeances):
        cached = _calculer(journal, journal.policy)
        journal._cache[_CACHE] = cached
    return cached


def rythme(journal: JournalLu, periode: Periode, dispositifs: tuple[str, ...]) -> dict[str | None, Rythme]:
    ech = echeances(journal)
    du, au = np.datetime64(periode.du, "D"), np.datetime64(periode.au, "D")
    result: dict[str | None, Rythme] = {}
    dues_total = tenues_total = 0
    for ident in dispositifs:
        dues, tenues = ech.compter(ident, du, au)
        result[ident] = Rythme(echeances_dues=dues, echeances_tenues=tenues)
        dues_total += dues
        tenues_total += tenues
    result[None] = Rythme(echeances_dues=dues_total, echeances_tenues=tenues_total)
    return result
