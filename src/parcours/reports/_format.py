"""The format's reader in SQL: a batch of raw journal lines read and checked in DuckDB.

The one reader of the format is Python's (``engine/journal.py``'s :func:`lire_ligne`, then
``engine/events.py``'s :func:`normaliser`, as on replay). This module reads a batch the same
way, in one DuckDB query, for speed: each line's JSON is parsed by ``json_transform`` into
the raw text of every key of the format (a line it cannot read, NULL, breaks the rule of JSON),
then by ``json_keys`` (to count its keys), and the rules are string tests on those texts. The
query says of each line either that it breaks a rule (``code``), or that it is clean, or that it
is *suspect*: a case where DuckDB's JSON and Python's may differ or that
a bound may concern — an explicit ``null``, a trailing comma, more brackets than
PROFONDEUR_JSON_MAX, a line longer than LONGUEUR_LIGNE_MAX, an identifier with an escape or a
control character. Every line refused or suspect is then judged by the Python reader itself,
whose verdict is final and whose message is the one reported: the two readers cannot disagree
on those, and tests/invariants hold them to the same verdict on the others.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import duckdb
import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from parcours.engine.events import CHAINES, CLES, CONTROLE_RE2, IDENTIFIANTS, MOTIF_DATE, normaliser
from parcours.engine.journal import LigneEcartee, lire_ligne
from parcours.errors import JournalError, UnsafeLineError
from parcours.limits import LONGUEUR_IDENTIFIANT_MAX, LONGUEUR_LIGNE_MAX, PROFONDEUR_JSON_MAX
from parcours.reports._sql import chaine, liste
from parcours.reports.sources import LineSource
from parcours.vocabulary import (
    EVENEMENT_ALERTE,
    EVENEMENT_ALERTE_ANNULEE,
    EVENEMENTS_DROITS,
    EVENEMENTS_JOURNAL,
    PRESENCES,
)

__all__ = ["MACROS", "PARTIES", "LotLu", "lire_lot"]

#: Dossiers are spread over this many parts by a hash of their id (all lines of a dossier in one).
PARTIES = 64
#: A batch is given to DuckDB in this many pieces, so that its threads share the query.
TRANCHES = 4

_ALERTES = (EVENEMENT_ALERTE, EVENEMENT_ALERTE_ANNULEE)
# the keys of an event line (an alert line, or a line of the droits et devoirs track, far
# fewer than the others, is judged by Python: its keys are not here)
_BRUT = json.dumps({k: "JSON" for k in CLES})
_TEXTES = ("dossier", "date", "evenement", *CHAINES, "presence")
_JOUR = "'[12][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'"

#: The SQL macros of the query (created once per connection).
MACROS = """
CREATE OR REPLACE TEMP MACRO texte_json(x) AS x::VARCHAR;
CREATE OR REPLACE TEMP MACRO chaine_json(x) AS CASE WHEN left(x::VARCHAR, 1) = '"' THEN
    CASE WHEN contains(x::VARCHAR, '\\') THEN json_extract_string(x, '$') ELSE (x::VARCHAR)[2:-2] END END;
CREATE OR REPLACE TEMP MACRO est_chaine(x) AS left(x::VARCHAR, 1) = '"';
"""


def _liste(mots: tuple[str, ...] | list[str]) -> str:
    return "[" + ", ".join(chaine(m) for m in mots) + "]::VARCHAR[]"


def _code_sql() -> str:
    """The first rule of the format a line breaks (NULL: none), as normaliser applies them, for
    a line that is not suspect (an explicit null would read as an absent key)."""
    chaines = " OR ".join(f"(r.{k} IS NOT NULL AND NOT est_chaine(r.{k}))" for k in CHAINES)
    vrai = "coalesce(texte_json(r.genere) = 'true', false)"
    generes = liste(("demarrage", *_ALERTES))
    date = (
        f"CASE WHEN length(date) = 10 THEN date GLOB {_JOUR} AND left(date, 2) IN ('19', '20', '21') "
        f"ELSE regexp_full_match(date, {chaine(MOTIF_DATE)}) END"
    )
    return f"""CASE
      WHEN NOT ends_with(ligne, chr(10)) THEN 'tronquee'
      WHEN NOT valide THEN 'json'
      WHEN n_cles <> n_connues THEN 'cle'
      WHEN dossier IS NULL OR dossier = '' THEN 'dossier'
      WHEN evt IS NULL THEN 'evenement'
      WHEN jour IS NULL OR NOT ({date}) THEN 'date'
      WHEN {chaines} THEN 'chaine'
      WHEN r.profil IS NOT NULL AND left(texte_json(r.profil), 1) <> '{{' THEN 'profil'
      WHEN r.presence IS NOT NULL AND coalesce(presence NOT IN {liste(PRESENCES)}, true) THEN 'presence'
      WHEN r.emploi IS NOT NULL AND texte_json(r.emploi) NOT IN ('true', 'false') THEN 'emploi'
      WHEN r.genere IS NOT NULL AND NOT ({vrai} AND evenement IN {generes}) THEN 'genere'
    END"""


def _suspect_sql() -> str:
    """Whether Python must judge a line DuckDB reads without complaint (see the docstring)."""
    virgule = "(contains(ligne, ', ') OR contains(ligne, ',' || chr(9)) OR contains(ligne, ',' || chr(13)))"
    ids = [k for k in IDENTIFIANTS if k in _TEXTES]
    longueurs = ", ".join(f"coalesce(length({k}), 0)" for k in ids)
    marque = (
        f"contains(ligne, '\\') OR contains(ligne, chr(127)) OR strlen(ligne) > {LONGUEUR_IDENTIFIANT_MAX} "
        "OR (strlen(ligne) <> length(ligne) AND regexp_matches(ligne, '[\\x{80}-\\x{9f}]'))"
    )
    precis = (
        f"greatest({longueurs}) > {LONGUEUR_IDENTIFIANT_MAX} "
        f"OR regexp_matches(concat_ws('', {', '.join(ids)}), '{CONTROLE_RE2}')"
    )
    return f"""(evenement IN {liste((*_ALERTES, *EVENEMENTS_DROITS))} OR contains(ligne, 'null')
      OR contains(ligne, ',}}') OR contains(ligne, ',]')
      OR CASE WHEN {virgule} THEN regexp_matches(ligne, ',[ \\t\\r]*[\\]}}]') ELSE false END
      OR CASE WHEN {marque} THEN {precis} ELSE false END)"""


def lot_sql(noms: list[str]) -> str:
    """The query over a registered batch ``lot(rang, numero, ligne)``: one row per line, in
    order (a blank line, which DuckDB calls invalid, is the Python reader's to ignore; a JSON
    value that is not an object has no ``dossier``); ``noms`` are the policy's dispositifs."""
    position = f"list_position({_liste(noms)}, dispositif) - 1"
    disp = f"CASE WHEN r.dispositif IS NULL THEN -1 ELSE coalesce({position}, -2) END"
    textes = ",\n           ".join(f"chaine_json(r.{k}) AS {k}" for k in _TEXTES)
    connues = " + ".join(f"(r.{k} IS NOT NULL)::INTEGER" for k in CLES)
    return f"""
WITH l AS (
  SELECT rang, numero, ligne, try(json_transform(ligne, {chaine(_BRUT)})) AS r FROM lot
), j AS (
  SELECT rang, numero, ligne, r, r IS NOT NULL AS valide,
         CASE WHEN r IS NOT NULL THEN len(json_keys(ligne)) END AS n_cles
  FROM l
), t AS (
  SELECT rang, numero, ligne, valide, r, n_cles, {connues} AS n_connues,
           {textes}
  FROM j
), u AS (
  SELECT *, TRY_CAST(substr(date, 1, 10) AS DATE) AS jour,
         list_position({_liste(list(EVENEMENTS_JOURNAL))}, evenement) - 1 AS evt
  FROM t
)
SELECT rang, numero, {_code_sql()} AS code, {_suspect_sql()} AS suspect,
       (hash(dossier) % {PARTIES})::UTINYINT AS part, dossier, id, jour, evt::TINYINT AS evt,
       ({disp})::SMALLINT AS disp, dispositif, acteur, motif, presence, vers,
       CASE WHEN r.emploi IS NOT NULL THEN texte_json(r.emploi) END AS emploi,
       coalesce(texte_json(r.genere) = 'true', false) AS genere,
       CASE WHEN left(texte_json(r.profil), 1) = '{{' THEN texte_json(r.profil) END AS profil,
       evt = {EVENEMENTS_JOURNAL.index("veille")} AND r.emploi IS NULL AS sans_emploi,
       evenement IN {liste(_ALERTES)} AS ligne_alerte,
       evenement IN {liste(EVENEMENTS_DROITS)} AS ligne_droits
FROM u
"""


@dataclass
class LotLu:
    """A batch read: its accepted event lines (alert lines and the droits et devoirs track's
    aside) as columns, in no particular order (``numero`` gives it); the track's accepted lines
    as (number, event); and the lines it sets aside with the Python reader's message."""

    table: pa.Table
    ecartees: list[LigneEcartee]
    lignes: int  # lines of the batch, blank ones included
    droits: list[tuple[int, dict[str, Any]]]


def _a_juger(lot: pa.RecordBatch) -> npt.NDArray[np.int64]:
    """Rows (ranks) that a bound may concern: longer than the line bound, or with more brackets
    than the nesting bound (the Python reader measures them exactly). Read from the batch's
    buffers: a batch is one string array."""
    lignes = lot.column("ligne")
    offsets = np.frombuffer(lignes.buffers()[1], dtype=np.int32)[
        lignes.offset : lignes.offset + len(lignes) + 1
    ]
    longues = np.flatnonzero(np.diff(offsets) > LONGUEUR_LIGNE_MAX)
    octets = np.frombuffer(lignes.buffers()[2], dtype=np.uint8)[offsets[0] : offsets[-1]]
    crochets = np.flatnonzero((octets == ord("[")) | (octets == ord("{")))
    if crochets.size <= PROFONDEUR_JSON_MAX:
        return longues
    # a line with more than PROFONDEUR_JSON_MAX brackets holds brackets i and i + PROFONDEUR_JSON_MAX
    ligne = np.searchsorted(offsets, crochets + offsets[0], side="right") - 1
    meme = ligne[PROFONDEUR_JSON_MAX:] == ligne[:-PROFONDEUR_JSON_MAX]
    return np.union1d(longues, ligne[PROFONDEUR_JSON_MAX:][meme])


def _verdict(texte: str) -> tuple[str | None, dict[str, Any] | None]:
    """The Python reader's verdict on one line ("" accepted, None blank, else its message) and
    the event read (when accepted)."""
    try:
        event = lire_ligne(texte)
        if event is None:
            return None, None
        normaliser(event, moteur=True)
    except UnsafeLineError:
        raise
    except JournalError as exc:
        return str(exc), None
    return "", event


def _booleens(colonne: pa.ChunkedArray | pa.Array, vide: bool) -> npt.NDArray[np.bool_]:
    return np.asarray(pc.fill_null(colonne, vide).to_numpy(zero_copy_only=False), dtype=np.bool_)


def lire_lot(con: duckdb.DuckDBPyConnection, sql: str, lot: pa.RecordBatch, source: LineSource) -> LotLu:
    """Read one batch (see the module docstring). Raises UnsafeLineError, located, at the first
    line the Python reader will not read on from. The batch goes to DuckDB in TRANCHES pieces,
    which its threads read side by side: the rows come back in any order, each with its rank
    (``rang``), and the table kept is in that order (Parts puts each dossier's lines back in
    journal order)."""
    rangs = pa.array(np.arange(lot.num_rows, dtype=np.int32))
    entree = pa.table({"rang": rangs, "numero": lot.column("numero"), "ligne": lot.column("ligne")})
    con.register("lot", pa.Table.from_batches(entree.to_batches(max_chunksize=-(-lot.num_rows // TRANCHES))))
    try:
        lu = con.sql(sql).to_arrow_table()
    finally:
        con.unregister("lot")
    rang = np.asarray(lu.column("rang").to_numpy(), dtype=np.int64)
    position = np.empty(lot.num_rows, dtype=np.int64)
    position[rang] = np.arange(lot.num_rows)
    if not np.array_equal(rang[position], np.arange(lot.num_rows)):
        raise AssertionError("la requête du format a perdu ou doublé des lignes")  # pragma: no cover
    refusee = np.asarray(lu.column("code").is_valid().to_numpy(zero_copy_only=False), dtype=np.bool_)
    suspect = _booleens(lu.column("suspect"), False)
    # alert lines and the track's lines are not the bulk judge's (the latter go to the engine)
    ailleurs = _booleens(lu.column("ligne_alerte"), True) | _booleens(lu.column("ligne_droits"), False)
    a_juger = np.union1d(rang[refusee | suspect], _a_juger(lot))  # ranks, in journal order
    garder = ~(refusee | ailleurs)  # by position in ``lu``
    ecartees: list[LigneEcartee] = []
    droits: list[tuple[int, dict[str, Any]]] = []
    numeros, lignes = lot.column("numero"), lot.column("ligne")
    for rang_ in a_juger.tolist():
        numero = int(numeros[rang_].as_py())
        try:
            verdict, event = _verdict(str(lignes[rang_].as_py()))
        except UnsafeLineError as exc:
            raise UnsafeLineError(str(exc), fichier=source.source, ligne=source.montrer(numero)) from exc
        x = int(position[rang_])
        if verdict == "" and refusee[x] and not suspect[x]:
            raise AssertionError(
                f"ligne {numero} : le lecteur rapide la refuse, le lecteur du format l'accepte"
            )
        if verdict:
            ecartees.append(LigneEcartee(numero, verdict))
        elif event is not None and event.get("evenement") in EVENEMENTS_DROITS:
            droits.append((numero, event))
        garder[x] = verdict == "" and not ailleurs[x]
    table = lu.drop_columns(["rang", "code", "suspect", "ligne_alerte", "ligne_droits"])
    if not garder.all():
        table = table.filter(pa.array(garder))
    return LotLu(table, ecartees, lot.num_rows, droits)
