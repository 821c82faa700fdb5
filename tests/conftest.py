"""Shared helpers: the real CLI in a subprocess, the seed's reference log, device skips."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).resolve().parent / "data"
H100 = ROOT / "results" / "gpu" / "2026-11-26-h100"
H200 = ROOT / "results" / "gpu" / "2026-11-27-h200-0701d5e"  # HEAD's GPU run: its warm bench and sweep


def cli_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    env.setdefault("PYTHONUNBUFFERED", "1")
    env.update(extra)
    return env


def interruptible() -> None:
    """For ``Popen(preexec_fn=...)`` of a process a test will stop with SIGINT: Ctrl-C's default action,
    whatever this pytest inherited (a background job of a non-interactive shell ignores SIGINT, and a
    child inherits that; Python then never raises KeyboardInterrupt)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def run_cli(*args: str, timeout: float = 300, env: dict[str, str] | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """``python -m mlpbench ARGS`` in a fresh process, as a user would run it."""
    return subprocess.run(
        [sys.executable, "-m", "mlpbench", *args],
        capture_output=True, text=True, timeout=timeout, env=env or cli_env(), cwd=cwd or ROOT,
    )


def assert_usage_error(proc: subprocess.CompletedProcess[str], *fragments: str) -> None:
    """Exit 2, exactly one line on stderr naming the problem, and no traceback."""
    assert proc.returncode == 2, (proc.returncode, proc.stderr)
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("mlpbench: error: "), lines[0]
    assert "Traceback" not in proc.stderr
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])


def assert_usage_error_in_process(capsys, *args: str, fragments: tuple[str, ...] = ()) -> None:
    """``assert_usage_error`` for ``mlpbench.cli.main(args)`` in this process: a mistake found before any
    trial starts needs no fresh interpreter to show it is one line and exit 2."""
    from mlpbench.cli import main

    capsys.readouterr()
    code = main(list(args))
    err = capsys.readouterr().err
    lines = err.strip().splitlines()
    assert code == 2 and len(lines) == 1 and lines[0].startswith("mlpbench: error: "), (code, err)
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])


def cuda_available() -> bool:
    try:
        import torch
    except ImportError:
        return False
    return torch.cuda.is_available()


requires_cuda = pytest.mark.skipif(not cuda_available(), reason="needs a CUDA device (scripts/gpu-check runs these)")


def parse_log(text: str) -> dict[str, object]:
    """The numbers of a log in the seed's format: losses by step, test loss, (pred, true) pairs."""
    losses: dict[int, float] = {}
    pairs: list[tuple[float, float]] = []
    test_loss = None
    for line in text.splitlines():
        if line.startswith("Step ") and "Train Loss" in line:
            step, loss = line[5:].split(": Train Loss = ")
            losses[int(step)] = float(loss)
        elif line.startswith("Test Loss: "):
            test_loss = float(line.split(": ")[1])
        elif line.startswith("Pred: "):
            pred, true = line[6:].split(" | True: ")
            pairs.append((float(pred), float(true)))
    return {"losses": losses, "test_loss": test_loss, "pairs": pairs}


@pytest.fixture(scope="session")
def reference() -> dict[str, object]:
    """The CPU half of the seed's reference log (its own machine's run)."""
    text = (DATA / "reference-log.txt").read_text()
    cpu_part = text.split("Running CUDA Benchmark...")[0]
    return parse_log(cpu_part)


def wait_for(condition, timeout: float, what: str, interval: float = 0.1) -> None:
    """Poll ``condition`` until it holds; fail with ``what`` if it has not after ``timeout`` seconds
    (a bounded wait, never a timing assertion)."""
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(interval)
    pytest.fail(f"gave up after {timeout:g} s waiting for {what}")
