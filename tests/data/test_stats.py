"""The Wilson interval and the exact McNemar test, against values computed another way."""

from __future__ import annotations

import math
import time
from decimal import Decimal, getcontext
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cabtui.data.stats import Z95, mcnemar_exact, wilson_interval

# --- Wilson score interval ---------------------------------------------------------------------

# Newcombe (1998), "Two-sided confidence intervals for the single proportion", Table I, method 3
# (the score interval, z = 1.96), to four decimals.
NEWCOMBE = [
    (81, 263, 0.2553, 0.3662),
    (15, 148, 0.0624, 0.1605),
    (0, 20, 0.0000, 0.1611),
    (1, 29, 0.0061, 0.1718),
]


@pytest.mark.parametrize(("successes", "trials", "low", "high"), NEWCOMBE)
def test_wilson_matches_published_values(successes: int, trials: int, low: float, high: float) -> None:
    got = wilson_interval(successes, trials)
    assert got is not None
    assert round(got[0], 4) == low
    assert round(got[1], 4) == high


def _wilson_decimal(successes: int, trials: int) -> tuple[Decimal, Decimal]:
    """The interval from its other closed form, (2np + z² ± z·sqrt(z² + 4np(1-p))) / 2(n + z²),
    in 40-digit decimals."""
    getcontext().prec = 40
    z = Decimal(str(Z95))
    n = Decimal(trials)
    x = Decimal(successes)
    root = z * (z * z + 4 * x * (n - x) / n).sqrt()
    return (2 * x + z * z - root) / (2 * (n + z * z)), (2 * x + z * z + root) / (2 * (n + z * z))


@pytest.mark.parametrize(("successes", "trials"), [(1, 1), (5, 10), (3, 7), (99, 100), (1, 1000), (4321, 9876)])
def test_wilson_matches_the_other_closed_form(successes: int, trials: int) -> None:
    got = wilson_interval(successes, trials)
    low, high = _wilson_decimal(successes, trials)
    assert got is not None
    assert got[0] == pytest.approx(float(max(low, Decimal(0))), abs=1e-12)
    assert got[1] == pytest.approx(float(min(high, Decimal(1))), abs=1e-12)


def test_wilson_ends_and_no_trials() -> None:
    assert wilson_interval(0, 0) is None
    low, high = wilson_interval(0, 10) or (-1.0, -1.0)
    assert low == 0.0
    assert high == pytest.approx(Z95**2 / (10 + Z95**2))  # x = 0: the upper bound is z² / (n + z²)
    low, high = wilson_interval(10, 10) or (-1.0, -1.0)
    assert high == 1.0
    assert low == pytest.approx(10 / (10 + Z95**2))
    assert wilson_interval(5, 10) == pytest.approx((0.2366, 0.7634), abs=5e-5)


@pytest.mark.parametrize(("successes", "trials"), [(-1, 3), (4, 3), (0, -1)])
def test_wilson_refuses_what_is_no_count(successes: int, trials: int) -> None:
    with pytest.raises(ValueError, match="not a binomial count"):
        wilson_interval(successes, trials)


@st.composite
def counts(draw: st.DrawFn) -> tuple[int, int]:
    trials = draw(st.integers(min_value=1, max_value=5000))
    return draw(st.integers(min_value=0, max_value=trials)), trials


@settings(max_examples=300, deadline=None)
@given(counts())
def test_wilson_holds_the_rate_within_unit(count: tuple[int, int]) -> None:
    successes, trials = count
    got = wilson_interval(successes, trials)
    assert got is not None
    low, high = got
    assert 0.0 <= low <= successes / trials <= high <= 1.0
    assert low < high


@settings(max_examples=300, deadline=None)
@given(counts(), st.integers(min_value=2, max_value=50))
def test_wilson_narrows_as_n_grows(count: tuple[int, int], factor: int) -> None:
    """The same rate over `factor` times the trials: a strictly narrower interval, inside the first."""
    successes, trials = count
    small = wilson_interval(successes, trials)
    big = wilson_interval(successes * factor, trials * factor)
    assert small is not None and big is not None
    assert big[1] - big[0] < small[1] - small[0]
    assert small[0] <= big[0] and big[1] <= small[1]


# --- exact McNemar -----------------------------------------------------------------------------


def _mcnemar_fraction(fixed: int, broke: int) -> float:
    """The spec's formula term by term, with `math.comb` and exact fractions."""
    n = fixed + broke
    if n == 0:
        return 1.0
    tail = sum(Fraction(math.comb(n, i), 2**n) for i in range(min(fixed, broke) + 1))
    return float(min(Fraction(1), 2 * tail))


@pytest.mark.parametrize(
    ("fixed", "broke", "expected"),
    [
        (0, 0, 1.0),
        (0, 1, 1.0),  # 2 * 1/2
        (0, 5, 0.0625),  # 2 * 1/32
        (5, 0, 0.0625),
        (1, 9, 0.021484375),  # 2 * (1 + 10) / 1024
        (2, 8, 0.109375),  # 2 * (1 + 10 + 45) / 1024
        (3, 3, 1.0),
        (2, 3, 1.0),  # 2 * (1 + 5 + 10) / 32
        (0, 10, 2 / 1024),
        (1, 5, 0.21875),  # 2 * (1 + 6) / 64
        (7, 1, 0.0703125),  # 2 * (1 + 8) / 256
    ],
)
def test_mcnemar_hand_checked(fixed: int, broke: int, expected: float) -> None:
    assert mcnemar_exact(fixed, broke) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize(("fixed", "broke"), [(a, b) for a in range(0, 31, 3) for b in range(0, 31, 4)])
def test_mcnemar_is_the_formula(fixed: int, broke: int) -> None:
    assert mcnemar_exact(fixed, broke) == _mcnemar_fraction(fixed, broke)


def test_mcnemar_large_counts_are_exact_and_fast() -> None:
    started = time.perf_counter()
    got = mcnemar_exact(1900, 2100)
    took = time.perf_counter() - started
    assert got == _mcnemar_fraction(1900, 2100)
    assert 0 < got < 0.01
    assert took < 0.5
    assert mcnemar_exact(0, 5000) == 0.0  # 2 / 2**5000 is below the smallest float
    assert mcnemar_exact(2500, 2501) == 1.0


def test_mcnemar_refuses_negative_counts() -> None:
    with pytest.raises(ValueError, match="negative"):
        mcnemar_exact(-1, 3)


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=0, max_value=400), st.integers(min_value=0, max_value=400))
def test_mcnemar_is_symmetric_and_a_probability(fixed: int, broke: int) -> None:
    p = mcnemar_exact(fixed, broke)
    assert p == mcnemar_exact(broke, fixed)
    assert 0.0 <= p <= 1.0
    if fixed == broke:
        assert p == 1.0


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=0, max_value=60), st.integers(min_value=0, max_value=60))
def test_mcnemar_agrees_with_the_fraction_formula(fixed: int, broke: int) -> None:
    assert mcnemar_exact(fixed, broke) == _mcnemar_fraction(fixed, broke)
