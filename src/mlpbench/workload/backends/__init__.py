"""Training-loop implementations ("backends") behind one interface.

Every backend trains the same workload from the same data and initial weights (``Problem``), does
exactly ``config.steps`` updates, and reports the train loss at the log steps. Backends differ only
in *how* the arithmetic is executed. A backend that cannot run somewhere raises
``BackendUnavailable`` with the reason; nothing is ever silently replaced by another backend.
The backends are the only place that runs a training step (``.backward()``, optimizer steps).

This module imports nothing heavy: the implementations are imported when a backend is created.
To add a backend: one file with a ``Trainer`` subclass, and one ``BackendInfo`` line below.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Sequence

from mlpbench.errors import BackendUnavailable, UsageError

if TYPE_CHECKING:
    import torch
    from torch import nn

    from mlpbench.workload.config import WorkloadConfig
    from mlpbench.workload.problem import LogCallback, Problem


class Trainer:
    """A prepared training run of one backend on one device.

    Life cycle: ``compile()`` once (one-off work, timed as its own phase when ``compiles``), then
    ``train()``; ``reset()`` returns to the initial weights and a fresh optimizer state without
    repeating the one-off work, so warm trials can repeat ``train()``.
    """

    compiles = False  # True when compile() does real one-off work (a compiler, a graph capture)
    asked_threads: int | None = None  # the user's --threads: a backend that probes thread counts keeps it

    def __init__(self, problem: "Problem", device: str) -> None:
        self.problem = problem
        self.config = problem.config
        self.device = device
        self.loss_fn = problem.workload.loss()

    def compile(self) -> None:
        """One-off preparation before the first timed step."""

    def train(self, on_log: "LogCallback | None" = None, steps: int | None = None) -> dict[int, float]:
        """Run ``steps`` updates (default ``config.steps``); return {step: train loss} at the log steps.

        ``on_log(step, loss)`` is called for each log step: during the loop by backends that read
        the loss as the seed does, or after it by backends that keep losses on the device.
        """
        raise NotImplementedError

    def reset(self) -> None:
        """Back to the initial weights and a fresh optimizer state."""
        raise NotImplementedError

    def parameters(self) -> list["torch.Tensor"]:
        """The current weights in the model's parameter order, on this trainer's device."""
        raise NotImplementedError

    def eval_model(self) -> "nn.Module":
        """A model holding the current weights, on this trainer's device, for evaluation."""
        model = self.problem.new_model(self.device)
        load_params(model, self.parameters())
        return model

    def describe(self) -> dict[str, object]:
        """Backend-specific facts worth recording (threads chosen, kernel variant, ...)."""
        return {}


def load_params(model: "nn.Module", params: "Sequence[torch.Tensor]") -> None:
    """Copy ``params`` into ``model``'s parameters, in place (captured graphs keep the addresses)."""
    import torch

    with torch.no_grad():
        for p, value in zip(model.parameters(), params):
            p.copy_(value)


def load_initial(model: "nn.Module", problem: "Problem") -> None:
    """The initial model's parameters and buffers (BatchNorm's running statistics and batch count) copied into
    ``model`` in place: every run starts from the same state, and its evaluation reads the same statistics."""
    import torch

    load_params(model, problem.initial_params)
    initial = dict(problem.model.named_buffers())
    with torch.no_grad():  # by name: a model may register buffers as it runs (a cache), which shifts any order
        for name, b in model.named_buffers():
            value = initial.get(name)
            if value is not None and value.shape == b.shape:
                b.copy_(value)


def report_losses(values: "Sequence[float]", steps: int, every: int, on_log: "LogCallback | None",
                  every_step: bool = False) -> dict[int, float]:
    """{step: loss} at the log steps, from losses recorded at every step (``every_step``) or at
    the log steps only, and ``on_log`` called for each, in order (backends that read their losses
    after the loop use this)."""
    steps_logged = range(0, steps, every)
    picked = [values[t] for t in steps_logged] if every_step else list(values)
    logged = {t: float(v) for t, v in zip(steps_logged, picked)}
    if on_log:
        for t, value in logged.items():
            on_log(t, value)
    return logged


@dataclass(frozen=True)
class BackendInfo:
    name: str
    summary: str
    device_kinds: tuple[str, ...]  # "cpu", "cuda", "mps"
    target: str  # "module:Class" of the Trainer, imported on use
    requirement: Callable[[str], str | None] | None = None  # device kind -> reason it cannot run
    shapes: Callable[["WorkloadConfig"], str | None] | None = None  # workload -> reason it cannot run
    precisions: tuple[str, ...] = ("fp32", "tf32", "bf16")
    sources: tuple[str, ...] = ()  # its files, beside this one: recorded with every result
    sources_on: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (device kind, files): recorded where it ran on that kind

    def source_files(self, kinds: Iterable[str] | None = None) -> list[Path]:
        """Its files, and those of the device kinds it ran on (all of them where ``kinds`` is None)."""
        names = [*self.sources, *(name for kind, files in self.sources_on if kinds is None or kind in kinds
                                  for name in files)]
        return [Path(__file__).with_name(name) for name in names]

    def unavailable_reason(self, device: str, config: "WorkloadConfig | None" = None) -> str | None:
        """Why this backend cannot run ``config`` on ``device``, or None."""
        from mlpbench.workload.backends import precision

        kind = device.split(":")[0]
        if kind not in self.device_kinds:
            return f"backend {self.name!r} does not run on {kind} (it runs on {', '.join(self.device_kinds)})"
        if config is not None:
            if config.precision not in self.precisions:
                return f"backend {self.name!r} computes in {', '.join(self.precisions)} only, not {config.precision}"
            reason = precision.unavailable_reason(config.precision, kind)
            if reason:
                return reason
            if self.shapes is not None:
                reason = self.shapes(config)
                if reason:
                    return reason
        if self.requirement is not None:
            return self.requirement(kind)
        return None

    def create(self, problem: "Problem", device: str) -> Trainer:
        reason = self.unavailable_reason(device, problem.config)
        if reason:
            raise BackendUnavailable(reason)
        module_name, cls_name = self.target.split(":")
        cls = getattr(importlib.import_module(module_name), cls_name)
        return cls(problem, device)


def _two_hidden_layers(config: "WorkloadConfig") -> str | None:
    if not config.is_builtin:
        return (f"the fused kernels are written for the built-in MLP (the seed's 10→100→50→1 family), "
                f"not for the workload {config.name!r}")
    if len(config.hidden) != 2:
        return (f"the fused kernels are written for two hidden layers (the seed's 10→100→50→1 family), "
                f"got --hidden {','.join(map(str, config.hidden))}")
    return None


def _requires_cc(kind: str) -> str | None:
    from mlpbench.workload.backends import cbuild

    return cbuild.unavailable_reason()


def _requires_triton(kind: str) -> str | None:
    from mlpbench.workload.backends import triton_fused

    return triton_fused.unavailable_reason(kind)


def _builtin_mlp(config: "WorkloadConfig") -> str | None:
    if not config.is_builtin:
        return f"the jax backend re-implements the built-in MLP only, not the workload {config.name!r}"
    return None


def _requires_jax(kind: str) -> str | None:
    from mlpbench.workload.backends import jax_backend

    return jax_backend.unavailable_reason(kind)


_ALL = (
    BackendInfo("eager", "the seed's loop, unchanged", ("cpu", "cuda", "mps"), "mlpbench.workload.backends.eager:EagerTrainer",
                sources=("eager.py",)),
    BackendInfo(
        "tuned",
        "fused Adam (a workload's own optimizer where it brings one), set_to_none, losses kept on the device, threads "
        "and denormals tuned",
        ("cpu", "cuda", "mps"),
        "mlpbench.workload.backends.tuned:TunedTrainer",
        sources=("tuned.py", "threads.py"),
    ),
    BackendInfo(
        "compile",
        "torch.compile of the step (reduce-overhead on CUDA); compile time is its own phase",
        ("cpu", "cuda"),
        "mlpbench.workload.backends.compiled:CompiledTrainer",
        sources=("compiled.py",),
    ),
    BackendInfo(
        "cuda-graph",
        "the whole step (forward, backward, capturable Adam) captured once and replayed",
        ("cuda",),
        "mlpbench.workload.backends.cuda_graph:CudaGraphTrainer",
        sources=("cuda_graph.py",),
    ),
    BackendInfo(
        "fused",
        "hand-fused forward, backward and Adam: C with SIMD and OpenMP on the CPU, Triton on CUDA",
        ("cpu", "cuda"),
        "mlpbench.workload.backends.fused:create_fused",
        lambda kind: _requires_cc(kind) if kind == "cpu" else _requires_triton(kind),
        shapes=_two_hidden_layers,
        precisions=("fp32", "tf32"),
        sources_on=(("cpu", ("cpu_fused.py", "mlp_fused.c")), ("cuda", ("triton_fused.py",))),
    ),
    BackendInfo(
        "jax",
        "the whole loop jitted with lax.scan (optional extra mlpbench[jax])",
        ("cpu", "cuda"),
        "mlpbench.workload.backends.jax_backend:JaxTrainer",
        _requires_jax,
        shapes=_builtin_mlp,
        sources=("jax_backend.py",),
    ),
)
BACKENDS: dict[str, BackendInfo] = {b.name: b for b in _ALL}


def get(name: str) -> BackendInfo:
    try:
        return BACKENDS[name]
    except KeyError:
        raise UsageError(f"unknown backend {name!r}: choose one of {', '.join(BACKENDS)}") from None


def expand(spec: str) -> list[str]:
    """``all`` or a comma-separated list of backend names, validated and de-duplicated."""
    names = list(BACKENDS) if spec.strip() == "all" else [s.strip() for s in spec.split(",") if s.strip()]
    if not names:
        raise UsageError("--backends needs at least one name, or 'all'")
    for name in names:
        get(name)
    return list(dict.fromkeys(names))
