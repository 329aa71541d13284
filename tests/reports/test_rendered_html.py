"""The HTML bilan, parsed (html.parser) and read back in document order: headings, key
figures, tables cell by cell, the bars of each chart (one per category, widths proportional
to the figures, labels and texts), captions — held to the hand tables of
tests/reports/bilan_a_la_main.py. The monthly curve is parsed as XML and checked by its
geometry."""

from __future__ import annotations

import itertools
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from html.parser import HTMLParser

import pytest
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

from parcours.reports.render import render
from parcours.reports.render.svg import barres, courbe

DROITS = "Droits et devoirs (loi pour le plein emploi)"
_VIDES = {"meta", "link", "br", "hr", "img", "input"}


@dataclass
class Noeud:
    tag: str
    attrs: dict[str, str]
    enfants: list[Noeud | str] = field(default_factory=list)

    def texte(self) -> str:
        return "".join(e if isinstance(e, str) else e.texte() for e in self.enfants)

    def classe(self) -> str:
        return self.attrs.get("class", "")

    def tous(self, tag: str) -> list[Noeud]:
        trouves = []
        for e in self.enfants:
            if isinstance(e, Noeud):
                trouves += [e] if e.tag == tag else []
                trouves += e.tous(tag)
        return trouves


class _Arbre(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.racine = Noeud("document", {})
        self.pile = [self.racine]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        noeud = Noeud(tag, {k: v or "" for k, v in attrs})
        self.pile[-1].enfants.append(noeud)
        if tag not in _VIDES:
            self.pile.append(noeud)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.pile[-1].enfants.append(Noeud(tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag: str) -> None:
        assert self.pile[-1].tag == tag, f"</{tag}> closes <{self.pile[-1].tag}>"
        self.pile.pop()

    def handle_data(self, data: str) -> None:
        self.pile[-1].enfants.append(data)


def _arbre(page: str) -> Noeud:
    parser = _Arbre()
    parser.feed(page)
    parser.close()
    assert parser.pile == [parser.racine], "every element is closed"
    return parser.racine


def _table(t: Noeud) -> tuple[object, ...]:
    (thead,) = t.tous("thead")
    (tbody,) = t.tous("tbody")
    header = [th.texte() for th in thead.tous("th")]
    rows = []
    for tr in tbody.tous("tr"):
        cells = tr.tous("td")
        # the label column is text, the figures are right-aligned numbers (class « n »)
        assert [td.classe() for td in cells] == ["", *["n"] * (len(cells) - 1)]
        rows.append([td.texte() for td in cells])
    return ("table", header, rows)


def _rects(svg: Noeud) -> list[tuple[float, float, str]]:
    return [(float(r.attrs["x"]), float(r.attrs["width"]), r.attrs["fill"]) for r in svg.tous("rect")]


def _barres(div: Noeud) -> tuple[object, ...]:
    """A bar chart: (label, rects, text) per bar, in order, each bar its own small SVG."""
    items: list[Noeud] = [e for e in div.enfants if isinstance(e, Noeud)]
    assert len(items) % 3 == 0
    barres = []
    for label, svg, valeur in zip(items[::3], items[1::3], items[2::3], strict=True):
        assert (label.classe(), svg.tag, svg.classe(), valeur.classe()) == (
            "etiquette",
            "svg",
            "barre",
            "valeur",
        )
        barres.append((label.texte(), _rects(svg), valeur.texte()))
    return ("barres", div.attrs["aria-label"], barres)


def _courbe(svg: Noeud) -> tuple[object, ...]:
    """A monthly curve: its label, its months, each point's height read against the axis
    (in the figure's unit), the capacity's label."""
    textes = svg.tous("text")
    axe = [t for t in textes if t.attrs["text-anchor"] == "end" and "fill" not in t.attrs]
    sommet = float(axe[-1].texte().replace(",", "."))
    (ligne_x, ligne_y, *_) = svg.tous("line")
    bas, haut = float(ligne_x.attrs["y1"]), float(ligne_y.attrs["y1"])
    points = []
    for trait in svg.tous("polyline"):
        points = [float(p.split(",")[1]) for p in trait.attrs["points"].split()]
    hauteurs = [round((bas - y) / (bas - haut) * sommet, 1) for y in points]
    mois = [t.texte() for t in textes if t.attrs["text-anchor"] == "middle"]
    places = [t.texte() for t in textes if "fill" in t.attrs]
    return ("courbe", svg.attrs["aria-label"], mois, hauteurs, places)


def _plan(n: Noeud) -> list[tuple[object, ...]]:
    """The page in document order, as the reader meets it."""
    plan: list[tuple[object, ...]] = []
    for e in n.enfants:
        if isinstance(e, str):
            continue
        if e.tag in ("h1", "h2", "h3", "figcaption", "li", "b"):
            plan.append((e.tag, e.texte()))
        elif e.tag == "p":
            plan.append(("p." + e.classe(), re.sub("[ \n]+", " ", e.texte()).strip()))
        elif e.tag == "table":
            plan.append(_table(e))
        elif e.tag == "div" and e.classe() == "carte":
            (b,) = e.tous("b")
            plan.append(("carte", b.texte(), e.texte()[len(b.texte()) :]))
        elif e.tag == "div" and e.classe() == "barres":
            plan.append(_barres(e))
        elif e.tag == "svg":
            plan.append(_courbe(e))
        elif e.tag == "section":
            plan.append(("section", e.classe()))
            plan += _plan(e)
        else:
            plan += _plan(e)
    return plan


def _cartes(valeurs: list[str], fin: str) -> list[tuple[object, ...]]:
    noms = ["Personnes accompagnées", "Personnes sorties", f"Encore suivies {fin}"]
    noms += ["Sorties positives", "Durée moyenne", "Respect du rythme"]
    return [("carte", v, k) for v, k in zip(valeurs, noms, strict=True)]


# the exits of the hand bilan as bars: widths are the counts against the largest (5)
BARRES_SORTIES = [
    ("CDI", [(0.0, 100.0, "#1f5f99")], "5 (62,5 %)"),
    ("Abandon", [(0.0, 40.0, "#1f5f99")], "2 (25,0 %)"),
    ("licorne", [(0.0, 20.0, "#1f5f99")], "1 (12,5 %)"),
]
VERT, ORANGE, GRIS = "#2e7d32", "#c75b12", "#9e9e9e"
LEGENDE = ("p.legende-barres", "tenues dépassées")


def _droits(titre: str, niveau: str, rows: list[list[str]], barres: list[object]) -> list[tuple[object, ...]]:
    legende = f"Délais échus tenus et dépassés — {titre}"
    entete = DROITS if niveau == "h3" else f"{DROITS} — {titre}"
    return [
        (niveau, entete),
        ("table", INDICATEURS_HEADER, rows),
        ("barres", legende, barres),
        LEGENDE,
        ("figcaption", legende),
    ]


MOIS = ["janv. 18", "févr. 18", "mars 18"]
HAUTEURS = [38.0, 42.5, 40.0]  # MOIS_ALPHA's figures


def _occupation(
    titre: str, mois: list[str], hauteurs: list[float], places: str | None
) -> list[tuple[object, ...]]:
    legende = f"{titre} : occupation moyenne par mois (trait plein) et places prévues (pointillés)"
    courbe = ("courbe", titre, mois, hauteurs, [] if places is None else [f"places : {places}"])
    return [("h3", "Occupation des places"), courbe, ("figcaption", legende)]


def _sorties(titre: str) -> list[tuple[object, ...]]:
    return [
        ("h3", "Situation des personnes en fin d'accompagnement"),
        ("barres", f"Sorties par motif — {titre}", BARRES_SORTIES),
        ("figcaption", f"Sorties par motif — {titre}"),
        ("table", SORTIES_HEADER, SORTIES),
    ]


def _attendu_2018() -> list[tuple[object, ...]]:
    ensemble = "Ensemble des dispositifs"
    rythme = "Respect du rythme des entretiens : échéances tenues et dépassées"
    return [
        ("h1", "Bilan 2018 — Moselle-Test"),
        (
            "p.meta",
            "Politique « test_politique ». Période du 01/01/2018 au 31/12/2018 : "
            f"4{NN}321 événements comptés.",
        ),
        ("p.provenance", "Journal journal.jsonl."),
        ("b", "3 lignes du journal ont été ignorées"),
        ("li", "ligne 7 : date invalide"),
        ("li", "ligne 9 : dossier inconnu"),
        ("li", "… et 1 autres"),
        ("section", ""),
        # orientation: 3 kept of 5 mature (60 / 40); contract: no mature delay (an empty frame)
        *_droits(
            "ensemble du département",
            "h2",
            DROITS_TOTAL_ROWS,
            [
                ("Orientation dans les six semaines", [(0.0, 60.0, VERT), (60.0, 40.0, ORANGE)], "60,0 %"),
                ("Contrat d'engagement dans le mois", [(0.0, 100.0, "none")], "–"),
            ],
        ),
        ("section", "ensemble"),
        ("h2", ensemble),
        *_cartes([f"1{NN}343", "8", f"1{NN}335", "62,5 %", "4,1 mois", "70,0 %"], "au 31/12"),
        ("table", ANNUEL_HEADER, ANNUEL_TOTAL),
        *_sorties(ensemble),
        *_occupation(ensemble, MOIS, HAUTEURS, "55"),
        ("h3", "Indicateurs"),
        ("table", INDICATEURS_HEADER, INDICATEURS_TOTAL_ROWS),
        ("h3", "Caractéristiques du public accompagné"),
        ("b", "Sexe"),
        ("table", PROFIL_HEADER, SEXE_TOTAL),
        ("section", ""),
        ("h2", "Respect du rythme des entretiens"),
        # alpha: 7 kept of 10 (70 / 30); beta: nothing due, an empty frame
        (
            "barres",
            rythme,
            [
                (ALPHA, [(0.0, 70.0, VERT), (70.0, 30.0, ORANGE)], "70,0 %"),
                (BETA, [(0.0, 100.0, "none")], "–"),
            ],
        ),
        LEGENDE,
        ("figcaption", rythme),
        ("section", ""),
        ("h2", "Capacités partagées entre dispositifs"),
        ("table", CAPACITES_HEADER, CAPACITES),
        ("section", "dispositif"),
        ("h2", ALPHA),
        *_cartes([f"1{NN}341", "8", f"1{NN}333", "62,5 %", "4,1 mois", "70,0 %"], "au 31/12"),
        ("table", ANNUEL_HEADER, ANNUEL_ALPHA),
        *_sorties(ALPHA),
        *_occupation(ALPHA, MOIS, HAUTEURS, "45"),
        ("h3", "Indicateurs"),
        ("table", INDICATEURS_HEADER, INDICATEURS_ALPHA_ROWS),
        # orientation 3 of 4 (75 / 25), contract 1 of 1 (100 / 0)
        *_droits(
            ALPHA,
            "h3",
            DROITS_ALPHA_ROWS,
            [
                ("Orientation dans les six semaines", [(0.0, 75.0, VERT), (75.0, 25.0, ORANGE)], "75,0 %"),
                ("Contrat d'engagement dans le mois", [(0.0, 100.0, VERT), (100.0, 0.0, ORANGE)], "100,0 %"),
            ],
        ),
        ("h3", "Caractéristiques du public accompagné"),
        ("b", "Sexe"),
        ("table", PROFIL_HEADER, SEXE_ALPHA),
        ("b", "Niveau de formation"),
        ("table", PROFIL_HEADER, FORMATION_ALPHA),
        ("b", "Ma cle"),
        ("table", PROFIL_HEADER, MA_CLE_ALPHA),
        ("section", "dispositif"),
        ("h2", BETA),
        *_cartes(["2", "0", "2", "–", "– mois", "–"], "au 31/12"),
        ("table", ANNUEL_HEADER, ANNUEL_BETA),
        ("h3", "Situation des personnes en fin d'accompagnement"),
        ("p.", "Aucune sortie sur la période."),
        *_occupation(BETA, [], [], "10"),
        ("h3", "Indicateurs"),
        ("table", INDICATEURS_HEADER, INDICATEURS_BETA_ROWS),
    ]


def _page(b: object, precedents: list[object] | None = None) -> tuple[str, Noeud]:
    page = render(b, "html", precedents or [])  # type: ignore[arg-type]
    arbre = _arbre(page)
    (body,) = arbre.tous("body")
    return page, body


def _textes_hors_place(n: Noeud) -> list[str]:
    """Text that is not inside a text element: in the page's frame, only blanks."""
    cadre = n.tag in ("body", "section", "figure", "ul", "table", "thead", "tbody", "tr", "svg")
    cadre = cadre or (n.tag == "div" and n.classe() in ("cartes", "grille", "barres", "alerte", ""))
    perdus = [e for e in n.enfants if isinstance(e, str) and e.strip()] if cadre else []
    for e in n.enfants:
        if isinstance(e, Noeud):
            perdus += _textes_hors_place(e)
    return perdus


def test_the_html_bilan_of_two_dispositifs_in_reading_order() -> None:
    page, body = _page(bilan_2018(), [bilan_2017()])
    assert _plan(body) == _attendu_2018()
    assert _textes_hors_place(body) == []
    (head,) = _arbre(page).tous("head")
    (titre,) = head.tous("title")
    assert titre.texte() == "Bilan 2018 — Moselle-Test"


def test_the_html_escapes_every_label() -> None:
    page, _ = _page(bilan_2018())
    assert "<jeunes>" not in page and "Beta &lt;jeunes&gt;" in page
    assert "Alpha & Co" not in page and "Alpha &amp; Co" in page


def test_each_bar_is_a_small_svg_stretched_to_its_cell() -> None:
    _, body = _page(bilan_2018())
    barres = [svg for svg in body.tous("svg") if svg.classe() == "barre"]
    # 3 exits × 2 sections, 2 rhythm bars, 2 delays × 2 droits tables
    assert len(barres) == 3 * 2 + 2 + 2 * 2
    for svg in barres:
        attrs = {
            k: svg.attrs[k] for k in ("viewbox", "preserveaspectratio", "width", "height", "aria-hidden")
        }
        assert attrs == {
            "viewbox": "0 0 100 18",
            "preserveaspectratio": "none",
            "width": "100%",
            "height": "18",
            "aria-hidden": "true",
        }
        pleins = [r for r in svg.tous("rect") if r.attrs["fill"] != "none"]
        assert all((r.attrs["y"], r.attrs["height"]) == ("0", "18") for r in pleins)
    for div in [d for d in body.tous("div") if d.classe() == "barres"]:
        assert div.attrs["role"] == "img"
    courbes = [svg for svg in body.tous("svg") if svg.attrs.get("role") == "img"]
    assert len(courbes) == 3 and all(svg.attrs["width"] == "100%" for svg in courbes)  # ensemble, alpha, beta


def test_the_empty_bars_draw_a_frame_in_grey() -> None:
    _, body = _page(bilan_2018())
    cadres = [r for svg in body.tous("svg") for r in svg.tous("rect") if r.attrs["fill"] == "none"]
    # beta's rhythm and the département's contract delay: nothing due, nothing to fill
    assert len(cadres) == 2
    assert {(c.attrs["stroke"], c.attrs["width"], c.attrs["height"]) for c in cadres} == {(GRIS, "100", "17")}


def test_the_legend_gives_the_colours_of_the_bars() -> None:
    _, body = _page(bilan_2018())
    (section,) = [
        s for s in body.tous("section") if "Respect du rythme des entretiens" in s.tous("h2")[0].texte()
    ]
    (legende,) = section.tous("p")
    pastilles = [s.attrs["style"] for s in legende.tous("span")]
    assert pastilles == [f"background:{VERT}", f"background:{ORANGE}"]


def test_the_html_bilan_of_a_span_of_days() -> None:
    _, body = _page(bilan_printemps())
    assert _plan(body) == [
        ("h1", "Bilan du 01/03/2018 au 31/05/2018 — test_politique"),
        ("p.meta", "Politique « test_politique ». Période du 01/03/2018 au 31/05/2018 : 1 événement compté."),
        ("p.provenance", "Simulation de test, graine 3."),
        ("section", ""),  # one dispositif: no « Ensemble », no page break before it
        ("h2", BETA),
        *_cartes(["2", "0", "2", "–", "– mois", "–"], "en fin de période"),
        ("table", PRINTEMPS_HEADER, PRINTEMPS_ANNUEL),
        ("h3", "Situation des personnes en fin d'accompagnement"),
        ("p.", "Aucune sortie sur la période."),
        *_occupation(BETA, [], [], None),
        ("h3", "Indicateurs"),
        ("table", INDICATEURS_HEADER, PRINTEMPS_INDICATEURS),
    ]


@pytest.mark.parametrize(
    ("ignorees", "titre"),
    [(1, "1 ligne du journal a été ignorée"), (2, "2 lignes du journal ont été ignorées")],
)
def test_lines_set_aside_are_counted_and_listed(ignorees: int, titre: str) -> None:
    from dataclasses import replace

    problemes = tuple(bilan_2018().problemes[:ignorees])
    _, body = _page(replace(bilan_printemps(), lignes_ignorees=ignorees, problemes=problemes))
    (alerte,) = [d for d in body.tous("div") if d.classe() == "alerte"]
    assert _plan(alerte) == [("b", titre), *[("li", str(p)) for p in problemes]]  # all listed: no « autres »
    assert _textes_hors_place(alerte) == []


def test_at_most_twenty_lines_are_listed() -> None:
    from dataclasses import replace

    from parcours.engine.journal import LigneEcartee

    problemes = tuple(LigneEcartee(n, "illisible") for n in range(1, 26))
    _, body = _page(replace(bilan_printemps(), lignes_ignorees=1500, problemes=problemes))
    (alerte,) = [d for d in body.tous("div") if d.classe() == "alerte"]
    items = [li.texte() for li in alerte.tous("li")]
    assert items == [f"ligne {n} : illisible" for n in range(1, 21)] + [f"… et 1{NN}480 autres"]
    assert alerte.tous("b")[0].texte() == f"1{NN}500 lignes du journal ont été ignorées"


# ---- the monthly curve ---------------------------------------------------------------------

SVG = "{http://www.w3.org/2000/svg}"


def _points(svg: ET.Element) -> list[tuple[float, float]]:
    (ligne,) = svg.iter(f"{SVG}polyline")
    return [(float(x), float(y)) for x, y in (p.split(",") for p in ligne.attrib["points"].split())]


def test_the_curve_has_one_point_per_month_at_heights_proportional_to_the_figures() -> None:
    valeurs = [38.0, 42.5, 40.0]
    svg = ET.fromstring(courbe(["janv. 18", "févr. 18", "mars 18"], valeurs, 45.0, "Alpha"))
    assert svg.attrib["viewBox"] == "0 0 720 220" and svg.attrib["aria-label"] == "Alpha"
    assert svg.find(f"{SVG}title").text == "Alpha"  # type: ignore[union-attr]
    axe_x, axe_y = list(svg.iter(f"{SVG}line"))[:2]
    bas, gauche = float(axe_x.attrib["y1"]), float(axe_y.attrib["x1"])
    assert (axe_x.attrib["y2"], axe_y.attrib["x2"], axe_y.attrib["y2"]) == (
        axe_x.attrib["y1"],
        axe_x.attrib["x1"],
        axe_x.attrib["y1"],
    )
    points = _points(svg)
    # 47,25 (the largest figure, the capacity 45, + 5 %) rounds up to an axis top of 50
    haut = bas - float(axe_y.attrib["y1"])
    assert haut == pytest.approx(166)
    assert [round((bas - y) / haut * 50, 1) for _, y in points] == [38.0, 42.5, 40.0]
    # months evenly spaced over the 650 px of the plot, each in the middle of its third
    assert [round(x - gauche, 1) for x, _ in points] == [108.3, 325.0, 541.7]
    cercles = [(float(c.attrib["cx"]), float(c.attrib["cy"])) for c in svg.iter(f"{SVG}circle")]
    assert cercles == points
    textes = [(t.attrib.get("text-anchor"), t.text, t) for t in svg.iter(f"{SVG}text")]
    axe = [texte for ancre, texte, t in textes if ancre == "end" and "fill" not in t.attrib]
    assert axe == ["0", "13", "25", "38", "50"]  # a quarter of 50 each, rounded half-up
    graduations = [t for ancre, _, t in textes if ancre == "end" and "fill" not in t.attrib]
    # left of the vertical axis, each a little below its height (the text's baseline), evenly spaced
    assert all(float(t.attrib["x"]) < gauche for t in graduations)
    hauteurs = [bas - float(t.attrib["y"]) for t in graduations]
    ecarts = {round(b - a, 1) for a, b in itertools.pairwise(hauteurs)}
    assert ecarts == {round(haut / 4, 1)} and -10 < hauteurs[0] < 0
    assert all(float(t.attrib["y"]) > bas for ancre, _, t in textes if ancre == "middle")  # months below
    (trait,) = svg.iter(f"{SVG}polyline")
    assert (trait.attrib["fill"], trait.attrib["stroke"]) == ("none", "#1f5f99")
    mois = [(texte, float(t.attrib["x"])) for ancre, texte, t in textes if ancre == "middle"]
    assert mois == [(m, x) for m, (x, _) in zip(["janv. 18", "févr. 18", "mars 18"], points, strict=True)]
    (places,) = [t for ancre, texte, t in textes if t.attrib.get("fill") == ORANGE]
    assert places.text == "places : 45"
    capacite = [ln for ln in svg.iter(f"{SVG}line") if ln.attrib["stroke"] == ORANGE]
    (ligne,) = capacite
    assert ligne.attrib["stroke-dasharray"] == "6 4" and ligne.attrib["y1"] == ligne.attrib["y2"]
    assert round((bas - float(ligne.attrib["y1"])) / haut * 50, 1) == 45.0


@pytest.mark.parametrize(
    ("valeurs", "sommet"),
    [([3.0], "5"), ([1.9], "2"), ([2.3], "3"), ([9.6], "20"), ([0.0], "2"), ([60.0], "100")],
)
def test_the_axis_top_is_a_round_figure_above_the_largest_value(valeurs: list[float], sommet: str) -> None:
    """The largest figure (at least 1) × 1,05, then the next 1, 2, 2,5, 5 or 10 × 10^k:
    3,15 → 5; 1,995 → 2; 2,415 → 2,5 (shown rounded: 3); 10,08 → 20; 1,05 → 2; 63 → 100."""
    svg = ET.fromstring(courbe(["janv. 18"], valeurs, None, "t"))
    axe = [t.text for t in svg.iter(f"{SVG}text") if t.attrib.get("text-anchor") == "end"]
    assert axe[-1] == sommet
    assert not [ln for ln in svg.iter(f"{SVG}line") if ln.attrib["stroke"] == ORANGE]  # no capacity: no line


def test_a_long_curve_labels_one_month_in_two_and_an_empty_one_draws_no_line() -> None:
    etiquettes = [f"m{i}" for i in range(24)]
    svg = ET.fromstring(courbe(etiquettes, [1.0] * 24, 2.0, "t"))
    mois = [t.text for t in svg.iter(f"{SVG}text") if t.attrib.get("text-anchor") == "middle"]
    assert mois == [f"m{i}" for i in range(0, 24, 2)]
    assert len(_points(svg)) == 24
    # up to 23 months, each is labelled (one in n // 12 + 1 from 24)
    dix_huit = ET.fromstring(courbe(etiquettes[:18], [1.0] * 18, None, "t"))
    assert [
        t.text for t in dix_huit.iter(f"{SVG}text") if t.attrib.get("text-anchor") == "middle"
    ] == etiquettes[:18]
    vide = ET.fromstring(courbe([], [], None, "rien"))
    assert not list(vide.iter(f"{SVG}polyline")) and not list(vide.iter(f"{SVG}circle"))


def test_a_dispositif_without_label_is_named_by_its_id_and_shows_its_own_exits() -> None:
    from dataclasses import replace

    from bilan_a_la_main import INDICATEURS_TOTAL

    total = replace(INDICATEURS_TOTAL, sorties_par_motif={"cdi": 8})
    _, body = _page(replace(bilan_2018(), total=total, libelles={"alpha": ALPHA}))
    plan = _plan(body)
    assert ("h2", "beta") in plan and ("h2", BETA) not in plan
    (rythme,) = [p for p in plan if p[0] == "barres" and str(p[1]).startswith("Respect du rythme")]
    assert [barre[0] for barre in rythme[2]] == [ALPHA, "beta"]  # type: ignore[attr-defined]
    tables = [p[2] for p in plan if p[0] == "table" and p[1] == SORTIES_HEADER]
    assert tables == [[["CDI", "8", "100,0 %"], ["Total", "8", "100,0 %"]], SORTIES]


def test_a_chart_of_no_bar_is_an_empty_grid() -> None:
    (div,) = _arbre(barres([], "Rien")).tous("div")
    assert (div.classe(), div.attrs["aria-label"], div.enfants) == ("barres", "Rien", [])


def test_the_key_figures_are_grouped_as_cards() -> None:
    _, body = _page(bilan_2018())
    groupes = [d for d in body.tous("div") if d.classe() == "cartes"]
    assert len(groupes) == 3  # the whole, alpha, beta
    for groupe in groupes:
        cartes = [e for e in groupe.enfants if isinstance(e, Noeud)]
        assert [c.classe() for c in cartes] == ["carte"] * 6


def test_the_curve_names_the_months_of_autumn() -> None:
    from dataclasses import replace

    from bilan_a_la_main import INDICATEURS_BETA

    mois = {"2018-10": 1.0, "2018-11": 2.0, "2018-12": 3.0}
    beta = replace(INDICATEURS_BETA, occupation=replace(INDICATEURS_BETA.occupation, par_mois=mois))
    _, body = _page(replace(bilan_printemps(), par_dispositif={"beta": beta}))
    (courbe,) = [p for p in _plan(body) if p[0] == "courbe"]
    assert courbe[2] == ["oct. 18", "nov. 18", "déc. 18"]


def test_the_curve_stays_inside_its_frame_and_labels_the_capacity_above_its_line() -> None:
    svg = ET.fromstring(courbe(["janv. 18", "févr. 18"], [3.0, 4.0], 5.0, "Alpha"))
    largeur, hauteur = (float(v) for v in svg.attrib["viewBox"].split()[2:])
    axe_x, _, capacite = list(svg.iter(f"{SVG}line"))
    # the x-axis and the capacity line span the same width, inside the frame
    assert (capacite.attrib["x1"], capacite.attrib["x2"]) == (axe_x.attrib["x1"], axe_x.attrib["x2"])
    assert float(axe_x.attrib["x2"]) < largeur
    for t in svg.iter(f"{SVG}text"):
        assert 0 < float(t.attrib["x"]) < largeur and 0 < float(t.attrib["y"]) < hauteur, t.text
    (places,) = [t for t in svg.iter(f"{SVG}text") if t.attrib.get("fill") == ORANGE]
    assert float(places.attrib["y"]) < float(capacite.attrib["y1"])  # above its line
    assert float(places.attrib["x"]) <= float(capacite.attrib["x2"])  # ends where the line ends
    bas = float(axe_x.attrib["y1"])
    mois = [t for t in svg.iter(f"{SVG}text") if t.attrib.get("text-anchor") == "middle"]
    assert all(bas < float(t.attrib["y"]) < hauteur for t in mois)


def test_the_page_carries_its_print_layout() -> None:
    page, _ = _page(bilan_2018())
    (head,) = _arbre(page).tous("head")
    (style,) = head.tous("style")
    css = style.texte()
    # each dispositif on a new page when printed; the bar charts as a grid
    assert "section.dispositif { break-before: page; page-break-before: always; }" in css
    assert ".barres { display: grid;" in css and "@page { size: A4;" in css
