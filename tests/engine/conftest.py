"""Fixtures of the engine tests: a small policy (two dispositifs) and event helpers."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from parcours.engine import Engine
from parcours.policies import Policy, load_policy

POLITIQUE = Path(__file__).with_name("politique_test.yaml")


@pytest.fixture(scope="session")
def policy() -> Policy:
    return load_policy(str(POLITIQUE))


@pytest.fixture
def engine(policy: Policy) -> Engine:
    return Engine(policy)


Ev = Callable[..., dict[str, Any]]


@pytest.fixture
def ev() -> Ev:
    """``ev("a", "2017-01-10", "demarrage", dispositif="global")`` → an event dict."""

    def make(dossier: str, jour: str, evenement: str, **extra: Any) -> dict[str, Any]:
        return {"dossier": dossier, "date": jour, "evenement": evenement, **extra}

    return make


@pytest.fixture
def parcours(ev: Ev) -> Callable[..., list[dict[str, Any]]]:
    """``parcours("a")``: a whole parcours in ``global``, repérage to a CDI exit, with a renewal."""
    return lambda dossier="a": _parcours_complet(ev, dossier)


def _parcours_complet(ev: Ev, dossier: str) -> list[dict[str, Any]]:
    return [
        ev(dossier, "2017-01-02", "reperage", dispositif="global", id=f"{dossier}1", profil={"sexe": "F"}),
        ev(dossier, "2017-01-05", "prescription", id=f"{dossier}2"),
        ev(dossier, "2017-01-09", "diagnostic", id=f"{dossier}3"),
        ev(dossier, "2017-01-10", "demarrage", id=f"{dossier}4"),
        ev(dossier, "2017-01-12", "cer_signe", id=f"{dossier}5"),
        ev(dossier, "2017-01-24", "entretien", presence="present", id=f"{dossier}6"),
        ev(dossier, "2017-02-20", "entretien", presence="absent", id=f"{dossier}7"),
        ev(dossier, "2017-07-10", "bilan", id=f"{dossier}8"),
        ev(dossier, "2017-07-10", "renouvellement", id=f"{dossier}9"),
        ev(dossier, "2017-08-01", "entretien", id=f"{dossier}10"),
        ev(dossier, "2017-10-10", "bilan", id=f"{dossier}11"),
        ev(dossier, "2017-10-12", "sortie", motif="cdi", id=f"{dossier}12"),
    ]
