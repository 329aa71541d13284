"""A journal read for reporting: events parsed into DuckDB tables, checked against a policy.

Reading happens once; every bilan of any period is then a few SQL aggregates. Lines that
cannot be counted (invalid JSON, missing key, bad date, unknown event, dispositif or motif)
are set aside as :class:`LigneEcartee` with their line number; none is dropped silently.

Tables (DuckDB, in memory):

``ev``        one row per counted event: numero, dossier, jour, evenement, dispositif (as
              written on the line, often NULL), motif, presence, vers, genere, emploi, profil
``dossiers``  one row per dossier: dispositif (carried from its first line that names one),
              num_debut, debut (first démarrage), fin (its first sortie or réorientation
              after it), motif_fin, profil (its first), veille_emploi
``problemes`` numero, message
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import duckdb

from parcours.errors import JournalError
from parcours.policies.schema import Policy
from parcours.reports import sources
from parcours.reports._sql import chaine, liste
from parcours.vocabulary import EVENEMENTS_JOURNAL, MOTIF_REORIENTATION

__all__ = ["JournalLu", "LigneEcartee", "read_journal"]


@dataclass(frozen=True)
class LigneEcartee:
    """A journal line set aside, with the reason in French."""

    numero: int
    message: str
    unite: str = "ligne"

    def __str__(self) -> str:
        return f"{self.unite} {self.numero} : {self.message}"


_STRUCTURE = (
    '{"dossier": "VARCHAR", "date": "VARCHAR", "evenement": "VARCHAR", "dispositif": "VARCHAR", '
    '"motif": "VARCHAR", "presence": "VARCHAR", "vers": "VARCHAR", "genere": "VARCHAR", '
    '"emploi": "VARCHAR"}'
)


def _parse_sql(policy: Policy) -> str:
    return f"""
CREATE OR REPLACE TEMP TABLE ev AS
SELECT numero, dossier, jour, evenement, dispositif, motif, presence, vers, genere, emploi, profil,
  CASE
    WHEN NOT ok_json THEN 'JSON invalide'
    WHEN dossier IS NULL THEN 'clé « dossier » manquante'
    WHEN date_brute IS NULL THEN 'clé « date » manquante'
    WHEN jour IS NULL THEN 'date « ' || date_brute || ' » invalide (attendu : AAAA-MM-JJ)'
    WHEN evenement IS NULL THEN 'clé « evenement » manquante'
    WHEN evenement NOT IN {liste(EVENEMENTS_JOURNAL)} THEN 'événement « ' || evenement || ' » inconnu'
    WHEN evenement = 'sortie' AND motif IS NULL THEN 'sortie sans motif'
    WHEN dispositif IS NOT NULL AND dispositif NOT IN {liste(policy.dispositifs)}
      THEN 'dispositif « ' || dispositif || ' » inconnu de la politique {policy.nom.replace("'", "''")}'
  END AS probleme
FROM (
  SELECT numero, ok_json, s.dossier, s.date AS date_brute,
         coalesce(TRY_CAST(s.date AS DATE), TRY_CAST(TRY_CAST(s.date AS TIMESTAMP) AS DATE)) AS jour,
         s.evenement, s.dispositif, s.motif, s.presence, s.vers,
         coalesce(s.genere = 'true', false) AS genere,
         CASE WHEN s.evenement = 'veille'
              THEN coalesce(s.emploi, json_extract_string(ligne, '$.details.emploi')) END AS emploi,
         CASE WHEN ok_json AND contains(ligne, '"profil"') THEN json_extract(ligne, '$.profil') END AS profil
  FROM (
    SELECT numero, ok_json, ligne,
           CASE WHEN ok_json THEN json_transform(ligne, {chaine(_STRUCTURE)}) END AS s
    FROM (SELECT numero, ligne, json_valid(ligne) AS ok_json FROM lignes WHERE ligne <> '')
    WHERE ok_json OR trim(ligne) <> ''
  )
)
"""


_CHECK_SQL = """
CREATE OR REPLACE TEMP TABLE problemes AS
SELECT numero, probleme AS message FROM ev WHERE probleme IS NOT NULL;
DELETE FROM ev WHERE probleme IS NOT NULL;

CREATE OR REPLACE TEMP TABLE debuts AS
SELECT dossier,
       arg_min(dispositif, numero) FILTER (WHERE dispositif IS NOT NULL) AS dispositif,
       min(numero) FILTER (WHERE evenement = 'demarrage') AS num_debut,
       arg_min(jour, numero) FILTER (WHERE evenement = 'demarrage') AS debut,
       arg_min(profil, numero) FILTER (WHERE profil IS NOT NULL) AS profil
FROM ev GROUP BY dossier;

INSERT INTO problemes
SELECT e.numero, 'le dossier « ' || e.dossier || ' » n''a de dispositif sur aucune ligne'
FROM ev e SEMI JOIN (SELECT dossier FROM debuts WHERE dispositif IS NULL) USING (dossier);

INSERT INTO problemes
SELECT e.numero, 'motif « ' || e.motif || ' » inconnu du dispositif « ' || d.dispositif || ' »'
FROM (SELECT * FROM ev WHERE motif IS NOT NULL AND evenement IN ('sortie', 'reorientation')) e
JOIN debuts d USING (dossier)
ANTI JOIN motifs m ON m.dispositif = d.dispositif AND m.motif = e.motif
WHERE d.dispositif IS NOT NULL;

DELETE FROM debuts WHERE dispositif IS NULL;
DELETE FROM ev WHERE numero IN (SELECT numero FROM problemes);
"""

_DOSSIERS_SQL = f"""
CREATE OR REPLACE TEMP TABLE clotures AS
SELECT e.dossier, e.numero, e.jour, e.evenement,
       coalesce(e.motif, {chaine(MOTIF_REORIENTATION)}) AS motif, e.jour < d.debut AS avant
FROM ev e JOIN debuts d USING (dossier)
WHERE e.evenement IN ('sortie', 'reorientation') AND e.numero > d.num_debut;

INSERT INTO problemes
SELECT numero, evenement || ' datée du ' || strftime(jour, '%d/%m/%Y')
       || ', avant le démarrage de l''accompagnement'
FROM clotures WHERE avant;
DELETE FROM ev WHERE numero IN (SELECT numero FROM clotures WHERE avant);

CREATE OR REPLACE TEMP TABLE dossiers AS
WITH f AS (
  SELECT dossier, arg_min(jour, numero) AS fin, arg_min(motif, numero) AS motif_fin,
         min(numero) AS num_fin
  FROM clotures WHERE NOT avant GROUP BY dossier
), v AS (
  SELECT e.dossier, arg_max(e.emploi, e.numero) AS veille_emploi
  FROM ev e JOIN f USING (dossier)
  WHERE e.evenement = 'veille' AND e.numero > f.num_fin AND e.emploi IS NOT NULL GROUP BY e.dossier
)
SELECT d.dossier, d.dispositif, d.num_debut, d.debut, f.fin, f.motif_fin, d.profil,
       v.veille_emploi
FROM debuts d LEFT JOIN f USING (dossier) LEFT JOIN v USING (dossier);

DROP TABLE debuts;
DROP TABLE clotures;
"""


class JournalLu:
    """A journal parsed and checked against a policy, ready for any number of bilans."""

    def __init__(self, lignes: sources.Lignes, policy: Policy) -> None:
        self.policy = policy
        self.source = lignes.source
        self.unite = lignes.unite
        self._diviseur = lignes.diviseur
        self.lignes_lues = len(lignes)
        self.con = duckdb.connect(":memory:")
        self.con.register("lignes", lignes.table)
        motifs = [(d, m) for d, disp in policy.dispositifs.items() for m in disp.motifs_sortie]
        self.con.execute("CREATE TEMP TABLE motifs (dispositif VARCHAR, motif VARCHAR)")
        if motifs:
            self.con.executemany("INSERT INTO motifs VALUES (?, ?)", motifs)
        self.con.execute(_parse_sql(policy))
        self.con.unregister("lignes")
        self.con.execute(_CHECK_SQL)
        self.con.execute(_DOSSIERS_SQL)
        row = self.con.execute("SELECT count(*) FROM problemes").fetchone()
        self.lignes_ignorees = int(row[0]) if row else 0
        row = self.con.execute("SELECT count(*) FROM ev").fetchone()
        self.evenements = int(row[0]) if row else 0
        self._cache: dict[str, Any] = {}

    def problemes(self, limite: int | None = 100) -> list[LigneEcartee]:
        """The lines set aside, in line order (the first ``limite`` of them)."""
        sql = "SELECT numero, message FROM problemes ORDER BY numero"
        if limite is not None:
            sql += f" LIMIT {int(limite)}"
        rows = self.con.execute(sql).fetchall()
        return [LigneEcartee(int(n) // self._diviseur, str(m), self.unite) for n, m in rows]

    def sql(self, query: str, params: list[object] | None = None) -> list[tuple[Any, ...]]:
        return self.con.execute(query, params or []).fetchall()

    def close(self) -> None:
        self.con.close()


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
