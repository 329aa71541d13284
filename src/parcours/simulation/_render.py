"""Render a simulation's results as French text, JSON or HTML (for the ``simuler`` verb)."""

from __future__ import annotations

import html
import json
from datetime import date
from typing import Any

from parcours._french import format_date, format_nombre, format_taux

__all__ = ["LIBELLES", "en_html", "en_json", "en_texte"]

LIBELLES: dict[str, str] = {
    "accompagnees": "Personnes accompagnées",
    "sorties": "Personnes sorties",
    "encore_suivies": "Encore suivies en fin de période",
    "encore_suivies_au_31_12": "Encore suivies en fin de période",
    "taux_sorties_positives": "Taux de sorties positives",
    "duree_moyenne_mois": "Durée moyenne d'accompagnement (mois)",
    "demarrages": "Démarrages",
    "attente_moyenne_jours": "Attente moyenne avant démarrage (jours)",
    "en_attente_a_la_fin": "En liste d'attente en fin de période",
    "refusees": "Refusées faute de place",
    "occupation_moyenne": "Places occupées en moyenne",
    "entretiens_par_personne": "Entretiens par personne",
    "echeances_manquees_par_personne": "Échéances d'entretien manquées par personne",
    "en_veille_a_la_fin": "En veille en fin de période",
}


def _nombre(nom: str, v: Any) -> str:
    """A figure in French: « 35,3 % » for a rate, « 1 234,57 » for a mean, « 1 234 » for a count."""
    if v is None:
        return "—"
    if nom.startswith("taux"):
        return format_taux(v)
    if isinstance(v, float) and not v.is_integer():
        return format_nombre(v, 2)
    return format_nombre(int(v))


def _jour(texte: str) -> str:
    """An ISO date of the header as French readers write it (« 01/01/2018 »)."""
    try:
        return format_date(date.fromisoformat(texte))
    except (TypeError, ValueError):
        return str(texte)


def _lignes(resultat: dict[str, Any]) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    if "indicateurs" in resultat and "runs" in resultat:
        niveau = int(resultat["niveau"] * 100)
        for nom, d in resultat["indicateurs"].items():
            lo, hi = _nombre(nom, d["bas"]), _nombre(nom, d["haut"])
            out.append((LIBELLES.get(nom, nom), f"{_nombre(nom, d['moyenne'])}  [{lo} ; {hi}] à {niveau} %"))
        return out
    for nom, v in resultat["indicateurs"].items():
        out.append((LIBELLES.get(nom, nom), _nombre(nom, v)))
    for motif, n in resultat["bilan"]["sorties_par_motif"].items():
        out.append((f"  sorties « {motif} »", format_nombre(n)))
    return out


def _titre(entete: dict[str, Any]) -> str:
    runs = entete.get("runs", 1)
    quoi = f"{runs} simulations" if runs > 1 else "simulation"
    return (
        f"{entete['politique']} : {quoi} du {_jour(entete['du'])} au {_jour(entete['au'])}"
        f" ({entete['dispositifs']}), graine {entete['graine']}"
    )


def en_texte(entete: dict[str, Any], resultat: dict[str, Any]) -> str:
    lignes = _lignes(resultat)
    largeur = max((len(k) for k, _ in lignes), default=0)
    cohorte = [f"cohorte : {entete['cohorte']}"] if "cohorte" in entete else []
    return "\n".join([_titre(entete), *cohorte, *(f"{k.ljust(largeur)}  {v}" for k, v in lignes)])


def en_json(entete: dict[str, Any], resultat: dict[str, Any]) -> str:
    return json.dumps({**entete, **resultat}, ensure_ascii=False, indent=2)


def en_html(entete: dict[str, Any], resultat: dict[str, Any]) -> str:
    rows = "\n".join(
        f"<tr><th>{html.escape(k.strip())}</th><td>{html.escape(v)}</td></tr>" for k, v in _lignes(resultat)
    )
    titre = html.escape(_titre(entete))
    cohorte = f"<p>cohorte : {html.escape(entete['cohorte'])}</p>\n" if "cohorte" in entete else ""
    return (
        '<!DOCTYPE html>\n<html lang="fr"><head><meta charset="utf-8">'
        f"<title>{titre}</title></head>\n<body><h1>{titre}</h1>\n{cohorte}<table>\n{rows}\n</table></body></html>"
    )
