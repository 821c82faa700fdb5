"""The seed's numbers reproduce: losses through step 500 and every truth value to the printed
four decimals, later values within 2 % (BLAS builds order their sums differently)."""

from __future__ import annotations

import pytest

from conftest import ROOT, cli_env, parse_log, run_cli
from mlpbench.config import WorkloadConfig
from mlpbench.runner import run_job


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


def test_run_job_reproduces_the_seed_on_cpu(reference):
    record = run_job(WorkloadConfig(), "cpu", collect_env=False)
    check_against_reference(record.train_loss, record.test_loss, record.predictions, reference)
    # the printed log has the seed's lines in the seed's order
    log = "\n".join(record.log)
    assert parse_log(log)["losses"] == {k: round(v, 4) for k, v in record.train_loss.items()}
    assert record.log[1].startswith("Data Shapes: Train x=torch.Size([400, 10]), y=torch.Size([400, 1])")
    assert "Training PyTorch 3-Layer NN for 1000 steps..." in record.log
    assert record.log[-1].startswith("\nTotal Execution Time: ")
    assert record.status == "ok"


@pytest.mark.parametrize("script", ["three_layer_nn_pytorch.py", "three_layer_nn_pytorch_cuda.py"])
def test_example_scripts_print_the_seed_log(script, reference):
    import subprocess
    import sys

    proc = subprocess.run([sys.executable, str(ROOT / "examples" / script)], capture_output=True, text=True,
                          timeout=300, env=cli_env())
    assert proc.returncode == 0, proc.stderr
    parsed = parse_log(proc.stdout)
    check_against_reference(parsed["losses"], parsed["test_loss"], parsed["pairs"], reference)
    assert "Total Execution Time:" in proc.stdout
    if script.endswith("_cuda.py"):
        assert "Using device: " in proc.stdout
        from conftest import cuda_available

        if not cuda_available():
            assert "CUDA is not available" in proc.stdout


def test_cli_run_prints_log_and_phase_table(reference):
    proc = run_cli("run", "--device", "cpu")
    assert proc.returncode == 0, proc.stderr
    parsed = parse_log(proc.stdout)
    check_against_reference(parsed["losses"], parsed["test_loss"], parsed["pairs"], reference)
    assert proc.stdout.startswith("Using device: cpu")
    table = proc.stdout.split("Where the time went (cpu, eager)")[1]
    for phase in ("import", "device_init", "data", "to_device", "setup", "train", "eval", "other", "total"):
        assert f"\n{phase} " in table, phase
    assert "/step" in table and "FLOP/s" in table and "The seed's own figure" in table
