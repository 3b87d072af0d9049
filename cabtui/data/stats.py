"""The statistics a comparison of two sweeps reports: pure functions of counts.

`wilson_interval` is the Wilson score interval of a binomial proportion; `mcnemar_exact`
the exact two-sided McNemar test on the discordant pairs of a paired comparison,
computed with integers so it stays exact (and fast) for thousands of pairs.
"""

from __future__ import annotations

import math
from typing import Final

Z95: Final = 1.959964
"""The standard normal quantile of a two-sided 95% interval."""


def wilson_interval(successes: int, trials: int, z: float = Z95) -> tuple[float, float] | None:
    """The Wilson score interval of `successes / trials` at quantile `z`; None when `trials` is 0.

    The interval always holds the observed rate and lies within [0, 1]: its bounds are exactly
    0 at no successes and exactly 1 at all successes.

    Raises:
        ValueError: counts that are negative, or more successes than trials.
    """
    if not 0 <= successes <= trials:
        raise ValueError(f"not a binomial count: {successes} of {trials}")
    if trials == 0:
        return None
    n = trials
    p = successes / n
    z2 = z * z
    denominator = 1 + z2 / n
    centre = (p + z2 / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / denominator
    low = 0.0 if successes == 0 else min(p, max(0.0, centre - half))
    high = 1.0 if successes == n else max(p, min(1.0, centre + half))
    return low, high


def mcnemar_exact(fixed: int, broke: int) -> float:
    """The exact two-sided McNemar p-value of a paired comparison with these discordant pairs.

    `min(1, 2 * sum(C(n, i) for i <= min(fixed, broke)) / 2**n)` with `n = fixed + broke`: the
    two-sided binomial test of `min(fixed, broke)` in `n` at one half. 1.0 when `n` is 0. The sum
    is of integers and the one division is correctly rounded, so the value is the exact one
    to a float's precision.

    Raises:
        ValueError: a negative count.
    """
    if fixed < 0 or broke < 0:
        raise ValueError(f"negative count: fixed={fixed}, broke={broke}")
    n = fixed + broke
    k = min(fixed, broke)
    if 2 * k >= n - 1:
        # The tail reaches the middle of the distribution: the doubled tail is at least 1
        # (n = 0, fixed == broke, or the two differ by one).
        return 1.0
    term = 1  # C(n, 0)
    tail = 1
    for i in range(k):
        term = term * (n - i) // (i + 1)  # C(n, i + 1), exact: C(n, i) * (n - i) is divisible by i + 1
        tail += term
    return min(1.0, (2 * tail) / (1 << n))
