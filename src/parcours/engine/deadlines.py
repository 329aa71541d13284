"""Deadlines (échéances): absolute dates computed from event dates and the rules in force.

No timers and no wall clock: the dates live on the dossiers (set when events are applied,
with the rules in force on the event's date) and are compared with the date asked for. This
module is the one place that says which deadline of each kind a dossier has pending; the
listing below, ``expliquer`` and the alert rules all read it.

``entretien``       next interview due: last interview (or démarrage) + the rhythm in force,
                    the stricter ``au_demarrage`` rhythm during its ``pendant`` window;
                    pending while the accompaniment is open
``fin_cer``         end of the CER period (démarrage or renouvellement + ``duree.cer``,
                    bounded by the maximum): the bilan is due; pending in ``demarrage``
``duree_maximum``   démarrage + ``duree.maximum``; pending while the accompaniment is open
``delai_<etape>``   first event + ``delais_max[etape]``, while the step is not reached
``fin_veille``      exit + ``veille.duree``, after an exit whose motif opens the veille;
                    listed only from ``au`` to ``au + horizon`` (there is nothing to be late for)
``fin_convention``  the convention's end in force on the date asked for, while the
                    accompaniment is open (listed once per dispositif)

The deadlines of the droits et devoirs track (``orientation``, ``contrat_engagement``,
``reexamen``, ``fin_suspension``) are computed in engine/rights/deadlines.py and listed here
with the others; ``fin_suspension`` like ``fin_veille``, from ``au`` on.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from parcours.engine.rights.deadlines import echeances_droits
from parcours.errors import UsageError
from parcours.vocabulary import (
    DELAI,
    ECHEANCES,
    ETAPES,
    ETAPES_FINALES,
    ETAPES_OUVERTES,
    ETAT_ATTENTE,
    PISTE_DROITS,
    libelle_echeance,
)

if TYPE_CHECKING:
    from parcours.engine.dossier import Dossier
    from parcours.engine.engine import Engine

__all__ = ["Echeance", "echeance", "echeances", "echeances_dossier"]

_RANG: dict[str, float] = {etape: float(i) for i, etape in enumerate(ETAPES)}
_RANG[ETAT_ATTENTE] = _RANG["demarrage"] - 0.5


@dataclass(frozen=True, slots=True)
class Echeance:
    """One deadline. ``dossier`` is None for a dispositif-wide one (end of the convention)."""

    date: date
    nature: str
    dispositif: str
    dossier: str | None
    en_retard: bool = False

    @property
    def libelle(self) -> str:
        return libelle_echeance(self.nature)

    def to_dict(self) -> dict[str, Any]:
        return {
            "date": self.date.isoformat(),
            "nature": self.nature,
            "dispositif": self.dispositif,
            "dossier": self.dossier,
            "en_retard": self.en_retard,
        }


def echeance(dossier: Dossier, nature: str, jour: date) -> date | None:
    """The deadline of kind ``nature`` pending for ``dossier`` on ``jour`` (None: none)."""
    etat = dossier.state
    if nature == "entretien":
        return dossier.entretien_du if etat in ETAPES_OUVERTES else None
    if nature == "fin_cer":
        return dossier.fin_cer if etat == "demarrage" else None
    if nature == "duree_maximum":
        return dossier.fin_max if etat in ETAPES_OUVERTES else None
    if nature == "fin_veille":
        return dossier.fin_veille if etat == "sortie" else None
    if nature == "fin_convention":
        if etat not in ETAPES_OUVERTES:
            return None
        regles = dossier._dispositif.regles.au(jour)
        return None if regles is None else regles.convention_fin
    if nature.startswith(DELAI):
        etape = nature.removeprefix(DELAI)
        if etat in ETAPES_FINALES or _RANG[etape] <= _RANG.get(etat, -1):
            return None
        regles = dossier._dispositif.regles.au(dossier.entree)
        delai = None if regles is None else regles.delais.get(etape)  # type: ignore[call-overload]
        return None if delai is None else delai.ajouter(dossier.entree)
    attendu = f"{', '.join(ECHEANCES)} ou {DELAI}<étape>"
    raise UsageError(f"nature d'échéance inconnue : {nature} (attendu : {attendu})")


def natures(dossier: Dossier) -> tuple[str, ...]:
    """The deadline kinds a dossier of its dispositif may have (convention's end aside)."""
    delais = tuple(DELAI + etape for etape in dossier._dispositif.dispositif.delais_max)
    return ("entretien", "fin_cer", "duree_maximum", "fin_veille", *delais)


def echeances_dossier(dossier: Dossier, jour: date) -> list[tuple[str, date]]:
    """Every deadline pending for a dossier on ``jour``, convention's end aside: (nature, date)."""
    found: list[tuple[str, date]] = []
    for nature in natures(dossier):
        quand = echeance(dossier, nature, jour)
        if quand is not None:
            found.append((nature, quand))
    return found


def _droits(engine: Engine, au: date, limite: date) -> list[Echeance]:
    """The deadlines of the droits et devoirs tracks on or before ``limite``."""
    datees = engine.regles_droits if engine.droits else None
    if datees is None:
        return []
    found: list[Echeance] = []
    for suivi in engine.droits.values():
        for nature, jour in echeances_droits(suivi, datees):
            if jour > limite or (nature == "fin_suspension" and jour < au):
                continue
            found.append(Echeance(jour, nature, suivi.dispositif or PISTE_DROITS, suivi.id, jour < au))
    return found


def echeances(engine: Engine, au: date, *, horizon: int = 0) -> list[Echeance]:
    """Deadlines on or before ``au + horizon`` days, sorted by date; ``en_retard`` if before ``au``."""
    limite = au + timedelta(days=horizon)
    result: list[Echeance] = []
    fins: dict[str, date] = {}
    for dossier in engine.dossiers.values():
        for nature, jour in echeances_dossier(dossier, au):
            if jour > limite or (nature == "fin_veille" and jour < au):
                continue
            result.append(Echeance(jour, nature, dossier.dispositif, dossier.id, jour < au))
        if dossier.dispositif not in fins:
            fin = echeance(dossier, "fin_convention", au)
            if fin is not None:
                fins[dossier.dispositif] = fin
    for dispositif, fin in sorted(fins.items()):
        if fin <= limite:
            result.append(Echeance(fin, "fin_convention", dispositif, None, fin < au))
    result.extend(_droits(engine, au, limite))
    result.sort(key=lambda e: (e.date, e.dossier or "", e.nature))
    return result
