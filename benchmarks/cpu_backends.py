"""Every CPU backend on the seed workload, in one process, warm, interleaved: how fast can the CPU go?

Prints each backend's median time for the 1001-step training loop, its ratio to ``eager``, and its
share of the compute floor: the workload's FLOPs over this machine's measured 4096³ SGEMM rate
(one core, and all cores). Target (issue: CPU backends): the fastest backend >= 5x faster than
eager and faster than jax in the same run.

Run: ``.venv/bin/python benchmarks/cpu_backends.py [--rounds N] [--backends a,b]``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time

import torch

from mlpbench import backends
from mlpbench.config import WorkloadConfig
from mlpbench.workload import make_problem


def sgemm_rate(threads: int, size: int = 4096) -> float:
    torch.set_num_threads(threads)
    a, b = torch.randn(size, size), torch.randn(size, size)
    a @ b
    times = []
    for _ in range(3):
        start = time.perf_counter()
        a @ b
        times.append(time.perf_counter() - start)
    return 2 * size**3 / min(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--backends", default="eager,tuned,compile,fused,jax")
    args = parser.parse_args()
    default_threads = torch.get_num_threads()
    config = WorkloadConfig()
    problem = make_problem(config)
    flops = config.train_flops()

    trainers, compile_s, skipped = {}, {}, {}
    for name in args.backends.split(","):
        torch.set_num_threads(default_threads)
        reason = backends.get(name).unavailable_reason("cpu", config)
        if reason:
            skipped[name] = reason
            continue
        trainer = backends.get(name).create(problem, "cpu")
        start = time.perf_counter()
        trainer.compile()
        compile_s[name] = time.perf_counter() - start
        trainers[name] = (trainer, torch.get_num_threads())  # tuned chooses its own thread count
        for _ in range(2):  # warm-up, kept apart
            trainer.reset()
            trainer.train()

    samples: dict[str, list[float]] = {name: [] for name in trainers}
    losses: dict[str, dict[int, float]] = {}
    for _ in range(args.rounds):  # interleaved: eager, tuned, ..., eager, tuned, ...
        for name, (trainer, threads) in trainers.items():
            torch.set_num_threads(threads)
            trainer.reset()
            start = time.perf_counter()
            losses[name] = trainer.train()
            samples[name].append(time.perf_counter() - start)

    one_core, all_cores = sgemm_rate(1), sgemm_rate(default_threads)
    floor_1, floor_n = flops / one_core, flops / all_cores
    eager = statistics.median(samples["eager"]) if "eager" in samples else float("nan")
    print(f"seed workload, 1001 steps, {flops / 1e9:.2f} GFLOP; {args.rounds} interleaved warm rounds; "
          f"torch {torch.__version__}, {default_threads} CPU threads available")
    print(f"4096³ SGEMM: {one_core / 1e9:.0f} GFLOP/s on 1 core (floor {floor_1 * 1e3:.0f} ms), "
          f"{all_cores / 1e9:.0f} GFLOP/s on {default_threads} (floor {floor_n * 1e3:.0f} ms)")
    print(f"{'backend':<9} {'threads':>7} {'median':>10} {'IQR':>8} {'vs eager':>9} {'floor/time (1 core)':>20} "
          f"{'(all cores)':>12} {'compile':>9}  loss@500  loss@1000")
    for name, values in samples.items():
        median = statistics.median(values)
        q = statistics.quantiles(values, n=4)
        threads = trainers[name][0].describe().get("threads", trainers[name][1])
        print(f"{name:<9} {threads:>7} {median * 1e3:>8.1f}ms {(q[2] - q[0]) * 1e3:>6.1f}ms {eager / median:>8.2f}x "
              f"{100 * floor_1 / median:>19.0f}% {100 * floor_n / median:>11.0f}% {compile_s[name]:>8.2f}s  "
              f"{losses[name][500]:.4f}    {losses[name][1000]:.4f}")
    for name, reason in skipped.items():
        print(f"{name:<9} skipped: {reason}")
    fastest = min(samples, key=lambda n: statistics.median(samples[n]))
    best = statistics.median(samples[fastest])
    verdict = [f"fastest: {fastest}, {eager / best:.2f}x eager (target >= 5x: {'met' if eager / best >= 5 else 'NOT met'})"]
    if "jax" in samples and fastest != "jax":
        verdict.append(f"{statistics.median(samples['jax']) / best:.2f}x faster than jax")
    print("; ".join(verdict))
    return 0


if __name__ == "__main__":
    sys.exit(main())
