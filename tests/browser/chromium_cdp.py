"""A headless Chromium driven over the DevTools protocol on a pipe: standard library only.

Chromium started with ``--remote-debugging-pipe`` reads commands on its fd 3 and writes replies
and events on its fd 4, each message a JSON text ended by a NUL byte. No port is opened, no
package is needed. One browser serves the whole test session; each page is a target attached
with a flat session. Console errors are gathered from the three events that carry them.
"""

from __future__ import annotations

import base64
import contextlib
import ctypes
import fcntl
import json
import os
import select
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path
from typing import Any

FLAGS = (
    "--headless",
    "--no-sandbox",  # the tests may run as root
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--hide-scrollbars",
    "--force-device-scale-factor=1",
    "--lang=fr-FR",
)
ATTENTE = 60.0  # seconds a reply may take before the browser is deemed stuck (no test measures time)


class ErreurNavigateur(RuntimeError):
    """The browser refused a command, closed its pipe or did not answer."""


def _haut(fd: int) -> int:
    """``fd`` moved to a number above 9, so that placing the child's ends on 3 and 4 cannot clobber it."""
    haut = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10)
    os.close(fd)
    return haut


def _meurt_avec_le_parent() -> None:
    with contextlib.suppress(OSError):  # PR_SET_PDEATHSIG: no browser left behind
        ctypes.CDLL("libc.so.6").prctl(1, signal.SIGTERM)


class Chromium:
    """One browser process and its pipe."""

    def __init__(self, executable: str) -> None:
        self.profil = tempfile.mkdtemp(prefix="parcours-chromium-")
        commandes_r, self._commandes = os.pipe()
        self._reponses, reponses_w = os.pipe()
        commandes_r, reponses_w = _haut(commandes_r), _haut(reponses_w)

        # bash puts the child's ends on fds 3 and 4 and execs chromium: subprocess alone cannot
        # place a descriptor on a given number without racing its own error pipe.
        script = f'exec "$0" "$@" 3<&{commandes_r} 4>&{reponses_w} {commandes_r}<&- {reponses_w}>&-'
        args = [
            executable,
            *FLAGS,
            f"--user-data-dir={self.profil}",
            "--remote-debugging-pipe",
            "about:blank",
        ]
        journal = Path(self.profil, "stderr.log").open("wb")  # noqa: SIM115 - handed to the child
        self.process = subprocess.Popen(
            ["bash", "-c", script, *args],
            pass_fds=(commandes_r, reponses_w),
            preexec_fn=_meurt_avec_le_parent,  # the test process has one thread
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=journal,
            start_new_session=True,
        )
        journal.close()
        os.close(commandes_r)
        os.close(reponses_w)
        self._tampon = bytearray()
        self._numero = 0
        self._evenements: list[dict[str, Any]] = []
        self.pages: list[Page] = []
        try:
            self.version = str(self.send("Browser.getVersion")["product"])
        except BaseException:
            self.close()
            raise

    def _lire(self, attente: float) -> list[dict[str, Any]]:
        """The next complete messages (several may come in one read); [] if none comes in ``attente``."""
        while b"\0" not in self._tampon:
            prets, _, _ = select.select([self._reponses], [], [], attente)
            if not prets:
                return []
            morceau = os.read(self._reponses, 1 << 20)
            if not morceau:
                raise ErreurNavigateur("chromium a fermé son tube")
            self._tampon.extend(morceau)
        messages = []
        while b"\0" in self._tampon:  # every message of the read, events after a reply included
            fin = self._tampon.index(b"\0")
            messages.append(json.loads(self._tampon[:fin]))
            del self._tampon[: fin + 1]
        return messages

    def _evenement(self, message: dict[str, Any]) -> None:
        for page in self.pages:
            if message.get("sessionId") == page.session:
                page.recevoir(message)
        self._evenements.append(message)

    def send(self, methode: str, params: dict[str, Any] | None = None, session: str | None = None) -> Any:
        self._numero += 1
        numero = self._numero
        message: dict[str, Any] = {"id": numero, "method": methode, "params": params or {}}
        if session is not None:
            message["sessionId"] = session
        os.write(self._commandes, json.dumps(message).encode() + b"\0")
        while True:
            messages = self._lire(ATTENTE)
            if not messages:
                raise ErreurNavigateur(f"{methode} : pas de réponse")
            reponse = None
            for m in messages:
                if m.get("id") == numero:
                    reponse = m
                elif "method" in m:
                    self._evenement(m)
            if reponse is not None:
                if "error" in reponse:
                    raise ErreurNavigateur(f"{methode} : {reponse['error']}")
                return reponse.get("result", {})

    def wait_event(self, methode: str, session: str) -> dict[str, Any]:
        while True:
            for i, m in enumerate(self._evenements):
                if m["method"] == methode and m.get("sessionId") == session:
                    return self._evenements.pop(i)
            messages = self._lire(ATTENTE)
            if not messages:
                raise ErreurNavigateur(f"pas d'événement {methode}")
            for m in messages:
                if "method" in m:
                    self._evenement(m)

    def page(self, largeur: int = 1024, hauteur: int = 768) -> Page:
        page = Page(self, largeur, hauteur)
        self.pages.append(page)
        return page

    def close(self) -> None:
        with contextlib.suppress(ErreurNavigateur, OSError):
            self.send("Browser.close")
        for fd in (self._commandes, self._reponses):
            with contextlib.suppress(OSError):
                os.close(fd)
        try:
            self.process.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)
        shutil.rmtree(self.profil, ignore_errors=True)


class Page:
    """A tab: open a file, evaluate a script, take a screenshot, switch to the print media."""

    def __init__(self, navigateur: Chromium, largeur: int, hauteur: int) -> None:
        self.navigateur = navigateur
        self.erreurs: list[str] = []
        self.cible = navigateur.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.session: str = navigateur.send(
            "Target.attachToTarget", {"targetId": self.cible, "flatten": True}
        )["sessionId"]
        for domaine in ("Page.enable", "Runtime.enable", "Log.enable"):
            navigateur.send(domaine, session=self.session)
        self.taille(largeur, hauteur)

    def recevoir(self, m: dict[str, Any]) -> None:
        p = m.get("params", {})
        if m["method"] == "Runtime.consoleAPICalled" and p.get("type") in ("error", "assert"):
            self.erreurs.append(" ".join(str(a.get("value", a.get("description", ""))) for a in p["args"]))
        elif m["method"] == "Runtime.exceptionThrown":
            details = p["exceptionDetails"]
            self.erreurs.append(details.get("exception", {}).get("description") or details.get("text", ""))
        elif m["method"] == "Log.entryAdded" and p["entry"]["level"] == "error":
            self.erreurs.append(f"{p['entry']['text']} {p['entry'].get('url', '')}".strip())

    def taille(self, largeur: int, hauteur: int) -> None:
        self.navigateur.send(
            "Emulation.setDeviceMetricsOverride",
            {"width": largeur, "height": hauteur, "deviceScaleFactor": 1, "mobile": False},
            session=self.session,
        )

    def impression(self, oui: bool) -> None:
        """Lay the page out for print (its @media print rules) or back for the screen."""
        self.navigateur.send(
            "Emulation.setEmulatedMedia", {"media": "print" if oui else ""}, session=self.session
        )

    def open(self, chemin: Path) -> None:
        self.erreurs.clear()
        reponse = self.navigateur.send("Page.navigate", {"url": chemin.as_uri()}, session=self.session)
        if reponse.get("errorText"):
            raise ErreurNavigateur(f"{chemin} : {reponse['errorText']}")
        self.navigateur.wait_event("Page.loadEventFired", self.session)
        self.evaluate("document.fonts.ready.then(() => true)")

    def evaluate(self, expression: str) -> Any:
        reponse = self.navigateur.send(
            "Runtime.evaluate",
            {"expression": expression, "returnByValue": True, "awaitPromise": True},
            session=self.session,
        )
        if "exceptionDetails" in reponse:
            raise ErreurNavigateur(str(reponse["exceptionDetails"]))
        return reponse["result"].get("value")

    def screenshot(self, chemin: Path) -> Path:
        donnees = self.navigateur.send(
            "Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True}, session=self.session
        )["data"]
        chemin.write_bytes(base64.b64decode(donnees))
        return chemin

    def close(self) -> None:
        self.navigateur.pages.remove(self)
        self.navigateur.send("Target.closeTarget", {"targetId": self.cible})
