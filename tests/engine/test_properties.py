"""Properties over random event streams: refusals change nothing; replay equals the live engine."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parcours.engine import Engine, JsonlJournal
from parcours.errors import TransitionError
from parcours.policies import Policy
from parcours.vocabulary import EVENEMENTS

_EVENT = st.tuples(
    st.sampled_from(["a", "b", "c", "d", "e", "f"]),
    st.integers(0, 40),
    st.sampled_from(EVENEMENTS),
    st.sampled_from(["global", "social"]),
    st.sampled_from(["cdi", "abandon"]),
    st.integers(0, 30),
)


def _event(spec: tuple[str, int, str, str, str, int], jour: date) -> dict[str, Any]:
    dossier, _, evenement, dispositif, motif, cle = spec
    event: dict[str, Any] = {"dossier": dossier, "date": jour.isoformat(), "evenement": evenement}
    event.update(dispositif=dispositif, id=f"{dossier}-{cle}")
    if evenement == "sortie":
        event["motif"] = motif
    return event


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(_EVENT, max_size=60))
def test_random_streams_replay_to_the_live_state(policy: Policy, tmp_path: Path, specs: list[Any]) -> None:
    chemin = tmp_path / f"j{abs(hash(tuple(specs)))}.jsonl"
    live = Engine(policy, JsonlJournal(chemin))
    jour = date(2017, 12, 1)
    for spec in specs:
        jour += timedelta(days=spec[1])
        event = _event(spec, jour)
        before = {k: d.champs() for k, d in live.dossiers.items()}
        try:
            live.apply(event)
        except TransitionError:
            assert {k: d.champs() for k, d in live.dossiers.items()} == before
    live.close()
    replayed = Engine.replay(policy, JsonlJournal(chemin))
    assert {k: d.champs() for k, d in replayed.dossiers.items()} == {
        k: d.champs() for k, d in live.dossiers.items()
    }
    for dispositif in policy.dispositifs:
        assert replayed.attente(dispositif) == live.attente(dispositif)
        assert replayed.etat_dispositif(dispositif).occupes == live.etat_dispositif(dispositif).occupes
        places = live.etat_dispositif(dispositif).regles.au(jour).places
        assert places is None or live.etat_dispositif(dispositif).occupes <= max(places, 4)
    chemin.unlink(missing_ok=True)
