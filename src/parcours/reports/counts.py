"""Who was accompanied, who left and who is still followed in a period (DESIGN.md's rules).

An accompaniment runs from a dossier's first ``demarrage`` to its first ``sortie`` or
``reorientation`` after it, both days included. Over a period:

- accompanied: open on at least one day of it (started on or before its end, not closed
  before its start);
- exited: closed on a day of it;
- still followed: open on its last day (not closed on or before it).

Every accompanied person is thus exited or still followed, never both. Counts are grouped
per dispositif and for all of them (key ``None``), with GROUPING SETS so that medians are
computed over the right people.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from parcours.reports._sql import jour, liste
from parcours.reports.period import Periode
from parcours.reports.reading import JournalLu

__all__ = ["Comptes", "compter"]

Cle = str | None  # a dispositif id, None for all of them


@dataclass
class Comptes:
    """The raw counts of one group (a dispositif or all)."""

    accompagnees: int = 0
    sorties: int = 0
    encore_suivies: int = 0
    entrees: int = 0
    duree_totale_jours: int = 0
    duree_mediane_jours: float | None = None
    sorties_par_motif: dict[str, int] = field(default_factory=dict)
    veille_observees: int = 0
    veille_en_emploi: int = 0
    repartition: dict[str, dict[str, int]] = field(default_factory=dict)


def _filtre(dispositifs: tuple[str, ...]) -> str:
    return f"dispositif IN {liste(dispositifs)}"


def compter(journal: JournalLu, periode: Periode, dispositifs: tuple[str, ...]) -> dict[Cle, Comptes]:
    du, au = jour(periode.du), jour(periode.au)
    ouvert = f"debut <= {au} AND (fin IS NULL OR fin >= {du})"
    sorti = f"fin BETWEEN {du} AND {au}"
    where = f"debut IS NOT NULL AND {_filtre(dispositifs)}"
    result: dict[Cle, Comptes] = defaultdict(Comptes)
    rows = journal.sql(
        f"""
        SELECT dispositif,
          count(*) FILTER (WHERE {ouvert}),
          count(*) FILTER (WHERE {sorti}),
          count(*) FILTER (WHERE debut <= {au} AND (fin IS NULL OR fin > {au})),
          count(*) FILTER (WHERE debut BETWEEN {du} AND {au}),
          coalesce(sum(fin - debut) FILTER (WHERE {sorti}), 0),
          median(fin - debut) FILTER (WHERE {sorti}),
          count(*) FILTER (WHERE {sorti} AND veille_emploi IS NOT NULL),
          count(*) FILTER (WHERE {sorti} AND veille_emploi = 'true')
        FROM dossiers WHERE {where}
        GROUP BY GROUPING SETS ((dispositif), ())
        """
    )
    for disp, acc, sor, enc, ent, duree, mediane, vobs, vemp in rows:
        c = result[disp]
        c.accompagnees, c.sorties, c.encore_suivies, c.entrees = int(acc), int(sor), int(enc), int(ent)
        c.duree_totale_jours = int(duree)
        c.duree_mediane_jours = None if mediane is None else float(mediane)
        c.veille_observees, c.veille_en_emploi = int(vobs), int(vemp)
    for disp, motif, n in journal.sql(
        f"""SELECT dispositif, motif_fin, count(*) FROM dossiers WHERE {where} AND {sorti}
            GROUP BY GROUPING SETS ((dispositif, motif_fin), (motif_fin)) ORDER BY ALL"""
    ):
        result[disp].sorties_par_motif[str(motif)] = int(n)
    _repartir(journal, where, ouvert, result)
    result.setdefault(None, Comptes())
    return dict(result)


def _repartir(journal: JournalLu, where: str, ouvert: str, result: dict[Cle, Comptes]) -> None:
    """Profile of the people accompanied: for each profile key, value → count."""
    rows: list[tuple[Any, ...]] = journal.sql(
        f"""
        WITH p AS (
          SELECT dispositif, profil FROM dossiers
          WHERE {where} AND {ouvert} AND profil IS NOT NULL AND json_type(profil) = 'OBJECT'
        ), k AS (SELECT dispositif, profil, unnest(json_keys(profil)) AS cle FROM p)
        SELECT dispositif, cle,
               coalesce(json_extract_string(profil, '$."' || replace(cle, '"', '\\"') || '"'), 'null')
                 AS valeur,
               count(*)
        FROM k GROUP BY GROUPING SETS ((dispositif, cle, valeur), (cle, valeur)) ORDER BY ALL
        """
    )
    for disp, cle, valeur, n in rows:
        result[disp].repartition.setdefault(str(cle), {})[str(valeur)] = int(n)
