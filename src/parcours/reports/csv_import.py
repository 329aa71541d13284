"""Import a case-management CSV export as journal lines, through a column mapping.

Two shapes are read:

- ``forme="evenements"``: one row per event; ``colonnes`` maps event keys (``dossier``,
  ``date``, ``evenement``, ``dispositif``, ``motif``, ``presence``, ``vers``...) to columns;
- ``forme="parcours"``: one row per parcours (the shape most exports have); ``colonnes`` maps
  ``dossier``, ``entree`` (date of the démarrage), ``sortie`` (exit date, empty while still
  followed), ``motif`` and optionally ``dispositif`` to columns. A fixed ``dispositif`` may be
  given instead of a column. A dossier is on one row only (a second row with other values is
  an error; the same row twice is read once).

In both shapes ``profil.<clé>`` maps a profile key to a column. The separator (``;``, ``,``
or a tab) is found from the header unless given; ``encodage`` is the file's encoding
(``utf-8-sig`` by default; ``cp1252`` for many spreadsheet exports). Dates may be written
``AAAA-MM-JJ`` or ``JJ/MM/AAAA``, or in the ``format_date`` declared (``%d/%m/%y`` for
two-digit years: never guessed); a date in no such form is left as written, and the reports'
reader refuses its line, with its number. A structural problem of the file (a row shorter or
longer than the header, an unbalanced quote, a field over TAILLE_CHAMP_MAX, an empty dossier
id, a dossier on two different rows, an unknown column under ``strict``, a separator not
found, bytes not in the encoding, a control character such as NUL) is a
:class:`~parcours.errors.JournalError` naming the file and the line.

The events become a journal in date order (the order the engine applies a stream in); each
keeps the number of the CSV line it comes from (the header is line 1) for messages.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
from collections.abc import Iterator, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

import numpy as np

from parcours._text import encodage_bom
from parcours.errors import JournalError
from parcours.limits import TAILLE_CHAMP_MAX
from parcours.reports.sources import Lignes, lignes_en_memoire

__all__ = ["read_csv"]

_FR_DATE = re.compile(r"^\s*(\d{1,2})/(\d{1,2})/(\d{4})\s*$")
_ISO_DATE = re.compile(r"^\s*\d{4}-\d{2}-\d{2}\s*$")
_SEPARATEURS = (";", ",", "\t")
# a control character (tab and line ends aside): no spreadsheet exports one in a text file
_CONTROLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_ERREURS_CSV = (
    ("field larger than field limit", f"champ trop long : plus de {TAILLE_CHAMP_MAX} caractères"),
    ("unexpected end of data", "guillemet non fermé : le fichier finit dans un champ entre guillemets"),
    ("new-line character seen in unquoted field", "fin de ligne isolée dans un champ sans guillemets"),
)


def _date(text: str, format_date: str | None) -> str:
    """``text`` as AAAA-MM-JJ when it is a date of an accepted form, else as written."""
    if format_date is not None:
        try:
            return datetime.strptime(text.strip(), format_date).date().isoformat()
        except ValueError:
            return text.strip()
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


class _Lecteur:
    """The rows of one CSV file, checked as they are read (see the module docstring)."""

    def __init__(
        self, chemin: Path, colonnes: Mapping[str, str], encodage: str, separateur: str | None
    ) -> None:
        self.chemin = chemin
        self.nom = str(chemin)
        self.colonnes = colonnes
        self.texte = self._decoder(encodage)
        self.separateur = separateur or self._separateur()

    def erreur(self, message: str, ligne: int | None = None) -> JournalError:
        return JournalError(message, fichier=self.nom, ligne=ligne)

    def _decoder(self, encodage: str) -> str:
        brut = self.chemin.read_bytes()
        try:
            texte = brut.decode(encodage)
        except UnicodeDecodeError as exc:
            ligne = brut[: exc.start].count(b"\n") + 1
            bom = encodage_bom(brut)
            conseil = (
                f"donnez encodage=« {bom.lower()} »"
                if bom
                else "essayez encodage=« cp1252 » pour un export de tableur, ou « utf-8 »"
            )
            raise self.erreur(f"octet invalide pour l'encodage {encodage} ({conseil})", ligne) from exc
        except LookupError as exc:
            raise self.erreur(f"encodage « {encodage} » inconnu") from exc
        controle = _CONTROLE.search(texte)
        if controle is not None:
            ligne = texte.count("\n", 0, controle.start()) + 1
            raise self.erreur(
                f"caractère de contrôle U+{ord(controle.group()):04X} : un export CSV est du texte", ligne
            )
        return texte

    def _separateur(self) -> str:
        entete = self.texte.split("\n", 1)[0]
        compte = {s: entete.count(s) for s in _SEPARATEURS}
        meilleur = max(_SEPARATEURS, key=lambda s: compte[s])
        if compte[meilleur] == 0 and len(set(self.colonnes.values())) > 1:
            raise self.erreur(
                "une seule colonne lue : séparateur introuvable dans l'en-tête (attendu : « ; », « , » "
                "ou une tabulation ; ou donnez separateur=...)",
                1,
            )
        return meilleur

    def lignes(self, strict: bool) -> Iterator[tuple[int, dict[str, str]]]:
        """(CSV line number, row) of every data row (the number of its first line)."""
        csv.field_size_limit(TAILLE_CHAMP_MAX)
        lecteur = csv.reader(io.StringIO(self.texte, newline=""), delimiter=self.separateur, strict=True)
        try:
            entete = next(lecteur, [])
            self._verifier_entete(entete, strict)
            suivante = lecteur.line_num + 1
            for valeurs in lecteur:
                # a quoted field may hold line ends: a row is numbered by its first line
                numero, suivante = suivante, lecteur.line_num + 1
                if not valeurs:
                    continue  # a blank row
                if len(valeurs) != len(entete):
                    raise self.erreur(
                        f"{len(valeurs)} colonne(s) au lieu des {len(entete)} de l'en-tête "
                        f"(séparateur « {self.separateur} »)",
                        numero,
                    )
                yield numero, dict(zip(entete, valeurs, strict=True))
        except csv.Error as exc:
            texte = next((fr for en, fr in _ERREURS_CSV if en in str(exc)), str(exc))
            raise self.erreur(f"ligne CSV mal formée : {texte}", lecteur.line_num) from exc

    def _verifier_entete(self, entete: list[str], strict: bool) -> None:
        manquantes = sorted(c for c in self.colonnes.values() if c not in entete)
        if manquantes:
            raise self.erreur(
                f"colonne(s) absente(s) du CSV : {', '.join(manquantes)} "
                f"(colonnes lues : {', '.join(entete)})",
                1,
            )
        inconnues = [c for c in entete if c not in set(self.colonnes.values())]
        if strict and inconnues:
            raise self.erreur(f"colonne(s) inconnue(s) de la table des colonnes : {', '.join(inconnues)}", 1)


def _evenements(
    lecteur: _Lecteur, lignes: Iterator[tuple[int, dict[str, str]]], format_date: str | None
) -> Iterator[tuple[int, int, dict[str, Any]]]:
    """(CSV line, rank within it, event) for one row per event."""
    colonnes = lecteur.colonnes
    for numero, row in lignes:
        event: dict[str, Any] = {}
        for key, col in colonnes.items():
            value = row[col].strip()
            if key.startswith("profil.") or not value:
                continue
            event[key] = _date(value, format_date) if key == "date" else value
        if "dossier" in colonnes and not event.get("dossier"):
            raise lecteur.erreur("identifiant de dossier vide", numero)
        profil = _profil(row, colonnes)
        if profil:
            event["profil"] = profil
        yield numero, 0, event


def _parcours(
    lecteur: _Lecteur,
    lignes: Iterator[tuple[int, dict[str, str]]],
    dispositif: str | None,
    format_date: str | None,
) -> Iterator[tuple[int, int, dict[str, Any]]]:
    """(CSV line, rank within it, event) for one row per parcours: a démarrage, then its exit."""
    colonnes = lecteur.colonnes
    vus: dict[str, tuple[int, dict[str, str]]] = {}
    for numero, row in lignes:

        def get(key: str, row: dict[str, str] = row) -> str:
            col = colonnes.get(key)
            return row[col].strip() if col else ""

        dossier = get("dossier")
        if not dossier:
            raise lecteur.erreur("identifiant de dossier vide", numero)
        if dossier in vus:
            premiere, autre = vus[dossier]
            if autre != row:
                raise lecteur.erreur(
                    f"le dossier « {dossier} » est déjà ligne {premiere} avec d'autres valeurs : "
                    "une ligne par parcours",
                    numero,
                )
            continue  # the same row twice: read once
        vus[dossier] = (numero, row)
        debut: dict[str, Any] = {
            "dossier": dossier,
            "date": _date(get("entree"), format_date),
            "evenement": "demarrage",
        }
        disp = get("dispositif") or dispositif
        if disp:
            debut["dispositif"] = disp
        profil = _profil(row, colonnes)
        if profil:
            debut["profil"] = profil
        yield numero, 0, debut
        fin = get("sortie")
        if fin:
            sortie: dict[str, Any] = {
                "dossier": dossier,
                "date": _date(fin, format_date),
                "evenement": "sortie",
            }
            if get("motif"):
                sortie["motif"] = get("motif")
            yield numero, 1, sortie


def _ordre_des_dates(events: list[tuple[int, int, dict[str, Any]]]) -> list[tuple[int, int, dict[str, Any]]]:
    """The events in date order; those whose date is not in ISO form first, in row order (their
    lines are refused, and reported by line number)."""

    def cle(item: tuple[int, int, dict[str, Any]]) -> tuple[str, int, int]:
        jour = item[2].get("date")
        iso = jour if isinstance(jour, str) and _ISO_DATE.match(jour) else ""
        return (iso, item[0], item[1])

    return sorted(events, key=cle)


def read_csv(
    chemin: str | os.PathLike[str],
    colonnes: Mapping[str, str],
    *,
    forme: Literal["evenements", "parcours"] = "evenements",
    dispositif: str | None = None,
    separateur: str | None = None,
    encodage: str = "utf-8-sig",
    format_date: str | None = None,
    strict: bool = False,
) -> Lignes:
    """Read a CSV export into journal lines (see the module's docstring).

    ``separateur`` (found from the header when None), ``encodage`` (of the file),
    ``format_date`` (a ``strptime`` format, e.g. ``%d/%m/%y``), ``strict`` (a column the
    table does not map is an error).
    """
    path = Path(chemin)
    if not path.is_file():
        raise JournalError(
            "fichier CSV introuvable ou qui n'est pas un fichier ordinaire", fichier=str(chemin)
        )
    lecteur = _Lecteur(path, colonnes, encodage, separateur)
    lignes = lecteur.lignes(strict)
    if forme == "parcours":
        events = list(_parcours(lecteur, lignes, dispositif, format_date))
    else:
        events = list(_evenements(lecteur, lignes, format_date))
    events = _ordre_des_dates(events)
    origines = np.array([numero for numero, _, _ in events], dtype=np.int64)
    textes = [json.dumps(event, ensure_ascii=False) for _, _, event in events]
    return lignes_en_memoire(textes, str(chemin), "ligne", origines)
