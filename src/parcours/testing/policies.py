"""Strategies that generate policies: valid ones, and valid ones with exactly one mutation."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import yaml
from hypothesis import strategies as st

from parcours.policies.loader import load_policy_text
from parcours.policies.schema import Policy
from parcours.vocabulary import ETAPES, ETAPES_OBLIGATOIRES

__all__ = [
    "CasInvalide",
    "CasPolitique",
    "donnees_politique",
    "durees",
    "politiques_invalides",
    "politiques_valides",
]

UNITES = ("jours", "semaines", "mois", "ans")
_LIBELLES = st.text(st.sampled_from("abcdeéèêàçôïABCÉ "), min_size=1, max_size=20).map(str.strip).filter(bool)
_IDS = st.from_regex(r"[a-z][a-z0-9_]{0,10}", fullmatch=True)


@dataclass(frozen=True)
class CasPolitique:
    """A generated policy: its data, its YAML text, and how to load it."""

    donnees: dict[str, Any]
    texte: str
    fichier: str = "generee.yaml"

    def charger(self) -> Policy:
        return load_policy_text(self.texte, self.fichier)


@dataclass(frozen=True)
class CasInvalide:
    """A valid policy with one mutation, the line it is on and a fragment of the expected message."""

    texte: str
    ligne: int
    fragment: str
    mutation: str
    fichier: str = "mutee.yaml"


def durees(max_jours: int = 400) -> st.SearchStrategy[str]:
    """Durations written in every unit, roughly at most ``max_jours`` long."""

    def bounded(unit: str) -> st.SearchStrategy[str]:
        bound = {"jours": max_jours, "semaines": max_jours // 7, "mois": max_jours // 30, "ans": 2}[unit]
        return st.integers(1, max(1, bound)).map(lambda n: f"{n} {unit}")

    return st.sampled_from(UNITES).flatmap(bounded)


@st.composite
def _valeur(
    draw: st.DrawFn,
    inner: st.SearchStrategy[Any],
    dated: bool = True,
    depuis: date | None = None,
    requise: bool = False,
) -> Any:
    """A value in one of the written forms: plain, sourced, hypothèse, or date-keyed.

    Date keys start on or after ``depuis`` (the dispositif's first date of effect); a value
    the language requires (``requise``) starts on ``depuis`` itself, so that it is in force
    when its dispositif opens.
    """
    form = draw(st.sampled_from(("plain", "source", "hypothese", "dates") if dated else ("plain", "source")))
    if form == "plain":
        return draw(inner)
    if form == "source":
        return {"valeur": draw(inner), "source": {"document": "seed.txt", "citation": "texte"}}
    if form == "hypothese":
        return {"valeur": draw(inner), "hypothese": True, "raison": "hypothèse générée"}
    base = depuis if depuis is not None else date(2010, 1, 1)
    start = base if requise else draw(st.dates(base, base + timedelta(days=5 * 365)))
    gaps = draw(st.lists(st.integers(1, 900), min_size=0, max_size=3))
    keys = [start]
    for gap in gaps:
        keys.append(keys[-1] + timedelta(days=gap))
    return {key: draw(inner) for key in keys}


@st.composite
def _dispositif(draw: st.DrawFn) -> dict[str, Any]:
    optional = [s for s in ETAPES if s not in ETAPES_OBLIGATOIRES]
    chosen = set(draw(st.lists(st.sampled_from(optional), unique=True))) | {"demarrage", "sortie"}
    etapes = [s for s in ETAPES if s in chosen]
    depuis = draw(st.dates(date(2010, 1, 1), date(2030, 1, 1)))  # the dispositif's first date of effect
    motifs = draw(st.dictionaries(_IDS, st.booleans(), min_size=1, max_size=4))
    out: dict[str, Any] = {
        "libelle": draw(_LIBELLES),
        "etapes": etapes,
        "motifs_sortie": {
            motif: {"libelle": motif, "categorie": "cat_" + motif, "positive": positive, "emploi": positive}
            for motif, positive in motifs.items()
        },
    }
    capacite: dict[str, Any] = {}
    if draw(st.integers(0, 3)) > 0:
        # few places more often than many: generated streams fill them (waiting lists, refusals)
        places = st.integers(0, 2).flatmap(lambda k: st.integers(1, 4) if k else st.integers(1, 5000))
        capacite["places"] = draw(_valeur(places, depuis=depuis))
    if draw(st.booleans()):
        capacite["etp"] = draw(_valeur(st.integers(1, 20), depuis=depuis))
        capacite["portefeuille_par_etp"] = draw(_valeur(st.integers(1, 200), depuis=depuis))
    if capacite:
        capacite["si_complet"] = draw(st.sampled_from(("attente", "refus")))
        out["capacite"] = capacite
    duree_d: dict[str, Any] = {}
    if draw(st.booleans()):
        duree_d["cer"] = draw(_valeur(durees(366), depuis=depuis))
    if draw(st.booleans()):
        duree_d["renouvellements_max"] = draw(_valeur(st.integers(0, 5), depuis=depuis))
    if draw(st.booleans()):
        duree_d["maximum"] = draw(_valeur(durees(1000), depuis=depuis))
    if duree_d:
        out["duree"] = duree_d
    if draw(st.booleans()):
        rythme: dict[str, Any] = {"intervalle_max": draw(_valeur(durees(90), depuis=depuis, requise=True))}
        if draw(st.booleans()):
            rythme["au_demarrage"] = {
                "intervalle_max": draw(_valeur(durees(30), dated=False)),
                "pendant": draw(_valeur(durees(180), dated=False)),
            }
        out["rythme_entretiens"] = rythme
    emploi = [m for m, positive in motifs.items() if positive]
    veille = draw(st.booleans())
    if emploi and veille:
        out["veille"] = {"duree": draw(_valeur(durees(366), depuis=depuis, requise=True)), "motifs": emploi}
    if draw(st.booleans()):
        out["resultats_attendus"] = {
            "objectif": {
                "libelle": "Objectif",
                "taux": draw(
                    _valeur(st.integers(0, 100).map(lambda n: f"{n} %"), depuis=depuis, requise=True)
                ),
                "selon": draw(st.sampled_from(("positive", "emploi"))),
            }
        }
    return out


@st.composite
def _alerte(draw: st.DrawFn) -> tuple[str, dict[str, Any]]:
    """One alert rule of a kind the language has, with the placeholders its message may use."""
    kind = draw(st.sampled_from(("absences", "retard", "fin_cer", "occupation", "duree")))
    niveau = draw(st.sampled_from(("info", "attention", "urgent")))
    if kind == "absences":
        quand: dict[str, Any] = {
            "evenements": {
                "evenement": "entretien",
                "champs": {"presence": "absent"},
                "nombre": draw(_valeur(st.integers(1, 4))),
                "dans": draw(_valeur(durees(120))),
            }
        }
        message = "{nombre} absences en {dans} ({dossier})"
    elif kind == "retard":
        quand = {"echeance": {"nom": "entretien", "depassee_de": draw(_valeur(durees(30)))}}
        message = "entretien dû le {echeance}, {retard} jours de retard"
    elif kind == "fin_cer":
        quand = {"echeance": {"nom": "fin_cer", "dans": draw(_valeur(durees(60))), "sauf_evenement": "bilan"}}
        message = "CER jusqu'au {echeance}"
    elif kind == "occupation":
        quand = {"occupation": {"seuil": draw(_valeur(st.integers(50, 100).map(lambda n: f"{n} %")))}}
        message = "{occupation} des places ({occupees}/{places})"
    else:
        quand = {"duree_parcours": {"depasse": draw(_valeur(durees(400)))}}
        message = "parcours de {duree} au-delà de {limite}"
    return kind, {"niveau": niveau, "message": message, "quand": quand}


@st.composite
def donnees_politique(draw: st.DrawFn) -> dict[str, Any]:
    """The data of a valid policy (a dict ready for ``yaml.safe_dump``)."""
    dispositifs = draw(st.dictionaries(_IDS, _dispositif(), min_size=1, max_size=3))
    data: dict[str, Any] = {
        "departement": "Généré",
        "libelle": "Politique générée",
        "dispositifs": dispositifs,
    }
    rules = draw(st.lists(_alerte(), max_size=4, unique_by=lambda rule: rule[0]))
    if rules:
        data["alertes"] = dict(rules)
    if draw(st.booleans()):
        data["defauts"] = {"rythme_entretiens": {"intervalle_max": draw(durees(60))}}
    return data


def _yaml(data: dict[str, Any]) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def politiques_valides() -> st.SearchStrategy[CasPolitique]:
    """Valid policies: random dispositifs, steps, durations in every unit, dated values..."""
    return donnees_politique().map(lambda data: CasPolitique(data, _yaml(data)))


def _line_of(text: str, token: str) -> int:
    for number, line in enumerate(text.splitlines(), start=1):
        if token in line:
            return number
    raise AssertionError(f"{token!r} absent du texte")


@st.composite
def politiques_invalides(draw: st.DrawFn) -> CasInvalide:
    """A valid policy with one mutation, and where the loader must report it."""
    data = draw(donnees_politique())
    ident = sorted(data["dispositifs"])[0]
    dispositif = data["dispositifs"][ident]
    mutation = draw(st.sampled_from(("unite", "etape", "cle", "dates", "motif", "entier")))
    if mutation == "unite":
        dispositif.setdefault("duree", {})["cer"] = "6 moisx"
        token, fragment = "6 moisx", "« 6 moisx » n'est pas une durée"
    elif mutation == "etape":
        dispositif["etapes"] = ["demarrrage" if s == "demarrage" else s for s in dispositif["etapes"]]
        token, fragment = "demarrrage", "n'est pas une étape connue"
    elif mutation == "cle":
        dispositif["capacitee"] = {"places": 3}
        token, fragment = "capacitee:", "vouliez-vous dire « capacite »"
    elif mutation == "dates":
        dispositif.setdefault("capacite", {})["places"] = {date(2019, 1, 1): 5, date(2018, 1, 1): 6}
        token, fragment = "2018-01-01:", "avant la précédente"
    elif mutation == "motif":
        dispositif["veille"] = {"duree": "6 mois", "motifs": ["motif_inexistant_zz"]}
        token, fragment = "motif_inexistant_zz", "non déclaré"
    else:
        dispositif.setdefault("duree", {})["renouvellements_max"] = "deux_fois"
        token, fragment = "deux_fois", "n'est pas un nombre entier"
    text = _yaml(data)
    return CasInvalide(text, _line_of(text, token), fragment, mutation)
