"""The public API of parcours: what ``__all__`` promises is importable and nothing else leaks."""

from __future__ import annotations

import parcours


def test_all_names_are_importable() -> None:
    for name in parcours.__all__:
        assert getattr(parcours, name) is not None, name


def test_error_family() -> None:
    for name in ("PolicyError", "TransitionError", "JournalError"):
        assert issubclass(getattr(parcours, name), parcours.ParcoursError)


def test_import_does_no_work() -> None:
    import subprocess
    import sys

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
