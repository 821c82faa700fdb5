"""The parent side of trials: child processes started, timed from outside, bounded, and stopped.

``ChildRunner.run`` starts one child in its own session (so a kill reaches its whole process tree,
torchrun's ranks included), waits for it with a timeout, measures its wall time and peak memory
from outside (``wait4``), and reads the record it wrote. ``stoppable`` turns SIGINT and SIGTERM
into a clean stop, and ``out_dir_lock`` keeps two writers out of one output directory.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Protocol

import msgspec

from mlpbench.faults import TRIAL_ENV
from mlpbench.errors import OUT_OF_MEMORY_TEXTS, UsageError
from mlpbench.measure.clock import SPAWN_ENV
from mlpbench.measure.distributed import describe_failure
from mlpbench.results.model import RunRecord, Status

STDERR_TAIL_CHARS = 6000  # torchrun's error summary alone takes ~1500


class Progress(Protocol):
    """What an orchestrator tells the person watching (``output.console.Progress`` shows it)."""

    def start(self, total: int) -> None: ...
    def update(self, description: str) -> None: ...
    def advance(self, line: str) -> None: ...
    def stop(self) -> None: ...


class Terminated(BaseException):
    """Raised in the parent when SIGTERM arrives, so it can save and exit 143."""


class Stop:
    """Which signal stopped the work, if any (see ``stoppable``)."""

    signal: str | None = None


@dataclass
class ChildResult:
    status: Status  # "ok", "failed", "timeout", "diverged", "oom"
    wall: float
    returncode: int | None
    record: RunRecord | None
    stderr_tail: str
    peak_rss_bytes: int | None = None
    stdout: str = ""

    @property
    def error(self) -> str | None:
        """One line on why the child failed (None when it did not)."""
        if self.status in ("ok", "diverged"):
            return None
        if self.status == "timeout":
            return "killed at the trial timeout"
        rank = describe_failure(self.stderr_tail)
        if rank:
            return rank
        if self.returncode is not None and self.returncode < 0:
            return f"killed by signal {signal.Signals(-self.returncode).name}"
        lines = [line for line in self.stderr_tail.splitlines() if line.strip()]
        return lines[-1][:300] if lines else f"exit status {self.returncode}"


def child_env(trial_id: str, extra: dict[str, str] | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env[TRIAL_ENV] = trial_id
    src = str(Path(__file__).resolve().parents[2])
    env["PYTHONPATH"] = os.pathsep.join(p for p in (src, env.get("PYTHONPATH")) if p)
    env.update(extra or {})
    return env


class ChildRunner:
    """Starts child processes in their own session, with a timeout, and kills them on demand."""

    def __init__(self) -> None:
        self.current: subprocess.Popen[bytes] | None = None

    def run(self, argv: list[str], record_path: Path | None, timeout: float, trial_id: str = "",
            env: dict[str, str] | None = None, keep_stdout: bool = False) -> ChildResult:
        environ = child_env(trial_id, env)
        with tempfile.TemporaryFile() as err_file, tempfile.TemporaryFile() as out_file:
            environ[SPAWN_ENV] = repr(time.monotonic())
            started = time.perf_counter()
            self.current = subprocess.Popen(argv, stdout=out_file if keep_stdout else subprocess.DEVNULL,
                                            stderr=err_file, env=environ, start_new_session=True)
            returncode, rss, ended = self._wait(self.current, timeout)
            wall = ended - started
            self.current = None
            err_file.seek(0)
            stderr = err_file.read()[-STDERR_TAIL_CHARS * 4:].decode("utf-8", "replace")[-STDERR_TAIL_CHARS:]
            out_file.seek(0)
            stdout = out_file.read(4 * 2**20).decode("utf-8", "replace") if keep_stdout else ""
        status: Status = "timeout" if returncode is None else "ok" if returncode == 0 else "failed"
        record = None
        if record_path is not None and record_path.exists():
            try:
                record = msgspec.json.decode(record_path.read_bytes(), type=RunRecord)
            except (OSError, msgspec.MsgspecError):
                record = None
        if status == "ok" and record is None and record_path is not None:
            status = "failed"
            stderr += "\n(the child exited 0 but wrote no readable record)"
        if record is not None and record.status == "diverged":
            status = "diverged"
        if status == "failed" and out_of_memory_text(stderr):
            status = "oom"
        if status == "timeout":
            stderr += f"\n(killed after the {timeout:g} s trial timeout)"
        keep = record if status in ("ok", "diverged") else None
        return ChildResult(status, wall, returncode, keep, stderr.strip(), rss, stdout)

    def _wait(self, proc: subprocess.Popen[bytes], timeout: float) -> tuple[int | None, int | None, float]:
        """Wait for the child and reap it with wait4, for its peak resident set; the end time is
        read the moment it is reaped. (None, None, end) when the timeout killed it."""
        reaped: dict[str, object] = {}

        def reap() -> None:
            try:
                _, status, usage = os.wait4(proc.pid, 0)
            except ChildProcessError:  # reaped by kill() meanwhile
                reaped["end"] = time.perf_counter()
                return
            reaped["end"] = time.perf_counter()
            reaped["code"] = os.waitstatus_to_exitcode(status)
            reaped["rss"] = usage.ru_maxrss if sys.platform == "darwin" else usage.ru_maxrss * 1024

        reaper = threading.Thread(target=reap, daemon=True)
        reaper.start()
        reaper.join(timeout)
        if reaper.is_alive():
            self.kill()
            reaper.join()
            return None, None, float(reaped.get("end", time.perf_counter()))
        proc.returncode = reaped.get("code", proc.returncode)  # type: ignore[assignment]
        return proc.returncode, reaped.get("rss"), float(reaped["end"])  # type: ignore[return-value]

    def kill(self) -> None:
        proc = self.current
        if proc is not None and proc.poll() is None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def out_of_memory_text(stderr: str) -> bool:
    """A child that ran out of memory (the error's text, or its exception's name in the traceback), or
    that mlpbench's memory estimate refused ("needs about")."""
    text = stderr.lower()
    return any(mark in text for mark in (*OUT_OF_MEMORY_TEXTS, "outofmemoryerror", "memoryerror", "needs about"))


@contextlib.contextmanager
def stoppable(children: ChildRunner, progress: Progress) -> Iterator[Stop]:
    """Turn SIGINT and SIGTERM into a clean stop: the running child is killed, the block is left,
    ``stop.signal`` says which signal it was, and the progress display is closed."""
    previous = signal.getsignal(signal.SIGTERM)

    def on_sigterm(signum, frame):  # noqa: ARG001
        raise Terminated()

    signal.signal(signal.SIGTERM, on_sigterm)
    stop = Stop()
    try:
        yield stop
    except (KeyboardInterrupt, Terminated) as exc:
        stop.signal = "SIGINT" if isinstance(exc, KeyboardInterrupt) else "SIGTERM"
        # a second signal while the child is killed (`timeout` signals the process, then its group; a double
        # Ctrl-C) would break off the kill with a traceback and leave the child running
        interrupt = signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        try:
            children.kill()
        finally:
            signal.signal(signal.SIGINT, interrupt)
    finally:
        progress.stop()
        signal.signal(signal.SIGTERM, previous)


@contextlib.contextmanager
def out_dir_lock(out: Path) -> Iterator[None]:
    """One writer per output directory: a second ``bench`` into the same --out is refused."""
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise UsageError(f"--out {out}: cannot create it ({err.strerror})") from None
    if not os.access(out, os.W_OK):
        raise UsageError(f"--out {out}: not writable")
    lock_path = out / ".mlpbench.lock"
    try:
        fh = open(lock_path, "a+")
    except OSError as err:
        raise UsageError(f"--out {out}: cannot create a lock file ({err.strerror})") from None
    try:
        fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        fh.seek(0)
        holder = fh.read().strip() or "unknown"
        fh.close()
        raise UsageError(f"--out {out}: another mlpbench (pid {holder}) is writing there; "
                         f"wait for it or choose another --out") from None
    fh.seek(0)
    fh.truncate()
    fh.write(str(os.getpid()))
    fh.flush()
    try:
        yield
    finally:
        fcntl.flock(fh, fcntl.LOCK_UN)
        fh.close()
