"""The ``simuler-droits`` verb: the droits et devoirs track under the national rules, Monte Carlo,
and « what if » a value of the cohort model changed (``--variante``)."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer

from parcours._cli_utils import out_console, parse_date, user_errors
from parcours._french import format_date, format_nombre, format_taux

__all__ = ["LIBELLES_DROITS", "register"]

#: The indicators shown, with their labels (the JSON gives them all).
LIBELLES_DROITS: dict[str, str] = {
    "orientes": "Personnes orientées",
    "taux_orientation_6_semaines": "Orientées dans les six semaines",
    "delai_median_orientation_jours": "Délai médian d'orientation (jours)",
    "taux_contrat_1_mois": "Contrats signés dans le mois",
    "delai_median_contrat_jours": "Délai médian de signature (jours)",
    "heures_hebdomadaires_moyennes": "Heures hebdomadaires moyennes au contrat",
    "part_dispenses": "Part des contrats avec dispense",
    "sanctions": "Sanctions",
    "taux_remobilisation": "Suspensions levées par une remobilisation",
    "reexamens_en_retard": "Réexamens sociaux en retard en fin de période",
}


def _valeur(nom: str, v: float) -> str:
    if v != v:  # NaN: nothing to divide
        return "–"
    if nom.startswith(("taux_", "part_")):
        return format_taux(v)
    return format_nombre(v, 1)


def _variante(texte: str) -> tuple[str, Any]:
    chemin, egal, valeur = texte.partition("=")
    if not egal or not chemin.strip():
        raise typer.BadParameter(
            f"« {texte} » : attendu CHEMIN=VALEUR (ex. orientation.delai_moyen=4 semaines)",
            param_hint="--variante",
        )
    brut = valeur.strip()
    for conversion in (int, float):
        try:
            return chemin.strip(), conversion(brut)
        except ValueError:
            continue
    return chemin.strip(), brut


def _colonnes(distributions: dict[str, Any]) -> dict[str, str]:
    niveau = int(distributions["niveau"] * 100)
    out = {}
    for nom in LIBELLES_DROITS:
        d = distributions["indicateurs"][nom]
        bornes = f"[{_valeur(nom, d['bas'])} ; {_valeur(nom, d['haut'])}]"
        out[nom] = f"{_valeur(nom, d['moyenne'])}  {bornes} à {niveau} %"
    return out


def _texte(entete: str, resultat: dict[str, Any]) -> str:
    lignes = [entete]
    if "a" not in resultat:
        colonnes = _colonnes(resultat)
        lignes += [f"  {LIBELLES_DROITS[n]} : {v}" for n, v in colonnes.items()]
        return "\n".join(lignes)
    a, b, d = (_colonnes(resultat[k]) for k in ("a", "b", "difference"))
    for nom, libelle in LIBELLES_DROITS.items():
        lignes += [f"  {libelle}", f"    A : {a[nom]}", f"    B : {b[nom]}", f"    B − A : {d[nom]}"]
    return "\n".join(lignes)


@user_errors
def simuler_droits(
    politique: Annotated[str, typer.Argument(help="Nom d'une politique fournie ou chemin d'un fichier.")],
    du: Annotated[
        str | None, typer.Option("--du", help="Premier jour simulé (AAAA-MM-JJ ; 2025-01-01).")
    ] = None,
    au: Annotated[str | None, typer.Option("--au", help="Dernier jour simulé (AAAA-MM-JJ).")] = None,
    graine: Annotated[int, typer.Option("--graine", min=0, help="Graine aléatoire.")] = 0,
    runs: Annotated[
        int, typer.Option("--runs", min=1, help="Nombre de simulations (intervalles à 95 %).")
    ] = 20,
    cohorte: Annotated[
        str | None, typer.Option("--cohorte", help="Modèle de cohorte des droits et devoirs (fichier YAML).")
    ] = None,
    variante: Annotated[
        list[str] | None,
        typer.Option(
            "--variante",
            help="Comparer avec ce changement du modèle de cohorte, sur les mêmes tirages "
            "(ex. orientation.delai_moyen=4 semaines) ; répétable.",
        ),
    ] = None,
    json_: Annotated[bool, typer.Option("--json", help="Sortie JSON (toutes les valeurs).")] = False,
) -> None:
    """Simuler les droits et devoirs (loi pour le plein emploi) : indicateurs et intervalles."""
    from parcours.simulation.rights import preparer_droits
    from parcours.simulation.rights_montecarlo import compare_droits, monte_carlo_droits

    jour_du, jour_au = parse_date(du, "--du"), parse_date(au, "--au")
    policy, _, modele, d1, d2 = preparer_droits(politique, cohorte, jour_du, jour_au)
    changements = dict(_variante(v) for v in variante or ())
    if changements:
        resultat = compare_droits(policy, changements, modele, d1, d2, graine, runs).to_dict()
    else:
        resultat = monte_carlo_droits(policy, modele, d1, d2, graine, runs).to_dict()
    if json_:
        donnees = {"politique": policy.nom, "du": d1.isoformat(), "au": d2.isoformat(), "graine": graine}
        sortie = {**donnees, "variante": changements, **resultat}
        out_console.print(json.dumps(sortie, ensure_ascii=False, indent=2), markup=False)
        return
    quoi = f"{runs} simulations" if runs > 1 else "1 simulation"
    titre = (
        f"{policy.nom} : {quoi} des droits et devoirs du {format_date(d1)} au {format_date(d2)}, "
        f"graine {graine}\nmodèle de cohorte : {modele.fichier or modele.libelle} "
        "(hypothèses marquées dans le fichier)"
    )
    if changements:
        titre += "\nA : le modèle ; B : " + ", ".join(f"{k} = {v}" for k, v in changements.items())
    out_console.print(_texte(titre, resultat), markup=False)


def register(app: typer.Typer) -> None:
    """Add the ``simuler-droits`` verb to the ``parcours`` command."""
    app.command("simuler-droits")(simuler_droits)
