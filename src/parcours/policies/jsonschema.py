"""A JSON Schema of the policy language as it is written (not as it is stored).

Editors use it through a ``# yaml-language-server: $schema=...`` comment. Parameters are
described in their three written forms (plain value, ``{valeur, source, ...}``, date-keyed).
"""

from __future__ import annotations

import copy
from typing import Any

from parcours.policies.schema import Policy

__all__ = ["policy_json_schema"]

_DATE_KEY = r"^\d{4}-\d{2}-\d{2}$"


def _written_forms(value_schema: dict[str, Any]) -> dict[str, Any]:
    wrapper = {
        "type": "object",
        "properties": {
            "valeur": value_schema,
            "source": {"$ref": "#/$defs/Source"},
            "hypothese": {"type": "boolean"},
            "raison": {"type": "string"},
        },
        "required": ["valeur"],
        "additionalProperties": False,
    }
    one_value = {"anyOf": [value_schema, wrapper]}
    dated = {
        "type": "object",
        "patternProperties": {_DATE_KEY: one_value},
        "additionalProperties": False,
        "minProperties": 1,
        "description": "valeurs datées : chaque clé AAAA-MM-JJ est la date d'effet",
    }
    return {"anyOf": [value_schema, wrapper, dated]}


def policy_json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a policy file."""
    schema = Policy.model_json_schema(mode="validation")
    defs: dict[str, Any] = schema["$defs"]
    for name in [n for n in defs if n.startswith("Param_")]:
        version = defs.pop("Version_" + name[len("Param_") :])
        value_schema = copy.deepcopy(version["properties"]["valeur"])
        value_schema.pop("title", None)
        defs[name] = _written_forms(value_schema)
    defs.pop("Origine", None)
    for definition in defs.values():
        # Model docstrings are written for developers; the editor shows French field texts.
        definition.pop("description", None)
    # A dispositif may take keys from ``defauts`` and a policy from the one it ``herite``s:
    # neither can require its keys in the file itself (the loader checks the merged result).
    defs["Dispositif"].pop("required", None)
    schema.pop("required", None)
    # ``defauts`` takes the keys of a dispositif, none of them required.
    partial = copy.deepcopy(defs["Dispositif"])
    partial.pop("required", None)
    partial["description"] = "valeurs communes à tous les dispositifs"
    defs["DispositifDefauts"] = partial
    schema["properties"]["defauts"] = {"$ref": "#/$defs/DispositifDefauts"}
    # Date keys are written as YAML dates; in JSON they are strings.
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "Politique parcours"
    return schema
