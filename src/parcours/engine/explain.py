"""Explanations: a dossier's history and why each of its deadlines is what it is.

Each deadline is recomputed from the dates it starts from and the policy value in force on
that date, and cited with its file:line, e.g. « entretien dû le 2018-03-12 : dernier entretien
le 2018-02-25 + rythme_entretiens.au_demarrage.intervalle_max = 15 jours
(policies/meurthe_et_moselle.yaml:57) ».
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from parcours.engine.deadlines import echeances_dossier
from parcours.policies.values import Param

if TYPE_CHECKING:
    from parcours.engine.dossier import Dossier
    from parcours.engine.engine import Engine

__all__ = ["Explication", "expliquer"]


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
            extra = [f"{k} = {event[k]}" for k in ("motif", "vers", "presence") if k in event]
            genere = " (généré par le moteur)" if event.get("genere") else ""
            suffix = f" ({', '.join(extra)})" if extra else ""
            lines.append(f"  {event.get('date')} {event.get('evenement')}{suffix}{genere}")
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


def _cite(param: Param[Any] | None, nom: str, jour: date) -> str:
    if param is None:
        return f"{nom} non défini"
    version = param.version_au(jour)
    if version is None:
        return f"{nom} non encore en vigueur le {jour.isoformat()}"
    where = f", {version.origine}" if version.origine is not None else ""
    source = f" ; source : {version.source}" if version.source is not None and str(version.source) else ""
    hypo = " (hypothèse)" if version.hypothese else ""
    return f"{nom} = {version.valeur}{hypo}{where}{source}"


def _delai(delais: Mapping[Any, Param[Any]], etape: str) -> Param[Any] | None:
    return delais.get(etape)


def _depart_cer(historique: list[dict[str, Any]], dossier: Dossier) -> date | None:
    for event in reversed(historique):
        if event.get("evenement") in ("renouvellement", "demarrage"):
            return date.fromisoformat(str(event["date"])[:10])
    return dossier.debut


def _pourquoi(nature: str, jour: date, dossier: Dossier, historique: list[dict[str, Any]]) -> str:
    disp = dossier._suivi.dispositif
    head = f"{nature.replace('_', ' ')} le {jour.isoformat()} : "
    if nature == "entretien":
        ref = dossier.dernier_entretien
        debut = dossier.debut
        rythme = disp.rythme_entretiens
        if ref is None or debut is None or rythme is None:
            return head + "rythme_entretiens non défini"
        quoi = "démarrage" if ref == debut else "dernier entretien"
        dem = rythme.au_demarrage
        if dem is not None:
            pendant = dem.pendant.version_au(ref)
            if pendant is not None and ref < pendant.valeur.ajouter(debut):
                cite_p = _cite(dem.pendant, "rythme_entretiens.au_demarrage.pendant", ref)
                return (
                    f"entretien dû le {jour.isoformat()} : {quoi} le {ref.isoformat()} + "
                    f"{_cite(dem.intervalle_max, 'rythme_entretiens.au_demarrage.intervalle_max', ref)}"
                    f" (rythme du démarrage du {debut.isoformat()} : {cite_p})"
                )
        return (
            f"entretien dû le {jour.isoformat()} : {quoi} le {ref.isoformat()} + "
            f"{_cite(rythme.intervalle_max, 'rythme_entretiens.intervalle_max', ref)}"
        )
    if nature == "bilan":
        depart = _depart_cer(historique, dossier) or jour
        text = f"bilan dû le {jour.isoformat()} (fin du CER) : CER du {depart.isoformat()} + "
        text += _cite(disp.duree.cer, "duree.cer", depart)
        if dossier.fin_max is not None and jour == dossier.fin_max:
            text += " ; borné par la durée maximale"
        return text
    if nature == "duree_maximale" and dossier.debut is not None:
        return (
            f"durée maximale atteinte le {jour.isoformat()} : démarrage le {dossier.debut.isoformat()} + "
            f"{_cite(disp.duree.maximum, 'duree.maximum', dossier.debut)}"
        )
    if nature == "fin_veille" and dossier.fin is not None and disp.veille is not None:
        return (
            f"fin de la veille le {jour.isoformat()} : sortie le {dossier.fin.isoformat()} "
            f"(motif {dossier.motif}) + {_cite(disp.veille.duree, 'veille.duree', dossier.fin)}"
        )
    if nature.startswith("delai_"):
        etape = nature.removeprefix("delai_")
        return (
            f"délai pour atteindre l'étape {etape} le {jour.isoformat()} : entrée le "
            f"{dossier.entree.isoformat()} + "
            f"{_cite(_delai(disp.delais_max, etape), f'delais_max.{etape}', dossier.entree)}"
        )
    return head.rstrip(" :")


def expliquer(engine: Engine, ident: str) -> Explication:
    """The explanation of dossier ``ident`` (TransitionError if the engine does not know it)."""
    dossier = engine.dossier(ident)
    historique = engine.historique(ident)
    faits = [f"entré le {dossier.entree.isoformat()}, dernier événement le {dossier.derniere.isoformat()}"]
    if dossier.debut is not None:
        faits.append(
            f"démarrage le {dossier.debut.isoformat()}, {dossier.renouvellements} renouvellement(s), "
            f"{dossier.manques} échéance(s) manquée(s), {dossier.absences} absence(s)"
        )
    if dossier.fin is not None:
        quoi = (
            f"motif {dossier.motif}" if dossier.state == "sortie" else f"vers {dossier.vers or 'non précisé'}"
        )
        faits.append(f"{dossier.state} le {dossier.fin.isoformat()} ({quoi})")
    if dossier.state == "attente":
        rang = engine.attente(dossier.dispositif).index(ident) + 1
        faits.append(f"en liste d'attente, rang {rang}")
    if dossier.profil:
        faits.append("profil : " + ", ".join(f"{k} = {v}" for k, v in dossier.profil.items()))
    dues = [
        (nature, jour, _pourquoi(nature, jour, dossier, historique))
        for nature, jour in echeances_dossier(dossier)
    ]
    dues.sort(key=lambda item: item[1])
    conv = dossier._suivi.dispositif.convention
    if conv is not None and conv.fin is not None and dossier.state in ("demarrage", "bilan"):
        fin = conv.fin.version_au(dossier.derniere)
        if fin is not None:
            texte = f"fin de la convention le {fin.valeur.isoformat()} : " + _cite(
                conv.fin, "convention.fin", dossier.derniere
            )
            dues.append(("fin_convention", fin.valeur, texte))
    return Explication(ident, dossier.dispositif, dossier.state, historique, dues, faits)
