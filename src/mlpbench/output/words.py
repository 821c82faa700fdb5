"""Plain names for what was measured, in the reader's language: "the CPU", "the GPU (H100 80GB
HBM3)", "torch.compile", "your script three_layer_nn_pytorch_cuda.py" instead of internal ids."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import PurePath
from typing import Any

from mlpbench.output.i18n import Texts
from mlpbench.results.model import Environment, Results, Target

PINNED = ("high_variance", "points_noisy", "busy", "busy_now", "cold_warm_apart")  # advice that says to pin --threads


def advice(code: str, results: Results, T: Texts, **values: Any) -> str:
    """What to do about a notice: a bench stopped early is not told how a sweep resumes, and a run whose threads
    were pinned is not told to pin them."""
    key = "advice.interrupted.bench" if code == "interrupted" and results.kind == "bench" else f"advice.{code}"
    pinned = getattr(results.plan, "threads", None)
    cores = results.env.cpu_usable or results.env.cpu_count if results.env is not None else None
    # on a busy machine, fewer threads than its cores still help: pinned at all of them, it is still advised
    if code in PINNED and pinned is not None and (code not in ("busy", "busy_now") or not cores or pinned < cores):
        key += ".pinned"
    return T(key, **values)


def once_each(lines: list[str], T: Texts) -> list[str]:
    """Each distinct line once, in order, with how many there were where more than one (a script that fails
    the same way in every trial is one warning, "(4 runs alike)")."""
    counted = Counter(lines)
    return [line if n == 1 else T.sentences(line, T("warn.times", n=n)) for line, n in counted.items()]


def gpu_name(env: Environment | None) -> str | None:
    """The first GPU's name without the vendor ("H100 80GB HBM3"), if the environment names one."""
    if env is None or not env.gpus:
        return None
    return re.sub(r"^(NVIDIA|AMD|Apple)\s+", "", env.gpus[0].name).strip() or None


def device_name(target: Target, T: Texts, env: Environment | None = None) -> str:
    """ "the CPU", "the GPU (H100 80GB HBM3)", "the Apple GPU"."""
    kind = target.kind
    if kind == "cuda":
        name = gpu_name(env)
        return T("name.gpu_named", gpu=name) if name else T("name.gpu")
    if kind == "mps":
        return T("name.mps")
    return T("name.cpu")


def backend_name(backend: str, T: Texts) -> str:
    key = f"backend.{backend}"
    return T(key) if T.has(key) else backend


def target_name(target: Target, T: Texts, env: Environment | None = None, *, backend: bool = True) -> str:
    """A target in words: the device, and the backend and ranks where they say something."""
    if target.is_script:
        return T("name.script", script=PurePath(target.script or "").name)
    name = device_name(target, T, env)
    parts = []
    if backend and target.backend != "eager":
        parts.append(backend_name(target.backend, T))
    if target.ranks is not None:
        parts.append(T("name.ranks", n=target.ranks))
    return T("name.with", what=name, how=T.join(parts)) if parts else name


def target_label(target: Target, T: Texts, env: Environment | None = None) -> str:
    """A short label for tables and legends: "CPU", "GPU (H100 80GB HBM3) · fused", "script run.py"."""
    if target.is_script:
        return T("label.script", script=PurePath(target.script or "").name)
    kind = target.kind
    name = gpu_name(env) if kind == "cuda" else None
    device = T("label.gpu_named", gpu=name) if name else T(f"label.{kind}") if T.has(f"label.{kind}") else kind
    if target.device and ":" in target.device and target.device != "cuda:0":
        device += f" {target.device}"
    parts = [device]
    if target.backend != "eager":
        parts.append(target.backend)
    if target.ranks is not None:
        parts.append(T("label.ranks", n=target.ranks))
    return " · ".join(parts)


class Namer:
    """Names for the targets of one results file: ``name`` for sentences, ``label`` for tables."""

    def __init__(self, results: Results, T: Texts) -> None:
        self.results = results
        self.T = T

    def __call__(self, target: Target) -> str:
        name = target_name(target, self.T, self.results.env)
        ran_on = self.script_device(target)
        return self.T("name.script_on", what=name, device=ran_on) if ran_on else name

    def label(self, target: Target) -> str:
        label = target_label(target, self.T, self.results.env)
        ran_on = self.script_device(target, short=True)
        return f"{label} ({ran_on})" if ran_on else label

    def script_device(self, target: Target, short: bool = False) -> str | None:
        """The device a user's script ran on, as its first complete run showed it (None if unknown)."""
        run = self.results.first_run(target) if target.is_script else None
        kind = run.device_used if run is not None else None
        if kind is None:
            return None
        return self.T(f"label.{kind}") if short else device_name(Target(device=kind, backend="eager"), self.T, self.results.env)

    def device(self, target: Target) -> str:
        return device_name(target, self.T, self.results.env)
