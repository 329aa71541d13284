"""Policy variants for scenarios: the same policy with a few values changed.

    >>> quinze = variant(policy, {"dispositifs.global.rythme_entretiens.intervalle_max": "15 jours"})

Each changed value replaces every dated version of that parameter by one assumption
(``hypothese: true``, raison « variante de scénario »); the result is validated as a policy.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from parcours.errors import PolicyError
from parcours.policies.schema import Policy

__all__ = ["variant"]


def variant(policy: Policy, changements: Mapping[str, Any]) -> Policy:
    """``policy`` with the values at the given dotted key paths replaced."""
    data = policy.model_dump()
    for chemin, valeur in changements.items():
        parts = chemin.split(".")
        node: Any = data
        for part in parts[:-1]:
            if not isinstance(node, dict) or part not in node:
                raise PolicyError(f"variante : clé « {chemin} » introuvable dans la politique {policy.nom}")
            node = node[part]
            if node is None:
                raise PolicyError(f"variante : « {chemin} » n'est pas défini dans la politique {policy.nom}")
        if not isinstance(node, dict):
            raise PolicyError(f"variante : clé « {chemin} » introuvable dans la politique {policy.nom}")
        node[parts[-1]] = {
            "versions": [{"valeur": valeur, "hypothese": True, "raison": f"variante de scénario : {chemin}"}]
        }
    try:
        result = Policy.model_validate(data)
    except ValidationError as exc:
        raise PolicyError(f"variante invalide : {exc.errors()[0]['msg']}") from exc
    result._fichier = policy.fichier
    result._nom = policy.nom
    return result
