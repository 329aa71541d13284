"""Policy verbs of the ``parcours`` command: valider, politiques, afficher, schema, diff."""

from __future__ import annotations

import json
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from parcours._cli_utils import err_console, out_console, parse_date, user_errors
from parcours._french import format_date
from parcours.errors import PolicyError
from parcours.policies.bundled import bundled_names
from parcours.policies.display import Row, diff_rows, flatten, format_value
from parcours.policies.jsonschema import policy_json_schema
from parcours.policies.loader import load_policy
from parcours.policies.rules import regles_datees
from parcours.policies.schema import Policy

__all__ = ["register"]


class FormatPolitique(StrEnum):
    texte = "texte"
    json = "json"


def _row_key(row: Row, dated: bool) -> str:
    if dated and row.debut is not None:
        return f"{row.chemin} (à partir du {format_date(row.debut)})"
    return row.chemin


def _snapshot(policy: Policy, jour: date | None) -> list[Row]:
    """Every value, or the values in force on ``jour`` (a dispositif not open then shows as such)."""
    if jour is None:
        return flatten(policy)
    fermes = {
        ident: regles.fermeture(jour)
        for ident in policy.dispositifs
        if not (regles := regles_datees(policy, ident)).ouvert(jour)
    }
    rows = [
        r
        for r in flatten(policy.at(jour))
        if not any(r.chemin.startswith(f"dispositifs.{i}.") for i in fermes)
    ]
    rows.extend(Row(f"dispositifs.{ident}", f"(pas ouvert : {raison})") for ident, raison in fermes.items())
    return rows


def valider(
    fichiers: Annotated[list[Path], typer.Argument(help="Fichiers de politique YAML à vérifier.")],
) -> None:
    """Vérifier des fichiers de politique : toutes les erreurs sont affichées, fichier:ligne."""
    failed = 0
    for fichier in fichiers:
        try:
            policy = load_policy(fichier)
        except PolicyError as exc:
            failed += 1
            err_console.print(str(exc), markup=False)
            count = len(exc.problems)
            err_console.print(f"✗ {fichier} : {count} erreur{'s' if count > 1 else ''}", markup=False)
            continue
        n = len(policy.dispositifs)
        out_console.print(f"✓ {fichier} : valide ({n} dispositif{'s' if n > 1 else ''})", markup=False)
    if failed:
        raise typer.Exit(1)


@user_errors
def politiques() -> None:
    """Lister les politiques fournies avec parcours et leurs dispositifs."""
    table = Table(title="Politiques fournies", show_lines=False)
    table.add_column("nom", no_wrap=True)
    table.add_column("département")
    table.add_column("dispositifs", no_wrap=True)
    for name in bundled_names():
        policy = load_policy(name)
        table.add_row(name, policy.departement, "\n".join(policy.dispositifs) or "—")
    out_console.print(table)


@user_errors
def afficher(
    politique: Annotated[str, typer.Argument(help="Nom d'une politique fournie ou chemin d'un fichier.")],
    date_: Annotated[
        str | None,
        typer.Option("--date", metavar="AAAA-MM-JJ", help="Valeurs en vigueur à cette date (AAAA-MM-JJ)."),
    ] = None,
    format_: Annotated[
        FormatPolitique, typer.Option("--format", help="texte ou json.")
    ] = FormatPolitique.texte,
    origine: Annotated[
        bool, typer.Option("--origine", help="Indiquer fichier:ligne de chaque valeur.")
    ] = False,
    hypotheses: Annotated[
        bool, typer.Option("--hypotheses", help="N'afficher que les hypothèses, avec leur raison.")
    ] = False,
) -> None:
    """Afficher les valeurs d'une politique (toutes ses versions, ou celles en vigueur à une date)."""
    jour = parse_date(date_)
    policy = load_policy(politique)
    rows = _snapshot(policy, jour)
    if hypotheses:
        rows = [r for r in rows if r.hypothese]
    if format_ is FormatPolitique.json:
        payload = {
            "politique": policy.nom,
            "fichier": policy.fichier,
            "date": jour.isoformat() if jour else None,
            "valeurs": [r.to_dict() for r in rows],
        }
        out_console.print_json(json.dumps(payload, ensure_ascii=False))
        return
    title = f"{policy.libelle} ({policy.departement})"
    if jour is not None:
        title += f", en vigueur le {format_date(jour)}"
    out_console.print(title, style="bold", markup=False)
    if policy.fichier:
        out_console.print(f"fichier : {policy.fichier}", markup=False)
    for row in rows:
        line = f"{row.chemin} = {format_value(row.valeur)}"
        if row.debut is not None and jour is None:
            line += f"  (à partir du {format_date(row.debut)})"
        if row.hypothese:
            line += "  [hypothèse" + (f" : {row.raison}" if row.raison else "") + "]"
        if origine and row.origine:
            line += f"  ← {row.origine}"
        out_console.print(line, markup=False)


def schema() -> None:
    """Écrire le JSON Schema du langage de politique (pour l'éditeur)."""
    out_console.print_json(json.dumps(policy_json_schema(), ensure_ascii=False))


@user_errors
def diff(
    a: Annotated[str, typer.Argument(help="Politique (nom ou fichier).")],
    b: Annotated[str | None, typer.Argument(help="Seconde politique à comparer.")] = None,
    date_: Annotated[
        str | None,
        typer.Option("--date", metavar="AAAA-MM-JJ", help="Comparer les valeurs en vigueur à cette date."),
    ] = None,
    du: Annotated[
        str | None,
        typer.Option("--du", metavar="AAAA-MM-JJ", help="Première date (avec --au, une seule politique)."),
    ] = None,
    au: Annotated[str | None, typer.Option("--au", metavar="AAAA-MM-JJ", help="Seconde date.")] = None,
) -> None:
    """Comparer deux politiques, ou une politique à deux dates, clé par clé."""
    first = load_policy(a)
    if b is not None:
        if du or au:
            raise typer.BadParameter(
                "--du/--au comparent une seule politique à deux dates", param_hint="--du"
            )
        jour = parse_date(date_)
        second = load_policy(b)
        left, right = _snapshot(first, jour), _snapshot(second, jour)
        labels = (a, b)
    else:
        if not (du and au):
            raise typer.BadParameter("donnez une seconde politique, ou --du et --au", param_hint="B")
        d1, d2 = parse_date(du, "--du"), parse_date(au, "--au")
        left, right = _snapshot(first, d1), _snapshot(first, d2)
        labels = (du, au)
    dated = b is not None and date_ is None
    keyed_left = [Row(_row_key(r, dated), r.valeur, r.debut, r.origine) for r in left]
    keyed_right = [Row(_row_key(r, dated), r.valeur, r.debut, r.origine) for r in right]
    changes = diff_rows(keyed_left, keyed_right)
    # a dispositif open on one side only shows as one line, not as each of its values
    fermes = [k for k, a, b in changes if (a is None or b is None) and k.count(".") == 1]
    changes = [c for c in changes if not any(c[0].startswith(f"{f}.") for f in fermes)]
    if not changes:
        out_console.print(f"aucune différence entre {labels[0]} et {labels[1]}", markup=False)
        return
    out_console.print(f"--- {labels[0]}\n+++ {labels[1]}", markup=False)
    for key, before, after in changes:
        old = format_value(before.valeur) if before else "(absent)"
        new = format_value(after.valeur) if after else "(absent)"
        out_console.print(f"{key} : {old} → {new}", markup=False)


def register(app: typer.Typer) -> None:
    """Add the policy verbs to the ``parcours`` command."""
    app.command("valider")(valider)
    app.command("politiques")(politiques)
    app.command("afficher")(afficher)
    app.command("schema")(schema)
    app.command("diff")(diff)
