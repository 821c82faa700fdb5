"""`mlpbench run`: bad input through the real CLI, the JSON contract, device choice, scripts."""

from __future__ import annotations


import pytest

from conftest import ROOT, assert_usage_error, cuda_available, run_cli
from mlpbench.cli import main
from mlpbench.errors import UsageError
from mlpbench.results.files import load_run

NO_CUDA = not cuda_available()


BAD_RUN = [
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
    (["--threads", "100000"], "--threads 100000: this machine has"),  # torch's thread pool crashed with SIGSEGV
    (["--script", ""], "--script needs a path, got ''"),  # ran the built-in job as if no script were given
    (["--json", " "], "--json needs a path, got ' '"),  # wrote nothing, said nothing
    (["--batch-size", "1000"], "larger than the 400 training rows"),
    (["--n", "3000000000"], "keep n x width below"),
    (["--device", "tpu"], "unknown device 'tpu'"),
    (["--backend", "warp-drive"], "unknown backend 'warp-drive'"),
    (["--bogus-flag"], "unrecognized arguments"),
    (["--precision", "fp8"], "invalid choice: 'fp8'"),
    (["--workload", "nowhere.py"], "workload nowhere.py: no such file"),
    (["--workload", "examples/workloads/cnn.py", "--hidden", "8,8"], "--hidden sets the built-in MLP's widths"),
    (["--script", "nowhere.py"], "--script nowhere.py: no such file"),
    (["--script", "examples/three_layer_nn_pytorch.py", "--log-every", "5"], "--log-every has no effect on --script"),
    (["--backend", "fused", "--workload", "examples/workloads/cnn.py"], "written for the built-in MLP"),
]
THROUGH_THE_REAL_CLI = {"--bogus-flag", "--device", "--workload"}  # a few in a fresh process, the rest in this one


@pytest.mark.parametrize("args, fragment", BAD_RUN, ids=[" ".join(a) for a, _ in BAD_RUN])
def test_bad_input_is_one_line_and_exit_2(args, fragment, capsys, monkeypatch):
    argv = ["run", *(["--device", "cpu"] if "--device" not in args and "--script" not in args else []), *args]
    if args[0] in THROUGH_THE_REAL_CLI and len(args) <= 2:
        assert_usage_error(run_cli(*argv), fragment)
        return
    monkeypatch.chdir(ROOT)
    assert main(argv) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("mlpbench: error: ") and fragment in err[0], err


@pytest.mark.skipif(not NO_CUDA, reason="this machine has CUDA")
def test_cuda_missing_is_a_usage_error():
    assert_usage_error(run_cli("run", "--device", "cuda"), "cuda is not available")


def test_cuda_index_out_of_range():
    proc = run_cli("run", "--device", "cuda:7")
    assert_usage_error(proc, "cuda:7 is not available" if NO_CUDA else "cuda:7 does not exist")


def test_unwritable_json_path(tmp_path):
    assert_usage_error(run_cli("run", "--device", "cpu", "--json", str(tmp_path / "missing" / "run.json")), "does not exist")
    assert_usage_error(run_cli("run", "--device", "cpu", "--json", str(tmp_path)), "is a directory")
    (tmp_path / "a-file").write_text("")  # a path below a file: unwritable even for root
    assert_usage_error(run_cli("run", "--device", "cpu", "--json", str(tmp_path / "a-file" / "run.json")),
                       "is not a directory")


def test_diverged_training_is_reported(tmp_path, capsys):
    path = tmp_path / "run.json"
    assert main(["run", "--device", "cpu", "--lr", "1e30", "--steps", "300", "--json", str(path), "--quiet"]) == 1
    assert "training diverged" in capsys.readouterr().err
    assert load_run(path).status == "diverged"


def test_a_script_run_as_it_is(tmp_path):
    proc = run_cli("run", "--script", "examples/three_layer_nn_pytorch.py", "--json", str(tmp_path / "s.json"))
    assert proc.returncode == 0, proc.stderr
    assert "Step 500: Train Loss = 1.6937" in proc.stdout and "Where the time went (examples/three_layer_nn_pytorch.py)" in proc.stdout
    record = load_run(tmp_path / "s.json")
    assert {"interpreter", "import_torch", "first_optimizer", "rest", "total"} <= set(record.phases)
    assert record.seed_time == pytest.approx(float(proc.stdout.split("Total Execution Time: ")[1].split()[0]))
    assert record.losses[500] == 1.6937
    assert not [line for line in proc.stdout.splitlines() if line.strip().startswith("other")]  # its rest is the rest


def test_a_failing_script_shows_its_own_stderr_then_one_line_and_exit_1(tmp_path):
    """As `python3 broken.py` would: its output and its traceback, then mlpbench's one line (--quiet: the line)."""
    script = tmp_path / "broken.py"
    # the error passes through torch.optim.Optimizer.__init__, which mlpbench wraps to time the first optimizer:
    # the wrapper's frame showed between the script's and torch's
    script.write_text("import sys\nprint('half way')\nimport torch\ntry:\n    torch.optim.SGD([], lr=0.1)\n"
                      "except ValueError as err:\n    raise RuntimeError('no data here') from err\n")
    proc = run_cli("run", "--script", str(script), cwd=ROOT)
    assert proc.returncode == 1, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert lines[0] == "Traceback (most recent call last):" and "RuntimeError: no data here" in lines
    assert lines[1].startswith(f'  File "{script}", line 5') and "script_boot" not in proc.stderr  # its frames only
    assert "ValueError: optimizer got an empty parameter list" in lines  # the chained exception's frames too
    assert lines[-1] == f"mlpbench: the script {script} failed (exit status 1: RuntimeError: no data here)"
    assert "half way" in proc.stdout
    quick = tmp_path / "quick.py"
    quick.write_text("raise RuntimeError('no data here')\n")
    quiet = run_cli("run", "--script", str(quick), "--quiet", cwd=ROOT)
    assert quiet.stderr.strip().splitlines() == [lines[-1].replace(str(script), str(quick))]


def test_a_job_too_big_for_memory_is_refused_before_it_starts():
    from mlpbench.measure.job import check_memory
    from mlpbench.workload.config import WorkloadConfig

    with pytest.raises(UsageError, match=r"this workload needs about [0-9.]+ GiB but only [0-9.]+ GiB of host memory"):
        check_memory(WorkloadConfig(n=200_000_000, hidden=(1, 1)).validate(), "cpu")
    check_memory(WorkloadConfig(), "cpu")  # the seed fits


def test_memory_peaks_are_the_jobs_not_the_probes(monkeypatch):
    """The matmul probe (8192² matrices on a GPU: 0.8 GB on the H200) and the profiler run after the job;
    the peaks must be read before them, or they report the probe's memory as the job's."""
    from mlpbench.measure import devices, job, profile
    from mlpbench.results.model import Target
    from mlpbench.workload.config import WorkloadConfig

    calls = []
    peak = devices.peak_memory
    monkeypatch.setattr(devices, "peak_memory", lambda d: calls.append("peaks") or peak(d))
    monkeypatch.setattr(devices, "matmul_rate", lambda d: calls.append("probe") or 1e9)
    real_profile = profile.profile_steps
    monkeypatch.setattr(profile, "profile_steps", lambda t, d: calls.append("profile") or real_profile(t, d, steps=2))
    spec = job.JobSpec(target=Target("cpu", "eager"), config=WorkloadConfig(n=50, steps=3),
                       warm=job.WarmPlan(warmup=1, min_runs=2, max_runs=2), matmul_rate=True, profile=True)
    record = job.run_job(spec)
    assert calls == ["peaks", "probe", "profile"]
    assert record.memory.peak_rss_bytes > 0 and record.profile.ops_per_step > 0


def test_the_commit_given_beats_the_checkouts(monkeypatch):
    """A tree sent to another machine is told its commit; a .git found there (stale on the H200) must not win."""
    from mlpbench.measure import environment

    monkeypatch.setenv("MLPBENCH_COMMIT", "0701d5e5f76f")
    assert environment._git_commit() == "0701d5e5f76f"
    monkeypatch.delenv("MLPBENCH_COMMIT")
    found = environment._git_commit()
    assert found is None or (found != "0701d5e5f76f" and len(found.split("-")[0]) == 12)


def test_a_size_the_host_cannot_hold_is_one_line_and_exit_2(monkeypatch, capsys):
    """torch's CPU allocator says "can't allocate memory", not "out of memory": both are a size to lower."""
    from mlpbench import cli

    def too_big(args):
        raise RuntimeError("[enforce fail at alloc_cpu.cpp:127] err == 0. DefaultCPUAllocator: can't allocate memory: "
                           "you tried to allocate 3600000000 bytes.\nmore")

    monkeypatch.setattr(cli, "cmd_run", too_big)
    assert cli.main(["run", "--hidden", "30000,30000"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "can't allocate memory" in err and err.rstrip().endswith("lower --n or --hidden")


@pytest.mark.parametrize("signum, code", [(2, 130), (15, 143)])
def test_a_script_run_stopped_by_a_signal_is_stopped_with_it(tmp_path, signum, code):
    """`mlpbench run --script` stopped by Ctrl-C or SIGTERM left the script running on its own: it runs in a session
    of its own, which the terminal's signal does not reach."""
    import subprocess
    import sys
    import uuid

    from conftest import cli_env, interruptible, wait_for
    from test_distributed import _processes_with

    script = tmp_path / "sleeps.py"
    script.write_text("import time\nprint('started', flush=True)\ntime.sleep(120)\n")
    token = f"mlpbench-test-{uuid.uuid4()}"
    proc = subprocess.Popen([sys.executable, "-m", "mlpbench", "run", "--script", str(script)], cwd=tmp_path,
                            env=cli_env(MLPBENCH_TEST_TOKEN=token), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, preexec_fn=interruptible)
    try:
        wait_for(lambda: len(_processes_with(token)) >= 2, 60, "the script to start beside mlpbench")
    finally:
        proc.send_signal(signum)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode in (code, -signum), err  # SIGTERM: ended by the signal itself, as a shell reports 143
    assert "Traceback" not in err
    wait_for(lambda: _processes_with(token) == [], 10, "the script to be gone")
