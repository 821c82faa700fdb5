"""The warm-trial stopping rule, driven by a fake clock."""

from __future__ import annotations

from mlpbench.measure.clock import SyncClock
from mlpbench.measure.repeat import measure_repeated
from mlpbench.stats.summary import relative_iqr


class ScriptedWork:
    """Each call to run() advances a fake clock by the next scripted duration."""

    def __init__(self, durations: list[float]) -> None:
        self.durations = iter(durations)
        self.now = 0.0
        self.prepared = 0
        self.calls = 0

    def clock(self) -> float:
        return self.now

    def run(self) -> dict[int, float]:
        self.now += next(self.durations)
        self.calls += 1
        return {0: float(self.calls)}

    def prepare(self) -> None:
        self.prepared += 1
        self.now += 100.0  # untimed preparation must not leak into the samples


def test_warmups_are_kept_apart_and_stable_runs_converge():
    work = ScriptedWork([5.0, 3.0] + [1.0] * 20)
    result = measure_repeated(work.run, work.prepare, SyncClock(clock=work.clock), warmup=2, min_runs=10,
                              max_runs=50, max_time=1e9)
    assert result.warmup_samples == [5.0, 3.0]
    assert result.samples == [1.0] * 10
    assert result.stopped_by == "converged" and result.converged
    assert work.prepared == 12  # prepare() before every call, warm-ups included
    assert result.outputs[0] == {0: 3.0}


def test_unstable_runs_continue_past_the_minimum_until_the_time_bound():
    work = ScriptedWork([1.0, 2.0] * 50)  # IQR/median stays ~67 %
    result = measure_repeated(work.run, work.prepare, SyncClock(clock=work.clock), warmup=0, min_runs=4,
                              max_runs=100, max_time=1000.0)
    assert result.stopped_by == "time"
    assert 4 <= len(result.samples) < 100
    assert sum(result.samples) + 100.0 * len(result.samples) >= 1000.0


def test_max_runs_caps_an_unstable_series():
    work = ScriptedWork([1.0, 2.0] * 50)
    result = measure_repeated(work.run, work.prepare, SyncClock(clock=work.clock), warmup=0, min_runs=3,
                              max_runs=7, max_time=1e12)
    assert len(result.samples) == 7 and result.stopped_by == "max_runs"


def test_after_runs_untimed_and_keeps_its_value():
    work = ScriptedWork([1.0] * 20)

    def after(output):
        work.now += 50.0  # an evaluation after each run: untimed
        return ("evaluated", output[0])

    result = measure_repeated(work.run, work.prepare, SyncClock(clock=work.clock), warmup=1, min_runs=3, max_runs=3,
                              max_time=1e9, after=after)
    assert result.samples == [1.0, 1.0, 1.0]
    assert result.outputs == [("evaluated", 2.0), ("evaluated", 3.0), ("evaluated", 4.0)]


def test_every_rank_takes_the_leaders_decision():
    """agree() replaces this process's decision: rank 0 says stop after the third run."""
    decisions = iter([None, None, "time"])
    seen = []

    def agree(mine):
        seen.append(mine)
        return next(decisions)

    work = ScriptedWork([1.0] * 20)  # alone, this would converge at min_runs=2
    result = measure_repeated(work.run, work.prepare, SyncClock(clock=work.clock), warmup=0, min_runs=2, max_runs=10,
                              max_time=1e9, agree=agree)
    assert len(result.samples) == 3 and result.stopped_by == "time"
    assert seen == [None, "converged", "converged"]


def test_relative_iqr():
    assert relative_iqr([1.0, 1.0, 1.0]) == 0.0
    assert relative_iqr([1.0, 2.0, 3.0, 4.0, 5.0]) == 2.0 / 3.0
