"""Random streams of a simulation, derived from one ``numpy.random.SeedSequence``.

Each purpose (arrivals, profile, delays, exits, interviews) and each dispositif has its own
stream, keyed by name rather than by order of use: simulating one dispositif or all of them,
or a policy variant that changes the rules, draws the same numbers for the same dossier
(common random numbers). Interviews, whose number per dossier depends on the rules, use a
counter-based generator: the draw for dossier ``i``'s ``k``-th interview is a hash of
(key, i, k), so it does not depend on which other dossiers are still active.
"""

from __future__ import annotations

import zlib

import numpy as np
import numpy.typing as npt

__all__ = ["Aleas", "uniformes_compteur"]

_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_GOLD = np.uint64(0x9E3779B97F4A7C15)


def _enfant(parent: np.random.SeedSequence, nom: str) -> np.random.SeedSequence:
    return np.random.SeedSequence(
        entropy=parent.entropy, spawn_key=(*parent.spawn_key, zlib.crc32(nom.encode("utf-8")))
    )


class Aleas:
    """The named random streams of one run (one ``SeedSequence``)."""

    def __init__(self, graine: np.random.SeedSequence) -> None:
        self.graine = graine

    def sous(self, nom: str) -> Aleas:
        """The streams of a part of the run (a dispositif), independent of the others."""
        return Aleas(_enfant(self.graine, nom))

    def generateur(self, nom: str) -> np.random.Generator:
        return np.random.Generator(np.random.PCG64(_enfant(self.graine, nom)))

    def cle(self, nom: str) -> np.uint64:
        return np.uint64(_enfant(self.graine, nom).generate_state(1, np.uint64)[0])


def uniformes_compteur(cle: np.uint64, dossiers: npt.NDArray[np.int64], tour: int) -> npt.NDArray[np.float64]:
    """Uniforms in [0, 1) that depend only on (cle, dossier, tour): splitmix64 of a counter."""
    with np.errstate(over="ignore"):
        z = dossiers.astype(np.uint64) * _GOLD + np.uint64(tour) * _M2 + cle
        z = (z ^ (z >> np.uint64(30))) * _M1
        z = (z ^ (z >> np.uint64(27))) * _M2
        z = z ^ (z >> np.uint64(31))
    return (z >> np.uint64(11)).astype(np.float64) * (1.0 / 9007199254740992.0)
