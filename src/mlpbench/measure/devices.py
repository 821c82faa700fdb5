"""Device names, availability with reasons, start-up and the synchronisation every timer needs.

Only ``resolve`` and ``availability`` are called before the job starts; both import torch, which
is the unavoidable price of asking torch what this machine has.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mlpbench.errors import UsageError

DEVICE_CHOICES = ("auto", "cpu", "cuda", "cuda:N", "mps")
_CUDA_RE = re.compile(r"^cuda(?::(\d+))?$")


@dataclass(frozen=True)
class DeviceChoice:
    name: str  # what torch calls it: "cpu", "cuda:0", "mps"
    note: str  # how it was chosen, for the log ("auto picked cuda:0: NVIDIA H100 ...")

    @property
    def kind(self) -> str:
        return self.name.split(":")[0]


def _cuda_reason() -> str | None:
    """Why CUDA cannot be used, or None when it can."""
    import torch

    if torch.version.cuda is None:
        return f"this torch ({torch.__version__}) was built without CUDA"
    if not torch.cuda.is_available():
        return "no CUDA device is visible (driver missing, or CUDA_VISIBLE_DEVICES hides them)"
    return None


def _mps_reason() -> str | None:
    import torch

    mps = getattr(torch.backends, "mps", None)
    if mps is None or not mps.is_built():
        return f"this torch ({torch.__version__}) was built without MPS (Apple GPUs)"
    if not mps.is_available():
        return "MPS is built in but no Apple GPU is available"
    return None


def check_spec(spec: str, flag: str) -> None:
    """A device name mlpbench knows (whether or not this machine has it), or one UsageError line."""
    if not (spec in ("auto", "cpu", "mps") or _CUDA_RE.match(spec)):
        raise UsageError(f"{flag}: unknown device {spec!r}: choose from {', '.join(DEVICE_CHOICES)}")


def availability(spec: str) -> str | None:
    """None when ``spec`` can run here; otherwise the one-line reason it cannot."""
    try:
        resolve(spec)
    except UsageError as err:
        return str(err)
    return None


def resolve(spec: str) -> DeviceChoice:
    """Turn a --device value into a concrete torch device, or raise UsageError saying why not."""
    import torch

    # Nothing here creates a CUDA context: that is device_init's cost, timed in the job itself.
    spec = spec.strip().lower()
    if spec == "auto":
        if _cuda_reason() is None:
            return DeviceChoice("cuda:0", "auto picked cuda:0")
        if _mps_reason() is None:
            return DeviceChoice("mps", "auto picked mps (Apple GPU)")
        return DeviceChoice("cpu", f"auto picked cpu (CUDA: {_cuda_reason()})")
    if spec == "cpu":
        return DeviceChoice("cpu", "cpu")
    if spec == "mps":
        reason = _mps_reason()
        if reason:
            raise UsageError(f"mps is not available: {reason}")
        return DeviceChoice("mps", "mps")
    match = _CUDA_RE.match(spec)
    if match:
        reason = _cuda_reason()
        if reason:
            raise UsageError(f"{spec} is not available: {reason}")
        index = int(match.group(1) or 0)
        count = torch.cuda.device_count()
        if index >= count:
            have = ", ".join(f"cuda:{i}" for i in range(count))
            raise UsageError(f"{spec} does not exist: this machine has {count} CUDA device(s) ({have})")
        return DeviceChoice(f"cuda:{index}", f"cuda:{index}")
    raise UsageError(f"unknown device {spec!r}: choose one of {', '.join(DEVICE_CHOICES)}")


def synchronize(device: str) -> None:
    """Wait until all work queued on ``device`` is done. A no-op on the CPU, and on a GPU not yet started:
    nothing can be queued there, and ``torch.cuda.synchronize`` would create the CUDA context, so the
    clock read at the start of ``device_init`` would come after the cost that phase exists to time."""
    import torch

    if device.startswith("cuda"):
        if _has_context(device):
            torch.cuda.synchronize(device)
    elif device == "mps":
        torch.mps.synchronize()


def _has_context(device: str) -> bool:
    """Whether ``device`` has a CUDA context yet. torch's lazy initialisation (which any query of the
    device's properties runs, as the memory check does) does not create one, so ``is_initialized`` is
    not enough; torch's own probe of the primary context answers, where this build has it."""
    import torch

    if not torch.cuda.is_initialized():
        return False
    probe = getattr(torch._C, "_cuda_hasPrimaryContext", None)
    if probe is None:
        return True  # no way to tell: synchronise, as before
    index = torch.device(device).index
    return bool(probe(torch.cuda.current_device() if index is None else index))


def initialize(device: str) -> None:
    """Pay the device's one-off start-up costs: the CUDA context, and the first cuBLAS call,
    which creates its handle and loads its kernels. On the CPU there is nothing to do."""
    import torch

    if device == "cpu":
        return
    if device.startswith("cuda"):
        torch.cuda.init()
        torch.cuda.set_device(device)
    a = torch.ones(8, 8, device=device)
    (a @ a).sum()
    synchronize(device)


def matmul_rate(device: str, repeats: int = 3) -> float:
    """This device's float32 large-matmul rate in FLOP/s, measured (a ceiling for the workload).

    2048³ on the CPU (with the current thread count), 8192³ on a GPU; one warm-up product, then
    the median of ``repeats`` synchronised products. float32 without TF32, as the workload runs.
    """
    import statistics
    import time

    import torch

    size = 2048 if device == "cpu" else 8192
    a = torch.randn(size, size, device=device)
    b = torch.randn(size, size, device=device)
    (a @ b).sum()
    synchronize(device)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        a @ b
        synchronize(device)
        times.append(time.perf_counter() - start)
    return 2 * size**3 / statistics.median(times)


def peak_rss() -> int:
    """This process's peak resident set in bytes: the kernel's high-water mark of its own memory
    (``VmHWM``) where Linux gives it, else getrusage. getrusage's ``ru_maxrss`` keeps what the process
    inherited across exec: a child of a parent holding 800 MiB reports 800 MiB whatever it used."""
    import resource
    import sys

    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss if sys.platform == "darwin" else rss * 1024


def peak_memory(device: str) -> dict[str, int | None]:
    """Peak memory so far: this process's resident set (``peak_rss``), and on CUDA the caching
    allocator's peaks (``max_memory_allocated`` / ``max_memory_reserved``)."""
    peaks: dict[str, int | None] = {"peak_rss_bytes": peak_rss()}
    if device.startswith("cuda"):
        import torch

        peaks["device_allocated_bytes"] = int(torch.cuda.max_memory_allocated(device))
        peaks["device_reserved_bytes"] = int(torch.cuda.max_memory_reserved(device))
    return peaks
