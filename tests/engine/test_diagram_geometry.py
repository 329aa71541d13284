"""The SVG diagram's geometry checked by an oracle written here, from the drawing's own
rules: every box and label on the canvas, boxes that do not overlap, every state's name
centred in its box, every arrow leaving its source's border (the entry's dot, the frame of
the parcours under way) and ending on its target's border, the steps under way inside the
frame and the finals outside. The other SVG tests check what is drawn; these check where.
"""

from __future__ import annotations

import itertools
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass

import pytest

from parcours.engine.diagram import schema_dispositif
from parcours.engine.diagram_svg import en_svg
from parcours.policies import load_policy

SVG = "{http://www.w3.org/2000/svg}"
TOL = 0.6  # coordinates are written with one decimal
_COMMANDE = re.compile(r"([MLHV])\s*([-\d.]+)(?:,([-\d.]+))?")


@dataclass(frozen=True)
class Boite:
    x: float
    y: float
    w: float
    h: float

    def contient(self, x: float, y: float) -> bool:
        return self.x - TOL <= x <= self.x + self.w + TOL and self.y - TOL <= y <= self.y + self.h + TOL

    def au_bord(self, x: float, y: float) -> bool:
        if not self.contient(x, y):
            return False
        return (
            min(abs(x - self.x), abs(x - self.x - self.w), abs(y - self.y), abs(y - self.y - self.h)) <= TOL
        )

    def interieur(self, x: float, y: float) -> bool:
        return self.x + TOL < x < self.x + self.w - TOL and self.y + TOL < y < self.y + self.h - TOL

    def dans(self, autre: Boite) -> bool:
        return autre.contient(self.x, self.y) and autre.contient(self.x + self.w, self.y + self.h)

    def chevauche(self, autre: Boite) -> bool:
        return not (
            self.x + self.w <= autre.x
            or autre.x + autre.w <= self.x
            or self.y + self.h <= autre.y
            or autre.y + autre.h <= self.y
        )


def _boite(rect: ET.Element) -> Boite:
    return Boite(*(float(rect.get(k, "nan")) for k in ("x", "y", "width", "height")))


def _points(d: str) -> list[tuple[float, float]]:
    """The corners of a path of M, L, H and V commands (absolute)."""
    points: list[tuple[float, float]] = []
    x = y = 0.0
    for commande, a, b in _COMMANDE.findall(d):
        if commande in "ML":
            x, y = float(a), float(b)
        elif commande == "H":
            x = float(a)
        else:
            y = float(a)
        points.append((x, y))
    return points


CAS = [
    ("tests/engine/politique_test.yaml", "global"),
    ("tests/engine/politique_test.yaml", "social"),
    ("moselle", "accompagnement_social"),
    ("moselle", "accompagnement_global"),
    ("seine_saint_denis", "accompagnement_social"),
]


@pytest.mark.parametrize(("politique", "dispositif"), CAS)
def test_boxes_labels_and_arrows_are_where_the_drawing_says(politique: str, dispositif: str) -> None:
    s = schema_dispositif(load_policy(politique), dispositif)
    root = ET.fromstring(en_svg(s, "t"))
    largeur, hauteur = float(root.get("width", "0")), float(root.get("height", "0"))
    assert root.get("viewBox") == f"0 0 {root.get('width')} {root.get('height')}"
    (groupe,) = [g for g in root.findall(f"{SVG}g") if g.get("transform")]
    dx, dy = map(
        float, re.fullmatch(r"translate\(([-\d.]+),([-\d.]+)\)", groupe.get("transform", "")).groups()
    )  # type: ignore[union-attr]
    assert (dx, dy) == (0.0, 0.0) or dx > 0
    toile = Boite(-dx, -dy, largeur, hauteur)

    boites: dict[str, Boite] = {}
    for g in groupe.iter(f"{SVG}g"):
        if g.get("class") != "etat":
            continue
        rect = g.find(f"{SVG}rect")
        assert rect is not None
        b = boites[g.get("data-etat", "")] = _boite(rect)
        assert b.dans(toile)
        nom, *notes = g.findall(f"{SVG}text")
        assert float(nom.get("x", "nan")) == pytest.approx(b.x + b.w / 2, abs=TOL)
        assert nom.get("text-anchor") == "middle"
        for texte in (nom, *notes):
            assert b.contient(float(texte.get("x", "nan")), float(texte.get("y", "nan")))
    assert set(boites) == {e.ident for e in s.etats if not e.initial}
    noms = sorted(boites)
    for i, a in enumerate(noms):
        for b in noms[i + 1 :]:
            assert not boites[a].chevauche(boites[b]), (a, b)

    (cadre_rect,) = [r for r in groupe.findall(f"{SVG}rect") if r.get("class") == "cadre"]
    cadre = _boite(cadre_rect)
    assert cadre.dans(toile)
    for ident, b in boites.items():
        assert b.dans(cadre) == (ident in s.en_cours()), ident
    (point,) = groupe.findall(f"{SVG}circle")
    cx, cy, r = (float(point.get(k, "nan")) for k in ("cx", "cy", "r"))
    assert not cadre.contient(cx, cy)

    for g in groupe.iter(f"{SVG}g"):
        if g.get("class") != "transition":
            continue
        path = g.find(f"{SVG}path")
        assert path is not None
        points = _points(path.get("d", ""))
        assert len(points) >= 2
        for x, y in points:
            assert toile.contient(x, y), (g.attrib, x, y)
        (x0, y0), (x1, y1) = points[0], points[-1]
        source, dest = g.get("data-source", ""), g.get("data-dest", "")
        assert boites[dest].au_bord(x1, y1), (g.attrib, x1, y1)
        if source == "nouveau":
            assert abs(((x0 - cx) ** 2 + (y0 - cy) ** 2) ** 0.5 - r) <= TOL, (g.attrib, x0, y0)
            # and it leaves the dot: its first segment heads away from the centre
            assert (points[1][0] - x0) * (x0 - cx) + (points[1][1] - y0) * (y0 - cy) > 0, g.attrib
        elif source == "en_cours":
            assert cadre.au_bord(x0, y0), (g.attrib, x0, y0)
        else:
            assert boites[source].au_bord(x0, y0), (g.attrib, x0, y0)
        for (xa, ya), (xb, yb) in itertools.pairwise(points):  # no arrow crosses a box
            for k in range(1, 10):
                x, y = xa + (xb - xa) * k / 10, ya + (yb - ya) * k / 10
                assert not any(b.interieur(x, y) for b in boites.values()), (g.attrib, x, y)
        for texte in g.findall(f"{SVG}text"):
            tx, ty = float(texte.get("x", "nan")), float(texte.get("y", "nan"))
            assert toile.contient(tx, ty)
            assert {t.get("x") for t in texte.findall(f"{SVG}tspan")} == {texte.get("x")}

    legendes = {"".join(t.itertext()): t for t in groupe.findall(f"{SVG}text")}
    en_cours = legendes["parcours en cours"]
    assert cadre.contient(float(en_cours.get("x", "nan")), float(en_cours.get("y", "nan")))
    entree = legendes["Entrée du dossier"]
    assert float(entree.get("x", "nan")) > cx and abs(float(entree.get("y", "nan")) - cy) <= 8
