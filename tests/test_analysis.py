"""What is derived from a results file: loss checks, the baseline, comparisons, per-step times,
notices and scaling; each rule on data built to tempt it."""

from __future__ import annotations

import msgspec
import pytest

import builders
from builders import CPU, GPU
from mlpbench.results.analysis import Analysis, choose_baseline
from mlpbench.results.checks import compare_losses
from mlpbench.results.model import PlannedTarget, Target


def test_every_run_of_the_right_computation_passes_its_check():
    a = Analysis(builders.bench())
    checks = [c for cs in a.checks.values() for c in cs]
    gpu = [c for c in checks if c.target == GPU]
    assert len(gpu) == 6 + 1 + 10  # six cold trials, the warm set's first run and each of its ten samples
    assert all(c.passed for c in checks) and not a.failed_checks()


def test_a_backend_one_percent_off_is_caught_and_left_out():
    a = Analysis(builders.bench(gpu_scale=1.01))
    failed = a.failed_checks()
    assert failed and {c.target for c in failed} == {GPU}
    assert a.find(GPU, "cold", "wall") is None and a.find(GPU, "warm", "train") is None  # never averaged in
    assert a.find(CPU, "cold", "wall") is not None
    assert "loss_mismatch" in [n.code for n in a.notices()]


def test_tf32_runs_are_checked_against_fp32_with_their_own_tolerance():
    """The CPU refuses tf32, so no CPU run ever had a tf32 configuration: checked only against one, tf32
    runs were never checked at all. Against the fp32 loop they are, with tf32's tolerance."""
    from mlpbench.workload.config import PARITY, WorkloadConfig

    results = builders.bench(gpu_scale=1.003)  # inside tf32's tolerance, outside fp32's
    tf32 = WorkloadConfig(precision="tf32")
    for trial in [*results.cold, *results.warm]:
        if trial.target == GPU:
            trial.record = msgspec.structs.replace(trial.record, config=tf32)
    checks = Analysis(results).checks
    gpu = [c for cs in checks.values() for c in cs if c.target == GPU]
    assert len(gpu) == 6 + 1 + 10 and all(c.passed for c in gpu)
    assert {c.tolerance for c in gpu} == {PARITY["tf32"]}
    fp32 = builders.bench(gpu_scale=1.003)  # the same runs called fp32 fail theirs
    assert any(not c.passed for cs in Analysis(fp32).checks.values() for c in cs if c.target == GPU)


def test_one_bad_warm_sample_is_dropped_and_the_rest_kept():
    results = builders.bench()
    warm = results.warm[1].record.warm
    bad = dict(warm.sample_losses[3])
    bad[0] = bad[0] * 1.5
    warm.sample_losses[3] = bad
    a = Analysis(results)
    assert [c.index for c in a.failed_checks()] == [4]
    assert a.find(GPU, "warm", "train").stats.n == 9


def test_the_check_is_strict_early_and_loose_late():
    ref = builders.record(CPU, {"train": 1.0, "total": 2.0, "import": 0.5})
    early = {s: v * (1.002 if s == 100 else 1.0) for s, v in builders.losses().items()}
    late = {s: v * (1.03 if s == 1000 else 1.0) for s, v in builders.losses().items()}
    assert not compare_losses(GPU, ("cold", 1, ""), early, 2.1869, ref, "fp32").passed  # 2e-3 > 1e-3 in the first half
    assert compare_losses(GPU, ("cold", 1, ""), late, 2.1869, ref, "fp32").passed  # 3 % at the end: within 5 %
    assert not compare_losses(GPU, ("cold", 1, ""), builders.losses(), 2.1869 * 1.06, ref, "fp32").passed
    assert compare_losses(GPU, ("cold", 1, ""), early, 2.1869, ref, "tf32").passed  # tf32's own tolerance
    assert not compare_losses(GPU, ("cold", 1, ""), {0: None}, 2.1, ref, "fp32").passed  # a non-finite loss


def test_the_baseline_is_the_cpus_eager_loop_and_never_compared_with_itself():
    a = Analysis(builders.bench())
    assert a.baseline == CPU
    assert a.comparison(CPU, "cold", "wall") is None
    assert {t for t, _, _, _ in a.comparisons()} == {GPU}
    assert choose_baseline([Target("cuda", "eager", ranks=1)]) == Target("cuda", "eager", ranks=1)
    assert choose_baseline([Target("cpu", "eager", ranks=2), Target("cpu", "eager", ranks=1)]) == \
        Target("cpu", "eager", ranks=1)


def test_a_ddp_only_run_compares_ranks_with_the_fewest_and_one_target_with_nothing():
    results = builders.bench(gpu=False, warm_cpu=None)
    one, two = Target("cpu", "eager", ranks=1), Target("cpu", "eager", ranks=2)
    results.cold = [msgspec.structs.replace(t, target=one if t.index % 2 == 0 else two) for t in results.cold]
    results.targets = [PlannedTarget(one), PlannedTarget(two)]
    a = Analysis(results)
    assert a.baseline == one and [t for t, _, _, _ in a.comparisons()] == [two] * 3
    results.cold = [t for t in results.cold if t.target == one]
    assert Analysis(results).comparisons() == []


def test_per_step_never_mixes_cold_and_warm_unasked():
    a = Analysis(builders.bench())
    assert a.per_step(GPU) == (pytest.approx(0.21 / 1001, rel=0.02), "warm")
    assert a.per_step(GPU, "cold")[1] == "cold"
    no_warm = Analysis(builders.bench(warm_cpu=None, warm_gpu=None))
    assert no_warm.per_step(GPU)[1] == "cold" and no_warm.per_step(GPU, "warm") is None


def test_break_even_uses_cold_figures_only():
    a = Analysis(builders.bench())
    steps = a.break_even(GPU, CPU)
    fixed_gpu, fixed_cpu = a.fixed_cost(GPU), a.fixed_cost(CPU)
    per_gpu, per_cpu = a.per_step(GPU, "cold")[0], a.per_step(CPU, "cold")[0]
    assert steps == pytest.approx((fixed_gpu - fixed_cpu) / (per_cpu - per_gpu))


def test_notices_say_what_happened():
    a = Analysis(builders.bench(runs=3, interrupted="SIGTERM", warm_cpu=None, warm_gpu=None))
    codes = [n.code for n in a.notices()]
    assert codes[0] == "interrupted" and "small_sample" in codes
    quiet = Analysis(builders.bench())
    assert [n.code for n in quiet.notices()] == []  # six stable trials and a stable warm set: nothing to say


def test_phase_shares_and_start_up():
    a = Analysis(builders.bench())
    shares = a.phase_shares(GPU)
    assert sum(shares.values()) == pytest.approx(1.0, abs=0.01)
    assert a.start_up_share(GPU) == pytest.approx(
        sum(shares[p] for p in ("import", "device_init", "setup", "first_optimizer")), rel=1e-9)


def test_the_exit_is_what_the_parent_saw_after_the_last_phase_and_no_share_of_the_inside():
    results = builders.make_bench(gpu=False)
    a = Analysis(results)
    script = next(t for t in a.targets if t.is_script)
    trials = [t for t in results.cold if t.target == script]
    assert a.find(script, "cold", "exit").samples == pytest.approx([t.wall - t.record.phases["total"] for t in trials])
    assert "exit" not in a.phase_shares(script) and sum(a.phase_shares(script).values()) == pytest.approx(1.0, abs=0.01)
    assert not [n for n in a.notices() if "exit" in n.phases]  # its spread is the whole process's


def test_mlpbenchs_own_checks_after_the_job_are_no_part_of_the_exit_nor_a_reason():
    """A workload's FLOP count and model probes ran after the job's total: 0.23 s of a CNN's 1.15 s "process exit",
    which the sweep then added to the one-off costs the GPU has to repay."""
    results = builders.bench()
    cold = [msgspec.structs.replace(t, record=msgspec.structs.replace(t.record, after_total=0.25 if t.target == GPU
                                                                      else 0.001)) for t in results.cold]
    a = Analysis(msgspec.structs.replace(results, cold=cold))
    gpu = [t for t in cold if t.target == GPU]
    assert a.find(GPU, "cold", "exit").samples == pytest.approx([t.wall - t.record.phases["total"] - 0.25 for t in gpu])
    assert a.find(GPU, "cold", "after").samples == pytest.approx([0.25] * len(gpu))
    assert Analysis(results).find(CPU, "cold", "after") is None  # nothing recorded (an older file): no figure
    assert "after" not in a.phase_shares(GPU)
    from mlpbench.output.i18n import Texts
    from mlpbench.output.report.verdict import why
    from mlpbench.output.words import Namer

    T = Texts("en")
    assert T.phase("after") == "mlpbench's checks after the job"
    assert T.phase("after") not in " ".join(why(a, Namer(results, T), [CPU, GPU], T))  # never why the GPU was slower
    assert gpu[0].exit == pytest.approx(gpu[0].wall - gpu[0].record.phases["total"] - 0.25)


def test_a_busy_machine_and_cold_steps_far_from_warm_ones_are_said():
    import msgspec

    results = builders.bench(gpu=False)
    assert not [n for n in Analysis(results).notices() if n.code in ("busy", "cold_warm_apart")]
    results.env = msgspec.structs.replace(results.env, load_average=2.1, cpu_usable=2)  # one core's worth of others
    for trial in results.cold:
        trial.record.phases["train"] *= 10
    codes = {n.code: n for n in Analysis(results).notices()}
    assert codes["busy"].values == {"load": 2.1, "cores": 2}
    assert codes["cold_warm_apart"].target == CPU and codes["cold_warm_apart"].values["ratio"] > 3
    results.env = msgspec.structs.replace(results.env, load_average=1.9)  # mlpbench's own process and a little
    assert "busy" not in {n.code for n in Analysis(results).notices()}


def test_a_machine_busy_now_is_told_from_one_still_cooling_down():
    """Back to back, the 1-minute load average still counted mlpbench's previous run (2.75 on 2 idle cores):
    the share of CPU time others used as the run began, measured over 0.25 s, decides where it was taken."""
    import msgspec

    results = builders.bench(gpu=False)
    results.env = msgspec.structs.replace(results.env, load_average=2.75, cpu_usable=2, cpu_busy=0.04)
    assert not [n for n in Analysis(results).notices() if n.code.startswith("busy")]
    results.env = msgspec.structs.replace(results.env, cpu_busy=0.62)
    busy = [n for n in Analysis(results).notices() if n.code == "busy_now"]
    assert busy and busy[0].values == {"share": pytest.approx(62.0)}


def test_the_cpu_time_others_use_is_read_from_proc_stat(monkeypatch):
    from mlpbench.measure import environment

    # cpu0 is the trials' (80 of 100 busy with others), cpu1 is not theirs: pinned elsewhere, it does not count
    stats = iter(["cpu  200 0 100 1600 100 0 0 0 0 0\ncpu0 100 0 50 800 50 0 0 0 0 0\ncpu1 100 0 50 800 50 0 0 0 0 0\n",
                  "cpu  260 0 120 1720 150 0 0 0 0 0\ncpu0 160 0 70 820 50 0 0 0 0 0\ncpu1 100 0 50 900 100 0 0 0 0 0\n"])
    monkeypatch.setattr(environment.time, "sleep", lambda s: None)
    monkeypatch.setattr(environment.os, "sched_getaffinity", lambda pid: {0}, raising=False)
    monkeypatch.setattr("builtins.open", lambda *a, **k: __import__("io").StringIO(next(stats)))
    assert environment._cpu_busy() == pytest.approx(0.8)


def test_runs_of_a_random_model_that_disagree_with_their_first_keep_none():
    """Checked against its own first run, a wrong first run passed (itself) and excluded the right ones: runs of
    one target that disagree leave no way to tell which is right, so none of them is kept."""
    results = builders.bench(gpu=False, warm_cpu=None)
    for trial in results.cold:
        trial.record.facts["random_in_training"] = True
    results.cold[0].record.losses = {k: v * 1.5 for k, v in results.cold[0].record.losses.items()}
    a = Analysis(results)
    assert a.find(CPU, "cold", "wall") is None  # not n = 1 of the wrong run
    notices = {n.code: n for n in a.notices()}
    assert notices["runs_disagree"].values["n"] == len(results.cold) and notices["runs_disagree"].target == CPU
    fine = builders.bench(gpu=False, warm_cpu=None)
    for trial in fine.cold:
        trial.record.facts["random_in_training"] = True
    checks = [c for cs in Analysis(fine).checks.values() for c in cs]
    assert checks and all(c.own and c.passed for c in checks) and Analysis(fine).find(CPU, "cold", "wall").stats.n == 6


def test_time_in_no_phase_is_each_trials_own_gap_not_the_medians_difference():
    """Three trials with no time outside their phases, whose phases peak in different trials: the median total
    less the phases' medians showed an 'other (in no phase)' segment of 0.7 s in a user's phase chart."""
    from builders import record
    from mlpbench.results.model import ColdTrial

    rows = [{"import": 1.0, "train": 3.0}, {"import": 2.0, "train": 2.0}, {"import": 3.0, "train": 1.0}]
    cold = [ColdTrial(target=CPU, status="ok", wall=None, returncode=0, index=i, round=i,
                      record=record(CPU, {**phases, "total": sum(phases.values()) + 0.01}))
            for i, phases in enumerate(rows)]
    def analysed():
        return Analysis(msgspec.structs.replace(builders.bench(gpu=False, runs=1), cold=cold, warm=[]))

    a = analysed()
    assert a.find(CPU, "cold", "total").median - a.phase_sum(CPU) == pytest.approx(4.01 - 4.0)
    assert a.in_no_phase(CPU) == pytest.approx(0.01)
    rows[1] = {"import": 2.0, "train": 1.0}  # medians now add up to 3 while the middle total is 4.01
    cold[1] = msgspec.structs.replace(cold[1], record=record(CPU, {**rows[1], "total": 3.01}))
    a = analysed()
    assert a.find(CPU, "cold", "total").median - a.phase_sum(CPU) == pytest.approx(1.01)  # the invented gap
    assert a.in_no_phase(CPU) == pytest.approx(0.01)
