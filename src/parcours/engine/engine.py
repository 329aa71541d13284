"""The engine: moves dossiers through their dispositif's machine, one event at a time.

``Engine(policy, journal=...)`` keeps every dossier in memory and appends each applied
event to its journal. An event is judged by the rules in force on its date (guards.py); a
refused event (wrong step, date before the dossier's last event, dispositif closed, guard
failed) raises :class:`~parcours.errors.TransitionError` and changes nothing; an event whose
``id`` the dossier already has is acknowledged and not applied again (ids are unique per
dossier). An accepted event is applied by effects.py.

Capacity: a dispositif's ``places`` are the accompaniments open at once (steps ``demarrage``
and ``bilan``). A démarrage when they are all taken goes to the waiting list (journaled as
``attente``) or is refused, as ``si_complet`` says. When a place frees (an exit), the first
waiting dossier starts, by a journaled ``demarrage`` marked ``genere``, dated that day; when
places grow with a new version, waiting dossiers are served at the dispositif's next
démarrage or exit. The stream is taken to be in date order across dossiers for capacity.

Replay (:meth:`Engine.replay`) applies each journal line through the same guards and
effects. The engine's own decisions are read from the journal rather than made again: an
``attente`` line puts a dossier on the waiting list, a ``genere`` démarrage gives it a place;
both are checked (a place is never given twice, a dossier never waits beside a free place).

Several writers: on a shared journal (SQLite, PostgreSQL) each write is a transaction of the
journal in which the engine first applies what other writers appended since it last read
(journal.py states the contract): a place is never given twice, and an event decided on a
stale view of its dossier, or of its dispositif's places, is refused with ConflitError (the
engine is then up to date: look again and retry). :meth:`Engine.refresh` catches up without
writing, :meth:`Engine.follow` waits for other writers.

Alerts: the policy's ``alertes`` rules run on each applied event and as the alert clock moves
(see alertes/surveillance.py for the clock contract). An alert is journaled as an ``alerte``
line after the event that raised it (or, for a time-based one, before the event whose date
moved the clock); it never blocks nor undoes an event. An error of the rules engine is kept
in ``avertissements`` and the event stays applied.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from parcours._encoding import encode
from parcours.engine.alerts import AlerteLevee, Surveillance
from parcours.engine.conflicts import Vus, conflit, conflit_droits
from parcours.engine.dossier import Dossier
from parcours.engine.effects import effectuer
from parcours.engine.events import Event, contenu, lire_jour, normaliser
from parcours.engine.guards import Mouvement, juger, refus
from parcours.engine.journal import Journal, Ligne, LigneEcartee
from parcours.engine.journals import open_journal
from parcours.engine.rights.effects import effectuer_droits
from parcours.engine.rights.guards import juger_droits, refus_droits
from parcours.engine.rights.track import SuiviDroits
from parcours.engine.scheme import EtatDispositif
from parcours.errors import ConflitError, JournalError, ParcoursError, PolicyError, TransitionError
from parcours.policies.rights_rules import ReglesDroitsDatees, regles_droits
from parcours.policies.schema import Policy
from parcours.vocabulary import (
    ETAPES_FINALES,
    ETAPES_OUVERTES,
    ETAT_ATTENTE,
    EVENEMENT_ALERTE,
    EVENEMENT_ATTENTE,
    EVENEMENTS_DROITS,
)

if TYPE_CHECKING:
    from parcours.engine.capacity import Charge
    from parcours.engine.deadlines import Echeance
    from parcours.engine.explain import Explication

__all__ = ["Engine", "Lot", "Resultat"]

_DROITS = frozenset(EVENEMENTS_DROITS)


@dataclass(frozen=True, slots=True)
class Resultat:
    """What one ``apply`` changed. ``applique`` is False for an already-applied ``id``.

    ``evenement`` is the event as journaled (a démarrage put on the waiting list reads
    ``attente``); ``generes`` are the events the engine generated (served waiting dossiers);
    ``alertes`` the alerts raised while applying it (the clock's, then the event's),
    ``annulees`` those it showed were not due (an event dated before them).
    """

    dossier: str
    evenement: str
    avant: str | None
    apres: str
    applique: bool = True
    generes: tuple[dict[str, Any], ...] = ()
    alertes: tuple[AlerteLevee, ...] = ()
    annulees: tuple[AlerteLevee, ...] = ()


@dataclass(frozen=True, slots=True)
class Lot:
    """What one ``apply_many`` did: events applied, duplicates acknowledged, events generated,
    alerts raised and cancelled."""

    appliques: int
    doublons: int
    generes: int
    alertes: int = 0
    annulees: int = 0


def _connu(ids: bytes, cle: bytes) -> bytes | None:
    """The content print kept with idempotency key ``cle`` (None: the key is new)."""
    index = ids.find(cle)
    while index != -1:
        if index % 16 == 0:
            return ids[index + 8 : index + 16]
        index = ids.find(cle, index + 1)
    return None


def _cle(ident: str, ev: Mapping[str, Any]) -> tuple[bytes, bytes]:
    """The idempotency key of an event and the print of its content (8 bytes each)."""
    return hash(ident).to_bytes(8, "little", signed=True), hash(contenu(ev)).to_bytes(
        8, "little", signed=True
    )


class Engine:
    """Dossiers, their steps and deadlines under one policy; see the module docstring."""

    def __init__(
        self,
        policy: Policy,
        journal: Journal | str | os.PathLike[str] | None = None,
        *,
        historique: bool = False,
        batch: int = 10_000,
    ) -> None:
        self.policy = policy
        self.dossiers: dict[str, Dossier] = {}
        #: the droits et devoirs track of each dossier that has national events (engine/rights/)
        self.droits: dict[str, SuiviDroits] = {}
        self._regles_droits: ReglesDroitsDatees | bool | None = False  # False: not compiled yet
        self.avertissements: list[ParcoursError] = []
        #: the journal lines a replay with ``ecarter`` set aside, with their reasons
        self.lignes_ecartees: list[LigneEcartee] = []
        self.batch = batch
        self.journal: Journal | None = None
        self._etats: dict[str, EtatDispositif] = {}
        self._profils: dict[str, Mapping[str, Any]] = {}
        self._tampon: list[Ligne] = []
        self._historique: dict[str, list[dict[str, Any]]] | None = {} if historique else None
        self._panne: BaseException | None = None
        self._surveillance = Surveillance(policy)
        self._rejeu = False
        #: lines written to the journal by this engine (None: the journal held lines before)
        self._ecrites: int | None = 0
        #: the journal a replay read, followed by refresh() when the engine does not write
        self._source: Journal | None = None
        #: whether the journal's write transaction is open, and what other writers moved in it
        self._transaction = False
        self._vus: Vus | None = None
        if journal is not None:
            attache = journal if isinstance(journal, Journal) else open_journal(journal)
            attache.attach()
            if not attache.is_empty():
                if attache is not journal:
                    attache.close()
                raise JournalError(
                    "ce journal contient déjà des événements : "
                    "reprenez-le avec Engine.replay(politique, journal, continuer=True)",
                    fichier=attache.name,
                )
            self.journal = attache
            if attache.partage:
                self._ecrites = None  # other writers may write to it

    # --- applying events -------------------------------------------------------------------

    def apply(self, event: Mapping[str, Any] | Event) -> Resultat:
        """Apply one event; its journal line is written and flushed before this returns."""
        self._verifier_service()
        try:
            self._commencer()
            return self._appliquer(event.to_dict() if isinstance(event, Event) else event)
        finally:
            self._vider()

    def apply_many(self, events: Iterable[Mapping[str, Any] | Event]) -> Lot:
        """Apply events in order, journaling them by batches of ``batch`` (see journal.py).

        A refused event raises its error with its position in ``events`` and its ``id``; the
        events before it stay applied and journaled.
        """
        self._verifier_service()
        appliques = doublons = generes = alertes = annulees = 0
        batch, tampon, appliquer = self.batch, self._tampon, self._appliquer
        position = 0
        try:
            for position, event in enumerate(events, 1):  # noqa: B007 - read in the except
                if not self._transaction:
                    self._commencer()
                resultat = appliquer(event.to_dict() if isinstance(event, Event) else event)
                if resultat.applique:
                    appliques += 1
                    generes += len(resultat.generes)
                else:
                    doublons += 1
                alertes += len(resultat.alertes)
                annulees += len(resultat.annulees)
                if len(tampon) >= batch:
                    self._vider()
        except ParcoursError as exc:
            raise _dans_le_lot(exc, position, event) from exc
        finally:
            self._vider()
        return Lot(appliques, doublons, generes, alertes, annulees)

    @classmethod
    def replay(
        cls,
        policy: Policy,
        journal: Journal | str | os.PathLike[str],
        *,
        jusqu_au: date | None = None,
        tolerant: bool = False,
        continuer: bool = False,
        ecarter: bool = False,
        reparer: bool = False,
        historique: bool = False,
    ) -> Engine:
        """Rebuild the engine whose applied events ``journal`` holds (see the module docstring).

        Events dated after ``jusqu_au`` are left out. A line the engine refuses raises
        JournalError naming it; with ``ecarter`` it is set aside in ``lignes_ecartees`` (its
        number and reason) and the replay goes on; with ``tolerant`` the engine of the valid
        prefix is returned and the error is in its ``avertissements``. ``reparer`` cuts a torn
        last line off (its bytes kept beside the journal, a warning says where). With
        ``continuer`` the engine writes its next events to the journal (a torn last line is
        cut off first; an invalid line before the end forbids it unless ``ecarter``).
        ``historique`` keeps each dossier's events in memory (for explanations).
        """
        from parcours.engine.replay import rejouer

        source = journal if isinstance(journal, Journal) else open_journal(journal)
        engine = cls(policy, historique=historique)
        rejouer(
            engine,
            source,
            jusqu_au=jusqu_au,
            tolerant=tolerant,
            continuer=continuer,
            ecarter=ecarter,
            reparer=reparer,
        )
        return engine

    # --- reading the state -----------------------------------------------------------------

    def dossier(self, ident: str) -> Dossier:
        try:
            return self.dossiers[ident]
        except KeyError:
            raise TransitionError(f"dossier « {ident} » inconnu", dossier=ident) from None

    def suivi_droits(self, ident: str) -> SuiviDroits:
        """The droits et devoirs track of dossier ``ident`` (TransitionError if it has none)."""
        try:
            return self.droits[ident]
        except KeyError:
            raise TransitionError(
                f"dossier « {ident} » : aucun événement des droits et devoirs", dossier=ident
            ) from None

    @property
    def regles_droits(self) -> ReglesDroitsDatees | None:
        """The policy's national layer compiled (None: the policy has none)."""
        if self._regles_droits is False:
            self._regles_droits = regles_droits(self.policy)
        assert not isinstance(self._regles_droits, bool)
        return self._regles_droits

    def etat_dispositif(self, dispositif: str) -> EtatDispositif:
        """The engine's state for ``dispositif`` (compiled rules, places, waiting list)."""
        found = self._etats.get(dispositif)
        if found is None:
            try:
                found = EtatDispositif(dispositif, self.policy.dispositif(dispositif))
            except PolicyError as exc:
                raise TransitionError(str(exc), evenement=None) from exc
            self._etats[dispositif] = found
        return found

    def attente(self, dispositif: str) -> list[str]:
        """The waiting dossiers of ``dispositif``, first served first."""
        etat = self._etats.get(dispositif)
        if etat is None:
            return []
        return [i for i in etat.attente if self.dossiers[i].state == ETAT_ATTENTE]

    def count(self) -> dict[str, Counter[str]]:
        """Number of dossiers by dispositif and step."""
        result: dict[str, Counter[str]] = {}
        for dossier in self.dossiers.values():
            result.setdefault(dossier.dispositif, Counter())[dossier.state] += 1
        return result

    def echeances(self, au: date, *, horizon: int = 0) -> list[Echeance]:
        """Deadlines due or overdue on ``au`` (or within ``horizon`` days); see deadlines.py."""
        from parcours.engine.deadlines import echeances

        return echeances(self, au, horizon=horizon)

    def charge(self, dispositif: str, au: date) -> Charge:
        """Places taken and load per ETP of ``dispositif`` against the values in force on ``au``."""
        from parcours.engine.capacity import charge

        return charge(self, dispositif, au)

    def explain(self, ident: str) -> Explication:
        """The history of a dossier and why each of its deadlines is what it is."""
        from parcours.engine.explain import expliquer

        return expliquer(self, ident)

    def diagram(self, dispositif: str, au: date | None = None) -> str:
        """The dispositif's machine as a Mermaid state diagram, in the policy's words.

        With ``au``, its conditions carry the values in force that day (« une place libre sur 45 »).
        """
        from parcours.engine.diagram import en_mermaid, schema

        etat = self.etat_dispositif(dispositif)
        regles = None if au is None else etat.regles.au(au)
        titre = f"{self.policy.departement} : {etat.dispositif.libelle}"
        return en_mermaid(schema(etat.topo, titre, regles))

    def historique(self, ident: str) -> list[dict[str, Any]]:
        """The applied events of a dossier: from the journal, or kept in memory (``historique``)."""
        if self._historique is not None:
            return list(self._historique.get(ident, ()))
        if self.journal is not None:
            self._vider()
            return self.journal.read_dossier(ident)
        return []

    # --- the alert clock -------------------------------------------------------------------

    def advance(self, au: date) -> list[AlerteLevee]:
        """Move the alert clock to ``au``: the time-based alerts due by then are raised and journaled.

        The clock never goes back; each applied event moves it to its date first (see
        alertes/surveillance.py). Returns the alerts raised by this move.
        """
        self._verifier_service()
        if not self._surveillance.actif:
            return []
        try:
            self._commencer()
            return self._alertes(self._surveillance.avancer(au))
        finally:
            self._vider()

    def alertes(
        self,
        au: date | None = None,
        *,
        niveau: str | None = None,
        dispositif: str | None = None,
        dossier: str | None = None,
    ) -> list[AlerteLevee]:
        """The alerts raised on or before ``au`` (all when None), in the order they were raised.

        With ``au`` after the clock, the clock moves to ``au`` first (see :meth:`advance`):
        the alerts this raises are journaled like the others.
        """
        if au is not None:
            self.advance(au)
        return [
            a
            for a in self._surveillance.levees
            if (au is None or a.date <= au)
            and (niveau is None or a.niveau == niveau)
            and (dispositif is None or a.dispositif == dispositif)
            and (dossier is None or a.dossier == dossier)
        ]

    @property
    def clock(self) -> date | None:
        """The alert clock: the date up to which time-based alerts have been raised."""
        return self._surveillance.horloge

    # --- other writers ----------------------------------------------------------------------

    def refresh(self) -> int:
        """Apply the lines other writers appended to the journal since this engine last read it
        (a shared journal, or the journal a replay read); how many lines were read.

        Nothing is written. A line the engine refuses is set aside in ``lignes_ecartees``.
        """
        self._verifier_service()
        journal = self.journal if self.journal is not None else self._source
        if journal is None or self._transaction or (self.journal is not None and not journal.partage):
            return 0  # no journal, or this engine is its only writer: nothing to catch up
        from parcours.engine.replay import catch_up

        return catch_up(self, journal, journal.since(journal.position)).lignes

    def follow(self, timeout: float = 1.0) -> int:
        """Wait up to ``timeout`` seconds for other writers' lines (NOTIFY on PostgreSQL,
        polling on SQLite and JSONL), then apply them (:meth:`refresh`); how many were read."""
        journal = self.journal if self.journal is not None else self._source
        if journal is None or (self.journal is not None and not journal.partage):
            return 0
        if journal.wait(timeout):
            return self.refresh()
        return 0

    def close(self) -> None:
        self._vider()
        self._surveillance.fermer()
        if self.journal is not None:
            self.journal.close()
        if self._source is not None:
            self._source.close()

    def __enter__(self) -> Engine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- internals: one event ----------------------------------------------------------------

    def _lire(self, event: Mapping[str, Any], ligne_moteur: bool) -> tuple[dict[str, Any], date, str | None]:
        """The event checked by the format, its date, and its journal line (None on replay:
        nothing is written). A value that is not JSON is refused here, before anything changes."""
        ev = normaliser(event, moteur=ligne_moteur)
        jour = lire_jour(ev["date"])
        assert jour is not None  # normaliser checked it
        if self._rejeu:
            return ev, jour, None
        try:
            return ev, jour, encode(ev)
        except TypeError as exc:
            raise JournalError(f"événement invalide : dossier {ev['dossier']} : {exc}") from exc

    def _appliquer(self, event: Mapping[str, Any], ligne_moteur: bool = False) -> Resultat:
        """Read, judge, apply one event. A caller's event lets the engine decide capacity
        (``ligne_moteur`` False); a journal line being replayed records a decision made."""
        ev, jour, ligne = self._lire(event, ligne_moteur)
        if ev["evenement"] in _DROITS:
            return self._appliquer_droits(ev, jour, ligne)
        ident: str = ev["dossier"]
        dossier = self.dossiers.get(ident)
        cle = ev.get("id")
        cle_b = None if cle is None else _cle(cle, ev)
        if dossier is None:
            disp = ev.get("dispositif")
            if disp is None:
                raise TransitionError(
                    f"dossier {ident} inconnu : son premier événement doit indiquer son dispositif",
                    dossier=ident,
                    evenement=ev["evenement"],
                )
            etat = self.etat_dispositif(disp)
            if self._vus is not None and not ligne_moteur:
                self._refuser_si_perime(ev, etat, jour)
            mouvement = juger(ev, jour, Dossier(ident, etat, jour), True, not ligne_moteur)
        else:
            deja = None if cle_b is None or not dossier._ids else _connu(dossier._ids, cle_b[0])
            if deja is not None:
                if cle_b is not None and deja != cle_b[1]:
                    raise refus(
                        dossier,
                        ev["evenement"],
                        f"id « {cle} » déjà appliqué à un autre événement de ce dossier : conflit",
                    )
                return Resultat(ident, ev["evenement"], dossier.state, dossier.state, applique=False)
            if self._vus is not None and not ligne_moteur:
                self._refuser_si_perime(ev, dossier._dispositif, jour)
            mouvement = juger(ev, jour, dossier, False, not ligne_moteur)
        # Accepted: nothing before this point has changed or journaled anything.
        levees = self._avancer_horloge(jour)
        generes: list[dict[str, Any]] = []
        if mouvement.evenement == "demarrage" and not ligne_moteur and not self._rejeu:
            self._decider_place(mouvement, generes, levees)
        self._effectuer(mouvement, cle_b, levees, ligne)
        if not self._rejeu and mouvement.evenement in ETAPES_FINALES and mouvement.avant in ETAPES_OUVERTES:
            self._servir(mouvement.dossier._dispositif, jour, generes, levees)
        return Resultat(
            ident,
            mouvement.evenement,
            mouvement.avant,
            mouvement.dossier.state,
            True,
            tuple(generes),
            tuple(a for a in levees if not a.annulee),
            tuple(a for a in levees if a.annulee),
        )

    def _appliquer_droits(self, ev: dict[str, Any], jour: date, ligne: str | None) -> Resultat:
        """Judge and apply an event of the droits et devoirs track (engine/rights/): the same
        path as an accompaniment's event, on the dossier's second track."""
        ident: str = ev["dossier"]
        suivi = self.droits.get(ident)
        nouveau = suivi is None
        cle = ev.get("id")
        cle_b = None if cle is None else _cle(cle, ev)
        if suivi is None:
            suivi = SuiviDroits(ident, jour)
        elif cle_b is not None and suivi._ids:
            deja = _connu(suivi._ids, cle_b[0])
            if deja is not None:
                if deja != cle_b[1]:
                    message = f"id « {cle} » déjà appliqué à un autre événement de ce dossier : conflit"
                    raise refus_droits(suivi, ev["evenement"], message)
                return Resultat(ident, ev["evenement"], suivi.state, suivi.state, applique=False)
        if self._vus is not None and not self._rejeu and self.journal is not None:
            erreur = conflit_droits(self._vus, ident, self.journal.name)
            if erreur is not None:
                raise erreur
        m = juger_droits(ev, jour, suivi, nouveau, self.regles_droits, self.policy.nom)
        # Accepted: nothing before this point has changed or journaled anything.
        levees = self._avancer_horloge(jour)
        effectuer_droits(m)
        if nouveau:
            self.droits[ident] = suivi
        if cle_b is not None:
            suivi._ids += cle_b[0] + cle_b[1]
        if not self._rejeu:
            self._tampon.append((ident, ev["date"], m.evenement, ligne or encode(ev)))
        if self._historique is not None:
            self._historique.setdefault(ident, []).append(dict(ev))
        if self._surveillance.actif:
            appel = self._surveillance.apres_droits
            levees.extend(self._alertes(self._surveiller(appel, suivi, m.evenement, ev, jour)))
        return Resultat(
            ident,
            m.evenement,
            m.avant,
            suivi.state,
            True,
            (),
            tuple(a for a in levees if not a.annulee),
            tuple(a for a in levees if a.annulee),
        )

    def _effectuer(
        self,
        m: Mouvement,
        cle_b: tuple[bytes, bytes] | None,
        levees: list[AlerteLevee],
        ligne: str | None = None,
    ) -> None:
        """Apply an accepted event, record it (journal or history), run the alert rules.

        ``ligne`` is the event's journal text, encoded when it was read."""
        effectuer(m)
        dossier = m.dossier
        if m.nouveau:
            self.dossiers[dossier.id] = dossier
        if cle_b is not None:
            dossier._ids += cle_b[0] + cle_b[1]
        profil = m.ev.get("profil")
        if profil is not None:
            dossier.profil = self._profil(profil)
        ev = m.ev
        if ev["evenement"] != m.evenement:  # a démarrage put on the waiting list
            ev = {**ev, "evenement": m.evenement}
            ligne = None
        if not self._rejeu:
            self._tampon.append((dossier.id, ev["date"], m.evenement, ligne or encode(ev)))
        if self._historique is not None:
            self._historique.setdefault(dossier.id, []).append(dict(ev))
        if self._surveillance.actif:
            levees.extend(
                self._alertes(self._surveiller(self._surveillance.apres, dossier, m.evenement, ev, m.jour))
            )

    def _decider_place(self, m: Mouvement, generes: list[dict[str, Any]], levees: list[AlerteLevee]) -> None:
        """A caller's démarrage: serve the waiting list first, then wait if every place is taken."""
        places = m.regles.places
        if places is None:
            return
        etat = m.dossier._dispositif
        self._servir(etat, m.jour, generes, levees)
        if etat.occupes >= places:
            m.evenement = EVENEMENT_ATTENTE

    def _servir(
        self, etat: EtatDispositif, jour: date, generes: list[dict[str, Any]], levees: list[AlerteLevee]
    ) -> None:
        """Start waiting dossiers while places are free, by generated démarrages (judged and
        applied as the journal's lines of them will be on replay)."""
        attente = etat.attente
        while attente:
            dossier = self.dossiers[attente[0]]
            if dossier.state != ETAT_ATTENTE:
                attente.popleft()
                continue
            le = max(jour, dossier.derniere)
            regles = etat.regles.au(le)
            if (
                regles is None
                or regles.places is None
                or etat.occupes >= regles.places
                or not etat.regles.ouvert(le)
            ):
                return
            genere = {
                "dossier": dossier.id,
                "date": le.isoformat(),
                "evenement": "demarrage",
                "dispositif": etat.ident,
                "genere": True,
            }
            self._effectuer(juger(genere, le, dossier, False, False), None, levees)
            generes.append(genere)

    # --- internals: alerts and journal ---------------------------------------------------

    def _avancer_horloge(self, jour: date) -> list[AlerteLevee]:
        surveillance = self._surveillance
        if surveillance.actif and (surveillance.horloge is None or jour > surveillance.horloge):
            return self._alertes(self._surveiller(surveillance.avancer, jour))
        return []

    def _surveiller(self, appel: Any, *args: Any) -> list[AlerteLevee]:
        """Run the alert rules; an error of the rules engine is kept as a warning."""
        try:
            levees: list[AlerteLevee] = appel(*args)
        except ParcoursError as exc:
            self.avertissements.append(exc)
            return []
        return levees

    def _alertes(self, levees: list[AlerteLevee]) -> list[AlerteLevee]:
        """Raised alerts: journaled live; on replay, expected among the journal's lines."""
        if not levees:
            return levees
        if self._rejeu:
            self._surveillance.attendre(levees)
            return []
        for levee in levees:
            self._tampon.append(
                (levee.dossier, levee.date.isoformat(), EVENEMENT_ALERTE, encode(levee.to_event()))
            )
        return levees

    def _commencer(self) -> None:
        """Open the journal's write transaction; on a shared journal, apply first what other
        writers appended since this engine last read (see journal.py)."""
        journal = self.journal
        if journal is None or self._transaction:
            return
        if not journal.partage:
            journal.begin()
            self._transaction = True
            return
        from parcours.engine.replay import catch_up

        # most of the catching up is done before the lock, so that the lock is held briefly;
        # what it moved counts as much as what the lock's own read brings
        vus = catch_up(self, journal, journal.since(journal.position))
        lignes = journal.begin()
        self._transaction = True
        try:
            catch_up(self, journal, lignes, vus)
        except BaseException:
            self._transaction = False
            journal.rollback()
            raise
        self._vus = vus if vus.lignes else None

    def _refuser_si_perime(self, ev: Mapping[str, Any], etat: EtatDispositif, jour: date) -> None:
        """Raise ConflitError when another writer moved what this caller's event touches."""
        assert self._vus is not None and self.journal is not None
        erreur = conflit(
            self._vus, ev["dossier"], ev["evenement"], etat, self.dossiers, jour, self.journal.name
        )
        if erreur is not None:
            raise erreur

    def _verifier_service(self) -> None:
        if self._panne is not None:
            raise JournalError(
                f"le journal n'a pas pu être écrit ({self._panne}) : l'état en mémoire n'est plus "
                "celui du journal ; rejouez le journal"
            )

    def _vider(self) -> None:
        """Write the buffered lines. When the journal cannot be written, the engine goes back
        to the journal's state (what was not written is not applied) and says so."""
        tampon = self._tampon
        if not self._transaction:
            tampon.clear()  # no journal: the lines are not kept
            return
        self._transaction, self._vus = False, None
        if self.journal is not None:
            try:
                self.journal.commit(tampon)
            except Exception as exc:
                perdus = len(tampon)
                tampon.clear()
                etat = (
                    "l'état est revenu à celui du journal"
                    if self._restaurer(exc)
                    else ("l'état en mémoire n'est plus celui du journal ; rejouez le journal")
                )
                raison = exc.message if isinstance(exc, JournalError) else str(exc)
                raise JournalError(
                    f"le journal n'a pas pu être écrit ({raison}) : {perdus} ligne(s) non écrite(s), {etat}",
                    fichier=self.journal.name,
                ) from exc
            except BaseException as exc:  # interrupted: what is in memory may not be written
                self._panne = exc
                raise
            if self._ecrites is not None:
                self._ecrites += len(tampon)
        tampon.clear()

    def _restaurer(self, cause: BaseException) -> bool:
        """Rebuild the state from the journal after a failed write; False when it cannot be
        read back (the engine then refuses events until the journal is replayed)."""
        assert self.journal is not None
        try:
            if self._ecrites == 0:  # nothing was ever written: the journal is as it started, empty
                neuf = Engine(self.policy, historique=self._historique is not None)
            else:
                neuf = Engine.replay(
                    self.policy, self.journal, reparer=True, historique=self._historique is not None
                )
        except ParcoursError:
            self._panne = cause
            return False
        self._surveillance.fermer()
        for attribut in ("dossiers", "droits", "_etats", "_profils", "_historique", "_surveillance"):
            setattr(self, attribut, getattr(neuf, attribut))
        self.avertissements.extend(neuf.avertissements)
        return True

    def _profil(self, profil: Mapping[str, Any]) -> Mapping[str, Any]:
        try:
            cle = encode(sorted(profil.items()))
        except TypeError:
            raise JournalError("profil : valeurs JSON attendues") from None
        found = self._profils.get(cle)
        if found is None:
            found = self._profils[cle] = dict(profil)
        return found


def _dans_le_lot(exc: ParcoursError, position: int, event: Any) -> ParcoursError:
    """``exc`` with the position (and ``id``) of the event of the batch it refused."""
    ident = event.get("id") if isinstance(event, Mapping) else getattr(event, "id", None)
    where = f"événement n° {position} du lot" + (f" (id « {ident} »)" if ident is not None else "")
    if isinstance(exc, TransitionError):
        return TransitionError(
            f"{where} : {exc}",
            dossier=exc.dossier,
            etape=exc.etape,
            evenement=exc.evenement,
            autorises=exc.autorises,
        )
    if isinstance(exc, ConflitError):
        return ConflitError(
            f"{where} : {exc.detail}",
            dossier=exc.dossier,
            dispositif=exc.dispositif,
            position=exc.position,
            fichier=exc.fichier,
            rang=position,
        )
    if isinstance(exc, JournalError):
        return JournalError(f"{where} : {exc}", fichier=exc.fichier, ligne=exc.ligne)
    return exc
