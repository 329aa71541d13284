"""A throwaway PostgreSQL server for the tests: initdb and postgres in a temporary directory.

``demarrer()`` makes a cluster (about one second), listening only on a unix socket in its own
directory (no port to clash with), and returns a :class:`Serveur` whose ``url`` the journal
takes. The server is our child and dies with us (``PR_SET_PDEATHSIG``); :meth:`Serveur.arreter`
stops it and removes its directory. As root, initdb and postgres (which refuse root) run as
the ``postgres`` system user (``$PARCOURS_PG_USER`` to choose another). The binaries are
Debian's ``/usr/lib/postgresql/<version>/bin`` (``$PG_BINDIR`` to point elsewhere): ``.ci/run``
installs ``postgresql-15`` when it is missing. Durability is off (``fsync=off``): the cluster
lives as long as the test session.
"""

from __future__ import annotations

import contextlib
import ctypes
import glob
import os
import pwd
import shutil
import signal
import subprocess
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

__all__ = ["ErreurServeur", "Serveur", "demarrer"]


class ErreurServeur(RuntimeError):
    """No server could be started (binaries missing, initdb or postgres failed)."""


def _binaires() -> Path:
    candidats = (
        [os.environ["PG_BINDIR"]]
        if os.environ.get("PG_BINDIR")
        else sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[-2]), reverse=True)
    )
    for dossier in map(Path, candidats):
        if os.access(dossier / "initdb", os.X_OK) and os.access(dossier / "postgres", os.X_OK):
            return dossier
    raise ErreurServeur(
        "binaires du serveur PostgreSQL introuvables (PG_BINDIR, /usr/lib/postgresql/*/bin) : "
        "apt-get install -y --no-install-recommends postgresql-15"
    )


def _utilisateur() -> tuple[int, int]:
    if os.geteuid() != 0:
        return os.geteuid(), os.getegid()
    for nom in filter(None, (os.environ.get("PARCOURS_PG_USER"), "postgres", "nobody")):
        try:
            pw = pwd.getpwnam(nom)
        except KeyError:
            continue
        if pw.pw_uid != 0:
            return pw.pw_uid, pw.pw_gid
    raise ErreurServeur("en root, aucun utilisateur non root (postgres, nobody) pour le serveur")


def _mourir_avec_le_parent() -> None:  # in the child, after the change of user
    with contextlib.suppress(OSError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGQUIT)  # PR_SET_PDEATHSIG


@dataclass
class Serveur:
    """A running server: ``url`` reaches its ``postgres`` database as the ``postgres`` role."""

    dossier: Path
    processus: subprocess.Popen[bytes] = field(repr=False)

    @property
    def url(self) -> str:
        return f"postgresql://postgres@/postgres?host={quote(str(self.dossier))}&port=5432"

    def url_schema(self, schema: str) -> str:
        """The URL of the same database with ``schema`` first on the search path."""
        return f"{self.url}&options={quote('-csearch_path=' + schema)}"

    def journal(self) -> str:
        return (self.dossier / "postgres.log").read_text("utf-8", errors="replace")

    def arreter(self) -> None:
        if self.processus.poll() is None:
            for sig in (signal.SIGINT, signal.SIGQUIT, signal.SIGKILL):  # fast shutdown first
                self.processus.send_signal(sig)
                try:
                    self.processus.wait(10)
                    break
                except subprocess.TimeoutExpired:
                    continue
        shutil.rmtree(self.dossier, ignore_errors=True)


def demarrer(delai: float = 60.0) -> Serveur:
    """Start a fresh cluster under $TMPDIR (short path: a socket path has 107 bytes at most)."""
    binaires = _binaires()
    uid, gid = _utilisateur()
    comme = {"user": uid, "group": gid, "extra_groups": []} if os.geteuid() == 0 else {}
    dossier = Path(tempfile.mkdtemp(prefix="pg-"))
    if os.geteuid() == 0:
        os.chown(dossier, uid, gid)
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "TZ": "UTC",
    }
    donnees = dossier / "data"
    fait = subprocess.run(
        [
            binaires / "initdb",
            "-D",
            donnees,
            "-U",
            "postgres",
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
            "--no-instructions",
        ],
        cwd=dossier,
        env=env,
        capture_output=True,
        text=True,
        timeout=delai,
        **comme,  # type: ignore[arg-type]
    )
    if fait.returncode != 0:
        shutil.rmtree(dossier, ignore_errors=True)
        raise ErreurServeur(f"initdb a échoué ({fait.returncode}) : {fait.stderr[-2000:]}")
    reglages = {
        "listen_addresses": "''",
        "port": "5432",
        "unix_socket_directories": f"'{dossier}'",
        "fsync": "off",
        "synchronous_commit": "off",
        "full_page_writes": "off",
        "max_connections": "60",
        "timezone": "'UTC'",
        "logging_collector": "off",
    }
    with open(donnees / "postgresql.auto.conf", "a", encoding="utf-8") as conf:
        conf.writelines(f"{cle} = {valeur}\n" for cle, valeur in reglages.items())
    processus = subprocess.Popen(
        [binaires / "postgres", "-D", donnees],
        cwd=dossier,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        preexec_fn=_mourir_avec_le_parent,
        start_new_session=True,
        **comme,  # type: ignore[arg-type]
    )
    serveur = Serveur(dossier, processus)
    pret, vu = threading.Event(), []
    copie = threading.Thread(
        target=_recopier, args=(processus, dossier / "postgres.log", pret, vu), daemon=True
    )
    copie.start()
    # Ready when the server says so in its log (read as it writes it: no polling, no clock);
    # the event is also set when its output ends, i.e. when it stopped.
    if not pret.wait(delai) or not vu:
        copie.join(5)
        texte = serveur.journal()
        etat = f"s'est arrêté ({processus.wait(5)})" if pret.is_set() else f"n'est pas prêt après {delai} s"
        serveur.arreter()
        raise ErreurServeur(f"postgres {etat} : {texte[-2000:]}")
    return serveur


_PRET = b"database system is ready to accept connections"


def _recopier(processus: subprocess.Popen[bytes], log: Path, pret: threading.Event, vu: list[bool]) -> None:
    """Copy the server's output into ``log`` line by line; once it says it is ready, note it in
    ``vu`` and set ``pret`` (also set when its output ends); keep draining the pipe so that the
    server never blocks on it."""
    assert processus.stdout is not None
    with open(log, "ab", buffering=0) as sortie:
        for ligne in processus.stdout:
            sortie.write(ligne)
            if _PRET in ligne:
                vu.append(True)
                pret.set()
    pret.set()
