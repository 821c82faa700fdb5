"""What a sweep says: every sentence true for what ran (updates, failed points, a stop, a poor model), no
advice the command cannot follow, one clear line for a user's mistake. Fake children (tests/test_sweep.py)
or built results: nothing here times anything."""

from __future__ import annotations

import pytest

import builders
from builders import CPU, GPU
from conftest import assert_usage_error, run_cli
from mlpbench.cli import main
from mlpbench.errors import UsageError
from mlpbench.measure import sweep
from mlpbench.output import console
from mlpbench.output.i18n import Texts
from mlpbench.output.report.content import plots_section
from mlpbench.output.report.model import Paragraph, TableBlock
from mlpbench.output.report.sweep import sections
from mlpbench.output.report.verdict import first_screen
from mlpbench.results.analysis import Analysis
from mlpbench.results.model import PlannedTarget, SweepPlan, Target
from mlpbench.workload.config import WorkloadConfig
from test_sweep import FakeChildren, make_sweep

EN, JA = Texts("en"), Texts("ja")


def swept(tmp_path, **kwargs):
    s = make_sweep(tmp_path, kwargs.pop("children", FakeChildren()), **kwargs)
    s.run(tmp_path)
    return s.results


def intro(results, T=EN) -> str:
    return sections(results, Analysis(results), T)[0].blocks[0].text


def screen(results) -> list[str]:
    return first_screen(results, Analysis(results), EN).sentences()


# ----- 3: the updates that ran, and those the whole job counts -------------------------------------------------
def test_the_intro_says_steps_caps_the_trial_steps(tmp_path):
    """--steps 30 with the default --trial-steps 100: every point ran 30, not "100 updates (--trial-steps)"."""
    results = swept(tmp_path, config=WorkloadConfig(steps=30))
    assert {p.trial_steps for p in results.points} == {30}
    text = intro(results)
    assert "ran the job with 30 updates (--steps 30, which caps --trial-steps 100)" in text
    assert "the whole job of the configured 30 updates (--steps)" in text and "100 updates" not in text


def test_a_steps_sweep_says_each_points_updates_and_whole_job(tmp_path):
    """--vary steps=10,200 --trial-steps 20: the steps=10 point ran 10, and the whole job uses each point's steps,
    not "the configured 1001 updates (--steps)"."""
    results = swept(tmp_path, vary={"steps": [10.0, 200.0]}, trial_steps=20)
    assert {p.point["steps"]: p.trial_steps for p in results.points} == {10.0: 10, 200.0: 20}
    text = intro(results)
    assert "capped at --trial-steps 20 (10 at steps = 10; 20 at steps = 200)" in text, text
    assert "the whole job at each point's own number of updates" in text and "1001" not in text
    assert "steps = 10 では 10 回" in intro(results, JA) and "1001" not in intro(results, JA)


def test_a_batch_sweep_says_its_points_make_the_same_updates_not_epochs(tmp_path):
    """A larger batch at the same --steps trains on more rows: to one who thinks in epochs, other work per point."""
    batch, sizes = tmp_path / "batch", tmp_path / "n"
    batch.mkdir(), sizes.mkdir()
    assert "Every batch size makes the same 1001 updates, so a larger batch sees more rows" in intro(
        swept(batch, vary={"batch": [50.0, 200.0]}))
    assert "Every batch size" not in intro(swept(sizes))


def test_the_intro_says_the_trial_steps_where_they_ran(tmp_path):
    text = intro(swept(tmp_path))
    assert "ran the job with 100 updates (--trial-steps)" in text and "configured 1001 updates (--steps)" in text


# ----- 4: a failed point is named as a point, and fails the command ---------------------------------------
FAIL = {"point:n=5000|cpu/eager": "Traceback ...\nRuntimeError: boom"}


def test_a_failed_point_is_named_not_called_a_failed_cold_run(tmp_path, capsys):
    results = swept(tmp_path, children=FakeChildren(fail=FAIL))
    assert all(c.status == "ok" for c in results.cold)
    a = Analysis(results)
    console.print_notices(results, a, EN)
    out = capsys.readouterr().out
    assert "warning: CPU (sweep): the point n=5000 failed" in out and "(cold)" not in out
    said = " ".join(screen(results))
    assert "One point of the sweep did not finish: n = 5,000 on the CPU (failed)" in said
    assert "One run failed" not in said


def test_a_failed_point_fails_the_command_and_is_named(tmp_path):
    results = swept(tmp_path, children=FakeChildren(fail=FAIL))
    found = console.problems(results, Analysis(results), tmp_path, None)
    assert found.failed  # exit 1, as the README promises for a failed trial
    assert any("1 point(s) did not finish: n=5000 on cpu/eager (failed)" in line for line in found.lines)
    (tmp_path / "ok").mkdir()
    ok = swept(tmp_path / "ok")
    assert not console.problems(ok, Analysis(ok), tmp_path / "ok", None).failed


def test_a_failed_one_off_run_fails_the_command(tmp_path):
    results = swept(tmp_path, children=FakeChildren(fail={"one-off:cuda:0/eager": "RuntimeError: no"}))
    found = console.problems(results, Analysis(results), tmp_path, None)
    assert found.failed and any("1 one-off run(s) of the sweep failed (cuda:0/eager" in line for line in found.lines)


# ----- 5: a list heading on the console has its items ----------------------------------------------------
def test_the_console_prints_the_items_under_each_heading(tmp_path, capsys):
    results = swept(tmp_path, children=FakeChildren(fail=FAIL))
    results.targets.append(PlannedTarget(Target("mps", "eager"), "unavailable", "--device mps is not available here"))
    console.print_sweep(results, Analysis(results))
    lines = capsys.readouterr().out.splitlines()
    for heading, item in (("Not measured:", "--device mps is not available here"),
                          ("Points that did not finish:", "n=5000 CPU: failed (RuntimeError: boom)")):
        at = lines.index(heading)
        assert lines[at + 1].strip().startswith("-") and item in lines[at + 1], lines[at:at + 2]


def test_the_terminal_speaks_the_reports_language(tmp_path, capsys):
    """`bench --lang ja` wrote a Japanese report and printed its verdict in English."""
    results = swept(tmp_path)
    console.print_sweep(results, Analysis(results), "ja")
    assert sections(results, Analysis(results), JA)[0].blocks[0].text in capsys.readouterr().out
    bench = builders.bench()
    console.print_bench(bench, Analysis(bench), "ja")
    out = capsys.readouterr().out
    assert first_screen(bench, Analysis(bench), JA).verdict in out and first_screen(bench, Analysis(bench), EN).verdict not in out


# ----- 6: no advice a sweep cannot follow --------------------------------------------------------------
def test_a_sweep_is_not_told_to_run_more_cold_trials(tmp_path):
    said = " ".join(screen(swept(tmp_path)))
    assert "cold trial" not in said and "6 trials give" not in said
    bench = " ".join(screen(builders.bench(runs=1)))  # a bench has --runs: it is told
    assert "Only one cold trial per target" in bench


# ----- 7: negative or zero times and counts -----------------------------------------------------------
@pytest.mark.parametrize("args, fragment", [
    (["sweep", "--warm-time", "-1"], "--warm-time must be a positive number of seconds, got -1"),
    (["sweep", "--warm-time", "0"], "--warm-time must be a positive number of seconds"),
    (["sweep", "--warm-time", "nan"], "--warm-time must be a positive number of seconds"),
    (["sweep", "--point-timeout", "0"], "--point-timeout must be a positive number of seconds"),
    (["sweep", "--time-limit", "-5"], "--time-limit must be a positive number of seconds"),
    (["sweep", "--warm-runs", "0"], "--warm-runs must be at least 1"),
    (["sweep", "--warmup", "-1"], "--warmup must be at least 0"),
    (["bench", "--warm-time", "-1"], "--warm-time must be a positive number of seconds"),
    (["bench", "--trial-timeout", "0"], "--trial-timeout must be a positive number of seconds"),
    (["bench", "--trial-timeout", "inf"], "--trial-timeout must be a positive number of seconds"),
])
def test_a_time_or_count_that_cannot_work_is_one_line(args, fragment, capsys):
    assert main([*args, "--devices", "cpu"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("mlpbench: error: ") and fragment in err[0], err


def test_the_api_refuses_a_negative_warm_time_too():
    with pytest.raises(UsageError, match="--warm-time must be a positive number of seconds, got -1"):
        sweep.validate(SweepPlan(vary={"n": [500.0]}, warm_time=-1.0), WorkloadConfig())


# ----- 8: a workload error names the one-off run at the base size ----------------------------------------
def test_a_data_error_at_the_base_size_says_it_is_the_one_off_run():
    plan = SweepPlan(vary={"n": [200.0, 800.0]})
    err = UsageError("workload w.py: make_data(500, 42) failed at line 9: ValueError: only 300 rows")
    said = str(sweep.at_base_size(plan, WorkloadConfig(), err))
    assert said.startswith("the one-off run at the base size (--n 500;") and "make_data(500, 42) failed" in said
    asked = SweepPlan(vary={"n": [500.0, 800.0]})  # 500 was asked for: the error is the user's size, as it is
    assert sweep.at_base_size(asked, WorkloadConfig(), err) is err


def test_a_data_error_at_the_base_size_through_the_cli(tmp_path):
    workload = tmp_path / "small.py"
    workload.write_text("import torch\nfrom torch import nn\n\n"
                        "def build_model():\n    return nn.Linear(4, 1)\n\n"
                        "def make_data(n, seed):\n"
                        "    if n > 300:\n        raise ValueError(f'only 300 rows, asked for {n}')\n"
                        "    x = torch.randn(n, 4)\n    return x, x.sum(1, keepdim=True)\n")
    proc = run_cli("sweep", "--workload", str(workload), "--devices", "cpu", "--vary", "n=200,800",
                   "--out", str(tmp_path / "out"))
    assert_usage_error(proc, "the one-off run at the base size (--n 500", "make_data(500, 42) failed",
                       "give an --n the workload accepts")


# ----- 9: a stop says what was kept, names only files that exist, and how to draw a report ---------------------
def test_a_sweep_stopped_before_anything_finished_names_no_missing_journal(tmp_path, capsys):
    s = make_sweep(tmp_path, FakeChildren(interrupt_after=0))
    with pytest.raises(KeyboardInterrupt):
        s.run(tmp_path)
    s.save()
    assert not (tmp_path / "sweep.jsonl").exists()
    lines = console.problems(s.results, Analysis(s.results), tmp_path, "SIGINT").lines
    text = "\n".join(lines)
    assert "sweep.jsonl" not in text and "0 of 8 sweep point(s)" in text and "nothing to resume" in text
    assert f"`mlpbench report {tmp_path / 'results.json'}` draws one of what finished" in text
    console.print_files(tmp_path, [], sweep=True)
    assert "journal:" not in capsys.readouterr().out


def test_a_sweep_stopped_after_some_points_says_where_they_are(tmp_path):
    s = make_sweep(tmp_path, FakeChildren(interrupt_after=4))
    with pytest.raises(KeyboardInterrupt):
        s.run(tmp_path)
    s.save()
    first, hint = console.problems(s.results, Analysis(s.results), tmp_path, "SIGINT").lines
    assert first.startswith("stopped by SIGINT after 2 of 8 sweep point(s) (one target at one size each)")
    assert f"they are in {tmp_path / 'sweep.jsonl'} (--resume" in first and "mlpbench report" in hint


# ----- 10: a model too poor to quote shows no values -------------------------------------------------------
def test_a_poor_cost_model_shows_no_overhead_nor_throughput():
    noisy = [1.0, 1.02, 0.98, 1.01, 0.99]
    per_step = {CPU: {n: [t * j for j in noisy] for n, t in ((500, 5e-3), (2000, 1e-3), (8000, 4e-3), (32000, 1e-3))},
                GPU: {n: [1e-3 * j for j in noisy] for n in (500, 2000, 8000, 32000)}}
    results = builders.sweep(per_step)
    blocks = sections(results, Analysis(results), EN)[0].blocks
    [table] = [b.table for b in blocks if isinstance(b, TableBlock) and b.table.title == EN("sweep.models")]
    rows = {row[0]: row for row in table.rows}
    assert rows["CPU"][-1] == EN("model.poor") and rows["CPU"][1:3] == ["–", "–"]
    assert all(row[1] != "–" for row in table.rows if row[-1] == EN("model.fits"))


# ----- 11: a file where a folder is wanted, an empty results file ------------------------------------------
def test_out_naming_a_file_says_it_is_a_file(tmp_path, capsys):
    afile = tmp_path / "afile"
    afile.write_text("")
    for command in ("sweep", "bench"):
        assert main([command, "--devices", "cpu", "--out", str(afile)]) == 2
        [line] = capsys.readouterr().err.strip().splitlines()
        assert line == f"mlpbench: error: --out {afile}: is a file, not a folder; name a folder (it is created if missing)"


def test_an_empty_results_file_says_it_is_empty(tmp_path, capsys):
    empty = tmp_path / "results.json"
    empty.write_text("")
    assert main(["report", str(empty)]) == 2
    [line] = capsys.readouterr().err.strip().splitlines()
    assert line == f"mlpbench: error: {empty}: the file is empty, so not a results file"


# ----- 12: no loss plot of one logged step ----------------------------------------------------------------
def test_a_run_shorter_than_the_logging_interval_has_no_loss_plot_and_says_why(tmp_path):
    results = swept(tmp_path, config=WorkloadConfig(steps=30))  # the fake children log the loss at step 0 only
    blocks = plots_section(results, Analysis(results), EN).blocks
    assert "loss" not in [getattr(b, "name", None) for b in blocks]
    [why] = [b.text for b in blocks if isinstance(b, Paragraph) and "loss" in b.text]
    assert why.startswith("No loss plot") and "30 updates and logs every 100" in why
    full = builders.bench()  # a run that logged its loss every 100 steps keeps its plot
    assert "loss" in [getattr(b, "name", None) for b in plots_section(full, Analysis(full), EN).blocks]


def test_a_sweeps_noisy_points_are_named_and_its_one_off_figures_are_said_to_be_outside_its_points():
    """A CNN's sweep: batch = 32 at 22.5 ms a step in [6.15 ms, 95 ms], and only "machine busy" was said; and its
    conclusions quoted "178 ms a step (cold)" at n = 500, none of the swept sizes, without saying so."""
    from mlpbench.output.report.content import build, warnings_section

    steady = [1e-3 * j for j in (1.0, 1.02, 0.98, 1.01, 0.99)]
    wild = [1e-3 * j for j in (1.0, 4.0, 0.3, 2.5, 0.5)]
    results = builders.sweep({CPU: {2000: steady, 8000: wild}})
    warnings = " ".join(warnings_section(results, Analysis(results), EN).blocks[0].items)
    assert ("CPU (sweep): the warm trials of some points vary a lot (the IQR as a share of the median): "
            "n=8000 (") in warnings and "n=2000" not in warnings
    report = build(results, "en")
    conclusions = next(s for s in report.sections if s.anchor == "conclusions")
    assert conclusions.blocks[0].text.startswith(
        "The next figures are each target's one cold process, run once at the configuration as given (n = 500, "
        "1,001 updates), not at the points of the sweep")
    calm = builders.sweep({CPU: {2000: steady, 8000: steady}})
    assert "vary a lot" not in str(warnings_section(calm, Analysis(calm), EN).blocks)
