"""Exact values at the edges: places and load, deadlines on their due day, renewal bounds,
duplicate ids, batch counters and dated replay.

Each expected value is worked out by hand in the comments (dates with tests/mois_a_la_main.py's
rule: a month later is the same day, or the month's last day), not read from the engine. These
tests pin what the mutation campaign found loose (docs/invariants.md, "Mutation testing").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from parcours.engine import Engine, JsonlJournal, SqliteJournal, open_journal
from parcours.engine.capacity import Charge
from parcours.engine.deadlines import Echeance, echeance
from parcours.engine.engine import Lot, Resultat
from parcours.engine.events import Event
from parcours.engine.idempotency import connue
from parcours.errors import JournalError, TransitionError, UsageError
from parcours.policies import Policy, load_policy

Ev = Callable[..., dict[str, Any]]

BORNES = """\
departement: Test
libelle: Bornes
dispositifs:
  d:
    libelle: Deux places, deux ETP, sans portefeuille
    etapes: [demarrage, bilan, sortie]
    capacite: {places: 2, etp: 2, si_complet: attente}
    duree: {cer: 3 mois, renouvellements_max: 2, maximum: 8 mois}
    rythme_entretiens: {intervalle_max: 1 mois}
  court:
    libelle: Un CER plus long que la durée maximale
    etapes: [demarrage, bilan, sortie]
    duree: {cer: 6 mois, maximum: 4 mois}
    rythme_entretiens: {intervalle_max: 1 mois}
"""


@pytest.fixture
def bornes(tmp_path: Path) -> Policy:
    (tmp_path / "bornes.yaml").write_text(BORNES, encoding="utf-8")
    return load_policy(str(tmp_path / "bornes.yaml"))


def _echeances(engine: Engine, au: date, **kw: Any) -> list[Echeance]:
    return engine.echeances(au, **kw)


# --- places and load ----------------------------------------------------------------------


def test_the_load_is_the_open_accompaniments_per_etp_and_no_rate_without_a_portfolio(
    bornes: Policy, ev: Ev
) -> None:
    engine = Engine(bornes)
    for ident in ("a", "b", "c"):  # two places: c waits
        engine.apply(ev(ident, "2018-03-01", "demarrage", dispositif="d"))
    charge = engine.charge("d", date(2018, 3, 2))
    # 2 open over 2 ETP = 1 per ETP; no portefeuille_par_etp: no rate
    assert charge == Charge("d", date(2018, 3, 2), 2, 1, 2, 2, None, 1.0, None)
    assert charge.to_dict() == {
        "dispositif": "d",
        "au": "2018-03-02",
        "occupes": 2,
        "en_attente": 1,
        "places": 2,
        "etp": 2,
        "portefeuille_par_etp": None,
        "par_etp": 1.0,
        "taux_portefeuille": None,
    }
    engine.apply(ev("a", "2018-03-05", "sortie", motif="autre"))  # c takes a's place
    assert engine.charge("d", date(2018, 3, 5)).par_etp == 1.0
    engine.apply(ev("b", "2018-03-06", "sortie", motif="autre"))
    assert (engine.charge("d", date(2018, 3, 6)).occupes, engine.charge("d", date(2018, 3, 6)).par_etp) == (
        1,
        0.5,
    )


def test_no_etp_no_load(engine: Engine, ev: Ev) -> None:
    engine.apply(ev("s", "2018-03-01", "demarrage", dispositif="social"))
    charge = engine.charge("social", date(2018, 3, 1))
    assert (charge.dispositif, charge.occupes, charge.places, charge.etp, charge.par_etp) == (
        "social",
        1,
        2,
        None,
        None,
    )
    assert charge.taux_portefeuille is None


def test_leaving_the_waiting_list_from_its_middle_or_its_end(engine: Engine, ev: Ev) -> None:
    for i in range(3):  # 3 places in 2018
        engine.apply(ev(f"o{i}", "2018-01-10", "demarrage", dispositif="global"))
    for ident in ("w0", "w1", "w2", "w3"):
        engine.apply(ev(ident, "2018-01-11", "demarrage", dispositif="global"))
    engine.apply(ev("w3", "2018-01-12", "sortie", motif="abandon"))  # the end of the list
    engine.apply(ev("w1", "2018-01-12", "sortie", motif="abandon"))  # its middle
    assert engine.attente("global") == ["w0", "w2"]
    assert engine.dossier("w1").fin == date(2018, 1, 12)
    engine.apply(ev("o0", "2018-02-01", "sortie", motif="cdi"))
    engine.apply(ev("o1", "2018-02-01", "sortie", motif="cdi"))
    assert [engine.dossier(w).debut for w in ("w0", "w2")] == [date(2018, 2, 1)] * 2
    assert engine.attente("global") == [] and engine.etat_dispositif("global").occupes == 3
    assert engine.dossier("o0").fin == date(2018, 2, 1)


# --- deadlines on their due day -------------------------------------------------------------


def test_a_deadline_due_on_the_day_asked_is_listed_and_not_late(engine: Engine, ev: Ev) -> None:
    engine.apply(ev("a", "2017-01-10", "demarrage", dispositif="global"))  # interview due + 15 days
    due = Echeance(date(2017, 1, 25), "entretien", "global", "a", False)
    assert _echeances(engine, date(2017, 1, 24)) == []  # horizon 0 by default: due tomorrow
    assert _echeances(engine, date(2017, 1, 25)) == [due]
    assert _echeances(engine, date(2017, 1, 20), horizon=5) == [due]  # on au + horizon
    assert _echeances(engine, date(2017, 1, 20), horizon=4) == []
    assert _echeances(engine, date(2017, 1, 26)) == [
        Echeance(date(2017, 1, 25), "entretien", "global", "a", True)
    ]
    assert due.to_dict() == {
        "date": "2017-01-25",
        "nature": "entretien",
        "dispositif": "global",
        "dossier": "a",
        "en_retard": False,
    }


def test_a_later_deadline_does_not_hide_the_next_kinds(engine: Engine, ev: Ev) -> None:
    engine.apply(ev("a", "2017-01-10", "demarrage", dispositif="global"))
    engine.apply(ev("a", "2017-07-05", "entretien"))  # next one 2017-08-05, CER ends 2017-07-10
    assert _echeances(engine, date(2017, 7, 11)) == [
        Echeance(date(2017, 7, 10), "fin_cer", "global", "a", True)
    ]


def test_in_bilan_the_interview_and_the_maximum_stay_pending_not_the_cer(engine: Engine, ev: Ev) -> None:
    engine.apply(ev("a", "2017-01-10", "demarrage", dispositif="global"))  # maximum 2017-10-10
    engine.apply(ev("a", "2017-07-05", "entretien"))  # next one due 2017-08-05
    engine.apply(ev("a", "2017-07-10", "bilan"))
    assert _echeances(engine, date(2017, 10, 10)) == [
        Echeance(date(2017, 8, 5), "entretien", "global", "a", True),
        Echeance(date(2017, 10, 10), "duree_maximum", "global", "a", False),
    ]


def test_a_closed_dossier_has_no_deadline_but_its_veille(engine: Engine, ev: Ev) -> None:
    for ident in ("a", "b", "c"):
        engine.apply(ev(ident, "2017-01-10", "demarrage", dispositif="global"))
    engine.apply(ev("a", "2017-03-31", "sortie", motif="abandon"))
    engine.apply(ev("b", "2017-03-31", "reorientation", vers="ailleurs"))
    engine.apply(ev("c", "2017-03-31", "sortie", motif="cdi"))  # veille until 2017-09-30
    veille = Echeance(date(2017, 9, 30), "fin_veille", "global", "c", False)
    assert _echeances(engine, date(2017, 4, 1), horizon=365) == [veille]  # no fin_convention either
    assert _echeances(engine, date(2017, 9, 30)) == [veille]  # on its last day
    assert _echeances(engine, date(2017, 10, 1), horizon=365) == []


def test_the_end_of_the_convention_on_its_day(engine: Engine, ev: Ev) -> None:
    engine.apply(ev("a", "2018-06-01", "demarrage", dispositif="global"))  # convention ends 2018-12-31

    def fins(au: date, horizon: int = 0) -> list[Echeance]:
        return [e for e in _echeances(engine, au, horizon=horizon) if e.nature == "fin_convention"]

    assert fins(date(2018, 12, 1), 29) == []
    assert fins(date(2018, 12, 1), 30) == [
        Echeance(date(2018, 12, 31), "fin_convention", "global", None, False)
    ]
    assert fins(date(2018, 12, 31)) == [Echeance(date(2018, 12, 31), "fin_convention", "global", None, False)]
    assert fins(date(2019, 1, 1)) == [Echeance(date(2018, 12, 31), "fin_convention", "global", None, True)]


# --- renewal bounds -------------------------------------------------------------------------


def test_renewals_count_up_to_their_maximum_and_the_cer_stops_at_the_maximum(bornes: Policy, ev: Ev) -> None:
    engine = Engine(bornes)
    engine.apply(ev("a", "2018-01-31", "demarrage", dispositif="d"))
    a = engine.dossier("a")
    # CER 3 months: 2018-04-30 (no 31 April); maximum 8 months: 2018-09-30
    assert (a.renouvellements, a.fin_cer, a.fin_max, a.manques) == (
        0,
        date(2018, 4, 30),
        date(2018, 9, 30),
        0,
    )
    engine.apply(ev("a", "2018-04-30", "bilan"))  # on the CER's last day: not late
    assert a.manques == 0
    engine.apply(ev("a", "2018-04-30", "renouvellement"))
    assert (a.renouvellements, a.fin_cer) == (1, date(2018, 7, 30))
    engine.apply(ev("a", "2018-07-31", "bilan"))  # one day late
    engine.apply(ev("a", "2018-07-31", "renouvellement"))  # 2018-10-31 cut at the maximum
    assert (a.renouvellements, a.fin_cer, a.manques) == (2, date(2018, 9, 30), 1)
    engine.apply(ev("a", "2018-09-01", "bilan"))
    with pytest.raises(TransitionError, match=r"2 renouvellement\(s\) déjà, au plus 2"):
        engine.apply(ev("a", "2018-09-02", "renouvellement"))
    assert a.renouvellements == 2


def test_a_renewal_on_the_maximum_day_is_refused_the_day_before_accepted(bornes: Policy, ev: Ev) -> None:
    engine = Engine(bornes)
    for ident in ("e", "f"):
        engine.apply(ev(ident, "2018-01-31", "demarrage", dispositif="d"))  # maximum 2018-09-30
        engine.apply(ev(ident, "2018-09-28", "bilan"))
    with pytest.raises(TransitionError, match="durée maximale atteinte le 30/09/2018"):
        engine.apply(ev("e", "2018-09-30", "renouvellement"))
    engine.apply(ev("f", "2018-09-29", "renouvellement"))
    f = engine.dossier("f")
    assert (f.renouvellements, f.fin_cer) == (1, date(2018, 9, 30))  # 2018-12-29 cut at the maximum


def test_a_cer_longer_than_the_maximum_ends_with_it_from_the_start(bornes: Policy, ev: Ev) -> None:
    engine = Engine(bornes)
    engine.apply(ev("c", "2018-01-31", "demarrage", dispositif="court"))
    # CER 6 months would end 2018-07-31; the maximum, 4 months, ends 2018-05-31
    assert (engine.dossier("c").fin_cer, engine.dossier("c").fin_max) == (
        date(2018, 5, 31),
        date(2018, 5, 31),
    )


def test_missed_interviews_count_beyond_one(engine: Engine, ev: Ev) -> None:
    engine.apply(ev("a", "2017-01-10", "demarrage", dispositif="global"))  # due 2017-01-25
    engine.apply(ev("a", "2017-01-25", "entretien"))  # on the day: not missed; next 2017-02-09
    assert engine.dossier("a").manques == 0
    engine.apply(ev("a", "2017-02-10", "entretien"))  # a day late; next 2017-02-25
    engine.apply(ev("a", "2017-03-01", "entretien"))  # late again
    assert engine.dossier("a").manques == 2


# --- duplicate ids and batches --------------------------------------------------------------


def test_the_packed_index_finds_a_key_only_at_the_start_of_an_entry() -> None:
    """Entries are 8 bytes: a 5-byte print of the key, then the 3-byte print of the content. A
    key's bytes may also occur across two entries or inside a print: those are not the key."""
    c = b"\x07"
    cle = c * 5
    a, p = b"\x01" * 5, b"\x02" * 2 + c  # p ends with c: cle occurs at offset 7, then at 8
    q, r = b"\x03" * 3, b"\x04" * 5
    d = c * 2 + b"\x06" * 3  # a key that starts with c: after a print ending in c*3, cle again
    ids = a + p + cle + q + r + c * 3 + d + b"\x08" * 3
    assert [i for i in range(len(ids)) if ids.startswith(cle, i)] == [7, 8, 21]
    assert connue(ids, cle) == q
    assert connue(ids, a) == p
    assert connue(ids, r) == c * 3
    assert connue(ids, d) == b"\x08" * 3
    assert connue(ids, b"\x05" * 5) is None


def test_a_duplicate_is_acknowledged_with_the_dossier_as_it_is(engine: Engine, ev: Ev) -> None:
    engine.apply(ev("a", "2017-01-10", "demarrage", dispositif="global", id="a1"))
    engine.apply(ev("a", "2017-01-20", "entretien", id="a2"))
    engine.apply(ev("a", "2017-03-01", "sortie", motif="cdi", id="a3"))
    again = engine.apply(ev("a", "2017-01-20", "entretien", id="a2"))
    assert again == Resultat("a", "entretien", "sortie", "sortie", applique=False)
    assert (again.generes, again.alertes, again.annulees) == ((), (), ())
    with pytest.raises(TransitionError, match="id « a2 » déjà appliqué à un autre événement de ce dossier"):
        engine.apply(ev("a", "2017-01-21", "entretien", id="a2"))


def test_a_batch_counts_applied_duplicate_and_generated_events(engine: Engine, ev: Ev) -> None:
    events = [ev(f"o{i}", "2018-01-10", "demarrage", dispositif="global", id=f"o{i}") for i in range(3)]
    events += [ev(f"w{i}", "2018-01-11", "demarrage", dispositif="global", id=f"w{i}") for i in range(2)]
    events += [events[0], events[1]]  # sent again
    events += [
        ev("o0", "2018-02-01", "sortie", motif="cdi", id="s0"),
        ev("o1", "2018-02-02", "sortie", motif="cdi", id="s1"),
    ]
    # 7 applied (3 start, 2 wait, 2 exits), 2 duplicates, 2 démarrages generated (w0 then w1)
    assert engine.apply_many(events) == Lot(7, 2, 2, 0, 0)
    assert engine.apply_many(events) == Lot(0, 9, 0, 0, 0)


class _Lots(JsonlJournal):
    """A JSONL journal that records how many lines each write carries."""

    tailles: list[int]

    def write(self, lignes: Sequence[Any]) -> None:
        self.tailles.append(len(lignes))
        super().write(lignes)


def test_a_batch_is_written_as_soon_as_it_is_full(policy: Policy, ev: Ev, tmp_path: Path) -> None:
    journal = _Lots(tmp_path / "j.jsonl")
    journal.tailles = []
    engine = Engine(policy, journal, batch=2)
    engine.apply_many([ev(f"o{i}", "2018-01-10", "demarrage", dispositif="global") for i in range(5)])
    engine.close()
    assert journal.tailles == [2, 2, 1]  # 3 start, 2 wait: 5 lines by 2


# --- dated replay and journal kinds --------------------------------------------------------


def test_a_dated_replay_keeps_earlier_lines_written_after_later_ones(
    policy: Policy, ev: Ev, tmp_path: Path
) -> None:
    engine = Engine(policy, JsonlJournal(tmp_path / "j.jsonl"))
    engine.apply(ev("a", "2017-03-01", "demarrage", dispositif="global"))
    engine.apply(ev("b", "2017-01-15", "demarrage", dispositif="global"))  # another dossier, earlier
    engine.close()
    replayed = Engine.replay(policy, JsonlJournal(tmp_path / "j.jsonl"), jusqu_au=date(2017, 2, 1))
    assert sorted(replayed.dossiers) == ["b"]
    assert replayed.etat_dispositif("global").occupes == 1


@pytest.mark.parametrize(
    ("nom", "sqlite"),
    [("j.sqlite", True), ("j.sqlite3", True), ("j.db", True), ("j.jsonl", False), ("j.txt", False)],
)
def test_the_journal_kind_follows_the_suffix(tmp_path: Path, nom: str, sqlite: bool) -> None:
    journal = open_journal(tmp_path / nom)
    assert isinstance(journal, SqliteJournal) is sqlite and isinstance(journal, JsonlJournal) is not sqlite
    journal.close()


def test_a_dossier_s_lines_are_found_by_its_id_as_written(tmp_path: Path) -> None:
    """The id is looked for as UTF-8 (not \\u escapes); a line that is not JSON, or that names the
    id in another field, is passed over and the search goes on."""
    lignes = [
        '{"dossier": "Zoé", "date": "2017-01-10", "evenement": "demarrage", "dispositif": "global"}',
        'pas du JSON, mais "Zoé"',
        '{"dossier": "Zo", "date": "2017-01-11", "evenement": "reorientation", "vers": "Zoé"}',
        '{"dossier": "Zoé", "date": "2017-01-20", "evenement": "entretien"}',
    ]
    (tmp_path / "j.jsonl").write_text("\n".join(lignes) + "\n", encoding="utf-8")
    found = JsonlJournal(tmp_path / "j.jsonl").read_dossier("Zoé")
    assert [(x["dossier"], x["evenement"]) for x in found] == [("Zoé", "demarrage"), ("Zoé", "entretien")]
    assert JsonlJournal(tmp_path / "absent.jsonl").read_dossier("Zoé") == []


def test_a_one_byte_journal_is_not_empty(tmp_path: Path) -> None:
    (tmp_path / "j.jsonl").write_bytes(b"\n")
    (tmp_path / "vide.jsonl").write_bytes(b"")
    assert JsonlJournal(tmp_path / "j.jsonl").is_empty() is False
    assert JsonlJournal(tmp_path / "vide.jsonl").is_empty() is True
    assert JsonlJournal(tmp_path / "absent.jsonl").is_empty() is True


# --- what a refusal says, and dates outside the policy ---------------------------------------


def test_a_refused_renewal_names_its_event_and_what_the_step_allows(bornes: Policy, ev: Ev) -> None:
    engine = Engine(bornes)
    engine.apply(ev("a", "2018-01-31", "demarrage", dispositif="d"))  # maximum 2018-09-30
    engine.apply(ev("a", "2018-09-28", "bilan"))
    with pytest.raises(
        TransitionError, match=r"dossier a \(d, étape « bilan »\) : renouvellement refusé"
    ) as err:
        engine.apply(ev("a", "2018-09-30", "renouvellement"))
    assert (err.value.dossier, err.value.etape, err.value.evenement) == ("a", "bilan", "renouvellement")
    # what the machine of d (démarrage, bilan, sortie) allows from bilan, the guard aside
    assert err.value.autorises == ("entretien", "cer_signe", "renouvellement", "sortie")


def test_a_veille_point_says_whether_the_person_has_a_job(engine: Engine, ev: Ev) -> None:
    engine.apply(ev("a", "2017-01-10", "demarrage", dispositif="global"))
    engine.apply(ev("a", "2017-03-31", "sortie", motif="cdi"))  # veille until 2017-09-30
    with pytest.raises(TransitionError, match=r"« emploi » manque \(attendu : true ou false\)") as err:
        engine.apply(ev("a", "2017-05-01", "veille"))
    assert (err.value.evenement, err.value.etape) == ("veille", "sortie")
    assert "veille" in err.value.autorises
    engine.apply(ev("a", "2017-05-01", "veille", emploi=True))
    assert engine.dossier("a").veille_emploi is True
    engine.apply(ev("a", "2017-06-01", "veille", emploi=False))
    assert engine.dossier("a").veille_emploi is False


def _journal(tmp_path: Path, *lignes: str) -> Path:
    (tmp_path / "j.jsonl").write_text("".join(x + "\n" for x in lignes), encoding="utf-8")
    return tmp_path / "j.jsonl"


def test_a_journaled_wait_with_a_free_place_is_refused_on_replay(bornes: Policy, tmp_path: Path) -> None:
    chemin = _journal(
        tmp_path, '{"dossier": "a", "date": "2018-03-01", "evenement": "attente", "dispositif": "d"}'
    )
    with pytest.raises(JournalError, match=r"mise en attente alors qu'une place est libre \(0/2\)"):
        Engine.replay(bornes, chemin)
    # a dispositif without places has no waiting list in its machine
    chemin = _journal(
        tmp_path, '{"dossier": "a", "date": "2018-03-01", "evenement": "attente", "dispositif": "court"}'
    )
    with pytest.raises(JournalError, match=r"« attente » n'est pas permis ici \(permis : demarrage\)"):
        Engine.replay(bornes, chemin)


def test_a_batch_error_names_the_position_and_id_of_the_refused_event(engine: Engine, ev: Ev) -> None:
    lot = [
        Event.from_dict(ev("a", "2017-01-10", "demarrage", dispositif="global", id="a1")),
        Event.from_dict(ev("a", "2017-01-20", "entretien", id="a2")),
        Event.from_dict(ev("a", "2017-01-30", "renouvellement", id="a3")),  # before any bilan
    ]
    with pytest.raises(TransitionError, match=r"^événement n° 3 du lot \(id « a3 »\) : dossier a ") as err:
        engine.apply_many(lot)
    assert err.value.evenement == "renouvellement"
    assert engine.dossier("a").dernier_entretien == date(2017, 1, 20)  # the two before are applied


def test_before_the_convention_nothing_is_in_force(engine: Engine, ev: Ev) -> None:
    engine.apply(ev("a", "2017-01-10", "demarrage", dispositif="global"))
    avant = date(2016, 6, 1)  # the convention starts 2017-01-01
    charge = engine.charge("global", avant)
    assert (charge.places, charge.etp, charge.portefeuille_par_etp, charge.par_etp) == (
        None,
        None,
        None,
        None,
    )
    assert charge.occupes == 1
    assert [e.nature for e in _echeances(engine, avant, horizon=30)] == []


def test_deadlines_of_one_day_are_sorted_convention_first_then_by_dossier(engine: Engine, ev: Ev) -> None:
    engine.apply(ev("A", "2018-03-31", "demarrage", dispositif="global"))  # maximum: 2018-12-31
    engine.apply(ev("b", "2018-03-31", "demarrage", dispositif="global"))
    jour = date(2018, 12, 31)
    assert [(e.dossier, e.nature) for e in _echeances(engine, jour) if e.date == jour] == [
        (None, "fin_convention"),
        ("A", "duree_maximum"),
        ("b", "duree_maximum"),
    ]


def test_an_unknown_deadline_kind_says_which_exist(engine: Engine, ev: Ev) -> None:
    engine.apply(ev("a", "2017-01-10", "demarrage", dispositif="global"))
    attendu = "entretien, fin_cer, duree_maximum, fin_veille, fin_convention ou delai_<étape>"
    with pytest.raises(
        UsageError, match=re.escape(f"nature d'échéance inconnue : bilan (attendu : {attendu})")
    ):
        echeance(engine.dossier("a"), "bilan", date(2017, 2, 1))


# --- repairing and reading a JSONL journal ------------------------------------------------


def test_repair_cuts_only_the_torn_tail_and_keeps_its_bytes_numbered(tmp_path: Path) -> None:
    chemin = tmp_path / "j.jsonl"
    assert JsonlJournal(chemin).repair() is None  # no file
    chemin.write_bytes(b"")
    assert JsonlJournal(chemin).repair() is None  # empty
    chemin.write_bytes(b'{"a": 1}\n{"b": 2}\n')
    assert JsonlJournal(chemin).repair() is None and chemin.read_bytes() == b'{"a": 1}\n{"b": 2}\n'
    for n, queue in enumerate((b'{"c": 3', b"x", b'{"d"'), 1):
        chemin.write_bytes(b'{"a": 1}\n{"b": 2}\n' + queue)
        cote = JsonlJournal(chemin).repair()
        attendu = tmp_path / ("j.jsonl.tronquee" if n == 1 else f"j.jsonl.tronquee.{n}")
        assert (cote, cote.read_bytes() if cote else None) == (attendu, queue)
        assert chemin.read_bytes() == b'{"a": 1}\n{"b": 2}\n'


@pytest.mark.parametrize("taille", [70_000, 1_200_000])
def test_repair_finds_the_start_of_a_torn_line_longer_than_its_first_read(
    tmp_path: Path, taille: int
) -> None:
    """The tail is read 64 KiB first, then a MiB further back each time."""
    chemin = tmp_path / "j.jsonl"
    queue = b'{"x": "' + b"y" * taille
    chemin.write_bytes(b'{"a": 1}\n' + queue)
    cote = JsonlJournal(chemin).repair()
    assert cote is not None and cote.read_bytes() == queue
    assert chemin.read_bytes() == b'{"a": 1}\n'
    chemin.write_bytes(queue)  # no newline at all: the whole file is the torn line
    cote = JsonlJournal(chemin).repair()
    assert cote is not None and cote.read_bytes() == queue and chemin.read_bytes() == b""


def test_a_bad_line_is_named_by_its_file_and_number(tmp_path: Path) -> None:
    chemin = _journal(tmp_path, '{"dossier": "a"}', "", "pas du JSON")
    with pytest.raises(JournalError, match=r"j\.jsonl:3: ligne invalide : JSON mal formé") as err:
        list(JsonlJournal(chemin).read())
    assert (err.value.fichier, err.value.ligne) == (str(chemin), 3)
    assert err.value.message.startswith("ligne invalide : JSON mal formé")


def test_writing_after_a_torn_line_is_refused_with_the_journal_named(
    policy: Policy, ev: Ev, tmp_path: Path
) -> None:
    chemin = tmp_path / "j.jsonl"
    engine = Engine(policy, JsonlJournal(chemin))  # an empty journal: nothing written yet
    # before the engine's first write, another writer dies in the middle of a line
    chemin.write_bytes(b'{"dossier": "a", "date": "2017-01-10", "evenement": "demarrage", "dispositif": "glo')
    with pytest.raises(JournalError, match=r"la dernière ligne est tronquée \(écriture interrompue\)") as err:
        engine.apply(ev("b", "2017-01-10", "demarrage", dispositif="global"))
    assert err.value.fichier == str(chemin)
    assert "b" not in engine.dossiers and chemin.read_bytes().endswith(b'"glo')


# --- what the guards of démarrage and sortie say --------------------------------------------


def _refus(engine: Engine, event: dict[str, Any]) -> TransitionError:
    with pytest.raises(TransitionError, match=r"^dossier ") as err:
        engine.apply(event)
    return err.value


def test_a_refused_demarrage_or_exit_says_why_with_its_event_and_step(engine: Engine, ev: Ev) -> None:
    engine.apply(ev("p", "2018-12-20", "prescription", dispositif="global"))
    engine.apply(ev("p", "2018-12-21", "diagnostic"))
    ferme = _refus(engine, ev("p", "2019-01-10", "demarrage"))  # the convention ended 2018-12-31
    assert str(ferme).endswith(
        ": démarrage refusé : la convention du dispositif « global » "
        "a pris fin le 31/12/2018 (convention.fin)"
    )
    assert (ferme.evenement, ferme.etape) == ("demarrage", "diagnostic_partage")
    for i in range(2):  # social: 2 places, si_complet: refus
        engine.apply(ev(f"s{i}", "2018-03-01", "demarrage", dispositif="social"))
    plein = _refus(engine, ev("s2", "2018-03-02", "demarrage", dispositif="social"))
    assert str(plein) == (
        "dossier s2 (social, étape « nouveau ») : toutes les places sont prises (2/2) et "
        "la politique refuse les démarrages (si_complet : refus)"
    )
    assert (plein.dossier, plein.evenement, plein.autorises) == (
        "s2",
        "demarrage",
        ("prescription", "demarrage"),
    )
    engine.apply(ev("g", "2018-03-01", "demarrage", dispositif="global"))
    sans = _refus(engine, ev("g", "2018-03-05", "sortie"))
    assert (
        str(sans) == "dossier g (global, étape « demarrage ») : motif manquant (motifs_sortie : abandon, cdi)"
    )
    inconnu = _refus(engine, ev("g", "2018-03-05", "sortie", motif="xyz"))
    assert str(inconnu).endswith(": motif de sortie « xyz » inconnu (motifs_sortie : abandon, cdi)")
    assert (inconnu.evenement, inconnu.etape) == ("sortie", "demarrage") and "sortie" in inconnu.autorises
    libre = _refus(engine, ev("s0", "2018-03-05", "sortie"))
    assert str(libre).endswith(": motif manquant (motifs_sortie : libre)")


def test_a_journal_that_gives_a_place_twice_is_refused_on_replay(policy: Policy, tmp_path: Path) -> None:
    lignes = [
        f'{{"dossier": "s{i}", "date": "2018-03-01", "evenement": "demarrage", "dispositif": "social"}}'
        for i in range(3)
    ]
    with pytest.raises(
        JournalError, match=r"j\.jsonl:3: .*une place ne peut pas être donnée deux fois"
    ) as err:
        Engine.replay(policy, _journal(tmp_path, *lignes))
    assert "toutes les places sont prises (2/2)" in str(err.value)
