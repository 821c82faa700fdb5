"""Inside one step: torch.profiler (Kineto) over a few training steps after the timed trials.

Never inside a timed trial: the profiler slows every operation down. What it measures well is what
is independent of that slowdown: how many operators a step runs and kernels it launches, how long
the device computes (kernel times are the device's own clock), and the gaps between kernels. Host
times per operator are read under the profiler and labelled so.
"""

from __future__ import annotations

from mlpbench.results.model import OpTime, StepProfile

PROFILE_STEPS = 20
MATMUL_OPS = ("aten::mm", "aten::addmm", "aten::bmm", "aten::baddbmm", "aten::addmv", "aten::mv", "aten::dot",
              "aten::_convolution", "aten::mkldnn_convolution", "aten::convolution_backward")
TOP_OPS = 8


def profile_steps(trainer, device: str, steps: int = PROFILE_STEPS) -> StepProfile:
    """Profile ``steps`` training steps of ``trainer`` (from its initial state; reset afterwards)."""
    import time

    import torch
    from torch.profiler import ProfilerActivity, profile

    from mlpbench.measure.devices import synchronize

    steps = max(1, min(steps, trainer.config.steps))
    activities = [ProfilerActivity.CPU] + ([ProfilerActivity.CUDA] if device.startswith("cuda") else [])
    trainer.reset()
    trainer.train(steps=steps)  # the profiler's own first use is slow: warm it on the real work
    trainer.reset()
    synchronize(device)
    with profile(activities=activities) as prof:
        start = time.perf_counter()
        trainer.train(steps=steps)
        synchronize(device)
        wall = time.perf_counter() - start
    trainer.reset()
    events = prof.events()
    host = [e for e in events if e.device_type == torch.autograd.DeviceType.CPU]
    kernels = sorted((e.time_range.start, e.time_range.end) for e in events
                     if e.device_type != torch.autograd.DeviceType.CPU and e.time_range.end > e.time_range.start)
    ops = [e for e in host if e.name.startswith("aten::") and (e.cpu_parent is None or not e.cpu_parent.name.startswith("aten::"))]
    self_total = sum(e.self_cpu_time_total for e in host)
    matmul = sum(e.self_cpu_time_total for e in host if e.name in MATMUL_OPS)
    optimizer = sum(e.cpu_time_total for e in host if e.name.startswith("Optimizer.step"))
    by_name: dict[str, list[float]] = {}
    for e in host:
        entry = by_name.setdefault(e.name, [0, 0.0])
        entry[0] += 1
        entry[1] += e.self_cpu_time_total
    top = sorted(by_name.items(), key=lambda kv: -kv[1][1])[:TOP_OPS]
    by_kernel: dict[str, list[float]] = {}
    for e in events:
        if e.device_type != torch.autograd.DeviceType.CPU:
            entry = by_kernel.setdefault(e.name, [0, 0.0])
            entry[0] += 1
            entry[1] += e.time_range.end - e.time_range.start
    busy, gaps = _busy_and_gaps(kernels)
    us = 1e-6  # the profiler's times are microseconds
    return StepProfile(
        steps=steps, profiled_step_s=wall / steps, ops_per_step=len(ops) / steps,
        kernels_per_step=len(kernels) / steps if device.startswith("cuda") else None,
        device_busy_s=busy * us / steps if device.startswith("cuda") else None,
        mean_kernel_gap_s=(sum(gaps) / len(gaps) * us) if gaps else None,
        host_self_s=self_total * us / steps, matmul_s=matmul * us / steps,
        optimizer_s=optimizer * us / steps if optimizer else None,
        top_ops=[OpTime(name[:200], count / steps, total * us / steps) for name, (count, total) in top],
        kernels=[OpTime(name[:200], count / steps, total * us / steps)
                 for name, (count, total) in sorted(by_kernel.items(), key=lambda kv: -kv[1][1])[:TOP_OPS]],
    )


def _busy_and_gaps(intervals: list[tuple[float, float]]) -> tuple[float, list[float]]:
    """The union of device intervals (its busy time) and the idle gaps between them."""
    busy, gaps = 0.0, []
    end = None
    for start, stop in intervals:
        if end is None or start > end:
            if end is not None:
                gaps.append(start - end)
            busy += stop - start
            end = stop
        elif stop > end:
            busy += stop - end
            end = stop
    return busy, gaps
