"""The one exception type for mistakes a user can make; the CLI turns it into one line and exit 2."""

from __future__ import annotations

import contextlib
import contextvars
from pathlib import Path
from typing import Sequence


class UsageError(Exception):
    """A bad flag, an impossible size, a missing device or an unreadable file.

    The message is shown to the user as it is, on one line, after ``mlpbench: error:``.
    """


# Whose words a UsageError uses: the notebook API's (``warm_runs=-1``) unless the command line is calling it; and
# the command's arguments, which the results record (None: a call from Python).
_COMMAND_LINE: contextvars.ContextVar[list[str] | None] = contextvars.ContextVar("mlpbench_command_line", default=None)


@contextlib.contextmanager
def command_line(args: Sequence[str] = ()):
    """The command line's calls into the API: their errors name flags, as the user typed them."""
    token = _COMMAND_LINE.set(list(args))
    try:
        yield
    finally:
        _COMMAND_LINE.reset(token)


def from_command_line() -> bool:
    return _COMMAND_LINE.get() is not None


def command_args() -> list[str]:
    """The arguments of the ``mlpbench`` command calling now ([] from Python: a notebook's kernel arguments are not
    the user's command)."""
    return list(_COMMAND_LINE.get() or [])


def said_as(flag: str, keyword: str) -> str:
    """A setting named as the caller gives it: ``--resume`` on the command line, ``resume=True`` in the API."""
    return flag if from_command_line() else keyword


class BackendUnavailable(UsageError):
    """A backend cannot run on the requested device, or its optional dependency is missing."""


# What running out of memory says in an error's text: CUDA's allocator, and torch's CPU allocator
# ("DefaultCPUAllocator: can't allocate memory"); matched in lower case.
OUT_OF_MEMORY_TEXTS = ("out of memory", "can't allocate memory")


def out_of_memory(err: BaseException) -> bool:
    """The device (or the host) ran out of memory: a limit of the machine, not a bug."""
    return isinstance(err, MemoryError) or type(err).__name__ == "OutOfMemoryError" or any(
        mark in str(err).lower() for mark in OUT_OF_MEMORY_TEXTS)


def first_line(err: BaseException) -> str:
    return (str(err).strip().splitlines() or [type(err).__name__])[0]


class RunFailed(Exception):
    """What was measured failed (a script's exit status, a diverged loss): a result, not a mistake.

    The CLI prints the message on one line and exits with status 1."""


def workload_traceback(err: BaseException, workload: str | None) -> str | None:
    """Where a workload file's own code raised (its model, its loss, its optimizer): the traceback without
    mlpbench's frames (those above the user's code, and a timer's wrapper between it and torch), as python3 would
    print it; None for anything else (mlpbench's own bug)."""
    import traceback

    if workload is None or not Path(workload).is_file():  # the built-in MLP, or an object of a notebook
        return None
    mine = Path(workload).resolve()
    if not any(Path(f.filename).resolve() == mine for f in traceback.extract_tb(err.__traceback__)
               if not f.filename.startswith("<")):
        return None
    package = Path(__file__).resolve().parent
    return own_traceback(err, lambda name: name.startswith("<frozen runpy") or (
        not name.startswith("<") and Path(name).resolve().is_relative_to(package)))


def own_traceback(err: BaseException, drop) -> str:
    """``err``'s traceback as Python prints it, without the frames whose file ``drop`` names (its chained
    exceptions' too). Standard library only: a script's boot uses it."""
    import traceback

    def without(error, seen: set[int]):
        if error is not None and id(error) not in seen:
            seen.add(id(error))
            error.stack = traceback.StackSummary.from_list([f for f in error.stack if not drop(f.filename)])
            without(error.__cause__, seen)
            without(error.__context__, seen)
        return error

    return "".join(without(traceback.TracebackException.from_exception(err), set()).format())
