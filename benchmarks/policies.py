"""Benchmark: loading the bundled policies, and the YAML reader against its pure-Python path.

Times ``load_policy`` on each bundled policy (best of ``--repetitions``), then the positioned
YAML reader alone with libyaml (the default) and with the pure-Python reader, in the same run.
Prints one JSON line: milliseconds per policy load and the reader's speed-up.

    python benchmarks/policies.py [--repetitions 20]
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable

from parcours import load_policy
from parcours.policies._yaml import read_yaml
from parcours.policies.bundled import find_bundled

BUNDLED = ("moselle", "meurthe_et_moselle", "seine_saint_denis")


def best(fn: Callable[[], object], repetitions: int) -> float:
    """The fastest of ``repetitions`` runs, in seconds (the least disturbed by other work)."""
    times = []
    for _ in range(repetitions):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repetitions", type=int, default=20)
    args = parser.parse_args()
    load_ms = {name: 1000 * best(lambda n=name: load_policy(n), args.repetitions) for name in BUNDLED}
    raws = {}
    for name in BUNDLED:
        found = find_bundled(name)
        assert found is not None, name
        raws[name] = found.read_bytes()
    n = args.repetitions
    fast = sum(best(lambda r=raw: read_yaml(r, "b.yaml"), n) for raw in raws.values())
    slow = sum(best(lambda r=raw: read_yaml(r, "b.yaml", fast=False), n) for raw in raws.values())
    print(
        json.dumps(
            {
                "benchmark": "policies",
                "load_policy_ms": {k: round(v, 2) for k, v in load_ms.items()},
                "read_yaml_ms_libyaml": round(1000 * fast, 2),
                "read_yaml_ms_pure_python": round(1000 * slow, 2),
                "ratio_reader_speedup": round(slow / fast, 2),
            }
        )
    )


if __name__ == "__main__":
    main()
