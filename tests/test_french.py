"""French display of figures: one home, used by every text output."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from parcours import load_policy, load_policy_text
from parcours._french import (
    format_date,
    format_decimal,
    format_nombre,
    format_part,
    format_pourcentage,
    format_taux,
)
from parcours.policies.dump import dump_policy
from parcours.policies.values import Pourcentage, parse_taux

NNBSP = "\u202f"


@pytest.mark.parametrize(
    ("valeur", "attendu"),
    [(4000, f"4{NNBSP}000"), (2.5, "2,5"), (2.0, "2"), (1341.25, f"1{NNBSP}341,25"), (-12, "-12"), (0, "0")],
)
def test_a_value_is_written_as_given_with_a_decimal_comma_and_grouped_thousands(
    valeur: float, attendu: str
) -> None:
    assert format_decimal(valeur) == attendu


@pytest.mark.parametrize(
    ("valeur", "attendu"), [(1.0, "100 %"), (0.95, "95 %"), (0.353, "35,3 %"), (0.0, "0 %"), (0.005, "0,5 %")]
)
def test_a_rate_of_the_language_is_shown_as_the_percentage_it_was_written_as(
    valeur: float, attendu: str
) -> None:
    assert format_pourcentage(valeur) == attendu


def test_rounded_figures_round_half_up_on_their_decimal_form() -> None:
    assert format_nombre(0.25, 1) == "0,3"  # binary 0.25 is exact: half-up, not half-even
    assert format_nombre(1234567) == f"1{NNBSP}234{NNBSP}567"
    assert format_nombre(None) == "–"
    assert format_part(1, 8) == "12,5 %"
    assert format_part(1, 0) == "–"
    assert format_taux(0.3535) == "35,4 %"
    assert format_taux(1.0, 0) == "100 %"


def test_a_date_is_written_day_month_year() -> None:
    assert format_date(date(2018, 6, 1)) == "01/06/2018"


@given(st.floats(min_value=0.0, max_value=1.0))
def test_a_percentage_written_back_reads_as_the_same_fraction(fraction: float) -> None:
    assert parse_taux(format_pourcentage(fraction)) == fraction


def test_the_dump_writes_rates_as_percentages() -> None:
    policy = load_policy("meurthe_et_moselle")
    texte = dump_policy(policy)
    assert "valeur: 100 %" in texte
    relue = load_policy_text(texte, "relue.yaml").alertes["mesures_toutes_occupees"]
    seuil = relue.quand.occupation.seuil.versions[0].valeur  # type: ignore[union-attr]
    assert seuil == 1.0
    assert isinstance(seuil, Pourcentage)
