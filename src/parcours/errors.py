"""The errors of parcours.

Every error the library raises on purpose derives from :class:`ParcoursError`, so an
application can catch the whole family with one ``except``::

    ParcoursError
    ├── PolicyError        a policy file is wrong (file, line, column, key path, value, expected)
    │                      may carry several problems at once in ``problems``; also a
    │                      cohort model or a published table (``parcours calibrer``)
    ├── TransitionError    an event is not allowed from a dossier's current step
    ├── JournalError       a journal line is torn, invalid or conflicting (file, line number)
    │   ├── UnsafeLineError  a line parcours will not read on from: over a bound of
    │   │                    parcours.limits, not UTF-8 text, a control character in an
    │   │                    identifier; replay and reports stop there (never set aside)
    │   └── ConflitError     another writer of a shared journal moved the dossier (or the
    │                        dispositif's places) since this engine last read: it is now up
    │                        to date; look again and retry
    ├── UsageError         a call's arguments do not make sense (an empty period, no run...)
    └── RulesEngineError   the alert rules engine refused a rule or failed on a fact (kept in
                           ``Engine.avertissements``: an alert never undoes an event)

The base class is never raised itself. Messages are in French: they are read by policy
officers and référents.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "ConflitError",
    "JournalError",
    "ParcoursError",
    "PolicyError",
    "Problem",
    "RulesEngineError",
    "TransitionError",
    "UnsafeLineError",
    "UsageError",
]


class ParcoursError(Exception):
    """Base of every error raised by parcours on purpose."""


@dataclass(frozen=True)
class Problem:
    """One problem found in a policy file, located like a compiler message."""

    message: str
    fichier: str | None = None
    ligne: int | None = None
    colonne: int | None = None
    chemin: str = ""
    valeur: Any = field(default=None, compare=False, hash=False)
    attendu: str | None = None

    def __str__(self) -> str:
        where = ""
        if self.fichier is not None:
            where = self.fichier
            if self.ligne is not None:
                where += f":{self.ligne}"
                if self.colonne is not None:
                    where += f":{self.colonne}"
            where += ": "
        key = f"{self.chemin}: " if self.chemin else ""
        expected = f" (attendu : {self.attendu})" if self.attendu else ""
        return f"{where}{key}{self.message}{expected}"


class PolicyError(ParcoursError):
    """A policy file (or a policy value asked for) is wrong.

    ``problems`` lists every problem found in the file, in file order; the message is all of
    them, one per line.
    """

    def __init__(self, problems: list[Problem] | Problem | str) -> None:
        if isinstance(problems, str):
            problems = [Problem(problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems: list[Problem] = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    @property
    def first(self) -> Problem:
        return self.problems[0]

    @property
    def fichier(self) -> str | None:
        return self.first.fichier

    @property
    def ligne(self) -> int | None:
        return self.first.ligne

    @property
    def colonne(self) -> int | None:
        return self.first.colonne

    @property
    def chemin(self) -> str:
        return self.first.chemin


class TransitionError(ParcoursError):
    """An event is not allowed for a dossier: wrong step, date before its last event..."""

    def __init__(
        self,
        message: str,
        *,
        dossier: str | None = None,
        etape: str | None = None,
        evenement: str | None = None,
        autorises: tuple[str, ...] = (),
    ) -> None:
        self.dossier = dossier
        self.etape = etape
        self.evenement = evenement
        self.autorises = autorises
        super().__init__(message)


class JournalError(ParcoursError):
    """A journal or event line is torn, invalid or conflicts with the journal."""

    def __init__(self, message: str, *, fichier: str | None = None, ligne: int | None = None) -> None:
        self.fichier = fichier
        self.ligne = ligne
        #: the message without its location
        self.message = message
        where = ""
        if fichier is not None:
            where = f"{fichier}:{ligne}: " if ligne is not None else f"{fichier}: "
        elif ligne is not None:
            where = f"ligne {ligne}: "
        super().__init__(f"{where}{message}")


class UnsafeLineError(JournalError):
    """A journal line that breaks a bound of :mod:`parcours.limits` (length, nesting), is not
    UTF-8 text (bytes that do not decode, a raw control character), or holds a control
    character or an oversized text in an identifier. Such a file was not written by parcours
    nor by a tool that writes journals: reading stops at the line, with its number, instead of
    setting it aside like an ordinary mistake."""


class ConflitError(JournalError):
    """Another writer of a shared journal (SQLite, PostgreSQL) moved what an event touches
    since the engine last read the journal: the dossier, or the places of its dispositif.

    Nothing of the event was applied; the engine has caught up with the journal (its state
    is the journal's), so the caller looks again at the dossier and retries. ``dossier`` is
    the event's dossier, ``dispositif`` set when the conflict is on places, ``position`` the
    journal line of the other writer that made the view stale. Raised by ``apply_many``,
    ``rang`` is the event's rank in the batch (from 1): the events before it are applied.
    """

    def __init__(
        self,
        message: str,
        *,
        dossier: str,
        dispositif: str | None = None,
        position: int | None = None,
        fichier: str | None = None,
        rang: int | None = None,
    ) -> None:
        self.detail = message
        self.dossier = dossier
        self.dispositif = dispositif
        self.position = position
        self.rang = rang
        super().__init__(message, fichier=fichier)


class UsageError(ParcoursError):
    """A call's arguments do not make sense: an empty period, no run, a missing option..."""


class RulesEngineError(ParcoursError):
    """The alert rules engine (durable_rules) refused a rule or failed on a fact."""
