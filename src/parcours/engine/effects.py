"""The effects: what an accepted event changes on its dossier and its dispositif.

:func:`effectuer` applies a :class:`~parcours.engine.guards.Mouvement` the guards accepted:
it moves the dossier along its machine's table and updates its dates and counters, and the
places taken and the waiting list of its dispositif. Live events, generated démarrages and
journal replay all go through it, so that a replayed engine is the engine built live.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import date

from parcours.engine.dossier import Dossier
from parcours.engine.guards import Mouvement
from parcours.policies.rules import Regles
from parcours.vocabulary import ETAPES_OUVERTES, ETAT_ATTENTE, EVENEMENT_ATTENTE

__all__ = ["demarrer", "effectuer"]


def _borne(fin_cer: date | None, fin_max: date | None) -> date | None:
    """A CER period never ends after the maximum duration."""
    if fin_cer is not None and fin_max is not None and fin_cer > fin_max:
        return fin_max
    return fin_cer


def demarrer(dossier: Dossier, regles: Regles, jour: date) -> None:
    """Open the accompaniment of ``dossier`` on ``jour``: its deadlines, a place taken."""
    dossier.debut = jour
    dossier.renouvellements = 0
    fin_max = None if regles.maximum is None else regles.maximum.ajouter(jour)
    dossier.fin_max = fin_max
    dossier.fin_cer = _borne(None if regles.cer is None else regles.cer.ajouter(jour), fin_max)
    dossier.dernier_entretien = jour
    dossier.entretien_du = regles.prochain_entretien(jour, jour)
    dossier._dispositif.occupes += 1


def _entretien(m: Mouvement) -> None:
    dossier = m.dossier
    if m.present:
        du = dossier.entretien_du
        if du is not None and m.jour > du:
            dossier.manques += 1
        dossier.dernier_entretien = m.jour
        dossier.entretien_du = m.prochain
    else:
        dossier.absences += 1


def _demarrage(m: Mouvement) -> None:
    demarrer(m.dossier, m.regles, m.jour)
    if m.avant == ETAT_ATTENTE:
        attente = m.dossier._dispositif.attente
        if attente and attente[0] == m.dossier.id:
            attente.popleft()
        elif m.dossier.id in attente:
            attente.remove(m.dossier.id)


def _attente(m: Mouvement) -> None:
    m.dossier._dispositif.attente.append(m.dossier.id)


def _bilan(m: Mouvement) -> None:
    dossier = m.dossier
    if dossier.fin_cer is not None and m.jour > dossier.fin_cer:
        dossier.manques += 1


def _renouvellement(m: Mouvement) -> None:
    dossier = m.dossier
    dossier.renouvellements += 1
    cer = m.regles.cer
    dossier.fin_cer = _borne(None if cer is None else cer.ajouter(m.jour), dossier.fin_max)


def _fin(m: Mouvement) -> None:
    dossier = m.dossier
    dossier.fin = m.jour
    if m.avant in ETAPES_OUVERTES:
        dossier._dispositif.occupes -= 1


def _sortie(m: Mouvement) -> None:
    _fin(m)
    dossier = m.dossier
    motif: str = sys.intern(m.ev["motif"])  # one text per motif, not one per dossier
    dossier.motif = motif
    veille = m.regles.veille
    if veille is not None and motif in m.regles.veille_motifs:
        dossier.fin_veille = veille.ajouter(m.jour)


def _reorientation(m: Mouvement) -> None:
    _fin(m)
    vers = m.ev.get("vers")
    m.dossier.vers = None if vers is None else sys.intern(vers)


def _veille(m: Mouvement) -> None:
    m.dossier.veille_emploi = bool(m.ev["emploi"])


_EFFETS: dict[str, Callable[[Mouvement], None]] = {
    "entretien": _entretien,
    "demarrage": _demarrage,
    EVENEMENT_ATTENTE: _attente,
    "bilan": _bilan,
    "renouvellement": _renouvellement,
    "sortie": _sortie,
    "reorientation": _reorientation,
    "veille": _veille,
}


def effectuer(m: Mouvement) -> None:
    """Apply an accepted event: move the dossier, then its fields and its dispositif's."""
    dossier = m.dossier
    dest = dossier._dispositif.table[m.evenement][m.avant]
    if dest is not None:
        dossier.state = dest
    dossier.derniere = m.jour
    effet = _EFFETS.get(m.evenement)
    if effet is not None:
        effet(m)
