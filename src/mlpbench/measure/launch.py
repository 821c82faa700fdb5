"""How a trial becomes a child process: a job spec for mlpbench's own job (torchrun for several
ranks), or the script bootstrap for a user's script; and what comes back, as typed outcomes."""

from __future__ import annotations

import itertools
import json
import sys
import time
from pathlib import Path
from typing import TypeVar

import msgspec

from mlpbench.measure import distributed, script
from mlpbench.measure.children import ChildResult, ChildRunner
from mlpbench.measure.clock import SPAWN_ENV
from mlpbench.measure.job import JobSpec, WarmPlan
from mlpbench.results.model import Code, Memory, Outcome, Target
from mlpbench.workload.config import WorkloadConfig

O = TypeVar("O", bound=Outcome)


class Launcher:
    """Starts trials in fresh processes, in a scratch directory, and turns them into outcomes."""

    def __init__(self, children: ChildRunner, scratch: Path, code: list[Code], threads: int | None = None,
                 nnodes: int | None = None, rdzv_endpoint: str | None = None) -> None:
        self.children = children
        self.scratch = scratch
        self.code = {c.path: c for c in code}
        self.threads = threads
        self.nnodes = nnodes
        self.rdzv_endpoint = rdzv_endpoint
        self._ids = itertools.count()

    def workload_sha(self, config: WorkloadConfig) -> str | None:
        return self.code[config.workload].sha256 if config.workload is not None and config.workload in self.code else None

    def job(self, target: Target, config: WorkloadConfig, *, trial: str, timeout: float, warm: WarmPlan | None = None,
            matmul_rate: bool = False, profile: bool = False) -> ChildResult:
        """One run of the job (and its warm trials) in a fresh process; torchrun for several ranks."""
        n = next(self._ids)
        spec_path, out_path = self.scratch / f"job-{n}.json", self.scratch / f"record-{n}.json"
        spec = JobSpec(target=target, config=config, workload_sha256=self.workload_sha(config), warm=warm,
                       threads=self.threads, matmul_rate=matmul_rate, profile=profile, trial=trial)
        spec_path.write_bytes(msgspec.json.encode(spec))  # scratch: a child's input, not a results file
        args = [str(spec_path), str(out_path)]
        if target.ranks is not None:
            per_node = max(1, target.ranks // (self.nnodes or 1))
            argv = distributed.torchrun_argv(args, per_node, self.nnodes, self.rdzv_endpoint)
        else:
            argv = [sys.executable, "-m", "mlpbench.measure.child", *args]
        return self.children.run(argv, out_path, timeout, trial)

    def script(self, target: Target, *, trial: str, timeout: float) -> ChildResult:
        """One run of a user's script as it is, through the bootstrap that times its big events."""
        assert target.script is not None
        code = self.code[script.split(target.script)[0]]
        events = self.scratch / f"events-{next(self._ids)}.json"
        started = time.monotonic()
        result = self.children.run(script.argv(target.script, code.sha256, events), None, timeout, trial,
                                   env={SPAWN_ENV: repr(started), **script.thread_env(self.threads)}, keep_stdout=True)
        try:
            times = json.loads(events.read_text())
        except (OSError, ValueError):
            times = None
        if times and "boot" in times and result.status in ("ok", "failed"):
            result.record = script.record(target, times, started, result.stdout)
            if result.status == "ok" and result.record.status == "diverged":
                result.status = "diverged"
        return result

    def run(self, target: Target, config: WorkloadConfig, *, trial: str, timeout: float,
            warm: WarmPlan | None = None, matmul_rate: bool = False, profile: bool = False) -> ChildResult:
        if target.is_script:
            return self.script(target, trial=trial, timeout=timeout)
        return self.job(target, config, trial=trial, timeout=timeout, warm=warm, matmul_rate=matmul_rate,
                        profile=profile)


def outcome(kind: type[O], target: Target, child: ChildResult, **fields: object) -> O:
    """The typed outcome of a child: its status, outside wall time and record, or why it failed.

    The peak resident set seen from outside (wait4) fills in only for a record without one of its own
    (a script whose boot could not read it: no /proc). It covers the whole child, the matmul probe and
    the profiler included (516 MiB against the job's own 433 MiB for a warm set here), and, like any
    getrusage figure, what the child inherited from its parent across exec; a data-parallel launcher
    is not the process that trains (rank 0 reports its own)."""
    failed = child.status not in ("ok", "diverged")
    record = child.record
    own = record.memory.peak_rss_bytes if record is not None and record.memory is not None else None
    if record is not None and own is None and child.peak_rss_bytes is not None and target.ranks is None:
        memory = msgspec.structs.replace(record.memory or Memory(), peak_rss_bytes=child.peak_rss_bytes)
        record = msgspec.structs.replace(record, memory=memory)
    return kind(target=target, status=child.status, wall=child.wall, returncode=child.returncode,
                error=child.error if failed else None, stderr_tail=child.stderr_tail if failed else None,
                record=record, **fields)
