"""An alert and its cancellation as journal lines and as text (engine/alerts/raised.py)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from parcours.engine.alerts.raised import AlerteLevee
from parcours.errors import JournalError

LEVEE = AlerteLevee(
    dossier="a",
    date=date(2017, 3, 2),
    alerte="entretien_en_retard",
    niveau="urgent",
    message="entretien dû le 10/02/2017, en retard de 20 jours",
    regle="p.yaml:22",
    dispositif="global",
)
LIGNE = {
    "dossier": "a",
    "date": "2017-03-02",
    "evenement": "alerte",
    "dispositif": "global",
    "alerte": "entretien_en_retard",
    "niveau": "urgent",
    "message": "entretien dû le 10/02/2017, en retard de 20 jours",
    "regle": "p.yaml:22",
    "genere": True,
}


def test_an_alert_and_its_cancellation_as_lines_and_back() -> None:
    assert LEVEE.to_event() == LIGNE
    assert list(LEVEE.to_event()) == list(LIGNE)  # the order of the format
    assert AlerteLevee.from_event(LIGNE) == LEVEE
    annulee = replace(LEVEE, annulee=True)
    assert annulee.to_event() == {**LIGNE, "evenement": "alerte_annulee"}
    assert AlerteLevee.from_event({**LIGNE, "evenement": "alerte_annulee"}) == annulee
    assert LEVEE.cle == annulee.cle == ("a", "2017-03-02", "entretien_en_retard")


def test_an_alert_and_its_cancellation_in_words() -> None:
    assert str(LEVEE) == (
        "02/03/2017 urgent — dossier a (global) : entretien dû le 10/02/2017, en retard de 20 jours "
        "[entretien_en_retard, p.yaml:22]"
    )
    assert (
        str(replace(LEVEE, annulee=True))
        == "02/03/2017 alerte annulée — dossier a (global) : entretien_en_retard"
    )


def test_only_alert_lines_are_read_as_alerts() -> None:
    with pytest.raises(JournalError, match=r"^ligne d'alerte attendue, pas « entretien »$"):
        AlerteLevee.from_event({"dossier": "a", "date": "2017-03-02", "evenement": "entretien"})
    with pytest.raises(JournalError, match="« genere » doit valoir true"):
        AlerteLevee.from_event({**LIGNE, "genere": False})
