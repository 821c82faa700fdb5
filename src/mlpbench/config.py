"""The workload's configuration: one frozen dataclass, validated where it enters.

Defaults are the user's scripts exactly: 500 samples of 10 features, hidden widths 100 and 50,
one output, Adam with lr 1e-3, 1001 full-batch updates, seed 42, an 80/20 split, noise 0.1 and a
log line every 100 steps.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, replace
from typing import Any

from mlpbench.errors import UsageError

PRECISIONS = ("fp32", "tf32", "bf16")


@dataclass(frozen=True)
class WorkloadConfig:
    n: int = 500  # samples in total, train and test together
    d_in: int = 10  # input features
    hidden: tuple[int, ...] = (100, 50)  # hidden layer widths, one ReLU after each
    d_out: int = 1  # outputs
    steps: int = 1001  # optimizer updates (the seed's ``for t in range(1001)``)
    lr: float = 1e-3  # Adam learning rate
    seed: int = 42  # torch.manual_seed before data and weights are drawn
    train_fraction: float = 0.8  # the first int(n * train_fraction) rows train, the rest test
    noise: float = 0.1  # y = sum(x**2) + noise * randn
    log_every: int = 100  # a "Step t: Train Loss" line every log_every steps (and at step 0)
    batch_size: int | None = None  # rows per update; None = the whole training set (the seed)
    precision: str = "fp32"  # fp32 (the seed), or tf32 / bf16, which change the numerics

    def __post_init__(self) -> None:
        object.__setattr__(self, "hidden", tuple(int(h) for h in self.hidden))

    # ----- derived sizes -------------------------------------------------------------------
    @property
    def n_train(self) -> int:
        """Rows used for training: the seed's ``split_idx = int(N * 0.8)``."""
        return int(self.n * self.train_fraction)

    @property
    def n_test(self) -> int:
        return self.n - self.n_train

    @property
    def batch_rows(self) -> int:
        """Rows in one update's batch."""
        return self.n_train if self.batch_size is None else self.batch_size

    @property
    def layer_sizes(self) -> tuple[int, ...]:
        return (self.d_in, *self.hidden, self.d_out)

    @property
    def parameter_count(self) -> int:
        sizes = self.layer_sizes
        return sum(a * b + b for a, b in zip(sizes, sizes[1:]))

    def validate(self) -> "WorkloadConfig":
        """Raise UsageError with a one-line reason if this workload cannot run."""
        _require_int("n", self.n, minimum=1)
        _require_int("d_in", self.d_in, minimum=1)
        _require_int("d_out", self.d_out, minimum=1)
        _require_int("steps", self.steps, minimum=1)
        _require_int("log_every", self.log_every, minimum=1)
        _require_int("seed", self.seed, minimum=0)
        if self.seed >= 2**63:
            raise UsageError(f"--seed must be below 2**63, got {self.seed}")
        if not self.hidden:
            raise UsageError("--hidden needs at least one width, e.g. --hidden 100,50")
        for width in self.hidden:
            if width < 1:
                raise UsageError(f"--hidden widths must be positive integers, got {_fmt_hidden(self.hidden)}")
        if not (isinstance(self.lr, (int, float)) and math.isfinite(self.lr) and self.lr > 0):
            raise UsageError(f"--lr must be a positive finite number, got {self.lr}")
        if not (0.0 < self.train_fraction < 1.0):
            raise UsageError(f"the train fraction must lie strictly between 0 and 1, got {self.train_fraction}")
        if not (math.isfinite(self.noise) and self.noise >= 0):
            raise UsageError(f"the noise level must be a finite number >= 0, got {self.noise}")
        if self.n_train < 1 or self.n_test < 1:
            raise UsageError(
                f"--n {self.n} with a train fraction of {self.train_fraction} leaves "
                f"{self.n_train} training and {self.n_test} test rows; both splits need at least one row"
            )
        if self.batch_size is not None:
            _require_int("batch-size", self.batch_size, minimum=1)
            if self.batch_size > self.n_train:
                raise UsageError(
                    f"--batch-size {self.batch_size} is larger than the {self.n_train} training rows"
                )
        if self.precision not in PRECISIONS:
            raise UsageError(f"--precision must be one of {', '.join(PRECISIONS)}, got {self.precision!r}")
        limit = 2**31 - 1  # torch indexes one tensor dimension with 64 bits, but kernels here use 32
        widest = max(self.layer_sizes)
        if self.n * widest >= limit:
            raise UsageError(
                f"--n {self.n} with a layer of width {widest} needs a {self.n} x {widest} tensor; "
                f"keep n x width below {limit:,}"
            )
        return self

    # ----- arithmetic -------------------------------------------------------------------------
    def train_flops_per_step(self) -> int:
        """Floating-point operations of one update, counted analytically.

        A linear layer ``in -> out`` on a batch of B rows costs ``2*B*in*out`` in the forward pass
        (a multiply and an add per weight per row), as much again for its weight gradient, and
        as much again for its input gradient, which the first layer does not need. Bias, ReLU,
        loss and Adam are O(B*width + params) and left out: they are small and memory-bound.
        For the seed: 2*400*(2*6050 + 5050) = 13.72 MFLOP a step.
        """
        sizes = self.layer_sizes
        macs = [a * b for a, b in zip(sizes, sizes[1:])]
        return 2 * self.batch_rows * (2 * sum(macs) + sum(macs[1:]))

    def train_flops(self) -> int:
        return self.steps * self.train_flops_per_step()

    def estimated_bytes(self) -> int:
        """A generous estimate of the memory the job needs (data, activations, gradients, Adam)."""
        floats = self.n * (self.d_in + self.d_out)  # the data
        floats += 4 * self.batch_rows * sum(self.layer_sizes)  # activations, their grads, masks
        floats += 4 * self.parameter_count  # weights, grads, two Adam moments
        return 4 * floats

    # ----- serialisation ------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["hidden"] = list(self.hidden)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "WorkloadConfig":
        known = {f for f in cls.__dataclass_fields__}
        unknown = set(data) - known
        if unknown:
            raise UsageError(f"unknown workload field(s): {', '.join(sorted(unknown))}")
        values = dict(data)
        if "hidden" in values:
            values["hidden"] = tuple(values["hidden"])
        return cls(**values)

    def with_changes(self, **changes: Any) -> "WorkloadConfig":
        return replace(self, **changes)

    def describe(self) -> str:
        batch = "full batch" if self.batch_size is None else f"batch {self.batch_size}"
        return (
            f"n={self.n} ({self.n_train} train / {self.n_test} test), "
            f"{'→'.join(str(s) for s in self.layer_sizes)}, {self.steps} steps, {batch}, "
            f"Adam lr={self.lr:g}, seed {self.seed}, {self.precision}"
        )


def _require_int(name: str, value: Any, *, minimum: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise UsageError(f"--{name} must be an integer, got {value!r}")
    if value < minimum:
        raise UsageError(f"--{name} must be at least {minimum}, got {value}")


def _fmt_hidden(hidden: tuple[int, ...]) -> str:
    return ",".join(str(h) for h in hidden)


def parse_hidden(text: str) -> tuple[int, ...]:
    """Parse ``--hidden 100,50`` into (100, 50); one line of advice on anything else."""
    parts = [p.strip() for p in text.split(",")]
    try:
        widths = tuple(int(p) for p in parts)
    except ValueError:
        raise UsageError(f"--hidden takes comma-separated integers such as 100,50, got {text!r}") from None
    if not widths or any(w < 1 for w in widths):
        raise UsageError(f"--hidden widths must be positive integers, got {text!r}")
    return widths
