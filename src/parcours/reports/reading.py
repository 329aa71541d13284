"""A journal read for reporting: the engine's verdict on every line, then DuckDB tables.

A bilan never counts a line the engine would refuse. Reading happens once, in three passes:

1. **The format**, in DuckDB: each line's JSON is parsed and checked by the rules of the
   format's one reader (``engine/events.py``'s :func:`normaliser`, applied to journal lines
   as on replay), written here in SQL for speed; a test holds the two to the same verdicts.
   The message of each refused line is the reader's own: it is asked for those lines only.
2. **The engine's guards**, in bulk (``engine/bulk.py``): every dossier's lines against its
   dispositif's machine and rules, as :meth:`Engine.replay` judges them; duplicates of an
   applied ``id`` are acknowledged and not counted.
3. **The tables** the indicators are computed from, on the applied lines only.

Tables (DuckDB, in memory):

``ev``        one row per applied event: numero, dossier, jour, evenement, dispositif (as
              written on the line, often NULL), motif, presence, vers, genere, emploi, profil
``dossiers``  one row per dossier that entered a dispositif: dispositif, num_debut, debut
              (démarrage), fin (its sortie or réorientation), motif_fin, profil (its first),
              veille_emploi
``droits``    one row per applied line of the droits et devoirs track (judged by the engine
              itself, engine/rights/bulk.py): numero, dossier, jour, evenement, dispositif
              and the track's keys (reports/rights.py reads them)
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from parcours.engine.bulk import Colonnes, juger_en_bloc
from parcours.engine.events import CHAINES, CLES, CLES_ALERTE, CLES_EVENEMENT_DROITS, MOTIF_DATE, normaliser
from parcours.engine.journal import LigneEcartee, lire_ligne
from parcours.engine.rights.bulk import VerdictsDroits, juger_droits_en_ligne
from parcours.errors import JournalError
from parcours.policies.schema import Policy
from parcours.reports import sources
from parcours.reports._sql import chaine, liste
from parcours.reports.rights_table import table_droits
from parcours.vocabulary import (
    EVENEMENT_ALERTE,
    EVENEMENT_ALERTE_ANNULEE,
    EVENEMENTS_DROITS,
    EVENEMENTS_JOURNAL,
    MOTIF_REORIENTATION,
    PRESENCES,
)

__all__ = ["JournalLu", "LigneEcartee", "read_journal"]

_ALERTES = (EVENEMENT_ALERTE, EVENEMENT_ALERTE_ANNULEE)


_TOUTES = tuple(dict.fromkeys((*CLES, *CLES_ALERTE)))
# each key's value as JSON text, parsed once per line (NULL: the key is absent), and the
# values that may be text as text
_BRUT = json.dumps({k: "JSON" for k in _TOUTES})
_TEXTES = ("dossier", "date", "evenement", *CHAINES, "presence")
_STRUCTURE = json.dumps({k: "VARCHAR" for k in _TEXTES})


# The JSON type of a value, read from the first character of its (minified) JSON text, which
# costs a fraction of json_type's parse.
def _type(cle: str) -> str:
    """The JSON type of ``cle``'s value: VARCHAR, OBJECT, ARRAY, BOOLEAN, NULL or NUMBER
    (SQL NULL when the key is absent)."""
    v = f"r.{cle}::VARCHAR"
    return (
        f"CASE WHEN r.{cle} IS NULL THEN NULL WHEN left({v}, 1) = '\"' THEN 'VARCHAR' "
        f"WHEN left({v}, 1) = '{{' THEN 'OBJECT' WHEN left({v}, 1) = '[' THEN 'ARRAY' "
        f"WHEN {v} IN ('true', 'false') THEN 'BOOLEAN' WHEN {v} = 'null' THEN 'NULL' ELSE 'NUMBER' END"
    )


def _texte(cle: str) -> str:
    """``cle``'s value when it is a string (NULL otherwise)."""
    return f"CASE WHEN left(r.{cle}::VARCHAR, 1) = '\"' THEN s.{cle} END"


def _format_sql() -> str:
    """The first rule of the format a line breaks (NULL: none), in normaliser's order."""
    cles = _liste_sql(CLES)
    base = ("dossier", "date", "evenement", "dispositif", "genere")
    cles_alerte = _liste_sql((*base, *CLES_ALERTE))
    cles_droits = _liste_sql(CLES_EVENEMENT_DROITS)
    alerte = f"(evenement IN {liste(_ALERTES)})"
    droits = f"(evenement IN {liste(EVENEMENTS_DROITS)})"
    chaines = " OR ".join(f"({_type(k)} IS NOT NULL AND {_type(k)} <> 'VARCHAR')" for k in CHAINES)
    textes_alerte = ("dispositif", *CLES_ALERTE)
    champs_alerte = " OR ".join(f"coalesce({_type(k)}, '') <> 'VARCHAR'" for k in textes_alerte)
    vrai = f"({_type('genere')} = 'BOOLEAN' AND r.genere = 'true')"
    generes = liste(("demarrage", *_ALERTES))
    return f"""
    CASE
      WHEN NOT valide THEN 'json'
      WHEN o IS NULL THEN 'objet'
      WHEN len(list_filter(cles, lambda k:
           NOT list_contains(CASE WHEN {alerte} THEN {cles_alerte} WHEN {droits} THEN {cles_droits}
                                  ELSE {cles} END, k))) > 0 THEN 'cle'
      WHEN dossier IS NULL OR dossier = '' THEN 'dossier'
      WHEN evenement IS NULL OR evenement NOT IN {liste(EVENEMENTS_JOURNAL)} THEN 'evenement'
      WHEN date IS NULL OR NOT regexp_full_match(date, {chaine(MOTIF_DATE)})
           OR TRY_CAST(substr(date, 1, 10) AS DATE) IS NULL THEN 'date'
      WHEN {alerte} AND ({champs_alerte} OR NOT {vrai}) THEN 'alerte'
      WHEN {alerte} THEN NULL
      WHEN {chaines} THEN 'chaine'
      WHEN coalesce({_type("profil")}, 'NULL') NOT IN ('NULL', 'OBJECT') THEN 'profil'
      WHEN coalesce({_type("presence")}, 'NULL') <> 'NULL'
           AND coalesce(presence NOT IN {liste(PRESENCES)}, true) THEN 'presence'
      WHEN coalesce({_type("emploi")}, 'NULL') NOT IN ('NULL', 'BOOLEAN') THEN 'emploi'
      WHEN {_type("genere")} IS NOT NULL AND NOT ({vrai} AND evenement IN {generes}) THEN 'genere'
    END"""


# What JSON counts as white space before a value (json.loads skips it too).
_BLANCS_JSON = "' ' || chr(9) || chr(10) || chr(13)"
#: What the format reader strips off a line before calling it blank (bytes.strip: ASCII spaces).
_BLANCS_LIGNE = f"{_BLANCS_JSON} || chr(11) || chr(12)"


def _lu_sql(noms: list[str]) -> str:
    position = f"list_position({_liste_sql(noms)}, dispositif) - 1"
    disp = f"CASE WHEN dispositif IS NULL THEN -1 ELSE coalesce({position}, -2) END"
    evt = f"list_position({_liste_sql(EVENEMENTS_JOURNAL)}, evenement) - 1"
    champs = ",\n             ".join(f"{_texte(k)} AS {k}" for k in _TEXTES)
    return f"""
CREATE OR REPLACE TEMP TABLE lu AS
SELECT numero, code, dossier, TRY_CAST(substr(date, 1, 10) AS DATE) AS jour, evenement, dispositif,
       id, motif, presence, vers,
       CASE WHEN code IS NULL AND {_type("emploi")} = 'BOOLEAN' THEN r.emploi::VARCHAR END AS emploi,
       coalesce({_type("genere")} = 'BOOLEAN' AND r.genere = 'true', false) AS genere,
       CASE WHEN code IS NULL AND {_type("profil")} = 'OBJECT' THEN r.profil END AS profil,
       CASE WHEN code IS NULL THEN {evt} END AS evt,
       CASE WHEN code IS NULL THEN {disp} END AS disp
FROM (
  SELECT *, {_format_sql()} AS code
  FROM (
    SELECT numero, valide, o, r, s, cles,
             {champs}
    FROM (
      SELECT numero, valide, o,
             CASE WHEN o IS NOT NULL THEN json_transform(o, {chaine(_BRUT)}) END AS r,
             CASE WHEN o IS NOT NULL THEN json_transform(o, {chaine(_STRUCTURE)}) END AS s,
             CASE WHEN o IS NOT NULL THEN json_keys(o) END AS cles
      FROM (
        SELECT numero, valide,
               CASE WHEN left(ltrim(j, {_BLANCS_JSON}), 1) = '{{' THEN j END AS o
        FROM (SELECT numero, json_valid(ligne) AS valide, CASE WHEN json_valid(ligne) THEN ligne END AS j
              FROM lignes WHERE trim(ligne, {_BLANCS_LIGNE}) <> '')
      )
    )
  )
)
"""


def _liste_sql(mots: Iterable[str]) -> str:
    return "[" + ", ".join(chaine(m) for m in mots) + "]::VARCHAR[]"


_DOSSIERS_SQL = f"""
CREATE OR REPLACE TEMP TABLE debuts AS
SELECT dossier,
       arg_min(dispositif, numero) FILTER (WHERE dispositif IS NOT NULL) AS dispositif,
       min(numero) FILTER (WHERE evenement = 'demarrage') AS num_debut,
       arg_min(jour, numero) FILTER (WHERE evenement = 'demarrage') AS debut,
       arg_min(profil, numero) FILTER (WHERE profil IS NOT NULL) AS profil
FROM ev GROUP BY dossier;

CREATE OR REPLACE TEMP TABLE dossiers AS
WITH f AS (
  SELECT e.dossier, arg_min(e.jour, e.numero) AS fin,
         arg_min(coalesce(e.motif, {chaine(MOTIF_REORIENTATION)}), e.numero) AS motif_fin
  FROM ev e JOIN debuts d USING (dossier)
  WHERE e.evenement IN ('sortie', 'reorientation') AND e.numero > d.num_debut GROUP BY e.dossier
), v AS (
  SELECT e.dossier, arg_max(e.emploi, e.numero) AS veille_emploi
  FROM ev e WHERE e.evenement = 'veille' GROUP BY e.dossier
)
SELECT d.dossier, d.dispositif, d.num_debut, d.debut, f.fin, f.motif_fin, d.profil, v.veille_emploi
FROM debuts d LEFT JOIN f USING (dossier) LEFT JOIN v USING (dossier);

DROP TABLE debuts;
"""


_CODES = {"json", "objet"}  # decided before the line is an object: its number is enough


class JournalLu:
    """A journal read and judged against a policy, ready for any number of bilans."""

    def __init__(self, lignes: sources.Lignes, policy: Policy) -> None:
        self.policy = policy
        self.source = lignes.source
        self.unite = lignes.unite
        self._lignes = lignes
        self.lignes_lues = len(lignes)
        self.con = duckdb.connect(":memory:")
        self.con.register("lignes", lignes.table)
        self.con.execute(_lu_sql(list(policy.dispositifs)))
        ecartees = _refus_du_format(self.con, lignes)
        colonnes = _colonnes(self.con, lignes)
        verdicts = juger_en_bloc(policy, colonnes)
        droits = _droits(self.con, lignes, policy)
        appliquees = colonnes.ligne[verdicts.applique]
        self.con.register("appliquees", pa.table({"numero": pa.array(appliquees, pa.int64())}))
        self.con.execute(
            """CREATE OR REPLACE TEMP TABLE ev AS
               SELECT numero, dossier, jour, evenement, dispositif, motif, presence, vers, genere, emploi,
                      profil
               FROM lu SEMI JOIN appliquees USING (numero)"""
        )
        self.con.unregister("appliquees")
        self.con.unregister("lignes")
        self.con.execute("DROP TABLE lu")
        self.con.execute(_DOSSIERS_SQL)
        self.con.register("droits_lus", table_droits(droits.appliques))
        self.con.execute("CREATE OR REPLACE TEMP TABLE droits AS SELECT * FROM droits_lus")
        self.con.unregister("droits_lus")
        self.ecartees = sorted([*ecartees, *verdicts.ecartees, *droits.ecartees], key=lambda e: e.numero)
        self.lignes_ignorees = len(self.ecartees)
        #: lines acknowledged as duplicates of an applied ``id`` (not counted)
        self.doublons = int(verdicts.doublon.sum()) + droits.doublons
        row = self.con.execute("SELECT count(*) FROM ev").fetchone()
        #: applied lines of the droits et devoirs track (counted in ``evenements`` too)
        self.evenements_droits = len(droits.appliques)
        self.evenements = (int(row[0]) if row else 0) + self.evenements_droits
        self._cache: dict[str, Any] = {}

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
        self.con.close()


def _refus_du_format(con: duckdb.DuckDBPyConnection, lignes: sources.Lignes) -> list[LigneEcartee]:
    """The lines the format's reader refuses, with its own message (asked line by line)."""
    refusees = [int(n) for (n,) in con.execute("SELECT numero FROM lu WHERE code IS NOT NULL").fetchall()]
    tronquee = lignes.tronquee
    if tronquee is not None and tronquee not in refusees:
        refusees.append(tronquee)
        con.execute("UPDATE lu SET code = 'tronquee' WHERE numero = ?", [tronquee])
    out: list[LigneEcartee] = []
    for numero, brute in lignes.brutes(refusees).items():
        try:
            event = lire_ligne(brute)
            if event is not None:
                normaliser(event, moteur=True)
        except JournalError as exc:
            out.append(LigneEcartee(numero, str(exc)))
            continue
        raise AssertionError(f"ligne {numero} : le lecteur rapide la refuse, le lecteur du format l'accepte")
    return out


def _droits(con: duckdb.DuckDBPyConnection, lignes: sources.Lignes, policy: Policy) -> VerdictsDroits:
    """The lines of the droits et devoirs track the format accepts, judged by the engine."""
    numeros = con.execute(
        f"SELECT numero FROM lu WHERE code IS NULL AND evenement IN {liste(EVENEMENTS_DROITS)} "
        "ORDER BY numero"
    ).fetchall()
    return juger_droits_en_ligne(policy, ((int(n), json.loads(lignes.texte(int(n)))) for (n,) in numeros))


def _codes(colonne: pa.ChunkedArray) -> np.ndarray[Any, np.dtype[np.int64]]:
    """Integer codes of a text column (exact, by a hash table; -1 for null)."""
    codes = pc.dictionary_encode(colonne).combine_chunks().indices
    return np.asarray(pc.fill_null(codes, -1).to_numpy(zero_copy_only=False), dtype=np.int64)


def _colonnes(con: duckdb.DuckDBPyConnection, lignes: sources.Lignes) -> Colonnes:
    """The lines the format accepts (alert lines aside) as the columns engine/bulk.py judges."""
    table = con.sql(
        f"""SELECT numero, dossier, id, datediff('day', DATE '1970-01-01', jour) AS jour, evt, disp, genere,
                  CASE WHEN evenement = 'sortie' THEN motif END AS motif,
                  evenement = 'veille' AND emploi IS NULL AS sans_emploi
           FROM lu WHERE code IS NULL AND evenement NOT IN {liste((*_ALERTES, *EVENEMENTS_DROITS))}
           ORDER BY numero"""
    ).to_arrow_table()

    def colonne(nom: str) -> Any:
        return table.column(nom).to_numpy()

    numeros = colonne("numero").astype(np.int64)

    def evenement(x: int) -> dict[str, Any]:
        event: dict[str, Any] = json.loads(lignes.texte(int(numeros[x])))  # the format accepted it
        return event

    return Colonnes(
        ligne=numeros,
        dossier=_codes(table.column("dossier")),
        id=_codes(table.column("id")),
        jour=colonne("jour").astype(np.int64),
        evenement=colonne("evt").astype(np.int64),
        dispositif=colonne("disp").astype(np.int64),
        genere=colonne("genere").astype(np.bool_),
        motif=table.column("motif").to_numpy(zero_copy_only=False),
        sans_emploi=colonne("sans_emploi").astype(np.bool_),
        evenements=evenement,
    )


def read_journal(
    source: JournalLu | str | os.PathLike[str] | Iterable[Mapping[str, Any]] | sources.Lignes,
    policy: Policy,
) -> JournalLu:
    """Read a journal (a JSONL or SQLite path, Python events, or raw lines) for ``policy``."""
    if isinstance(source, JournalLu):
        if source.policy is not policy:
            raise JournalError("ce journal a été lu avec une autre politique : relisez-le avec read_journal")
        return source
    if isinstance(source, sources.Lignes):
        return JournalLu(source, policy)
    if isinstance(source, (str, os.PathLike)):
        return JournalLu(sources.read_file(source), policy)
    return JournalLu(sources.read_events(source), policy)
