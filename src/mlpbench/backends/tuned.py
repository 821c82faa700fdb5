"""``tuned``: the seed's arithmetic with the cheap wins a careful PyTorch user would take.

- ``torch.optim.Adam(fused=True)``: one kernel (GPU) or one vectorised loop (CPU, torch >= 2.4)
  for the whole update instead of several ops per parameter tensor;
- ``zero_grad(set_to_none=True)``: no memset of the gradients;
- losses stay on the device and are read once after the loop: no sync inside it;
- on the CPU, the thread count that measures faster (1 often beats several at this size, since
  torch does not parallelise ops under 32k elements) and denormals flushed to zero.
"""

from __future__ import annotations

import time

import torch
from torch import optim

from mlpbench.backends import precision, report_losses
from mlpbench.backends.eager import EagerTrainer
from mlpbench.workload import LogCallback, Problem

PROBE_STEPS = 50


class TunedTrainer(EagerTrainer):
    def __init__(self, problem: Problem, device: str) -> None:
        super().__init__(problem, device)
        self.compiles = device == "cpu"  # the thread-count probe is one-off work
        self.thread_timings: dict[int, float] = {}

    def make_optimizer(self) -> optim.Optimizer:
        return optim.Adam(self.model.parameters(), lr=self.config.lr, fused=True)

    def compile(self) -> None:
        """Choose the CPU thread count by measurement: PROBE_STEPS steps at each candidate."""
        if self.device != "cpu":
            return
        candidates = sorted({1, torch.get_num_threads()})
        if len(candidates) < 2:
            return
        steps = min(self.config.steps, PROBE_STEPS)  # a short run of the real loop
        for threads in candidates:
            torch.set_num_threads(threads)
            self.reset()
            self.train(steps=steps)
            self.reset()
            started = time.perf_counter()
            self.train(steps=steps)
            self.thread_timings[threads] = time.perf_counter() - started
        torch.set_num_threads(min(self.thread_timings, key=self.thread_timings.get))
        self.reset()

    def train(self, on_log: LogCallback | None = None, steps: int | None = None) -> dict[int, float]:
        model, loss_fn, optimizer, every = self.model, self.loss_fn, self.optimizer, self.config.log_every
        numerics, steps = self.config.precision, steps or self.config.steps
        kept: list[torch.Tensor] = []
        flush = torch.set_flush_denormal(True) if self.device == "cpu" else False
        try:
            with precision.matmul_mode(numerics, self.device):
                for t in range(steps):
                    x, y = self.batch(t)
                    with precision.autocast(numerics, self.device):
                        loss = loss_fn(model(x), y)
                    if t % every == 0:
                        kept.append(loss.detach().float())  # stays on the device: no sync here
                    optimizer.zero_grad(set_to_none=True)
                    loss.backward()
                    optimizer.step()
            values = torch.stack(kept).tolist()  # note: the one CPU-GPU sync point of the loop
        finally:
            if flush:
                torch.set_flush_denormal(False)
        return report_losses(values, steps, every, on_log)

    def describe(self) -> dict[str, object]:
        return {"threads": torch.get_num_threads(), "thread_probe_s": {str(k): v for k, v in self.thread_timings.items()},
                "optimizer": "Adam(fused=True)"}
