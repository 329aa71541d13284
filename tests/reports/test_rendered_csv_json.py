"""The long CSV (one figure per row) and the JSON of the hand bilan
(tests/reports/bilan_a_la_main.py): the rows a spreadsheet reads, by hand."""

from __future__ import annotations

import csv
import io
import json

from bilan_a_la_main import bilan_2017, bilan_2018, bilan_printemps

from parcours.reports.render import render


def _lignes(texte: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(texte)))


def test_the_long_csv_one_figure_per_row() -> None:
    texte = render(bilan_2018(), "csv")
    assert "\r" not in texte and texte.endswith("\n")  # Unix line ends
    lignes = _lignes(texte)
    assert lignes[0] == ["periode_du", "periode_au", "dispositif", "indicateur", "modalite", "valeur"]
    assert {tuple(r[:2]) for r in lignes[1:]} == {("2018-01-01", "2018-12-31")}
    figures = {(r[2], r[3], r[4]): r[5] for r in lignes[1:]}
    assert len(figures) == len(lignes) - 1  # no row twice
    attendu = {
        ("alpha", "accompagnees", ""): "1341",
        ("beta", "accompagnees", ""): "2",
        ("ensemble", "accompagnees", ""): "1343",
        ("alpha", "sorties_par_motif", "cdi"): "5",
        ("alpha", "sorties_par_motif", "licorne"): "1",
        ("alpha", "repartition.sexe", "F"): "700",
        ("alpha", "objectifs.positives", "atteint"): "True",
        ("alpha", "objectifs.vide", "taux_obtenu"): "",  # nothing to divide by: empty
        ("alpha", "rythme", "echeances_depassees"): "3",
        ("alpha", "occupation", "places"): "45.0",
        ("alpha", "occupation.par_mois", "2018-02"): "42.5",
        ("alpha", "veille", "taux_emploi"): "0.25",
        ("alpha", "taux_orientation_6_semaines", ""): "0.75",
        ("beta", "taux_sorties_positives", ""): "",
        ("pool", "capacite_commune.occupation", "places"): "50.0",
        ("pool", "capacite_commune.occupation", "jours"): "365",
    }
    for cle, valeur in attendu.items():
        assert figures[cle] == valeur, cle
    # the groups in order: the dispositifs, the whole, then the shared capacity
    ordre = list(dict.fromkeys(r[2] for r in lignes[1:]))
    assert ordre == ["alpha", "beta", "ensemble", "pool"]


def test_one_dispositif_has_no_whole_in_the_csv() -> None:
    lignes = _lignes(render(bilan_printemps(), "csv"))
    assert {r[2] for r in lignes[1:]} == {"beta"}
    assert {tuple(r[:2]) for r in lignes[1:]} == {("2018-03-01", "2018-05-31")}


def test_the_json_is_the_dictionary_and_the_comparison_with_the_last_period_given() -> None:
    from dataclasses import replace

    texte = render(replace(bilan_2018(), politique="économie"), "json", [bilan_2017()])
    # not ASCII-escaped, indented by two spaces
    assert texte.startswith('{\n  "politique": "économie",\n  "periode": {\n    "du": ') and texte.endswith(
        "}\n"
    )
    data = json.loads(texte)
    assert data["accompagnees"] == 1343 and data["par_dispositif"]["beta"]["libelle"] == "Beta <jeunes>"
    assert data["comparaison"]["periode_precedente"] == "2017"
    assert data["comparaison"]["accompagnees"] == {"actuel": 1343, "precedent": 1100, "ecart": 243}
    assert "comparaison" not in json.loads(render(bilan_2018(), "json"))
