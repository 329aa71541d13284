"""Capacity: places in continuous flow, the waiting list, refusal, load per ETP."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from parcours.engine import Engine, JsonlJournal
from parcours.errors import TransitionError
from parcours.policies import Policy

Ev = Callable[..., dict[str, Any]]


def _remplir(engine: Engine, ev: Ev, n: int, jour: str = "2018-01-10") -> None:
    for i in range(n):
        engine.apply(ev(f"o{i}", jour, "demarrage", dispositif="global"))


def test_waiting_dossiers_are_served_in_order(policy: Policy, ev: Ev, tmp_path: Path) -> None:
    engine = Engine(policy, JsonlJournal(tmp_path / "j.jsonl"))
    _remplir(engine, ev, 3)  # 3 places in 2018
    attente = [
        engine.apply(ev(f"w{i}", "2018-01-11", "demarrage", dispositif="global", id=f"w{i}"))
        for i in range(3)
    ]
    assert [r.evenement for r in attente] == ["attente"] * 3
    assert engine.attente("global") == ["w0", "w1", "w2"]
    engine.apply(ev("w1", "2018-01-12", "sortie", motif="abandon"))  # leaves the list
    sortie = engine.apply(ev("o0", "2018-02-01", "sortie", motif="cdi"))
    assert sortie.generes == (
        {
            "dossier": "w0",
            "date": "2018-02-01",
            "evenement": "demarrage",
            "dispositif": "global",
            "genere": True,
        },
    )
    assert engine.dossier("w0").debut == date(2018, 2, 1)
    assert engine.attente("global") == ["w2"]
    engine.apply(ev("o1", "2018-02-02", "reorientation"))
    assert engine.dossier("w2").state == "demarrage"
    assert engine.etat_dispositif("global").occupes == 3
    engine.close()
    lines = [json.loads(x) for x in (tmp_path / "j.jsonl").read_text("utf-8").splitlines()]
    assert lines[3] == {
        "dossier": "w0",
        "date": "2018-01-11",
        "evenement": "attente",
        "dispositif": "global",
        "id": "w0",
    }
    assert [(x["dossier"], x["evenement"], x.get("genere")) for x in lines[-4:]] == [
        ("o0", "sortie", None),
        ("w0", "demarrage", True),
        ("o1", "reorientation", None),
        ("w2", "demarrage", True),
    ]


def test_a_waiting_dossier_cannot_start_by_itself(engine: Engine, ev: Ev) -> None:
    _remplir(engine, ev, 3)
    engine.apply(ev("w", "2018-01-11", "demarrage", dispositif="global"))
    with pytest.raises(
        TransitionError,
        match=r"^dossier w \(global, étape « attente »\) : « demarrage » n'est pas permis ici "
        r"\(permis : sortie, reorientation\)$",
    ) as info:
        engine.apply(ev("w", "2018-01-12", "demarrage"))
    assert info.value.etape == "attente" and info.value.autorises == ("sortie", "reorientation")


def test_refusal_when_the_policy_says_so(engine: Engine, ev: Ev) -> None:
    engine.apply(ev("s1", "2017-01-10", "demarrage", dispositif="social"))
    engine.apply(ev("s2", "2017-01-10", "demarrage", dispositif="social"))
    with pytest.raises(TransitionError, match=r"toutes les places sont prises \(2/2\)"):
        engine.apply(ev("s3", "2017-01-10", "demarrage", dispositif="social"))
    assert "s3" not in engine.dossiers


def test_more_places_in_a_new_version_serve_the_waiting_list(engine: Engine, ev: Ev) -> None:
    for i in range(4):
        engine.apply(ev(f"o{i}", "2017-06-01", "demarrage", dispositif="global"))
    engine.apply(ev("w", "2017-06-02", "demarrage", dispositif="global"))
    assert engine.attente("global") == ["w"]
    engine.apply(ev("o0", "2017-07-01", "sortie", motif="cdi"))  # 4 places in 2017: w starts
    assert engine.dossier("w").state == "demarrage"
    engine.apply(ev("o1", "2018-01-05", "sortie", motif="cdi"))  # 3 places in 2018: 3 open, full
    engine.apply(ev("x", "2018-01-06", "demarrage", dispositif="global"))
    assert engine.dossier("x").state == "attente"


def test_load_per_etp(engine: Engine, ev: Ev) -> None:
    _remplir(engine, ev, 3)
    engine.apply(ev("w", "2018-01-11", "demarrage", dispositif="global"))
    charge = engine.charge("global", date(2018, 2, 1))
    assert (charge.occupes, charge.en_attente, charge.places, charge.etp) == (3, 1, 3, 1.0)
    assert charge.par_etp == 3.0 and charge.taux_portefeuille == pytest.approx(0.03)
    assert engine.charge("global", date(2017, 6, 1)).places == 4
