"""The JSON Schema of the language accepts what the loader accepts and refuses typical mistakes."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from parcours.policies.bundled import bundled_names, find_bundled
from parcours.policies.jsonschema import policy_json_schema

HERE = Path(__file__).parent


def as_json(value: Any) -> Any:
    """YAML data as JSON would carry it (date keys and values become strings)."""
    if isinstance(value, dict):
        return {(k.isoformat() if isinstance(k, date) else str(k)): as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_json(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    schema = policy_json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


def test_schema_is_json_serialisable() -> None:
    text = json.dumps(policy_json_schema(), ensure_ascii=False)
    assert "rythme_entretiens" in text and "motifs_sortie" in text


def test_minimal_and_bundled_policies_pass(validator: jsonschema.Draft202012Validator) -> None:
    documents = [HERE / "valid_minimal.yaml"]
    names = bundled_names()
    assert {"moselle", "meurthe_et_moselle", "seine_saint_denis"} <= set(names)
    for name in names:
        found = find_bundled(name)
        assert found is not None
        documents.append(Path(str(found)))
    for path in documents:
        data = as_json(yaml.safe_load(path.read_text(encoding="utf-8")))
        errors = list(validator.iter_errors(data))
        assert not errors, f"{path}: {errors[0].message} at {list(errors[0].absolute_path)}"


@pytest.mark.parametrize(
    "name",
    [
        "cle_inconnue.yaml",
        "etape_inconnue.yaml",
        "duree_invalide.yaml",
        "source_cle_inconnue.yaml",
        "dates_melangees.yaml",
        "taux_invalide.yaml",
        "entier_invalide.yaml",
    ],
)
def test_invalid_files_are_refused_by_the_schema(
    validator: jsonschema.Draft202012Validator, name: str
) -> None:
    data = as_json(yaml.safe_load((HERE / "invalid" / name).read_text(encoding="utf-8")))
    assert list(validator.iter_errors(data))


def test_committed_schema_file_is_current() -> None:
    """policies/parcours.schema.json, which the bundled files name for editors, is up to date."""
    committed = json.loads(
        (HERE.parents[1] / "policies" / "parcours.schema.json").read_text(encoding="utf-8")
    )
    assert committed == policy_json_schema(), "régénérez-le : parcours schema > policies/parcours.schema.json"
