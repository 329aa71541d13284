"""A ``duree_parcours`` rule with a dated threshold (``depasse``): the months counted in its
message across a year end and a month end, and the parcours begun before the threshold is in
force, which it does not concern. Expected days are added by hand below."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from alertes_aides import ev

from parcours.engine import Engine
from parcours.policies import load_policy

POLITIQUE = """\
departement: Test
libelle: Durées
dispositifs:
  suivi:
    libelle: Suivi
    etapes: [demarrage, bilan, sortie]
    capacite: {places: 10}
    duree: {cer: 6 mois, renouvellements_max: 3, maximum: 24 mois}
    motifs_sortie:
      fin: {libelle: Fin, categorie: autre, positive: false}
alertes:
  long:
    niveau: attention
    message: "{dossier} : {duree} mois depuis le {depuis} > {limite} ({alerte}, {date}, {dispositif})"
    quand:
      duree_parcours: {depasse: {2018-01-01: 14 mois}}
"""


def test_a_dated_threshold_counts_whole_months_and_spares_older_parcours(tmp_path: Path) -> None:
    chemin = tmp_path / "durees.yaml"
    chemin.write_text(POLITIQUE, encoding="utf-8")
    engine = Engine(load_policy(str(chemin)))
    engine.apply(ev("a", "2017-12-31", "demarrage", dispositif="suivi"))  # before the threshold
    engine.apply(ev("b", "2018-01-31", "demarrage", dispositif="suivi"))
    engine.apply(ev("c", "2018-11-30", "demarrage", dispositif="suivi"))
    engine.apply(ev("e", "2018-02-01", "demarrage", dispositif="suivi"))
    engine.apply(ev("e", "2019-01-02", "sortie", motif="fin"))  # leaves before its limit
    engine.advance(date(2019, 3, 31))  # b's limit: 31/01/2018 + 14 mois = 31/03/2019
    assert engine.alertes() == []
    engine.advance(date(2021, 1, 1))  # past a's maximum too (31/12/2017 + 24 mois)
    assert [(a.dossier, a.date, a.message) for a in engine.alertes()] == [
        (
            "b",
            date(2019, 4, 1),
            "b : 14 mois depuis le 31/01/2018 > 14 mois (long, 01/04/2019, suivi)",
        ),
        # 30/11/2018 + 14 mois = 30/01/2020: the alert of the 31st, across a year end
        (
            "c",
            date(2020, 1, 31),
            "c : 14 mois depuis le 30/11/2018 > 14 mois (long, 31/01/2020, suivi)",
        ),
    ]
    # the rule's place is its mapping's first line (niveau), as for every rule
    assert {(a.alerte, a.niveau, a.dispositif, a.regle) for a in engine.alertes()} == {
        ("long", "attention", "suivi", f"{chemin}:13")
    }
