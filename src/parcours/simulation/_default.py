"""A generic cohort model for a policy that has none: every value an explicit assumption."""

from __future__ import annotations

from datetime import date
from typing import Any

from parcours.errors import PolicyError
from parcours.policies.cohort import Cohorte
from parcours.policies.rules import ReglesDatees
from parcours.policies.schema import Dispositif, Policy

__all__ = ["cohorte_par_defaut"]


def _h(valeur: Any, raison: str) -> dict[str, Any]:
    return {"versions": [{"valeur": valeur, "hypothese": True, "raison": raison}]}


def _arrivees(ident: str, dispositif: Dispositif, jour: date) -> tuple[float, str]:
    cap = dispositif.capacite
    if cap.personnes_par_an is not None and cap.personnes_par_an.version_au(jour) is not None:
        return float(cap.personnes_par_an.au(jour)), "capacite.personnes_par_an de la politique"
    regles = ReglesDatees(ident, dispositif)
    # the rules in force on ``jour``, or at the opening when it is later
    au = regles.au(jour) or regles.fenetres[0]
    places: float | None = None
    if au.places is not None:
        places = float(au.places)
    elif au.etp is not None and au.portefeuille is not None:
        places = float(au.etp) * float(au.portefeuille)
    if places is not None:
        return places * 12 / 9, "places renouvelées tous les 9 mois en moyenne (hypothèse du simulateur)"
    return 100.0, "aucune capacité dans la politique : 100 arrivées par an (hypothèse du simulateur)"


def cohorte_par_defaut(policy: Policy, jour: date) -> Cohorte:
    """One generic cohort model per dispositif of ``policy`` (values in force on ``jour``)."""
    dispositifs: dict[str, Any] = {}
    for ident, dispositif in policy.dispositifs.items():
        motifs = list(dispositif.motifs_sortie)
        if not motifs:
            raise PolicyError(
                f"dispositif « {ident} » : aucun motif de sortie déclaré, impossible de simuler ses "
                "sorties sans modèle de cohorte (policies/cohortes/<politique>.yaml)"
            )
        par_an, raison = _arrivees(ident, dispositif, jour)
        sorties: dict[str, Any] = {
            "en_cours_de_periode": _h(0.3, "part des personnes qui sortent au cours d'une période de CER"),
            "au_bilan": _h(
                0.5, "part des personnes qui sortent au bilan quand un renouvellement est possible"
            ),
            "motifs": {m: _h(1 / len(motifs), "motifs également répartis faute de données") for m in motifs},
        }
        if "reorientation" in dispositif.etapes:
            sorties["reorientation"] = _h(0.1, "une sortie sur dix est une réorientation")
        dispositifs[ident] = {
            "arrivees": {"flux": {"arrivees": {"par_an": _h(par_an, raison)}}},
            "sorties": sorties,
        }
    return Cohorte.model_validate(
        {"politique": policy.nom, "libelle": "modèle de cohorte générique", "dispositifs": dispositifs}
    )
