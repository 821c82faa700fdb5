"""Timing logic with fake clocks: phases, synchronisation points, interpreter start."""

from __future__ import annotations

import itertools

import pytest

from mlpbench import timing


class FakeClock:
    """Advances by a fixed step each time it is read (as pyperf's tests do)."""

    def __init__(self, step: float = 0.5) -> None:
        self.ticks = itertools.count()
        self.step = step

    def __call__(self) -> float:
        return next(self.ticks) * self.step


def test_phase_timer_synchronises_at_both_ends_and_accumulates():
    events: list[str] = []
    clock = timing.SyncClock(sync=lambda: events.append("sync"), clock=FakeClock(0.25))
    timer = timing.PhaseTimer(clock)
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
    timer = timing.PhaseTimer(timing.SyncClock(clock=FakeClock(1.0)))
    with pytest.raises(RuntimeError):
        with timer.phase("train"):
            raise RuntimeError("boom")
    assert timer.phases == {"train": 1.0}


def test_interpreter_start_prefers_the_parents_spawn_time(monkeypatch):
    monkeypatch.setenv(timing.SPAWN_ENV, "123.5")
    assert timing.interpreter_start() == (123.5, "parent")


def test_interpreter_start_from_proc_is_in_the_past(monkeypatch):
    import time

    monkeypatch.delenv(timing.SPAWN_ENV, raising=False)
    started, source = timing.interpreter_start()
    assert source in {"proc", "module"}
    assert started <= time.monotonic()
