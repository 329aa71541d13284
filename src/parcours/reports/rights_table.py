"""The applied lines of the droits et devoirs track as one Arrow table (``droits`` in DuckDB).

The values are read from the events the engine applied (engine/rights/bulk.py) by the same
readers as the engine (``lire_taux``), so that a bilan computes on what the engine holds.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import pyarrow as pa

from parcours.engine.events import lire_taux

__all__ = ["table_droits"]

_SCHEMA = pa.schema(
    [
        ("numero", pa.int64()),
        ("dossier", pa.string()),
        ("jour", pa.date32()),
        ("evenement", pa.string()),
        ("dispositif", pa.string()),
        ("parcours", pa.string()),
        ("organisme", pa.string()),
        ("heures_hebdomadaires", pa.float64()),
        ("dispense", pa.string()),
        ("semaine", pa.string()),
        ("heures", pa.float64()),
        ("nature", pa.string()),
        ("taux", pa.float64()),
        ("mois", pa.int64()),
        ("foyer_plusieurs_personnes", pa.bool_()),
        ("difficultes", pa.bool_()),
    ]
)


def _nombre(valeur: Any) -> float | None:
    return None if valeur is None else float(valeur)


def table_droits(appliques: Sequence[tuple[int, dict[str, Any]]]) -> pa.Table:
    """One row per applied line: its number, its dossier, its day and the track's keys."""
    colonnes: dict[str, list[Any]] = {nom: [] for nom in _SCHEMA.names}
    for numero, ev in appliques:
        colonnes["numero"].append(numero)
        colonnes["jour"].append(date.fromisoformat(str(ev["date"])[:10]))
        for cle in (
            "dossier",
            "evenement",
            "dispositif",
            "parcours",
            "organisme",
            "dispense",
            "semaine",
            "nature",
        ):
            colonnes[cle].append(ev.get(cle))
        colonnes["heures_hebdomadaires"].append(_nombre(ev.get("heures_hebdomadaires")))
        colonnes["heures"].append(_nombre(ev.get("heures")))
        colonnes["taux"].append(None if "taux" not in ev else lire_taux(ev["taux"]))
        colonnes["mois"].append(ev.get("mois"))
        colonnes["foyer_plusieurs_personnes"].append(ev.get("foyer_plusieurs_personnes"))
        colonnes["difficultes"].append(bool(ev.get("difficultes")))
    return pa.table(colonnes, schema=_SCHEMA)
