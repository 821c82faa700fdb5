"""Planned faults, for testing that nothing is lost when things go wrong.

``MLPBENCH_INJECT_FAULT`` holds ``what@where`` items separated by ``;``. A parent process tells
each child where it is through ``MLPBENCH_TRIAL_ID`` (``cold:3``, ``warm:cpu/eager``,
``point:n=8000|cuda:0/eager``); the child calls ``inject`` at the start of training. ``where``
matches a trial id exactly or up to a ``|``. Faults:

  sigkill  the process kills itself with SIGKILL (as the OOM killer would)
  hang     the process sleeps for an hour (a deadlock, a stuck driver)
  oom      raise the out-of-memory error the device would raise
  enospc@write:N   the N-th results write of this process fails with "No space left on device"

Nothing happens unless the variable is set; it is read on each call, so tests can set it late.
"""

from __future__ import annotations

import errno
import os
import signal
import time

FAULT_ENV = "MLPBENCH_INJECT_FAULT"
TRIAL_ENV = "MLPBENCH_TRIAL_ID"
_writes = 0


def _planned() -> list[tuple[str, str]]:
    spec = os.environ.get(FAULT_ENV, "")
    return [tuple(item.split("@", 1)) for item in spec.split(";") if "@" in item]  # type: ignore[misc]


def _matches(where: str, trial: str) -> bool:
    return trial == where or trial.startswith(where + "|")


def inject(device: str = "cpu", trial: str | None = None) -> None:
    """Trigger the fault planned for this process's trial (or ``trial``), if any."""
    trial = trial or os.environ.get(TRIAL_ENV)
    if not trial:
        return
    for what, where in _planned():
        if not _matches(where, trial):
            continue
        if what == "sigkill":
            os.kill(os.getpid(), signal.SIGKILL)
        elif what == "hang":
            time.sleep(3600)
        elif what == "oom":
            import torch

            if device.startswith("cuda"):
                raise torch.cuda.OutOfMemoryError("CUDA out of memory (simulated by MLPBENCH_INJECT_FAULT)")
            raise MemoryError("out of memory (simulated by MLPBENCH_INJECT_FAULT)")


def on_write() -> None:
    """Called before each results write; fails the planned one with ENOSPC."""
    global _writes
    _writes += 1
    for what, where in _planned():
        if what == "enospc" and where == f"write:{_writes}":
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
