"""Every CPU backend on the seed workload, each in its own process: how fast can the CPU go?

Prints each backend's one-off cost (set-up and compile), the median of the 1001-step training loop
over warm rounds, its time per step, the whole run in one process, its ratio to ``eager``, and the
largest difference of any timed run's losses from the CPU eager reference (every timed run is
checked), then the compute floor: the workload's FLOPs over this machine's 4096³ SGEMM rate.
Target (issue: CPU backends): the fastest backend >= 5x faster than eager and faster than jax.

Run: ``.venv/bin/python benchmarks/cpu_backends.py [--rounds N] [--only eager,fused]``.
"""

from __future__ import annotations

import sys
import time

import _harness

PLAN = [("eager", "cpu", "eager", None), ("tuned", "cpu", "tuned", None), ("compile", "cpu", "compile", None),
        ("fused", "cpu", "fused", None), ("jax", "cpu", "jax", None)]


def sgemm_rate(threads: int, size: int = 4096) -> float:
    import torch

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
    args = _harness.parse(__doc__.splitlines()[0], default_rounds=10)
    plan = [p for p in PLAN if not args.only or p[0] in args.only.split(",")]
    results = _harness.run_all(plan, args.rounds)
    import torch

    threads = torch.get_num_threads()
    flops = 13.72e6 * 1001
    one, every = sgemm_rate(1), sgemm_rate(threads)
    print(f"seed workload, 1001 steps, {flops / 1e9:.2f} GFLOP; {args.rounds} warm rounds per backend, each backend in "
          f"its own process; torch {torch.__version__}, {threads} CPU threads")
    print(f"4096³ SGEMM: {one / 1e9:.0f} GFLOP/s on 1 core (floor {flops / one * 1e3:.0f} ms), {every / 1e9:.0f} GFLOP/s on "
          f"{threads} (floor {flops / every * 1e3:.0f} ms)")
    _harness.print_table(results, "eager")
    timed = {k: v for k, v in results.items() if "median_s" in v}
    if "eager" in timed and timed:
        fastest = min(timed, key=lambda k: timed[k]["median_s"])
        speedup = timed["eager"]["median_s"] / timed[fastest]["median_s"]
        line = f"fastest: {fastest}, {speedup:.2f}x eager (target >= 5x: {'met' if speedup >= 5 else 'NOT met'})"
        if "jax" in timed and fastest != "jax":
            line += f"; {timed['jax']['median_s'] / timed[fastest]['median_s']:.2f}x faster than jax"
        line += f"; at {100 * flops / every / timed[fastest]['median_s']:.0f} % of the all-core SGEMM floor"
        print(line)
    if args.out:
        _harness.save_json(args.out, "cpu_backends.json", results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
