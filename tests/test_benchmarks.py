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


def test_a_row_never_shows_a_device_busier_than_its_step():
    """jax on an H200: 35.8 µs of kernels under the profiler against a 35.4 µs step timed without it."""
    entry = {"device": "cuda:0", "one_off_s": 6.23, "median_s": 35.4e-3, "per_step_s": 35.4e-6, "event_samples": [],
             "end_to_end_s": 6.26, "parity_early_max": 2.1e-5, "runs_outside_tolerance": 0, "device_busy_s": 35.8e-6,
             "kernels_per_step": 23.9, "host_ops": [("cudaDeviceSynchronize", 1, 2e-6)], "label": "jax"}
    row = _harness.table_row(entry, 1.64)
    assert "device busy 35.8 µs (under the profiler) of each 35.4 µs step (100%, all of it)" in row
    assert "101" not in row
    half = _harness.table_row({**entry, "device_busy_s": 17.7e-6}, 1.64)
    assert "(50%)" in half and "all of it" not in half
