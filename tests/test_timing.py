"""Timing logic with fake clocks: phases, synchronisation points, splits, first calls, interpreter start."""

from __future__ import annotations

import itertools

import pytest

from mlpbench.measure import clock


class FakeClock:
    """Advances by a fixed step each time it is read (as pyperf's tests do)."""

    def __init__(self, step: float = 0.5) -> None:
        self.ticks = itertools.count()
        self.step = step

    def __call__(self) -> float:
        return next(self.ticks) * self.step


def test_phase_timer_synchronises_at_both_ends_and_accumulates():
    events: list[str] = []
    timer = clock.PhaseTimer(clock.SyncClock(sync=lambda: events.append("sync"), clock=FakeClock(0.25)))
    with timer.phase("train"):
        events.append("work")
    with timer.phase("eval"):
        pass
    with timer.phase("train"):
        pass
    assert events == ["sync", "work", "sync", "sync", "sync", "sync", "sync"]
    assert timer.phases == {"train": 0.5, "eval": 0.25}
    assert list(timer.phases) == ["train", "eval"]


def test_phase_is_recorded_even_when_the_work_fails():
    timer = clock.PhaseTimer(clock.SyncClock(clock=FakeClock(1.0)))
    with pytest.raises(RuntimeError):
        with timer.phase("train"):
            raise RuntimeError("boom")
    assert timer.phases == {"train": 1.0}


def test_split_moves_a_measured_part_into_its_own_phase():
    timer = clock.PhaseTimer(clock.SyncClock(clock=FakeClock(1.0)))
    timer.record("setup", 3.0)
    timer.split("setup", "first_optimizer", 2.5)
    assert timer.phases == {"setup": 0.5, "first_optimizer": 2.5}
    timer.split("setup", "more", 9.0)  # never more than the phase holds
    assert timer.phases["setup"] == 0.0 and timer.phases["more"] == 0.5


def test_first_call_times_only_the_first_call_and_restores_the_original():
    class Owner:
        calls = 0

        def work(self):
            Owner.calls += 1
            return Owner.calls

    fake = FakeClock(2.0)
    original = Owner.work
    with clock.FirstCall(Owner, "work", clock=fake) as first:
        assert Owner().work() == 1
        assert first.seconds == 2.0
        assert Owner().work() == 2
        assert first.seconds == 2.0  # the second call was not timed
    assert Owner.work is original


def test_interpreter_start_prefers_the_parents_spawn_time(monkeypatch):
    monkeypatch.setenv(clock.SPAWN_ENV, "123.5")
    assert clock.interpreter_start() == (123.5, "parent")


def test_interpreter_start_from_proc_is_before_mlpbench_was_imported(monkeypatch):
    from mlpbench._started import MODULE_LOADED_AT

    monkeypatch.delenv(clock.SPAWN_ENV, raising=False)
    started, source = clock.interpreter_start()
    assert source == "proc"  # Linux: the kernel's record of this process's start
    assert MODULE_LOADED_AT - 3600 < started <= MODULE_LOADED_AT  # the interpreter started before our code ran
