"""The user's workload, device-agnostic: data, model, loss, evaluation and the seed's log lines.

Everything random is drawn on the CPU exactly as the seed does it (``torch.manual_seed``, the data,
then the model's default initialisation from the same stream), so that every device and every
backend starts from the same numbers and the seed's printed values reproduce.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import torch
from torch import nn
from torch.nn import functional as F

from mlpbench.config import WorkloadConfig

LogCallback = Callable[[int, float], None]


@dataclass
class Dataset:
    x_train: torch.Tensor
    y_train: torch.Tensor
    x_test: torch.Tensor
    y_test: torch.Tensor

    def to(self, device: torch.device | str) -> "Dataset":
        return Dataset(*(t.to(device) for t in (self.x_train, self.y_train, self.x_test, self.y_test)))


@dataclass
class Problem:
    """The data and the initial weights that every backend starts from."""

    config: WorkloadConfig
    data: Dataset
    initial_params: list[torch.Tensor]  # nn.Sequential order: W1 (out x in), b1, W2, b2, ...

    def to(self, device: torch.device | str) -> "Problem":
        return Problem(self.config, self.data.to(device), [p.to(device) for p in self.initial_params])


def make_data(config: WorkloadConfig) -> Dataset:
    """The seed's synthetic regression data: y = sum(x**2) + noise, split 80/20 in order."""
    x_all = torch.randn(config.n, config.d_in)
    y_all = torch.sum(x_all**2, dim=1, keepdim=True) + config.noise * torch.randn(config.n, config.d_out)
    split = config.n_train
    return Dataset(x_all[:split], y_all[:split], x_all[split:], y_all[split:])


def build_model(config: WorkloadConfig) -> nn.Sequential:
    """Linear -> ReLU -> ... -> Linear with PyTorch's default initialisation."""
    sizes = config.layer_sizes
    layers: list[nn.Module] = []
    for i, (a, b) in enumerate(zip(sizes, sizes[1:])):
        layers.append(nn.Linear(a, b))
        if i < len(sizes) - 2:
            layers.append(nn.ReLU())
    return nn.Sequential(*layers)


def make_problem(config: WorkloadConfig) -> Problem:
    """Seed the generator, draw the data, then the model (same stream, as in the seed)."""
    torch.manual_seed(config.seed)
    data = make_data(config)
    model = build_model(config)
    params = [p.detach().clone() for p in model.parameters()]
    return Problem(config, data, params)


def batches(config: WorkloadConfig, x: torch.Tensor, y: torch.Tensor) -> Callable[[int], tuple[torch.Tensor, torch.Tensor]]:
    """The batch of update t. Full batch by default; mini-batches are contiguous slices of the
    training set taken in order, dropping the last partial one, so every backend sees the same
    batches without needing a random generator."""
    if config.batch_size is None or config.batch_size >= x.shape[0]:
        return lambda t: (x, y)
    size = config.batch_size
    count = x.shape[0] // size
    xs = [x[i * size:(i + 1) * size] for i in range(count)]
    ys = [y[i * size:(i + 1) * size] for i in range(count)]
    return lambda t: (xs[t % count], ys[t % count])


def batch_offsets(config: WorkloadConfig) -> list[int]:
    """First row of each mini-batch, in the order ``batches`` uses them (for kernels that index)."""
    size = config.batch_rows
    return [i * size for i in range(config.n_train // size)]


def forward(params: list[torch.Tensor], x: torch.Tensor) -> torch.Tensor:
    """The model as a function of its parameters (identical arithmetic to nn.Sequential)."""
    h = x
    last = len(params) // 2 - 1
    for i in range(0, len(params), 2):
        h = F.linear(h, params[i], params[i + 1])
        if i // 2 < last:
            h = torch.relu(h)
    return h


@dataclass
class Evaluation:
    test_loss: float
    predictions: list[tuple[float, float]]  # (prediction, truth) for the first five test rows


def evaluate(params: list[torch.Tensor], data: Dataset, shown: int = 5) -> Evaluation:
    """The seed's evaluation: no_grad forward on the test set, MSE, and the first predictions.

    Results are copied back to the host here, so an asynchronous device is finished afterwards.
    """
    with torch.no_grad():
        y_pred = forward(params, data.x_test)
        test_loss = F.mse_loss(y_pred, data.y_test)
        k = min(shown, data.x_test.shape[0])
        pairs = torch.stack([y_pred[:k, 0], data.y_test[:k, 0]], dim=1).float().cpu()  # sync point
        loss_value = float(test_loss)  # sync point
    return Evaluation(loss_value, [(float(p), float(t)) for p, t in pairs.tolist()])


# ----- the seed's log lines ------------------------------------------------------------------------
def data_shapes_line(data: Dataset) -> str:
    return (
        f"Data Shapes: Train x={data.x_train.shape}, y={data.y_train.shape} | "
        f"Test x={data.x_test.shape}, y={data.y_test.shape}"
    )


def training_banner(config: WorkloadConfig) -> str:
    # The seed says "1000 steps" for ``range(1001)``: step 0 plus 1000 more, 1001 updates in all.
    return f"Training PyTorch {len(config.hidden) + 1}-Layer NN for {config.steps - 1} steps..."


def step_line(step: int, loss: float) -> str:
    return f"Step {step}: Train Loss = {loss:.4f}"


TRAINING_COMPLETE = "Training Complete."


def evaluation_lines(evaluation: Evaluation) -> list[str]:
    lines = ["", "--- Model Evaluation ---", f"Test Loss: {evaluation.test_loss:.4f}", ""]
    lines.append(f"First {len(evaluation.predictions)} Predictions vs Ground Truth:")
    lines += [f"Pred: {p:.4f} | True: {t:.4f}" for p, t in evaluation.predictions]
    return lines


def total_time_line(seconds: float) -> str:
    return f"\nTotal Execution Time: {seconds:.4f} seconds"
