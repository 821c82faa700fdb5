"""``eager``: the seed's training loop, unchanged, on any device torch supports and any workload."""

from __future__ import annotations

import torch
from torch import nn, optim

from mlpbench.workload.backends import Trainer, load_initial, precision
from mlpbench.workload.problem import LogCallback, Problem, batches


class EagerTrainer(Trainer):
    """Exactly the user's loop: forward, loss, ``.item()`` at log steps, zero_grad, backward, step."""

    def __init__(self, problem: Problem, device: str) -> None:
        super().__init__(problem, device)
        self.model = problem.new_model(device)
        self.optimizer = self.make_optimizer()
        self.batch = batches(self.config, problem.data.x_train, problem.data.y_train)

    def make_optimizer(self) -> optim.Optimizer:
        return self.problem.workload.make_optimizer(self.model.parameters(), self.config.lr)

    def train(self, on_log: LogCallback | None = None, steps: int | None = None) -> dict[int, float]:
        logged: dict[int, float] = {}
        model, loss_fn, optimizer, every = self.model, self.loss_fn, self.optimizer, self.config.log_every
        numerics = self.config.precision
        with precision.matmul_mode(numerics, self.device):
            for t in range(steps or self.config.steps):
                x, y = self.batch(t)
                with precision.autocast(numerics, self.device):  # a no-op in fp32, the seed's default
                    y_pred = model(x)
                    loss = loss_fn(y_pred, y)
                if t % every == 0:
                    logged[t] = loss.item()  # note: a CPU-GPU sync point, as in the seed
                    if on_log:
                        on_log(t, logged[t])
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
        return logged

    def reset(self) -> None:
        load_initial(self.model, self.problem)
        self.optimizer = self.make_optimizer()

    def parameters(self) -> list[torch.Tensor]:
        return [p.detach() for p in self.model.parameters()]

    def eval_model(self) -> nn.Module:
        return self.model
