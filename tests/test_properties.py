"""Property-based tests (hypothesis) for the statistics, the configuration and the crossovers."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from mlpbench import stats
from mlpbench.config import WorkloadConfig
from mlpbench.crossover import crossover_point, fit_cost_model
from mlpbench.errors import UsageError

durations = st.floats(min_value=1e-7, max_value=1e4, allow_nan=False, allow_infinity=False)
samples = st.lists(durations, min_size=1, max_size=40)


@given(samples)
@settings(max_examples=150, deadline=None)
def test_summary_orders_its_statistics(xs):
    s = stats.summarize(xs)
    assert s.min <= s.q1 <= s.median <= s.q3 <= s.max
    assert s.iqr >= 0 and s.stdev >= 0 and s.n == len(xs)
    low, high = s.ci95
    assert low <= s.median <= high
    assert s.min <= low and high <= s.max
    assert 0 <= s.ci_coverage <= 0.95


@given(samples, st.randoms(use_true_random=False))
@settings(max_examples=100, deadline=None)
def test_summary_does_not_depend_on_sample_order(xs, rnd):
    shuffled = list(xs)
    rnd.shuffle(shuffled)
    a, b = stats.summarize(xs), stats.summarize(shuffled)
    assert (a.median, a.iqr, a.ci95, a.min, a.max) == (b.median, b.iqr, b.ci95, b.min, b.max)
    assert a.mean == pytest.approx(b.mean)


@given(samples, st.floats(min_value=1e-3, max_value=1e3))
@settings(max_examples=100, deadline=None)
def test_summary_scales_with_the_unit(xs, factor):
    a, b = stats.summarize(xs), stats.summarize([x * factor for x in xs])
    assert b.median == pytest.approx(a.median * factor, rel=1e-9)
    assert b.iqr == pytest.approx(a.iqr * factor, rel=1e-9, abs=1e-12)


@given(st.lists(durations, min_size=2, max_size=12), st.lists(durations, min_size=2, max_size=12))
@settings(max_examples=60, deadline=None)
def test_comparison_ratio_and_interval(a, b):
    c = stats.compare(a, b)
    assert c.ratio == pytest.approx(np.median(a) / np.median(b))
    assert 0 <= c.p_value <= 1
    assert c.significant == (c.p_value < 0.05)
    low, high = c.ci95
    assert low <= high


@given(st.lists(durations, min_size=2, max_size=12))
@settings(max_examples=40, deadline=None)
def test_a_sample_against_itself(a):
    c = stats.compare(a, a)
    assert c.ratio == 1.0 and not c.significant


config_values = st.fixed_dictionaries({
    "n": st.integers(-10, 10**6), "steps": st.integers(-3, 10**4), "lr": st.floats(allow_nan=True, allow_infinity=True),
    "hidden": st.lists(st.integers(-2, 4096), min_size=0, max_size=4).map(tuple),
    "train_fraction": st.floats(-1, 2, allow_nan=False), "seed": st.integers(-5, 2**64),
    "batch_size": st.one_of(st.none(), st.integers(-2, 10**6)), "precision": st.sampled_from(["fp32", "tf32", "bf16", "fp8"]),
})


@given(config_values)
@settings(max_examples=300, deadline=None)
def test_config_validation_either_passes_or_says_why(values):
    config = WorkloadConfig(**values)
    try:
        config.validate()
    except UsageError as err:
        assert str(err) and "\n" not in str(err)
        return
    assert config.n_train >= 1 and config.n_test >= 1
    assert config.batch_rows <= config.n_train
    assert config.train_flops_per_step() > 0 and math.isfinite(config.lr) and config.lr > 0
    assert WorkloadConfig.from_dict(config.to_dict()) == config


@given(st.lists(st.floats(1, 1e6), min_size=2, max_size=8, unique=True), st.floats(0.2, 3), st.floats(1.5, 1e5))
@settings(max_examples=100, deadline=None)
def test_a_power_law_crosses_where_it_should(xs, exponent, crossing):
    xs = sorted(xs)
    assume(xs[0] < crossing < xs[-1])
    assume(all(abs(math.log(x / crossing)) > 1e-6 for x in xs))
    c = crossover_point(xs, [(x / crossing) ** exponent for x in xs])
    assert c.where == "inside"
    assert c.value == pytest.approx(crossing, rel=1e-6)
    assert c.bracket[0] <= c.value <= c.bracket[1]


@given(st.floats(1e-7, 1e-3), st.floats(1e8, 1e14), st.lists(st.floats(1e3, 1e11), min_size=3, max_size=8, unique=True))
@settings(max_examples=100, deadline=None)
def test_the_cost_model_recovers_exact_data(overhead, rate, flops):
    model = fit_cost_model(flops, [overhead + f / rate for f in flops])
    for f in flops:
        assert model.predict(f) == pytest.approx(overhead + f / rate, rel=1e-5)
