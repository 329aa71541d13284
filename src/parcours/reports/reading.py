"""A journal read for reporting: the engine's verdict on every line, then DuckDB tables.

A bilan never counts a line the engine would refuse. The journal is read as a stream of
batches (:mod:`parcours.reports.sources`), so that its length never sets the memory it takes:

1. **The format**, a batch at a time, in DuckDB (:mod:`parcours.reports._format`): each line
   is checked by the rules of the format's one reader (``engine/events.py``'s
   :func:`normaliser`, applied to journal lines as on replay); every line refused, and every
   line the SQL cannot be sure of, is judged by that reader itself, whose message is kept. A
   line over a bound stops the reading with its number (``UnsafeLineError``), as on replay.
   The accepted lines go, by dossier, to parts (:mod:`parcours.reports._parts`): in memory
   while they fit in one group, in temporary files past that.
2. **The engine's guards**, in bulk (``engine/bulk.py``), a group of whole dossiers at a time:
   every dossier's lines against its dispositif's machine and rules, as :meth:`Engine.replay`
   judges them; duplicates of an applied ``id`` are acknowledged and not counted; the places
   taken and freed are then checked over the whole journal, in its order (when they are not
   respected, the engine itself judges the journal, line by line).
3. **The tables** the indicators are computed from, on the applied lines only, a group at a
   time: a Parquet file per group and table (:mod:`parcours.reports._groupes`), which DuckDB
   queries as views with a bounded memory (MEMOIRE_DUCKDB).

The lines of the droits et devoirs track (far fewer) are judged by the engine itself, in
journal order (engine/rights/bulk.py), once the others are: they are held as events meanwhile.

Tables (DuckDB; ``groupe`` is the group a dossier was judged in, its rows contiguous):

``ev``        one row per applied event: numero, dossier (a number, the same in both tables),
              jour, evenement, presence, vers, genere
``dossiers``  one row per dossier with an applied line (see :mod:`parcours.reports._dossiers`):
              dispositif, num_debut, debut (démarrage), fin (its sortie or réorientation),
              motif_fin, profil (its first), veille_emploi, nom (the dossier's id as written)
``droits``    one row per applied line of the droits et devoirs track: numero, dossier (its
              text), jour, evenement, dispositif and the track's keys (reports/rights.py)
"""

from __future__ import annotations

import json
import os
import tempfile
import weakref
from array import array
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from parcours.engine.bulk import Colonnes, Places, juger_en_bloc, par_le_moteur, places_respectees
from parcours.engine.journal import LigneEcartee, lire_ligne
from parcours.engine.rights.bulk import juger_droits_en_ligne
from parcours.errors import JournalError, PolicyError
from parcours.policies.schema import Policy
from parcours.reports import sources
from parcours.reports._avance import en_avance
from parcours.reports._dossiers import dossiers_du_groupe
from parcours.reports._format import MACROS, PARTIES, lire_lot, lot_sql
from parcours.reports._groupes import Tables
from parcours.reports._parts import Parts
from parcours.reports.rights_table import table_droits
from parcours.vocabulary import (
    EVENEMENT_ALERTE,
    EVENEMENT_ALERTE_ANNULEE,
    EVENEMENTS_DROITS,
    EVENEMENTS_JOURNAL,
)

__all__ = ["GROUPE", "MEMOIRE_DUCKDB", "JournalLu", "LigneEcartee", "read_journal"]

#: Lines judged together at most (whole dossiers; a dossier's lines are never split).
GROUPE = 1 << 19
#: The memory DuckDB may take for the tables and the bilan's queries (it spills past it).
MEMOIRE_DUCKDB = "96MB"

_ALERTES = (EVENEMENT_ALERTE, EVENEMENT_ALERTE_ANNULEE)
_A_PART = (*_ALERTES, *EVENEMENTS_DROITS)
_EVENEMENTS = pa.array(EVENEMENTS_JOURNAL, pa.string())


def _connexion(dossier: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(
        ":memory:",
        config={
            "memory_limit": MEMOIRE_DUCKDB,
            "temp_directory": str(dossier / "duckdb"),
            "preserve_insertion_order": False,
        },
    )
    con.execute(MACROS)
    return con


def _fermer(con: duckdb.DuckDBPyConnection, dossier: tempfile.TemporaryDirectory[str]) -> None:
    con.close()
    dossier.cleanup()


class JournalLu:
    """A journal read and judged against a policy, ready for any number of bilans."""

    def __init__(self, lignes: sources.LineSource, policy: Policy, *, groupe: int = GROUPE) -> None:
        self.policy = policy
        self.source = lignes.source
        self.unite = lignes.unite
        self._lignes = lignes
        self._temporaire = tempfile.TemporaryDirectory(prefix="parcours-bilan-", ignore_cleanup_errors=True)
        self.con = _connexion(Path(self._temporaire.name))
        self._fin = weakref.finalize(self, _fermer, self.con, self._temporaire)
        self._tables = Tables(self.con, Path(self._temporaire.name))
        parts = Parts(Path(self._temporaire.name), PARTIES, groupe)
        droits: list[tuple[int, dict[str, Any]]] = []
        ecartees = self._lire_le_format(parts, droits)
        try:
            self.groupes, doublons, ecartees_moteur = self._juger(parts)
        except _ParLeMoteur:
            self.groupes, doublons, ecartees_moteur = self._par_le_moteur(parts, ecartees)
        self._tables.publier()
        verdicts_droits = juger_droits_en_ligne(policy, droits)
        del droits
        self.con.register("droits_lus", table_droits(verdicts_droits.appliques))
        self.con.execute("CREATE TABLE droits AS SELECT * FROM droits_lus")
        self.con.unregister("droits_lus")
        refusees = [*ecartees, *ecartees_moteur, *verdicts_droits.ecartees]
        self.ecartees = sorted(refusees, key=lambda e: e.numero)
        self.lignes_ignorees = len(self.ecartees)
        #: lines acknowledged as duplicates of an applied ``id`` (not counted)
        self.doublons = doublons + verdicts_droits.doublons
        row = self.con.execute("SELECT count(*) FROM ev").fetchone()
        #: applied lines of the droits et devoirs track (counted in ``evenements`` too)
        self.evenements_droits = len(verdicts_droits.appliques)
        self.evenements = (int(row[0]) if row else 0) + self.evenements_droits
        self._cache: dict[str, Any] = {}

    def _lire_le_format(self, parts: Parts, droits: list[tuple[int, dict[str, Any]]]) -> list[LigneEcartee]:
        """Pass 1: every batch through the format's reader; accepted lines to their part (those
        of the droits et devoirs track to ``droits``)."""
        sql = lot_sql(list(self.policy.dispositifs))
        ecartees: list[LigneEcartee] = []
        self.lignes_lues = 0
        lus = (lire_lot(self.con, sql, lot, self._lignes) for lot in self._lignes.lots())
        for lu in en_avance(lus):  # the next batch is read while this one goes to its parts
            self.lignes_lues += lu.lignes
            ecartees.extend(lu.ecartees)
            droits.extend(lu.droits)
            parts.ajouter(lu.table)
        return ecartees

    def _juger(self, parts: Parts) -> tuple[int, int, list[LigneEcartee]]:
        """Pass 2 and 3, a group at a time: (groups, duplicates, lines refused by the engine)."""
        places: list[Places] = []
        ecartees: list[LigneEcartee] = []
        doublons = groupes = 0
        noms = list(self.policy.dispositifs)
        jugees = (
            (table, cols, juger_en_bloc(self.policy, cols))
            for table in parts.groupes()
            for cols in [_colonnes(table, noms)]
        )
        try:  # the next group is judged in a thread while this one goes to the tables
            for groupe, (table, cols, verdicts) in enumerate(en_avance(jugees, avance=1)):
                places.append(verdicts.places)
                ecartees.extend(verdicts.ecartees)
                doublons += int(verdicts.doublon.sum())
                self._inserer(table, cols.dossier, verdicts.applique, groupe)
                groupes = groupe + 1
        except PolicyError as exc:
            raise _ParLeMoteur from exc
        if not places_respectees(self.policy, places):
            raise _ParLeMoteur
        return groupes, doublons, ecartees

    def _par_le_moteur(
        self, parts: Parts, refusees: list[LigneEcartee]
    ) -> tuple[int, int, list[LigneEcartee]]:
        """The engine judges every line in journal order; the tables are made again from its
        verdicts (the applied lines' numbers: 8 bytes a line)."""
        self._tables.vider()
        numeros, doublons, ecartees = par_le_moteur(
            self.policy, self._evenements({e.numero for e in refusees})
        )
        appliquees = pa.array(
            np.frombuffer(array("q", numeros), dtype=np.int64) if numeros else [], pa.int64()
        )
        groupes = 0
        for groupe, table in enumerate(parts.groupes()):
            masque = pc.is_in(table.column("numero"), value_set=appliquees).to_numpy(zero_copy_only=False)
            self._inserer(table, _codes(table.column("dossier")), np.asarray(masque, dtype=np.bool_), groupe)
            groupes = groupe + 1
        return groupes, doublons, ecartees

    def _evenements(self, refusees: set[int]) -> Iterator[tuple[int, dict[str, Any]]]:
        """Every line the format accepts (alert lines and the droits et devoirs track's aside)
        as (numero, event), in order."""
        for lot in self._lignes.lots():
            for numero, texte in zip(
                lot.column("numero").to_pylist(), lot.column("ligne").to_pylist(), strict=True
            ):
                if numero in refusees:
                    continue
                event = lire_ligne(texte)
                if event is not None and event.get("evenement") not in _A_PART:
                    yield numero, event

    def _inserer(
        self, table: pa.Table, codes: npt.NDArray[np.int64], applique: npt.NDArray[np.bool_], groupe: int
    ) -> None:
        """The applied lines of a group, and its dossiers, into the tables; a dossier's number
        is its code in the group plus the dossiers of the groups before."""
        if groupe == 0:
            self._decalage = 0
        rangs = pa.array(np.flatnonzero(applique))
        appliquees = table.select(["numero", "jour", "evt", "presence", "vers", "genere"]).take(rangs)
        evt = appliquees.column("evt").combine_chunks().cast(pa.int8())
        self._tables.ajouter(
            "ev",
            groupe,
            pa.table(
                {
                    "numero": appliquees.column("numero"),
                    "dossier": pa.array(codes[applique] + self._decalage, pa.int64()),
                    "jour": appliquees.column("jour"),
                    "evenement": pa.DictionaryArray.from_arrays(evt, _EVENEMENTS),
                    "presence": appliquees.column("presence"),
                    "vers": appliquees.column("vers"),
                    "genere": appliquees.column("genere"),
                    "groupe": pa.array(np.full(len(rangs), groupe, dtype=np.int32)),
                }
            ),
        )
        dossiers = dossiers_du_groupe(
            table, codes, applique, list(self.policy.dispositifs), self._decalage, groupe
        )
        self._tables.ajouter("dossiers", groupe, dossiers)
        self._decalage += int(codes.max(initial=-1)) + 1

    def problemes(self, limite: int | None = 100) -> list[LigneEcartee]:
        """The lines set aside, in the order of the numbers shown (the first ``limite``)."""
        montrees = sorted(
            (LigneEcartee(self._lignes.montrer(e.numero), e.message, self.unite) for e in self.ecartees),
            key=lambda e: e.numero,
        )
        return montrees if limite is None else montrees[:limite]

    def sql(self, query: str, params: list[object] | None = None) -> list[tuple[Any, ...]]:
        return self.con.execute(query, params or []).fetchall()

    def close(self) -> None:
        self._fin()


class _ParLeMoteur(Exception):
    """The bulk verdict cannot be trusted for this journal: the engine must judge it."""


def _codes(colonne: pa.ChunkedArray) -> np.ndarray[Any, np.dtype[np.int64]]:
    """Integer codes of a text column (exact, by a hash table; -1 for null)."""
    codes = pc.dictionary_encode(colonne).combine_chunks().indices
    return np.asarray(pc.fill_null(codes, -1).to_numpy(zero_copy_only=False), dtype=np.int64)


def _entiers(table: pa.Table, nom: str) -> np.ndarray[Any, np.dtype[np.int64]]:
    colonne = table.column(nom)
    if pa.types.is_date(colonne.type):
        colonne = colonne.cast(pa.int32())
    return np.asarray(colonne.to_numpy(), dtype=np.int64)


def _colonnes(table: pa.Table, noms: list[str]) -> Colonnes:
    """A group's accepted lines as the columns engine/bulk.py judges (in the table's order)."""
    evt = _entiers(table, "evt")
    sorties = np.flatnonzero(evt == EVENEMENTS_JOURNAL.index("sortie"))
    motif = np.full(table.num_rows, None, dtype=object)
    motif[sorties] = table.column("motif").take(pa.array(sorties)).to_pylist()

    def evenement(x: int) -> dict[str, Any]:
        return _evenement(table.slice(x, 1).to_pylist()[0])

    return Colonnes(
        ligne=_entiers(table, "numero"),
        dossier=_codes(table.column("dossier")),
        id=_codes(table.column("id")),
        jour=_entiers(table, "jour"),
        evenement=evt,
        dispositif=_entiers(table, "disp"),
        genere=np.asarray(table.column("genere").to_numpy(), dtype=np.bool_),
        motif=motif,
        sans_emploi=np.asarray(table.column("sans_emploi").to_numpy(), dtype=np.bool_),
        evenements=evenement,
    )


def _evenement(ligne: Mapping[str, Any]) -> dict[str, Any]:
    """The event of an accepted line rebuilt from its columns: the engine judges it as the line
    itself (its free ``details`` aside, which no rule reads; its date cut to the day)."""
    event: dict[str, Any] = {
        "dossier": ligne["dossier"],
        "date": ligne["jour"].isoformat(),
        "evenement": EVENEMENTS_JOURNAL[ligne["evt"]],
    }
    for cle in ("dispositif", "id", "acteur", "presence", "motif", "vers"):
        if ligne[cle] is not None:
            event[cle] = ligne[cle]
    if ligne["profil"] is not None:
        event["profil"] = json.loads(ligne["profil"])
    if ligne["emploi"] is not None:
        event["emploi"] = ligne["emploi"] == "true"
    if ligne["genere"]:
        event["genere"] = True
    return event


def read_journal(
    source: JournalLu | str | os.PathLike[str] | Iterable[Mapping[str, Any]] | sources.LineSource,
    policy: Policy,
) -> JournalLu:
    """Read a journal (a JSONL or SQLite path, Python events, or a source of lines) for ``policy``."""
    if isinstance(source, JournalLu):
        if source.policy is not policy:
            raise JournalError("ce journal a été lu avec une autre politique : relisez-le avec read_journal")
        return source
    if isinstance(source, sources.LineSource):
        return JournalLu(source, policy)
    if isinstance(source, (str, os.PathLike)):
        return JournalLu(sources.read_file(source), policy)
    return JournalLu(sources.read_events(source), policy)
