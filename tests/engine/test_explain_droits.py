"""`Engine.explain` of a droits et devoirs track, every line (engine/rights/explain.py).

The scenario and its dates are those of test_plein_emploi_scenarios.py, computed by hand
there: A's right opens on 03/02/2025 (orientation due six weeks later, 17/03/2025), oriented
on 25/03 to the social parcours (contract due one month later, 25/04/2025); B's breach of
01/07/2025 waits for its sanction after the observations of 08/07; C's suspension of 40 % for
one month from 12/08/2025 ends on 12/09/2025. The file:line of a national value is matched
by pattern: which line it is, is the loader's business (tested with the policies).
"""

from __future__ import annotations

import re

import pytest
from test_plein_emploi_scenarios import A, B, C

from parcours import Engine, load_policy
from parcours.policies import Policy

NATIONAL = r"\(policies/national/plein_emploi\.yaml:\d+\)"


@pytest.fixture
def moselle() -> Policy:
    return load_policy("moselle")


def _lignes(engine: Engine, dossier: str) -> list[str]:
    return str(engine.explain(dossier)).splitlines()


def test_an_opened_right_waits_for_its_orientation(moselle: Policy) -> None:
    engine = Engine(moselle, historique=True)
    engine.apply(A[0])
    lignes = _lignes(engine, "A")
    assert lignes[:-1] == [
        "dossier A — dispositif droits_devoirs, étape « droit_ouvert »",
        "  droits et devoirs : étape « droit_ouvert », dernier événement le 03/02/2025",
        "  ouverture du droit le 03/02/2025",
        "historique :",
        "  03/02/2025 ouverture_droit",
        "échéances :",
    ]
    assert re.fullmatch(
        r"  orientation due le 17/03/2025 : information d'ouverture du droit le 03/02/2025 \+ "
        rf"droits_devoirs\.orientation\.delai = 6 semaines {NATIONAL} ; source : Code de l'action "
        r"sociale et des familles, art\. D\. 262-65-2, .*",
        lignes[-1],
    ), lignes[-1]


def test_an_orientation_gives_the_contract_s_deadline_and_why_a_new_one_restarts_it(moselle: Policy) -> None:
    engine = Engine(moselle, historique=True)
    engine.apply_many(A[:2])
    lignes = _lignes(engine, "A")
    assert lignes[:-1] == [
        "dossier A — dispositif droits_devoirs, étape « oriente »",
        "  droits et devoirs : étape « oriente », dernier événement le 25/03/2025",
        "  ouverture du droit le 03/02/2025",
        "  orientation le 25/03/2025 : parcours social, organisme departement (1 orientation(s))",
        "historique :",
        "  03/02/2025 ouverture_droit",
        "  25/03/2025 orientation (parcours = social, organisme = departement)",
        "échéances :",
    ]
    assert re.fullmatch(
        r"  contrat d'engagement dû le 25/04/2025 : orientation le 25/03/2025 \(parcours social, organisme "
        rf"departement\) \+ droits_devoirs\.contrat\.delai\.social = 1 mois {NATIONAL} ; source : Code du "
        r"travail, art\. D\. 5411-14-1, .* ; une nouvelle orientation fait courir un nouveau délai "
        r"\(Code du travail, art\. D\. 5411-8-2 et D\. 5411-14-2\)",
        lignes[-1],
    ), lignes[-1]


def test_a_breach_awaiting_its_sanction_then_sanctions_and_remobilisation(moselle: Policy) -> None:
    engine = Engine(moselle, historique=True)
    engine.apply_many(B[:5])
    faits = [
        "  ouverture du droit le 02/06/2025",
        "  orientation le 20/06/2025 : parcours professionnel, organisme france_travail (1 orientation(s))",
        "  contrat d'engagement le 30/06/2025 : 20 h par semaine",
    ]
    assert _lignes(engine, "B")[1:6] == [
        "  droits et devoirs : étape « engage », dernier événement le 08/07/2025",
        *faits,
        "  manquement du 01/07/2025 (non_respect_contrat) en attente, observations le 08/07/2025",
    ]
    engine.apply_many(B[5:])
    lignes = _lignes(engine, "B")
    assert lignes[1:7] == [
        "  droits et devoirs : étape « engage », dernier événement le 20/08/2025",
        *faits,
        "  1 sanction(s), la dernière le 15/07/2025",
        "  remobilisation le 20/08/2025",
    ]
    assert lignes[-2:] == ["échéances :", "  aucune"]  # a professional parcours has no réexamen


def test_a_suspension_running_and_a_contract_without_weekly_hours(moselle: Policy) -> None:
    engine = Engine(moselle, historique=True)
    engine.apply_many([*C[:4], C[5], C[9]])  # without the four sanctions the scenario refuses
    lignes = _lignes(engine, "C")
    assert lignes[4:6] == [
        "  contrat d'engagement le 20/07/2025 : 0 h par semaine, dispense sante",
        "  1 sanction(s), la dernière le 12/08/2025",
    ]
    assert lignes[-1] == (
        "  fin de la suspension-remobilisation le 12/09/2025 : sanction du 12/08/2025 (40 %) ; une "
        "remobilisation d'ici là lève la suspension (Code de l'action sociale et des familles, "
        "art. L. 262-37)"
    )
