"""A plausible 2016-2018 history of the Meurthe-et-Moselle conventions of seed 002 replays
through ``parcours rejouer`` with no refusal, and its bilan counts every dossier.

Seed 002 reports people accompanied on each convention in 2016 and 2017, while some of their
rules (the Lunévillois' 6-month maximum, the 2018 conventions of Terres de Lorraine and of
the DSP) come into force only in 2018: the dispositifs ran before those rules, without them.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from typer.testing import CliRunner

from parcours import Duree, Engine, bilan, load_policy
from parcours.cli import app
from parcours.simulation import simulate

# The conventions whose 2016-2018 tables seed 002 gives (accompanied, exited, still followed).
CONVENTIONS_002 = (
    "referent_unique_nancy_couronne",
    "referent_unique_sdf",
    "lunevillois",
    "terres_de_lorraine",
    "dispositif_securisation_parcours",
    "accompagnement_cec",
)


def test_a_plausible_history_of_002_replays_and_is_counted(tmp_path: Path) -> None:
    policy = load_policy("meurthe_et_moselle")
    sim = simulate(policy, du=date(2016, 1, 1), au=date(2018, 12, 31), seed=1)
    journal = tmp_path / "mm.jsonl"
    lignes = sim.write_journal(journal)
    started = {ident: int((t.demarrage >= 0).sum()) for ident, t in sim.trajectoires.items()}

    commande = ["rejouer", str(journal), "-p", "meurthe_et_moselle", "--format", "json"]
    result = CliRunner().invoke(app, commande)
    assert result.exit_code == 0, result.output
    assert '"avertissements": []' in result.output
    replayed = Engine.replay(policy, journal)
    assert len(replayed.dossiers) == sum(t.n for t in sim.trajectoires.values())

    b = bilan(journal, policy, du=date(2016, 1, 1), au=date(2018, 12, 31))
    assert b.lignes_ignorees == 0 and b.evenements == lignes
    assert {i: ind.accompagnees for i, ind in b.par_dispositif.items() if started.get(i)} == {
        i: n for i, n in started.items() if n
    }
    for annee in (2016, 2017):
        par_an = bilan(journal, policy, annee=annee).par_dispositif
        vides = [i for i in CONVENTIONS_002 if par_an[i].accompagnees == 0]
        assert not vides, (annee, vides)
    # The Lunévillois: no maximum for a parcours begun before 01/06/2018, 6 months after.
    lun = [d for d in replayed.dossiers.values() if d.dispositif == "lunevillois" and d.debut is not None]
    avant = [d for d in lun if d.debut < date(2018, 6, 1)]
    apres = [d for d in lun if d.debut >= date(2018, 6, 1)]
    assert avant and apres
    assert all(d.fin_max is None for d in avant)
    assert all(d.fin_max == Duree(6, "mois").ajouter(d.debut) for d in apres)
