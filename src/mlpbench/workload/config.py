"""What is trained and how: one frozen, typed configuration, validated where it enters.

Defaults are the user's scripts exactly: the built-in MLP (500 samples of 10 features, hidden
widths 100 and 50, one output, noise 0.1), Adam with lr 1e-3, 1001 full-batch updates, seed 42,
an 80/20 split and a log line every 100 steps. ``workload`` names a workload file instead of the
built-in MLP; the MLP's own fields (d_in, hidden, d_out, noise) then do not apply.

Pure Python (no torch): results files embed it, and a report is drawn without importing torch.
"""

from __future__ import annotations

import math
import numbers
from typing import Any

import msgspec

from mlpbench.errors import UsageError

PRECISIONS = ("fp32", "tf32", "bf16")
# How far a run's losses may lie from the CPU eager loop's, by precision: (relative tolerance of the
# logged train losses through the first half of the run, tolerance of every logged and the test loss).
# Float32 sums in different orders (BLAS builds, devices, fused kernels) stay inside the first.
PARITY = {"fp32": (1e-3, 0.05), "tf32": (1e-2, 0.10), "bf16": (5e-2, 0.25)}
BUILTIN = "mlp"  # the name of the built-in workload: the seed's three-layer MLP
BUILTIN_WORD = "builtin"  # what --workload (and the API's ``workload``) takes to name it where the default is none
SEED_SCRIPTS = ("three_layer_nn_pytorch.py", "three_layer_nn_pytorch_cuda.py")  # the user's two scripts


class WorkloadConfig(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    workload: str | None = None  # a workload file (build_model, make_data, ...); None: the built-in MLP
    n: int = 500  # samples in total, train and test together
    d_in: int = 10  # built-in MLP: input features
    hidden: tuple[int, ...] = (100, 50)  # built-in MLP: hidden layer widths, one ReLU after each
    d_out: int = 1  # built-in MLP: outputs
    noise: float = 0.1  # built-in MLP: y = sum(x**2) + noise * randn
    steps: int = 1001  # optimizer updates (the seed's ``for t in range(1001)``)
    lr: float = 1e-3  # learning rate of the default optimizer (Adam)
    seed: int = 42  # torch.manual_seed before data and weights are drawn
    train_fraction: float = 0.8  # the first int(n * train_fraction) rows train, the rest test
    log_every: int = 100  # a "Step t: Train Loss" line every log_every steps (and at step 0)
    batch_size: int | None = None  # rows per update; None = the whole training set (the seed)
    precision: str = "fp32"  # fp32 (the seed), or tf32 / bf16, which change the numerics

    # ----- derived sizes -------------------------------------------------------------------------
    @property
    def is_builtin(self) -> bool:
        return self.workload is None

    @property
    def name(self) -> str:
        """The workload's name: ``mlp`` or the workload file's stem."""
        if self.workload is None:
            return BUILTIN
        base = self.workload.replace("\\", "/").rsplit("/", 1)[-1]
        return base[:-3] if base.endswith(".py") else base

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
        """Built-in MLP: the width of every layer, input to output."""
        return (self.d_in, *self.hidden, self.d_out)

    @classmethod
    def from_call(cls, workload: str | None, options: dict[str, Any]) -> "WorkloadConfig":
        """A configuration from a notebook call's keywords, read as the command line reads its flags:
        ``hidden="100,50"``, ``hidden=100`` and ``hidden=[100, 50]`` are widths; numpy numbers are numbers."""
        return cls(workload=workload, **{name: _as_called(name, value) for name, value in options.items()})

    def with_changes(self, **changes: Any) -> "WorkloadConfig":
        return msgspec.structs.replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        return msgspec.to_builtins(self)

    # ----- validation ------------------------------------------------------------------------------
    def check_mlp_settings(self) -> "WorkloadConfig":
        """A new run's settings of the built-in MLP (its widths; d_in, d_out and noise, the API's alone) beside a
        workload, which builds its own model and data: refused, not ignored. (A results file is read as it is.)"""
        default = WorkloadConfig()
        mlp = [("--hidden" if name == "hidden" else name) for name in ("hidden", "d_in", "d_out", "noise")
               if getattr(self, name) != getattr(default, name)]
        if self.workload is not None and mlp:
            raise UsageError(f"{', '.join(mlp)}: only the built-in MLP takes {'it' if len(mlp) == 1 else 'them'}; "
                             f"the workload {self.name!r} builds its own model and data")
        return self

    def check_ranks(self, ranks: int) -> "WorkloadConfig":
        """Data-parallel ranks each take a share of every batch: a rank left with no rows averages an empty loss
        (NaN), which read as training that diverged."""
        if self.batch_rows < ranks:
            raise UsageError(f"{ranks} data-parallel ranks split each batch of {self.batch_rows} row"
                             f"{'' if self.batch_rows == 1 else 's'}, leaving some with none; give each batch at "
                             f"least {ranks} rows (--batch-size) or use fewer ranks")
        return self

    def validate(self) -> "WorkloadConfig":
        """Raise UsageError with a one-line reason if this workload cannot run."""
        _require_int("n", self.n, minimum=1)
        _require_int("steps", self.steps, minimum=1)
        _require_int("log_every", self.log_every, minimum=1)
        _require_int("seed", self.seed, minimum=0)
        if self.seed >= 2**63:
            raise UsageError(f"--seed must be below 2**63, got {self.seed}")
        if not (isinstance(self.lr, (int, float)) and math.isfinite(self.lr) and self.lr > 0):
            raise UsageError(f"--lr must be a positive finite number, got {self.lr}")
        if not (0.0 < self.train_fraction < 1.0):
            raise UsageError(f"the train fraction must lie strictly between 0 and 1, got {self.train_fraction}")
        if self.n_train < 1 or self.n_test < 1:
            raise UsageError(
                f"--n {self.n} with a train fraction of {self.train_fraction} leaves "
                f"{self.n_train} training and {self.n_test} test rows; both splits need at least one row"
            )
        if self.batch_size is not None:
            _require_int("batch-size", self.batch_size, minimum=1)
            if self.batch_size > self.n_train:
                raise UsageError(f"--batch-size {self.batch_size} is larger than the {self.n_train} training rows")
        if self.precision not in PRECISIONS:
            raise UsageError(f"--precision must be one of {', '.join(PRECISIONS)}, got {self.precision!r}")
        if self.workload is not None:
            if not self.workload.strip():
                raise UsageError("--workload needs the path of a workload file")
            return self
        return self._validate_mlp()

    def _validate_mlp(self) -> "WorkloadConfig":
        _require_int("d_in", self.d_in, minimum=1)
        _require_int("d_out", self.d_out, minimum=1)
        if not isinstance(self.hidden, tuple):
            raise UsageError(f"--hidden takes widths, e.g. --hidden 100,50; got {self.hidden!r}")
        if not self.hidden:
            raise UsageError("--hidden needs at least one width, e.g. --hidden 100,50")
        for width in self.hidden:
            if isinstance(width, bool) or not isinstance(width, int) or width < 1:
                raise UsageError(f"--hidden widths must be positive integers, got {format_hidden(self.hidden)}")
        if not (math.isfinite(self.noise) and self.noise >= 0):
            raise UsageError(f"the noise level must be a finite number >= 0, got {self.noise}")
        limit = 2**31 - 1  # torch indexes one tensor dimension with 64 bits, but kernels here use 32
        widest = max(self.layer_sizes)
        if self.n * widest >= limit:
            raise UsageError(
                f"--n {self.n} with a layer of width {widest} needs a {self.n} x {widest} tensor; "
                f"keep n x width below {limit:,}"
            )
        return self


def _require_int(name: str, value: Any, *, minimum: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise UsageError(f"--{name} must be an integer, got {value!r}")
    if value < minimum:
        raise UsageError(f"--{name} must be at least {minimum}, got {value}")


_INTEGERS = ("n", "d_in", "d_out", "steps", "seed", "log_every", "batch_size")
_REALS = ("lr", "noise", "train_fraction")


def _as_called(name: str, value: Any) -> Any:
    """One keyword's value as its field holds it; anything else is left for ``validate`` to refuse by name."""
    if name == "hidden":
        if isinstance(value, str):
            return parse_hidden(value)
        if isinstance(value, numbers.Integral) and not isinstance(value, bool):
            return (int(value),)
        if isinstance(value, (list, tuple)):
            return tuple(int(w) if isinstance(w, numbers.Integral) and not isinstance(w, bool) else w for w in value)
    elif isinstance(value, bool):
        return value
    elif name in _INTEGERS and isinstance(value, numbers.Integral):
        return int(value)
    elif name in _REALS and isinstance(value, numbers.Real):
        return float(value)
    return value


def format_hidden(hidden: tuple[int, ...]) -> str:
    return ",".join(str(h) for h in hidden)


def parse_hidden(text: str) -> tuple[int, ...]:
    """Parse ``--hidden 100,50`` into (100, 50); one line of advice on anything else."""
    parts = [p.strip() for p in text.split(",")]
    try:
        widths = tuple(int(p) for p in parts)
    except ValueError:
        raise UsageError(f"--hidden takes comma-separated integers, e.g. --hidden 100,50; got {text!r}") from None
    if not widths or any(w < 1 for w in widths):
        raise UsageError(f"--hidden widths must be positive integers, got {text!r}")
    return widths
