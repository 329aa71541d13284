"""Why each deadline of a dossier's droits et devoirs track is what it is: the date it runs
from, the national value in force that day with its file:line, and its text and article.

« contrat d'engagement dû le 22/04/2025 : orientation le 22/03/2025 (parcours social,
organisme departement) + droits_devoirs.contrat.delai.social = 1 mois
(policies/national/plein_emploi.yaml:128) ; source : Code du travail, art. D. 5411-14-1, ... »
"""

from __future__ import annotations

from datetime import date

from parcours._french import format_date, format_decimal
from parcours.engine.rights.deadlines import echeances_droits
from parcours.engine.rights.track import SuiviDroits
from parcours.policies.display import format_value
from parcours.policies.rights_rules import ReglesDroits, ReglesDroitsDatees

__all__ = ["expliquer_droits", "faits_droits"]

#: Why a new orientation gives a new month (cited with the contract's delay).
_REORIENTATION = (
    "une nouvelle orientation fait courir un nouveau délai "
    "(Code du travail, art. D. 5411-8-2 et D. 5411-14-2)"
)


def _cite(regles: ReglesDroits, chemin: str) -> str:
    """The national value at ``chemin`` as read in ``regles``, with its file:line and source."""
    version = regles.versions.get(chemin)
    if version is None:
        return f"droits_devoirs.{chemin} non défini"
    where = f" ({version.origine})" if version.origine is not None else ""
    hypo = " (hypothèse)" if version.hypothese else ""
    source = f" ; source : {version.source}" if version.source is not None and str(version.source) else ""
    return f"droits_devoirs.{chemin} = {format_value(version.valeur)}{hypo}{where}{source}"


def _contrat(jour: date, suivi: SuiviDroits, datees: ReglesDroitsDatees) -> str:
    texte = f"contrat d'engagement dû le {format_date(jour)} : "
    if suivi.state == "engage" and suivi.contrat is not None:
        regles = datees.au(suivi.contrat)
        return (
            texte
            + f"contrat signé le {format_date(suivi.contrat)}, avant la réforme : "
            + f"{_cite(regles, 'contrat.transition.reforme')} + {_cite(regles, 'contrat.transition.delai')}"
        )
    assert suivi.orientation is not None
    regles = datees.au(suivi.orientation)
    return (
        texte
        + f"orientation le {format_date(suivi.orientation)} (parcours {suivi.parcours}, organisme "
        + f"{suivi.organisme}) + {_cite(regles, f'contrat.delai.{suivi.parcours}')} ; {_REORIENTATION}"
    )


def _pourquoi(nature: str, jour: date, suivi: SuiviDroits, datees: ReglesDroitsDatees) -> str:
    if nature == "orientation":
        assert suivi.ouverture is not None
        return (
            f"orientation due le {format_date(jour)} : information d'ouverture du droit le "
            f"{format_date(suivi.ouverture)} + {_cite(datees.au(suivi.ouverture), 'orientation.delai')}"
        )
    if nature == "contrat_engagement":
        return _contrat(jour, suivi, datees)
    if nature == "reexamen":
        assert suivi.revision is not None
        regles = datees.au(suivi.revision)
        quoi = "contrat signé" if suivi.revision == suivi.contrat else "dernier réexamen"
        return (
            f"réexamen de l'accompagnement social dû le {format_date(jour)} : {quoi} le "
            f"{format_date(suivi.revision)} + {_cite(regles, regles.chemin_reexamen(suivi.difficultes))}"
        )
    assert suivi.suspension is not None and suivi.taux is not None
    return (
        f"fin de la suspension-remobilisation le {format_date(jour)} : sanction du "
        f"{format_date(suivi.suspension)} ({format_decimal(suivi.taux)} %) ; une remobilisation d'ici là "
        "lève la suspension (Code de l'action sociale et des familles, art. L. 262-37)"
    )


def expliquer_droits(suivi: SuiviDroits, datees: ReglesDroitsDatees) -> list[tuple[str, date, str]]:
    """Each pending deadline of the track with its explanation, sorted by date."""
    dues = [(n, q, _pourquoi(n, q, suivi, datees)) for n, q in echeances_droits(suivi, datees)]
    dues.sort(key=lambda item: item[1])
    return dues


def faits_droits(suivi: SuiviDroits) -> list[str]:
    """What the track holds, in words."""
    faits = [
        f"droits et devoirs : étape « {suivi.state} », dernier événement le {format_date(suivi.derniere)}"
    ]
    if suivi.ouverture is not None:
        faits.append(f"ouverture du droit le {format_date(suivi.ouverture)}")
    if suivi.orientation is not None:
        faits.append(
            f"orientation le {format_date(suivi.orientation)} : parcours {suivi.parcours}, organisme "
            f"{suivi.organisme} ({suivi.orientations} orientation(s))"
        )
    if suivi.contrat is not None:
        heures = "sans durée" if suivi.heures is None else f"{format_decimal(suivi.heures)} h par semaine"
        dispense = f", dispense {suivi.dispense}" if suivi.dispense else ""
        faits.append(f"contrat d'engagement le {format_date(suivi.contrat)} : {heures}{dispense}")
    if suivi.manquement is not None:
        vu = "" if suivi.observations is None else f", observations le {format_date(suivi.observations)}"
        faits.append(f"manquement du {format_date(suivi.manquement)} ({suivi.nature}) en attente{vu}")
    if suivi.sanctions:
        faits.append(
            f"{len(suivi.sanctions)} sanction(s), la dernière le {format_date(suivi.sanctions[-1][1])}"
        )
    if suivi.remobilisation is not None:
        faits.append(f"remobilisation le {format_date(suivi.remobilisation)}")
    return faits
