"""``mlpbench bench``: cold and warm trials of every (device, backend), interleaved, saved as they go.

Cold trial: a fresh Python process runs the whole job (``mlpbench run --json``) and reports its
phases; the parent also times the process from outside (fork/exec to exit). Trials are interleaved
(cpu, cuda, cpu, cuda, ...) so that drift of the machine hits every target alike.

Warm trial: one process per target sets the job up once, runs warm-ups apart, then repeats the
training loop from the same initial state until the spread is small (``warm.run_warm``).

``results.json`` is rewritten atomically after every trial: a crash, Ctrl-C or SIGTERM keeps
everything that finished.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import fcntl
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Iterator

from mlpbench import analysis, backends, devices, faults
from mlpbench.config import WorkloadConfig
from mlpbench.errors import UsageError
from mlpbench.results import RESULTS_SCHEMA, write_json_atomic
from mlpbench.timing import SPAWN_ENV

STDERR_TAIL_CHARS = 6000  # torchrun's error summary alone takes ~1500
DDP_FACTS = ("world_size", "process_group_backend", "allreduce_share", "step_with_allreduce_s",
             "step_without_allreduce_s", "per_rank_phases")
WARM_FIELDS = ("threads", "samples", "warmup_samples", "stopped_by", "converged", "one_off", "train_loss",
               "final_losses", "backend_facts", "matmul_flops_per_s", *DDP_FACTS)


class Terminated(BaseException):
    """Raised in the parent when SIGTERM arrives, so it can save and exit 143."""


class Stop:
    """Which signal stopped the work, if any (see ``stoppable``)."""

    signal: str | None = None


@contextlib.contextmanager
def stoppable(children: "ChildRunner", progress: "Progress") -> Iterator[Stop]:
    """Turn SIGINT and SIGTERM into a clean stop: the running child is killed, the block is left,
    ``stop.signal`` says which signal it was, and the progress display is closed."""
    previous = signal.getsignal(signal.SIGTERM)

    def on_sigterm(signum, frame):  # noqa: ARG001
        raise Terminated()

    signal.signal(signal.SIGTERM, on_sigterm)
    stop = Stop()
    try:
        yield stop
    except (KeyboardInterrupt, Terminated) as exc:
        stop.signal = "SIGINT" if isinstance(exc, KeyboardInterrupt) else "SIGTERM"
        children.kill()
    finally:
        progress.stop()
        signal.signal(signal.SIGTERM, previous)


@dataclass(frozen=True)
class Target:
    device: str  # a resolved torch device ("cpu", "cuda:0"), or the spec when unavailable
    backend: str
    status: str = "ok"  # "ok" or "unavailable"
    reason: str | None = None

    @property
    def key(self) -> str:
        return analysis.key(self.device, self.backend)


@dataclass
class BenchSettings:
    config: WorkloadConfig
    devices: list[str] = field(default_factory=lambda: ["cpu", "cuda"])
    backends: list[str] = field(default_factory=lambda: ["eager"])
    runs: int = 5  # cold trials per target
    warm_runs: int = 10  # at least this many warm trials per target (0: none)
    max_warm_runs: int = 100
    warmup: int = 2  # warm-up runs before the warm trials, recorded apart
    warm_time: float = 20.0  # seconds of warm trials after which a target stops even if unstable
    threads: int | None = None
    trial_timeout: float = 600.0
    out: Path = Path("mlpbench-out")
    quiet: bool = False
    nproc: int | None = None  # data-parallel: compare 1 and nproc ranks (torchrun) instead of backends
    nnodes: int | None = None
    rdzv_endpoint: str | None = None

    @property
    def launch(self) -> Launch:
        return Launch(self.threads, self.nnodes, self.rdzv_endpoint)

    def validate(self) -> "BenchSettings":
        if self.runs < 0 or self.warm_runs < 0 or self.warmup < 0:
            raise UsageError("--runs, --warm-runs and --warmup cannot be negative")
        if self.runs == 0 and self.warm_runs == 0:
            raise UsageError("--runs 0 with --warm-runs 0 measures nothing; ask for at least one trial")
        if not self.devices:
            raise UsageError("--devices needs at least one device")
        if not (self.trial_timeout > 0 and self.warm_time > 0):
            raise UsageError("--trial-timeout and --warm-time must be positive")
        if self.nproc is not None and self.nproc < 1:
            raise UsageError(f"--nproc must be at least 1, got {self.nproc}")
        if (self.nnodes is None) != (self.rdzv_endpoint is None):
            raise UsageError("--nnodes and --rdzv-endpoint go together (several machines need a rendezvous point)")
        if self.nnodes is not None and (self.nproc is None or self.nnodes < 1):
            raise UsageError("--nnodes needs --nproc (ranks per node) and must be at least 1")
        return self


def workload_args(config: WorkloadConfig) -> list[str]:
    """Command-line flags that rebuild ``config`` in a child process."""
    args = ["--n", str(config.n), "--hidden", ",".join(map(str, config.hidden)), "--steps", str(config.steps),
            "--lr", repr(config.lr), "--seed", str(config.seed), "--train-fraction", repr(config.train_fraction),
            "--precision", config.precision]
    if config.batch_size is not None:
        args += ["--batch-size", str(config.batch_size)]
    return args


def ddp_size(backend: str) -> int | None:
    """The rank count of a data-parallel target ("ddp2" -> 2), or None for an ordinary backend."""
    return int(backend[3:]) if backend.startswith("ddp") and backend[3:].isdigit() else None


@dataclass(frozen=True)
class Launch:
    """How trial processes start: CPU threads and, for data-parallel targets, torchrun's options."""

    threads: int | None = None
    nnodes: int | None = None
    rdzv_endpoint: str | None = None

    def argv(self, target: Target, config: WorkloadConfig, json_path: Path, warm: dict[str, Any] | None = None) -> list[str]:
        """The command of a cold trial (``warm`` None: the whole job once) or of a warm-trial set."""
        nproc = ddp_size(target.backend)
        if nproc is not None:
            from mlpbench.distributed import Spec

            spec_path = json_path.with_suffix(".spec.json")
            Spec(str(json_path), target.device.split(":")[0], config.to_dict(), warm["min_runs"] if warm else 0,
                 warm["warmup"] if warm else 0, threads=self.threads).write(spec_path)
            rendezvous = (["--standalone"] if self.nnodes is None else
                          ["--nnodes", str(self.nnodes), "--rdzv-backend", "c10d", "--rdzv-endpoint", str(self.rdzv_endpoint)])
            return [sys.executable, "-m", "torch.distributed.run", *rendezvous, "--nproc-per-node", str(nproc),
                    "-m", "mlpbench.distributed", str(spec_path)]
        if warm is None:
            argv = [sys.executable, "-m", "mlpbench", "run", "--device", target.device, "--backend", target.backend,
                    *workload_args(config), "--json", str(json_path), "--quiet", "--no-env"]
        else:
            argv = [sys.executable, "-m", "mlpbench", "_warm", "--device", target.device, "--backend", target.backend,
                    *workload_args(config), "--json", str(json_path), "--warmup", str(warm["warmup"]),
                    "--min-runs", str(warm["min_runs"]), "--max-runs", str(warm["max_runs"]),
                    "--max-time", repr(warm["max_time"])]
        if self.threads:
            argv += ["--threads", str(self.threads)]
        return argv


def plan_ddp_targets(device_specs: list[str], nproc: int, nnodes: int | None) -> list[Target]:
    """Data-parallel targets: one process and ``nproc`` processes per node, for each device."""
    import torch

    targets = []
    for spec in device_specs:
        reason = devices.availability(spec)
        kind = spec.split(":")[0] if spec != "auto" else ("cuda" if reason is None and torch.cuda.is_available() else "cpu")
        for n in sorted({1, nproc}):
            why = reason
            if why is None and kind == "cuda" and torch.cuda.device_count() < n:
                why = f"{n} ranks on one node need {n} GPUs; this machine has {torch.cuda.device_count()}"
            if why is None and kind == "mps":
                why = "torch.distributed has no MPS backend; use cpu or cuda"
            targets.append(Target(kind, f"ddp{n}", "unavailable" if why else "ok", why))
    return targets


def plan_targets(device_specs: list[str], backend_names: list[str], config: WorkloadConfig | None = None) -> list[Target]:
    """Every (device, backend) pair, each either runnable or marked unavailable with the reason."""
    targets: list[Target] = []
    for spec in device_specs:
        reason = devices.availability(spec)
        if reason:
            targets += [Target(spec, b, "unavailable", reason) for b in backend_names]
            continue
        device = devices.resolve(spec).name
        for name in backend_names:
            why = backends.get(name).unavailable_reason(device, config)
            targets.append(Target(device, name, "unavailable" if why else "ok", why))
    return list(dict.fromkeys(targets))


@contextlib.contextmanager
def out_dir_lock(out: Path) -> Iterator[None]:
    """One writer per output directory: a second ``bench`` into the same --out is refused."""
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise UsageError(f"--out {out}: cannot create it ({err.strerror})") from None
    if not os.access(out, os.W_OK):
        raise UsageError(f"--out {out}: not writable")
    lock_path = out / ".mlpbench.lock"
    try:
        fh = open(lock_path, "a+")
    except OSError as err:
        raise UsageError(f"--out {out}: cannot create a lock file ({err.strerror})") from None
    try:
        fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        fh.seek(0)
        holder = fh.read().strip() or "unknown"
        fh.close()
        raise UsageError(f"--out {out}: another mlpbench (pid {holder}) is writing there; wait for it or choose another --out") from None
    fh.seek(0)
    fh.truncate()
    fh.write(str(os.getpid()))
    fh.flush()
    try:
        yield
    finally:
        fcntl.flock(fh, fcntl.LOCK_UN)
        fh.close()


@dataclass
class ChildResult:
    status: str  # "ok", "failed", "timeout", "diverged"
    wall: float
    returncode: int | None
    payload: dict[str, Any] | None
    stderr_tail: str


class ChildRunner:
    """Starts child processes in their own session, with a timeout, and kills them on demand."""

    def __init__(self) -> None:
        self.current: subprocess.Popen[bytes] | None = None

    def run(self, argv: list[str], json_path: Path, timeout: float, trial_id: str = "") -> ChildResult:
        env = dict(os.environ)
        env[faults.TRIAL_ENV] = trial_id
        src = str(Path(__file__).resolve().parents[1])
        env["PYTHONPATH"] = os.pathsep.join(p for p in (src, env.get("PYTHONPATH")) if p)
        with tempfile.TemporaryFile() as err_file:
            env[SPAWN_ENV] = repr(time.monotonic())
            started = time.perf_counter()
            self.current = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=err_file, env=env,
                                            start_new_session=True)
            try:
                returncode: int | None = self.current.wait(timeout=timeout)
                status = "ok" if returncode == 0 else "failed"
            except subprocess.TimeoutExpired:
                self.kill()
                returncode, status = None, "timeout"
            wall = time.perf_counter() - started
            self.current = None
            err_file.seek(0)
            stderr = err_file.read()[-STDERR_TAIL_CHARS * 4:].decode("utf-8", "replace")[-STDERR_TAIL_CHARS:]
        payload = None
        if json_path.exists():
            try:
                payload = json.loads(json_path.read_text())
            except (OSError, ValueError):
                payload = None
        if status == "ok" and payload is None:
            status = "failed"
            stderr += "\n(the child exited 0 but wrote no readable JSON)"
        if payload is not None and payload.get("status") == "diverged":
            status = "diverged"
        if status == "timeout":
            stderr += f"\n(killed after the {timeout:g} s trial timeout)"
        return ChildResult(status, wall, returncode, payload if status in ("ok", "diverged") else None, stderr.strip())

    def kill(self) -> None:
        proc = self.current
        if proc is not None and proc.poll() is None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def failure_summary(child: ChildResult) -> str:
    """One line on why a trial's process failed, naming the rank for data-parallel jobs."""
    from mlpbench.distributed import describe_failure

    if child.status == "timeout":
        return "killed at the trial timeout"
    rank = describe_failure(child.stderr_tail)
    if rank:
        return rank
    lines = [line for line in child.stderr_tail.splitlines() if line.strip()]
    if child.returncode is not None and child.returncode < 0:
        return f"killed by signal {signal.Signals(-child.returncode).name}"
    return lines[-1][:300] if lines else f"exit status {child.returncode}"


def _now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")


class Bench:
    """Runs the plan and keeps ``results.json`` current after every trial."""

    def __init__(self, settings: BenchSettings, targets: list[Target], env: dict[str, Any], progress: "Progress",
                 children: ChildRunner | None = None) -> None:
        self.settings = settings
        self.targets = targets
        self.runnable = [t for t in targets if t.status == "ok"]
        self.progress = progress
        self.children = children or ChildRunner()
        self.results_path = settings.out / "results.json"
        self.document: dict[str, Any] = {
            "schema": RESULTS_SCHEMA,
            "kind": "bench",
            "complete": False,
            "interrupted": None,
            "created": _now(),
            "updated": _now(),
            "env": env,
            "config": settings.config.to_dict(),
            "settings": {
                "devices": settings.devices, "backends": settings.backends, "runs": settings.runs,
                "nproc": settings.nproc, "nnodes": settings.nnodes,
                "warm_runs": settings.warm_runs, "warmup": settings.warmup, "warm_time": settings.warm_time,
                "threads": settings.threads, "trial_timeout": settings.trial_timeout,
                "order": "interleaved",
            },
            "targets": [asdict(t) | {"key": t.key} for t in targets],
            "trials": [],
            "warm": [],
            "runs": {},
        }

    # ----- the plan ------------------------------------------------------------------------------
    def cold_order(self) -> list[tuple[int, Target]]:
        """Round-robin: every target once per round, so drift hits all targets alike."""
        return [(r, t) for r in range(self.settings.runs) for t in self.runnable]

    def run(self) -> dict[str, Any]:
        cold = self.cold_order()
        warm = self.runnable if self.settings.warm_runs > 0 else []
        self.progress.start(len(cold) + len(warm))
        self.save()
        with tempfile.TemporaryDirectory(prefix="mlpbench-") as scratch:
            for index, (round_, target) in enumerate(cold):
                self.progress.update(f"cold {round_ + 1}/{self.settings.runs}  {target.key}")
                self.document["trials"].append(self.cold_trial(index, round_, target, Path(scratch)))
                self.save()
                self.progress.advance(self._describe_last_cold())
            for target in warm:
                self.progress.update(f"warm  {target.key}")
                self.document["warm"].append(self.warm_trials(target, Path(scratch)))
                self.save()
                self.progress.advance(self._describe_last_warm())
        self.document["complete"] = True
        self.save()
        return self.document

    def cold_trial(self, index: int, round_: int, target: Target, scratch: Path) -> dict[str, Any]:
        json_path = scratch / f"cold-{index}.json"
        argv = self.settings.launch.argv(target, self.settings.config, json_path)
        child = self.children.run(argv, json_path, self.settings.trial_timeout, f"cold:{index}")
        trial: dict[str, Any] = {"index": index, "round": round_, "device": target.device, "backend": target.backend,
                                 "mode": "cold", "status": child.status, "wall": child.wall,
                                 "returncode": child.returncode}
        if child.payload:
            trial["phases"] = child.payload["phases"]
            trial["seed_time"] = child.payload["seed_time"]
            trial["import_source"] = child.payload.get("import_source")
            if target.key not in self.document["runs"] and child.status == "ok":
                self.document["runs"][target.key] = {k: child.payload[k] for k in (
                    "device", "backend", "threads", "phases", "seed_time", "per_step_s", "train_flops",
                    "train_flops_per_s", "train_loss", "test_loss", "predictions", "log", "backend_facts")
                    if k in child.payload} | {k: child.payload[k] for k in DDP_FACTS if k in child.payload}
                self.document["runs"][target.key].update(device=target.device, backend=target.backend)
        if child.status != "ok":
            trial["stderr_tail"] = child.stderr_tail
            trial["error"] = failure_summary(child)
        return trial

    def warm_trials(self, target: Target, scratch: Path) -> dict[str, Any]:
        json_path = scratch / f"warm-{target.key.replace('/', '_').replace(':', '')}.json"
        s = self.settings
        argv = s.launch.argv(target, s.config, json_path, warm={"warmup": s.warmup, "min_runs": s.warm_runs,
                                                               "max_runs": max(s.max_warm_runs, s.warm_runs),
                                                               "max_time": s.warm_time})
        child = self.children.run(argv, json_path, s.trial_timeout + s.warm_time, f"warm:{target.key}")
        record: dict[str, Any] = {"device": target.device, "backend": target.backend, "mode": "warm",
                                  "status": child.status, "wall": child.wall, "returncode": child.returncode}
        if child.payload:
            record.update({k: v for k, v in child.payload.items() if k in WARM_FIELDS})
        else:
            record["stderr_tail"] = child.stderr_tail
            record["error"] = failure_summary(child)
        return record

    # ----- bookkeeping ---------------------------------------------------------------------------
    def save(self) -> None:
        self.document["updated"] = _now()
        analysis.derive(self.document)
        try:
            write_json_atomic(self.results_path, self.document)
        except OSError as err:
            raise UsageError(f"cannot write {self.results_path} ({err.strerror}); "
                             "the last complete results file is left as it was") from None

    def _describe_last_cold(self) -> str:
        t = self.document["trials"][-1]
        if t["status"] == "ok":
            return (f"cold {t['device']}/{t['backend']}: process {t['wall']:.2f} s, "
                    f"train {t['phases']['train']:.3f} s")
        return f"cold {t['device']}/{t['backend']}: {t['status'].upper()} (exit {t['returncode']})"

    def _describe_last_warm(self) -> str:
        w = self.document["warm"][-1]
        if w["status"] == "ok":
            import statistics

            return (f"warm {w['device']}/{w['backend']}: median {statistics.median(w['samples']):.4f} s "
                    f"over {len(w['samples'])} trials ({w['stopped_by']})")
        return f"warm {w['device']}/{w['backend']}: {w['status'].upper()} (exit {w['returncode']})"


class Progress:
    """A rich progress bar on a terminal (stderr); one plain line per finished trial on stdout
    otherwise, so that stderr carries nothing but errors; or nothing with --quiet."""

    def __init__(self, quiet: bool, stream=None) -> None:
        self.stream = stream or sys.stderr
        self.quiet = quiet
        self.rich = None
        self.task = None
        self.done = 0
        self.total = 0

    def start(self, total: int) -> None:
        self.total = total
        if self.quiet or not self.stream.isatty():
            return
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress as RichProgress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

        self.rich = RichProgress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                 TimeElapsedColumn(), TimeRemainingColumn(), console=Console(file=self.stream),
                                 transient=True)
        self.rich.start()
        self.task = self.rich.add_task("starting", total=total)

    def update(self, description: str) -> None:
        if self.rich is not None:
            self.rich.update(self.task, description=description)

    def advance(self, line: str) -> None:
        self.done += 1
        if self.rich is not None:
            self.rich.console.print(line)
            self.rich.advance(self.task)
        elif not self.quiet:
            sys.stdout.write(f"[{self.done}/{self.total}] {line}\n")
            sys.stdout.flush()

    def stop(self) -> None:
        if self.rich is not None:
            self.rich.stop()
            self.rich = None


def run_bench(settings: BenchSettings) -> tuple[dict[str, Any], str | None]:
    """Plan, run and save. Returns the results document and the signal that stopped it, if any."""
    from mlpbench.env import collect

    settings.validate()
    if settings.nproc is not None:
        targets = plan_ddp_targets(settings.devices, settings.nproc, settings.nnodes)
    else:
        targets = plan_targets(settings.devices, settings.backends, settings.config)
    env = collect()
    progress = Progress(settings.quiet)
    with out_dir_lock(settings.out):
        bench = Bench(settings, targets, env, progress)
        with stoppable(bench.children, progress) as stop:
            bench.run()
        if stop.signal:
            bench.document["interrupted"] = stop.signal
            bench.save()
    return bench.document, stop.signal
