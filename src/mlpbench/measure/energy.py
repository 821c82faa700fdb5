"""Energy counters, where the machine exposes them: the GPU's (NVML) and the CPU package's (RAPL).

A meter reads each counter before and after a stretch of work; where a counter cannot be read, the
result says why ("unavailable"), never a guess. Joules for the same job on each device is a
comparison the timing alone cannot make.
"""

from __future__ import annotations

import glob
import subprocess
from pathlib import Path

from mlpbench.results.model import Energy

RAPL = "/sys/class/powercap/intel-rapl:*"  # package domains (AMD's kernels expose theirs here too)


def _rapl_domains() -> list[Path]:
    return [Path(p) for p in sorted(glob.glob(RAPL)) if p.count(":") == 1 and (Path(p) / "energy_uj").exists()]


def _rapl_read() -> tuple[float | None, str | None]:
    """Total package energy in joules (all sockets), or the reason there is none."""
    domains = _rapl_domains()
    if not domains:
        return None, "no RAPL counter under /sys/class/powercap (a virtual machine, or a kernel without powercap)"
    total = 0.0
    for domain in domains:
        try:
            total += int((domain / "energy_uj").read_text()) / 1e6
        except PermissionError:
            return None, f"{domain}/energy_uj is readable by root only"
        except (OSError, ValueError) as err:
            return None, f"{domain}/energy_uj cannot be read ({err})"
    return total, None


def _rapl_wrap() -> float:
    """The counter's range in joules (it wraps around)."""
    try:
        return int((_rapl_domains()[0] / "max_energy_range_uj").read_text()) / 1e6
    except (OSError, ValueError, IndexError):
        return float("inf")


def _nvml_read(index: int) -> tuple[float | None, str | None, str]:
    """The GPU's total energy since the driver loaded, in joules: NVML, else nvidia-smi."""
    try:
        import pynvml  # nvidia-ml-py

        pynvml.nvmlInit()
        handle = pynvml.nvmlDeviceGetHandleByIndex(index)
        return pynvml.nvmlDeviceGetTotalEnergyConsumption(handle) / 1e3, None, "NVML"
    except ImportError:
        pass
    except Exception as err:  # noqa: BLE001  (NVMLError: not supported on this GPU, no permission, ...)
        return None, f"NVML: {str(err)[:200]}", "NVML"
    try:
        out = subprocess.run(["nvidia-smi", f"--id={index}", "--query-gpu=total_energy_consumption",
                              "--format=csv,noheader,nounits"], capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired) as err:
        return None, f"neither NVML (pip install nvidia-ml-py) nor nvidia-smi can be used ({err})", "nvidia-smi"
    value = out.stdout.strip().splitlines()[0] if out.returncode == 0 and out.stdout.strip() else ""
    try:
        return float(value) / 1e3, None, "nvidia-smi"  # millijoules
    except ValueError:
        return None, f"nvidia-smi gives no energy counter for this GPU ({value or out.stderr.strip()[:100]})", "nvidia-smi"


class EnergyMeter:
    """``start()``, the work, ``stop(runs)``: joules per run on this device and on the CPU package."""

    def __init__(self, device: str) -> None:
        self.device = device
        self.gpu_index = (int(device.split(":")[1]) if ":" in device else 0) if device.startswith("cuda") else None
        self.begin: dict[str, float | None] = {}
        self.reasons: dict[str, str] = {}
        self.gpu_source: str | None = None

    def start(self) -> None:
        cpu, why = _rapl_read()
        self.begin["cpu"] = cpu
        if why:
            self.reasons["cpu"] = why
        if self.gpu_index is not None:
            gpu, why, self.gpu_source = _nvml_read(self.gpu_index)
            self.begin["gpu"] = gpu
            if why:
                self.reasons["gpu"] = why

    def stop(self, runs: int) -> Energy:
        cpu_j = gpu_j = None
        if self.begin.get("cpu") is not None:
            now, why = _rapl_read()
            if now is not None:
                used = now - self.begin["cpu"]  # type: ignore[operator]
                cpu_j = (used if used >= 0 else used + _rapl_wrap()) / max(runs, 1)
            elif why:
                self.reasons["cpu"] = why
        if self.gpu_index is not None and self.begin.get("gpu") is not None:
            now, why, _ = _nvml_read(self.gpu_index)
            if now is not None:
                gpu_j = (now - self.begin["gpu"]) / max(runs, 1)  # type: ignore[operator]
            elif why:
                self.reasons["gpu"] = why
        return Energy(gpu_joules=gpu_j, cpu_joules=cpu_j, gpu_source=self.gpu_source if gpu_j is not None else None,
                      cpu_source="RAPL" if cpu_j is not None else None, unavailable=dict(self.reasons))
