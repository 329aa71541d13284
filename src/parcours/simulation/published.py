"""Published tables: the figures a report gives, as data a simulation is compared or fitted to.

A table is a CSV file (UTF-8, comma-separated, one header line), one published cell a line::

    periode,dispositif,indicateur,valeur,usage,document,section,citation,hypothese,raison
    2017,referent_unique_nancy_couronne,accompagnees,222,ajuster,002_94a0ace7a1081912.txt,...

- ``periode``: a year (``2017``) or two ISO dates ``2015-06-01/2017-05-31``, both included;
- ``dispositif``: a dispositif of the policy, or several joined by ``+`` when the report
  gives a figure for a group of them (002's service totals);
- ``indicateur``: one of :data:`INDICATEURS` (``accompagnees``, ``sorties``,
  ``encore_suivies``, ``entrees``, ``duree_moyenne_mois``, ``taux_emploi_veille``), or
  ``part_sorties.<motif>`` (% of the exits), ``profil.<variable>.<valeur>`` (% of the people
  accompanied);
- ``valeur``: a number, ``.`` or ``,`` as decimal mark; percentages as 27 for 27 %;
- ``usage``: ``ajuster`` (``parcours calibrer`` fits the cohort to it) or ``comparer`` (only
  shown beside the simulation), by default ``ajuster``;
- ``document``, ``section``, ``citation``: where the figure is printed; a figure computed
  from others (a sum, a difference) says so in ``raison``, and ``hypothese`` is ``oui`` when
  it rests on an assumption.

Bundled tables live in ``policies/tableaux/`` (``meurthe_et_moselle``: seed 002;
``moselle``: seed 004). Every mistake is reported as ``fichier:ligne: ...`` in French.
"""

from __future__ import annotations

import csv
import io
import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Literal

from parcours.errors import PolicyError, Problem, UsageError
from parcours.policies.values import Source
from parcours.reports.period import Periode

__all__ = ["COLONNES", "INDICATEURS", "CellulePubliee", "TableauPublie", "read_table", "read_table_text"]

#: The columns of a published table, in order (the last six may be empty).
COLONNES: tuple[str, ...] = (
    "periode",
    "dispositif",
    "indicateur",
    "valeur",
    "usage",
    "document",
    "section",
    "citation",
    "hypothese",
    "raison",
)
#: The indicators a cell may hold (besides ``part_sorties.<motif>`` and ``profil.<var>.<val>``).
INDICATEURS: dict[str, str] = {
    "accompagnees": "Personnes accompagnées",
    "sorties": "Personnes sorties",
    "encore_suivies": "Encore suivies en fin de période",
    "entrees": "Entrées (démarrages) de la période",
    "duree_moyenne_mois": "Durée moyenne d'accompagnement des sorties (mois)",
    "taux_emploi_veille": "En emploi au point de veille (% des sorties)",
}
PREFIXES: tuple[str, ...] = ("part_sorties.", "profil.")
Usage = Literal["ajuster", "comparer"]


@dataclass(frozen=True)
class CellulePubliee:
    """One published figure: which period, dispositifs and indicator, and where it is printed."""

    ligne: int
    periode: Periode
    libelle_periode: str
    dispositifs: tuple[str, ...]
    indicateur: str
    valeur: float
    usage: Usage
    source: Source | None
    hypothese: bool
    raison: str | None

    @property
    def libelle(self) -> str:
        """``2017 referent_unique_sdf accompagnees``: how a cell is named in messages."""
        return f"{self.libelle_periode} {'+'.join(self.dispositifs)} {self.indicateur}"


@dataclass(frozen=True)
class TableauPublie:
    """A published table: its file and its cells, in file order."""

    fichier: str
    cellules: tuple[CellulePubliee, ...]

    def etendue(self) -> Periode:
        """From the first day of the earliest period to the last day of the latest."""
        return Periode(min(c.periode.du for c in self.cellules), max(c.periode.au for c in self.cellules))


class _Illisible(ValueError):
    """A cell of the CSV that cannot be read: which column, and the French message."""

    def __init__(self, colonne: str, message: str) -> None:
        super().__init__(message)
        self.colonne = colonne


_ATTENDU = {
    "periode": "une année AAAA ou AAAA-MM-JJ/AAAA-MM-JJ",
    "valeur": "un nombre",
    "indicateur": "l'un de " + ", ".join(INDICATEURS) + ", part_sorties.<motif>, profil.<variable>.<valeur>",
    "usage": "ajuster ou comparer",
    "dispositif": "un dispositif, ou plusieurs joints par +",
}


def _periode(texte: str) -> tuple[Periode, str]:
    texte = texte.strip()
    if texte.isdigit() and len(texte) == 4:
        return Periode.annee(int(texte)), texte
    du, sep, au = texte.partition("/")
    try:
        if not sep:
            raise ValueError(texte)
        periode = Periode(date.fromisoformat(du.strip()), date.fromisoformat(au.strip()))
    except (ValueError, UsageError):
        raise _Illisible("periode", f"période « {texte} » illisible") from None
    return periode, f"{du.strip()}/{au.strip()}"


def _indicateur(texte: str) -> str:
    nom = texte.strip()
    if nom in INDICATEURS:
        return nom
    prefixe = next((p for p in PREFIXES if nom.startswith(p)), None)
    if prefixe is not None:
        parties = nom.removeprefix(prefixe).split(".")
        if all(parties) and len(parties) == (2 if prefixe == "profil." else 1):
            return nom
    raise _Illisible("indicateur", f"indicateur « {nom} » inconnu")


def _nombre(texte: str) -> float:
    try:
        return float(texte.strip().replace(",", ".").replace(" ", "").replace("\u202f", ""))
    except ValueError:
        raise _Illisible("valeur", f"valeur « {texte.strip()} » illisible") from None


def _source(champs: dict[str, str]) -> Source | None:
    document = champs.get("document", "").strip()
    if not document:
        return None
    return Source(
        document=document,
        section=champs.get("section", "").strip() or None,
        citation=champs.get("citation", "").strip() or None,
    )


def _cellule(ligne: int, champs: dict[str, str]) -> CellulePubliee:
    periode, libelle = _periode(champs["periode"])
    usage = champs.get("usage", "").strip() or "ajuster"
    if usage not in ("ajuster", "comparer"):
        raise _Illisible("usage", f"usage « {usage} » inconnu")
    dispositifs = tuple(d.strip() for d in champs["dispositif"].split("+"))
    if not all(dispositifs):
        raise _Illisible("dispositif", f"dispositif « {champs['dispositif']} » illisible")
    return CellulePubliee(
        ligne=ligne,
        periode=periode,
        libelle_periode=libelle,
        dispositifs=dispositifs,
        indicateur=_indicateur(champs["indicateur"]),
        valeur=_nombre(champs["valeur"]),
        usage=usage,  # type: ignore[arg-type]
        source=_source(champs),
        hypothese=champs.get("hypothese", "").strip().lower() in ("oui", "true", "1"),
        raison=champs.get("raison", "").strip() or None,
    )


def read_table_text(texte: str, fichier: str = "<tableau>") -> TableauPublie:
    """Read a published table from CSV text (errors located as ``fichier:ligne``)."""
    lecteur = csv.DictReader(io.StringIO(texte))
    manquantes = [c for c in COLONNES[:4] if c not in (lecteur.fieldnames or ())]
    if manquantes:
        raise PolicyError(
            Problem(
                f"colonnes manquantes : {', '.join(manquantes)}",
                fichier=fichier,
                ligne=1,
                attendu="l'en-tête " + ",".join(COLONNES),
            )
        )
    cellules: list[CellulePubliee] = []
    problemes: list[Problem] = []
    for champs in lecteur:
        ligne = lecteur.line_num
        if not any((v or "").strip() for v in champs.values()):
            continue
        try:
            cellules.append(_cellule(ligne, {k: v or "" for k, v in champs.items() if k}))
        except _Illisible as exc:
            problemes.append(
                Problem(
                    str(exc), fichier=fichier, ligne=ligne, chemin=exc.colonne, attendu=_ATTENDU[exc.colonne]
                )
            )
    if problemes:
        raise PolicyError(problemes)
    if not cellules:
        raise PolicyError(Problem("tableau vide", fichier=fichier, ligne=1, attendu="au moins une cellule"))
    return TableauPublie(fichier, tuple(cellules))


def read_table(source: str | os.PathLike[str]) -> TableauPublie:
    """Read a published table from a CSV file or a bundled name (``"meurthe_et_moselle"``)."""
    texte = os.fspath(source)
    chemin = Path(texte)
    if chemin.is_file():
        return read_table_text(chemin.read_text(encoding="utf-8"), texte)
    from parcours.policies.bundled import bundled_root

    nom = texte.removesuffix(".csv").removeprefix("tableaux/")
    fourni = bundled_root() / "tableaux" / f"{nom}.csv"
    if not fourni.is_file():
        raise PolicyError(
            Problem(
                f"tableau « {texte} » introuvable",
                attendu="un fichier CSV ou le nom d'un tableau fourni (policies/tableaux/)",
            )
        )
    return read_table_text(fourni.read_text(encoding="utf-8"), f"policies/tableaux/{nom}.csv")
