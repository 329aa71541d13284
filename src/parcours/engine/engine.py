"""The engine: moves dossiers through their dispositif's machine, one event at a time.

``Engine(policy, journal=...)`` keeps every dossier in memory and appends each applied
event to its journal. An event is judged by the policy values in force on its date. A
refused event (wrong step, date before the dossier's last event, guard failed) raises
:class:`~parcours.errors.TransitionError` and changes nothing; an event whose ``id`` the
dossier already has is acknowledged and not applied again (ids are unique per dossier).

Capacity: a dispositif's ``places`` are the accompaniments open at once (steps ``demarrage``
and ``bilan``). A démarrage when they are all taken goes to the waiting list (journaled as
``attente``) or is refused, as ``si_complet`` says. When a place frees (an exit), the first
waiting dossier starts, by a journaled ``demarrage`` marked ``genere``, dated that day; when
places grow with a new version, waiting dossiers are served at the dispositif's next
démarrage or exit. The stream is taken to be in date order across dossiers for capacity.

Alerts: the policy's ``alertes`` rules run on each applied event and as the alert clock moves
(see alertes/surveillance.py for the clock contract). An alert is journaled as an ``alerte``
line after the event that raised it (or, for a time-based one, before the event whose date
moved the clock); it never blocks nor undoes an event. An error of the rules engine is kept
in ``avertissements`` and the event stays applied.
"""

from __future__ import annotations

import json
import json.encoder
import os
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from parcours.engine._regles import Regles
from parcours.engine._suivi import Suivi
from parcours.engine.alertes import AlerteLevee, Surveillance
from parcours.engine.dossier import Dossier
from parcours.engine.events import Event, normaliser
from parcours.engine.journal import Journal, Ligne, ouvrir_journal
from parcours.errors import JournalError, ParcoursError, PolicyError, TransitionError
from parcours.policies.schema import Policy

__all__ = ["Engine", "Lot", "Resultat"]

_encoder = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
_OUVERTS = frozenset(("demarrage", "bilan"))
_FINALS = frozenset(("sortie", "reorientation"))
_JOURS_MAX = 100_000


@dataclass(frozen=True, slots=True)
class Resultat:
    """What one ``apply`` changed. ``applique`` is False for an already-applied ``id``.

    ``evenement`` is the event as journaled (a démarrage put on the waiting list reads
    ``attente``); ``generes`` are the events the engine generated (served waiting dossiers);
    ``alertes`` the alerts raised while applying it (the clock's, then the event's).
    """

    dossier: str
    evenement: str
    avant: str | None
    apres: str
    applique: bool = True
    generes: tuple[dict[str, Any], ...] = ()
    alertes: tuple[AlerteLevee, ...] = ()


@dataclass(frozen=True, slots=True)
class Lot:
    """What one ``apply_many`` did: events applied, duplicates acknowledged, events generated, alerts."""

    appliques: int
    doublons: int
    generes: int
    alertes: int = 0


def _pas_json(value: object) -> object:
    raise TypeError(f"valeur non JSON : {value!r}")


def _encodeur() -> Callable[[Mapping[str, Any]], str]:
    """A compact UTF-8 JSON encoder; the C one built once when available (3x faster per call)."""
    c_make_encoder = getattr(json.encoder, "c_make_encoder", None)
    if c_make_encoder is None:  # pragma: no cover - other Python implementations
        return _encoder.encode
    c_encoder = c_make_encoder(
        {}, _pas_json, json.encoder.encode_basestring, None, ":", ",", False, False, True
    )

    def encode(obj: Mapping[str, Any]) -> str:
        return "".join(c_encoder(obj, 0))

    return encode


_encode = _encodeur()


def _connu(ids: bytes, cle: bytes) -> bool:
    index = ids.find(cle)
    while index != -1:
        if index % 8 == 0:
            return True
        index = ids.find(cle, index + 1)
    return False


def _cle(ident: str) -> bytes:
    return hash(ident).to_bytes(8, "little", signed=True)


class Engine:
    """Dossiers, their steps and deadlines under one policy; see the module docstring."""

    def __init__(
        self,
        policy: Policy,
        journal: Journal | str | os.PathLike[str] | None = None,
        *,
        historique: bool = False,
        lot: int = 10_000,
    ) -> None:
        self.policy = policy
        self.dossiers: dict[str, Dossier] = {}
        self.avertissements: list[ParcoursError] = []
        self.lot = lot
        self.journal: Journal | None = None
        self._suivis: dict[str, Suivi] = {}
        self._jours: dict[str, date] = {}
        self._profils: dict[str, Mapping[str, Any]] = {}
        self._tampon: list[Ligne] = []
        self._generes: list[dict[str, Any]] = []
        self._historique: dict[str, list[dict[str, Any]]] | None = {} if historique else None
        self._panne: BaseException | None = None
        self._surveillance = Surveillance(policy)
        self._levees: list[AlerteLevee] = []
        if journal is not None:
            attache = journal if isinstance(journal, Journal) else ouvrir_journal(journal)
            if not attache.est_vide():
                raise JournalError(
                    "ce journal contient déjà des événements : "
                    "reprenez-le avec Journal.replay(politique, continuer=True)",
                    fichier=attache.nom,
                )
            self._attacher(attache)

    # --- public API ------------------------------------------------------------------------

    def apply(self, event: Mapping[str, Any] | Event) -> Resultat:
        """Apply one event; its journal line is written and flushed before this returns."""
        self._verifier_service()
        data = event.to_dict() if isinstance(event, Event) else event
        self._generes.clear()
        self._levees.clear()
        try:
            dossier, avant = self._appliquer(data, False)
        finally:
            self._vider()
        ident = str(data.get("dossier"))
        levees = tuple(self._levees)
        if dossier is None:
            etape = self.dossiers[ident].state
            return Resultat(ident, str(data.get("evenement")), etape, etape, applique=False, alertes=levees)
        journalise = self._dernier_evenement
        return Resultat(ident, journalise, avant, dossier.state, True, tuple(self._generes), levees)

    def apply_many(self, events: Iterable[Mapping[str, Any] | Event]) -> Lot:
        """Apply events in order, journaling them by batches of ``lot`` (see journal.py)."""
        self._verifier_service()
        self._levees.clear()
        appliques = doublons = generes = alertes = 0
        levees = self._levees
        appliquer = self._appliquer
        lot = self.lot
        tampon = self._tampon
        try:
            for event in events:
                data = event.to_dict() if isinstance(event, Event) else event
                self._generes.clear()
                dossier, _ = appliquer(data, False)
                if dossier is None:
                    doublons += 1
                else:
                    appliques += 1
                    if self._generes:
                        generes += len(self._generes)
                if levees:
                    alertes += len(levees)
                    levees.clear()
                if len(tampon) >= lot:
                    self._vider()
        finally:
            self._vider()
        return Lot(appliques, doublons, generes, alertes)

    def dossier(self, ident: str) -> Dossier:
        try:
            return self.dossiers[ident]
        except KeyError:
            raise TransitionError(f"dossier « {ident} » inconnu", dossier=ident) from None

    def suivi(self, dispositif: str) -> Suivi:
        """The engine's state for ``dispositif`` (compiled rules, places, waiting list)."""
        found = self._suivis.get(dispositif)
        if found is None:
            try:
                found = Suivi(dispositif, self.policy.dispositif(dispositif))
            except PolicyError as exc:
                raise TransitionError(str(exc)) from None
            self._suivis[dispositif] = found
        return found

    def attente(self, dispositif: str) -> list[str]:
        """The waiting dossiers of ``dispositif``, first served first."""
        suivi = self._suivis.get(dispositif)
        if suivi is None:
            return []
        return [i for i in suivi.attente if self.dossiers[i].state == "attente"]

    def compter(self) -> dict[str, Counter[str]]:
        """Number of dossiers by dispositif and step."""
        result: dict[str, Counter[str]] = {}
        for dossier in self.dossiers.values():
            result.setdefault(dossier.dispositif, Counter())[dossier.state] += 1
        return result

    def echeances(self, au: date, *, horizon: int = 0) -> list[Any]:
        """Deadlines due or overdue on ``au`` (or within ``horizon`` days); see deadlines.py."""
        from parcours.engine.deadlines import echeances

        return echeances(self, au, horizon=horizon)

    def charge(self, dispositif: str, au: date) -> Any:
        """Places taken and load per ETP of ``dispositif`` against the values in force on ``au``."""
        from parcours.engine.capacity import charge

        return charge(self, dispositif, au)

    def expliquer(self, ident: str) -> Any:
        """The history of a dossier and why each of its deadlines is what it is."""
        from parcours.engine.explain import expliquer

        return expliquer(self, ident)

    def diagramme(self, dispositif: str) -> str:
        """The dispositif's machine as a mermaid state diagram."""
        from parcours.engine.machine import diagramme_mermaid

        suivi = self.suivi(dispositif)
        return diagramme_mermaid(suivi.topo, f"{self.policy.departement} : {dispositif}")

    def historique(self, ident: str) -> list[dict[str, Any]]:
        """The applied events of a dossier: from the journal, or kept in memory (``historique``)."""
        if self._historique is not None:
            return list(self._historique.get(ident, ()))
        if self.journal is not None:
            self._vider()
            return self.journal.lignes_dossier(ident)
        return []

    def avancer(self, au: date) -> list[AlerteLevee]:
        """Move the alert clock to ``au``: the time-based alerts due by then are raised and journaled.

        The clock never goes back; each applied event moves it to its date first (see
        alertes/surveillance.py). Returns the alerts raised by this move.
        """
        self._verifier_service()
        self._levees.clear()
        try:
            if self._surveillance.actif:
                self._surveiller(self._surveillance.avancer, (au,), False)
        finally:
            self._vider()
        return list(self._levees)

    def alertes(
        self,
        au: date | None = None,
        *,
        niveau: str | None = None,
        dispositif: str | None = None,
        dossier: str | None = None,
    ) -> list[AlerteLevee]:
        """The alerts raised on or before ``au`` (all when None), in the order they were raised.

        With ``au`` after the clock, the clock moves to ``au`` first (see :meth:`avancer`):
        the alerts this raises are journaled like the others.
        """
        if au is not None:
            self.avancer(au)
        return [
            a
            for a in self._surveillance.levees
            if (au is None or a.date <= au)
            and (niveau is None or a.niveau == niveau)
            and (dispositif is None or a.dispositif == dispositif)
            and (dossier is None or a.dossier == dossier)
        ]

    @property
    def horloge(self) -> date | None:
        """The alert clock: the date up to which time-based alerts have been raised."""
        return self._surveillance.horloge

    def close(self) -> None:
        self._vider()
        self._surveillance.fermer()
        if self.journal is not None:
            self.journal.close()

    # --- internals -------------------------------------------------------------------------

    _dernier_evenement: str = ""

    def _attacher(self, journal: Journal) -> None:
        self.journal = journal

    def _verifier_service(self) -> None:
        if self._panne is not None:
            raise JournalError(
                f"le journal n'a pas pu être écrit ({self._panne}) : l'état en mémoire n'est plus "
                "celui du journal ; rejouez le journal"
            )

    def _vider(self) -> None:
        tampon = self._tampon
        if not tampon:
            return
        if self.journal is not None:
            try:
                self.journal.ecrire(tampon)
            except BaseException as exc:
                self._panne = exc
                raise
        tampon.clear()

    def _rejouer(self, event: Mapping[str, Any]) -> None:
        """Apply a journal line as a record: capacity decisions are the journal's.

        The line is checked like a live event (vocabulary, step, date order, guards) but the
        dossier moves by the compiled machine's transition table (``Regles.suivant``, read
        from ``machine.events``) rather than by ``trigger``: with no callbacks, that is all
        a trigger does, and replay is bound by it. Nothing is journaled.

        The alert rules run as live; an ``alerte`` line moves the clock to its date and
        confirms the alert raised again. A line the policy no longer raises is kept, with a
        warning in ``avertissements``.
        """
        if event.get("evenement") == "alerte":
            ligne = AlerteLevee.from_event(event)
            if not self._surveillance.confirmer(ligne):
                self.avertissements.append(
                    JournalError(
                        f"alerte « {ligne.alerte} » du {ligne.date.isoformat()} (dossier {ligne.dossier}) "
                        "absente des alertes que la politique lève : gardée telle que journalisée"
                    )
                )
            return
        self._appliquer(event, True)

    def _surveiller(
        self, appel: Callable[..., list[AlerteLevee]], args: tuple[Any, ...], moteur: bool
    ) -> None:
        """Run the alert rules; journal what they raise (live) or expect it in the journal (replay)."""
        try:
            levees = appel(*args)
        except ParcoursError as exc:
            self.avertissements.append(exc)
            return
        if not levees:
            return
        if moteur:
            self._surveillance.attendre(levees)
            return
        self._levees.extend(levees)
        for levee in levees:
            self._tampon.append((levee.dossier, levee.date.isoformat(), "alerte", _encode(levee.to_event())))

    def _jour(self, texte: str, ev: Mapping[str, Any]) -> date:
        jour = self._jours.get(texte)
        if jour is None:
            try:
                jour = date.fromisoformat(texte)
            except ValueError:
                raise JournalError(
                    f"événement invalide : dossier {ev['dossier']} : date « {texte} » invalide "
                    "(attendu : AAAA-MM-JJ)"
                ) from None
            if len(self._jours) < _JOURS_MAX:
                self._jours[texte] = jour
        return jour

    def _refus(
        self, dossier: Dossier, nom: str, message: str, permis: tuple[str, ...] = ()
    ) -> TransitionError:
        return TransitionError(
            f"dossier {dossier.id} ({dossier.dispositif}, étape « {dossier.state} ») : {message}",
            dossier=dossier.id,
            etape=dossier.state,
            evenement=nom,
            autorises=permis,
        )

    def _appliquer(self, event: Mapping[str, Any], moteur: bool) -> tuple[Dossier | None, str | None]:
        """Check, then apply one event. Returns (dossier, step before), or (None, None) for a duplicate."""
        ev = normaliser(event, moteur=moteur)
        ident: str = ev["dossier"]
        nom: str = ev["evenement"]
        jour = self._jour(ev["date"], ev)
        surveillance = self._surveillance
        if surveillance.actif and (surveillance.horloge is None or jour > surveillance.horloge):
            self._surveiller(surveillance.avancer, (jour,), moteur)
        dossier = self.dossiers.get(ident)
        nouveau = dossier is None
        cle = ev.get("id")
        cle_b = None if cle is None else _cle(cle)
        if dossier is None:
            disp = ev.get("dispositif")
            if disp is None:
                raise TransitionError(
                    f"dossier {ident} inconnu : son premier événement doit indiquer son dispositif",
                    dossier=ident,
                    evenement=nom,
                )
            dossier = Dossier(ident, self.suivi(disp), jour)
        else:
            if cle_b is not None and dossier._ids and _connu(dossier._ids, cle_b):
                return None, None
            disp = ev.get("dispositif")
            if disp is not None and disp != dossier._suivi.ident:
                raise self._refus(
                    dossier, nom, f"le dossier est suivi dans « {dossier.dispositif} », pas « {disp} »"
                )
            if jour < dossier.derniere:
                raise self._refus(
                    dossier,
                    nom,
                    f"événement du {jour.isoformat()} antérieur au dernier événement du dossier "
                    f"({dossier.derniere.isoformat()})",
                )
        suivi = dossier._suivi
        regles = suivi.regles(jour)
        if regles.manquants:
            premiere = suivi.dates[0].isoformat() if suivi.dates else "?"
            raise self._refus(
                dossier,
                nom,
                f"aucune valeur en vigueur le {jour.isoformat()} pour {', '.join(regles.manquants)} "
                f"(première date d'effet du dispositif : {premiere})",
            )
        etat = dossier.state
        permis = regles.permis[etat]
        if moteur and nom == "attente":
            permis_ici = etat in suivi.sources_attente
        else:
            permis_ici = nom in permis and not (etat == "attente" and nom == "demarrage" and not moteur)
        if not permis_ici:
            autorises = tuple(p for p in permis if not (etat == "attente" and p == "demarrage"))
            liste = ", ".join(autorises) if autorises else "aucun (étape finale)"
            raise self._refus(dossier, nom, f"« {nom} » n'est pas permis ici (permis : {liste})", autorises)
        journal_ev = ev
        present = False
        prochain: date | None = None
        # --- guards and new values, computed before anything changes -----------------------
        if nom == "entretien":
            present = ev.get("presence") != "absent" and dossier.debut is not None
            if present and dossier.debut is not None:
                prochain = regles.prochain_entretien(jour, dossier.debut)
        elif nom == "demarrage":
            if not moteur and regles.places is not None:
                self._servir(suivi, regles.places, jour)
                if suivi.occupes >= regles.places:
                    if regles.si_complet == "refus":
                        raise self._refus(
                            dossier,
                            nom,
                            f"toutes les places sont prises ({suivi.occupes}/{regles.places}) et "
                            "la politique refuse les démarrages (si_complet : refus)",
                            permis,
                        )
                    nom = "attente"
                    journal_ev = dict(ev)
                    journal_ev["evenement"] = "attente"
        elif nom == "renouvellement":
            rmax = regles.renouvellements_max
            if rmax is not None and dossier.renouvellements >= rmax:
                raise self._refus(
                    dossier,
                    nom,
                    f"renouvellement refusé : {dossier.renouvellements} renouvellement(s) déjà, "
                    f"au plus {rmax} (duree.renouvellements_max)",
                    permis,
                )
            if dossier.fin_max is not None and jour >= dossier.fin_max:
                raise self._refus(
                    dossier,
                    nom,
                    f"renouvellement refusé : durée maximale atteinte le {dossier.fin_max.isoformat()} "
                    "(duree.maximum)",
                    permis,
                )
        elif nom == "sortie":
            motif = ev.get("motif")
            if motif is None or (regles.motifs and motif not in regles.motifs):
                connus = ", ".join(sorted(regles.motifs)) or "libre"
                raise self._refus(
                    dossier, nom, f"motif de sortie « {motif} » inconnu (motifs_sortie : {connus})", permis
                )
        # --- move the machine, then the fields ------------------------------------------------
        if moteur:
            dest = regles.suivant[nom][etat]
            if dest is not None:
                dossier.state = dest
        else:
            regles.machine.events[nom].trigger(dossier)
        if nouveau:
            self.dossiers[ident] = dossier
        dossier.derniere = jour
        if cle_b is not None:
            dossier._ids += cle_b
        profil = ev.get("profil")
        if profil is not None:
            dossier.profil = self._profil(profil)
        if nom == "entretien":
            if present:
                du = dossier.entretien_du
                if du is not None and jour > du:
                    dossier.manques += 1
                dossier.dernier_entretien = jour
                dossier.entretien_du = prochain
            else:
                dossier.absences += 1
        elif nom == "demarrage":
            self._demarrer(dossier, regles, jour)
            if moteur and etat == "attente":
                self._retirer_attente(suivi, ident)
        elif nom == "attente":
            suivi.attente.append(ident)
        elif nom == "bilan":
            if dossier.fin_cer is not None and jour > dossier.fin_cer:
                dossier.manques += 1
        elif nom == "renouvellement":
            dossier.renouvellements += 1
            fin_cer = None if regles.cer is None else regles.cer(jour)
            if fin_cer is not None and dossier.fin_max is not None and fin_cer > dossier.fin_max:
                fin_cer = dossier.fin_max
            dossier.fin_cer = fin_cer
        elif nom in _FINALS:
            dossier.fin = jour
            if nom == "sortie":
                motif = ev["motif"]
                dossier.motif = motif
                if regles.veille is not None and motif in regles.veille_motifs:
                    dossier.fin_veille = regles.veille(jour)
            else:
                dossier.vers = ev.get("vers")
            if etat in _OUVERTS:
                suivi.occupes -= 1
        if moteur:
            if self._historique is not None:
                self._historique.setdefault(ident, []).append(dict(ev))
            if surveillance.actif:
                self._surveiller(surveillance.apres, (dossier, nom, ev, jour), True)
            return dossier, etat
        self._journaliser(journal_ev, nom)
        if surveillance.actif:
            self._surveiller(surveillance.apres, (dossier, nom, ev, jour), False)
        if nom in _FINALS and etat in _OUVERTS and regles.places is not None:
            self._servir(suivi, regles.places, jour)  # journaled after the exit that frees the place
        return dossier, etat

    def _journaliser(self, ev: Mapping[str, Any], nom: str) -> None:
        self._dernier_evenement = nom
        ident: str = ev["dossier"]
        self._tampon.append((ident, ev["date"], nom, _encode(ev)))
        if self._historique is not None:
            self._historique.setdefault(ident, []).append(dict(ev))

    def _demarrer(self, dossier: Dossier, regles: Regles, jour: date) -> None:
        dossier.debut = jour
        dossier.renouvellements = 0
        fin_max = None if regles.maximum is None else regles.maximum(jour)
        fin_cer = None if regles.cer is None else regles.cer(jour)
        if fin_cer is not None and fin_max is not None and fin_cer > fin_max:
            fin_cer = fin_max
        dossier.fin_max = fin_max
        dossier.fin_cer = fin_cer
        dossier.dernier_entretien = jour
        dossier.entretien_du = regles.prochain_entretien(jour, jour)
        dossier._suivi.occupes += 1

    def _servir(self, suivi: Suivi, places: int, jour: date) -> None:
        """Start waiting dossiers while places are free, by generated démarrages."""
        attente = suivi.attente
        dossiers = self.dossiers
        while attente and suivi.occupes < places:
            ident = attente.popleft()
            dossier = dossiers[ident]
            if dossier.state != "attente":
                continue
            le = max(jour, dossier.derniere)
            regles = suivi.regles(le)
            regles.machine.events["demarrage"].trigger(dossier)
            dossier.derniere = le
            self._demarrer(dossier, regles, le)
            genere = {
                "dossier": ident,
                "date": le.isoformat(),
                "evenement": "demarrage",
                "dispositif": suivi.ident,
                "genere": True,
            }
            self._journaliser(genere, "demarrage")
            self._generes.append(genere)
            if self._surveillance.actif:
                self._surveiller(self._surveillance.apres, (dossier, "demarrage", genere, le), False)

    @staticmethod
    def _retirer_attente(suivi: Suivi, ident: str) -> None:
        attente = suivi.attente
        if attente and attente[0] == ident:
            attente.popleft()
        elif ident in attente:
            attente.remove(ident)

    def _profil(self, profil: Mapping[str, Any]) -> Mapping[str, Any]:
        try:
            cle = _encoder.encode(sorted(profil.items()))
        except TypeError:
            raise ParcoursError("profil : valeurs JSON attendues") from None
        found = self._profils.get(cle)
        if found is None:
            found = self._profils[cle] = dict(profil)
        return found
