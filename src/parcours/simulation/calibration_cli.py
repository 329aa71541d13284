"""The ``calibrer`` verb: fit a policy's cohort model to a published table, write the YAML."""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Annotated

import typer

from parcours._cli_utils import err_console, out_console, user_errors

__all__ = ["calibrer"]


def _resume(calee: object) -> list[str]:
    """One line per fitted dispositif: its cells within the tolerance, its largest residual."""
    from parcours.simulation.calibration import CohorteCalee
    from parcours.simulation.measures import tolerance

    assert isinstance(calee, CohorteCalee)
    lignes = []
    cellules = {c.ligne: c for c in calee.tableau.cellules}
    for ident, calees in calee.cellules.items():
        ajustees = [c for c in calees if cellules[c.ligne].usage == "ajuster" and c.ecart is not None]
        tenues = [c for c in ajustees if abs(c.ecart or 0.0) <= tolerance(cellules[c.ligne])]
        pire = max(ajustees, key=lambda c: abs(c.ecart or 0.0) / tolerance(cellules[c.ligne]), default=None)
        detail = ""
        if pire is not None:
            ecart = f"{pire.ecart:+.1f}".replace(".", ",")
            detail = f" ; plus grand écart : {pire.periode} {pire.indicateur} {ecart} (ligne {pire.ligne})"
        lignes.append(f"{ident} : {len(tenues)}/{len(ajustees)} cellules dans la tolérance{detail}")
    return lignes


@user_errors
def calibrer(
    politique: Annotated[str, typer.Argument(help="Nom d'une politique fournie ou chemin d'un fichier.")],
    tableau: Annotated[
        str,
        typer.Argument(help="Tableau publié : fichier CSV, ou nom d'un tableau fourni (policies/tableaux/)."),
    ],
    cohorte: Annotated[
        str | None,
        typer.Option("--cohorte", help="Modèle de cohorte de départ ; par défaut celui de la politique."),
    ] = None,
    sortie: Annotated[
        Path | None,
        typer.Option("--sortie", help="Fichier YAML à écrire ; sans lui, le modèle est écrit sur la sortie."),
    ] = None,
    dispositifs: Annotated[
        list[str] | None,
        typer.Option(
            "--dispositif", help="N'ajuster que ce dispositif (option répétable) ; les autres sont gardés."
        ),
    ] = None,
    runs: Annotated[
        int, typer.Option("--runs", min=1, help="Simulations par évaluation (graines communes).")
    ] = 20,
    graine: Annotated[int, typer.Option("--graine", min=0, help="Graine des simulations du calage.")] = 0,
    processus: Annotated[
        int, typer.Option("--processus", min=1, help="Dispositifs ajustés en parallèle (même résultat).")
    ] = 2,
) -> None:
    """Ajuster le modèle de cohorte d'une politique à un tableau publié et écrire le modèle calé."""
    from parcours.simulation.calibration import calibrate

    def avance(ident: str, faits: int, total: int) -> None:
        err_console.print(f"ajusté : {ident} ({faits}/{total})", markup=False, highlight=False)

    choisis = tuple(dispositifs) if dispositifs else None
    if processus > 1:
        with ProcessPoolExecutor(processus) as pool:
            calee = calibrate(
                politique,
                tableau,
                cohorte,
                runs=runs,
                seed=graine,
                dispositifs=choisis,
                executor=pool,
                progression=avance,
            )
    else:
        calee = calibrate(
            politique, tableau, cohorte, runs=runs, seed=graine, dispositifs=choisis, progression=avance
        )
    resume = _resume(calee)
    if sortie is None:
        out_console.print(calee.texte(), markup=False, highlight=False, end="")
        for ligne in resume:
            err_console.print(ligne, markup=False, highlight=False)
        return
    calee.write(sortie)
    out_console.print(f"{sortie} : modèle de cohorte calé sur {calee.tableau.fichier}", markup=False)
    for ligne in resume:
        out_console.print(ligne, markup=False, highlight=False)
