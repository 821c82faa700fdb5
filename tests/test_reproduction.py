"""The seed's numbers reproduce; the user's two scripts are standalone and compute exactly what the
built-in workload computes."""

from __future__ import annotations

import difflib
import subprocess
import sys

import pytest

from conftest import ROOT, cli_env, parse_log, run_cli
from mlpbench.api import run

EXAMPLES = ROOT / "examples"
SCRIPTS = ["three_layer_nn_pytorch.py", "three_layer_nn_pytorch_cuda.py"]


def check_against_reference(losses, test_loss, pairs, reference) -> None:
    ref_losses = reference["losses"]
    assert set(losses) == set(ref_losses) == set(range(0, 1001, 100))
    for step, ref in ref_losses.items():
        if step <= 500:
            assert f"{losses[step]:.4f}" == f"{ref:.4f}", step
        else:
            assert losses[step] == pytest.approx(ref, rel=0.02), step
    assert test_loss == pytest.approx(reference["test_loss"], rel=0.02)
    assert len(pairs) == len(reference["pairs"]) == 5
    for (pred, true), (ref_pred, ref_true) in zip(pairs, reference["pairs"]):
        assert f"{true:.4f}" == f"{ref_true:.4f}"
        assert pred == pytest.approx(ref_pred, rel=0.02)


@pytest.fixture(scope="module")
def builtin_run():
    return run(device="cpu")


def test_the_builtin_workload_reproduces_the_seed(builtin_run, reference):
    record = builtin_run
    check_against_reference(record.losses, record.test_loss, record.predictions, reference)
    log = "\n".join(record.log)
    assert parse_log(log)["losses"] == {k: round(v, 4) for k, v in record.losses.items()}
    assert record.log[1].startswith("Data Shapes: Train x=torch.Size([400, 10]), y=torch.Size([400, 1])")
    assert "Training PyTorch 3-Layer NN for 1000 steps..." in record.log
    assert record.log[-1].startswith("\nTotal Execution Time: ")
    assert record.status == "ok" and record.flops_per_step == 13_720_000 and record.parameters == 6201


@pytest.fixture(scope="module")
def script_logs():
    out = {}
    for script in SCRIPTS:
        proc = subprocess.run([sys.executable, str(EXAMPLES / script)], capture_output=True, text=True, timeout=300,
                              env=cli_env())
        assert proc.returncode == 0, proc.stderr
        out[script] = proc.stdout
    return out


@pytest.mark.parametrize("script", SCRIPTS)
def test_the_users_scripts_print_the_seed_log(script, script_logs, reference):
    parsed = parse_log(script_logs[script])
    check_against_reference(parsed["losses"], parsed["test_loss"], parsed["pairs"], reference)
    assert "Total Execution Time:" in script_logs[script]


@pytest.mark.parametrize("script", SCRIPTS)
def test_the_scripts_compute_exactly_what_mlpbench_measures(script, script_logs, builtin_run):
    """Every printed number of a script equals the built-in workload's (on the CPU, to the last digit)."""
    from conftest import cuda_available

    if script.endswith("_cuda.py") and cuda_available():
        pytest.skip("on a GPU the CUDA script's later losses differ from the CPU's in the last digits")
    ours = [line for line in builtin_run.log if line.startswith(("Step ", "Test Loss", "Pred: ", "Data Shapes"))]
    theirs = [line for line in script_logs[script].splitlines() if line.startswith(("Step ", "Test Loss", "Pred: ", "Data Shapes"))]
    assert theirs == ours


def test_the_scripts_are_the_users_own():
    cpu, cuda = ((EXAMPLES / s).read_text() for s in SCRIPTS)
    for text in (cpu, cuda):
        assert "mlpbench" not in text and "import torch" in text
    assert "model.to(device)" in cuda and "x_train = x_train.to(device)" in cuda
    assert 'device = torch.device("cuda" if torch.cuda.is_available() else "cpu")' in cuda
    added = [line[1:].strip() for line in difflib.ndiff(cpu.splitlines(), cuda.splitlines())
             if line.startswith("+ ") and line[1:].strip() and not line[1:].strip().startswith("#")]
    removed = [line for line in difflib.ndiff(cpu.splitlines(), cuda.splitlines())
               if line.startswith("- ") and not line[1:].strip().startswith("#")]
    assert removed == []  # the CUDA script only adds to the CPU script ...
    assert all("device" in line for line in added), added  # ... where the device is chosen and things are moved


def test_cli_run_prints_log_and_phase_table_and_its_json(reference, tmp_path):
    """One real `mlpbench run` (a fresh process, as a user runs it): the seed's log, where the time went,
    and the `mlpbench.run/2` record of the same run."""
    from mlpbench.results.files import load_run

    proc = run_cli("run", "--device", "auto", "--json", str(tmp_path / "run.json"))
    assert proc.returncode == 0, proc.stderr
    parsed = parse_log(proc.stdout)
    check_against_reference(parsed["losses"], parsed["test_loss"], parsed["pairs"], reference)
    assert proc.stdout.startswith("Using device: ") and "auto picked" in proc.stdout.splitlines()[0]
    device = proc.stdout.split("Using device: ")[1].split()[0]
    table = proc.stdout.split(f"Where the time went ({device}, eager)")[1]
    from mlpbench.output.i18n import Texts

    for phase in ("import", "device_check", "device_init", "data", "to_device", "setup", "first_optimizer", "train",
                  "eval", "other", "total"):  # named as the bench's tables name them
        assert f"\n{Texts('en').phase(phase)} " in table, phase
    assert "/step" in table and "FLOP/s" in table and "Its own figure, timed as the example scripts time themselves" in table
    record = load_run(tmp_path / "run.json")
    assert record.schema == "mlpbench.run/2" and record.status == "ok" and record.target.device == device
    assert set(record.phases) >= {"import", "device_check", "device_init", "data", "to_device", "setup",
                                  "first_optimizer", "train", "eval", "total"}
    assert record.phases["total"] >= sum(v for k, v in record.phases.items() if k != "total") * 0.999
    assert [f"{record.losses[s]:.4f}" for s in (0, 500)] == ["116.9025", "1.6937"] and len(record.predictions) == 5
    assert record.env.torch and record.env.cpu and record.env.timer_resolution_s > 0
    assert record.flops_per_step == 13_720_000 and record.flops_source == "analytic"
    assert record.per_step_s == pytest.approx(record.phases["train"] / 1001)
    assert record.memory.peak_rss_bytes > 10 * 2**20
    assert "torch._dynamo" in record.facts["first_optimizer_loaded"]
    assert f"timed as the example scripts time themselves (from after `import torch`): {record.seed_time:.4f} s." in table
