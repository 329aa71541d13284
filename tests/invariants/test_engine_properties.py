"""Properties 3, 4 and 5 of docs/invariants.md, on generated and bundled policies.

3. The engine as a rule-based state machine: a dossier is always in a step of its machine;
   sortie and réorientation are absorbing; a refused event leaves the dossier unchanged and
   the journal untouched; renewals never exceed the maximum; the next interview due is the
   last interview plus the rhythm in force; deadlines are never before the event that set them.
4. Idempotency and order: an event applied twice with the same id equals applying it once;
   replaying the journal gives the live state; the batch size does not change the result.
5. Capacity: occupancy never exceeds the places; the waiting list is served in order; a
   plausible stream's démarrages wait, are refused and are generated exactly as the stream's
   own model of the places says (parcours.testing.events.Flux).

The policies are bundled ones (as they are, or with a few places) and generated ones; every
stream property reports, with ``--hypothesis-show-statistics``, the share of its streams that
meet a waiting list, a refusal or a generated démarrage (tests/invariants/flux_aides.py).
"""

from __future__ import annotations

import shutil
import tempfile
from collections import deque
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from flux_aides import appliquer, appliquer_par_lots, politiques, statistiques
from hypothesis import event, given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from parcours import load_policy, load_policy_text
from parcours.engine import Engine, JsonlJournal
from parcours.engine.machine import topologie
from parcours.errors import TransitionError
from parcours.policies.schema import Dispositif, Policy
from parcours.testing.events import Flux, Perturbation, debut_possible, flux_perturbe, flux_plausible
from parcours.vocabulary import EVENEMENTS

_FINALS = ("sortie", "reorientation")
_OUVERTS = ("demarrage", "bilan")


def _states(dispositif: Dispositif) -> set[str]:
    places = dispositif.capacite.places is not None
    return set(
        topologie(dispositif.etapes, attente=places and dispositif.capacite.si_complet == "attente").etats
    )


def _max_places(dispositif: Dispositif) -> int | None:
    places = dispositif.capacite.places
    return None if places is None else max(v.valeur for v in places.versions)


def _held_under_places(engine: Engine, ident: str, dispositif: Dispositif) -> int:
    """The places of ``ident`` held by open dossiers that started once its places were in force
    (before their first date of effect no limit held: the places bound the démarrages after it)."""
    places = dispositif.capacite.places
    premier = None if places is None else places.versions[0].debut
    return sum(
        1
        for d in engine.dossiers.values()
        if d.dispositif == ident
        and d.state in _OUVERTS
        and (premier is None or d.debut is None or d.debut >= premier)
    )


def _rhythm_due(dispositif: Dispositif, debut: date, last: date) -> date | None:
    """The next interview due after one on ``last``, from the policy's own values."""
    rythme = dispositif.rythme_entretiens
    if rythme is None:
        return None
    start = rythme.au_demarrage
    if start is not None and last < start.pendant.au(last).ajouter(debut):
        return start.intervalle_max.au(last).ajouter(last)
    return rythme.intervalle_max.au(last).ajouter(last)


class EngineMachine(RuleBasedStateMachine):
    """Random events, some refused, against one engine and its JSONL journal."""

    def __init__(self) -> None:
        super().__init__()
        self.folder = Path(tempfile.mkdtemp(prefix="parcours-inv-"))
        self.policy: Policy | None = None
        self.engine: Engine | None = None
        self.clock = date(2018, 1, 1)
        self.finals: dict[str, str] = {}
        self.queues: dict[str, deque[str]] = {}
        self.counter = 0

    @initialize(policy=politiques(), offset=st.integers(0, 700))
    def start(self, policy: Policy, offset: int) -> None:
        self.policy = policy
        self.engine = Engine(policy, JsonlJournal(self.folder / "journal.jsonl"))
        start = max(debut_possible(d) for d in policy.dispositifs.values())
        self.clock = start + timedelta(days=offset)
        self.queues = {ident: deque() for ident in policy.dispositifs}

    def _journal_size(self) -> int:
        path = self.folder / "journal.jsonl"
        return path.stat().st_size if path.exists() else 0

    @precondition(lambda self: self.engine is not None)
    @rule(
        dossier=st.sampled_from([f"P{i}" for i in range(8)]),
        evenement=st.sampled_from([*EVENEMENTS, "demarrage", "entretien", "entretien"]),
        step=st.integers(-20, 40),
        presence=st.sampled_from(("present", "absent")),
        data=st.data(),
    )
    def appliquer(self, dossier: str, evenement: str, step: int, presence: str, data: st.DataObject) -> None:
        assert self.engine is not None and self.policy is not None
        self.clock += timedelta(days=max(step, 0))
        jour = self.clock + timedelta(days=min(step, 0))  # negative steps try the past
        dispositif = data.draw(st.sampled_from(sorted(self.policy.dispositifs)))
        motifs = sorted(self.policy.dispositifs[dispositif].motifs_sortie) or ["autre"]
        self.counter += 1
        event: dict[str, Any] = {
            "dossier": dossier,
            "date": jour.isoformat(),
            "evenement": evenement,
            "dispositif": dispositif,
            "id": f"e{self.counter}",
            "presence": presence,
            "motif": data.draw(st.sampled_from([*motifs, "motif_inconnu"])),
        }
        before = self.engine.dossiers[dossier].champs() if dossier in self.engine.dossiers else None
        size = self._journal_size()
        try:
            result = self.engine.apply(event)
        except TransitionError:
            after = self.engine.dossiers[dossier].champs() if dossier in self.engine.dossiers else None
            assert after == before
            assert self._journal_size() == size
            return
        assert self._journal_size() > size
        if result.evenement == "attente":
            self.queues[self.engine.dossiers[dossier].dispositif].append(dossier)
        for generated in result.generes:
            if generated.get("evenement") == "demarrage":
                queue = self.queues[self.engine.dossiers[generated["dossier"]].dispositif]
                while queue and self.engine.dossiers[queue[0]].etape in _FINALS:
                    queue.popleft()  # left the list by an exit
                assert queue and queue.popleft() == generated["dossier"], (
                    "liste d'attente servie dans l'ordre"
                )

    @invariant()
    def dossiers_are_coherent(self) -> None:
        if self.engine is None or self.policy is None:
            return
        open_by_dispositif: dict[str, int] = {}
        for ident, dossier in self.engine.dossiers.items():
            disp = self.policy.dispositifs[dossier.dispositif]
            assert dossier.state in _states(disp)
            if ident in self.finals:
                assert dossier.state == self.finals[ident], "sortie et réorientation sont absorbantes"
            if dossier.state in _FINALS:
                self.finals[ident] = dossier.state
                assert dossier.fin is not None and dossier.fin >= dossier.entree
            if dossier.state in _OUVERTS:
                open_by_dispositif[dossier.dispositif] = open_by_dispositif.get(dossier.dispositif, 0) + 1
            rmax = disp.duree.renouvellements_max
            if rmax is not None:
                assert dossier.renouvellements <= max(v.valeur for v in rmax.versions)
            if dossier.debut is not None:
                assert dossier.debut >= dossier.entree
                for deadline in (dossier.fin_cer, dossier.fin_max):
                    assert deadline is None or deadline >= dossier.debut
                last = dossier.dernier_entretien
                if last is not None:
                    assert dossier.entretien_du == _rhythm_due(disp, dossier.debut, last)
                    assert dossier.entretien_du is None or dossier.entretien_du > last
            if dossier.fin_veille is not None:
                assert dossier.fin is not None and dossier.fin_veille >= dossier.fin
        for ident, disp in self.policy.dispositifs.items():
            occupied = self.engine.etat_dispositif(ident).occupes
            assert occupied == open_by_dispositif.get(ident, 0)
            limit = _max_places(disp)
            assert limit is None or _held_under_places(self.engine, ident, disp) <= limit

    def teardown(self) -> None:
        if self.engine is not None:
            self.engine.close()
        shutil.rmtree(self.folder, ignore_errors=True)


EngineMachine.TestCase.settings = settings(stateful_step_count=40)
test_engine_state_machine = EngineMachine.TestCase


def _states_of(engine: Engine) -> dict[str, dict[str, Any]]:
    return {ident: d.champs() for ident, d in engine.dossiers.items()}


def _places_of(engine: Engine) -> dict[str, tuple[int, list[str]]]:
    return {k: (engine.etat_dispositif(k).occupes, engine.attente(k)) for k in engine.policy.dispositifs}


_FLUX = politiques().flatmap(lambda p: st.tuples(st.just(p), flux_plausible(p)))


@given(_FLUX)
def test_plausible_stream_applies_as_its_capacity_says_and_replays(case: tuple[Policy, Flux]) -> None:
    """Every event applies but the démarrages refused because every place is taken; those put
    on the waiting list and the démarrages the engine generates are the stream's own; replay
    gives the live state, places and waiting lists included."""
    policy, events = case
    statistiques(events)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "j.jsonl"
        live = Engine(policy, JsonlJournal(path))
        appliquer(live, events)
        live.close()
        replayed = Engine.replay(policy, JsonlJournal(path))
        assert _states_of(replayed) == _states_of(live)
        assert _places_of(replayed) == _places_of(live)


@given(_FLUX)
def test_applying_twice_with_the_same_ids_equals_once(case: tuple[Policy, Flux]) -> None:
    """The applied events sent again are all acknowledged: nothing moves, nothing is journaled
    (a refused démarrage, never applied, has no id to acknowledge: it is judged again)."""
    policy, events = case
    statistiques(events)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "j.jsonl"
        engine = Engine(policy, JsonlJournal(path))
        appliquer_par_lots(engine, events)
        once, places = _states_of(engine), _places_of(engine)
        text = path.read_text(encoding="utf-8") if path.exists() else ""
        applied = [e for i, e in enumerate(events) if i not in events.refus]
        lot = engine.apply_many(applied)
        assert (lot.appliques, lot.doublons, lot.generes) == (0, len(applied), 0)
        assert _states_of(engine) == once and _places_of(engine) == places
        assert (path.read_text(encoding="utf-8") if path.exists() else "") == text
        engine.close()


@given(_FLUX, st.sampled_from((1, 3, 17, 10_000)))
def test_batch_size_does_not_change_the_result(case: tuple[Policy, Flux], lot: int) -> None:
    policy, events = case
    statistiques(events)
    with tempfile.TemporaryDirectory() as folder:
        one = Engine(policy, JsonlJournal(Path(folder) / "a.jsonl"))
        appliquer(one, events)
        many = Engine(policy, JsonlJournal(Path(folder) / "b.jsonl"), batch=lot)
        appliquer_par_lots(many, events)
        one.close()
        many.close()
        assert _states_of(many) == _states_of(one)
        assert _places_of(many) == _places_of(one)
        a, b = (Path(folder) / name for name in ("a.jsonl", "b.jsonl"))
        assert (a.read_bytes() if a.exists() else b"") == (b.read_bytes() if b.exists() else b"")


def _refused(engine: Engine, events: list[dict[str, Any]]) -> list[int]:
    refused = []
    for i, ev in enumerate(events):
        try:
            engine.apply(ev)
        except TransitionError:
            refused.append(i)
    return refused


@given(politiques().flatmap(lambda p: st.tuples(st.just(p), flux_perturbe(p))))
def test_perturbed_stream_is_refused_or_acknowledged_never_corrupting(
    case: tuple[Policy, Perturbation],
) -> None:
    policy, perturbation = case
    statistiques(perturbation.flux)
    event(f"perturbation : {perturbation.nature}")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "j.jsonl"
        engine = Engine(policy, JsonlJournal(path))
        refused = _refused(engine, perturbation.evenements)
        engine.close()
        i = perturbation.index
        if perturbation.nature == "inconnu":
            assert i in refused  # a dossier the engine never met, without its dispositif
        if perturbation.nature == "desordre":  # refused when dated before its dossier's last applied event
            moved = perturbation.evenements[i]
            applied = [
                e["date"]
                for k, e in enumerate(perturbation.evenements[:i])
                if k not in refused and e["dossier"] == moved["dossier"]
            ]
            if applied and moved["date"] < max(applied):
                assert i in refused
        if perturbation.nature == "double":  # the copy is acknowledged, or refused as its original was
            base = perturbation.flux.refus
            assert refused == sorted([r if r <= i else r + 1 for r in base] + ([i + 1] if i in base else []))
        assert "INCONNU" not in engine.dossiers
        replayed = Engine.replay(policy, JsonlJournal(path))
        assert _states_of(replayed) == _states_of(engine)
        assert _places_of(replayed) == _places_of(engine)


def test_regression_refused_event_moves_no_clock_and_journals_no_alert(tmp_path: Path) -> None:
    """Found by the state machine: a refused event dated later used to move the alert clock,
    journaling overdue-interview alerts although the event itself was refused."""
    policy = load_policy("meurthe_et_moselle")
    path = tmp_path / "j.jsonl"
    engine = Engine(policy, JsonlJournal(path))
    base = {"dossier": "P0", "dispositif": "accompagnement_cec"}
    engine.apply({**base, "date": "2018-01-01", "evenement": "demarrage"})
    size = path.stat().st_size
    clock = engine.clock
    try:
        engine.apply({**base, "date": "2018-03-15", "evenement": "reperage"})
    except TransitionError:
        pass
    else:  # pragma: no cover - the point of the test
        raise AssertionError("reperage after démarrage must be refused")
    assert path.stat().st_size == size
    assert engine.clock == clock
    # The alerts come when time really passes, and replay gives the same ones.
    engine.alertes(au=date(2018, 3, 15))
    engine.close()
    assert path.stat().st_size > size
    replayed = Engine.replay(policy, JsonlJournal(path))
    assert [a.to_event() for a in replayed.alertes()] == [a.to_event() for a in engine.alertes()]


_RENEWALS_DROP = """
departement: Régression
libelle: renouvellements_max qui baisse
dispositifs:
  a:
    libelle: Accompagnement
    etapes: [demarrage, bilan, sortie]
    motifs_sortie:
      emploi: {libelle: Emploi, categorie: emploi, positive: true, emploi: true}
    duree:
      renouvellements_max:
        2018-01-01: 1
        2018-01-20: 0
"""


@given(flux_plausible(load_policy_text(_RENEWALS_DROP, "regression.yaml"), max_dossiers=5))
def test_regression_plausible_renewal_is_judged_on_its_own_day(events: list[dict[str, Any]]) -> None:
    """Found by property 6: the plausible stream read ``renouvellements_max`` before the days
    drawn for the bilan and the renewal, so it wrote a renewal the engine refuses on its day."""
    policy = load_policy_text(_RENEWALS_DROP, "regression.yaml")
    with tempfile.TemporaryDirectory() as folder:
        engine = Engine(policy, JsonlJournal(Path(folder) / "j.jsonl"))
        engine.apply_many(events)  # no TransitionError on a plausible stream
        engine.close()
