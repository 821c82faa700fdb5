"""Typed results built in memory for tests, shaped like real runs, each knob moving one median.

These are never written to tests/data: the files there come from real runs (tests/data/README.md).
Builders exist for the cases a real run does not produce on demand: a GPU on a machine without
one, intervals that overlap, a run cut short, a loss off by a chosen amount.
"""

from __future__ import annotations

import msgspec

from mlpbench.results.model import (BenchPlan, ColdTrial, Environment, Gpu, Measurement, PlannedTarget, Results,
                                    RunRecord, SweepPlan, SweepPoint, Target, WarmRun, WarmSet)
from mlpbench.workload.config import WorkloadConfig

JITTER = (1.00, 1.03, 0.98, 1.01, 0.99, 1.02, 0.97, 1.00, 1.01, 0.99, 1.02, 0.98)
CPU, GPU = Target("cpu", "eager"), Target("cuda:0", "eager")
CPU_COLD = {"import": 0.90, "device_init": 3e-6, "data": 0.0025, "to_device": 2e-5, "setup": 0.01, "first_optimizer": 0.99,
            "train": 0.52, "eval": 2.7e-4}
GPU_COLD = {"import": 1.40, "device_init": 0.45, "data": 0.0025, "to_device": 0.004, "setup": 0.01, "first_optimizer": 0.99,
            "train": 0.30, "eval": 0.0011}
LOSSES = [116.9025, 5.9574, 4.2802, 3.1939, 2.3619, 1.6937, 1.0328, 0.4003, 0.1680, 0.1000, 0.0630]
ENV = Environment(date="2026-11-26T12:00:00+00:00", hostname="builder-host", os="Linux-6.1-x86_64", python="3.11.7",
                  cpu="AMD EPYC (builder)", cpu_count=2, cpu_usable=2, torch_threads=2, memory_bytes=24 * 2**30,
                  torch="2.13.0+cpu", blas="mkl", cpu_capability="AVX512", timer="time.perf_counter",
                  timer_resolution_s=1e-9, git_commit="builder", mlpbench="0.1.0", argv=["bench"])
GPU_ENV = msgspec.structs.replace(ENV, torch="2.11.0+cu130", torch_cuda="13.0", cudnn="9.10.0", cuda_driver="580.159.04",
                                  gpus=[Gpu(0, "NVIDIA H100 80GB HBM3", 85_520_809_984, "9.0", 132)])


def losses(scale: float = 1.0) -> dict[int, float | None]:
    return {100 * i: v * scale for i, v in enumerate(LOSSES)}


def record(target: Target, phases: dict[str, float], config: WorkloadConfig | None = None, scale: float = 1.0,
           warm: WarmRun | None = None, matmul: float | None = None, test_loss: float = 2.1869) -> RunRecord:
    config = config or WorkloadConfig()
    log = [f"Using device: {target.device}", *(f"Step {s}: Train Loss = {v:.4f}" for s, v in losses(scale).items())]
    return RunRecord(target=target, config=config, status="ok", phases=phases,
                     seed_time=phases["total"] - phases["import"], losses=losses(scale), test_loss=test_loss * scale,
                     log=log, flops_per_step=13.72e6, flops_source="analytic", parameters=6201, matmul_flops_per_s=matmul,
                     warm=warm, threads=2)


def cold_trials(target: Target, base: dict[str, float], runs: int, start: int, gap: int, scale: float = 1.0) -> list[ColdTrial]:
    out = []
    for r in range(runs):
        j = JITTER[r % len(JITTER)]
        phases = {k: v * j for k, v in base.items()}
        phases["total"] = sum(phases.values()) + 0.004
        out.append(ColdTrial(target=target, status="ok", wall=phases["total"] + 0.55 * j, returncode=0,
                             record=record(target, phases, scale=scale), index=start + gap * r, round=r))
    return out


def warm_set(target: Target, median: float, n: int = 10, scale: float = 1.0, matmul: float = 95e9,
             stopped_by: str = "converged") -> WarmSet:
    samples = [median * j for j in JITTER[:n]]
    warm = WarmRun(Measurement(samples, [median * 1.2, median * 1.05]), stopped_by,  # type: ignore[arg-type]
                   [losses(scale) for _ in samples], [2.1869 * scale for _ in samples], {"setup": 0.01})
    phases = {"import": 1.0, "train": median, "total": 2.0 + median}
    return WarmSet(target=target, status="ok", wall=9.0, returncode=0,
                   record=record(target, phases, scale=scale, warm=warm, matmul=matmul))


SCRIPT_COLD = {"interpreter": 0.06, "import_torch": 1.7, "first_optimizer": 1.9, "rest": 1.4}


def script_trials(script: str, device: str, runs: int, start: int, gap: int, cuda_init: float = 0.0,
                  rest: float = 1.4) -> list[ColdTrial]:
    """Cold trials of a user's script as the bootstrap records them: its phases, its own printed time
    (``seed_time``) and the device it ran on."""
    target, out = Target(None, "script", script=script), []
    for r in range(runs):
        j = JITTER[r % len(JITTER)]
        phases = {k: v * j for k, v in dict(SCRIPT_COLD, rest=rest, **({"cuda_init": cuda_init} if cuda_init else {})).items()}
        phases["total"] = sum(phases.values())
        run = RunRecord(target=target, config=None, status="ok", phases=phases, seed_time=phases["total"] - 2.0,
                        losses=losses(),
                        log=[f"Using device: {device}", "Total Execution Time: 3.0 seconds"], facts={"device": device})
        out.append(ColdTrial(target=target, status="ok", wall=phases["total"] + 0.9 * j, returncode=0, record=run,
                             index=start + gap * r, round=r))
    return out


def make_bench(gpu: bool = True, runs: int = 4, gpu_rest: float = 0.9) -> Results:
    """What ``make bench`` measures: the user's two scripts cold, the workload warm only (``--runs 0``)."""
    results = bench(gpu=gpu, runs=0)
    a, b = "examples/three_layer_nn_pytorch.py", "examples/three_layer_nn_pytorch_cuda.py"
    results.cold = script_trials(a, "cpu", runs, 0, 2) + script_trials(
        b, "cuda" if gpu else "cpu", runs, 1, 2, cuda_init=0.5 if gpu else 0.0, rest=gpu_rest if gpu else 1.4)
    results.cold.sort(key=lambda t: t.index)
    results.targets += [PlannedTarget(Target(None, "script", script=s)) for s in (a, b)]
    results.plan = BenchPlan(scripts=[a, b], runs=0, script_runs=runs, warm_runs=6, warm_time=6.0)
    return results


def bench(gpu: bool = True, runs: int = 6, cpu_train: float = 0.52, gpu_train: float = 0.30, warm_cpu: float | None = 0.39,
          warm_gpu: float | None = 0.21, gpu_device_init: float = 0.45, gpu_scale: float = 1.0,
          interrupted: str | None = None) -> Results:
    """A bench of the seed's story; the keyword arguments move the medians for conclusion tests.
    ``gpu_scale`` multiplies every loss of the GPU's runs (1.01: one percent off)."""
    cold = cold_trials(CPU, dict(CPU_COLD, train=cpu_train), runs, 0, 2 if gpu else 1)
    warm = [warm_set(CPU, warm_cpu)] if warm_cpu else []
    targets = [PlannedTarget(CPU)]
    if gpu:
        cold += cold_trials(GPU, dict(GPU_COLD, train=gpu_train, device_init=gpu_device_init), runs, 1, 2, gpu_scale)
        if warm_gpu:
            warm.append(warm_set(GPU, warm_gpu, scale=gpu_scale, matmul=5.1e13))
        targets.append(PlannedTarget(GPU))
    else:
        targets.append(PlannedTarget(Target("cuda", "eager"), "unavailable",
                                     "cuda is not available: this torch (2.13.0+cpu) was built without CUDA"))
    cold.sort(key=lambda t: t.index)
    return Results(complete=interrupted is None, interrupted=interrupted, created=ENV.date, updated=ENV.date,  # type: ignore[arg-type]
                   env=GPU_ENV if gpu else ENV, config=WorkloadConfig(),
                   plan=BenchPlan(runs=runs, warm_runs=10 if (warm_cpu or warm_gpu) else 0), targets=targets,
                   cold=cold, warm=warm)


def sweep(per_step: dict[Target, dict[float, list[float]]], skipped: list[str] | None = None,
          one_off: dict[Target, float] | None = None) -> Results:
    """A sweep over n from per-step samples (seconds) per target and point; one-offs from a cold run each."""
    config = WorkloadConfig()
    points, cold = [], []
    one_off = one_off or {}
    for i, (target, series) in enumerate(per_step.items()):
        phases = {"import": 1.0, "device_init": one_off.get(target, 0.0), "setup": 1.0, "train": 0.5, "total": 3.0}
        cold.append(ColdTrial(target=target, status="ok", wall=3.5, record=record(target, phases), index=i, round=0))
        for n, samples in series.items():
            point_config = config.with_changes(n=int(n), steps=100)
            warm = WarmRun(Measurement([s * 100 for s in samples]), "converged")
            rec = msgspec.structs.replace(record(target, {"train": samples[0] * 100, "total": 1.0, "import": 0.5},
                                                 point_config, warm=warm), flops_per_step=13.72e6 * n / 500)
            points.append(SweepPoint(target=target, status="ok", record=rec, point={"n": float(n)}, config=point_config,
                                     trial_steps=100))
    plan = SweepPlan(vary={"n": sorted({float(n) for s in per_step.values() for n in s})})
    return Results(complete=not skipped, created=ENV.date, updated=ENV.date, env=GPU_ENV, config=config, plan=plan,
                   targets=[PlannedTarget(t) for t in per_step], cold=cold, points=points, skipped=skipped or [])
