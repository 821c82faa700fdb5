"""Sweeps: crossovers and cost models on known answers, resume, faults at a point, bad specs."""

from __future__ import annotations

import json
import math
import signal
import subprocess
import sys
import time

import pytest

from conftest import ROOT, assert_usage_error, cli_env, run_cli
from mlpbench import sweep
from mlpbench.bench import ChildResult, Progress, Target
from mlpbench.config import WorkloadConfig
from mlpbench.crossover import CostModel, break_even_steps, crossover_point, fit_cost_model, predicted_crossover
from mlpbench.results import load_results


# ----- crossovers and cost models on synthetic data ------------------------------------------------------
def test_crossover_inside_the_range_is_log_log_interpolated():
    xs = [250, 500, 2000, 8000]
    speedups = [(x / 1000) ** 0.5 for x in xs]  # a power law crossing 1 at exactly x = 1000
    c = crossover_point(xs, speedups)
    assert c.where == "inside" and c.bracket == (500, 2000)
    assert c.value == pytest.approx(1000, rel=1e-9)


def test_crossover_direction():
    assert crossover_point([1, 10, 100], [0.5, 0.8, 2.0]).direction == "overtakes"
    falling = crossover_point([500, 4000], [1.28, 0.9])  # faster at the small size only (seen on a noisy GPU host)
    assert falling.where == "inside" and falling.direction == "falls_behind"
    assert crossover_point([10, 100, 1000], [2.0, 1.0, 0.5]).direction == "falls_behind"


def test_no_crossover_says_which_side():
    assert crossover_point([1, 10, 100], [0.2, 0.5, 0.9]).where == "cpu_faster_throughout"
    c = crossover_point([1, 10, 100], [1.5, 3, 9])
    assert c.where == "gpu_faster_throughout" and c.value is None and (c.low, c.high) == (1, 100)


def test_crossover_at_the_edge():
    assert crossover_point([100, 1000], [1.0, 4.0]).to_json()["value"] == 100  # exactly at the first point
    c = crossover_point([10, 100, 1000], [0.1, 0.5, 2.0])  # between the last two points
    assert c.bracket == (100, 1000) and 100 < c.value < 1000
    assert math.log(c.value) == pytest.approx(math.log(100) + math.log(2) / math.log(4) * math.log(10))


def test_cost_model_recovers_overhead_and_throughput():
    flops = [1e6, 1e7, 1e8, 1e9, 1e10]
    times = [20e-6 + f / 5e10 for f in flops]
    model = fit_cost_model(flops, times)
    assert model.overhead_s == pytest.approx(20e-6, rel=1e-6)
    assert model.flops_per_s == pytest.approx(5e10, rel=1e-6)
    assert model.r2 == pytest.approx(1.0) and model.max_rel_error < 1e-9


def test_cost_model_quality_drops_with_noise():
    flops = [1e6, 1e7, 1e8, 1e9]
    times = [t * f for t, f in zip([1e-5 + 1e6 / 1e11, 1e-5 + 1e7 / 1e11, 1e-5 + 1e8 / 1e11, 1e-5 + 1e9 / 1e11], [1.3, 0.8, 1.2, 0.9])]
    model = fit_cost_model(flops, times)
    assert model.max_rel_error > 0.05 and model.r2 < 1.0


def test_predicted_crossover_of_two_models():
    cpu = CostModel(5e-6, 1e11, 1.0, 0.0)  # little overhead, slow arithmetic
    gpu = CostModel(50e-6, 1e13, 1.0, 0.0)  # launch overhead, fast arithmetic
    # equal when 5e-6 + F/1e11 = 50e-6 + F/1e13  ->  F = 45e-6 / (1e-11 - 1e-13)
    expected = 45e-6 / (1e-11 - 1e-13)
    value = predicted_crossover(cpu, gpu, lambda x: x, 1e5, 1e7)
    assert value == pytest.approx(expected, rel=1e-3)
    assert predicted_crossover(cpu, cpu, lambda x: x, 1e5, 1e7) is None


def test_break_even_steps():
    assert break_even_steps(2.0, 1.0, 1e-4, 3e-4) == pytest.approx(5000)
    assert break_even_steps(2.0, 1.0, 3e-4, 1e-4) is None  # never: the candidate's steps are dearer
    assert break_even_steps(0.5, 1.0, 1e-4, 3e-4) == 0.0


# ----- the orchestration, with fake children -----------------------------------------------------------
class FakeChildren:
    """Answers like the warm child: per-step time = overhead + flops / rate for each device."""

    RATES = {"cpu": (2e-5, 2e11), "cuda:0": (1.5e-4, 5e12)}

    def __init__(self, interrupt_after: int | None = None, fail: dict[str, str] | None = None) -> None:
        self.calls: list[str] = []
        self.interrupt_after = interrupt_after
        self.fail = fail or {}

    def run(self, argv, json_path, timeout, trial_id=""):
        if self.interrupt_after is not None and len(self.calls) >= self.interrupt_after:
            raise KeyboardInterrupt
        self.calls.append(trial_id)
        device = argv[argv.index("--device") + 1]
        overhead, rate = self.RATES[device]
        if trial_id in self.fail:
            return ChildResult("failed", 0.1, 1, None, self.fail[trial_id])
        if argv[3] == "run":
            payload = {"phases": {"import": 1.0, "device_init": 0.5 if device != "cpu" else 0.0, "setup": 1.0},
                       "log": ["Using device: " + device], "train_loss": {"0": 1.0}, "test_loss": 1.0,
                       "predictions": [], "per_step_s": 1e-4, "threads": 1, "seed_time": 2.0}
            return ChildResult("ok", 3.0, 0, payload, "")
        n = int(argv[argv.index("--n") + 1])
        steps = int(argv[argv.index("--steps") + 1])
        flops = WorkloadConfig(n=n).train_flops_per_step()
        per_step = overhead + flops / rate
        payload = {"samples": [per_step * steps * j for j in (1.0, 1.01, 0.99)], "warmup_samples": [per_step * steps],
                   "one_off": {"data": 0.001, "to_device": 0.01 if device != "cpu" else 0.0}, "stopped_by": "converged"}
        return ChildResult("ok", 1.0, 0, payload, "")

    def kill(self):
        pass


def make_sweep(tmp_path, children, resume=False, time_limit=None):
    settings = sweep.SweepSettings(config=WorkloadConfig(), vary={"n": [500, 5000, 50000, 500000]},
                                   devices=["cpu", "cuda"], resume=resume, out=tmp_path, time_limit=time_limit)
    targets = [Target("cpu", "eager"), Target("cuda:0", "eager")]
    return sweep.Sweep(settings, targets, {}, Progress(quiet=True), children=children)


def test_sweep_finds_the_crossover_from_fake_measurements(tmp_path):
    s = make_sweep(tmp_path, FakeChildren())
    s.run(tmp_path)
    doc = s.save(complete=True)
    info = doc["sweep"]
    steady = [c for c in info["crossovers"] if c["kind"] == "steady"][0]
    # cpu: 2e-5 + F/2e11, gpu: 1.5e-4 + F/5e12 -> equal at F = 1.3e-4 / (5e-12 - 2e-13) = 27 MFLOP per step
    crossing_flops = 1.3e-4 / (1 / 2e11 - 1 / 5e12)
    n_star = crossing_flops / WorkloadConfig(n=1000).train_flops_per_step() * 1000  # FLOPs are linear in n
    assert steady["where"] == "inside" and steady["bracket"] == [500, 5000]
    assert steady["predicted"] == pytest.approx(n_star, rel=0.02)  # the cost models recover the truth
    assert steady["value"] == pytest.approx(n_star, rel=0.35)  # log-log interpolation between 500 and 5000
    assert info["models"]["cuda:0/eager"]["flops_per_s"] == pytest.approx(5e12, rel=0.02)
    e2e = [c for c in info["crossovers"] if c["kind"] == "end_to_end"][0]
    assert e2e["value"] > steady["value"]  # start-up costs push the whole-job crossover up
    repay = [c for c in info["crossovers"] if c["kind"] == "break_even"][0]["points"]
    assert repay[0]["steps"] is None and repay[-1]["steps"] is not None
    journal = sweep.read_journal(tmp_path / "sweep.jsonl")
    assert len(journal) == 2 + 8


def test_resume_remeasures_nothing_that_finished(tmp_path):
    first = make_sweep(tmp_path, FakeChildren(interrupt_after=5))
    with pytest.raises(KeyboardInterrupt):
        first.run(tmp_path)
    finished = {e["key"] for e in sweep.read_journal(tmp_path / "sweep.jsonl") if e["kind"] == "point"}
    assert len(finished) == 3  # two one-off runs, then three points
    children = FakeChildren()
    second = make_sweep(tmp_path, children, resume=True)
    second.run(tmp_path)
    measured_again = [c for c in children.calls if c.startswith("point:")]
    assert len(measured_again) == 8 - 3
    assert not finished & {c.removeprefix("point:") for c in measured_again}
    assert not any(c.startswith("one-off:") for c in children.calls)
    assert len([e for e in sweep.read_journal(tmp_path / "sweep.jsonl") if e["kind"] == "point"]) == 8


def test_a_point_that_fails_is_recorded_and_the_sweep_goes_on(tmp_path):
    fail = {"point:n=50000|cuda:0/eager": "torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB",
            "point:n=5000|cpu/eager": "Traceback ...\nRuntimeError: boom"}
    s = make_sweep(tmp_path, FakeChildren(fail=fail))
    s.run(tmp_path)
    doc = s.save(complete=True)
    statuses = {r["target"] + " " + sweep.label(r["point"]): r["status"] for r in doc["sweep"]["table"]}
    assert statuses["cuda:0/eager n=50000"] == "oom"
    assert statuses["cpu/eager n=5000"] == "failed"
    assert sum(1 for v in statuses.values() if v == "ok") == 6


def test_time_limit_skips_and_says_which(tmp_path):
    s = make_sweep(tmp_path, FakeChildren(), time_limit=1e-9)
    s.run(tmp_path)
    assert len(s.skipped) == 2 + 8
    assert "n=500 on cpu/eager" in s.skipped


# ----- through the real CLI ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    "spec, fragment",
    [
        ("depth=1,2", "unknown parameter 'depth'"),
        ("n=", "has no values"),
        ("n=500,abc", "'abc' is not an integer"),
        ("n=0,500", "sizes must be positive"),
        ("width=-1", "sizes must be positive"),
        ("n500", "expected NAME=V1,V2"),
        ("n=1", "both splits need at least one row"),
    ],
)
def test_bad_vary_specs(spec, fragment, tmp_path):
    assert_usage_error(run_cli("sweep", "--vary", spec, "--out", str(tmp_path)), fragment)


def test_cpu_only_sweep_with_an_injected_oom(tmp_path):
    out = tmp_path / "sw"
    env = cli_env(MLPBENCH_INJECT_FAULT="oom@point:n=400|cpu/eager")
    proc = run_cli("sweep", "--devices", "cpu", "--vary", "n=200,400,800", "--trial-steps", "20", "--warm-runs", "3",
                   "--steps", "50", "--out", str(out), env=env)
    assert proc.returncode == 0, proc.stderr
    assert "1 point(s) did not finish (oom)" in proc.stderr
    doc = load_results(out / "results.json")
    table = {sweep.label(r["point"]): r for r in doc["sweep"]["table"]}
    assert table["n=400"]["status"] == "oom" and "simulated" in table["n=400"]["reason"]
    assert table["n=200"]["status"] == table["n=800"]["status"] == "ok"
    report = (out / "report.md").read_text()
    assert "a crossover needs a GPU" in report
    assert "report-sweep-time.svg" in report and (out / "report-sweep-time.svg").exists()


def test_sigint_during_a_sweep_then_resume(tmp_path):
    out = tmp_path / "sw"
    args = [sys.executable, "-m", "mlpbench", "sweep", "--devices", "cpu", "--vary", "n=100,200,300,400,500,600",
            "--trial-steps", "10", "--warm-runs", "2", "--steps", "20", "--out", str(out), "--quiet"]
    proc = subprocess.Popen(args, env=cli_env(), cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    journal = out / "sweep.jsonl"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if journal.exists() and sum(1 for line in journal.read_text().splitlines() if '"point"' in line) >= 1:
            break
        time.sleep(0.1)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "--resume" in err
    first = [json.loads(line) for line in journal.read_text().splitlines()]
    doc = load_results(out / "results.json")
    assert doc["interrupted"] == "SIGINT" and doc["complete"] is False
    resumed = run_cli(*args[3:], "--resume", timeout=300)
    assert resumed.returncode == 0, resumed.stderr
    final = [json.loads(line) for line in journal.read_text().splitlines()]
    assert final[:len(first)] == first  # nothing finished was measured again
    assert sum(1 for e in final if e["kind"] == "point") == 6
    assert load_results(out / "results.json")["complete"] is True
