"""The command lines that run where a mistake is dearest: `scripts/gpu-check` (minutes of a lent GPU)
and the Makefile's `make bench` (the quick start). Checked here, on any machine, without running them."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys

import pytest

from conftest import ROOT, cli_env, cuda_available
from mlpbench.cli import build_parser

GPU_CHECK = (ROOT / "scripts" / "gpu-check").read_text()
VALUES = {"$PY": "python3", "$WORK": "/tmp/w", "$RESUME": "", "$(BIN)": "bin", "$(OUT)": "out", "$(SCRIPTS)":
          "--script examples/three_layer_nn_pytorch.py --script examples/three_layer_nn_pytorch_cuda.py"}


def _logical_lines(text: str) -> list[str]:
    return text.replace("\\\n", " ").splitlines()


def _mlpbench_commands(text: str) -> list[list[str]]:
    """Every mlpbench invocation in a shell text or a Makefile, its variables given plain values."""
    found = []
    for line in _logical_lines(text):
        match = re.search(r"(?:-m mlpbench|/mlpbench) (.*)$", line)
        if match and not line.lstrip().startswith("#"):
            words = match.group(1)
            for name, value in VALUES.items():
                words = words.replace(name, value)
            found.append(shlex.split(words))
    return found


def test_gpu_check_records_the_commit_first_and_its_step_limits_sum_to_400_s_at_most():
    limits = {m.group(1): int(m.group(2)) for m in re.finditer(r"step (\w+) (\d+) ", GPU_CHECK)}
    assert {"info", "pytest_gpu", "gpu_backends", "warm_bench", "fused_variants", "sweep", "cold_bench"} <= set(limits)
    assert sum(limits.values()) <= 400, limits
    assert GPU_CHECK.index('say "commit $COMMIT"') < GPU_CHECK.index("step info")


@pytest.mark.parametrize("source", ["scripts/gpu-check", "Makefile"])
def test_every_mlpbench_command_line_there_parses(source):
    """A flag misspelt, abbreviated or gone would cost a GPU session (or the quick start) its step."""
    commands = _mlpbench_commands((ROOT / source).read_text())
    assert commands, source
    for argv in commands:
        args = build_parser().parse_args(argv)  # a UsageError (one line) where a flag is wrong
        assert args.command in ("bench", "sweep", "run", "report", "compare")
    if source == "Makefile":  # make bench: the user's two scripts beside the built-in job, named
        (bench,) = commands
        assert bench[bench.index("--workload") + 1] == "builtin" and bench.count("--script") == 2


def _benchmark_commands(text: str) -> list[list[str]]:
    """Every benchmark script gpu-check runs, with its arguments ($WORK and the like given plain values)."""
    found = []
    for line in _logical_lines(text):
        match = re.search(r"\$PY (benchmarks/\S+\.py.*)$", line)
        if match:
            words = match.group(1)
            for name, value in VALUES.items():
                words = words.replace(name, value)
            found.append(shlex.split(words))
    return found


@pytest.mark.skipif(cuda_available(), reason="checks the refusal a machine without CUDA gives")
@pytest.mark.parametrize("argv", _benchmark_commands(GPU_CHECK), ids=lambda argv: argv[0])
def test_every_benchmark_gpu_check_runs_takes_its_arguments_and_refuses_cleanly_without_cuda(argv, tmp_path):
    """A benchmark's flag misspelt or gone, or an import broken, would cost a GPU session its step: here
    each parses the arguments gpu-check gives it and, with no CUDA device, says so on one line (exit 2)."""
    argv = [arg.replace("/tmp/w", str(tmp_path)) for arg in argv]
    proc = subprocess.run([sys.executable, *argv], capture_output=True, text=True, timeout=120, env=cli_env(), cwd=ROOT)
    assert proc.returncode == 2, proc.stderr[-2000:]
    assert proc.stderr.strip().splitlines()[-1] == "no CUDA device: nothing to measure"
    assert "Traceback" not in proc.stderr
