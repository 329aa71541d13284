"""Benchmark of the parcours engine against a bare transitions loop; prints one JSON line.

    PYTHONPATH=src python benchmarks/engine.py                 # >= 1M events, >= 100k dossiers
    PYTHONPATH=src python benchmarks/engine.py --small         # a quick run (200k events)
    PYTHONPATH=src python benchmarks/engine.py --politique meurthe_et_moselle
    PYTHONPATH=src python benchmarks/engine.py --politique banc  # the benchmark's own policy

The event stream is generated from the policy: dossiers follow each other in "lanes" (one
lane per place of a dispositif, so that no démarrage ever waits and the engine and the
baseline see exactly the same transitions), with repérage → ... → démarrage, interviews at
the rhythm, CER, bilan, a renewal when allowed, and an exit. Events are in date order, each
with an ``id``.

Figures:

* ``engine_events_per_s``: ``Engine.apply_many`` with a JSONL journal (every line written);
  ``engine_memoire_events_per_s``: the same without journal.
* ``baseline_events_per_s``: a bare loop ``machine.events[e].trigger(obj)`` on the same
  events with machines of the same states and transitions (model=None, no callbacks) and
  unregistered slots objects with a ``state`` attribute; ``slowdown`` = baseline / engine.
* ``bytes_per_dossier``: tracemalloc, the engine's resident state per dossier after its
  events were fed (parsed from their JSON text inside the traced region, so that the
  dossier ids the engine keeps are counted).
* ``growth``: per-event time of the same batch on an engine already holding 2M dossiers
  over one holding 100k (``--small``: 400k over 20k).
* ``replay_jsonl_events_per_s``: ``Engine.replay`` of the journal written above (in bulk
  when engine/bulk_replay.py can: ``replay_en_bloc`` says whether it did);
  ``replay_ligne_a_ligne_events_per_s``: the per-event replay of the same journal;
  ``replay_regles_s``: with alert rules, the seconds the bulk replay leaves for later (the
  rule state rebuilt the first time the clock moves).
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

from parcours.engine import Engine, JsonlJournal
from parcours.engine.machine import construire_machine, topologie
from parcours.engine.replay import rejouer
from parcours.errors import PolicyError
from parcours.policies import Policy, bundled_names, load_policy, load_policy_text
from parcours.policies.rules import ReglesDatees, ouverture
from parcours.policies.schema import Dispositif

_BUNDLED = ("moselle", "meurthe_et_moselle", "seine_saint_denis")
_BENCH_POLICY = """
departement: Banc
libelle: Politique de banc d'essai (aucune politique fournie n'est encore disponible)
dispositifs:
  global:
    libelle: Accompagnement global
    etapes: [reperage, prescription, diagnostic_partage, demarrage, bilan, sortie, reorientation]
    capacite: {places: {2017-01-01: 4000, 2018-01-01: 3800}, etp: 28, portefeuille_par_etp: 100}
    duree: {cer: 6 mois, renouvellements_max: 1, maximum: 9 mois}
    rythme_entretiens: {intervalle_max: 1 mois, au_demarrage: {intervalle_max: 15 jours, pendant: 2 mois}}
    motifs_sortie:
      cdi: {libelle: CDI, categorie: emploi, positive: true, emploi: true}
      abandon: {libelle: Abandon, categorie: autre, positive: false}
    veille: {duree: 6 mois, motifs: [cdi]}
    convention: {debut: 2017-01-01, fin: 2018-12-31}
  social:
    libelle: Accompagnement social
    etapes: [prescription, demarrage, sortie]
    capacite: {places: 175, si_complet: refus}
    duree: {cer: 6 mois}
    rythme_entretiens: {intervalle_max: 6 semaines}
"""
_PROFILS = [
    {"sexe": s, "age": a, "niveau": n}
    for s in ("F", "H")
    for a in ("18-25", "26-35", "36-45", "46-55", "56+")
    for n in ("VI", "V", "IV", "III")
]
_DEFAULT_LANES = 3000


def _policy(name: str | None) -> Policy:
    if name == "banc":
        return load_policy_text(_BENCH_POLICY)
    if name is not None:
        return load_policy(name)
    for candidate in _BUNDLED:
        if candidate in bundled_names():
            return load_policy(candidate)
    return load_policy_text(_BENCH_POLICY)


def _first(param: Any) -> Any:
    return None if param is None or not param.versions else param.versions[0].valeur


def _origine(dispositif: Dispositif) -> int:
    """The day the dispositif opens (2017-01-02 at the earliest)."""
    jour = ouverture(dispositif)
    return max(jour or date(2017, 1, 2), date(2017, 1, 2)).toordinal()


def _lanes(dispositif: Dispositif) -> int:
    places = dispositif.capacite.places
    if places is None:
        return _DEFAULT_LANES
    return max(1, min(v.valeur for v in places.versions))


def _jours(duree: Any, defaut: int) -> int:
    return defaut if duree is None else max(1, int(duree.en_jours_approx))


class _Plan:
    """How dossiers of one dispositif unfold (day offsets), read from its first values."""

    def __init__(self, ident: str, disp: Dispositif) -> None:
        self.ident = ident
        self.pre = [e for e in ("reperage", "prescription", "diagnostic_partage") if e in disp.etapes]
        self.bilan = "bilan" in disp.etapes
        self.reorientation = "reorientation" in disp.etapes
        rythme = disp.rythme_entretiens
        self.rythme = 28 if rythme is None else max(2, _jours(_first(rythme.intervalle_max), 28) - 2)
        dem = None if rythme is None else rythme.au_demarrage
        self.rythme_dem = self.rythme if dem is None else max(2, _jours(_first(dem.intervalle_max), 14) - 1)
        self.pendant = 0 if dem is None else _jours(_first(dem.pendant), 60)
        self.cer = _jours(_first(disp.duree.cer), 182)
        maximum = _first(disp.duree.maximum)
        rmax = _first(disp.duree.renouvellements_max)
        self.renouvelle = rmax != 0 and (maximum is None or self.cer + 5 < maximum.en_jours_approx)
        self.motifs = sorted(disp.motifs_sortie) or ["fin"]


def _dossier_events(
    plan: _Plan, ident: str, start: int, rng: random.Random, counter: list[int]
) -> tuple[list[tuple[int, dict[str, Any]]], int]:
    """The events of one dossier from day ``start`` (ordinals); returns them and the exit day."""
    out: list[tuple[int, dict[str, Any]]] = []

    def add(day: int, evenement: str, **extra: Any) -> None:
        counter[0] += 1
        ev: dict[str, Any] = {"dossier": ident, "date": day, "evenement": evenement, "id": f"e{counter[0]}"}
        ev.update(extra)
        out.append((day, ev))

    day = start
    first = {"dispositif": plan.ident, "profil": rng.choice(_PROFILS)}
    for etape in plan.pre:
        add(day, "diagnostic" if etape == "diagnostic_partage" else etape, **first)
        first = {}
        day += rng.randint(0, 3)
    add(day, "demarrage", **first)
    debut = day
    periods = 2 if plan.renouvelle and rng.random() < 0.5 else 1
    for period in range(periods):
        end = day + plan.cer
        if period == 0:
            add(day + 1, "cer_signe")
        while True:
            step = plan.rythme_dem if day < debut + plan.pendant else plan.rythme
            nxt = day + step
            if nxt >= end:
                break
            day = nxt
            add(day, "entretien", presence="absent" if rng.random() < 0.05 else "present")
        day = end
        if plan.bilan:
            add(day, "bilan")
        if period + 1 < periods:
            add(day, "renouvellement")
            end = day + plan.cer
    if plan.reorientation and rng.random() < 0.1:
        add(day, "reorientation")
    else:
        add(day, "sortie", motif=rng.choice(plan.motifs))
    return out, day


def generate(policy: Policy, n_events: int, n_dossiers: int, seed: int = 5) -> list[dict[str, Any]]:
    """Events in date order (ties keep each dossier's order), at least n_events over n_dossiers."""
    rng = random.Random(seed)
    plans = [_Plan(k, d) for k, d in policy.dispositifs.items()]
    lanes: list[tuple[_Plan, int]] = []
    for plan in plans:
        origin = _origine(policy.dispositifs[plan.ident])
        lanes.extend(
            (plan, origin + rng.randint(0, 60)) for _ in range(_lanes(policy.dispositifs[plan.ident]))
        )
    regles = {plan.ident: ReglesDatees(plan.ident, policy.dispositifs[plan.ident]) for plan in plans}
    clocks = [start for _, start in lanes]
    stream: list[tuple[int, dict[str, Any]]] = []
    counter = [0]
    dossiers = 0
    ouvertes = list(range(len(lanes)))
    while ouvertes and (len(stream) < n_events or dossiers < n_dossiers):
        lane = ouvertes[rng.randrange(len(ouvertes))]
        plan = lanes[lane][0]
        entree = clocks[lane]
        # a dossier enters, and starts a few days later, only while its dispositif is open
        if not all(regles[plan.ident].ouvert(date.fromordinal(entree + d)) for d in (0, 10)):
            ouvertes.remove(lane)
            continue
        evs, end = _dossier_events(plan, f"d{dossiers}", entree, rng, counter)
        clocks[lane] = end + rng.randint(0, 3)
        stream.extend(evs)
        dossiers += 1
    stream.sort(key=lambda item: item[0])
    iso: dict[int, str] = {}
    events = []
    for day, ev in stream:
        text = iso.get(day)
        if text is None:
            text = iso[day] = date.fromordinal(day).isoformat()
        ev["date"] = text
        events.append(ev)
    return events


def baseline(policy: Policy, events: list[dict[str, Any]]) -> float:
    """Bare transitions: same states and transitions, model=None, unregistered objects."""

    class Obj:
        __slots__ = ("state",)

        def __init__(self) -> None:
            self.state = "nouveau"

    machines = {}
    for ident, disp in policy.dispositifs.items():
        cap = disp.capacite
        topo = topologie(disp.etapes, attente=cap.places is not None and cap.si_complet == "attente")
        machines[ident] = construire_machine(topo).events
    objs: dict[str, Obj] = {}
    where: dict[str, Any] = {}
    t0 = time.perf_counter()
    for ev in events:
        ident = ev["dossier"]
        obj = objs.get(ident)
        if obj is None:
            obj = objs[ident] = Obj()
            where[ident] = machines[ev["dispositif"]]
        where[ident][ev["evenement"]].trigger(obj)
    return time.perf_counter() - t0


def _timed_engine(policy: Policy, events: list[dict[str, Any]], journal: Path | None) -> tuple[float, Engine]:
    engine = Engine(policy, JsonlJournal(journal) if journal is not None else None)
    t0 = time.perf_counter()
    engine.apply_many(events)
    elapsed = time.perf_counter() - t0
    engine.close()
    return elapsed, engine


def _regles(engine: Engine) -> float:
    """Seconds to build the rule state a bulk replay deferred (moving the clock one day)."""
    if engine.clock is None:
        return 0.0
    t0 = time.perf_counter()
    engine.advance(date.fromordinal(engine.clock.toordinal() + 1))
    return time.perf_counter() - t0


def _par_ligne(policy: Policy, path: Path) -> float:
    """Seconds of the per-event replay of the journal at ``path``."""
    engine = Engine(policy)
    t0 = time.perf_counter()
    rejouer(engine, JsonlJournal(path), en_bloc=False)
    elapsed = time.perf_counter() - t0
    assert not engine.rejoue_en_bloc
    return elapsed


def bytes_per_dossier(policy: Policy, events: list[dict[str, Any]], n_dossiers: int) -> float:
    keep = {f"d{i}" for i in range(n_dossiers)}
    lines = [json.dumps(ev, ensure_ascii=False) for ev in events if ev["dossier"] in keep]
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    engine = Engine(policy)
    engine.apply_many(json.loads(line) for line in lines)
    gc.collect()
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    count = len(engine.dossiers)
    del engine
    return (after - before) / count


def _preload(policy: Policy, n: int) -> Iterator[dict[str, Any]]:
    """n dossiers of one event each (a pre-démarrage step), or démarrage + sortie if none."""
    for ident, disp in policy.dispositifs.items():
        pre = [e for e in ("reperage", "prescription", "diagnostic_partage") if e in disp.etapes]
        if pre:
            name = "diagnostic" if pre[0] == "diagnostic_partage" else pre[0]
            for i in range(n):
                yield {
                    "dossier": f"p{i}",
                    "date": "2017-01-01",
                    "evenement": name,
                    "dispositif": ident,
                    "id": "p",
                }
            return
    ident = next(iter(policy.dispositifs))
    motif = sorted(policy.dispositifs[ident].motifs_sortie) or ["fin"]
    for i in range(n):
        yield {"dossier": f"p{i}", "date": "2017-01-01", "evenement": "demarrage", "dispositif": ident}
        yield {"dossier": f"p{i}", "date": "2017-01-01", "evenement": "sortie", "motif": motif[0]}


def growth(policy: Policy, batch: list[dict[str, Any]], small: int, large: int) -> float:
    """Per-event time of ``batch`` on an engine holding ``large`` dossiers over ``small``."""
    per_event = {}
    for size in (small, large):
        engine = Engine(policy)
        engine.apply_many(_preload(policy, size))
        trial = [dict(ev) for ev in batch]
        gc.collect()
        t0 = time.perf_counter()
        engine.apply_many(trial)
        best = time.perf_counter() - t0
        per_event[size] = best / len(batch)
        del engine
        gc.collect()
    return per_event[large] / per_event[small]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--politique", default=None, help="a bundled policy name or a YAML file")
    parser.add_argument("--small", action="store_true", help="200k events, 20k dossiers")
    parser.add_argument("--events", type=int, default=None)
    parser.add_argument("--dossiers", type=int, default=None)
    parser.add_argument("--sans-croissance", action="store_true", help="skip the 2M-dossier growth run")
    args = parser.parse_args(argv)
    small = args.small
    n_events = args.events or (200_000 if small else 1_000_000)
    n_dossiers = args.dossiers or (20_000 if small else 100_000)
    try:
        policy = _policy(args.politique)
    except PolicyError as exc:
        sys.exit(str(exc))
    events = generate(policy, n_events, n_dossiers)
    dossiers = len({ev["dossier"] for ev in events})
    t_base = baseline(policy, events)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "journal.jsonl"
        t_engine, live = _timed_engine(policy, events, path)
        t_memory, _ = _timed_engine(policy, events, None)
        journal = JsonlJournal(path)
        t0 = time.perf_counter()
        replayed = Engine.replay(policy, journal)
        t_replay = time.perf_counter() - t0
        t_regles = _regles(replayed)
        lines = sum(1 for _ in open(path, "rb"))  # noqa: SIM115
        assert len(replayed.dossiers) == len(live.dossiers)
        t_ligne = _par_ligne(policy, path)
        journal_bytes = path.stat().st_size
    en_bloc = replayed.rejoue_en_bloc
    del live, replayed
    gc.collect()
    bpd = bytes_per_dossier(policy, events, min(20_000, dossiers))
    result: dict[str, Any] = {
        "politique": args.politique or policy.nom,
        "events": len(events),
        "dossiers": dossiers,
        "engine_events_per_s": round(len(events) / t_engine),
        "engine_memoire_events_per_s": round(len(events) / t_memory),
        "baseline_events_per_s": round(len(events) / t_base),
        "slowdown": round(t_engine / t_base, 3),
        "bytes_per_dossier": round(bpd),
        "replay_jsonl_events_per_s": round(lines / t_replay),
        "replay_en_bloc": en_bloc,
        "replay_regles_s": round(t_regles, 2),
        "replay_ligne_a_ligne_events_per_s": round(lines / t_ligne),
        "journal_bytes_per_event": round(journal_bytes / lines),
    }
    if not args.sans_croissance:
        sizes = (20_000, 400_000) if small else (100_000, 2_000_000)
        batch = events[: min(len(events), 100_000)]
        del events
        gc.collect()
        result["growth"] = round(growth(policy, batch, *sizes), 3)
        result["growth_sizes"] = list(sizes)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
