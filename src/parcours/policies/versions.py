"""Date versions of a policy: which values are in force on a date, and where they change."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from typing import Any, TypeVar

from pydantic import BaseModel

from parcours.policies.values import Param

__all__ = ["dates_effet", "iter_params", "policy_at"]

M = TypeVar("M", bound=BaseModel)


def iter_params(node: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Param[Any]]]:
    """Every parameter under ``node`` with its key path, in declaration order."""
    if isinstance(node, Param):
        yield path, node
    elif isinstance(node, BaseModel):
        for name in type(node).model_fields:
            yield from iter_params(getattr(node, name), (*path, name))
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from iter_params(value, (*path, str(key)))


def _map_params(node: Any, fn: Callable[[Param[Any]], Param[Any]]) -> Any:
    if isinstance(node, Param):
        return fn(node)
    if isinstance(node, BaseModel):
        update = {}
        for name in type(node).model_fields:
            old = getattr(node, name)
            new = _map_params(old, fn)
            if new is not old:
                update[name] = new
        if not update:
            return node
        return node.model_copy(update=update)
    if isinstance(node, dict):
        changed = {k: _map_params(v, fn) for k, v in node.items()}
        if all(changed[k] is node[k] for k in node):
            return node
        return changed
    return node


def dates_effet(policy: BaseModel) -> tuple[date, ...]:
    found: set[date] = set()
    for _, param in iter_params(policy):
        found.update(param.dates)
    return tuple(sorted(found))


def policy_at(policy: M, jour: date) -> M:
    """``policy`` with each parameter reduced to its version in force on ``jour``.

    A parameter whose first date is later than ``jour`` is left without a version: it is
    absent on that day (see policies/rules.py for the dating rule).
    """
    result: M = _map_params(policy, lambda p: p.restreint(jour))
    private = getattr(policy, "__pydantic_private__", None)
    if private is not None and result is not policy:
        object.__setattr__(result, "__pydantic_private__", dict(private))
    return result
