"""The Markdown bilan, read back block by block and held to tables computed by hand
(tests/reports/bilan_a_la_main.py): every heading in its place, every cell, row order, totals,
« Non renseigné », the lines set aside."""

from __future__ import annotations

import re

from bilan_a_la_main import (
    ALPHA,
    ANNUEL_ALPHA,
    ANNUEL_BETA,
    ANNUEL_HEADER,
    ANNUEL_TOTAL,
    BETA,
    CAPACITES,
    CAPACITES_HEADER,
    DROITS_ALPHA_ROWS,
    DROITS_TOTAL_ROWS,
    FORMATION_ALPHA,
    INDICATEURS_ALPHA_ROWS,
    INDICATEURS_BETA_ROWS,
    INDICATEURS_HEADER,
    INDICATEURS_TOTAL_ROWS,
    MA_CLE_ALPHA,
    NN,
    PRINTEMPS_ANNUEL,
    PRINTEMPS_HEADER,
    PRINTEMPS_INDICATEURS,
    PROFIL_HEADER,
    SEXE_ALPHA,
    SEXE_TOTAL,
    SORTIES,
    SORTIES_HEADER,
    bilan_2017,
    bilan_2018,
    bilan_printemps,
)

from parcours.reports.model import IndicateursDroits
from parcours.reports.render import render

Block = tuple[object, ...]
DROITS = "Droits et devoirs (loi pour le plein emploi)"


def _cellules(ligne: str) -> list[str]:
    assert ligne.startswith("| ") and ligne.endswith(" |"), ligne
    return [c.strip().replace("\\|", "|") for c in re.split(r"(?<!\\)\|", ligne)[1:-1]]


def _blocs(md: str) -> list[Block]:
    """The document as blocks: ("#", text) headings of any level, ("table", header, rows),
    ("-", item), ("p", paragraph); a table is followed by a blank line."""
    lignes = md.split("\n")
    blocs: list[Block] = []
    i = 0
    while i < len(lignes):
        ligne = lignes[i]
        if ligne.startswith("|"):
            header = _cellules(ligne)
            # the separator: a left-aligned label column, right-aligned figures
            assert lignes[i + 1] == "|" + "|".join(["---"] + ["---:"] * (len(header) - 1)) + "|"
            i += 2
            rows = []
            while lignes[i].startswith("|"):
                rows.append(_cellules(lignes[i]))
                i += 1
            assert lignes[i] == "", "a table ends with a blank line"
            blocs.append(("table", header, rows))
        elif ligne.startswith("#"):
            niveau, _, texte = ligne.partition(" ")
            blocs.append((niveau, texte))
            assert lignes[i + 1] == "", "a heading is followed by a blank line"
        elif ligne.startswith("- "):
            blocs.append(("-", ligne[2:]))
        elif ligne:
            blocs.append(("p", ligne))
        i += 1
    return blocs


def test_the_markdown_bilan_of_two_dispositifs_block_by_block() -> None:
    md = render(bilan_2018(), "markdown", [bilan_2017()])
    assert _blocs(md) == [
        ("#", "Bilan 2018 — Moselle-Test"),
        (
            "p",
            "Politique « test_politique ». Période du 01/01/2018 au 31/12/2018 ; "
            f"4{NN}321 événements comptés, 3 lignes ignorées.",
        ),
        ("p", "*Journal journal.jsonl.*"),
        ("##", f"{DROITS} — ensemble du département"),
        ("table", INDICATEURS_HEADER, DROITS_TOTAL_ROWS),
        ("##", "Ensemble des dispositifs"),
        ("table", ANNUEL_HEADER, ANNUEL_TOTAL),
        ("###", "Situation des personnes en fin d'accompagnement"),
        ("table", SORTIES_HEADER, SORTIES),
        ("###", "Indicateurs"),
        ("table", INDICATEURS_HEADER, INDICATEURS_TOTAL_ROWS),
        ("###", "Sexe"),
        ("table", PROFIL_HEADER, SEXE_TOTAL),
        ("##", ALPHA),
        ("table", ANNUEL_HEADER, ANNUEL_ALPHA),
        ("###", "Situation des personnes en fin d'accompagnement"),
        ("table", SORTIES_HEADER, SORTIES),
        ("###", "Indicateurs"),
        ("table", INDICATEURS_HEADER, INDICATEURS_ALPHA_ROWS),
        ("###", DROITS),
        ("table", INDICATEURS_HEADER, DROITS_ALPHA_ROWS),
        ("###", "Sexe"),
        ("table", PROFIL_HEADER, SEXE_ALPHA),
        ("###", "Niveau de formation"),
        ("table", PROFIL_HEADER, FORMATION_ALPHA),
        ("###", "Ma cle"),
        ("table", PROFIL_HEADER, MA_CLE_ALPHA),
        ("##", BETA),  # no exit: no table of exits; no droits et devoirs: no table either
        ("table", ANNUEL_HEADER, ANNUEL_BETA),
        ("###", "Indicateurs"),
        ("table", INDICATEURS_HEADER, INDICATEURS_BETA_ROWS),
        ("##", "Capacités partagées entre dispositifs"),
        ("table", CAPACITES_HEADER, CAPACITES),
        ("##", "Lignes ignorées"),
        ("-", "ligne 7 : date invalide"),
        ("-", "ligne 9 : dossier inconnu"),
        ("-", "… et 1 autres"),  # 3 set aside, 2 listed
    ]


def test_a_pipe_in_a_cell_is_escaped_not_a_column() -> None:
    md = render(bilan_2018(), "markdown")
    assert "| Places \\| communes | " in md


def test_the_markdown_bilan_of_a_span_of_days() -> None:
    """Not a year: « en fin de période », the span as the column; one dispositif: no
    « Ensemble »; one event, nothing set aside: singulars, no list; its provenance."""
    md = render(bilan_printemps(), "markdown")
    assert _blocs(md) == [
        ("#", "Bilan du 01/03/2018 au 31/05/2018 — test_politique"),  # no département: the policy
        (
            "p",
            "Politique « test_politique ». Période du 01/03/2018 au 31/05/2018 ; "
            "1 événement compté, 0 ligne ignorée.",
        ),
        ("p", "*Simulation de test, graine 3.*"),
        ("##", BETA),
        ("table", PRINTEMPS_HEADER, PRINTEMPS_ANNUEL),
        ("###", "Indicateurs"),
        ("table", INDICATEURS_HEADER, PRINTEMPS_INDICATEURS),
    ]


def test_two_events_and_two_lines_are_plural() -> None:
    from dataclasses import replace

    md = render(replace(bilan_printemps(), evenements=2, lignes_ignorees=2, problemes=()), "markdown")
    assert "; 2 événements comptés, 2 lignes ignorées." in md
    assert "## Lignes ignorées" not in md  # the count without the lines themselves: no list


def test_every_line_set_aside_listed_has_no_remainder() -> None:
    from dataclasses import replace

    problemes = bilan_2018().problemes
    md = render(replace(bilan_printemps(), lignes_ignorees=2, problemes=problemes), "markdown")
    assert _blocs(md)[-3:] == [
        ("##", "Lignes ignorées"),
        ("-", "ligne 7 : date invalide"),
        ("-", "ligne 9 : dossier inconnu"),
    ]


def test_a_dispositif_without_label_is_named_by_its_id_and_shows_its_own_exits() -> None:
    """Each section shows its dispositif's exits, not the whole's (made different here)."""
    from dataclasses import replace

    from bilan_a_la_main import INDICATEURS_TOTAL

    b = bilan_2018()
    total = replace(INDICATEURS_TOTAL, sorties_par_motif={"cdi": 8})
    md = render(replace(b, total=total, libelles={"alpha": ALPHA}), "markdown")
    blocs = _blocs(md)
    assert ("##", "beta") in blocs and ("##", BETA) not in blocs
    tables = [bloc for bloc in blocs if bloc[0] == "table" and bloc[1] == SORTIES_HEADER]
    ensemble = [["CDI", "8", "100,0 %"], ["Total", "8", "100,0 %"]]
    assert [t[2] for t in tables] == [ensemble, SORTIES]  # the whole, then alpha


def test_the_droits_table_shows_with_events_or_with_overdue_reviews_alone() -> None:
    from dataclasses import replace

    from bilan_a_la_main import DROITS_ALPHA, INDICATEURS_ALPHA

    for droits in (replace(DROITS_ALPHA, reexamens_en_retard=0), IndicateursDroits(reexamens_en_retard=2)):
        alpha = replace(INDICATEURS_ALPHA, droits=droits)
        b = bilan_2018()
        md = render(replace(b, par_dispositif={**b.par_dispositif, "alpha": alpha}), "markdown")
        assert ("###", DROITS) in _blocs(md)
    sans = replace(INDICATEURS_ALPHA, droits=IndicateursDroits())
    b = bilan_2018()
    assert ("###", DROITS) not in _blocs(
        render(replace(b, par_dispositif={**b.par_dispositif, "alpha": sans}), "markdown")
    )
