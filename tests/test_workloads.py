"""Your own workload: workload files, scripts run as they are, and the notebook API; every bad
input is one line naming the file and the problem."""

from __future__ import annotations

import json
import types

import msgspec
import pytest

from conftest import assert_usage_error, run_cli
from mlpbench.errors import UsageError
from mlpbench.results.files import load_results, load_run

# A workload nobody here wrote: not an MLP, not MSE, not Adam.
FOREIGN = """
import torch
from torch import nn


def make_data(n, seed):
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(n, 3, 8, generator=g)
    return x, x.sum(dim=(1, 2)).unsqueeze(1).tanh()


def build_model():
    return nn.Sequential(nn.Conv1d(3, 4, 3, padding=1), nn.Tanh(), nn.Flatten(), nn.Linear(32, 1))


loss_fn = nn.L1Loss()


def make_optimizer(params):
    return torch.optim.SGD(params, lr=0.05)
"""


@pytest.fixture
def foreign(tmp_path):
    path = tmp_path / "foreign_workload.py"
    path.write_text(FOREIGN)
    return path


def test_a_foreign_workload_runs_with_its_own_loss_and_optimizer(foreign, tmp_path):
    proc = run_cli("run", "--workload", str(foreign), "--device", "cpu", "--steps", "41", "--json", str(tmp_path / "r.json"))
    assert proc.returncode == 0, proc.stderr
    assert "Training foreign_workload (Sequential) for 41 steps..." in proc.stdout
    record = load_run(tmp_path / "r.json")
    assert record.flops_source == "counted" and record.flops_per_step > 0
    assert record.parameters == 3 * 4 * 3 + 4 + 32 + 1
    assert record.losses[0] > 0 and record.status == "ok"
    assert record.facts["optimizer"] == "SGD, lr = 0.05"  # its make_optimizer's, not the default Adam's 0.001
    # its first build is the job's, in setup: a check that built it in the data phase took torch._dynamo's import
    # out of the first optimizer's phase
    assert "torch._dynamo" in record.facts["first_optimizer_loaded"]


def test_a_foreign_workload_benches_and_sweeps_with_checked_losses(foreign, tmp_path):
    proc = run_cli("bench", "--workload", str(foreign), "--devices", "cpu", "--backends", "eager,tuned,fused",
                   "--runs", "1", "--warm-runs", "0", "--steps", "21", "--out", str(tmp_path / "b"))
    assert proc.returncode == 0, proc.stderr
    results = load_results(tmp_path / "b" / "results.json")
    assert {(t.target.backend, t.status) for t in results.targets} == {("eager", "ok"), ("tuned", "ok"),
                                                                      ("fused", "unavailable")}
    assert "written for the built-in MLP" in next(t.reason for t in results.targets if t.status != "ok")
    code = {c.role: c for c in results.code}
    assert code["workload"].source == FOREIGN and code["workload"].path == str(tmp_path / "foreign_workload.py")
    from mlpbench.results.analysis import Analysis

    a = Analysis(results)
    checks = [c for cs in a.checks.values() for c in cs]
    assert [c.target.backend for c in checks] == ["tuned"] and checks[0].passed  # against eager, this workload's loss
    report = (tmp_path / "b" / "report.md").read_text()
    assert "foreign_workload" in report and "nn.L1Loss()" in report
    assert "| optimizer | SGD, lr = 0.05 (as the run built it) |" in report and "Adam, lr" not in report
    sweep = run_cli("sweep", "--workload", str(foreign), "--devices", "cpu", "--vary", "batch=40", "--steps", "20",
                    "--trial-steps", "10", "--warm-runs", "2", "--warm-time", "2", "--out", str(tmp_path / "s"), "--no-report")
    assert sweep.returncode == 0, sweep.stderr
    points = load_results(tmp_path / "s" / "results.json").points
    assert [(p.point, p.config.batch_size, p.status) for p in points] == [({"batch": 40.0}, 40, "ok")]


BAD = {
    "missing build_model": ("def make_data(n, seed):\n    return None, None\n", "defines no build_model()"),
    "fails on import": ("import torch\nraise ValueError('no GPU here')\ndef build_model(): pass\ndef make_data(n, seed): pass\n",
                        "importing it failed at line 2: ValueError: no GPU here"),
    "a syntax error": ("def build_model(:\n", "a syntax error at line 1"),
    "data not tensors": ("import torch\ndef build_model():\n    return torch.nn.Linear(2, 1)\n"
                         "def make_data(n, seed):\n    return [1, 2], [3]\n", "must return (x, y) torch tensors, got (list, list)"),
    "data of the wrong size": ("import torch\ndef build_model():\n    return torch.nn.Linear(2, 1)\n"
                               "def make_data(n, seed):\n    return torch.randn(7, 2), torch.randn(7, 1)\n",
                               "must return 500 rows of x and of y, got x (7, 2)"),
    "a model that does not take the data": ("import torch\ndef build_model():\n    return torch.nn.Linear(3, 1)\n"
                                            "def make_data(n, seed):\n    return torch.randn(n, 2), torch.randn(n, 1)\n",
                                            "the model on the first 2 rows of the data (build_model()(x)) failed: "
                                            "RuntimeError: mat1 and mat2"),
    "not a module": ("import torch\ndef build_model():\n    return 'a model'\n"
                     "def make_data(n, seed):\n    return torch.randn(n, 2), torch.randn(n, 1)\n",
                     "build_model() must return a torch.nn.Module, got str"),
    "a loss that does not fit": ("import torch\ndef build_model():\n    return torch.nn.Linear(2, 3)\n"
                                 "loss_fn = torch.nn.MSELoss()\n"
                                 "def make_data(n, seed):\n    return torch.randn(n, 2), torch.randn(n, 1, 5)\n",
                                 "the loss on the model's output and y (loss_fn(prediction, y)) failed"),
    "targets the default loss cannot take": ("import torch\ndef build_model():\n    return torch.nn.Linear(2, 4)\n"
                                             "def make_data(n, seed):\n    return torch.randn(n, 2), torch.randn(n, 3)\n",
                                             "the default loss, nn.MSELoss, needs the model's output shaped like y, got "
                                             "(2, 4) and (2, 3)"),
    # (2, 2) against (2,) broadcasts on the two rows checked, and failed with a traceback at 400 rows in training
    "class labels with the default loss": ("import torch\ndef build_model():\n    return torch.nn.Linear(4, 2)\n"
                                           "def make_data(n, seed):\n    x = torch.randn(n, 4)\n"
                                           "    return x, (x[:, 0] > 0).long()\n",
                                           "needs the model's output shaped like y, got (2, 2) and (2,) (define "
                                           "loss_fn(prediction, y) for another, e.g. nn.CrossEntropyLoss() for class labels)"),
    # the two rows tried held labels the model could score; training died at a later batch with an IndexError
    "class labels beyond the model's classes": (
        "import torch\ndef build_model():\n    return torch.nn.Linear(4, 10)\n"
        "loss_fn = torch.nn.CrossEntropyLoss()\n"
        "def make_data(n, seed):\n    x = torch.randn(n, 4)\n    y = torch.arange(n) % 12\n    return x, y\n",
        "the labels y run from 0 to 11, but the model gives 10 class scores (its output is (2, 10)); "
        "nn.CrossEntropyLoss needs every label in 0..9"),
    # sys.exit passed the workload's status off as mlpbench's, with nothing said
    "sys.exit on import": ("import sys\nimport torch\ndef build_model():\n    return torch.nn.Linear(2, 1)\n"
                           "def make_data(n, seed):\n    return torch.randn(n, 2), torch.randn(n, 1)\nsys.exit(3)\n",
                           "importing it failed at line 7: SystemExit: 3"),
    "sys.exit in build_model": ("import sys\nimport torch\ndef build_model():\n    sys.exit(0)\n"
                                "def make_data(n, seed):\n    return torch.randn(n, 2), torch.randn(n, 1)\n",
                                "build_model() failed at line 4: SystemExit: 0"),
    # found only in training (an optimizer) or after it (the FLOP count): a traceback, the run lost
    "an optimizer that is none": ("import torch\ndef build_model():\n    return torch.nn.Linear(2, 1)\n"
                                  "def make_optimizer(params):\n    return 'adam'\n"
                                  "def make_data(n, seed):\n    return torch.randn(n, 2), torch.randn(n, 1)\n",
                                  "make_optimizer(params) must return a torch.optim.Optimizer (or an object with its "
                                  "step() and zero_grad()), got a str"),
    "a FLOP count that is no number": ("import torch\ndef build_model():\n    return torch.nn.Linear(2, 1)\n"
                                       "def flops_per_step(batch):\n    return 'lots'\n"
                                       "def make_data(n, seed):\n    return torch.randn(n, 2), torch.randn(n, 1)\n",
                                       "flops_per_step(batch) must return a number of FLOPs (0 or more), got 'lots'"),
    "a negative FLOP count": ("import torch\ndef build_model():\n    return torch.nn.Linear(2, 1)\n"
                              "def flops_per_step(batch):\n    return -1\n"
                              "def make_data(n, seed):\n    return torch.randn(n, 2), torch.randn(n, 1)\n",
                              "flops_per_step(batch) must return a number of FLOPs (0 or more), got -1"),
    "a Dataset from make_data": ("import torch\ndef build_model():\n    return torch.nn.Linear(2, 1)\n"
                                 "def make_data(n, seed):\n    x = torch.randn(n, 2)\n"
                                 "    return torch.utils.data.TensorDataset(x, x.sum(1, keepdim=True))\n",
                                 "make_data(n, seed) must return (x, y) torch tensors, got a TensorDataset"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_a_bad_workload_file_is_one_line_naming_it(case, tmp_path):
    text, fragment = BAD[case]
    path = tmp_path / "bad_workload.py"
    path.write_text(text)
    from mlpbench.api import prepare, resolve_workload

    with pytest.raises(UsageError) as err:
        prepare(resolve_workload(str(path), {})[0])
    assert str(err.value).startswith(f"workload {path}: ") and fragment in str(err.value), str(err.value)
    assert "\n" not in str(err.value)


def test_labels_the_loss_ignores_are_not_refused(tmp_path):
    path = tmp_path / "ignored.py"
    path.write_text("import torch\ndef build_model():\n    return torch.nn.Linear(4, 3)\n"
                    "loss_fn = torch.nn.CrossEntropyLoss()\n"
                    "def make_data(n, seed):\n    x = torch.randn(n, 4)\n    y = torch.arange(n) % 3\n"
                    "    y[::7] = -100\n    return x, y\n")
    from mlpbench.api import prepare, resolve_workload

    prepare(resolve_workload(str(path), {})[0])  # -100: CrossEntropyLoss's ignore_index, no class


def test_a_batch_of_one_that_batchnorm_refuses_is_one_line_before_training(tmp_path):
    """Two rows passed the check, then training on batches of one died with BatchNorm's traceback."""
    path = tmp_path / "bn.py"
    path.write_text("import torch\ndef build_model():\n    return torch.nn.Sequential(torch.nn.Linear(4, 8), "
                    "torch.nn.BatchNorm1d(8), torch.nn.Linear(8, 1))\n"
                    "def make_data(n, seed):\n    x = torch.randn(n, 4)\n    return x, x.sum(1, keepdim=True)\n")
    from mlpbench.api import prepare, resolve_workload

    prepare(resolve_workload(str(path), {})[0])  # full batches: fine
    with pytest.raises(UsageError, match=r"the model on the first row of the data \(build_model\(\)\(x\)\) failed: "
                                         r"ValueError: Expected more than 1 value per channel when training"):
        prepare(resolve_workload(str(path), {"batch_size": 1})[0])


def test_bad_workloads_through_the_cli(tmp_path):
    path = tmp_path / "w.py"
    path.write_text(BAD["fails on import"][0])
    assert_usage_error(run_cli("bench", "--workload", str(path), "--devices", "cpu"), "importing it failed")
    assert_usage_error(run_cli("run", "--workload", str(tmp_path)), "is a directory")
    assert_usage_error(run_cli("sweep", "--workload", "examples/workloads/cnn.py", "--vary", "width=1,2"),
                       "--vary width changes the built-in MLP's widths")


FAILS_IN_TRAINING = ("import torch\nfrom torch import nn\n\n\nclass Boom(nn.Linear):\n"
                     "    def forward(self, x):\n        if x.shape[0] > 2:  # passes the check on two rows\n"
                     "            raise RuntimeError('boom in training')\n        return super().forward(x)\n\n\n"
                     "def build_model():\n    return Boom(10, 1)\n\n\n"
                     "def make_data(n, seed):\n    x = torch.randn(n, 10)\n    return x, x.sum(1, keepdim=True)\n")


def test_a_workload_that_fails_in_training_shows_its_own_traceback_then_one_line(tmp_path, capsys):
    """It showed mlpbench's own traceback (cli.py, api.py, job.py, eager.py), no mlpbench line: read as a crash."""
    from mlpbench.cli import main

    path = tmp_path / "fails.py"
    path.write_text(FAILS_IN_TRAINING)
    assert main(["run", "--workload", str(path), "--device", "cpu", "--steps", "5"]) == 1
    lines = capsys.readouterr().err.strip().splitlines()
    assert lines[0] == "Traceback (most recent call last):" and "mlpbench" not in "\n".join(lines[:-1])
    assert f'  File "{path}", line 8, in forward' in lines and "RuntimeError: boom in training" in lines
    assert lines[-1] == f"mlpbench: the workload {path} failed (RuntimeError: boom in training)"


def test_a_trial_whose_workload_fails_keeps_its_own_traceback(tmp_path, capsys, monkeypatch):
    """A bench's or sweep's child: the traceback kept in the results (and shown in the report) is the workload's."""
    from mlpbench.measure import child
    from mlpbench.measure.job import JobSpec
    from mlpbench.results.model import Target
    from mlpbench.workload.config import WorkloadConfig

    path = tmp_path / "fails.py"
    path.write_text(FAILS_IN_TRAINING)
    spec = tmp_path / "spec.json"
    spec.write_bytes(msgspec.json.encode(JobSpec(target=Target("cpu", "eager"),
                                                 config=WorkloadConfig(workload=str(path), steps=5))))
    assert child.main([str(spec), str(tmp_path / "record.json")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("Traceback (most recent call last):") and "mlpbench" not in err
    assert err.strip().splitlines()[-1] == "RuntimeError: boom in training"  # the parent's one line reads it
    # between the user's make_optimizer and torch sits mlpbench's first-optimizer timer: its frame goes, theirs stays
    optimizer = tmp_path / "optimizer.py"
    optimizer.write_text(FAILS_IN_TRAINING.replace("raise RuntimeError('boom in training')", "pass") +
                         "\n\ndef make_optimizer(params):\n    return torch.optim.SGD([p for p in params if p.ndim > 5], "
                         "lr=0.1)\n")
    spec.write_bytes(msgspec.json.encode(JobSpec(target=Target("cpu", "eager"),
                                                 config=WorkloadConfig(workload=str(optimizer), steps=5))))
    assert child.main([str(spec), str(tmp_path / "record.json")]) == 1
    err = capsys.readouterr().err
    assert f'File "{optimizer}", line 22, in make_optimizer' in err and "mlpbench" not in err
    from mlpbench.measure import job

    def bug(spec):  # mlpbench's own failure is no workload's: it keeps its whole traceback
        raise RuntimeError("a bug of mlpbench's")

    monkeypatch.setattr(job, "run_job", bug)
    with pytest.raises(RuntimeError, match="a bug of mlpbench's"):
        child.main([str(spec), str(tmp_path / "record.json")])


def test_scripts_benched_as_they_are_beside_the_job(tmp_path):
    failing = tmp_path / "fails_sometimes.py"
    failing.write_text("import sys\nprint('Total Execution Time: 0.5000 seconds')\n"
                       "sys.stderr.write('out of patience\\n')\nsys.exit(3)\n")
    proc = run_cli("bench", "--devices", "cpu", "--workload", "builtin", "--script", "examples/three_layer_nn_pytorch.py",
                   "--script", str(failing),
                   "--runs", "2", "--warm-runs", "0", "--steps", "21", "--out", str(tmp_path / "b"), "--no-report")
    assert proc.returncode == 1
    assert "script:" in proc.stderr and "out of patience" in proc.stderr
    results = load_results(tmp_path / "b" / "results.json")
    by_target = {}
    for trial in results.cold:
        by_target.setdefault(trial.target.key, []).append(trial)
    ok = by_target["script:examples/three_layer_nn_pytorch.py"]
    assert [t.status for t in ok] == ["ok", "ok"]
    assert ok[0].record.seed_time > 0 and ok[0].record.losses[500] == 1.6937
    assert {"interpreter", "import_torch", "first_optimizer", "rest"} <= set(ok[0].record.phases)
    bad = by_target[f"script:{failing}"]
    assert [(t.status, t.returncode, t.error) for t in bad] == [("failed", 3, "out of patience")] * 2
    assert [t.status for t in by_target["cpu/eager"]] == ["ok", "ok"]  # the other trials went on
    assert [c.index for c in results.cold] == list(range(6))  # interleaved: cpu, script, script, cpu, ...
    assert [c.target.key for c in results.cold[:3]] == ["cpu/eager", "script:examples/three_layer_nn_pytorch.py",
                                                        f"script:{failing}"]


def test_the_notebook_api(foreign, tmp_path):
    import mlpbench

    result = mlpbench.bench(str(foreign), devices=("cpu",), runs=1, warm_runs=2, warm_time=2.0, warmup=0, steps=21,
                            out=tmp_path / "o")
    text = result.summary()
    assert text.startswith("Only the CPU was timed") and "A training step takes" in text
    rows = {(r["target"], r["mode"], r["phase"]): r for r in result.figures()}  # plain rows, for a DataFrame
    warm = rows[("cpu/eager", "warm", "train")]
    assert warm["n"] >= 2 and warm["low_s"] <= warm["median_s"] <= warm["high_s"] and warm["label"] == "CPU"
    assert rows[("cpu/eager", "cold", "wall")]["n"] == 1 and rows[("cpu/eager", "cold", "wall")]["low_s"] is None
    assert "targets cpu/eager; .summary(), .figures(), .report(path)>" in repr(result)
    assert result.to_json(tmp_path / "copy.json").exists()
    assert json.loads((tmp_path / "copy.json").read_text())["config"]["workload"] == str(foreign)
    paths = result.report(tmp_path / "r.html", lang="ja")
    assert paths[0].read_text().count("<svg") >= 2
    assert "CPU" in result.summary("ja") and "時間を計ったのは" in result.summary("ja")
    assert mlpbench.load(tmp_path / "copy.json").results.config.workload == str(foreign)


def test_a_notebook_run_is_timed_from_the_call_not_the_session():
    """In a running interpreter torch is already imported: the import phase is none of this call's time,
    and nothing the session did before (here: a whole other run) is counted in it."""
    import torch  # noqa: F401  (as a notebook has)

    import mlpbench

    first = mlpbench.run(steps=11, device="cpu")
    second = mlpbench.run(steps=11, device="cpu")
    for record in (first, second):
        assert record.phases["import"] == 0.0 and record.import_source == "call"
        assert record.seed_time == pytest.approx(record.phases["total"])


def test_the_notebook_api_with_an_object_that_lives_only_here():
    import torch

    import mlpbench

    class Tiny:
        def build_model(self):
            return torch.nn.Linear(4, 1)

        def make_data(self, n, seed):
            x = torch.randn(n, 4)
            return x, x.sum(dim=1, keepdim=True)

    result = mlpbench.bench(Tiny(), devices=("cpu",), backends=("eager", "tuned"), warm_runs=3, warm_time=2.0, warmup=0,
                            steps=11)
    assert result.results.cold == [] and len(result.results.warm) == 2
    assert result.results.plan.runs == 0 and "No cold trials: a workload that lives only in this interpreter" in \
        result.summary()  # said, not silently skipped
    assert all(w.record.warm.measurement.stats.n >= 3 for w in result.results.warm)
    assert any(c.role == "workload" and "class Tiny" in c.source for c in result.results.code)
    with pytest.raises(UsageError, match="save the workload to a file"):
        mlpbench.sweep(types.SimpleNamespace(build_model=Tiny().build_model, make_data=Tiny().make_data))


def test_the_example_workloads_run(tmp_path):
    for name in ("cnn", "classifier"):
        proc = run_cli("run", "--workload", f"examples/workloads/{name}.py", "--device", "cpu", "--steps", "11",
                       "--json", str(tmp_path / f"{name}.json"), "--quiet")
        assert proc.returncode == 0, proc.stderr
        record = load_run(tmp_path / f"{name}.json")
        assert record.classes and record.flops_source == ("counted" if name == "cnn" else "workload")


def test_your_own_script_alone_is_timed_alone(tmp_path):
    """`bench --script mine.py` times mine.py: mlpbench's own job runs beside it only when named
    (--workload FILE.py or builtin), and the report tells nothing of the seed's scripts or settings."""
    mine = tmp_path / "mine.py"
    mine.write_text("import time\nt = time.time()\nprint(f'Total Execution Time: {time.time() - t:.4f} seconds')\n")
    proc = run_cli("bench", "--script", str(mine), "--runs", "2", "--out", str(tmp_path / "o"))
    assert proc.returncode == 0, proc.stderr
    results = load_results(tmp_path / "o" / "results.json")
    assert [t.target.key for t in results.cold] == [f"script:{mine}"] * 2 and results.warm == []
    assert (results.plan.runs, results.plan.warm_runs, results.plan.script_runs) == (0, 0, 2)  # what ran, recorded
    assert [c.role for c in results.code] == ["script"]
    report = (tmp_path / "o" / "report.md").read_text()
    assert "What was asked" not in report and "three_layer_nn_pytorch" not in report and "10→100→50→1" not in report
    assert "Only your scripts ran, as they are" in report and "None of your scripts ran on a GPU" in report


@pytest.mark.parametrize("args, fragment", [
    (["bench", "--steps", "20"], "--steps has no effect beside --script without --workload"),
    (["bench", "--backends", "fused", "--hidden", "8,4"], "--backends, --hidden have no effect beside --script"),
    (["bench", "--devices", "cuda"], "--devices has no effect beside --script without --workload: a script runs on the "
                                     "device it chooses"),
    (["bench", "--script-runs", "0"], "--script-runs 0 without --workload measures nothing"),
    (["bench", "--runs", "0"], "--runs 0 (the scripts' trials, where no --script-runs is given) without --workload "
                               "measures nothing"),  # it named --script-runs, which the user never typed
    (["bench", "--warm-runs", "20", "--warm-time", "100"], "--warm-runs, --warm-time have no effect beside --script "
                                                           "without --workload: a script runs on the device it chooses, "
                                                           "in cold trials only"),  # a script has no warm trials
    (["run", "--device", "cuda"], "--device has no effect on --script: the script runs as it is"),
    (["run", "--steps", "5", "--lr", "0.1"], "--steps, --lr have no effect on --script"),
])
def test_a_flag_a_script_run_would_ignore_is_refused(args, fragment, tmp_path):
    mine = tmp_path / "mine.py"
    mine.write_text("print('hi')\n")
    assert_usage_error(run_cli(*args, "--script", str(mine), "--out" if args[0] == "bench" else "--quiet",
                               *([str(tmp_path / "o")] if args[0] == "bench" else [])), fragment)


def test_threads_reach_a_script_as_they_reach_the_job(tmp_path):
    """--threads pinned mlpbench's job but not the script beside it (2.6x slower there), and a scripts-only bench
    refused it, though its warnings advised it."""
    mine = tmp_path / "mine.py"
    mine.write_text("import torch\nprint('threads', torch.get_num_threads())\n")
    proc = run_cli("bench", "--script", str(mine), "--threads", "1", "--runs", "1", "--out", str(tmp_path / "o"),
                   "--no-report")
    assert proc.returncode == 0, proc.stderr
    run = load_results(tmp_path / "o" / "results.json").cold[0].record
    assert run.log == ["threads 1"] and run.threads == 1
    once = run_cli("run", "--script", str(mine), "--threads", "1")  # and `run --script`, which refused it
    assert once.returncode == 0 and once.stdout.startswith("threads 1"), once.stderr


def test_lr_on_a_workload_with_its_own_optimizer_is_refused(foreign):
    """--lr sets the default Adam; a workload's make_optimizer sets its own rate, and --lr would be ignored."""
    assert_usage_error(run_cli("run", "--workload", str(foreign), "--device", "cpu", "--lr", "0.5"),
                       "--lr sets the default Adam's learning rate; foreign_workload makes its own optimizer")


def test_a_training_script_given_as_a_workload_is_refused_before_it_runs(tmp_path):
    """Read from the text: the script's training never starts, and the line says what to use instead."""
    script = tmp_path / "train.py"
    marker = tmp_path / "ran"
    script.write_text(f"import pathlib\npathlib.Path({str(marker)!r}).write_text('trained')\n")
    assert_usage_error(run_cli("run", "--workload", str(script), "--device", "cpu"),
                       "defines no build_model() and no make_data()", "`mlpbench bench --script ")
    assert not marker.exists()


@pytest.mark.parametrize("text", [
    "def build_model(): pass\ndef make_data(n, seed): pass\n",
    "from torch.nn import Linear as build_model\nmake_data = lambda n, seed: None\n",
    "try:\n    from somewhere import *\nexcept ImportError:\n    pass\n",
    "if True:\n    def build_model(): pass\nelse:\n    build_model = None\nfor make_data in [None]: pass\n",
])
def test_what_may_define_a_workload_is_not_refused_early(text):
    import ast

    from mlpbench.workload.contract import REQUIRED, _may_bind

    assert all(_may_bind(ast.parse(text), f) for f in REQUIRED)
    assert not _may_bind(ast.parse("class W:\n    def build_model(self): pass\n"), "build_model")


class Dropping:
    """Dropout draws random numbers in every training step; BatchNorm keeps running statistics between runs."""

    def build_model(self):
        import torch

        return torch.nn.Sequential(torch.nn.Linear(6, 16), torch.nn.BatchNorm1d(16), torch.nn.ReLU(),
                                   torch.nn.Dropout(0.3), torch.nn.Linear(16, 1))

    def make_data(self, n, seed):
        import torch

        g = torch.Generator().manual_seed(seed)
        x = torch.randn(n, 6, generator=g)
        return x, x.sum(dim=1, keepdim=True)


def test_a_model_with_dropout_draws_the_same_numbers_in_every_run():
    """Seeded once, each run drew other dropout masks and every warm run of a Dropout model failed its loss
    check ("computes something else"); BatchNorm's running statistics carried over from run to run. Each run
    now starts from the same generators and buffers: its runs agree with its own first run."""
    import mlpbench
    from mlpbench.results.analysis import Analysis

    result = mlpbench.bench(Dropping(), devices=("cpu",), backends=("eager", "tuned"), warm_runs=3, warm_time=2.0,
                            warmup=1, steps=201)
    warm = {w.target.backend: w.record for w in result.results.warm}
    assert all(record.facts["random_in_training"] for record in warm.values())
    for record in warm.values():  # every run: the same masks, the same statistics, the same losses exactly
        assert all(losses == record.losses for losses in record.warm.sample_losses), record.target
        assert set(record.warm.sample_test_losses) == {record.test_loss}
    checks = [c for cs in Analysis(result.results).checks.values() for c in cs]
    assert len(checks) == sum(len(r.warm.sample_losses) for r in warm.values()) >= 2 * 3  # first runs: the references
    assert all(c.passed and c.own and c.steps == 3 for c in checks)
    text = result.summary()
    assert "measured runs computed losses outside" not in text
    assert "Planned but not measured" not in text


def test_the_probe_tells_a_model_that_draws_random_numbers_and_leaves_the_generator_alone():
    import torch

    from mlpbench.workload import problem as P
    from mlpbench.workload.config import WorkloadConfig
    from mlpbench.workload.contract import from_namespace

    config = WorkloadConfig()
    plain = P.make_problem(P.load_workload(config), config)
    dropping = P.make_problem(from_namespace("dropping", Dropping()), config)
    before = torch.get_rng_state()
    assert not P.draws_random(plain) and P.draws_random(dropping)
    assert torch.equal(torch.get_rng_state(), before)
    P.reseed(dropping)  # the stream a plain script's loop would begin with: just past its data and model
    assert torch.equal(torch.get_rng_state(), dropping.rng_state)


@pytest.mark.parametrize("printed, seconds", [
    ("Total Execution Time: 3.1800 seconds", 3.18),  # the seed's line
    ("Done in 0.30 s\navg step time: 0.004 s, eta 0 s", 0.30),  # the whole run, not the last time-like line
    ("Time per epoch: 2 s\nTotal time: 9.5 s", 9.5),
    ("Training took 850 ms", 0.85),
    ("elapsed: 12.5 s", 12.5),
    ("time: 1.5 s", 1.5),
    ("epoch 1 time 2.0 s\nepoch 2 time 2.1 s", None),  # parts of a run are not its time
    ("step 10, step time 0.01 s", None),
    ("loss 0.5 at 3 s", None),
    ("Epoch 10/10, total loss: 0.2341, time: 3.2s", None),  # an epoch's, though it says "total"
    ("step 1000/1000 done in 0.02 s\nbatch 31 finished in 0.01 s\niter 500 | total loss 0.1 | took 0.05 s", None),
    ("Loading data took 1.2 s\nTraining took 3.0 s\nEvaluation took 0.2 s", 3.0),  # the longest part, not the last
    # clocks and compound amounts were "none printed"; a part that "took" was the whole run
    ("Training time: 0:00:04.500004", 4.500004),  # print("Training time:", datetime.now() - start)
    ("Elapsed time: 0:01:05", 65.0),
    ("Total time: 1m 23s", 83.0),
    ("Total: 2 min 5 sec", 125.0),
    ("data loading took 3.2 seconds", None),
    ("finished at 12:03:04", None),  # a time of day, not a duration
    ("End time: 2026-11-27 23:14:09.123456", None),  # print("End time:", datetime.now()) was 83,649 s
    ("End time: 23:14:09", None),
    ("Step: 1000/1000, loss: 0.3, time: 0.5s", None),  # a step's, an epoch's: never the run's
    ("epoch: 10, loss 0.2, time: 2.1s", None),
    ("Time/epoch: 3.2 s", None),
    ("Step [100/100] ... Time: 0.02s", None),
    ("Total time: 4,200 ms", None),  # not 0.2 s
    ("Total memory: 512 M", None),  # not 512 minutes
    ("Training took 0:00:04.5", 4.5),
])
def test_the_time_a_script_prints_about_itself_is_its_whole_runs(printed, seconds):
    from mlpbench.measure.script import self_reported

    assert self_reported(printed) == (pytest.approx(seconds) if seconds is not None else None)


def test_a_script_runs_with_the_arguments_given_after_its_name(tmp_path):
    """`--script "train.py --epochs 1"` gave "no such file": a script is run with its arguments, as a shell
    would split them; the same file with two sets of arguments is two targets and one copy of its code."""
    mine = tmp_path / "args.py"
    mine.write_text("import sys\nprint('args:', sys.argv[1:])\nprint('Total Execution Time: 0.0100 seconds')\n")
    proc = run_cli("bench", "--script", f"{mine} --epochs 3 --name 'a b'", "--script", f"{mine} --epochs 1",
                   "--runs", "1", "--out", str(tmp_path / "o"), "--no-report")
    assert proc.returncode == 0, proc.stderr
    results = load_results(tmp_path / "o" / "results.json")
    logs = {t.target.script: t.record.log for t in results.cold}
    assert logs == {f"{mine} --epochs 3 --name 'a b'": ["args: ['--epochs', '3', '--name', 'a b']",
                                                         "Total Execution Time: 0.0100 seconds"],
                    f"{mine} --epochs 1": ["args: ['--epochs', '1']", "Total Execution Time: 0.0100 seconds"]}
    assert [c.path for c in results.code] == [str(mine)]
    assert_usage_error(run_cli("run", "--script", f"{mine} 'unclosed"), "cannot split it into a file and its arguments")


def test_buffers_are_restored_by_name_even_when_the_model_adds_one_as_it_runs():
    """Paired by position, a buffer registered during forward (a cache) shifted BatchNorm's statistics one place:
    'scale' got running_mean, running_mean got running_var."""
    import torch

    from mlpbench.workload import problem as P
    from mlpbench.workload.backends import load_initial
    from mlpbench.workload.config import WorkloadConfig
    from mlpbench.workload.contract import from_namespace

    class Cached(torch.nn.Module):
        def forward(self, x):
            if not hasattr(self, "scale"):
                self.register_buffer("scale", torch.full((x.shape[1],), 2.0))
            return x * self.scale

    class Workload:
        def build_model(self):
            return torch.nn.Sequential(Cached(), torch.nn.BatchNorm1d(6), torch.nn.Linear(6, 1))

        def make_data(self, n, seed):
            x = torch.randn(n, 6)
            return x, x.sum(dim=1, keepdim=True)

    config = WorkloadConfig()
    problem = P.make_problem(from_namespace("cached", Workload()), config)
    model = problem.new_model("cpu")
    model(problem.data.x_train)  # the cache appears, and BatchNorm's statistics move
    load_initial(model, problem)
    buffers = dict(model.named_buffers())
    assert torch.equal(buffers["0.scale"], torch.full((6,), 2.0))  # not running_mean's zeros
    assert torch.equal(buffers["1.running_mean"], torch.zeros(6)) and torch.equal(buffers["1.running_var"], torch.ones(6))


def test_a_model_that_draws_random_numbers_its_output_does_not_show_is_still_random():
    """DropPath on two rows may keep both: the generator moved all the same."""
    import torch

    from mlpbench.workload import problem as P
    from mlpbench.workload.config import WorkloadConfig
    from mlpbench.workload.contract import from_namespace

    class Draws(torch.nn.Module):
        def forward(self, x):
            keep = (torch.rand(x.shape[0], 1) >= 0.0).to(x.dtype)  # always keeps: the output never changes
            return x * keep

    class Workload:
        def build_model(self):
            return torch.nn.Sequential(torch.nn.Linear(3, 1), Draws())

        def make_data(self, n, seed):
            x = torch.randn(n, 3)
            return x, x.sum(dim=1, keepdim=True)

    config = WorkloadConfig()
    assert P.draws_random(P.make_problem(from_namespace("draws", Workload()), config))


def test_the_optimizer_a_run_built_is_recorded_with_the_settings_that_differ_from_its_defaults():
    import types

    import torch

    from mlpbench.measure.job import _optimizer

    params = torch.nn.Linear(2, 1).parameters
    for optimizer, said in [(torch.optim.SGD(params(), lr=0.05, momentum=0.9), "SGD, lr = 0.05, momentum = 0.9"),
                            (torch.optim.Adam(params(), lr=1e-3, fused=True), "Adam, lr = 0.001"),  # how: not a setting
                            (torch.optim.AdamW(params(), lr=3e-4, betas=(0.9, 0.95)), "AdamW, lr = 0.0003, betas = (0.9, 0.95)")]:
        assert _optimizer(types.SimpleNamespace(optimizer=optimizer)) == {"optimizer": said}
    assert _optimizer(types.SimpleNamespace()) == {}  # a backend with no torch optimizer (fused, jax)


def test_the_loss_recorded_shows_its_settings():
    """torch's losses print no settings: a smoothed cross-entropy read as the default one in the report."""
    from types import SimpleNamespace

    import torch

    from mlpbench.measure.job import _loss

    def recorded(fn):
        return _loss(SimpleNamespace(workload=SimpleNamespace(loss=lambda: fn)))

    assert recorded(torch.nn.CrossEntropyLoss(label_smoothing=0.1)) == "CrossEntropyLoss(label_smoothing=0.1)"
    assert recorded(torch.nn.NLLLoss(ignore_index=3, weight=torch.ones(3))) == "NLLLoss(ignore_index=3, weight=…)"
    assert recorded(torch.nn.MSELoss()) == "MSELoss()"

    def my_loss(prediction, y):
        return (prediction - y).abs().mean()

    assert recorded(my_loss).endswith("my_loss")
