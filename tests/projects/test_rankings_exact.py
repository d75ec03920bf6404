"""The ranking's integer arithmetic (rankings._power_ratio, rankings._round) against the
documented formula in exact fractions (rankings.service_power): the same figures to the digit."""

import math
from decimal import Decimal
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from projects.rankings import _power_ratio, _round, service_power


def reference_round(value: Fraction, places: int) -> str:
    """Half up, as the ranking shows figures."""
    return str(Decimal(math.floor(value * 10**places + Fraction(1, 2))).scaleb(-places))


counts = st.integers(min_value=0, max_value=400)


@given(
    completed=counts,
    score_count=counts,
    scores=st.data(),
    rating_count=counts,
    on_time=st.data(),
)
def test_service_power_in_integers_is_the_formula(
    completed, score_count, scores, rating_count, on_time
):
    score_sum = scores.draw(st.integers(0, 100 * score_count))
    rating_sum = on_time.draw(st.integers(rating_count, 5 * rating_count))
    timely = on_time.draw(st.integers(0, completed))

    def mean(total, count):
        return Fraction(total, count) if count else None

    expected = service_power(
        acceptance_mean=mean(score_sum, score_count),
        rating_mean=mean(rating_sum, rating_count),
        on_time_rate=mean(timely, completed),
        completed=completed,
    )
    numerator, denominator = _power_ratio(
        (score_sum, score_count), (rating_sum, rating_count), (timely, completed), completed
    )
    assert Fraction(numerator, denominator) == expected
    assert _round(numerator, denominator, 2) == reference_round(expected, 2)


@given(
    numerator=st.integers(0, 10**9),
    denominator=st.integers(1, 10**6),
    places=st.sampled_from([2, 4]),
)
def test_rounding_is_half_up_and_exact(numerator, denominator, places):
    assert _round(numerator, denominator, places) == reference_round(
        Fraction(numerator, denominator), places
    )


def test_rounding_edges():
    assert _round(1, 8, 2) == "0.13"  # 0.125 half up
    assert _round(73225, 1000, 2) == "73.23"
    assert _round(1, 3, 4) == "0.3333"
    assert _round(0, 5, 2) == "0.00"
    assert _round(None, 5, 2) == "0.00"
    assert _round(7, 0, 2) is None
