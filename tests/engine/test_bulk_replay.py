"""The bulk replay (engine/bulk_replay.py) rebuilds the engine the per-event replay rebuilds.

Each journal is replayed twice, in bulk (the default) and line by line (``en_bloc=False``),
and the two engines are compared field by field, then fed the same next events: a bulk
replay whose deferred parts (idempotency prints, the alert rule state) differ shows there.
"""

from __future__ import annotations

import contextlib
import json
import tempfile
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parcours.engine import Engine, JsonlJournal
from parcours.engine.bulk_replay import rejouer_en_bloc
from parcours.engine.replay import rejouer
from parcours.errors import ParcoursError, UnsafeLineError
from parcours.policies import Policy, load_policy, load_policy_text
from parcours.testing.events import flux_plausible
from parcours.testing.policies import politiques_valides

_LENT = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _rejoue(policy: Policy, chemin: Path, en_bloc: bool, **options: Any) -> Engine:
    engine = Engine(policy)
    rejouer(engine, JsonlJournal(chemin), en_bloc=en_bloc, **options)
    return engine


def _etat(engine: Engine) -> dict[str, Any]:
    """Everything a replay rebuilds, as plain values."""
    policy = engine.policy
    return {
        "dossiers": {k: d.champs() for k, d in engine.dossiers.items()},
        "attente": {d: engine.attente(d) for d in policy.dispositifs},
        "occupes": {d: engine.etat_dispositif(d).occupes for d in policy.dispositifs},
        "ecartees": [(e.numero, e.message) for e in engine.lignes_ecartees],
        "alertes": [(a.date, a.dossier, a.regle, a.niveau, a.annulee) for a in engine.alertes()],
        "horloge": engine.clock,
        "avertissements": [str(a) for a in engine.avertissements],
    }


def _suite(engine: Engine, evenements: list[dict[str, Any]]) -> list[Any]:
    """What the engine answers to more events (refusals included) and the alerts it raises."""
    reponses: list[Any] = []
    for ev in evenements:
        try:
            r = engine.apply(ev)
        except ParcoursError as exc:
            reponses.append(str(exc))
        else:
            reponses.append((r.avant, r.apres, r.applique, [(a.regle, a.date) for a in r.alertes]))
    if evenements:
        fin = date.fromisoformat(evenements[-1]["date"][:10]) + timedelta(days=400)
        reponses.append([(a.dossier, a.regle, a.date) for a in engine.advance(fin)])
    return reponses


def _compare(policy: Policy, chemin: Path, suite: list[dict[str, Any]], **options: Any) -> None:
    en_bloc, ligne = _rejoue(policy, chemin, True, **options), _rejoue(policy, chemin, False, **options)
    assert _etat(en_bloc) == _etat(ligne)
    assert _suite(en_bloc, suite) == _suite(ligne, suite)
    assert _etat(en_bloc) == _etat(ligne)


def _journal(policy: Policy, chemin: Path, evenements: list[dict[str, Any]]) -> None:
    live = Engine(policy, JsonlJournal(chemin))
    for ev in evenements:
        with contextlib.suppress(ParcoursError):
            live.apply(ev)
    live.advance(date.fromisoformat(evenements[-1]["date"][:10]) if evenements else date(2018, 1, 1))
    live.close()


def _coupe(
    evenements: list[dict[str, Any]], part: float
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    n = int(len(evenements) * part)
    return evenements[:n], evenements[n:]


@pytest.fixture(scope="module")
def moselle() -> Policy:
    return load_policy("moselle")


@_LENT
@given(data=st.data(), part=st.sampled_from((0.5, 0.8, 1.0)))
def test_plausible_streams_replay_alike_under_moselle_and_its_alerts(
    moselle: Policy, data: st.DataObject, part: float
) -> None:
    journal, suite = _coupe(data.draw(flux_plausible(moselle, 12)), part)
    with tempfile.TemporaryDirectory() as dossier:
        chemin = Path(dossier) / "j.jsonl"
        _journal(moselle, chemin, journal)
        if chemin.exists():
            _compare(moselle, chemin, suite[:30])


def _politique(cas: Any) -> Policy:
    return load_policy_text(cas.texte)


@_LENT
@given(politiques_valides().flatmap(lambda c: st.tuples(st.just(c), flux_plausible(_politique(c)))))
def test_random_policies_and_streams_replay_alike(case: Any) -> None:
    cas, evenements = case
    policy = _politique(cas)
    journal, suite = _coupe(evenements, 0.7)
    with tempfile.TemporaryDirectory() as dossier:
        chemin = Path(dossier) / "j.jsonl"
        _journal(policy, chemin, journal)
        if chemin.exists():
            _compare(policy, chemin, suite[:20])


_DESORDRE = st.lists(
    st.tuples(
        st.sampled_from(["a", "b", "c", "d", "e"]),
        st.integers(0, 40),
        st.sampled_from(
            [
                *("reperage", "prescription", "diagnostic", "demarrage", "entretien", "bilan"),
                *("cer_signe", "renouvellement", "sortie", "reorientation", "veille"),
            ]
        ),
        st.sampled_from(["global", "social"]),
        st.integers(0, 12),
    ),
    max_size=60,
)


def _evenements_libres(specs: list[Any]) -> list[dict[str, Any]]:
    jour, out = date(2017, 12, 1), []
    for dossier, pas, evenement, dispositif, cle in specs:
        jour += timedelta(days=pas)
        ev = {"dossier": dossier, "date": jour.isoformat(), "evenement": evenement}
        ev.update(dispositif=dispositif, id=f"{dossier}-{cle}")
        if evenement == "sortie":
            ev["motif"] = "cdi" if cle % 2 else "abandon"
        out.append(ev)
    return out


@_LENT
@given(specs=_DESORDRE)
def test_refused_and_duplicate_lines_set_aside_alike(policy: Policy, specs: list[Any]) -> None:
    """Lines written by a careless writer (refused, duplicates, conflicting ids), replayed
    with ``ecarter``: the same lines set aside, with the same reasons, the same state."""
    evenements = _evenements_libres(specs)
    with tempfile.TemporaryDirectory() as dossier:
        chemin = Path(dossier) / "j.jsonl"
        chemin.write_text("".join(json.dumps(e) + "\n" for e in evenements), encoding="utf-8")
        _compare(policy, chemin, _evenements_libres(specs[::-1])[:15], ecarter=True)
        _compare(policy, chemin, [], tolerant=True)


def _places(policy: Policy, chemin: Path, n: int) -> None:
    """``n`` dossiers starting in a dispositif of 3 places with a waiting list, some leaving:
    journaled by the live engine (which serves the waiting list)."""
    live = Engine(policy, JsonlJournal(chemin))
    jour = date(2018, 1, 2)
    for i in range(n):
        evenements = [("prescription", f"p{i}"), ("demarrage", f"p{i}")]
        if i % 3 == 2:
            evenements.append(("sortie", f"p{i // 3}"))
        for evenement, d in evenements:
            ev = {"dossier": d, "date": jour.isoformat(), "evenement": evenement, "dispositif": "petit"}
            if evenement == "sortie":
                ev["motif"] = "fin"
            with contextlib.suppress(ParcoursError):
                live.apply(ev)
        jour += timedelta(days=1)
    live.close()


_PETIT = """
departement: Petit
libelle: Petit
dispositifs:
  petit:
    libelle: Petit
    etapes: [prescription, demarrage, sortie]
    capacite: {places: 3, si_complet: attente}
    duree: {cer: 6 mois}
    motifs_sortie: {fin: {libelle: Fin, categorie: autre, positive: false}}
"""


def test_waiting_lists_and_places_replay_alike(tmp_path: Path) -> None:
    policy = load_policy_text(_PETIT)
    chemin = tmp_path / "j.jsonl"
    _places(policy, chemin, 12)
    assert _rejoue(policy, chemin, True).attente("petit")  # the journal has a waiting list
    _compare(
        policy,
        chemin,
        [
            {"dossier": "q", "date": "2018-03-01", "evenement": "prescription", "dispositif": "petit"},
            {"dossier": "q", "date": "2018-03-01", "evenement": "demarrage"},
            {"dossier": "p0", "date": "2018-03-02", "evenement": "sortie", "motif": "fin"},
        ],
    )


def _texte(evenements: list[dict[str, Any]]) -> str:
    return "".join(json.dumps(e) + "\n" for e in evenements)


@pytest.mark.parametrize(
    "abime",
    [
        lambda t: t + '{"dossier": "a", "date": "2018-0',  # torn last line
        lambda t: t.replace("\n", "\n\n", 1),  # a blank line
        lambda t: t + "pas du json\n",  # not JSON
        lambda t: t + '{"dossier": "a", "date": "2018-13-45", "evenement": "bilan"}\n',  # no such day
        lambda t: t + '{"dossier": "zz", "date": "2018-02-01", "evenement": "bilan"}\n',  # unknown dossier
        lambda t: t + '{"dossier": "a", "date": "2018-02-01", "evenement": "saut"}\n',  # unknown event
        lambda t: t + '{"dossier": "a", "date": "2018-02-01", "evenement": "bilan", "x": 1}\n',  # unknown key
    ],
    ids=["dechiree", "blanche", "pas-json", "jour", "inconnu", "evenement", "cle"],
)
def test_damaged_journals_replay_alike(policy: Policy, tmp_path: Path, parcours: Any, abime: Any) -> None:
    chemin = tmp_path / "j.jsonl"
    chemin.write_text(abime(_texte(parcours("a") + parcours("b"))), encoding="utf-8")
    for options in ({"ecarter": True}, {"tolerant": True}, {"ecarter": True, "jusqu_au": date(2017, 6, 1)}):
        _compare(policy, chemin, parcours("c"), **options)


def test_damaged_journal_raises_the_same_error(policy: Policy, tmp_path: Path, parcours: Any) -> None:
    chemin = tmp_path / "j.jsonl"
    chemin.write_text(
        _texte(parcours("a")) + '{"dossier": "zz", "date": "2018-02-01", "evenement": "bilan"}\n'
    )
    messages = []
    for en_bloc in (True, False):
        with pytest.raises(ParcoursError, match=r"j\.jsonl:13: dossier zz inconnu") as exc:
            _rejoue(policy, chemin, en_bloc)
        messages.append(str(exc.value))
    assert messages[0] == messages[1]


@_LENT
@given(data=st.data())
def test_a_plain_journal_is_replayed_in_bulk(moselle: Policy, data: st.DataObject) -> None:
    """A journal the engine wrote is replayed by the bulk path, not the per-event fallback
    (a silent fallback would make the bulk replay useless)."""
    evenements = data.draw(flux_plausible(moselle, 12).filter(bool))
    with tempfile.TemporaryDirectory() as dossier:
        chemin = Path(dossier) / "j.jsonl"
        _journal(moselle, chemin, evenements)
        engine = Engine(moselle)
        assert rejouer_en_bloc(engine, JsonlJournal(chemin), None, False) is not None
        assert set(engine.dossiers) == {e["dossier"] for e in evenements}


def test_the_engine_s_own_journal_is_replayed_in_bulk(policy: Policy, tmp_path: Path, parcours: Any) -> None:
    chemin = tmp_path / "j.jsonl"
    _journal(policy, chemin, sorted(parcours("a") + parcours("b"), key=lambda e: e["date"]))
    engine = Engine(policy)
    assert rejouer_en_bloc(engine, JsonlJournal(chemin), None, False) is not None
    assert engine.dossier("a").state == "sortie"


def test_an_engine_that_goes_on_writing_with_alert_rules_replays_line_by_line(
    moselle: Policy, tmp_path: Path
) -> None:
    """Its next event needs the rule state, which a bulk replay would rebuild line by line."""
    chemin = tmp_path / "j.jsonl"
    dispositif = next(iter(moselle.dispositifs))
    _journal(
        moselle,
        chemin,
        [{"dossier": "a", "date": "2018-03-05", "evenement": "demarrage", "dispositif": dispositif}],
    )
    assert chemin.exists()
    assert Engine.replay(moselle, chemin).rejoue_en_bloc
    suite = Engine.replay(moselle, chemin, continuer=True)
    assert not suite.rejoue_en_bloc
    suite.close()


def test_an_engine_that_goes_on_writing_without_alert_rules_replays_in_bulk(
    policy: Policy, tmp_path: Path, parcours: Any
) -> None:
    chemin = tmp_path / "j.jsonl"
    _journal(policy, chemin, parcours("a")[:6])
    suite = Engine.replay(policy, chemin, continuer=True)
    assert suite.rejoue_en_bloc
    suite.apply_many(parcours("a")[6:])
    suite.close()
    assert _etat(_rejoue(policy, chemin, True)) == _etat(_rejoue(policy, chemin, False))
    assert _rejoue(policy, chemin, False).dossier("a").state == "sortie"


def test_a_key_that_is_not_utf8_stops_both_replays_at_its_line(
    policy: Policy, tmp_path: Path, parcours: Any
) -> None:
    # Bytes that are not UTF-8 are an unsafe line (parcours.limits): never set aside, the
    # replay stops at its number, whichever path reads it.
    chemin = tmp_path / "j.jsonl"
    texte = _texte(parcours("a")).encode("utf-8")
    chemin.write_bytes(texte + b'{"\xffossier": "b", "date": "2018-01-01", "evenement": "bilan"}\n')
    for en_bloc in (True, False):
        with pytest.raises(UnsafeLineError, match=r"j\.jsonl:13: octet 0xff invalide"):
            _rejoue(policy, chemin, en_bloc, ecarter=True)


@pytest.mark.parametrize(
    ("dossier", "message"),
    [
        ('"b\\u001bc"', r"contient le caractère de contrôle U\+001B"),
        ('"' + "b" * 300 + '"', r"« dossier » trop long \(300 caractères"),
    ],
    ids=["controle", "trop_long"],
)
def test_an_unsafe_identifier_stops_both_replays_at_its_line(
    policy: Policy, tmp_path: Path, parcours: Any, dossier: str, message: str
) -> None:
    # The columns read such an identifier without complaint: the bulk path must still hand it
    # to the format's reader, which stops the replay there, as the per-event path does.
    chemin = tmp_path / "j.jsonl"
    ligne = '{"dossier": ' + dossier + ', "date": "2018-01-01", "evenement": "reperage"}\n'
    chemin.write_text(_texte(parcours("a")) + ligne, encoding="utf-8")
    for en_bloc in (True, False):
        with pytest.raises(UnsafeLineError, match=message) as info:
            _rejoue(policy, chemin, en_bloc, ecarter=True)
        assert info.value.ligne == 13
