"""FLOPs of one update: the workload's own count, or one training step counted by torch's
FlopCounterMode (on the meta device where the model allows it, so no arithmetic is done)."""

from __future__ import annotations

import copy

from mlpbench.workload.contract import call
from mlpbench.workload.problem import Problem


def flops_per_step(problem: Problem) -> tuple[float | None, str]:
    """FLOPs of one update and how they were found: "workload" (its own count) or "counted"."""
    batch = problem.config.batch_rows
    workload = problem.workload
    if workload.flops_per_step is not None:
        return float(call(workload, "flops_per_step", workload.flops_per_step, batch)), "workload"
    return count_flops(problem, batch), "counted"


def count_flops(problem: Problem, batch: int) -> float | None:
    """Forward and backward of ``batch`` rows under FlopCounterMode; None if the model cannot be run so."""
    from torch.utils.flop_counter import FlopCounterMode

    def counted(device: str) -> float:
        model = copy.deepcopy(problem.model).to(device)
        x = problem.data.x_train[:batch].to(device)
        y = problem.data.y_train[:batch].to(device)
        counter = FlopCounterMode(display=False)
        with counter:
            loss = problem.workload.loss()(model(x), y)
            loss.backward()
        return float(counter.get_total_flops())

    for device in ("meta", "cpu"):
        try:
            return counted(device)
        except Exception:  # noqa: BLE001  a model that cannot run on meta tensors is counted for real
            continue
    return None
