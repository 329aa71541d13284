"""What a policy sheet says: each value in words, with its source and whether it is assumed.

A :class:`Fiche` is built once and rendered as HTML or Markdown (sheet/html.py,
sheet/markdown.py). Every value shown is a version of the policy's model (``Param.versions``):
its text, the day it takes effect, the number of the note that quotes its source, and whether
it is a hypothesis. When and whether a dispositif is open comes from the compiled rules
(``policies/rules.py``), as for the engine; the diagram from the engine's machine.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from parcours.engine.diagram import Schema, schema_dispositif
from parcours.policies.display import format_value, libelles_dispositifs
from parcours.policies.rules import ReglesDatees, regles_datees
from parcours.policies.schema import Dispositif, Policy
from parcours.policies.values import Param, Source
from parcours.sheet._alerts import RegleAlerte, alertes_du_dispositif
from parcours.sheet._values import Ligne, Note, Notes, Valeur, valeurs
from parcours.sheet.rights import blocs_droits
from parcours.sheet.timeline import Changement, calendrier

__all__ = ["Bloc", "Fiche", "FicheDispositif", "Motif", "fiche"]


@dataclass(frozen=True)
class Bloc:
    titre: str
    lignes: tuple[Ligne, ...]


@dataclass(frozen=True)
class Motif:
    """An exit motif: its words, its flags, why, and its note."""

    ident: str
    libelle: str
    categorie: str
    positive: bool
    emploi: bool
    raison: str | None
    notes: tuple[int, ...]
    hypothese: bool


@dataclass(frozen=True)
class FicheDispositif:
    ident: str
    libelle: str
    operateur: str | None
    public: str | None
    description: str | None
    ouverture: str
    blocs: tuple[Bloc, ...]
    motifs: tuple[Motif, ...]
    alertes: tuple[RegleAlerte, ...]
    schema: Schema


@dataclass(frozen=True)
class Fiche:
    """The sheet of a policy: its dispositifs, the calendar of its changes, its notes."""

    titre: str
    politique: str
    libelle: str
    fichier: str | None
    jour: date | None
    dispositifs: tuple[FicheDispositif, ...]
    calendrier: tuple[Changement, ...]
    notes: tuple[Note, ...] = field(default=())
    #: the national layer's values (sheet/rights.py), when the policy has one
    droits: tuple[Bloc, ...] = field(default=())

    @property
    def hypotheses(self) -> int:
        return sum(1 for n in self.notes if n.hypothese)


def _param(d: Dispositif, chemin: str) -> Param[Any] | None:
    node: Any = d
    for part in chemin.split("."):
        node = node.get(part) if isinstance(node, dict) else getattr(node, part, None)
        if node is None:
            return None
    return node if isinstance(node, Param) else None


def _ligne(
    d: Dispositif, chemin: str, libelle: str, notes: Notes, jour: date | None, absent: str = "non précisé"
) -> Ligne:
    return Ligne(libelle, valeurs(_param(d, chemin), notes, jour), absent, chemin)


def _capacite(d: Dispositif, notes: Notes, jour: date | None) -> Bloc:
    complet = "liste d'attente" if d.capacite.si_complet == "attente" else "refus du démarrage"
    lignes = [
        _ligne(d, "capacite.places", "Places (mesures en flux continu)", notes, jour, "non limitées"),
        _ligne(d, "capacite.personnes_par_an", "Personnes à accompagner par an", notes, jour),
        _ligne(d, "capacite.etp", "Référents (ETP)", notes, jour),
        _ligne(
            d, "capacite.portefeuille_par_etp", "Portefeuille par référent (personnes par ETP)", notes, jour
        ),
        _ligne(d, "capacite.binomes", "Binômes conseiller / travailleur social", notes, jour),
        _ligne(d, "capacite.part_brsa", "Part de bénéficiaires du RSA", notes, jour),
    ]
    if d.capacite.places is not None:
        lignes.append(
            Ligne("Quand toutes les places sont prises", (Valeur(complet),), chemin="capacite.si_complet")
        )
    return Bloc("Places et référents", tuple(lignes))


def _rythme(d: Dispositif, notes: Notes, jour: date | None) -> Bloc:
    lignes = [
        _ligne(
            d,
            "rythme_entretiens.intervalle_max",
            "Au plus entre deux entretiens",
            notes,
            jour,
            "aucun rythme",
        )
    ]
    if d.rythme_entretiens is not None and d.rythme_entretiens.au_demarrage is not None:
        demarrage = "rythme_entretiens.au_demarrage"
        lignes.append(
            _ligne(d, f"{demarrage}.intervalle_max", "Au démarrage, au plus entre deux", notes, jour)
        )
        lignes.append(_ligne(d, f"{demarrage}.pendant", "… pendant les premiers", notes, jour))
    return Bloc("Rythme des entretiens", tuple(lignes))


def _duree(d: Dispositif, notes: Notes, jour: date | None) -> Bloc:
    lignes = [
        _ligne(d, "duree.cer", "Durée d'un CER", notes, jour),
        _ligne(d, "duree.renouvellements_max", "Renouvellements au plus", notes, jour, "non limités"),
        _ligne(
            d, "duree.reevaluation_au_renouvellement", "Réévaluation à chaque renouvellement", notes, jour
        ),
        _ligne(d, "duree.minimum", "Durée minimale", notes, jour),
        _ligne(d, "duree.maximum", "Durée totale maximale", notes, jour, "non limitée"),
    ]
    lignes += [
        _ligne(d, f"delais_max.{e}", f"Délai pour atteindre l'étape {e}", notes, jour) for e in d.delais_max
    ]
    return Bloc("CER, renouvellements et durées", tuple(lignes))


def _veille_objectifs(d: Dispositif, notes: Notes, jour: date | None) -> tuple[Bloc, Bloc]:
    v = d.veille
    lignes = [_ligne(d, "veille.duree", "Durée de la veille", notes, jour, "pas de veille")]
    if v is not None:
        ouvrent = "les motifs liés à l'emploi"
        if v.motifs is not None:
            ouvrent = ", ".join(d.motifs_sortie[m].libelle if m in d.motifs_sortie else m for m in v.motifs)
        lignes.append(Ligne("Ouverte par", (Valeur(ouvrent),), chemin="veille.motifs"))
    objectifs = []
    for cle, o in d.resultats_attendus.items():
        base = "des sorties" if o.base == "sorties" else "des personnes accompagnées"
        selon = {"positive": "sorties positives", "emploi": "sorties en emploi"}
        quoi = ", ".join(o.motifs) if o.motifs else selon[o.selon or "positive"]
        objectifs.append(
            _ligne(d, f"resultats_attendus.{cle}.taux", f"{o.libelle} ({quoi}, part {base})", notes, jour)
        )
    return Bloc("Veille après la sortie", tuple(lignes)), Bloc("Résultats attendus", tuple(objectifs))


def _ouverture(regles: ReglesDatees, d: Dispositif, jour: date | None) -> str:
    if jour is not None:
        return "ouvert ce jour" if regles.ouvert(jour) else f"pas ouvert : {regles.fermeture(jour)}"
    if regles.ouverture is None:
        return "ouvert depuis toujours (aucune valeur datée)"
    origine = "début de la convention" if d.convention is not None else "première date d'effet de ses valeurs"
    return f"ouvre le {format_value(regles.ouverture)} ({origine})"


def _renvoi(notes: Notes, source: Source | None, hypothese: bool, raison: str | None) -> tuple[int, ...]:
    note = notes.ajouter(source, hypothese, raison if hypothese else None)
    return () if note is None else (note,)


def _motifs(d: Dispositif, notes: Notes) -> tuple[Motif, ...]:
    return tuple(
        Motif(
            k,
            m.libelle,
            m.categorie,
            m.positive,
            m.emploi,
            m.raison,
            _renvoi(notes, m.source, m.hypothese, m.raison),
            m.hypothese,
        )
        for k, m in d.motifs_sortie.items()
    )


def _dispositif(policy: Policy, ident: str, libelle: str, notes: Notes, jour: date | None) -> FicheDispositif:
    d = policy.dispositif(ident)
    regles = regles_datees(policy, ident)
    convention = Bloc(
        "Convention",
        (
            _ligne(d, "convention.debut", "Début de la convention", notes, jour, "pas de convention datée"),
            _ligne(d, "convention.fin", "Fin de la convention", notes, jour, "pas de fin prévue"),
        ),
    )
    veille, objectifs = _veille_objectifs(d, notes, jour)
    blocs = (
        convention,
        _capacite(d, notes, jour),
        _rythme(d, notes, jour),
        _duree(d, notes, jour),
        veille,
        objectifs,
    )
    return FicheDispositif(
        ident=ident,
        libelle=libelle,
        operateur=d.operateur,
        public=d.public,
        description=d.description,
        ouverture=_ouverture(regles, d, jour),
        blocs=blocs,
        motifs=_motifs(d, notes),
        alertes=alertes_du_dispositif(policy, ident, notes, jour),
        schema=schema_dispositif(policy, ident, jour),
    )


def fiche(policy: Policy, jour: date | None = None) -> Fiche:
    """The sheet of ``policy``: all its versions, or (with ``jour``) the values in force that day."""
    notes = Notes(policy.documents)
    libelles = libelles_dispositifs(policy)
    dispositifs = tuple(_dispositif(policy, i, libelles[i], notes, jour) for i in policy.dispositifs)
    droits = tuple(Bloc(t, lignes) for t, lignes in blocs_droits(policy.droits_devoirs, notes, jour))
    titre = f"Fiche de la politique — {policy.departement}"
    return Fiche(
        titre=titre,
        politique=policy.nom,
        libelle=policy.libelle,
        fichier=policy.fichier,
        jour=jour,
        dispositifs=dispositifs,
        calendrier=calendrier(policy, libelles),
        notes=notes.liste(),
        droits=droits,
    )
