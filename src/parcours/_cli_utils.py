"""Helpers shared by the ``parcours`` sub-commands: error reporting, dates, output."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable, Sequence
from datetime import date
from typing import ParamSpec, TypeVar

import typer
from rich.console import Console

from parcours.errors import ParcoursError

__all__ = ["LISTE_MAX", "err_console", "out_console", "parse_date", "signaler_ecartees", "user_errors"]

#: How many set-aside lines a command lists (all are counted).
LISTE_MAX = 20

P = ParamSpec("P")
R = TypeVar("R")

out_console = Console(highlight=False, soft_wrap=True)
err_console = Console(stderr=True, highlight=False, soft_wrap=True)


def user_errors(func: Callable[P, R]) -> Callable[P, R]:
    """Print a ParcoursError (or a missing file) as a French message and exit 1, no traceback."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except ParcoursError as exc:
            # never as markup: a message quotes the user's data, brackets included
            texte = str(exc)
            err_console.print(texte if "\n" in texte else f"erreur : {texte}", markup=False)
            raise typer.Exit(1) from None
        except (FileNotFoundError, IsADirectoryError, PermissionError) as exc:
            err_console.print(f"erreur : {exc.strerror} : {exc.filename}", markup=False)
            raise typer.Exit(1) from None
        except BrokenPipeError:  # pragma: no cover - output piped to head
            sys.stderr.close()
            raise typer.Exit(0) from None

    return wrapper


def parse_date(text: str | None, option: str = "--date") -> date | None:
    """Parse an AAAA-MM-JJ option or exit 2 (usage error) with a French message."""
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(f"« {text} » n'est pas une date AAAA-MM-JJ", param_hint=option) from None


def signaler_ecartees(ecartees: Sequence[object], strict: bool) -> None:
    """Say on stderr how many journal lines were set aside (and the first ones); with
    ``strict``, any is an error: exit 1."""
    if not ecartees:
        return
    err_console.print(f"attention : {len(ecartees)} ligne(s) du journal écartée(s) :", markup=False)
    for ligne in ecartees[:LISTE_MAX]:
        err_console.print(f"  {ligne}", markup=False)
    if len(ecartees) > LISTE_MAX:
        err_console.print(f"  … et {len(ecartees) - LISTE_MAX} autre(s)", markup=False)
    if strict:
        err_console.print("erreur : --strict : le journal a des lignes écartées", markup=False)
        raise typer.Exit(1)
