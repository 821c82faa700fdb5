"""Data-parallel runs on torch.distributed: parity with one process, scaling, a killed rank."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest

from conftest import assert_usage_error_in_process, cli_env, run_cli
from mlpbench.measure.distributed import describe_failure
from mlpbench.results.analysis import Analysis
from mlpbench.results.files import load_results
from mlpbench.results.model import Target
from mlpbench.workload.backends.ddp import shard

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
    proc = run_cli("bench", "--devices", "cpu", "--nproc", "2", "--runs", "0", "--warm-runs", "2", "--warmup", "0",
                   "--warm-time", "1", "--steps", "501", "--out", str(out), "--no-report", timeout=600)
    assert proc.returncode == 0, proc.stderr
    results = load_results(out / "results.json")
    one, two = Target("cpu", "eager", ranks=1), Target("cpu", "eager", ranks=2)
    a = Analysis(results)
    assert a.targets == [one, two]
    for target in (one, two):
        run = results.first_run(target)
        for step, ref in REFERENCE_LOSSES.items():
            assert run.losses[step] == pytest.approx(ref, rel=1e-3), (target, step)
    run = results.first_run(two)
    assert run.facts["world_size"] == 2 and run.facts["process_group_backend"] == "gloo"
    assert run.log[0].startswith("Using device: cpu (rank 0 of 2")
    assert "process_group" in run.phases and set(run.per_rank_phases) == {"0", "1"}
    # every measured run was checked against a single process's eager loop, warm samples included
    checks = [c for cs in a.checks.values() for c in cs if c.target == two]
    warm = results.warm[1].record.warm
    assert len(warm.sample_losses) == len(warm.measurement.samples) >= 2  # each warm run's own losses
    assert warm.sample_losses[0][500] == pytest.approx(1.6937, rel=1e-3)
    assert len(checks) == 1 + len(warm.sample_losses) and all(c.passed for c in checks)
    scaling = {r.ranks: r for r in a.scaling()}
    assert scaling[1].speedup == pytest.approx(1.0) and scaling[1].efficiency == pytest.approx(1.0)
    assert scaling[2].mode == "warm"
    assert scaling[2].efficiency == pytest.approx(scaling[2].speedup / 2)
    assert 0.0 <= scaling[2].allreduce_share <= 1.0
    from mlpbench.output.i18n import Texts
    from mlpbench.output.report.conclusions import scaling as scaling_sentences

    text = " ".join(scaling_sentences(a, Texts("en")))
    from mlpbench.output.units import format_percent  # "< 1 %" where the share rounds to 0 (a quiet machine)

    assert f"the all-reduce takes {format_percent(scaling[2].allreduce_share)} of a step" in text


def test_a_killed_rank_ends_the_job_with_its_name_and_leaves_no_orphans(tmp_path):
    token = f"mlpbench-test-{uuid.uuid4()}"
    env = cli_env(MLPBENCH_INJECT_FAULT="sigkill@rank:1", MLPBENCH_TEST_TOKEN=token)
    proc = run_cli("bench", "--devices", "cpu", "--nproc", "2", "--runs", "1", "--warm-runs", "0",
                   "--trial-timeout", "120", "--steps", "101", "--out", str(tmp_path / "out"), "--no-report", env=env, timeout=300)
    assert proc.returncode == 1, proc.stderr
    assert "cpu/eager×2: rank 1 failed (signal SIGKILL); torchrun stopped the other ranks" in proc.stderr
    results = load_results(tmp_path / "out" / "results.json")
    assert {t.target.ranks: t.status for t in results.cold} == {1: "ok", 2: "failed"}
    assert _processes_with(token) == []


def test_nproc_bad_input(tmp_path, capsys):
    """Found before any rank starts: one line, exit 2 (checked in this process)."""
    for args, fragment in (
            (["bench", "--nproc", "0"], "--nproc must be at least 1"),
            (["bench", "--nproc", "2", "--backends", "fused"], "does not take --backends"),
            (["sweep", "--vary", "nproc=1,2", "--backends", "fused"], "does not take --backends"),
            (["bench", "--nproc", "2", "--nnodes", "2"], "--nnodes and --rdzv-endpoint go together"),
            (["bench", "--nproc", "2", "--nnodes", "2", "--rdzv-endpoint", "node0:port"],
             "--rdzv-endpoint 'node0:port': expected HOST or HOST:PORT"),
            (["bench", "--nproc", "2", "--nnodes", "2", "--rdzv-endpoint", "fd00::1"],
             "(an IPv6 address in brackets: [fd00::1]:29500)"),
            # a rank with no rows averaged an empty loss: the run "diverged", and the report blamed the backend
            (["bench", "--devices", "cpu", "--nproc", "2", "--batch-size", "1"],
             "2 data-parallel ranks split each batch of 1 row, leaving some with none; give each batch at least 2 "
             "rows (--batch-size) or use fewer ranks"),
            (["sweep", "--devices", "cpu", "--vary", "nproc=1,4", "--batch-size", "3"],
             "--vary point nproc=4: 4 data-parallel ranks split each batch of 3 rows")):
        assert_usage_error_in_process(capsys, *args, "--out", str(tmp_path / "o"), fragments=(fragment,))
    # BatchNorm refuses one row: the workload was tried on two, but a rank's share of a batch of 3 is one
    batch_norm = tmp_path / "bn.py"
    batch_norm.write_text("import torch\nfrom torch import nn\n\n\ndef build_model():\n"
                          "    return nn.Sequential(nn.Linear(10, 16), nn.BatchNorm1d(16), nn.ReLU(), nn.Linear(16, 1))\n"
                          "\n\ndef make_data(n, seed):\n    x = torch.randn(n, 10)\n    return x, x.sum(1, keepdim=True)\n")
    assert_usage_error_in_process(
        capsys, "bench", "--workload", str(batch_norm), "--devices", "cpu", "--nproc", "2", "--batch-size", "3",
        "--out", str(tmp_path / "o"), fragments=("the model on the first row of the data, one of 2 data-parallel "
                                                 "ranks' share of a batch of 3", "Expected more than 1 value per channel"))
