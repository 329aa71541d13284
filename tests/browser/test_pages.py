"""Every bundled policy's sheet and a bilan of each, opened in headless Chromium.

Each page is laid out for the screen (1024 px) and for print (an A4 width, its @media print
rules), checked by mise_en_page.js (no text cut or overflowing, no SVG of zero size, no text
out of its box or over another in a diagram) and photographed. No console error may appear.
The check has its own faulty pages to open: each must be caught (test_the_check_*).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from chromium_cdp import Chromium, Page

from parcours import bilan, load_policy
from parcours.engine.diagram import schema_dispositif
from parcours.engine.diagram_svg import en_svg
from parcours.policies.bundled import bundled_names
from parcours.reports.render import render
from parcours.sheet.content import fiche
from parcours.sheet.html import en_html
from parcours.simulation import simulate

VERIFICATION = (Path(__file__).with_name("mise_en_page.js")).read_text(encoding="utf-8")
POLITIQUES = bundled_names()
A4 = 794  # px: 210 mm at 96 px per inch
PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def onglet(navigateur: Chromium) -> Iterator[Page]:
    page = navigateur.page()
    yield page
    page.close()


@pytest.fixture(scope="module")
def dossier(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pages")


def _journal_fait_main(policy_name: str) -> list[dict[str, Any]]:
    """A few dossiers written by hand, for a policy with no cohort model (nothing to simulate)."""
    policy = load_policy(policy_name)
    ident = next(iter(policy.dispositifs))
    events: list[dict[str, Any]] = []
    debut = date(2023, 1, 9)
    for i in range(6):
        jour = debut + timedelta(days=20 * i)
        dossier = f"d{i}"
        events.append(
            {"dossier": dossier, "date": jour.isoformat(), "evenement": "demarrage", "dispositif": ident}
        )
        events.append(
            {
                "dossier": dossier,
                "date": (jour + timedelta(days=14)).isoformat(),
                "evenement": "entretien",
                "presence": "present",
            }
        )
        if i % 2:
            events.append(
                {
                    "dossier": dossier,
                    "date": (jour + timedelta(days=60)).isoformat(),
                    "evenement": "reorientation",
                }
            )
    return events


def _journal_national(dispositif: str | None = None) -> list[dict[str, Any]]:
    """The droits et devoirs of a few dossiers in 2025: late and timely orientations and
    contracts, a sanction and a remobilisation."""
    events: list[dict[str, Any]] = []
    for i in range(6):
        d, debut = f"n{i}", date(2025, 1, 6) + timedelta(days=30 * i)
        range_ = {} if dispositif is None else {"dispositif": dispositif}
        events += [
            {"dossier": d, "date": debut.isoformat(), "evenement": "ouverture_droit", **range_},
            {
                "dossier": d,
                "date": (debut + timedelta(days=20 + 10 * i)).isoformat(),
                "evenement": "orientation",
                "parcours": ("professionnel", "socio_professionnel", "social")[i % 3],
                "organisme": "departement",
            },
            {
                "dossier": d,
                "date": (debut + timedelta(days=40 + 10 * i)).isoformat(),
                "evenement": "contrat_engagement",
                "heures_hebdomadaires": 15 + i,
            },
        ]
    suite = [
        ("manquement", {"nature": "non_respect_contrat"}),
        ("observations", {}),
        ("sanction", {"taux": 30, "mois": 1}),
    ]
    for k, (nom, cles) in enumerate([*suite, ("remobilisation", {})]):
        events.append(
            {"dossier": "n0", "date": date(2025, 7, 1 + 5 * k).isoformat(), "evenement": nom, **cles}
        )
    return events


def _bilan_html(nom: str, dossier: Path) -> str:
    policy = load_policy(nom)
    if not policy.dispositifs:  # the national layer: the droits et devoirs only
        return render(bilan(_journal_national(), policy, annee=2025), "html")
    try:
        sim = simulate(policy, seed=1)
    except Exception:  # a base policy declares no exit motif: it cannot be simulated
        journal = dossier / f"{nom.replace('/', '_')}.jsonl"
        journal.write_text("\n".join(json.dumps(e) for e in _journal_fait_main(nom)) + "\n", encoding="utf-8")
        return render(bilan(journal, policy, annee=2023), "html")
    return render(sim.bilan(), "html")


def _examiner(onglet: Page, page: Path, captures: Path) -> dict[str, Any]:
    """Open ``page`` for the screen then for print; its problems, console errors and screenshots."""
    resultat: dict[str, Any] = {"problemes": [], "console": [], "captures": []}
    for support, largeur in (("ecran", 1024), ("impression", A4)):
        onglet.taille(largeur, 768)
        onglet.impression(support == "impression")
        onglet.open(page)
        resultat["problemes"] += [{**p, "support": support} for p in onglet.evaluate(VERIFICATION)]
        resultat["console"] += onglet.erreurs
        resultat["captures"].append(onglet.screenshot(captures / f"{page.stem}-{support}.png"))
    onglet.impression(False)
    return resultat


def _sans_defaut(resultat: dict[str, Any]) -> None:
    assert resultat["problemes"] == [], json.dumps(resultat["problemes"], ensure_ascii=False, indent=1)
    assert resultat["console"] == []
    for capture in resultat["captures"]:
        assert capture.read_bytes()[:8] == PNG


@pytest.mark.parametrize("nom", POLITIQUES)
def test_the_sheet_of_every_bundled_policy_reads_whole_in_a_browser(
    nom: str, onglet: Page, dossier: Path, captures: Path
) -> None:
    page = dossier / f"fiche-{nom.replace('/', '_')}.html"
    page.write_text(en_html(fiche(load_policy(nom))), encoding="utf-8")
    resultat = _examiner(onglet, page, captures)
    _sans_defaut(resultat)
    assert onglet.evaluate("document.querySelectorAll('svg.diagramme').length") == len(
        load_policy(nom).dispositifs
    )


@pytest.mark.parametrize("nom", POLITIQUES)
def test_a_bilan_of_every_bundled_policy_reads_whole_in_a_browser(
    nom: str, onglet: Page, dossier: Path, captures: Path
) -> None:
    page = dossier / f"bilan-{nom.replace('/', '_')}.html"
    page.write_text(_bilan_html(nom, dossier), encoding="utf-8")
    _sans_defaut(_examiner(onglet, page, captures))
    assert onglet.evaluate("document.querySelectorAll('svg').length") > 0


def test_a_bilan_with_the_droits_et_devoirs_reads_whole_in_a_browser(
    onglet: Page, dossier: Path, captures: Path
) -> None:
    policy = load_policy("seine_saint_denis")
    page = dossier / "bilan-droits-devoirs.html"
    html = render(bilan(_journal_national("accompagnement_social"), policy, annee=2025), "html")
    page.write_text(html, encoding="utf-8")
    _sans_defaut(_examiner(onglet, page, captures))
    texte = page.read_text(encoding="utf-8")
    assert texte.count("Droits et devoirs (loi pour le plein emploi)") == 2  # the département, the dispositif
    assert onglet.evaluate("document.querySelectorAll('svg').length") > 0


# --- the check's own faulty pages ----------------------------------------------------------

_LONG = "Sortie du dispositif RSA avant la fin de l'accompagnement socioprofessionnel renforcé"


def _page(dossier: Path, nom: str, corps: str) -> Path:
    chemin = dossier / f"{nom}.html"
    chemin.write_text(
        f'<!DOCTYPE html><html lang="fr"><meta charset="utf-8"><body>{corps}</body></html>', encoding="utf-8"
    )
    return chemin


def _genres(resultat: dict[str, Any]) -> set[str]:
    return {p["genre"] for p in resultat["problemes"]}


def test_the_check_catches_a_label_cut_with_an_ellipsis(onglet: Page, dossier: Path, captures: Path) -> None:
    style = "width:12em;white-space:nowrap;overflow:hidden;text-overflow:ellipsis"
    resultat = _examiner(
        onglet, _page(dossier, "defaut-coupe", f'<div style="{style}">{_LONG}</div>'), captures
    )
    assert "texte-coupe" in _genres(resultat)


def test_the_check_catches_text_running_out_of_its_cell_and_a_page_too_wide(
    onglet: Page, dossier: Path, captures: Path
) -> None:
    mot = "accompagnement_socioprofessionnel_renforce_" * 3
    tableau = (
        f'<table style="table-layout:fixed;width:200px"><tr><td style="width:100px">{mot}</td></tr></table>'
    )
    large = '<div style="width:1400px">page trop large</div>'
    resultat = _examiner(onglet, _page(dossier, "defaut-deborde", tableau + large), captures)
    assert {"texte-deborde", "page-trop-large"} <= _genres(resultat)


def test_the_check_catches_an_empty_svg_and_a_text_out_of_its_drawing(
    onglet: Page, dossier: Path, captures: Path
) -> None:
    vide = '<svg xmlns="http://www.w3.org/2000/svg" width="0" height="0"></svg>'
    dehors = (
        '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="40">'
        '<text x="150" y="20">132 (62,3 %)</text></svg>'
    )
    resultat = _examiner(onglet, _page(dossier, "defaut-svg", vide + dehors), captures)
    assert {"svg-vide", "svg-texte-dehors"} <= _genres(resultat)


def test_the_check_catches_a_diagram_whose_state_is_too_narrow_or_whose_words_overlap(
    onglet: Page, dossier: Path, captures: Path
) -> None:
    svg = en_svg(schema_dispositif(load_policy("moselle"), "accompagnement_global"), "g")
    etroit = re.sub(r'(<g class="etat"[^>]*><rect [^>]*?)width="[\d.]+"', r'\1width="30"', svg, count=1)
    assert etroit != svg
    premier = etroit.index("</text>") + len("</text>")
    texte = etroit[etroit.rindex("<text", 0, premier) : premier]
    double = etroit.replace("</svg>", texte + "</svg>")  # the same words drawn twice
    resultat = _examiner(onglet, _page(dossier, "defaut-diagramme", double), captures)
    assert {"etat-texte-dehors", "textes-superposes"} <= _genres(resultat)


def test_the_check_collects_console_errors(onglet: Page, dossier: Path, captures: Path) -> None:
    corps = '<img src="absente.png" alt=""><script>console.error("erreur voulue"); pasDeFonction();</script>'
    resultat = _examiner(onglet, _page(dossier, "defaut-console", corps), captures)
    erreurs = " | ".join(resultat["console"])
    assert "erreur voulue" in erreurs and "pasDeFonction" in erreurs and "absente.png" in erreurs


def test_every_shape_of_parcours_is_drawn_cleanly(onglet: Page, dossier: Path, captures: Path) -> None:
    """All 64 machines a policy's steps can make (optional steps, waiting list), on one page."""
    from itertools import product

    from parcours.engine.diagram import schema
    from parcours.engine.machine import topologie

    dessins = []
    for n, (rep, pre, diag, bil, reo, attente) in enumerate(product((False, True), repeat=6)):
        etapes = [
            *(["reperage"] if rep else []),
            *(["prescription"] if pre else []),
            *(["diagnostic_partage"] if diag else []),
            "demarrage",
            *(["bilan"] if bil else []),
            "sortie",
            *(["reorientation"] if reo else []),
        ]
        dessins.append(en_svg(schema(topologie(etapes, attente=attente), " → ".join(etapes)), str(n)))
    style = "<style>svg { max-width: 100%; height: auto; display: block; }</style>"  # as the pages do
    resultat = _examiner(onglet, _page(dossier, "toutes-les-formes", style + "".join(dessins)), captures)
    _sans_defaut(resultat)
    assert onglet.evaluate("document.querySelectorAll('svg.diagramme').length") == 64
