"""Text files: parcours reads UTF-8; the byte-order marks say which other encoding a file is in."""

from __future__ import annotations

__all__ = ["encodage_bom"]

_BOMS = (
    (b"\xff\xfe\x00\x00", "UTF-32"),
    (b"\x00\x00\xfe\xff", "UTF-32"),
    (b"\xff\xfe", "UTF-16"),
    (b"\xfe\xff", "UTF-16"),
)


def encodage_bom(debut: bytes) -> str | None:
    """The encoding (UTF-16, UTF-32) whose byte-order mark ``debut`` starts with, else None."""
    return next((nom for bom, nom in _BOMS if debut.startswith(bom)), None)
