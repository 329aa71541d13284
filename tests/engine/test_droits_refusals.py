"""Each refusal of the droits et devoirs track read whole: the step, the reason, what the
step allows (the error's fields and its text).

Expected texts are written from what each refusal must say: the topology of the track (from
droit_ouvert: ouverture_droit, orientation and the breach events; a contract once oriented;
activity and re-examination once engaged), the national layer's lists in
policies/national/plein_emploi.yaml (dispenses: sante, handicap, invalidite, parent_isole,
situation_individuelle; natures: refus_contrat, non_respect_contrat; 15 h to 35 h a week),
hand-computed dates (week 2025-W14 starts on Monday 31/03/2025). The citations of the texts
(« ; Code du travail ... ») are matched by pattern: their wording is the YAML's.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from parcours import Engine, TransitionError, load_policy
from parcours.policies import Policy

OUVERT = ("ouverture_droit", "orientation", "manquement", "observations", "sanction", "remobilisation")
ORIENTE = (*OUVERT[:2], "contrat_engagement", *OUVERT[2:])
ENGAGE = (*ORIENTE[:3], "activite", "reexamen", *ORIENTE[3:])


def e(jour: str, evenement: str, **cles: Any) -> dict[str, Any]:
    return {"dossier": "X", "date": jour, "evenement": evenement, **cles}


BASE = [e("2025-03-03", "ouverture_droit")]
ORIENTATION = [*BASE, e("2025-03-10", "orientation", parcours="social", organisme="departement")]
CONTRAT = [*ORIENTATION, e("2025-03-20", "contrat_engagement", heures_hebdomadaires=15)]
SOURCE = r" ; [^)]+"  # a citation of the national texts

CAS = [
    (
        BASE,
        e("2025-03-04", "contrat_engagement", heures_hebdomadaires=15),
        "droit_ouvert",
        OUVERT,
        re.escape(f"« contrat_engagement » n'est pas permis ici (permis : {', '.join(OUVERT)})"),
    ),
    (
        BASE,
        e("2025-03-04", "orientation", organisme="departement"),
        "droit_ouvert",
        OUVERT,
        re.escape("parcours manquant (attendu : professionnel, socio_professionnel, social)"),
    ),
    (
        BASE,
        e("2025-03-04", "orientation", parcours="social"),
        "droit_ouvert",
        OUVERT,
        r"organisme manquant \(organismes : [a-z_, ]*cap_emploi, departement, france_travail, "
        r"mission_locale\)",
    ),
    (
        BASE,
        e("2025-03-04", "orientation", parcours="social", organisme="departemen"),
        "droit_ouvert",
        OUVERT,
        re.escape(
            "organisme « departemen » inconnu : ni organisme de droits_devoirs.organismes, ni dispositif "
            "de la politique (vouliez-vous dire « departement » ?)"
        ),
    ),
    (
        BASE,
        e("2025-03-01", "orientation", parcours="social", organisme="departement"),
        "droit_ouvert",
        (),
        re.escape("événement du 01/03/2025 antérieur au dernier événement national du dossier (03/03/2025)"),
    ),
    (
        ORIENTATION,
        e("2025-03-20", "contrat_engagement"),
        "oriente",
        ORIENTE,
        re.escape(
            "heures_hebdomadaires manquant : le contrat du 20/03/2025 fixe une durée hebdomadaire "
            "d'activité d'au moins 15 h, sauf dispense (droits_devoirs.contrat.heures_minimum"
        )
        + SOURCE
        + r"\)",
    ),
    (
        ORIENTATION,
        e("2025-03-20", "contrat_engagement", heures_hebdomadaires=10),
        "oriente",
        ORIENTE,
        re.escape(
            "10 h par semaine, sous le minimum de 15 h sans « dispense » "
            "(droits_devoirs.contrat.heures_minimum"
        )
        + SOURCE
        + re.escape(" ; dispenses : sante, handicap, invalidite, parent_isole, situation_individuelle)"),
    ),
    (
        ORIENTATION,
        e("2025-03-20", "contrat_engagement", heures_hebdomadaires=0, dispense="sant"),
        "oriente",
        ORIENTE,
        re.escape("dispense « sant » inconnue (vouliez-vous dire « sante » ?)"),
    ),
    (
        ORIENTATION,
        e("2025-03-20", "contrat_engagement", heures_hebdomadaires=60),
        "oriente",
        ORIENTE,
        re.escape("60 h par semaine, au-delà de 35 h (droits_devoirs.contrat.heures_maximum") + r" ; .+\)",
    ),
    (
        CONTRAT,
        e("2025-03-25", "activite", heures=3),
        "engage",
        ENGAGE,
        re.escape("« semaine » manquant (attendu : semaine AAAA-Wss et heures de la semaine)"),
    ),
    (
        CONTRAT,
        e("2025-03-25", "activite", semaine="2025-W14"),
        "engage",
        ENGAGE,
        re.escape("« heures » manquant (attendu : semaine AAAA-Wss et heures de la semaine)"),
    ),
    (
        CONTRAT,
        e("2025-03-25", "activite", semaine="2025-W14", heures=3),
        "engage",
        ENGAGE,
        re.escape("la semaine 2025-W14 commence le 31/03/2025, après la date de l'événement (25/03/2025)"),
    ),
    (
        CONTRAT,
        e("2025-03-25", "observations"),
        "engage",
        ENGAGE,
        re.escape("aucun manquement en attente de décision : les observations répondent à un manquement"),
    ),
    (
        CONTRAT,
        e("2025-03-25", "manquement"),
        "engage",
        ENGAGE,
        re.escape("nature manquante (natures connues : refus_contrat, non_respect_contrat)"),
    ),
    (
        CONTRAT,
        e("2025-09-25", "reexamen", difficultes=["sant"]),
        "engage",
        ENGAGE,
        re.escape(
            "difficulté « sant » inconnue de droits_devoirs.reexamen.difficultes "
            "(vouliez-vous dire « sante » ?)"
        ),
    ),
]


@pytest.fixture(scope="module")
def moselle() -> Policy:
    return load_policy("moselle")


@pytest.mark.parametrize(("avant", "event", "etape", "permis", "raison"), CAS)
def test_a_refusal_names_the_step_the_reason_and_what_is_allowed(
    moselle: Policy,
    avant: list[dict[str, Any]],
    event: dict[str, Any],
    etape: str,
    permis: tuple[str, ...],
    raison: str,
) -> None:
    engine = Engine(moselle)
    engine.apply_many(avant)
    prefixe = re.escape(f"dossier X (droits et devoirs, étape « {etape} ») : ")
    with pytest.raises(TransitionError, match=f"^{prefixe}{raison}$") as info:
        engine.apply(event)
    assert (info.value.dossier, info.value.etape, info.value.evenement) == ("X", etape, event["evenement"])
    assert tuple(info.value.autorises) == permis
    assert engine.droits["X"].state == etape  # nothing applied
