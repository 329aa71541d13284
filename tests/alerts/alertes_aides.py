"""Helpers shared by the alert tests (imported by module name: pytest puts this folder on sys.path)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

POLITIQUE = Path(__file__).with_name("politique_alertes.yaml")

Ev = Callable[..., dict[str, Any]]


def ev(dossier: str, jour: Any, evenement: str, **extra: Any) -> dict[str, Any]:
    """``ev("a", date(2017, 1, 10), "demarrage", dispositif="global")`` → an event dict."""
    texte = jour if isinstance(jour, str) else jour.isoformat()
    return {"dossier": dossier, "date": texte, "evenement": evenement, **extra}
