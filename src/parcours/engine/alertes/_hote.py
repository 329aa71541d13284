"""durable_rules behind a small door: one private host, no threads, no exception leaks.

What durable_rules 2.0.28 does that must not reach the library (measured here):

* ``durable.lang`` keeps a module-level host and ruleset registry: we never import it; the
  rulesets are given as JSON definitions to a host of our own.
* ``durable.engine.Host.__init__`` starts two re-arming ``threading.Timer`` threads (action
  dispatch and wall-clock timers, every 0.2 s) that would run actions on another thread: our
  host overrides ``_run`` to start none. Actions run synchronously inside ``assert_fact``.
* ``MessageNotHandledException`` for a fact no rule looks at is normal here and is dropped;
  any other error of the C engine or of an action becomes a :class:`ParcoursError`.
* The C engine keeps at most 1024 ``sid`` (states) per ruleset (``MemoryError`` beyond) and
  ``delete_state`` crashes the process: every fact goes to the default sid, carries its
  ``dossier`` and an explicit ``id`` (without one, facts of equal content collide), and rules
  join on ``dossier`` equality. Cross-fact ``$gt``/``$lt`` references crash a ruleset that is
  not the first of the process (jruizgit/rules#381): rules use equality joins only.
* The C rulesets are freed (``delete_ruleset``) when the host is closed or collected.

The module imports durable_rules only when a host is built.
"""

from __future__ import annotations

import contextlib
import importlib
import itertools
import weakref
from collections.abc import Callable, Mapping
from typing import Any

from parcours.errors import ParcoursError

__all__ = ["Hote"]

_noms = itertools.count(1)


def _liberer(handles: list[int]) -> None:
    try:
        c_engine = importlib.import_module("durable_rules_engine")
    except ImportError:  # pragma: no cover - interpreter shutting down
        return
    while handles:
        with contextlib.suppress(Exception):
            c_engine.delete_ruleset(handles.pop())


class Hote:
    """A durable_rules host of our own: ``ajouter`` rulesets, ``affirmer``/``retirer`` facts."""

    def __init__(self) -> None:
        engine = importlib.import_module("durable.engine")

        class _SansMinuteurs(engine.Host):  # type: ignore[misc, name-defined]
            def _run(self) -> None:  # no dispatch thread, no wall-clock timers
                return None

        self._host: Any = _SansMinuteurs()
        self._non_traite: type[BaseException] = engine.MessageNotHandledException
        self._handles: list[int] = []
        self._fin = weakref.finalize(self, _liberer, self._handles)

    def ajouter(self, prefixe: str, regles: Mapping[str, Mapping[str, Any]]) -> str:
        """Register one ruleset (rule name → JSON definition with its ``run`` callable); its name."""
        nom = f"{prefixe}${next(_noms)}"
        try:
            self._host.register_rulesets({nom: {k: dict(v) for k, v in regles.items()}})
        except Exception as exc:
            raise ParcoursError(f"moteur de règles : ensemble de règles refusé ({exc})") from None
        self._handles.append(self._host.get_ruleset(nom)._handle)
        return nom

    def affirmer(self, ruleset: str, fait: dict[str, Any]) -> bool:
        """Assert a fact (its rules' actions run before this returns); False if no rule wants it."""
        return self._appeler(self._host.assert_fact, ruleset, fait)

    def retirer(self, ruleset: str, fait: dict[str, Any]) -> bool:
        return self._appeler(self._host.retract_fact, ruleset, fait)

    def faits(self, ruleset: str) -> list[dict[str, Any]]:
        """The facts the ruleset holds (for tests and measurements)."""
        result: list[dict[str, Any]] = self._host.get_facts(ruleset)
        return result

    def fermer(self) -> None:
        self._fin()

    def _appeler(
        self, fonction: Callable[[str, dict[str, Any]], Any], ruleset: str, fait: dict[str, Any]
    ) -> bool:
        try:
            fonction(ruleset, fait)
        except self._non_traite:
            return False
        except ParcoursError:
            raise
        except BaseException as exc:
            if isinstance(exc, (KeyboardInterrupt, SystemExit)):
                raise
            nom = type(exc).__name__
            raise ParcoursError(f"moteur de règles : {nom} sur le fait {fait!r} ({exc})") from None
        return True
