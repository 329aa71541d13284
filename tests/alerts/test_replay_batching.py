"""Alerts are a function of the events: replay gives them again, batching does not change them."""

from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from alertes_aides import ev
from hypothesis import given, settings
from hypothesis import strategies as st

from parcours.engine import Engine, JsonlJournal
from parcours.policies import Policy


def flux(graine: int, dossiers: int = 12) -> list[dict[str, Any]]:
    """A random stream in date order: démarrages, interviews (some missed), bilans, exits."""
    hasard = random.Random(graine)
    jour = date(2017, 1, 2)
    ouverts: dict[str, str] = {}
    events: list[dict[str, Any]] = []
    suivant = 0
    while suivant < dossiers or ouverts:
        jour += timedelta(days=hasard.choice([0, 1, 3, 9, 20]))
        if suivant < dossiers and hasard.random() < 0.3:
            ident = f"d{suivant}"
            suivant += 1
            events.append(ev(ident, jour, "prescription", dispositif="global"))
            events.append(ev(ident, jour, "demarrage"))
            ouverts[ident] = "demarrage"
            continue
        if not ouverts:
            continue
        ident = hasard.choice(sorted(ouverts))
        tirage = hasard.random()
        if tirage < 0.6:
            events.append(ev(ident, jour, "entretien", presence=hasard.choice(["present", "absent"])))
        elif tirage < 0.75 and ouverts[ident] == "demarrage":
            events.append(ev(ident, jour, "bilan"))
            ouverts[ident] = "bilan"
        else:
            events.append(ev(ident, jour, "sortie", motif=hasard.choice(["cdi", "abandon"])))
            del ouverts[ident]
    return events


def _cles(engine: Engine) -> list[dict[str, Any]]:
    return [a.to_event() for a in engine.alertes()]


@settings(max_examples=25)
@given(graine=st.integers(0, 10_000), lot=st.integers(1, 40), avancer=st.booleans())
def test_the_alert_set_does_not_depend_on_batching(
    policy: Policy, graine: int, lot: int, avancer: bool
) -> None:
    events = flux(graine)
    fin = date.fromisoformat(events[-1]["date"]) + timedelta(days=400)
    un_par_un = Engine(policy)
    for event in events:
        un_par_un.apply(event)
    un_par_un.advance(fin)
    par_lots = Engine(policy, batch=lot)
    for debut in range(0, len(events), lot):
        tranche = events[debut : debut + lot]
        par_lots.apply_many(tranche)
        if avancer:  # moving the clock between batches, up to the batch's last date, changes nothing
            par_lots.advance(date.fromisoformat(tranche[-1]["date"]))
    par_lots.advance(fin)
    assert _cles(un_par_un) == _cles(par_lots)
    assert _cles(un_par_un)  # the streams do raise alerts


@settings(max_examples=10)
@given(graine=st.integers(0, 10_000))
def test_replayed_alerts_equal_live_alerts(policy: Policy, graine: int, tmp_path_factory: Any) -> None:
    chemin: Path = tmp_path_factory.mktemp("j") / "journal.jsonl"
    events = flux(graine)
    live = Engine(policy, journal=chemin)
    live.apply_many(events)
    live.advance(date.fromisoformat(events[-1]["date"]) + timedelta(days=200))
    live.close()
    with JsonlJournal(chemin) as journal:
        lignes = [e for _, e in journal.read() if e["evenement"] == "alerte"]
        rejoue = Engine.replay(policy, journal)
    assert lignes == _cles(live)
    assert _cles(rejoue) == _cles(live)
    assert rejoue.avertissements == []
    assert rejoue.clock is not None


def test_replay_continues_like_the_live_engine(policy: Policy, tmp_path: Path) -> None:
    events = flux(7)
    moitie = len(events) // 2
    reference = Engine(policy)
    reference.apply_many(events)
    chemin = tmp_path / "journal.jsonl"
    premier = Engine(policy, journal=chemin)
    premier.apply_many(events[:moitie])
    premier.close()
    suite = Engine.replay(policy, JsonlJournal(chemin), continuer=True)
    suite.apply_many(events[moitie:])
    assert _cles(suite) == _cles(reference)


def test_a_journaled_alert_the_policy_no_longer_raises_is_kept_with_a_warning(
    policy: Policy, tmp_path: Path
) -> None:
    chemin = tmp_path / "journal.jsonl"
    engine = Engine(policy, journal=chemin)
    engine.apply_many(flux(3)[:6])
    engine.close()
    ligne = {
        "dossier": "x",
        "date": "2017-01-02",
        "evenement": "alerte",
        "dispositif": "global",
        "alerte": "ancienne_regle",
        "niveau": "info",
        "message": "retirée de la politique",
        "regle": "ancienne.yaml:3",
        "genere": True,
    }
    texte = chemin.read_text(encoding="utf-8").splitlines(keepends=True)
    import json

    texte.insert(2, json.dumps(ligne, ensure_ascii=False) + "\n")
    chemin.write_text("".join(texte), encoding="utf-8")
    rejoue = Engine.replay(policy, JsonlJournal(chemin))
    assert [a.alerte for a in rejoue.alertes()].count("ancienne_regle") == 1
    assert "ancienne_regle" in str(rejoue.avertissements[0])
