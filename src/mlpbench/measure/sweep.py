"""``mlpbench sweep``: measure every target across workload sizes, to find where the GPU wins.

Per point and target, a child process runs the job at that point with ``trial_steps`` updates and
then warm trials of it (the statistics of bench, fewer trials): the warm time per step and the
point's one-off costs (data, copies, compile). Once per target, a cold run at the base
configuration measures the process-level one-offs (import, device start-up, setup), so the
end-to-end time of any run length can be derived (``results.sweep``).

Every finished measurement is appended to ``DIR/sweep.jsonl`` (flushed and fsync'ed) the moment it
finishes; ``--resume`` skips what is there and keeps only the points of the current plan (the others
stay in the journal); without it, an earlier journal is kept as ``sweep.jsonl.previous``. Reports
of earlier results are removed at the start, so that a stopped sweep leaves none of another's. A
point that runs out of memory or time is recorded with its status and the sweep goes on;
``--time-limit`` bounds the whole sweep.
"""

from __future__ import annotations

import math
import numbers
import os
import tempfile
import time
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import msgspec

from mlpbench.errors import UsageError, said_as
from mlpbench.measure.bench import REFERENCE, check_threads, fresh_folder, note, now, save_results
from mlpbench.measure.children import ChildRunner, Progress, out_dir_lock, stoppable
from mlpbench.measure.job import WarmPlan
from mlpbench.measure.launch import Launcher, outcome
from mlpbench.results.checks import reference_config
from mlpbench.results.files import JOURNAL, load_results, remove_stale_reports
from mlpbench.results.model import (Code, ColdTrial, Environment, PlannedTarget, Results, Resumed, RunRecord,
                                    SweepPlan, SweepPoint, Target, point_key, point_label)
from mlpbench.workload.backends import get as get_backend
from mlpbench.workload.config import WorkloadConfig

PARAMETERS = {
    "n": "samples (train + test)",
    "width": "multiplier on every hidden width",
    "steps": "optimizer updates",
    "batch": "rows per update (mini-batches)",
    "nproc": "data-parallel ranks (torchrun, DDP)",
}
MLP_ONLY = ("width",)
DEFAULT_VARY = {"n": [500.0, 2000.0, 8000.0, 32000.0, 128000.0]}


class Reference(msgspec.Struct, tag="reference", tag_field="kind", forbid_unknown_fields=True):
    """A journal line: the CPU eager run a point's measured runs are checked against."""

    record: RunRecord


Entry = ColdTrial | SweepPoint | Reference


def parse_vary(specs: list[str]) -> dict[str, list[float]]:
    """``n=500,2000`` -> {"n": [500, 2000]}; one clear line for anything else."""
    raw: dict[str, str] = {}
    for spec in specs:
        name, sep, values = spec.partition("=")
        name = name.strip()
        if not sep or not name:
            raise UsageError(f"--vary {spec!r}: expected NAME=V1,V2,... such as n=500,2000,8000")
        if name in raw:
            raise UsageError(f"--vary {name} is given twice")
        raw[name] = values
    return check_vary(raw)


def check_vary(vary: Any) -> dict[str, list[float]]:
    """The swept values, sorted, each checked: a known parameter, one or more values (a list, one number, or
    "500,2000" as the command line writes them), an integer where the parameter counts something, positive and
    finite. The API's ``vary`` may also be the command line's whole "n=500,2000"."""
    if isinstance(vary, str) or (isinstance(vary, (list, tuple)) and vary and all(isinstance(v, str) for v in vary)):
        return parse_vary([vary] if isinstance(vary, str) else list(vary))
    if not isinstance(vary, Mapping) or not vary:
        raise UsageError(f"--vary {vary!r}: expected a parameter and its values, such as n=500,2000,8000")
    out: dict[str, list[float]] = {}
    for name, values in vary.items():
        if name not in PARAMETERS:
            raise UsageError(f"--vary: unknown parameter {name!r}; choose from {', '.join(PARAMETERS)}")
        if isinstance(values, str):
            items: list[Any] = [v.strip() for v in values.split(",") if v.strip()]
        else:
            items = list(values) if isinstance(values, Iterable) and not isinstance(values, bytes) else [values]
        if not items:
            raise UsageError(f"--vary {name}: no values given")
        out[name] = sorted({_vary_value(name, item) for item in items})
    return out


def _vary_value(name: str, item: Any) -> float:
    """One value: a number (numpy's too) or its text; an integer where the parameter counts something."""
    kind = "a number" if name == "width" else "an integer"
    shown = repr(item) if len(repr(item)) <= 40 else repr(item)[:36] + "…"
    try:
        if isinstance(item, bool) or not isinstance(item, (str, numbers.Real)):
            raise ValueError
        value = float(int(item)) if isinstance(item, str) and name != "width" else float(item)
    except (ValueError, OverflowError):
        raise UsageError(f"--vary {name}: {shown} is not {kind}") from None
    if not math.isfinite(value) or (name != "width" and not value.is_integer()):
        raise UsageError(f"--vary {name}: {shown} is not {kind}")
    if not value > 0:
        raise UsageError(f"--vary {name}: sizes must be positive, got {shown}")
    return value


def apply(base: WorkloadConfig, point: dict[str, float]) -> WorkloadConfig:
    """The configuration at one point of the sweep (``nproc`` changes the launch, not the config)."""
    changes: dict[str, Any] = {}
    if "n" in point:
        changes["n"] = int(point["n"])
    if "width" in point:
        changes["hidden"] = tuple(max(1, round(h * point["width"])) for h in base.hidden)
    if "steps" in point:
        changes["steps"] = int(point["steps"])
    if "batch" in point:
        changes["batch_size"] = int(point["batch"])
    return base.with_changes(**changes)


def _positive_seconds(value: float | None) -> bool:
    return value is not None and math.isfinite(value) and value > 0


def validate(plan: SweepPlan, config: WorkloadConfig) -> SweepPlan:
    check_threads(plan.threads)
    if not plan.devices:
        raise UsageError("--devices needs at least one device")
    if "nproc" in plan.vary and plan.backends != ["eager"]:
        raise UsageError("--vary nproc runs the eager loop under DistributedDataParallel; it does not take --backends")
    if plan.warm_runs < 1 or plan.trial_steps < 1 or plan.warmup < 0:
        raise UsageError("--warm-runs and --trial-steps must be at least 1, --warmup at least 0")
    for flag, value in (("--warm-time", plan.warm_time), ("--point-timeout", plan.point_timeout),
                        ("--time-limit", plan.time_limit)):
        if (value is not None or flag != "--time-limit") and not _positive_seconds(value):
            raise UsageError(f"{flag} must be a positive number of seconds, got {value!r}")
    if not config.is_builtin:
        for name in MLP_ONLY:
            if name in plan.vary:
                raise UsageError(f"--vary {name} changes the built-in MLP's widths; the workload "
                                 f"{config.name!r} has its own model (vary n, batch, steps or nproc)")
    for point in plan.points():
        try:
            apply(config, point).validate().check_ranks(int(point.get("nproc", 1)))
        except UsageError as err:
            raise UsageError(f"--vary point {point_label(point)}: {err}") from None
    return plan


def at_base_size(plan: SweepPlan, config: WorkloadConfig, err: UsageError) -> UsageError:
    """A workload whose data fails at the size given by --n, where a sweep over n runs only each target's
    one-off run: said so, not as a size the user swept (``make_data(500, 42) failed`` under
    ``--vary n=200,800`` named a size never asked for). Any other error is left as it is."""
    if "n" not in plan.vary or float(config.n) in plan.vary["n"] or f"make_data({config.n}," not in str(err):
        return err  # a size the user asked for, or not a matter of size
    return UsageError(f"the one-off run at the base size (--n {config.n}; it measures each target's start-up once, "
                      f"outside the swept sizes) cannot run: {err}; give an --n the workload accepts")


# What a resumed sweep's points must share with the journal's (not the hostname: a container gets a new one
# each time it starts, on the same machine).
MACHINE = {"cpu": "on the CPU", "python": "with Python", "torch": "with torch", "torch_cuda": "with CUDA"}


def machine_changes(before: Environment, now: Environment) -> list[str]:
    """What differs between the machine and software that measured a journal and this session's, in words
    ("with torch 2.11.0 there, 2.13.0 now"); a field either side did not record is not compared."""
    out = [f"{words} {getattr(before, field)} there, {getattr(now, field)} now" for field, words in MACHINE.items()
           if getattr(before, field) and getattr(now, field) and getattr(before, field) != getattr(now, field)]
    gpus = [[g.name for g in env.gpus] for env in (before, now)]
    if gpus[0] != gpus[1] and (before.torch_cuda or now.torch_cuda):
        out.append(f"on the GPUs {', '.join(gpus[0]) or 'none'} there, {', '.join(gpus[1]) or 'none'} now")
    return out


MEASURED_ALIKE = ("warm_runs", "warmup", "warm_time", "trial_steps", "threads")  # how each point was measured


def plan_changes(before: object, now: SweepPlan) -> list[str]:
    """How a journal's points were measured, where this session would measure its own otherwise ("with --warm-runs 3
    there, 5 now"): its points would be relabelled with settings they never had."""
    if not isinstance(before, SweepPlan):
        return []

    def shown(value: object) -> str:
        return "unset" if value is None else str(value)

    return [f"with --{name.replace('_', '-')} {shown(getattr(before, name))} there, {shown(getattr(now, name))} now"
            for name in MEASURED_ALIKE if getattr(before, name) != getattr(now, name)]


def read_journal(path: Path) -> list[Entry]:
    """The finished measurements of an earlier run; a line that cannot be read (cut short by a crash, edited) is
    left out, and said: what it held is measured again."""
    if not path.exists():
        return []
    try:
        lines = path.read_bytes().splitlines()
    except OSError as err:  # a folder of that name: a traceback of IsADirectoryError
        raise UsageError(f"cannot read the journal {path} ({err.strerror})") from None
    out: list[Entry] = []
    unread = 0
    for line in lines:
        try:
            out.append(msgspec.json.decode(line, type=Entry))
        except msgspec.MsgspecError:
            unread += bool(line.strip())
    if unread:
        note(f"{unread} line(s) of {path} could not be read (cut short, or edited); what they held is measured again")
    return out


def append_journal(path: Path, entry: Entry) -> None:
    with open(path, "ab") as fh:
        fh.write(msgspec.json.encode(entry) + b"\n")
        fh.flush()
        os.fsync(fh.fileno())


class Sweep:
    def __init__(self, plan: SweepPlan, config: WorkloadConfig, targets: list[PlannedTarget], code: list[Code],
                 env: Environment, progress: Progress, out: Path, resume: bool = False,
                 children: ChildRunner | None = None) -> None:
        self.plan = plan
        self.config = config
        self.runnable = [t.target for t in targets if t.status == "ok"]
        self.progress = progress
        self.children = children or ChildRunner()
        self.journal = out / JOURNAL
        self.path = out / "results.json"
        self.resume = resume
        self.same_workload = False  # set by a resume that finds the workload file unchanged
        self.results = Results(created=now(), updated=now(), env=env, config=config, plan=plan, code=code,
                               targets=targets)
        self.started = time.monotonic()

    def point_config(self, point: dict[str, float]) -> WorkloadConfig:
        config = apply(self.config, point)
        return config.with_changes(steps=min(config.steps, self.plan.trial_steps))

    def planned_keys(self) -> set[str]:
        return {point_key(p, t) for p in self.plan.points() for t in self.runnable}

    def run(self, scratch: Path) -> None:
        if self.resume:
            self._resume()
            remove_stale_reports(self.journal.parent)
        else:
            fresh_folder(self.journal.parent, sweep=True)
        r = self.results
        done = {p.key for p in r.points}
        one_offs = [t for t in self.runnable if not any(c.target == t and c.status == "ok" for c in r.cold)]
        todo = [(p, t) for p in self.plan.points() for t in self.runnable if point_key(p, t) not in done]
        need_reference = REFERENCE not in self.runnable
        self.progress.start(len(one_offs) + len(todo) * (1 + need_reference))
        launch = Launcher(self.children, scratch, r.code, self.plan.threads)
        for target in one_offs:
            if self._out_of_time(f"one-off costs of {target.key}"):
                continue
            self.progress.update(f"one-off  {target.key}")
            child = launch.job(self._launched(target, {}), self.config, trial=f"one-off:{target.key}",
                               timeout=self.plan.point_timeout)
            self._record(outcome(ColdTrial, target, child, index=len(r.cold), round=0))
            self.progress.advance(f"one-off {target.key}: {r.cold[-1].status}")
        for point, target in todo:
            if self._out_of_time(f"{point_label(point)} on {target.key}"):
                continue
            config = self.point_config(point)
            checked_by = reference_config(config)
            if need_reference and not any(ref.config == checked_by for ref in r.references):
                child = launch.job(REFERENCE, checked_by, trial=f"reference:{point_label(point)}",
                                   timeout=self.plan.point_timeout)
                if child.record is not None:
                    self._record(Reference(child.record))
                self.progress.advance(f"{point_label(point)} reference cpu/eager: {child.status}")
            self.progress.update(f"{point_label(point)}  {target.key}")
            self._record(self.measure(launch, point, target, config))
            entry = r.points[-1]
            warm = entry.record.warm if entry.record else None
            detail = f"{warm.measurement.median / entry.trial_steps * 1e6:.1f} µs/step" if warm else entry.status.upper()
            self.progress.advance(f"{point_label(point)} {target.key}: {detail}")

    def _launched(self, target: Target, point: dict[str, float]) -> Target:
        """The target as it runs at ``point``: an nproc sweep changes the rank count."""
        if target.ranks is None:
            return target
        return msgspec.structs.replace(target, ranks=int(point.get("nproc", target.ranks)))

    def measure(self, launch: Launcher, point: dict[str, float], target: Target, config: WorkloadConfig) -> SweepPoint:
        fields = dict(point=point, config=config, trial_steps=config.steps)
        reason = None if target.ranks is not None else get_backend(target.backend).unavailable_reason(target.device or "cpu", config)
        if reason:
            return SweepPoint(target=target, status="unsupported", error=reason, **fields)
        warm = WarmPlan(self.plan.warmup, self.plan.warm_runs, 3 * self.plan.warm_runs, self.plan.warm_time)
        child = launch.job(self._launched(target, point), config, trial=f"point:{point_key(point, target)}",
                           warm=warm, timeout=self.plan.point_timeout)
        return outcome(SweepPoint, target, child, **fields)

    def _out_of_time(self, what: str) -> bool:
        limit = self.plan.time_limit
        if limit is not None and time.monotonic() - self.started >= limit:
            self.results.skipped.append(what)
            return True
        return False

    def _resume(self) -> None:
        """The journal's measurements of this plan; others (a longer --vary list, another device) stay in the
        journal but are left out of these results, as the points and crossovers must be this plan's."""
        planned, left_out = self.planned_keys(), []
        if not self.journal.exists():  # nothing to continue: said, as a new sweep is not what was asked
            note(f"{said_as('--resume', 'resume=True')}: {self.journal} does not exist; this sweep starts from its "
                 f"first point")
        self.same_workload, since = self._workload_as_before()
        for entry in read_journal(self.journal):
            if isinstance(entry, SweepPoint) and entry.key not in planned:
                left_out.append(entry.key)
                continue
            if isinstance(entry, ColdTrial) and (entry.target not in self.runnable or entry.status != "ok"):
                continue  # a one-off run that failed is run again: its failure must not fail the resumed sweep
            self._check_resumable(entry)
            self._keep(entry)
        r = self.results
        if r.points or r.cold:  # the report says which of its figures an earlier session measured, and since when
            r.resumed = Resumed(points=len(r.points), one_off=len(r.cold), since=since)
        if left_out:
            shown = "; ".join(k.replace("|", " on ") for k in left_out[:6]) + ("; …" if len(left_out) > 6 else "")
            note(f"{said_as('--resume', 'resume=True')}: {len(left_out)} point(s) in {self.journal} are not in this sweep's plan and are left out "
                 f"of its results ({shown}); they stay in the journal")

    def _workload_as_before(self) -> tuple[bool, str | None]:
        """Whether the workload file is the one the journal's measurements ran (the SHA-256 the earlier
        results recorded), and when those results were begun; a file edited since is refused, as its points
        would be another model's. So is another machine or another torch: its points would be drawn into one
        crossover with the earlier ones."""
        try:
            earlier = load_results(self.path)
        except UsageError:
            return False, None  # no earlier results to tell: the settings alone are compared
        changed = machine_changes(earlier.env, self.results.env) + plan_changes(earlier.plan, self.plan)
        if changed:
            raise UsageError(f"--resume: {self.journal} was measured {'; '.join(changed)}: its points and this "
                             f"session's would be compared as if measured alike; run without --resume to start over")
        before = {c.name: c.sha256 for c in earlier.code if c.role == "workload"}
        now = {c.name: c.sha256 for c in self.results.code if c.role == "workload"}
        if before and now and set(before) != set(now):  # the built-in MLP there, a file now: not an edit of one file
            raise UsageError(f"--resume: {self.journal} measured another workload ({', '.join(before)} there, "
                             f"{', '.join(now)} now): run without --resume to start over, or resume with that workload")
        if before and now and before != now:
            raise UsageError(f"--resume: the workload file {self.config.workload} changed since {self.journal} was "
                             f"measured with it (its SHA-256 differs): run without --resume to start over")
        return bool(before) and before == now, earlier.resumed.since if earlier.resumed else earlier.created

    def _check_resumable(self, entry: Entry) -> None:
        """A journal entry measured under other settings (another model, size or step count) would be
        mixed into this sweep's points and crossovers as if it were this workload's: refuse it."""
        if isinstance(entry, SweepPoint):
            wanted, got, where = self.point_config(entry.point), entry.config, f"the point {point_label(entry.point)}"
        elif isinstance(entry, ColdTrial) and entry.record is not None and entry.record.config is not None:
            wanted, got, where = self.config, entry.record.config, f"the one-off costs of {entry.target.key}"
        else:
            return  # references are looked up by their configuration; a failed trial carries none and is run again
        differ = [name for name in got.__struct_fields__ if getattr(got, name) != getattr(wanted, name)
                  and not (name == "workload" and self.same_workload)]  # the same file named another way
        if differ:
            changed = ", ".join(f"{name} {getattr(got, name)!r} there, {getattr(wanted, name)!r} now" for name in differ)
            raise UsageError(f"--resume: {self.journal} measured {where} with other settings ({changed}); "
                             f"resume with the settings it was started with, or run without --resume to start over")

    def _keep(self, entry: Entry) -> None:
        if isinstance(entry, ColdTrial):
            self.results.cold.append(entry)
        elif isinstance(entry, SweepPoint):
            self.results.points.append(entry)
        else:
            self.results.references.append(entry.record)

    def _record(self, entry: Entry) -> None:
        append_journal(self.journal, entry)
        self._keep(entry)
        self.save()

    def save(self) -> None:
        save_results(self.results, self.path, "sweep.jsonl still holds every finished point (--resume continues)")


def run_sweep(plan: SweepPlan, config: WorkloadConfig, targets: list[PlannedTarget], code: list[Code],
              env: Environment, progress: Progress, out: Path, resume: bool = False) -> tuple[Results, str | None]:
    validate(plan, config)
    with out_dir_lock(out):
        sweep = Sweep(plan, config, targets, code, env, progress, out, resume)
        with stoppable(sweep.children, progress) as stop:
            with tempfile.TemporaryDirectory(prefix="mlpbench-sweep-") as scratch:
                sweep.run(Path(scratch))
        sweep.results.complete = stop.signal is None
        sweep.results.interrupted = stop.signal  # type: ignore[assignment]
        sweep.save()
    return sweep.results, stop.signal
