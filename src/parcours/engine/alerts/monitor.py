"""The alert runtime of an engine: the clock, the agenda, the facts each dossier holds.

The clock contract
------------------
The engine has one alert clock, a date. It moves forward only, and only in two ways:

* applying an event dated ``d`` after the clock first moves the clock to ``d`` (for every
  dossier), then applies the event;
* :meth:`Engine.avancer` (or :meth:`Engine.alertes` with ``au``) moves it to a given date.

Moving the clock to ``d`` raises, in date order, every time-based alert whose day is on or
before ``d``, each dated the day its condition became true, and retracts the event facts that
left their window. So the alerts depend only on the events and their dates, not on when the
clock was moved nor on how events were batched, provided the stream is in date order across
dossiers (as the engine already assumes for capacity). An event dated before the clock is
applied; alerts already raised stay raised.

When a condition becomes true (the day of an alert):

``evenements``      the day of the ``nombre``-th event within ``dans``: events dated ``j1``
                    ≤ … ≤ ``jn`` count together when ``jn < j1 + dans`` (the window opens on
                    the first event's day); an alert consumes its events
``echeance``        ``depassee_de: X`` (absent: 0): the first day after ``date + X`` (a
                    deadline is missed the day after it); ``dans: X``: ``date - X``, or the
                    day the deadline is set if that is later; once per deadline value
``duree_parcours``  the first day after ``démarrage + depasse`` (absent: ``duree.maximum``)
``occupation``      the day an event brings occupancy from under ``seuil`` to ``seuil`` or
                    more (dated that event, for its dossier); again only after it fell back

Deadlines are those of deadlines.py, read there: ``entretien`` (next interview),
``fin_cer`` (end of the CER period, while no bilan is recorded), ``duree_maximum``,
``fin_convention`` (per open dossier), ``fin_veille`` (after an exit that opens one).
``sauf_evenement`` cancels the alert when that event is recorded after the deadline took its
current value. Values that change with the date are read on the day the event or deadline is
set (``nombre`` on each event's date: events under two versions do not count together).

Memory: a dossier holds facts while its accompaniment is open; at its exit they are
retracted, except the deadline of its veille, retracted when that alert fires. The facts of
dossiers that have left are gone; the number of facts follows the open dossiers.
"""

from __future__ import annotations

import heapq
import itertools
import string
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from parcours._french import format_date, format_taux
from parcours.engine.alerts.compilation import Programme, RegleCompilee, compiler_dispositif, version_index
from parcours.engine.alerts.raised import AlerteLevee
from parcours.engine.alerts.rights import SurveillanceDroits
from parcours.engine.deadlines import echeance as echeance_en_cours
from parcours.policies.alerts import CHAMPS
from parcours.policies.rights_rules import regles_droits
from parcours.policies.schema import Policy
from parcours.vocabulary import ETAPES_FINALES, ETAPES_OUVERTES

if TYPE_CHECKING:
    from parcours.engine.alerts._host import Hote
    from parcours.engine.dossier import Dossier
    from parcours.engine.rights.track import SuiviDroits

__all__ = ["Surveillance"]

_UN_JOUR = timedelta(days=1)
_FINALS = frozenset(ETAPES_FINALES)
_CHAMPS = tuple(CHAMPS)  # the fields of an event a rule may filter on
_format = string.Formatter().vformat


@dataclass(slots=True)
class _Echeance:
    """A dossier's current deadline for one rule; ``fait`` is None once the alert fired."""

    jour: date
    fait: dict[str, Any] | None
    sauf: dict[str, Any] | None = None


class _SuiviAlertes:
    """The alert state of one dossier."""

    __slots__ = ("dossier", "ech", "ev", "levees", "programme", "ruleset")

    def __init__(self, dossier: Dossier, programme: Programme, ruleset: str) -> None:
        self.dossier = dossier
        self.programme = programme
        self.ruleset = ruleset
        self.ev: dict[int, dict[str, Any]] = {}
        self.ech: dict[str, _Echeance] = {}
        #: the time-based alerts raised for the dossier that a later event of it, dated
        #: before them, could show were not due: (alert, rule, the deadline it fired for)
        self.levees: list[tuple[AlerteLevee, str, date]] = []

    def vivant(self) -> bool:
        return bool(self.ev) or any(e.fait is not None for e in self.ech.values())


def _mois_entre(debut: date, fin: date) -> int:
    mois = (fin.year - debut.year) * 12 + fin.month - debut.month
    return mois - 1 if fin.day < debut.day else mois


class Surveillance:
    """Runs a policy's alert rules for one engine (see the module docstring)."""

    def __init__(self, policy: Policy) -> None:
        self.policy = policy
        datees = regles_droits(policy)
        droits = None if datees is None else SurveillanceDroits(policy, datees)
        #: the national layer's rules (alerts/rights.py), on the same clock
        self._droits = droits if droits is not None and droits.actif else None
        self.actif = (
            bool(policy.alertes)
            or any(d.alertes for d in policy.dispositifs.values())
            or self._droits is not None
        )
        self.horloge: date | None = None
        self.levees: list[AlerteLevee] = []
        self._a_confirmer: Counter[tuple[bool, tuple[str, str, str]]] = Counter()
        self._hote: Hote | None = None
        self._programmes: dict[str, tuple[Programme, str] | None] = {}
        self._dossiers: dict[str, _SuiviAlertes] = {}
        self._agenda: list[tuple[int, int, str, str, str, int]] = []
        self._seq = itertools.count()
        self._ids = itertools.count(1)
        self._declenches: list[tuple[str, str, Any]] = []
        self._occupes: dict[str, int] = {}
        self._hautes: dict[tuple[str, str], dict[str, Any]] = {}
        self._garde = False

    # --- what the engine calls ------------------------------------------------------------

    def avancer(self, au: date) -> list[AlerteLevee]:
        """Move the clock to ``au`` (never back); the alerts raised, in date order."""
        if self.horloge is not None and au <= self.horloge:
            return []
        self.horloge = au
        nouvelles: list[AlerteLevee] = []
        self._echoir(au, nouvelles)
        if self._droits is not None:
            nationales: list[AlerteLevee] = []
            self._droits.echoir(au, nationales)
            if nationales:
                self._garder(nationales)
                nouvelles.extend(nationales)
                nouvelles.sort(key=lambda a: a.date)
        return nouvelles

    def apres_droits(
        self, suivi: SuiviDroits, nom: str, event: Mapping[str, Any], jour: date
    ) -> list[AlerteLevee]:
        """After an applied event of the droits et devoirs track: the alerts it raised or cancelled."""
        if self._droits is None:
            return []
        found = self._droits.apres(suivi, nom, event, jour, self.horloge)
        self._garder(found)
        return found

    def _garder(self, alertes: list[AlerteLevee]) -> None:
        """Keep the national alerts raised in ``levees``; drop those cancelled from it."""
        for alerte in alertes:
            if not alerte.annulee:
                self.levees.append(alerte)
                continue
            for i in range(len(self.levees) - 1, -1, -1):
                if self.levees[i].cle == alerte.cle:
                    del self.levees[i]
                    break

    def apres(self, dossier: Dossier, nom: str, event: Mapping[str, Any], jour: date) -> list[AlerteLevee]:
        """Update the dossier's facts after an applied event; the alerts it raised."""
        compile_ = self._programme(dossier.dispositif)
        if compile_ is None:
            return []
        programme, ruleset = compile_
        nouvelles: list[AlerteLevee] = []
        suivi = self._dossiers.get(dossier.id)
        if suivi is None:
            suivi = self._dossiers[dossier.id] = _SuiviAlertes(dossier, programme, ruleset)
        tardives = [t for t in suivi.levees if t[0].date > jour]
        for regle in programme.par_evenement.get(nom, ()):
            self._compter(suivi, regle, event, jour, nouvelles)
        for regle in programme.sauf.get(nom, ()):
            ech = suivi.ech.get(regle.ident)
            if ech is not None and ech.fait is not None and ech.sauf is None:
                ech.sauf = {"id": next(self._ids), "t": "sauf", "regle": regle.ident, "dossier": dossier.id}
                self._affirmer(ruleset, ech.sauf)
        if programme.echeances:
            self._echeances(suivi, jour)
        if programme.occupation:
            self._occupation(suivi, jour, nouvelles)
        if tardives:
            self._annuler(suivi, nom, jour, tardives, nouvelles)
        # an alert dated on or before this event can no longer be shown not due by a later one
        suivi.levees = [t for t in suivi.levees if t[0].date > jour]
        if dossier.state in _FINALS:
            suivi.ev.clear()
        if self.horloge is not None and jour <= self.horloge:
            self._echoir(self.horloge, nouvelles)
        if dossier.state in _FINALS and not suivi.vivant():
            del self._dossiers[dossier.id]
        return nouvelles

    def attendre(self, alertes: list[AlerteLevee]) -> None:
        """Replay: these alerts were raised (or cancelled) again; the journal's lines should
        confirm them."""
        self._a_confirmer.update((a.annulee, a.cle) for a in alertes)

    def _attendue(self, cle: tuple[bool, tuple[str, str, str]]) -> bool:
        reste = self._a_confirmer.get(cle, 0)
        if reste == 0:
            return False
        if reste == 1:
            del self._a_confirmer[cle]
        else:
            self._a_confirmer[cle] = reste - 1
        return True

    def confirmer(self, ligne: AlerteLevee) -> bool:
        """Replay of an ``alerte`` line: move the clock to its date; False if not raised again."""
        if self.actif:
            self.attendre(self.avancer(ligne.date))
        if self._attendue((False, ligne.cle)):
            return True
        self.levees.append(ligne)
        return False

    def confirmer_annulation(self, ligne: AlerteLevee) -> bool:
        """Replay of an ``alerte_annulee`` line; False if the rules did not cancel it again (the
        journaled cancellation is kept: the alert leaves the list)."""
        if self._attendue((True, ligne.cle)):
            return True
        for i, levee in enumerate(self.levees):
            if levee.cle == ligne.cle:
                del self.levees[i]
                break
        return False

    def faits(self) -> int:
        """How many facts the rules engine holds (for measurements)."""
        hote = self._hote
        if hote is None:
            return 0
        return sum(len(hote.faits(p[1])) for p in self._programmes.values() if p is not None)

    def fermer(self) -> None:
        if self._hote is not None:
            self._hote.fermer()

    # --- compilation ------------------------------------------------------------------------

    def _programme(self, dispositif: str) -> tuple[Programme, str] | None:
        if dispositif in self._programmes:
            return self._programmes[dispositif]
        programme = compiler_dispositif(self.policy, dispositif)
        found: tuple[Programme, str] | None = None
        if not programme.vide:
            if self._hote is None:
                from parcours.engine.alerts._host import Hote

                self._hote = Hote()
            regles = {
                nom: {**definition, "run": self._action(nom, programme)}
                for nom, definition in programme.definitions.items()
            }
            found = (programme, self._hote.ajouter(dispositif, regles))
        self._programmes[dispositif] = found
        return found

    def _action(self, nom: str, programme: Programme) -> Callable[[Any], None]:
        ident, kind = programme.actions[nom]
        declenches = self._declenches
        if kind == "ech":
            return lambda c: declenches.append((ident, kind, c.e._d))
        if kind == "occ":
            return lambda c: declenches.append((ident, kind, c.o._d))
        return lambda c: declenches.append((ident, kind, None))

    # --- facts ------------------------------------------------------------------------------

    def _affirmer(self, ruleset: str, fait: dict[str, Any]) -> list[tuple[str, str, Any]]:
        assert self._hote is not None
        self._declenches.clear()
        self._garde = self._hote.affirmer(ruleset, fait)
        found = list(self._declenches)
        self._declenches.clear()
        return found

    def _signaler(self, ruleset: str, fait: dict[str, Any]) -> list[tuple[str, str, Any]]:
        """Assert ``fait``, retract it once its actions have run; the rules it fired."""
        found = self._affirmer(ruleset, fait)
        if self._garde:
            self._retirer(ruleset, fait)
        return found

    def _retirer(self, ruleset: str, fait: dict[str, Any]) -> None:
        assert self._hote is not None
        self._hote.retirer(ruleset, fait)

    def _planifier(self, jour: date, kind: str, dossier: str, regle: str, cle: int) -> None:
        heapq.heappush(self._agenda, (jour.toordinal(), next(self._seq), kind, dossier, regle, cle))

    def _compter(
        self,
        suivi: _SuiviAlertes,
        regle: RegleCompilee,
        event: Mapping[str, Any],
        jour: date,
        out: list[AlerteLevee],
    ) -> None:
        cond = regle.alerte.quand.evenements
        assert cond is not None
        version = version_index(cond.nombre, jour)
        dans = cond.dans.version_au(jour)
        if version is None or dans is None:
            return
        ident = next(self._ids)
        fait: dict[str, Any] = {
            "id": ident,
            "t": "ev",
            "regle": f"{regle.ident}#{version}",
            "dossier": suivi.dossier.id,
            "e": str(event.get("evenement")),
        }
        for champ in _CHAMPS:
            valeur = event.get(champ)
            if isinstance(valeur, str):
                fait[champ] = valeur
        compte = self._signaler(suivi.ruleset, fait)
        if not compte:
            return  # its fields do not match the rule
        suivi.ev[ident] = fait
        fenetre = [cle for cle, autre in suivi.ev.items() if autre["regle"] == fait["regle"]]
        signal = {"id": next(self._ids), "t": "cpt", "regle": fait["regle"], "dossier": suivi.dossier.id}
        declenches = self._signaler(suivi.ruleset, {**signal, "n": len(fenetre)})
        if declenches:
            for cle in fenetre:  # the counted events are consumed by the alert
                del suivi.ev[cle]
            nombre = cond.nombre.versions[version].valeur
            valeurs = {"nombre": nombre, "dans": str(dans.valeur), "evenement": cond.evenement}
            out.append(self._lever(regle, suivi, jour, valeurs))
        if ident in suivi.ev:
            self._planifier(dans.valeur.ajouter(jour), "exp", suivi.dossier.id, regle.ident, ident)

    def _echeances(self, suivi: _SuiviAlertes, jour: date) -> None:
        for regle in suivi.programme.echeances:
            found = self._echeance(regle, suivi.dossier, jour)
            actuelle = suivi.ech.get(regle.ident)
            if actuelle is not None and found is not None and actuelle.jour == found[0]:
                continue
            if actuelle is not None:
                self._oublier(suivi, actuelle)
                del suivi.ech[regle.ident]
            if found is None:
                continue
            echeance, seuil = found
            cle = next(self._ids)
            fait = {"id": cle, "t": "ech", "regle": regle.ident, "dossier": suivi.dossier.id, "cle": cle}
            suivi.ech[regle.ident] = _Echeance(echeance, fait)
            self._affirmer(suivi.ruleset, fait)
            self._planifier(max(seuil, jour), "tic", suivi.dossier.id, regle.ident, cle)

    def _oublier(self, suivi: _SuiviAlertes, ech: _Echeance) -> None:
        if ech.fait is not None:
            self._retirer(suivi.ruleset, ech.fait)
            ech.fait = None
        if ech.sauf is not None:
            self._retirer(suivi.ruleset, ech.sauf)
            ech.sauf = None

    @staticmethod
    def _echeance(regle: RegleCompilee, dossier: Dossier, jour: date) -> tuple[date, date] | None:
        """(deadline, day the rule fires) for ``dossier`` now, or None."""
        quand = regle.alerte.quand
        ouvert = dossier.state in ETAPES_OUVERTES
        cond = quand.echeance
        if cond is None:
            duree = quand.duree_parcours
            if duree is None or not ouvert or dossier.debut is None:
                return None
            if duree.depasse is not None:
                # A dated threshold applies to the parcours begun once it is in force.
                seuil = duree.depasse.version_au(dossier.debut)
                if seuil is None:
                    return None
                limite: date | None = seuil.valeur.ajouter(dossier.debut)
            else:
                limite = dossier.fin_max
            return None if limite is None else (limite, limite + _UN_JOUR)
        echeance = echeance_en_cours(dossier, cond.nom, jour)
        if echeance is None:
            return None
        if cond.dans is not None:
            version = cond.dans.version_au(jour)
            return None if version is None else (echeance, version.valeur.retirer(echeance))
        if cond.depassee_de is None:
            return echeance, echeance + _UN_JOUR
        version = cond.depassee_de.version_au(jour)
        return None if version is None else (echeance, version.valeur.ajouter(echeance) + _UN_JOUR)

    def _occupation(self, suivi: _SuiviAlertes, jour: date, out: list[AlerteLevee]) -> None:
        disp = suivi.dossier._dispositif
        occupes = disp.occupes
        if self._occupes.get(disp.ident) == occupes:
            return
        self._occupes[disp.ident] = occupes
        regles = disp.regles.au(jour)
        places = None if regles is None else regles.places
        if not places:
            return
        taux = occupes / places
        for regle in suivi.programme.occupation:
            cond = regle.alerte.quand.occupation
            assert cond is not None
            version = version_index(cond.seuil, jour)
            if version is None:
                continue
            signal = {"id": next(self._ids), "t": "occ", "regle": regle.ident, "v": version, "taux": taux}
            declenches = self._signaler(suivi.ruleset, signal)
            cle = (disp.ident, regle.ident)
            for _, kind, _ in declenches:
                if kind == "occ":
                    haute = {"id": next(self._ids), "t": "occ_haute", "regle": regle.ident}
                    self._hautes[cle] = haute
                    self._affirmer(suivi.ruleset, haute)
                    valeurs = {
                        "occupation": format_taux(taux),
                        "occupees": occupes,
                        "places": places,
                        "seuil": format_taux(cond.seuil.versions[version].valeur),
                    }
                    out.append(self._lever(regle, suivi, jour, valeurs))
                elif cle in self._hautes:
                    self._retirer(suivi.ruleset, self._hautes.pop(cle))

    # --- time -------------------------------------------------------------------------------

    def _echoir(self, au: date, out: list[AlerteLevee]) -> None:
        limite = au.toordinal()
        agenda = self._agenda
        while agenda and agenda[0][0] <= limite:
            jour_ord, _, kind, ident, regle, cle = heapq.heappop(agenda)
            suivi = self._dossiers.get(ident)
            if suivi is None:
                continue
            if kind == "exp":
                suivi.ev.pop(cle, None)  # the event leaves the window of its rule
            else:
                self._sonner(suivi, regle, cle, date.fromordinal(jour_ord), out)
            if suivi.dossier.state in _FINALS and not suivi.vivant():
                del self._dossiers[ident]

    def _annuler(
        self,
        suivi: _SuiviAlertes,
        nom: str,
        jour: date,
        tardives: list[tuple[AlerteLevee, str, date]],
        out: list[AlerteLevee],
    ) -> None:
        """An event dated before alerts already raised for its dossier: those it shows were
        not due (their deadline moved or went, or the event is their ``sauf_evenement``) are
        cancelled; the alerts the new deadlines call for are raised by the clock as usual."""
        for levee, ident, echeance in tardives:
            regle = suivi.programme.regles[ident]
            cond = regle.alerte.quand.echeance
            found = self._echeance(regle, suivi.dossier, jour)
            sauf = cond is not None and cond.sauf_evenement == nom
            if not sauf and found is not None and found[0] == echeance:
                continue
            suivi.levees.remove((levee, ident, echeance))
            for i in range(len(self.levees) - 1, -1, -1):
                if self.levees[i] is levee:
                    del self.levees[i]
                    break
            out.append(replace(levee, annulee=True))

    def _sonner(self, suivi: _SuiviAlertes, ident: str, cle: int, jour: date, out: list[AlerteLevee]) -> None:
        ech = suivi.ech.get(ident)
        if ech is None or ech.fait is None or ech.fait["cle"] != cle:
            return
        tic = {"id": next(self._ids), "t": "tic", "regle": ident, "dossier": suivi.dossier.id, "cle": cle}
        declenches = self._signaler(suivi.ruleset, tic)
        if not declenches:
            return  # cancelled by sauf_evenement
        regle = suivi.programme.regles[ident]
        self._oublier(suivi, ech)
        dossier = suivi.dossier
        valeurs: dict[str, Any]
        cond = regle.alerte.quand.duree_parcours
        if cond is not None:
            debut = dossier.debut or jour
            if cond.depasse is not None:
                limite = str(cond.depasse.au(debut))
            else:
                regles = dossier._dispositif.regles.au(debut)
                maximum = None if regles is None else regles.maximum
                limite = "la durée maximale" + (f" ({maximum})" if maximum is not None else "")
            valeurs = {"duree": _mois_entre(debut, jour), "limite": limite, "depuis": format_date(debut)}
        else:
            echeance = regle.alerte.quand.echeance
            assert echeance is not None
            valeurs = {
                "echeance": format_date(ech.jour),
                "retard": max(0, (jour - ech.jour).days),
                "reste": max(0, (ech.jour - jour).days),
                "nom": echeance.nom,
            }
        levee = self._lever(regle, suivi, jour, valeurs)
        suivi.levees.append((levee, ident, ech.jour))
        out.append(levee)

    # --- alerts -----------------------------------------------------------------------------

    def _lever(
        self, regle: RegleCompilee, suivi: _SuiviAlertes, jour: date, valeurs: dict[str, Any]
    ) -> AlerteLevee:
        dossier = suivi.dossier
        champs = {
            "dossier": dossier.id,
            "dispositif": dossier.dispositif,
            "date": format_date(jour),
            "alerte": regle.alerte.libelle or regle.ident,
            **valeurs,
        }
        levee = AlerteLevee(
            dossier=dossier.id,
            date=jour,
            alerte=regle.ident,
            niveau=regle.alerte.niveau,
            message=_format(regle.alerte.message, (), champs),
            regle=regle.origine,
            dispositif=dossier.dispositif,
        )
        self.levees.append(levee)
        return levee
