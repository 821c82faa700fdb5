"""One synchronising clock and a phase timer built on it.

A GPU runs asynchronously: a host clock read without waiting for the device measures the launch
queue, not the work. ``SyncClock.now`` therefore synchronises the device first, exactly like
``torch.utils.benchmark``'s timer. Nothing is synchronised inside a measured region beyond what the
workload itself does. The clock and the sync are injectable so tests can use fake ones.
"""

from __future__ import annotations

import os
import time
from contextlib import contextmanager
from typing import Callable, Iterator

Clock = Callable[[], float]

# Set by a parent process (``mlpbench bench``) to its time.monotonic() right before it starts a
# child, so the child's ``import`` phase includes the interpreter's own start-up exactly.
SPAWN_ENV = "MLPBENCH_SPAWNED_AT"


class SyncClock:
    """``now()`` = wait for the device, then read a monotonic host clock (seconds)."""

    def __init__(self, sync: Callable[[], None] | None = None, clock: Clock = time.perf_counter) -> None:
        self._sync = sync or (lambda: None)
        self._clock = clock

    def now(self) -> float:
        self._sync()
        return self._clock()


class PhaseTimer:
    """Accumulates named phases, in seconds, in the order they were first timed."""

    def __init__(self, clock: SyncClock) -> None:
        self.clock = clock
        self.phases: dict[str, float] = {}

    @contextmanager
    def phase(self, name: str) -> Iterator[None]:
        start = self.clock.now()
        try:
            yield
        finally:
            self.record(name, self.clock.now() - start)

    def record(self, name: str, seconds: float) -> None:
        self.phases[name] = self.phases.get(name, 0.0) + seconds

    def split(self, name: str, part: str, seconds: float) -> None:
        """Move ``seconds`` of phase ``name`` into its own phase ``part`` (measured inside it)."""
        if seconds > 0 and name in self.phases:
            seconds = min(seconds, self.phases[name])
            self.phases[name] -= seconds
            self.record(part, seconds)


def interpreter_start() -> tuple[float, str]:
    """When this Python process started, on the ``time.monotonic`` timeline, and how we know.

    In order of precision: the parent's spawn time (bench children), the kernel's record of the
    process start (Linux, 10 ms resolution), or the moment mlpbench was first imported.
    """
    spawned = os.environ.get(SPAWN_ENV)
    if spawned:
        try:
            return float(spawned), "parent"
        except ValueError:
            pass
    started = _proc_start_monotonic()
    if started is not None:
        return started, "proc"
    from mlpbench._started import MODULE_LOADED_AT

    return MODULE_LOADED_AT, "module"


def _proc_start_monotonic() -> float | None:
    try:
        with open("/proc/self/stat", "rb") as fh:
            stat = fh.read().decode()
        fields = stat[stat.rindex(")") + 2:].split()
        start_ticks = int(fields[19])  # field 22, starttime, in clock ticks since boot
        ticks = os.sysconf("SC_CLK_TCK")
        age = time.clock_gettime(time.CLOCK_BOOTTIME) - start_ticks / ticks
    except (OSError, ValueError, IndexError, AttributeError):
        return None
    if not 0 <= age < 3600:
        return None
    return time.monotonic() - age


class FirstCall:
    """Times the first call of ``owner.attribute`` made while active (e.g. the first torch.optim
    optimizer's construction, which imports torch._dynamo) and notes which modules it loaded."""

    def __init__(self, owner: object, attribute: str, clock: Clock = time.perf_counter) -> None:
        self.owner, self.attribute, self.clock = owner, attribute, clock
        self.seconds = 0.0
        self.loaded: list[str] = []
        self._original = getattr(owner, attribute)

    def __enter__(self) -> "FirstCall":
        import sys

        original, done = self._original, []

        def wrapper(*args, **kwargs):
            if done:
                return original(*args, **kwargs)
            done.append(True)
            before = set(sys.modules)
            start = self.clock()
            try:
                return original(*args, **kwargs)
            finally:
                self.seconds = self.clock() - start
                self.loaded = sorted(m for m in set(sys.modules) - before if m.count(".") <= 1)

        setattr(self.owner, self.attribute, wrapper)
        return self

    def __exit__(self, *exc: object) -> None:
        setattr(self.owner, self.attribute, self._original)
