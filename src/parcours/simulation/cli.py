"""The ``simuler`` verb: simulate a policy's cohorts once, or many times (Monte Carlo)."""

from __future__ import annotations

import contextlib
from datetime import date
from enum import StrEnum
from typing import Annotated, Any

import typer

from parcours._cli_utils import err_console, out_console, parse_date, user_errors

__all__ = ["register"]


class FormatSimulation(StrEnum):
    texte = "texte"
    json = "json"
    html = "html"


def _progression(runs: int) -> Any:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    return Progress(
        TextColumn("simulations"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=err_console,
        transient=True,
        disable=runs < 5,
    )


@user_errors
def simuler(
    politique: Annotated[str, typer.Argument(help="Nom d'une politique fournie ou chemin d'un fichier.")],
    dispositif: Annotated[
        str | None, typer.Option("--dispositif", help="Ne simuler que ce dispositif.")
    ] = None,
    dossiers: Annotated[
        int | None,
        typer.Option(
            "--dossiers",
            min=1,
            help="Nombre de dossiers arrivant sur la période.",
        ),
    ] = None,
    capacite_proportionnelle: Annotated[
        bool,
        typer.Option(
            "--capacite-proportionnelle",
            help="Mettre les places à l'échelle de --dossiers (simulations nationales).",
        ),
    ] = False,
    du: Annotated[str | None, typer.Option("--du", help="Premier jour simulé (AAAA-MM-JJ).")] = None,
    au: Annotated[str | None, typer.Option("--au", help="Dernier jour simulé (AAAA-MM-JJ).")] = None,
    graine: Annotated[
        int, typer.Option("--graine", min=0, help="Graine aléatoire (même graine, même résultat).")
    ] = 0,
    runs: Annotated[
        int,
        typer.Option("--runs", min=1, help="Nombre de simulations (Monte Carlo, avec intervalles à 95 %)."),
    ] = 1,
    cohorte: Annotated[
        str | None,
        typer.Option(
            "--cohorte", help="Modèle de cohorte (fichier YAML) ; par défaut celui de la politique."
        ),
    ] = None,
    format_: Annotated[
        FormatSimulation, typer.Option("--format", help="texte, json ou html.")
    ] = FormatSimulation.texte,
    comparer_a: Annotated[
        str | None,
        typer.Option(
            "--comparer-a",
            help="Tableau publié (CSV, ou nom d'un tableau fourni) : chaque chiffre publié à côté de "
            "l'intervalle à 95 % des simulations (--runs, 20 par défaut), sur la période du tableau.",
        ),
    ] = None,
) -> None:
    """Simuler les parcours d'une politique : bilan et indicateurs, ou leurs distributions."""
    from parcours.simulation._render import en_html, en_json, en_texte
    from parcours.simulation.simulation import prepare

    jour_du, jour_au = parse_date(du, "--du"), parse_date(au, "--au")
    if jour_du and jour_au and jour_au < jour_du:
        raise typer.BadParameter("--au précède --du", param_hint="--au")
    if comparer_a is not None:
        _comparer(politique, comparer_a, cohorte, jour_du, jour_au, graine, runs, format_)
        return
    policy, model, d1, d2, regles = prepare(politique, cohorte, jour_du, jour_au, dispositif)
    entete: dict[str, Any] = {
        "politique": policy.nom,
        "cohorte": model.reference,
        "du": d1.isoformat(),
        "au": d2.isoformat(),
        "dispositifs": ", ".join(regles),
        "graine": graine,
        "runs": runs,
    }
    options = {"dispositif": dispositif, "capacite_proportionnelle": capacite_proportionnelle}
    if runs == 1:
        resultat = _une(policy, model, d1, d2, dossiers, graine, options)
    else:
        resultat = _plusieurs(policy, model, d1, d2, dossiers, graine, runs, options)
    rendus = {
        FormatSimulation.texte: en_texte,
        FormatSimulation.json: en_json,
        FormatSimulation.html: en_html,
    }
    out_console.print(rendus[format_](entete, resultat), markup=False, highlight=False)


def _comparer(
    politique: str,
    tableau: str,
    cohorte: str | None,
    du: date | None,
    au: date | None,
    graine: int,
    runs: int,
    format_: FormatSimulation,
) -> None:
    """The published table's cells beside the simulated intervals."""
    from parcours.simulation._confront_render import (
        confrontation_html,
        confrontation_json,
        confrontation_texte,
    )
    from parcours.simulation.confrontation import confront

    n = runs if runs > 1 else 20
    with _progression(n) as barre:
        tache = barre.add_task("runs", total=n)
        resultat = confront(
            politique,
            tableau,
            cohorte,
            du,
            au,
            n,
            graine,
            progression=lambda fait, _total: barre.update(tache, completed=fait),
        )
    rendus = {
        FormatSimulation.texte: confrontation_texte,
        FormatSimulation.json: confrontation_json,
        FormatSimulation.html: confrontation_html,
    }
    out_console.print(rendus[format_](resultat), markup=False, highlight=False)


def _une(
    policy: Any, model: Any, du: date, au: date, dossiers: int | None, graine: int, options: dict[str, Any]
) -> dict[str, Any]:
    """One run: its bilan figures and indicators."""
    from parcours.simulation.simulation import simulate

    gros = (dossiers or 0) > 200_000
    with err_console.status("simulation…", spinner="dots") if gros else contextlib.nullcontext():
        sim = simulate(policy, model, du, au, dossiers, graine, evenements=False, **options)
    return {"bilan": sim.aggregates(), "indicateurs": sim.indicateurs()}


def _plusieurs(
    policy: Any,
    model: Any,
    du: date,
    au: date,
    dossiers: int | None,
    graine: int,
    runs: int,
    options: dict[str, Any],
) -> dict[str, Any]:
    """Monte Carlo: the distribution of each figure over ``runs`` runs."""
    from parcours.simulation.montecarlo import monte_carlo

    with _progression(runs) as barre:
        tache = barre.add_task("runs", total=runs)
        distributions = monte_carlo(
            policy,
            model,
            du,
            au,
            dossiers,
            graine,
            runs,
            progression=lambda fait, _total: barre.update(tache, completed=fait),
            **options,
        )
    return distributions.to_dict()


def register(app: typer.Typer) -> None:
    """Add the simulation verbs to the ``parcours`` command."""
    from parcours.simulation.calibration_cli import calibrer

    app.command("simuler")(simuler)
    app.command("calibrer")(calibrer)
