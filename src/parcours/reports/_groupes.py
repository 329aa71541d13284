"""The tables ``ev`` and ``dossiers`` of a journal read: one Parquet file per group, read by DuckDB.

Each group judged (:mod:`parcours.reports.reading`) gives its rows of both tables at once; they
are written as Parquet files in the reading's temporary folder, never held by DuckDB, whose
memory stays bounded (a table inserted into DuckDB past its memory limit is spilled to disk
block by block, which costs more than writing the file once). Once every group is written, the
tables are views over the files; a query that names a group (``WHERE groupe = …``) reads that
group's row groups only (each file has one ``groupe``, its statistics let DuckDB skip the others).
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from parcours.reports._sql import chaine

__all__ = ["COLONNES", "Tables"]

#: Each table's columns, in the order of its files.
COLONNES = {
    "ev": "numero BIGINT, dossier BIGINT, jour DATE, evenement VARCHAR, presence VARCHAR, vers VARCHAR, "
    "genere BOOLEAN, groupe INTEGER",
    "dossiers": "dossier BIGINT, dispositif VARCHAR, num_debut BIGINT, debut DATE, fin DATE, "
    "motif_fin VARCHAR, profil VARCHAR, veille_emploi VARCHAR, groupe INTEGER, nom VARCHAR",
}


class Tables:
    """The files of ``ev`` and ``dossiers`` in ``dossier``, and their views in ``con``."""

    def __init__(self, con: duckdb.DuckDBPyConnection, dossier: Path) -> None:
        self.con = con
        self.dossier = dossier
        self.fichiers: dict[str, list[Path]] = {nom: [] for nom in COLONNES}
        self.publier()

    def ajouter(self, nom: str, groupe: int, table: pa.Table) -> None:
        """The rows of ``table`` (the columns of COLONNES[nom], in order) as group ``groupe``."""
        chemin = self.dossier / f"{nom}-{groupe:06d}.parquet"
        pq.write_table(table, chemin, compression="none", row_group_size=1 << 20)
        self.fichiers[nom].append(chemin)

    def vider(self) -> None:
        """Every group removed (the tables are empty until groups are added and published)."""
        for chemins in self.fichiers.values():
            for chemin in chemins:
                chemin.unlink()
            chemins.clear()
        self.publier()

    def publier(self) -> None:
        """The tables as views over the files written so far (empty tables while there are none)."""
        for nom, colonnes in COLONNES.items():
            existant = self.con.execute(
                "SELECT table_type FROM information_schema.tables WHERE table_name = ?", [nom]
            ).fetchone()
            if existant:
                self.con.execute(f"DROP {'VIEW' if existant[0] == 'VIEW' else 'TABLE'} {nom}")
            chemins = self.fichiers[nom]
            if not chemins:
                self.con.execute(f"CREATE TABLE {nom}({colonnes})")
                continue
            liste = ", ".join(chaine(str(c)) for c in chemins)
            self.con.execute(f"CREATE VIEW {nom} AS SELECT * FROM read_parquet([{liste}])")
