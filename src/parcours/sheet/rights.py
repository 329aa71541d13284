"""The national layer on a policy sheet: the droits et devoirs values, each with its note.

The same values as the engine applies (``droits_devoirs``, read through its versions), in the
words of the guide (docs/guide/plein_emploi.md), grouped as the texts are: orientation,
contract and hours, re-examination, sanctions.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from parcours.policies.rights import DroitsDevoirs
from parcours.policies.values import Param
from parcours.sheet._values import Ligne, Notes, Valeur, valeurs

__all__ = ["LIBELLES_DROITS", "TITRE_DROITS", "blocs_droits"]

#: The title of the national section of a sheet (and of its calendar lines).
TITRE_DROITS = "Droits et devoirs (couche nationale)"
#: Each national value's label, by its key path under ``droits_devoirs``, in the order shown.
LIBELLES_DROITS: dict[str, tuple[str, str]] = {
    "orientation.delai": ("Orientation", "Délai pour orienter après l'information d'ouverture du droit"),
    "contrat.delai.professionnel": ("Contrat d'engagement", "Délai de signature (parcours professionnel)"),
    "contrat.delai.socio_professionnel": (
        "Contrat d'engagement",
        "Délai de signature (parcours socio-professionnel)",
    ),
    "contrat.delai.social": ("Contrat d'engagement", "Délai de signature (parcours social)"),
    "contrat.sans_delai": ("Contrat d'engagement", "Organismes sans délai fixé"),
    "contrat.heures_minimum": ("Contrat d'engagement", "Heures d'activité par semaine, au moins"),
    "contrat.heures_maximum": ("Contrat d'engagement", "Heures d'activité par semaine, au plus"),
    "contrat.transition.reforme": ("Contrat d'engagement", "Réforme du contrat d'engagement"),
    "contrat.transition.delai": ("Contrat d'engagement", "Délai des personnes déjà accompagnées"),
    "reexamen.parcours": ("Réexamen", "Parcours réexaminés avec France Travail"),
    "reexamen.delai": ("Réexamen", "Délai après la signature ou la révision du contrat"),
    "reexamen.delai_difficultes": ("Réexamen", "Délai avec des difficultés particulières"),
    "sanction.taux_minimum": ("Sanctions", "Taux minimal"),
    "sanction.taux_maximum_foyer": ("Sanctions", "Taux maximal, foyer de plusieurs personnes"),
    "sanction.premier_manquement.taux_maximum": ("Sanctions", "Premier manquement : taux maximal"),
    "sanction.premier_manquement.mois_minimum": ("Sanctions", "Premier manquement : mois, au moins"),
    "sanction.premier_manquement.mois_maximum": ("Sanctions", "Premier manquement : mois, au plus"),
    "sanction.repetition.taux_maximum": ("Sanctions", "Manquement répété : taux maximal"),
    "sanction.repetition.mois_minimum": ("Sanctions", "Manquement répété : mois, au moins"),
    "sanction.repetition.mois_maximum": ("Sanctions", "Manquement répété : mois, au plus"),
    "sanction.fenetre_repetition": ("Sanctions", "Un manquement est répété dans"),
}


def _param(bloc: DroitsDevoirs, chemin: str) -> Param[Any] | None:
    node: Any = bloc
    for part in chemin.split("."):
        node = node.get(part) if isinstance(node, dict) else getattr(node, part, None)
        if node is None:
            return None
    return node if isinstance(node, Param) else None


def blocs_droits(
    bloc: DroitsDevoirs | None, notes: Notes, jour: date | None
) -> tuple[tuple[str, tuple[Ligne, ...]], ...]:
    """The national values as (title, lines), in the guide's order (none: no national layer)."""
    if bloc is None:
        return ()
    groupes: dict[str, list[Ligne]] = {}
    for chemin, (titre, libelle) in LIBELLES_DROITS.items():
        texte = valeurs(_param(bloc, chemin), notes, jour)
        groupes.setdefault(titre, []).append(Ligne(libelle, texte, "aucun", f"droits_devoirs.{chemin}"))
    dispenses = ", ".join(d.libelle for d in bloc.contrat.dispenses.values())
    if dispenses:
        groupes["Contrat d'engagement"].append(
            Ligne(
                "Dispenses (plan sans durée, ou réduite)",
                (Valeur(dispenses),),
                chemin="droits_devoirs.contrat.dispenses",
            )
        )
    return tuple((titre, tuple(lignes)) for titre, lignes in groupes.items())
