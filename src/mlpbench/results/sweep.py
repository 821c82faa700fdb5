"""A sweep's analysis: the time per step at every point, where each target overtakes the CPU (per
step and for the whole job), the steps needed to repay start-up, and a cost model per target.

A crossover is claimed only between points that decide it: per step, the points' samples are
compared with the one rule of ``stats.compare``; for the whole job, the same rule reads the
derived samples (each warm sample's time per step times the configured steps, plus the target's
one-off costs), and a point counts as decided only where its steps are decided the same way: the
one-off costs come from one cold run per target, taken as exact, so they may move where the whole
job crosses but cannot decide a point by themselves. Everything here is derived from the sweep's
records when a file is read.
"""

from __future__ import annotations

import itertools
import math
import statistics

import msgspec

from mlpbench.results.analysis import Analysis, split_checks
from mlpbench.results.model import Measurement, Results, SweepPlan, SweepPoint, Target, point_key, point_label
from mlpbench.stats.compare import Comparison, Verdict, compare
from mlpbench.stats.crossover import (CostModel, Crossover, break_even_steps, crossover_point, fit_cost_model,
                                      loglog_interpolator, predicted_crossover)

MIN_POINTS_FOR_MODEL = 3  # two points fit any line exactly: no test of the model
PROCESS_ONE_OFF = ("import", "device_check", "process_group", "device_init", "setup", "first_optimizer")
POINT_ONE_OFF = ("data", "to_device", "compile")
# The same work whatever the device (importing torch; the first torch.optim optimizer, which imports
# torch._dynamo). Each target's one-off costs are measured in one cold run, so a difference in these
# between targets is that run's noise, not the device (on the H200: import 3.92 s against 3.28 s, which
# alone made the GPU's "extra" one-off cost 0.75 s instead of 0.09 s): they are pooled, the median of
# every target's one-off run standing for each.
SHARED_ONE_OFF = ("import", "first_optimizer")


class Row(msgspec.Struct, frozen=True):
    """One target at one point."""

    point: dict[str, float]
    target: Target
    status: str
    per_step: Measurement | None = None  # seconds per update, from the warm samples
    flops_per_step: float | None = None
    reason: str | None = None
    one_off: float | None = None  # the one-off costs the whole job adds to its steps
    steps: int = 0  # the configured job's updates

    @property
    def end_to_end(self) -> tuple[float, float, float] | None:
        """The configured job, derived: (median, low, high) from the per-step median and its interval."""
        if self.per_step is None or self.one_off is None:
            return None
        low, high = self.per_step.stats.ci
        return tuple(self.one_off + self.steps * s for s in (self.per_step.median, low, high))  # type: ignore[return-value]

    @property
    def whole_job_samples(self) -> list[float]:
        """The configured job derived from each warm sample (the one-off costs measured once)."""
        if self.per_step is None or self.one_off is None:
            return []
        return [self.one_off + self.steps * s for s in self.per_step.samples]

    @property
    def achieved(self) -> float | None:
        return self.flops_per_step / self.per_step.median if self.per_step and self.flops_per_step else None


class Finding(msgspec.Struct, frozen=True):
    """Where ``target`` crosses the baseline along the swept parameter, at fixed other parameters."""

    target: Target
    baseline: Target
    kind: str  # "steady" (per step) or "end_to_end" (the whole configured job, start-up included)
    context: dict[str, float]
    crossover: Crossover
    # (parameter value, "faster" or "slower") where every trial lay apart, yet too few of them to decide
    too_few: tuple[tuple[float, str], ...] = ()
    predicted: float | None = None  # where the cost models cross (steady only, both models fitted)
    models_fit: bool = False


class Repay(msgspec.Struct, frozen=True):
    target: Target
    context: dict[str, float]
    value: float
    steps: float | None  # updates needed to repay the extra one-off costs (0: ahead at once; None: never)


class Inversion(msgspec.Struct, frozen=True):
    """A point whose time per step the work it does cannot explain, against the point before it: decidedly less
    time for more work ("faster"), or decidedly more time than OUTGREW times its growth in work ("outgrew")."""

    target: Target
    context: dict[str, float]
    smaller: float
    larger: float
    smaller_step: float
    larger_step: float
    kind: str = "faster"
    work: float | None = None  # how many times the arithmetic per step grew from the smaller point


# A time per step that grew more than this many times faster than the arithmetic: more than a cache or memory
# cliff explains (those cost a few times per operation), as the contention of a busy machine does.
OUTGREW = 3.0
DERIVED_OFF = 0.25  # a derived whole job this far from the cold process measured at the same point is said


MORE_WORK = ("n", "width", "batch")  # a larger value of these means more arithmetic in every step


class SweepAnalysis:
    def __init__(self, results: Results, analysis: Analysis | None = None) -> None:
        assert isinstance(results.plan, SweepPlan)
        self.results = results
        self.plan = results.plan
        self.analysis = analysis or Analysis(results)
        self.parameter = next(iter(self.plan.vary))
        colds = [c.record for c in results.cold if c.status == "ok" and c.record is not None]
        self.shared = {p: statistics.median(v) for p in SHARED_ONE_OFF
                       if (v := [r.phases[p] for r in colds if p in r.phases])}
        self.rows = [self._row(p) for p in results.points]
        ok_targets = list(dict.fromkeys(r.target for r in self.rows if r.per_step is not None))
        self.targets = ok_targets
        self.baseline = next((t for t in ok_targets if t == Target("cpu", "eager")),
                             next((t for t in ok_targets if t.kind == "cpu"), None))
        self.models = self._models()
        self.findings, self.repay = self._crossovers()

    # ----- rows --------------------------------------------------------------------------------------
    def _per_step(self, point: SweepPoint) -> Measurement | None:
        record = point.record
        if point.status != "ok" or record is None or record.warm is None:
            return None
        first, samples = split_checks(self.analysis.checks.get(id(record), []))
        if first is not None and not first.passed:
            return None
        failed = {c.index - 1 for c in samples if not c.passed}
        m = record.warm.measurement
        kept = [s / point.trial_steps for i, s in enumerate(m.samples) if i not in failed]
        return Measurement(kept, [s / point.trial_steps for s in m.warmup_samples]) if kept else None

    def _row(self, point: SweepPoint) -> Row:
        per_step = self._per_step(point)
        record = point.record
        flops = record.flops_per_step if record is not None else None
        status = point.status if per_step is not None or point.status != "ok" else "mismatch"
        steps = int(point.point.get("steps", self.results.config.steps))
        fixed = self._one_off(point) if per_step is not None else None
        reason = point.error or (point.stderr_tail or "")[-300:] or None
        return Row(point.point, point.target, status, per_step, flops, reason, fixed, steps)

    def _one_off(self, point: SweepPoint) -> float | None:
        """Everything the whole job adds to its steps. Process-level, from the target's cold run (those that do
        not depend on the device pooled over all targets), and the time its process ran after mlpbench's clock
        stopped (``Outcome.exit``: the interpreter's exit, mlpbench's own checks left out; its start is in the
        import phase, timed from the spawn); point-level from the point's run: its data, copies and compile, and the evaluation,
        which the point's size sets and the step count does not."""
        cold = next((c for c in self.results.cold
                     if c.target == point.target and c.status == "ok" and c.record is not None), None)
        if cold is None or cold.record is None or point.record is None or point.record.warm is None:
            return None
        phases = cold.record.phases
        fixed = sum(self.shared[p] if p in self.shared and p in phases else phases.get(p, 0.0) for p in PROCESS_ONE_OFF)
        outside = cold.exit or 0.0
        at_point = sum(point.record.warm.one_off.get(p, 0.0) for p in POINT_ONE_OFF)
        return fixed + outside + at_point + point.record.phases.get("eval", 0.0)

    def missing(self) -> list[tuple[dict[str, float], Target]]:
        """The planned points of every runnable target that have no record at all (a sweep stopped by a
        signal or its time limit before them), in the plan's order."""
        seen = {point_label(p.point) + "|" + p.target.key for p in self.results.points}
        runnable = [t.target for t in self.results.targets if t.status == "ok"]
        return [(point, target) for point in self.plan.points() for target in runnable
                if point_label(point) + "|" + target.key not in seen]

    def failed(self) -> list[Row]:
        return [r for r in self.rows if r.status != "ok"]

    # ----- models ------------------------------------------------------------------------------------
    def _models(self) -> dict[Target, CostModel]:
        if self.parameter == "nproc":
            return {}
        models = {}
        for target in self.targets:
            rows = [r for r in self.rows if r.target == target and r.per_step is not None and r.flops_per_step]
            if len(rows) >= MIN_POINTS_FOR_MODEL:
                models[target] = fit_cost_model([r.flops_per_step for r in rows], [r.per_step.median for r in rows])
        return models

    # ----- crossovers --------------------------------------------------------------------------------
    def contexts(self) -> list[dict[str, float]]:
        others = {k: v for k, v in self.plan.vary.items() if k != self.parameter}
        return [dict(zip(others, combo)) for combo in itertools.product(*others.values())] or [{}]

    def series(self, target: Target, context: dict[str, float]) -> dict[float, Row]:
        return {r.point[self.parameter]: r for r in self.rows if r.target == target and r.per_step is not None
                and all(r.point.get(k) == v for k, v in context.items())}

    def _crossovers(self) -> tuple[list[Finding], list[Repay]]:
        findings: list[Finding] = []
        repay: list[Repay] = []
        base = self.baseline
        if base is None or self.parameter == "nproc":
            return findings, repay
        for target in self.targets:
            if target == base or target.kind == "cpu":
                continue
            for context in self.contexts():
                mine, theirs = self.series(target, context), self.series(base, context)
                xs = sorted(set(mine) & set(theirs))
                if not xs:
                    continue
                steady = [theirs[x].per_step.median / mine[x].per_step.median for x in xs]  # type: ignore[union-attr]
                step_tests = [compare(mine[x].per_step.samples, theirs[x].per_step.samples) for x in xs]  # type: ignore[union-attr]
                finding = Finding(target, base, "steady", context, crossover_point(xs, steady, [c.verdict for c in step_tests]),
                                  too_few=_too_few(xs, step_tests))
                if target in self.models and base in self.models:
                    flops_of = loglog_interpolator(xs, [theirs[x].flops_per_step or math.nan for x in xs])
                    predicted = predicted_crossover(self.models[base], self.models[target], flops_of, xs[0], xs[-1])
                    fit = self.models[base].fits and self.models[target].fits
                    finding = msgspec.structs.replace(finding, predicted=predicted, models_fit=fit)
                findings.append(finding)
                ends = [x for x in xs if mine[x].end_to_end and theirs[x].end_to_end]
                if ends:
                    ratios = [theirs[x].end_to_end[0] / mine[x].end_to_end[0] for x in ends]  # type: ignore[index]
                    tests = [compare(mine[x].whole_job_samples, theirs[x].whole_job_samples) for x in ends]
                    step = dict(zip(xs, [c.verdict for c in step_tests]))
                    # the one-off costs come from one cold run each, taken as exact: they may shift where the
                    # whole job crosses, but decide nothing the steps do not (the same way, at the same point)
                    verdicts: list[Verdict] = [c.verdict if c.verdict == step[x] else "undecided" for x, c in zip(ends, tests)]
                    findings.append(Finding(target, base, "end_to_end", context, crossover_point(ends, ratios, verdicts),
                                            too_few=_too_few(ends, tests)))
                for x in ends:
                    repay.append(Repay(target, context, x, break_even_steps(
                        mine[x].one_off, theirs[x].one_off, mine[x].per_step.median,  # type: ignore[arg-type,union-attr]
                        theirs[x].per_step.median)))  # type: ignore[union-attr]
        return findings, repay

    def growth(self, target: Target, context: dict[str, float], low: float, high: float) -> tuple[float, float] | None:
        """From point ``low`` to point ``high`` of one target (a parameter with more work per step): how
        many times the arithmetic per step grew, and how many times the time per step did."""
        series = self.series(target, context)
        if self.parameter not in MORE_WORK or low not in series or high not in series or low >= high:
            return None
        first, last = series[low], series[high]
        if not first.flops_per_step or not last.flops_per_step or first.per_step is None or last.per_step is None:
            return None
        return last.flops_per_step / first.flops_per_step, last.per_step.median / first.per_step.median

    def inversions(self) -> list[Inversion]:
        """Adjacent points of one target where the larger (more work per step) is decidedly faster, by the
        one rule: the machine may have been busier during the smaller one, or the library chose another
        kernel or thread count at that size; or decidedly slower by far more than its work grew: busier
        during the larger one, or its data outgrew a cache. The data cannot tell which; a reader should know."""
        if self.parameter not in MORE_WORK:
            return []
        out = []
        for target in self.targets:
            for context in self.contexts():
                series = self.series(target, context)
                xs = sorted(series)
                for a, b in zip(xs, xs[1:]):
                    small, large = series[a].per_step, series[b].per_step
                    assert small is not None and large is not None
                    verdict = compare(large.samples, small.samples).verdict
                    if verdict == "faster":
                        out.append(Inversion(target, context, a, b, small.median, large.median))
                    elif verdict == "slower" and (grew := self.growth(target, context, a, b)) is not None \
                            and grew[1] > OUTGREW * max(grew[0], 1.0):
                        out.append(Inversion(target, context, a, b, small.median, large.median, "outgrew", grew[0]))
        return out

    def derivation_gaps(self) -> list[tuple[Row, float, float]]:
        """Where a target's one cold process ran at a swept point (the configuration as given), its measured whole
        process against the whole job derived there, when they differ by more than DERIVED_OFF: the derivation
        counts every step at the warm rate, and a fresh process's first steps ran slower (lazy initialisation,
        cold caches, a busier machine). (row, derived, measured), the derived whole job comparable with it."""
        out = []
        base = self.results.config  # the configuration as given; a point's config holds the steps its trials ran
        at_base = {p.key for p in self.results.points if p.point.get("steps", base.steps) == base.steps
                   and msgspec.structs.replace(p.config, steps=base.steps) == base}
        for row in self.rows:
            if row.end_to_end is None or point_key(row.point, row.target) not in at_base:
                continue
            cold = next((c for c in self.results.cold
                         if c.target == row.target and c.status == "ok" and c.record is not None), None)
            measured = (cold.wall if cold is not None and cold.wall is not None else
                        cold.record.phases.get("total") if cold is not None and cold.record is not None else None)
            derived = row.end_to_end[0]
            if measured and derived and not (1 - DERIVED_OFF) <= derived / measured <= 1 / (1 - DERIVED_OFF):
                out.append((row, derived, measured))
        return out

    # ----- data-parallel sweeps ------------------------------------------------------------------------
    def scaling(self) -> list[tuple[Target, int, float, float, float]]:
        """(target, ranks, per step, speed-up, efficiency) against one rank, for an nproc sweep."""
        out = []
        if self.parameter != "nproc":
            return out
        for target in self.targets:
            rows = {int(r.point["nproc"]): r for r in self.rows if r.target == target and r.per_step is not None}
            if 1 in rows:
                for n, r in sorted(rows.items()):
                    speedup = rows[1].per_step.median / r.per_step.median  # type: ignore[union-attr]
                    out.append((target, n, r.per_step.median, speedup, speedup / n))  # type: ignore[union-attr]
        return out


def _too_few(xs: list[float], tests: list[Comparison]) -> tuple[tuple[float, str], ...]:
    """The points whose trials lay completely apart, yet too few of them for the test to decide, and on
    which side the candidate's trials lay."""
    return tuple((x, "faster" if c.ratio < 1 else "slower") for x, c in zip(xs, tests)
                 if c.verdict == "undecided" and c.too_few_to_tell)
