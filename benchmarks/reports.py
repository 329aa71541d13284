"""Benchmark: the bilan of a year over JSONL journals of 1M, 5M and 20M events, through the
public API, each in its own process: its time, throughput and peak memory (RSS), and the
ratio of the largest peak to the smallest (the memory is bounded when it stays near 1).

Generates each journal once (a seeded, realistic mix: prescriptions with a profile,
démarrages, CER, interviews every two to five weeks, some missed, exits with motifs) into
the temp directory and reuses it; then times ``bilan(path, policy, annee=2018)``, which reads,
checks and aggregates the whole file, in a child process whose own peak RSS is read from the
kernel (``wait4``). ``--src`` measures other source trees in the same run (an older commit's
``src``, say), each line of the output carrying its tree. Prints one JSON line.

    python benchmarks/reports.py [--evenements 1000000,5000000,20000000] [--src PATH ...]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

MOTIFS = ["cdi_cdd", "cddi", "formation", "sortie_rsa", "relais", "abandon"]
POLICY = 'departement: "54"\nlibelle: Banc d\'essai\ndispositifs:\n' + "".join(
    f"""  {ident}:
    libelle: {ident}
    etapes: [prescription, demarrage, bilan, sortie, reorientation]
    capacite: {{places: {places}, etp: 10, portefeuille_par_etp: 60}}
    rythme_entretiens: {{intervalle_max: {rythme}}}
    motifs_sortie:
"""
    + "".join(
        f"      {m}: {{libelle: {m}, categorie: {m}, positive: {str(m in MOTIFS[:3]).lower()}}}\n"
        for m in MOTIFS
    )
    # places for the 20M journal (1.3M dossiers): at the former 60000/40000/20000 the 5M journal
    # already gave démarrages beyond the places, which the engine refuses line by line
    for ident, places, rythme in [
        ("nancy_couronne", 1_200_000, "15 jours"),
        ("dom", 800_000, "1 mois"),
        ("lunevillois", 400_000, "6 semaines"),
    ]
)

# The child: one bilan, its figures as one JSON line (run with the source tree measured).
MESURE = """
import json, sys, time
from parcours.policies import load_policy_text
from parcours.reports import bilan
policy = load_policy_text(sys.argv[2], "banc.yaml")
debut = time.perf_counter()
b = bilan(sys.argv[1], policy, annee=2018)
secondes = time.perf_counter() - debut
assert b.lignes_ignorees == 0
assert b.total.accompagnees == b.total.sorties + b.total.encore_suivies
print(json.dumps({"events": b.evenements, "seconds": round(secondes, 3),
                  "accompagnees": b.total.accompagnees}))
"""


def generer(chemin: Path, evenements: int, seed: int = 2018) -> None:
    rng = random.Random(seed)
    origine = date(2016, 1, 1).toordinal()
    tmp = chemin.with_suffix(".jsonl.tmp")
    n = 0
    with tmp.open("w", encoding="utf-8") as f:
        i = 0
        while n < evenements:
            dossier = f"D{i:08d}"
            i += 1
            jour = origine + rng.randrange(1000)
            iso = date.fromordinal
            profil = (
                f'{{"sexe":"{rng.choice("FH")}",'
                f'"tranche_age":"{rng.choice(["moins_26", "26_49", "plus_50"])}",'
                f'"handicap":{"true" if rng.random() < 0.1 else "false"}}}'
            )
            lignes = [
                f'{{"dossier":"{dossier}","date":"{iso(jour)}","evenement":"prescription",'
                f'"dispositif":"{rng.choice(["nancy_couronne", "dom", "lunevillois"])}","profil":{profil}}}'
            ]
            if rng.random() < 0.9:
                jour += rng.randrange(5, 40)
                lignes.append(f'{{"dossier":"{dossier}","date":"{iso(jour)}","evenement":"demarrage"}}')
                lignes.append(f'{{"dossier":"{dossier}","date":"{iso(jour)}","evenement":"cer_signe"}}')
                for _ in range(rng.randrange(3, 16)):
                    jour += rng.randrange(10, 40)
                    presence = "absent" if rng.random() < 0.1 else "present"
                    lignes.append(
                        f'{{"dossier":"{dossier}","date":"{iso(jour)}","evenement":"entretien",'
                        f'"presence":"{presence}"}}'
                    )
                if rng.random() < 0.8:
                    jour += rng.randrange(1, 20)
                    lignes.append(
                        f'{{"dossier":"{dossier}","date":"{iso(jour)}","evenement":"sortie",'
                        f'"motif":"{rng.choice(MOTIFS)}"}}'
                    )
            lignes = lignes[: evenements - n]
            f.write("\n".join(lignes) + "\n")
            n += len(lignes)
    tmp.rename(chemin)


def mesurer(chemin: Path, src: str | None) -> dict[str, Any]:
    """One bilan of ``chemin`` in a child process: its figures and its own peak RSS."""
    env = dict(os.environ)
    if src is not None:
        env["PYTHONPATH"] = src
    enfant = subprocess.Popen(
        [sys.executable, "-c", MESURE, str(chemin), POLICY], stdout=subprocess.PIPE, env=env, text=True
    )
    assert enfant.stdout is not None
    sortie = enfant.stdout.read()
    _, statut, usage = os.wait4(enfant.pid, 0)
    if statut != 0:
        raise SystemExit(f"la mesure de {chemin} a échoué (statut {statut})")
    figures: dict[str, Any] = json.loads(sortie.strip().splitlines()[-1])
    figures["events_per_s"] = round(figures["events"] / figures["seconds"])
    figures["peak_rss_mib"] = round(usage.ru_maxrss / 1024, 1)
    figures["cpu_seconds"] = round(usage.ru_utime + usage.ru_stime, 3)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--evenements", default="1000000,5000000,20000000")
    parser.add_argument("--dossier", type=Path, default=Path(tempfile.gettempdir()))
    parser.add_argument("--src", action="append", default=None, help="source tree measured (PYTHONPATH)")
    args = parser.parse_args()
    tailles = [int(t) for t in args.evenements.split(",")]
    chemins = {t: args.dossier / f"parcours-bench-reports-{t}-v1.jsonl" for t in tailles}
    for taille, chemin in chemins.items():
        if not chemin.exists():
            generer(chemin, taille)
    charge = os.getloadavg()[0]
    debut = time.strftime("%Y-%m-%dT%H:%M:%S")
    resultats = []
    for src in args.src or [None]:
        mesures = {t: mesurer(chemins[t], src) for t in tailles}
        pics = [m["peak_rss_mib"] for m in mesures.values()]
        ligne: dict[str, Any] = {
            "src": src or "installed",
            "runs": [{"target_events": t, **m} for t, m in mesures.items()],
            "peak_rss_ratio_largest_to_smallest": round(
                mesures[max(tailles)]["peak_rss_mib"] / mesures[min(tailles)]["peak_rss_mib"], 3
            ),
            "peak_rss_max_over_min": round(max(pics) / min(pics), 3),
            "min_events_per_s": min(m["events_per_s"] for m in mesures.values()),
        }
        resultats.append(ligne)
    print(
        json.dumps(
            {
                "benchmark": "reports",
                "cores": os.cpu_count(),
                "load_average_1min_at_start": round(charge, 2),
                "started": debut,
                "results": resultats,
            }
        )
    )


if __name__ == "__main__":
    main()
