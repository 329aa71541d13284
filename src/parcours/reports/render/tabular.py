"""JSON (the public dictionary) and CSV (long format: one figure per row) renderings."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from parcours.reports.export import ENSEMBLE, indicateurs_dict, occupation_dict

if TYPE_CHECKING:
    from parcours.reports.compute import Bilan

__all__ = ["en_csv", "en_json"]


def en_json(b: Bilan, precedents: Sequence[Bilan] = ()) -> str:
    data = b.to_dict()
    if precedents:
        data["comparaison"] = b.compare(precedents[-1]).to_dict()
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def _aplatir(prefix: str, value: Any, out: list[tuple[str, str, Any]]) -> None:
    if isinstance(value, dict):
        for k, v in value.items():
            if isinstance(v, dict):
                _aplatir(f"{prefix}.{k}" if prefix else str(k), v, out)
            else:
                out.append((prefix or str(k), str(k) if prefix else "", v))
    else:
        out.append((prefix, "", value))


def en_csv(b: Bilan) -> str:
    """Columns: periode_du, periode_au, dispositif, indicateur, modalite, valeur.

    Shared capacities follow the dispositifs, their key in the ``dispositif`` column and their
    figures under ``capacite_commune.occupation``.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["periode_du", "periode_au", "dispositif", "indicateur", "modalite", "valeur"])
    groups = [*b.par_dispositif.items()]
    if len(groups) > 1:
        groups.append((ENSEMBLE, b.total))
    figures = [(ident, indicateurs_dict(ind)) for ident, ind in groups]
    # A shared capacity is a row group of its own, named by its key in capacites_communes.
    figures += [
        (ident, {"capacite_commune": {"occupation": occupation_dict(c.occupation)}})
        for ident, c in b.capacites_communes.items()
    ]
    for ident, data in figures:
        rows: list[tuple[str, str, Any]] = []
        _aplatir("", data, rows)
        for indicateur, modalite, valeur in rows:
            shown = "" if valeur is None else valeur
            writer.writerow(
                [b.periode.du.isoformat(), b.periode.au.isoformat(), ident, indicateur, modalite, shown]
            )
    return buffer.getvalue()
