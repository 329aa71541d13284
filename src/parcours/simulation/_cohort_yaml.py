"""Write a cohort model as YAML, in the written forms of the language (what calibrer writes).

Shares are written as French percentages (« 18,73 % »), durations as « 7 jours », each value
with its source, ``hypothese`` and ``raison``; the same model always gives the same text, and
reading the text back gives the same model (origins aside).
"""

from __future__ import annotations

from typing import Any

import yaml
from pydantic import BaseModel

from parcours.policies.cohort import Cohorte
from parcours.policies.dump import param_data
from parcours.policies.durations import Duree
from parcours.policies.values import Param, Taux

__all__ = ["cohort_text"]


def _est_taux(param: Param[Any]) -> bool:
    arguments = type(param).__pydantic_generic_metadata__.get("args", ())
    return bool(arguments) and arguments[0] == Taux


def _nombre(valeur: Any, taux: bool) -> Any:
    if isinstance(valeur, Duree):
        return str(valeur)
    if taux and isinstance(valeur, float):
        texte = f"{round(valeur * 100, 2):.2f}".rstrip("0").rstrip(".")
        return f"{texte} %".replace(".", ",")
    if isinstance(valeur, float):
        return round(valeur, 4)
    return valeur


def _noeud(node: Any) -> Any:
    if isinstance(node, Param):
        taux = _est_taux(node)
        return param_data(node, lambda valeur: _nombre(valeur, taux))
    if isinstance(node, BaseModel):
        out: dict[str, Any] = {}
        for name, info in type(node).model_fields.items():
            value = getattr(node, name)
            if value is None or value == info.get_default(call_default_factory=True):
                continue
            out[name] = _noeud(value)
        return out
    if isinstance(node, dict):
        return {key: _noeud(value) for key, value in node.items()}
    if isinstance(node, tuple | list):
        return [_noeud(v) for v in node]
    return _nombre(node, False)


class _Dumper(yaml.SafeDumper):
    """Block style, but short records (a source, a published cell) on one line; no aliases."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _dict(dumper: yaml.SafeDumper, data: dict[Any, Any]) -> yaml.Node:
    court = (
        all(not isinstance(v, dict | list) for v in data.values())
        and "raison" not in data
        and len(str(data)) < 150
    )
    return dumper.represent_mapping("tag:yaml.org,2002:map", data.items(), flow_style=court)


_Dumper.add_representer(dict, _dict)


def cohort_text(cohorte: Cohorte, entete: str) -> str:
    """The YAML text of ``cohorte``, after ``entete`` written as comment lines."""
    commentaire = "".join(f"# {ligne}".rstrip() + "\n" for ligne in entete.splitlines())
    corps: str = yaml.dump(_noeud(cohorte), Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=120)
    return commentaire + "\n" + corps
