"""The domain vocabulary of parcours, defined once: steps, states, events, deadlines, values.

The policy language, the engine, the alerts, the reports, the simulator and the test
strategies all import these names; none of them spells a step, an event or a deadline kind
again. The words are those of the public event format (DESIGN.md) and of the seeds (004
especially: repérage → prescription → diagnostic partagé → démarrage → bilan → sortie or
réorientation).
"""

from __future__ import annotations

from typing import Literal, get_args

__all__ = [
    "DELAI",
    "ECHEANCES",
    "ECHEANCES_DROITS",
    "ETAPES",
    "ETAPES_AVANT",
    "ETAPES_FINALES",
    "ETAPES_OBLIGATOIRES",
    "ETAPES_OUVERTES",
    "ETAPE_EVENEMENT",
    "ETATS_DROITS",
    "ETAT_ATTENTE",
    "ETAT_INITIAL",
    "EVENEMENTS",
    "EVENEMENTS_CER",
    "EVENEMENTS_DROITS",
    "EVENEMENTS_INTERNES",
    "EVENEMENTS_JOURNAL",
    "EVENEMENTS_MOTEUR",
    "EVENEMENT_ALERTE",
    "EVENEMENT_ALERTE_ANNULEE",
    "EVENEMENT_ATTENTE",
    "EVENEMENT_ETAPE",
    "EVENEMENT_VEILLE",
    "LIBELLES_ETATS",
    "LIBELLES_ETATS_DROITS",
    "LIBELLES_EVENEMENTS",
    "MOTIF_REORIENTATION",
    "PARCOURS_ORIENTATION",
    "PISTE_DROITS",
    "PRESENCES",
    "Drapeau",
    "Etape",
    "EtatDroits",
    "Evenement",
    "EvenementDroits",
    "NatureEcheance",
    "NatureEcheanceDroits",
    "ParcoursOrientation",
    "Presence",
    "libelle_echeance",
]

# --- steps and states ----------------------------------------------------------------------

#: A step of a parcours, as a policy lists it under ``etapes``.
Etape = Literal[
    "reperage",
    "prescription",
    "diagnostic_partage",
    "demarrage",
    "bilan",
    "sortie",
    "reorientation",
]
#: The steps, in the order a parcours goes through them.
ETAPES: tuple[Etape, ...] = get_args(Etape)
#: The steps every dispositif has.
ETAPES_OBLIGATOIRES: tuple[Etape, ...] = ("demarrage", "sortie")
#: The steps before the accompaniment starts.
ETAPES_AVANT: tuple[Etape, ...] = ("reperage", "prescription", "diagnostic_partage")
#: The steps where the accompaniment is open: the dossier takes one of the dispositif's places.
ETAPES_OUVERTES: frozenset[str] = frozenset(("demarrage", "bilan"))
#: The final steps: the parcours is over, nothing moves it any more.
ETAPES_FINALES: tuple[Etape, ...] = ("sortie", "reorientation")
#: The state of a dossier the engine has just met (no step reached yet).
ETAT_INITIAL = "nouveau"
#: The state of a dossier waiting for a place (``si_complet: attente``).
ETAT_ATTENTE = "attente"
#: How a reader names each state of a parcours (diagrams, the policy sheet).
LIBELLES_ETATS: dict[str, str] = {
    ETAT_INITIAL: "Entrée du dossier",
    "reperage": "Repérage",
    "prescription": "Prescription",
    "diagnostic_partage": "Diagnostic partagé",
    ETAT_ATTENTE: "Liste d'attente",
    "demarrage": "Accompagnement démarré",
    "bilan": "Bilan",
    "sortie": "Sortie",
    "reorientation": "Réorientation",
}

# --- events --------------------------------------------------------------------------------

#: An event a caller may send.
Evenement = Literal[
    "reperage",
    "prescription",
    "diagnostic",
    "demarrage",
    "entretien",
    "cer_signe",
    "bilan",
    "renouvellement",
    "sortie",
    "reorientation",
    "veille",
]
EVENEMENTS: tuple[Evenement, ...] = get_args(Evenement)
#: The step each event brings a dossier to (events not listed leave the step unchanged,
#: except ``renouvellement``, which opens a new CER period).
EVENEMENT_ETAPE: dict[str, Etape] = {
    "reperage": "reperage",
    "prescription": "prescription",
    "diagnostic": "diagnostic_partage",
    "demarrage": "demarrage",
    "bilan": "bilan",
    "sortie": "sortie",
    "reorientation": "reorientation",
}
#: The event that brings a dossier to each step.
ETAPE_EVENEMENT: dict[Etape, str] = {etape: evt for evt, etape in EVENEMENT_ETAPE.items()}
#: Events that open a CER period (its end is then due: ``fin_cer``).
EVENEMENTS_CER: tuple[Evenement, ...] = ("demarrage", "renouvellement")
#: Events recorded during an open accompaniment that leave the step where it is.
EVENEMENTS_INTERNES: tuple[Evenement, ...] = ("entretien", "cer_signe")
#: The point made on a person after an exit, during the veille (key ``emploi``).
EVENEMENT_VEILLE: Evenement = "veille"
#: The line the engine writes for a démarrage it puts on the waiting list.
EVENEMENT_ATTENTE = "attente"
#: The line the engine writes for an alert it raised.
EVENEMENT_ALERTE = "alerte"
#: The line the engine writes when a late event shows an alert it raised was not due.
EVENEMENT_ALERTE_ANNULEE = "alerte_annulee"
#: How a reader names each event (diagrams, the policy sheet).
LIBELLES_EVENEMENTS: dict[str, str] = {
    "reperage": "repérage",
    "prescription": "prescription",
    "diagnostic": "diagnostic partagé",
    "demarrage": "démarrage",
    "entretien": "entretien",
    "cer_signe": "CER signé",
    "bilan": "bilan",
    "renouvellement": "renouvellement du CER",
    "sortie": "sortie",
    "reorientation": "réorientation",
    "veille": "point de veille",
    EVENEMENT_ATTENTE: "mise en liste d'attente",
    EVENEMENT_ALERTE: "alerte",
    EVENEMENT_ALERTE_ANNULEE: "alerte annulée",
}
#: Events only the engine writes.
EVENEMENTS_MOTEUR: tuple[str, ...] = (EVENEMENT_ATTENTE, EVENEMENT_ALERTE, EVENEMENT_ALERTE_ANNULEE)

# --- the droits et devoirs track (loi n° 2023-1196 pour le plein emploi) -------------------
#
# The person's right and its duties, which precede and accompany the accompaniment of a
# dispositif: the opening of the right, the orientation, the contrat d'engagement and its
# weekly hours, the re-examination of a social parcours, breaches and sanctions. These
# events move a second track of the dossier (engine/rights/), never the dispositif's step.

#: An event of the droits et devoirs track.
EvenementDroits = Literal[
    "ouverture_droit",
    "orientation",
    "contrat_engagement",
    "activite",
    "reexamen",
    "manquement",
    "observations",
    "sanction",
    "remobilisation",
]
EVENEMENTS_DROITS: tuple[EvenementDroits, ...] = get_args(EvenementDroits)
LIBELLES_EVENEMENTS.update(
    {
        "ouverture_droit": "ouverture du droit",
        "orientation": "orientation",
        "contrat_engagement": "contrat d'engagement",
        "activite": "activité de la semaine",
        "reexamen": "réexamen de l'accompagnement social",
        "manquement": "manquement constaté",
        "observations": "observations de la personne",
        "sanction": "suspension-remobilisation",
        "remobilisation": "remobilisation",
    }
)
#: The three parcours of the national référentiel d'orientation (``orientation``'s ``parcours``).
ParcoursOrientation = Literal["professionnel", "socio_professionnel", "social"]
PARCOURS_ORIENTATION: tuple[ParcoursOrientation, ...] = get_args(ParcoursOrientation)
#: The states of the droits et devoirs track (``nouveau`` before its first event).
EtatDroits = Literal["droit_ouvert", "oriente", "engage"]
ETATS_DROITS: tuple[EtatDroits, ...] = get_args(EtatDroits)
LIBELLES_ETATS_DROITS: dict[str, str] = {
    ETAT_INITIAL: "Entrée du dossier",
    "droit_ouvert": "Droit ouvert, orientation attendue",
    "oriente": "Orienté, contrat d'engagement attendu",
    "engage": "Contrat d'engagement signé",
}
#: What the track's deadlines and alerts name as their dispositif when its events name none.
PISTE_DROITS = "droits_devoirs"

#: Everything a journal line may hold.
EVENEMENTS_JOURNAL: tuple[str, ...] = (*EVENEMENTS, *EVENEMENTS_DROITS, *EVENEMENTS_MOTEUR)

#: Whether the person came to an interview (``entretien``'s ``presence``).
Presence = Literal["present", "absent"]
PRESENCES: tuple[Presence, ...] = get_args(Presence)

#: The flags a policy sets on an exit motif, by which objectives count exits.
Drapeau = Literal["positive", "emploi"]
#: The key under which a réorientation is counted among the exits by motif.
MOTIF_REORIENTATION = "reorientation"

# --- deadlines -----------------------------------------------------------------------------

#: A deadline kind the engine computes for a dossier (``delai_<etape>`` besides these).
NatureEcheance = Literal["entretien", "fin_cer", "duree_maximum", "fin_veille", "fin_convention"]
#: Each deadline kind with its French label.
ECHEANCES: dict[str, str] = {
    "entretien": "entretien dû",
    "fin_cer": "fin du CER (bilan dû)",
    "duree_maximum": "durée maximale atteinte",
    "fin_veille": "fin de la veille",
    "fin_convention": "fin de la convention",
}
#: A deadline kind of the droits et devoirs track.
NatureEcheanceDroits = Literal["orientation", "contrat_engagement", "reexamen", "fin_suspension"]
ECHEANCES_DROITS: dict[str, str] = {
    "orientation": "orientation due",
    "contrat_engagement": "contrat d'engagement dû",
    "reexamen": "réexamen de l'accompagnement social dû",
    "fin_suspension": "fin de la suspension-remobilisation",
}
#: Prefix of the deadline to reach a step (``delais_max``): ``delai_diagnostic_partage``.
DELAI = "delai_"


def libelle_echeance(nature: str) -> str:
    """The French label of a deadline kind."""
    if nature.startswith(DELAI):
        return f"délai pour atteindre l'étape {nature.removeprefix(DELAI)}"
    return ECHEANCES.get(nature) or ECHEANCES_DROITS.get(nature, nature)
