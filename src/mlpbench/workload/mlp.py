"""The built-in workload: the user's three-layer MLP and synthetic data, through the workload contract.

Data: ``x = randn(n, d_in)``, ``y = sum(x**2, dim=1, keepdim=True) + noise * randn(n, d_out)``;
model: Linear → ReLU → ... → Linear with PyTorch's default initialisation, drawn after the data
from the same random stream (the seed's order). Adam with ``lr`` and MSE are the contract's
defaults. The widths come from the configuration (``--hidden``, ``--vary width``).
"""

from __future__ import annotations

import torch
from torch import nn

from mlpbench.workload.config import BUILTIN, WorkloadConfig
from mlpbench.workload.contract import Workload, default_loss, default_optimizer


def make_data(config: WorkloadConfig, n: int) -> tuple[torch.Tensor, torch.Tensor]:
    """The seed's synthetic regression data: y = sum(x**2) + noise."""
    x = torch.randn(n, config.d_in)
    y = torch.sum(x**2, dim=1, keepdim=True) + config.noise * torch.randn(n, config.d_out)
    return x, y


def build_model(config: WorkloadConfig) -> nn.Sequential:
    """Linear -> ReLU -> ... -> Linear with PyTorch's default initialisation."""
    sizes = config.layer_sizes
    layers: list[nn.Module] = []
    for i, (a, b) in enumerate(zip(sizes, sizes[1:])):
        layers.append(nn.Linear(a, b))
        if i < len(sizes) - 2:
            layers.append(nn.ReLU())
    return nn.Sequential(*layers)


def flops_per_step(config: WorkloadConfig, batch: int) -> int:
    """Floating-point operations of one update, counted analytically.

    A linear layer ``in -> out`` on a batch of B rows costs ``2*B*in*out`` in the forward pass
    (a multiply and an add per weight per row), as much again for its weight gradient, and
    as much again for its input gradient, which the first layer does not need. Bias, ReLU,
    loss and Adam are O(B*width + params) and left out: they are small and memory-bound.
    For the seed: 2*400*(2*6050 + 5050) = 13.72 MFLOP a step.
    """
    sizes = config.layer_sizes
    macs = [a * b for a, b in zip(sizes, sizes[1:])]
    return 2 * batch * (2 * sum(macs) + sum(macs[1:]))


def parameter_count(config: WorkloadConfig) -> int:
    sizes = config.layer_sizes
    return sum(a * b + b for a, b in zip(sizes, sizes[1:]))


def estimated_bytes(config: WorkloadConfig) -> int:
    """A generous estimate of the memory the job needs (data, activations, gradients, Adam)."""
    floats = config.n * (config.d_in + config.d_out)  # the data
    floats += 4 * config.batch_rows * sum(config.layer_sizes)  # activations, their grads, masks
    floats += 4 * parameter_count(config)  # weights, grads, two Adam moments
    return 4 * floats


def workload(config: WorkloadConfig) -> Workload:
    """The built-in MLP as a ``Workload``: the same contract a workload file fulfils."""
    return Workload(
        name=BUILTIN,
        build_model=lambda: build_model(config),
        make_data=lambda n, seed: make_data(config, n),
        loss=default_loss,
        make_optimizer=default_optimizer,
        flops_per_step=lambda batch: flops_per_step(config, batch),
        mlp_sizes=config.layer_sizes,
    )
