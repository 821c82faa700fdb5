"""The Triton fused backend's tuning knobs on the seed workload: rows per block and warps.

Run on a CUDA machine: ``PYTHONPATH=src python3 benchmarks/fused_variants.py``. Prints the median
time per step of each variant over interleaved warm rounds (the default is the first line).
"""

from __future__ import annotations

import os
import statistics
import time

import torch

from mlpbench.workload.backends.triton_fused import TritonFusedTrainer
from mlpbench.workload.config import WorkloadConfig
from mlpbench.workload.problem import load_workload, make_problem

VARIANTS = [(16, 8), (16, 4), (32, 8), (32, 4), (64, 8), (16, 2)]


def main() -> None:
    config = WorkloadConfig()
    problem = make_problem(load_workload(config), config).to("cuda:0")
    trainers = {}
    for bm, warps in VARIANTS:
        os.environ["MLPBENCH_FUSED_BM"], os.environ["MLPBENCH_FUSED_WARPS"] = str(bm), str(warps)
        try:
            t = TritonFusedTrainer(problem, "cuda:0")
            t.compile()
            t.reset()
            losses = t.train()
            trainers[(bm, warps)] = t
            print(f"BM={bm} warps={warps}: programs {t.programs}, loss@1000 {losses[1000]:.4f}", flush=True)
        except Exception as err:  # noqa: BLE001
            print(f"BM={bm} warps={warps}: FAILED {type(err).__name__}: {str(err)[:200]}", flush=True)
    samples = {k: [] for k in trainers}
    for _ in range(9):
        for k, t in trainers.items():
            t.reset()
            torch.cuda.synchronize()
            start = time.perf_counter()
            t.train()
            torch.cuda.synchronize()
            samples[k].append(time.perf_counter() - start)
    for (bm, warps), values in samples.items():
        print(f"BM={bm:<3} warps={warps}: {statistics.median(values) / config.steps * 1e6:7.2f} µs/step "
              f"(min {min(values) / config.steps * 1e6:.2f})")


if __name__ == "__main__":
    main()
