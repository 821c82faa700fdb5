"""``cuda-graph``: the whole step (forward, loss, backward, Adam) captured once, then replayed.

Following the PyTorch documentation's whole-network capture: Adam(capturable=True) keeps its step
count on the device; warm-up runs on a side stream; gradients are set to None before capture so
the graph's private pool owns them. The warm-up steps change the weights, so ``compile()``
restores the initial weights and optimizer state in place afterwards: the replayed run does
exactly ``steps`` updates with the same losses as eager. Losses are copied out of the graph's
static output at log steps only, and read once after the loop.
"""

from __future__ import annotations

import torch
from torch import optim

from mlpbench.workload.backends import load_initial, precision, report_losses
from mlpbench.workload.backends.compiled import require_zero_start, reset_optimizer_state
from mlpbench.workload.backends.eager import EagerTrainer
from mlpbench.workload.problem import LogCallback, Problem

WARMUP_STEPS = 3


class CudaGraphTrainer(EagerTrainer):
    compiles = True

    def __init__(self, problem: Problem, device: str) -> None:
        super().__init__(problem, device)
        x, y = self.batch(0)
        self.static_x, self.static_y = x.clone(), y.clone()
        self.graph: torch.cuda.CUDAGraph | None = None
        self.static_loss: torch.Tensor | None = None

    def make_optimizer(self) -> optim.Optimizer:
        if not self.problem.workload.custom_optimizer:
            return optim.Adam(self.model.parameters(), lr=self.config.lr, capturable=True)
        optimizer = super().make_optimizer()  # the workload's own: keep its step count on the device if it can
        if "capturable" in optimizer.defaults:
            optimizer.defaults["capturable"] = True
            for group in optimizer.param_groups:
                group["capturable"] = True
        return optimizer

    def _step(self) -> torch.Tensor:
        with precision.autocast(self.config.precision, self.device):
            loss = self.loss_fn(self.model(self.static_x), self.static_y)
        loss.backward()
        self.optimizer.step()
        return loss

    def compile(self) -> None:
        require_zero_start(self)
        with precision.matmul_mode(self.config.precision, self.device):
            side = torch.cuda.Stream(self.device)
            side.wait_stream(torch.cuda.current_stream(self.device))
            with torch.cuda.stream(side):
                for _ in range(WARMUP_STEPS):
                    self.optimizer.zero_grad(set_to_none=True)
                    self._step()
            torch.cuda.current_stream(self.device).wait_stream(side)
            self.graph = torch.cuda.CUDAGraph()
            self.optimizer.zero_grad(set_to_none=True)
            with torch.cuda.graph(self.graph):
                self.static_loss = self._step()
        self.reset()

    def reset(self) -> None:
        load_initial(self.model, self.problem)  # in place: the graph keeps the addresses
        reset_optimizer_state(self.optimizer)

    def train(self, on_log: LogCallback | None = None, steps: int | None = None) -> dict[int, float]:
        if self.graph is None:
            self.compile()
        steps, every = steps or self.config.steps, self.config.log_every
        several_batches = self.config.batch_size is not None
        kept: list[torch.Tensor] = []
        for t in range(steps):
            if several_batches:
                x, y = self.batch(t)
                self.static_x.copy_(x)
                self.static_y.copy_(y)
            self.graph.replay()
            if t % every == 0:
                kept.append(self.static_loss.detach().float().clone())
        values = torch.stack(kept).tolist()  # note: the one CPU-GPU sync point of the loop
        return report_losses(values, steps, every, on_log)

    def describe(self) -> dict[str, object]:
        return {"warmup_steps_restored": WARMUP_STEPS,
                "optimizer": type(self.optimizer).__name__ + ("(capturable=True)" if self.optimizer.defaults.get("capturable")
                                                              else "")}
