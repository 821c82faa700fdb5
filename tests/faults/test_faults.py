"""Faults through the real CLI: a killed trial, a full disk, a NaN loss, two writers, an out-of-memory
run. (Signals: tests/test_bench.py and tests/test_sweep.py; a hung trial: tests/test_bench.py.) Each case checks that finished work is kept and valid."""

from __future__ import annotations

import signal
import subprocess
import sys

from conftest import ROOT, assert_usage_error, cli_env, interruptible, run_cli, wait_for
from mlpbench.results.analysis import Analysis
from mlpbench.results.files import load_results
from mlpbench.results.model import Target

TINY = ["--steps", "20", "--n", "60"]


def test_a_killed_cold_trial_is_recorded_and_the_rest_complete(tmp_path):
    """(A hung trial killed at the timeout: tests/test_bench.py, with a fake child and a one-second timeout.)"""
    out = tmp_path / "out"
    env = cli_env(MLPBENCH_INJECT_FAULT="sigkill@cold:1")
    proc = run_cli("bench", "--devices", "cpu", "--runs", "3", "--warm-runs", "0", *TINY, "--out", str(out),
                   "--no-report", env=env)
    assert proc.returncode == 1, proc.stderr
    assert "1 trial(s) failed" in proc.stderr and "Traceback" not in proc.stderr
    assert "killed by signal SIGKILL" in proc.stderr
    results = load_results(out / "results.json")
    assert [t.status for t in results.cold] == ["ok", "failed", "ok"]
    assert results.cold[1].returncode == -signal.SIGKILL and results.cold[1].record is None
    assert Analysis(results).find(Target("cpu", "eager"), "cold", "total").stats.n == 2  # the killed one is no sample
    assert results.cold[0].record.memory.peak_rss_bytes > 10 * 2**20  # the child's own, before any probe


def test_a_full_disk_mid_run_keeps_the_last_good_results_file(tmp_path):
    out = tmp_path / "out"
    # writes: 1 at the start, 2 after the first trial, 3 after the second: that one fails
    proc = run_cli("bench", "--devices", "cpu", "--runs", "3", "--warm-runs", "0", *TINY, "--out", str(out),
                   "--no-report", env=cli_env(MLPBENCH_INJECT_FAULT="enospc@write:3"))
    assert_usage_error(proc, "No space left on device", "the last complete results file is left as it was")
    results = load_results(out / "results.json")
    assert len(results.cold) == 1 and results.cold[0].status == "ok"
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]  # no half-written temporary file


def test_an_exploding_loss_is_detected_and_never_timed(tmp_path):
    out = tmp_path / "out"
    proc = run_cli("bench", "--devices", "cpu", "--runs", "1", "--warm-runs", "2", "--warmup", "0", "--lr", "1e6",
                   "--steps", "200", "--n", "60", "--out", str(out), "--no-report")
    assert proc.returncode == 1, proc.stderr
    results = load_results(out / "results.json")
    assert {t.status for t in results.cold} == {"diverged"}
    assert results.warm[0].status == "diverged"
    # a run that diverged repeats itself from the same start: its warm trials ran for the whole --warm-time (20 s)
    # and were then said to have "reached their count limit before the spread fell"
    assert results.warm[0].record.warm is None and results.warm[0].record.profile is None
    assert Analysis(results).measurements == {}  # nothing diverged became a sample
    assert "diverged" in proc.stderr and "count limit" not in proc.stdout


def test_two_benches_into_one_directory(tmp_path):
    out = tmp_path / "out"
    first = subprocess.Popen([sys.executable, "-m", "mlpbench", "bench", "--devices", "cpu", "--runs", "30",
                              "--warm-runs", "0", *TINY, "--out", str(out), "--quiet", "--no-report"],
                             env=cli_env(), cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             preexec_fn=interruptible)
    try:
        lock = out / ".mlpbench.lock"
        wait_for(lambda: lock.exists() and lock.read_text().strip(), 120, "the first bench to take the lock")
        second = run_cli("bench", "--devices", "cpu", "--runs", "1", "--warm-runs", "0", *TINY, "--out", str(out))
        assert_usage_error(second, f"another mlpbench (pid {first.pid}) is writing there")
    finally:
        first.send_signal(signal.SIGINT)
        first.communicate(timeout=60)
    assert first.returncode == 130
    load_results(out / "results.json")  # the first one's file is intact


def test_an_out_of_memory_run_is_one_line():
    proc = run_cli("run", "--device", "cpu", *TINY, env=cli_env(MLPBENCH_INJECT_FAULT="oom@cli", MLPBENCH_TRIAL_ID="cli"))
    assert proc.returncode == 2  # a size this machine cannot hold is the user's to change
    assert proc.stderr.strip().splitlines() == ["mlpbench: error: out of memory (simulated by MLPBENCH_INJECT_FAULT); "
                                                "lower --n or --hidden"]
