"""The Triton fused backend's variants and tuning knobs on the seed workload, side by side in one process.

Variants (``graph``: 2 kernels a step in one CUDA graph; ``grid``: one launch for the whole run, two
grid-wide barriers a step), rows per block and warps per program. Every variant is built and
captured first, then timed in interleaved warm rounds (host clock around a device synchronise); each
timed run's losses are compared with the default variant's first run (the same arithmetic, so they
agree to float rounding; a run further than 1e-4 relative is counted as outside). Prints the median
time per step of each, the default first, and with ``--out DIR`` writes every figure to
DIR/fused_variants.json.

16 warps are in the list for the register spills that Triton's own ``ptxas`` reports when it compiles
these kernels for sm_90 (Triton 3.9 on the development machine, no GPU needed): at 8 warps ``_grads``
spills 420 bytes a thread and ``_grid`` 584, at 16 warps 296 and 224. Whether that makes them faster
only a GPU can say.

Run on a CUDA machine: ``PYTHONPATH=src python3 benchmarks/fused_variants.py [--rounds N] [--out DIR]``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

import torch

from mlpbench.workload.backends.triton_fused import TritonFusedTrainer
from mlpbench.workload.config import WorkloadConfig
from mlpbench.workload.problem import load_workload, make_problem

# (variant, rows per block, warps): the default first
VARIANTS = [("graph", 16, 8), ("grid", 16, 8), ("grid", 16, 16), ("graph", 16, 16), ("grid", 32, 16)]
TOLERANCE = 1e-4


def build(problem, variant: str, bm: int, warps: int) -> TritonFusedTrainer:
    os.environ["MLPBENCH_FUSED_BM"], os.environ["MLPBENCH_FUSED_WARPS"] = str(bm), str(warps)
    trainer = TritonFusedTrainer(problem, "cuda:0", variant=variant)
    trainer.compile()
    return trainer


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--out", default=None)
    args = parser.parse_args()
    if not torch.cuda.is_available():
        print("no CUDA device: nothing to measure", file=sys.stderr)
        return 2
    config = WorkloadConfig()
    problem = make_problem(load_workload(config), config).to("cuda:0")
    trainers, rows, reference = {}, {}, None
    for variant, bm, warps in VARIANTS:
        key = f"{variant} BM={bm} warps={warps}"
        started = time.perf_counter()
        try:
            trainer = build(problem, variant, bm, warps)
            trainer.reset()
            losses = trainer.train()
        except Exception as err:  # noqa: BLE001  a variant that cannot compile or run is reported, the rest go on
            rows[key] = {"error": f"{type(err).__name__}: {str(err)[:200]}"}
            print(f"{key}: FAILED {rows[key]['error']}", flush=True)
            continue
        reference = reference or losses
        trainers[key] = trainer
        rows[key] = {"variant": variant, "rows_per_block": bm, "warps": warps, "programs": trainer.programs,
                     "one_off_s": time.perf_counter() - started, "samples": [], "worst_rel": 0.0, "outside": 0}
        print(f"{key}: programs {trainer.programs}, one-off {rows[key]['one_off_s']:.2f} s, loss@1000 "
              f"{losses[1000]:.6f}", flush=True)
    for _ in range(args.rounds):
        for key, trainer in trainers.items():
            trainer.reset()
            torch.cuda.synchronize()
            start = time.perf_counter()
            losses = trainer.train()
            torch.cuda.synchronize()
            row = rows[key]
            row["samples"].append(time.perf_counter() - start)
            worst = max(abs(losses[k] - reference[k]) / abs(reference[k]) for k in reference)
            row["worst_rel"] = max(row["worst_rel"], worst)
            row["outside"] += worst > TOLERANCE
    for key, row in rows.items():
        if "error" in row:
            continue
        row["per_step_s"] = statistics.median(row["samples"]) / config.steps
        print(f"{key:<26} programs {row['programs']:>3}: {row['per_step_s'] * 1e6:7.2f} µs/step (min "
              f"{min(row['samples']) / config.steps * 1e6:.2f}), losses vs the default within {row['worst_rel']:.1e}, "
              f"{row['outside']} of {len(row['samples'])} runs outside {TOLERANCE:g}", flush=True)
    if args.out:
        out = Path(args.out)
        out.mkdir(parents=True, exist_ok=True)
        (out / "fused_variants.json").write_text(json.dumps({"gpu": torch.cuda.get_device_name(0), "torch": torch.__version__,
                                                              "rounds": args.rounds, "variants": rows}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
