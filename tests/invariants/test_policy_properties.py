"""Properties 1 and 2 of docs/invariants.md: loading generated policies, and dates of effect."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import jsonschema
from hypothesis import given
from hypothesis import strategies as st

from parcours import PolicyError, load_policy_text
from parcours.policies.dump import dump_policy
from parcours.policies.jsonschema import policy_json_schema
from parcours.policies.versions import iter_params
from parcours.testing import CasInvalide, CasPolitique, politiques_invalides, politiques_valides

VALIDATOR = jsonschema.Draft202012Validator(policy_json_schema())


def _json(value: Any) -> Any:
    if isinstance(value, dict):
        return {(k.isoformat() if isinstance(k, date) else k): _json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json(v) for v in value]
    return value.isoformat() if isinstance(value, date) else value


def _without_origins(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_origins(v) for k, v in value.items() if k != "origine"}
    if isinstance(value, list | tuple):
        return [_without_origins(v) for v in value]
    return value


@given(politiques_valides())
def test_generated_valid_policy_loads_and_passes_the_schema(cas: CasPolitique) -> None:
    policy = cas.charger()
    assert set(policy.dispositifs) == set(cas.donnees["dispositifs"])
    assert not list(VALIDATOR.iter_errors(_json(cas.donnees)))


@given(politiques_invalides())
def test_mutated_policy_is_rejected_at_the_mutated_line(cas: CasInvalide) -> None:
    try:
        load_policy_text(cas.texte, cas.fichier)
    except PolicyError as exc:
        lines = {p.ligne for p in exc.problems}
        assert cas.ligne in lines, (cas.mutation, str(exc))
        assert cas.fragment in str(exc)
        assert f"{cas.fichier}:{cas.ligne}:" in str(exc)
    else:
        raise AssertionError(f"mutation {cas.mutation} acceptée")


@given(politiques_valides())
def test_load_dump_load_is_identity(cas: CasPolitique) -> None:
    first = cas.charger()
    second = load_policy_text(dump_policy(first), "relue.yaml")
    assert _without_origins(second.model_dump()) == _without_origins(first.model_dump())


@given(politiques_valides(), st.data())
def test_policy_at_is_piecewise_constant_and_changes_only_at_date_keys(
    cas: CasPolitique, data: st.DataObject
) -> None:
    policy = cas.charger()
    keys = policy.dates_effet()
    if not keys:
        assert policy.at(date(2000, 1, 1)) == policy.at(date(2040, 1, 1))
        return
    # Between two consecutive dates of effect, nothing changes.
    bounds = [*keys, keys[-1] + timedelta(days=400)]
    i = data.draw(st.integers(0, len(keys) - 1))
    start, end = bounds[i], bounds[i + 1]
    inside = data.draw(st.dates(start, end - timedelta(days=1)))
    assert policy.at(inside) == policy.at(start)
    # At each date of effect, some parameter takes a version dated exactly that day.
    day = keys[i]
    starting = [
        path
        for path, param in iter_params(policy)
        if (v := param.version_au(day)) is not None and v.debut == day
    ]
    assert starting
    # Before the first date of effect, every dated value is absent; undated ones stay.
    before = dict(iter_params(policy.at(keys[0] - timedelta(days=1))))
    for path, param in iter_params(policy):
        dated = all(v.debut is not None for v in param.versions)
        assert (before[path].versions == ()) == dated
