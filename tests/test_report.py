"""The report: reviewed goldens, the answer first, claims only where the numbers hold, both languages,
bad input, safety and bounded size."""

from __future__ import annotations

import json
import os
import re
import stat

import msgspec
import pytest

import builders
from builders import CPU, GPU
from conftest import DATA, H100, ROOT, assert_usage_error, run_cli
from mlpbench.output.report import write_report
from mlpbench.output.report.content import build
from mlpbench.output.report.markdown import render
from mlpbench.results.files import encode, load_results, parse_results
from mlpbench.results.model import Measurement, PlannedTarget, Target
from mlpbench.workload.config import WorkloadConfig

GOLDEN = DATA / "golden"
UPDATE = os.environ.get("MLPBENCH_UPDATE_GOLDEN") == "1"
GOLDENS = {"results-cpu.en": DATA / "results-cpu.json", "sweep-cpu.en": DATA / "sweep-cpu.json",
           "make-bench-cpu.en": DATA / "make-bench-cpu.json",
           "h100-bench.en": H100 / "bench" / "results.json", "h100-bench.ja": H100 / "bench" / "results.json",
           "h100-sweep.en": H100 / "sweep" / "results.json"}


def markdown_of(results, lang: str = "en") -> str:
    return render(build(results, lang), lambda name, svg: f"report-{name}.svg")


@pytest.mark.parametrize("name", sorted(GOLDENS))
def test_markdown_matches_the_reviewed_golden_file(name):
    """To accept a deliberate change: MLPBENCH_UPDATE_GOLDEN=1 pytest tests/test_report.py (it fails,
    having rewritten the file), review the diff, then run the tests again."""
    text = markdown_of(load_results(GOLDENS[name]), name.rsplit(".", 1)[1])
    golden = GOLDEN / f"{name}.md"
    if UPDATE:
        golden.write_text(text)
        pytest.fail(f"rewrote {golden.name}: review `git diff {golden}` and run the tests again")
    assert text == golden.read_text()


def first_screen(results, lang: str = "en") -> str:
    """The sentences of the report's first screen (without drawing its chart)."""
    from mlpbench.output.i18n import Texts
    from mlpbench.output.report.verdict import first_screen as screen
    from mlpbench.results.analysis import Analysis

    results = parse_results(encode(results))
    return " ".join(screen(results, Analysis(results), Texts(lang)).sentences())


def conclusions_of(results) -> str:
    from mlpbench.output.i18n import Texts
    from mlpbench.output.report.conclusions import conclusions
    from mlpbench.results.analysis import Analysis

    results = parse_results(encode(results))
    return " ".join(conclusions(results, Analysis(results), Texts("en")))


# ----- the answer first ------------------------------------------------------------------------------------
def test_the_first_screen_says_who_won_why_and_when():
    text = first_screen(builders.bench())
    assert text.startswith("The CPU finished the whole job first: 2.99 s against 3.73 s on the GPU (H100 80GB HBM3), "
                           "which took 1.25× as long (95 % interval of the time ratio 1.21×–1.28×, Mann-Whitney "
                           "p = 0.002, 6 fresh processes each).")
    assert "Why: of the time inside the process, start-up" in text and "78 % on the CPU (training: 21 %)" in text
    assert "spent decidedly more time than the CPU on import (+502 ms), device start-up (+452 ms)" in text
    assert "Once warm, the training loop is 1.86× faster on the GPU" in text and "10 warm runs each" in text
    assert "repays its extra one-off costs after about" in text
    assert "mlpbench sweep --vary n=" in text


def sweep_hint(results, python: bool) -> str:
    """The command the first screen's sweep hint gives, in the command line's words or the notebook API's."""
    from mlpbench import api

    text = api.BenchResults(results).summary() if python else first_screen(results)
    [command] = re.findall(r"`(mlpbench\.sweep\([^`]*\))`" if python else r"`(mlpbench sweep [^`]*)`", text)
    return command


def called(call: str) -> dict:
    """The arguments a notebook call binds in the API, checked against its signature."""
    import inspect

    from mlpbench import api

    args, kwargs = eval(call, {"mlpbench": type("M", (), {"sweep": staticmethod(lambda *a, **kw: (a, kw))})})
    bound = inspect.signature(api.sweep).bind(*args, **kwargs).arguments
    return {**{k: v for k, v in bound.items() if k != "options"}, **bound.get("options", {})}


def test_the_sweep_hint_names_the_users_workload_and_settings_in_either_dialect():
    """The hint swept the built-in MLP whatever the bench measured: a user's workload file and settings were left
    out. The command line's form must parse as the bench's own did; the notebook's must call the API as it is."""
    import shlex

    from mlpbench.cli import build_parser, workload_options
    from mlpbench.measure.sweep import parse_vary

    results = builders.bench()
    results.config = WorkloadConfig(workload="models/wide net.py", steps=2000, lr=3.14159265e-4)
    cli = sweep_hint(results, python=False)
    assert cli == ("mlpbench sweep --workload 'models/wide net.py' --steps 2000 --lr 0.000314159265 "
                   "--vary n=500,2000,8000,32000,128000")
    args = build_parser().parse_args(shlex.split(cli)[1:])
    assert args.workload == "models/wide net.py" and parse_vary(args.vary) == {"n": [500, 2000, 8000, 32000, 128000]}
    assert {k: v for k, v in workload_options(args).items() if v != getattr(WorkloadConfig(), k)} == {
        "steps": 2000, "lr": 3.14159265e-4}
    assert called(sweep_hint(results, python=True)) == {"workload": "models/wide net.py", "steps": 2000,
                                                        "lr": 3.14159265e-4, "vary": {"n": [500, 2000, 8000, 32000, 128000]}}

    results.config = WorkloadConfig(workload="𠮷野家/モデル.py", hidden=(200, 200))  # as an older API ran it, ignored
    assert called(sweep_hint(results, python=True))["workload"] == "𠮷野家/モデル.py"
    assert "--hidden" not in sweep_hint(results, python=False)  # the command line refuses it beside --workload
    results.config = WorkloadConfig(hidden=(200, 200), batch_size=512, n=100000)  # the built-in MLP
    assert sweep_hint(results, python=False) == ("mlpbench sweep --n 100000 --hidden 200,200 --batch-size 512 "
                                                 "--vary n=2000,8000,32000,128000")  # 400 training rows < 512
    results.config = WorkloadConfig(hidden=(20000,))  # n x width must stay below 2**31: 128,000 cannot run
    assert called(sweep_hint(results, python=True))["vary"] == {"n": [500, 2000, 8000, 32000]}
    results.config = WorkloadConfig(d_in=20)  # set through the API alone: its call, in either report
    assert called(sweep_hint(results, python=True))["d_in"] == 20
    assert "mlpbench sweep" not in first_screen(results) and "mlpbench.sweep(d_in=20, vary=" in first_screen(results)
    results.config = WorkloadConfig(workload="<Net>", steps=5000)  # a model that lives only in the notebook
    assert called(sweep_hint(results, python=True)) == {"workload": "FILE.py", "steps": 5000,
                                                        "vary": {"n": [500, 2000, 8000, 32000, 128000]}}
    results.config = WorkloadConfig()
    results.plan = msgspec.structs.replace(results.plan, threads=4)
    results.warm = [msgspec.structs.replace(w, target=Target(w.target.device, "compile")) for w in results.warm]
    results.cold = [msgspec.structs.replace(c, target=Target(c.target.device, "compile")) for c in results.cold]
    results.targets = [PlannedTarget(Target(t.target.device, "compile")) for t in results.targets]
    assert sweep_hint(results, python=False).startswith("mlpbench sweep --backends compile --threads 4 --vary n=")
    results.warm = [msgspec.structs.replace(w, target=Target(w.target.device, "eager", ranks=2)) for w in results.warm]
    results.cold = [msgspec.structs.replace(c, target=Target(c.target.device, "eager", ranks=2)) for c in results.cold]
    results.targets = [PlannedTarget(Target(t.target.device, "eager", ranks=2)) for t in results.targets]
    assert "mlpbench sweep" not in first_screen(results)  # data-parallel: a sweep of sizes is not its question


def test_the_notebook_summary_names_keywords_and_leaves_names_and_paths_as_they_are():
    """summary() in a notebook gave the command line's advice (--devices cpu,cuda). Turned into the API's words,
    a script's or a workload's own name that holds "--" or "mlpbench run" must stay as it is."""
    import ast

    from mlpbench import api

    results = builders.make_bench(gpu=False, runs=2)
    rename = {"examples/three_layer_nn_pytorch.py": "train--cpu.py",
              "examples/three_layer_nn_pytorch_cuda.py": "mlpbench runner.py"}
    for trial in results.cold:
        trial.target = msgspec.structs.replace(trial.target, script=rename[trial.target.script]) \
            if trial.target.script else trial.target
    results.targets = [PlannedTarget(msgspec.structs.replace(t.target, script=rename[t.target.script]))
                       if t.target.script else t for t in results.targets]
    results.plan = msgspec.structs.replace(results.plan, scripts=list(rename.values()))
    for lang in ("en", "ja"):
        text = api.BenchResults(results).summary(lang)
        assert "train--cpu.py" in text and "mlpbench runner.py" in text
        assert re.search(r"script_runs=4[)）]", text) and "--script-runs" not in text
        assert ("the same call" if lang == "en" else "同じ呼び出し") in text and "same command" not in text
        assert not re.search(r"(?<![\w./-])--[a-z]", text)
        for code in re.findall(r"`([^`]*)`", text):
            ast.parse(code)  # every code span is Python


def test_every_flag_the_messages_name_is_a_keyword_of_the_notebook_api():
    """Each flag in the catalogue must turn into a keyword that bench, sweep or run takes, and every message in
    the API's words must still format and read: its code spans parse as Python."""
    import ast
    import inspect

    import msgspec

    from mlpbench import api
    from mlpbench.output.i18n import ALIASES, as_python
    from mlpbench.output.messages import MESSAGES

    keywords = {p for f in (api.bench, api.sweep, api.run) for p in inspect.signature(f).parameters}
    keywords |= {f.name for f in msgspec.structs.fields(WorkloadConfig)}
    named = set()
    for key, templates in MESSAGES.items():
        for template in templates:
            named |= {ALIASES.get(n, n).replace("-", "_") for n in re.findall(r"(?<![\w./-])--([a-z][a-z-]*)", template)}
            fields = {f: 7 for f in re.findall(r"\{(\w+)", template)}
            text = as_python(template, template=True).format(**fields)
            for code in re.findall(r"`([^`]*)`", text):
                if code.startswith("mlpbench"):
                    ast.parse(code)
    assert named and named <= keywords, named - keywords
    assert as_python("(--devices cpu,cuda). --warm-runs 4 or more; --resume") == \
        '(devices="cpu,cuda"). warm_runs=4 or more; resume=True'
    assert as_python("`mlpbench bench --workload` on the same model") == "`mlpbench.bench(workload)` on the same model"
    assert as_python("mlpbench bench --backends all shows") == '`mlpbench.bench(backends="all")` shows'
    assert as_python("mlpbench runs them as they are; my--notes.py") == "mlpbench runs them as they are; my--notes.py"
    assert as_python("--device cuda is not available") == 'devices="cuda" is not available'
    assert as_python("--device cuda is not available", aliases={}) == 'device="cuda" is not available'


def test_a_gpu_win_is_said_so():
    text = first_screen(builders.bench(cpu_train=6.0, warm_cpu=5.8))
    assert text.startswith("The GPU (H100 80GB HBM3) finished the whole job first") and "The CPU finished" not in text


def test_overlapping_trials_claim_nothing():
    results = builders.bench(cpu_train=0.52 + 0.744, warm_cpu=0.21)  # equal medians, equal spread
    text = first_screen(results)
    assert "these trials do not show which is faster" in text
    assert "finished the whole job first" not in text and "faster on the GPU" not in text


def test_three_trials_each_say_how_many_would_tell():
    text = first_screen(builders.bench(runs=3))
    assert text.startswith("These trials cannot tell yet which device finishes the whole job first")
    assert "p = 0.10 at best" in text and "run at least 4 each for the test" in text
    assert "Only 3 cold trials per target" in text


def test_the_bound_the_gpus_own_start_up_sets_is_said():
    """Amdahl, measured: however fast a GPU trains, its whole job takes at least its own start-up. Said
    against the CPU's whole process (as the verdict gives it) where that start-up is half of it or more,
    with the backend it was measured for (a fused one starts in less); where it exceeds the CPU's whole
    job, the GPU could not have won."""
    text = first_screen(builders.bench())  # the GPU's start-up 2.86 s, the CPU's whole process 2.99 s
    assert "The CPU finished the whole job first: 2.99 s against 3.73 s" in text
    assert ("Even if it trained in no time, the GPU (H100 80GB HBM3) with plain PyTorch would still spend its "
            "start-up, 2.86 s, against the CPU's whole 2.99 s: at most 1.04× faster.") in text
    text = first_screen(builders.bench(gpu_device_init=2.0))
    assert ("The GPU (H100 80GB HBM3) with plain PyTorch spent 4.42 s on start-up alone, more than the CPU's whole "
            "2.99 s: however fast it trained, it could not have finished first.") in text
    text = first_screen(builders.bench(cpu_train=6.0))  # start-up under half the CPU's whole job: nothing said
    assert "Why: of the time inside the process" in text and "no time" not in text and "start-up alone" not in text


def test_no_steady_state_sentence_without_warm_trials():
    text = first_screen(builders.bench(warm_cpu=None, warm_gpu=None))
    assert "Once warm" not in text and "Even once warm" not in text
    assert ("No warm trials: the steady state (the training loop alone) was not measured (--warm-runs measures it; "
            "6 or more give a 95 % interval).") in text


def test_no_gpu_says_so_instead_of_guessing():
    text = first_screen(builders.bench(gpu=False))
    assert text.startswith("Only the CPU was timed")
    assert "No GPU was measured (cuda is not available: this torch (2.13.0+cpu) was built without CUDA)" in text
    assert "won" not in text and "first:" not in text
    assert "without one, no CPU-against-GPU claim can be made" in conclusions_of(builders.bench(gpu=False))


def test_a_per_step_figure_from_widely_varying_runs_carries_its_spread():
    """A notebook user's busy machine: warm runs from 0.18 to 4.8 s, and the first screen said "A training step takes
    4.03 ms" as if it were firm; the spread was only among the warnings."""
    results = builders.bench(gpu=False)
    warm = results.warm[0]
    samples = [0.18, 0.4, 0.9, 2.2, 3.9, 4.0, 4.1, 4.3, 4.8, 4.5]
    record = msgspec.structs.replace(warm.record, warm=msgspec.structs.replace(warm.record.warm,
                                                                               measurement=Measurement(samples)))
    results.warm[0] = msgspec.structs.replace(warm, record=record)
    text = first_screen(results)
    assert "A training step takes 3.95 ms" in text  # the median of 1001-step runs
    assert ("Its runs varied widely: the middle half took between 1.22 ms and 4.25 ms a step (an IQR of 77 % of "
            "the median), so the figure is loose; see the warnings.") in text
    assert "varied widely" not in first_screen(builders.bench(gpu=False))  # a firm figure is said plainly
    assert "ばらつきが大きく" in first_screen(results, "ja")


def test_a_single_ddp_target_is_never_compared_with_itself():
    results = builders.bench(gpu=False, warm_cpu=None)
    one = Target("cuda", "eager", ranks=1)
    results.cold = [msgspec.structs.replace(t, target=one) for t in results.cold]
    results.targets = [PlannedTarget(one)]
    text = markdown_of(parse_results(encode(results)))
    assert "Only the GPU with one data-parallel rank was timed" in text
    assert "is slower than" not in text and "Against the baseline" not in text


def test_an_interrupted_run_and_a_cut_sweep_say_what_they_did_not_do():
    assert "This run was stopped early by a signal (SIGTERM: a time limit" in first_screen(builders.bench(interrupted="SIGTERM"))
    sweep = builders.sweep({CPU: {500: [1e-3] * 5, 4000: [2e-3] * 5}, GPU: {500: [2e-3] * 5, 4000: [1e-3] * 5}},
                           skipped=["n=32000 on cpu/eager"])
    text = markdown_of(sweep)
    assert "One measurement was skipped when the time limit ran out." in text
    assert "No warnings" not in text and "the time limit ran out: 1 measurement(s) were skipped" in text


def test_a_crossover_is_claimed_only_between_deciding_points():
    cpu = {500: [1.0e-3, 1.01e-3, 0.99e-3, 1.0e-3, 1.02e-3], 2000: [1.5e-3, 1.52e-3, 1.49e-3, 1.5e-3, 1.51e-3],
           8000: [4e-3, 4.1e-3, 3.9e-3, 4e-3, 4.05e-3]}
    gpu = {500: [2.0e-3, 2.02e-3, 1.98e-3, 2.0e-3, 2.01e-3], 2000: [1.49e-3, 1.53e-3, 1.5e-3, 1.52e-3, 1.48e-3],
           8000: [2e-3, 2.05e-3, 1.95e-3, 2e-3, 2.02e-3]}
    text = first_screen(builders.sweep({CPU: cpu, GPU: gpu}))
    assert "lies between n = 500 and 8,000, not yet resolved" in text  # 2000 is undecided: no interpolated value
    assert "≈" not in text.split("Whole job")[0]
    gpu[2000] = [1.0e-3, 1.01e-3, 0.99e-3, 1.0e-3, 1.02e-3]  # now 2000 decides
    text = first_screen(builders.sweep({CPU: cpu, GPU: gpu}))
    assert "overtakes the CPU between the measured points n = 500 and 2,000, near" in text


def test_the_h100_sweep_no_longer_claims_an_unresolved_crossover():
    text = first_screen(load_results(H100 / "sweep" / "results.json"))
    assert "2,142" not in text and "do not locate where" in text
    assert "No GPU was measured" not in text


def test_a_better_backend_compares_like_with_like():
    results = builders.bench()
    fused = Target("cpu", "fused")
    results.warm.append(builders.warm_set(fused, 0.07))
    text = conclusions_of(results)
    assert "A better backend changes the answer too: the CPU with hand-fused kernels needs" in text and "(warm)" in text


def test_agreement_is_tied_to_the_checks():
    assert "Every measured run computed the same training" in conclusions_of(builders.bench())
    text = conclusions_of(builders.bench(gpu_scale=1.03))
    assert "computed different losses from the CPU's eager loop" in text and "left out of every figure" in text


def test_a_loss_mismatch_names_the_limit_it_broke():
    """One percent off breaks the first half's 0.001, not the 0.05 of all steps: "up to 1.0e-02 away (tolerance
    0.05)" read as a number inside its limit."""
    results = builders.bench(gpu_scale=1.01)
    text = conclusions_of(results)
    assert "off by 1.0e-02 where 0.001 was allowed" in text
    warnings = markdown_of(parse_results(encode(results)), "en")
    assert "a run's losses were up to 1.0e-02 away from the CPU's eager loop over the first half of its steps and " \
           "1.0e-02 over all (tolerances 0.001 and 0.05)" in warnings


# ----- Japanese -------------------------------------------------------------------------------------------
ALLOWED = {"mlpbench", "import", "torch", "CUDA", "GPU", "CPU", "Adam", "MLP", "eager", "fused", "JAX", "BLAS", "cuDNN",
           "Python", "NVIDIA", "Mann", "Whitney", "Benjamini", "Hochberg", "sweep", "vary", "runs", "warm", "time", "limit", "resume", "threads",
           "warmup", "trial", "timeout", "point", "backends", "bench", "compile", "dynamo", "optim", "FLOP", "MFLOP",
           "GFLOP", "TFLOP", "AMD", "EPYC", "Intel", "Xeon", "Processor", "HBM", "SIGTERM", "SIGINT", "Linux", "mkl",
           "AVX", "perf", "counter", "getrusage", "max", "memory", "allocated", "reserved", "sync", "FlopCounterMode",
           "results", "json", "html", "SHA", "all", "reduce", "Apple", "sync", "MiB", "GiB", "KiB", "PyTorch", "VmHWM"}


def english_words(text: str, data: set[str] = frozenset()) -> list[str]:
    """Latin words of four or more letters outside code, file names, ids, numbers, recorded machine
    messages (quoted 「…」), the results' own data (host and CPU names) and the allowed names."""
    text = text.replace("\\", "")
    text = re.sub(r"```.*?```", " ", text, flags=re.S)
    text = re.sub(r"`[^`]*`|<[^>]+>|\]\([^)]*\)|\(<[^>]*>\)", " ", text)
    text = re.sub(r"[\w./-]+\.(py|json|svg|c|md|html)\b|--[\w-]+|\b\w+/\w+\b|[\w.]+\(\)|\b\w+_\w+\b|「[^」]*」", " ", text)
    words = re.findall(r"[A-Za-z]{4,}", text)
    return [w for w in words if w not in ALLOWED and w.upper() not in ALLOWED and w not in data]


@pytest.mark.parametrize("results", [builders.bench(), builders.bench(gpu=False), builders.bench(runs=3, interrupted="SIGINT")],
                         ids=["gpu", "cpu", "interrupted"])
def test_the_japanese_report_holds_no_english_prose(results):
    text = markdown_of(parse_results(encode(results)), "ja")
    text = text.split('<a id="code">')[0] + text.split('<a id="results">')[1]  # the code and logs are the user's
    text = text.split('<a id="requests">')[0] + text.split('<a id="code">')[-1]  # the user's own requests name files
    data = set(re.findall(r"[A-Za-z]+", " ".join(str(v) for v in (results.env.hostname, results.env.cpu,
                                                                    results.env.git_commit))))
    assert english_words(text, data) == []


def test_every_message_has_both_languages_with_the_same_fields():
    from mlpbench.output.i18n import MESSAGES

    for key, (en, ja) in MESSAGES.items():
        assert en and ja, key
        assert sorted(re.findall(r"{(\w+)", en)) == sorted(re.findall(r"{(\w+)", ja)), key
        assert not re.search(r"[「」（）、。：]", en), key  # English punctuation in English


# ----- files ------------------------------------------------------------------------------------------------
def test_html_is_self_contained_and_in_order(tmp_path):
    path = tmp_path / "report.html"
    write_report(builders.bench(), path)
    page = path.read_text()
    assert page.count("<svg") == 4  # the first screen's phases, and phases, trials, losses among the plots
    assert "http://" not in page.replace("http://www.w3.org", "") and "https://" not in page
    assert "<script" not in page and "<link" not in page and "@import" not in page
    assert "Content-Security-Policy" in page
    order = [page.index(f'id="{a}"') for a in ("summary", "requests", "code", "logs", "env", "results", "plots",
                                                 "conclusions", "warnings")]
    assert order == sorted(order)


def test_both_formats_come_from_one_build(tmp_path, monkeypatch):
    """The bench ends with report.html and report.md: its analysis and its plots are computed once."""
    from mlpbench.output import report
    from mlpbench.output.report import content

    calls = []
    monkeypatch.setattr(content, "build", lambda *a, **k: calls.append(a) or build(*a, **k))
    written = report.write_reports(builders.bench(), [tmp_path / "r.html", tmp_path / "r.md"])
    assert len(calls) == 1 and [w[0].name for w in written] == ["r.html", "r.md"]
    verdict = first_screen(builders.bench()).split(". ")[0]
    assert verdict in (tmp_path / "r.html").read_text() and verdict in (tmp_path / "r.md").read_text()


def test_markdown_plots_sit_beside_it_whatever_its_name(tmp_path):
    path = tmp_path / "my report [v2].md"
    written = write_report(builders.bench(), path)
    assert sorted(p.name for p in written) == sorted([
        "my report [v2].md", "my report [v2]-phases.svg", "my report [v2]-phases-full.svg", "my report [v2]-trials.svg",
        "my report [v2]-loss.svg"])
    text = path.read_text()
    assert "(<my%20report%20%5Bv2%5D-phases.svg>)" in text
    for p in written:
        assert stat.S_IMODE(p.stat().st_mode) == 0o666 & ~_umask()  # the report like its plots


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_many_samples_keep_the_report_small(tmp_path):
    results = builders.bench()
    for warm in results.warm:
        m = warm.record.warm
        samples = [m.measurement.samples[i % 10] * (1 + (i % 7) / 1000) for i in range(20_000)]
        warm.record.warm = msgspec.structs.replace(m, measurement=Measurement(samples), sample_losses=[],
                                                   sample_test_losses=[])
    path = tmp_path / "report.html"
    write_report(results, path)
    assert path.stat().st_size < 10 * 2**20


HOSTILE = "<script>alert(1)</script>"


def hostile_document():
    results = builders.bench()
    results.env = msgspec.structs.replace(results.env, hostname=HOSTILE, cpu='"><img src=x onerror=alert(2)>')
    record = results.cold[0].record
    record.log.append(f"| evil | {HOSTILE} ```")
    return results


def test_hostile_strings_are_escaped(tmp_path):
    results = hostile_document()
    html_path, md_path = tmp_path / "r.html", tmp_path / "r.md"
    write_report(results, html_path)
    write_report(results, md_path)
    page = html_path.read_text()
    assert HOSTILE not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<img src=x" not in page
    md = md_path.read_text()
    outside_code = re.sub(r"(`{3,})[^\n]*\n.*?\n\1", "", md, flags=re.S)
    assert "<script>" not in outside_code and "&lt;script&gt;" in outside_code
    assert f"| evil | {HOSTILE} ```" in md  # inside a fence (of four backticks) it is literal text


@pytest.mark.parametrize("args, fragment", [
    (["missing.json"], "no such file"),
    (["results-cpu.json", "--lang", "fr"], "invalid choice: 'fr'"),
    (["results-cpu.json", "-o", "report.pdf"], "use .html or .md"),
])
def test_report_bad_input(args, fragment, tmp_path):
    (tmp_path / "results-cpu.json").write_text((DATA / "results-cpu.json").read_text())
    assert_usage_error(run_cli("report", *args, cwd=tmp_path), fragment)


def test_report_command_writes_both_formats_by_default(tmp_path):
    (tmp_path / "results.json").write_text((DATA / "results-cpu.json").read_text())
    proc = run_cli("report", str(tmp_path / "results.json"), "--lang", "ja")
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "report.html").exists() and (tmp_path / "report.md").exists()
    assert '<html lang="ja">' in (tmp_path / "report.html").read_text()


def test_a_report_shows_the_recorded_code_not_the_files_on_disk():
    results = load_results(DATA / "results-cpu.json")
    text = markdown_of(results)
    scripts = [c for c in results.code if c.role == "script"]
    assert {c.name for c in scripts} == {"three_layer_nn_pytorch.py", "three_layer_nn_pytorch_cuda.py"}
    for code in scripts:
        assert code.source.splitlines()[0] in text and code.sha256[:12] in text
    assert any(c.role == "loop" and c.name == "eager.py" for c in results.code)
    assert json.loads(encode(results))["code"]  # kept in the file itself


def test_every_interval_is_labelled_with_its_true_coverage():
    from mlpbench.output import tables
    from mlpbench.output.i18n import Texts
    from mlpbench.results.analysis import Analysis

    for runs, label in ((3, "75 %"), (5, "93.8 %"), (6, "96.9 %")):
        results = builders.bench(runs=runs)
        table = tables.cold_table(results, Analysis(results), Texts("en"))
        assert table.headers[2] == "coverage" and {row[2] for row in table.rows} == {label}, runs


def test_the_when_sentence_agrees_with_the_steady_state_one():
    """With warm trials, 'are the GPU's steps cheaper' is decided on them, as the steady-state sentence is:
    three cold trials cannot decide, and the first screen must not say both 'faster once warm' and
    'these trials do not tell the steps apart'."""
    text = first_screen(builders.bench(runs=3))
    assert "Once warm, the training loop is 1.86× faster on the GPU" in text
    assert "do not tell the training steps" not in text
    assert "are cheaper once warm, so it repays its extra one-off costs after about 5,088 steps (the cold trials' " \
           "whole time against the warm trials' saving per step)" in text
    assert "repays its extra one-off costs after about 4,345 steps (cold trials)" in first_screen(builders.bench(runs=6))


def test_the_steps_that_repay_are_never_divided_by_an_undecided_difference():
    """Cold steps of 0.515 against 0.52 s are noise (p = 0.70): dividing the one-off costs by that difference
    said "after about 101,263 steps". The warm steps' decided saving, against the cold trials' whole time (their
    first steps' extra cost among the one-offs), gives 3,800."""
    results = builders.bench(cpu_train=0.52, gpu_train=0.515, gpu_device_init=0.001)
    text = first_screen(results)
    assert "101,263" not in text and "after about 3,800 steps (the cold trials' whole time against the warm" in text
    ja = first_screen(results, "ja")
    assert "約 3,800 ステップで回収できます（コールド試行の全体時間とウォーム試行の 1 ステップあたりの短縮分から）" in ja


def test_a_break_even_never_says_ahead_where_the_cpu_finished_first():
    """Cold GPU steps dearer (1.6 s of loop against 0.5 s), warm ones cheaper: one-off costs taken against the cold
    steps but the saving from the warm ones left the cold loop's extra second nowhere, and the first screen said both
    "The CPU finished the whole job first" and "the GPU is ahead from the first step"."""
    cold = dict(builders.GPU_COLD, **{"import": 0.8})  # a copy: the builders' dicts are shared by every test
    results = builders.bench(runs=6, cpu_train=0.5, gpu_train=1.6, warm_cpu=0.5, warm_gpu=0.1, gpu_device_init=0.0)
    results.cold = [t for t in results.cold if t.target == CPU] + builders.cold_trials(
        GPU, dict(cold, train=1.6, device_init=0.0), 6, 1, 2)
    text = first_screen(results)
    assert text.startswith("The CPU finished the whole job first")
    assert "ahead from the first step" not in text and "after about 3,529 steps" in text


def test_a_scripts_training_share_is_never_claimed():
    """A script's training lies inside 'the rest of the script': the conclusions must not call it 0 %."""
    text = markdown_of(load_results(DATA / "results-cpu.json"), "en")
    assert "training 0 %" not in text
    assert "its training lies inside “the rest of the script”" in text
    assert "three\\_layer\\_nn\\_pytorch\\_cuda.py on the CPU printed 3.41 s" in text


def test_make_bench_on_a_gpu_machine_answers_with_the_users_own_scripts():
    """`make bench` times the scripts cold and the workload only warm: the whole-job answer is then the
    scripts' (each named with the device it ran on), and why comes from their phases, never '0 % training'."""
    text = first_screen(builders.make_bench(gpu_rest=0.3))
    assert text.startswith("Your script three_layer_nn_pytorch_cuda.py on the GPU (H100 80GB HBM3) finished its whole "
                           "process 1.11× faster than your script three_layer_nn_pytorch.py on the CPU (bootstrap range")
    assert "Mann-Whitney p = 0.029, 4 fresh processes each)" in text
    assert "No whole-job times were measured" not in text and "training: 0 %" not in text
    assert ("took 72 % in your script three_layer_nn_pytorch.py on the CPU (the rest of the script, its training "
            "included: 28 %)") in text
    assert "spent time on what your script three_layer_nn_pytorch.py on the CPU does not do at all: CUDA start-up (+502 ms)." in text
    assert "decidedly more time" not in text  # CUDA start-up is untested: the CPU has none to test it against
    assert "Once warm, the training loop is 1.86× faster on the GPU (H100 80GB HBM3)" in text
    assert text.count("finished its whole process") == 1  # the headline is not said twice
    undecided = first_screen(builders.make_bench())  # equal medians: the headline says the trials cannot tell
    assert undecided.startswith("Whether your script three_layer_nn_pytorch_cuda.py on the GPU (H100 80GB HBM3) or "
                                "your script three_layer_nn_pytorch.py on the CPU finishes its whole process first, "
                                "these trials do not show")


def test_make_bench_without_a_gpu_explains_with_the_scripts_phases():
    text = first_screen(builders.make_bench(gpu=False))
    assert text.startswith("Only the CPU was timed; there is no other device to compare it with. In mlpbench's own "
                           "run of the workload (not your scripts), a training step takes 390 µs (the training loop alone, timed after warm-up runs). Why: of the time inside the "
                           "process, start-up")
    assert "72 % in your script three_layer_nn_pytorch_cuda.py on the CPU" in text
    # both scripts on one device: their comparison is no device verdict, it stays with the scripts
    assert "Your scripts, run as they are:" in text and "Whether three_layer_nn_pytorch_cuda.py or" in text


def test_the_real_make_bench_explains_with_the_scripts_phases():
    """tests/data/make-bench-cpu.json is `make bench` itself on the development machine."""
    text = first_screen(load_results(DATA / "make-bench-cpu.json"))
    assert text.startswith("Only the CPU was timed; there is no other device to compare it with. In mlpbench's own "
                           "run of the workload (not your scripts), a training step takes 1.45 ms (the training loop alone, timed after warm-up runs). Why: of the time inside the "
                           "process, start-up")
    assert "took 71 % in your script three_layer_nn_pytorch.py (the rest of the script, its training included: 29 %)" in text
    # the start-up it names is what was measured: no device start-up or compiling on a CPU-only run
    assert "start-up (interpreter start, import torch, first optimizer) took 71 %" in text
    assert "the same command on a machine with an NVIDIA GPU and a CUDA build of torch makes it" in text
    assert "three_layer_nn_pytorch_cuda.py on the CPU printed 3.24 s about itself and its process took 6.16 s" in text


def test_one_device_with_several_backends_says_which_is_fastest_and_what_was_cut():
    """The H200 warm bench measured only the GPU's backends before its limit: the first screen must not
    stop at 'nothing to compare' while its table holds a 65x difference, and must say the CPU was cut."""
    from conftest import H200

    text = first_screen(load_results(H200 / "warm-bench" / "results.json"))
    assert "Only the GPU (H200) was timed; there is no other device to compare it with." in text
    assert "with hand-fused kernels a step takes 22.8 µs against 1.47 ms with plain PyTorch: 64.7× faster" in text
    assert "too few trials for a 95 % interval" in text  # 5 warm runs: a bootstrap range, not a 95 % interval
    assert "Planned but not measured before the run ended: the CPU, the CPU with hand-fused kernels." in text


def test_a_cut_sweep_names_the_points_it_has_not_measured():
    from conftest import H200

    text = first_screen(load_results(H200 / "sweep" / "results.json"))
    assert "One planned point was not measured: n = 500 on the GPU (H200)." in text
    # three warm trials a side at n = 2,000: apart, yet no test can decide them, for the whole job (derived
    # from the same samples) no more than per step: no crossover "near 2,700" as the interval rule once said
    assert "Per step, at n = 2,000: every trial of the GPU (H200) was slower than every trial of the CPU, but too few" in text
    assert "--warm-runs 4 or more could" in text and "Per step, once warm, every point is decided as for the whole job." in text
    assert "log-log interpolation" not in text


def test_a_crossover_between_points_is_given_to_two_significant_digits():
    per_step = {CPU: {500: [1e-3] * 5, 4000: [2e-3] * 5}, GPU: {500: [2.5e-3, 2.4e-3, 2.6e-3, 2.5e-3, 2.45e-3],
                                                            4000: [1e-3, 1.1e-3, 0.9e-3, 1e-3, 1.05e-3]}}
    text = first_screen(builders.sweep(per_step))
    assert "Per step, the GPU (H100 80GB HBM3) overtakes the CPU between the measured points n = 500 and 4,000, near " \
           "1,600 by log-log interpolation." in text  # 1,634 between points 8x apart: no sharper than two digits


def test_a_sweep_whose_sides_change_twice_names_no_crossover():
    noisy = [1.0, 1.02, 0.98, 1.01, 0.99]
    per_step = {CPU: {x: [1e-3 * j for j in noisy] for x in (500, 2000, 8000)},
                GPU: {500: [0.6e-3 * j for j in noisy], 2000: [1.5e-3 * j for j in noisy], 8000: [0.6e-3 * j for j in noisy]}}
    text = first_screen(builders.sweep(per_step))
    assert "and slower above it" not in text and "log-log interpolation" not in text
    assert "not timed as a whole): the GPU (H100 80GB HBM3) and the CPU change places more than once across the " \
           "measured n: the GPU (H100 80GB HBM3) is decidedly faster at n = 500, 8,000, the GPU (H100 80GB HBM3) is " \
           "decidedly slower at n = 2,000." in text
    assert "Per step, once warm, every point is decided as for the whole job." in text
    assert "No single crossover can be named" in text
    assert "2 回以上入れ替わります" in first_screen(builders.sweep(per_step), "ja")


def test_a_crossover_of_a_multiplier_is_labelled_as_the_text_gives_it():
    """The speed-up plot labelled its crossover with :,.0f, so 1.4 read "1" beside a text that says 1.4."""
    from mlpbench.output.i18n import Texts
    from mlpbench.output.report import plots
    from mlpbench.results.sweep import SweepAnalysis
    from mlpbench.stats.crossover import Crossover

    per_step = {CPU: {500: [1e-3] * 5, 4000: [2e-3] * 5}, GPU: {500: [2.5e-3, 2.4e-3, 2.6e-3, 2.5e-3, 2.45e-3],
                                                            4000: [1e-3, 1.1e-3, 0.9e-3, 1e-3, 1.05e-3]}}
    sweep = SweepAnalysis(builders.sweep(per_step))
    i = next(i for i, f in enumerate(sweep.findings) if f.kind == "steady")
    sweep.findings[i] = msgspec.structs.replace(sweep.findings[i], crossover=Crossover(
        "inside", 1, 2, value=1.4, bracket=(1.0, 2.0), direction="overtakes"))
    svg, _ = plots.sweep_speedup(sweep.results, sweep, Texts("en"))
    assert ">1.4<" in svg.replace("\n", "") or "1.4</text>" in svg, re.findall(r"<text[^>]*>[^<]*</text>", svg)[:20]


def test_a_command_in_backticks_is_code_and_stays_inert():
    """Sentences set `commands` as code; whatever is inside stays text in both formats."""
    from mlpbench.output.report import html as html_format
    from mlpbench.output.report import markdown as md_format

    sentence = "run `mlpbench sweep --vary n=500` then <b>*bold*</b> `<img src=x onerror=alert(1)>`"
    assert md_format.prose(sentence) == (r"run `mlpbench sweep --vary n=500` then &lt;b&gt;\*bold\*&lt;/b&gt; "
                                         "`<img src=x onerror=alert(1)>`")  # a code span is literal in Markdown
    out = html_format.prose(sentence)
    assert "<code>mlpbench sweep --vary n=500</code>" in out and "<img" not in out and "<b>" not in out


def test_a_value_in_a_table_is_never_broken_across_lines():
    """A narrow column broke "11.1 s [10.9 s, 11.3 s]" after "11.1 s" and "3.54 s (34 %)" before its share; a
    value and a short row label stay on one line, a long label or a sentence in a cell may still wrap."""
    from mlpbench.output.report import html as html_format
    from mlpbench.output.tables import Table

    reason = "cpu: no RAPL counter under /sys/class/powercap (a virtual machine, or a kernel without powercap)"
    page = html_format.table(Table("t", ["target", "script three_layer_nn_pytorch_cuda.py (GPU)"], [
        ["GPU H200 · cuda-graph", "11.1 s [10.9 s, 11.3 s]"], ["CPU", "p = 0.008"], ["CPU", reason],
        ["script three_layer_nn_pytorch_cuda.py (GPU)", "no difference shown"]]))
    kept = re.findall(r'<t[dh] class="nw">([^<]*)<', page)
    assert kept == ["GPU H200 · cuda-graph", "11.1 s [10.9 s, 11.3 s]", "CPU", "p = 0.008", "CPU"]
    assert f"<td>{reason}</td>" in page and "<td>no difference shown</td>" in page
    assert ".nw { white-space: nowrap; }" in html_format.STYLE.read_text()


def test_the_first_optimizers_share_is_the_phase_lists_share():
    """Phase medians need not add up to the median total; every share of a phase is then of the larger
    of the two, and the first optimizer's own sentence must quote the same share as the phase list."""
    results = builders.bench(gpu=False, warm_cpu=None)
    for trial in results.cold:  # a total under the sum of its phases, as medians of noisy phases can give
        trial.record.phases["total"] = 0.8 * sum(v for k, v in trial.record.phases.items() if k != "total")
    text = conclusions_of(results)
    listed = re.search(r"first optimizer [\d.]+ \w?s \((\d+ %)\)", text)
    alone = re.search(r"optimizer's construction alone took [\d.]+ \w?s \((\d+ %)\)", text)
    assert listed and alone and listed.group(1) == alone.group(1) == "41 %", text


def test_every_run_of_the_users_two_scripts_is_checked_against_the_first():
    """The losses each script prints say whether the CUDA script computes what the CPU one does: on the
    H200 they agree exactly through step 500 and within 1.4e-3 after; a script 2 % off in one run, or
    one later run of the first script gone astray, is called out by name and run."""
    from conftest import H200

    real = conclusions_of(load_results(H200.with_name("2026-11-27-h200-416688c") / "cold-bench" / "results.json"))
    assert ("Your two scripts computed the same training, as far as their logs show: in each of the other 2 runs of "
            "both, the losses they printed (at 11 steps) agree with those of the first run of your script "
            "three_layer_nn_pytorch.py within 0.0e+00 through the first half and 1.4e-03 overall") in real
    assert "Your scripts' losses are not checked" not in real
    assert "in each of the other 7 runs of both" in conclusions_of(load_results(DATA / "make-bench-cpu.json"))

    def one_run_off(script: str, index: int) -> str:
        results = builders.make_bench()
        trial = [t for t in results.cold if t.target.script.endswith(script)][index]
        trial.record.losses = {s: v * 1.02 for s, v in trial.record.losses.items()}
        return conclusions_of(results)

    text = one_run_off("_cuda.py", 2)  # the third run of the CUDA script only
    assert ("The losses your scripts printed differ: in 1 of the other 7 runs of both, they are off those of the first "
            "run of your script three_layer_nn_pytorch.py on the CPU by more than the tolerance (worst: your script "
            "three_layer_nn_pytorch_cuda.py on the GPU (H100 80GB HBM3), cold trial 6, by up to 2.0e-02 through the "
            "first half and 2.0e-02 overall, at 11 steps; tolerance 0.001 and 0.05, relative)") in text
    assert "Your two scripts computed the same training" not in text
    later = one_run_off("pytorch.py", 3)  # the first script's own last run
    assert "in 1 of the other 7 runs of both" in later and "(worst: your script three_layer_nn_pytorch.py on the CPU, " \
        "cold trial 7," in later


def test_the_phase_table_says_why_its_medians_do_not_add_up():
    from mlpbench.output import tables
    from mlpbench.output.i18n import Texts
    from mlpbench.results.analysis import Analysis

    results = builders.bench(gpu=False, warm_cpu=None)
    assert tables.phase_table(results, Analysis(results), Texts("en")).caption is None
    for trial in results.cold:
        trial.record.phases["total"] = 0.8 * sum(v for k, v in trial.record.phases.items() if k != "total")
    caption = tables.phase_table(results, Analysis(results), Texts("en")).caption
    assert caption and caption.startswith("For CPU, the phases' medians add up to more than the median total")


def test_no_gpu_asked_for_says_how_to_ask():
    results = builders.bench(gpu=False)
    results.targets = [t for t in results.targets if t.status == "ok"]
    text = first_screen(results)
    assert "No GPU was measured (none was asked for): no claim about the GPU can be made from this run; " \
           "--devices cpu,cuda on a machine with an NVIDIA GPU makes it." in text


def test_a_trials_panel_says_which_rows_it_leaves_empty():
    """make bench times the scripts cold and the workload warm: each panel names its empty rows."""
    from mlpbench.output.i18n import Texts
    from mlpbench.output.report import plots
    from mlpbench.results.analysis import Analysis

    results = load_results(DATA / "make-bench-cpu.json")
    svg, caption = plots.trials(results, Analysis(results), Texts("en"))
    assert caption == "plot.trials.both"
    assert svg.count(">no cold trials</text>") == 1 and svg.count(">no warm trials</text>") == 2


def test_scripts_whose_device_is_unknown_never_make_the_headline():
    """Only scripts known to have run on two different devices answer the CPU-against-GPU question."""
    results = builders.make_bench(gpu_rest=0.3)
    for trial in results.cold:
        if not trial.target.script.endswith("_cuda.py"):
            trial.record.facts, trial.record.log = {}, []  # nothing says where the CPU script ran
    text = first_screen(results)
    assert not text.startswith("Your script") and "finished its whole process 1.11× faster" in text


def test_japanese_sets_no_space_between_two_japanese_words():
    """A script's name on its device is composed of two messages: the seam must not show."""
    text = markdown_of(parse_results(encode(builders.make_bench(gpu=True))), "ja")
    assert "で実行したスクリプト" in text and "した スクリプト" not in text
    assert "CPU で実行した" in text  # a space stays between Latin and Japanese


def test_a_share_too_small_to_show_is_never_zero():
    from mlpbench.output.units import format_percent

    assert format_percent(0.00004, 1) == "< 0.1 %" and format_percent(0.004) == "< 1 %"
    assert format_percent(0.0) == "0 %" and format_percent(0.0006, 1) == "0.1 %" and format_percent(0.27) == "27 %"


def test_a_script_that_failed_is_said_failed_not_unmeasured():
    results = builders.make_bench(gpu=False)
    for trial in results.cold:
        if trial.target.script.endswith("_cuda.py"):
            trial.status, trial.record, trial.error = "failed", None, "boom"
    text = first_screen(results)
    assert "Planned but not measured" not in text and "failed" in text


def test_a_busy_machine_is_said_on_the_first_screen():
    results = builders.bench(gpu=False)
    results.env = msgspec.structs.replace(results.env, load_average=3.5, cpu_usable=2)
    text = first_screen(results)
    assert "The machine was already busy as the run began: a load average of 3.5 on 2 usable cores" in text
    assert "Rerun when the machine is quiet" in text


def test_a_small_ratio_keeps_its_digits():
    from mlpbench.output.units import format_ratio

    assert format_ratio(1 / 64.7) == "0.0155×" and format_ratio(0.98) == "0.98×" and format_ratio(64.7) == "64.7×"


def test_a_figure_just_under_a_unit_takes_the_next_unit_not_an_exponent():
    """0.9996 s printed at three digits is 1 s, not "1e+03 ms"; 1023.4 MiB is 1023 MiB, not "1.02e+03 MiB"."""
    from mlpbench.output.units import format_bytes, format_flops, format_seconds

    assert [format_seconds(v) for v in (0.9996, 999.6, 1234.5, 0.00099996, 0.1234, 5.55e-7)] == [
        "1 s", "1000 s", "1234 s", "1 ms", "123 ms", "555 ns"]
    assert format_flops(999.6e9) == "1 TFLOP/s" and format_flops(5.1e13) == "51 TFLOP/s"
    assert format_bytes(1023.9 * 2**20) == "1 GiB" and format_bytes(1023.4 * 2**20) == "1023 MiB"
    assert format_bytes(1000) == "1000 B" and format_bytes(433 * 2**20) == "433 MiB"


def test_a_measured_busy_share_replaces_the_reading_of_rates():
    """On the H200 the fused step computed 98 % of its time: 'the rest is Python, dispatch, launches' is
    said only where no profile measured the device (there, eager's)."""
    from conftest import H200

    text = conclusions_of(load_results(H200 / "warm-bench" / "results.json"))
    fused = text[text.index("The GPU (H200) with hand-fused kernels: 22.8 µs per step"):]
    assert "these two rates cannot tell which" not in fused.split("Inside one step")[0]
    assert ("reaches < 0.1 % of it; at that rate the arithmetic alone would take 270 ns. The rest of the step is what "
            "each operation costs beyond its arithmetic") in text
    # a GPU's matmul rate has no thread count (a new reader asked what "its threads" meant there)
    assert "on the same device in the same process (one measurement" in text and "its threads" not in text


def test_a_profile_of_the_cpus_step_replaces_the_reading_of_rates_and_no_reading_claims_what_two_rates_cannot():
    """A small CNN: 7 % of a large matmul's rate was read as "arithmetic accounts for little of the step", while the
    profile beside it found half the host's time in its convolutions; small convolutions run far below that rate."""
    text = conclusions_of(load_results(DATA / "results-cpu.json"))
    assert "so the step reaches 6.9 % of it; at that rate the arithmetic alone would take 111 µs. Inside" in text
    assert "of the host's time was in matrix-multiply and convolution operators" in text
    results = load_results(DATA / "results-cpu.json")
    for warm in results.warm:  # no profile (a file of an older mlpbench): the reading, and what it cannot tell
        warm.record = msgspec.structs.replace(warm.record, profile=None)
    text = conclusions_of(results)
    assert ("the rest of the step is what each operation costs beyond its arithmetic (python, dispatch, launches, "
            "memory traffic), or arithmetic running far below a large matmul's rate") in text.lower()
    assert "accounts for little" not in text


def test_a_rejected_cost_model_says_whose_fit_and_by_which_rule():
    """The H200 sweep: an R² of 0.97 reads as a good fit; the sentence says the CPU's model missed a
    point by 39 %, and the rule that rejects it."""
    from conftest import H200

    text = first_screen(load_results(H200 / "sweep" / "results.json")) + " " + markdown_of(
        load_results(H200 / "sweep" / "results.json"))
    assert ("The cost models fit the points poorly (the CPU: R² 0.97, a point up to 39 % off; the GPU (H200): R² -0.09, "
            "a point up to 21 % off; a model is used where R² ≥ 0.9 and every point lies within 25 % of it)") in text


def test_a_request_a_one_device_run_cannot_answer_says_so():
    from conftest import H200

    text = markdown_of(load_results(H200 / "warm-bench" / "results.json"))
    assert "compare the two execution times. — [not answered here: only one device was measured" in text
    assert "A CPU measurement would change this report the most: the CPU was planned, but the run ended" in text
    assert "compare the two execution times. — [answered in" in markdown_of(load_results(DATA / "make-bench-cpu.json"))


def test_the_first_screen_says_how_long_the_gpu_computed_in_a_step_where_it_was_measured():
    from mlpbench.results.model import StepProfile

    results = builders.bench()
    warm = next(w for w in results.warm if w.target == GPU)
    profile = StepProfile(steps=5, profiled_step_s=2e-3, ops_per_step=60, kernels_per_step=41, device_busy_s=90e-6,
                          mean_kernel_gap_s=30e-6, host_self_s=1.2e-3, matmul_s=2e-4)
    warm.record = msgspec.structs.replace(warm.record, profile=profile)
    why = first_screen(results).split("Why:")[1]
    assert "Inside one step (the GPU (H100 80GB HBM3), profiled after the timed trials): the device computed for " \
           "90 µs of each 210 µs step (43 %); the rest of the time it waited for the host" in why and "41 kernels" in why
    # the gap is the profiler's: with the step it stretched beside it (an H200 reader multiplied 36 kernels by a 78.4 µs
    # gap and found twice the 1.38 ms step)
    assert "(under the profiler, which stretched the step to 2 ms, the mean gap between kernels was 30 µs)" in why
    assert "Inside one step" not in first_screen(builders.bench())  # nothing measured, nothing said


def test_a_device_busy_for_the_whole_step_is_not_said_to_compute_more_than_it():
    """JAX on the H200: 35.8 µs of kernels under the profiler against a 35.4 µs step timed without it. The
    report said "(101 %)"; it now says the device computed through the whole step and shows at most 100 %."""
    from mlpbench.results.model import StepProfile

    results = builders.bench()
    warm = next(w for w in results.warm if w.target == GPU)
    profile = StepProfile(steps=5, profiled_step_s=230e-6, ops_per_step=0, kernels_per_step=2, device_busy_s=214e-6,
                          mean_kernel_gap_s=1e-6, host_self_s=20e-6, matmul_s=0.0)
    warm.record = msgspec.structs.replace(warm.record, profile=profile)
    why = first_screen(results).split("Why:")[1]
    assert "the device computed throughout the step, its 2 kernels a step taking 214 µs under the profiler " \
           "against the 210 µs a step timed without it: the step waits on the device's own work" in why
    assert "102 %" not in why and "%)" not in why.split("Inside one step")[1].split(".")[0]
    text = markdown_of(results)
    row = next(line for line in text.splitlines() if line.startswith("| GPU") and "214 µs" in line)
    assert "| 100 % |" in row and "102" not in row
    assert "デバイスはステップの間ずっと計算していました" in first_screen(results, lang="ja")
    warm.record = msgspec.structs.replace(warm.record, profile=msgspec.structs.replace(profile, device_busy_s=205e-6))
    why = first_screen(results).split("Why:")[1]  # 98 %: nearly all of it, said with its share
    assert "the device computed for 205 µs of each 210 µs step (98 %), running 2 kernels a step: the step waits on " \
           "the device's own work" in why


def test_the_loss_plot_measures_differences_as_the_checks_do():
    """Late in training the loss nears zero: the plot, like the checks, measures against 1 % of the first loss."""
    from mlpbench.output.report.plots import loss_differences

    reference = {0: 10.0, 100: 0.01}
    found = loss_differences(reference, [(0, 10.1), (100, 0.02), (200, 5.0)])
    assert [s for s, _ in found] == [0, 100] and [d for _, d in found] == pytest.approx([0.01, 0.1])  # not 1.0


@pytest.mark.parametrize("two_ranks, reading", [
    (0.21, "At this size more ranks pay."),  # 0.39 → 0.21 s: decided, 1.86× on 2 ranks
    (0.39, "These trials do not show that more ranks make the loop faster at this size."),  # 1.00×: efficiency 50 %
    (0.50, "By the rule, more ranks made the loop slower at this size.")])
def test_more_ranks_pay_only_where_the_rule_says_they_are_faster(two_ranks, reading):
    """On 2 ranks an efficiency of 50 % is no speed-up at all: "more ranks pay" needs the rule's "faster"."""
    from mlpbench.output.i18n import Texts
    from mlpbench.output.report.conclusions import scaling
    from mlpbench.results.analysis import Analysis

    one, two = Target("cpu", "eager", ranks=1), Target("cpu", "eager", ranks=2)
    results = builders.bench(gpu=False, warm_cpu=None)
    results.warm = [builders.warm_set(one, 0.39), builders.warm_set(two, two_ranks * 1.001)]
    results.targets = [PlannedTarget(one), PlannedTarget(two)]
    for lang in ("en", "ja"):
        text = " ".join(scaling(Analysis(results), Texts(lang)))
        assert text.count("。" if lang == "ja" else ". ") >= 1
        if lang == "en":
            assert text.endswith(reading), text
            assert ("more ranks pay" in text) == (two_ranks == 0.21)


def test_a_stopped_run_is_not_told_to_ask_for_the_trials_it_asked_for():
    """A bench planned with 6 trials and stopped after 2 said "(--runs 6)": the flag it had already given."""
    stopped = builders.bench(runs=2, interrupted="SIGINT")
    stopped.plan.runs = 6
    assert "run at least 4 each for the test and 6 for 95 % intervals (--runs 6 asked for them, but the run was " \
           "stopped first: run it again)." in first_screen(stopped)
    asked_two = builders.bench(runs=2)
    asked_two.plan.runs = 2
    assert "6 for 95 % intervals (--runs 6)." in first_screen(asked_two)
    assert "（--runs 6 を指定しましたが、実行がその前に止められました。再実行してください）" in first_screen(stopped, "ja")


def test_a_device_whose_runs_all_computed_other_losses_is_said_left_out_not_unmeasured():
    """Every GPU run 1 % off: the first screen said "Only the CPU was measured", "Planned but not measured: the GPU"
    and "No GPU was measured (none was asked for)", all three false."""
    text = first_screen(builders.bench(gpu_scale=1.01))
    assert text.startswith("The runs of the GPU (H100 80GB HBM3) were measured, but every one computed other losses than "
                           "the CPU's eager loop (its first run, the reference): no figure includes them")
    assert "Of what is left, the CPU ran the whole job in 2.99 s (median of 6 fresh processes)." in text
    for false in ("Only the CPU was timed", "Planned but not measured", "No GPU was measured"):
        assert false not in text
    assert "17 measured runs of the GPU (H100 80GB HBM3) computed losses outside the tolerance" in text


def test_a_script_that_failed_every_time_is_in_the_log_the_table_and_one_warning():
    """A new user's three scripts, two failing: the logs said "No run finished", the cold table left the failed
    ones out, the headline said "Only your script silent.py was measured", and each trial's warning repeated."""
    results = builders.make_bench(gpu=False)
    for trial in results.cold:
        if trial.target.script.endswith("_cuda.py"):
            trial.status, trial.record, trial.error, trial.returncode = "failed", None, "exit status 3: boom", 3
            trial.stderr_tail = "Traceback (most recent call last):\nRuntimeError: boom at step 50"
    assert first_screen(results).startswith("Every run of your script three_layer_nn_pytorch_cuda.py failed (see the "
                                            "warnings).")
    text = markdown_of(parse_results(encode(results)), "en")
    logs = text[text.index("## The log"):text.index("## Environment")]
    assert "**script three\\_layer\\_nn\\_pytorch\\_cuda.py: failed (exit status 3: boom); its output and the end of " \
           "its stderr**" in logs and "RuntimeError: boom at step 50" in logs
    assert "| script three\\_layer\\_nn\\_pytorch\\_cuda.py | – | – | – | – | – | 0 | 4 |" in text
    warnings = [line for line in text.splitlines() if "exit status 3: boom" in line and line.startswith("- ")
                and "Advice:" in line]
    assert len(warnings) == 1 and warnings[0].endswith("(4 runs alike)")
    assert "- 4 runs failed (script three\\_layer\\_nn\\_pytorch\\_cuda.py: exit status 3: boom); see the warnings." \
        in text  # the first screen names it once, too


def test_a_script_that_printed_nothing_has_a_log_that_says_so():
    results = builders.make_bench(gpu=False)
    for trial in results.cold:
        trial.record.log = []
    logs = markdown_of(parse_results(encode(results)), "en")
    assert "No run finished" not in logs and logs.count("(it printed nothing)") == 2


def test_a_report_of_scripts_alone_recommends_no_command_that_refuses_scripts():
    """`bench --backends all` and `sweep` refuse --script: a scripts-only report recommended both."""
    results = builders.make_bench(gpu=False)
    results.warm = []
    results.targets = [t for t in results.targets if t.target.is_script]
    text = conclusions_of(results)
    assert "--backends all" not in text and "mlpbench sweep measures" not in text
    assert "`mlpbench sweep --workload FILE.py` measures whether, and where, the GPU starts to win" in text


def test_a_run_whose_threads_were_pinned_is_not_told_to_pin_them_and_threads_that_differ_are_shown():
    from mlpbench.output.i18n import Texts
    from mlpbench.output.words import advice

    results, T = builders.bench(gpu=False), Texts("en")
    assert "--threads" in advice("high_variance", results, T) and "--threads" in advice("busy_now", results, T)
    results.plan.threads = 1
    assert [advice(code, results, T) for code in ("high_variance", "busy", "busy_now", "cold_warm_apart")] == [
        "close other programs, or add trials", "rerun when the machine is quiet", "rerun when the machine is quiet",
        "rerun on a quiet machine; with few steps, add --steps"]
    env = markdown_of(results, "en").split("## Environment")[1]
    assert "| torch threads | 2 |" in env  # every run on the machine's default
    results = builders.bench()
    for trial in (*results.cold, *results.warm):  # runs on another count (a script that sets its own)
        trial.record.threads = 1 if trial.target == CPU else 2
    env = markdown_of(results, "en").split("## Environment")[1]
    assert "| torch threads | 2 by default here; the runs used CPU: 1, GPU H100 80GB HBM3: 2 |" in env
    results.env = msgspec.structs.replace(results.env, torch_threads=None)  # not recorded (an older file)
    assert "| torch threads | not recorded by default here; the runs used CPU: 1" in markdown_of(results, "en")
    busy = builders.bench(gpu=False)
    busy.plan.threads = busy.env.cpu_usable  # every core pinned on a busy machine: fewer threads still help
    assert "pin --threads below the free cores" in advice("busy", busy, T)


def test_a_tests_trial_counts_are_each_sides_own():
    """'3 warm runs each' where the tuned loop had run 22 (the smaller count, said of both)."""
    from mlpbench.output.i18n import Texts
    from mlpbench.output.report.verdict import _interval
    from mlpbench.stats.compare import compare

    c = compare([0.132 * (1 + i / 100) for i in range(22)], [0.235, 0.236, 0.237])
    assert "Mann-Whitney" in _interval(c, Texts("en"), warm=True) and "22 and 3 warm runs" in _interval(
        c, Texts("en"), warm=True)
    assert "ウォーム試行それぞれ 22 回と 3 回" in _interval(c, Texts("ja"), warm=True)
    same = compare([0.1, 0.11, 0.12], [0.2, 0.21, 0.22])
    assert "3 fresh processes each" in _interval(same, Texts("en"))


def test_one_trial_is_one_trial():
    """"With 1 trials each" (the H200's cold bench)."""
    from mlpbench.output.i18n import Texts

    T = Texts("en")
    assert T("scripts.too_few", n=1, p_min="1.00", need=4, how="--runs 4").startswith("With 1 trial each")
    assert "with 1 cold trial each" in T("concl.loop_too_few", n=1, gpu="g", cpu="c", gpu_step="1", cpu_step="2", need=4)
    assert T("verdict.runs", n=1) == "1 fresh process each" and T("verdict.runs_warm", n=2) == "2 warm runs each"


def test_a_data_parallel_report_suggests_no_command_that_drops_its_ranks():
    """`bench --backends all` refuses --nproc, and a size sweep of one process is not the job that ran."""
    from conftest import H100

    text = conclusions_of(load_results(H100 / "nccl" / "results.json"))
    assert "--backends all" not in text and "mlpbench sweep" not in text


def test_the_advice_of_a_workloads_report_runs_the_same_workload_and_settings():
    """`mlpbench bench --backends all` and `mlpbench sweep`, pasted from a workload file's report, ran the built-in
    MLP."""
    results = builders.bench(gpu=False)
    results.config = WorkloadConfig(workload="my_cnn.py", n=1024, steps=100, batch_size=64)
    text = conclusions_of(results)
    # the backends that can run a workload file on a CPU, not "all" (the fused kernels and JAX re-implement the
    # built-in MLP, the CUDA graph needs CUDA)
    assert ("`mlpbench bench --workload my_cnn.py --devices cpu --n 1024 --steps 100 --batch-size 64 --backends "
            "eager,tuned,compile` shows how fast each device can go") in text
    assert "`mlpbench sweep --workload my_cnn.py --steps 100 --batch-size 64 --vary n=500," in text


def test_a_backend_faster_on_the_threads_it_chose_says_that_the_count_alone_may_be_the_gain():
    """A CNN on a busy 2-core machine: tuned 9.69× faster than eager, on 1 thread against 2, and the report said only
    that "a better backend changes the answer"."""
    results = builders.bench(gpu=False)
    tuned = Target("cpu", "tuned")
    fast = builders.warm_set(tuned, 0.039)
    record = msgspec.structs.replace(fast.record, threads=1, facts={"thread_probe_s": {"1": 0.02, "2": 0.1}})
    results.warm.append(msgspec.structs.replace(fast, record=record))
    results.targets.append(PlannedTarget(tuned))
    text = conclusions_of(results)
    assert ("A better backend changes the answer too: the CPU with tuned PyTorch needs 39 µs a step (warm), 10.0× faster "
            "than the CPU. It chose 1 thread(s) by timing a few steps (1 ran 5.00× faster than 2), and the CPU ran on 2: "
            "the thread count alone may be much of the difference, which this comparison cannot separate; "
            "`mlpbench bench --devices cpu --threads 1` measures the eager loop on 1.") in text
    # the probe's timing of eager's own count, not of its slowest: 1, 2 and 4 threads probed, eager on 2
    probed = msgspec.structs.replace(record, facts={"thread_probe_s": {"1": 0.02, "2": 0.05, "4": 0.2}})
    results.warm[-1] = msgspec.structs.replace(fast, record=probed)
    assert "(1 ran 2.50× faster than 2), and the CPU ran on 2" in conclusions_of(results)
    same = msgspec.structs.replace(record, threads=2)  # the same count as eager's: nothing to say
    results.warm[-1] = msgspec.structs.replace(fast, record=same)
    assert "thread count alone" not in conclusions_of(results)


def test_the_advice_measures_as_much_as_the_run_did_and_sweeps_sizes_that_can_finish():
    """A CNN's report advised `bench --backends all` without the --runs and --warm-runs given (pasted, it ran the
    defaults: minutes more), and a sweep to n = 128,000 at 161 ms a step, beside its --n 200."""
    results = builders.bench(gpu=False, warm_cpu=20.0)  # 20 ms a step
    results.config = WorkloadConfig(workload="my_cnn.py", n=200, steps=30)
    results.plan = msgspec.structs.replace(results.plan, runs=2, warm_runs=3, warm_time=3.0)
    slow = msgspec.structs.replace(results.warm[0].record, matmul_flops_per_s=1e9)  # a slow matmul: 13.7 MFLOP a step
    results.warm[0] = msgspec.structs.replace(results.warm[0], record=slow)
    text = conclusions_of(results)
    assert ("`mlpbench bench --workload my_cnn.py --devices cpu --n 200 --steps 30 --runs 2 --warm-runs 3 --warm-time 3 "
            "--backends eager,tuned,compile`") in text
    # n = 32,000 needs at least 2.2 s a step at the matmul rate, 30 steps in 7 runs: beyond half the point timeout.
    # The one-off runs then measure start-up at the default n = 500, a swept size, not at --n 200 beside them.
    assert "`mlpbench sweep --workload my_cnn.py --steps 30 --vary n=500,2000,8000`" in text
    no_rate = msgspec.structs.replace(slow, matmul_flops_per_s=None)  # nothing to estimate with: nothing left out
    results.warm[0] = msgspec.structs.replace(results.warm[0], record=no_rate)
    assert "--vary n=500,2000,8000,32000,128000`" in conclusions_of(results)


def test_a_script_set_against_another_models_job_says_they_may_compute_different_things():
    from mlpbench.output.i18n import Texts
    from mlpbench.output.tables import comparison_table
    from mlpbench.results.analysis import Analysis

    results = builders.make_bench(gpu=False)
    results.cold += builders.cold_trials(CPU, builders.CPU_COLD, 4, 100, 1)  # the job cold too: scripts set against it
    seed = comparison_table(results, Analysis(results), Texts("en")).caption
    assert "a script is set against" not in seed  # the seed's scripts compute exactly the built-in job
    results.config = msgspec.structs.replace(results.config, workload="/home/me/my_workload.py")
    caption = comparison_table(results, Analysis(results), Texts("en")).caption
    assert "a script is set against mlpbench's own job of my_workload.py: they compute the same training only where " \
           "the script trains what that file defines" in caption


def test_two_scripts_alone_are_the_headline_and_too_few_say_how_many():
    """`bench --script "train.py --epochs 2" --script "train.py --epochs 4" --runs 3` said "Only your script
    train.py --epochs 2 was measured", and never that 3 against 3 cannot show a difference."""
    results = builders.make_bench(gpu=False, runs=3)
    results.warm, results.plan.runs, results.plan.script_runs = [], 0, 3
    results.targets = [t for t in results.targets if t.target.is_script]
    text = first_screen(results)
    assert text.startswith("Whether your script three_layer_nn_pytorch_cuda.py on the CPU or your script "
                           "three_layer_nn_pytorch.py on the CPU finishes its whole process first, these trials do not show")
    assert "With 3 trials each no difference could be shown whatever they gave (p = 0.10 at best): run at least 4 " \
           "each (--script-runs 4)." in text
    assert "was measured" not in text and text.count("finishes its whole process first") == 1


def test_the_command_shown_can_be_pasted_back_and_a_failure_warned_once(capsys):
    """`--script "train.py --epochs 2"` was shown unquoted (pasted back, --epochs is bench's flag), and the
    terminal repeated a script's identical failure once per trial."""
    from mlpbench.output.console import print_notices
    from mlpbench.output.i18n import Texts
    from mlpbench.results.analysis import Analysis

    results = builders.make_bench(gpu=False)
    results.env = msgspec.structs.replace(results.env, argv=["bench", "--script", "train.py --epochs 2", "--runs", "3"])
    assert "| command | bench --script 'train.py --epochs 2' --runs 3 |" in markdown_of(results).replace("\\_", "_")
    for trial in results.cold:
        if trial.target.script.endswith("_cuda.py"):
            trial.status, trial.record, trial.error, trial.returncode = "failed", None, "exit status 3: boom", 3
    print_notices(results, Analysis(results), Texts("en"))
    warned = [line for line in capsys.readouterr().out.splitlines() if "boom" in line]
    assert len(warned) == 1 and warned[0].endswith("(4 runs alike)")


@pytest.mark.parametrize("tuned_step, said", [
    (0.30, "Among its backends, with tuned PyTorch a step takes 300 µs against 390 µs with plain PyTorch: 1.30× faster"),
    (0.60, "No other backend was faster than plain PyTorch: with tuned PyTorch a step takes 599 µs against 390 µs with "
           "plain PyTorch, 1.54× slower (95 % interval of the time ratio 1.51×–1.57×")])
def test_a_second_backend_on_the_one_device_is_compared_whichever_is_faster(tuned_step, said):
    """--backends eager,tuned on the CPU alone: where tuned was the slower, the first screen said only "Only the
    CPU was measured" and nothing about tuned."""
    results = builders.bench(gpu=False)
    tuned = Target("cpu", "tuned")
    results.targets.append(PlannedTarget(tuned))
    results.warm.append(builders.warm_set(tuned, tuned_step))
    text = first_screen(results)
    assert said in text, text


def test_a_failed_run_is_named_with_its_error_on_the_first_screen():
    """A bench whose workload failed in training said "One run failed; see the warnings", and "Scripts run only as
    a whole" of a bench without scripts (every run failed: no target was left, and all([]) is true)."""
    from mlpbench.output.i18n import Texts
    from mlpbench.output.report.verdict import first_screen
    from mlpbench.results.analysis import Analysis

    results = builders.bench(gpu=False, warm_cpu=None)
    results.cold = [msgspec.structs.replace(t, status="failed", record=None, error="RuntimeError: boom in forward")
                    for t in results.cold]
    text = " ".join(first_screen(results, Analysis(results), Texts("en")).sentences())
    assert "6 runs failed (CPU: RuntimeError: boom in forward); see the warnings." in text
    assert "Scripts run only as a whole" not in text and "None of your scripts" not in text


def test_a_share_just_short_of_the_whole_is_not_shown_as_all_of_it():
    from mlpbench.output.units import format_percent

    assert [format_percent(v) for v in (35.3 / 35.4, 0.9996, 1.0, 1.2, 0.5, 0.0004)] == [
        "99.7 %", "99.96 %", "100 %", "120 %", "50 %", "< 1 %"]
    assert format_percent(0.99996, 1) == "99.996 %" and format_percent(0.999999) == "100.000 %"  # three decimals at most


def test_the_loss_plot_measures_against_the_checks_reference():
    """A GPU-only bench (the H200's of 11a96d9): its plot measured every curve against the GPU's, while the checks'
    table beside it measured against the CPU's eager loop, which had run untimed as the reference; a new reader
    found 4e-3 on the plot and 2.7e-3 in the table for the same run. Both now use the reference."""
    from mlpbench.output.report import plots
    from mlpbench.results.analysis import Analysis

    results = load_results(ROOT / "results/gpu/2026-11-28-h200-11a96d9/warm-bench/results.json")
    a = Analysis(results)
    reference, drawn_as, is_reference = plots.loss_reference(results, a)
    assert is_reference and drawn_as is None and reference[0] == pytest.approx(results.references[0].losses[0])
    assert "relative difference to the CPU's eager loop (bottom), the reference every run is checked against" in \
        markdown_of(results)
    both = builders.bench()  # the CPU's eager loop timed: its own curve is the reference, not drawn below
    assert plots.loss_reference(both, Analysis(both))[1:] == (CPU, True)
