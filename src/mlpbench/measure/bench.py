"""``mlpbench bench``: cold and warm trials of every target, interleaved, saved as they go.

Cold trial: a fresh Python process runs the whole job (or the user's script as it is) and reports
its phases; the parent also times the process from outside (fork/exec to exit). Trials are
interleaved (cpu, cuda, script, cpu, cuda, script, ...) so that drift of the machine hits every
target alike.

Warm set: one process per target runs the job once, then warm-ups kept apart, then repeats the
training loop from the same initial state until the spread is small (``measure.repeat``).

Every measured run keeps its losses, so that ``results.analysis`` can check them against the CPU's
eager loop; where no planned target provides that reference, one extra CPU eager run does.
``results.json`` is rewritten atomically after every trial: a crash, Ctrl-C or SIGTERM keeps
everything that finished. Reports of earlier results in the folder are removed at the start, so that
a bench stopped before it writes its own leaves none of another's beside its results.
"""

from __future__ import annotations

import datetime as _dt
import os
import sys
import tempfile
from pathlib import Path

from mlpbench.errors import UsageError, said_as
from mlpbench.measure.children import ChildRunner, Progress, out_dir_lock, stoppable
from mlpbench.measure.job import WarmPlan
from mlpbench.measure.launch import Launcher, outcome
from mlpbench.results.checks import reference_config
from mlpbench.results.files import JOURNAL, load_results, remove_stale_reports, write_model
from mlpbench.results.model import BenchPlan, Code, ColdTrial, Environment, PlannedTarget, Results, Target, WarmSet
from mlpbench.workload.config import WorkloadConfig

REFERENCE = Target("cpu", "eager")


def validate(plan: BenchPlan) -> BenchPlan:
    if min(plan.runs, plan.warm_runs, plan.warmup, plan.script_runs or 0) < 0:
        raise UsageError("--runs, --script-runs, --warm-runs and --warmup cannot be negative")
    if plan.script_runs is not None and not plan.scripts:
        raise UsageError("--script-runs counts the trials of --script PATH.py; no script was given")
    if plan.runs == 0 and plan.warm_runs == 0 and (not plan.scripts or plan.runs_per_script == 0):
        raise UsageError("--runs 0 with --warm-runs 0 measures nothing; ask for at least one trial")
    if not plan.devices and not plan.scripts:
        raise UsageError("--devices needs at least one device")
    check_threads(plan.threads)
    if not (plan.trial_timeout > 0 and plan.warm_time > 0):
        raise UsageError("--trial-timeout and --warm-time must be positive")
    if plan.nproc is not None and plan.backends != ["eager"]:
        raise UsageError("--nproc runs the eager loop under DistributedDataParallel; it does not take --backends")
    if plan.nproc is not None and plan.nproc < 1:
        raise UsageError(f"--nproc must be at least 1, got {plan.nproc}")
    if (plan.nnodes is None) != (plan.rdzv_endpoint is None):
        raise UsageError("--nnodes and --rdzv-endpoint go together (several machines need a rendezvous point)")
    if plan.nnodes is not None and (plan.nproc is None or plan.nnodes < 1):
        raise UsageError("--nnodes needs --nproc (ranks per node) and must be at least 1")
    if plan.rdzv_endpoint is not None and not _endpoint(plan.rdzv_endpoint):  # found by torchrun, after the reference
        raise UsageError(f"--rdzv-endpoint {plan.rdzv_endpoint!r}: expected HOST or HOST:PORT, such as node0:29500 "
                         f"(an IPv6 address in brackets: [fd00::1]:29500)")
    return plan


def _endpoint(text: str) -> bool:
    """A rendezvous endpoint as torchrun takes it: a host, and a port after a colon where one is given (torch's
    29400 otherwise); an IPv6 host in brackets."""
    if text.startswith("["):
        host, closed, rest = text[1:].partition("]")
        port = rest[1:] if rest.startswith(":") else None if not rest else "x"
    elif text.count(":") > 1:
        return False  # an IPv6 address without brackets: its last group would be read as the port
    else:
        host, closed, port = text, "]", None
        if ":" in text:
            host, _, port = text.partition(":")
    return bool(host.strip()) and bool(closed) and (port is None or (port.isdigit() and 0 < int(port) < 65536))


THREADS_PER_CORE = 4  # the most --threads per core: oversubscription can be measured, torch's pool cannot grow at will


def check_threads(threads: int | None) -> None:
    """--threads, where given: a whole number of threads, at least one (torch refuses anything else mid-run), and
    at most a few per core (100,000 crashed torch's thread pool with SIGSEGV, and said nothing)."""
    if threads is not None and (isinstance(threads, bool) or not isinstance(threads, int) or threads < 1):
        raise UsageError(f"--threads must be a whole number of at least 1, got {threads!r}")
    cores = os.cpu_count() or 1
    if threads is not None and threads > THREADS_PER_CORE * cores:
        raise UsageError(f"--threads {threads}: this machine has {cores} core(s); give at most "
                         f"{THREADS_PER_CORE * cores} ({THREADS_PER_CORE} a core)")


def save_results(results: Results, path: Path, kept: str = "the last complete results file is left as it was") -> None:
    """``results`` stamped and written atomically to ``path``; a failure is one line saying what is ``kept``."""
    results.updated = now()
    try:
        write_model(path, results)
    except OSError as err:
        raise UsageError(f"cannot write {path} ({err.strerror}); {kept}") from None


def now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")


def note(line: str) -> None:
    """One line on stderr about the output folder (never a measurement: those go to the results)."""
    print(f"mlpbench: {line}", file=sys.stderr, flush=True)


def _nothing_finished(path: Path) -> bool:
    """A results file that holds no finished trial (a bench stopped before its first): kept, it would replace the
    earlier results kept as ``results.json.previous`` with nothing."""
    try:
        earlier = load_results(path)
    except UsageError:
        return False  # not readable here: kept as it is, for whoever can read it
    return not (earlier.cold or earlier.warm or earlier.points or earlier.references)


def fresh_folder(folder: Path, sweep: bool = False) -> None:
    """A new bench or sweep into ``folder``: the reports drawn from earlier results go; the earlier results file is
    kept as ``results.json.previous`` (the one before it goes: a folder rerun each day keeps one), and an earlier
    sweep's journal as ``sweep.jsonl.previous`` (never delete finished work; left in place, a later ``--resume``
    there would have continued it against other results)."""
    results = folder / "results.json"
    if results.is_file() and results.stat().st_size and not _nothing_finished(results):  # a stopped bench, rerun
        kept = results.with_name("results.json.previous")
        try:
            os.replace(results, kept)
        except OSError as err:
            raise UsageError(f"cannot keep the earlier {results} as {kept.name} ({err.strerror}); choose another "
                             f"--out") from None
        note(f"{results} held earlier results; kept as {kept}")
    journal = folder / JOURNAL
    if journal.exists() and journal.stat().st_size == 0:
        journal.unlink()
    elif journal.exists():
        kept = journal.with_name(f"{JOURNAL}.previous")
        i = 1
        while kept.exists():
            i += 1
            kept = journal.with_name(f"{JOURNAL}.previous.{i}")
        resume = said_as("--resume", "resume=True")
        try:
            os.rename(journal, kept)
        except OSError as err:
            raise UsageError(f"cannot keep the earlier {journal} as {kept.name} ({err.strerror}); "
                             + (f"continue it with {resume} or choose another --out" if sweep else "choose another --out")
                             ) from None
        note(f"{journal} held an earlier sweep; kept as {kept}"
             + (f" ({resume} continues a sweep instead of starting over)" if sweep else ""))
    remove_stale_reports(folder)


def warm_timeout(plan: BenchPlan) -> float:
    """A warm set's limit: the job once and each training run it must do before ``--warm-time`` may stop it
    (warm-ups and ``--warm-runs``), each allowed ``--trial-timeout`` as a job is, and then ``--warm-time``.
    (The job's limit plus ``--warm-time`` alone killed any workload whose training ran over a fifth of the
    trial limit, and with it every warm sample it had finished.)"""
    return plan.trial_timeout * (1 + plan.warmup + plan.warm_runs) + plan.warm_time


class Bench:
    """Runs the plan and keeps ``results.json`` current after every trial."""

    def __init__(self, plan: BenchPlan, config: WorkloadConfig, targets: list[PlannedTarget], code: list[Code],
                 env: Environment, progress: Progress, out: Path, children: ChildRunner | None = None) -> None:
        self.plan = plan
        self.config = config
        self.runnable = [t.target for t in targets if t.status == "ok"]
        self.progress = progress
        self.children = children or ChildRunner()
        self.path = out / "results.json"
        self.results = Results(created=now(), updated=now(), env=env, config=config, plan=plan, code=code,
                               targets=targets)

    def cold_order(self) -> list[tuple[int, Target]]:
        """Round-robin: every target once per round, so drift hits all targets alike (a target with
        fewer trials than another sits out the last rounds)."""
        rounds = max((self.plan.cold_runs(t) for t in self.runnable), default=0)
        return [(r, t) for r in range(rounds) for t in self.runnable if r < self.plan.cold_runs(t)]

    def warm_targets(self) -> list[Target]:
        return [t for t in self.runnable if not t.is_script] if self.plan.warm_runs > 0 else []

    def needs_reference(self) -> bool:
        """Measured runs are checked against the CPU's eager loop: run it once if nothing else does."""
        jobs = [t for t in self.runnable if not t.is_script]
        return bool(jobs) and REFERENCE not in jobs

    def run(self) -> Results:
        cold, warm = self.cold_order(), self.warm_targets()
        reference = self.needs_reference()
        self.progress.start(len(cold) + len(warm) + reference)
        fresh_folder(self.path.parent)
        self.save()
        with tempfile.TemporaryDirectory(prefix="mlpbench-") as scratch:
            launch = Launcher(self.children, Path(scratch), self.results.code, self.plan.threads, self.plan.nnodes,
                              self.plan.rdzv_endpoint)
            if reference:
                self.progress.update("reference  cpu/eager")
                self.reference(launch)
            for index, (round_, target) in enumerate(cold):
                self.progress.update(f"cold {round_ + 1}/{self.plan.cold_runs(target)}  {target.key}")
                child = launch.run(target, self.config, trial=f"cold:{index}", timeout=self.plan.trial_timeout)
                self.results.cold.append(outcome(ColdTrial, target, child, index=index, round=round_))
                self.save()
                self.progress.advance(describe(self.results.cold[-1]))
            for target in warm:
                self.progress.update(f"warm  {target.key}")
                plan = WarmPlan(self.plan.warmup, self.plan.warm_runs, max(self.plan.max_warm_runs, self.plan.warm_runs),
                                self.plan.warm_time)
                child = launch.run(target, self.config, trial=f"warm:{target.key}", warm=plan, matmul_rate=True,
                                   profile=True, timeout=warm_timeout(self.plan))
                self.results.warm.append(outcome(WarmSet, target, child))
                self.save()
                self.progress.advance(describe(self.results.warm[-1]))
        self.results.complete = True
        self.save()
        return self.results

    def reference(self, launch: Launcher) -> None:
        child = launch.job(REFERENCE, reference_config(self.config), trial="reference", timeout=self.plan.trial_timeout)
        if child.record is not None:
            self.results.references.append(child.record)
        self.progress.advance(f"reference cpu/eager: {child.status.upper() if child.status != 'ok' else 'ok'}")

    def save(self) -> None:
        save_results(self.results, self.path)


def describe(trial: ColdTrial | WarmSet) -> str:
    """One line about a finished trial, for the progress display."""
    key, record = trial.target.key, trial.record
    if trial.status != "ok" or record is None:
        return f"{'cold' if isinstance(trial, ColdTrial) else 'warm'} {key}: {trial.status.upper()} (exit {trial.returncode})"
    if isinstance(trial, ColdTrial):
        inside = record.phases.get("train", record.phases.get("total", 0.0))
        return f"cold {key}: process {trial.wall:.2f} s, {'train' if 'train' in record.phases else 'total'} {inside:.3f} s"
    warm = record.warm
    assert warm is not None
    return (f"warm {key}: median {warm.measurement.median:.4f} s over {len(warm.measurement.samples)} trials "
            f"({warm.stopped_by})")


def run_bench(plan: BenchPlan, config: WorkloadConfig, targets: list[PlannedTarget], code: list[Code],
              env: Environment, progress: Progress, out: Path) -> tuple[Results, str | None]:
    """Run and save. Returns the results and the signal that stopped them, if any."""
    validate(plan)
    with out_dir_lock(out):
        bench = Bench(plan, config, targets, code, env, progress, out)
        with stoppable(bench.children, progress) as stop:
            bench.run()
        if stop.signal:
            bench.results.interrupted = stop.signal  # type: ignore[assignment]
            bench.save()
    return bench.results, stop.signal
