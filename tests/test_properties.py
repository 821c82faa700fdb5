"""Property-based tests (hypothesis): statistics, configuration validation and crossovers."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from mlpbench.errors import UsageError
from mlpbench.stats import compare as cmp
from mlpbench.stats import summary
from mlpbench.stats.crossover import crossover_point, fit_cost_model, loglog_interpolator
from mlpbench.workload.config import WorkloadConfig

durations = st.floats(min_value=1e-7, max_value=1e4, allow_nan=False, allow_infinity=False)
samples = st.lists(durations, min_size=1, max_size=40)


@given(samples)
@settings(max_examples=150, deadline=None)
def test_summary_orders_its_statistics(xs):
    s = summary.summarize(xs)
    assert s.min <= s.q1 <= s.median <= s.q3 <= s.max
    low, high = s.ci
    assert s.min <= low <= s.median <= high <= s.max
    if len(xs) >= 6:  # the exact coverage of the order statistics chosen, never under the nominal 95 %
        assert 0.95 <= s.ci_coverage < 1.0
    else:
        assert s.ci_coverage == pytest.approx(1 - 2 * 0.5 ** len(xs) if len(xs) > 1 else 0.0)


@given(samples, st.randoms(use_true_random=False))
@settings(max_examples=100, deadline=None)
def test_summary_does_not_depend_on_sample_order(xs, rnd):
    shuffled = list(xs)
    rnd.shuffle(shuffled)
    a, b = summary.summarize(xs), summary.summarize(shuffled)
    assert (a.median, a.iqr, a.ci, a.min, a.max) == (b.median, b.iqr, b.ci, b.min, b.max)


@given(samples, st.floats(min_value=1e-3, max_value=1e3))
@settings(max_examples=100, deadline=None)
def test_summary_scales_with_the_unit(xs, factor):
    a, b = summary.summarize(xs), summary.summarize([x * factor for x in xs])
    assert b.median == pytest.approx(a.median * factor, rel=1e-9)
    assert b.iqr == pytest.approx(a.iqr * factor, rel=1e-9, abs=1e-12)


@given(st.lists(durations, min_size=2, max_size=12), st.lists(durations, min_size=2, max_size=12))
@settings(max_examples=60, deadline=None)
def test_a_verdict_is_never_claimed_against_its_own_evidence(a, b):
    c = cmp.compare(a, b)
    assert c.ratio == pytest.approx(np.median(a) / np.median(b))
    low, high = c.ci
    if c.verdict == "faster":
        assert c.p_value < 0.05 and high < 1
    elif c.verdict == "slower":
        assert c.p_value < 0.05 and low > 1
    else:
        assert c.p_value >= 0.05 or low <= 1 <= high


@given(st.lists(durations, min_size=2, max_size=12))
@settings(max_examples=40, deadline=None)
def test_a_sample_against_itself_is_undecided(a):
    c = cmp.compare(a, a)
    assert c.ratio == 1.0 and c.verdict == "undecided"


valid_configs = st.builds(
    WorkloadConfig,
    n=st.integers(2, 10**6), steps=st.integers(1, 10**4), lr=st.floats(1e-6, 10.0),
    hidden=st.lists(st.integers(1, 512), min_size=1, max_size=4).map(tuple),
    seed=st.integers(0, 2**63 - 1), precision=st.sampled_from(["fp32", "tf32", "bf16"]),
    train_fraction=st.floats(0.05, 0.95),
)


@given(valid_configs)
@settings(max_examples=200, deadline=None)
def test_every_sound_configuration_validates_and_round_trips(config):
    assume(1 <= config.n_train < config.n)
    config.validate()  # a validator that rejects everything fails here
    import msgspec

    assert msgspec.json.decode(msgspec.json.encode(config), type=WorkloadConfig) == config


BREAKERS = {
    "n": ({"n": 0}, "--n must be at least 1"),
    "steps": ({"steps": -3}, "--steps must be at least 1"),
    "lr": ({"lr": float("nan")}, "--lr must be a positive finite number"),
    "hidden": ({"hidden": (5, 0)}, "--hidden widths must be positive"),
    "seed": ({"seed": 2**64}, "--seed must be below 2**63"),
    "fraction": ({"train_fraction": 1.5}, "train fraction must lie strictly between 0 and 1"),
    "batch": ({"batch_size": 10**9}, "--batch-size"),
    "precision": ({"precision": "fp8"}, "--precision must be one of"),
}


@given(valid_configs, st.sampled_from(sorted(BREAKERS)))
@settings(max_examples=150, deadline=None)
def test_one_bad_field_is_named_in_one_line(config, which):
    assume(1 <= config.n_train < config.n)
    change, fragment = BREAKERS[which]
    with pytest.raises(UsageError) as err:
        config.with_changes(**change).validate()
    assert fragment in str(err.value) and "\n" not in str(err.value)


@given(st.lists(st.floats(1, 1e6), min_size=2, max_size=8, unique=True), st.floats(0.2, 3), st.floats(1.5, 1e5))
@settings(max_examples=100, deadline=None)
def test_a_decided_power_law_crosses_where_it_should(xs, exponent, crossing):
    xs = sorted(xs)
    assume(xs[0] < crossing < xs[-1])
    assume(all(abs(math.log(x / crossing)) > 1e-6 for x in xs))
    c = crossover_point(xs, [(x / crossing) ** exponent for x in xs])
    assert c.where == "inside"
    assert c.value == pytest.approx(crossing, rel=1e-6)
    assert c.bracket[0] <= c.value <= c.bracket[1]


@given(st.lists(st.floats(1, 1e6), min_size=3, max_size=8, unique=True), st.floats(1.5, 1e5))
@settings(max_examples=100, deadline=None)
def test_an_undecided_point_between_never_yields_a_value(xs, crossing):
    xs = sorted(xs)
    assume(xs[0] < crossing < xs[-1])
    speedups = [x / crossing for x in xs]
    verdicts = ["faster" if s > 1 else "slower" for s in speedups]
    i = next(k for k, s in enumerate(speedups) if s > 1)  # make the first point past the crossing undecided
    verdicts[i] = "undecided"
    c = crossover_point(xs, speedups, verdicts)
    assert c.value is None or c.where == "inside"
    if i + 1 < len(xs) and i > 0:
        assert c.where == "between" and c.value is None


@given(st.floats(1e-7, 1e-3), st.floats(1e8, 1e14), st.lists(st.floats(1e3, 1e11), min_size=3, max_size=8, unique=True))
@settings(max_examples=100, deadline=None)
def test_the_cost_model_recovers_exact_data(overhead, rate, flops):
    model = fit_cost_model(flops, [overhead + f / rate for f in flops])
    for f in flops:
        assert model.predict(f) == pytest.approx(overhead + f / rate, rel=1e-5)


@given(st.floats(0.5, 3), st.lists(st.floats(1, 1e6), min_size=2, max_size=6, unique=True), st.floats(1, 1e6))
@settings(max_examples=100, deadline=None)
def test_loglog_interpolation_recovers_a_power_law(exponent, xs, x):
    at = loglog_interpolator(xs, [v**exponent for v in xs])
    assert at(x) == pytest.approx(x**exponent, rel=1e-6)
