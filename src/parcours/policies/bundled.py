"""The policies shipped with parcours, found with importlib.resources.

In a wheel they live in ``parcours/bundled/``; in a source checkout (editable install) they
are read from the repository's ``policies/`` folder.
"""

from __future__ import annotations

from importlib import resources
from importlib.abc import Traversable
from pathlib import Path

__all__ = ["bundled_names", "bundled_root", "find_bundled"]


def bundled_root() -> Traversable:
    """The folder holding the bundled policy files."""
    packaged = resources.files("parcours") / "bundled"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[3] / "policies"


def _walk(folder: Traversable, prefix: str) -> list[str]:
    names: list[str] = []
    for entry in folder.iterdir():
        if entry.is_dir() and entry.name != "cohortes":
            names.extend(_walk(entry, f"{prefix}{entry.name}/"))
        elif entry.name.endswith(".yaml"):
            names.append(prefix + entry.name[: -len(".yaml")])
    return names


def bundled_names() -> list[str]:
    """Names of the bundled policies (``moselle``, ``base/accompagnement_social``...)."""
    root = bundled_root()
    if not root.is_dir():
        return []
    return sorted(_walk(root, ""))


def find_bundled(name: str) -> Traversable | None:
    """The bundled file called ``name`` (without ``.yaml``), or None."""
    name = name.removesuffix(".yaml")
    if name.startswith("policies/"):
        name = name[len("policies/") :]
    if name not in bundled_names():
        return None
    entry = bundled_root()
    parts = name.split("/")
    for part in parts[:-1]:
        entry = entry / part
    return entry / f"{parts[-1]}.yaml"
