"""The alert rules of the droits et devoirs track (``droits_devoirs.alertes``).

They follow the clock contract of monitor.py: the engine's one alert clock moves them, each
alert is dated the day its condition became true, journaled as an ``alerte`` line and
confirmed on replay; an event dated before alerts already raised for its dossier cancels
those it shows were not due (``alerte_annulee``). Two kinds of condition:

``echeance``             a deadline of the track (engine/rights/deadlines.py) passed by
                         ``depassee_de`` (absent: the day after it), or coming ``dans`` a
                         delay; once per deadline value
``heures_sous_contrat``  an ``activite`` event whose ``heures`` are under the contract's weekly
                         hours (by ``ecart`` at least), dated that event

They run in plain Python, not on durable_rules: each is one comparison the engine makes
anyway (a deadline against the clock, a week's hours against the contract's), with no join
between facts; the dispositifs' rules go through durable_rules because a policy combines
them across the events of a window (alerts/compilation.py).
"""

from __future__ import annotations

import heapq
import itertools
import string
from collections.abc import Mapping
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

from parcours._french import format_date, format_decimal
from parcours.engine.alerts.raised import AlerteLevee
from parcours.engine.rights.deadlines import echeance_droits
from parcours.engine.rights.track import SuiviDroits
from parcours.policies.rights import AlerteDroits, ConditionEcheanceDroits
from parcours.policies.rights_rules import ReglesDroitsDatees
from parcours.policies.schema import Policy
from parcours.vocabulary import PISTE_DROITS

__all__ = ["SurveillanceDroits"]

_UN_JOUR = timedelta(days=1)
_format = string.Formatter().vformat


def _dispositif(suivi: SuiviDroits) -> str:
    return suivi.dispositif or PISTE_DROITS


class SurveillanceDroits:
    """The national alert rules of one engine (see the module docstring)."""

    def __init__(self, policy: Policy, datees: ReglesDroitsDatees) -> None:
        bloc = policy.droits_devoirs
        regles = {} if bloc is None else {k: a for k, a in sorted(bloc.alertes.items()) if a.actif}
        self.datees = datees
        self.echeances = {k: a for k, a in regles.items() if a.quand.echeance is not None}
        self.heures = {k: a for k, a in regles.items() if a.quand.heures_sous_contrat is not None}
        self.origines = {
            k: policy.positions.get(f"droits_devoirs.alertes.{k}", policy.fichier or policy.nom)
            for k in regles
        }
        self._agenda: list[tuple[int, int, str, str, int]] = []
        self._seq = itertools.count()
        self._cles = itertools.count(1)
        #: (dossier, rule) → [the deadline it watches, its key, whether it fired]; the key
        #: changes with the deadline, and a deadline fires once
        self._courantes: dict[tuple[str, str], list[Any]] = {}
        #: dossier → the deadline alerts raised for it: (alert, rule, deadline)
        self._levees: dict[str, list[tuple[AlerteLevee, str, date]]] = {}
        self._suivis: dict[str, SuiviDroits] = {}

    @property
    def actif(self) -> bool:
        return bool(self.echeances or self.heures)

    def apres(
        self, suivi: SuiviDroits, nom: str, event: Mapping[str, Any], jour: date, horloge: date | None
    ) -> list[AlerteLevee]:
        """Update the track's deadlines after an applied event; the alerts it raised or cancelled."""
        self._suivis[suivi.id] = suivi
        out: list[AlerteLevee] = []
        if nom == "activite":
            self._heures(suivi, event, jour, out)
        self._planifier(suivi, jour)
        if horloge is not None and jour < horloge:
            self._annuler(suivi, jour, out)
            self.echoir(horloge, out)
        return out

    def echoir(self, au: date, out: list[AlerteLevee]) -> None:
        """Raise, in date order, the deadline alerts whose day is on or before ``au``."""
        limite = au.toordinal()
        while self._agenda and self._agenda[0][0] <= limite:
            jour_ord, _, dossier, ident, cle = heapq.heappop(self._agenda)
            courante = self._courantes.get((dossier, ident))
            if courante is None or courante[1] != cle or courante[2]:
                continue  # the deadline moved or went since
            courante[2] = True
            suivi = self._suivis[dossier]
            jour = date.fromordinal(jour_ord)
            echeance = courante[0]
            cond = self.echeances[ident].quand.echeance
            assert cond is not None
            valeurs = {
                "echeance": format_date(echeance),
                "retard": max(0, (jour - echeance).days),
                "reste": max(0, (echeance - jour).days),
                "nom": cond.nom,
            }
            levee = self._lever(ident, self.echeances[ident], suivi, jour, valeurs)
            self._levees.setdefault(dossier, []).append((levee, ident, echeance))
            out.append(levee)

    # --- internals ----------------------------------------------------------------------------

    def _jour_alerte(self, cond: ConditionEcheanceDroits, echeance: date, jour: date) -> date | None:
        """The day the rule fires for ``echeance`` (values read on ``jour``, the day it is set)."""
        if cond.dans is not None:
            version = cond.dans.version_au(jour)
            return None if version is None else max(version.valeur.retirer(echeance), jour)
        if cond.depassee_de is None:
            return echeance + _UN_JOUR
        version = cond.depassee_de.version_au(jour)
        return None if version is None else version.valeur.ajouter(echeance) + _UN_JOUR

    def _planifier(self, suivi: SuiviDroits, jour: date) -> None:
        for ident, alerte in self.echeances.items():
            cond = alerte.quand.echeance
            assert cond is not None
            echeance = echeance_droits(suivi, cond.nom, self.datees)
            cle = (suivi.id, ident)
            courante = self._courantes.get(cle)
            if courante is not None and echeance == courante[0]:
                continue
            self._courantes.pop(cle, None)
            if echeance is None:
                continue
            quand = self._jour_alerte(cond, echeance, jour)
            if quand is None:
                continue
            numero = next(self._cles)
            self._courantes[cle] = [echeance, numero, False]
            heapq.heappush(self._agenda, (quand.toordinal(), next(self._seq), suivi.id, ident, numero))

    def _annuler(self, suivi: SuiviDroits, jour: date, out: list[AlerteLevee]) -> None:
        """An event dated before alerts raised for its dossier: those whose deadline it moved
        or removed were not due, and are cancelled."""
        gardees: list[tuple[AlerteLevee, str, date]] = []
        for levee, ident, echeance in self._levees.get(suivi.id, []):
            cond = self.echeances[ident].quand.echeance
            assert cond is not None
            if levee.date > jour and echeance_droits(suivi, cond.nom, self.datees) != echeance:
                out.append(replace(levee, annulee=True))
            else:
                gardees.append((levee, ident, echeance))
        self._levees[suivi.id] = gardees

    def _heures(
        self, suivi: SuiviDroits, event: Mapping[str, Any], jour: date, out: list[AlerteLevee]
    ) -> None:
        contrat, heures = suivi.heures, event.get("heures")
        if contrat is None or not isinstance(heures, (int, float)):
            return
        for ident, alerte in self.heures.items():
            cond = alerte.quand.heures_sous_contrat
            assert cond is not None
            version = None if cond.ecart is None else cond.ecart.version_au(jour)
            manque = contrat - heures
            if manque > 0 and manque >= (0.0 if version is None else version.valeur):
                valeurs = {
                    "semaine": event.get("semaine"),
                    "heures": format_decimal(heures),
                    "contrat": format_decimal(contrat),
                    "ecart": format_decimal(contrat - heures),
                }
                out.append(self._lever(ident, alerte, suivi, jour, valeurs))

    def _lever(
        self, ident: str, alerte: AlerteDroits, suivi: SuiviDroits, jour: date, valeurs: dict[str, Any]
    ) -> AlerteLevee:
        champs = {
            "dossier": suivi.id,
            "dispositif": _dispositif(suivi),
            "date": format_date(jour),
            "alerte": alerte.libelle or ident,
            **valeurs,
        }
        return AlerteLevee(
            dossier=suivi.id,
            date=jour,
            alerte=ident,
            niveau=alerte.niveau,
            message=_format(alerte.message, (), champs),
            regle=self.origines[ident],
            dispositif=_dispositif(suivi),
        )
