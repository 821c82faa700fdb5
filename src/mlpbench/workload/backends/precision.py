"""Optional precision modes. fp32 is the seed's arithmetic; tf32 and bf16 change the numerics and
are labelled so, with their own parity tolerances (see PARITY)."""

from __future__ import annotations

import contextlib
from typing import Iterator

from mlpbench.workload.config import PARITY  # noqa: F401  (re-exported: the tolerances of each precision)


def unavailable_reason(precision: str, kind: str) -> str | None:
    if precision == "tf32" and kind != "cuda":
        return "tf32 is an NVIDIA tensor-core matmul mode; on this device use fp32 or bf16"
    return None


@contextlib.contextmanager
def matmul_mode(precision: str, device: str) -> Iterator[None]:
    """TF32 matmuls for the duration (CUDA only); fp32 and bf16 leave the flags alone."""
    import torch

    if precision != "tf32" or not device.startswith("cuda"):
        yield
        return
    saved = torch.backends.cuda.matmul.allow_tf32
    torch.backends.cuda.matmul.allow_tf32 = True
    try:
        yield
    finally:
        torch.backends.cuda.matmul.allow_tf32 = saved


def autocast(precision: str, device: str):
    """bf16 autocast for the forward pass and the loss; a no-op context otherwise."""
    import torch

    if precision != "bf16":
        return contextlib.nullcontext()
    return torch.autocast(device_type=device.split(":")[0], dtype=torch.bfloat16)
