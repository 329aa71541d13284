"""Explanations: a dossier's history and why each of its deadlines is what it is.

Each deadline is recomputed from the dates it starts from and the policy value in force on
that date, and cited with its file:line, e.g. « entretien dû le 2018-03-12 : dernier entretien
le 2018-02-25 + rythme_entretiens.au_demarrage.intervalle_max = 15 jours
(policies/meurthe_et_moselle.yaml:57) ».
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from parcours._french import format_date
from parcours.engine.deadlines import echeance, echeances_dossier
from parcours.engine.rights.explain import expliquer_droits, faits_droits
from parcours.policies.display import format_value
from parcours.policies.rules import CHEMINS
from parcours.vocabulary import DELAI, ETAT_ATTENTE, EVENEMENTS_CER, PISTE_DROITS

if TYPE_CHECKING:
    from parcours.engine.dossier import Dossier
    from parcours.engine.engine import Engine
    from parcours.engine.scheme import EtatDispositif

__all__ = ["Explication", "expliquer"]

#: The keys of an event shown in a dossier's history.
_MONTRES: tuple[str, ...] = ("motif", "vers", "presence", "parcours", "organisme", "heures_hebdomadaires")
_MONTRES += ("dispense", "semaine", "heures", "nature", "taux", "mois")


@dataclass(frozen=True)
class Explication:
    """What :meth:`Engine.expliquer` returns; ``str()`` gives the French text."""

    dossier: str
    dispositif: str
    etape: str
    historique: list[dict[str, Any]]
    echeances: list[tuple[str, date, str]] = field(default_factory=list)
    faits: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        lines = [f"dossier {self.dossier} — dispositif {self.dispositif}, étape « {self.etape} »"]
        lines.extend(f"  {fait}" for fait in self.faits)
        lines.append("historique :")
        if not self.historique:
            lines.append("  (non conservé : moteur sans journal ni historique)")
        for event in self.historique:
            extra = [f"{k} = {event[k]}" for k in _MONTRES if k in event]
            genere = " (généré par le moteur)" if event.get("genere") else ""
            suffix = f" ({', '.join(extra)})" if extra else ""
            lines.append(f"  {_jour(event.get('date'))} {event.get('evenement')}{suffix}{genere}")
        lines.append("échéances :")
        if not self.echeances:
            lines.append("  aucune")
        lines.extend(f"  {texte}" for _, _, texte in self.echeances)
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        return {
            "dossier": self.dossier,
            "dispositif": self.dispositif,
            "etape": self.etape,
            "faits": self.faits,
            "historique": self.historique,
            "echeances": [
                {"nature": n, "date": d.isoformat(), "explication": t} for n, d, t in self.echeances
            ],
        }


def _jour(valeur: object) -> str:
    """A journal date (AAAA-MM-JJ) as it is read in French; anything else as it is."""
    try:
        return format_date(date.fromisoformat(str(valeur)[:10]))
    except ValueError:
        return str(valeur)


def _cite(etat: EtatDispositif, chemin: str, jour: date) -> str:
    """The value at ``chemin`` the engine read on ``jour``, with its file:line and source."""
    regles = etat.regles.au(jour)
    version = None if regles is None else regles.versions.get(chemin)
    if version is None:
        return f"{chemin} non défini le {format_date(jour)}"
    where = f", {version.origine}" if version.origine is not None else ""
    source = f" ; source : {version.source}" if version.source is not None and str(version.source) else ""
    hypo = " (hypothèse)" if version.hypothese else ""
    return f"{chemin} = {format_value(version.valeur)}{hypo}{where}{source}"


def _depart_cer(historique: list[dict[str, Any]], dossier: Dossier) -> date | None:
    for event in reversed(historique):
        if event.get("evenement") in EVENEMENTS_CER:
            return date.fromisoformat(str(event["date"])[:10])
    return dossier.debut


def _entretien(jour: date, dossier: Dossier, historique: list[dict[str, Any]]) -> str:
    etat = dossier._dispositif
    ref, debut = dossier.dernier_entretien, dossier.debut
    regles = None if ref is None else etat.regles.au(ref)
    if ref is None or debut is None or regles is None:
        return f"entretien dû le {format_date(jour)} : rythme_entretiens non défini"
    quoi = "démarrage" if ref == debut else "dernier entretien"
    texte = f"entretien dû le {format_date(jour)} : {quoi} le {format_date(ref)} + "
    if (
        regles.rythme_demarrage is not None
        and regles.pendant is not None
        and ref < regles.pendant.ajouter(debut)
    ):
        cite_p = _cite(etat, CHEMINS["pendant"], ref)
        return (
            texte
            + _cite(etat, CHEMINS["rythme_demarrage"], ref)
            + f" (rythme du démarrage du {format_date(debut)} : {cite_p})"
        )
    return texte + _cite(etat, CHEMINS["rythme"], ref)


def _fin_cer(jour: date, dossier: Dossier, historique: list[dict[str, Any]]) -> str:
    depart = _depart_cer(historique, dossier) or jour
    text = f"fin du CER le {format_date(jour)} (bilan dû) : CER du {format_date(depart)} + "
    text += _cite(dossier._dispositif, CHEMINS["cer"], depart)
    if dossier.fin_max is not None and jour == dossier.fin_max:
        text += " ; borné par la durée maximale"
    return text


def _duree_maximum(jour: date, dossier: Dossier, historique: list[dict[str, Any]]) -> str:
    debut = dossier.debut or jour
    return (
        f"durée maximale atteinte le {format_date(jour)} : démarrage le {format_date(debut)} + "
        f"{_cite(dossier._dispositif, CHEMINS['maximum'], debut)}"
    )


def _fin_veille(jour: date, dossier: Dossier, historique: list[dict[str, Any]]) -> str:
    fin = dossier.fin or jour
    return (
        f"fin de la veille le {format_date(jour)} : sortie le {format_date(fin)} "
        f"(motif {dossier.motif}) + {_cite(dossier._dispositif, CHEMINS['veille'], fin)}"
    )


_POURQUOI: dict[str, Callable[[date, Dossier, list[dict[str, Any]]], str]] = {
    "entretien": _entretien,
    "fin_cer": _fin_cer,
    "duree_maximum": _duree_maximum,
    "fin_veille": _fin_veille,
}


def _pourquoi(nature: str, jour: date, dossier: Dossier, historique: list[dict[str, Any]]) -> str:
    explication = _POURQUOI.get(nature)
    if explication is not None:
        return explication(jour, dossier, historique)
    etape = nature.removeprefix(DELAI)
    return (
        f"délai pour atteindre l'étape {etape} le {format_date(jour)} : entrée le "
        f"{format_date(dossier.entree)} + {_cite(dossier._dispositif, f'delais_max.{etape}', dossier.entree)}"
    )


def _faits(engine: Engine, dossier: Dossier) -> list[str]:
    faits = [f"entré le {format_date(dossier.entree)}, dernier événement le {format_date(dossier.derniere)}"]
    if dossier.debut is not None:
        faits.append(
            f"démarrage le {format_date(dossier.debut)}, {dossier.renouvellements} renouvellement(s), "
            f"{dossier.manques} échéance(s) manquée(s), {dossier.absences} absence(s)"
        )
    if dossier.fin is not None:
        quoi = (
            f"motif {dossier.motif}" if dossier.state == "sortie" else f"vers {dossier.vers or 'non précisé'}"
        )
        faits.append(f"{dossier.state} le {format_date(dossier.fin)} ({quoi})")
    if dossier.state == ETAT_ATTENTE:
        rang = engine.attente(dossier.dispositif).index(dossier.id) + 1
        faits.append(f"en liste d'attente, rang {rang}")
    if dossier.profil:
        faits.append("profil : " + ", ".join(f"{k} = {v}" for k, v in dossier.profil.items()))
    return faits


def _droits(engine: Engine, ident: str) -> tuple[list[str], list[tuple[str, date, str]]]:
    """The facts and deadlines of the dossier's droits et devoirs track (none: no track)."""
    suivi = engine.droits.get(ident)
    datees = engine.regles_droits
    if suivi is None or datees is None:
        return [], []
    return faits_droits(suivi), expliquer_droits(suivi, datees)


def expliquer(engine: Engine, ident: str) -> Explication:
    """The explanation of dossier ``ident`` (TransitionError if the engine does not know it):
    its accompaniment, and its droits et devoirs track when it has one."""
    faits, dues_droits = _droits(engine, ident)
    if ident not in engine.dossiers and ident in engine.droits:
        suivi = engine.droits[ident]
        return Explication(
            ident, suivi.dispositif or PISTE_DROITS, suivi.state, engine.historique(ident), dues_droits, faits
        )
    dossier = engine.dossier(ident)
    historique = engine.historique(ident)
    jour = dossier.derniere
    dues = [
        (nature, quand, _pourquoi(nature, quand, dossier, historique))
        for nature, quand in echeances_dossier(dossier, jour)
    ]
    fin = echeance(dossier, "fin_convention", jour)
    if fin is not None:
        texte = f"fin de la convention le {format_date(fin)} : " + _cite(
            dossier._dispositif, CHEMINS["convention_fin"], jour
        )
        dues.append(("fin_convention", fin, texte))
    dues.extend(dues_droits)
    dues.sort(key=lambda item: item[1])
    return Explication(
        ident, dossier.dispositif, dossier.state, historique, dues, [*_faits(engine, dossier), *faits]
    )
