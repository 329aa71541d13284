"""Property 10 for the droits et devoirs track: the reports set aside exactly the lines of the
track that the engine's replay sets aside, with the same reasons, and count what the replayed
engine holds — for streams of national events drawn at random (valid, out of order, with
values the texts or the format refuse), mixed with accompaniment lines of the same dossiers.
"""

from __future__ import annotations

import json
import tempfile
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from parcours import Engine, load_policy
from parcours.reports import bilan, read_journal

POLICY = load_policy("meurthe_et_moselle")
_DEBUT = date(2024, 10, 1)

_CLES: dict[str, st.SearchStrategy[dict[str, Any]]] = {
    "ouverture_droit": st.just({}),
    "orientation": st.fixed_dictionaries(
        {
            "parcours": st.sampled_from(["professionnel", "socio_professionnel", "social", "sociale"]),
            "organisme": st.sampled_from(["france_travail", "departement", "lunevillois", "inconnu"]),
        }
    ),
    "contrat_engagement": st.fixed_dictionaries(
        {"heures_hebdomadaires": st.sampled_from([0, 10, 15, 20, 40, "15"])},
        optional={"dispense": st.sampled_from(["sante", "situation_individuelle", "sant"])},
    ),
    "activite": st.fixed_dictionaries(
        {
            "semaine": st.sampled_from(["2025-W02", "2025-W30", "2025-W60"]),
            "heures": st.sampled_from([5, 15, -1]),
        }
    ),
    "reexamen": st.fixed_dictionaries(
        {}, optional={"difficultes": st.sampled_from([["sante"], ["x"], "sante"])}
    ),
    "manquement": st.fixed_dictionaries(
        {}, optional={"nature": st.sampled_from(["refus_contrat", "absence"])}
    ),
    "observations": st.just({}),
    "sanction": st.fixed_dictionaries(
        {
            "taux": st.sampled_from([20, 30, 60, 100, "30 %", "beaucoup"]),
            "mois": st.sampled_from([1, 2, 3, 5]),
        },
        optional={"foyer_plusieurs_personnes": st.booleans()},
    ),
    "remobilisation": st.just({}),
}


@st.composite
def _ligne(draw: st.DrawFn, dossier: str) -> dict[str, Any]:
    nom = draw(st.sampled_from(sorted(_CLES)))
    jour = _DEBUT + timedelta(days=draw(st.integers(0, 700)))
    ev: dict[str, Any] = {"dossier": dossier, "date": jour.isoformat(), "evenement": nom, **draw(_CLES[nom])}
    if draw(st.integers(0, 9)) == 0:
        ev["dispositif"] = draw(st.sampled_from(["lunevillois", "dom", "atlantide"]))
    if draw(st.integers(0, 9)) == 0:
        ev["id"] = draw(st.sampled_from(["a", "b"]))
    if draw(st.integers(0, 19)) == 0:
        ev["presence"] = "present"  # a key of an accompaniment, not of the track
    return ev


@st.composite
def _journal(draw: st.DrawFn) -> list[str]:
    lignes: list[dict[str, Any]] = []
    for k in range(draw(st.integers(1, 4))):
        dossier = f"D{k}"
        suite = draw(st.lists(_ligne(dossier), min_size=1, max_size=14))
        if draw(st.booleans()):  # mostly in date order, as a journal is
            suite.sort(key=lambda ev: ev["date"])
        if draw(st.booleans()):
            suite.insert(
                0,
                {
                    "dossier": dossier,
                    "date": "2025-01-02",
                    "evenement": "prescription",
                    "dispositif": "lunevillois",
                },
            )
        lignes.extend(suite)
    return [json.dumps(ev, ensure_ascii=False) for ev in lignes]


@settings(max_examples=max(10, settings.default.max_examples // 5), deadline=None)
@given(_journal())
def test_reports_set_aside_what_the_replay_sets_aside_for_the_track(lignes: list[str]) -> None:
    with tempfile.TemporaryDirectory() as dossier:
        chemin = Path(dossier) / "journal.jsonl"
        chemin.write_text("\n".join(lignes) + "\n", encoding="utf-8")
        rejoue = Engine.replay(POLICY, chemin, ecarter=True)
        lu = read_journal(chemin, POLICY)
        assert [(e.numero, e.message) for e in lu.problemes(None)] == [
            (e.numero, e.message) for e in rejoue.lignes_ecartees
        ]
        d = bilan(lu, POLICY, du=date(1990, 1, 1), au=date(2060, 12, 31)).to_dict()
        suivis = rejoue.droits.values()
        assert d["sanctions"] == sum(len(s.sanctions) for s in suivis)
        assert d["contrats_engagement"] == sum(s.contrats for s in suivis)
        assert d["orientes"] == sum(1 for s in suivis if s.orientations)
        lu.close()
