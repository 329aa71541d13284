"""Benchmark of the journals with one and four writer processes; prints one JSON line.

    PYTHONPATH=src python benchmarks/journal.py                  # 1M events
    PYTHONPATH=src python benchmarks/journal.py --events 200000  # a quicker run
    PYTHONPATH=src python benchmarks/journal.py --url postgresql://...  # an existing server

For each backend (JSONL, SQLite, PostgreSQL), in one run:

* ``ajout_1_events_per_s``: one process appends the whole stream with ``apply_many`` (batches
  of 10,000 events, one transaction each);
* ``ajout_4_events_per_s``: four processes append a quarter each (their dossiers are
  disjoint), at once, on one journal: every process also catches up with the others' lines
  before it writes (each keeps the whole state), so the four share one journal's lock;
  ``conflits_4`` counts the ConflitError they met (each retried from the refused event). A
  JSONL journal has one writer: the others are refused (``refuses_4``), as they must be;
* ``rejeu_events_per_s``: ``Engine.replay`` of the journal the single writer wrote;
* ``concurrence_*``: four processes each applying ``--concurrence`` events one ``apply`` at a
  time to the same few dozen dossiers of a dispositif of four places (the workload of
  tests/journals/test_writers.py): events/s and conflicts met.

The stream is benchmarks/engine.py's generator over a policy without capacity limits (so that
any interleaving of the four writers is a valid journal) and a long convention (so that its
3,000 lanes of successive dossiers reach the number of events asked), about 16 events per
dossier. Without
``--url``, a throwaway PostgreSQL server is started as the tests do (tests/pg_server.py).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

RACINE = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(RACINE / "tests"))

from parcours import ConflitError, Engine, JournalError  # noqa: E402
from parcours.policies import Policy, load_policy_text  # noqa: E402

_POLITIQUE = """
departement: Banc
libelle: Politique de banc d'essai des journaux (sans limite de places)
dispositifs:
  global:
    libelle: Accompagnement global
    etapes: [reperage, prescription, diagnostic_partage, demarrage, bilan, sortie, reorientation]
    duree: {cer: 6 mois, renouvellements_max: 1, maximum: 9 mois}
    rythme_entretiens: {intervalle_max: 1 mois, au_demarrage: {intervalle_max: 15 jours, pendant: 2 mois}}
    motifs_sortie:
      cdi: {libelle: CDI, categorie: emploi, positive: true, emploi: true}
      abandon: {libelle: Abandon, categorie: autre, positive: false}
    veille: {duree: 6 mois, motifs: [cdi]}
    convention: {debut: 2017-01-01, fin: 2040-12-31}
"""
_ECRIVAIN = RACINE / "tests" / "journals" / "ecrivain.py"
_POLITIQUE_CONCURRENCE = RACINE / "tests" / "engine" / "politique_test.yaml"


def _generer(policy: Policy, n: int) -> list[dict[str, Any]]:
    spec = importlib.util.spec_from_file_location("banc_moteur", RACINE / "benchmarks" / "engine.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    events: list[dict[str, Any]] = module.generate(policy, n, n // 10)
    return events


# --- one writer process (this file run with --ecrire) -------------------------------------------


def ecrire(politique: Path, journal: str, evenements: Path, depart: Path) -> dict[str, Any]:
    """Append the events of ``evenements`` (JSONL) to ``journal`` once ``depart`` exists."""
    policy = load_policy_text(politique.read_text("utf-8"), str(politique))
    events = [json.loads(ligne) for ligne in evenements.read_text("utf-8").splitlines()]
    try:
        engine = Engine.replay(policy, journal, continuer=True)
    except JournalError as exc:
        return {"refuse": str(exc)}
    while not depart.exists():  # the four start together
        time.sleep(0.001)
    debut, conflits, reste = time.time(), 0, events
    while reste:
        try:
            engine.apply_many(reste)
            reste = []
        except ConflitError as exc:
            conflits += 1
            assert exc.rang is not None
            reste = reste[exc.rang - 1 :]  # the events before it are applied
    engine.close()
    return {"debut": debut, "fin": time.time(), "conflits": conflits, "evenements": len(events)}


# --- the parent ---------------------------------------------------------------------------------


def _journal(backend: str, dossier: Path, url: str | None, nom: str) -> str:
    if backend == "jsonl":
        return str(dossier / f"{nom}.jsonl")
    if backend == "sqlite":
        return str(dossier / f"{nom}.sqlite")
    assert url is not None
    return _schema(url, nom)


def _schema(url: str, nom: str) -> str:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA IF EXISTS {nom} CASCADE")
        conn.execute(f"CREATE SCHEMA {nom}")
    separateur = "&" if "?" in url else "?"
    return f"{url}{separateur}options=-csearch_path%3D{nom}"


def _ajouter(politique: Path, journal: str, parts: list[Path], dossier: Path) -> dict[str, Any]:
    """Run one writer process per part, started together; events/s over the wall time."""
    depart = dossier / f"depart-{time.monotonic_ns()}"
    env = {**os.environ, "PYTHONPATH": str(RACINE / "src")}
    commande = [sys.executable, __file__, "--ecrire", str(politique), journal]
    procs = [
        subprocess.Popen([*commande, str(p), str(depart)], stdout=subprocess.PIPE, text=True, env=env)
        for p in parts
    ]
    time.sleep(1.0 + 0.5 * len(parts))  # let each read its events and open the journal
    depart.touch()
    sorties = [json.loads(p.communicate()[0]) for p in procs]
    faits = [s for s in sorties if "refuse" not in s]
    n = sum(s["evenements"] for s in faits)
    duree = max(s["fin"] for s in faits) - min(s["debut"] for s in faits)
    return {
        "events_per_s": round(n / duree),
        "evenements": n,
        "conflits": sum(s["conflits"] for s in faits),
        "refuses": len(sorties) - len(faits),
    }


def _rejouer(policy: Policy, journal: str, lignes: int) -> float:
    debut = time.perf_counter()
    engine = Engine.replay(policy, journal)
    duree = time.perf_counter() - debut
    engine.close()
    return lignes / duree


def _concurrence(backend: str, dossier: Path, url: str | None, n: int) -> dict[str, Any]:
    journal = _journal(backend, dossier, url, f"concurrence_{backend}")
    policy = load_policy_text(_POLITIQUE_CONCURRENCE.read_text("utf-8"), str(_POLITIQUE_CONCURRENCE))
    Engine(policy, journal).close()
    env = {**os.environ, "PYTHONPATH": str(RACINE / "src")}
    debut = time.perf_counter()
    procs = [
        subprocess.Popen(
            [sys.executable, str(_ECRIVAIN), str(_POLITIQUE_CONCURRENCE), journal, str(n), str(g)],
            stdout=subprocess.PIPE,
            text=True,
            env=env,
        )
        for g in range(1, 5)
    ]
    sorties = [json.loads(p.communicate()[0]) for p in procs]
    duree = time.perf_counter() - debut
    return {"events_per_s": round(4 * n / duree), "conflits": sum(s["conflits"] for s in sorties)}


def _banc(
    backend: str,
    policy: Policy,
    politique: Path,
    parts: list[Path],
    tout: Path,
    dossier: Path,
    url: str | None,
    concurrence: int,
) -> dict[str, Any]:
    seul = _journal(backend, dossier, url, f"seul_{backend}")
    un = _ajouter(politique, seul, [tout], dossier)
    quatre = _ajouter(politique, _journal(backend, dossier, url, f"quatre_{backend}"), parts, dossier)
    resultat: dict[str, Any] = {
        "ajout_1_events_per_s": un["events_per_s"],
        "ajout_4_events_per_s": quatre["events_per_s"],
        "conflits_4": quatre["conflits"],
        "refuses_4": quatre["refuses"],
        "rejeu_events_per_s": round(_rejouer(policy, seul, un["evenements"])),
    }
    if backend != "jsonl":
        c = _concurrence(backend, dossier, url, concurrence)
        resultat["concurrence_events_per_s"] = c["events_per_s"]
        resultat["concurrence_conflits"] = c["conflits"]
    return resultat


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--url", default=None, help="a PostgreSQL server (default: a throwaway one)")
    parser.add_argument("--concurrence", type=int, default=2000, help="events per writer, one apply each")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        dossier = Path(tmp)
        politique = dossier / "banc.yaml"
        politique.write_text(_POLITIQUE, "utf-8")
        policy = load_policy_text(_POLITIQUE, str(politique))
        events = _generer(policy, args.events)
        tout = dossier / "tout.jsonl"
        tout.write_text("".join(json.dumps(e) + "\n" for e in events), "utf-8")
        parts = [dossier / f"part{k}.jsonl" for k in range(4)]
        for k, part in enumerate(parts):
            part.write_text(
                "".join(json.dumps(e) + "\n" for e in events if int(e["dossier"][1:]) % 4 == k), "utf-8"
            )
        serveur = None
        url = args.url
        if url is None:
            from pg_server import demarrer

            serveur = demarrer()
            url = serveur.url
        try:
            resultat: dict[str, Any] = {
                "events": len(events),
                "dossiers": len({e["dossier"] for e in events}),
            }
            for backend in ("jsonl", "sqlite", "postgresql"):
                resultat[backend] = _banc(
                    backend, policy, politique, parts, tout, dossier, url, args.concurrence
                )
        finally:
            if serveur is not None:
                serveur.arreter()
    resultat["machine"] = {"cpus": os.cpu_count(), "charge_1_min": round(os.getloadavg()[0], 2)}
    print(json.dumps(resultat))


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--ecrire":
        print(json.dumps(ecrire(Path(sys.argv[2]), sys.argv[3], Path(sys.argv[4]), Path(sys.argv[5]))))
    else:
        main()
