"""Benchmark: the bilan of a year over a 5M-event JSONL journal, through the public API.

Generates the journal once (a seeded, realistic mix: prescriptions with a profile,
démarrages, CER, interviews every two to five weeks, some missed, exits with motifs) into
the temp directory and reuses it; then times ``bilan(path, policy, annee=2018)``, which reads,
checks and aggregates the whole file. Prints one JSON line.

    python benchmarks/reports.py [--evenements 5000000] [--journal PATH]
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import tempfile
import time
from datetime import date
from pathlib import Path

from parcours.policies import load_policy_text
from parcours.reports import bilan

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
    for ident, places, rythme in [
        ("nancy_couronne", 60000, "15 jours"),
        ("dom", 40000, "1 mois"),
        ("lunevillois", 20000, "6 semaines"),
    ]
)


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--evenements", type=int, default=5_000_000)
    parser.add_argument("--journal", type=Path, default=None)
    args = parser.parse_args()
    chemin = (
        args.journal or Path(tempfile.gettempdir()) / f"parcours-bench-reports-{args.evenements}-v1.jsonl"
    )
    if not chemin.exists():
        generer(chemin, args.evenements)
    policy = load_policy_text(POLICY, "banc.yaml")
    debut = time.perf_counter()
    b = bilan(chemin, policy, annee=2018)
    secondes = time.perf_counter() - debut
    assert b.lignes_ignorees == 0
    assert b.total.accompagnees == b.total.sorties + b.total.encore_suivies
    evenements = b.evenements
    print(
        json.dumps(
            {
                "events": evenements,
                "seconds": round(secondes, 3),
                "events_per_s": round(evenements / secondes),
                "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            }
        )
    )


if __name__ == "__main__":
    main()
