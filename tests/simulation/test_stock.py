"""The initial stock, the warm-up, the first CER period's hazard, the veille point, the queue
judged in blocks: what the cohort model says is what the kernel draws."""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
import pytest

from parcours.errors import PolicyError
from parcours.policies import Policy
from parcours.policies.cohort import Cohorte
from parcours.simulation import _queue, simulate, variant
from parcours.simulation._calendar import jour
from parcours.simulation.simulation import prepare, run

DU, AU = date(2017, 1, 1), date(2018, 12, 31)


def _avec(cohorte: Cohorte, ident: str, **blocs: Any) -> Cohorte:
    """The test cohort with some blocks of one dispositif replaced (plain written forms)."""
    data = cohorte.model_dump()
    for cle, valeur in blocs.items():
        data["dispositifs"][ident][cle] = valeur
    return Cohorte.model_validate(data)


def _p(valeur: Any, debut: date | None = None) -> dict[str, Any]:
    return {"versions": [{"debut": debut, "valeur": valeur}]}


def _sans_sortie(cohorte: Cohorte, ident: str) -> dict[str, Any]:
    sorties = cohorte.model_dump()["dispositifs"][ident]["sorties"]
    return {**sorties, "en_cours_de_periode": _p(0.0), "au_bilan": _p(0.0)}


def test_the_stock_is_accompanied_on_the_first_day(politique: Policy, cohorte: Cohorte) -> None:
    """« stock_initial: 20 » on 2017-01-01: 20 people started before and are open that day."""
    model = _avec(cohorte, "flux", stock_initial={"effectif": _p(20.0, date(2017, 1, 1))})
    for seed in range(5):
        sim = simulate(
            politique, model, du=date(2017, 1, 1), au=date(2017, 12, 31), seed=seed, dispositif="flux"
        )
        t = sim.trajectoires["flux"]
        premier = jour(date(2017, 1, 1))
        ouverts = (t.demarrage >= 0) & (t.demarrage < premier) & (t.sortie >= premier)
        assert t.stock == 20 and int(ouverts.sum()) == 20
        assert ouverts[:20].all() and not ouverts[20:].any()
        # no démarrage before the window: 18 months, the CER (6 months) renewed once, else 3 years
        assert (t.demarrage[:20] >= jour(date(2014, 1, 1))).all()
        assert sim.aggregates(du=date(2017, 1, 1), au=date(2017, 1, 1))["accompagnees"] >= 20


def test_a_fraction_of_a_person_is_drawn(politique: Policy, cohorte: Cohorte) -> None:
    model = _avec(cohorte, "flux", stock_initial={"effectif": _p(10.5, date(2017, 1, 1))})
    tailles = [
        simulate(politique, model, du=date(2017, 1, 1), au=date(2017, 3, 31), seed=s, dispositif="flux")
        .trajectoires["flux"]
        .stock
        for s in range(40)
    ]
    assert set(tailles) == {10, 11}


def test_a_later_start_warms_up_from_the_stock_date(politique: Policy, cohorte: Cohorte) -> None:
    """A stock of 12 on 2017-01-01 and nobody leaving of their own: a run from 2017-07-01 starts
    with those 12 and the people who arrived since January, none of whom is counted as a
    démarrage; the only exits are the ends the policy forces (one renewal at most)."""
    model = _avec(
        cohorte,
        "flux",
        stock_initial={"effectif": _p(12.0, date(2017, 1, 1))},
        sorties=_sans_sortie(cohorte, "flux"),
    )
    sim = simulate(politique, model, du=date(2017, 7, 1), au=date(2017, 12, 31), seed=2, dispositif="flux")
    t = sim.trajectoires["flux"]
    assert t.regles.du == jour(date(2017, 1, 1))
    avant = int(((t.demarrage >= 0) & (t.demarrage < jour(date(2017, 7, 1)))).sum())
    assert avant > 12  # the stock, and the warm-up's démarrages
    a = sim.aggregates()
    sortis = (t.sortie >= jour(date(2017, 7, 1))) & (t.sortie <= t.fin)
    assert a["sorties"] == int(sortis.sum()) and (t.force[sortis] > 0).all()
    # accompanied from 2017-07-01: started, and not ended during the warm-up
    sortis_avant = (t.sortie >= 0) & (t.sortie < jour(date(2017, 7, 1)))
    assert a["accompagnees"] == int(((t.demarrage >= 0) & ~sortis_avant).sum())
    assert sim.indicateurs()["demarrages"] == int((t.demarrage >= jour(date(2017, 7, 1))).sum())


def test_with_a_fixed_number_of_arrivals_the_run_starts_empty(politique: Policy, cohorte: Cohorte) -> None:
    model = _avec(cohorte, "flux", stock_initial={"effectif": _p(20.0, date(2017, 1, 1))})
    t = simulate(politique, model, du=date(2017, 1, 1), au=date(2017, 12, 31), dossiers=30, dispositif="flux")
    assert t.trajectoires["flux"].stock == 0 and t.trajectoires["flux"].n == 30


def test_a_stock_before_the_opening_is_refused_at_its_line(
    politique: Policy, cohorte: Cohorte, tmp_path: Any
) -> None:
    data = politique.model_dump()
    data["dispositifs"]["flux"]["convention"] = {"debut": _p(date(2017, 1, 1))}
    ouvre = type(politique).model_validate(data)
    texte = (
        "politique: test\ndispositifs:\n  flux:\n    arrivees: {flux: {a: {par_an: 60}}}\n"
        "    sorties: {en_cours_de_periode: 30 %, au_bilan: 50 %, motifs: {emploi: 30 %, relais: 70 %}}\n"
        "    stock_initial:\n      effectif: {2017-01-01: 10}\n"
    )
    from parcours.policies.cohort import load_cohorte_text

    model = load_cohorte_text(texte, "c.yaml")
    with pytest.raises(PolicyError, match="ouvre le 2017-01-01") as err:
        simulate(ouvre, model, du=date(2017, 1, 1), au=date(2017, 12, 31))
    assert "c.yaml:7" in str(err.value) and "ouvre le 2017-01-01" in str(err.value)


def test_the_first_period_hazard_takes_the_early_leavers(politique: Policy, cohorte: Cohorte) -> None:
    """en_premiere_periode: 100 % and no exit at the bilan: everyone leaves within 6 months."""
    sorties = {**_sans_sortie(cohorte, "flux"), "en_premiere_periode": _p(1.0)}
    model = _avec(cohorte, "flux", sorties=sorties)
    t = simulate(politique, model, du=DU, au=AU, seed=1, dispositif="flux").trajectoires["flux"]
    sortis = (t.demarrage >= 0) & (t.sortie <= t.fin)
    assert sortis.sum() > 50
    assert ((t.sortie - t.demarrage)[sortis] < 184).all() and (t.periodes[sortis] == 0).all()


def test_a_first_period_hazard_equal_to_the_others_changes_nothing(
    politique: Policy, cohorte: Cohorte
) -> None:
    sorties = cohorte.model_dump()["dispositifs"]["flux"]["sorties"]
    meme = _avec(cohorte, "flux", sorties={**sorties, "en_premiere_periode": sorties["en_cours_de_periode"]})
    a = simulate(politique, cohorte, du=DU, au=AU, seed=4, dispositif="flux").trajectoires["flux"]
    b = simulate(politique, meme, du=DU, au=AU, seed=4, dispositif="flux").trajectoires["flux"]
    assert np.array_equal(a.sortie, b.sortie) and np.array_equal(a.periodes, b.periodes)


def test_the_veille_point_says_who_is_in_work(politique: Policy, cohorte: Cohorte) -> None:
    """A veille after every exit; after an « emploi » exit always in work, after another never:
    those in work at the veille point are the exits to a job; the events carry it."""
    data = politique.model_dump()
    data["dispositifs"]["global"]["veille"]["motifs"] = list(data["dispositifs"]["global"]["motifs_sortie"])
    politique = type(politique).model_validate(data)
    model = _avec(
        cohorte,
        "global",
        veille={"en_emploi_apres_sortie_emploi": _p(1.0), "en_emploi_apres_autre_sortie": _p(0.0)},
    )
    sim = simulate(politique, model, du=DU, au=AU, seed=5, dispositif="global")
    t = sim.trajectoires["global"]
    a = sim.aggregates(du=date(2017, 1, 1), au=date(2017, 12, 31))
    emploi = {"cdi", "cdd_plus_6_mois", "cdd_moins_6_mois", "creation_entreprise"}
    sorties_emploi = sum(n for m, n in a["sorties_par_motif"].items() if m in emploi)
    assert a["veille"]["sorties_observees"] == a["sorties"] - a["sorties_par_motif"].get("reorientation", 0)
    assert a["veille"]["en_emploi"] == sorties_emploi
    veilles = [e for e in sim.events() if e["evenement"] == "veille"]
    assert len(veilles) == int(((t.fin_veille >= 0) & (t.fin_veille <= t.fin)).sum())
    assert {e["emploi"] for e in veilles} == {True, False}


@pytest.mark.parametrize(
    ("politique_nom", "du", "au", "dossiers"),
    [
        ("moselle", date(2017, 1, 1), date(2017, 12, 31), 20_000),  # places run out, day after day
        ("meurthe_et_moselle", date(2016, 1, 1), date(2018, 12, 31), None),  # a stock, a full Lunévillois
    ],
)
def test_the_queue_in_blocks_gives_the_day_by_day_dossiers(
    politique_nom: str, du: date, au: date, dossiers: int | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, _, _, _, regles = prepare(politique_nom, None, du, au, stock=dossiers is None)
    blocs = run(regles, dossiers, 11, evenements=False, entretiens=False)
    from parcours.simulation import kernel

    monkeypatch.setattr(kernel, "demarrer", _jour_par_jour(_queue.demarrer))
    jours = run(regles, dossiers, 11, evenements=False, entretiens=False)
    for ident in regles:
        for champ in ("demarrage", "sortie", "refuse", "motif", "periodes", "force"):
            assert np.array_equal(getattr(blocs[ident], champ), getattr(jours[ident], champ)), (ident, champ)
    attentes = [t.demarrage - t.pret for t in blocs.values()]
    assert max(int(a[a >= 0].max(initial=0)) for a in attentes) > 0  # someone waited: the day loop ran


def test_the_queue_in_blocks_refuses_as_day_by_day(
    politique: Policy, cohorte: Cohorte, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = variant(politique, {"dispositifs.flux.capacite.places": 5}).model_dump()
    data["dispositifs"]["flux"]["capacite"]["si_complet"] = "refus"
    refus = type(politique).model_validate(data)
    _, _, _, _, regles = prepare(refus, cohorte, DU, AU, "flux")
    blocs = run(regles, None, 3, evenements=False, entretiens=False)["flux"]
    from parcours.simulation import kernel

    monkeypatch.setattr(kernel, "demarrer", _jour_par_jour(_queue.demarrer))
    jours = run(regles, None, 3, evenements=False, entretiens=False)["flux"]
    assert blocs.refuse.any()
    assert np.array_equal(blocs.refuse, jours.refuse) and np.array_equal(blocs.demarrage, jours.demarrage)


def _jour_par_jour(demarrer: Any) -> Any:
    def un_jour(regles: Any, pret: Any, echelle: Any, fins: Any) -> Any:
        return demarrer(regles, pret, echelle, fins, bloc=1)

    return un_jour
