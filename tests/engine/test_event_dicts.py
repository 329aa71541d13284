"""`Event.to_dict` / `Event.from_dict`: every optional key survives the round trip, in the
order of the format (docs: dossier, date, evenement, then the optional keys as CLES lists
them, the droits et devoirs keys, ``genere`` last)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from parcours.engine.events import Event
from parcours.errors import JournalError

ACCOMPAGNEMENT: dict[str, Any] = {
    "dossier": "a",
    "date": "2017-03-01",
    "evenement": "sortie",
    "dispositif": "global",
    "id": "a-12",
    "acteur": "cd54",
    "profil": {"sexe": "F", "age": 31},
    "details": {"note": "libre"},
    "presence": "present",
    "motif": "cdi",
    "vers": "social",
    "emploi": True,
}
DROITS: dict[str, Any] = {
    "dossier": "b",
    "date": "2025-03-03",
    "evenement": "sanction",
    "dispositif": "rsa",
    "id": "b-3",
    "acteur": "ft",
    "details": [1, 2],
    "parcours": "social",
    "organisme": "cd54",
    "heures_hebdomadaires": 15,
    "dispense": "sante",
    "semaine": "2025-W10",
    "heures": 12.5,
    "nature": "suspension",
    "taux": "30 %",
    "mois": 2,
    "foyer_plusieurs_personnes": True,
    "difficultes": ["sante", "logement"],
}


@pytest.mark.parametrize("ligne", [ACCOMPAGNEMENT, DROITS], ids=["accompagnement", "droits"])
def test_every_key_comes_back_in_the_order_of_the_format(ligne: dict[str, Any]) -> None:
    event = Event.from_dict(ligne)
    assert event.date == date.fromisoformat(ligne["date"])
    back = event.to_dict()
    assert back == ligne
    assert list(back) == list(ligne)  # both dicts above are written in the order of the format


def test_the_typed_fields_are_those_of_the_line() -> None:
    event = Event.from_dict(DROITS)
    assert event == Event(
        "b",
        date(2025, 3, 3),
        "sanction",
        dispositif="rsa",
        id="b-3",
        acteur="ft",
        details=[1, 2],
        parcours="social",
        organisme="cd54",
        heures_hebdomadaires=15,
        dispense="sante",
        semaine="2025-W10",
        heures=12.5,
        nature="suspension",
        taux="30 %",
        mois=2,
        foyer_plusieurs_personnes=True,
        difficultes=("sante", "logement"),
    )
    assert event.difficultes == ("sante", "logement")  # a tuple: the event is frozen and hashable
    assert Event.from_dict(ACCOMPAGNEMENT).profil == {"sexe": "F", "age": 31}


def test_to_dict_copies_the_profile_and_the_difficulties() -> None:
    profil = {"sexe": "F"}
    event = Event("a", date(2017, 1, 10), "demarrage", dispositif="global", profil=profil)
    ligne = event.to_dict()
    ligne["profil"]["sexe"] = "H"
    assert profil == {"sexe": "F"}
    droits = Event("b", date(2025, 1, 6), "orientation", difficultes=("sante",))
    assert droits.to_dict()["difficultes"] == ["sante"]


def test_an_engine_written_line_keeps_its_generated_flag_which_equality_ignores() -> None:
    ligne = {
        "dossier": "a",
        "date": "2017-01-10",
        "evenement": "demarrage",
        "dispositif": "global",
        "genere": True,
    }
    event = Event.from_dict(ligne)
    assert event.genere is True
    assert event.to_dict() == ligne
    assert list(event.to_dict())[-1] == "genere"
    assert event == Event("a", date(2017, 1, 10), "demarrage", dispositif="global")
    assert "genere" not in Event("a", date(2017, 1, 10), "demarrage", dispositif="global").to_dict()
    assert (
        Event.from_dict({"dossier": "a", "date": "2017-01-10", "evenement": "attente"}).evenement == "attente"
    )


def test_from_dict_truncates_a_time_and_refuses_what_the_format_refuses() -> None:
    event = Event.from_dict({"dossier": "a", "date": "2017-01-10T09:30:00+01:00", "evenement": "entretien"})
    assert event.to_dict() == {"dossier": "a", "date": "2017-01-10", "evenement": "entretien"}
    with pytest.raises(
        JournalError, match=r"^événement invalide : dossier a : « profil » doit être un objet$"
    ):
        Event.from_dict({"dossier": "a", "date": "2017-01-10", "evenement": "entretien", "profil": ["F"]})
