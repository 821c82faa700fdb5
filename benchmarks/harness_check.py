"""Check mlpbench's harness against independent instruments and print the ratios.

1. Warm: mlpbench's warm per-step median (the whole 1001-step loop / 1001) against
   torch.utils.benchmark.Timer.blocked_autorange timing one training step of the same model.
2. Cold: mlpbench bench's outside view of a fresh process ("wall") against hyperfine running the
   same command (Debian package ``hyperfine``; skipped with a note when it is missing).

Both must agree within 5 %. Run: ``.venv/bin/python benchmarks/harness_check.py`` (CPU, 1 thread).
"""

from __future__ import annotations

import json
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

TOLERANCE = 0.05


def warm_check(threads: int) -> tuple[float, float]:
    import torch
    import torch.utils.benchmark as tb

    from mlpbench.measure.job import JobSpec, WarmPlan, run_job
    from mlpbench.results.model import Target
    from mlpbench.workload.backends.eager import EagerTrainer
    from mlpbench.workload.config import WorkloadConfig
    from mlpbench.workload.problem import load_workload, make_problem

    config = WorkloadConfig()
    torch.set_num_threads(threads)
    ours = run_job(JobSpec(target=Target("cpu", "eager"), config=config, threads=threads,
                           warm=WarmPlan(warmup=2, min_runs=10, max_runs=30, max_time=20)))
    per_step_ours = ours.warm.measurement.median / config.steps

    trainer = EagerTrainer(make_problem(load_workload(config), config), "cpu")
    x, y = trainer.problem.data.x_train, trainer.problem.data.y_train

    def step() -> None:
        loss = trainer.loss_fn(trainer.model(x), y)
        trainer.optimizer.zero_grad()
        loss.backward()
        trainer.optimizer.step()

    for _ in range(50):  # warm up like mlpbench does
        step()
    timer = tb.Timer(stmt="step()", globals={"step": step}, num_threads=threads)
    measurement = timer.blocked_autorange(min_run_time=5.0)
    return per_step_ours, measurement.median


def cold_check(runs: int) -> tuple[float, float, float] | None:
    if shutil.which("hyperfine") is None:
        return None
    command = [sys.executable, "-m", "mlpbench", "run", "--device", "cpu", "--quiet", "--no-env", "--threads", "1"]
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out"
        subprocess.run([sys.executable, "-m", "mlpbench", "bench", "--devices", "cpu", "--runs", str(runs),
                        "--warm-runs", "0", "--threads", "1", "--out", str(out), "--quiet", "--no-report"], check=True)
        doc = json.loads((out / "results.json").read_text())
        walls = [t["wall"] for t in doc["cold"] if t["status"] == "ok"]
        totals = [t["record"]["phases"]["total"] for t in doc["cold"] if t["status"] == "ok"]
        export = Path(tmp) / "hyperfine.json"
        subprocess.run(["hyperfine", "-N", "--warmup", "1", "--runs", str(runs), "--export-json", str(export),
                        "--style", "none", " ".join(command)], check=True, stdout=subprocess.DEVNULL)
        hyper = json.loads(export.read_text())["results"][0]["median"]
    return statistics.median(walls), statistics.median(totals), hyper


def main() -> int:
    ok = True
    ours, theirs = warm_check(threads=1)
    ratio = ours / theirs
    ok &= abs(ratio - 1) <= TOLERANCE
    print(f"warm, 1 thread: mlpbench per-step median {ours * 1e6:.1f} µs, "
          f"torch.utils.benchmark blocked_autorange median {theirs * 1e6:.1f} µs, ratio {ratio:.3f} "
          f"({'within' if abs(ratio - 1) <= TOLERANCE else 'OUTSIDE'} 5 %)")
    cold = cold_check(runs=8)
    if cold is None:
        print("cold: hyperfine is not installed (apt-get install hyperfine); skipped")
    else:
        wall, total, hyper = cold
        ratio = wall / hyper
        ok &= abs(ratio - 1) <= TOLERANCE
        print(f"cold, 1 thread: mlpbench process wall median {wall:.3f} s, hyperfine median {hyper:.3f} s, "
              f"ratio {ratio:.3f} ({'within' if abs(ratio - 1) <= TOLERANCE else 'OUTSIDE'} 5 %); "
              f"in-process total {total:.3f} s (the rest is interpreter exit and process spawn)")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
