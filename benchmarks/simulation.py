"""Benchmark of the simulation kernel against the bare numpy loop of ../shared/bench.

    PYTHONPATH=src python benchmarks/simulation.py [--dossiers 2000000] [--jours 365]

Simulates a bundled policy (Moselle's accompagnement global) for ``--dossiers`` dossiers over
``--jours`` days (aggregates only: interviews, capacity queue, exits, veille all computed),
then, in the same process, ``simulate`` from ``../shared/bench/reference_kernel.py`` with the
same numbers. Prints one JSON line:

    dossiers, jours, seconds, reference_seconds, slowdown, peak_rss_mib, growth,
    monte_carlo: {runs, dossiers, workers, seconds}

``growth`` is the time per dossier at ``--dossiers`` over the time per dossier at 100 000.
Bars: slowdown <= 3, peak_rss_mib <= 2048, growth <= 1.3.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import resource
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from parcours.simulation.montecarlo import monte_carlo  # noqa: E402
from parcours.simulation.simulation import prepare, run  # noqa: E402

POLICY = "moselle"
DISPOSITIF = "accompagnement_global"
DU = date(2017, 1, 1)


def _reference():  # type: ignore[no-untyped-def]
    path = ROOT / ".." / "shared" / "bench" / "reference_kernel.py"
    spec = importlib.util.spec_from_file_location("reference_kernel", path)
    if spec is None or spec.loader is None:
        raise SystemExit(f"reference kernel not found: {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.simulate


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _time(regles, dossiers: int) -> float:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    run(regles, dossiers, 0, evenements=False, capacite_proportionnelle=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=2_000_000)
    parser.add_argument("--jours", type=int, default=365)
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--mc-dossiers", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    au = DU + timedelta(days=args.jours - 1)
    # --dossiers arrive over the days simulated: the run starts empty (no initial stock, no
    # warm-up), as simulate(dossiers=...) does.
    _, _, _, _, regles = prepare(POLICY, None, DU, au, DISPOSITIF, stock=False)

    _time(regles, 10_000)  # warm-up: imports, first calls
    small = _time(regles, 100_000)
    seconds = _time(regles, args.dossiers)
    peak = _peak_mib()

    reference = _reference()
    start = time.perf_counter()
    reference(args.dossiers, args.jours)
    reference_seconds = time.perf_counter() - start

    start = time.perf_counter()
    with ProcessPoolExecutor(args.workers) as pool:
        monte_carlo(
            POLICY,
            None,
            DU,
            au,
            args.mc_dossiers,
            0,
            args.runs,
            pool,
            dispositif=DISPOSITIF,
            capacite_proportionnelle=True,
        )
    mc_seconds = time.perf_counter() - start

    print(
        json.dumps(
            {
                "dossiers": args.dossiers,
                "jours": args.jours,
                "seconds": round(seconds, 3),
                "reference_seconds": round(reference_seconds, 3),
                "slowdown": round(seconds / reference_seconds, 3),
                "peak_rss_mib": round(peak, 1),
                "growth": round((seconds / args.dossiers) / (small / 100_000), 3),
                "monte_carlo": {
                    "runs": args.runs,
                    "dossiers": args.mc_dossiers,
                    "workers": args.workers,
                    "seconds": round(mc_seconds, 3),
                },
            }
        )
    )


if __name__ == "__main__":
    main()
