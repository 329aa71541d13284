"""Steps, refusals and idempotency."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from parcours.engine import Engine, Event
from parcours.errors import JournalError, TransitionError
from parcours.policies import Policy

Ev = Callable[..., dict[str, Any]]
Parcours = Callable[..., list[dict[str, Any]]]


def test_a_whole_parcours_moves_through_every_step(engine: Engine, ev: Ev, parcours: Parcours) -> None:
    etapes = [engine.apply(e).apres for e in parcours()]
    assert etapes == [
        "reperage", "prescription", "diagnostic_partage", "demarrage", "demarrage", "demarrage",
        "demarrage", "bilan", "demarrage", "demarrage", "bilan", "sortie",
    ]  # fmt: skip
    dossier = engine.dossier("a")
    assert (dossier.renouvellements, dossier.absences, dossier.motif) == (1, 1, "cdi")
    assert dossier.profil == {"sexe": "F"}


def test_an_export_may_start_at_demarrage(engine: Engine, ev: Ev) -> None:
    result = engine.apply(ev("b", "2017-03-01", "demarrage", dispositif="global"))
    assert (result.avant, result.apres) == ("nouveau", "demarrage")


def test_a_step_the_dispositif_leaves_out_is_not_an_event_of_it(engine: Engine, ev: Ev) -> None:
    with pytest.raises(
        TransitionError,
        match=r"^dossier s \(social, étape « nouveau »\) : « reperage » n'est pas permis ici "
        r"\(permis : prescription, demarrage\)$",
    ) as info:
        engine.apply(ev("s", "2017-03-01", "reperage", dispositif="social"))
    assert info.value.autorises == ("prescription", "demarrage")


def test_wrong_step_names_the_step_and_the_allowed_events(engine: Engine, ev: Ev) -> None:
    engine.apply(ev("a", "2017-01-02", "reperage", dispositif="global"))
    with pytest.raises(
        TransitionError,
        match=r"^dossier a \(global, étape « reperage »\) : « bilan » n'est pas permis ici "
        r"\(permis : prescription, sortie, reorientation\)$",
    ) as info:
        engine.apply(ev("a", "2017-01-03", "bilan"))
    err = info.value
    assert (err.dossier, err.etape, err.evenement) == ("a", "reperage", "bilan")
    assert err.autorises == ("prescription", "sortie", "reorientation")
    assert "étape « reperage »" in str(err) and "permis : prescription, sortie, reorientation" in str(err)


def test_a_refused_event_changes_nothing(engine: Engine, ev: Ev, parcours: Parcours) -> None:
    for e in parcours()[:4]:
        engine.apply(e)
    before = engine.dossier("a").champs()
    with pytest.raises(
        TransitionError,
        match=r"« renouvellement » n'est pas permis ici \(permis : entretien, cer_signe, "
        r"bilan, sortie, reorientation\)$",
    ):
        engine.apply(ev("a", "2017-02-01", "renouvellement", id="x"))
    with pytest.raises(
        TransitionError,
        match=r"motif de sortie « inconnu » inconnu \(motifs_sortie : abandon, cdi\)$",
    ):
        engine.apply(ev("a", "2017-02-01", "sortie", motif="inconnu", id="y"))
    assert engine.dossier("a").champs() == before


def test_an_event_dated_before_the_last_one_is_refused(engine: Engine, ev: Ev) -> None:
    engine.apply(ev("a", "2017-01-10", "demarrage", dispositif="global"))
    engine.apply(ev("a", "2017-01-20", "entretien"))
    with pytest.raises(TransitionError, match="antérieur au dernier événement du dossier \\(20/01/2017\\)"):
        engine.apply(ev("a", "2017-01-19", "entretien"))
    engine.apply(ev("a", "2017-01-20", "cer_signe"))  # the same day is fine


def test_a_duplicate_id_is_acknowledged_once(engine: Engine, ev: Ev) -> None:
    first = engine.apply(ev("a", "2017-01-10", "demarrage", dispositif="global", id="k1"))
    engine.apply(ev("a", "2017-01-20", "entretien", id="k2"))
    again = engine.apply(ev("a", "2017-01-10", "demarrage", dispositif="global", id="k1"))
    assert first.applique and not again.applique
    assert engine.etat_dispositif("global").occupes == 1
    assert engine.dossier("a").dernier_entretien == date(2017, 1, 20)
    lot = engine.apply_many([ev("a", "2017-01-20", "entretien", id="k2"), ev("a", "2017-01-25", "entretien")])
    assert (lot.appliques, lot.doublons) == (1, 1)


def test_the_same_id_in_another_dossier_is_another_event(engine: Engine, ev: Ev) -> None:
    engine.apply(ev("a", "2017-01-10", "demarrage", dispositif="global", id="k1"))
    assert engine.apply(ev("b", "2017-01-10", "demarrage", dispositif="global", id="k1")).applique


def test_renewals_are_bounded_by_the_policy(engine: Engine, ev: Ev, parcours: Parcours) -> None:
    events = parcours()[:11]
    engine.apply_many(events)
    with pytest.raises(TransitionError, match="au plus 1"):
        engine.apply(ev("a", "2017-10-10", "renouvellement"))


def test_no_renewal_once_the_maximum_duration_is_reached(engine: Engine, ev: Ev) -> None:
    engine.apply(ev("a", "2017-01-10", "demarrage", dispositif="global"))
    engine.apply(ev("a", "2017-10-10", "bilan"))
    with pytest.raises(TransitionError, match="durée maximale atteinte le 10/10/2017"):
        engine.apply(ev("a", "2017-10-10", "renouvellement"))


def test_a_renewal_period_is_cut_at_the_maximum_duration(engine: Engine, ev: Ev, parcours: Parcours) -> None:
    engine.apply_many(parcours()[:9])
    assert engine.dossier("a").fin_cer == date(2017, 10, 10)  # not 2018-01-10: 9 months at most


def test_first_event_needs_a_known_dispositif(engine: Engine, ev: Ev) -> None:
    with pytest.raises(TransitionError, match="doit indiquer son dispositif"):
        engine.apply(ev("a", "2017-01-10", "demarrage"))
    with pytest.raises(TransitionError, match="dispositif « autre » inconnu"):
        engine.apply(ev("a", "2017-01-10", "demarrage", dispositif="autre"))
    assert engine.dossiers == {}


def test_a_dossier_stays_in_its_dispositif(engine: Engine, ev: Ev) -> None:
    engine.apply(ev("a", "2017-01-10", "demarrage", dispositif="global"))
    with pytest.raises(TransitionError, match="suivi dans « global », pas « social »"):
        engine.apply(ev("a", "2017-01-11", "entretien", dispositif="social"))


def test_finals_are_absorbing(engine: Engine, ev: Ev) -> None:
    engine.apply(ev("a", "2017-01-10", "demarrage", dispositif="global"))
    engine.apply(ev("a", "2017-01-11", "reorientation", vers="social"))
    with pytest.raises(TransitionError, match="aucun \\(étape finale\\)"):
        engine.apply(ev("a", "2017-01-12", "entretien"))
    assert engine.dossier("a").vers == "social"


@pytest.mark.parametrize(
    ("event", "message"),
    [
        ({"dossier": "a", "date": "2017-01-10", "evenement": "demarrer"}, "événement « demarrer » inconnu"),
        ({"dossier": "a", "date": "10/01/2017", "evenement": "demarrage"}, "date « 10/01/2017 » invalide"),
        ({"dossier": "a", "date": "2017-13-10", "evenement": "demarrage"}, "date « 2017-13-10 » invalide"),
        ({"date": "2017-01-10", "evenement": "demarrage"}, "« dossier » manque"),
        ({"dossier": "a", "date": "2017-01-10", "evenement": "demarrage", "x": 1}, "clé « x » inconnue"),
        (
            {"dossier": "a", "date": "2017-01-10", "evenement": "entretien", "presence": "oui"},
            "presence « oui »",
        ),
        ({"dossier": "a", "date": "2017-01-10", "evenement": "attente"}, "événement « attente » inconnu"),
        ({"dossier": "a", "date": "2017-01-10", "evenement": "demarrage", "genere": True}, "réservé"),
    ],
)
def test_malformed_events_are_journal_errors(engine: Engine, event: dict[str, object], message: str) -> None:
    with pytest.raises(JournalError, match=message):
        engine.apply(event)
    assert engine.dossiers == {}


def test_a_datetime_is_truncated_and_a_typed_event_accepted(engine: Engine) -> None:
    engine.apply(
        {"dossier": "a", "date": "2017-01-10T09:30:00", "evenement": "demarrage", "dispositif": "global"}
    )
    engine.apply(Event("a", date(2017, 1, 11), "entretien", presence="present"))
    assert engine.dossier("a").derniere == date(2017, 1, 11)
    typed = Event.from_dict({"dossier": "a", "date": "2017-01-11", "evenement": "entretien"})
    assert typed.to_dict() == {"dossier": "a", "date": "2017-01-11", "evenement": "entretien"}


def test_an_event_is_judged_by_the_values_in_force_on_its_date(policy: Policy, ev: Ev) -> None:
    engine = Engine(policy)
    # 4 places in 2017, 3 from 2018-01-01
    for i in range(3):
        engine.apply(ev(f"d{i}", "2017-06-01", "demarrage", dispositif="global"))
    assert engine.apply(ev("x", "2017-12-31", "demarrage", dispositif="global")).apres == "demarrage"
    engine.apply(ev("d0", "2017-12-31", "sortie", motif="abandon"))
    assert engine.apply(ev("y", "2018-01-02", "demarrage", dispositif="global")).apres == "attente"


def test_an_event_before_the_dispositif_opens_is_refused(engine: Engine, ev: Ev) -> None:
    refus = r"événement du 31/12/2016 refusé : le dispositif « global » ouvre le 01/01/2017"
    with pytest.raises(TransitionError, match=refus):
        engine.apply(ev("a", "2016-12-31", "demarrage", dispositif="global"))
    assert engine.dossiers == {}
