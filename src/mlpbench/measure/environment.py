"""Environment metadata recorded with every result: what ran, where, with which versions."""

from __future__ import annotations

import datetime as _dt
import os
import platform
import re
import shutil
import socket
import subprocess
import time
from pathlib import Path
from typing import Any

import msgspec

from mlpbench._started import VERSION
from mlpbench.errors import command_args
from mlpbench.results.model import Environment


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _memory_bytes() -> int | None:
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return None


def available_memory_bytes() -> int | None:
    """Memory the kernel says can be allocated without swapping (Linux), else the total."""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    return _memory_bytes()


def _git_commit() -> str | None:
    """What ``MLPBENCH_COMMIT`` says when it is set (a copy of the tree sent elsewhere, such as a GPU
    machine's, whose .git, if any, need not be the tree's: on the H200 a stale one named an older
    commit), else the checkout's commit (with -dirty)."""
    if os.environ.get("MLPBENCH_COMMIT"):
        return os.environ["MLPBENCH_COMMIT"]
    root = Path(__file__).resolve().parents[3]
    if not (root / ".git").exists() or shutil.which("git") is None:
        return None
    try:
        out = subprocess.run(
            ["git", "-C", str(root), "describe", "--always", "--dirty", "--abbrev=12"],
            capture_output=True, text=True, timeout=5,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return out.stdout.strip() or None


def _blas(config_text: str) -> str:
    match = re.search(r"BLAS_INFO=(\w+)", config_text)
    name = match.group(1) if match else "unknown"
    mkl = re.search(r"Math Kernel Library Version ([\w.\-]+)", config_text)
    if mkl:
        name += f" (MKL {mkl.group(1)})"
    return name


def _nvidia_driver() -> str | None:
    if shutil.which("nvidia-smi") is None:
        return None
    try:
        out = subprocess.run(
            ["nvidia-smi", "--query-gpu=driver_version", "--format=csv,noheader"],
            capture_output=True, text=True, timeout=10,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return out.stdout.strip().splitlines()[0] if out.returncode == 0 and out.stdout.strip() else None


def _cudnn() -> str | None:
    import torch

    if not torch.backends.cudnn.is_available():
        return None
    version = torch.backends.cudnn.version()  # 91900 for 9.19.0
    return f"{version // 10000}.{version // 100 % 100}.{version % 100}" if version else None


def _load_average() -> float | None:
    """How busy the machine already was: other processes share its cores with every trial."""
    try:
        return round(os.getloadavg()[0], 2)
    except (AttributeError, OSError):  # not on this platform
        return None


def _cpu_busy(window: float = 0.25) -> float | None:
    """The share of the CPU time of the cores this process may use that went to other processes over ``window``
    seconds, now (this process sleeps meanwhile): unlike the 1-minute load average, not still counting the run
    that just ended, and not counting cores the trials cannot run on."""
    try:
        usable = os.sched_getaffinity(0)
    except AttributeError:  # not Linux
        return None

    def times() -> list[int]:  # user nice system idle iowait irq softirq steal, summed over the usable cores
        total = [0] * 8
        with open("/proc/stat", encoding="ascii") as f:
            for line in f:
                name, *values = line.split()
                if name.startswith("cpu") and name[3:].isdigit() and int(name[3:]) in usable and len(values) >= 8:
                    total = [a + int(b) for a, b in zip(total, values[:8])]
        return total

    try:
        before = times()
        time.sleep(window)
        after = times()
    except (OSError, ValueError):  # no /proc
        return None
    delta = [b - a for a, b in zip(before, after)]
    spent = sum(delta)
    return round(1 - (delta[3] + delta[4]) / spent, 3) if spent > 0 else None


def collect(sample_busy: bool = True) -> Environment:
    """Everything a reader needs to judge a number: CPU, memory, OS, versions, GPU, commit."""
    import torch

    cores = os.cpu_count()
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = cores
    env: dict[str, Any] = {
        "date": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "hostname": socket.gethostname(),
        "os": platform.platform(),
        "python": platform.python_version(),
        "cpu": _cpu_model(),
        "cpu_count": cores,
        "cpu_usable": usable,
        "torch_threads": torch.get_num_threads(),
        "memory_bytes": _memory_bytes(),
        "torch": str(torch.__version__),
        "torch_cuda": str(torch.version.cuda) if torch.version.cuda else None,
        "cudnn": _cudnn(),
        "blas": _blas(torch.__config__.show()),
        "cpu_capability": torch.backends.cpu.get_cpu_capability(),
        "timer": "time.perf_counter",
        "timer_resolution_s": time.get_clock_info("perf_counter").resolution,
        "git_commit": _git_commit(),
        "mlpbench": VERSION,
        "argv": command_args(),  # the mlpbench command's; none from Python
        "gpus": [],
        "load_average": _load_average(),
        "cpu_busy": _cpu_busy() if sample_busy else None,
    }
    if torch.cuda.is_available():
        env["cuda_driver"] = _nvidia_driver()
        for i in range(torch.cuda.device_count()):
            props = torch.cuda.get_device_properties(i)
            env["gpus"].append({
                "index": i,
                "name": props.name,
                "memory_bytes": props.total_memory,
                "capability": f"{props.major}.{props.minor}",
                "multiprocessors": props.multi_processor_count,
            })
    return msgspec.convert(env, Environment)
