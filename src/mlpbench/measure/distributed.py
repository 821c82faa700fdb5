"""Data-parallel runs: launching ranks with torchrun, and what every rank needs of the group.

``mlpbench bench --nproc N`` runs each data-parallel trial as

    python -m torch.distributed.run --standalone --nproc-per-node N -m mlpbench.measure.child SPEC.json

so every rank runs the one job (``measure.job``) with the eager loop under DistributedDataParallel
(``workload.backends.ddp``). SPEC.json holds the job: torchrun's own parser would take workload
flags such as ``--n`` for abbreviations of its options. Rank 0 logs in the seed's format and
writes the record; ranks agree on when warm trials stop, and leave together.
"""

from __future__ import annotations

import datetime as _dt
import os
import re
import signal
import sys
from dataclasses import dataclass
from typing import Any, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Rank:
    rank: int
    world: int
    local_rank: int
    local_world: int

    @property
    def lead(self) -> bool:
        return self.rank == 0


def this_rank() -> Rank:
    """This process's place in the job, from torchrun's environment."""
    env = os.environ
    return Rank(int(env.get("RANK", 0)), int(env.get("WORLD_SIZE", 1)), int(env.get("LOCAL_RANK", 0)),
                int(env.get("LOCAL_WORLD_SIZE", 1)))


def start_group(device: str, timeout: float) -> None:
    """The process group: NCCL on CUDA, gloo on CPUs; returns once every rank has joined."""
    import torch
    import torch.distributed as dist

    cuda = device.startswith("cuda")
    if cuda:
        torch.cuda.set_device(device)
    dist.init_process_group("nccl" if cuda else "gloo", timeout=_dt.timedelta(seconds=timeout))
    dist.barrier()


def barrier() -> None:
    """Wait for every rank (once the group is up; before that there is nothing to wait for)."""
    import torch.distributed as dist

    if dist.is_initialized():
        dist.barrier()


def agree(decision: T, device: str, choices: tuple[T, ...]) -> T:
    """Rank 0's decision, taken by every rank (one of ``choices``)."""
    import torch
    import torch.distributed as dist

    code = torch.tensor([choices.index(decision)], device=device if device.startswith("cuda") else "cpu")
    dist.broadcast(code, src=0)
    return choices[int(code.item())]


def gather(value: Any) -> list[Any] | None:
    """Every rank's ``value`` on rank 0 (None elsewhere)."""
    import torch.distributed as dist

    rank, world = dist.get_rank(), dist.get_world_size()
    out: list[Any] = [None] * world if rank == 0 else []
    dist.gather_object(value, out if rank == 0 else None, dst=0)
    return out if rank == 0 else None


def finish() -> None:
    """Leave together: a rank that tears down while its peer still talks aborts it."""
    import torch.distributed as dist

    dist.barrier()
    dist.destroy_process_group()


def torchrun_argv(child_args: list[str], nproc: int, nnodes: int | None, rdzv_endpoint: str | None) -> list[str]:
    """The command that starts ``nproc`` ranks per node, each running ``mlpbench.measure.child``."""
    rendezvous = (["--standalone"] if nnodes is None else
                  ["--nnodes", str(nnodes), "--rdzv-backend", "c10d", "--rdzv-endpoint", str(rdzv_endpoint)])
    return [sys.executable, "-m", "torch.distributed.run", *rendezvous, "--nproc-per-node", str(nproc),
            "-m", "mlpbench.measure.child", *child_args]


def describe_failure(stderr: str) -> str | None:
    """Which rank failed and how, from torchrun's error summary ("rank : 1 (local_rank: 1)")."""
    root = stderr[stderr.rfind("Root Cause"):] if "Root Cause" in stderr else stderr
    match = re.search(r"rank\s*:\s*(\d+)[^\n]*\n\s*exitcode\s*:\s*(-?\d+)", root)
    if not match:
        return None
    rank, code = int(match.group(1)), int(match.group(2))
    how = f"signal {signal.Signals(-code).name}" if code < 0 else f"exit status {code}"
    return f"rank {rank} failed ({how}); torchrun stopped the other ranks"

