"""``parcours alertes``: the alerts of a journal, and those due on --au."""

from __future__ import annotations

import json
from pathlib import Path

from alertes_aides import POLITIQUE, ev
from typer.testing import CliRunner

from parcours.cli import app
from parcours.engine import Engine
from parcours.policies import Policy

runner = CliRunner()


def _journal(policy: Policy, chemin: Path) -> Path:
    engine = Engine(policy, journal=chemin)
    engine.apply_many(
        [
            ev("a", "2017-01-02", "prescription", dispositif="global"),
            ev("a", "2017-01-10", "demarrage"),
            ev("a", "2017-02-01", "entretien", presence="absent"),
            ev("a", "2017-03-01", "entretien", presence="absent"),
        ]
    )
    engine.close()
    return chemin


def test_text_lists_journaled_and_due_alerts(policy: Policy, tmp_path: Path) -> None:
    chemin = _journal(policy, tmp_path / "j.jsonl")
    done = runner.invoke(app, ["alertes", str(chemin), "--politique", str(POLITIQUE), "--au", "2017-10-11"])
    assert done.exit_code == 0, done.output
    lignes = done.output.splitlines()
    assert lignes[0].startswith("politique politique_alertes — 4 alerte(s) au 11/10/2017")
    assert "01/03/2017 attention — dossier a (global) : 2 absences" in done.output
    assert "parcours de 9 mois" in done.output
    assert len(chemin.read_text(encoding="utf-8").splitlines()) == 6  # --au writes nothing


def test_json_filters_by_level(policy: Policy, tmp_path: Path) -> None:
    chemin = _journal(policy, tmp_path / "j.jsonl")
    arguments = ["alertes", str(chemin), "-p", str(POLITIQUE), "--format", "json", "--niveau", "urgent"]
    done = runner.invoke(app, arguments)
    assert done.exit_code == 0, done.output
    sortie = json.loads(done.output)
    assert sortie["par_niveau"] == {"urgent": 1}
    assert sortie["alertes"][0]["alerte"] == "entretien_en_retard"
    assert sortie["alertes"][0]["regle"].endswith("politique_alertes.yaml:22")


def test_user_errors_are_french_and_exit_1_or_2(policy: Policy, tmp_path: Path) -> None:
    chemin = _journal(policy, tmp_path / "j.jsonl")
    done = runner.invoke(app, ["alertes", str(chemin), "-p", str(POLITIQUE), "-d", "inconnu"])
    assert done.exit_code == 1 and "dispositif « inconnu » inconnu" in done.output
    done = runner.invoke(app, ["alertes", str(chemin), "-p", str(POLITIQUE), "--au", "hier"])
    assert done.exit_code == 2
    done = runner.invoke(app, ["alertes", str(tmp_path / "absent.jsonl"), "-p", str(POLITIQUE)])
    assert done.exit_code == 1 and "journal introuvable" in done.output


def test_every_line_of_the_text_and_of_the_json(policy: Policy, tmp_path: Path) -> None:
    """By hand: interview due 10/01 + 1 mois = 10/02 (an absence is not an interview held),
    late past 15 days: the 26/02, 16 days late; two absences 28 days apart (01/02, 01/03);
    CER end 10/01 + 6 mois = 10/07, warned 30 days before (10/06); maximum 10/10, passed the
    11/10. The rules' lines in politique_alertes.yaml: 17, 22, 27, 42."""
    chemin = _journal(policy, tmp_path / "j.jsonl")
    done = runner.invoke(app, ["alertes", str(chemin), "--politique", str(POLITIQUE), "--au", "2017-10-11"])
    assert done.exit_code == 0, done.output
    assert done.stdout.splitlines() == [
        "politique politique_alertes — 4 alerte(s) au 11/10/2017",
        "26/02/2017 urgent — dossier a (global) : entretien dû le 10/02/2017, en retard de 16 jours "
        f"[entretien_en_retard, {POLITIQUE}:22]",
        "01/03/2017 attention — dossier a (global) : 2 absences aux entretiens en moins de 60 jours "
        f"[absences_repetees, {POLITIQUE}:17]",
        "10/06/2017 attention — dossier a (global) : le CER se termine le 10/07/2017 (30 jours) et aucun "
        f"bilan n'est enregistré [fin_de_cer_sans_bilan, {POLITIQUE}:27]",
        "11/10/2017 attention — dossier a (global) : parcours de 9 mois depuis le 10/01/2017, au-delà de "
        f"la durée maximale (9 mois) [parcours_trop_long, {POLITIQUE}:42]",
    ]
    json_done = runner.invoke(app, ["alertes", str(chemin), "-p", str(POLITIQUE), "--format", "json"])
    assert json_done.exit_code == 0, json_done.output
    ligne = {"dossier": "a", "evenement": "alerte", "dispositif": "global", "genere": True}
    assert json.loads(json_done.stdout) == {
        "politique": "politique_alertes",
        "au": "2017-03-01",  # without --au: the clock, the last event's day
        "nombre": 2,
        "par_niveau": {"attention": 1, "urgent": 1},
        "alertes": [
            {
                **ligne,
                "date": "2017-02-26",
                "alerte": "entretien_en_retard",
                "niveau": "urgent",
                "message": "entretien dû le 10/02/2017, en retard de 16 jours",
                "regle": f"{POLITIQUE}:22",
            },
            {
                **ligne,
                "date": "2017-03-01",
                "alerte": "absences_repetees",
                "niveau": "attention",
                "message": "2 absences aux entretiens en moins de 60 jours",
                "regle": f"{POLITIQUE}:17",
            },
        ],
        "avertissements": [],
        "lignes_ecartees": [],
    }


def test_filters_by_dispositif_and_level_and_refuses_an_unknown_level(policy: Policy, tmp_path: Path) -> None:
    chemin = _journal(policy, tmp_path / "j.jsonl")
    args = ["alertes", str(chemin), "-p", str(POLITIQUE), "--au", "2017-10-11", "-d", "global"]
    done = runner.invoke(app, [*args, "--niveau", "info"])
    assert done.exit_code == 0, done.output
    assert done.stdout.splitlines() == ["politique politique_alertes — 0 alerte(s) au 11/10/2017"]
    done = runner.invoke(app, [*args, "--niveau", "urgent"])
    assert done.stdout.splitlines()[0] == "politique politique_alertes — 1 alerte(s) au 11/10/2017"
    done = runner.invoke(app, [*args, "--niveau", "grave"])
    assert done.exit_code == 2
    assert "« grave » : attendu info, attention, urgent" in done.output
