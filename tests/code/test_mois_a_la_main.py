"""The tests' month oracle (tests/mois_a_la_main.py) against dates worked out on a calendar."""

from __future__ import annotations

from datetime import date

import pytest

from mois_a_la_main import bissextile, jour_numero, plus_mois

# (start, months, expected), each read off a calendar.
TABLE = [
    (date(2018, 1, 31), 1, date(2018, 2, 28)),
    (date(2020, 1, 31), 1, date(2020, 2, 29)),
    (date(2020, 2, 29), 12, date(2021, 2, 28)),
    (date(2017, 1, 10), 6, date(2017, 7, 10)),
    (date(2017, 8, 31), 6, date(2018, 2, 28)),
    (date(2017, 3, 31), 9, date(2017, 12, 31)),
    (date(2017, 5, 31), 9, date(2018, 2, 28)),
    (date(2018, 12, 15), 1, date(2019, 1, 15)),
    (date(2021, 10, 31), -1, date(2021, 9, 30)),
    (date(2018, 3, 31), -1, date(2018, 2, 28)),
    (date(2018, 1, 15), -1, date(2017, 12, 15)),
    (date(2000, 2, 29), 0, date(2000, 2, 29)),
]


@pytest.mark.parametrize(("debut", "n", "attendu"), TABLE)
def test_months_counted_by_hand(debut: date, n: int, attendu: date) -> None:
    assert plus_mois(debut, n) == attendu


def test_leap_years_and_day_numbers() -> None:
    assert [a for a in (1900, 2000, 2016, 2018, 2020, 2100) if bissextile(a)] == [2000, 2016, 2020]
    assert jour_numero(date(1970, 1, 1)) == 0 and jour_numero(date(1970, 2, 1)) == 31
    assert jour_numero(date(2017, 1, 1)) == 17_167  # 47 years, 12 of them leap: 47 × 365 + 12
