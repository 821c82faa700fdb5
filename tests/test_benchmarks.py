"""The backend benchmarks' harness: each target in its own process, every timed run's losses checked."""

from __future__ import annotations

import json
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
    assert "device busy 35.8 µs (under the profiler) of each 35.4 µs step (100 %, all of it)" in row
    assert "101" not in row
    half = _harness.table_row({**entry, "device_busy_s": 17.7e-6}, 1.64)
    assert "(50 %)" in half and "all of it" not in half
    nearly = _harness.table_row({**entry, "device_busy_s": 35.3e-6}, 1.64)  # not "100 %" without "all of it"
    assert "(99.7 %)" in nearly


def test_the_fused_variants_are_each_checked_against_cpu_eager_and_their_own_replays():
    """fused_variants.py's measuring, with stand-in trainers on the CPU (the script itself needs a GPU): a variant
    that trains as eager does passes, one whose losses drift is counted outside the tolerance and as replays
    differing in every round, and one that fails is reported while the rest go on. Before, every variant was
    compared with the default's first run at 1e-4, and the H200 counted every run of the grid variant outside."""
    import fused_variants

    from mlpbench.workload import backends
    from mlpbench.workload.config import WorkloadConfig

    calls = {"n": 0}

    def make(problem, variant, bm, warps, device):
        if variant == "broken":
            raise RuntimeError("no kernel for this")
        trainer = backends.get("eager").create(problem, device)
        trainer.programs = bm
        if variant == "stopping":  # builds and runs twice (its first run and round 1), then fails as a barrier would
            runs, train = {"n": 0}, trainer.train

            def stopping(**kwargs):
                runs["n"] += 1
                if runs["n"] > 2:
                    raise RuntimeError("a barrier gave up")
                return train(**kwargs)
            trainer.train = stopping
        if variant == "drifting":
            train = trainer.train

            def drifting(**kwargs):
                calls["n"] += 1
                return {step: loss * (1 + 0.01 * calls["n"]) for step, loss in train(**kwargs).items()}
            trainer.train = drifting
        return trainer

    config = WorkloadConfig(steps=20, log_every=5)
    saved = []
    rows = fused_variants.measure(config, [("same", 4, 1), ("drifting", 8, 1), ("broken", 16, 1), ("stopping", 2, 1)],
                                  rounds=3, device="cpu", make=make, on_round=lambda r: saved.append(json.dumps(r)))
    assert len(saved) == 4  # after the builds and after every round: a time limit keeps what finished
    stopping = rows["stopping BM=2 warps=1"]
    assert len(stopping["samples"]) == 1 and stopping["error"] == "RuntimeError: a barrier gave up"
    same, drifting, broken = rows["same BM=4 warps=1"], rows["drifting BM=8 warps=1"], rows["broken BM=16 warps=1"]
    assert len(same["samples"]) == 3 and same["outside"] == 0 and same["replays_differing"] == 0
    assert same["parity_early_max"] == 0.0 and same["programs"] == 4 and same["per_step_s"] > 0
    assert drifting["outside"] == 3 and drifting["replays_differing"] == 3 and drifting["parity_early_max"] > 0.01
    assert broken == {"error": "RuntimeError: no kernel for this"}


def test_a_benchmarks_figures_are_saved_whole_into_a_new_folder(tmp_path):
    """The benchmarks save through mlpbench's atomic write: the folder made, the file whole, no temporary left."""
    _harness.save_json(tmp_path / "new" / "deeper", "figures.json", {"eager": {"median_s": 1.5}})
    folder = tmp_path / "new" / "deeper"
    assert json.loads((folder / "figures.json").read_text()) == {"eager": {"median_s": 1.5}}
    assert [p.name for p in folder.iterdir()] == ["figures.json"]
