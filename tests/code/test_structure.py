"""The shape of the code: small functions, and layers that point one way."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "parcours"
MAX_LIGNES = 80


def _modules() -> Iterator[tuple[str, ast.Module]]:
    for path in sorted(SRC.rglob("*.py")):
        parts = path.relative_to(SRC.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        yield name, ast.parse(path.read_text(encoding="utf-8"))


def _under_type_checking(tree: ast.Module) -> set[int]:
    """Line numbers of the imports written under ``if TYPE_CHECKING:``."""
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.body:
                lines.update(range(child.lineno, (child.end_lineno or child.lineno) + 1))
    return lines


def _imports(name: str, tree: ast.Module) -> set[str]:
    """The parcours modules ``name`` imports at run time (function-level imports included)."""
    skip = _under_type_checking(tree)
    found: set[str] = set()
    for node in ast.walk(tree):
        if getattr(node, "lineno", None) in skip:
            continue
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("parcours"))
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("parcours"):
            found.add(node.module)
            found.update(f"{node.module}.{a.name}" for a in node.names)
    return found


def test_no_function_is_longer_than_80_lines() -> None:
    longues = [
        f"{name}.{node.name}: {node.end_lineno - node.lineno + 1} lignes"
        for name, tree in _modules()
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.end_lineno is not None
        and node.end_lineno - node.lineno + 1 > MAX_LIGNES
    ]
    assert not longues, longues


def test_no_two_modules_import_each_other() -> None:
    modules = dict(_modules())
    graph = {n: {m for m in _imports(n, tree) if m in modules and m != n} for n, tree in modules.items()}
    cycles = sorted((a, b) for a, deps in graph.items() for b in deps if a < b and a in graph.get(b, set()))
    assert not cycles, cycles


def test_the_journal_interface_imports_neither_its_backends_nor_the_engine() -> None:
    modules = dict(_modules())
    deps = _imports("parcours.engine.journal", modules["parcours.engine.journal"])
    assert not {d for d in deps if d.startswith(("parcours.engine.journal_", "parcours.engine.engine"))}
