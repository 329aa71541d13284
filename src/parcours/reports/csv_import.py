"""Import a case-management CSV export as journal lines, through a column mapping.

Two shapes are read:

- ``forme="evenements"``: one row per event; ``colonnes`` maps event keys (``dossier``,
  ``date``, ``evenement``, ``dispositif``, ``motif``, ``presence``, ``vers``...) to columns;
- ``forme="parcours"``: one row per parcours (the shape most exports have); ``colonnes`` maps
  ``dossier``, ``entree`` (date of the démarrage), ``sortie`` (exit date, empty while still
  followed), ``motif`` and optionally ``dispositif`` to columns. A fixed ``dispositif`` may be
  given instead of a column.

In both shapes ``profil.<clé>`` maps a profile key to a column. Dates may be written
AAAA-MM-JJ or JJ/MM/AAAA. Every event keeps the number of the CSV line it comes from (the
header is line 1), so that a bad value is reported where it can be fixed.
"""

from __future__ import annotations

import csv
import json
import os
import re
from collections.abc import Iterator, Mapping
from typing import Any, Literal

import numpy as np

from parcours.errors import JournalError
from parcours.reports.sources import Lignes, _table

__all__ = ["read_csv"]

_FR_DATE = re.compile(r"^\s*(\d{1,2})/(\d{1,2})/(\d{4})\s*$")


def _date(text: str) -> str:
    match = _FR_DATE.match(text)
    if match:
        day, month, year = match.groups()
        return f"{year}-{int(month):02d}-{int(day):02d}"
    return text.strip()


def _profil(row: Mapping[str, str], colonnes: Mapping[str, str]) -> dict[str, str]:
    return {
        k.removeprefix("profil."): row[c].strip()
        for k, c in colonnes.items()
        if k.startswith("profil.") and row.get(c, "").strip()
    }


def _lignes_evenements(
    rows: Iterator[dict[str, str]], colonnes: Mapping[str, str]
) -> Iterator[tuple[int, str]]:
    for numero, row in enumerate(rows, start=2):
        event: dict[str, Any] = {}
        for key, col in colonnes.items():
            value = (row.get(col) or "").strip()
            if key.startswith("profil.") or not value:
                continue
            event[key] = _date(value) if key == "date" else value
        profil = _profil(row, colonnes)
        if profil:
            event["profil"] = profil
        yield 2 * numero, json.dumps(event, ensure_ascii=False)


def _lignes_parcours(
    rows: Iterator[dict[str, str]], colonnes: Mapping[str, str], dispositif: str | None
) -> Iterator[tuple[int, str]]:
    for numero, row in enumerate(rows, start=2):

        def get(key: str, row: dict[str, str] = row) -> str:
            col = colonnes.get(key)
            return (row.get(col) or "").strip() if col else ""

        dossier = get("dossier")
        debut: dict[str, Any] = {"dossier": dossier, "date": _date(get("entree")), "evenement": "demarrage"}
        disp = get("dispositif") or dispositif
        if disp:
            debut["dispositif"] = disp
        profil = _profil(row, colonnes)
        if profil:
            debut["profil"] = profil
        yield 2 * numero, json.dumps(debut, ensure_ascii=False)
        fin = get("sortie")
        if fin:
            sortie: dict[str, Any] = {"dossier": dossier, "date": _date(fin), "evenement": "sortie"}
            if get("motif"):
                sortie["motif"] = get("motif")
            yield 2 * numero + 1, json.dumps(sortie, ensure_ascii=False)


def read_csv(
    chemin: str | os.PathLike[str],
    colonnes: Mapping[str, str],
    *,
    forme: Literal["evenements", "parcours"] = "evenements",
    dispositif: str | None = None,
    separateur: str = ",",
    encodage: str = "utf-8-sig",
) -> Lignes:
    """Read a CSV export into numbered journal lines (see the module's docstring)."""
    with open(chemin, encoding=encodage, newline="") as handle:
        reader = csv.DictReader(handle, delimiter=separateur)
        header = reader.fieldnames or []
        manquantes = sorted(c for c in colonnes.values() if c not in header)
        if manquantes:
            raise JournalError(
                f"colonne(s) absente(s) du CSV : {', '.join(manquantes)} "
                f"(colonnes lues : {', '.join(header)})",
                fichier=str(chemin),
                ligne=1,
            )
        if forme == "parcours":
            pairs = list(_lignes_parcours(reader, colonnes, dispositif))
        else:
            pairs = list(_lignes_evenements(reader, colonnes))
    numeros = np.array([n for n, _ in pairs], dtype=np.int64)
    return Lignes(_table(numeros, [t for _, t in pairs]), str(chemin), "ligne", diviseur=2)
