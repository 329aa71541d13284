"""Respect of the interview rhythm (the policy's ``rythme_entretiens``).

From the démarrage and from each interview held, the next interview is due within
``intervalle_max`` (``au_demarrage.intervalle_max`` while the anchor falls in the first
``au_demarrage.pendant`` of the accompaniment), the rules in force on the anchor's day read
from the compiled rules the engine applies; each such deadline is an échéance. An
échéance is *tenue* when the next interview is held on or before it, *dépassée* otherwise;
échéances on or after the end of the accompaniment are not due. A period counts the
échéances that fall in it. Durations follow the policy's calendar rules (months clamp to
the month's end), with the version in force on the anchor's date.

The échéances depend on the journal and the policy only: they are computed once per journal
(one grouped pass over the interviews, then numpy) and each period is a mask.
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
    """Every échéance of the journal: its dispositif, its date and whether it was kept."""

    dispositifs: tuple[str, ...]  # names of the codes in ``dispositif``
    dispositif: npt.NDArray[np.int32]
    date: Jours
    tenue: npt.NDArray[np.bool_]


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
    table = journal.con.sql(
        f"""
        SELECT d.dispositif, d.debut, d.fin, coalesce(i.jours, []) AS jours
        FROM dossiers d LEFT JOIN (
          SELECT dossier, list(jour ORDER BY jour) AS jours FROM ev
          WHERE evenement = 'entretien' AND coalesce(presence, '') <> 'absent' GROUP BY dossier
        ) i USING (dossier)
        WHERE d.debut IS NOT NULL AND d.dispositif IN {liste(suivis)}
        """
    ).to_arrow_table()
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
    echeance = np.full(ancre.shape, _NAT, dtype="datetime64[D]")
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
        echeance[mask] = np.where(debut_strict, strict, e)
    due = ~np.isnat(echeance) & (np.isnat(fin) | (echeance < fin))
    tenue = ~np.isnat(suivant) & (suivant <= echeance)
    return Echeances(dispositifs=tuple(noms), dispositif=disp[due], date=echeance[due], tenue=tenue[due])


def echeances(journal: JournalLu) -> Echeances:
    """The échéances of the journal (computed once, then kept with it)."""
    cached = journal._cache.get(_CACHE)
    if not isinstance(cached, Echeances):
        cached = _calculer(journal, journal.policy)
        journal._cache[_CACHE] = cached
    return cached


def rythme(journal: JournalLu, periode: Periode, dispositifs: tuple[str, ...]) -> dict[str | None, Rythme]:
    ech = echeances(journal)
    dans = (ech.date >= np.datetime64(periode.du, "D")) & (ech.date <= np.datetime64(periode.au, "D"))
    result: dict[str | None, Rythme] = {}
    dues_total = tenues_total = 0
    for ident in dispositifs:
        if ident not in ech.dispositifs:
            result[ident] = Rythme()
            continue
        mask = dans & (ech.dispositif == ech.dispositifs.index(ident))
        dues, tenues = int(mask.sum()), int((mask & ech.tenue).sum())
        result[ident] = Rythme(echeances_dues=dues, echeances_tenues=tenues)
        dues_total += dues
        tenues_total += tenues
    result[None] = Rythme(echeances_dues=dues_total, echeances_tenues=tenues_total)
    return result
