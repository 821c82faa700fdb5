"""Data-parallel runs on torch.distributed: parity with one process, scaling, a killed rank."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest

from conftest import assert_usage_error, cli_env, run_cli
from mlpbench.distributed import describe_failure, shard
from mlpbench.results import load_results

REFERENCE_LOSSES = {0: 116.9025, 100: 5.9574, 200: 4.2802, 300: 3.1939, 400: 2.3619, 500: 1.6937}


def test_shards_cover_every_row_once():
    for rows, world in ((400, 2), (401, 3), (7, 4), (5, 5)):
        pieces = [shard(100, rows, r, world) for r in range(world)]
        assert pieces[0][0] == 100 and pieces[-1][1] == 100 + rows
        assert all(a[1] == b[0] for a, b in zip(pieces, pieces[1:]))
        assert max(e - b for b, e in pieces) - min(e - b for b, e in pieces) <= 1


def test_torchrun_failure_summary_names_the_rank():
    summary = """torch.distributed.elastic.multiprocessing.errors.ChildFailedError:
============================================================
mlpbench.distributed FAILED
------------------------------------------------------------
Failures:
[1]:
  rank      : 0 (local_rank: 0)
  exitcode  : -15 (pid: 4241)  (SIGTERM)
------------------------------------------------------------
Root Cause (first observed failure):
[0]:
  time      : 2026-11-26_21:40:01
  host      : box
  rank      : 1 (local_rank: 1)
  exitcode  : -9 (pid: 4242)
  error_file: <N/A>
"""
    assert describe_failure(summary) == "rank 1 failed (signal SIGKILL); torchrun stopped the other ranks"
    assert describe_failure("Traceback: something else") is None


def _processes_with(token: str) -> list[int]:
    found = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            if token.encode() in Path(f"/proc/{pid}/environ").read_bytes():
                found.append(int(pid))
        except OSError:
            continue
    return found


def test_two_gloo_ranks_match_one_process_and_record_scaling(tmp_path):
    out = tmp_path / "ddp"
    proc = run_cli("bench", "--devices", "cpu", "--nproc", "2", "--runs", "1", "--warm-runs", "2", "--warmup", "0",
                   "--out", str(out), "--no-report", timeout=300)
    assert proc.returncode == 0, proc.stderr
    doc = load_results(out / "results.json")
    runs = doc["runs"]
    assert set(runs) == {"cpu/ddp1", "cpu/ddp2"}
    assert runs["cpu/ddp2"]["world_size"] == 2 and runs["cpu/ddp2"]["process_group_backend"] == "gloo"
    for key in ("cpu/ddp1", "cpu/ddp2"):
        losses = {int(k): v for k, v in runs[key]["train_loss"].items()}
        for step, ref in REFERENCE_LOSSES.items():
            assert losses[step] == pytest.approx(ref, rel=1e-3), (key, step)
    assert runs["cpu/ddp2"]["log"][0].startswith("Using device: cpu (rank 0 of 2")
    assert "process_group" in runs["cpu/ddp2"]["phases"] and set(runs["cpu/ddp2"]["per_rank_phases"]) == {"0", "1"}
    scaling = {r["nproc"]: r for r in doc["scaling"]}
    assert scaling[1]["speedup"] == pytest.approx(1.0) and scaling[1]["efficiency"] == pytest.approx(1.0)
    assert scaling[2]["efficiency"] == pytest.approx(scaling[2]["speedup"] / 2)
    assert 0.0 <= scaling[2]["allreduce_share"] <= 1.0


def test_a_killed_rank_ends_the_job_with_its_name_and_leaves_no_orphans(tmp_path):
    token = f"mlpbench-test-{uuid.uuid4()}"
    env = cli_env(MLPBENCH_INJECT_FAULT="sigkill@rank:1", MLPBENCH_TEST_TOKEN=token)
    proc = run_cli("bench", "--devices", "cpu", "--nproc", "2", "--runs", "1", "--warm-runs", "0",
                   "--trial-timeout", "120", "--out", str(tmp_path / "out"), "--no-report", env=env, timeout=300)
    assert proc.returncode == 1, proc.stderr
    assert "cpu/ddp2: rank 1 failed (signal SIGKILL); torchrun stopped the other ranks" in proc.stderr
    doc = load_results(tmp_path / "out" / "results.json")
    statuses = {t["backend"]: t["status"] for t in doc["trials"]}
    assert statuses == {"ddp1": "ok", "ddp2": "failed"}
    assert _processes_with(token) == []


def test_nproc_bad_input():
    assert_usage_error(run_cli("bench", "--nproc", "0"), "--nproc must be at least 1")
    assert_usage_error(run_cli("bench", "--nproc", "2", "--backends", "fused"), "does not take --backends")
    assert_usage_error(run_cli("bench", "--nproc", "2", "--nnodes", "2"), "--nnodes and --rdzv-endpoint go together")
