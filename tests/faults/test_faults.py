"""Faults through the real CLI: killed and hung trials, signals, a full disk, a NaN loss, two
writers, an out-of-memory sweep point. Each case checks that finished work is kept and valid."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time

import pytest

from conftest import ROOT, assert_usage_error, cli_env, run_cli
from mlpbench.results import load_results

TINY = ["--steps", "20", "--n", "60"]


def test_a_killed_and_a_hung_cold_trial_are_recorded_and_the_rest_complete(tmp_path):
    out = tmp_path / "out"
    env = cli_env(MLPBENCH_INJECT_FAULT="sigkill@cold:1;hang@cold:2")
    proc = run_cli("bench", "--devices", "cpu", "--runs", "4", "--warm-runs", "0", "--trial-timeout", "15", *TINY,
                   "--out", str(out), "--no-report", env=env)
    assert proc.returncode == 1, proc.stderr
    assert "2 trial(s) failed" in proc.stderr and "Traceback" not in proc.stderr
    assert "killed by signal SIGKILL" in proc.stderr and "killed at the trial timeout" in proc.stderr
    doc = load_results(out / "results.json")
    assert [t["status"] for t in doc["trials"]] == ["ok", "failed", "timeout", "ok"]
    assert doc["trials"][1]["returncode"] == -signal.SIGKILL
    assert "trial timeout" in doc["trials"][2]["stderr_tail"]
    total = [m for m in doc["measurements"] if m["phase"] == "total"][0]
    assert total["n"] == 2


@pytest.mark.parametrize("sig, code, name", [(signal.SIGTERM, 143, "SIGTERM")])
def test_a_signal_during_a_sweep_keeps_the_journal_and_resume_continues(tmp_path, sig, code, name):
    out = tmp_path / "sw"
    args = [sys.executable, "-m", "mlpbench", "sweep", "--devices", "cpu", "--vary", "n=100,200,300,400",
            "--trial-steps", "10", "--warm-runs", "2", *TINY[:2], "--out", str(out), "--quiet", "--no-report"]
    proc = subprocess.Popen(args, env=cli_env(), cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    journal = out / "sweep.jsonl"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not (journal.exists() and '"point"' in journal.read_text()):
        time.sleep(0.1)
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == code, err
    assert f"stopped by {name}" in err
    doc = load_results(out / "results.json")
    assert doc["interrupted"] == name
    done = sum(1 for line in journal.read_text().splitlines() if '"point"' in line)
    resumed = run_cli(*args[3:], "--resume")
    assert resumed.returncode == 0, resumed.stderr
    assert sum(1 for line in journal.read_text().splitlines() if '"point"' in line) == 4
    assert done >= 1


def test_a_full_disk_mid_run_keeps_the_last_good_results_file(tmp_path):
    out = tmp_path / "out"
    # writes: 1 at the start, 2 after the first trial, 3 after the second: that one fails
    proc = run_cli("bench", "--devices", "cpu", "--runs", "3", "--warm-runs", "0", *TINY, "--out", str(out),
                   "--no-report", env=cli_env(MLPBENCH_INJECT_FAULT="enospc@write:3"))
    assert_usage_error(proc, "No space left on device", "the last complete results file is left as it was")
    doc = load_results(out / "results.json")
    assert len(doc["trials"]) == 1 and doc["trials"][0]["status"] == "ok"
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]  # no half-written temporary file


def test_an_exploding_loss_is_detected_and_never_timed(tmp_path):
    out = tmp_path / "out"
    proc = run_cli("bench", "--devices", "cpu", "--runs", "2", "--warm-runs", "2", "--warmup", "0", "--lr", "1e6",
                   "--steps", "200", "--n", "60", "--out", str(out), "--no-report")
    assert proc.returncode == 1, proc.stderr
    doc = load_results(out / "results.json")
    assert {t["status"] for t in doc["trials"]} == {"diverged"}
    assert doc["warm"][0]["status"] == "diverged"
    assert doc["measurements"] == []  # nothing diverged became a sample
    assert "diverged" in proc.stderr


def test_two_benches_into_one_directory(tmp_path):
    out = tmp_path / "out"
    first = subprocess.Popen([sys.executable, "-m", "mlpbench", "bench", "--devices", "cpu", "--runs", "30",
                              "--warm-runs", "0", *TINY, "--out", str(out), "--quiet", "--no-report"],
                             env=cli_env(), cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        lock = out / ".mlpbench.lock"
        while time.monotonic() < deadline and not (lock.exists() and lock.read_text().strip()):
            time.sleep(0.05)
        second = run_cli("bench", "--devices", "cpu", "--runs", "1", "--warm-runs", "0", *TINY, "--out", str(out))
        assert_usage_error(second, f"another mlpbench (pid {first.pid}) is writing there")
    finally:
        first.send_signal(signal.SIGINT)
        first.communicate(timeout=60)
    assert first.returncode == 130
    load_results(out / "results.json")  # the first one's file is intact


def test_an_out_of_memory_run_is_one_line():
    proc = run_cli("run", "--device", "cpu", *TINY, env=cli_env(MLPBENCH_INJECT_FAULT="oom@cli", MLPBENCH_TRIAL_ID="cli"))
    assert proc.returncode == 1
    assert proc.stderr.strip().splitlines() == ["mlpbench: error: out of memory (simulated by MLPBENCH_INJECT_FAULT); "
                                                "lower --n or --hidden"]
