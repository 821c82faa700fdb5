"""Where one device overtakes another: crossovers that claim only what the points decide, a
per-device cost model, and break-even steps.

Pure functions on numbers, tested on synthetic data with known answers.
"""

from __future__ import annotations

import math
from typing import Callable, Literal, Sequence

import msgspec
import numpy as np

from mlpbench.stats.compare import Verdict

Where = Literal["inside", "between", "faster_throughout", "slower_throughout", "mixed", "undecided"]


class Crossover(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """Where a candidate's speed-up over a baseline crosses 1 along a swept parameter.

    ``where``:
      inside             two adjacent points decide opposite ways; ``value`` is interpolated between them
      between            the sign changes, but undecided points lie between the last decided point of one
                         side and the first of the other: the crossover is somewhere in ``bracket``, not resolved
      faster_throughout  every point decides the candidate is faster (the crossover lies below the range)
      slower_throughout  every point decides it is slower (the crossover, if any, lies above the range)
      mixed              the decided points change sides more than once (faster, slower, faster): no one
                         crossover, and no side of one, can be named
      undecided          no point, or only one side, or a single point is decided: the data do not locate a
                         crossover (the H200 sweep, cut after n = 128,000, must not say "faster throughout")
    ``direction``: "overtakes" (faster above the crossover) or "falls_behind" (faster below it).
    """

    where: Where
    low: float  # the swept range
    high: float
    value: float | None = None
    bracket: tuple[float, float] | None = None
    direction: Literal["overtakes", "falls_behind"] | None = None
    decided_faster: tuple[float, ...] = ()  # parameter values where the candidate is decided faster
    decided_slower: tuple[float, ...] = ()


def _sign(verdict: str) -> int:
    return {"faster": 1, "slower": -1}.get(verdict, 0)


def crossover_point(xs: Sequence[float], speedups: Sequence[float], verdicts: Sequence[Verdict] | None = None) -> Crossover:
    """Locate where ``speedup`` (baseline time / candidate time) crosses 1, claiming no more than the
    per-point ``verdicts`` decide ("faster", "slower", "undecided"; default: the sign of speedup - 1).

    Between two adjacent decided points of opposite sign, log(speedup) is taken as linear in log(x)
    (power laws are straight lines in log-log space).
    """
    if verdicts is None:
        verdicts = ["faster" if s > 1 else "slower" if s < 1 else "undecided" for s in speedups]
    rows = sorted((float(x), float(s), v) for x, s, v in zip(xs, speedups, verdicts)
                  if x > 0 and s > 0 and math.isfinite(s))
    if not rows:
        raise ValueError("no valid points")
    low, high = rows[0][0], rows[-1][0]
    faster = tuple(x for x, _, v in rows if v == "faster")
    slower = tuple(x for x, _, v in rows if v == "slower")
    common = dict(low=low, high=high, decided_faster=faster, decided_slower=slower)
    decided = [(i, x, s, _sign(v)) for i, (x, s, v) in enumerate(rows) if _sign(v)]
    if sum(g1 != g2 for (*_, g1), (*_, g2) in zip(decided, decided[1:])) > 1:
        return Crossover("mixed", **common)  # "faster only below" would be false above the second change
    for (i1, x1, s1, g1), (i2, x2, s2, g2) in zip(decided, decided[1:]):
        if g1 == g2:
            continue
        direction = "overtakes" if g2 > g1 else "falls_behind"
        if i2 == i1 + 1 and (s1 - 1) * (s2 - 1) < 0:
            l1, l2 = math.log(s1), math.log(s2)
            lx = math.log(x1) + (0 - l1) * (math.log(x2) - math.log(x1)) / (l2 - l1)
            return Crossover("inside", value=math.exp(lx), bracket=(x1, x2), direction=direction, **common)
        return Crossover("between", bracket=(x1, x2), direction=direction, **common)
    if len(rows) > 1 and len(decided) == len(rows):  # one point is not a range: it places nothing
        return Crossover("faster_throughout" if decided[0][3] > 0 else "slower_throughout", **common)
    return Crossover("undecided", **common)


GOOD_R2, GOOD_ERROR = 0.9, 0.25  # a cost model whose predictions may be quoted


class CostModel(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """time per step ≈ overhead + FLOPs / throughput, fitted by least squares."""

    overhead_s: float  # fixed time per step (launches, dispatch, Python)
    flops_per_s: float  # achieved throughput on the arithmetic (inf: no arithmetic term)
    r2: float  # on the measured per-step times
    max_rel_error: float
    points: int

    def predict(self, flops: float) -> float:
        return self.overhead_s + flops / self.flops_per_s

    @property
    def fits(self) -> bool:
        """Good enough to quote its predictions: R² >= 0.9 and no point off by more than 25 %."""
        return self.r2 >= GOOD_R2 and self.max_rel_error <= GOOD_ERROR


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
    design = np.column_stack([1.0 / t, f / t])
    (a, c), _ = nnls(design, np.ones_like(t))
    predicted = a + c * f
    residual = float(np.sum((t - predicted) ** 2))
    total = float(np.sum((t - t.mean()) ** 2))
    r2 = 1.0 - residual / total if total > 0 else 1.0
    rate = 1.0 / c if c > 0 else math.inf
    return CostModel(float(a), rate, r2, float(np.max(np.abs(predicted - t) / t)), len(f))


def loglog_interpolator(xs: Sequence[float], ys: Sequence[float]) -> Callable[[float], float]:
    """y(x) through measured points, linear in log-log space, extended along the end segments.

    FLOPs per step against n, width or batch are power laws, so this recovers them exactly from
    two points and lets a cost model be evaluated between (and a little beyond) measured points.
    """
    pairs = sorted({(float(x), float(y)) for x, y in zip(xs, ys) if x > 0 and y > 0})
    if not pairs:
        raise ValueError("no positive points")
    if len(pairs) == 1:
        x0, y0 = pairs[0]
        return lambda x: y0 * x / x0  # one point: assume proportionality
    lx = np.log([p[0] for p in pairs])
    ly = np.log([p[1] for p in pairs])

    def at(x: float) -> float:
        v = math.log(x)
        i = int(np.clip(np.searchsorted(lx, v) - 1, 0, len(lx) - 2))
        slope = (ly[i + 1] - ly[i]) / (lx[i + 1] - lx[i])
        return float(math.exp(ly[i] + slope * (v - lx[i])))

    return at


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


def break_even_steps(fixed_candidate: float, fixed_baseline: float, step_candidate: float,
                     step_baseline: float) -> float | None:
    """Steps after which a candidate with higher one-off costs but cheaper steps has caught up
    (0: it is ahead from the first step; None: its steps are not cheaper, so never)."""
    if step_candidate >= step_baseline:
        return None
    return max(0.0, (fixed_candidate - fixed_baseline) / (step_baseline - step_candidate))
