"""`mlpbench run`: bad input through the real CLI, the JSON contract, device choice."""

from __future__ import annotations

import json
import math
import os

import pytest

from conftest import assert_usage_error, cuda_available, run_cli
from mlpbench.cli import main

NO_CUDA = not cuda_available()


@pytest.mark.parametrize(
    "args, fragment",
    [
        (["--n", "1"], "both splits need at least one row"),
        (["--n", "-5"], "--n must be at least 1"),
        (["--n", "abc"], "--n must be an integer"),
        (["--steps", "0"], "--steps must be at least 1"),
        (["--hidden", "0,5"], "--hidden widths must be positive"),
        (["--hidden", "10,x"], "--hidden takes comma-separated integers"),
        (["--lr", "-1"], "--lr must be a positive finite number"),
        (["--lr", "nan"], "--lr must be a positive finite number"),
        (["--train-fraction", "0.001"], "both splits need at least one row"),
        (["--train-fraction", "1.5"], "train fraction must lie strictly between 0 and 1"),
        (["--threads", "0"], "--threads must be at least 1"),
        (["--batch-size", "1000"], "larger than the 400 training rows"),
        (["--n", "3000000000"], "keep n x width below"),
        (["--device", "tpu"], "unknown device 'tpu'"),
        (["--backend", "warp-drive"], "unknown backend 'warp-drive'"),
        (["--bogus-flag"], "unrecognized arguments"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(args, fragment):
    assert_usage_error(run_cli("run", "--device", "cpu", *args) if "--device" not in args else run_cli("run", *args), fragment)


@pytest.mark.skipif(not NO_CUDA, reason="this machine has CUDA")
def test_cuda_missing_is_a_usage_error():
    assert_usage_error(run_cli("run", "--device", "cuda"), "--device cuda is not available")


def test_cuda_index_out_of_range():
    proc = run_cli("run", "--device", "cuda:7")
    if NO_CUDA:
        assert_usage_error(proc, "--device cuda:7 is not available")
    else:
        assert_usage_error(proc, "--device cuda:7 does not exist")


def test_unwritable_json_path(tmp_path):
    assert_usage_error(run_cli("run", "--device", "cpu", "--json", str(tmp_path / "missing" / "run.json")), "does not exist")
    assert_usage_error(run_cli("run", "--device", "cpu", "--json", str(tmp_path)), "is a directory")
    if os.geteuid() != 0:  # root can write anywhere
        locked = tmp_path / "locked"
        locked.mkdir(mode=0o500)
        assert_usage_error(run_cli("run", "--device", "cpu", "--json", str(locked / "run.json")), "not writable")


def test_json_contract(tmp_path, capsys):
    path = tmp_path / "run.json"
    assert main(["run", "--device", "cpu", "--steps", "201", "--json", str(path), "--quiet"]) == 0
    assert capsys.readouterr().out == ""
    data = json.loads(path.read_text())
    assert data["schema"] == "mlpbench.run/1"
    assert data["device"] == "cpu" and data["backend"] == "eager" and data["status"] == "ok"
    assert data["config"]["steps"] == 201 and data["config"]["hidden"] == [100, 50]
    assert set(data["phases"]) >= {"import", "device_init", "data", "to_device", "train", "eval", "total"}
    assert all(v >= 0 for v in data["phases"].values())
    # total covers every phase (it runs from interpreter start to the end of evaluation)
    assert data["phases"]["total"] >= sum(v for k, v in data["phases"].items() if k != "total") * 0.999
    assert list(data["train_loss"]) == ["0", "100", "200"]
    assert f"{data['train_loss']['0']:.4f}" == "116.9025"
    assert math.isfinite(data["test_loss"])
    assert len(data["predictions"]) == 5 and all(len(p) == 2 for p in data["predictions"])
    assert data["env"]["torch"] and data["env"]["cpu"] and data["env"]["timer_resolution_s"] > 0
    assert data["train_flops"] == 201 * 13_720_000
    assert data["per_step_s"] == pytest.approx(data["phases"]["train"] / 201)


def test_auto_says_what_it_picked():
    proc = run_cli("run", "--device", "auto", "--steps", "2")
    assert proc.returncode == 0, proc.stderr
    first = proc.stdout.splitlines()[0]
    assert first.startswith("Using device: ")
    assert "auto picked" in first


def test_diverged_training_is_reported(tmp_path, capsys):
    path = tmp_path / "run.json"
    code = main(["run", "--device", "cpu", "--lr", "1e30", "--steps", "300", "--json", str(path), "--quiet"])
    assert code == 1
    assert "training diverged" in capsys.readouterr().err
    assert json.loads(path.read_text())["status"] == "diverged"
