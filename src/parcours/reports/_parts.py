"""The accepted lines of a journal spread over parts by dossier, read back a group at a time.

Each line goes to the part its dossier's hash names (``part``, 0 to PARTIES - 1), so that all
the lines of a dossier are in one part, in journal order (the order of their ``numero``: a
table added may hold its lines in any order). While the lines fit in one group
they stay in memory; past that, every part is an Arrow IPC file in a temporary folder, and
:meth:`Parts.groupes` reads consecutive parts back until a group holds about ``par_groupe``
lines: the engine's bulk verdict, which needs all the lines of a dossier and nothing else, is
then computed a group at a time in bounded memory, whatever the journal's length.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

__all__ = ["Parts"]


class Parts:
    """Accepted lines (Arrow tables with a ``part`` column) kept in memory or in part files."""

    def __init__(self, dossier: Path, parties: int, par_groupe: int) -> None:
        self.dossier = dossier
        self.parties = parties
        self.par_groupe = par_groupe
        self.lignes = 0
        self._memoire: list[pa.Table] = []
        self._ecrivains: list[Any] | None = None
        self._tailles = np.zeros(parties, dtype=np.int64)
        self._schema: pa.Schema | None = None

    def ajouter(self, table: pa.Table) -> None:
        if table.num_rows == 0:
            return
        self._schema = table.schema
        self.lignes += table.num_rows
        if self._ecrivains is None and self.lignes <= self.par_groupe:
            self._memoire.append(table)
            return
        if self._ecrivains is None:
            self._ecrivains = [
                pa.ipc.new_stream(str(self._chemin(p)), table.schema) for p in range(self.parties)
            ]
            for gardee in self._memoire:
                self._ecrire(gardee)
            self._memoire = []
        self._ecrire(table)

    def _chemin(self, partie: int) -> Path:
        return self.dossier / f"partie-{partie:03d}.arrow"

    def _ecrire(self, table: pa.Table) -> None:
        assert self._ecrivains is not None
        parts = np.asarray(table.column("part").to_numpy(), dtype=np.int64)
        ordre = np.lexsort((np.asarray(table.column("numero").to_numpy(), dtype=np.int64), parts))
        tailles = np.bincount(parts, minlength=self.parties)
        self._tailles += tailles
        triee = table.take(pa.array(ordre))
        debut = 0
        for partie, taille in enumerate(tailles.tolist()):
            if taille:
                self._ecrivains[partie].write_table(triee.slice(debut, taille))
                debut += taille

    def groupes(self) -> Iterator[pa.Table]:
        """The lines, a group of whole parts at a time (one group while they fit in memory)."""
        if self._ecrivains is None:
            if self._memoire:
                table = pa.concat_tables(self._memoire)
                yield table.take(pa.array(np.argsort(table.column("numero").to_numpy(), kind="stable")))
            return
        for ecrivain in self._ecrivains:
            ecrivain.close()
        self._ecrivains = []
        debut = 0
        while debut < self.parties:
            fin, total = debut, 0
            while fin < self.parties and (fin == debut or total + self._tailles[fin] <= self.par_groupe):
                total += int(self._tailles[fin])
                fin += 1
            yield pa.concat_tables([self._lire(p) for p in range(debut, fin)])
            debut = fin

    def _lire(self, partie: int) -> pa.Table:
        """A part file, mapped in memory (its pages are read as the group is used)."""
        table = pa.ipc.open_stream(pa.memory_map(str(self._chemin(partie)))).read_all()
        return table if table.num_rows else self._schema.empty_table() if self._schema else table
