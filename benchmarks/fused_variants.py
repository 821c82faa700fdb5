"""The Triton fused backend's variants and tuning knobs on the seed workload, side by side in one process.

Variants (``graph``: 2 kernels a step in one CUDA graph; ``grid``: one launch for the whole run, two
grid-wide barriers a step), rows per block and warps per program. Every variant is built and
captured first, then timed in interleaved warm rounds (host clock around a device synchronise). Each
timed run's losses are checked twice: against the CPU's eager loop with mlpbench's own tolerance (as
every backend's are), and against the variant's own first run, which a replay must repeat exactly
(every variant sums in a fixed order). Against each other the variants agree only within the parity
tolerance: rows per block and warps change the order in which partial gradients are summed, and over
1000 Adam steps the orders drift apart (``graph`` and ``grid`` on an H200: up to 1.1e-3 relative over the
logged steps, 8.6e-4 at step 1000). Prints the median time per step of each, the default first, and with ``--out DIR``
writes every figure to DIR/fused_variants.json.

16 warps are in the list for the register spills that Triton's own ``ptxas`` reports when it compiles
these kernels for sm_90 (Triton 3.9 on the development machine, no GPU needed): at 8 warps ``_grads``
spills 420 bytes a thread and ``_grid`` 584, at 16 warps 296 and 224. On an H200 16 warps were slower all the
same (graph 27.4 against 23.4 µs a step, grid 25.0 against 20.6; results/gpu/2026-11-28-h200-11a96d9/).

Run on a CUDA machine: ``PYTHONPATH=src python3 benchmarks/fused_variants.py [--rounds N] [--out DIR]``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

import _harness
import torch

from mlpbench.measure.devices import synchronize
from mlpbench.measure.job import JobSpec, run_job
from mlpbench.results.checks import compare_losses
from mlpbench.results.model import Target
from mlpbench.workload.backends.triton_fused import TritonFusedTrainer
from mlpbench.workload.config import WorkloadConfig
from mlpbench.workload.problem import evaluate, load_workload, make_problem

# (variant, rows per block, warps): the default first
VARIANTS = [("graph", 16, 8), ("grid", 16, 8), ("grid", 16, 16), ("graph", 16, 16), ("grid", 32, 16)]


def build(problem, variant: str, bm: int, warps: int, device: str = "cuda:0") -> TritonFusedTrainer:
    os.environ["MLPBENCH_FUSED_BM"], os.environ["MLPBENCH_FUSED_WARPS"] = str(bm), str(warps)
    trainer = TritonFusedTrainer(problem, device, variant=variant)
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
    meta = {"gpu": torch.cuda.get_device_name(0), "torch": torch.__version__, "rounds": args.rounds}

    def save(rows: dict) -> None:  # after every round: a time limit keeps what finished
        if args.out:
            _harness.save_json(args.out, "fused_variants.json", {**meta, "variants": rows})

    measure(WorkloadConfig(), VARIANTS, args.rounds, on_round=save)
    return 0


def measure(config: WorkloadConfig, variants, rounds: int, device: str = "cuda:0", make=build,
            on_round=lambda rows: None) -> dict:
    """Every variant built (``make``), then timed in interleaved rounds, each run's losses checked; a row per
    variant, printed as it is known and given to ``on_round`` after every round. A variant that fails to build,
    or in a round (a grid barrier that gives up raises), is reported with what it finished; the rest go on."""
    reference = run_job(JobSpec(target=Target("cpu", "eager"), config=config))  # the CPU's eager loop
    problem = make_problem(load_workload(config), config).to(device)
    trainers, rows, firsts = {}, {}, {}
    for variant, bm, warps in variants:
        key = f"{variant} BM={bm} warps={warps}"
        started = time.perf_counter()
        try:
            trainer = make(problem, variant, bm, warps, device)
            trainer.reset()
            losses = trainer.train()
        except Exception as err:  # noqa: BLE001  a variant that cannot compile or run is reported, the rest go on
            rows[key] = {"error": f"{type(err).__name__}: {str(err)[:200]}"}
            print(f"{key}: FAILED {rows[key]['error']}", flush=True)
            continue
        trainers[key], firsts[key] = trainer, losses
        rows[key] = {"variant": variant, "rows_per_block": bm, "warps": warps, "programs": trainer.programs,
                     "one_off_s": time.perf_counter() - started, "samples": [], "parity_early_max": 0.0,
                     "outside": 0, "replays_differing": 0}
        print(f"{key}: programs {trainer.programs}, one-off {rows[key]['one_off_s']:.2f} s, loss@{max(losses)} "
              f"{losses[max(losses)]:.6f}", flush=True)
    on_round(rows)
    for _ in range(rounds):
        for key, trainer in list(trainers.items()):
            row = rows[key]
            try:
                trainer.reset()
                synchronize(device)
                start = time.perf_counter()
                losses = trainer.train()
                synchronize(device)
                elapsed = time.perf_counter() - start
                test = evaluate(trainer.eval_model(), problem).test_loss
            except Exception as err:  # noqa: BLE001  its finished rounds stand; it runs no more
                row["error"] = f"{type(err).__name__}: {str(err)[:200]}"
                print(f"{key}: FAILED in round {len(row['samples']) + 1}: {row['error']}", flush=True)
                del trainers[key]
                continue
            row["samples"].append(elapsed)
            check = compare_losses(Target(device, "fused"), ("sample", len(row["samples"]), ""), losses, test,
                                   reference, config.precision)
            if check is not None:
                row["parity_early_max"] = max(row["parity_early_max"], check.worst_early)
            row["outside"] += check is None or not check.passed  # no logged step in common: nothing shown equal
            row["replays_differing"] += losses != firsts[key]
            row["per_step_s"] = statistics.median(row["samples"]) / config.steps
        on_round(rows)
    for key, row in rows.items():
        if not row.get("samples"):
            continue
        print(f"{key:<26} programs {row['programs']:>3}: {row['per_step_s'] * 1e6:7.2f} µs/step (min "
              f"{min(row['samples']) / config.steps * 1e6:.2f}); losses vs CPU eager: worst {row['parity_early_max']:.1e} "
              f"over steps 0-{config.steps // 2}, {row['outside']} of {len(row['samples'])} runs outside the tolerance; "
              f"{row['replays_differing']} replays differing from its first run"
              + (f"; then FAILED: {row['error']}" if "error" in row else ""), flush=True)
    return rows


if __name__ == "__main__":
    sys.exit(main())
