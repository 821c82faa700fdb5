"""The warm-trial stopping rule, driven by a fake clock."""

from __future__ import annotations

import pytest

from mlpbench.measure.clock import SyncClock
from mlpbench.measure.repeat import measure_repeated
from mlpbench.stats.summary import relative_iqr


class ScriptedWork:
    """Each call to run() advances a fake clock by the next scripted duration."""

    def __init__(self, durations: list[float]) -> None:
        self.durations = iter(durations)
        self.now = 0.0
        self.prepared = 0
        self.calls = 0

    def clock(self) -> float:
        return self.now

    def run(self) -> dict[int, float]:
        self.now += next(self.durations)
        self.calls += 1
        return {0: float(self.calls)}

    def prepare(self) -> None:
        self.prepared += 1
        self.now += 100.0  # untimed preparation must not leak into the samples


def test_warmups_are_kept_apart_and_stable_runs_converge():
    work = ScriptedWork([5.0, 3.0] + [1.0] * 20)
    result = measure_repeated(work.run, work.prepare, SyncClock(clock=work.clock), warmup=2, min_runs=10,
                              max_runs=50, max_time=1e9)
    assert result.warmup_samples == [5.0, 3.0]
    assert result.samples == [1.0] * 10
    assert result.stopped_by == "converged" and result.converged
    assert work.prepared == 12  # prepare() before every call, warm-ups included
    assert result.outputs[0] == {0: 3.0}


def test_unstable_runs_continue_past_the_minimum_until_the_time_bound():
    work = ScriptedWork([1.0, 2.0] * 50)  # IQR/median stays ~67 %
    result = measure_repeated(work.run, work.prepare, SyncClock(clock=work.clock), warmup=0, min_runs=4,
                              max_runs=100, max_time=1000.0)
    assert result.stopped_by == "time"
    assert 4 <= len(result.samples) < 100
    assert sum(result.samples) + 100.0 * len(result.samples) >= 1000.0


def test_one_or_two_samples_never_count_as_converged():
    """--warm-runs 1 reported "converged" from a single sample (its IQR is 0): the spread is judged from three."""
    work = ScriptedWork([1.0, 1.0, 1.0, 1.0])
    result = measure_repeated(work.run, work.prepare, SyncClock(clock=work.clock), warmup=0, min_runs=1,
                              max_runs=10, max_time=1e9)
    assert len(result.samples) == 3 and result.stopped_by == "converged"
    work = ScriptedWork([1.0, 1.0])
    result = measure_repeated(work.run, work.prepare, SyncClock(clock=work.clock), warmup=0, min_runs=1,
                              max_runs=10, max_time=0.0)
    assert len(result.samples) == 1 and result.stopped_by == "time"  # --warm-time spent: one run, not "converged"


def test_max_runs_caps_an_unstable_series():
    work = ScriptedWork([1.0, 2.0] * 50)
    result = measure_repeated(work.run, work.prepare, SyncClock(clock=work.clock), warmup=0, min_runs=3,
                              max_runs=7, max_time=1e12)
    assert len(result.samples) == 7 and result.stopped_by == "max_runs"


def test_after_runs_untimed_and_keeps_its_value():
    work = ScriptedWork([1.0] * 20)

    def after(output):
        work.now += 50.0  # an evaluation after each run: untimed
        return ("evaluated", output[0])

    result = measure_repeated(work.run, work.prepare, SyncClock(clock=work.clock), warmup=1, min_runs=3, max_runs=3,
                              max_time=1e9, after=after)
    assert result.samples == [1.0, 1.0, 1.0]
    assert result.outputs == [("evaluated", 2.0), ("evaluated", 3.0), ("evaluated", 4.0)]


def test_every_rank_takes_the_leaders_decision():
    """agree() replaces this process's decision: rank 0 says stop after the third run."""
    decisions = iter([None, None, "time"])
    seen = []

    def agree(mine):
        seen.append(mine)
        return next(decisions)

    work = ScriptedWork([1.0] * 20)  # alone, this would converge at the third run (the first with a spread)
    result = measure_repeated(work.run, work.prepare, SyncClock(clock=work.clock), warmup=0, min_runs=2, max_runs=10,
                              max_time=1e9, agree=agree)
    assert len(result.samples) == 3 and result.stopped_by == "time"  # rank 0's word, not this rank's "converged"
    assert seen == [None, None, "converged"]


def test_relative_iqr():
    assert relative_iqr([1.0, 1.0, 1.0]) == 0.0
    assert relative_iqr([1.0, 2.0, 3.0, 4.0, 5.0]) == 2.0 / 3.0


def _event(name, start, end, device="cpu", parent=None, self_us=0.0, total_us=0.0, annotation=False):
    from types import SimpleNamespace

    from torch.autograd import DeviceType

    return SimpleNamespace(name=name, time_range=SimpleNamespace(start=start, end=end), cpu_parent=parent,
                           device_type=DeviceType.CPU if device == "cpu" else DeviceType.CUDA,
                           self_cpu_time_total=self_us, cpu_time_total=total_us, is_user_annotation=annotation)


def test_step_profile_counts_device_work_not_annotations():
    """Two steps: three kernels (two overlap) and the optimizer's annotation mirrored on the device's
    timeline, spanning its idle time as on the H200 (there it made eager look 454 µs busy instead of ~60)."""
    from mlpbench.measure.profile import summarize

    mm = _event("aten::mm", 0, 10, self_us=8.0, total_us=8.0)
    adam = _event("Optimizer.step#Adam.step", 20, 60, self_us=2.0, total_us=30.0, annotation=True)
    events = [mm, _event("aten::t", 1, 2, parent=mm, self_us=1.0), adam,
              _event("aten::_foreach_add_", 22, 50, self_us=20.0, total_us=20.0),
              _event("gemm", 100, 110, device="cuda"), _event("gemm", 105, 115, device="cuda"),
              _event("adam_kernel", 140, 150, device="cuda"),
              _event("Optimizer.step#Adam.step", 100, 400, device="cuda", annotation=True)]
    p = summarize(events, wall=200e-6, steps=2, cuda=True)
    assert p.kernels_per_step == 1.5  # 3 device activities over 2 steps; the annotation is not one
    assert abs(p.device_busy_s - 12.5e-6) < 1e-12  # union [100,115] + [140,150] = 25 µs over 2 steps
    assert abs(p.mean_kernel_gap_s - 25e-6) < 1e-12
    assert [k.name for k in p.kernels] == ["gemm", "adam_kernel"] and p.kernels[0].calls == 1.0
    assert p.ops_per_step == 1.0  # aten::mm and aten::_foreach_add_; aten::t is inside aten::mm
    assert abs(p.matmul_s - 4e-6) < 1e-12 and abs(p.optimizer_s - 15e-6) < 1e-12
    assert abs(p.host_self_s - 15.5e-6) < 1e-12 and p.profiled_step_s == 100e-6


def test_step_profile_leaves_the_profilers_own_host_work_out():
    """CUPTI's trace-buffer requests took 101-271 µs of the host's time per profiled H200 step, on average
    (listed third among an eager step's host operators): the profiler's work, not the step's."""
    from mlpbench.measure.profile import summarize

    events = [_event("aten::addmm", 0, 10, self_us=6.0, total_us=6.0),
              _event("Activity Buffer Request", 10, 300, self_us=290.0, total_us=290.0)]
    p = summarize(events, wall=1e-3, steps=1, cuda=False)
    assert [o.name for o in p.top_ops] == ["aten::addmm"]
    assert p.host_self_s == 6e-6 and p.matmul_s / p.host_self_s == 1.0


def test_step_profile_on_the_cpu_has_no_device_figures():
    from mlpbench.measure.profile import summarize

    p = summarize([_event("aten::addmm", 0, 10, self_us=6.0, total_us=6.0)], wall=1e-3, steps=1, cuda=False)
    assert p.kernels_per_step is None and p.device_busy_s is None and p.kernels == []
    assert p.matmul_s == 6e-6 and p.optimizer_s is None


def test_a_profile_that_counted_an_annotation_is_not_quoted():
    """Files written before the fix (the H200's of 2026-11-27) keep their numbers, but the busy time and
    gaps that include the optimizer's annotation are not offered to the report."""
    from mlpbench.results.model import OpTime, StepProfile

    common = dict(steps=20, profiled_step_s=2.8e-3, ops_per_step=65, kernels_per_step=36.65, device_busy_s=435e-6,
                  mean_kernel_gap_s=75.6e-6, host_self_s=2e-3, matmul_s=3e-4)
    old = StepProfile(**common, kernels=[OpTime("Optimizer.step#Adam.step", 1.0, 375e-6), OpTime("gemm", 2.0, 18e-6)])
    new = StepProfile(**common, kernels=[OpTime("gemm", 2.0, 18e-6)])
    assert old.busy_s is None and old.gap_s is None and old.device_busy_s == 435e-6
    assert new.busy_s == 435e-6 and new.gap_s == 75.6e-6


def test_the_cuda_context_is_timed_inside_device_init(monkeypatch):
    """The phase clock synchronises before it reads; on a GPU without a context, that sync would create
    it before ``device_init``'s start is read, and the context (0.1-0.2 s on the H100 and H200) fell into
    no phase. torch's lazy initialisation (run by any query of the device, as the memory check does)
    creates no context: a fake CUDA whose context costs 0.5 s on a fake clock shows where it lands."""
    import torch

    from mlpbench.measure import devices
    from mlpbench.measure.clock import PhaseTimer

    state = {"now": 0.0, "lazy": False, "context": False}

    def lazy_init() -> None:  # torch.cuda.get_device_properties and the like: no context
        state["lazy"] = True

    def touch(*_args) -> None:  # a sync, or any first kernel, creates the context
        lazy_init()
        if not state["context"]:
            state["now"] += 0.5
            state["context"] = True

    monkeypatch.setattr(torch.cuda, "is_initialized", lambda: state["lazy"])
    monkeypatch.setattr(torch.cuda, "synchronize", touch)
    monkeypatch.setattr(torch._C, "_cuda_hasPrimaryContext", lambda index: state["context"], raising=False)
    monkeypatch.setattr(torch.cuda, "current_device", lambda: 0)
    timer = PhaseTimer(SyncClock(lambda: devices.synchronize("cuda:0"), clock=lambda: state["now"]))
    lazy_init()  # the memory check asked for the device's properties
    with timer.phase("data"):
        pass
    with timer.phase("device_init"):
        touch()
    assert timer.phases == {"data": 0.0, "device_init": 0.5}
    with timer.phase("train"):  # with a context, the clock waits for the device as before
        pass
    assert state["context"] and timer.phases["train"] == 0.0


def _zone(root, name: str, label: str, energy_uj: int, range_uj: int = 10**9):
    zone = root / name
    zone.mkdir()
    (zone / "name").write_text(label + "\n")
    (zone / "energy_uj").write_text(str(energy_uj))
    (zone / "max_energy_range_uj").write_text(str(range_uj))
    return zone


def test_rapl_counts_each_package_once_and_unwraps_each_counter(tmp_path, monkeypatch):
    """psys (the whole platform, the package included) is not added to the packages; each package's
    counter wraps at its own range."""
    from mlpbench.measure import energy

    monkeypatch.setattr(energy, "POWERCAP", str(tmp_path))
    p0 = _zone(tmp_path, "intel-rapl:0", "package-0", 5_000_000, range_uj=262_143_328_850)
    p1 = _zone(tmp_path, "intel-rapl:1", "package-1", 900_000_000, range_uj=1_000_000_000)
    psys = _zone(tmp_path, "intel-rapl:2", "psys", 1_000_000)
    _zone(tmp_path, "intel-rapl:0:0", "core", 1)  # a sub-zone of package 0: inside it already
    meter = energy.EnergyMeter("cpu")
    meter.start()
    (p0 / "energy_uj").write_text(str(15_000_000))  # +10 J
    (p1 / "energy_uj").write_text(str(2_000_000))  # wrapped: +100 J to the end of its range, then +2 J
    (psys / "energy_uj").write_text(str(500_000_000))  # +499 J: not counted
    used = meter.stop(runs=4)
    assert used.cpu_joules == pytest.approx((10 + 102) / 4) and used.cpu_source == "RAPL"
    assert used.gpu_joules is None and "cpu" not in used.unavailable
    (p1 / "max_energy_range_uj").unlink()  # a wrapped counter of unknown range: no figure, and why
    again = energy.EnergyMeter("cpu")
    again.start()
    (p1 / "energy_uj").write_text(str(1_000_000))
    lost = again.stop(runs=1)
    assert lost.cpu_joules is None and "wrapped around" in lost.unavailable["cpu"]


def test_no_package_zone_is_unavailable_with_its_reason(tmp_path, monkeypatch):
    from mlpbench.measure import energy

    monkeypatch.setattr(energy, "POWERCAP", str(tmp_path))
    _zone(tmp_path, "intel-rapl:0", "psys", 1)
    meter = energy.EnergyMeter("cpu")
    meter.start()
    used = meter.stop(runs=1)
    assert used.cpu_joules is None and "no RAPL package counter" in used.unavailable["cpu"]


def test_the_gpus_energy_is_read_by_its_uuid_not_its_cuda_index(tmp_path, monkeypatch):
    """NVML numbers GPUs in PCI order and ignores CUDA_VISIBLE_DEVICES: cuda:0 of a job given GPU 3 is
    NVML's GPU 3. Its UUID names it to both."""
    import sys
    import types

    from mlpbench.measure import energy

    monkeypatch.setattr(energy, "POWERCAP", str(tmp_path))  # no RAPL here
    counters = {b"GPU-3333": [1_000_000, 1_600_000], b"GPU-0000": [0, 999_000_000]}  # millijoules
    fake = types.ModuleType("pynvml")
    fake.nvmlInit = lambda: None
    fake.nvmlDeviceGetHandleByIndex = lambda index: pytest.fail("read by index")
    fake.nvmlDeviceGetHandleByUUID = lambda uuid: uuid
    fake.nvmlDeviceGetTotalEnergyConsumption = lambda handle: counters[handle].pop(0)
    monkeypatch.setitem(sys.modules, "pynvml", fake)
    monkeypatch.setattr(energy, "gpu_uuid", lambda index: "GPU-3333" if index == 0 else None)
    meter = energy.EnergyMeter("cuda:0")
    meter.start()
    used = meter.stop(runs=2)
    assert used.gpu_joules == pytest.approx(300.0) and used.gpu_source == "NVML"
    monkeypatch.setattr(energy, "gpu_uuid", lambda index: None)
    unnamed = energy.EnergyMeter("cuda:0")
    unnamed.start()
    assert unnamed.stop(runs=1).gpu_joules is None and "UUID" in unnamed.reasons["gpu"]


def test_a_childs_peak_memory_is_its_own_not_its_parents():
    """getrusage's ru_maxrss keeps what a child inherited across exec: spawned by a parent holding
    400 MiB, a child that imports nothing big reported 400 MiB. Linux's VmHWM is the child's own."""
    import json
    import subprocess
    import sys

    held = bytearray(400 * 2**20)  # the parent's memory, touched
    held[::4096] = b"x" * len(held[::4096])
    code = ("import json, resource; from mlpbench.measure.devices import peak_memory; "
            "print(json.dumps([peak_memory('cpu')['peak_rss_bytes'], resource.getrusage(resource.RUSAGE_SELF).ru_maxrss]))")
    own, inherited_kib = json.loads(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                                   check=True).stdout)
    del held
    assert own < 200 * 2**20  # an interpreter and mlpbench's devices module: tens of MiB
    if inherited_kib * 1024 > 400 * 2**20:  # where the kernel keeps the parent's (Linux does)
        assert own < inherited_kib * 1024 / 2


def test_a_data_parallel_runs_energy_adds_every_ranks_gpu_and_the_cpu_once():
    from mlpbench.measure.energy import across_ranks
    from mlpbench.results.model import Energy

    ranks = [Energy(gpu_joules=10.0, cpu_joules=4.0, gpu_source="NVML", cpu_source="RAPL"),
             Energy(gpu_joules=12.0, cpu_joules=4.1, gpu_source="NVML", cpu_source="RAPL")]
    both = across_ranks(ranks)
    assert both.gpu_joules == 22.0 and both.cpu_joules == 4.0 and both.gpu_source == "NVML"
    one_lost = across_ranks([ranks[0], Energy(cpu_joules=4.1, unavailable={"gpu": "NVML: Not Supported"})])
    assert one_lost.gpu_joules is None and one_lost.unavailable["gpu"] == "rank 1: NVML: Not Supported"
    cpu_only = across_ranks([Energy(cpu_joules=3.0, cpu_source="RAPL")] * 2)
    assert cpu_only.gpu_joules is None and cpu_only.cpu_joules == 3.0 and "gpu" not in cpu_only.unavailable
