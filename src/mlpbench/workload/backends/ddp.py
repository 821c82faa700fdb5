"""The eager loop under DistributedDataParallel: one rank of a data-parallel run.

The process group is already up (the job starts it as its ``process_group`` phase). Every rank
holds the same data and initial weights, takes its contiguous share of each global batch (the
split DistributedSampler makes without shuffling), and DDP averages the gradients (gloo on CPUs,
NCCL on CUDA). Each rank's loss is its mean over its rows weighted by rows x ranks / global rows,
so the averaged gradient is exactly the single-process gradient of the mean loss whatever the
split: the loss curve matches one process within float32 rounding. This holds for every loss
that averages over rows, as PyTorch's losses do by default.
"""

from __future__ import annotations

from typing import Callable

import torch
import torch.distributed as dist
from torch import nn
from torch.nn.parallel import DistributedDataParallel

from mlpbench.workload.backends import load_initial
from mlpbench.workload.backends.eager import EagerTrainer
from mlpbench.workload.problem import LogCallback, Problem, batch_offsets

COMM_PROBE_STEPS = 50


def shard(start: int, rows: int, rank: int, world: int) -> tuple[int, int]:
    """Rank ``rank``'s contiguous share [begin, end) of the global batch [start, start + rows)."""
    return start + rows * rank // world, start + rows * (rank + 1) // world


class DistributedTrainer(EagerTrainer):
    def __init__(self, problem: Problem, device: str) -> None:
        super().__init__(problem, device)
        self.rank, self.world = dist.get_rank(), dist.get_world_size()
        self.module = self.model
        cuda = device.startswith("cuda")
        self.model = DistributedDataParallel(self.module, device_ids=[torch.device(device).index] if cuda else None)
        self.optimizer = self.make_optimizer()
        self.rows = self.config.batch_rows
        self.shards = [shard(offset, self.rows, self.rank, self.world) for offset in batch_offsets(self.config)]
        self.allreduce_share: float | None = None
        self.step_times: dict[str, float] = {}

    def train(self, on_log: LogCallback | None = None, steps: int | None = None, sync: bool = True) -> dict[int, float]:
        logged: dict[int, float] = {}
        x_all, y_all = self.problem.data.x_train, self.problem.data.y_train
        model, loss_fn, optimizer, every = self.model, self.loss_fn, self.optimizer, self.config.log_every
        for t in range(steps or self.config.steps):
            begin, end = self.shards[t % len(self.shards)]
            local = loss_fn(model(x_all[begin:end]), y_all[begin:end])
            loss = local * ((end - begin) * self.world / self.rows)
            if t % every == 0:
                total = local.detach() * (end - begin)
                dist.all_reduce(total)  # note: a sync point, like the seed's .item()
                logged[t] = total.item() / self.rows
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

    def reset(self) -> None:
        load_initial(self.module, self.problem)
        self.optimizer = self.make_optimizer()

    def eval_model(self) -> nn.Module:
        return self.module

    def measure_allreduce(self, now: Callable[[], float]) -> None:
        """The all-reduce's share of a step, by difference against steps that skip it (``no_sync``).

        ``now`` must synchronise the device and the ranks, so both probes time whole steps."""
        probe = min(self.config.steps, COMM_PROBE_STEPS)
        for name, sync in (("with_allreduce", True), ("without_allreduce", False)):
            self.reset()
            start = now()
            self.train(steps=probe, sync=sync)
            self.step_times[name] = (now() - start) / probe
        self.reset()
        with_, without = self.step_times["with_allreduce"], self.step_times["without_allreduce"]
        self.allreduce_share = max(0.0, 1.0 - without / with_) if self.world > 1 and with_ > 0 else 0.0

    def describe(self) -> dict[str, object]:
        return {"world_size": self.world, "process_group_backend": dist.get_backend(),
                "allreduce_share": self.allreduce_share,
                **{f"step_{k}_s": v for k, v in self.step_times.items()}}
