"""The backend benchmarks' harness: each target in its own process, every timed run's losses checked."""

from __future__ import annotations

import os
import sys

from conftest import ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))
import _harness  # noqa: E402


def test_each_target_runs_in_its_own_process_and_every_timed_run_is_checked():
    results = _harness.run_all([("eager", "cpu", "eager", None), ("fused", "cpu", "fused", None)], rounds=2)
    eager, fused = results["eager"], results["fused"]
    assert len({eager["pid"], fused["pid"], os.getpid()}) == 3
    for entry in (eager, fused):
        assert len(entry["samples"]) == 2 and entry["runs_outside_tolerance"] == 0 and entry["parity_early_max"] < 1e-3
        assert entry["end_to_end_s"] == entry["one_off_s"] + entry["median_s"] and entry["per_step_s"] > 0
    assert fused["one_off_s"] > 0  # the C build (or its cache) and the thread probe, timed apart from training
