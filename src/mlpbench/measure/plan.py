"""Which targets a run measures: every (device, backend) pair, data-parallel rank counts, and
scripts, each either runnable here or marked unavailable with the reason (never silently replaced)."""

from __future__ import annotations

from mlpbench.measure import devices
from mlpbench.results.model import PlannedTarget, Target
from mlpbench.workload import backends
from mlpbench.workload.config import WorkloadConfig


def plan_targets(device_specs: list[str], backend_names: list[str], config: WorkloadConfig | None = None) -> list[PlannedTarget]:
    """Every (device, backend) pair, each either runnable or marked unavailable with the reason."""
    planned: list[PlannedTarget] = []
    for spec in device_specs:
        reason = devices.availability(spec)
        if reason:
            planned += [PlannedTarget(Target(spec, b), "unavailable", reason) for b in backend_names]
            continue
        device = devices.resolve(spec).name
        for name in backend_names:
            why = backends.get(name).unavailable_reason(device, config)
            planned.append(PlannedTarget(Target(device, name), "unavailable" if why else "ok", why))
    return list(dict.fromkeys(planned))


def plan_ddp_targets(device_specs: list[str], sizes: list[int], nnodes: int | None = None) -> list[PlannedTarget]:
    """Data-parallel targets: the eager loop on each rank count per node, for each device."""
    import torch

    planned: list[PlannedTarget] = []
    for spec in device_specs:
        reason = devices.availability(spec)
        kind = devices.resolve(spec).name.split(":")[0] if reason is None else spec.split(":")[0]
        for n in sorted(set(sizes)):
            why = reason
            if why is None and kind == "cuda" and torch.cuda.device_count() < n:
                why = f"{n} ranks on one node need {n} GPUs; this machine has {torch.cuda.device_count()}"
            if why is None and kind == "mps":
                why = "torch.distributed has no MPS backend; use cpu or cuda"
            ranks = n * (nnodes or 1)
            planned.append(PlannedTarget(Target(kind, "eager", ranks=ranks), "unavailable" if why else "ok", why))
    return planned


def plan_scripts(paths: list[str]) -> list[PlannedTarget]:
    """A script target per file, run as it is; a missing file is one clear line (UsageError)."""
    from mlpbench.measure.script import check_script

    return [PlannedTarget(Target(None, "script", script=check_script(p))) for p in paths]
