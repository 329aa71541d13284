"""Fixtures of the reports tests: the test policies of seeds 002 and 004."""

from __future__ import annotations

import pytest
from reports_builders import policy_002, policy_004

from parcours.policies import Policy


@pytest.fixture(scope="session")
def pol002() -> Policy:
    return policy_002()


@pytest.fixture(scope="session")
def pol004() -> Policy:
    return policy_004()
