"""From the raw records of a results file to what can be said about them: measurements, the
baseline, comparisons, per-step times, notices and data-parallel scaling.

Nothing here is stored: it is derived from the samples every time a file is read, and every run
whose losses fail their check (``results.checks``) is left out of every statistic.
"""

from __future__ import annotations

import functools
from typing import Iterable

import msgspec
import numpy as np

from mlpbench.results.checks import LossCheck, check_all, scripts_agreement
from mlpbench.results.model import (Measurement, Results, RunRecord, StepProfile, SweepPoint, Target, WarmSet,
                                    point_label)
from mlpbench.stats.compare import Comparison, compare
from mlpbench.stats.crossover import break_even_steps

# Phases in the order a job and a script run them (the job's first optimizer after its setup, as `mlpbench run`
# prints them); "exit" is what the parent saw after the last phase inside (``Outcome.exit``: the record's writing
# and the interpreter's exit), "seed_time" the figure the run printed about itself, "wall" the parent's outside view
# of the whole process (fork/exec to exit).
PHASE_ORDER = ("interpreter", "import", "import_torch", "device_check", "process_group", "device_init", "cuda_init",
               "data", "to_device", "setup", "first_optimizer", "compile", "train", "eval", "rest", "total",
               "after", "exit", "seed_time", "wall")
# figures that are no phase of the time inside the process; "after" is mlpbench's own work after the job's total
# (the model's probes, its FLOP count), no cost of the user's job
NOT_INSIDE = ("total", "after", "exit", "seed_time", "wall")
ONE_OFF_PHASES = ("import", "device_check", "process_group", "device_init", "data", "to_device", "setup", "compile",
                  "interpreter", "import_torch", "cuda_init", "first_optimizer")
START_UP_PHASES = ("import", "device_check", "process_group", "device_init", "setup", "compile", "interpreter",
                   "import_torch", "cuda_init", "first_optimizer")
HEADLINE = (("cold", "wall"), ("cold", "total"), ("cold", "seed_time"), ("warm", "train"))
MATERIAL_SHARE = 0.05  # a phase's caveats are worth reading when it takes 5 % of its target's total
BUSY_LOAD = 0.5  # others' load (the load average less mlpbench's own process) per usable core that makes a machine busy
APART = 3.0  # a cold step this many times a warm one (or a third of it) is more than one-off costs explain


class Notice(msgspec.Struct, frozen=True):
    """A caveat placed: which target and figure it concerns (or the whole run), its code and values."""

    code: str
    values: dict[str, float | int | str] = {}
    target: Target | None = None
    mode: str | None = None
    phases: tuple[str, ...] = ()


class ScalingRow(msgspec.Struct, frozen=True):
    device: str
    ranks: int
    train_s: float
    mode: str  # "warm" or "cold": which loop time
    speedup: float
    efficiency: float
    allreduce_share: float | None
    process_group: str | None
    verdict: str | None = None  # the rule on the train samples against the fewest ranks (None: that row itself)


def ordered_phases(names: Iterable[str]) -> list[str]:
    names = set(names)
    return [p for p in PHASE_ORDER if p in names] + sorted(names - set(PHASE_ORDER))


def _passed(checks: list[LossCheck]) -> bool:
    return all(c.passed for c in checks)


class Analysis:
    """Everything derived from one results file, computed once when asked."""

    def __init__(self, results: Results) -> None:
        self.results = results
        self.checks = check_all(results)
        self.targets: list[Target] = list(dict.fromkeys(
            [t.target for t in results.targets if t.status == "ok"]
            + [t.target for t in results.cold] + [w.target for w in results.warm]))
        self.measurements: dict[tuple[Target, str, str], Measurement] = {}
        self.no_phase: dict[Target, list[float]] = {}  # per cold trial: the time inside the process in no phase
        self._cold()
        self._warm()
        measured = list(dict.fromkeys(t for t, _, _ in self.measurements))
        self.targets = [t for t in self.targets if t in measured] + [t for t in measured if t not in self.targets]
        self.baseline = choose_baseline(self.targets)

    # ----- measurements -------------------------------------------------------------------------------
    def _cold(self) -> None:
        for target in dict.fromkeys(t.target for t in self.results.cold):
            ok = [t for t in self.results.cold if t.target == target and t.status == "ok" and t.record is not None
                  and _passed(self.checks.get(id(t.record), []))]
            if not ok:
                continue
            samples: dict[str, list[float]] = {}
            for trial in ok:
                assert trial.record is not None
                values = dict(trial.record.phases)
                if "total" in values:  # each trial's own time in no phase (the medians of its parts need not add up)
                    unphased = values["total"] - sum(v for p, v in values.items() if p not in NOT_INSIDE)
                    self.no_phase.setdefault(target, []).append(max(unphased, 0.0))
                if trial.record.seed_time is not None:
                    values["seed_time"] = trial.record.seed_time
                if trial.wall is not None:
                    values["wall"] = trial.wall
                if trial.exit is not None:
                    values["exit"] = trial.exit
                if trial.record.after_total > 0:
                    values["after"] = trial.record.after_total
                for phase, value in values.items():
                    samples.setdefault(phase, []).append(value)
            for phase in ordered_phases(samples):
                self.measurements[(target, "cold", phase)] = Measurement(samples[phase])

    def _warm(self) -> None:
        for warm in self.results.warm:
            record = warm.record
            if warm.status != "ok" or record is None or record.warm is None:
                continue
            first, samples = split_checks(self.checks.get(id(record), []))
            if first is not None and not first.passed:
                continue  # the first run computed something else: none of its samples count
            failed = {c.index - 1 for c in samples if not c.passed}
            m = record.warm.measurement
            kept = [s for i, s in enumerate(m.samples) if i not in failed]
            if kept:
                self.measurements[(warm.target, "warm", "train")] = Measurement(kept, m.warmup_samples)

    def find(self, target: Target, mode: str, phase: str) -> Measurement | None:
        return self.measurements.get((target, mode, phase))

    def phases_of(self, target: Target, mode: str = "cold") -> list[str]:
        return [p for (t, m, p) in self.measurements if t == target and m == mode]

    def warm_set(self, target: Target) -> WarmSet | None:
        return next((w for w in self.results.warm if w.target == target), None)

    def first_run(self, target: Target) -> RunRecord | None:
        return self.results.first_run(target)

    # ----- comparisons --------------------------------------------------------------------------------
    @functools.lru_cache(maxsize=None)
    def comparison(self, target: Target, mode: str, phase: str, against: Target | None = None) -> Comparison | None:
        """``target`` against ``against`` (default: the baseline) on one figure; never a target with itself."""
        other = against or self.baseline
        if other is None or other == target:
            return None
        mine, theirs = self.find(target, mode, phase), self.find(other, mode, phase)
        if mine is None or theirs is None or theirs.median <= 0:
            return None
        return compare(mine.samples, theirs.samples)

    def comparisons(self, headline_only: bool = True) -> list[tuple[Target, str, str, Comparison]]:
        figures = list(HEADLINE) if headline_only else list(dict.fromkeys(
            list(HEADLINE) + [(m, p) for (_, m, p) in self.measurements if m == "cold"]))
        out = []
        for target in self.targets:
            for mode, phase in figures:
                c = self.comparison(target, mode, phase)
                if c is not None:
                    out.append((target, mode, phase, c))
        return out

    # ----- per step and break-even: the one home of each --------------------------------------------------
    def steps(self, target: Target) -> int | None:
        record = self.first_run(target)
        config = record.config if record is not None and record.config is not None else None
        return config.steps if config is not None else (None if target.is_script else self.results.config.steps)

    def per_step(self, target: Target, mode: str | None = None) -> tuple[float, str] | None:
        """Time per update and where it comes from: the warm loop if measured, else the cold trials' train
        phase (``mode`` forces one). Never one figure from one and another from the other unasked."""
        steps = self.steps(target)
        if steps is None:
            return None
        for m in ([mode] if mode else ["warm", "cold"]):
            found = self.find(target, m, "train")
            if found is not None:
                return found.median / steps, m
        return None

    def fixed_cost(self, target: Target, steps_from: str = "cold") -> float | None:
        """In-process time of a cold trial not explained by its steps at the ``steps_from`` per-step time:
        start-up, setup, data, evaluation (and, against warm steps, what the cold loop spent beyond them)."""
        total, step = self.find(target, "cold", "total"), self.per_step(target, steps_from)
        steps = self.steps(target)
        if total is None or step is None or steps is None:
            return None
        return total.median - steps * step[0]

    def break_even(self, fast: Target, slow: Target, saving: str = "cold") -> float | None:
        """Steps after which ``fast`` (cheaper per step, dearer to start) has caught up with ``slow``: the
        one-off costs from the cold trials, the saving per step from the ``saving`` ones ("cold" or "warm")."""
        pf, ps = self.per_step(fast, saving), self.per_step(slow, saving)
        ff, fs = self.fixed_cost(fast, saving), self.fixed_cost(slow, saving)  # the cold total: one-offs + steps
        if pf is None or ps is None or ff is None or fs is None:
            return None
        return break_even_steps(ff, fs, pf[0], ps[0])

    def _phase_medians(self, target: Target) -> dict[str, float]:
        return {p: self.find(target, "cold", p).median  # type: ignore[union-attr]
                for p in self.phases_of(target) if p not in NOT_INSIDE}

    def in_no_phase(self, target: Target) -> float:
        """The median over a target's cold trials of each one's time in no phase (its total less its phases):
        the medians of the phases subtracted from the median total invent a gap no trial had."""
        values = self.no_phase.get(target)
        return float(np.median(values)) if values else 0.0

    def phase_sum(self, target: Target) -> float:
        """The medians of a target's cold phases added up (not the median of their total)."""
        return sum(self._phase_medians(target).values())

    def phase_shares(self, target: Target) -> dict[str, float]:
        """Each cold phase's share of the in-process time (medians).

        The medians of the phases need not add up to the median of their total, so the share is of
        the larger of the two: the shares then never add up to more than 100 %."""
        total = self.find(target, "cold", "total")
        if total is None or total.median <= 0:
            return {}
        medians = self._phase_medians(target)
        whole = max(total.median, sum(medians.values()))
        return {p: m / whole for p, m in medians.items()}

    def start_up_share(self, target: Target) -> float | None:
        shares = self.phase_shares(target)
        return sum(v for p, v in shares.items() if p in START_UP_PHASES) if shares else None

    # ----- notices ------------------------------------------------------------------------------------
    def failed_checks(self) -> list[LossCheck]:
        return [c for checks in self.checks.values() for c in checks if not c.passed]

    @functools.cached_property
    def checked_own(self) -> bool:
        """The model draws random numbers as it trains: its runs were checked against their own target's first
        run, not across targets (one workload per file, so it holds for every check or none)."""
        return any(c.own for checks in self.checks.values() for c in checks)

    @functools.cached_property
    def scripts_checks(self) -> list[LossCheck]:
        """Every run of the user's scripts against the first script's first run (informative: it excludes nothing)."""
        return scripts_agreement(self.results)

    def busy(self) -> Notice | None:
        """The machine was already busy as the run began: others' load (less mlpbench's own process) of
        at least BUSY_LOAD per usable core."""
        env = self.results.env
        cores = env.cpu_usable or env.cpu_count
        if env.cpu_busy is not None:  # measured now, not still counting a run that just ended (the load average)
            return Notice("busy_now", {"share": 100 * env.cpu_busy}) if env.cpu_busy >= BUSY_LOAD else None
        if env.load_average is not None and cores and env.load_average - 1 >= BUSY_LOAD * cores:
            return Notice("busy", {"load": env.load_average, "cores": cores})
        return None

    def profile(self, target: Target) -> StepProfile | None:
        """The profile of a few warm steps of ``target`` (after its timed trials), if one was taken."""
        warm = self.warm_set(target)
        return warm.record.profile if warm is not None and warm.record is not None else None

    def busy_share(self, target: Target) -> float | None:
        """The share of a warm step the device spent computing (its profile's busy time over the warm step's
        median), at most 1: kernels timed under the profiler can add up to a little more than a step timed
        without it (a JAX step on an H200: 35.8 µs of kernels against a 35.4 µs step)."""
        profile, step = self.profile(target), self.per_step(target, "warm")
        if profile is None or profile.busy_s is None or step is None or step[0] <= 0:
            return None
        return min(1.0, profile.busy_s / step[0])

    def notices(self) -> list[Notice]:
        """What a careful reader should know: about the run as a whole, then about its figures (only
        material ones: the headline figures and phases of at least 5 % of their target's total)."""
        r = self.results
        found: list[Notice] = []
        if r.interrupted:
            found.append(Notice("interrupted", {"signal": r.interrupted}))
        elif not r.complete:
            found.append(Notice("incomplete"))
        if r.skipped:
            found.append(Notice("skipped", {"count": len(r.skipped), "items": "; ".join(r.skipped[:20])}))
        if (busy := self.busy()) is not None:
            found.append(busy)
        for target in self.targets:
            cold, warm = self.per_step(target, "cold"), self.per_step(target, "warm")
            if cold and warm and not 1 / APART <= cold[0] / warm[0] <= APART:
                found.append(Notice("cold_warm_apart", {"ratio": cold[0] / warm[0], "cold_us": cold[0] * 1e6,
                                                        "warm_us": warm[0] * 1e6}, target))
        for trial in [*r.cold, *r.warm, *r.points]:
            if trial.status not in ("ok",) and isinstance(trial, SweepPoint):  # the point, not a cold run
                found.append(Notice(f"point_{trial.status}", {"error": (trial.error or "")[:300],
                                                              "point": point_label(trial.point)}, trial.target, "sweep"))
            elif trial.status not in ("ok",):
                found.append(Notice(f"run_{trial.status}", {"error": (trial.error or "")[:300]}, trial.target,
                                    "warm" if isinstance(trial, WarmSet) else "cold"))
        found += self._noisy_points()
        failed = self.failed_checks()
        for target in dict.fromkeys(c.target for c in failed if c.inconsistent):  # one line: its runs disagree
            mine = [c for c in failed if c.target == target]
            found.append(Notice("runs_disagree", {"n": len(mine), "worst": max(c.worst for c in mine)}, target))
        for check in (c for c in failed if not c.inconsistent):
            found.append(Notice("loss_mismatch_own" if check.own else "loss_mismatch", {
                "run": check.run, "index": check.index, "point": check.point, "early": check.worst_early,
                "worst": check.worst, "tol_early": check.tolerance[0], "tol_late": check.tolerance[1]}, check.target))
        for warm in r.warm:
            if (warm.status == "ok" and warm.record is not None and warm.record.warm is not None
                    and warm.record.warm.stopped_by != "converged"):  # a failed set's own line says why it stopped
                limit = "time" if warm.record.warm.stopped_by == "time" else "runs"
                found.append(Notice(f"not_converged_{limit}", {}, warm.target, "warm", ("train",)))
        grouped: dict[tuple, list[str]] = {}
        for (target, mode, phase), m in self.measurements.items():
            total = self.find(target, "cold", "total")
            if phase in ("exit", "after"):  # outside the process's own phases (their spread is the whole process's);
                continue  # mlpbench's own work is no figure of the user's to quieten
            material = (mode, phase) in HEADLINE or phase == "train" or (
                total is not None and m.median >= MATERIAL_SHARE * total.median)
            if material:
                for caveat in m.stats.caveats:
                    key = (target, mode, caveat.code, tuple(sorted(caveat.values.items())))
                    grouped.setdefault(key, []).append(phase)
        for (target, mode, code, values), phases in grouped.items():
            found.append(Notice(code, dict(values), target, mode, tuple(phases)))
        return found

    def _noisy_points(self) -> list[Notice]:
        """A sweep's points whose warm trials vary a lot, one line per target (a CNN's point at batch = 32: 22.5 ms
        a step in [6.15 ms, 95 ms], and only "machine busy" was said, where a bench names such a spread)."""
        noisy: dict[Target, list[str]] = {}
        for p in sorted(self.results.points, key=lambda p: tuple(sorted(p.point.items()))):  # smallest first
            warm = p.record.warm if p.status == "ok" and p.record is not None else None
            if warm is None:
                continue
            for caveat in Measurement(warm.measurement.samples).stats.caveats:
                if caveat.code == "high_variance":
                    noisy.setdefault(p.target, []).append(f"{point_label(p.point)} ({caveat.values['percent']} %)")
        return [Notice("points_noisy", {"points": ", ".join(points)}, target, "sweep") for target, points in noisy.items()]

    # ----- data-parallel scaling -------------------------------------------------------------------------
    def scaling(self) -> list[ScalingRow]:
        """Data-parallel targets against the fewest ranks measured on the same device: speed-up and
        parallel efficiency of the training loop (warm where every rank count has warm trials)."""
        rows = []
        ddp = [t for t in self.targets if t.ranks is not None]
        for device in dict.fromkeys(t.device for t in ddp):
            mine = sorted((t for t in ddp if t.device == device), key=lambda t: t.ranks or 1)
            mode = "warm" if all(self.find(t, "warm", "train") for t in mine) else "cold"
            timed = [(t, m) for t in mine if (m := self.find(t, mode, "train")) is not None]
            if not timed:
                continue
            base_target, base = timed[0]
            for target, m in timed:
                speedup = base.median / m.median
                run = self.first_run(target)
                facts = run.facts if run is not None else {}
                c = self.comparison(target, mode, "train", base_target)
                rows.append(ScalingRow(str(device), target.ranks or 1, m.median, mode, speedup,
                                       speedup * (base_target.ranks or 1) / (target.ranks or 1),
                                       facts.get("allreduce_share"), facts.get("process_group_backend"),
                                       c.verdict if c is not None else None))
        return rows


def split_checks(checks: list[LossCheck]) -> tuple[LossCheck | None, list[LossCheck]]:
    """A record's checks: its first run's (if it was checked), and its warm runs'."""
    first = next((c for c in checks if c.run in ("cold", "warm", "point")), None)
    return first, [c for c in checks if c.run in ("sample", "point_sample")]


def choose_baseline(targets: list[Target]) -> Target | None:
    """The CPU running the seed's loop when it was measured (or its one-rank data-parallel run),
    else the first CPU target, else the first target."""
    for wanted in (Target("cpu", "eager"), Target("cpu", "eager", ranks=1)):
        if wanted in targets:
            return wanted
    cpus = [t for t in targets if t.kind == "cpu"]
    return (cpus or targets or [None])[0]
