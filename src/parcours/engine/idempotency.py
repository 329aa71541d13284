"""Idempotency keys: each applied event's ``id`` kept on its dossier in 8 bytes.

For each applied event with an ``id``, a dossier keeps the print of the key (5 bytes) and
the print of the event's content (:func:`~parcours.engine.events.contenu`, 3 bytes), 8 bytes
in one ``bytes``: a key already kept with the same content is the same event (acknowledged,
not applied again), with another content a conflict. The prints are cut from Python's
``hash`` (per process). Two of a dossier's n keys share a print with odds of about n²/2^41
(20 keys: once in 5·10^9 dossiers; the later event is then taken for a duplicate or a
conflict), and a conflict goes unseen when the two contents share a print as well (once in
2^24 conflicts): 8 bytes rather than 16 per event halve what idempotency costs a dossier.

A bulk replay leaves each dossier's prints to be computed the first time they are read
(:class:`EmpreintesDifferees`): nothing during the replay needs them.
"""

from __future__ import annotations

import struct
from collections.abc import Callable, Mapping
from typing import Any

from parcours.engine.events import contenu

__all__ = ["EmpreintesDifferees", "connue", "empreinte_cle", "empreinte_contenu"]

_HUIT = struct.Struct("<q")


_CLE = 5  # bytes of a key's print; the content's takes the rest of the 8
_PAS = 8


def empreinte_cle(cle: str) -> bytes:
    """The print of an idempotency key (5 bytes)."""
    return _HUIT.pack(hash(cle))[:_CLE]


def empreinte_contenu(event: Mapping[str, Any]) -> bytes:
    """The print of what an ``id`` stands for (events.contenu; 3 bytes)."""
    return _HUIT.pack(hash(contenu(event)))[_CLE:]


def connue(ids: bytes, cle: bytes) -> bytes | None:
    """The content print kept with key print ``cle`` in ``ids`` (None: the key is new)."""
    index = ids.find(cle)
    while index != -1:
        if index % _PAS == 0:
            return ids[index + _CLE : index + _PAS]
        index = ids.find(cle, index + 1)
    return None


class EmpreintesDifferees:
    """A dossier's prints, computed when first read: ``evenements(debut, fin)`` gives its
    applied events with an ``id``, in order, as the dicts the replay would have read."""

    __slots__ = ("debut", "evenements", "fin")

    def __init__(self, evenements: Callable[[int, int], list[dict[str, Any]]], debut: int, fin: int) -> None:
        self.evenements = evenements
        self.debut = debut
        self.fin = fin

    def materialiser(self) -> bytes:
        pack = _HUIT.pack
        return b"".join(
            pack(hash(e["id"]))[:_CLE] + pack(hash(contenu(e)))[_CLE:]
            for e in self.evenements(self.debut, self.fin)
        )
