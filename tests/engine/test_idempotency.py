"""Idempotency prints (engine/idempotency.py): 8 bytes per applied ``id``, read at their place."""

from __future__ import annotations

from parcours.engine.idempotency import connue, empreinte_cle, empreinte_contenu

_EV = {"dossier": "a", "date": "2018-01-02", "evenement": "entretien", "presence": "present"}


def test_a_key_kept_gives_back_its_content_print() -> None:
    ids = b"".join(empreinte_cle(k) + empreinte_contenu({**_EV, "id": k}) for k in ("x", "y", "z"))
    assert len(ids) == 24
    assert connue(ids, empreinte_cle("y")) == empreinte_contenu({**_EV, "id": "y"})
    assert connue(ids, empreinte_cle("w")) is None


def test_the_content_print_ignores_free_keys_and_the_time_of_day() -> None:
    libre = {**_EV, "date": "2018-01-02T10:00:00", "details": {"note": "x"}, "acteur": None}
    assert empreinte_contenu(libre) == empreinte_contenu(_EV)
    assert empreinte_contenu({**_EV, "presence": "absent"}) != empreinte_contenu(_EV)


def test_a_key_print_found_astride_two_entries_is_not_a_key() -> None:
    cle = empreinte_cle("k")
    # the key's 5 bytes laid across the end of one entry and the start of the next
    ids = b"\x00" * 6 + cle + b"\x00" * 5
    assert len(ids) == 16 and ids.find(cle) == 6
    assert connue(ids, cle) is None
    assert connue(ids + cle + b"abc", cle) == b"abc"
