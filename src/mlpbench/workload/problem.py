"""A workload made concrete: data, the initial model, batches, the seed's evaluation and log lines.

Everything random is drawn on the CPU exactly as the seed does it (``torch.manual_seed``, the data,
then the model's default initialisation from the same stream), so that every device and every
backend starts from the same numbers and the seed's printed values reproduce.
"""

from __future__ import annotations

import copy
import math
import warnings
from dataclasses import dataclass
from typing import Callable

import torch
from torch import nn

from mlpbench.errors import UsageError
from mlpbench.workload.config import WorkloadConfig
from mlpbench.workload.contract import Workload, call, load_file

LogCallback = Callable[[int, float], None]
SHOWN_PREDICTIONS = 5


@dataclass
class Dataset:
    x_train: torch.Tensor
    y_train: torch.Tensor
    x_test: torch.Tensor
    y_test: torch.Tensor

    def to(self, device: torch.device | str) -> "Dataset":
        return Dataset(*(t.to(device) for t in (self.x_train, self.y_train, self.x_test, self.y_test)))


@dataclass
class Problem:
    """The data and the initial model that every backend starts from."""

    config: WorkloadConfig
    workload: Workload
    data: Dataset
    model: nn.Module  # the initial model, on the CPU: a template every trainer copies
    rng_state: torch.Tensor | None = None  # the CPU generator as it stood after the model was drawn

    def to(self, device: torch.device | str) -> "Problem":
        """The data copied to ``device`` (the model template stays on the CPU)."""
        return Problem(self.config, self.workload, self.data.to(device), self.model, self.rng_state)

    def new_model(self, device: str) -> nn.Module:
        """A fresh copy of the initial model on ``device``."""
        return copy.deepcopy(self.model).to(device)

    @property
    def initial_params(self) -> list[torch.Tensor]:
        """The initial weights in the model's parameter order (for backends that keep their own)."""
        return [p.detach() for p in self.model.parameters()]

    @property
    def classifies(self) -> bool:
        """Integer targets: class labels (predictions are shown as the arg-max class)."""
        return not torch.is_floating_point(self.data.y_train)


def load_workload(config: WorkloadConfig, expected_sha256: str | None = None) -> Workload:
    """The workload a configuration names: the built-in MLP, or its workload file."""
    if config.workload is None:
        from mlpbench.workload import mlp

        return mlp.workload(config)
    return load_file(config.workload, expected_sha256)


def make_problem(workload: Workload, config: WorkloadConfig) -> Problem:
    """Seed the generator, draw the data, then the model (same stream, as in the seed)."""
    torch.manual_seed(config.seed)
    data = call(workload, f"make_data({config.n}, {config.seed})", workload.make_data, config.n, config.seed)
    if not (isinstance(data, (tuple, list)) and len(data) == 2):  # a Dataset, one tensor, three of them
        raise UsageError(f"workload {_where(workload)}: make_data(n, seed) must return (x, y) torch tensors, got "
                         f"{_kind_of(data)}")
    x, y = data
    _check_data(workload, x, y, config.n)
    model = call(workload, "build_model()", workload.build_model)
    if not isinstance(model, nn.Module):
        raise UsageError(f"workload {_where(workload)}: build_model() must return a torch.nn.Module, "
                         f"got {type(model).__name__}")
    split = config.n_train
    return Problem(config, workload, Dataset(x[:split], y[:split], x[split:], y[split:]), model, torch.get_rng_state())


def reseed(problem: Problem) -> None:
    """Before every training run: the generators as a plain script's would stand when its loop begins (the
    seed on every device, the CPU's stream just past the data and the model), so that a model which draws
    random numbers as it trains (dropout) draws the same ones in every run of a target. Untimed."""
    torch.manual_seed(problem.config.seed)
    if problem.rng_state is not None:
        torch.set_rng_state(problem.rng_state)


def draws_random(problem: Problem) -> bool:
    """Whether the model's training-mode forward pass or its loss draws random numbers (dropout, DropPath, a
    noisy loss): the CPU generator moves, or two passes under different seeds differ. Such runs are alike only
    on one device and backend, whose generators draw the same numbers from the same state. Untimed; the
    generators are left as they were."""
    rows = problem.data.x_train[: min(2, problem.config.batch_rows)].cpu()
    y = problem.data.y_train[: rows.shape[0]].cpu()
    state = torch.get_rng_state()
    model = problem.new_model("cpu")
    try:
        with torch.no_grad():
            outputs = []
            for seed in (1, 2):
                torch.manual_seed(seed)
                start = torch.get_rng_state()
                out = model(rows)
                problem.workload.loss()(out, y)
                if not torch.equal(torch.get_rng_state(), start):
                    return True
                outputs.append(out)
        return all(isinstance(o, torch.Tensor) for o in outputs) and not torch.equal(*outputs)
    except Exception:  # noqa: BLE001 - the model's own failures are said by check(), not here
        return False
    finally:
        torch.set_rng_state(state)


def _where(workload: Workload) -> str:
    return workload.source.path if workload.source else workload.name


def _kind_of(value: object) -> str:
    """What was returned, in words: "a TensorDataset", "a tuple of 3"."""
    if isinstance(value, (tuple, list)):
        return f"a {type(value).__name__} of {len(value)}"
    return f"a {type(value).__name__}" if value is not None else "None"


def _check_data(workload: Workload, x: object, y: object, n: int) -> None:
    where = _where(workload)
    if not (isinstance(x, torch.Tensor) and isinstance(y, torch.Tensor)):
        raise UsageError(f"workload {where}: make_data(n, seed) must return (x, y) torch tensors, got "
                         f"({type(x).__name__}, {type(y).__name__})")
    if x.dim() == 0 or y.dim() == 0 or x.shape[0] != n or y.shape[0] != n:
        raise UsageError(f"workload {where}: make_data({n}, seed) must return {n} rows of x and of y, got "
                         f"x {tuple(x.shape)} and y {tuple(y.shape)}")
    if x.device.type != "cpu" or y.device.type != "cpu":
        raise UsageError(f"workload {where}: make_data must return CPU tensors (mlpbench moves them), got {x.device}")
    if not torch.is_floating_point(x):
        raise UsageError(f"workload {where}: x must be a floating-point tensor, got {x.dtype}")


def check(problem: Problem, ranks: int = 1, optimizer: bool = True) -> None:
    """The model accepts the data and the loss accepts the model's output: one forward pass on two
    rows (or the fewest one of ``ranks`` data-parallel ranks gets) and the loss, so that a mismatch is
    one clear line before any measurement starts."""
    workload, data = problem.workload, problem.data
    # a batch of one is what BatchNorm refuses; a rank's share of a batch may be one
    rows = min(2, data.x_train.shape[0], problem.config.batch_rows // ranks)
    model = problem.new_model("cpu")
    loss_is = ("the loss on the model's output and y (loss_fn(prediction, y))" if workload.custom_loss else
               "the default loss, nn.MSELoss, on the model's output and y (define loss_fn(prediction, y) for another)")
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # torch's broadcasting warning: the error below says it in one line
        share = (f", one of {ranks} data-parallel ranks' share of a batch of {problem.config.batch_rows}"
                 if rows < min(2, data.x_train.shape[0], problem.config.batch_rows) else "")
        out = call(workload, f"the model on the first {rows} rows of the data (build_model()(x))" if rows > 1 else
                   f"the model on the first row of the data{share} (build_model()(x))", model,
                   data.x_train[:rows])
        if not isinstance(out, torch.Tensor):
            raise UsageError(f"workload {_where(workload)}: the model must return a tensor, got {type(out).__name__}")
        y = data.y_train[:rows]
        if not workload.custom_loss and out.shape != y.shape:  # MSELoss broadcasts (2, 2) against (2,) here, not at 400
            raise UsageError(f"workload {_where(workload)}: the default loss, nn.MSELoss, needs the model's output shaped "
                             f"like y, got {tuple(out.shape)} and {tuple(y.shape)} (define loss_fn(prediction, y) for "
                             "another, e.g. nn.CrossEntropyLoss() for class labels)")
        loss_fn = workload.loss()
        loss = call(workload, loss_is, loss_fn, out, y)
    if not (isinstance(loss, torch.Tensor) and loss.numel() == 1):
        raise UsageError(f"workload {_where(workload)}: loss_fn(prediction, y) must return one number (a scalar "
                         f"tensor), got {tuple(getattr(loss, 'shape', ())) or type(loss).__name__}")
    _check_labels(problem, loss_fn, out)
    if optimizer and workload.custom_optimizer:  # "adam" for an optimizer died in training: no zero_grad
        check_optimizer(workload, call(workload, "make_optimizer(params)", workload.make_optimizer, model.parameters(),
                                       problem.config.lr))
    if workload.flops_per_step is not None:  # read after training: "lots" lost the run to a traceback there
        batch = problem.config.batch_rows
        flops = call(workload, f"flops_per_step({batch})", workload.flops_per_step, batch)
        try:
            value = float(flops) if not isinstance(flops, (str, bytes, bool)) else math.nan  # a number, numpy's, a tensor
        except (TypeError, ValueError, RuntimeError):
            value = math.nan
        if not math.isfinite(value) or value < 0:
            raise UsageError(f"workload {_where(workload)}: flops_per_step(batch) must return a number of FLOPs "
                             f"(0 or more), got {flops!r:.40}")


def check_optimizer(workload: Workload, built: object) -> None:
    """What make_optimizer built can train: a torch optimizer, or anything with its step() and zero_grad()."""
    if not isinstance(built, torch.optim.Optimizer) and not (callable(getattr(built, "step", None))
                                                             and callable(getattr(built, "zero_grad", None))):
        raise UsageError(f"workload {_where(workload)}: make_optimizer(params) must return a torch.optim.Optimizer "
                         f"(or an object with its step() and zero_grad()), got {_kind_of(built)}")


def _check_labels(problem: Problem, loss_fn: object, out: torch.Tensor) -> None:
    """Class labels the model's scores cannot index (10 classes, labels up to 11): the rows tried above may not hold
    one, and training then died with the loss's IndexError at whichever batch did. Every label is read once."""
    if not isinstance(loss_fn, (nn.CrossEntropyLoss, nn.NLLLoss)) or out.dim() < 2:
        return
    data = problem.data
    labels = torch.cat([data.y_train.reshape(-1), data.y_test.reshape(-1)])
    if torch.is_floating_point(labels) or labels.numel() == 0:
        return  # class probabilities, not indices
    labels = labels[labels != loss_fn.ignore_index]
    classes = out.shape[1]
    if labels.numel() and (int(labels.min()) < 0 or int(labels.max()) >= classes):
        raise UsageError(f"workload {_where(problem.workload)}: the labels y run from {int(labels.min())} to "
                         f"{int(labels.max())}, but the model gives {classes} class scores (its output is "
                         f"{tuple(out.shape)}); nn.{type(loss_fn).__name__} needs every label in 0..{classes - 1}")


def parameter_count(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())


def batches(config: WorkloadConfig, x: torch.Tensor, y: torch.Tensor) -> Callable[[int], tuple[torch.Tensor, torch.Tensor]]:
    """The batch of update t. Full batch by default; mini-batches are contiguous slices of the
    training set taken in order, dropping the last partial one, so every backend sees the same
    batches without needing a random generator."""
    if config.batch_size is None or config.batch_size >= x.shape[0]:
        return lambda t: (x, y)
    size = config.batch_size
    count = x.shape[0] // size
    xs = [x[i * size:(i + 1) * size] for i in range(count)]
    ys = [y[i * size:(i + 1) * size] for i in range(count)]
    return lambda t: (xs[t % count], ys[t % count])


def batch_offsets(config: WorkloadConfig) -> list[int]:
    """First row of each mini-batch, in the order ``batches`` uses them (for kernels that index)."""
    size = config.batch_rows
    return [i * size for i in range(config.n_train // size)]


@dataclass
class Evaluation:
    test_loss: float
    predictions: list[tuple[float, float]]  # (prediction, truth) for the first test rows
    classes: bool = False  # predictions are class indices


def evaluate(model: nn.Module, problem: Problem, loss_fn: Callable[..., torch.Tensor] | None = None,
             shown: int = SHOWN_PREDICTIONS) -> Evaluation:
    """The seed's evaluation: eval mode, no_grad forward on the test set, the loss, and the first
    predictions next to the truth (the arg-max class for a classifier).

    Results are copied back to the host here, so an asynchronous device is finished afterwards.
    """
    data = problem.data
    loss_fn = loss_fn or problem.workload.loss()
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            y_pred = model(data.x_test)
            test_loss = loss_fn(y_pred, data.y_test)
            k = min(shown, data.x_test.shape[0])
            if problem.classifies:
                pred, truth = y_pred[:k].argmax(dim=1), data.y_test[:k]
            else:
                pred, truth = y_pred[:k].reshape(k, -1)[:, 0], data.y_test[:k].reshape(k, -1)[:, 0]
            pairs = torch.stack([pred.float(), truth.float()], dim=1).cpu()  # note: a sync point
            loss_value = float(test_loss)  # note: a sync point
    finally:
        model.train(was_training)
    return Evaluation(loss_value, [(float(p), float(t)) for p, t in pairs.tolist()], problem.classifies)


def finite(values: list[float]) -> bool:
    return all(math.isfinite(v) for v in values)


# ----- the seed's log lines ------------------------------------------------------------------------
def data_shapes_line(data: Dataset) -> str:
    return (
        f"Data Shapes: Train x={data.x_train.shape}, y={data.y_train.shape} | "
        f"Test x={data.x_test.shape}, y={data.y_test.shape}"
    )


def training_banner(problem: Problem) -> str:
    # The seed says "1000 steps" for ``range(1001)``: step 0 plus 1000 more, 1001 updates in all. Its
    # log is reproduced as it is; a workload of the user's own says how many updates it makes.
    config = problem.config
    if problem.workload.is_mlp:
        return f"Training PyTorch {len(config.hidden) + 1}-Layer NN for {config.steps - 1} steps..."
    return f"Training {problem.workload.name} ({type(problem.model).__name__}) for {config.steps} steps..."


def step_line(step: int, loss: float) -> str:
    return f"Step {step}: Train Loss = {loss:.4f}"


TRAINING_COMPLETE = "Training Complete."


def evaluation_lines(evaluation: Evaluation) -> list[str]:
    lines = ["", "--- Model Evaluation ---", f"Test Loss: {evaluation.test_loss:.4f}", ""]
    lines.append(f"First {len(evaluation.predictions)} Predictions vs Ground Truth:")
    if evaluation.classes:
        lines += [f"Pred: {int(p)} | True: {int(t)}" for p, t in evaluation.predictions]
    else:
        lines += [f"Pred: {p:.4f} | True: {t:.4f}" for p, t in evaluation.predictions]
    return lines


def total_time_line(seconds: float) -> str:
    return f"\nTotal Execution Time: {seconds:.4f} seconds"
