"""The full calibration of the bundled cohort files, and how well they give back the seeds.

    PYTHONPATH=src python benchmarks/calibration.py [--processus 2] [--runs 20]

For each bundled policy with a shipped table (Meurthe-et-Moselle: seed 002; Moselle: seed
004), fits its cohort model again from the table (``calibrate``, every dispositif, on
``--processus`` processes) and says whether the file written is the bundled one byte for
byte; then simulates ``--runs`` runs on another seed (1, the fit uses 0) and counts the
fitted cells within the tolerance. Prints one JSON line:

    {policy: {seconds, identical, cells, within, outside: [...]}}

The test suite checks a reduced path of the same fit (tests/simulation/test_calibration.py:
the CEC, a few seconds); this script is the whole of it (about 2 minutes on 2 cores).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from parcours.simulation import calibrate, confront  # noqa: E402

POLITIQUES = ("meurthe_et_moselle", "moselle")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--processus", type=int, default=2)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    resultats: dict[str, object] = {}
    for nom in POLITIQUES:
        start = time.perf_counter()
        with ProcessPoolExecutor(args.processus) as pool:
            calee = calibrate(nom, nom, executor=pool)
        seconds = time.perf_counter() - start
        bundled = (ROOT / "policies" / "cohortes" / f"{nom}.yaml").read_text(encoding="utf-8")
        vue = confront(nom, nom, runs=args.runs, seed=1)
        ajustees = [x for x in vue.cellules if x.cellule.usage == "ajuster"]
        hors = [x.cellule.libelle for x in ajustees if not x.dans_la_tolerance]
        resultats[nom] = {
            "seconds": round(seconds, 1),
            "identical": calee.texte() == bundled,
            "cells": len(ajustees),
            "within": len(ajustees) - len(hors),
            "outside": hors,
        }
    print(json.dumps(resultats, ensure_ascii=False))


if __name__ == "__main__":
    main()
