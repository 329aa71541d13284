"""French figures at their edges, by hand: negative values, a negative that rounds to zero,
decimals kept or added, thousands within decimals, shares and rates with their decimals."""

from __future__ import annotations

from datetime import date

import pytest

from parcours._french import format_date, format_nombre, format_part, format_taux

NN = "\u202f"  # the narrow no-break space between thousands


@pytest.mark.parametrize(
    ("valeur", "decimales", "attendu"),
    [
        (-1234.56, 1, f"-1{NN}234,6"),
        (-0.04, 1, "0,0"),  # rounds to zero: no minus sign
        (-0.05, 1, "-0,1"),  # half-up rounds away from zero
        (1000, 2, f"1{NN}000,00"),
        (999.96, 1, f"1{NN}000,0"),
        (12.5, 0, "13"),
        (7, 0, "7"),
        (1234567.891, 2, f"1{NN}234{NN}567,89"),
    ],
)
def test_numbers(valeur: float, decimales: int, attendu: str) -> None:
    assert format_nombre(valeur, decimales) == attendu


@pytest.mark.parametrize(
    ("numerateur", "denominateur", "decimales", "attendu"),
    [
        (1, 3, 1, "33,3 %"),
        (2, 3, 1, "66,7 %"),
        (2, 3, 0, "67 %"),
        (1, 8, 2, "12,50 %"),
        (30, 20, 1, "150,0 %"),
    ],
)
def test_shares(numerateur: int, denominateur: int, decimales: int, attendu: str) -> None:
    assert format_part(numerateur, denominateur, decimales) == attendu


@pytest.mark.parametrize(
    ("valeur", "decimales", "attendu"),
    [
        (-0.0125, 1, "-1,3 %"),
        (0.15, 0, "15 %"),
        (12.345, 1, f"1{NN}234,5 %"),
        (None, 1, "–"),
        (0.0, 2, "0,00 %"),
    ],
)
def test_rates(valeur: float | None, decimales: int, attendu: str) -> None:
    assert format_taux(valeur, decimales) == attendu


def test_dates_keep_their_leading_zeros() -> None:
    assert format_date(date(2018, 1, 9)) == "09/01/2018"
