"""durable_rules behind a small door: one private host, no threads, no exception leaks.

What durable_rules 2.0.28 does that must not reach the library (measured here):

* ``durable.lang`` keeps a module-level host and ruleset registry: we never import it; the
  rulesets are given as JSON definitions to a host of our own.
* ``durable.engine.Host.__init__`` starts two re-arming ``threading.Timer`` threads (action
  dispatch and wall-clock timers, every 0.2 s) that would run actions on another thread: our
  host overrides ``_run`` to start none. Actions run synchronously inside ``assert_fact``.
* ``MessageNotHandledException`` for a fact no rule looks at is normal here and is dropped;
  any other error of the C engine becomes a :class:`~parcours.errors.RulesEngineError`. durable_rules swallows
  an action's exception (it writes it into the sid's state): our actions are wrapped to
  keep it, and it becomes a :class:`~parcours.errors.RulesEngineError` too. Actions take one argument: a
  two-argument (asynchronous) action would start a lease timer thread.
* The C engine keeps at most 1024 ``sid`` (states) per ruleset (``MemoryError`` beyond) and
  ``delete_state`` crashes the process: every fact goes to the default sid, carries its
  ``dossier`` and an explicit ``id`` (without one, facts of equal content collide), and rules
  join on ``dossier`` equality. Cross-fact ``$gt``/``$lt`` references crash a ruleset that is
  not the first of the process (jruizgit/rules#381): rules use equality joins only.
* The C rulesets are freed (``delete_ruleset``) when the host is closed; a collected host's
  are freed at the next safe point (a host built or closed), never from inside a C call.
* ``Host.assert_fact`` re-creates a JSON encoder for every fact (``json.dumps`` with
  ``ensure_ascii=False``) and looks the ruleset up by name: the hot path calls the C
  extension with an encoder built once, then ``Ruleset.do_actions`` exactly as
  ``Host._handle_function`` does (durable_rules 2.0.28's own sequence).

The module imports durable_rules only when a host is built.
"""

from __future__ import annotations

import contextlib
import importlib
import itertools
import weakref
from collections.abc import Callable, Mapping
from typing import Any

from parcours._encoding import encode
from parcours.errors import RulesEngineError

__all__ = ["Hote"]

_noms = itertools.count(1)


#: Handles of collected hosts, freed at the next safe point (see ``_differer``).
_a_liberer: list[int] = []


def _differer(handles: list[int]) -> None:
    """Finalizer of a host: only queue its rulesets.

    A garbage collection can run inside another host's C call (an action runs Python code in
    the middle of ``assert_fact``); freeing a ruleset then, while the C engine is busy, crashed
    the process once in the test suite. Rulesets are freed where no C call is under way: when
    a host is built or closed.
    """
    _a_liberer.extend(handles)
    handles.clear()


def _liberer_en_attente() -> None:
    if not _a_liberer:
        return
    try:
        c_engine = importlib.import_module("durable_rules_engine")
    except ImportError:  # pragma: no cover - interpreter shutting down
        return
    while _a_liberer:
        with contextlib.suppress(Exception):
            c_engine.delete_ruleset(_a_liberer.pop())


class Hote:
    """A durable_rules host of our own: ``ajouter`` rulesets, ``affirmer``/``retirer`` facts."""

    def __init__(self) -> None:
        _liberer_en_attente()
        engine = importlib.import_module("durable.engine")

        class _SansMinuteurs(engine.Host):  # type: ignore[misc, name-defined]
            def _run(self) -> None:  # no dispatch thread, no wall-clock timers
                return None

        self._host: Any = _SansMinuteurs()
        self._c: Any = importlib.import_module("durable_rules_engine")
        self._rulesets: dict[str, Any] = {}
        self._pannes: list[BaseException] = []
        self._handles: list[int] = []
        #: facts asserted or retracted so far (for measurements)
        self.operations = 0
        self._fin = weakref.finalize(self, _differer, self._handles)

    def ajouter(self, prefixe: str, regles: Mapping[str, Mapping[str, Any]]) -> str:
        """Register one ruleset (rule name → JSON definition with its ``run`` callable); its name."""
        nom = f"{prefixe}${next(_noms)}"
        definitions = {k: {**v, "run": self._garder(v["run"])} for k, v in regles.items()}
        try:
            self._host.register_rulesets({nom: definitions})
        except Exception as exc:
            raise RulesEngineError(f"moteur de règles : ensemble de règles refusé ({exc})") from exc
        objet = self._host.get_ruleset(nom)
        self._rulesets[nom] = objet
        self._handles.append(objet._handle)
        return nom

    def affirmer(self, ruleset: str, fait: dict[str, Any]) -> bool:
        """Assert a fact (its rules' actions run before this returns); False if no rule wants it."""
        return self._appeler(self._c.assert_fact, ruleset, fait)

    def retirer(self, ruleset: str, fait: dict[str, Any]) -> bool:
        return self._appeler(self._c.retract_fact, ruleset, fait)

    def faits(self, ruleset: str) -> list[dict[str, Any]]:
        """The facts the ruleset holds (for tests and measurements)."""
        result: list[dict[str, Any]] = self._host.get_facts(ruleset)
        return result

    def fermer(self) -> None:
        self._fin()
        _liberer_en_attente()

    def _garder(self, action: Callable[[Any], None]) -> Callable[[Any], None]:
        """``action``, keeping its exception (durable_rules would swallow it)."""
        pannes = self._pannes

        def gardee(c: Any) -> None:
            try:
                action(c)
            except Exception as exc:
                pannes.append(exc)

        return gardee

    def _appeler(self, fonction: Callable[[int, str], Any], ruleset: str, fait: dict[str, Any]) -> bool:
        """One C call, then the actions it started (``Host._handle_function``'s sequence)."""
        self.operations += 1
        objet = self._rulesets[ruleset]
        erreur: list[BaseException] = []
        try:
            resultat = fonction(objet._handle, encode(fait))
            code = resultat[0]
            if code == 1:  # MessageNotHandledException: no rule looks at this fact
                return False
            if code == 2:  # MessageObservedException: a fact with this id is already held
                raise RulesEngineError(f"moteur de règles : fait déjà présent {fait!r}")
            objet.do_actions(
                0 if code == 3 else resultat[1], lambda e, _etat: erreur.append(e) if e else None
            )
        except RulesEngineError:
            raise
        except Exception as exc:
            raise RulesEngineError(
                f"moteur de règles : {type(exc).__name__} sur le fait {fait!r} ({exc})"
            ) from exc
        if erreur or self._pannes:
            cause = (erreur or self._pannes)[0]
            self._pannes.clear()
            raise RulesEngineError(
                f"moteur de règles : {type(cause).__name__} sur le fait {fait!r} ({cause})"
            )
        return True
