"""Idempotency keys: each applied event's ``id`` kept on its dossier as two 8-byte prints.

For each applied event with an ``id``, a dossier keeps the print of the key and the print of
the event's content (:func:`~parcours.engine.events.contenu`), 16 bytes in one ``bytes``: a
key already kept with the same content is the same event (acknowledged, not applied again),
with another content a conflict. The prints are Python's ``hash`` (64 bits, per process).

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


def empreinte_cle(cle: str) -> bytes:
    """The print of an idempotency key."""
    return _HUIT.pack(hash(cle))


def empreinte_contenu(event: Mapping[str, Any]) -> bytes:
    """The print of what an ``id`` stands for (events.contenu)."""
    return _HUIT.pack(hash(contenu(event)))


def connue(ids: bytes, cle: bytes) -> bytes | None:
    """The content print kept with key print ``cle`` in ``ids`` (None: the key is new)."""
    index = ids.find(cle)
    while index != -1:
        if index % 16 == 0:
            return ids[index + 8 : index + 16]
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
            pack(hash(e["id"])) + pack(hash(contenu(e))) for e in self.evenements(self.debut, self.fin)
        )
