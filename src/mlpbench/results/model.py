"""The results model: every record mlpbench writes, typed, versioned, and validated as it is read.

Raw measurements are the source of truth: a ``Measurement`` keeps its samples (and its warm-up
samples apart) and derives its ``Summary`` once, when it is built or read; a file's own summary
is never trusted. Everything else that a report says (comparisons, crossovers, checks) is derived
from these records by ``results.analysis`` and ``results.sweep``.

Types are msgspec structs: decoding checks every type and range, rejects unknown fields, and
reports a wrong value with its path (``$.cold[3].record.phases.train``).
"""

from __future__ import annotations

import itertools
import re
from typing import Annotated, Any, Literal

import msgspec
from msgspec import Meta, Struct

from mlpbench.stats.summary import Summary, summarize
from mlpbench.workload.config import WorkloadConfig

RESULTS_SCHEMA = "mlpbench.results/2"
RUN_SCHEMA = "mlpbench.run/2"
# History of RESULTS_SCHEMA:
#   mlpbench.results/1  first version: hand-checked dicts. env, config, settings, targets ("dev/backend"
#                       keys; data-parallel runs as a pseudo-backend "ddpN"), trials, warm, runs, and
#                       derived measurements, comparisons, warnings, scaling, sweep written out.
#   mlpbench.results/2  one typed model (this module). Targets are objects (device, backend, ranks,
#                       script); every cold trial, warm set and sweep point holds the child's whole
#                       record (log, losses, phases, memory); the code that ran is kept with its SHA-256
#                       (``code``); intervals carry their true coverage; derived figures are no longer
#                       stored but computed from the samples. /1 files are converted on reading
#                       (``results.migrate``).
#                       Added since, with a default that reads older /2 files alike: ``BenchPlan.script_runs``,
#                       ``Environment.load_average``, ``Environment.cpu_busy``, ``Results.resumed``.
# History of RUN_SCHEMA (``mlpbench run --json`` and what a child process returns):
#   mlpbench.run/1      flat dict of one run.
#   mlpbench.run/2      ``RunRecord``: target, config, phases, losses, evaluation, log, facts, flops,
#                       memory, warm samples with their energy, a profile of a few steps (when asked),
#                       environment. Added since, with a default that reads older files alike: ``after_total``.

Seconds = Annotated[float, Meta(ge=0, le=1e9)]
Text = Annotated[str, Meta(max_length=200_000)]
Name = Annotated[str, Meta(max_length=500)]
Samples = Annotated[list[Seconds], Meta(max_length=100_000)]
Count = Annotated[int, Meta(ge=0, le=2**53)]
Loss = float | None  # None: the loss was not finite (the run diverged)
Status = Literal["ok", "failed", "timeout", "diverged", "oom", "unsupported"]


class Target(Struct, frozen=True, forbid_unknown_fields=True):
    """What was measured: a backend on a device (on ``ranks`` data-parallel processes), or a
    user's script run as it is (``script``: it chooses its own device)."""

    device: Name | None
    backend: Name
    ranks: Annotated[int, Meta(ge=1, le=100_000)] | None = None  # None: one process, no torch.distributed
    script: Name | None = None

    @property
    def key(self) -> str:
        """A short stable id: ``cpu/eager``, ``cuda:0/fused``, ``cpu/eager×2``, ``script:run.py``."""
        if self.script is not None:
            return f"script:{self.script}"
        return f"{self.device}/{self.backend}" + (f"×{self.ranks}" if self.ranks is not None else "")

    @property
    def kind(self) -> str:
        """The device's kind ("cpu", "cuda", "mps"), or "script"."""
        return "script" if self.device is None else self.device.split(":")[0]

    @property
    def is_gpu(self) -> bool:
        return self.kind in ("cuda", "mps")

    @property
    def is_script(self) -> bool:
        return self.script is not None


class PlannedTarget(Struct, frozen=True, forbid_unknown_fields=True):
    target: Target
    status: Literal["ok", "unavailable"] = "ok"
    reason: Text | None = None


class Measurement(Struct, forbid_unknown_fields=True):
    """Samples of one figure, in seconds, with warm-up samples kept apart; ``summary`` is derived
    from the samples whenever a Measurement is built or read."""

    samples: Annotated[list[Seconds], Meta(min_length=1, max_length=100_000)]
    warmup_samples: Samples = []
    summary: Summary | None = None

    def __post_init__(self) -> None:
        msgspec.structs.force_setattr(self, "summary", summarize(self.samples))

    @property
    def stats(self) -> Summary:
        assert self.summary is not None
        return self.summary

    @property
    def median(self) -> float:
        return self.stats.median


class Code(Struct, frozen=True, forbid_unknown_fields=True):
    """Source code that ran, as it was read when it ran."""

    name: Name  # e.g. "three_layer_nn_pytorch_cuda.py", "mlp", "eager training loop"
    role: Literal["script", "workload", "loop", "user script"]
    path: Name
    sha256: Annotated[str, Meta(pattern="^[0-9a-f]{64}$")]
    source: Text


class Gpu(Struct, frozen=True, forbid_unknown_fields=True):
    index: int
    name: Name
    memory_bytes: Count | None = None
    capability: Name | None = None
    multiprocessors: int | None = None


class Environment(Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    """What a reader needs to judge a number: machine, versions, devices, commit, command."""

    date: Name | None = None
    hostname: Name | None = None
    os: Name | None = None
    python: Name | None = None
    cpu: Name | None = None
    cpu_count: int | None = None
    cpu_usable: int | None = None
    torch_threads: int | None = None
    memory_bytes: Count | None = None
    torch: Name | None = None
    torch_cuda: Name | None = None
    cudnn: Name | None = None
    blas: Name | None = None
    cpu_capability: Name | None = None
    timer: Name | None = None
    timer_resolution_s: float | None = None
    git_commit: Name | None = None
    mlpbench: Name | None = None
    argv: Annotated[list[Name], Meta(max_length=1000)] = []
    gpus: Annotated[list[Gpu], Meta(max_length=1000)] = []
    cuda_driver: Name | None = None
    load_average: float | None = None  # the machine's 1-minute load average as the run began (os.getloadavg)
    cpu_busy: float | None = None  # share of its CPU time that went to other processes over 0.25 s as it began


class Memory(Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    """Peak memory of one run: the process's resident set, and the device allocator's peaks."""

    peak_rss_bytes: Count | None = None  # the whole process, from getrusage (ru_maxrss)
    device_allocated_bytes: Count | None = None  # torch.cuda.max_memory_allocated
    device_reserved_bytes: Count | None = None  # torch.cuda.max_memory_reserved
    jax_peak_bytes: Count | None = None  # jax's device memory_stats()['peak_bytes_in_use'], where it has one


class OpTime(Struct, frozen=True, forbid_unknown_fields=True):
    name: Name
    calls: float  # per step
    host_s: float  # self time on the host per step, under the profiler


class StepProfile(Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    """A few training steps under torch.profiler, after the timed trials (never inside them)."""

    steps: int
    profiled_step_s: float  # wall time per step while profiling (the profiler slows every operation)
    ops_per_step: float  # top-level operators (aten::) a step runs
    kernels_per_step: float | None = None  # device kernels a step launches (a GPU)
    device_busy_s: float | None = None  # per step, the union of kernel times on the device's own clock
    mean_kernel_gap_s: float | None = None  # mean idle gap between consecutive kernels
    host_self_s: float  # host time per step, every event's self time, under the profiler
    matmul_s: float  # ... of which in matrix-multiply (and convolution) operators
    optimizer_s: float | None = None  # ... the optimizer's step, its children included
    top_ops: list[OpTime] = []
    kernels: list[OpTime] = []  # device kernels by name: launches and device time per step

    @property
    def device_figures_valid(self) -> bool:
        """False for a profile that counted a user annotation as device work (mlpbench before commit cb63f6b:
        ``Optimizer.step#Adam.step`` mirrored on the GPU's timeline spans its idle time, so busy time and
        gaps are wrong). Such a file keeps its numbers; the report does not quote them."""
        return not any(k.name.startswith(ANNOTATIONS) for k in self.kernels)

    @property
    def busy_s(self) -> float | None:
        """The device's busy time per step where it was measured right, else None."""
        return self.device_busy_s if self.device_figures_valid else None

    @property
    def gap_s(self) -> float | None:
        return self.mean_kernel_gap_s if self.device_figures_valid else None


ANNOTATIONS = ("Optimizer.", "ProfilerStep#", "## ")  # user annotations' names, never kernels


class Energy(Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    """Energy of the warm trials, per training run, where the machine exposes a counter."""

    gpu_joules: float | None = None  # NVML's total energy counter, over the warm trials / runs
    cpu_joules: float | None = None  # RAPL (powercap) package energy, over the warm trials / runs
    gpu_source: Name | None = None
    cpu_source: Name | None = None
    unavailable: dict[Name, Text] = {}  # "gpu" / "cpu" -> why there is no figure


class WarmRun(Struct, forbid_unknown_fields=True):
    """Warm trials: the training loop repeated from the same start after warm-up runs."""

    measurement: Measurement
    stopped_by: Literal["converged", "time", "max_runs"]
    sample_losses: list[dict[int, Loss]] = []  # every measured run's logged train losses ...
    sample_test_losses: list[Loss] = []  # ... and its test loss afterwards, checked like the first run's
    one_off: dict[Name, Seconds] = {}  # data, copies, setup, compile: the costs paid once
    energy: Energy | None = None


# facts["peak_rss"] of a run measured in a process that ran other targets before it and could not reset the
# high-water mark of its resident set (the notebook's in-process bench): its memory.peak_rss_bytes is theirs too.
CUMULATIVE_RSS = "cumulative: the process's high-water mark could not be reset, so it includes the targets before"


class RunRecord(Struct, forbid_unknown_fields=True, kw_only=True):
    """One execution of the job: what ``mlpbench run --json`` writes and every child returns."""

    schema: Literal["mlpbench.run/2"] = RUN_SCHEMA
    target: Target
    config: WorkloadConfig | None  # None for a user's script (its workload is its own)
    status: Literal["ok", "diverged"]
    phases: dict[Name, Seconds]
    seed_time: Seconds | None  # the seed's own figure (after `import torch` to the end), or the script's
    import_source: Name | None = None  # how the interpreter's start was known: parent, proc, module
    threads: int | None = None
    losses: dict[int, Loss] = {}  # the logged train losses
    test_loss: Loss = None
    predictions: list[tuple[float, float]] = []
    classes: bool = False
    log: Annotated[list[Text], Meta(max_length=100_000)] = []
    facts: dict[Name, Any] = {}  # backend-specific facts (threads chosen, kernel variant, ...)
    flops_per_step: float | None = None
    flops_source: Literal["analytic", "workload", "counted"] | None = None
    parameters: Count | None = None
    matmul_flops_per_s: float | None = None  # this device's measured large-matmul rate
    memory: Memory | None = None
    warm: WarmRun | None = None
    profile: StepProfile | None = None
    per_rank_phases: dict[Name, dict[Name, Seconds]] = {}
    env: Environment | None = None
    # mlpbench's own work after the job's total (the model's probes, its FLOP count, facts, a warm child's
    # trials): no part of the job, nor of the process's exit (0 in files written before it was recorded)
    after_total: Seconds = 0.0

    @property
    def per_step_s(self) -> float | None:
        if self.config is None or "train" not in self.phases:
            return None
        return self.phases["train"] / self.config.steps

    @property
    def train_flops_per_s(self) -> float | None:
        per_step = self.per_step_s
        return self.flops_per_step / per_step if self.flops_per_step and per_step else None

    @property
    def device_used(self) -> str | None:
        """The kind of device a run ran on ("cpu", "cuda", "mps"): recorded for a script (it started CUDA,
        or said so), else what its log says ("Using device: cpu"; older results files keep only that)."""
        kind = self.facts.get("device")
        if kind is None:
            kind = device_printed("\n".join(self.log))
        return kind if kind in ("cpu", "cuda", "mps") else None


USING_DEVICE = re.compile(r"(?im)^\s*using device:?\s*([A-Za-z]+)")


def device_printed(text: str) -> str | None:
    """The device kind a log last names in a "Using device: X" line (the seed's scripts print one)."""
    found = USING_DEVICE.findall(text)
    return found[-1].lower() if found else None


class Outcome(Struct, forbid_unknown_fields=True, kw_only=True):
    """How a child process ended, seen from the parent."""

    target: Target
    status: Status
    wall: Seconds | None = None  # fork/exec to exit, timed from outside
    returncode: int | None = None
    error: Text | None = None  # one line on why it failed
    stderr_tail: Text | None = None
    record: RunRecord | None = None

    @property
    def exit(self) -> float | None:
        """What the parent saw after the job's last phase, less mlpbench's own work there: the record's writing
        and the interpreter's exit (torch's teardown included)."""
        if self.wall is None or self.record is None or "total" not in self.record.phases:
            return None
        return max(0.0, self.wall - self.record.phases["total"] - self.record.after_total)


class ColdTrial(Outcome, tag="cold", tag_field="kind", kw_only=True):
    """The whole job once in a fresh process (a sweep's one-off run is one too)."""

    index: int
    round: int


class WarmSet(Outcome, tag="warm", tag_field="kind", kw_only=True):
    """One process that ran the job once and then repeated its training loop (``record.warm``)."""


class SweepPoint(Outcome, tag="point", tag_field="kind", kw_only=True):
    """One target at one point of a sweep: warm trials of ``trial_steps`` updates."""

    point: dict[Name, float]
    config: WorkloadConfig
    trial_steps: int

    @property
    def key(self) -> str:
        return point_key(self.point, self.target)


def point_label(point: dict[str, float]) -> str:
    return ",".join(f"{k}={int(v) if float(v).is_integer() else f'{v:g}'}" for k, v in point.items())


def point_key(point: dict[str, float], target: Target) -> str:
    """One measurement's id in a sweep: its point and its target (``n=500|cpu/eager``)."""
    return f"{point_label(point)}|{target.key}"


class BenchPlan(Struct, tag="bench", tag_field="kind", forbid_unknown_fields=True, kw_only=True):
    """What ``mlpbench bench`` was asked to do."""

    devices: list[Name] = msgspec.field(default_factory=lambda: ["cpu", "cuda"])
    backends: list[Name] = msgspec.field(default_factory=lambda: ["eager"])
    scripts: list[Name] = []
    runs: int = 6  # cold trials per target (6: the smallest count with a 95 % interval of the median)
    script_runs: int | None = None  # cold trials per script (None: as many as ``runs``)
    warm_runs: int = 10
    max_warm_runs: int = 100
    warmup: int = 2
    warm_time: float = 20.0
    threads: int | None = None
    trial_timeout: float = 600.0
    nproc: int | None = None
    nnodes: int | None = None
    rdzv_endpoint: Name | None = None
    order: Literal["interleaved"] = "interleaved"

    @property
    def runs_per_script(self) -> int:
        """Cold trials of each script: asked for apart from the workload's, or as many."""
        return self.runs if self.script_runs is None else self.script_runs

    def cold_runs(self, target: Target) -> int:
        return self.runs_per_script if target.is_script else self.runs


class SweepPlan(Struct, tag="sweep", tag_field="kind", forbid_unknown_fields=True, kw_only=True):
    """What ``mlpbench sweep`` was asked to do."""

    vary: dict[Name, list[float]]
    devices: list[Name] = msgspec.field(default_factory=lambda: ["cpu", "cuda"])
    backends: list[Name] = msgspec.field(default_factory=lambda: ["eager"])
    warm_runs: int = 5
    warmup: int = 1
    trial_steps: int = 100
    warm_time: float = 10.0
    point_timeout: float = 300.0
    time_limit: float | None = None
    threads: int | None = None
    largest_first: bool = False  # measure the largest point first (a time-limited sweep keeps the big ones)

    def points(self) -> list[dict[str, float]]:
        """Every point of the grid, smallest first (or largest first)."""
        names = list(self.vary)
        order = (lambda values: sorted(values, reverse=True)) if self.largest_first else sorted
        return [dict(zip(names, combo)) for combo in itertools.product(*(order(self.vary[n]) for n in names))]


class Resumed(Struct, forbid_unknown_fields=True, kw_only=True):
    """A sweep continued from its journal: how much of it earlier sessions measured (this file's date, command and
    environment are the last session's; a resume refuses another machine, torch or way of measuring)."""

    points: Count  # sweep points taken from the journal
    one_off: Count  # one-off (cold) runs taken from it
    since: Name | None = None  # when the earlier results file was begun, where it was there to read


class Results(Struct, forbid_unknown_fields=True, kw_only=True):
    """A results file: a bench or a sweep, rewritten after every trial."""

    schema: Literal["mlpbench.results/2"] = RESULTS_SCHEMA
    complete: bool = False
    interrupted: Literal["SIGINT", "SIGTERM"] | None = None
    created: Name
    updated: Name
    env: Environment
    config: WorkloadConfig
    plan: BenchPlan | SweepPlan
    code: list[Code] = []
    targets: list[PlannedTarget] = []
    cold: list[ColdTrial] = []
    warm: list[WarmSet] = []
    points: list[SweepPoint] = []
    references: list[RunRecord] = []  # CPU eager runs that measured runs are checked against, when no
    skipped: list[Text] = []  # target of the plan provides one; work --time-limit left undone
    resumed: Resumed | None = None  # a sweep continued with --resume: what came from the earlier sessions

    @property
    def kind(self) -> Literal["bench", "sweep"]:
        return "sweep" if isinstance(self.plan, SweepPlan) else "bench"

    def runnable(self) -> list[Target]:
        return [t.target for t in self.targets if t.status == "ok"]

    def first_run(self, target: Target) -> RunRecord | None:
        """The first complete record of ``target``: the run whose log the report shows."""
        for trial in self.cold:
            if trial.target == target and trial.record is not None and trial.status == "ok":
                return trial.record
        for warm in self.warm:
            if warm.target == target and warm.record is not None and warm.status == "ok":
                return warm.record
        return None
