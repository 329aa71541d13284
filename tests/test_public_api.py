"""The public API of parcours: ``__all__`` is exactly the public names, and every type a
public function or method returns is exported too."""

from __future__ import annotations

import inspect
import subprocess
import sys
import types
import typing

import pytest

import parcours
import parcours.errors


def _public_names(module: types.ModuleType) -> set[str]:
    """What a reader of the module sees: its non-underscore, non-module attributes."""
    names = {n for n in vars(module) if not n.startswith("_")}
    names |= set(getattr(module, "_LAZY", {}))
    return {n for n in names if not isinstance(getattr(module, n), types.ModuleType)} | {"__version__"}


def test_all_is_exactly_the_public_names() -> None:
    assert set(parcours.__all__) == _public_names(parcours)


def test_all_names_are_importable() -> None:
    for name in parcours.__all__:
        assert getattr(parcours, name) is not None, name


def _parcours_types(annotation: object) -> set[type]:
    """The classes of parcours named by a return annotation (unions and generics unpacked)."""
    found: set[type] = set()
    if isinstance(annotation, type) and annotation.__module__.startswith("parcours"):
        found.add(annotation)
    for arg in typing.get_args(annotation):
        found |= _parcours_types(arg)
    return found


def _returned(obj: object) -> set[type]:
    try:
        hints = typing.get_type_hints(obj)
    except (NameError, TypeError):  # annotations naming optional packages (pandas) only
        hints = {k: v for k, v in getattr(obj, "__annotations__", {}).items() if not isinstance(v, str)}
    return _parcours_types(hints.get("return"))


def test_every_type_a_public_callable_returns_is_exported() -> None:
    exported = {getattr(parcours, n) for n in parcours.__all__ if n != "__version__"}
    missing: dict[str, set[str]] = {}
    for name in parcours.__all__:
        obj = getattr(parcours, name, None)
        callables = [(name, obj)] if inspect.isfunction(obj) else []
        if inspect.isclass(obj):
            callables += [
                (f"{name}.{m}", f)
                for m, f in vars(obj).items()
                if not m.startswith("_") and (inspect.isfunction(f) or isinstance(f, classmethod | property))
            ]
        for qual, fn in callables:
            target = fn.__func__ if isinstance(fn, classmethod) else fn
            target = target.fget if isinstance(target, property) else target
            for cls in _returned(target) - exported:
                missing.setdefault(cls.__name__, set()).add(qual)
    assert not missing, missing


def test_every_error_is_a_documented_subclass_of_parcours_error() -> None:
    errors = [
        obj
        for obj in vars(parcours.errors).values()
        if inspect.isclass(obj) and issubclass(obj, Exception) and obj.__module__ == "parcours.errors"
    ]
    assert {e.__name__ for e in errors} >= {"PolicyError", "TransitionError", "JournalError", "UsageError"}
    tree = parcours.errors.__doc__ or ""
    for error in errors:
        assert issubclass(error, parcours.ParcoursError), error
        assert error.__name__ in parcours.__all__, error
        assert error is parcours.ParcoursError or error.__name__ in tree, f"{error.__name__} absent du schéma"


@pytest.mark.parametrize("source", ["pyproject.toml"])
def test_the_version_is_written_once(source: str) -> None:
    from pathlib import Path

    text = (Path(__file__).parents[1] / source).read_text(encoding="utf-8")
    assert 'dynamic = ["version"]' in text
    assert parcours.__version__ not in text


def test_import_does_no_work() -> None:
    # The heavy optional parts (rules engine, dataframes, numerical kernel) load when used,
    # and importing starts no thread.
    code = (
        "import sys, threading, parcours; "
        "bad = [m for m in ('durable', 'rules', 'pandas', 'numpy', 'duckdb') if m in sys.modules]; "
        "bad += ['threads'] if threading.active_count() != 1 else []; "
        "print(','.join(bad))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == ""
