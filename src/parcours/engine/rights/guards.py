"""The guards of the droits et devoirs track: whether an event may be applied, judged first.

:func:`juger_droits` reads the track, its state and the national values in force, and
returns a :class:`MouvementDroits` or raises :class:`~parcours.errors.TransitionError` saying
why not, with the value and the article that forbid it. Nothing changes before it returns.

What the texts forbid, and the guards refuse:

- a contract (from 2025) without its weekly hours, under the minimum without a ``dispense``,
  with no hours at all but for a dispense that allows it, or over the legal working week;
- a re-examination of a parcours the texts do not re-examine;
- a sanction with no breach to sanction, with no ``observations`` recorded since the breach
  (CASF L. 262-37: the person must have been able to present them), a rate under the minimum
  or over the maximum (50 % for a household of several people), a duration out of the bounds
  of a first or of a repeated breach; the bounds are those in force on the day of the breach;
- a remobilisation with no suspension running.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from parcours._french import format_date, format_decimal, format_pourcentage
from parcours._suggest import suggest
from parcours.engine.events import lire_semaine, lire_taux
from parcours.engine.rights.track import SuiviDroits, topologie_droits
from parcours.errors import TransitionError
from parcours.policies.durations import Duree
from parcours.policies.rights_rules import Bornes, ReglesDroits, ReglesDroitsDatees
from parcours.vocabulary import PARCOURS_ORIENTATION

__all__ = ["MouvementDroits", "juger_droits", "refus_droits", "repete"]


@dataclass(slots=True)
class MouvementDroits:
    """An accepted event of the track: what it does, decided before anything changes.

    For a sanction, ``repetition`` says whether the breach repeats a sanctioned one and
    ``fin_suspension`` when the suspension ends.
    """

    suivi: SuiviDroits
    nouveau: bool
    evenement: str
    avant: str
    jour: date
    regles: ReglesDroits
    datees: ReglesDroitsDatees
    ev: Mapping[str, Any]
    repetition: bool = False
    fin_suspension: date | None = None


def refus_droits(suivi: SuiviDroits, nom: str, message: str, permis: tuple[str, ...] = ()) -> TransitionError:
    """The error refusing ``nom`` for the track of ``suivi``, with its state and the events allowed."""
    return TransitionError(
        f"dossier {suivi.id} (droits et devoirs, étape « {suivi.state} ») : {message}",
        dossier=suivi.id,
        etape=suivi.state,
        evenement=nom,
        autorises=permis,
    )


def _cite(regles: ReglesDroits, chemin: str) -> str:
    """Where a national value comes from: its key and its text, for a refusal."""
    version = regles.versions.get(chemin)
    source = f" ; {version.source}" if version is not None and version.source is not None else ""
    return f"droits_devoirs.{chemin}{source}"


def _heures(valeur: float) -> str:
    return f"{format_decimal(valeur)} h"


def _entree(m: MouvementDroits) -> None:
    suivi, ev, nom = m.suivi, m.ev, m.evenement
    autre = ev.get("dispositif")
    if autre is not None and autre not in m.datees.dispositifs:
        connus = ", ".join(sorted(m.datees.dispositifs)) or "aucun"
        raise refus_droits(suivi, nom, f"dispositif « {autre} » inconnu de la politique (connus : {connus})")
    if autre is not None and suivi.dispositif is not None and autre != suivi.dispositif:
        raise refus_droits(
            suivi,
            nom,
            f"les droits et devoirs du dossier sont rangés dans « {suivi.dispositif} », pas « {autre} »",
        )
    if not m.nouveau and m.jour < suivi.derniere:
        raise refus_droits(
            suivi,
            nom,
            f"événement du {format_date(m.jour)} antérieur au dernier événement national du dossier "
            f"({format_date(suivi.derniere)})",
        )


def _permis(suivi: SuiviDroits, nom: str) -> tuple[str, ...]:
    permis = topologie_droits().permis()[suivi.state]
    if nom not in permis:
        raise refus_droits(
            suivi, nom, f"« {nom} » n'est pas permis ici (permis : {', '.join(permis)})", permis
        )
    return permis


def _orientation(m: MouvementDroits, permis: tuple[str, ...]) -> None:
    if m.ev.get("parcours") is None:
        raise refus_droits(
            m.suivi, "orientation", f"parcours manquant (attendu : {', '.join(PARCOURS_ORIENTATION)})", permis
        )
    organisme = m.ev.get("organisme")
    connus = m.datees.organismes
    if organisme is None:
        raise refus_droits(
            m.suivi, "orientation", f"organisme manquant (organismes : {', '.join(sorted(connus))})", permis
        )
    if organisme not in connus:
        raise refus_droits(
            m.suivi,
            "orientation",
            f"organisme « {organisme} » inconnu : ni organisme de droits_devoirs.organismes, ni dispositif "
            f"de la politique ({suggest(organisme, connus)})",
            permis,
        )


def _difficultes(m: MouvementDroits, permis: tuple[str, ...]) -> None:
    for mot in m.ev.get("difficultes") or ():
        if mot not in m.datees.difficultes:
            raise refus_droits(
                m.suivi,
                m.evenement,
                f"difficulté « {mot} » inconnue de droits_devoirs.reexamen.difficultes "
                f"({suggest(mot, m.datees.difficultes)})",
                permis,
            )


def _contrat(m: MouvementDroits, permis: tuple[str, ...]) -> None:
    r, ev, suivi = m.regles, m.ev, m.suivi
    heures, dispense = ev.get("heures_hebdomadaires"), ev.get("dispense")
    dispenses = m.datees.dispenses
    if dispense is not None and dispense not in dispenses:
        raise refus_droits(
            suivi,
            "contrat_engagement",
            f"dispense « {dispense} » inconnue ({suggest(dispense, dispenses)})",
            permis,
        )
    if r.heures_minimum is not None:
        minimum = r.heures_minimum
        if heures is None:
            raise refus_droits(
                suivi,
                "contrat_engagement",
                f"heures_hebdomadaires manquant : le contrat du {format_date(m.jour)} fixe une durée "
                f"hebdomadaire d'activité d'au moins {_heures(minimum)}, sauf dispense "
                f"({_cite(r, 'contrat.heures_minimum')})",
                permis,
            )
        if heures < minimum and dispense is None:
            raise refus_droits(
                suivi,
                "contrat_engagement",
                f"{_heures(heures)} par semaine, sous le minimum de {_heures(minimum)} sans « dispense » "
                f"({_cite(r, 'contrat.heures_minimum')} ; dispenses : {', '.join(dispenses)})",
                permis,
            )
        if heures == 0 and dispense is not None and not dispenses[dispense]:
            sans = ", ".join(k for k, v in dispenses.items() if v)
            raise refus_droits(
                suivi,
                "contrat_engagement",
                f"aucune heure d'activité : la dispense « {dispense} » réduit la durée sans la supprimer "
                f"(un plan sans durée hebdomadaire suppose : {sans})",
                permis,
            )
    if r.heures_maximum is not None and heures is not None and heures > r.heures_maximum:
        raise refus_droits(
            suivi,
            "contrat_engagement",
            f"{_heures(heures)} par semaine, au-delà de {_heures(r.heures_maximum)} "
            f"({_cite(r, 'contrat.heures_maximum')})",
            permis,
        )
    _difficultes(m, permis)


def _activite(m: MouvementDroits, permis: tuple[str, ...]) -> None:
    semaine, heures = m.ev.get("semaine"), m.ev.get("heures")
    if semaine is None or heures is None:
        manque = "semaine" if semaine is None else "heures"
        raise refus_droits(
            m.suivi,
            "activite",
            f"« {manque} » manquant (attendu : semaine AAAA-Wss et heures de la semaine)",
            permis,
        )
    lundi = lire_semaine(semaine)
    if lundi is not None and lundi > m.jour:
        raise refus_droits(
            m.suivi,
            "activite",
            f"la semaine {semaine} commence le {format_date(lundi)}, après la date de l'événement "
            f"({format_date(m.jour)})",
            permis,
        )


def _reexamen(m: MouvementDroits, permis: tuple[str, ...]) -> None:
    parcours = m.regles.reexamen_parcours
    if m.suivi.parcours not in parcours:
        prevus = ", ".join(sorted(parcours)) or f"aucun le {format_date(m.jour)}"
        raise refus_droits(
            m.suivi,
            "reexamen",
            f"le parcours « {m.suivi.parcours} » n'est pas réexaminé (parcours réexaminés : {prevus} ; "
            f"{_cite(m.regles, 'reexamen.parcours')})",
            permis,
        )
    _difficultes(m, permis)


def _manquement(m: MouvementDroits, permis: tuple[str, ...]) -> None:
    if m.ev.get("nature") is None:
        natures = ", ".join(m.datees.natures) or "libre"
        raise refus_droits(m.suivi, "manquement", f"nature manquante (natures connues : {natures})", permis)


def _observations(m: MouvementDroits, permis: tuple[str, ...]) -> None:
    if m.suivi.manquement is None:
        raise refus_droits(
            m.suivi,
            "observations",
            "aucun manquement en attente de décision : les observations répondent à un manquement",
            permis,
        )


def repete(suivi: SuiviDroits, regles: ReglesDroits, manquement: date) -> bool:
    """Whether a breach on ``manquement`` repeats an earlier sanctioned one (rules of its day).

    With a window (from 2025-06-01): a sanction notified at most ``fenetre_repetition``
    before, for a breach committed since the window applies; without one (the former
    regime): any earlier sanction.
    """
    fenetre = regles.fenetre_repetition
    if fenetre is None:
        return bool(suivi.sanctions)
    version = regles.versions.get("sanction.fenetre_repetition")
    depuis = None if version is None else version.debut
    return any(
        (depuis is None or avant >= depuis) and manquement <= fenetre.ajouter(sanction)
        for avant, sanction in suivi.sanctions
    )


def _bornes_sanction(
    m: MouvementDroits, regime: ReglesDroits, bornes: Bornes, quoi: str, permis: tuple[str, ...]
) -> None:
    ev = m.ev
    taux = lire_taux(ev["taux"])
    assert taux is not None  # the event format checked it
    mois: int = ev["mois"]
    prefixe = f"sanction.{quoi}"

    def non(message: str) -> TransitionError:
        return refus_droits(m.suivi, "sanction", message, permis)

    if regime.taux_minimum is not None and taux < regime.taux_minimum * 100:
        raise non(
            f"taux de {format_decimal(taux)} % sous le minimum de {format_pourcentage(regime.taux_minimum)} "
            f"({_cite(regime, 'sanction.taux_minimum')})"
        )
    if bornes.taux_maximum is not None and taux > bornes.taux_maximum * 100:
        raise non(
            f"taux de {format_decimal(taux)} % au-delà de {format_pourcentage(bornes.taux_maximum)} "
            f"({_cite(regime, prefixe + '.taux_maximum')})"
        )
    plafond = regime.taux_maximum_foyer
    if ev.get("foyer_plusieurs_personnes") is True and plafond is not None and taux > plafond * 100:
        raise non(
            f"taux de {format_decimal(taux)} % au-delà de {format_pourcentage(plafond)} pour un foyer de "
            f"plusieurs personnes ({_cite(regime, 'sanction.taux_maximum_foyer')})"
        )
    bas, haut = bornes.mois_minimum, bornes.mois_maximum
    if (bas is not None and mois < bas) or (haut is not None and mois > haut):
        genre = "d'un manquement répété" if quoi == "repetition" else "d'un premier manquement"
        raise non(
            f"suspension de {mois} mois hors des bornes {genre} ({bas or 1} à {haut or '…'} mois ; "
            f"{_cite(regime, prefixe + '.mois_maximum')})"
        )


def _sanction(m: MouvementDroits, permis: tuple[str, ...]) -> None:
    suivi = m.suivi
    if suivi.manquement is None:
        raise refus_droits(
            suivi, "sanction", "aucun manquement à sanctionner : enregistrez d'abord le manquement", permis
        )
    if suivi.observations is None:
        raise refus_droits(
            suivi,
            "sanction",
            f"sanction sans observations : la personne doit avoir pu présenter ses observations sur le "
            f"manquement du {format_date(suivi.manquement)} avant toute sanction (Code de l'action sociale "
            "et des familles, art. L. 262-37)",
            permis,
        )
    for cle, attendu in (("taux", "un pourcentage, ex. 30"), ("mois", "la durée en mois, ex. 1")):
        if m.ev.get(cle) is None:
            raise refus_droits(suivi, "sanction", f"« {cle} » manquant (attendu : {attendu})", permis)
    regime = m.datees.au(suivi.manquement)  # the bounds in force on the day of the breach
    m.repetition = repete(suivi, regime, suivi.manquement)
    quoi = "repetition" if m.repetition else "premier_manquement"
    _bornes_sanction(
        m, regime, regime.repetition if m.repetition else regime.premier_manquement, quoi, permis
    )
    m.fin_suspension = Duree(int(m.ev["mois"]), "mois").ajouter(m.jour)


def _remobilisation(m: MouvementDroits, permis: tuple[str, ...]) -> None:
    suivi = m.suivi
    if suivi.suspension is None or suivi.fin_suspension is None:
        raise refus_droits(suivi, "remobilisation", "aucune suspension en cours", permis)
    if m.jour > suivi.fin_suspension:
        raise refus_droits(
            suivi,
            "remobilisation",
            f"la suspension du {format_date(suivi.suspension)} a pris fin le "
            f"{format_date(suivi.fin_suspension)} : il n'y a plus de suspension à lever",
            permis,
        )


_GARDES: dict[str, Callable[[MouvementDroits, tuple[str, ...]], None]] = {
    "orientation": _orientation,
    "contrat_engagement": _contrat,
    "activite": _activite,
    "reexamen": _reexamen,
    "manquement": _manquement,
    "observations": _observations,
    "sanction": _sanction,
    "remobilisation": _remobilisation,
}


def juger_droits(
    ev: Mapping[str, Any],
    jour: date,
    suivi: SuiviDroits,
    nouveau: bool,
    datees: ReglesDroitsDatees | None,
    politique: str,
) -> MouvementDroits:
    """Judge ``ev`` (checked by the event format) for the track ``suivi``; see the module docstring."""
    nom: str = ev["evenement"]
    if datees is None:
        raise refus_droits(
            suivi,
            nom,
            f"la politique {politique} n'a pas de couche nationale des droits et devoirs "
            "(droits_devoirs) : ajoutez « herite: national/plein_emploi »",
        )
    m = MouvementDroits(suivi, nouveau, nom, suivi.state, jour, datees.au(jour), datees, ev)
    _entree(m)
    permis = _permis(suivi, nom)
    garde = _GARDES.get(nom)
    if garde is not None:
        garde(m, permis)
    return m
