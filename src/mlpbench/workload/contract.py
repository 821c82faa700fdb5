"""The workload contract: what a workload file defines, loaded, checked and described.

A workload file is plain Python that defines

    build_model() -> torch.nn.Module
    make_data(n, seed) -> (x, y)            CPU tensors with n rows each

and optionally

    loss_fn                                 a callable (prediction, y) -> scalar tensor; default nn.MSELoss()
    make_optimizer(params) -> Optimizer     default torch.optim.Adam(params, lr=--lr)
    flops_per_step(batch) -> number         otherwise counted with torch.utils.flop_counter

mlpbench seeds torch (``torch.manual_seed(seed)``), calls ``make_data(n, seed)`` and then
``build_model()`` (the seed's order: data first, weights from the same random stream), splits the
rows into train and test, and trains with ``loss_fn`` averaged over rows, as PyTorch's losses are
by default. The built-in MLP (``mlpbench.workload.mlp``) is defined through this same contract.
"""

from __future__ import annotations

import ast
import hashlib
import importlib.util
import shlex
import sys
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any, Callable

from mlpbench.errors import UsageError

if TYPE_CHECKING:
    import torch
    from torch import nn

REQUIRED = ("build_model", "make_data")


@dataclass(frozen=True)
class Source:
    """The code of a workload as it was read: where from, its text and its SHA-256."""

    path: str
    text: str

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Workload:
    """A loaded workload: the contract's functions, with the defaults filled in."""

    name: str
    build_model: Callable[[], "nn.Module"]
    make_data: Callable[[int, int], tuple["torch.Tensor", "torch.Tensor"]]
    loss: Callable[[], Callable[..., "torch.Tensor"]]  # a fresh loss callable for each trainer
    make_optimizer: Callable[[Any, float], "torch.optim.Optimizer"]  # (params, lr) -> optimizer
    flops_per_step: Callable[[int], float] | None = None  # (batch rows) -> FLOPs of one update
    source: Source | None = None
    custom_optimizer: bool = False  # make_optimizer came from the workload (--lr does not apply)
    custom_loss: bool = False  # loss_fn came from the workload (else nn.MSELoss)
    mlp_sizes: tuple[int, ...] | None = None  # the built-in MLP's layer widths (fused and jax need them)
    notes: dict[str, str] = field(default_factory=dict)

    @property
    def is_mlp(self) -> bool:
        return self.mlp_sizes is not None


def default_optimizer(params: Any, lr: float) -> "torch.optim.Optimizer":
    from torch import optim

    return optim.Adam(params, lr=lr)


def default_loss() -> Callable[..., "torch.Tensor"]:
    from torch import nn

    return nn.MSELoss()


def lacks(where: str, missing: list[str], script: bool) -> UsageError:
    """A workload without build_model or make_data; a file may be a training script, which runs as it is."""
    script_hint = f"; to time a script as it is: `mlpbench bench --script {shlex.quote(where)}`" if script else ""
    return UsageError(f"workload {where}: defines no {' and no '.join(f'{m}()' for m in missing)} (a workload defines "
                      f"build_model() and make_data(n, seed){script_hint})")


def from_namespace(name: str, namespace: Any, source: Source | None = None) -> Workload:
    """A ``Workload`` from anything with ``build_model`` and ``make_data`` (a module, an object)."""
    where = source.path if source else name
    missing = [f for f in REQUIRED if not callable(getattr(namespace, f, None))]
    if missing:
        raise lacks(where, missing, script=source is not None)  # an object that lives only here is no script
    loss_fn = getattr(namespace, "loss_fn", None)
    if loss_fn is not None and not callable(loss_fn):
        raise UsageError(f"workload {where}: loss_fn must be callable as loss_fn(prediction, y)")
    make_optimizer = getattr(namespace, "make_optimizer", None)
    flops = getattr(namespace, "flops_per_step", None)
    if flops is not None and not callable(flops):
        raise UsageError(f"workload {where}: flops_per_step must be a function of the batch size")
    return Workload(
        name=name,
        build_model=namespace.build_model,
        make_data=namespace.make_data,
        loss=(lambda: loss_fn) if loss_fn is not None else default_loss,
        make_optimizer=(lambda params, lr: make_optimizer(params)) if callable(make_optimizer) else default_optimizer,
        flops_per_step=flops,
        source=source,
        custom_optimizer=callable(make_optimizer),
        custom_loss=loss_fn is not None,
    )


def read_source(path: str | Path, what: str = "workload") -> Source:
    """The text of a Python file, or one UsageError line (``what PATH: ...``) saying why it cannot be read."""
    path = Path(path)
    if not path.exists():
        raise UsageError(f"{what} {path}: no such file")
    if path.is_dir():
        raise UsageError(f"{what} {path}: is a directory, not a Python file")
    if path.suffix != ".py":
        raise UsageError(f"{what} {path}: expected a Python file (.py)")
    try:
        text = path.read_bytes().decode("utf-8")
    except OSError as err:
        raise UsageError(f"{what} {path}: cannot read it ({err.strerror})") from None
    except UnicodeDecodeError:
        raise UsageError(f"{what} {path}: not UTF-8 text") from None
    return Source(str(path), text)


def load_file(path: str | Path, expected_sha256: str | None = None) -> Workload:
    """Import a workload file; every problem is one UsageError line naming the file."""
    source = read_source(path)
    if expected_sha256 is not None and source.sha256 != expected_sha256:
        raise UsageError(f"workload {path}: the file changed while mlpbench was measuring it")
    module = _import(source)
    name = Path(path).stem
    return from_namespace(name, module, source)


def parse(source: Source) -> ast.Module:
    """The file's syntax tree, checked before anything of it runs (and before torch is imported): a syntax error,
    or a file that defines no build_model or make_data (a training script would train first), is one line."""
    try:
        tree = ast.parse(source.text, source.path)
    except SyntaxError as err:
        raise UsageError(f"workload {source.path}: a syntax error at line {err.lineno}: {err.msg}") from None
    missing = [f for f in REQUIRED if not _may_bind(tree, f)]
    if missing:
        raise lacks(source.path, missing, script=True)
    return tree


def _import(source: Source) -> ModuleType:
    """Execute the file's recorded text as a module (what ran is exactly what is recorded)."""
    tree = parse(source)
    name = f"mlpbench_workload_{source.sha256[:12]}"
    spec = importlib.util.spec_from_loader(name, loader=None, origin=source.path)
    module = importlib.util.module_from_spec(spec)
    module.__file__ = source.path
    sys.modules[name] = module  # dataclasses and pickling look a module up by name
    try:
        code = compile(tree, source.path, "exec")
        exec(code, module.__dict__)  # noqa: S102  the user's own workload file, as they asked
    except (Exception, SystemExit) as err:  # noqa: BLE001  any failure of user code is one line (sys.exit too: it
        sys.modules.pop(name, None)  # would have ended mlpbench with the workload's status and no word)
        raise UsageError(f"workload {source.path}: importing it failed{_line_in(err, source.path)}: "
                         f"{_one_line(err)}") from None
    return module


def _may_bind(tree: ast.Module, name: str) -> bool:
    """Whether the module's top level can bind ``name``: a def, a class, an assignment or an import of
    it (also inside a top-level if/try/for/with), or a star import, which could. Read from the text,
    before anything of it runs."""
    defs = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
    return any(_binds(node, name) or (not isinstance(node, defs) and any(_binds(n, name) for n in ast.walk(node)))
               for node in tree.body)


def _binds(node: ast.AST, name: str) -> bool:
    if isinstance(node, ast.Name):
        return node.id == name and isinstance(node.ctx, ast.Store)
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return node.name == name
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        return any(a.name == "*" or (a.asname or a.name.split(".")[0]) == name for a in node.names)
    return False


def _one_line(err: BaseException) -> str:
    text = str(err).strip().splitlines()
    return f"{type(err).__name__}: {text[0][:300]}" if text else type(err).__name__


def _line_in(err: BaseException, path: str) -> str:
    frames = [f for f in traceback.extract_tb(err.__traceback__) if f.filename == path]
    return f" at line {frames[-1].lineno}" if frames else ""


def call(workload: Workload, what: str, fn: Callable[..., Any], *args: Any) -> Any:
    """Call one of the workload's functions; a failure is one UsageError line naming it."""
    try:
        return fn(*args)
    except UsageError:
        raise
    except (Exception, SystemExit) as err:  # noqa: BLE001  sys.exit in build_model() ended mlpbench silently
        where = workload.source.path if workload.source else workload.name
        path_line = _line_in(err, workload.source.path) if workload.source else ""
        raise UsageError(f"workload {where}: {what} failed{path_line}: {_one_line(err)}") from None
