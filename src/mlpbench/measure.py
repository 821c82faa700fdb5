"""Repeated in-process measurement (warm trials): warm-ups kept apart, then trials until stable.

Pure logic over an injectable clock, so the stopping rule is tested with fake clocks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from mlpbench.timing import SyncClock

TARGET_REL_IQR = 0.05  # stop once the IQR is under 5 % of the median


@dataclass
class RepeatedResult:
    samples: list[float] = field(default_factory=list)
    warmup_samples: list[float] = field(default_factory=list)
    outputs: list[Any] = field(default_factory=list)  # what each measured call returned
    stopped_by: str = "max_runs"  # "converged" | "time" | "max_runs"

    @property
    def converged(self) -> bool:
        return self.stopped_by == "converged"


def relative_iqr(samples: list[float]) -> float:
    q1, median, q3 = np.percentile(samples, [25, 50, 75])
    return float((q3 - q1) / median) if median > 0 else float("inf")


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
) -> RepeatedResult:
    """Time ``run_once`` after ``prepare`` (untimed) until the spread is small enough.

    ``warmup`` calls come first and are recorded apart. Then at least ``min_runs`` measured calls;
    after that, stop as soon as IQR / median < ``target_rel_iqr`` ("converged"), or when
    ``max_time`` seconds have passed since measuring began ("time"), or at ``max_runs``.
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
        result.outputs.append(output)
        if len(result.samples) >= min_runs:
            if relative_iqr(result.samples) < target_rel_iqr:
                result.stopped_by = "converged"
                break
            if end - began >= max_time:
                result.stopped_by = "time"
                break
    return result
