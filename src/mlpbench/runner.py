"""One whole job, timed phase by phase: what ``mlpbench run`` does and what a cold trial runs.

Phases, in order (seconds):
  import       interpreter start -> torch ready (Python start-up, mlpbench, argparse, import torch)
  device_check is the device there? (on CUDA this loads the driver; recorded by the CLI)
  device_init  CUDA context and the first cuBLAS call (~0 on the CPU)
  data         the seed's synthetic data and the model's initial weights, drawn on the CPU
  to_device    data and initial weights copied to the device
  setup        the backend's model, loss and optimizer (the first torch.optim.Adam in a process
               imports torch._dynamo, a one-off cost of about a second with recent torch)
  compile      one-off compiling or graph capture, for backends that have it
  train        config.steps updates, closed with a device synchronise
  eval         test loss and predictions, copied back to the host
  total        interpreter start -> end of eval
The seed's own figure (``seed_time``) runs from "torch ready" to the end, as its time.time() did.
"""

from __future__ import annotations

import math
import sys
import time
from dataclasses import dataclass, field
from typing import Any, Callable

from mlpbench import backends, devices, faults, timing
from mlpbench.config import WorkloadConfig
from mlpbench.errors import UsageError

RUN_SCHEMA = "mlpbench.run/1"
# History of RUN_SCHEMA:
#   mlpbench.run/1  first version: schema, config, env, device, backend, phases, train_loss,
#                   test_loss, predictions, plus seed_time, log, status, per_step_s, flops.

_TORCH_READY_AT: float | None = None


def import_torch() -> float:
    """Import torch once and remember when it became ready (time.monotonic)."""
    global _TORCH_READY_AT
    if _TORCH_READY_AT is None:
        import torch  # noqa: F401  the import phase ends here

        _TORCH_READY_AT = time.monotonic()
    return _TORCH_READY_AT


@dataclass
class RunRecord:
    config: WorkloadConfig
    device: str
    backend: str
    phases: dict[str, float]
    seed_time: float
    train_loss: dict[int, float]
    test_loss: float
    predictions: list[tuple[float, float]]
    log: list[str]
    threads: int
    import_source: str
    backend_facts: dict[str, Any] = field(default_factory=dict)
    env: dict[str, Any] | None = None

    @property
    def status(self) -> str:
        values = [*self.train_loss.values(), self.test_loss]
        return "ok" if all(math.isfinite(v) for v in values) else "diverged"

    @property
    def per_step_s(self) -> float:
        return self.phases["train"] / self.config.steps

    @property
    def train_flops_per_s(self) -> float:
        return self.config.train_flops() / self.phases["train"] if self.phases["train"] > 0 else float("nan")

    def to_json(self) -> dict[str, Any]:
        return {
            "schema": RUN_SCHEMA,
            "status": self.status,
            "config": self.config.to_dict(),
            "env": self.env,
            "device": self.device,
            "backend": self.backend,
            "threads": self.threads,
            "phases": self.phases,
            "seed_time": self.seed_time,
            "import_source": self.import_source,
            "per_step_s": self.per_step_s,
            "train_flops": self.config.train_flops(),
            "train_flops_per_s": self.train_flops_per_s,
            "train_loss": {str(k): v for k, v in self.train_loss.items()},
            "test_loss": self.test_loss,
            "predictions": [list(p) for p in self.predictions],
            "backend_facts": self.backend_facts,
            "log": self.log,
        }


def prepare_problem(timer: timing.PhaseTimer, config: WorkloadConfig, device: str, say: Callable[[str], None]):
    """The phases every job starts with: device start-up, the seed's data and weights, the copy."""
    from mlpbench import workload

    with timer.phase("device_init"):
        devices.initialize(device)
    with timer.phase("data"):
        problem = workload.make_problem(config)
    say(workload.data_shapes_line(problem.data))
    with timer.phase("to_device"):
        return problem.to(device)


def check_memory(config: WorkloadConfig, device: str) -> None:
    """Refuse, before any work, a workload that cannot fit in the device's memory."""
    from mlpbench.env import available_memory_bytes

    need = config.estimated_bytes()
    have: int | None
    where = "host memory"
    if device.startswith("cuda"):
        import torch

        # total, not free, memory: asking for free memory would create the CUDA context early
        have, where = torch.cuda.get_device_properties(device).total_memory, f"memory on {device}"
    else:
        have = available_memory_bytes()
    if have is not None and need > have:
        raise UsageError(
            f"this workload needs about {need / 2**30:.1f} GiB but only {have / 2**30:.1f} GiB of {where} "
            f"is available; lower --n or --hidden"
        )


def run_job(
    config: WorkloadConfig,
    device: str,
    backend: str = "eager",
    *,
    threads: int | None = None,
    emit: Callable[[str], None] | None = None,
    collect_env: bool = True,
    device_note: str | None = None,
    device_check: float | None = None,
) -> RunRecord:
    """Run the whole job once and time every phase. ``device`` is a resolved torch device name."""
    started_at, import_source = timing.interpreter_start()
    torch_ready_at = import_torch()
    import torch

    from mlpbench import workload

    info = backends.get(backend)
    reason = info.unavailable_reason(device, config)
    if reason:
        raise backends.BackendUnavailable(reason)
    if threads is not None:
        torch.set_num_threads(threads)

    log: list[str] = []

    def say(line: str) -> None:
        log.append(line)
        if emit:
            emit(line)

    timer = timing.PhaseTimer(timing.SyncClock(lambda: devices.synchronize(device)))
    timer.record("import", torch_ready_at - started_at)
    if device_check is not None:
        timer.record("device_check", device_check)
    say(f"Using device: {device}" + (f"  [{device_note}]" if device_note and device_note != device else ""))
    if backend != "eager":
        say(f"Backend: {backend} ({info.summary})")
    problem = prepare_problem(timer, config, device, say)
    with timer.phase("setup"):
        trainer = info.create(problem, device)
    if trainer.compiles:
        with timer.phase("compile"):
            trainer.compile()
    say(workload.training_banner(config))
    faults.inject(device)
    with timer.phase("train"):
        train_loss = trainer.train(lambda step, loss: say(workload.step_line(step, loss)))
    say(workload.TRAINING_COMPLETE)
    with timer.phase("eval"):
        evaluation = workload.evaluate(trainer.parameters(), problem.data)
    for line in workload.evaluation_lines(evaluation):
        say(line)
    finished_at = time.monotonic()
    seed_time = finished_at - torch_ready_at
    timer.record("total", finished_at - started_at)
    say(workload.total_time_line(seed_time))
    return RunRecord(
        config=config,
        device=device,
        backend=backend,
        phases=timer.phases,
        seed_time=seed_time,
        train_loss=train_loss,
        test_loss=evaluation.test_loss,
        predictions=evaluation.predictions,
        log=log,
        threads=torch.get_num_threads(),
        import_source=import_source,
        backend_facts=trainer.describe(),
        env=_env(device) if collect_env else None,
    )


def _env(device: str) -> dict[str, Any]:
    from mlpbench.env import collect

    return collect(device)


def print_line(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()
