"""Fixtures of the simulation tests: a small policy and cohort shaped like the seeds."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from parcours.policies import Policy, load_policy
from parcours.policies.cohort import Cohorte, load_cohorte

ICI = Path(__file__).parent
DU = date(2017, 1, 1)
AU = date(2018, 12, 31)


@pytest.fixture(scope="session")
def politique() -> Policy:
    return load_policy(ICI / "politique_test.yaml")


@pytest.fixture(scope="session")
def cohorte() -> Cohorte:
    return load_cohorte(ICI / "cohorte_test.yaml")
