"""Replay in bulk: a journal read by columns and applied all at once (:meth:`Engine.replay`).

The per-event replay (replay.py) reads, judges and applies each line in turn. The bulk
replay rebuilds the same engine from whole columns:

1. **Reading**: the journal by columns (journal_columns.py); each line the reader does not
   vouch for is read by the format's one reader, :func:`~parcours.engine.events.normaliser`,
   which gives its verdict and its message.
2. **Guards**: every dossier's lines judged at once by the scan of bulk.py (the one the
   reports use, held to the engine line by line): applied, duplicate of an applied ``id``,
   or refused, with the engine's own message.
3. **State**: each dossier's fields from its applied lines (bulk_state.py), places taken and
   waiting lists from the applied démarrages, ``attente`` lines and exits.
4. **Alerts**: the alerts the journal's ``alerte`` lines hold (less those its
   ``alerte_annulee`` lines cancel) and the alert clock; the rule state (facts, agenda,
   windows) is rebuilt line by line the first time it is needed (replay.py, monitor.py).

:func:`rejouer_en_bloc` changes nothing and returns None, and the replay goes line by line,
when the bulk replay cannot give the engine the per-event replay would:

* pyarrow cannot read the journal as one JSON object per line (journal_columns.py);
* a line is refused and refused lines are not set aside (the per-event replay raises at that
  line, or returns the valid prefix with ``tolerant``);
* a line's event is not one whose effects bulk_state.py computes (an event added to the
  vocabulary after it);
* capacity makes the lines of different dossiers depend on each other (bulk.py);
* an alert line names a rule the policy does not write as the journal says (its id, its
  level or its place in the policy file): the per-event replay raises the alerts again and
  warns about those it no longer raises.
"""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from parcours.engine.alerts.compilation import compiler_dispositif
from parcours.engine.alerts.raised import AlerteLevee
from parcours.engine.bulk import Colonnes, balayer
from parcours.engine.bulk_install import installer
from parcours.engine.events import normaliser
from parcours.engine.journal import Journal, LigneEcartee, lire_ligne
from parcours.engine.journal_columns import LignesLues, en_numpy, lire_colonnes
from parcours.errors import ParcoursError, PolicyError, UnsafeLineError
from parcours.vocabulary import (
    EVENEMENT_ALERTE,
    EVENEMENT_ALERTE_ANNULEE,
    EVENEMENT_ATTENTE,
    EVENEMENT_ETAPE,
    EVENEMENT_VEILLE,
    EVENEMENTS_CER,
    EVENEMENTS_INTERNES,
    EVENEMENTS_JOURNAL,
)

if TYPE_CHECKING:
    from parcours.engine.engine import Engine

__all__ = ["rejouer_en_bloc"]

I64 = npt.NDArray[np.int64]
B = npt.NDArray[np.bool_]
_EPOQUE = date(1970, 1, 1).toordinal()
_ALERTES = (EVENEMENT_ALERTE, EVENEMENT_ALERTE_ANNULEE)
#: The events whose effects bulk_state.py computes.
_CONNUS = frozenset(
    (*EVENEMENT_ETAPE, *EVENEMENTS_INTERNES, *EVENEMENTS_CER, EVENEMENT_VEILLE, EVENEMENT_ATTENTE)
)
_CODE = {nom: i for i, nom in enumerate(EVENEMENTS_JOURNAL)}
_CONNU = np.array([nom in _CONNUS for nom in EVENEMENTS_JOURNAL] + [False], dtype=np.bool_)


def rejouer_en_bloc(
    engine: Engine, journal: Journal, limite: str | None, ecarter: bool
) -> tuple[list[AlerteLevee], date | None] | None:
    """Replay ``journal`` into the new ``engine`` in bulk (see the module docstring): the
    alerts it holds and the alert clock; None when it cannot (the engine is then untouched)."""
    lues = lire_colonnes(journal)
    if lues is None:
        return None
    lu = _format(lues, limite)
    if lu is None:
        return None
    garde, ecartees = lu
    if ecartees and not ecarter:
        return None
    codes = _codes(lues, "evenement", lambda v: _CODE.get(v, len(_CODE)), len(_CODE))
    alerte = np.isin(codes, [_CODE[a] for a in _ALERTES])
    lignes = np.flatnonzero(garde & ~alerte)
    if not _CONNU[codes[lignes]].all():
        return None
    alertes = _alertes(engine, lues, np.flatnonzero(garde & alerte))
    if alertes is None:
        return None
    cols = _colonnes(engine, lues, lignes, codes)
    scan = balayer(engine.policy, cols)
    if scan is None or (scan.refuse.any() and not ecarter):
        return None
    if scan.refuse.any():
        ecartees.extend(scan.raisons())
    installer(engine, lues, lignes, cols, scan)
    engine.lignes_ecartees.extend(sorted(ecartees, key=lambda e: e.numero))
    journal.position = lues.position
    return alertes[0], _horloge(engine, cols.jour[scan.applique], alertes[1])


# --- 1. reading -------------------------------------------------------------------------


def _format(lues: LignesLues, limite: str | None) -> tuple[B, list[LigneEcartee]] | None:
    """Which rows are replayed (read by the format, dated up to ``limite``), and the lines the
    format refuses with normaliser's own message, as replay.py reads each line; None when a
    line breaks a bound (UnsafeLineError), which stops the replay at its line: the per-event
    replay raises it with the journal's name and the line's number."""
    garde = lues.propres.copy()
    if limite is not None:
        dates, valeurs = lues.codes("date")
        apres = np.array([v > limite for v in valeurs] + [False], dtype=np.bool_)
        garde &= ~apres[dates]
    ecartees: list[LigneEcartee] = []
    for x in lues.douteuses.tolist():
        try:
            event = lire_ligne(lues.brute(x) + b"\n")
            if event is None or (limite is not None and str(event.get("date", ""))[:10] > limite):
                continue
            lu = normaliser(event, moteur=True)
        except UnsafeLineError:
            return None
        except ParcoursError as exc:
            ecartees.append(LigneEcartee(int(lues.numero[x]), str(exc)))
            continue
        garde[x] = True
        lues.jour[x] = date.fromisoformat(lu["date"]).toordinal() - _EPOQUE
    if lues.tronquee is not None:
        numero, reste = lues.tronquee
        try:
            lire_ligne(reste)
        except UnsafeLineError:
            return None
        except ParcoursError as exc:
            ecartees.append(LigneEcartee(numero, str(exc)))
    return garde, ecartees


def _codes(lues: LignesLues, cle: str, code: Callable[[Any], int], vide: int) -> I64:
    """``cle``'s values as integer codes: ``code(value)`` for each distinct value, ``vide``
    where there is none."""
    codes, valeurs = lues.codes(cle)
    return np.array([*(code(v) for v in valeurs), vide], dtype=np.int64)[codes]


def _colonnes(engine: Engine, lues: LignesLues, lignes: I64, evenements: I64) -> Colonnes:
    """The event rows ``lignes`` as the columns bulk.py judges."""
    evenement = evenements[lignes]
    rang = {nom: i for i, nom in enumerate(engine.policy.dispositifs)}
    motifs, valeurs = lues.codes("motif")
    motif = np.array([*valeurs, None], dtype=object)[motifs[lignes]]
    motif[evenement != _CODE["sortie"]] = None
    sans_emploi = ~lues.a("emploi")[lignes] & (evenement == _CODE[EVENEMENT_VEILLE])

    def ligne(x: int) -> dict[str, Any]:
        event: dict[str, Any] = json.loads(lues.brute(int(lignes[x])))
        return event

    return Colonnes(
        ligne=lues.numero[lignes],
        dossier=_recoder(lues.code("dossier")[lignes]),
        id=lues.code("id")[lignes],
        jour=lues.jour[lignes],
        evenement=evenement,
        dispositif=_codes(lues, "dispositif", lambda v: rang.get(v, -2), -1)[lignes],
        genere=en_numpy(lues.colonne("genere"), 0).astype(np.bool_)[lignes],
        motif=motif,
        sans_emploi=sans_emploi,
        evenements=ligne,
    )


def _recoder(codes: I64) -> I64:
    """Codes renumbered by first appearance (-1 kept): a dossier's code orders the dossiers
    as their first lines do."""
    if not codes.size:
        return codes
    valeurs, premier, rang = np.unique(codes, return_index=True, return_inverse=True)
    ordre = np.empty(valeurs.shape[0], dtype=np.int64)
    ordre[np.argsort(premier, kind="stable")] = np.arange(valeurs.shape[0])
    out = ordre[rang.reshape(-1)]
    out[codes < 0] = -1
    return out


# --- 4. alerts --------------------------------------------------------------------------


def _alertes(engine: Engine, lues: LignesLues, lignes: I64) -> tuple[list[AlerteLevee], int] | None:
    """The alerts the journal's alert lines leave raised, and the last day (ordinal) of an
    ``alerte`` line (0: none), when every line names a rule as the policy writes it (None:
    the per-event replay must raise them again)."""
    if not lignes.size:
        return [], 0
    cles = ("dossier", "date", "evenement", "dispositif", "alerte", "niveau", "message", "regle")
    valeurs = {cle: lues.valeurs(cle, lignes) for cle in cles}
    programmes: dict[str, Any] = {}
    levees: list[AlerteLevee | None] = []
    vivantes: dict[tuple[str, str, str], deque[int]] = {}
    dernier = 0
    for i in range(len(lignes)):
        ligne = {cle: valeurs[cle][i] for cle in cles}
        if not _ecrite(engine, programmes, ligne):
            return None
        levee = AlerteLevee(
            dossier=ligne["dossier"],
            date=date.fromisoformat(ligne["date"][:10]),
            alerte=ligne["alerte"],
            niveau=ligne["niveau"],
            message=ligne["message"],
            regle=ligne["regle"],
            dispositif=ligne["dispositif"],
        )
        if ligne["evenement"] == EVENEMENT_ALERTE_ANNULEE:
            file = vivantes.get(levee.cle)
            if file:  # the earliest alert still raised with that key leaves the list
                levees[file.popleft()] = None
            continue
        vivantes.setdefault(levee.cle, deque()).append(len(levees))
        levees.append(levee)
        dernier = max(dernier, levee.date.toordinal())
    return [levee for levee in levees if levee is not None], dernier


def _ecrite(engine: Engine, programmes: dict[str, Any], ligne: dict[str, Any]) -> bool:
    """Whether the policy writes the alert line's rule as it says: same id for its dispositif,
    same level, same place in the policy file."""
    disp = ligne["dispositif"]
    if disp not in programmes:
        try:
            programmes[disp] = compiler_dispositif(engine.policy, disp)
        except PolicyError:
            programmes[disp] = None
    programme = programmes[disp]
    regle = None if programme is None else programme.regles.get(ligne["alerte"])
    return regle is not None and regle.alerte.niveau == ligne["niveau"] and regle.origine == ligne["regle"]


def _horloge(engine: Engine, jours: I64, alerte: int) -> date | None:
    """The alert clock a replay leaves: the last day of an applied event or an ``alerte``
    line (``alerte``, an ordinal); it does not move without alert rules."""
    if not engine._surveillance.actif:
        return None
    dernier = max(int(jours.max()) + _EPOQUE if jours.size else 0, alerte)
    return date.fromordinal(dernier) if dernier else None
