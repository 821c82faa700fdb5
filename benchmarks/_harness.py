"""The backend benchmarks' harness: every target in its own process, every timed run checked.

The parent computes the CPU eager reference once, then starts one child process per target (so no
target shares a process, a thread pool or a CUDA context with another: a CPU figure measured in a
process that also holds CUDA, inductor and XLA is not the CPU's). Each child compiles (one-off,
timed apart), runs two warm-ups, then ``rounds`` timed runs of the whole training loop: host clock
around a device synchronise, and on CUDA the device's own events beside it. The losses of every
timed run are checked against the reference with the tolerance of its precision (mlpbench's own
check); a run outside it is counted, and reported, never averaged in silently. On CUDA the child
also profiles a few steps for each kernel's device time.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path
from typing import Callable

SRC = Path(__file__).resolve().parents[1] / "src"


def child(label: str, device: str, backend: str, variant: str | None, rounds: int, reference: str) -> dict:
    """Runs inside the child process: one target, measured as the module docstring says."""
    import msgspec
    import torch

    from mlpbench.measure import devices
    from mlpbench.results.checks import compare_losses
    from mlpbench.results.model import RunRecord, Target
    from mlpbench.workload import backends
    from mlpbench.workload.config import WorkloadConfig
    from mlpbench.workload.problem import evaluate, load_workload, make_problem

    config = WorkloadConfig()
    ref = msgspec.json.decode(Path(reference).read_bytes(), type=RunRecord)
    entry: dict = {"label": label, "device": device, "backend": backend, "variant": variant, "pid": os.getpid()}
    devices.initialize(device)
    problem = make_problem(load_workload(config), config).to(device)
    started = time.perf_counter()
    if backend == "fused" and device.startswith("cuda"):
        from mlpbench.workload.backends.triton_fused import TritonFusedTrainer

        trainer = TritonFusedTrainer(problem, device, variant=variant)
    else:
        trainer = backends.get(backend).create(problem, device)
    if trainer.compiles:
        trainer.compile()
    devices.synchronize(device)
    entry["one_off_s"] = time.perf_counter() - started  # set-up and compile: paid once per process
    for _ in range(2):  # warm-ups, kept apart
        trainer.reset()
        trainer.train()
    cuda = device.startswith("cuda")
    samples, events, parity, failed = [], [], [], 0
    for _ in range(rounds):
        trainer.reset()
        devices.synchronize(device)
        if cuda:
            begin, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
            begin.record()
        start = time.perf_counter()
        losses = trainer.train()
        if cuda:
            end.record()
        devices.synchronize(device)
        samples.append(time.perf_counter() - start)
        if cuda:
            events.append(begin.elapsed_time(end) / 1e3)
        test = evaluate(trainer.eval_model(), problem).test_loss
        check = compare_losses(Target(device, backend), ("sample", len(samples), ""), losses, test, ref, config.precision)
        parity.append(check.worst_early)
        failed += not check.passed
    entry.update(samples=samples, event_samples=events, parity_early_max=max(parity), runs_outside_tolerance=failed,
                 facts={k: v for k, v in trainer.describe().items() if isinstance(v, (int, float, str, bool))})
    entry["median_s"] = statistics.median(samples)
    entry["per_step_s"] = entry["median_s"] / config.steps
    entry["end_to_end_s"] = entry["one_off_s"] + entry["median_s"]  # one process: set up once, train once
    if cuda:
        from mlpbench.measure.profile import profile_steps

        profile = profile_steps(trainer, device)
        entry["kernels"] = [(k.name, k.calls, k.host_s) for k in profile.kernels]
        entry["device_busy_s"] = profile.device_busy_s
        # where the host's time goes under the profiler (slowed by it): says why a step waits on the host
        entry["host_ops"] = [(o.name, o.calls, o.host_s) for o in profile.top_ops]
        entry["profiled_step_s"], entry["kernels_per_step"] = profile.profiled_step_s, profile.kernels_per_step
    return entry


def run_all(plan: list[tuple[str, str, str, str | None]], rounds: int, timeout: float = 300.0,
            on_result: Callable[[dict], None] | None = None) -> dict:
    """The reference, then each target in a fresh process; a target that fails is reported, the rest go on.

    ``on_result(results)`` is called after every target with the results so far, so a caller can show and
    save what finished before a time limit stops the rest."""
    from mlpbench.measure.job import JobSpec, run_job
    from mlpbench.results.files import write_model
    from mlpbench.results.model import Target
    from mlpbench.workload.config import WorkloadConfig

    results: dict = {}
    with tempfile.TemporaryDirectory() as tmp:
        reference = Path(tmp) / "reference.json"
        write_model(reference, run_job(JobSpec(target=Target("cpu", "eager"), config=WorkloadConfig())))
        for label, device, backend, variant in plan:
            env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in (str(SRC), os.environ.get("PYTHONPATH")) if p))
            argv = [sys.executable, __file__, "--child", label, device, backend, variant or "", str(rounds), str(reference)]
            try:
                proc = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, env=env)
                lines = [line for line in proc.stdout.splitlines() if line.startswith("{")]
                results[label] = json.loads(lines[-1]) if proc.returncode == 0 and lines else {
                    "label": label, "device": device, "error": (proc.stderr.strip().splitlines() or ["?"])[-1][:300]}
            except subprocess.TimeoutExpired:
                results[label] = {"label": label, "device": device, "error": f"timed out after {timeout:g} s"}
            print(f"{label}: {'FAILED ' + results[label]['error'] if 'error' in results[label] else 'done'}",
                  file=sys.stderr, flush=True)
            if on_result:
                on_result(results)
    return results


HEADER = (f"{'backend':<17} {'device':<7} {'one-off':>9} {'median':>10} {'per step':>10} {'events':>10} "
          f"{'whole run':>10} {'vs baseline':>12} {'parity 0-500':>13} {'outside':>8}")


def table_row(e: dict, base: float | None, steps: int = 1001) -> str:
    """One target's line (and its busiest kernels) of the table, ``base`` the baseline's median or None."""
    label = e["label"]
    if "error" in e:
        return f"{label:<17} {e['device']:<7} FAILED {e['error'][:90]}"
    event = f"{statistics.median(e['event_samples']) / steps * 1e6:>8.2f}µs" if e.get("event_samples") else f"{'–':>10}"
    ratio = f"{base / e['median_s']:.1f}x" if base else "–"
    lines = [f"{label:<17} {e['device']:<7} {e['one_off_s']:>8.2f}s {e['median_s'] * 1e3:>8.2f}ms "
             f"{e['per_step_s'] * 1e6:>8.2f}µs {event} {e['end_to_end_s']:>9.3f}s {ratio:>12} "
             f"{e['parity_early_max']:>13.1e} {e['runs_outside_tolerance']:>8}"]
    lines += [f"{'':<19}kernel {name[:60]:<60} {calls:>5.1f}/step {seconds * 1e6:>8.2f} µs/step"
              for name, calls, seconds in e.get("kernels", [])[:4]]
    if e.get("device_busy_s") is not None and e.get("kernels_per_step") is not None:
        # kernels timed under the profiler can add up to a little more than a step timed without it (jax on an H200:
        # 35.8 µs against 35.4 µs): such a step is busy throughout, not 101 % busy
        from mlpbench.output.units import format_percent

        share = min(1.0, e["device_busy_s"] / e["per_step_s"])
        lines.append(f"{'':<19}device busy {e['device_busy_s'] * 1e6:.1f} µs (under the profiler) of each "
                     f"{e['per_step_s'] * 1e6:.1f} µs step ({format_percent(share)}{', all of it' if share == 1 else ''}), "
                     f"{e['kernels_per_step']:.1f} kernels/step; host, under the profiler: "
                     + ", ".join(f"{n[:40]} {t * 1e6:.0f} µs" for n, _, t in e.get("host_ops", [])[:3]))
    return "\n".join(lines)


def print_table(results: dict, baseline: str, steps: int = 1001) -> None:
    base = results.get(baseline, {}).get("median_s")
    print(HEADER.replace("vs baseline", "vs " + baseline))
    for e in results.values():
        print(table_row(e, base, steps))


def main_child(argv: list[str]) -> int:
    label, device, backend, variant, rounds, reference = argv
    try:
        print(json.dumps(child(label, device, backend, variant or None, int(rounds), reference)))
        return 0
    except Exception:  # noqa: BLE001  reported by the parent, which goes on with the other targets
        traceback.print_exc()
        return 1


def save_json(folder: str | Path, name: str, data: dict) -> None:
    """``data`` as ``folder/name``, whole or not at all (a time limit may stop a benchmark mid-write): mlpbench's
    own atomic write, which its results files use."""
    from mlpbench.results.files import write_text_atomic

    Path(folder).mkdir(parents=True, exist_ok=True)
    write_text_atomic(Path(folder) / name, json.dumps(data, indent=1))


def parse(description: str, default_rounds: int) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--rounds", type=int, default=default_rounds)
    parser.add_argument("--only", default=None, help="comma-separated labels to run")
    parser.add_argument("--out", default=None, help="directory for the JSON of every figure")
    return parser.parse_args()


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        sys.exit(main_child(sys.argv[2:]))
