"""The guards: whether an event may be applied to a dossier, judged before anything changes.

:func:`juger` reads the dossier, its dispositif's state and the rules in force on the
event's date, and returns a :class:`Mouvement` (what the event will do) or raises
:class:`~parcours.errors.TransitionError` saying why not. It changes nothing: a refused event
leaves the engine, its journal and its alert clock as they were.

Two kinds of events are judged. A caller's event (``decider=True``) lets the engine decide
what capacity makes of it: a démarrage when every place is taken goes to the waiting list
(``si_complet: attente``, decided after the places are served) or is refused (``refus``). A
record of a decision already made (``decider=False``: a journal line being replayed, or a
démarrage the engine generates for a waiting dossier) is checked against the same rules: a
démarrage needs a free place, an ``attente`` line needs every place taken.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from parcours._french import format_date
from parcours.engine.dossier import Dossier
from parcours.errors import TransitionError
from parcours.policies.rules import Regles
from parcours.vocabulary import ETAT_ATTENTE, EVENEMENT_ATTENTE

__all__ = ["Mouvement", "juger", "refus"]


@dataclass(slots=True)
class Mouvement:
    """An accepted event: what it does to its dossier, decided before anything changes.

    ``evenement`` is the event as it will be journaled (``attente`` once a démarrage is put
    on the waiting list); ``avant`` the dossier's step before it. For an interview,
    ``present`` and ``prochain`` (the next interview due) are computed here.
    """

    dossier: Dossier
    nouveau: bool
    evenement: str
    avant: str
    jour: date
    regles: Regles
    ev: Mapping[str, Any]
    present: bool = False
    prochain: date | None = None


def refus(dossier: Dossier, nom: str, message: str, permis: tuple[str, ...] = ()) -> TransitionError:
    """The error refusing ``nom`` for ``dossier``, with its step and the events allowed."""
    return TransitionError(
        f"dossier {dossier.id} ({dossier.dispositif}, étape « {dossier.state} ») : {message}",
        dossier=dossier.id,
        etape=dossier.state,
        evenement=nom,
        autorises=permis,
    )


def _entree(dossier: Dossier, nom: str, ev: Mapping[str, Any], jour: date, nouveau: bool) -> None:
    disp = dossier._dispositif
    if nouveau:
        if not disp.regles.ouvert(jour):
            raise refus(
                dossier, nom, f"événement du {format_date(jour)} refusé : {disp.regles.fermeture(jour)}"
            )
        return
    autre = ev.get("dispositif")
    if autre is not None and autre != disp.ident:
        raise refus(dossier, nom, f"le dossier est suivi dans « {disp.ident} », pas « {autre} »")
    if jour < dossier.derniere:
        raise refus(
            dossier,
            nom,
            f"événement du {format_date(jour)} antérieur au dernier événement du dossier "
            f"({format_date(dossier.derniere)})",
        )


def _permis(dossier: Dossier, nom: str, ev: Mapping[str, Any], decider: bool) -> tuple[str, ...]:
    """The events a caller may send from the dossier's step; raises if ``nom`` is not one."""
    disp = dossier._dispositif
    etat = dossier.state
    permis = disp.permis[etat]
    if etat == ETAT_ATTENTE:  # a waiting dossier starts only when the engine gives it a place
        permis = tuple(p for p in permis if p != "demarrage")
    if nom == EVENEMENT_ATTENTE:
        ok = not decider and etat in disp.sources_attente
    else:
        # only the engine gives a waiting dossier its place: a generated démarrage
        ok = nom in permis or (
            not decider and nom == "demarrage" and etat == ETAT_ATTENTE and ev.get("genere") is True
        )
    if not ok:
        liste = ", ".join(permis) if permis else "aucun (étape finale)"
        raise refus(dossier, nom, f"« {nom} » n'est pas permis ici (permis : {liste})", permis)
    return permis


def _entretien(m: Mouvement, decider: bool, permis: tuple[str, ...]) -> None:
    debut = m.dossier.debut
    m.present = m.ev.get("presence") != "absent" and debut is not None
    if m.present and debut is not None:
        m.prochain = m.regles.prochain_entretien(m.jour, debut)


def _demarrage(m: Mouvement, decider: bool, permis: tuple[str, ...]) -> None:
    disp = m.dossier._dispositif
    if not disp.regles.ouvert(m.jour):
        raise refus(m.dossier, "demarrage", f"démarrage refusé : {disp.regles.fermeture(m.jour)}", permis)
    places = m.regles.places
    if places is None or disp.occupes < places:
        return
    if decider and m.regles.si_complet == "refus":
        raise refus(
            m.dossier,
            "demarrage",
            f"toutes les places sont prises ({disp.occupes}/{places}) et "
            "la politique refuse les démarrages (si_complet : refus)",
            permis,
        )
    if not decider:
        raise refus(
            m.dossier,
            "demarrage",
            f"démarrage alors que toutes les places sont prises ({disp.occupes}/{places}) : "
            "une place ne peut pas être donnée deux fois",
            permis,
        )


def _attente(m: Mouvement, decider: bool, permis: tuple[str, ...]) -> None:
    disp = m.dossier._dispositif
    places = m.regles.places
    if places is None or disp.occupes < places:
        raise refus(
            m.dossier,
            EVENEMENT_ATTENTE,
            f"mise en attente alors qu'une place est libre ({disp.occupes}/{places})",
        )


def _renouvellement(m: Mouvement, decider: bool, permis: tuple[str, ...]) -> None:
    dossier = m.dossier
    rmax = m.regles.renouvellements_max
    if rmax is not None and dossier.renouvellements >= rmax:
        raise refus(
            dossier,
            "renouvellement",
            f"renouvellement refusé : {dossier.renouvellements} renouvellement(s) déjà, "
            f"au plus {rmax} (duree.renouvellements_max)",
            permis,
        )
    if dossier.fin_max is not None and m.jour >= dossier.fin_max:
        raise refus(
            dossier,
            "renouvellement",
            f"renouvellement refusé : durée maximale atteinte le {format_date(dossier.fin_max)} "
            "(duree.maximum)",
            permis,
        )


def _sortie(m: Mouvement, decider: bool, permis: tuple[str, ...]) -> None:
    motif = m.ev.get("motif")
    connus = m.regles.motifs
    if motif is None:
        liste = ", ".join(sorted(connus)) or "libre"
        raise refus(m.dossier, "sortie", f"motif manquant (motifs_sortie : {liste})", permis)
    if connus and motif not in connus:
        raise refus(
            m.dossier,
            "sortie",
            f"motif de sortie « {motif} » inconnu (motifs_sortie : {', '.join(sorted(connus))})",
            permis,
        )


def _veille(m: Mouvement, decider: bool, permis: tuple[str, ...]) -> None:
    if not isinstance(m.ev.get("emploi"), bool):
        raise refus(m.dossier, "veille", "« emploi » manque (attendu : true ou false)", permis)


_GARDES: dict[str, Callable[[Mouvement, bool, tuple[str, ...]], None]] = {
    "entretien": _entretien,
    "demarrage": _demarrage,
    EVENEMENT_ATTENTE: _attente,
    "renouvellement": _renouvellement,
    "sortie": _sortie,
    "veille": _veille,
}


def juger(ev: Mapping[str, Any], jour: date, dossier: Dossier, nouveau: bool, decider: bool) -> Mouvement:
    """Judge ``ev`` (checked by the event format) for ``dossier``; see the module docstring."""
    nom: str = ev["evenement"]
    _entree(dossier, nom, ev, jour, nouveau)
    regles = dossier._dispositif.regles.au(jour)
    if regles is None:  # an existing dossier's dates never go back before its entry
        raise refus(dossier, nom, dossier._dispositif.regles.fermeture(jour))
    permis = _permis(dossier, nom, ev, decider)
    m = Mouvement(dossier, nouveau, nom, dossier.state, jour, regles, ev)
    garde = _GARDES.get(nom)
    if garde is not None:
        garde(m, decider, permis)
    return m
