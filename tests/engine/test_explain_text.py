"""The whole text of `Engine.explain`, line by line, for the cases a user meets.

Every expected line is written by hand from tests/engine/politique_test.yaml: the dates are
added by hand (10/01/2017 + 15 jours = 25/01/2017...), the file:line are those of the YAML
(line 12 ``duree``, 15 ``au_demarrage``, 19 ``veille``, 20 ``convention``, 30
``delais_max``). The explanation tests in test_deadlines.py read one fragment each; these
read every line, so a dropped fact, a changed rank or a mis-ordered deadline shows.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from parcours.engine import Engine
from parcours.policies import Policy, load_policy

Ev = Callable[..., dict[str, Any]]

P = str(Path(__file__).with_name("politique_test.yaml"))  # the path the conftest loads
RYTHME_DEMARRAGE = (
    f"rythme_entretiens.au_demarrage.intervalle_max = 15 jours, {P}:15 (rythme du démarrage du "
    "{debut} : rythme_entretiens.au_demarrage.pendant = 2 mois, " + P + ":15)"
)
CONVENTION = f"fin de la convention le 31/12/2018 : convention.fin = 31/12/2018, {P}:20"


def _lignes(engine: Engine, dossier: str) -> list[str]:
    return str(engine.explain(dossier)).splitlines()


def test_a_running_dossier_lists_its_facts_history_and_sorted_deadlines(policy: Policy, ev: Ev) -> None:
    engine = Engine(policy, historique=True)
    engine.apply(ev("a", "2017-01-10", "demarrage", dispositif="global"))
    engine.apply(ev("a", "2017-01-20", "cer_signe"))
    engine.apply(ev("a", "2017-02-01", "entretien", presence="present"))
    # the first interview was due on 10/01 + 15 jours = 25/01: the one of 01/02 is late (1 missed)
    assert _lignes(engine, "a") == [
        "dossier a — dispositif global, étape « demarrage »",
        "  entré le 10/01/2017, dernier événement le 01/02/2017",
        "  démarrage le 10/01/2017, 0 renouvellement(s), 1 échéance(s) manquée(s), 0 absence(s)",
        "historique :",
        "  10/01/2017 demarrage",
        "  20/01/2017 cer_signe",
        "  01/02/2017 entretien (presence = present)",
        "échéances :",
        # 01/02 + 15 jours, still inside the start window (10/01 + 2 mois = 10/03)
        "  entretien dû le 16/02/2017 : dernier entretien le 01/02/2017 + "
        + RYTHME_DEMARRAGE.format(debut="10/01/2017"),
        # the CER runs from the demarrage (a cer_signe does not restart it): 10/01 + 6 mois
        f"  fin du CER le 10/07/2017 (bilan dû) : CER du 10/01/2017 + duree.cer = 6 mois, {P}:12",
        f"  durée maximale atteinte le 10/10/2017 : démarrage le 10/01/2017 + duree.maximum = 9 mois, {P}:12",
        "  " + CONVENTION,
    ]
    assert engine.explain("a").to_dict() == {
        "dossier": "a",
        "dispositif": "global",
        "etape": "demarrage",
        "faits": [
            "entré le 10/01/2017, dernier événement le 01/02/2017",
            "démarrage le 10/01/2017, 0 renouvellement(s), 1 échéance(s) manquée(s), 0 absence(s)",
        ],
        "historique": [
            {"dossier": "a", "date": "2017-01-10", "evenement": "demarrage", "dispositif": "global"},
            {"dossier": "a", "date": "2017-01-20", "evenement": "cer_signe"},
            {"dossier": "a", "date": "2017-02-01", "evenement": "entretien", "presence": "present"},
        ],
        "echeances": [
            {
                "nature": "entretien",
                "date": "2017-02-16",
                "explication": "entretien dû le 16/02/2017 : dernier entretien le 01/02/2017 + "
                + RYTHME_DEMARRAGE.format(debut="10/01/2017"),
            },
            {
                "nature": "fin_cer",
                "date": "2017-07-10",
                "explication": "fin du CER le 10/07/2017 (bilan dû) : CER du 10/01/2017 + "
                f"duree.cer = 6 mois, {P}:12",
            },
            {
                "nature": "duree_maximum",
                "date": "2017-10-10",
                "explication": "durée maximale atteinte le 10/10/2017 : démarrage le 10/01/2017 + "
                f"duree.maximum = 9 mois, {P}:12",
            },
            {"nature": "fin_convention", "date": "2018-12-31", "explication": CONVENTION},
        ],
    }


def test_a_renewed_cer_is_cited_from_the_renewal_and_bounded_by_the_maximum(policy: Policy, ev: Ev) -> None:
    engine = Engine(policy, historique=True)
    engine.apply(ev("a", "2017-01-10", "demarrage", dispositif="global"))
    engine.apply(ev("a", "2017-07-10", "bilan"))
    engine.apply(ev("a", "2017-07-10", "renouvellement"))
    lignes = _lignes(engine, "a")
    assert lignes[2] == (
        "  démarrage le 10/01/2017, 1 renouvellement(s), 0 échéance(s) manquée(s), 0 absence(s)"
    )
    # 10/07/2017 + 6 mois = 10/01/2018, past the maximum 10/01/2017 + 9 mois = 10/10/2017
    assert lignes[-3:] == [
        f"  fin du CER le 10/10/2017 (bilan dû) : CER du 10/07/2017 + duree.cer = 6 mois, {P}:12"
        " ; borné par la durée maximale",
        f"  durée maximale atteinte le 10/10/2017 : démarrage le 10/01/2017 + duree.maximum = 9 mois, {P}:12",
        "  " + CONVENTION,
    ]
    engine.apply(ev("a", "2017-08-01", "sortie", motif="cdi"))
    assert _lignes(engine, "a")[3:] == [
        "  sortie le 01/08/2017 (motif cdi)",
        "historique :",
        "  10/01/2017 demarrage",
        "  10/07/2017 bilan",
        "  10/07/2017 renouvellement",
        "  01/08/2017 sortie (motif = cdi)",
        "échéances :",
        # cdi is a veille motif: 01/08/2017 + 6 mois
        "  fin de la veille le 01/02/2018 : sortie le 01/08/2017 (motif cdi) + "
        f"veille.duree = 6 mois, {P}:19",
    ]


def test_a_reorientation_without_target_and_a_dossier_without_deadline(policy: Policy, ev: Ev) -> None:
    engine = Engine(policy, historique=True)
    engine.apply(ev("b", "2017-01-10", "demarrage", dispositif="global"))
    engine.apply(ev("b", "2017-02-01", "reorientation"))
    assert _lignes(engine, "b")[3:] == [
        "  reorientation le 01/02/2017 (vers non précisé)",
        "historique :",
        "  10/01/2017 demarrage",
        "  01/02/2017 reorientation",
        "échéances :",
        "  aucune",
    ]


def test_a_step_delay_cites_the_entry_and_delais_max(policy: Policy, ev: Ev) -> None:
    engine = Engine(policy, historique=True)
    engine.apply(ev("c", "2017-03-01", "prescription", dispositif="social"))
    assert _lignes(engine, "c") == [
        "dossier c — dispositif social, étape « prescription »",
        "  entré le 01/03/2017, dernier événement le 01/03/2017",
        "historique :",
        "  01/03/2017 prescription",
        "échéances :",
        "  délai pour atteindre l'étape demarrage le 01/04/2017 : entrée le 01/03/2017 + "
        f"delais_max.demarrage = 1 mois, {P}:30",
    ]


def test_the_waiting_list_rank_the_profile_and_a_generated_demarrage(policy: Policy, ev: Ev) -> None:
    engine = Engine(policy, historique=True)
    for dossier in "abcd":  # the 4 places of 2017
        engine.apply(ev(dossier, "2017-01-10", "demarrage", dispositif="global"))
    engine.apply(ev("e", "2017-01-11", "demarrage", dispositif="global", profil={"sexe": "F", "age": 30}))
    engine.apply(ev("f", "2017-01-12", "demarrage", dispositif="global"))
    assert _lignes(engine, "e") == [
        "dossier e — dispositif global, étape « attente »",
        "  entré le 11/01/2017, dernier événement le 11/01/2017",
        "  en liste d'attente, rang 1",
        "  profil : sexe = F, age = 30",
        "historique :",
        "  11/01/2017 attente",
        "échéances :",
        "  aucune",
    ]
    assert _lignes(engine, "f")[2] == "  en liste d'attente, rang 2"
    engine.apply(ev("a", "2017-02-01", "sortie", motif="abandon"))  # e takes the freed place
    assert _lignes(engine, "f")[2] == "  en liste d'attente, rang 1"
    assert _lignes(engine, "e")[1:7] == [
        "  entré le 11/01/2017, dernier événement le 01/02/2017",
        "  démarrage le 01/02/2017, 0 renouvellement(s), 0 échéance(s) manquée(s), 0 absence(s)",
        "  profil : sexe = F, age = 30",
        "historique :",
        "  11/01/2017 attente",
        "  01/02/2017 demarrage (généré par le moteur)",
    ]


SOURCES = """\
departement: Test
libelle: Sources
dispositifs:
  suivi:
    libelle: Suivi
    etapes: [demarrage, bilan, sortie]
    capacite: {places: 5}
    duree:
      cer: {valeur: 4 mois, hypothese: true, raison: choix du test}
    rythme_entretiens:
      intervalle_max:
        valeur: 3 semaines
        source: {document: Guide, section: "§ 3", citation: un entretien toutes les trois semaines}
"""


def test_a_cited_value_names_its_source_or_says_it_is_an_assumption(tmp_path: Path) -> None:
    path = tmp_path / "sources.yaml"
    path.write_text(SOURCES, encoding="utf-8")
    engine = Engine(load_policy(str(path)), historique=True)
    engine.apply({"dossier": "a", "date": "2017-12-20", "evenement": "demarrage", "dispositif": "suivi"})
    assert _lignes(engine, "a")[-2:] == [
        # 20/12/2017 + 3 semaines = 10/01/2018; + 4 mois = 20/04/2018
        "  entretien dû le 10/01/2018 : démarrage le 20/12/2017 + rythme_entretiens.intervalle_max = "
        f"3 semaines, {path}:12 ; source : Guide, § 3, « un entretien toutes les trois semaines »",
        "  fin du CER le 20/04/2018 (bilan dû) : CER du 20/12/2017 + duree.cer = 4 mois (hypothèse), "
        f"{path}:9",
    ]


def test_without_history_the_explanation_says_it_was_not_kept(policy: Policy, ev: Ev) -> None:
    engine = Engine(policy)  # no journal, no historique=True
    engine.apply(ev("c", "2017-03-01", "prescription", dispositif="social"))
    assert _lignes(engine, "c")[2:5] == [
        "historique :",
        "  (non conservé : moteur sans journal ni historique)",
        "échéances :",
    ]


@pytest.mark.parametrize("nom", ["j.jsonl", "j.sqlite"])
def test_the_history_is_read_back_from_the_journal_without_historique(
    policy: Policy, ev: Ev, tmp_path: Path, nom: str
) -> None:
    with Engine(policy, tmp_path / nom) as engine:
        engine.apply(ev("a", "2017-01-10", "demarrage", dispositif="global"))
        engine.apply(ev("b", "2017-01-10", "demarrage", dispositif="global"))
        engine.apply(ev("a", "2017-01-20", "entretien", presence="present"))
        assert engine.historique("a") == [
            {"dossier": "a", "date": "2017-01-10", "evenement": "demarrage", "dispositif": "global"},
            {"dossier": "a", "date": "2017-01-20", "evenement": "entretien", "presence": "present"},
        ]
        assert engine.historique("zz") == []
    assert Engine(policy, historique=True).historique("zz") == []
    assert Engine(policy).historique("zz") == []
