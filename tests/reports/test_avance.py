"""Reading ahead (reports/_avance.py): the items in order, errors where they happened, a thread
that stops with its caller and never runs far ahead."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from parcours.reports._avance import en_avance


def _fils() -> list[threading.Thread]:
    return [f for f in threading.enumerate() if f.name == "parcours-lecture"]


def test_items_come_in_order() -> None:
    assert list(en_avance(iter(range(1000)), avance=3)) == list(range(1000))
    assert list(en_avance(iter([]))) == []
    assert not _fils()


def test_an_error_comes_after_the_items_before_it() -> None:
    def source() -> Iterator[int]:
        yield 1
        yield 2
        raise ValueError("ligne 3 : illisible")

    vus: list[int] = []
    with pytest.raises(ValueError, match="ligne 3 : illisible"):
        for x in en_avance(source()):
            vus.append(x)
    assert vus == [1, 2]
    assert not _fils()


def test_a_caller_that_stops_stops_the_thread_and_closes_the_source() -> None:
    produits: list[int] = []
    ferme = threading.Event()

    def source() -> Iterator[int]:
        try:
            for i in range(10_000):
                produits.append(i)
                yield i
        finally:
            ferme.set()

    lecture = en_avance(source(), avance=2)
    assert next(lecture) == 0
    lecture.close()
    assert not _fils()
    assert ferme.is_set()
    # at most: the item taken, two waiting, one blocked on the full queue
    assert len(produits) <= 4


def test_the_thread_never_runs_more_than_avance_ahead() -> None:
    produits: list[int] = []

    def source() -> Iterator[int]:
        for i in range(100):
            produits.append(i)
            yield i

    ecarts = []
    for x in en_avance(source(), avance=2):
        ecarts.append(len(produits) - 1 - x)
    assert max(ecarts) <= 3
