"""Warm trials in this process: set up once, then repeat the training loop from the same state.

``mlpbench bench`` runs this in one child process per (device, backend) through the hidden
``mlpbench _warm`` command, so devices never share a process, a thread pool or a CUDA context.
"""

from __future__ import annotations

import time
from typing import Any

from mlpbench import backends, devices, faults
from mlpbench.config import WorkloadConfig
from mlpbench.measure import measure_repeated
from mlpbench.timing import SyncClock

WARM_SCHEMA = "mlpbench.warm/1"


def run_warm(
    config: WorkloadConfig,
    device: str,
    backend: str,
    *,
    threads: int | None,
    warmup: int,
    min_runs: int,
    max_runs: int,
    max_time: float,
) -> dict[str, Any]:
    """Warm-trial samples of the whole training loop (``config.steps`` updates), in seconds."""
    import torch

    from mlpbench.workload import make_problem

    if threads is not None:
        torch.set_num_threads(threads)
    clock = SyncClock(lambda: devices.synchronize(device))
    one_off: dict[str, float] = {}

    def timed(name: str, fn):
        start = clock.now()
        value = fn()
        one_off[name] = clock.now() - start
        return value

    timed("device_init", lambda: devices.initialize(device))
    problem = timed("data", lambda: make_problem(config))
    problem = timed("to_device", lambda: problem.to(device))
    trainer = timed("setup", lambda: backends.get(backend).create(problem, device))
    if trainer.compiles:
        timed("compile", trainer.compile)
    faults.inject(device)
    result = measure_repeated(
        trainer.train, trainer.reset, clock,
        warmup=warmup, min_runs=min_runs, max_runs=max_runs, max_time=max_time,
    )
    finals = [out[max(out)] if out else float("nan") for out in result.outputs]
    rate = devices.matmul_rate(device)
    return {
        "schema": WARM_SCHEMA,
        "device": device,
        "backend": backend,
        "threads": torch.get_num_threads(),
        "samples": result.samples,
        "warmup_samples": result.warmup_samples,
        "stopped_by": result.stopped_by,
        "converged": result.converged,
        "one_off": one_off,
        "train_loss": {str(k): v for k, v in (result.outputs[0] if result.outputs else {}).items()},
        "final_losses": finals,
        "backend_facts": trainer.describe(),
        "matmul_flops_per_s": rate,
        "finished": time.time(),
    }
