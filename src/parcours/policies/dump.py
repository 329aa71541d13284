"""Write a policy back as YAML, in the written forms of the language.

The dump is the effective policy: inheritance and ``defauts`` are already applied, so the
result stands alone. Loading the dump gives back an equal policy (origins aside).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import yaml
from pydantic import BaseModel

from parcours._french import format_pourcentage
from parcours.policies.durations import Duree
from parcours.policies.schema import Policy
from parcours.policies.values import Param, Pourcentage, Version

__all__ = ["dump_policy", "param_data", "policy_to_data", "version_data"]


def _value(value: Any) -> Any:
    if isinstance(value, Duree):
        return str(value)
    if isinstance(value, Pourcentage):
        return format_pourcentage(value)  # « 95 % », read back to the same fraction
    if isinstance(value, tuple | list):
        return [_value(v) for v in value]
    return value


def version_data(version: Version[Any], valeur: Any) -> Any:
    """One version as the language writes it: the bare value, or a mapping with its source,
    ``hypothese`` and ``raison`` when it has any."""
    if version.source is None and not version.hypothese and version.raison is None:
        return valeur
    out: dict[str, Any] = {"valeur": valeur}
    if version.source is not None:
        out["source"] = version.source.model_dump(exclude_none=True)
    if version.hypothese:
        out["hypothese"] = True
    if version.raison is not None:
        out["raison"] = version.raison
    return out


def param_data(param: Param[Any], ecrire: Callable[[Any], Any]) -> Any:
    """A parameter as the language writes it, each value written by ``ecrire``: one version
    without a date as itself, dated versions as a mapping from their dates."""
    versions = param.versions
    if len(versions) == 1 and versions[0].debut is None:
        return version_data(versions[0], ecrire(versions[0].valeur))
    out: dict[date, Any] = {}
    for version in versions:
        assert version.debut is not None, "a dated parameter has a date on every version"
        out[version.debut] = version_data(version, ecrire(version.valeur))
    return out


def _node(node: Any) -> Any:
    if isinstance(node, Param):
        return param_data(node, _value)
    if isinstance(node, BaseModel):
        out: dict[str, Any] = {}
        for name, field in type(node).model_fields.items():
            value = getattr(node, name)
            if name in ("defauts", "herite") or value is None:
                continue
            if value == field.get_default(call_default_factory=True):
                continue
            out[name] = _node(value)
        return out
    if isinstance(node, dict):
        return {key: _node(value) for key, value in node.items()}
    return _value(node)


def policy_to_data(policy: Policy) -> dict[str, Any]:
    """The effective policy as plain YAML-ready data."""
    data: dict[str, Any] = _node(policy)
    data.setdefault("dispositifs", {})
    return data


def dump_policy(policy: Policy) -> str:
    """The effective policy as YAML text that loads back to an equal policy."""
    return yaml.safe_dump(policy_to_data(policy), allow_unicode=True, sort_keys=False, width=100)
