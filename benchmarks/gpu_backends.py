"""Every GPU backend on the seed workload, warm, interleaved, with the CPU's best in the same run.

For each backend: compile time (its own phase), the median of the 1001-step training loop over
interleaved warm rounds, the time per step, the ratio to GPU eager, and parity with the CPU eager
reference (largest relative difference of the logged losses through step 500). A backend that
fails is reported with its error and the rest go on.

Targets (issue: GPU backends, on an H100/H200): the fastest GPU backend <= 20 µs per step and
>= 15x faster than GPU eager in the same run.

Run on a CUDA machine: ``PYTHONPATH=src python3 benchmarks/gpu_backends.py [--rounds N] [--out DIR]``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
import traceback
from pathlib import Path

import torch

from mlpbench import backends, devices
from mlpbench.config import WorkloadConfig
from mlpbench.workload import evaluate, make_problem

PLAN = [  # (label, device, backend, variant)
    ("eager", "cuda:0", "eager", None),
    ("tuned", "cuda:0", "tuned", None),
    ("cuda-graph", "cuda:0", "cuda-graph", None),
    ("compile", "cuda:0", "compile", None),
    ("fused", "cuda:0", "fused", "graph"),
    ("fused-persistent", "cuda:0", "fused", "persistent"),
    ("jax", "cuda:0", "jax", None),
    ("cpu-fused", "cpu", "fused", None),  # the CPU's best backend (cpu eager is in bench, and slow)
]


def create(backend: str, variant: str | None, problem, device: str):
    if backend == "fused" and device.startswith("cuda"):
        from mlpbench.backends.triton_fused import TritonFusedTrainer

        return TritonFusedTrainer(problem, device, variant=variant)
    return backends.get(backend).create(problem, device)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--out", default=None, help="directory for gpu_backends.json")
    parser.add_argument("--only", default=None, help="comma-separated labels to run")
    args = parser.parse_args()
    if not torch.cuda.is_available():
        print("no CUDA device: nothing to measure", file=sys.stderr)
        return 2
    config = WorkloadConfig()
    cpu_problem = make_problem(config)
    reference = backends.get("eager").create(cpu_problem, "cpu").train()
    plan = [p for p in PLAN if not args.only or p[0] in args.only.split(",")]
    prepared, results = {}, {}
    for label, device, backend, variant in plan:
        entry = results.setdefault(label, {"device": device, "backend": backend, "variant": variant})
        try:
            devices.initialize(device)
            problem = cpu_problem.to(device)
            started = time.perf_counter()
            trainer = create(backend, variant, problem, device)
            if trainer.compiles:
                trainer.compile()
            devices.synchronize(device)
            entry["compile_s"] = time.perf_counter() - started
            losses = {}
            for _ in range(2):  # warm-up, kept apart
                trainer.reset()
                losses = trainer.train()
            entry["loss_500"] = losses[500]
            entry["loss_1000"] = losses[1000]
            entry["parity_max_rel_0_500"] = max(abs(losses[k] - reference[k]) / abs(reference[k]) for k in reference if k <= 500)
            entry["parity_final_rel"] = abs(losses[1000] - reference[1000]) / abs(reference[1000])
            entry["test_loss"] = evaluate(trainer.parameters(), problem.data).test_loss
            entry["facts"] = {k: v for k, v in trainer.describe().items() if isinstance(v, (int, float, str, bool))}
            prepared[label] = (trainer, device)
        except Exception as err:  # noqa: BLE001  report it and go on with the other backends
            entry["error"] = f"{type(err).__name__}: {str(err).splitlines()[0][:300] if str(err) else ''}"
            entry["traceback"] = traceback.format_exc()[-4000:]
            print(f"{label}: FAILED: {entry['error']}", file=sys.stderr, flush=True)
    for _ in range(args.rounds):  # interleaved warm rounds
        for label, (trainer, device) in prepared.items():
            trainer.reset()
            devices.synchronize(device)
            start = time.perf_counter()
            trainer.train()
            devices.synchronize(device)
            results[label].setdefault("samples", []).append(time.perf_counter() - start)
    for entry in results.values():
        if entry.get("samples"):
            entry["median_s"] = statistics.median(entry["samples"])
            entry["per_step_s"] = entry["median_s"] / config.steps
    gpu_eager = results.get("eager", {}).get("median_s")
    gpu_name = torch.cuda.get_device_name(0)
    print(f"seed workload, {config.steps} steps, {args.rounds} interleaved warm rounds; {gpu_name}; torch {torch.__version__}")
    print(f"{'backend':<17} {'device':<7} {'compile':>9} {'median':>10} {'per step':>10} {'vs GPU eager':>13} "
          f"{'parity 0-500':>13} {'final':>8}")
    for label, e in results.items():
        if "median_s" not in e:
            print(f"{label:<17} {e['device']:<7} FAILED {e.get('error', '')[:90]}")
            continue
        ratio = f"{gpu_eager / e['median_s']:.1f}x" if gpu_eager else "–"
        print(f"{label:<17} {e['device']:<7} {e['compile_s']:>8.2f}s {e['median_s'] * 1e3:>8.2f}ms "
              f"{e['per_step_s'] * 1e6:>8.2f}µs {ratio:>13} {e['parity_max_rel_0_500']:>13.1e} {e['parity_final_rel']:>8.1e}")
    gpu = {k: v for k, v in results.items() if v["device"].startswith("cuda") and "median_s" in v}
    verdict = {}
    if gpu:
        fastest = min(gpu, key=lambda k: gpu[k]["median_s"])
        per_step = gpu[fastest]["per_step_s"]
        speedup = gpu_eager / gpu[fastest]["median_s"] if gpu_eager else float("nan")
        verdict = {"fastest": fastest, "per_step_s": per_step, "speedup_vs_gpu_eager": speedup,
                   "target_20us": per_step <= 20e-6, "target_15x": speedup >= 15}
        print(f"fastest GPU backend: {fastest}, {per_step * 1e6:.2f} µs/step (target <= 20 µs: "
              f"{'met' if verdict['target_20us'] else 'NOT met'}), {speedup:.1f}x GPU eager (target >= 15x: "
              f"{'met' if verdict['target_15x'] else 'NOT met'})")
    if args.out:
        out = Path(args.out)
        out.mkdir(parents=True, exist_ok=True)
        (out / "gpu_backends.json").write_text(json.dumps({"gpu": gpu_name, "torch": torch.__version__,
                                                            "rounds": args.rounds, "results": results,
                                                            "verdict": verdict}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
