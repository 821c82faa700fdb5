"""``eager``: the seed's training loop, unchanged, on any device torch supports."""

from __future__ import annotations

import torch
from torch import nn, optim

from mlpbench.backends import Trainer, precision
from mlpbench.workload import LogCallback, Problem, batches, build_model


def model_from_params(problem: Problem, device: str) -> nn.Sequential:
    """The seed's nn.Sequential on ``device`` holding a copy of the initial weights.

    Built on the meta device first, so no initialisation is computed (or random number drawn)
    just to be overwritten.
    """
    with torch.device("meta"):
        model = build_model(problem.config)
    model = model.to_empty(device=device)
    load_params(model, problem.initial_params)
    return model


def load_params(model: nn.Module, params: list[torch.Tensor]) -> None:
    with torch.no_grad():
        for p, value in zip(model.parameters(), params):
            p.copy_(value)


class EagerTrainer(Trainer):
    """Exactly the user's loop: forward, MSE, ``.item()`` at log steps, zero_grad, backward, Adam."""

    def __init__(self, problem: Problem, device: str) -> None:
        super().__init__(problem, device)
        self.model = model_from_params(problem, device)
        self.loss_fn = nn.MSELoss()
        self.optimizer = self.make_optimizer()
        self.batch = batches(self.config, problem.data.x_train, problem.data.y_train)

    def make_optimizer(self) -> optim.Optimizer:
        return optim.Adam(self.model.parameters(), lr=self.config.lr)

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
        load_params(self.model, self.problem.initial_params)
        self.optimizer = self.make_optimizer()

    def parameters(self) -> list[torch.Tensor]:
        return [p.detach() for p in self.model.parameters()]
