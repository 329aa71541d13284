"""Deadlines (échéances): absolute dates computed from event dates and the policy in force.

No timers and no wall clock: the dates live on the dossiers (set when events are applied)
and :func:`echeances` compares them with the date you pass. The natures:

``entretien``       next interview due: last interview (or démarrage) + the rhythm in force,
                    the stricter ``au_demarrage`` rhythm during its ``pendant`` window
``bilan``           end of the CER period (démarrage or renouvellement + ``duree.cer``)
``duree_maximale``  démarrage + ``duree.maximum``
``delai_<etape>``   first event + ``delais_max[etape]``, while the step is not reached
``fin_veille``      exit + ``veille.duree``, after an exit whose motif opens the veille;
                    listed only from ``au`` to ``au + horizon`` (there is nothing to be late for)
``fin_convention``  the convention's end, once per dispositif with open accompaniments
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from parcours.policies.schema import ETAPES

if TYPE_CHECKING:
    from parcours.engine.dossier import Dossier
    from parcours.engine.engine import Engine

__all__ = ["LIBELLES", "Echeance", "echeances", "echeances_dossier"]

LIBELLES = {
    "entretien": "entretien dû",
    "bilan": "bilan dû (fin du CER)",
    "duree_maximale": "durée maximale atteinte",
    "fin_veille": "fin de la veille",
    "fin_convention": "fin de la convention",
}
_RANG: dict[str, float] = {etape: float(i) for i, etape in enumerate(ETAPES)}
_RANG["attente"] = _RANG["demarrage"] - 0.5


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
        if self.nature.startswith("delai_"):
            return f"délai pour atteindre l'étape {self.nature.removeprefix('delai_')}"
        return LIBELLES.get(self.nature, self.nature)

    def to_dict(self) -> dict[str, Any]:
        return {
            "date": self.date.isoformat(),
            "nature": self.nature,
            "dispositif": self.dispositif,
            "dossier": self.dossier,
            "en_retard": self.en_retard,
        }


def echeances_dossier(dossier: Dossier) -> list[tuple[str, date]]:
    """Every pending deadline of a dossier, whatever the date: (nature, date)."""
    found: list[tuple[str, date]] = []
    etat = dossier.state
    if etat in ("demarrage", "bilan"):
        if dossier.entretien_du is not None:
            found.append(("entretien", dossier.entretien_du))
        if etat == "demarrage" and dossier.fin_cer is not None:
            found.append(("bilan", dossier.fin_cer))
        if dossier.fin_max is not None:
            found.append(("duree_maximale", dossier.fin_max))
    elif etat == "sortie" and dossier.fin_veille is not None:
        found.append(("fin_veille", dossier.fin_veille))
    if etat not in ("sortie", "reorientation"):
        delais = dossier._suivi.dispositif.delais_max
        rang = _RANG.get(etat, -1)
        for etape, param in delais.items():
            if _RANG[etape] > rang:
                version = param.version_au(dossier.entree)
                if version is not None:
                    found.append((f"delai_{etape}", version.valeur.ajouter(dossier.entree)))
    return found


def echeances(engine: Engine, au: date, *, horizon: int = 0) -> list[Echeance]:
    """Deadlines on or before ``au + horizon`` days, sorted by date; ``en_retard`` if before ``au``."""
    limite = au + timedelta(days=horizon)
    result: list[Echeance] = []
    ouverts: set[str] = set()
    for dossier in engine.dossiers.values():
        if dossier.state in ("demarrage", "bilan"):
            ouverts.add(dossier.dispositif)
        for nature, jour in echeances_dossier(dossier):
            if jour > limite or (nature == "fin_veille" and jour < au):
                continue
            result.append(Echeance(jour, nature, dossier.dispositif, dossier.id, jour < au))
    for dispositif in sorted(ouverts):
        fin = engine.suivi(dispositif).regles(au).convention_fin
        if fin is not None and fin <= limite:
            result.append(Echeance(fin, "fin_convention", dispositif, None, fin < au))
    result.sort(key=lambda e: (e.date, e.dossier or "", e.nature))
    return result
