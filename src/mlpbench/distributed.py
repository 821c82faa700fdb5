"""Data-parallel training on torch.distributed: the workload in DistributedDataParallel.

Launched by ``torchrun`` (``mlpbench bench --nproc N`` does it), one process per rank:

    torchrun --standalone --nproc-per-node N -m mlpbench.distributed SPEC.json

SPEC.json holds the job (device, workload config, output path, warm runs): torchrun's own parser
would take workload flags such as ``--n`` for abbreviations of its options.

Every rank draws the same data and initial weights from the seed, takes its contiguous share of
each global batch (the split DistributedSampler makes without shuffling), and DDP averages the
gradients (gloo on CPUs, NCCL on CUDA). Each rank's loss is its sum of squared errors scaled by
N / global rows, so the averaged gradient is exactly the single-process full-batch gradient
whatever the split: the loss curve matches one process within float32 rounding.

Rank 0 logs in the seed's format and writes the JSON: every rank's phases (``process_group`` is
the process-group start-up), the all-reduce share of a step (measured by difference against
``no_sync()`` steps), and, with ``--warm-runs``, warm samples of the whole training loop.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from mlpbench import timing

COMM_PROBE_STEPS = 50


@dataclass
class Spec:
    """One data-parallel job, as the parent writes it to SPEC.json."""

    json: str
    device: str = "cpu"
    config: dict[str, Any] = field(default_factory=dict)
    warm_runs: int = 0
    warmup: int = 1
    rank_timeout: float = 120.0  # seconds a collective waits for a missing rank before the job fails
    threads: int | None = None
    quiet: bool = True

    @classmethod
    def read(cls, path: str) -> "Spec":
        return cls(**json.loads(Path(path).read_text()))

    def write(self, path: Path) -> None:
        path.write_text(json.dumps(asdict(self)))


def describe_failure(stderr: str) -> str | None:
    """Which rank failed and how, from torchrun's error summary ("rank : 1 (local_rank: 1)")."""
    import re
    import signal

    root = stderr[stderr.rfind("Root Cause"):] if "Root Cause" in stderr else stderr
    match = re.search(r"rank\s*:\s*(\d+)[^\n]*\n\s*exitcode\s*:\s*(-?\d+)", root)
    if not match:
        return None
    rank, code = int(match.group(1)), int(match.group(2))
    how = f"signal {signal.Signals(-code).name}" if code < 0 else f"exit status {code}"
    return f"rank {rank} failed ({how}); torchrun stopped the other ranks"


def shard(start: int, rows: int, rank: int, world: int) -> tuple[int, int]:
    """Rank ``rank``'s contiguous share [begin, end) of the global batch [start, start + rows)."""
    return start + rows * rank // world, start + rows * (rank + 1) // world


def main(argv: list[str] | None = None) -> int:
    started_at, import_source = timing.interpreter_start()
    import torch

    torch_ready_at = time.monotonic()
    import torch.distributed as dist
    from torch import nn, optim
    from torch.nn.parallel import DistributedDataParallel

    from mlpbench import devices, faults, workload
    from mlpbench.measure import TARGET_REL_IQR, relative_iqr
    from mlpbench.backends.eager import load_params, model_from_params
    from mlpbench.config import WorkloadConfig
    from mlpbench.results import write_json_atomic
    from mlpbench.runner import prepare_problem

    args = Spec.read((argv if argv is not None else sys.argv[1:])[0])
    config = WorkloadConfig.from_dict(args.config).validate()
    rank, world = int(os.environ.get("RANK", 0)), int(os.environ.get("WORLD_SIZE", 1))
    local_rank, local_world = int(os.environ.get("LOCAL_RANK", 0)), int(os.environ.get("LOCAL_WORLD_SIZE", 1))
    cuda = args.device.startswith("cuda")
    device = f"cuda:{local_rank}" if cuda else "cpu"
    torch.set_num_threads(args.threads or max(1, (os.cpu_count() or 1) // local_world))
    lead = rank == 0 and not args.quiet
    log: list[str] = []

    def say(line: str) -> None:
        if rank == 0:
            log.append(line)
            if lead:
                print(line, flush=True)

    timer = timing.PhaseTimer(timing.SyncClock(lambda: devices.synchronize(device)))
    timer.record("import", torch_ready_at - started_at)
    say(f"Using device: {device} (rank 0 of {world}, DistributedDataParallel over {'nccl' if cuda else 'gloo'})")
    with timer.phase("process_group"):
        if cuda:
            torch.cuda.set_device(device)
        dist.init_process_group("nccl" if cuda else "gloo", timeout=_dt.timedelta(seconds=args.rank_timeout))
        dist.barrier()
    problem = prepare_problem(timer, config, device, say)
    x_all, y_all = problem.data.x_train, problem.data.y_train
    rows = config.batch_rows
    offsets = workload.batch_offsets(config)
    shards = [shard(off, rows, rank, world) for off in offsets]
    scale = world / (rows * config.d_out)  # SSE * N / global elements: DDP's mean gives the global gradient

    with timer.phase("setup"):
        model = DistributedDataParallel(model_from_params(problem, device), device_ids=[local_rank] if cuda else None)
        optimizer = optim.Adam(model.parameters(), lr=config.lr)

    def train(steps: int, on_log=None, sync: bool = True) -> dict[int, float]:
        logged = {}
        for t in range(steps):
            begin, end = shards[t % len(shards)]
            x, y = x_all[begin:end], y_all[begin:end]
            sse = torch.sum((model(x) - y) ** 2)
            loss = sse * scale
            if t % config.log_every == 0:
                total = sse.detach().clone()
                dist.all_reduce(total)  # note: a sync point, like the seed's .item()
                logged[t] = total.item() / (rows * config.d_out)
                if on_log:
                    on_log(t, logged[t])
            optimizer.zero_grad()
            if sync:
                loss.backward()
            else:
                with model.no_sync():
                    loss.backward()
            optimizer.step()
        return logged

    def reset() -> None:
        nonlocal optimizer
        load_params(model.module, problem.initial_params)
        optimizer = optim.Adam(model.parameters(), lr=config.lr)

    say(workload.training_banner(config))
    faults.inject(device, trial=f"rank:{rank}")
    dist.barrier()
    with timer.phase("train"):
        train_loss = train(config.steps, lambda t, v: say(workload.step_line(t, v)))
        dist.barrier()
    say(workload.TRAINING_COMPLETE)
    with timer.phase("eval"):
        evaluation = workload.evaluate([p.detach() for p in model.module.parameters()], problem.data)
    for line in workload.evaluation_lines(evaluation):
        say(line)
    finished_at = time.monotonic()
    timer.record("total", finished_at - started_at)
    say(workload.total_time_line(finished_at - torch_ready_at))

    clock = timing.SyncClock(lambda: (devices.synchronize(device), dist.barrier()))
    probe = min(config.steps, COMM_PROBE_STEPS)
    step_times = {}
    for sync in (True, False):
        reset()
        start = clock.now()
        train(probe, sync=sync)
        step_times[sync] = (clock.now() - start) / probe
    allreduce_share = max(0.0, 1.0 - step_times[False] / step_times[True]) if world > 1 else 0.0

    samples, warmups = [], []
    for i in range(args.warmup + args.warm_runs if args.warm_runs else 0):
        reset()
        start = clock.now()
        train(config.steps)
        (warmups if i < args.warmup else samples).append(clock.now() - start)

    gathered: list = [None] * world if rank == 0 else []
    dist.gather_object({"rank": rank, "phases": timer.phases}, gathered if rank == 0 else None, dst=0)
    if rank == 0:
        per_rank = {str(g["rank"]): g["phases"] for g in gathered}
        values = [*train_loss.values(), evaluation.test_loss]
        ok = all(v == v and abs(v) != float("inf") for v in values)
        write_json_atomic(args.json, {
            "schema": "mlpbench.run/1", "status": "ok" if ok else "diverged", "config": config.to_dict(), "env": None,
            "device": args.device.split(":")[0], "backend": f"ddp{world}", "threads": torch.get_num_threads(),
            "world_size": world, "process_group_backend": "nccl" if cuda else "gloo",
            "phases": timer.phases, "per_rank_phases": per_rank, "seed_time": finished_at - torch_ready_at,
            "import_source": import_source, "per_step_s": timer.phases["train"] / config.steps,
            "train_flops": config.train_flops(), "train_flops_per_s": config.train_flops() / timer.phases["train"],
            "train_loss": {str(k): v for k, v in train_loss.items()}, "test_loss": evaluation.test_loss,
            "predictions": [list(p) for p in evaluation.predictions], "log": log,
            "allreduce_share": allreduce_share, "step_with_allreduce_s": step_times[True],
            "step_without_allreduce_s": step_times[False], "backend_facts": {"world_size": world},
            "samples": samples, "warmup_samples": warmups, "one_off": {},
            "stopped_by": "converged" if len(samples) > 1 and relative_iqr(samples) < TARGET_REL_IQR else "max_runs",
            "final_losses": [train_loss[max(train_loss)]] * len(samples),
        })
    dist.barrier()  # leave together: a rank that tears down while its peer still talks aborts it
    dist.destroy_process_group()
    return 0


if __name__ == "__main__":
    sys.exit(main())
