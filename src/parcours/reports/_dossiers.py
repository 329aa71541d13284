"""The ``dossiers`` table of a group: one row per dossier that has an applied line.

DESIGN.md's rules, on a dossier's applied lines in journal order: its dispositif is the one its
first line names; its accompaniment starts at its first ``demarrage`` (``num_debut``,
``debut``) and ends at its first ``sortie`` or ``reorientation`` after it (``fin``, with the
exit's motif, ``reorientation`` for a réorientation); its profile is the first one given; its
``veille_emploi`` is its last follow-up point (``true``/``false``). Computed with numpy on the
columns the group was judged from, a group at a time.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from parcours.vocabulary import EVENEMENTS_JOURNAL, MOTIF_REORIENTATION

__all__ = ["dossiers_du_groupe"]

_DEMARRAGE, _SORTIE, _REORIENTATION, _VEILLE = (
    EVENEMENTS_JOURNAL.index(e) for e in ("demarrage", "sortie", "reorientation", "veille")
)
I64 = npt.NDArray[np.int64]
B = npt.NDArray[np.bool_]


class _Lignes:
    """A group's applied lines sorted by dossier, then journal order."""

    def __init__(self, codes: I64, numeros: I64, applique: B) -> None:
        rangs = np.flatnonzero(applique)
        self.ordre = rangs[np.lexsort((numeros[rangs], codes[rangs]))]  # rows of the group's table
        self.dossier = codes[self.ordre]
        self.uniques = np.unique(self.dossier)

    def premiere(self, masque: B, *, derniere: bool = False) -> pa.Array:
        """For each dossier, the table row of its first (last) line of ``masque``; null: none."""
        rangs = np.flatnonzero(masque)
        if derniere:
            rangs = rangs[::-1]
        valeurs, premiers = np.unique(self.dossier[rangs], return_index=True)
        sortie = np.full(self.uniques.shape, -1, dtype=np.int64)
        sortie[np.searchsorted(self.uniques, valeurs)] = self.ordre[rangs[premiers]]
        return pa.array(sortie, pa.int64(), mask=sortie < 0)


def dossiers_du_groupe(
    table: pa.Table, codes: I64, applique: B, noms: list[str], decalage: int, groupe: int
) -> pa.Table:
    """The dossiers of a group (``codes``: its dossier codes; ``decalage`` makes them unique
    across groups)."""
    numeros = np.asarray(table.column("numero").to_numpy(), dtype=np.int64)
    lignes = _Lignes(codes, numeros, applique)
    evt = np.asarray(table.column("evt").to_numpy(), dtype=np.int64)[lignes.ordre]
    debut = lignes.premiere(evt == _DEMARRAGE)
    num_debut = table.column("numero").take(debut)
    seuil = np.asarray(pc.fill_null(num_debut, np.iinfo(np.int64).max).to_numpy(), dtype=np.int64)
    apres = numeros[lignes.ordre] > seuil[np.searchsorted(lignes.uniques, lignes.dossier)]
    fin = lignes.premiere(((evt == _SORTIE) | (evt == _REORIENTATION)) & apres)
    motif = table.column("motif").take(fin)
    profil = table.column("profil").take(
        lignes.premiere(table.column("profil").is_valid().to_numpy(zero_copy_only=False)[lignes.ordre])
    )
    premiers = lignes.ordre[np.searchsorted(lignes.dossier, lignes.uniques)]
    disp = np.asarray(table.column("disp").to_numpy(), dtype=np.int64)[premiers]
    return pa.table(
        {
            "dossier": pa.array(lignes.uniques + decalage, pa.int64()),
            "dispositif": pa.array(noms, pa.string()).take(pa.array(disp, mask=disp < 0)),
            "num_debut": num_debut,
            "debut": table.column("jour").take(debut),
            "fin": table.column("jour").take(fin),
            "motif_fin": pc.if_else(
                fin.is_null(), pa.scalar(None, pa.string()), pc.fill_null(motif, MOTIF_REORIENTATION)
            ),
            "profil": profil,
            "veille_emploi": table.column("emploi").take(lignes.premiere(evt == _VEILLE, derniere=True)),
            "groupe": pa.array(np.full(lignes.uniques.shape, groupe, dtype=np.int32)),
            "nom": table.column("dossier").take(pa.array(premiers)),
        }
    )
