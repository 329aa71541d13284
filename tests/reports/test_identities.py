"""Identities every bilan obeys, on random valid journals (Hypothesis)."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reports_builders import policy_002

from parcours.reports import bilan, read_journal

POLICY = policy_002()
DISPOSITIFS = list(POLICY.dispositifs)
MOTIFS = list(POLICY.dispositifs["dom"].motifs_sortie)
ORIGIN = date(2017, 1, 1)


@st.composite
def journals(draw: st.DrawFn) -> list[dict[str, object]]:
    events: list[dict[str, object]] = []
    for i in range(draw(st.integers(0, 25))):
        dossier = f"d{i}"
        disp = draw(st.sampled_from(DISPOSITIFS))
        day = draw(st.integers(0, 900))
        events.append(
            {
                "dossier": dossier,
                "date": str(ORIGIN + timedelta(day)),
                "evenement": "prescription",
                "dispositif": disp,
                "profil": {"sexe": draw(st.sampled_from("FH"))},
            }
        )
        if not draw(st.booleans()):
            continue
        day += draw(st.integers(0, 60))
        events.append({"dossier": dossier, "date": str(ORIGIN + timedelta(day)), "evenement": "demarrage"})
        for _ in range(draw(st.integers(0, 6))):
            day += draw(st.integers(0, 50))
            presence = draw(st.sampled_from(["present", "absent"]))
            events.append(
                {
                    "dossier": dossier,
                    "date": str(ORIGIN + timedelta(day)),
                    "evenement": "entretien",
                    "presence": presence,
                }
            )
        end = draw(st.sampled_from(["open", "sortie", "reorientation"]))
        day += draw(st.integers(0, 200))
        if end == "sortie":
            events.append(
                {
                    "dossier": dossier,
                    "date": str(ORIGIN + timedelta(day)),
                    "evenement": "sortie",
                    "motif": draw(st.sampled_from(MOTIFS)),
                }
            )
        elif end == "reorientation":
            events.append(
                {"dossier": dossier, "date": str(ORIGIN + timedelta(day)), "evenement": "reorientation"}
            )
    return events


def _rates(d: dict[str, object]) -> list[object]:
    occ = d["occupation"]
    ryt = d["rythme"]
    assert isinstance(occ, dict) and isinstance(ryt, dict)
    return [d["taux_sorties_positives"], d["taux_mobilisation"], ryt["taux_respect"]]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(events=journals(), start=st.integers(0, 1000), length=st.integers(1, 500), cut=st.integers(0, 499))
def test_identities(events: list[dict[str, object]], start: int, length: int, cut: int) -> None:
    journal = read_journal(events, POLICY)
    assert journal.lignes_ignorees == 0
    du = ORIGIN + timedelta(start)
    au = du + timedelta(length - 1)
    whole = bilan(journal, POLICY, du=du, au=au)
    d = whole.to_dict()
    for part in [d, *d["par_dispositif"].values()]:
        assert part["accompagnees"] == part["sorties"] + part["encore_suivies_au_31_12"]
        assert sum(part["sorties_par_motif"].values()) == part["sorties"]
        assert sum(part["sorties_par_categorie"].values()) == part["sorties"]
        assert part["sorties_positives"] <= part["sorties"]
        for rate in _rates(part):
            assert rate is None or 0 <= rate <= 1
        for count in part["repartition"].get("sexe", {}).values():
            assert 0 < count <= part["accompagnees"]
        assert part["rythme"]["echeances_tenues"] <= part["rythme"]["echeances_dues"]
    for key in ("accompagnees", "sorties", "encore_suivies_au_31_12", "entrees"):
        assert d[key] == sum(p[key] for p in d["par_dispositif"].values())
    # a period split in two agrees with the whole
    if length >= 2:
        mid = du + timedelta(cut % (length - 1))
        first = bilan(journal, POLICY, du=du, au=mid).to_dict()
        second = bilan(journal, POLICY, du=mid + timedelta(1), au=au).to_dict()
        assert d["sorties"] == first["sorties"] + second["sorties"]
        assert d["entrees"] == first["entrees"] + second["entrees"]
        assert d["encore_suivies_au_31_12"] == second["encore_suivies_au_31_12"]
        assert (
            d["accompagnees"]
            == first["accompagnees"] + second["accompagnees"] - first["encore_suivies_au_31_12"]
        )
        assert (
            d["rythme"]["echeances_dues"]
            == first["rythme"]["echeances_dues"] + second["rythme"]["echeances_dues"]
        )
        assert (
            d["occupation"]["jours_accompagnement"]
            == first["occupation"]["jours_accompagnement"] + second["occupation"]["jours_accompagnement"]
        )
        for motif, n in d["sorties_par_motif"].items():
            assert n == first["sorties_par_motif"].get(motif, 0) + second["sorties_par_motif"].get(motif, 0)
