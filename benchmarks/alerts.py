"""Benchmark of the alert rules: the engine's compiled rules against hand-written durable_rules.

    PYTHONPATH=src python benchmarks/alerts.py            # >= 200k facts timed, RSS over 1M facts
    PYTHONPATH=src python benchmarks/alerts.py --small    # a quick run (50k facts, RSS over 200k)

The events come from benchmarks/engine.py's generator on the bundled Meurthe-et-Moselle
policy (five alert rules over eight conventions: interviews, end of period, duration, veille,
places). Prints one JSON line:

* ``facts``: the facts the engine asserted and retracted in durable_rules for that stream;
* ``engine_facts_per_s``: ``Engine.apply_many`` (no journal) over the stream, counted in
  those facts: the state machines, the deadlines, the agenda and durable_rules together;
* ``raw_facts_per_s``: the same facts, in the same order, asserted and retracted directly
  on a host holding an equivalent ruleset written by hand with ``durable.lang``;
  ``ratio`` = engine / raw;
* ``engine_sans_alertes_s``, ``raw_s``, ``engine_s``: the same stream through an engine whose
  policy has no alert rules, the raw posting, the engine with its rules; ``ratio_plafond`` =
  raw / (raw + engine without alerts) is the ratio a wrapper costing nothing would reach;
  ``ratio_couche_regles`` = raw / (engine - engine without alerts), the rule layer alone
  against raw durable_rules on the same facts:
  the engine's own work per event (validation, state machine, deadlines) is counted in the
  engine's facts per second, and this policy posts about 1.5 facts per event;
* ``rss_growth_mib``: in a fresh process, resident memory after feeding the engine a
  stream that posts >= 1M facts, minus before (the events are generated first);
  ``facts_held_end``: the facts durable_rules still holds then.
"""

from __future__ import annotations

import argparse
import gc
import importlib.util
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from parcours.engine import Engine
from parcours.engine.alerts._host import Hote
from parcours.policies import Policy, load_policy

_ICI = Path(__file__).resolve().parent
_POLITIQUE = "meurthe_et_moselle"


def _generateur() -> Any:
    spec = importlib.util.spec_from_file_location("bench_engine", _ICI / "engine.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.generate


def _rss_mib() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * 4096 / 2**20


def _events(policy: Policy, facts: int) -> list[dict[str, Any]]:
    # About 1.49 facts per event on this policy (measured): a margin of 8 %.
    return list(_generateur()(policy, int(facts / 1.38), 1000))


def capture(policy: Policy, events: list[dict[str, Any]]) -> list[tuple[bool, str, dict[str, Any]]]:
    """The facts the engine posts for ``events``: (assert?, ruleset, copy of the fact)."""
    faits: list[tuple[bool, str, dict[str, Any]]] = []
    affirmer, retirer = Hote.affirmer, Hote.retirer

    def enregistre_affirmer(self: Hote, ruleset: str, fait: dict[str, Any]) -> bool:
        faits.append((True, ruleset, dict(fait)))
        return affirmer(self, ruleset, fait)

    def enregistre_retirer(self: Hote, ruleset: str, fait: dict[str, Any]) -> bool:
        faits.append((False, ruleset, dict(fait)))
        return retirer(self, ruleset, fait)

    Hote.affirmer, Hote.retirer = enregistre_affirmer, enregistre_retirer  # type: ignore[method-assign]
    try:
        engine = Engine(policy)
        engine.apply_many(events)
        engine.close()
    finally:
        Hote.affirmer, Hote.retirer = affirmer, retirer  # type: ignore[method-assign]
    return faits


def timed_engine(policy: Policy, events: list[dict[str, Any]]) -> tuple[float, int]:
    engine = Engine(policy)
    gc.collect()
    debut = time.perf_counter()
    engine.apply_many(events)
    duree = time.perf_counter() - debut
    hote = engine._surveillance._hote
    operations = 0 if hote is None else hote.operations
    engine.close()
    return duree, operations


def _ruleset_brut(nom: str, consommes: list[Any]) -> tuple[str, dict[str, Any]]:
    """The policy's five rules written by hand with durable.lang (definitions only)."""
    from durable.lang import c, m, none, ruleset, when_all

    def garder(c: Any) -> None:
        consommes.append(c)

    rs = ruleset(nom)
    with rs:
        for regle in ("entretien_en_retard", "duree_de_mesure_depassee", "point_de_veille"):
            when_all(
                c.e << (m.t == "ech") & (m.regle == regle),
                c.h << (m.t == "tic") & (m.regle == regle) & (m.dossier == c.e.dossier) & (m.cle == c.e.cle),
            )(garder)
        regle = "fin_de_periode_sans_bilan"
        when_all(
            c.e << (m.t == "ech") & (m.regle == regle),
            c.h << (m.t == "tic") & (m.regle == regle) & (m.dossier == c.e.dossier) & (m.cle == c.e.cle),
            none((m.t == "sauf") & (m.regle == regle) & (m.dossier == c.e.dossier)),
        )(garder)
        regle = "mesures_toutes_occupees"
        when_all(
            c.o << (m.t == "occ") & (m.regle == regle) & (m.v == 0) & (m.taux >= 1.0),
            none((m.t == "occ_haute") & (m.regle == regle)),
        )(garder)
        when_all(
            c.o << (m.t == "occ") & (m.regle == regle) & (m.v == 0) & (m.taux < 1.0),
            c.h << (m.t == "occ_haute") & (m.regle == regle),
        )(garder)
    definition: tuple[str, dict[str, Any]] = rs.define()
    return definition


def raw(faits: list[tuple[bool, str, dict[str, Any]]]) -> float:
    """Post ``faits`` directly to a threadless durable host holding the hand-written rulesets."""
    from durable.engine import Host, MessageNotHandledException

    class SansMinuteurs(Host):  # type: ignore[misc]
        def _run(self) -> None:
            return None

    host = SansMinuteurs()
    consommes: list[Any] = []
    noms: dict[str, str] = {}
    for _, ruleset, _ in faits:
        if ruleset not in noms:
            nom, definition = _ruleset_brut(f"brut_{len(noms)}", consommes)
            host.register_rulesets({nom: definition})
            noms[ruleset] = nom
    copies = [(affirmer, noms[r], dict(f)) for affirmer, r, f in faits]
    gc.collect()
    debut = time.perf_counter()
    for affirmer, nom, fait in copies:
        try:
            if affirmer:
                host.assert_fact(nom, fait)
            else:
                host.retract_fact(nom, fait)
        except MessageNotHandledException:
            pass
    return time.perf_counter() - debut


def rss(policy: Policy, facts: int) -> dict[str, Any]:
    events = _events(policy, facts)
    engine = Engine(policy)
    engine.apply_many(events[:2000])  # compile the rules, load durable_rules
    gc.collect()
    avant = _rss_mib()
    engine.apply_many(events[2000:])
    gc.collect()
    apres = _rss_mib()
    hote = engine._surveillance._hote
    return {
        "rss_facts": 0 if hote is None else hote.operations,
        "rss_events": len(events),
        "rss_dossiers": len(engine.dossiers),
        "rss_growth_mib": round(apres - avant, 1),
        "facts_held_end": engine._surveillance.faits(),
    }


def _ratio_couche(raw_s: float, couche_s: float) -> float | None:
    """Raw durable_rules time over the rule layer's own time (None: not measurable, the
    engine with its rules took no longer than without)."""
    return round(raw_s / couche_s, 3) if couche_s > 0 else None


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--small", action="store_true")
    parser.add_argument("--rss", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    policy = load_policy(_POLITIQUE)  # the raw rulesets are this policy's rules, by hand
    if args.rss:
        print(json.dumps(rss(policy, args.rss)))
        return
    cible = 50_000 if args.small else 200_000
    events = _events(policy, cible)
    faits = capture(policy, events)
    duree_engine, operations = timed_engine(policy, events)
    assert operations == len(faits), (operations, len(faits))
    assert args.small or len(faits) >= 200_000, len(faits)
    duree_raw = raw(faits)
    duree_base, _ = timed_engine(policy.model_copy(update={"alertes": {}}), events)
    taille_rss = 200_000 if args.small else 1_000_000
    fils = subprocess.run(
        [sys.executable, __file__, "--rss", str(taille_rss)],
        capture_output=True,
        text=True,
        check=True,
    )
    memoire = json.loads(fils.stdout.strip().splitlines()[-1])
    resultat = {
        "politique": policy.nom,
        "events": len(events),
        "facts": len(faits),
        "engine_facts_per_s": round(len(faits) / duree_engine),
        "raw_facts_per_s": round(len(faits) / duree_raw),
        "ratio": round(duree_raw / duree_engine, 3),
        "engine_s": round(duree_engine, 3),
        "raw_s": round(duree_raw, 3),
        "engine_sans_alertes_s": round(duree_base, 3),
        "ratio_plafond": round(duree_raw / (duree_raw + duree_base), 3),
        "ratio_couche_regles": _ratio_couche(duree_raw, duree_engine - duree_base),
        **memoire,
    }
    print(json.dumps(resultat))


if __name__ == "__main__":
    main()
