"""Several writers on one journal: SQLite and PostgreSQL share it, JSONL has one writer.

The PostgreSQL cases run against a real server the tests start (tests/pg_server.py); they
are skipped on a machine without one, and fail under CI=true (see tests/conftest.py).
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from parcours import Engine, load_policy
from parcours.engine.journals import open_journal
from parcours.errors import ConflitError, JournalError, TransitionError
from parcours.policies.schema import Policy
from parcours.reports import bilan

ICI = Path(__file__).parent
POLITIQUE = ICI.parent / "engine" / "politique_test.yaml"
SRC = ICI.parents[1] / "src"


@pytest.fixture(scope="module")
def policy() -> Policy:
    return load_policy(POLITIQUE)


@pytest.fixture(params=["sqlite", "postgresql"])
def partage(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A shared journal: a SQLite file, or a schema of the tests' PostgreSQL server."""
    if request.param == "sqlite":
        return str(tmp_path / "journal.sqlite")
    return str(request.getfixturevalue("url_pg"))


def _ev(dossier: str, jour: str, evenement: str, **extra: Any) -> dict[str, Any]:
    return {"dossier": dossier, "date": jour, "evenement": evenement, **extra}


def _prets(policy: Policy, journal: str, dossiers: list[str], jour: str = "2017-02-01") -> None:
    """Dossiers of ``global`` ready to start (after their shared diagnosis)."""
    with Engine(policy, journal) as engine:
        for ident in dossiers:
            engine.apply(_ev(ident, jour, "prescription", dispositif="global"))
            engine.apply(_ev(ident, jour, "diagnostic"))


def _lignes(journal: str) -> list[dict[str, Any]]:
    with open_journal(journal) as source:
        return [event for _, event in source.read()]


# --- the conflict contract ---------------------------------------------------------------------


def test_an_event_on_a_dossier_another_writer_moved_is_a_conflict_then_goes_through(
    policy: Policy, partage: str
) -> None:
    _prets(policy, partage, ["D1"])
    a = Engine.replay(policy, partage, continuer=True)
    b = Engine.replay(policy, partage, continuer=True)
    a.apply(_ev("D1", "2017-02-02", "demarrage"))
    with pytest.raises(ConflitError, match="dossier D1 : un autre écrivain") as info:
        b.apply(_ev("D1", "2017-02-03", "demarrage", id="b-1"))
    # nothing of b's event was applied, and b now sees a's démarrage (line 3, after the 2 of _prets)
    assert info.value.dossier == "D1" and info.value.position == 3 and info.value.dispositif is None
    assert info.value.detail == (
        "dossier D1 : un autre écrivain l'a fait avancer (« demarrage », ligne 3 du journal) depuis la "
        "dernière lecture de ce moteur ; le moteur est maintenant à jour : regardez le dossier, puis "
        "renvoyez l'événement s'il a encore lieu d'être"
    )
    assert b.dossier("D1").state == "demarrage"
    # b looks again: the dossier has started, b records its interview instead
    b.apply(_ev("D1", "2017-02-03", "entretien", presence="present", id="b-1"))
    a.close()
    b.close()
    assert [e["evenement"] for e in _lignes(partage)][-2:] == ["demarrage", "entretien"]


def test_a_move_that_takes_a_place_another_writer_took_is_a_conflict_and_no_place_is_given_twice(
    policy: Policy, partage: str
) -> None:
    # global has 4 places in 2017 and puts a démarrage on the waiting list when they are taken
    _prets(policy, partage, ["A1", "A2", "A3", "A4", "B1"])
    a = Engine.replay(policy, partage, continuer=True)
    b = Engine.replay(policy, partage, continuer=True)
    for ident in ("A1", "A2", "A3"):
        a.apply(_ev(ident, "2017-02-02", "demarrage"))
    b.refresh()  # b sees three places taken, one free
    a.apply(_ev("A4", "2017-02-03", "demarrage"))  # a takes the last one
    with pytest.raises(
        ConflitError, match="la dernière place libre a été prise au dispositif « global »"
    ) as info:
        b.apply(_ev("B1", "2017-02-03", "demarrage"))
    assert info.value.dispositif == "global" and info.value.dossier == "B1"
    # the first move of places b had not seen: A4's démarrage, line 14 (10 lines of _prets, A1 to A3)
    assert info.value.detail == (
        "dossier B1 : la dernière place libre a été prise au dispositif « global » par un autre écrivain "
        "(ligne 14 du journal) depuis la dernière lecture de ce moteur ; le moteur est maintenant à jour : "
        "renvoyez l'événement"
    )
    resultat = b.apply(_ev("B1", "2017-02-03", "demarrage"))  # sent again: it waits
    assert resultat.evenement == "attente" and b.attente("global") == ["B1"]
    a.close()
    b.close()
    rejoue = Engine.replay(policy, partage)
    assert rejoue.charge("global", date(2017, 2, 4)).occupes == 4
    assert rejoue.attente("global") == ["B1"]


def test_places_moved_by_another_writer_without_changing_a_demarrage_are_no_conflict(
    policy: Policy, partage: str
) -> None:
    _prets(policy, partage, ["A1", "A2", "B1", "B2"])
    a = Engine.replay(policy, partage, continuer=True)
    b = Engine.replay(policy, partage, continuer=True)
    a.apply(_ev("A1", "2017-02-02", "demarrage"))  # 1 place of 4 taken: b's démarrage still starts
    assert b.apply(_ev("B1", "2017-02-02", "demarrage")).apres == "demarrage"
    a.apply(_ev("A1", "2017-02-03", "sortie", motif="abandon"))  # an exit is no one's conflict
    b.apply(_ev("B1", "2017-02-03", "sortie", motif="cdi"))
    for ident in ("A2", "B2"):
        a.apply(_ev(ident, "2017-02-04", "demarrage"))
    a.close()
    b.close()
    assert Engine.replay(policy, partage).charge("global", date(2017, 2, 5)).occupes == 2


def test_an_event_on_something_else_goes_through_and_the_writer_catches_up(
    policy: Policy, partage: str
) -> None:
    _prets(policy, partage, ["D1", "D2"])
    a = Engine.replay(policy, partage, continuer=True)
    b = Engine.replay(policy, partage, continuer=True)
    a.apply(_ev("D1", "2017-02-02", "demarrage"))
    # an interview-free move of another dossier, no place involved: no conflict
    b.apply(_ev("D2", "2017-02-02", "sortie", motif="abandon"))
    assert b.dossier("D1").state == "demarrage"  # read while b wrote
    a.apply(_ev("D1", "2017-02-05", "entretien", presence="present"))
    assert a.dossier("D2").state == "sortie"
    a.close()
    b.close()
    assert Counter(e["evenement"] for e in _lignes(partage))["sortie"] == 1


def test_a_conflict_in_a_batch_keeps_the_events_before_it(policy: Policy, partage: str) -> None:
    _prets(policy, partage, ["D1", "D2", "D3"])
    a = Engine.replay(policy, partage, continuer=True)
    b = Engine.replay(policy, partage, continuer=True)
    a.apply(_ev("D3", "2017-02-02", "sortie", motif="abandon"))
    lot = [
        _ev("D1", "2017-02-02", "sortie", motif="abandon"),
        _ev("D2", "2017-02-02", "sortie", motif="abandon"),
        _ev("D3", "2017-02-02", "sortie", motif="abandon"),
    ]
    with pytest.raises(ConflitError, match="événement n° 3 du lot") as info:
        b.apply_many(lot)
    assert info.value.rang == 3 and info.value.dossier == "D3"
    a.close()
    b.close()
    assert [e["dossier"] for e in _lignes(partage) if e["evenement"] == "sortie"] == ["D3", "D1", "D2"]


def test_a_demarrage_that_would_wait_while_another_writer_freed_a_place_is_a_conflict(
    policy: Policy, partage: str
) -> None:
    _prets(policy, partage, ["A1", "A2", "A3", "A4", "B1"])
    a = Engine.replay(policy, partage, continuer=True)
    b = Engine.replay(policy, partage, continuer=True)
    for ident in ("A1", "A2", "A3", "A4"):  # the 4 places of 2017, lines 11 to 14
        a.apply(_ev(ident, "2017-02-02", "demarrage"))
    b.refresh()  # b sees every place taken: its démarrage would wait
    a.apply(_ev("A1", "2017-02-03", "sortie", motif="abandon"))  # line 15 frees one
    with pytest.raises(ConflitError, match="une place s'est libérée") as info:
        b.apply(_ev("B1", "2017-02-03", "demarrage"))
    assert info.value.detail == (
        "dossier B1 : une place s'est libérée au dispositif « global » par un autre écrivain (ligne 15 du "
        "journal) depuis la dernière lecture de ce moteur ; le moteur est maintenant à jour : renvoyez "
        "l'événement"
    )
    assert (info.value.dossier, info.value.dispositif, info.value.position) == ("B1", "global", 15)
    assert b.apply(_ev("B1", "2017-02-03", "demarrage")).apres == "demarrage"  # sent again: it starts
    a.close()
    b.close()


def test_an_acknowledged_id_sent_again_by_another_writer_is_not_applied_twice(
    policy: Policy, partage: str
) -> None:
    _prets(policy, partage, ["D1"])
    a = Engine.replay(policy, partage, continuer=True)
    b = Engine.replay(policy, partage, continuer=True)
    event = _ev("D1", "2017-02-02", "demarrage", id="x-1")
    assert a.apply(event).applique
    assert not b.apply(event).applique  # caught up first: the id is known, acknowledged
    a.close()
    b.close()
    assert [e.get("id") for e in _lignes(partage)].count("x-1") == 1


def test_a_rights_event_on_a_track_another_writer_moved_is_a_conflict(partage: str) -> None:
    moselle = load_policy("moselle")  # inherits the national layer (the droits et devoirs track)
    with Engine(moselle, partage) as engine:
        engine.apply(_ev("P1", "2025-02-03", "ouverture_droit"))
    a = Engine.replay(moselle, partage, continuer=True)
    b = Engine.replay(moselle, partage, continuer=True)
    a.apply(_ev("P1", "2025-03-03", "orientation", parcours="social", organisme="departement"))
    orientation = _ev("P1", "2025-03-04", "orientation", parcours="professionnel", organisme="france_travail")
    with pytest.raises(
        ConflitError, match=r"a fait avancer ses droits et devoirs .« orientation », ligne 2"
    ) as info:
        b.apply(orientation)
    assert info.value.detail == (
        "dossier P1 : un autre écrivain a fait avancer ses droits et devoirs (« orientation », ligne 2 du "
        "journal) depuis la dernière lecture de ce moteur ; le moteur est maintenant à jour : regardez le "
        "dossier, puis renvoyez l'événement s'il a encore lieu d'être"
    )
    assert (info.value.dossier, info.value.position) == ("P1", 2)
    assert b.suivi_droits("P1").state == "oriente"  # b caught up with a's orientation
    assert b.apply(orientation).applique  # sent again, on purpose: a re-orientation
    a.close()
    b.close()
    assert [e["evenement"] for e in _lignes(partage)] == ["ouverture_droit", "orientation", "orientation"]


# --- following other writers -------------------------------------------------------------------


def test_a_reader_follows_the_writers(policy: Policy, partage: str) -> None:
    _prets(policy, partage, ["D1"])
    lecteur = Engine.replay(policy, partage)  # reads, never writes
    assert lecteur.dossier("D1").state == "diagnostic_partage"
    assert lecteur.follow(timeout=0) == 0  # nothing new yet
    lues: list[int] = []
    # the reader waits (NOTIFY on PostgreSQL, polling on SQLite) while the writer writes; the
    # timeout only bounds a broken wait, whichever of the two comes first
    fil = threading.Thread(target=lambda: lues.append(lecteur.follow(timeout=60)))
    fil.start()
    with Engine.replay(policy, partage, continuer=True) as ecrivain:
        ecrivain.apply(_ev("D1", "2017-02-02", "demarrage"))
    fil.join()
    assert lues == [1] and lecteur.dossier("D1").state == "demarrage"
    assert lecteur.follow(timeout=0) == 0
    lecteur.close()


# --- JSONL: one writer -------------------------------------------------------------------------


def test_a_second_jsonl_writer_is_refused_in_french(policy: Policy, tmp_path: Path) -> None:
    chemin = tmp_path / "j.jsonl"
    premier = Engine(policy, chemin)
    premier.apply(_ev("D1", "2017-02-01", "prescription", dispositif="global"))
    with pytest.raises(JournalError, match="n'a qu'un écrivain"):
        Engine.replay(policy, chemin, continuer=True)
    code = (
        "import sys\n"
        "from parcours import Engine, load_policy\n"
        "from parcours.errors import JournalError\n"
        "try:\n"
        f"    Engine.replay(load_policy({str(POLITIQUE)!r}), {str(chemin)!r}, continuer=True)\n"
        "except JournalError as exc:\n"
        "    print(exc); sys.exit(3)\n"
    )
    autre = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env={"PYTHONPATH": str(SRC)}
    )
    assert autre.returncode == 3 and "n'a qu'un écrivain" in autre.stdout
    premier.close()  # closing releases the lock: the next writer goes on
    suivant = Engine.replay(policy, chemin, continuer=True)
    suivant.apply(_ev("D1", "2017-02-02", "diagnostic"))
    suivant.close()
    assert [e["evenement"] for e in _lignes(str(chemin))] == ["prescription", "diagnostic"]


# --- four processes ----------------------------------------------------------------------------

PAR_ECRIVAIN = 5000


def _places_jamais_depassees(lignes: list[dict[str, Any]]) -> int:
    """Walk the journal without the engine: each démarrage finds a free place; the most taken.

    politique_test.yaml gives ``global`` 4 places from 2017-01-01, 3 from 2018-01-01.
    """
    etat: dict[str, str] = {}
    occupes = plus = 0
    for event in lignes:
        ident, quoi = event["dossier"], event["evenement"]
        if quoi in ("alerte", "alerte_annulee"):
            continue
        avant = etat.get(ident)
        if quoi == "demarrage":
            places = 4 if event["date"] < "2018-01-01" else 3
            assert occupes < places, f"place donnée deux fois : {event}"
            occupes += 1
        elif quoi in ("sortie", "reorientation") and avant in ("demarrage", "bilan"):
            occupes -= 1
        if quoi not in ("entretien", "cer_signe", "renouvellement"):  # these keep the step
            etat[ident] = {"diagnostic": "diagnostic_partage"}.get(quoi, quoi)
        plus = max(plus, occupes)
    return plus


def test_four_processes_on_one_journal_lose_nothing_and_never_give_a_place_twice(
    policy: Policy, partage: str, tmp_path: Path
) -> None:
    Engine(policy, partage).close()  # creates the journal (its schema, for PostgreSQL)
    ecrivains = [
        subprocess.Popen(
            [sys.executable, str(ICI / "ecrivain.py"), str(POLITIQUE), partage, str(PAR_ECRIVAIN), str(g)],
            stdout=subprocess.PIPE,
            text=True,
            env={"PYTHONPATH": str(SRC)},
        )
        for g in range(1, 5)
    ]
    sorties = [json.loads(p.communicate(timeout=900)[0]) for p in ecrivains]
    assert [p.returncode for p in ecrivains] == [0, 0, 0, 0]
    acquittes = [i for s in sorties for i in s["acquittes"]]
    assert len(acquittes) == 4 * PAR_ECRIVAIN
    lignes = _lignes(partage)
    ids = Counter(e["id"] for e in lignes if "id" in e)
    assert set(ids) == set(acquittes) and set(ids.values()) == {1}  # each exactly once, none else
    assert sum(s["conflits"] for s in sorties) > 0  # the writers did overlap
    assert 0 < _places_jamais_depassees(lignes) <= 4
    rejoue = Engine.replay(policy, partage)  # strict: no line refused
    assert not rejoue.lignes_ecartees
    copie = tmp_path / "copie.jsonl"
    with open_journal(partage) as source:
        copie.write_bytes(b"".join(b if isinstance(b, bytes) else b.encode() for _, b in source.lines()))
    for annee in (2017, 2018):
        lu, recopie = (
            bilan(partage, policy, annee=annee).to_dict(),
            bilan(copie, policy, annee=annee).to_dict(),
        )
        assert (lu.pop("source"), recopie.pop("source")) == (open_journal(partage).name, str(copie))
        assert lu == recopie and lu["accompagnees"] > 0


def test_refused_events_of_a_writer_change_nothing(policy: Policy, partage: str) -> None:
    _prets(policy, partage, ["D1"])
    a = Engine.replay(policy, partage, continuer=True)
    with pytest.raises(TransitionError, match="n'est pas permis"):
        a.apply(_ev("D1", "2017-02-02", "bilan"))
    a.close()
    assert len(_lignes(partage)) == 2
