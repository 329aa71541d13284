"""Property 7 of docs/invariants.md: live alerts equal replayed alerts, whatever the batching.

On generated policies (which declare random alert rules of every kind) and bundled ones (some
with few places: occupancy alerts, waiting lists and generated démarrages are met).
"""

from __future__ import annotations

import tempfile
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from flux_aides import appliquer, appliquer_par_lots, politiques, statistiques
from hypothesis import given
from hypothesis import strategies as st

from parcours.engine import Engine, JsonlJournal
from parcours.policies.schema import Policy
from parcours.testing.events import Flux, flux_plausible


def _alerts(engine: Engine) -> list[dict[str, Any]]:
    return [a.to_event() for a in engine.alertes()]


@given(
    politiques().flatmap(lambda p: st.tuples(st.just(p), flux_plausible(p, max_dossiers=15))),
    st.sampled_from((1, 5, 10_000)),
)
def test_live_alerts_equal_replayed_alerts_and_do_not_depend_on_batching(
    case: tuple[Policy, Flux], lot: int
) -> None:
    policy, events = case
    statistiques(events)
    last = max((date.fromisoformat(e["date"]) for e in events), default=date(2019, 1, 1))
    horizon = last + timedelta(days=400)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "j.jsonl"
        live = Engine(policy, JsonlJournal(path))
        appliquer(live, events)
        live.alertes(au=horizon)  # moves the clock: deadline alerts are raised and journaled
        live.close()
        batched = Engine(policy, batch=lot)
        appliquer_par_lots(batched, events)
        batched.alertes(au=horizon)
        replayed = Engine.replay(policy, JsonlJournal(path))
        assert _alerts(replayed) == _alerts(live)
        assert _alerts(batched) == _alerts(live)
        assert not replayed.avertissements


def test_regression_dated_threshold_not_yet_in_force_is_no_error() -> None:
    """Found by the property above: a ``duree_parcours`` threshold dated after a parcours began
    made the alert layer fail (a warning) instead of leaving that parcours out of the rule."""
    from parcours import load_policy_text

    text = """\
departement: Généré
libelle: Seuil daté
alertes:
  long:
    niveau: info
    message: "parcours de {duree} au-delà de {limite}"
    quand:
      duree_parcours:
        depasse: {2024-01-02: 1 semaines, 2024-01-03: 1 jours}
dispositifs:
  a:
    libelle: A
    etapes: [demarrage, sortie]
    motifs_sortie: {a: {libelle: a, categorie: c, positive: false}}
"""
    policy = load_policy_text(text, "seuil.yaml")
    engine = Engine(policy)
    engine.apply({"dossier": "x", "date": "2018-01-01", "evenement": "demarrage", "dispositif": "a"})
    assert engine.alertes(au=date(2019, 1, 1)) == []
    assert not engine.avertissements
    engine.apply({"dossier": "y", "date": "2024-01-05", "evenement": "demarrage", "dispositif": "a"})
    assert [a.alerte for a in engine.alertes(au=date(2024, 2, 1))] == ["long"]
