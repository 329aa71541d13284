"""The calendar of a policy's dated changes: what changes, in which dispositif, on which day.

Read from the versions of every dated value (``Param.versions``, as ``parcours diff`` compares
them) and from each dispositif's opening (``policies/rules.py``). A version that repeats the
value before it (a new source for the same figure) is not a change and is left out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from parcours.policies.display import format_value
from parcours.policies.rules import ouverture
from parcours.policies.schema import Policy
from parcours.policies.values import Version
from parcours.policies.versions import iter_params
from parcours.sheet.rights import LIBELLES_DROITS

__all__ = ["LIBELLES_CHEMINS", "Changement", "calendrier", "libelle_chemin"]

#: How a reader names the key paths of a dispositif (the others are shown as written).
LIBELLES_CHEMINS: dict[str, str] = {
    "capacite.places": "places",
    "capacite.personnes_par_an": "personnes à accompagner par an",
    "capacite.etp": "référents (ETP)",
    "capacite.portefeuille_par_etp": "portefeuille par référent",
    "capacite.binomes": "binômes",
    "capacite.part_brsa": "part de bénéficiaires du RSA",
    "duree.cer": "durée d'un CER",
    "duree.renouvellements_max": "renouvellements au plus",
    "duree.minimum": "durée minimale",
    "duree.maximum": "durée totale maximale",
    "duree.reevaluation_au_renouvellement": "réévaluation au renouvellement",
    "rythme_entretiens.intervalle_max": "intervalle maximal entre deux entretiens",
    "rythme_entretiens.au_demarrage.intervalle_max": "intervalle maximal au démarrage",
    "rythme_entretiens.au_demarrage.pendant": "durée du rythme de démarrage",
    "veille.duree": "durée de la veille",
    "convention.debut": "début de la convention",
    "convention.fin": "fin de la convention",
    "domaines": "domaines travaillés",
    "journees_par_semaine": "journées par semaine",
}
_HORS_CALENDRIER = ("observations",)
#: Where the calendar says a national value changes.
DROITS = "droits et devoirs (couche nationale)"


def libelle_chemin(chemin: tuple[str, ...]) -> str:
    """« durée totale maximale » for ``duree.maximum``; an objective or an alert by its key."""
    cle = ".".join(chemin)
    if cle in LIBELLES_CHEMINS:
        return LIBELLES_CHEMINS[cle]
    if chemin[0] == "delais_max":
        return f"délai pour atteindre l'étape {chemin[1]}"
    if chemin[0] == "resultats_attendus":
        return f"objectif « {chemin[1]} »"
    if chemin[0] == "alertes":
        return f"alerte « {chemin[1]} » : {chemin[-1]}"
    if chemin[0] == "droits_devoirs":
        titre, libelle = LIBELLES_DROITS.get(".".join(chemin[1:]), ("", " › ".join(chemin[1:])))
        return f"{titre.lower()} : {libelle[0].lower()}{libelle[1:]}" if titre else libelle
    return " › ".join(chemin)


@dataclass(frozen=True)
class Changement:
    """On ``jour``, ``quoi`` goes from ``avant`` to ``apres``.

    ``dispositif`` is the label of the dispositif it belongs to (None: the whole policy).
    """

    jour: date
    dispositif: str | None
    quoi: str
    avant: str
    apres: str
    hypothese: bool = False


def calendrier(policy: Policy, libelles: dict[str, str]) -> tuple[Changement, ...]:
    """Every dated change of ``policy``, by day (dispositifs in the policy's order)."""
    changes: list[Changement] = []
    for ident, dispositif in policy.dispositifs.items():
        jour = ouverture(dispositif)
        if jour is not None:
            changes.append(Changement(jour, libelles[ident], "ouverture du dispositif", "", "ouvert"))
        for chemin, param in iter_params(dispositif):
            if chemin[0] in _HORS_CALENDRIER:
                continue
            changes.extend(_changements(libelles[ident], chemin, param.versions))
    for chemin, param in iter_params(policy.alertes, ("alertes",)):
        changes.extend(_changements(None, chemin, param.versions))
    if policy.droits_devoirs is not None:
        for chemin, param in iter_params(policy.droits_devoirs, ("droits_devoirs",)):
            changes.extend(_changements(DROITS, chemin, param.versions))
    rang = {lib: i for i, lib in enumerate(libelles.values())}
    return tuple(sorted(changes, key=lambda c: (c.jour, rang.get(c.dispositif or "", -1))))


def _changements(
    dispositif: str | None, chemin: tuple[str, ...], versions: tuple[Version[Any], ...]
) -> list[Changement]:
    out = []
    for i, version in enumerate(versions):
        if version.debut is None:
            continue
        avant = format_value(versions[i - 1].valeur) if i else "(absent)"
        apres = format_value(version.valeur)
        if avant != apres:
            out.append(
                Changement(version.debut, dispositif, libelle_chemin(chemin), avant, apres, version.hypothese)
            )
    return out
