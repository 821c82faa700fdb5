"""The Python API (``mlpbench.run``, ``bench``, ``sweep``, ``load``) as a notebook uses it: what it times,
what one in-process target leaves to the next, where its files go, and what ``figures()`` holds."""

from __future__ import annotations

import contextlib
import inspect
import os
import statistics

import msgspec
import numpy as np
import pytest

import builders
import mlpbench
from builders import CPU, GPU
from mlpbench.api import BenchResults, resolve_workload
from mlpbench.errors import UsageError
from mlpbench.measure import clock, devices, inprocess
from mlpbench.results.model import CUMULATIVE_RSS, SweepPoint
from mlpbench.workload import problem

WORKLOAD = """
import torch


def make_data(n, seed):
    x = torch.randn(n, 4)
    return x, x.sum(dim=1, keepdim=True)


def build_model():
    return torch.nn.Linear(4, 1)
"""


class Tiny:
    """A workload that lives only in this interpreter."""

    def build_model(self):
        import torch

        return torch.nn.Linear(4, 1)

    def make_data(self, n, seed):
        import torch

        x = torch.randn(n, 4)
        return x, x.sum(dim=1, keepdim=True)


@pytest.fixture
def workload_file(tmp_path):
    path = tmp_path / "tiny_workload.py"
    path.write_text(WORKLOAD)
    return path


@pytest.fixture
def quick(monkeypatch):
    """In-process targets without the large-matmul probe and the profiler (seconds each, and not what is tested)."""
    from mlpbench.measure import profile

    monkeypatch.setattr(devices, "matmul_rate", lambda device: 1e9)
    monkeypatch.setattr(profile, "profile_steps", lambda trainer, device: None)


@pytest.fixture
def torch_settings():
    """Whatever a test does to torch's process-wide settings is undone for the tests after it."""
    import torch

    threads = torch.get_num_threads()
    yield torch
    torch.set_num_threads(threads)
    torch.set_flush_denormal(False)


IN_PROCESS = dict(devices="cpu", warm_runs=2, warm_time=1.0, warmup=0, steps=5)


# ----- run: the data drawn once, inside its phase ---------------------------------------------------------------
@pytest.mark.parametrize("how", ["api, a file", "api, an object", "cli, a file"])
def test_run_draws_the_data_once_and_inside_the_data_phase(how, workload_file, monkeypatch, tmp_path):
    """`run` checked the workload (drawing its data and building its model) before the job drew them again: the
    user's make_data ran twice, and the first draw was in no phase, yet in the total and the seed's figure."""
    from mlpbench.cli import main

    events: list[str] = []
    real_phase, real_call = clock.PhaseTimer.phase, problem.call

    @contextlib.contextmanager
    def phase(self, name):
        events.append(f"{name}(")
        with real_phase(self, name):
            yield
        events.append(f"){name}")

    monkeypatch.setattr(clock.PhaseTimer, "phase", phase)
    monkeypatch.setattr(problem, "call",
                        lambda workload, what, *args: events.append(what) or real_call(workload, what, *args))
    if how == "cli, a file":
        assert main(["run", "--workload", str(workload_file), "--device", "cpu", "--steps", "3", "--quiet",
                     "--json", str(tmp_path / "run.json")]) == 0
    else:
        record = mlpbench.run(str(workload_file) if how == "api, a file" else Tiny(), device="cpu", steps=3)
        assert record.status == "ok"
    drawn = [i for i, e in enumerate(events) if e.startswith("make_data(")]
    checked = [i for i, e in enumerate(events) if e.startswith("the model on the first 2 rows")]
    assert len(drawn) == 1 and len(checked) == 1, events
    assert events.index("data(") < drawn[0] < checked[0] < events.index(")data"), events


def test_run_still_refuses_a_workload_that_does_not_fit_in_one_line(tmp_path, capsys):
    from mlpbench.cli import main

    classes = tmp_path / "classes.py"
    classes.write_text(WORKLOAD.replace("x.sum(dim=1, keepdim=True)", "(x[:, 0] > 0).long()"))
    with pytest.raises(UsageError, match="needs the model's output shaped like y, got \\(2, 1\\) and \\(2,\\)"):
        mlpbench.run(str(classes), device="cpu", steps=3)
    own = tmp_path / "own_optimizer.py"
    own.write_text(WORKLOAD + "\n\ndef make_optimizer(params):\n    return torch.optim.SGD(params, lr=0.1)\n")
    assert main(["run", "--workload", str(own), "--device", "cpu", "--lr", "0.5", "--quiet"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["mlpbench: error: --lr sets the default Adam's learning rate; own_optimizer makes its own "
                   "optimizer (make_optimizer), which sets its own"]


# ----- bench of an object: one target after another in this process ---------------------------------------------
@pytest.mark.skipif(not os.access("/proc/self/clear_refs", os.W_OK), reason="no resettable peak resident set (Linux)")
def test_each_in_process_target_has_its_own_memory_peak(torch_settings, tmp_path):
    """VmHWM is the process's high-water mark: each target showed the peaks of everything before it (an earlier
    target's 2048² matmul probe, a notebook's big tensor). It is reset before each target."""
    torch = torch_settings
    spike = torch.ones(256 * 2**20)  # 1 GiB, resident, then freed: the process's peak stays above it
    del spike
    before = devices.peak_rss()
    result = mlpbench.bench(Tiny(), **IN_PROCESS, backends="eager,tuned", out=tmp_path / "o")
    peaks = {w.target.key: w.record.memory.peak_rss_bytes for w in result.results.warm}
    assert set(peaks) == {"cpu/eager", "cpu/tuned"}
    # Below the spike by more than what the bench's own first imports can add (about 230 MiB when this test runs
    # first in its process: torch._dynamo, the profiler).
    assert all(0 < peak < before - 512 * 2**20 for peak in peaks.values()), (peaks, before)
    assert all("peak_rss" not in w.record.facts for w in result.results.warm)


def test_a_peak_that_cannot_be_reset_is_labelled_cumulative(quick, monkeypatch, tmp_path):
    monkeypatch.setattr(inprocess, "CLEAR_REFS", str(tmp_path / "no-such-dir" / "clear_refs"))
    result = mlpbench.bench(Tiny(), **IN_PROCESS, out=tmp_path / "o")
    assert [w.record.facts.get("peak_rss") for w in result.results.warm] == [CUMULATIVE_RSS]
    # The report said nothing of it: the peak read as this target's own.
    from mlpbench.output.i18n import Texts
    from mlpbench.output.tables import memory_table

    for lang, label, note in (("en", " (cumulative)", "could not be reset"), ("ja", "（累積）", "リセットできなかった")):
        table = memory_table(result.results, result.analysis, Texts(lang))
        assert [row[1].endswith(label) for row in table.rows] == [True] and note in table.caption
    md = result.report(tmp_path / "r.md")[0].read_text()
    assert "(cumulative)" in md and "could not be reset, so it includes the targets measured before" in md


def test_a_workload_whose_source_python_cannot_find_is_said_to_be_unrecorded(quick, torch_settings, tmp_path):
    """A class typed at a prompt (or, on some Pythons, in a notebook cell) has no source to record: the report showed
    the training loop alone under "the code below is the copy recorded when it ran", as if that were all."""
    namespace: dict = {}
    exec(inspect.getsource(Tiny).replace("class Tiny", "class Typed"), namespace)  # no file behind it
    result = mlpbench.bench(namespace["Typed"](), **IN_PROCESS, out=tmp_path / "o")
    assert not any(c.role == "workload" for c in result.results.code)
    text = result.report(tmp_path / "r.md")[0].read_text()
    assert "The workload's own code (&lt;Typed&gt;) could not be recorded: Python could not find its source" in text
    assert "could not be recorded" not in mlpbench.bench(Tiny(), **IN_PROCESS, out=tmp_path / "p").report(
        tmp_path / "p.md")[0].read_text()


def test_torch_settings_one_target_changes_are_undone_before_the_next(quick, torch_settings, monkeypatch, tmp_path):
    """`tuned` picks a thread count (here: 1) and turned denormal flushing off when done; eager after it ran on
    tuned's thread, and the notebook was left with both."""
    from mlpbench.workload.backends import threads

    torch = torch_settings
    monkeypatch.setattr(threads, "probe", lambda run, reset, use, steps, asked=None: use(1) or {1: 0.0})
    torch.set_num_threads(2)
    torch.set_flush_denormal(True)  # the notebook's own choice
    result = mlpbench.bench(Tiny(), **IN_PROCESS, backends=["tuned", "eager"], out=tmp_path / "o")
    threads_used = {w.target.key: w.record.threads for w in result.results.warm}
    assert threads_used == {"cpu/tuned": 1, "cpu/eager": 2}
    assert torch.get_num_threads() == 2 and inprocess.flushes_denormals()


def test_flushing_denormals_is_read_as_it_stands(torch_settings):
    torch = torch_settings
    torch.set_flush_denormal(False)
    assert not inprocess.flushes_denormals()
    if torch.set_flush_denormal(True):  # False where this CPU cannot flush them
        assert inprocess.flushes_denormals()


class Recorder:
    """A progress display that reads results.json as each target finishes, and can stop like Ctrl-C."""

    def __init__(self, path, interrupt_at: int | None = None) -> None:
        self.path, self.interrupt_at, self.seen, self.started = path, interrupt_at, [], 0

    def start(self, total: int) -> None: ...
    def stop(self) -> None: ...

    def update(self, description: str) -> None:
        if self.started == self.interrupt_at:
            raise KeyboardInterrupt
        self.started += 1

    def advance(self, line: str) -> None:
        saved = mlpbench.load(self.path).results
        self.seen.append([w.target.key for w in saved.warm])


def test_an_in_process_bench_writes_its_results_to_out_after_every_target(quick, torch_settings, tmp_path):
    out = tmp_path / "o"
    progress = Recorder(out / "results.json")
    result = mlpbench.bench(Tiny(), **IN_PROCESS, backends="eager,tuned", out=out, progress=progress)
    assert result.path == out / "results.json" and result.stopped_by is None
    assert progress.seen == [["cpu/eager"], ["cpu/eager", "cpu/tuned"]]  # each target saved as it finished
    saved = mlpbench.load(result.path).results
    assert saved.complete and saved.plan.runs == 0 and [w.target.key for w in saved.warm] == ["cpu/eager", "cpu/tuned"]


def test_an_interrupted_in_process_bench_keeps_the_targets_that_finished(quick, torch_settings, tmp_path):
    out = tmp_path / "o"
    result = mlpbench.bench(Tiny(), **IN_PROCESS, backends="eager,tuned", out=out,
                            progress=Recorder(out / "results.json", interrupt_at=1))
    assert result.stopped_by == "SIGINT"
    saved = mlpbench.load(out / "results.json").results
    assert [w.target.key for w in saved.warm] == ["cpu/eager"]
    assert saved.interrupted == "SIGINT" and not saved.complete


def test_without_out_an_in_process_bench_writes_to_a_new_temporary_folder(quick, torch_settings):
    import shutil

    result = mlpbench.bench(Tiny(), **IN_PROCESS)
    try:
        assert result.path is not None and result.path.name == "results.json" and result.path.exists()
        assert len(mlpbench.load(result.path).results.warm) == 1
    finally:
        shutil.rmtree(result.path.parent)


# ----- a keyword of the wrong type is one line naming it ----------------------------------------------------------
@pytest.mark.parametrize("call, message", [
    (lambda: mlpbench.bench(devices=5), "devices=5: expected names"),
    (lambda: mlpbench.bench(devices=["cpu", 5]), "devices=['cpu', 5]: expected names"),
    (lambda: mlpbench.bench(backends=["eager", None]), "backends=['eager', None]: expected names"),
    (lambda: mlpbench.bench(runs="6"), "runs='6': expected int, got str"),
    (lambda: mlpbench.bench(warm_time=None), "warm_time=None: expected float, got None"),
    (lambda: mlpbench.bench(scripts=5), "scripts=5: expected a path, or a list of them"),
    (lambda: mlpbench.bench(out=5), "out=5: expected a folder's path"),
    (lambda: mlpbench.bench(progress="yes"), "progress='yes': expected an object with start, update, advance and stop"),
    (lambda: mlpbench.sweep(resume="no"), "resume='no': expected True or False"),  # a string is true: it resumed
    (lambda: mlpbench.run(device=5), "device=5: expected a name"),
    (lambda: mlpbench.load(5), "load(5): expected the path of a results.json"),
    (lambda: BenchResults(builders.bench()).to_json("/proc/no/such/results.json"),
     "cannot write /proc/no/such/results.json"),  # not the temporary file it is written through
], ids=lambda x: x if isinstance(x, str) else "")
def test_a_keyword_of_the_wrong_type_is_one_line_naming_it(call, message):
    """`runs="6"` was "'<' not supported between instances of 'int' and 'str'", devices=5 "'int' object is not
    iterable": Python's words about mlpbench's insides."""
    with pytest.raises(UsageError) as err:
        call()
    assert str(err.value).startswith(message), str(err.value)


def test_numbers_of_any_kind_a_notebook_holds_are_taken_as_numbers():
    import numpy as np

    from mlpbench.api import typed
    from mlpbench.results.model import BenchPlan

    plan = typed(BenchPlan(runs=np.int64(3), warm_time=np.float32(2.5), warm_runs=4, devices=("cpu",)))
    assert (plan.runs, type(plan.runs), plan.warm_time, plan.devices) == (3, int, 2.5, ["cpu"])


# ----- devices and backends as the command line writes them ------------------------------------------------------
def test_devices_and_backends_may_be_comma_separated_strings(quick, torch_settings, workload_file, monkeypatch,
                                                            tmp_path):
    """A string was taken letter by letter: devices='cpu' failed with "unknown device 'c'"."""
    from mlpbench.measure import sweep as sweeping

    result = mlpbench.bench(Tiny(), **dict(IN_PROCESS, devices=" cpu, cpu"), backends="tuned, eager",
                            out=tmp_path / "b")
    assert result.results.plan.devices == ["cpu"] and result.results.plan.backends == ["tuned", "eager"]
    assert [w.target.key for w in result.results.warm] == ["cpu/tuned", "cpu/eager"]

    planned = {}

    def run_sweep(plan, config, targets, *rest):
        planned.update(plan=plan, targets=[t.target.key for t in targets])
        return None, None  # planned: nothing needs to run

    monkeypatch.setattr(sweeping, "run_sweep", run_sweep)
    mlpbench.sweep(str(workload_file), vary={"n": [200]}, devices="cpu", backends="eager,tuned", out=tmp_path / "s")
    assert planned["plan"].devices == ["cpu"] and planned["targets"] == ["cpu/eager", "cpu/tuned"]
    mlpbench.sweep(str(workload_file), vary={"n": [200]}, devices=["cpu"], backends="all", out=tmp_path / "s")
    assert "cpu/tuned" in planned["targets"]


@pytest.mark.parametrize("call, fragment", [
    (lambda w: mlpbench.bench(w, devices="cpu,tpu"), "devices: unknown device 'tpu'"),
    (lambda w: mlpbench.bench(w, devices=" , "), "devices needs at least one device"),
    (lambda w: mlpbench.bench(w, devices="cpu", backends=""), "backends needs at least one name"),
    (lambda w: mlpbench.bench(w, devices="cpu", backends="eager,warp-drive"), "unknown backend 'warp-drive'"),
    (lambda w: mlpbench.sweep(w, vary={"n": [200]}, devices=""), "devices needs at least one device"),
    # the notebook's own words, not the command line's flags (--runs, --warm-runs ...)
    (lambda w: mlpbench.bench(w, devices="cpu", runs=-1), "runs, script_runs, warm_runs and warmup cannot be negative"),
    (lambda w: mlpbench.bench(w, devices="cpu", runs=0, warm_runs=0), "runs=0 with warm_runs=0 measures nothing"),
    (lambda w: mlpbench.bench(w, devices="cpu", steps=-20), "steps must be at least 1"),
    (lambda w: mlpbench.run(w, device="tpu"), "device: unknown device 'tpu'"),
    (lambda w: mlpbench.bench(Tiny(), devices="cpu", warm_runs=0), "warm_runs=0 measures nothing here"),
    # vary was taken as given: an unknown name ran the default size labelled as it, 200.7 ran n = 200
    (lambda w: mlpbench.sweep(w, vary={"m": [200]}, devices="cpu"), "vary: unknown parameter 'm'"),
    (lambda w: mlpbench.sweep(w, vary={"n": [200.7]}, devices="cpu"), "vary n: 200.7 is not an integer"),
    (lambda w: mlpbench.sweep(w, vary={"n": []}, devices="cpu"), "vary n: no values given"),
    (lambda w: mlpbench.sweep(w, vary={"n": [True]}, devices="cpu"), "vary n: True is not an integer"),
    (lambda w: mlpbench.load(w).summary("de"), "lang='de': choose 'en' or 'ja'"),
    (lambda w: mlpbench.bench(w, devices="cpu", threads=0), "threads must be a whole number of at least 1, got 0"),
    (lambda w: mlpbench.run(w, device="cpu", threads=0), "threads must be a whole number of at least 1, got 0"),
    (lambda w: mlpbench.sweep(w, vary={}, devices="cpu"), "vary {}: expected a parameter and its values"),
    (lambda w: mlpbench.sweep(w, vary={"width": [float("inf")]}, devices="cpu"), "vary width: inf is not a number"),
    (lambda w: mlpbench.run("my--net.py", device="cpu"), "workload my--net.py: no such file"),  # the user's own text
    (lambda w: mlpbench.bench(w, devices="cpu", hidden=(10,)), "hidden: only the built-in MLP takes it"),  # was ignored
    (lambda w: mlpbench.bench(w, devices="cpu", nproc=2, backends="compile"), "nproc runs the eager loop under"),
    # a misspelt keyword was a TypeError from deep inside ("Unexpected keyword argument 'devices'")
    (lambda w: mlpbench.run(w, devices="cpu"), "run() takes no keyword 'devices'; did you mean device=?"),
    (lambda w: mlpbench.sweep(w, devices="cpu", step=3), "sweep() takes no keyword 'step'; did you mean steps=?"),
    # scripts alone run as they are: the job's settings were ignored silently
    (lambda w: mlpbench.bench(scripts=w, devices="cpu", steps=5), "devices, steps have no effect beside scripts "
                                                                  "without workload"),
    (lambda w: mlpbench.bench(scripts=w, warm_runs=-1), "warm_runs and warmup cannot be negative"),  # not "no effect"
    (lambda w: mlpbench.run(device="cpu", hidden=10.5), "hidden takes widths, e.g. hidden=(100, 50); got 10.5"),
    (lambda w: mlpbench.run(device="cpu", hidden="100,x"), "hidden takes comma-separated integers, e.g. hidden=(100"),
])
def test_bad_input_to_the_notebook_api_is_one_line_in_its_own_words(call, fragment, workload_file, tmp_path):
    if "load" in fragment or "lang" in fragment:
        import builders
        from mlpbench.results.files import write_model

        write_model(tmp_path / "r.json", builders.bench())
        workload_file = tmp_path / "r.json"
    with pytest.raises(UsageError) as err:
        call(str(workload_file))
    assert fragment in str(err.value) and "\n" not in str(err.value)
    assert "--" not in str(err.value).replace("my--net.py", "")


@pytest.mark.parametrize("given, widths", [(10, (10,)), ("100, 50", (100, 50)), ([np.int64(20), 10], (20, 10)),
                                           ((8, 4, 2), (8, 4, 2))])
def test_widths_are_taken_as_the_command_line_takes_them_and_numpy_numbers_as_numbers(given, widths):
    """``hidden=10`` (as an error's advice writes one width) was a TypeError, "100,50" an error about "1,0,0,,,5,0"."""
    config, _ = resolve_workload(None, {"hidden": given, "n": np.int64(400), "lr": np.float32(0.5)})
    assert config.hidden == widths and all(type(w) is int for w in config.hidden)
    assert (config.n, type(config.n), config.lr, type(config.lr)) == (400, int, 0.5, float)  # a results file holds them


def test_the_code_recorded_is_of_the_backends_that_run():
    """A CPU bench of every backend printed ~1,300 lines of CUDA-graph, fused and JAX code that never ran."""
    from mlpbench.api import record_code, runnable_backends
    from mlpbench.results.model import PlannedTarget, Target
    from mlpbench.workload.config import WorkloadConfig

    targets = [PlannedTarget(Target("cpu", "eager")), PlannedTarget(Target("cpu", "cuda-graph"), "unavailable", "no GPU"),
               PlannedTarget(Target("cpu", "tuned")), PlannedTarget(Target(None, "script", script="a.py"))]
    assert runnable_backends(targets) == {"eager": ["cpu"], "tuned": ["cpu"]}
    names = [c.name for c in record_code(WorkloadConfig(), None, runnable_backends(targets), [])]
    assert "eager.py" in names and "tuned.py" in names and "cuda_graph.py" not in names
    # the fused backend is C on a CPU and Triton on CUDA: a CPU run recorded (and printed) the Triton kernels too
    fused = [PlannedTarget(Target("cpu", "fused")), PlannedTarget(Target("cuda:0", "eager"))]
    assert runnable_backends(fused) == {"fused": ["cpu"], "eager": ["cuda"]}
    names = [c.name for c in record_code(WorkloadConfig(), None, runnable_backends(fused), [])]
    assert {"cpu_fused.py", "mlp_fused.c"} <= set(names) and "triton_fused.py" not in names
    on_gpu = [c.name for c in record_code(WorkloadConfig(), None, {"fused": ["cuda"]}, [])]
    assert "triton_fused.py" in on_gpu and "mlp_fused.c" not in on_gpu


def test_an_error_keeps_the_users_own_words_as_they_are(tmp_path):
    """An error is turned into the API's words, but its user's text was too: their make_data's "pass --n 1000" became
    "pass n=1000", and a workload named "mlpbench run.py" became "`mlpbench.run()`.py"."""
    own = tmp_path / "mlpbench run--fast.py"
    own.write_text("def build_model():\n    pass\n\n\ndef make_data(n, seed):\n"
                   "    raise ValueError('pass --n 1000 or more (the --device cpu path needs it)')\n")
    with pytest.raises(UsageError) as err:
        mlpbench.bench(str(own), devices="cpu", runs=-1)
    assert str(err.value) == "runs, script_runs, warm_runs and warmup cannot be negative"
    with pytest.raises(UsageError) as err:
        mlpbench.bench(str(own), devices="cpu")
    assert f"workload {own}:" in str(err.value)
    assert str(err.value).endswith("ValueError: pass --n 1000 or more (the --device cpu path needs it)")


def test_vary_takes_the_command_lines_string_or_one_value(workload_file, monkeypatch, tmp_path):
    from mlpbench.measure import sweep as sweeping

    planned = []
    monkeypatch.setattr(sweeping, "run_sweep", lambda plan, *rest: planned.append(plan.vary) or (None, None))
    import numpy as np

    for vary in ({"n": "800, 200"}, {"n": 800}, {"n": (200.0, 800)}, "n=200,800", {"n": np.array([200, 800])}):
        mlpbench.sweep(str(workload_file), vary=vary, devices="cpu", out=tmp_path / "s")
    assert planned == [{"n": [200.0, 800.0]}, {"n": [800.0]}, {"n": [200.0, 800.0]}, {"n": [200.0, 800.0]},
                       {"n": [200.0, 800.0]}]


def test_a_notebook_report_speaks_the_apis_words_and_an_in_process_bench_removes_an_earlier_report(
        quick, torch_settings, tmp_path):
    import builders
    from mlpbench.output.messages import MESSAGES

    result = BenchResults(builders.bench(gpu=False))
    notebook = result.report(tmp_path / "nb.md")[0].read_text()
    command_line = result.report(tmp_path / "cli.md", python=False)[0].read_text()
    assert "the same call on a machine with an NVIDIA GPU" in notebook and "the same command" not in notebook
    assert "the same command on a machine with an NVIDIA GPU" in command_line
    assert "(the user's scripts unless a keyword argument said otherwise)" in notebook

    out = tmp_path / "o"
    out.mkdir()
    (out / "report.md").write_text(f"# {MESSAGES['title'][0]}\n")  # an earlier bench's
    made = mlpbench.bench(Tiny(), **IN_PROCESS, out=out)
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == ["results.json"]
    # no command: this process's arguments (a notebook kernel's "-f kernel.json", pytest's) are not the user's
    assert made.results.env.argv == []
    report = made.report(tmp_path / "made.md")[0].read_text()
    assert "| command | none: called from Python (the notebook API) |" in report
    assert "| loss | MSELoss() |" in report  # the loss the run trained with, beside its optimizer


# ----- figures() of a sweep ---------------------------------------------------------------------------------------
def test_a_sweeps_figures_hold_every_point_of_every_target(tmp_path):
    """figures() gave a sweep's cold runs' phases only: none of the points the sweep is about."""
    per_step = {CPU: {500: [1.0e-3, 1.1e-3, 0.9e-3], 2000: [3.0e-3, 3.2e-3, 2.9e-3]},
                GPU: {500: [2.0e-3, 2.1e-3, 1.9e-3], 2000: [2.2e-3]}}
    results = builders.sweep(per_step)
    results.points.append(SweepPoint(target=GPU, status="timeout", error="point timed out after 300 s",
                                     point={"n": 8000.0}, config=results.config.with_changes(n=8000), trial_steps=100))
    results.plan = msgspec.structs.replace(results.plan, vary={"n": [500.0, 2000.0, 8000.0]})
    BenchResults(results).to_json(tmp_path / "results.json")

    rows = mlpbench.load(tmp_path / "results.json").figures()  # as a notebook reads a sweep's results.json
    swept = {(r["target"], r["point_n"]): r for r in rows if r["mode"] == "sweep"}
    assert set(swept) == {("cpu/eager", 500.0), ("cpu/eager", 2000.0), ("cuda:0/eager", 500.0),
                          ("cuda:0/eager", 2000.0), ("cuda:0/eager", 8000.0)}
    for (key, n), row in swept.items():
        assert row["phase"] == "per_step" and row["point"] == f"n={int(n)}"
        if n == 8000.0:
            assert row["status"] == "timeout" and row["median_s"] is None and row["n"] == 0
            continue
        samples = per_step[CPU if key == "cpu/eager" else GPU][int(n)]
        assert row["status"] == "ok" and row["n"] == len(samples)
        assert row["median_s"] == pytest.approx(statistics.median(samples))
        if len(samples) > 1:
            assert row["low_s"] <= row["median_s"] <= row["high_s"] and row["coverage"] > 0
        else:
            assert row["low_s"] is None and row["high_s"] is None
    assert {r["mode"] for r in rows} == {"cold", "sweep"}  # the one-off runs' phases are still there
    from mlpbench.results.sweep import SweepAnalysis  # and the whole job the report derives at each point

    derived = {(r.target.key, r.point["n"]): r.end_to_end for r in SweepAnalysis(results).rows}
    for key, row in swept.items():
        whole = derived[key]
        assert (row["whole_job_s"], row["whole_job_low_s"], row["whole_job_high_s"]) == (whole or (None, None, None))
    assert any(row["whole_job_s"] for row in swept.values())


def test_an_optimizer_zeroing_does_not_restart_makes_compile_unavailable_before_any_trial():
    """NAdam with --backends eager,compile: compile's refusal came from each of its trials' processes (every one
    "FAILED (exit 2)", each paying a start-up, exit status 1), and from a notebook's in-process bench as an
    exception that ended the bench. It is now found once, here, and the target planned as unavailable."""
    import torch
    from torch import nn

    from mlpbench.api import prepare, resolve_workload, restartable
    from mlpbench.results.model import PlannedTarget, Target

    class NAdamWorkload:
        def build_model(self):
            return nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 1))

        def make_data(self, n, seed):
            x = torch.randn(n, 8, generator=torch.Generator().manual_seed(seed))
            return x, x.sum(1, keepdim=True)

        def make_optimizer(self, params):
            return torch.optim.NAdam(params, lr=1e-3)

    config, loaded = resolve_workload(NAdamWorkload(), {"steps": 5, "n": 100})
    _, tried = prepare(config, loaded)
    planned = [PlannedTarget(Target("cpu", "eager")), PlannedTarget(Target("cpu", "compile")),
               PlannedTarget(Target("cuda", "cuda-graph"), "unavailable", "no CUDA here")]
    got = restartable(planned, tried)
    assert [(t.target.backend, t.status) for t in got] == [("eager", "ok"), ("compile", "unavailable"),
                                                           ("cuda-graph", "unavailable")]
    assert "NAdam's fresh state is not all zeros" in got[1].reason and got[2].reason == "no CUDA here"
