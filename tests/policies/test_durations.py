"""Durations: parsing, formatting and the month arithmetic of the policy language."""

from __future__ import annotations

import calendar
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from parcours.policies.durations import UNITES, Duree, add_months, parse_duree

dates = st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 12, 31))
durees = st.builds(Duree, st.integers(min_value=0, max_value=400), st.sampled_from(UNITES))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("15 jours", Duree(15, "jours")),
        ("1 jour", Duree(1, "jours")),
        ("6 semaines", Duree(6, "semaines")),
        ("6 mois", Duree(6, "mois")),
        ("1 an", Duree(1, "ans")),
        ("2 ans", Duree(2, "ans")),
        ("  3   mois ", Duree(3, "mois")),
    ],
)
def test_parse(text: str, expected: Duree) -> None:
    assert parse_duree(text) == expected


@pytest.mark.parametrize("text", ["6", "mois", "6 moi", "six mois", "-1 mois", "1.5 mois", ""])
def test_parse_refuses(text: str) -> None:
    with pytest.raises(ValueError, match="n'est pas une durée"):
        parse_duree(text)


@pytest.mark.parametrize(
    ("start", "duree", "expected"),
    [
        (date(2018, 1, 31), "1 mois", date(2018, 2, 28)),
        (date(2020, 1, 31), "1 mois", date(2020, 2, 29)),
        (date(2020, 2, 29), "1 an", date(2021, 2, 28)),
        (date(2018, 8, 31), "6 mois", date(2019, 2, 28)),
        (date(2018, 3, 1), "15 jours", date(2018, 3, 16)),
        (date(2018, 12, 25), "6 semaines", date(2019, 2, 5)),
    ],
)
def test_month_arithmetic_examples(start: date, duree: str, expected: date) -> None:
    assert parse_duree(duree).ajouter(start) == expected


@given(durees)
def test_format_parse_round_trip(duree: Duree) -> None:
    assert parse_duree(str(duree)) == duree


@given(dates, durees)
def test_adding_never_goes_backwards(start: date, duree: Duree) -> None:
    assert duree.ajouter(start) >= start


@given(dates, st.integers(min_value=-600, max_value=600))
def test_clamp_never_overflows_the_month(start: date, months: int) -> None:
    result = add_months(start, months)
    assert result.day <= calendar.monthrange(result.year, result.month)[1]
    assert (result.year * 12 + result.month) - (start.year * 12 + start.month) == months
    assert result.day == min(start.day, calendar.monthrange(result.year, result.month)[1])


@given(dates, st.integers(min_value=0, max_value=50))
def test_twelve_months_equal_one_year(start: date, years: int) -> None:
    assert Duree(12 * years, "mois").ajouter(start) == Duree(years, "ans").ajouter(start)


@given(dates, st.integers(min_value=0, max_value=100))
def test_weeks_are_seven_days(start: date, weeks: int) -> None:
    assert Duree(weeks, "semaines").ajouter(start) == Duree(7 * weeks, "jours").ajouter(start)


@given(dates, durees)
def test_retirer_inverts_ajouter_up_to_the_clamp(start: date, duree: Duree) -> None:
    back = duree.retirer(duree.ajouter(start))
    assert back <= start
    assert (start - back).days <= 3
