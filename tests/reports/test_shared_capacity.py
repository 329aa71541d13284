"""Shared capacities (``capacites_communes``): occupancy of several dispositifs against one quota."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from parcours import load_policy
from parcours.policies import load_policy_text
from parcours.reports import bilan
from parcours.reports.render import render

POLICY = load_policy_text(
    """
departement: "57"
libelle: Test
capacites_communes:
  quota:
    libelle: Quota du service
    dispositifs: [social, global]
    places: {2018-01-01: 4, 2018-07-01: 2}
dispositifs:
  social:
    libelle: Social
    etapes: [demarrage, sortie]
    motifs_sortie:
      fin: {libelle: Fin, categorie: fin, positive: false}
  global:
    libelle: Global
    etapes: [demarrage, sortie]
    capacite: {places: 3}
    motifs_sortie:
      fin: {libelle: Fin, categorie: fin, positive: false}
  autre:
    libelle: Hors quota
    etapes: [demarrage, sortie]
    motifs_sortie:
      fin: {libelle: Fin, categorie: fin, positive: false}
""",
    "quota.yaml",
)

EVENTS = [
    {"dossier": "a", "date": "2018-01-01", "evenement": "demarrage", "dispositif": "social"},
    {"dossier": "a", "date": "2018-01-10", "evenement": "sortie", "motif": "fin"},
    {"dossier": "b", "date": "2018-01-05", "evenement": "demarrage", "dispositif": "global"},
    {"dossier": "c", "date": "2018-03-01", "evenement": "demarrage", "dispositif": "autre"},
]


def test_shared_capacity_counts_its_dispositifs_against_its_own_places() -> None:
    d = bilan(EVENTS, POLICY, annee=2018).to_dict()
    quota = d["capacites_communes"]["quota"]
    assert quota["libelle"] == "Quota du service"
    assert quota["dispositifs"] == ["social", "global"]
    occ = quota["occupation"]
    # a: 1 to 10 January (10 days); b: 5 January to 31 December (361 days); c is not in the quota.
    assert occ["jours"] == 365
    assert occ["jours_accompagnement"] == 10 + 361
    # 4 places from 1 January to 30 June (181 days), 2 places from 1 July (184 days).
    assert occ["places"] == (4 * 181 + 2 * 184) / 365
    assert abs(occ["taux_occupation"] - 371 / (4 * 181 + 2 * 184)) < 1e-12
    assert occ["par_mois"]["2018-01"] == (10 + 27) / 31
    assert occ["etp"] is None


def test_shared_capacity_is_left_out_when_the_bilan_covers_a_part_of_it() -> None:
    assert bilan(EVENTS, POLICY, annee=2018, dispositif="social").to_dict()["capacites_communes"] == {}
    assert bilan(EVENTS, POLICY, annee=2018, dispositif="autre").to_dict()["capacites_communes"] == {}


def test_shared_capacity_appears_in_every_rendering() -> None:
    b = bilan(EVENTS, POLICY, annee=2018)
    md = render(b, "markdown")
    assert "## Capacités partagées entre dispositifs" in md
    row = next(line for line in md.splitlines() if line.startswith("| Quota du service"))
    assert "Social, Global" in row
    assert "Capacités partagées entre dispositifs" in render(b, "html")
    rows = list(csv.DictReader(io.StringIO(render(b, "csv"))))
    shared = {r["modalite"]: r["valeur"] for r in rows if r["dispositif"] == "quota"}
    assert shared["jours_accompagnement"] == "371"
    assert all(
        r["indicateur"].startswith("capacite_commune.occupation") for r in rows if r["dispositif"] == "quota"
    )


@st.composite
def _events(draw: st.DrawFn) -> list[dict[str, object]]:
    events: list[dict[str, object]] = []
    for i in range(draw(st.integers(0, 12))):
        start = date(2017, 6, 1) + timedelta(days=draw(st.integers(0, 700)))
        events.append(
            {
                "dossier": f"d{i}",
                "date": start.isoformat(),
                "evenement": "demarrage",
                "dispositif": draw(st.sampled_from(("social", "global", "autre"))),
            }
        )
        if draw(st.booleans()):
            end = start + timedelta(days=draw(st.integers(0, 400)))
            events.append(
                {"dossier": f"d{i}", "date": end.isoformat(), "evenement": "sortie", "motif": "fin"}
            )
    return events


@given(_events(), st.integers(2017, 2019))
def test_shared_occupancy_is_the_sum_of_its_dispositifs(events: list[dict[str, object]], annee: int) -> None:
    d = bilan(events, POLICY, annee=annee).to_dict()
    occ = d["capacites_communes"]["quota"]["occupation"]
    parts = [d["par_dispositif"][i]["occupation"] for i in ("social", "global")]
    assert occ["jours_accompagnement"] == sum(p["jours_accompagnement"] for p in parts)
    for mois, valeur in occ["par_mois"].items():
        assert abs(valeur - sum(p["par_mois"][mois] for p in parts)) < 1e-9


def test_moselle_quota_is_reported_with_the_places_in_force() -> None:
    policy = load_policy("moselle")
    events = [
        {
            "dossier": "s",
            "date": "2018-01-01",
            "evenement": "prescription",
            "dispositif": "accompagnement_social",
        },
        {"dossier": "s", "date": "2018-01-01", "evenement": "demarrage"},
    ]
    quota = bilan(events, policy, annee=2018).to_dict()["capacites_communes"]["sasi_social_et_global"]
    assert quota["occupation"]["places"] == 3800  # « 3800 en 2018 », seed 000
    assert quota["occupation"]["jours_accompagnement"] == 365
