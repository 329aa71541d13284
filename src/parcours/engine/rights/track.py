"""The droits et devoirs track: one person's right and duties under the national layer.

Why a second track
------------------
A dispositif's machine follows an accompaniment: repérage, prescription, démarrage, bilan,
sortie. The events of the loi pour le plein emploi follow the person's *right*: the right
opens (``ouverture_droit``), the président du conseil départemental orients the person
(``orientation``) to a parcours and an organisme référent, the person signs a contrat
d'engagement with it (``contrat_engagement``), declares weekly activity (``activite``), may be
re-examined (``reexamen``), breach a duty and be sanctioned (``manquement``, ``observations``,
``sanction``, ``remobilisation``). These precede the accompaniment (a person is oriented
before any dispositif takes them in, and may be oriented to France Travail, which runs none
of the policy's dispositifs) and go on beside it. So they move a second track of the dossier,
held by the engine under the same dossier id, with its own states and deadlines; they never
move the dispositif's step, and the accompaniment's events never move this track.

States and transitions (``nouveau`` before the first event)::

    ouverture_droit      any state             → droit_ouvert  (a new orientation delay)
    orientation          any state             → oriente       (a new contract delay)
    contrat_engagement   oriente, engage       → engage
    activite, reexamen   engage                  (internal)
    manquement, observations, sanction, remobilisation
                         droit_ouvert, oriente, engage   (internal)

The machine is a transitions Machine built once, with no model, read as a table, as for a
dispositif (engine/machine.py).
"""

from __future__ import annotations

from datetime import date
from functools import cache
from typing import Any

from parcours.engine.machine import Topologie, Transition, construire_machine, table
from parcours.vocabulary import ETAT_INITIAL, ETATS_DROITS

__all__ = ["SuiviDroits", "topologie_droits"]

_SUIVIS = ("droit_ouvert", "oriente", "engage")


@cache
def topologie_droits() -> Topologie:
    """The states and transitions of the droits et devoirs track (see the module docstring)."""
    etats = (ETAT_INITIAL, *ETATS_DROITS)
    trs: list[Transition] = []
    trs.extend(Transition("ouverture_droit", etat, "droit_ouvert") for etat in etats)
    trs.extend(Transition("orientation", etat, "oriente") for etat in etats)
    trs.extend(Transition("contrat_engagement", etat, "engage") for etat in ("oriente", "engage"))
    trs.extend(Transition(evt, "engage", None) for evt in ("activite", "reexamen"))
    for evt in ("manquement", "observations", "sanction", "remobilisation"):
        trs.extend(Transition(evt, etat, None) for etat in _SUIVIS)
    brute = Topologie(etats, tuple(trs))
    return Topologie(brute.etats, brute.transitions, table(construire_machine(brute)))


class SuiviDroits:
    """The droits et devoirs of one dossier. Fields are read-only for callers.

    ``dispositif`` is the dispositif its events name (None: none yet). ``ouverture`` is the
    day the right opened (or was transferred), ``orientation`` the day of the latest
    orientation with its ``parcours`` and ``organisme``; ``contrat`` the day the current
    contract was signed with its weekly ``heures`` and ``dispense``; ``revision`` the day the
    re-examination delay runs from (the contract or the latest re-examination) and
    ``difficultes`` whether the long delay applies. ``manquement`` is a breach awaiting its
    decision and ``observations`` the day the person presented theirs; ``sanctions`` lists
    (breach day, sanction day) of every sanction; ``suspension`` and ``fin_suspension`` bound
    the suspension running (None once the person is remobilised).
    """

    __slots__ = (
        "_ids",
        "contrat",
        "contrats",
        "derniere",
        "difficultes",
        "dispense",
        "dispositif",
        "entree",
        "fin_suspension",
        "heures",
        "id",
        "manquement",
        "nature",
        "observations",
        "organisme",
        "orientation",
        "orientations",
        "ouverture",
        "parcours",
        "remobilisation",
        "revision",
        "sanctions",
        "state",
        "suspension",
        "taux",
    )

    def __init__(self, ident: str, entree: date) -> None:
        self.id = ident
        self.dispositif: str | None = None
        self.state = ETAT_INITIAL
        self.entree = entree
        self.derniere = entree
        self.ouverture: date | None = None
        self.orientation: date | None = None
        self.parcours: str | None = None
        self.organisme: str | None = None
        self.orientations = 0
        self.contrat: date | None = None
        self.heures: float | None = None
        self.dispense: str | None = None
        self.contrats = 0
        self.revision: date | None = None
        self.difficultes = False
        self.manquement: date | None = None
        self.nature: str | None = None
        self.observations: date | None = None
        self.sanctions: list[tuple[date, date]] = []
        self.suspension: date | None = None
        self.fin_suspension: date | None = None
        self.taux: float | None = None
        self.remobilisation: date | None = None
        self._ids = b""

    @property
    def etape(self) -> str:
        return self.state

    def champs(self) -> dict[str, Any]:
        """Every field by name (the hashes of idempotency keys included): for comparisons."""
        return {name: getattr(self, name) for name in self.__slots__}

    def __repr__(self) -> str:
        return f"SuiviDroits({self.id!r}, etape={self.state!r})"
