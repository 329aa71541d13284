"""What the format's reader (events.normaliser) says of a bad event, read whole: the prefix
naming the dossier, the key and the value at fault, what is expected (the lists of the
format, docs/evenements.md), and a suggestion when a word is close to a known one."""

from __future__ import annotations

import re
from typing import Any

import pytest

from parcours.engine.events import lire_taux, montrer, normaliser
from parcours.errors import JournalError

EVENEMENTS = (
    "reperage, prescription, diagnostic, demarrage, entretien, cer_signe, bilan, renouvellement, sortie, "
    "reorientation, veille"
)
CLES = (
    "dossier, date, evenement, dispositif, id, acteur, profil, details, presence, motif, vers, emploi, genere"
)
A = {"dossier": "a", "date": "2017-01-10"}

CAS: list[tuple[dict[str, Any], str]] = [
    (
        {**A, "evenement": "entretien", "presence": "oui"},
        "presence « oui » inconnue (attendu : present, absent)",
    ),
    (
        {"dossier": "a", "date": "2017-13-10", "evenement": "entretien"},
        "date « 2017-13-10 » invalide (attendu : AAAA-MM-JJ)",
    ),
    (
        {**A, "evenement": "entretient"},
        f"événement « entretient » inconnu (attendu : {EVENEMENTS}) ; vouliez-vous dire « entretien » ?",
    ),
    ({**A, "evenement": "entretien", "motif": 3}, "« motif » doit être une chaîne"),
    ({**A, "evenement": "entretien", "emploi": "oui"}, "« emploi » doit être true ou false"),
    ({**A, "evenement": "entretien", "profil": "F"}, "« profil » doit être un objet"),
    ({**A, "evenement": "entretien", "foo": 1}, f"clé « foo » inconnue (clés : {CLES})"),
    (
        {**A, "evenement": "entretien", "parcours": "social"},
        f"clé « parcours » inconnue pour « entretien » (clés : {CLES})",
    ),
    (
        {**A, "evenement": "sanction", "taux": "100,5 %"},
        "taux « 100,5 % » invalide (attendu : un pourcentage de 0 à 100, ex. 30)",
    ),
    (
        {**A, "evenement": "sanction", "mois": 0},
        "« mois » doit être un nombre entier de mois, au moins 1 (reçu : 0)",
    ),
    (
        {**A, "evenement": "activite", "semaine": "2025-W54"},
        "semaine « 2025-W54 » invalide (attendu : une semaine ISO AAAA-Wss, ex. 2025-W07)",
    ),
    (
        {**A, "evenement": "activite", "heures": 169},
        "« heures » doit être un nombre d'heures entre 0 et 168 (reçu : 169)",
    ),
    (
        {**A, "evenement": "orientation", "parcours": "socal"},
        "parcours « socal » inconnu (attendu : professionnel, socio_professionnel, social) ; "
        "vouliez-vous dire « social » ?",
    ),
    (
        {**A, "evenement": "reexamen", "difficultes": ["", "x"]},
        '« difficultes » doit être une liste de mots (ex. ["sante", "logement"])',
    ),
    (
        {**A, "evenement": "sanction", "foyer_plusieurs_personnes": 1},
        "« foyer_plusieurs_personnes » doit être true ou false",
    ),
    ({**A, "evenement": "orientation", "organisme": ""}, "« organisme » doit être un texte non vide"),
]


@pytest.mark.parametrize(("event", "raison"), CAS)
def test_a_bad_event_is_refused_with_its_dossier_key_and_what_is_expected(
    event: dict[str, Any], raison: str
) -> None:
    with pytest.raises(JournalError, match=f"^{re.escape('événement invalide : dossier a : ' + raison)}$"):
        normaliser(event)


def test_without_a_dossier_the_message_has_no_dossier_prefix() -> None:
    with pytest.raises(
        JournalError, match=r"^événement invalide : « dossier » manque ou n'est pas une chaîne$"
    ):
        normaliser({"dossier": "", "date": "2017-01-10", "evenement": "entretien"})


def test_a_rate_is_a_percentage_from_0_to_100() -> None:
    assert [lire_taux(v) for v in (0, 100, "100 %", " 30,5 % ", 30.5)] == [0.0, 100.0, 100.0, 30.5, 30.5]
    assert [lire_taux(v) for v in (100.5, "100,5 %", -1, True, "x", None)] == [None] * 6


def test_a_value_is_shown_cut_and_without_control_characters() -> None:
    assert montrer("a" * 81) == "a" * 80 + "…"
    assert montrer("a" * 80) == "a" * 80
    assert montrer({"é": 1}) == '{"é": 1}'
    assert montrer("\x1b[31m\x7f") == "\\u001b[31m\\u007f"
