"""The kernel's events: the journal format, per-dossier order, and the aggregates they imply."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from parcours.errors import UsageError
from parcours.policies import Policy
from parcours.policies.cohort import Cohorte
from parcours.simulation import Simulation, simulate

DU = date(2017, 1, 1)
AU = date(2018, 12, 31)
VOCABULAIRE = {
    "reperage", "prescription", "diagnostic", "demarrage", "entretien", "cer_signe", "bilan",
    "renouvellement", "sortie", "reorientation",
}  # fmt: skip
CLES = {"dossier", "date", "evenement", "dispositif", "profil", "presence", "motif"}


@pytest.fixture(scope="module")
def sim(politique: Policy, cohorte: Cohorte) -> Simulation:
    return simulate(politique, cohorte, du=DU, au=AU, seed=4)


@pytest.fixture(scope="module")
def events(sim: Simulation) -> list[dict[str, Any]]:
    return list(sim.events())


def test_format(events: list[dict[str, Any]], politique: Policy) -> None:
    assert events
    for e in events:
        assert set(e) <= CLES
        assert e["evenement"] in VOCABULAIRE
        assert e["dispositif"] in politique.dispositifs
        date.fromisoformat(e["date"])
        if e["evenement"] == "entretien":
            assert e["presence"] in ("present", "absent")
        if e["evenement"] == "sortie":
            assert e["motif"] in politique.dispositifs[e["dispositif"]].motifs_sortie


def test_global_date_order_and_first_events(events: list[dict[str, Any]]) -> None:
    dates = [e["date"] for e in events]
    assert dates == sorted(dates)
    seen: set[str] = set()
    for e in events:
        if e["dossier"] not in seen:
            seen.add(e["dossier"])
            assert e["evenement"] in ("reperage", "prescription")
            if e["dispositif"] == "global":
                assert set(e["profil"]) == {"sexe", "tranche_age"}
        else:
            assert "profil" not in e
    assert max(dates) <= AU.isoformat()


def _sequences(events: list[dict[str, Any]]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for e in events:
        out.setdefault(e["dossier"], []).append(e["evenement"])
    return out


def test_each_dossier_follows_its_track(events: list[dict[str, Any]], politique: Policy) -> None:
    """The transitions the engine allows (engine/machine.py's topology), checked by hand."""
    by_dossier: dict[str, str] = {e["dossier"]: e["dispositif"] for e in events}
    for dossier, seq in _sequences(events).items():
        etapes = politique.dispositifs[by_dossier[dossier]].etapes
        state = "nouveau"
        avant = [s for s in ("reperage", "prescription", "diagnostic") if
                 (s if s != "diagnostic" else "diagnostic_partage") in etapes]  # fmt: skip
        for evt in seq:
            if evt in avant:
                assert state == "nouveau" or avant.index(evt) == avant.index(state) + 1, (dossier, seq)
                state = evt
            elif evt == "demarrage":
                assert state in ("nouveau", avant[-1] if avant else "nouveau"), (dossier, seq)
                state = "demarrage"
            elif evt in ("entretien", "cer_signe"):
                assert state in ("demarrage", "bilan"), (dossier, seq)
            elif evt == "bilan":
                assert state == "demarrage", (dossier, seq)
                state = "bilan"
            elif evt == "renouvellement":
                assert state == ("bilan" if "bilan" in etapes else "demarrage"), (dossier, seq)
                state = "demarrage"
            else:
                assert evt in etapes and state not in ("nouveau", "sortie", "reorientation"), (dossier, seq)
                state = evt


def _recount(events: list[dict[str, Any]], du: str, au: str, positifs: set[str]) -> dict[str, Any]:
    start: dict[str, str] = {}
    end: dict[str, tuple[str, str]] = {}
    for e in events:
        if e["evenement"] == "demarrage":
            start.setdefault(e["dossier"], e["date"])
        elif e["evenement"] in ("sortie", "reorientation"):
            end[e["dossier"]] = (e["date"], e.get("motif", "reorientation"))
    acc = exits = still = positives = days = 0
    motifs: dict[str, int] = {}
    for dossier, s in start.items():
        if s > au:
            continue
        e = end.get(dossier)
        if e is not None and e[0] < du:
            continue
        acc += 1
        if e is not None and e[0] <= au:
            exits += 1
            motifs[e[1]] = motifs.get(e[1], 0) + 1
            positives += e[1] in positifs
            days += (date.fromisoformat(e[0]) - date.fromisoformat(s)).days
        else:
            still += 1
    return {
        "accompagnees": acc,
        "sorties": exits,
        "encore_suivies_au_31_12": still,
        "sorties_par_motif": dict(sorted(motifs.items())),
        "taux_sorties_positives": positives / exits,
        "duree_moyenne_mois": days / exits / (365.25 / 12),
    }


@pytest.mark.parametrize(("du", "au"), [(DU, AU), (date(2018, 1, 1), AU), (DU, date(2017, 6, 30))])
def test_aggregates_equal_a_recount_of_the_events(
    sim: Simulation, events: list[dict[str, Any]], politique: Policy, du: date, au: date
) -> None:
    positifs = {m for d in politique.dispositifs.values() for m in d.motifs_positifs()}
    mine = sim.aggregates(du, au)
    theirs = _recount(events, du.isoformat(), au.isoformat(), positifs)
    assert mine["accompagnees"] == mine["sorties"] + mine["encore_suivies_au_31_12"]
    for key, value in theirs.items():
        assert mine[key] == pytest.approx(value), key


def test_journal_and_frame(sim: Simulation, tmp_path: Path) -> None:
    path = tmp_path / "sim.jsonl"
    n = sim.write_journal(path)
    lines = path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == n
    assert json.loads(lines[0])["dossier"]
    frame = sim.to_frame()
    assert len(frame) == sum(t.n for t in sim.trajectoires.values())
    done = frame.dropna(subset=["sortie"])
    assert (done["sortie"] >= done["demarrage"]).all()
    assert set(frame["sexe"].dropna().unique()) <= {"homme", "femme"}


def test_events_need_evenements_true(politique: Policy, cohorte: Cohorte) -> None:
    sim = simulate(politique, cohorte, du=DU, au=AU, evenements=False)
    with pytest.raises(
        UsageError,
        match=r"^simulation lancée sans ses événements : relancez avec evenements=True$",
    ):
        next(iter(sim.events()))
