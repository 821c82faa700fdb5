"""Sweeps: crossovers and cost models on known answers, resume, faults at a point, bad specs."""

from __future__ import annotations

import signal
import subprocess
import sys

import msgspec
import pytest

from conftest import ROOT, assert_usage_error, assert_usage_error_in_process, cli_env, interruptible, run_cli, wait_for
from mlpbench.errors import UsageError
from mlpbench.measure import sweep
from mlpbench.measure.children import ChildResult, ChildRunner
from mlpbench.measure.job import JobSpec
from mlpbench.results.files import load_results
from mlpbench.output.i18n import Texts
from mlpbench.output.report.sweep import findings, sections
from mlpbench.results.analysis import Analysis
from mlpbench.results.model import (Environment, Measurement, PlannedTarget, Resumed, RunRecord, SweepPlan, SweepPoint,
                                    Target, WarmRun, point_label)
from mlpbench.results.sweep import SweepAnalysis
from mlpbench.stats.crossover import CostModel, break_even_steps, crossover_point, fit_cost_model, predicted_crossover
from mlpbench.workload.config import WorkloadConfig
from mlpbench.workload.mlp import flops_per_step

CPU, GPU = Target("cpu", "eager"), Target("cuda:0", "eager")


# ----- crossovers and cost models on synthetic data ------------------------------------------------------
def test_crossover_inside_the_range_is_log_log_interpolated():
    xs = [250, 500, 2000, 8000]
    c = crossover_point(xs, [(x / 1000) ** 0.5 for x in xs])  # a power law crossing 1 at exactly x = 1000
    assert c.where == "inside" and c.bracket == (500, 2000)
    assert c.value == pytest.approx(1000, rel=1e-9)


def test_crossover_direction():
    assert crossover_point([1, 10, 100], [0.5, 0.8, 2.0]).direction == "overtakes"
    falling = crossover_point([500, 4000], [1.28, 0.9])  # faster at the small size only
    assert falling.where == "inside" and falling.direction == "falls_behind"


def test_no_crossover_says_which_side():
    assert crossover_point([1, 10, 100], [0.2, 0.5, 0.9]).where == "slower_throughout"
    c = crossover_point([1, 10, 100], [1.5, 3, 9])
    assert c.where == "faster_throughout" and c.value is None and (c.low, c.high) == (1, 100)
    one = crossover_point([128000], [26.3], ["faster"])  # one decided point is not "faster throughout"
    assert one.where == "undecided" and one.decided_faster == (128000,)


def test_undecided_points_never_give_a_crossover():
    c = crossover_point([500, 4000], [1.28, 0.9], ["faster", "undecided"])  # the H100 sweep's two points
    assert c.where == "undecided" and c.value is None and c.decided_faster == (500,) and c.decided_slower == ()
    c = crossover_point([1, 10, 100, 1000], [0.5, 0.9, 1.1, 2.0], ["slower", "undecided", "undecided", "faster"])
    assert c.where == "between" and c.bracket == (1, 1000) and c.value is None
    assert crossover_point([1, 10], [1.0, 1.0], ["undecided", "undecided"]).where == "undecided"


def test_sides_that_change_more_than_once_give_no_crossover():
    """Faster at 500, slower at 2,000, faster again at 8,000: "faster only below a point near 1,000, and slower
    above it" would be false at 8,000."""
    c = crossover_point([500, 2000, 8000], [1.5, 0.7, 1.6], ["faster", "slower", "faster"])
    assert c.where == "mixed" and c.value is None and c.bracket is None
    assert (c.decided_faster, c.decided_slower) == ((500, 8000), (2000,))
    between = crossover_point([500, 2000, 8000, 32000], [0.7, 0.9, 0.95, 1.5], ["slower", "undecided", "slower", "faster"])
    assert between.where == "inside" and between.bracket == (8000, 32000)  # one change: still placed


def test_cost_model_recovers_overhead_and_throughput():
    flops = [1e6, 1e7, 1e8, 1e9, 1e10]
    model = fit_cost_model(flops, [20e-6 + f / 5e10 for f in flops])
    assert model.overhead_s == pytest.approx(20e-6, rel=1e-6) and model.flops_per_s == pytest.approx(5e10, rel=1e-6)
    assert model.r2 == pytest.approx(1.0) and model.max_rel_error < 1e-9 and model.fits


def test_a_poor_cost_model_is_said_to_fit_poorly():
    flops = [1e6, 1e7, 1e8, 1e9]
    times = [t * f for t, f in zip([1e-5 + x / 1e11 for x in flops], [1.6, 0.6, 1.5, 0.7])]
    assert not fit_cost_model(flops, times).fits


def test_predicted_crossover_of_two_models():
    cpu, gpu = CostModel(5e-6, 1e11, 1.0, 0.0, 3), CostModel(50e-6, 1e13, 1.0, 0.0, 3)
    expected = 45e-6 / (1e-11 - 1e-13)
    assert predicted_crossover(cpu, gpu, lambda x: x, 1e5, 1e7) == pytest.approx(expected, rel=1e-3)
    assert predicted_crossover(cpu, cpu, lambda x: x, 1e5, 1e7) is None


def test_break_even_steps():
    assert break_even_steps(2.0, 1.0, 1e-4, 3e-4) == pytest.approx(5000)
    assert break_even_steps(2.0, 1.0, 3e-4, 1e-4) is None  # never: the candidate's steps are dearer
    assert break_even_steps(0.5, 1.0, 1e-4, 3e-4) == 0.0


def said(results, analysis=None, lang: str = "en") -> str:
    """Every paragraph of a sweep's report sections, joined."""
    return " ".join(b.text for section in sections(results, analysis or Analysis(results), Texts(lang))
                    for b in section.blocks if hasattr(b, "text"))


# ----- the orchestration, with fake children -----------------------------------------------------------
class FakeChildren:
    """Answers like a child: per-step time = overhead + flops / rate for each device, a little noise."""

    RATES = {"cpu": (2e-5, 2e11), "cuda:0": (1.5e-4, 5e12)}

    def __init__(self, interrupt_after: int | None = None, fail: dict[str, str] | None = None, warm_runs: int = 5) -> None:
        self.calls: list[str] = []
        self.interrupt_after = interrupt_after
        self.fail = fail or {}
        self.warm_runs = warm_runs

    def run(self, argv, record_path, timeout, trial_id="", env=None, keep_stdout=False):
        if self.interrupt_after is not None and len(self.calls) >= self.interrupt_after:
            raise KeyboardInterrupt
        self.calls.append(trial_id)
        spec = msgspec.json.decode(open(argv[-2], "rb").read(), type=JobSpec)
        if trial_id in self.fail:
            return ChildResult("oom" if "memory" in self.fail[trial_id] else "failed", 0.1, 1, None, self.fail[trial_id])
        overhead, rate = self.RATES[spec.target.device]
        config = spec.config
        flops = flops_per_step(config, config.batch_rows)
        per_step = overhead + flops / rate
        losses = {0: 116.9}
        warm = None
        if spec.warm is not None:
            samples = [per_step * config.steps * j for j in (1.0, 1.01, 0.99, 1.005, 0.995)[:self.warm_runs]]
            warm = WarmRun(Measurement(samples), "converged", [losses] * len(samples), [2.0] * len(samples),
                           {"data": 0.001, "to_device": 0.01 if spec.target.device != "cpu" else 0.0})
        phases = {"import": 1.0, "device_init": 0.5 if spec.target.device != "cpu" else 0.0, "setup": 1.0,
                  "train": per_step * config.steps, "total": 3.0}
        record = RunRecord(target=spec.target, config=config, status="ok", phases=phases, seed_time=2.0, losses=losses,
                           test_loss=2.0, flops_per_step=flops, warm=warm)
        return ChildResult("ok", 3.0, 0, record, "")

    def kill(self):
        pass


def make_sweep(tmp_path, children, resume=False, time_limit=None, config=None, vary=None, trial_steps=100, env=None,
               **measured):
    plan = SweepPlan(vary=vary or {"n": [500.0, 5000.0, 50000.0, 500000.0]}, time_limit=time_limit,
                     trial_steps=trial_steps, **measured)
    targets = [PlannedTarget(CPU), PlannedTarget(GPU)]
    return sweep.Sweep(plan, config or WorkloadConfig(), targets, [], env or Environment(), type("Q", (), {
        "start": lambda s, n: None, "update": lambda s, d: None, "advance": lambda s, l: None, "stop": lambda s: None})(),
        tmp_path, resume, children=children)


def test_sweep_finds_the_crossover_from_fake_measurements(tmp_path):
    s = make_sweep(tmp_path, FakeChildren())
    s.run(tmp_path)
    info = SweepAnalysis(s.results)
    steady = next(f for f in info.findings if f.kind == "steady")
    # cpu: 2e-5 + F/2e11, gpu: 1.5e-4 + F/5e12 -> equal at F = 1.3e-4 / (5e-12 - 2e-13) = 27 MFLOP per step
    crossing_flops = 1.3e-4 / (1 / 2e11 - 1 / 5e12)
    n_star = crossing_flops / flops_per_step(WorkloadConfig(n=1000), 800) * 1000  # FLOPs are linear in n
    assert steady.crossover.where == "inside" and steady.crossover.bracket == (500, 5000)
    assert steady.predicted == pytest.approx(n_star, rel=0.02) and steady.models_fit  # the models recover the truth
    assert steady.crossover.value == pytest.approx(n_star, rel=0.35)  # log-log interpolation between 500 and 5000
    assert info.models[GPU].flops_per_s == pytest.approx(5e12, rel=0.02)
    per_step = {x: {d: o + flops_per_step(WorkloadConfig(n=int(x)), int(x) * 4 // 5) / r
                    for d, (o, r) in FakeChildren.RATES.items()} for x in (500, 500000)}
    work, time = info.growth(GPU, {}, 500, 500000)  # 1000x the arithmetic: the GPU's step grows far less
    assert work == pytest.approx(1000, rel=0.01)
    assert time == pytest.approx(per_step[500000]["cuda:0"] / per_step[500]["cuda:0"], rel=0.02)
    said = " ".join(findings(s.results, info.analysis, Texts("en"), info))
    assert "From n = 500 to 500,000 the arithmetic of a step grew 1000×" in said
    assert said.count("repays the one-off costs") == 1  # every point it repays at, in one sentence
    assert "after about 965 steps at n = 5,000, 80 at 50,000, 8 at 500,000." in said
    e2e = next(f for f in info.findings if f.kind == "end_to_end")
    assert e2e.crossover.value > steady.crossover.value  # start-up costs push the whole-job crossover up
    assert [r.steps is None for r in info.repay][:1] == [True] and info.repay[-1].steps is not None
    assert len(sweep.read_journal(tmp_path / "sweep.jsonl")) == 2 + 8


def test_a_journal_line_that_cannot_be_read_is_said_and_a_journal_that_is_a_folder_is_one_line(tmp_path, capsys):
    """Lines cut short or edited were skipped without a word on --resume, and what they held quietly measured again;
    a folder named sweep.jsonl was a traceback of IsADirectoryError."""
    make_sweep(tmp_path, FakeChildren()).run(tmp_path)
    journal = tmp_path / "sweep.jsonl"
    lines = journal.read_bytes().splitlines()
    journal.write_bytes(b"\n".join([b"\xff garbage", *lines[:-1], lines[-1][:20]]) + b"\n")
    capsys.readouterr()
    assert len(sweep.read_journal(journal)) == len(lines) - 1
    assert capsys.readouterr().err.strip() == (f"mlpbench: 2 line(s) of {journal} could not be read (cut short, or "
                                               f"edited); what they held is measured again")
    folder = tmp_path / "folder"
    (folder / "sweep.jsonl").mkdir(parents=True)
    with pytest.raises(UsageError, match=r"cannot read the journal .*sweep.jsonl \(Is a directory\)"):
        sweep.read_journal(folder / "sweep.jsonl")


def test_three_trials_a_point_decide_nothing_per_step_nor_for_the_whole_job(tmp_path):
    """Three trials a side can never reach p < 0.05, however far apart; the whole job, derived from the same
    samples, is read by the same rule, so it claims no more than the per-step figure (it used to compare
    intervals alone and placed a crossover where the per-step test decided nothing)."""
    s = make_sweep(tmp_path, FakeChildren(warm_runs=3))
    s.run(tmp_path)
    info = SweepAnalysis(s.results)
    for kind in ("steady", "end_to_end"):
        finding = next(f for f in info.findings if f.kind == kind)
        assert finding.crossover.where == "undecided", kind
        assert not finding.crossover.decided_faster and not finding.crossover.decided_slower
        assert {x for x, _ in finding.too_few} == {500, 5000, 50000, 500000}
    steady = next(f for f in info.findings if f.kind == "steady")
    assert dict(steady.too_few)[500] == "slower" and dict(steady.too_few)[500000] == "faster"
    said = findings(s.results, info.analysis, Texts("en"), info)
    assert sum("--warm-runs 4 or more" in line for line in said) == 2  # once for the slower points, once for the faster
    assert any(line.startswith("Per step, once warm, every point is decided as for the whole job") for line in said)
    assert not any("repays" in line for line in said)  # nothing decided faster: nothing to repay


def test_a_larger_point_decidedly_faster_than_a_smaller_one_is_said():
    """More work per step in decidedly less time (the H200's CPU: 2.15 ms at n = 500, 1.24 ms at 2,000) is
    named, with what may cause it; a difference the trials do not decide is not."""
    import builders
    from builders import CPU, GPU

    noisy = [1.0, 1.02, 0.98, 1.01, 0.99]
    per_step = {CPU: {500: [2e-3 * j for j in noisy], 2000: [1.2e-3 * j for j in noisy], 8000: [1.21e-3 * j for j in noisy]},
                GPU: {500: [1e-3 * j for j in noisy], 2000: [1e-3 * j for j in noisy], 8000: [1e-3 * j for j in noisy]}}
    info = SweepAnalysis(builders.sweep(per_step))
    [inverted] = info.inversions()
    assert (inverted.target, inverted.smaller, inverted.larger) == (CPU, 500, 2000)
    text = said(info.results, info.analysis)
    assert "The CPU took decidedly less time per step at n = 2,000 (1.2 ms) than at 500 (2 ms)" in text


def test_a_larger_point_far_slower_than_its_work_explains_is_said():
    """A notebook user's busy machine: 24.2 ms a step at n = 800 against 688 µs at 200, 35× the time for 4× the
    arithmetic, and nothing said. Growth a cache cliff could explain (here 2.5× for 4×) is not named."""
    import builders
    from builders import CPU

    noisy = [1.0, 1.02, 0.98, 1.01, 0.99]
    info = SweepAnalysis(builders.sweep({CPU: {200: [688e-6 * j for j in noisy], 800: [24.2e-3 * j for j in noisy],
                                               3200: [24.2e-3 * 2.5 * j for j in noisy]}}))
    [odd] = info.inversions()
    assert (odd.kind, odd.smaller, odd.larger, odd.work) == ("outgrew", 200, 800, 4.0)
    text = said(info.results, info.analysis)
    assert ("The CPU took 35.2× as long per step at n = 800 (24.2 ms) as at 200 (688 µs), for 4.00× the arithmetic: "
            "far more than the work explains.") in text


def test_resume_remeasures_nothing_that_finished(tmp_path):
    first = make_sweep(tmp_path, FakeChildren(interrupt_after=5))
    with pytest.raises(KeyboardInterrupt):
        first.run(tmp_path)
    finished = {e.key for e in sweep.read_journal(tmp_path / "sweep.jsonl") if hasattr(e, "point")}
    assert len(finished) == 3  # two one-off runs, then three points
    children = FakeChildren()
    second = make_sweep(tmp_path, children, resume=True)
    second.run(tmp_path)
    measured_again = [c for c in children.calls if c.startswith("point:")]
    assert len(measured_again) == 8 - 3
    assert not finished & {c.removeprefix("point:") for c in measured_again}
    assert not any(c.startswith("one-off:") for c in children.calls)
    assert len(second.results.points) == 8
    # its report says which figures an earlier session measured, and since when; with no earlier results file to
    # compare the machine with, it says that this was not shown
    assert second.results.resumed == Resumed(points=3, one_off=2, since=first.results.created)
    assert ("3 of its 8 point measurements and 2 one-off run(s) were measured by an earlier session, on the same CPU, "
            "GPU, Python and torch") in said(second.results)
    (tmp_path / "results.json").unlink()
    third = make_sweep(tmp_path, FakeChildren(), resume=True)
    third.run(tmp_path)
    assert third.results.resumed == Resumed(points=8, one_off=2, since=None)
    assert ("8 of its 8 point measurements and 2 one-off run(s) come from an earlier session's journal, measured with "
            "the same settings; no earlier results file was there to show that they ran on this machine") in said(third.results)


def test_resume_with_nothing_to_resume_says_so(tmp_path, capsys):
    """--resume into a folder without a journal quietly started a new sweep."""
    make_sweep(tmp_path, FakeChildren(), resume=True).run(tmp_path)
    assert f"resume=True: {tmp_path / 'sweep.jsonl'} does not exist; this sweep starts from its first point" in \
        capsys.readouterr().err  # (the API's words: no command line here)


def test_resume_under_other_settings_refuses_instead_of_mixing_two_models(tmp_path):
    """A journal of a 10→100→50→1 sweep resumed with other widths kept its points beside the new ones:
    one file, one config, points and crossovers from two models. The mismatch is now refused, naming it."""
    first = make_sweep(tmp_path, FakeChildren(interrupt_after=5))
    with pytest.raises(KeyboardInterrupt):
        first.run(tmp_path)
    children = FakeChildren()
    other = make_sweep(tmp_path, children, resume=True, config=WorkloadConfig(hidden=(400, 400)))
    with pytest.raises(UsageError, match=r"--resume: .*sweep.jsonl measured the one-off costs of cpu/eager with "
                                         r"other settings \(hidden \(100, 50\) there, \(400, 400\) now\)"):
        other.run(tmp_path)
    assert children.calls == []  # refused before measuring anything
    same = make_sweep(tmp_path, FakeChildren(), resume=True)  # the journal is untouched: the same settings go on
    same.run(tmp_path)
    assert len(same.results.points) == 8


def test_resume_with_a_shorter_plan_keeps_only_its_points(tmp_path, capsys):
    """A journal of n = 500 … 500,000 resumed with --vary n=500,50000 said "Swept n over 500, 50,000" yet its
    table listed all four points: only the plan's points are kept; the others stay in the journal."""
    make_sweep(tmp_path, FakeChildren()).run(tmp_path)
    children = FakeChildren()
    shorter = make_sweep(tmp_path, children, resume=True, vary={"n": [500.0, 50000.0]})
    shorter.run(tmp_path)
    assert children.calls == []  # everything it plans was measured already
    assert sorted({p.point["n"] for p in shorter.results.points}) == [500.0, 50000.0]
    assert len(shorter.results.points) == 4 and len(shorter.results.cold) == 2
    assert sum(isinstance(e, SweepPoint) for e in sweep.read_journal(tmp_path / "sweep.jsonl")) == 8  # kept there
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "4 point(s) in" in err[0] and "n=5000 on cpu/eager" in err[0] and "stay in the journal" in err[0]


def test_a_new_sweep_keeps_the_earlier_journal_and_removes_the_earlier_report(tmp_path, capsys):
    """Without --resume, a sweep into a folder of another deleted its finished measurements (sweep.jsonl) and
    left that sweep's report beside the new results."""
    make_sweep(tmp_path, FakeChildren()).run(tmp_path)
    earlier = (tmp_path / "sweep.jsonl").read_bytes()
    (tmp_path / "report.html").write_text("<!doctype html><html><head><title>mlpbench report: CPU or GPU for your "
                                          "network?</title>")
    (tmp_path / "report.md").write_text("# mlpbench report: CPU or GPU for your network?\n\n![losses](<report-loss.svg>)\n")
    (tmp_path / "report-loss.svg").write_text("<svg/>")
    (tmp_path / "report-draft.svg").write_text("<svg/>")  # the user's own picture: no report of mlpbench links it
    refused = make_sweep(tmp_path, FakeChildren(), resume=True, config=WorkloadConfig(hidden=(400, 400)))
    with pytest.raises(UsageError):  # a resume refused touches nothing
        refused.run(tmp_path)
    assert (tmp_path / "report.md").exists() and not (tmp_path / "sweep.jsonl.previous").exists()
    capsys.readouterr()
    with pytest.raises(KeyboardInterrupt):  # stopped early: no report of its own, and none of the other sweep
        make_sweep(tmp_path, FakeChildren(interrupt_after=1), vary={"n": [500.0, 5000.0]}).run(tmp_path)
    assert (tmp_path / "sweep.jsonl.previous").read_bytes() == earlier
    assert not any((tmp_path / name).exists() for name in ("report.html", "report.md", "report-loss.svg"))
    assert (tmp_path / "report-draft.svg").exists()
    kept, line = capsys.readouterr().err.strip().splitlines()
    assert kept.endswith("results.json held earlier results; kept as " + str(tmp_path / "results.json.previous"))
    assert "held an earlier sweep; kept as" in line and "sweep.jsonl.previous" in line
    (tmp_path / "report.md").write_text("# My own notes\nTimings I took with mlpbench last week\n")  # not its: kept
    make_sweep(tmp_path, FakeChildren()).run(tmp_path)  # a third: the second's journal goes beside, the first stays
    assert (tmp_path / "sweep.jsonl.previous").read_bytes() == earlier
    assert (tmp_path / "sweep.jsonl.previous.2").exists()
    assert (tmp_path / "report.md").read_text() == "# My own notes\nTimings I took with mlpbench last week\n"
    # a bench into the folder keeps the journal beside too: left there, a later --resume continued it against the
    # bench's results file
    from mlpbench.measure.bench import Bench
    from mlpbench.results.model import BenchPlan

    class Failing(ChildRunner):
        def run(self, argv, record_path, timeout, trial_id="", env=None, keep_stdout=False):
            return ChildResult("failed", 0.1, 1, None, "")

    # and the sweep's results file beside as results.json.previous: a bench rerun as a stopped bench's advice says,
    # or a sweep into a bench's folder, replaced it
    capsys.readouterr()
    sweep_results = (tmp_path / "results.json").read_bytes()
    Bench(BenchPlan(runs=1, warm_runs=0), WorkloadConfig(steps=30, n=100), [PlannedTarget(CPU)], [], Environment(),
          make_sweep(tmp_path, None).progress, tmp_path, Failing()).run()
    assert not (tmp_path / "sweep.jsonl").exists() and (tmp_path / "sweep.jsonl.previous.3").exists()
    assert (tmp_path / "results.json.previous").read_bytes() == sweep_results
    assert capsys.readouterr().err.strip().splitlines() == [
        f"mlpbench: {tmp_path / 'results.json'} held earlier results; kept as {tmp_path / 'results.json.previous'}",
        f"mlpbench: {tmp_path / 'sweep.jsonl'} held an earlier sweep; kept as {tmp_path / 'sweep.jsonl.previous.3'}"]
    # a results file that holds nothing finished (a bench stopped before its first trial) replaces nothing kept
    empty = load_results(tmp_path / "results.json")
    empty.cold, empty.warm, empty.references = [], [], []
    from mlpbench.measure.bench import fresh_folder, save_results

    save_results(empty, tmp_path / "results.json")
    fresh_folder(tmp_path)
    assert (tmp_path / "results.json.previous").read_bytes() == sweep_results


def test_resume_refuses_a_journal_measured_on_another_machine_or_torch(tmp_path):
    """A sweep resumed after torch was upgraded, or on another GPU, drew the points of both into one crossover, and
    the report's environment table described only the last session."""
    from mlpbench.results.model import Gpu

    h200 = Environment(hostname="a", cpu="Xeon 8480", torch="2.11.0", torch_cuda="12.8", gpus=[Gpu(0, "NVIDIA H200")])
    with pytest.raises(KeyboardInterrupt):
        make_sweep(tmp_path, FakeChildren(interrupt_after=3), env=h200).run(tmp_path)
    journal = (tmp_path / "sweep.jsonl").read_bytes()
    for now, said in ((msgspec.structs.replace(h200, torch="2.13.0"), "with torch 2.11.0 there, 2.13.0 now"),
                      (msgspec.structs.replace(h200, gpus=[Gpu(0, "NVIDIA H100 80GB HBM3")]),
                       "on the GPUs NVIDIA H200 there, NVIDIA H100 80GB HBM3 now")):
        with pytest.raises(UsageError, match="run without --resume") as refused:
            make_sweep(tmp_path, FakeChildren(), resume=True, env=now).run(tmp_path)
        assert said in str(refused.value)
        assert (tmp_path / "sweep.jsonl").read_bytes() == journal  # refused before anything ran
    resumed = make_sweep(tmp_path, FakeChildren(), resume=True, env=msgspec.structs.replace(h200, hostname="b"))
    resumed.run(tmp_path)  # a container's new hostname on the same machine: resumed
    assert len(resumed.results.points) == 8


def test_resume_refuses_points_measured_with_other_warm_trials_or_threads(tmp_path):
    """Resumed with --warm-runs 5 after 3, nothing was measured again and the results said warm_runs 5 of points
    that had 3."""
    with pytest.raises(KeyboardInterrupt):
        make_sweep(tmp_path, FakeChildren(interrupt_after=3), warm_runs=3, warmup=1).run(tmp_path)
    for changed, said in (({"warm_runs": 5, "warmup": 1}, "with --warm-runs 3 there, 5 now"),
                          ({"warm_runs": 3, "warmup": 0}, "with --warmup 1 there, 0 now"),
                          ({"warm_runs": 3, "warmup": 1, "threads": 1}, "with --threads unset there, 1 now")):
        with pytest.raises(UsageError, match="run without --resume") as refused:
            make_sweep(tmp_path, FakeChildren(), resume=True, **changed).run(tmp_path)
        assert said in str(refused.value)
    resumed = make_sweep(tmp_path, FakeChildren(), resume=True, warm_runs=3, warmup=1)
    resumed.run(tmp_path)
    assert len(resumed.results.points) == 8


def test_resume_refuses_an_edited_workload_file_and_accepts_the_same_file_named_another_way(tmp_path, capsys):
    """The config records the workload's path, not its content: a file edited between the runs was resumed (points
    of two models in one table), and the same file given by another relative path was refused."""
    folder = tmp_path / "wl"
    folder.mkdir()
    workload = folder / "edit.py"
    workload.write_text(WORKLOAD.format(width=16))
    flags = ["--devices", "cpu", "--steps", "20", "--trial-steps", "20", "--warm-runs", "1", "--warmup", "0",
             "--warm-time", "1", "--no-report"]
    first = run_cli("sweep", "--workload", str(workload), "--vary", "n=200", "--out", str(tmp_path / "out"), *flags)
    assert first.returncode == 0, first.stderr
    again = run_cli("sweep", "--workload", "../wl/edit.py", "--vary", "n=200", "--out", ".", "--resume", *flags,
                    cwd=tmp_path / "out")  # nothing left to measure: only whether the journal is accepted
    assert again.returncode == 0, again.stderr
    workload.write_text(WORKLOAD.format(width=32))
    edited = run_cli("sweep", "--workload", str(workload), "--vary", "n=200,400,800", "--out", str(tmp_path / "out"),
                     "--resume", *flags)
    assert_usage_error(edited, "changed since")
    assert "its SHA-256 differs" in edited.stderr
    # another file altogether was called an edit of this one (found before any trial: checked in this process)
    other = folder / "other.py"
    other.write_text(WORKLOAD.format(width=16))
    assert_usage_error_in_process(capsys, "sweep", "--workload", str(other), "--vary", "n=200", "--out",
                                  str(tmp_path / "out"), "--resume", *flags,
                                  fragments=("measured another workload (edit there, other now)",))


WORKLOAD = """import torch
from torch import nn


def build_model():
    return nn.Sequential(nn.Linear(8, {width}), nn.ReLU(), nn.Linear({width}, 1))


def make_data(n, seed):
    x = torch.randn(n, 8, generator=torch.Generator().manual_seed(seed))
    return x, x.sum(1, keepdim=True)
"""


def test_a_resume_runs_a_failed_one_off_again_and_keeps_only_the_new_outcome(tmp_path):
    """A one-off run that failed, then passed when resumed, still made the resumed sweep exit 1 ("1 one-off run(s)
    of the sweep failed"): the failed entry stayed among the results beside the one that passed."""
    make_sweep(tmp_path, FakeChildren(fail={"one-off:cpu/eager": "RuntimeError: transient"})).run(tmp_path)
    children = FakeChildren()
    resumed = make_sweep(tmp_path, children, resume=True)
    resumed.run(tmp_path)
    assert [c for c in children.calls if c.startswith("one-off:")] == ["one-off:cpu/eager"]
    assert [(c.target.key, c.status) for c in resumed.results.cold] == [("cuda:0/eager", "ok"), ("cpu/eager", "ok")]


def test_a_point_that_fails_is_recorded_and_the_sweep_goes_on(tmp_path):
    fail = {"point:n=50000|cuda:0/eager": "torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB",
            "point:n=5000|cpu/eager": "Traceback ...\nRuntimeError: boom"}
    s = make_sweep(tmp_path, FakeChildren(fail=fail))
    s.run(tmp_path)
    statuses = {f"{p.target.key} {point_label(p.point)}": p.status for p in s.results.points}
    assert statuses["cuda:0/eager n=50000"] == "oom" and statuses["cpu/eager n=5000"] == "failed"
    assert sum(1 for v in statuses.values() if v == "ok") == 6


def test_time_limit_skips_and_says_which(tmp_path):
    s = make_sweep(tmp_path, FakeChildren(), time_limit=1e-9)
    s.run(tmp_path)
    assert len(s.results.skipped) == 2 + 8 and "n=500 on cpu/eager" in s.results.skipped


# ----- through the real CLI ---------------------------------------------------------------------------
@pytest.mark.parametrize("spec, fragment", [
    ("depth=1,2", "unknown parameter 'depth'"),
    ("n=", "no values given"),
    ("n=500,abc", "'abc' is not an integer"),
    ("n=0,500", "sizes must be positive"),
    ("width=-1", "sizes must be positive"),
    ("n500", "expected NAME=V1,V2"),
    ("n=1", "both splits need at least one row"),
])
def test_bad_vary_specs(spec, fragment, tmp_path):
    assert_usage_error(run_cli("sweep", "--vary", spec, "--out", str(tmp_path)), fragment)


def test_cpu_only_sweep_with_an_injected_oom(tmp_path):
    out = tmp_path / "sw"
    env = cli_env(MLPBENCH_INJECT_FAULT="oom@point:n=400|cpu/eager")
    proc = run_cli("sweep", "--devices", "cpu", "--vary", "n=200,400", "--trial-steps", "20", "--warm-runs", "3",
                   "--warm-time", "2", "--steps", "50", "--out", str(out), env=env)
    assert proc.returncode == 1, proc.stderr  # a point that did not finish fails the command, as a failed trial does
    assert "1 point(s) did not finish: n=400 on cpu/eager (oom)" in proc.stderr
    results = load_results(out / "results.json")
    table = {point_label(p.point): p for p in results.points}
    assert table["n=400"].status == "oom" and "simulated" in table["n=400"].error
    assert table["n=200"].status == "ok" and table["n=200"].record.warm.measurement.stats.n >= 3
    report = (out / "report.md").read_text()
    assert "cannot show where a GPU wins" in report
    assert "report-sweep-time.svg" in report and (out / "report-sweep-time.svg").exists()


def test_sigint_during_a_sweep_then_resume(tmp_path):
    out = tmp_path / "sw"
    args = [sys.executable, "-m", "mlpbench", "sweep", "--devices", "cpu", "--vary", "n=100,200",
            "--trial-steps", "10", "--warm-runs", "2", "--warm-time", "2", "--steps", "20", "--out", str(out), "--quiet",
            "--no-report"]
    proc = subprocess.Popen(args, env=cli_env(), cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=interruptible)
    journal = out / "sweep.jsonl"
    try:
        wait_for(lambda: journal.exists() and '"point"' in journal.read_text(), 180, "the first finished point")
    finally:
        proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "--resume" in err
    first = journal.read_text().splitlines()
    results = load_results(out / "results.json")
    assert results.interrupted == "SIGINT" and not results.complete and results.resumed is None
    resumed = run_cli(*args[3:], "--resume", timeout=300)
    assert resumed.returncode == 0, resumed.stderr
    final = journal.read_text().splitlines()
    assert final[:len(first)] == first  # nothing finished was measured again
    assert sum(1 for line in final if '"point"' in line) == 2
    done = load_results(out / "results.json")
    assert done.complete
    # the report's date and command are the resumed session's: it says which figures an earlier one measured
    carried = sum(1 for line in first if '"point"' in line)
    assert done.resumed == Resumed(points=carried, one_off=1, since=results.created)
    from mlpbench.output.report.content import build
    from mlpbench.output.report.markdown import render

    text = render(build(done, "en"), lambda name, svg: f"{name}.svg")
    assert (f"| resumed (--resume) | {carried} point measurement(s) and 1 one-off run(s) come from an earlier session's "
            f"journal (its results file begun {results.created})") in text
    assert f"This sweep was continued with --resume: {carried} of its 2 point measurements and 1 one-off" in text
    assert f"点の測定 2 件のうち {carried} 件" in render(build(done, "ja"), lambda name, svg: f"{name}.svg")


def test_the_whole_job_counts_every_one_off_and_pools_what_no_device_changes():
    """The H200 sweep: the derived whole job includes the first optimizer (3.7-5.5 s there), and import and
    the first optimizer, measured once per target, are pooled: the GPU's extra one-off cost is then its
    device start-up, not one run's import noise (0.64 s, which made it 'repay after 323 steps')."""
    from conftest import H200

    s = SweepAnalysis(load_results(H200 / "sweep" / "results.json"))
    cpu, gpu = Target("cpu", "eager"), Target("cuda:0", "eager")
    assert set(s.shared) == {"import", "first_optimizer"} and 3.2 < s.shared["import"] < 4.0
    rows = {(r.point["n"], r.target): r for r in s.rows}
    n500 = rows[(500.0, cpu)]
    assert n500.end_to_end[0] > 9.0  # import + first optimizer + 1001 steps at 2.15 ms; 5.4 s without the optimizer
    # It left out the process's start and exit (0.91 s of the CPU's 12.4 s cold run there) and the evaluation.
    cold = next(c for c in s.results.cold if c.target == cpu and c.status == "ok")
    point = next(p for p in s.results.points if p.target == cpu and p.point == {"n": 500.0})
    outside = cold.wall - cold.record.phases["total"]
    assert 0.8 < outside < 1.0
    process = sum(s.shared.get(p, cold.record.phases.get(p, 0.0)) for p in ("import", "device_init", "setup", "first_optimizer"))
    at_point = sum(point.record.warm.one_off.get(p, 0.0) for p in ("data", "to_device", "compile"))
    assert n500.one_off == pytest.approx(process + outside + at_point + point.record.phases["eval"])
    repay = {r.value: r.steps for r in s.repay if r.target == gpu}
    assert 20 < repay[8000.0] < 80 and repay[128000.0] < 10
    assert s.missing() == [({"n": 500.0}, gpu)]  # cut by the time limit: said, never guessed


def test_a_derived_whole_job_far_from_the_cold_process_measured_at_its_point_is_said():
    """6.36 s derived against 10.4 s measured at the same n, unsaid: the derivation counts every step warm."""
    from conftest import H200

    results = load_results(H200 / "sweep" / "results.json")
    assert SweepAnalysis(results).derivation_gaps() == []  # 11.3 s derived, 12.4 s measured: within 25 %
    cold = []
    for c in results.cold:  # the cold process's training, 6 s slower than its steps at the warm rate
        if c.record is not None and c.wall is not None:
            phases = dict(c.record.phases, train=c.record.phases["train"] + 6.0, total=c.record.phases["total"] + 6.0)
            c = msgspec.structs.replace(c, wall=c.wall + 6.0, record=msgspec.structs.replace(c.record, phases=phases))
        cold.append(c)
    slow = msgspec.structs.replace(results, cold=cold)
    [(row, derived, measured)] = SweepAnalysis(slow).derivation_gaps()
    assert row.point == {"n": 500.0} and row.target == Target("cpu", "eager") and derived < 0.75 * measured
    # a point is the cold process's only where its configuration is the one given: a name that is no setting
    # ("batch", "width") once matched every point
    relabelled = msgspec.structs.replace(
        slow, plan=msgspec.structs.replace(slow.plan, vary={"batch": slow.plan.vary["n"]}),
        points=[msgspec.structs.replace(p, point={"batch": p.point["n"]}) for p in slow.points])
    assert [r.point for r, *_ in SweepAnalysis(relabelled).derivation_gaps()] == [{"batch": 500.0}]
    text = said(slow)
    assert "At n = 500, the whole job derived for the CPU (11.3 s) is 39 % below its one cold process measured " \
           "there (18.4 s)" in text


def test_the_whole_job_leaves_out_mlpbenchs_own_checks_after_the_job():
    """A workload's FLOP count and model probes ran after the job's total, inside what was called the interpreter's
    exit: the GPU was made to repay mlpbench's own work."""
    from conftest import H200

    results = load_results(H200 / "sweep" / "results.json")
    before = {(r.point["n"], r.target): r.one_off for r in SweepAnalysis(results).rows}
    cold = [msgspec.structs.replace(c, record=msgspec.structs.replace(c.record, after_total=0.3))
            if c.record is not None else c for c in results.cold]
    after = {(r.point["n"], r.target): r.one_off for r in SweepAnalysis(msgspec.structs.replace(results, cold=cold)).rows}
    assert after.keys() == before.keys() and any(v is not None for v in before.values())
    assert all(after[k] == pytest.approx(v - 0.3) for k, v in before.items() if v is not None)
