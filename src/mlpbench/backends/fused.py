"""``fused``: one backend name, two implementations: C on the CPU, Triton on CUDA."""

from __future__ import annotations

from mlpbench.backends import Trainer
from mlpbench.workload import Problem


def create_fused(problem: Problem, device: str) -> Trainer:
    if device.startswith("cuda"):
        from mlpbench.backends.triton_fused import TritonFusedTrainer

        return TritonFusedTrainer(problem, device)
    from mlpbench.backends.cpu_fused import CpuFusedTrainer

    return CpuFusedTrainer(problem, device)
