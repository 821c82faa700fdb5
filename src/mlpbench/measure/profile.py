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
# the profiler's own work on the host, not the step's: CUPTI asking for trace buffers (on an H200, 101-271 µs a
# step, the third-largest "host operator" of an eager step)
PROFILER_OWN = ("Activity Buffer Request",)


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
    return summarize(prof.events(), wall, steps, device.startswith("cuda"))


def summarize(events, wall: float, steps: int, cuda: bool) -> StepProfile:
    """The step profile from the profiler's events (``FunctionEvent``s, times in µs) of ``steps`` steps.

    Device activity is the kernels and copies on the device's own clock; a user annotation mirrored onto
    the device's timeline (``Optimizer.step#Adam.step`` spans the whole optimizer step, idle time included)
    is not device work and is left out, as is the profiler's own work on the host (``PROFILER_OWN``)."""
    from torch.autograd import DeviceType

    host = [e for e in events if e.device_type == DeviceType.CPU and e.name not in PROFILER_OWN]
    device = [e for e in events if e.device_type != DeviceType.CPU and not getattr(e, "is_user_annotation", False)]
    kernels = sorted((e.time_range.start, e.time_range.end) for e in device if e.time_range.end > e.time_range.start)
    ops = [e for e in host if e.name.startswith("aten::") and (e.cpu_parent is None or not e.cpu_parent.name.startswith("aten::"))]
    self_total = sum(e.self_cpu_time_total for e in host)
    matmul = sum(e.self_cpu_time_total for e in host if e.name in MATMUL_OPS)
    optimizer = sum(e.cpu_time_total for e in host if e.name.startswith("Optimizer.step"))
    busy, gaps = _busy_and_gaps(kernels)
    us = 1e-6  # the profiler's times are microseconds
    return StepProfile(
        steps=steps, profiled_step_s=wall / steps, ops_per_step=len(ops) / steps,
        kernels_per_step=len(kernels) / steps if cuda else None,
        device_busy_s=busy * us / steps if cuda else None,
        mean_kernel_gap_s=(sum(gaps) / len(gaps) * us) if gaps else None,
        host_self_s=self_total * us / steps, matmul_s=matmul * us / steps,
        optimizer_s=optimizer * us / steps if optimizer else None,
        top_ops=_top(host, lambda e: e.self_cpu_time_total, steps),
        kernels=_top(device, lambda e: e.time_range.end - e.time_range.start, steps),
    )


def _top(events, seconds, steps: int) -> list[OpTime]:
    """The TOP_OPS names with the most time per step (``seconds(event)`` in µs), with their calls per step."""
    by_name: dict[str, list[float]] = {}
    for e in events:
        entry = by_name.setdefault(e.name, [0, 0.0])
        entry[0] += 1
        entry[1] += seconds(e)
    top = sorted(by_name.items(), key=lambda kv: -kv[1][1])[:TOP_OPS]
    return [OpTime(name[:200], count / steps, total * 1e-6 / steps) for name, (count, total) in top]


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
