"""`mlpbench bench` and `compare`: interleaving, failed children, interruption, bad input."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from pathlib import Path

import msgspec
import pytest

from conftest import DATA, ROOT, assert_usage_error, cli_env, run_cli, wait_for
from mlpbench.measure.bench import Bench
from mlpbench.measure.children import ChildRunner
from mlpbench.results.files import load_results
from mlpbench.results.model import BenchPlan, Environment, PlannedTarget, Target
from mlpbench.workload.config import WorkloadConfig

TINY = ["--steps", "30", "--n", "100"]
CPU, GPU = Target("cpu", "eager"), Target("cuda:0", "eager")


class Quiet:
    def start(self, total): ...
    def update(self, description): ...
    def advance(self, line): ...
    def stop(self): ...


def make_bench(tmp_path: Path, runs: int, targets: list[PlannedTarget], children=None, script_runs=None) -> Bench:
    from mlpbench.measure.sources import backend_code

    return Bench(BenchPlan(runs=runs, script_runs=script_runs, warm_runs=0), WorkloadConfig(steps=30, n=100), targets,
                 backend_code(["eager"]), Environment(), Quiet(), tmp_path, children)


def test_cold_trials_are_interleaved(tmp_path):
    missing = PlannedTarget(Target("mps", "eager"), "unavailable", "no Apple GPU")
    plan = make_bench(tmp_path, 3, [PlannedTarget(CPU), PlannedTarget(GPU), missing]).cold_order()
    assert plan == [(0, CPU), (0, GPU), (1, CPU), (1, GPU), (2, CPU), (2, GPU)]


def test_scripts_may_have_their_own_count_of_cold_trials(tmp_path):
    """`make bench`: the scripts 4 times each, the workload only warm (--runs 0); and a target with
    fewer trials than another sits out the last rounds, the others stay interleaved."""
    a, b = Target(None, "script", script="a.py"), Target(None, "script", script="b.py")
    targets = [PlannedTarget(CPU), PlannedTarget(a), PlannedTarget(b)]
    assert make_bench(tmp_path, 0, targets, script_runs=2).cold_order() == [(0, a), (0, b), (1, a), (1, b)]
    assert make_bench(tmp_path, 2, targets, script_runs=3).cold_order() == [
        (0, CPU), (0, a), (0, b), (1, CPU), (1, a), (1, b), (2, a), (2, b)]
    assert make_bench(tmp_path, 2, targets).cold_order() == [(0, CPU), (0, a), (0, b), (1, CPU), (1, a), (1, b)]


def test_a_tf32_bench_runs_its_reference_in_fp32(tmp_path):
    """The CPU refuses tf32: the reference that checks a tf32 job's losses runs the fp32 loop."""
    from mlpbench.measure.children import ChildResult

    class Launch:
        configs = []

        def job(self, target, config, **_):
            self.configs.append((target, config))
            return ChildResult("failed", 0.1, 1, None, "")

    from mlpbench.measure.sources import backend_code

    bench = Bench(BenchPlan(runs=1, warm_runs=0), WorkloadConfig(steps=30, n=100, precision="tf32"),
                  [PlannedTarget(Target("cuda:0", "eager"))], backend_code(["eager"]), Environment(), Quiet(), tmp_path)
    assert bench.needs_reference()
    bench.reference(Launch())
    assert Launch.configs == [(CPU, WorkloadConfig(steps=30, n=100, precision="fp32"))]


def test_a_jobs_own_memory_peak_is_kept_and_a_scripts_is_filled_from_outside():
    """The outside peak (wait4) covers the whole child, the matmul probe and the profiler included; a job
    reads its own before them, and only a record without one (a script's) takes the outside figure."""
    from builders import record
    from mlpbench.measure.children import ChildResult
    from mlpbench.measure.launch import outcome
    from mlpbench.results.model import ColdTrial, Memory, WarmSet

    phases = {"import": 1.0, "train": 1.0, "total": 2.0}
    job = msgspec.structs.replace(record(CPU, phases), memory=Memory(peak_rss_bytes=400))
    kept = outcome(WarmSet, CPU, ChildResult("ok", 1.0, 0, job, "", peak_rss_bytes=500))
    assert kept.record.memory.peak_rss_bytes == 400
    script = Target(None, "script", script="mine.py")
    bare = msgspec.structs.replace(record(script, phases), memory=None)
    filled = outcome(ColdTrial, script, ChildResult("ok", 1.0, 0, bare, "", peak_rss_bytes=500), index=0, round=0)
    assert filled.record.memory.peak_rss_bytes == 500
    from mlpbench.measure import script as scripts  # a script's boot reads its own peak as it exits (VmHWM)

    booted = scripts.record(script, {"boot": 1.0, "script_end": 2.0, "peak_rss_bytes": 300}, 0.5, "")
    assert booted.memory.peak_rss_bytes == 300 and booted.phases["rest"] == 1.0
    own = outcome(ColdTrial, script, ChildResult("ok", 1.0, 0, booted, "", peak_rss_bytes=500), index=0, round=0)
    assert own.record.memory.peak_rss_bytes == 300


def test_a_warm_sets_limit_covers_every_run_it_must_do_before_warm_time_may_stop_it(tmp_path):
    """The job once, 2 warm-ups and 10 warm runs at up to 12 s each, then 1 s: the limit was 12 + 1 s, which
    killed a workload whose training took 1 s (and every warm sample it had) while its cold trials passed."""
    from mlpbench.measure.bench import warm_timeout
    from mlpbench.measure.children import ChildResult
    from mlpbench.measure.sources import backend_code

    limits = {}

    class Record(ChildRunner):
        def run(self, argv, record_path, timeout, trial_id="", env=None, keep_stdout=False):
            limits[trial_id] = timeout
            return ChildResult("failed", 0.1, 1, None, "")

    plan = BenchPlan(runs=1, warm_runs=10, warmup=2, warm_time=1.0, trial_timeout=12.0)
    Bench(plan, WorkloadConfig(steps=30, n=100), [PlannedTarget(CPU)], backend_code(["eager"]), Environment(), Quiet(),
          tmp_path, Record()).run()
    assert limits == {"cold:0": 12.0, "warm:cpu/eager": 12.0 * (1 + 2 + 10) + 1.0} and warm_timeout(plan) == 157.0


def test_a_hanging_child_is_killed_at_the_timeout(tmp_path):
    class Hang(ChildRunner):
        def run(self, argv, record_path, timeout, trial_id="", env=None, keep_stdout=False):
            return super().run([sys.executable, "-c", "import time; time.sleep(60)"], record_path, 1.0, trial_id)

    results = make_bench(tmp_path, 1, [PlannedTarget(CPU)], Hang()).run()
    assert results.cold[0].status == "timeout" and results.cold[0].error == "killed at the trial timeout"
    assert "trial timeout" in results.cold[0].stderr_tail


@pytest.fixture(scope="module")
def cpu_bench(tmp_path_factory):
    """One small real bench through the CLI, shared by the tests that read it."""
    out = tmp_path_factory.mktemp("bench") / "out"
    proc = run_cli("bench", "--devices", "cpu,cuda,mps", "--runs", "2", "--warm-runs", "3", "--warmup", "1",
                   "--warm-time", "3", *TINY, "--out", str(out))
    return proc, out


def test_bench_end_to_end_on_cpu(cpu_bench):
    proc, out = cpu_bench
    assert proc.returncode == 0, proc.stderr
    assert (out / "report.html").exists() and (out / "report.md").exists() and (out / "report-phases.svg").exists()
    results = load_results(out / "results.json")
    assert results.complete and results.interrupted is None
    from mlpbench.results.analysis import Analysis

    a = Analysis(results)
    assert a.find(CPU, "cold", "wall").stats.n == 2 and a.find(CPU, "warm", "train").stats.n >= 3
    assert {"import", "setup", "first_optimizer", "train", "total"} <= set(a.phases_of(CPU))
    assert len(a.find(CPU, "warm", "train").warmup_samples) == 1
    unavailable = {t.target.device: t.reason for t in results.targets if t.status != "ok"}
    assert "mps" in unavailable
    if "cuda" in unavailable:
        assert "not available" in unavailable["cuda"] and "unavailable: GPU: cuda is not available" in proc.stdout
    assert results.first_run(CPU).log[0] == "Using device: cpu"
    assert results.env.cpu and results.env.torch and results.env.timer_resolution_s
    assert all(c.passed for cs in a.checks.values() for c in cs)  # every warm sample checked against the first run
    # mlpbench's own work after the job's total is recorded apart from the process's exit
    assert all(0 < c.record.after_total < c.wall - c.record.phases["total"] for c in results.cold)
    assert results.warm[0].record.after_total > sum(results.warm[0].record.warm.measurement.samples)


def test_bench_ends_with_its_verdict(cpu_bench):
    proc, _ = cpu_bench
    tail = proc.stdout.strip().splitlines()
    verdict = [line for line in tail if line.startswith("Only the CPU was timed")]
    assert verdict and tail.index(verdict[0]) > tail.index(next(l for l in tail if l.startswith("Warm trials")))


def test_a_bench_stopped_before_its_report_leaves_no_earlier_report_beside_its_results(tmp_path):
    """A bench stopped by Ctrl-C writes no report: the one of an earlier bench in the folder stayed beside the new,
    partial results.json as if it were drawn from them. Only mlpbench's own reports and their pictures go."""
    class Stopped:
        def run(self, *args, **kwargs):
            raise KeyboardInterrupt

    from mlpbench.output.messages import MESSAGES
    from mlpbench.results.files import REPORT_TITLES, remove_stale_reports

    assert REPORT_TITLES == MESSAGES["title"]  # what is recognised is what mlpbench writes
    en, ja = REPORT_TITLES
    (tmp_path / "report.html").write_text(f"<!doctype html><html><head><title>{en}</title>")
    (tmp_path / "report.md").write_text(f"# {ja}\n\n![phases](<report-phases.svg>) ![x](<report-%2F..%2Fx.svg>)\n")
    (tmp_path / "report-phases.svg").write_text("<svg/>")
    (tmp_path / "notes.md").write_text(f"# {en}\n")  # not a name mlpbench writes: kept
    with pytest.raises(KeyboardInterrupt):
        make_bench(tmp_path, 1, [PlannedTarget(CPU)], children=Stopped()).run()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.md", "results.json"]
    assert load_results(tmp_path / "results.json").cold == []
    own = tmp_path / "mine"
    own.mkdir()
    (own / "report.md").write_text("# mlpbench reporting: notes for my thesis\n![fig](<report-final.svg>)\n")
    (own / "report-final.svg").write_text("<svg/>")
    remove_stale_reports(own)  # a title that only begins like mlpbench's: the user's, kept with its picture
    assert sorted(p.name for p in own.iterdir()) == ["report-final.svg", "report.md"]


@pytest.mark.parametrize("sig, code", [(signal.SIGTERM, 143)])  # SIGINT: tests/test_sweep.py (the same stoppable())
def test_an_interrupted_bench_leaves_a_valid_results_file(tmp_path, sig, code):
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-m", "mlpbench", "bench", "--devices", "cpu", "--runs", "50",
                             "--warm-runs", "0", *TINY, "--out", str(out), "--quiet"],
                            env=cli_env(), cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    results = out / "results.json"
    try:
        wait_for(lambda: results.exists() and json.loads(results.read_text())["cold"], 180, "the first cold trial")
    finally:
        proc.send_signal(sig)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == code, err
    assert "saved in" in err and "Traceback" not in err
    saved = load_results(results)
    assert saved.interrupted == ("SIGINT" if sig == signal.SIGINT else "SIGTERM") and not saved.complete
    assert 1 <= len(saved.cold) < 50 and all(t.status == "ok" for t in saved.cold)


def test_compare_two_results_files(tmp_path):
    import builders
    from mlpbench.results.files import write_model

    a, b = tmp_path / "a.json", tmp_path / "b.json"
    write_model(a, builders.bench())
    write_model(b, builders.bench(cpu_train=1.5))
    proc = run_cli("compare", str(a), str(b))
    assert proc.returncode == 0, proc.stderr
    assert "whole process (cold)" in proc.stdout and "training loop (warm)" in proc.stdout and "Mann-Whitney" in proc.stdout
    cpu_wall = next(line for line in proc.stdout.splitlines() if line.startswith("CPU ") and "whole process" in line)
    assert cpu_wall.rstrip().endswith("slower")
    same = run_cli("compare", str(a), str(a))
    assert "1.00×" in same.stdout and "no difference shown" in same.stdout and " faster" not in same.stdout
    assert proc.stderr == same.stderr == ""
    other = builders.bench()
    other.config = msgspec.structs.replace(other.config, steps=201, precision="tf32")
    write_model(b, other)
    assert "mlpbench: warning: A and B measured different settings (steps 1001 in A, 201 in B; precision fp32 in A, " \
        "tf32 in B)" in run_cli("compare", str(a), str(b)).stderr


def test_compare_gives_no_verdict_on_different_work_and_the_loop_per_step_where_only_the_steps_differ():
    """100 steps against 50: "training loop (warm) 594 ms, 256 ms, 0.43x, faster", beside a warning that said why
    that was meaningless."""
    import builders
    from mlpbench.output.tables import compare_table

    a, b = builders.bench(), builders.bench()
    b.config = msgspec.structs.replace(b.config, steps=500)  # the same step time, half the steps
    for trial in (*b.cold, *b.warm):
        trial.record.phases["train"] /= 2
        if trial.record.warm is not None:
            trial.record.warm.measurement.samples[:] = [s / 2 for s in trial.record.warm.measurement.samples]
    rows = {(r[0], r[1]): r for r in compare_table(a, b, "a", "b").rows}
    loop = rows[("CPU", "training loop (warm) per step")]
    assert loop[4] == "1.00×" and loop[-1] == "no difference shown"
    assert rows[("CPU", "cold · import")][-1] == "no difference shown"  # no setting changes the import
    assert rows[("CPU", "whole process (cold)")][-1] == "different work" and rows[("CPU", "whole process (cold)")][5] == "–"
    assert ("CPU", "training loop (warm)") not in rows
    assert rows[("CPU", "cold · training")][-1] == "different work"  # the first steps' costs spread over other steps
    assert rows[("CPU", "cold · data")][-1] != "different work"  # the steps change no data, copy, setup, evaluation
    scripts_a, scripts_b = builders.make_bench(), builders.make_bench()
    scripts_b.config = msgspec.structs.replace(scripts_b.config, steps=500, n=2000)
    rows = {(r[0], r[1]): r for r in compare_table(scripts_a, scripts_b, "a", "b").rows}
    script = [r for key, r in rows.items() if key[0].startswith("script") and "whole process" in key[1]]
    assert script and all(r[-1] != "different work" for r in script)  # no setting of mlpbench's reaches a script
    b.config = msgspec.structs.replace(b.config, steps=1001, n=2000)  # other data: no loop per step either
    table = compare_table(a, b, "a", "b")
    rows = {(r[0], r[1]): r for r in table.rows}
    assert rows[("CPU", "training loop (warm)")][-1] == "different work" and "“different work”" in table.caption


def test_compare_of_two_sweeps_compares_their_points():
    """Two sweeps were compared by their one-off runs alone (one trial a side, no test), never by a point."""
    from conftest import H200

    from mlpbench.output.tables import compare_table
    from mlpbench.results.files import load_results

    sweep = load_results(H200 / "sweep" / "results.json")
    rows = {(r[0], r[1]): r for r in compare_table(sweep, sweep, "a", "b").rows}
    point = rows[("CPU", "n = 8,000 · per step (warm)")]
    assert point[4] == "1.00×" and point[-1] == "no difference shown"
    assert ("GPU H200", "n = 128,000 · per step (warm)") in rows
    other = msgspec.structs.replace(sweep, config=msgspec.structs.replace(sweep.config, precision="bf16"))
    assert not [k for k in {(r[0], r[1]) for r in compare_table(sweep, other, "a", "b").rows} if "per step" in k[1]]


@pytest.mark.parametrize("args, fragment", [
    (["bench", "--devices", "tpu"], "unknown device 'tpu'"),
    (["bench", "--runs", "0", "--warm-runs", "0"], "measures nothing"),
    (["bench", "--runs", "-1"], "cannot be negative"),
    (["bench", "--script-runs", "-2", "--script", str(ROOT / "examples/three_layer_nn_pytorch.py")], "cannot be negative"),
    (["bench", "--script-runs", "3"], "--script-runs counts the trials of --script PATH.py; no script was given"),
    (["bench", "--script", str(ROOT / "examples/three_layer_nn_pytorch.py"), "--script-runs", "0", "--runs", "0",
      "--warm-runs", "0"], "measures nothing"),
    (["bench", "--backends", "warp"], "unknown backend 'warp'"),
    (["bench", "--lang", "fr"], "invalid choice: 'fr'"),
    (["bench", "--script", "missing.py"], "--script missing.py: no such file"),
    (["bench", "--device", "cpu"], "unrecognized arguments: --device cpu"),  # not taken for --devices
    (["compare", "missing.json", "other.json"], "no such file"),
])
def test_bench_and_compare_bad_input(args, fragment, tmp_path):
    assert_usage_error(run_cli(*args, cwd=tmp_path), fragment)


def test_compare_refuses_foreign_and_broken_json(tmp_path):
    foreign = tmp_path / "foreign.json"
    foreign.write_text(json.dumps({"hello": "world"}))
    truncated = tmp_path / "truncated.json"
    truncated.write_text((DATA / "results-cpu.json").read_text()[:500])
    run_file = tmp_path / "run.json"
    run_file.write_text(json.dumps({"schema": "mlpbench.run/2"}))
    good = str(DATA / "results-cpu.json")
    assert_usage_error(run_cli("compare", good, str(foreign)), "it has no schema field")
    assert_usage_error(run_cli("compare", str(truncated), good), "invalid or truncated JSON")
    assert_usage_error(run_cli("compare", good, str(run_file)), "is not an mlpbench results file")
    assert_usage_error(run_cli("compare", good, str(tmp_path)), "is a directory")


@pytest.mark.skipif(__import__("torch").cuda.is_available(), reason="this machine has a GPU")
@pytest.mark.parametrize("command", ["bench", "sweep"])
def test_a_missing_device_alone_is_one_line_and_exit_2(command, tmp_path):
    """Nothing asked for can run: the reason, before any trial and without a results file."""
    proc = run_cli(command, "--devices", "cuda", "--out", str(tmp_path / "o"))
    assert_usage_error(proc, "nothing asked for can run here: cuda is not available")
    assert not (tmp_path / "o" / "results.json").exists()
