"""Warm trials of a workload that lives only in this interpreter (a notebook's object).

Such a workload cannot be re-created in a fresh process, so there are no cold trials: each target
runs the job here, one after another, then repeats its training loop (warm trials). Devices share
this process (its thread pool, a CUDA context once CUDA is used), which the results say. What one
target changes in the process is undone before the next: torch's thread count and denormal
flushing are restored, and the memory high-water marks start afresh. ``results.json`` is rewritten
after every target, as ``mlpbench bench`` does: an interrupted notebook keeps the finished ones.
"""

from __future__ import annotations

import contextlib
import time
from pathlib import Path
from typing import Iterator

import msgspec

from mlpbench.errors import UsageError
from mlpbench.measure.bench import fresh_folder, now, save_results
from mlpbench.measure.children import Progress, out_dir_lock
from mlpbench.measure.job import JobSpec, WarmPlan, run_job
from mlpbench.results.model import CUMULATIVE_RSS, BenchPlan, Code, Environment, PlannedTarget, Results, WarmSet
from mlpbench.workload.config import WorkloadConfig

CLEAR_REFS = "/proc/self/clear_refs"


def bench_in_process(plan: BenchPlan, config: WorkloadConfig, targets: list[PlannedTarget], code: list[Code],
                     env: Environment, progress: Progress, workload, out: Path) -> tuple[Results, str | None]:
    """Run and save to ``out``/results.json. Returns the results and "SIGINT" if Ctrl-C stopped them."""
    if plan.scripts or plan.nproc is not None:
        raise UsageError("scripts and data-parallel runs start fresh processes: save the workload to a file and pass "
                         "its path")
    if plan.warm_runs < 1:
        raise UsageError("--warm-runs 0 measures nothing here: a workload that lives only in this interpreter gets "
                         "warm trials alone (no fresh process can re-create it); ask for at least one")
    runnable = [t.target for t in targets if t.status == "ok"]
    plan = msgspec.structs.replace(plan, runs=0)  # recorded as what runs: no cold trials here
    results = Results(created=now(), updated=now(), env=env, config=config, plan=plan, code=code, targets=targets)
    warm = WarmPlan(plan.warmup, plan.warm_runs, max(plan.max_warm_runs, plan.warm_runs), plan.warm_time)
    path = out / "results.json"
    stopped_by: str | None = None
    with out_dir_lock(out):
        fresh_folder(out)
        save_results(results, path)
        progress.start(len(runnable))
        try:
            for target in runnable:
                progress.update(f"warm  {target.key}")
                spec = JobSpec(target=target, config=config, warm=warm, threads=plan.threads, matmul_rate=True,
                               profile=True)
                with torch_settings_kept():
                    reset = reset_peaks(target.device or "cpu")
                    # timed from here: this interpreter's age is no phase
                    record = run_job(spec, workload=workload, started_at=time.monotonic())
                assert record is not None
                if not reset:
                    record = msgspec.structs.replace(record, facts={**record.facts, "peak_rss": CUMULATIVE_RSS})
                results.warm.append(WarmSet(target=target, status=record.status, record=record))
                save_results(results, path)
                progress.advance(f"warm {target.key}: {record.status}")
            results.complete = True
        except KeyboardInterrupt:  # a notebook's interrupt: keep what finished, as the command line's bench does
            results.interrupted = stopped_by = "SIGINT"
        finally:
            progress.stop()
        save_results(results, path)
    return results, stopped_by


@contextlib.contextmanager
def torch_settings_kept() -> Iterator[None]:
    """torch's process-wide settings that a target may change (the ``tuned`` backend picks a thread count and
    flushes denormals; ``threads`` sets the count) put back as they were, for the next target and the notebook."""
    import torch

    threads, flushing = torch.get_num_threads(), flushes_denormals()
    try:
        yield
    finally:
        torch.set_num_threads(threads)
        torch.set_flush_denormal(flushing)


def flushes_denormals() -> bool:
    """Whether torch flushes denormals to zero now (``torch.set_flush_denormal`` has no getter): a denormal
    float32 times one is zero only then."""
    import torch

    return torch.tensor([1e-40]).mul(1.0).item() == 0.0


def reset_peaks(device: str) -> bool:
    """Start this target's memory peaks afresh: they are the process's high-water marks, which would carry the
    targets before (and their large-matmul probes). False where the resident set's mark cannot be reset."""
    import torch

    # CUDA not yet initialised has no peaks to reset, and initialising it here would take device_init's cost
    # out of that phase
    if device.startswith("cuda") and torch.cuda.is_initialized():
        torch.cuda.reset_peak_memory_stats(device)
    try:
        with open(CLEAR_REFS, "w", encoding="ascii") as fh:
            fh.write("5")  # Linux: VmHWM (the peak resident set) := the current resident set
        return True
    except OSError:
        return False
