"""Hypothesis strategies for parcours, so a département can test its own policies.

Install with the ``testing`` extra (``pip install parcours[testing]``)::

    from hypothesis import given
    from parcours.testing import politiques_valides

    @given(politiques_valides())
    def test_my_invariant(cas):
        policy = cas.charger()
        ...
"""

from parcours.testing.policies import (
    CasInvalide,
    CasPolitique,
    donnees_politique,
    politiques_invalides,
    politiques_valides,
)

__all__ = [
    "CasInvalide",
    "CasPolitique",
    "donnees_politique",
    "politiques_invalides",
    "politiques_valides",
]
