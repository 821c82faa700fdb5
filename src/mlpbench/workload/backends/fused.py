"""``fused``: one backend name, two implementations: C on the CPU, Triton on CUDA."""

from __future__ import annotations

from mlpbench.workload.backends import Trainer
from mlpbench.workload.problem import Problem


def create_fused(problem: Problem, device: str) -> Trainer:
    if device.startswith("cuda"):
        from mlpbench.workload.backends.triton_fused import TritonFusedTrainer

        return TritonFusedTrainer(problem, device)
    from mlpbench.workload.backends.cpu_fused import CpuFusedTrainer

    return CpuFusedTrainer(problem, device)
