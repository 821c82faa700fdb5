"""Run a user's script as it is and note when its big one-off events happen (standard library only).

    python script_boot.py EVENTS.json SHA256 SCRIPT [ARGS...]

This file is run by path, not imported as part of mlpbench, so the script's process pays for
nothing of ours beyond this file. It executes SCRIPT as ``__main__`` (its own directory first on
sys.path, its own argv) after checking that its text still has the recorded SHA-256, and records,
on the time.monotonic clock:

  boot                      this file starts (the interpreter is up)
  import_torch_*            the first ``import torch`` begins and ends (an import hook)
  cuda_init_*               CUDA's lazy initialisation (torch.cuda._lazy_init), the first time it works
  first_optimizer_*         the first torch.optim optimizer's construction (it imports torch._dynamo)
  script_end                the script returns, raises, or calls sys.exit

Everything else the script does (its data, model, training, printing) cannot be told apart from
outside without editing it; the parent reports it as the unattributed rest.
"""

import atexit
import builtins
import hashlib
import importlib.abc
import importlib.machinery
import json
import os
import sys
import time
import types

EVENTS: dict = {"boot": time.monotonic()}


def _note(name: str) -> None:
    EVENTS.setdefault(name, time.monotonic())


def _peak_rss() -> int | None:
    """The script's own peak resident set in bytes (Linux's VmHWM; getrusage would keep the parent's
    across exec)."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            return next(int(line.split()[1]) * 1024 for line in fh if line.startswith("VmHWM:"))
    except (OSError, ValueError, IndexError, StopIteration):
        return None


def _save(path: str) -> None:
    peak = _peak_rss()
    if peak is not None:
        EVENTS["peak_rss_bytes"] = peak
    torch = sys.modules.get("torch")  # the threads the script ran with, where it used torch
    try:
        EVENTS["threads"] = torch.get_num_threads() if torch is not None else None
    except Exception:  # noqa: BLE001  a torch half torn down at exit, or a module named torch that is not it
        pass
    try:
        with open(path, "w", encoding="utf-8") as fh:
            json.dump(EVENTS, fh)
    except OSError:
        pass


def _wrap_first(owner: object, attribute: str, event: str, applies=lambda: True) -> None:
    """Record the first call of owner.attribute that does real work (``applies()`` before it)."""
    original = getattr(owner, attribute)

    def wrapper(*args, **kwargs):
        if f"{event}_end" in EVENTS or not applies():
            return original(*args, **kwargs)
        _note(f"{event}_begin")
        try:
            return original(*args, **kwargs)
        finally:
            _note(f"{event}_end")

    setattr(owner, attribute, wrapper)


def _instrument_torch(torch: types.ModuleType) -> None:
    cuda = getattr(torch, "cuda", None)
    if cuda is not None and hasattr(cuda, "_lazy_init"):
        _wrap_first(cuda, "_lazy_init", "cuda_init", lambda: not cuda.is_initialized())
    optim = getattr(torch, "optim", None)
    if optim is not None and hasattr(optim, "Optimizer"):
        _wrap_first(optim.Optimizer, "__init__", "first_optimizer")


class _TorchImportTimer(importlib.abc.MetaPathFinder):
    """Times the first ``import torch`` (everything it imports included) and instruments it."""

    def find_spec(self, fullname, path=None, target=None):
        if fullname != "torch" or "import_torch_begin" in EVENTS:
            return None
        sys.meta_path.remove(self)
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        if spec is None or spec.loader is None:
            return None
        loader = spec.loader
        exec_module = loader.exec_module

        def timed_exec(module):
            _note("import_torch_begin")
            try:
                exec_module(module)
            finally:
                _note("import_torch_end")
            _instrument_torch(module)

        loader.exec_module = timed_exec
        return spec


def main() -> int:
    events_path, expected, script, *args = sys.argv[1:]
    atexit.register(_save, events_path)
    try:
        with open(script, "rb") as fh:
            text = fh.read()
    except OSError as err:
        print(f"mlpbench: error: {script}: cannot read it ({err.strerror})", file=sys.stderr)
        return 2
    if hashlib.sha256(text).hexdigest() != expected:
        print(f"mlpbench: error: {script}: the script changed while mlpbench was measuring it", file=sys.stderr)
        return 2
    sys.meta_path.insert(0, _TorchImportTimer())
    sys.argv = [script, *args]
    sys.path[0] = os.path.dirname(os.path.abspath(script))
    module = types.ModuleType("__main__")
    module.__file__ = script
    module.__builtins__ = builtins
    sys.modules["__main__"] = module
    code = compile(text, script, "exec")
    try:
        exec(code, module.__dict__)  # noqa: S102  the user's own script, as they asked
    except Exception as err:  # noqa: BLE001  as python3 script.py would end: its traceback, from its own frames
        _note("script_end")
        try:  # the script has ended: nothing of it is timed any more
            from mlpbench.errors import own_traceback
        except ImportError:  # a module of the script's own named mlpbench, say
            own_traceback = None
        if sys.excepthook is sys.__excepthook__ and own_traceback is not None:
            sys.stderr.write(own_traceback(err, lambda name: name == __file__))  # no frame of this file's
        else:  # the script's own hook, as python3 would call it
            own = err.__traceback__.tb_next if err.__traceback__ else None  # past this function's frame: the script's
            sys.excepthook(type(err), err.with_traceback(own), own)
        return 1
    finally:
        _note("script_end")
    return 0


if __name__ == "__main__":
    sys.exit(main())
