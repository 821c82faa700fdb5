"""``mlpbench sweep``: measure every device across workload sizes; find where the GPU starts to win.

Per point and target, a child process measures the warm time per step (the statistics of bench,
fewer trials) and the point's one-off costs (data, copies, compile). Once per target, a cold run
at the base configuration measures the process-level one-offs (import, device start-up, setup),
so the end-to-end time of any run length can be derived:

    end_to_end(point, steps) = import + device_init + setup + data + to_device + compile + steps x per_step

Every measurement is appended to ``DIR/sweep.jsonl`` (flushed and fsync'ed) the moment it
finishes; ``--resume`` skips what is there. A point that runs out of memory or time is recorded
with its status and the sweep goes on; ``--time-limit`` bounds the whole sweep.
"""

from __future__ import annotations

import datetime as _dt
import itertools
import json
import os
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mlpbench import analysis, backends, stats
from mlpbench.bench import (ChildRunner, Launch, Progress, Target, out_dir_lock, plan_ddp_targets, plan_targets,
                            stoppable)
from mlpbench.config import WorkloadConfig
from mlpbench.crossover import break_even_steps, crossover_point, fit_cost_model, predicted_crossover
from mlpbench.errors import UsageError
from mlpbench.results import RESULTS_SCHEMA, write_json_atomic

PARAMETERS = {
    "n": "samples (train + test)",
    "width": "multiplier on every hidden width",
    "steps": "optimizer updates",
    "batch": "rows per update (mini-batches)",
    "nproc": "data-parallel ranks (torchrun, DDP)",
}
DEFAULT_VARY = {"n": [500, 2000, 8000, 32000, 128000]}
MIN_POINTS_FOR_MODEL = 3  # two points fit any line exactly: no test of the model
ONE_OFF_PROCESS = ("import", "device_check", "device_init", "setup")
ONE_OFF_POINT = ("data", "to_device", "compile")


def parse_vary(specs: list[str]) -> dict[str, list[float]]:
    """``n=500,2000`` -> {"n": [500, 2000]}; one clear line for anything else."""
    out: dict[str, list[float]] = {}
    for spec in specs:
        name, sep, values = spec.partition("=")
        name = name.strip()
        if not sep or not name:
            raise UsageError(f"--vary {spec!r}: expected NAME=V1,V2,... such as n=500,2000,8000")
        if name not in PARAMETERS:
            raise UsageError(f"--vary {spec!r}: unknown parameter {name!r}; choose from {', '.join(PARAMETERS)}")
        if name in out:
            raise UsageError(f"--vary {name} is given twice")
        items = [v.strip() for v in values.split(",") if v.strip()]
        if not items:
            raise UsageError(f"--vary {name}= has no values")
        parsed = []
        for item in items:
            try:
                value = float(item) if name == "width" else int(item)
            except ValueError:
                kind = "a number" if name == "width" else "an integer"
                raise UsageError(f"--vary {name}: {item!r} is not {kind}") from None
            if not value > 0:
                raise UsageError(f"--vary {name}: sizes must be positive, got {item}")
            parsed.append(value)
        out[name] = sorted(set(parsed))
    return out


def apply(base: WorkloadConfig, point: dict[str, float]) -> WorkloadConfig:
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


def label(point: dict[str, float]) -> str:
    return ",".join(f"{k}={_fmt(v)}" for k, v in point.items())


def _fmt(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else f"{v:g}"


@dataclass
class SweepSettings:
    config: WorkloadConfig
    vary: dict[str, list[float]] = field(default_factory=lambda: dict(DEFAULT_VARY))
    devices: list[str] = field(default_factory=lambda: ["cpu", "cuda"])
    backends: list[str] = field(default_factory=lambda: ["eager"])
    warm_runs: int = 5
    warmup: int = 1
    trial_steps: int = 100
    warm_time: float = 10.0
    point_timeout: float = 300.0
    time_limit: float | None = None
    threads: int | None = None
    resume: bool = False
    out: Path = Path("mlpbench-sweep")
    quiet: bool = False

    @property
    def launch(self) -> Launch:
        return Launch(self.threads)

    def points(self) -> list[dict[str, float]]:
        names = list(self.vary)
        return [dict(zip(names, combo)) for combo in itertools.product(*(self.vary[n] for n in names))]

    def validate(self) -> "SweepSettings":
        if self.warm_runs < 1 or self.trial_steps < 1 or self.warmup < 0:
            raise UsageError("--warm-runs and --trial-steps must be at least 1, --warmup at least 0")
        if self.point_timeout <= 0 or (self.time_limit is not None and self.time_limit <= 0):
            raise UsageError("--point-timeout and --time-limit must be positive")
        for point in self.points():
            try:
                apply(self.config, point).validate()
            except UsageError as err:
                raise UsageError(f"--vary point {label(point)}: {err}") from None
        return self


def key(point: dict[str, float], target: Target) -> str:
    return f"{label(point)}|{target.key}"


def read_journal(path: Path) -> list[dict[str, Any]]:
    """The finished measurements of an earlier run; a line cut short by a crash is ignored."""
    if not path.exists():
        return []
    out = []
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if isinstance(entry, dict) and "kind" in entry:
            out.append(entry)
    return out


def append_journal(path: Path, entry: dict[str, Any]) -> None:
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(json.dumps(entry) + "\n")
        fh.flush()
        os.fsync(fh.fileno())


def classify_failure(status: str, stderr: str) -> str:
    if status != "failed":
        return status
    text = stderr.lower()
    if "out of memory" in text or "outofmemoryerror" in text or "memoryerror" in text or "needs about" in text:
        return "oom"
    return "failed"


class Sweep:
    def __init__(self, settings: SweepSettings, targets: list[Target], env: dict[str, Any], progress: Progress,
                 children: ChildRunner | None = None) -> None:
        self.settings = settings
        self.targets = targets
        self.runnable = [t for t in targets if t.status == "ok"]
        self.env = env
        self.progress = progress
        self.children = children or ChildRunner()
        self.journal = settings.out / "sweep.jsonl"
        self.results = settings.out / "results.json"
        self.entries: list[dict[str, Any]] = []
        self.skipped: list[str] = []
        self.started = time.monotonic()

    def run(self, scratch: Path) -> None:
        s = self.settings
        if s.resume:
            self.entries = read_journal(self.journal)
        elif self.journal.exists():
            self.journal.unlink()
        done = {e["key"] for e in self.entries if e["kind"] == "point"}
        done_one_off = {e["target"] for e in self.entries if e["kind"] == "one_off" and e["status"] == "ok"}
        points = s.points()
        todo_one_off = [t for t in self.runnable if t.key not in done_one_off]
        todo = [(p, t) for p in points for t in self.runnable if key(p, t) not in done]
        self.progress.start(len(todo_one_off) + len(todo))
        for target in todo_one_off:
            if self._out_of_time(f"one-off costs of {target.key}"):
                continue
            self.progress.update(f"one-off  {target.key}")
            self._record(self.one_off(target, scratch))
            self.progress.advance(f"one-off {target.key}: {self.entries[-1]['status']}")
        for point, target in todo:
            if self._out_of_time(f"{label(point)} on {target.key}"):
                continue
            self.progress.update(f"{label(point)}  {target.key}")
            self._record(self.measure(point, target, scratch))
            e = self.entries[-1]
            detail = f"{e['per_step'] * 1e6:.1f} µs/step" if e["status"] == "ok" else e["status"].upper()
            self.progress.advance(f"{label(point)} {target.key}: {detail}")

    def _out_of_time(self, what: str) -> bool:
        limit = self.settings.time_limit
        if limit is not None and time.monotonic() - self.started >= limit:
            self.skipped.append(what)
            return True
        return False

    def _record(self, entry: dict[str, Any]) -> None:
        append_journal(self.journal, entry)
        self.entries.append(entry)
        self.save(complete=False)

    def one_off(self, target: Target, scratch: Path) -> dict[str, Any]:
        json_path = scratch / f"one-off-{len(self.entries)}.json"
        runnable = Target(target.device, "ddp1") if target.backend == "ddp" else target
        argv = self.settings.launch.argv(runnable, self.settings.config, json_path)
        child = self.children.run(argv, json_path, self.settings.point_timeout, f"one-off:{target.key}")
        entry: dict[str, Any] = {"kind": "one_off", "target": target.key, "device": target.device,
                                 "backend": target.backend, "status": classify_failure(child.status, child.stderr_tail),
                                 "wall": child.wall}
        if child.payload:
            entry.update({k: child.payload[k] for k in ("phases", "log", "train_loss", "test_loss", "predictions",
                                                        "per_step_s", "threads", "seed_time")})
        else:
            entry["stderr_tail"] = child.stderr_tail
        return entry

    def measure(self, point: dict[str, float], target: Target, scratch: Path) -> dict[str, Any]:
        s = self.settings
        config = apply(s.config, point)
        trial_steps = min(config.steps, s.trial_steps)
        entry: dict[str, Any] = {"kind": "point", "key": key(point, target), "point": point, "device": target.device,
                                 "backend": target.backend, "trial_steps": trial_steps, "steps": config.steps,
                                 "flops_per_step": config.train_flops_per_step(), "config": config.to_dict()}
        if target.backend == "ddp":
            runnable = Target(target.device, f"ddp{int(point.get('nproc', 1))}")
            reason = next((t.reason for t in plan_ddp_targets([target.device], int(point.get("nproc", 1)), None)
                           if t.backend == runnable.backend and t.status != "ok"), None)
        else:
            runnable, reason = target, backends.get(target.backend).unavailable_reason(target.device, config)
        if reason:
            return entry | {"status": "unsupported", "reason": reason}
        json_path = scratch / f"point-{len(self.entries)}.json"
        argv = s.launch.argv(runnable, config.with_changes(steps=trial_steps), json_path,
                             warm={"warmup": s.warmup, "min_runs": s.warm_runs, "max_runs": max(s.warm_runs, 3 * s.warm_runs),
                                   "max_time": s.warm_time})
        child = self.children.run(argv, json_path, s.point_timeout, f"point:{key(point, target)}")
        entry.update(status=classify_failure(child.status, child.stderr_tail), wall=child.wall)
        if child.payload and child.status == "ok":
            samples = child.payload["samples"]
            summary = stats.summarize(samples)
            entry.update(samples=samples, warmup_samples=child.payload["warmup_samples"],
                         per_step=summary.median / trial_steps, ci95=[v / trial_steps for v in summary.ci95],
                         one_off=child.payload["one_off"], stopped_by=child.payload["stopped_by"],
                         matmul_flops_per_s=child.payload.get("matmul_flops_per_s"))
        else:
            entry["stderr_tail"] = child.stderr_tail
        return entry

    def save(self, complete: bool, interrupted: str | None = None) -> dict[str, Any]:
        document = build_document(self.settings, self.targets, self.env, self.entries, self.skipped, complete, interrupted)
        try:
            write_json_atomic(self.results, document)
        except OSError as err:
            raise UsageError(f"cannot write {self.results} ({err.strerror}); sweep.jsonl still holds every "
                             f"finished point (--resume continues)") from None
        return document


def _now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")


def build_document(settings: SweepSettings, targets: list[Target], env: dict[str, Any], entries: list[dict[str, Any]],
                   skipped: list[str], complete: bool, interrupted: str | None) -> dict[str, Any]:
    """A results document (schema mlpbench.results/1, kind "sweep") with the sweep's analysis."""
    points = [e for e in entries if e["kind"] == "point"]
    measurements = []
    for e in points:
        if e["status"] == "ok":
            m = analysis.measurement(e["device"], e["backend"], "sweep", "step",
                                     [v / e["trial_steps"] for v in e["samples"]],
                                     [v / e["trial_steps"] for v in e.get("warmup_samples", [])])
            m["point"] = e["point"]
            measurements.append(m)
    runs = {e["target"]: {k: e.get(k) for k in ("log", "train_loss", "test_loss", "predictions", "phases", "threads")}
            | {"device": e["device"], "backend": e["backend"]}
            for e in entries if e["kind"] == "one_off" and e["status"] == "ok"}
    sweep = analyse(settings, targets, entries)
    sweep["skipped"] = skipped
    return {
        "schema": RESULTS_SCHEMA, "kind": "sweep", "complete": complete, "interrupted": interrupted,
        "created": _now(), "updated": _now(), "env": env, "config": settings.config.to_dict(),
        "settings": {"vary": settings.vary, "devices": settings.devices, "backends": settings.backends,
                     "warm_runs": settings.warm_runs, "trial_steps": settings.trial_steps,
                     "point_timeout": settings.point_timeout, "time_limit": settings.time_limit},
        "targets": [{"device": t.device, "backend": t.backend, "status": t.status, "reason": t.reason, "key": t.key}
                    for t in targets],
        "trials": [], "warm": [], "runs": runs, "measurements": measurements, "comparisons": [], "warnings": [],
        "baseline": None, "sweep": sweep,
    }


def analyse(settings: SweepSettings, targets: list[Target], entries: list[dict[str, Any]]) -> dict[str, Any]:
    """Per-point table, cost models, measured and predicted crossovers, break-even steps."""
    ok = [e for e in entries if e["kind"] == "point" and e["status"] == "ok"]
    one_off = {e["target"]: e for e in entries if e["kind"] == "one_off" and e["status"] == "ok"}
    keys = list(dict.fromkeys(analysis.key(e["device"], e["backend"]) for e in ok))
    baseline = next((k for k in keys if k == "cpu/eager"), next((k for k in keys if k.startswith("cpu/")), None))
    parameter = next(iter(settings.vary))
    base = settings.config

    def end_to_end(e: dict[str, Any]) -> float | None:
        process = one_off.get(analysis.key(e["device"], e["backend"]))
        if not process:
            return None
        fixed = sum(process["phases"].get(p, 0.0) for p in ONE_OFF_PROCESS)
        fixed += sum(e["one_off"].get(p, 0.0) for p in ONE_OFF_POINT)
        return fixed + e["steps"] * e["per_step"]

    table = []
    for e in entries:
        if e["kind"] != "point":
            continue
        row = {"point": e["point"], "target": analysis.key(e["device"], e["backend"]), "status": e["status"],
               "flops_per_step": e["flops_per_step"], "reason": e.get("reason") or (e.get("stderr_tail") or "")[-300:]}
        if e["status"] == "ok":
            row.update(per_step=e["per_step"], ci95=e["ci95"], end_to_end=end_to_end(e),
                       achieved=e["flops_per_step"] / e["per_step"])
        table.append(row)

    models = {}
    for k in keys if parameter != "nproc" else []:
        rows = [r for r in table if r["target"] == k and r["status"] == "ok"]
        if len(rows) >= MIN_POINTS_FOR_MODEL:
            model = fit_cost_model([r["flops_per_step"] for r in rows], [r["per_step"] for r in rows])
            models[k] = model.to_json()

    crossovers = []
    others = {k: v for k, v in settings.vary.items() if k != parameter}
    fixed_combos = [dict(zip(others, c)) for c in itertools.product(*others.values())] or [{}]
    for k in keys:
        if k == baseline or baseline is None or k.startswith("cpu/"):
            continue
        for fixed in fixed_combos:
            def pick(target: str) -> dict[float, dict[str, Any]]:
                return {r["point"][parameter]: r for r in table if r["target"] == target and r["status"] == "ok"
                        and all(r["point"].get(n) == v for n, v in fixed.items())}

            mine, theirs = pick(k), pick(baseline)
            xs = sorted(set(mine) & set(theirs))
            if len(xs) < 1:
                continue
            context = label(fixed) if fixed else ""
            steady = crossover_point(xs, [theirs[x]["per_step"] / mine[x]["per_step"] for x in xs])
            entry = {"device": k, "baseline": baseline, "parameter": parameter, "context": context, "kind": "steady",
                     **steady.to_json()}
            if k in models and baseline in models:
                from mlpbench.crossover import CostModel

                entry["predicted"] = predicted_crossover(
                    CostModel(**models[baseline]), CostModel(**models[k]),
                    lambda x: apply(base, {**fixed, parameter: x}).train_flops_per_step(), xs[0], xs[-1])
            crossovers.append(entry)
            ends = [(x, theirs[x]["end_to_end"], mine[x]["end_to_end"]) for x in xs
                    if theirs[x].get("end_to_end") and mine[x].get("end_to_end")]
            if ends:
                e2e = crossover_point([x for x, _, _ in ends], [a / b for _, a, b in ends])
                crossovers.append({"device": k, "baseline": baseline, "parameter": parameter, "context": context,
                                   "kind": "end_to_end", **e2e.to_json()})
            repay = []
            for x in xs:
                cand, base_row = mine[x], theirs[x]
                if cand.get("end_to_end") is None or base_row.get("end_to_end") is None:
                    continue
                steps = apply(base, {**fixed, parameter: x}).steps
                fixed_c = cand["end_to_end"] - steps * cand["per_step"]
                fixed_b = base_row["end_to_end"] - steps * base_row["per_step"]
                repay.append({"value": x, "steps": break_even_steps(fixed_c, fixed_b, cand["per_step"], base_row["per_step"])})
            crossovers.append({"device": k, "baseline": baseline, "parameter": parameter, "context": context,
                               "kind": "break_even", "points": repay})
    scaling = []
    if parameter == "nproc":
        for k in keys:
            rows = {r["point"]["nproc"]: r for r in table if r["target"] == k and r["status"] == "ok"}
            if 1 in rows:
                for n, r in sorted(rows.items()):
                    speedup = rows[1]["per_step"] / r["per_step"]
                    scaling.append({"device": k, "nproc": n, "per_step": r["per_step"], "speedup": speedup,
                                    "efficiency": speedup / n})
    return {"parameter": parameter, "parameters": list(settings.vary), "baseline": baseline, "table": table,
            "scaling": scaling,
            "models": models, "crossovers": crossovers,
            "failed": [r for r in table if r["status"] not in ("ok",)]}


def run_sweep(settings: SweepSettings) -> tuple[dict[str, Any], str | None]:
    from mlpbench.env import collect

    settings.validate()
    if "nproc" in settings.vary:
        targets = [Target(t.device, "ddp", t.status, t.reason) for t in plan_ddp_targets(settings.devices, 1, None)]
    else:
        targets = plan_targets(settings.devices, settings.backends, settings.config)
    env = collect()
    progress = Progress(settings.quiet)
    with out_dir_lock(settings.out):
        sweep = Sweep(settings, targets, env, progress)
        with stoppable(sweep.children, progress) as stop:
            with tempfile.TemporaryDirectory(prefix="mlpbench-sweep-") as scratch:
                sweep.run(Path(scratch))
        document = sweep.save(complete=stop.signal is None, interrupted=stop.signal)
    return document, stop.signal
