"""Where one device overtakes another: crossover interpolation and a per-device cost model.

Pure functions on numbers, tested on synthetic data with known answers.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Callable, Sequence

import numpy as np


@dataclass
class Crossover:
    value: float | None  # parameter value where the speedup crosses 1, or None
    where: str  # "inside" (between two measured points), "at_point", "gpu_faster_throughout", "cpu_faster_throughout"
    low: float  # the swept range
    high: float
    bracket: tuple[float, float] | None = None
    direction: str | None = None  # "overtakes": faster above the crossover; "falls_behind": faster below it

    def to_json(self) -> dict:
        data = asdict(self)
        data["bracket"] = list(self.bracket) if self.bracket else None
        return data


def crossover_point(xs: Sequence[float], speedups: Sequence[float]) -> Crossover:
    """First value of x where ``speedup`` (baseline time / candidate time) crosses 1.

    ``direction`` says which way: "overtakes" when the candidate is faster above the crossover
    (the speed-up rises through 1), "falls_behind" when it is faster below it.

    Between the two bracketing points, log(speedup) is taken as linear in log(x) (power laws are
    straight lines in log-log space). Points are sorted by x. If the speedup never crosses 1, say
    on which side it stayed.
    """
    pairs = sorted((float(x), float(s)) for x, s in zip(xs, speedups) if x > 0 and s > 0 and math.isfinite(s))
    if not pairs:
        raise ValueError("no valid points")
    low, high = pairs[0][0], pairs[-1][0]
    for i, (x, s) in enumerate(pairs):
        if s == 1.0:
            after = next((t for _, t in pairs[i + 1:] if t != 1.0), None)
            before = next((t for _, t in reversed(pairs[:i]) if t != 1.0), None)
            rising = (after is not None and after > 1) or (after is None and before is not None and before < 1)
            return Crossover(x, "at_point", low, high, (x, x), "overtakes" if rising else "falls_behind")
    for (x1, s1), (x2, s2) in zip(pairs, pairs[1:]):
        if (s1 - 1) * (s2 - 1) < 0:
            l1, l2 = math.log(s1), math.log(s2)
            lx = math.log(x1) + (0 - l1) * (math.log(x2) - math.log(x1)) / (l2 - l1)
            return Crossover(math.exp(lx), "inside", low, high, (x1, x2), "overtakes" if s2 > s1 else "falls_behind")
    side = "gpu_faster_throughout" if pairs[0][1] > 1 else "cpu_faster_throughout"
    return Crossover(None, side, low, high)


@dataclass
class CostModel:
    overhead_s: float  # fixed time per step (launches, dispatch, Python)
    flops_per_s: float  # achieved throughput on the arithmetic
    r2: float  # on the measured per-step times
    max_rel_error: float

    def predict(self, flops: float) -> float:
        return self.overhead_s + flops / self.flops_per_s

    def to_json(self) -> dict:
        return asdict(self)


def fit_cost_model(flops: Sequence[float], seconds: Sequence[float]) -> CostModel:
    """Least squares for time per step = overhead + FLOPs / throughput, both non-negative.

    Weighted by 1/time so every point counts by its relative error (the times span orders of
    magnitude; unweighted, the largest point would decide alone).
    """
    from scipy.optimize import nnls

    f = np.asarray(flops, dtype=float)
    t = np.asarray(seconds, dtype=float)
    if len(f) < 2:
        raise ValueError("a cost model needs at least two points")
    A = np.column_stack([1.0 / t, f / t])
    (a, c), _ = nnls(A, np.ones_like(t))
    predicted = a + c * f
    residual = float(np.sum((t - predicted) ** 2))
    total = float(np.sum((t - t.mean()) ** 2))
    r2 = 1.0 - residual / total if total > 0 else 1.0
    rate = 1.0 / c if c > 0 else math.inf
    return CostModel(float(a), rate, r2, float(np.max(np.abs(predicted - t) / t)))


def predicted_crossover(baseline: CostModel, candidate: CostModel, flops_of: Callable[[float], float],
                        low: float, high: float) -> float | None:
    """The parameter value where the two models predict equal time per step, searched over
    [low/100, high*100] on a log grid (the model may extrapolate a little beyond the sweep)."""
    grid = np.geomspace(max(low / 100, 1e-12), high * 100, 4000)
    diff = np.array([baseline.predict(flops_of(x)) - candidate.predict(flops_of(x)) for x in grid])
    sign = np.sign(diff)
    changes = np.flatnonzero(sign[:-1] * sign[1:] < 0)
    if len(changes) == 0:
        return None
    i = int(changes[0])
    x1, x2, d1, d2 = grid[i], grid[i + 1], diff[i], diff[i + 1]
    return float(math.exp(math.log(x1) + (0 - d1) * (math.log(x2) - math.log(x1)) / (d2 - d1)))


def break_even_steps(fixed_candidate: float, fixed_baseline: float, step_candidate: float, step_baseline: float) -> float | None:
    """Steps after which a candidate with higher one-off costs but cheaper steps has caught up."""
    if step_candidate >= step_baseline:
        return None
    return max(0.0, (fixed_candidate - fixed_baseline) / (step_baseline - step_candidate))
