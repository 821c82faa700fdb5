"""Statistics on fixed samples, checked against values computed by hand."""

from __future__ import annotations

import math

import pytest

from mlpbench import stats


def test_summary_of_one_to_ten():
    s = stats.summarize([float(v) for v in range(10, 0, -1)])  # order must not matter
    assert s.n == 10
    assert s.median == 5.5
    assert (s.q1, s.q3, s.iqr) == (3.25, 7.75, 4.5)  # linear interpolation between order statistics
    assert (s.min, s.max, s.mean) == (1.0, 10.0, 5.5)
    assert s.stdev == pytest.approx(math.sqrt(82.5 / 9))
    # Binomial(10, 1/2): P(X <= 1) = 11/1024, so [x(2), x(9)] = [2, 9] covers the median with 97.9 %.
    assert s.ci95 == (2.0, 9.0)
    assert s.ci_coverage == 0.95


def test_five_samples_give_the_range_with_its_true_coverage():
    s = stats.summarize([2.0, 1.0, 3.0, 5.0, 4.0])
    assert s.ci95 == (1.0, 5.0)
    assert s.ci_coverage == pytest.approx(1 - 2 / 32)
    assert [w.code for w in s.warnings] == ["high_variance", "small_sample"]


def test_single_sample():
    s = stats.summarize([0.25])
    assert (s.median, s.iqr, s.stdev, s.ci95) == (0.25, 0.0, 0.0, (0.25, 0.25))


def test_outliers_by_median_absolute_deviation():
    # median 10, MAD 0 for the first four...: use a spread so MAD > 0
    samples = [10.0, 10.2, 9.8, 10.1, 9.9, 10.0, 14.0]
    assert stats.outliers(samples) == [6]
    assert stats.outliers([1.0, 1.0, 1.0]) == []  # MAD 0: nothing can be called an outlier


def test_slow_first_trial_is_flagged():
    s = stats.summarize([3.0, 1.0, 1.01, 0.99, 1.0, 1.02])
    assert "slow_first" in [w.code for w in s.warnings]
    assert all(w.advice for w in s.warnings)


def test_quiet_samples_raise_no_warning():
    s = stats.summarize([1.00, 1.01, 0.99, 1.00, 1.02, 0.98, 1.00])
    assert s.warnings == []


def test_compare_clear_difference_is_significant():
    fast = [1.0, 1.1, 1.05, 0.95, 1.02]
    slow = [2.0, 2.1, 2.2, 2.05, 2.3]
    c = stats.compare(slow, fast)
    assert c.ratio == pytest.approx(2.1 / 1.02)
    assert c.speedup == pytest.approx(1.02 / 2.1)
    # no ties, 5 vs 5, complete separation: exact two-sided p = 2 / C(10, 5) = 2 / 252
    assert c.p_value == pytest.approx(2 / 252)
    assert c.significant
    low, high = c.ci95
    assert low <= c.ratio <= high
    assert low > 1.5


def test_compare_same_distribution_is_not_significant():
    a = [1.0, 1.2, 0.9, 1.1, 1.05]
    b = [1.1, 0.95, 1.15, 1.0, 1.08]
    c = stats.compare(a, b)
    assert not c.significant
    assert c.ci95[0] < 1 < c.ci95[1]
    assert c.test.startswith("Mann-Whitney U")


def test_compare_is_reproducible():
    a, b = [1.0, 1.3, 1.1, 1.2], [2.0, 2.4, 2.2, 2.1]
    assert stats.compare(a, b).ci95 == stats.compare(a, b).ci95
