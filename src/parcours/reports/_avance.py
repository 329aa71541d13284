"""Reading ahead: the items of an iterator computed in a thread while the caller uses the last.

The format's query (DuckDB, its own threads) and the reading of the next batch release Python's
lock; writing the lines just read to their parts mostly does too. Running the first in a thread
lets the two overlap on a machine's cores. At most ``avance`` items wait between the thread and
the caller, so the memory taken stays that of a few batches; an exception raised by the
iterator is raised again in the caller, at the place of the item it stopped at, and a caller
that stops early stops the thread.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterable, Iterator
from typing import TypeVar, cast

__all__ = ["en_avance"]

T = TypeVar("T")

_FIN = object()


class _Erreur:
    def __init__(self, exc: BaseException) -> None:
        self.exc = exc


def en_avance(elements: Iterable[T], avance: int = 2) -> Iterator[T]:
    """The items of ``elements``, computed ``avance`` ahead in a thread."""
    file: queue.Queue[object] = queue.Queue(maxsize=avance)
    arret = threading.Event()

    def deposer(element: object) -> bool:
        while not arret.is_set():
            try:
                file.put(element, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def produire() -> None:
        iterateur = iter(elements)
        try:
            for element in iterateur:
                if not deposer(element):
                    return
        except BaseException as exc:  # handed to the caller, raised there
            deposer(_Erreur(exc))
            return
        finally:
            fermer = getattr(iterateur, "close", None)
            if fermer is not None:
                fermer()  # a source's connection or file closed in the thread that opened it
        deposer(_FIN)

    fil = threading.Thread(target=produire, name="parcours-lecture", daemon=True)
    fil.start()
    try:
        while True:
            element = file.get()
            if element is _FIN:
                return
            if isinstance(element, _Erreur):
                raise element.exc
            yield cast(T, element)
    finally:
        arret.set()
        fil.join()
