"""Fixtures of the alert tests: a policy with one rule of each kind (politique_alertes.yaml)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from parcours.engine import Engine
from parcours.policies import Policy, load_policy

POLITIQUE = Path(__file__).with_name("politique_alertes.yaml")


@pytest.fixture(scope="session")
def policy() -> Policy:
    return load_policy(str(POLITIQUE))


@pytest.fixture
def engine(policy: Policy) -> Engine:
    return Engine(policy)


Ev = Callable[..., dict[str, Any]]


def ev(dossier: str, jour: Any, evenement: str, **extra: Any) -> dict[str, Any]:
    """``ev("a", date(2017, 1, 10), "demarrage", dispositif="global")`` → an event dict."""
    texte = jour if isinstance(jour, str) else jour.isoformat()
    return {"dossier": dossier, "date": texte, "evenement": evenement, **extra}
