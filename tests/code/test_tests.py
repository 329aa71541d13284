"""The shape of the tests: each one can fail, for one reason, whatever the machine's clock.

Read from the test files' syntax trees (not their text, so a docstring that names
``time.sleep`` is not flagged):

* no test reads the clock nor sleeps (``time.sleep``, ``time.time``, ``time.monotonic``,
  ``time.perf_counter``, ``datetime.now``, ``date.today``...): a test that depends on when it
  runs, or on how fast, passes or fails by chance;
* every ``pytest.raises`` says which message it expects (``match=``): an error of the right
  class raised for another reason must not pass;
* no ``importorskip`` of parcours' own modules: they are never missing, a skip would hide a
  broken import.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]
# Reading the clock or sleeping, as ``module.attribute`` calls.
_HORLOGE = {
    ("time", "sleep"),
    ("time", "time"),
    ("time", "time_ns"),
    ("time", "monotonic"),
    ("time", "monotonic_ns"),
    ("time", "perf_counter"),
    ("time", "perf_counter_ns"),
    ("time", "process_time"),
    ("datetime", "now"),
    ("datetime", "utcnow"),
    ("datetime", "today"),
    ("date", "today"),
    ("asyncio", "sleep"),
}
_NOMS_HORLOGE = {attribut for _, attribut in _HORLOGE} - {"time", "today", "now"}


def _fichiers() -> Iterator[tuple[str, ast.Module]]:
    for path in sorted(TESTS.rglob("*.py")):
        yield str(path.relative_to(TESTS)), ast.parse(path.read_text(encoding="utf-8"))


def _nom(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def _appels(tree: ast.Module) -> Iterator[ast.Call]:
    yield from (node for node in ast.walk(tree) if isinstance(node, ast.Call))


def _horloges(tree: ast.Module) -> Iterator[tuple[int, str]]:
    for call in _appels(tree):
        func = call.func
        if isinstance(func, ast.Attribute) and (_nom(func.value), func.attr) in _HORLOGE:
            yield call.lineno, f"{_nom(func.value)}.{func.attr}"
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module in ("time", "asyncio"):
            for alias in node.names:
                if alias.name in _NOMS_HORLOGE or alias.name == "time":
                    yield node.lineno, f"from {node.module} import {alias.name}"


def test_no_test_sleeps_or_reads_the_clock() -> None:
    found = [f"{name}:{line}: {what}" for name, tree in _fichiers() for line, what in _horloges(tree)]
    assert found == []


def _raises_sans_match(tree: ast.Module) -> Iterator[int]:
    for call in _appels(tree):
        func = call.func
        if (
            isinstance(func, ast.Attribute)
            and func.attr == "raises"
            and _nom(func.value) == "pytest"
            and not any(k.arg == "match" for k in call.keywords)
        ):
            yield call.lineno


def test_every_pytest_raises_names_its_message() -> None:
    found = [f"{name}:{line}" for name, tree in _fichiers() for line in _raises_sans_match(tree)]
    assert found == []


def _importorskip_parcours(tree: ast.Module) -> Iterator[int]:
    for call in _appels(tree):
        if _nom(call.func) == "importorskip" and call.args:
            first = call.args[0]
            if isinstance(first, ast.Constant) and str(first.value).split(".")[0] == "parcours":
                yield call.lineno


def test_no_test_skips_when_a_parcours_module_is_missing() -> None:
    found = [f"{name}:{line}" for name, tree in _fichiers() for line in _importorskip_parcours(tree)]
    assert found == []


def test_the_checks_above_see_what_they_look_for() -> None:
    """The checks read real syntax: each flags the construct it forbids (and only that)."""
    texte = (
        "import time, pytest\n"
        "from datetime import datetime, date\n"
        "from time import monotonic\n"
        "def test_x():\n"
        "    time.sleep(0.1)\n"
        "    datetime.now()\n"
        "    date.today()\n"
        "    with pytest.raises(ValueError):\n"
        "        pass\n"
        "    with pytest.raises(ValueError, match='x'):\n"
        "        pass\n"
        "    pytest.importorskip('parcours.engine')\n"
        "    pytest.importorskip('dask.distributed')\n"
        '    """time.sleep(1) in a docstring is text"""\n'
    )
    tree = ast.parse(texte)
    assert list(_horloges(tree)) == [
        (5, "time.sleep"),
        (6, "datetime.now"),
        (7, "date.today"),
        (3, "from time import monotonic"),
    ]
    assert list(_raises_sans_match(tree)) == [8]
    assert list(_importorskip_parcours(tree)) == [12]
