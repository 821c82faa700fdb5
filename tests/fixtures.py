"""Deterministic results documents for tests: the seed's story with and without a GPU.

``python tests/fixtures.py`` rewrites tests/data/results-*.json; the numbers are synthetic but
shaped like real runs (see results/ for real ones).
"""

from __future__ import annotations

import json
from pathlib import Path

from mlpbench import analysis
from mlpbench.config import WorkloadConfig
from mlpbench.results import RESULTS_SCHEMA

DATA = Path(__file__).resolve().parent / "data"
JITTER = (1.00, 1.03, 0.98, 1.01, 0.99, 1.02, 0.97, 1.00, 1.01, 0.99, 1.02, 0.98)

CPU_COLD = {"import": 0.90, "device_init": 3e-6, "data": 0.0025, "to_device": 2e-5, "setup": 1.0, "train": 0.52,
            "eval": 2.7e-4}
GPU_COLD = {"import": 1.40, "device_init": 0.45, "data": 0.0025, "to_device": 0.004, "setup": 1.0, "train": 0.30,
            "eval": 0.0011}
SEED_LOG = [
    "Using device: {device}",
    "Data Shapes: Train x=torch.Size([400, 10]), y=torch.Size([400, 1]) | Test x=torch.Size([100, 10]), y=torch.Size([100, 1])",
    "Training PyTorch 3-Layer NN for 1000 steps...",
]
LOSSES = [116.9025, 5.9574, 4.2802, 3.1939, 2.3619, 1.6937, 1.0328, 0.4003, 0.1680, 0.1000, 0.0630]
PAIRS = [(13.2756, 15.5540), (12.4817, 11.7322), (10.7187, 10.5252), (7.9562, 8.2041), (12.2541, 11.4058)]


def _log(device: str, scale: float) -> list[str]:
    lines = [SEED_LOG[0].format(device=device), *SEED_LOG[1:]]
    lines += [f"Step {100 * i}: Train Loss = {loss * scale:.4f}" for i, loss in enumerate(LOSSES)]
    lines += ["Training Complete.", "", "--- Model Evaluation ---", "Test Loss: 2.1869", "",
              "First 5 Predictions vs Ground Truth:"]
    lines += [f"Pred: {p:.4f} | True: {t:.4f}" for p, t in PAIRS]
    return lines


def _trials(device: str, cold: dict[str, float], runs: int, start: int, gap: int) -> list[dict]:
    out = []
    for r in range(runs):
        j = JITTER[r % len(JITTER)]
        phases = {k: v * j for k, v in cold.items()}
        total = sum(phases.values()) + 0.004
        phases["total"] = total
        out.append({"index": start + gap * r, "round": r, "device": device, "backend": "eager", "mode": "cold",
                    "status": "ok", "wall": total + 0.55 * j, "returncode": 0, "phases": phases,
                    "seed_time": total - phases["import"], "import_source": "parent"})
    return out


def document(gpu: bool = True, cpu_train: float = 0.52, gpu_train: float = 0.30, warm_cpu: float = 0.39,
             warm_gpu: float = 0.21, gpu_device_init: float = 0.45, runs: int = 5) -> dict:
    """A bench results document; the keyword arguments move the medians for conclusion tests."""
    config = WorkloadConfig()
    cpu_cold = dict(CPU_COLD, train=cpu_train)
    trials = _trials("cpu", cpu_cold, runs, 0, 2 if gpu else 1)
    warm = [{"device": "cpu", "backend": "eager", "mode": "warm", "status": "ok", "wall": 9.0, "returncode": 0,
             "samples": [warm_cpu * j for j in JITTER[:10]], "warmup_samples": [warm_cpu * 1.2, warm_cpu * 1.05],
             "stopped_by": "converged", "threads": 2, "matmul_flops_per_s": 95e9}]
    targets = [{"device": "cpu", "backend": "eager", "status": "ok", "reason": None, "key": "cpu/eager"}]
    runs_ = {"cpu/eager": {"device": "cpu", "backend": "eager", "log": _log("cpu", 1.0), "phases": trials[0]["phases"],
                           "train_loss": {str(100 * i): v for i, v in enumerate(LOSSES)}, "test_loss": 2.1869,
                           "predictions": [list(p) for p in PAIRS], "threads": 2, "seed_time": trials[0]["seed_time"],
                           "per_step_s": cpu_train / 1001, "train_flops": config.train_flops(),
                           "train_flops_per_s": config.train_flops() / cpu_train, "backend_facts": {}}}
    env = {"date": "2026-11-26T12:00:00+00:00", "hostname": "fixture-host", "os": "Linux-6.1-x86_64", "python": "3.11.7",
           "cpu": "AMD EPYC (fixture)", "cpu_count": 2, "cpu_usable": 2, "torch_threads": 2, "memory_bytes": 24 * 2**30,
           "torch": "2.13.0+cpu", "torch_cuda": None, "cudnn": None, "blas": "mkl", "cpu_capability": "AVX512",
           "timer": "time.perf_counter", "timer_resolution_s": 1e-9, "git_commit": "fixture", "mlpbench": "0.1.0",
           "argv": ["bench"], "gpus": []}
    if gpu:
        gpu_cold = dict(GPU_COLD, train=gpu_train, device_init=gpu_device_init)
        trials += _trials("cuda:0", gpu_cold, runs, 1, 2)
        warm.append({"device": "cuda:0", "backend": "eager", "mode": "warm", "status": "ok", "wall": 7.0, "returncode": 0,
                     "samples": [warm_gpu * j for j in JITTER[:10]], "warmup_samples": [warm_gpu * 1.5, warm_gpu],
                     "stopped_by": "converged", "threads": 2, "matmul_flops_per_s": 5.1e13})
        targets.append({"device": "cuda:0", "backend": "eager", "status": "ok", "reason": None, "key": "cuda:0/eager"})
        runs_["cuda:0/eager"] = dict(runs_["cpu/eager"], device="cuda:0", log=_log("cuda:0", 1.0001),
                                     train_loss={str(100 * i): v * 1.0001 for i, v in enumerate(LOSSES)},
                                     phases=trials[runs]["phases"], per_step_s=gpu_train / 1001,
                                     train_flops_per_s=config.train_flops() / gpu_train)
        env.update(torch="2.11.0+cu130", torch_cuda="13.0", cudnn=91000, cuda_driver="580.159.04",
                   gpus=[{"index": 0, "name": "NVIDIA H100 80GB HBM3", "memory_bytes": 85_520_809_984,
                          "capability": "9.0", "multiprocessors": 132}])
    else:
        targets.append({"device": "cuda", "backend": "eager", "status": "unavailable", "key": "cuda/eager",
                        "reason": "cuda is not available: this torch (2.13.0+cpu) was built without CUDA"})
    trials.sort(key=lambda t: t["index"])
    doc = {"schema": RESULTS_SCHEMA, "kind": "bench", "complete": True, "interrupted": None,
           "created": env["date"], "updated": env["date"], "env": env, "config": config.to_dict(),
           "settings": {"devices": ["cpu", "cuda"], "backends": ["eager"], "runs": runs, "warm_runs": 10, "warmup": 2,
                        "warm_time": 20.0, "threads": None, "trial_timeout": 600.0, "order": "interleaved"},
           "targets": targets, "trials": trials, "warm": warm, "runs": runs_}
    return analysis.derive(doc)


if __name__ == "__main__":
    for name, gpu in (("results-gpu.json", True), ("results-cpu.json", False)):
        (DATA / name).write_text(json.dumps(document(gpu=gpu), indent=1) + "\n")
        print("wrote", DATA / name)
