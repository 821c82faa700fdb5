"""Repeated in-process measurement (warm trials): warm-ups kept apart, then trials until stable.

Pure logic over an injectable clock, so the stopping rule is tested with fake clocks. This is the
one stopping rule of mlpbench: bench's warm trials, sweep points and data-parallel ranks all use it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Literal

from mlpbench.measure.clock import SyncClock
from mlpbench.stats.summary import TARGET_REL_IQR, relative_iqr

StoppedBy = Literal["converged", "time", "max_runs"]
MIN_FOR_SPREAD = 3  # the IQR of one sample is 0 and of two half their range: neither says the runs agree


@dataclass
class RepeatedResult:
    samples: list[float] = field(default_factory=list)
    warmup_samples: list[float] = field(default_factory=list)
    outputs: list[Any] = field(default_factory=list)  # what each measured call returned
    stopped_by: StoppedBy = "max_runs"

    @property
    def converged(self) -> bool:
        return self.stopped_by == "converged"


def measure_repeated(
    run_once: Callable[[], Any],
    prepare: Callable[[], None],
    clock: SyncClock,
    *,
    warmup: int,
    min_runs: int,
    max_runs: int,
    max_time: float,
    target_rel_iqr: float = TARGET_REL_IQR,
    after: Callable[[Any], Any] | None = None,
    agree: Callable[[StoppedBy | None], StoppedBy | None] | None = None,
) -> RepeatedResult:
    """Time ``run_once`` after ``prepare`` (untimed) until the spread is small enough.

    ``warmup`` calls come first and are recorded apart. Then at least ``min_runs`` measured calls;
    after that, stop as soon as IQR / median < ``target_rel_iqr`` over 3 or more ("converged"), or when
    ``max_time`` seconds have passed since measuring began ("time"), or at ``max_runs``.
    ``after(output)`` runs untimed after each measured call and its value is kept in ``outputs``
    (e.g. an evaluation of the trained model). ``agree`` turns this process's decision into the
    one every process of a data-parallel run takes (rank 0's), so all ranks stop together.
    """
    result = RepeatedResult()
    for _ in range(warmup):
        prepare()
        start = clock.now()
        run_once()
        result.warmup_samples.append(clock.now() - start)
    began = clock.now()
    while len(result.samples) < max_runs:
        prepare()
        start = clock.now()
        output = run_once()
        end = clock.now()
        result.samples.append(end - start)
        result.outputs.append(after(output) if after else output)
        decision: StoppedBy | None = None
        if len(result.samples) >= min_runs:
            if len(result.samples) >= MIN_FOR_SPREAD and relative_iqr(result.samples) < target_rel_iqr:
                decision = "converged"
            elif end - began >= max_time:
                decision = "time"
        if agree is not None:
            decision = agree(decision)
        if decision is not None:
            result.stopped_by = decision
            break
    return result
