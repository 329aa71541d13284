"""Issue 18's scenarios, in one journal of the Moselle policy (which inherits the national
layer): an orientation on day 50, a contract 40 days after its orientation, 10 hours declared
for 15 contracted, sanctions at 20 % and without observations, a remobilisation, a
re-orientation restarting the contract delay. Every expected date and figure below is
computed by hand, in the comments, from the texts' delays (six weeks, one month, six months,
the sanction's months), not read from the code.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from parcours import Engine, TransitionError, load_policy
from parcours.policies import Policy
from parcours.reports import bilan

ROOT = Path(__file__).resolve().parents[2]
NATIONAL = ROOT / "policies" / "national" / "plein_emploi.yaml"


def e(dossier: str, jour: str, evenement: str, **cles: Any) -> dict[str, Any]:
    return {"dossier": dossier, "date": jour, "evenement": evenement, **cles}


# A: the right opens on 03/02/2025 (day 0). Six weeks = 42 days: 03/02 + 25 days = 28/02,
# + 17 = 17/03/2025, the orientation's deadline. Oriented on day 50: 17/03 + 8 = 25/03/2025.
# Social parcours: the contract is due one month after, 25/04/2025; signed 40 days after the
# orientation: 25/03 + 6 = 31/03, + 30 = 30/04, + 4 = 04/05/2025. Week 2025-W20 starts on
# Monday 12/05/2025 (week 1 starts on 30/12/2024; + 19 weeks = + 133 days).
A = [
    e("A", "2025-02-03", "ouverture_droit"),
    e("A", "2025-03-25", "orientation", parcours="social", organisme="departement"),
    e("A", "2025-05-04", "contrat_engagement", heures_hebdomadaires=15),
    e("A", "2025-05-19", "activite", semaine="2025-W20", heures=10),
    e("A", "2025-05-26", "activite", semaine="2025-W21", heures=15),
]
# B: opened 02/06, due 02/06 + 42 = 14/07; oriented 20/06 (18 days); professional parcours
# with France Travail, contract due 20/07, signed 30/06 (10 days). A breach on 01/07, the
# person's observations on 08/07, a suspension of 30 % for 2 months on 15/07 (ending
# 15/09/2025), lifted by a remobilisation on 20/08.
B = [
    e("B", "2025-06-02", "ouverture_droit"),
    e("B", "2025-06-20", "orientation", parcours="professionnel", organisme="france_travail"),
    e("B", "2025-06-30", "contrat_engagement", heures_hebdomadaires=20),
    e("B", "2025-07-01", "manquement", nature="non_respect_contrat"),
    e("B", "2025-07-08", "observations"),
    e("B", "2025-07-15", "sanction", taux=30, mois=2),
    e("B", "2025-08-20", "remobilisation"),
]
# C: opened 02/06 (due 14/07), oriented 01/07 (29 days) to a mission locale, socio-professional
# parcours, contract due 01/08, signed 20/07 (19 days) with no weekly hours for health reasons.
# A breach on 01/08: sanctions refused (no observations yet; 20 %; 60 % for a household of
# several people; 3 months for a first breach), then 40 % for 1 month accepted on 12/08
# (suspension ending 12/09/2025, never lifted).
C = [
    e("C", "2025-06-02", "ouverture_droit"),
    e("C", "2025-07-01", "orientation", parcours="socio_professionnel", organisme="mission_locale"),
    e("C", "2025-07-20", "contrat_engagement", heures_hebdomadaires=0, dispense="sante"),
    e("C", "2025-08-01", "manquement", nature="refus_contrat"),
    e("C", "2025-08-05", "sanction", taux=30, mois=1),  # refused: no observations
    e("C", "2025-08-08", "observations"),
    e("C", "2025-08-09", "sanction", taux=20, mois=1),  # refused: under 30 %
    e("C", "2025-08-10", "sanction", taux=60, mois=1, foyer_plusieurs_personnes=True),  # refused: over 50 %
    e("C", "2025-08-11", "sanction", taux=30, mois=3),  # refused: a first breach is 1 to 2 months
    e("C", "2025-08-12", "sanction", taux=40, mois=1, foyer_plusieurs_personnes=True),
]
# D: opened 01/09 (due 01/09 + 42: 30/09 is + 29, + 13 = 13/10), oriented 10/09 (9 days) to
# France Travail, contract due 10/10; re-oriented on 01/10, before that deadline, to the
# département: a new month runs, contract due 01/11; signed 25/10 (24 days after it).
D = [
    e("D", "2025-09-01", "ouverture_droit"),
    e("D", "2025-09-10", "orientation", parcours="professionnel", organisme="france_travail"),
    e("D", "2025-10-01", "orientation", parcours="socio_professionnel", organisme="departement"),
    e("D", "2025-10-25", "contrat_engagement", heures_hebdomadaires=18),
]
REFUSEES = {  # event of C → fragment of the refusal
    4: "sanction sans observations",
    6: "taux de 20 % sous le minimum de 30 %",
    7: "taux de 60 % au-delà de 50 % pour un foyer de plusieurs personnes",
    8: "suspension de 3 mois hors des bornes d'un premier manquement (1 à 2 mois",
}


def _journal() -> list[dict[str, Any]]:
    events = [*A, *B, *C, *D]
    return sorted(events, key=lambda ev: ev["date"])  # a journal in date order


@pytest.fixture(scope="module")
def policy() -> Policy:
    return load_policy("moselle")


@pytest.fixture(scope="module")
def journal(tmp_path_factory: pytest.TempPathFactory, policy: Policy) -> Path:
    """The journal the engine writes from the scenario's events (refused ones written raw)."""
    chemin = tmp_path_factory.mktemp("pe") / "journal.jsonl"
    with chemin.open("w", encoding="utf-8") as out:
        for ev in _journal():
            out.write(json.dumps(ev, ensure_ascii=False) + "\n")
    return chemin


def test_the_refused_sanctions_say_why_and_the_others_apply(policy: Policy) -> None:
    engine = Engine(policy)
    refus: dict[int, str] = {}
    for i, ev in enumerate(C):
        try:
            engine.apply(ev)
        except TransitionError as exc:  # the refusals are what is tested
            refus[i] = str(exc)
    assert set(refus) == set(REFUSEES)
    for i, fragment in REFUSEES.items():
        assert fragment in refus[i], refus[i]
        assert "dossier C (droits et devoirs" in refus[i]
    assert "Code de l'action sociale et des familles, art. L. 262-37" in refus[4]
    assert "R. 262-68" in refus[6] and "R. 262-68-6" in refus[7]
    suivi = engine.suivi_droits("C")
    assert suivi.sanctions == [(date(2025, 8, 1), date(2025, 8, 12))]
    assert suivi.fin_suspension == date(2025, 9, 12)  # 12/08 + 1 month


def test_deadlines_on_dates_of_the_scenario(policy: Policy, journal: Path) -> None:
    # Replayed up to 15/10/2025: A's re-examination is due 04/05 + 6 months = 04/11/2025; D,
    # re-oriented on 01/10, owes its contract by 01/11 (not 10/10, the first orientation's).
    engine = Engine.replay(policy, journal, jusqu_au=date(2025, 10, 15), ecarter=True)
    dues = {
        (x.dossier, x.nature): (x.date, x.en_retard) for x in engine.echeances(date(2025, 10, 15), horizon=60)
    }
    assert dues == {
        ("A", "reexamen"): (date(2025, 11, 4), False),
        ("D", "contrat_engagement"): (date(2025, 11, 1), False),
    }
    # Before its orientation (on 10/03/2025), A's orientation was due 17/03 and late on 20/03.
    avant = Engine.replay(policy, journal, jusqu_au=date(2025, 3, 10))
    assert [(x.nature, x.date) for x in avant.echeances(date(2025, 3, 20))] == [
        ("orientation", date(2025, 3, 17))
    ]
    assert avant.echeances(date(2025, 3, 20))[0].en_retard


def test_alerts_of_the_scenario(policy: Policy, journal: Path) -> None:
    engine = Engine.replay(policy, journal, ecarter=True)
    alertes = [(a.dossier, a.date, a.alerte) for a in engine.alertes(date(2025, 12, 31))]
    # A: orientation due 17/03, alert the day after (18/03); contract due 25/04, alert 26/04;
    # 10 h in week W20 for 15 h, alert on the event's day; re-examination due 04/11, alert
    # 05/11. B, C and D meet their deadlines (D's contract delay restarted on 01/10), and B's
    # professional parcours and C's socio-professional one are not re-examined.
    assert alertes == [
        ("A", date(2025, 3, 18), "orientation_en_retard"),
        ("A", date(2025, 4, 26), "contrat_engagement_en_retard"),
        ("A", date(2025, 5, 19), "heures_sous_le_contrat"),
        ("A", date(2025, 11, 5), "reexamen_en_retard"),
    ]
    messages = {a.alerte: a.message for a in engine.alertes()}
    assert "orientation attendue le 17/03/2025" in messages["orientation_en_retard"]
    assert "en retard de 1 jour(s)" in messages["contrat_engagement_en_retard"]
    assert messages["heures_sous_le_contrat"] == (
        "semaine 2025-W20 : 10 h d'activité déclarées pour 15 h au contrat d'engagement"
    )


def test_indicators_of_the_scenario(policy: Policy, journal: Path) -> None:
    b = bilan(journal, policy, annee=2025).to_dict()
    attendu = {
        "orientes": 4,  # A, B, C, D
        # rights opened in 2025, all deadlines passed by 31/12: A late (50 days), B 18, C 29,
        # D 9 (its first orientation) → 3 of 4; median of 9, 18, 29, 50 = (18 + 29) / 2
        "matures_orientation": 4,
        "orientations_dans_le_delai": 3,
        "taux_orientation_6_semaines": 0.75,
        "delai_median_orientation_jours": 23.5,
        # orientations of 2025: A late (40 days), B 10, C 19, D's second 24; D's first was
        # replaced before its deadline and has no delay of its own → 3 of 4; median of 10,
        # 19, 24, 40 = (19 + 24) / 2
        "matures_contrat": 4,
        "contrats_dans_le_delai": 3,
        "taux_contrat_1_mois": 0.75,
        "delai_median_contrat_jours": 21.5,
        # contracts of 2025: 15, 20, 0 (C's dispense), 18 hours → 53 / 4; one dispense in four
        "contrats_engagement": 4,
        "heures_hebdomadaires_moyennes": 13.25,
        "dispenses": 1,
        "part_dispenses": 0.25,
        # B's and C's suspensions end 15/09 and 12/09 (both past by 31/12); B's was lifted
        "sanctions": 2,
        "matures_remobilisation": 2,
        "remobilisations_dans_le_delai": 1,
        "taux_remobilisation": 0.5,
        # A's social parcours was due for re-examination on 04/11/2025 and is not re-examined
        "reexamens_en_retard": 1,
    }
    assert {k: b[k] for k in attendu} == attendu
    assert b["lignes_ignorees"] == len(REFUSEES)


def test_a_delay_still_running_at_the_end_of_the_period_is_not_mature(policy: Policy, journal: Path) -> None:
    # Over 01/09–20/10/2025: D's right (opened 01/09, due 13/10) is mature and met; D's first
    # orientation (10/09) was replaced before its deadline; the second (01/10) is due 01/11,
    # after the period: no contract delay is mature. No sanction in the period.
    b = bilan(journal, policy, du=date(2025, 9, 1), au=date(2025, 10, 20)).to_dict()
    assert (b["matures_orientation"], b["orientations_dans_le_delai"]) == (1, 1)
    assert (b["matures_contrat"], b["taux_contrat_1_mois"]) == (0, None)
    assert b["orientes"] == 1 and b["sanctions"] == 0


def test_the_reports_refuse_what_the_replay_refuses(policy: Policy, journal: Path) -> None:
    rejoue = Engine.replay(policy, journal, ecarter=True)
    b = bilan(journal, policy, annee=2025)
    assert [(p.numero, p.message) for p in b.problemes] == [
        (x.numero, x.message) for x in rejoue.lignes_ecartees
    ]
    assert len(rejoue.lignes_ecartees) == len(REFUSEES)


def test_explain_cites_the_article_of_each_deadline(policy: Policy, journal: Path) -> None:
    engine = Engine.replay(policy, journal, jusqu_au=date(2025, 10, 15), ecarter=True, historique=True)
    texte = str(engine.explain("D"))
    assert (
        "contrat d'engagement dû le 01/11/2025 : orientation le 01/10/2025 (parcours socio_professionnel"
        in texte
    )
    assert "droits_devoirs.contrat.delai.socio_professionnel = 1 mois" in texte
    assert "Code du travail, art. D. 5411-14-1" in texte
    assert "D. 5411-8-2 et D. 5411-14-2" in texte  # why a new orientation gives a new month
    # the file:line cited is the line of that value in the national layer
    cite = texte.split("policies/national/plein_emploi.yaml:")[1].split(")")[0]
    lignes = NATIONAL.read_text(encoding="utf-8").splitlines()
    n = int(cite) - 1
    assert lignes[n].strip() == "valeur: 1 mois" and lignes[n - 1].strip() == "2025-01-01:"
    parcours = next(li for li in reversed(lignes[:n]) if li.startswith("      ") and li[6] != " ")
    assert parcours.strip() == "socio_professionnel:"
    a = str(engine.explain("A"))
    assert "réexamen de l'accompagnement social dû le 04/11/2025 : contrat signé le 04/05/2025" in a
    assert "Code de l'action sociale et des familles, art. L. 262-31" in a
