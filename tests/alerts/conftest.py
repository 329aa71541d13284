"""Fixtures of the alert tests: a policy with one rule of each kind (politique_alertes.yaml)."""

from __future__ import annotations

import pytest
from alertes_aides import POLITIQUE

from parcours.engine import Engine
from parcours.policies import Policy, load_policy


@pytest.fixture(scope="session")
def policy() -> Policy:
    return load_policy(str(POLITIQUE))


@pytest.fixture
def engine(policy: Policy) -> Engine:
    return Engine(policy)
