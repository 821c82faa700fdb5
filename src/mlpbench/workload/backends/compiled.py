"""``compile``: torch.compile of the training step; its compile time is the ``compile`` phase.

The forward pass and loss are one compiled graph (AOTAutograd compiles its backward too) and the
optimizer step another; on CUDA both use mode="reduce-overhead", which replays them as CUDA
graphs. ``compile()`` runs a few warm-up steps so that compiling and graph recording happen
there, then restores the initial weights and optimizer state in place (the graphs keep their
addresses), so the timed run does exactly ``steps`` updates from the same start.

The two graph breaks it records are torch's own: ``Optimizer.step``'s wrapper breaks before and
after the step on purpose (torch/optim/optimizer.py ``_use_grad``, pytorch#104053), so one step runs
the forward, backward and optimizer graphs with host work between them. On the H200 (2026-11-27)
that made 1183 µs a step with no CUDA graph skipped and 64 µs of device time: host time, not capture,
is what keeps it from the hand-captured graph's 130 µs. Compiling the whole step as one function
instead does not give one graph either (torch 2.13, tried on the CPU): dynamo breaks at
``Tensor.backward()`` (unless ``trace_autograd_ops``), at that same break in ``Optimizer.step`` and
at ``Optimizer.zero_grad`` (which it skips on purpose): five graphs, and slower than this split.
"""

from __future__ import annotations

import copy
import logging

import torch
from torch import optim

from mlpbench.errors import BackendUnavailable
from mlpbench.workload.backends import load_initial, precision, report_losses
from mlpbench.workload.backends.eager import EagerTrainer
from mlpbench.workload.problem import LogCallback, Problem, reseed

WARMUP_STEPS = 3  # compile, record the CUDA graphs, replay once


def reset_optimizer_state(optimizer: optim.Optimizer) -> None:
    """Back to a fresh optimizer without replacing any tensor (compiled code holds them): every state
    tensor zeroed, which is a fresh optimizer only where its fresh state is zeros (``require_zero_start``)."""
    for state in optimizer.state.values():
        for value in state.values():
            if isinstance(value, torch.Tensor):
                value.zero_()


def require_zero_start(trainer: EagerTrainer, steps: int = 2) -> None:
    """Refuse an optimizer whose fresh state is not all zeros (NAdam's ``mu_product`` starts at 1, Adagrad's
    ``sum`` at ``initial_accumulator_value``, SGD with dampening): the timed runs after ``reset`` would train
    differently from eager. Found by trying it on a copy, before the first step: ``steps`` steps from fresh,
    then the same steps again from zeroed state; the two must agree. Untimed work of the compile phase."""
    model, optimizer = copy.deepcopy((trainer.model, trainer.optimizer))  # one memo: the copy's optimizer holds the copy's weights

    def steps_from_start() -> list[torch.Tensor]:
        load_initial(model, trainer.problem)
        reseed(trainer.problem)  # a model that draws random numbers draws the same ones both times
        for t in range(steps):
            x, y = trainer.batch(t)
            trainer.loss_fn(model(x), y).backward()
            optimizer.step()
            optimizer.zero_grad(set_to_none=True)
        return [p.detach().clone() for p in model.parameters()]

    fresh = steps_from_start()
    reset_optimizer_state(optimizer)
    again = steps_from_start()
    if not all(torch.allclose(a, b, rtol=1e-5, atol=1e-7) for a, b in zip(fresh, again)):
        raise BackendUnavailable(
            f"{type(trainer.optimizer).__name__}'s fresh state is not all zeros (its first {steps} steps after zeroing "
            f"its state differ from a fresh one's), and this backend can only zero it in place, so its timed runs "
            f"would train differently from eager's")


class CompiledTrainer(EagerTrainer):
    compiles = True

    def __init__(self, problem: Problem, device: str, optimizer_mode: str | None = None) -> None:
        super().__init__(problem, device)
        self.mode = "reduce-overhead" if device.startswith("cuda") else "default"
        self.optimizer_mode = optimizer_mode or self.mode
        self._loss = torch.compile(self._forward_loss, mode=self.mode, dynamic=False)
        self._step = torch.compile(self._optimizer_step, mode=self.optimizer_mode, dynamic=False)

    def _forward_loss(self, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        with precision.autocast(self.config.precision, self.device):
            return self.loss_fn(self.model(x), y)

    def _optimizer_step(self) -> None:
        self.optimizer.step()

    def compile(self) -> None:
        """Compile and record the graphs (warm-up steps), noting whether CUDA graphs were used: inductor
        counts every graph it would have captured but skipped, and logs why."""
        from torch._dynamo.utils import counters

        require_zero_start(self)
        skips_before = counters["inductor"]["cudagraph_skips"]
        breaks_before = sum(counters["graph_break"].values())
        reasons = _Reasons()
        logger = logging.getLogger("torch._inductor.cudagraph_utils.__cudagraphs")
        logger.addHandler(reasons)
        try:
            self.train(steps=WARMUP_STEPS)
        finally:
            logger.removeHandler(reasons)
        self.cudagraph_skips = counters["inductor"]["cudagraph_skips"] - skips_before
        self.graph_breaks = sum(counters["graph_break"].values()) - breaks_before
        self.skip_reasons = reasons.messages
        self.reset()

    def reset(self) -> None:
        load_initial(self.model, self.problem)
        reset_optimizer_state(self.optimizer)
        self.optimizer.zero_grad(set_to_none=True)

    def train(self, on_log: LogCallback | None = None, steps: int | None = None) -> dict[int, float]:
        steps, every = steps or self.config.steps, self.config.log_every
        graphs = self.mode == "reduce-overhead"
        kept: list[torch.Tensor] = []
        with precision.matmul_mode(self.config.precision, self.device):
            for t in range(steps):
                if graphs:
                    torch.compiler.cudagraph_mark_step_begin()
                x, y = self.batch(t)
                loss = self._loss(x, y)
                if t % every == 0:
                    kept.append(loss.detach().float().clone())  # a copy: graph outputs are overwritten
                loss.backward()
                self._step()
                self.optimizer.zero_grad(set_to_none=True)
        values = torch.stack(kept).tolist()  # note: the one CPU-GPU sync point of the loop
        return report_losses(values, steps, every, on_log)

    def describe(self) -> dict[str, object]:
        facts: dict[str, object] = {"mode": self.mode, "optimizer_mode": self.optimizer_mode, "torch": torch.__version__,
                                    "graph_breaks": getattr(self, "graph_breaks", None)}
        if self.mode == "reduce-overhead":
            facts.update(cudagraph_skips=getattr(self, "cudagraph_skips", None),
                         cudagraph_skip_reasons=getattr(self, "skip_reasons", [])[:5])
        return facts


class _Reasons(logging.Handler):
    """Keeps the messages inductor logs when it skips a CUDA graph (where its logger lets them through)."""

    def __init__(self) -> None:
        super().__init__()
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage()[:300])
