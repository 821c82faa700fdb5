"""`mlpbench bench` and `compare`: interleaving, failed children, interruption, bad input."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import DATA, ROOT, assert_usage_error, cli_env, run_cli
from mlpbench import bench
from mlpbench.config import WorkloadConfig
from mlpbench.results import load_results

TINY = ["--steps", "30", "--n", "100"]


def make_bench(tmp_path: Path, runs: int, targets: list[bench.Target], children=None) -> bench.Bench:
    settings = bench.BenchSettings(config=WorkloadConfig(steps=30, n=100), runs=runs, warm_runs=0, out=tmp_path,
                                   quiet=True)
    return bench.Bench(settings, targets, env={}, progress=bench.Progress(quiet=True), children=children)


def test_cold_trials_are_interleaved(tmp_path):
    a, b = bench.Target("cpu", "eager"), bench.Target("cuda:0", "eager")
    missing = bench.Target("mps", "eager", "unavailable", "no Apple GPU")
    plan = make_bench(tmp_path, 3, [a, b, missing]).cold_order()
    assert plan == [(0, a), (0, b), (1, a), (1, b), (2, a), (2, b)]


def test_workload_args_round_trip():
    from mlpbench.cli import build_parser, workload_config

    config = WorkloadConfig(n=1234, hidden=(7, 3), steps=9, lr=0.0025, seed=3, train_fraction=0.75, batch_size=16)
    args = build_parser().parse_args(["run", *bench.workload_args(config)])
    assert workload_config(args) == config


class KillSecondTrial(bench.ChildRunner):
    """The second child dies by SIGKILL after writing to stderr, like an OOM-killed process."""

    def __init__(self) -> None:
        super().__init__()
        self.calls = 0

    def run(self, argv, json_path, timeout, trial_id=""):
        self.calls += 1
        if self.calls == 2:
            argv = [sys.executable, "-c", "import os, signal, sys; sys.stderr.write('about to die\\n'); "
                                          "sys.stderr.flush(); os.kill(os.getpid(), signal.SIGKILL)"]
        return super().run(argv, json_path, timeout, trial_id)


def test_a_killed_child_is_recorded_as_failed_and_the_rest_complete(tmp_path):
    runner = make_bench(tmp_path, 3, [bench.Target("cpu", "eager")], KillSecondTrial())
    document = runner.run()
    statuses = [t["status"] for t in document["trials"]]
    assert statuses == ["ok", "failed", "ok"]
    failed = document["trials"][1]
    assert failed["returncode"] == -signal.SIGKILL
    assert "about to die" in failed["stderr_tail"]
    assert document["complete"] is True
    saved = load_results(tmp_path / "results.json")
    total = [m for m in saved["measurements"] if m["phase"] == "total"][0]
    assert total["n"] == 2  # the failed trial is not a sample


def test_a_hanging_child_is_killed_at_the_timeout(tmp_path):
    class Hang(bench.ChildRunner):
        def run(self, argv, json_path, timeout, trial_id=""):
            return super().run([sys.executable, "-c", "import time; time.sleep(60)"], json_path, 1.0, trial_id)

    runner = make_bench(tmp_path, 1, [bench.Target("cpu", "eager")], Hang())
    started = time.monotonic()
    document = runner.run()
    assert time.monotonic() - started < 30
    assert document["trials"][0]["status"] == "timeout"
    assert "trial timeout" in document["trials"][0]["stderr_tail"]


def test_bench_end_to_end_on_cpu(tmp_path):
    out = tmp_path / "out"
    proc = run_cli("bench", "--devices", "cpu,cuda,mps", "--runs", "2", "--warm-runs", "3", "--warmup", "1",
                   *TINY, "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    assert (out / "report.html").exists() and (out / "report.md").exists() and (out / "report-phases.svg").exists()
    doc = load_results(out / "results.json")
    assert doc["complete"] is True and doc["interrupted"] is None
    modes = {(m["device"], m["mode"], m["phase"]) for m in doc["measurements"]}
    assert ("cpu", "cold", "wall") in modes and ("cpu", "warm", "train") in modes
    assert {"import", "setup", "train", "total"} <= {p for d, m, p in modes if m == "cold"}
    cpu = [m for m in doc["measurements"] if m["mode"] == "cold" and m["phase"] == "total"][0]
    assert cpu["n"] == 2 and len(cpu["samples"]) == 2
    warm = [m for m in doc["measurements"] if m["mode"] == "warm"][0]
    assert warm["n"] >= 3 and len(warm["warmup_samples"]) == 1
    unavailable = {t["key"]: t["reason"] for t in doc["targets"] if t["status"] != "ok"}
    if "cuda/eager" in unavailable:
        assert "not available" in unavailable["cuda/eager"]
        assert "unavailable: cuda/eager" in proc.stdout
    assert doc["runs"]["cpu/eager"]["log"][0] == "Using device: cpu"
    for key in ("cpu", "python", "torch", "blas", "timer_resolution_s", "date", "memory_bytes", "cpu_count"):
        assert key in doc["env"]


@pytest.mark.parametrize("sig, code", [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_an_interrupted_bench_leaves_a_valid_results_file(tmp_path, sig, code):
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-m", "mlpbench", "bench", "--devices", "cpu", "--runs", "50",
                             "--warm-runs", "0", *TINY, "--out", str(out), "--quiet"],
                            env=cli_env(), cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    results = out / "results.json"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if results.exists() and json.loads(results.read_text())["trials"]:
            break
        time.sleep(0.2)
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == code, err
    assert "saved in" in err and "Traceback" not in err
    doc = load_results(results)
    assert doc["interrupted"] == ("SIGINT" if sig == signal.SIGINT else "SIGTERM")
    assert doc["complete"] is False
    assert 1 <= len(doc["trials"]) < 50
    assert all(t["status"] == "ok" for t in doc["trials"])


def test_compare_two_results_files():
    proc = run_cli("compare", str(DATA / "results-cpu.json"), str(DATA / "results-gpu.json"))
    assert proc.returncode == 0, proc.stderr
    assert "cpu/eager" in proc.stdout and "cold wall" in proc.stdout and "warm train" in proc.stdout
    assert "Mann-Whitney U" in proc.stdout
    # the same file against itself: ratios of exactly 1, nothing significant
    same = run_cli("compare", str(DATA / "results-cpu.json"), str(DATA / "results-cpu.json"))
    assert "1.00×" in same.stdout and "not significant" in same.stdout and " faster" not in same.stdout


@pytest.mark.parametrize(
    "args, fragment",
    [
        (["bench", "--devices", "tpu"], "unknown device 'tpu'"),
        (["bench", "--runs", "0", "--warm-runs", "0"], "measures nothing"),
        (["bench", "--runs", "-1"], "cannot be negative"),
        (["bench", "--backends", "warp"], "unknown backend 'warp'"),
        (["bench", "--lang", "fr"], "--lang must be en or ja"),
        (["compare", "missing.json", "other.json"], "no such file"),
    ],
)
def test_bench_and_compare_bad_input(args, fragment, tmp_path):
    assert_usage_error(run_cli(*args, cwd=tmp_path), fragment)


def test_compare_refuses_foreign_and_broken_json(tmp_path):
    foreign = tmp_path / "foreign.json"
    foreign.write_text(json.dumps({"hello": "world"}))
    truncated = tmp_path / "truncated.json"
    truncated.write_text((DATA / "results-cpu.json").read_text()[:500])
    run_file = tmp_path / "run.json"
    run_file.write_text(json.dumps({"schema": "mlpbench.run/1"}))
    good = str(DATA / "results-cpu.json")
    assert_usage_error(run_cli("compare", good, str(foreign)), "not an mlpbench results file")
    assert_usage_error(run_cli("compare", str(truncated), good), "invalid or truncated JSON")
    assert_usage_error(run_cli("compare", good, str(run_file)), "is not an mlpbench results file")
    assert_usage_error(run_cli("compare", good, str(tmp_path)), "is a directory")
