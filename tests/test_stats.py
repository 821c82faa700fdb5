"""Statistics on fixed samples, checked against values computed by hand; the one rule for a difference."""

from __future__ import annotations

import math

import numpy as np
import pytest

from mlpbench.stats import compare as cmp
from mlpbench.stats import summary


def test_summary_of_one_to_ten():
    s = summary.summarize([float(v) for v in range(10, 0, -1)])  # order must not matter
    assert s.n == 10
    assert s.median == 5.5
    assert (s.q1, s.q3, s.iqr) == (3.25, 7.75, 4.5)  # linear interpolation between order statistics
    assert (s.min, s.max, s.mean) == (1.0, 10.0, 5.5)
    assert s.stdev == pytest.approx(math.sqrt(82.5 / 9))
    # Binomial(10, 1/2): P(X <= 1) = 11/1024, so [x(2), x(9)] = [2, 9] covers the median with 97.9 %.
    assert s.ci == (2.0, 9.0)
    assert s.ci_coverage == pytest.approx(1 - 2 * 11 / 1024)  # its exact coverage, not the nominal 95 %


def test_five_samples_give_the_range_with_its_true_coverage():
    s = summary.summarize([2.0, 1.0, 3.0, 5.0, 4.0])
    assert s.ci == (1.0, 5.0)
    assert s.ci_coverage == pytest.approx(1 - 2 / 32)
    assert [c.code for c in s.caveats] == ["high_variance", "small_sample"]
    assert s.caveats[1].values == {"n": 5, "coverage": 93.8}


def test_six_trials_reach_95_percent_and_that_is_the_default():
    from mlpbench.results.model import BenchPlan

    assert summary.trials_for_coverage() == 6 == BenchPlan().runs
    assert summary.summarize([1.0, 1.01, 0.99, 1.0, 1.02, 0.98]).ci_coverage == pytest.approx(1 - 2 / 64)  # 96.9 %
    assert not any(c.code == "small_sample" for c in summary.summarize([1.0, 1.01, 0.99, 1.0, 1.02, 0.98]).caveats)


def test_the_median_interval_is_scipys_and_its_coverage_is_exact_at_every_n():
    """The tables show each interval with its coverage: from n = 6 on that was the nominal 0.95 although the
    order statistics chosen cover the median with more (96.9 % at 6, 99.2 % at 8)."""
    from scipy import stats

    rng = np.random.default_rng(3)
    for n in range(6, 41):
        x = np.sort(rng.random(n))
        low, high, coverage = summary.median_ci(x)
        expected = stats.quantile_test(x, q=float(np.median(x)), p=0.5).confidence_interval(0.95)
        assert (low, high) == (expected.low, expected.high), n
        k = int(np.searchsorted(x, low)) + 1  # the interval is [x(k), x(n+1-k)]
        assert high == x[n - k]
        assert coverage == pytest.approx(stats.binom.cdf(n - k, n, 0.5) - stats.binom.cdf(k - 1, n, 0.5)), n
        assert coverage >= 0.95
    assert 0.95 <= summary.median_ci(np.arange(5000.0))[2] < 0.96  # thousands of samples (a report's many warm runs)


def test_single_sample():
    s = summary.summarize([0.25])
    assert (s.median, s.iqr, s.stdev, s.ci, s.ci_coverage) == (0.25, 0.0, 0.0, (0.25, 0.25), 0.0)


def test_outliers_by_median_absolute_deviation():
    assert summary.outliers([10.0, 10.2, 9.8, 10.1, 9.9, 10.0, 14.0]) == [6]
    assert summary.outliers([1.0, 1.0, 1.0]) == []  # MAD 0: nothing can be called an outlier


def test_slow_first_trial_is_flagged():
    s = summary.summarize([3.0, 1.0, 1.01, 0.99, 1.0, 1.02])
    assert "slow_first" in [c.code for c in s.caveats]


def test_quiet_samples_raise_no_caveat():
    assert summary.summarize([1.00, 1.01, 0.99, 1.00, 1.02, 0.98, 1.00]).caveats == ()


def test_a_clear_difference_is_claimed():
    fast = [1.0, 1.1, 1.05, 0.95, 1.02]
    slow = [2.0, 2.1, 2.2, 2.05, 2.3]
    c = cmp.compare(slow, fast)
    assert c.ratio == pytest.approx(2.1 / 1.02)
    assert c.speedup == pytest.approx(1.02 / 2.1)
    # no ties, 5 vs 5, complete separation: exact two-sided p = 2 / C(10, 5) = 2 / 252
    assert c.p_value == pytest.approx(2 / 252)
    low, high = c.ci
    assert 1.5 < low <= c.ratio <= high
    assert c.verdict == "slower" and cmp.compare(fast, slow).verdict == "faster"


def test_the_same_distribution_is_undecided():
    c = cmp.compare([1.0, 1.2, 0.9, 1.1, 1.05], [1.1, 0.95, 1.15, 1.0, 1.08])
    assert c.verdict == "undecided" and c.ci[0] < 1 < c.ci[1]


def test_three_separated_trials_each_cannot_be_claimed_and_say_so():
    c = cmp.compare([1.0, 1.01, 1.02], [2.0, 2.01, 2.02])
    assert c.separated and c.p_value == pytest.approx(0.1)  # 2 / C(6, 3): the smallest p possible
    assert c.verdict == "undecided" and c.too_few_to_tell
    assert c.ci[1] < 1  # the interval alone would exclude 1: the rule needs the test too
    assert cmp.trials_for_significance() == 4
    assert cmp.compare([1.0, 1.01, 1.02, 1.03], [2.0, 2.01, 2.02, 2.03]).verdict == "faster"


def test_tied_trials_never_reach_a_p_their_group_sizes_cannot():
    """Ties switch SciPy to the normal approximation, which gives 3 tied against 3 tied p = 0.047; no
    ordering of 3 against 3 can give less than 0.1, so nothing is claimed."""
    c = cmp.compare([1.0, 1.0, 1.0], [2.0, 2.0, 2.0])
    assert c.p_value == pytest.approx(0.1) and c.verdict == "undecided" and c.too_few_to_tell
    tied = cmp.compare([1.0] * 6, [2.0] * 6)  # enough trials: the exact p, 2 / C(12, 6)
    assert tied.p_value == pytest.approx(2 / 924) and tied.verdict == "faster"


def test_ties_between_the_groups_get_the_exact_p_not_the_approximation():
    """[1, 1, 2, 2] against [2, 3, 3, 3]: the normal approximation says p = 0.047 and, with an interval clear
    of 1, "faster"; counting all 70 orderings gives 0.086: not shown."""
    from scipy import stats

    a, b = [1.0, 1.0, 2.0, 2.0], [2.0, 3.0, 3.0, 3.0]
    assert stats.mannwhitneyu(a, b).pvalue < 0.05  # what the approximation alone would claim
    c = cmp.compare(a, b)
    assert c.p_value == pytest.approx(6 / 70) and c.ci[1] < 1 and c.verdict == "undecided"
    assert cmp.compare(a, b).p_value == c.p_value  # counted, not sampled: the same p every time
    big = cmp.compare([1.0] * 30 + [2.0], [2.0] + [3.0] * 30)  # too many orderings to count: the approximation
    assert big.p_value < 1e-9 and big.verdict == "faster"


def test_the_rule_needs_the_interval_too():
    """A significant test whose interval touches 1 is not claimed (the rule needs both)."""
    c = cmp.Comparison(ratio=0.95, ci=(0.9, 1.01), p_value=0.01, n_candidate=10, n_baseline=10, separated=False)
    assert c.verdict == "undecided"
    assert cmp.Comparison(0.95, (0.9, 0.99), 0.01, 10, 10, False).verdict == "faster"
    assert cmp.Comparison(0.95, (0.9, 0.99), 0.2, 10, 10, False).verdict == "undecided"


def test_comparisons_scanned_together_are_adjusted_together():
    """Benjamini-Hochberg: sorted p_(i) * m / i, made monotone; the rule reads the adjusted value."""
    made = [cmp.Comparison(0.9, (0.8, 0.95), p, 10, 10, False) for p in (0.04, 0.01, 0.03)]
    adjusted = cmp.in_family(made)
    assert [c.p_family for c in adjusted] == pytest.approx([0.04, 0.03, 0.04])
    assert all(c.family == 3 for c in adjusted) and [c.p_value for c in adjusted] == [0.04, 0.01, 0.03]
    four = cmp.in_family([*made, cmp.Comparison(0.9, (0.8, 0.95), 0.5, 10, 10, False)])
    assert [c.verdict for c in four] == ["undecided", "faster", "undecided", "undecided"]  # 0.04 * 4 / 3 > 0.05
    assert [c.verdict for c in made] == ["faster"] * 3  # each alone


def test_a_comparison_alone_or_untested_is_not_adjusted():
    one = cmp.Comparison(0.9, (0.8, 0.95), 0.04, 10, 10, False)
    untested = cmp.Comparison(0.9, None, None, 1, 1, True)
    assert cmp.in_family([one]) == [one]
    assert cmp.in_family([one, untested]) == [one, untested]  # one test: a family of one
    assert cmp.in_family([one, untested, one])[1] == untested


def test_compare_is_reproducible_and_bounded_for_many_samples():
    a, b = [1.0, 1.3, 1.1, 1.2], [2.0, 2.4, 2.2, 2.1]
    assert cmp.compare(a, b).ci == cmp.compare(a, b).ci
    many = [1.0 + (i % 97) / 1000 for i in range(20_000)]
    c = cmp.compare(many, [x * 1.1 for x in many])
    assert c.verdict == "faster" and c.ratio == pytest.approx(1 / 1.1)
