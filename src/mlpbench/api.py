"""The whole pipeline, for the command line and for notebooks: workload -> measure -> results.

    import mlpbench
    result = mlpbench.bench("my_workload.py", devices=("cpu", "cuda"), runs=6)
    print(result.summary())
    result.report("report.html")

``workload`` is the built-in MLP (None), a workload file, a module, or any object with
``build_model`` and ``make_data``. A file or module runs in fresh processes (cold trials, warm
trials) like ``mlpbench bench``; an object that lives only in this interpreter cannot be re-created
in a fresh process, so it gets warm trials here, one target after another, and the results say so.
"""

from __future__ import annotations

import difflib
import functools
import inspect
import os
import re
import tempfile
from pathlib import Path
from types import ModuleType
from typing import Any, Iterable, Mapping, Sequence

import msgspec

from mlpbench.errors import UsageError, from_command_line
from mlpbench.measure.children import Progress
from mlpbench.results.model import BenchPlan, Code, PlannedTarget, Results, SweepPlan
from mlpbench.workload.config import BUILTIN_WORD, WorkloadConfig


def in_api_words(aliases: dict[str, str] | None = None):
    """A UsageError raised inside a notebook call names the call's keywords, not the command line's flags
    (``--runs, --warm-runs ... cannot be negative`` -> ``runs, warm_runs ... cannot be negative``)."""
    def wrap(fn):
        known = keywords(fn)

        @functools.wraps(fn)
        def call(*args, **kwargs):
            check_keywords(fn.__name__, kwargs, known)
            try:
                return fn(*args, **kwargs)
            except UsageError as err:
                if from_command_line():
                    raise
                from mlpbench.output.i18n import ALIASES, as_python

                # the user's own words stay as they are (a path or name passed in, an exception their code raised)
                # where they hold what would be rewritten
                keep = [k for k in (*_strings((args, list(kwargs.values()))),
                                    *re.findall(r"\b[A-Z]\w*(?:Error|Exception): .*$", str(err)))
                        if "--" in k or "mlpbench" in k]
                words = as_python(str(err), ALIASES if aliases is None else aliases, keep=keep)
                raise type(err)(words) from None
        return call
    return wrap


def keywords(fn) -> list[str] | None:
    """The keywords a call takes: its own and, where it takes ``**options``, the workload's settings;
    None where Python checks them itself (no ``**options``)."""
    parameters = inspect.signature(fn).parameters.values()
    if not any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters):
        return None
    own = [p.name for p in parameters if p.kind in (p.KEYWORD_ONLY, p.POSITIONAL_OR_KEYWORD)]
    return own + [name for name in WorkloadConfig.__struct_fields__ if name not in own]


def check_keywords(call: str, kwargs: dict[str, Any], known: list[str] | None) -> None:
    """A misspelt keyword is one line naming the nearest one (``devices=`` to ``run``: "did you mean device?")."""
    for name in kwargs:
        if known is not None and name not in known:
            near = difflib.get_close_matches(name, known, n=1)
            raise UsageError(f"{call}() takes no keyword {name!r}" + (f"; did you mean {near[0]}=?" if near else ""))


def _strings(value: Any) -> list[str]:
    """Every string among a call's arguments (in lists, tuples and dicts too), paths as strings."""
    if isinstance(value, (str, os.PathLike)):
        return [str(value)]
    if isinstance(value, dict):
        return [s for item in value.items() for s in _strings(item)]
    if isinstance(value, (list, tuple)):
        return [s for item in value for s in _strings(item)]
    return []


class Quiet:
    """A progress display that shows nothing."""

    def start(self, total: int) -> None: ...
    def update(self, description: str) -> None: ...
    def advance(self, line: str) -> None: ...
    def stop(self) -> None: ...


class BenchResults:
    """A finished bench or sweep: the typed results, what they show, and how to keep them."""

    def __init__(self, results: Results, path: Path | None = None, stopped_by: str | None = None) -> None:
        self.results = results
        self.path = path
        self.stopped_by = stopped_by

    @functools.cached_property
    def analysis(self):
        from mlpbench.results.analysis import Analysis

        return Analysis(self.results)

    def summary(self, lang: str = "en") -> str:
        """The verdict in a few sentences: who finished first and by how much, why, and from what size; its advice
        in this API's words (``warm_runs=6``, not the command line's ``--warm-runs 6``)."""
        from mlpbench.output.report.verdict import first_screen
        from mlpbench.output.i18n import Texts

        return "\n".join(first_screen(self.results, self.analysis, Texts(lang, python=True)).sentences())

    def to_json(self, path: str | os.PathLike[str]) -> Path:
        from mlpbench.results.files import write_model

        if not isinstance(path, (str, os.PathLike)):
            raise UsageError(f"to_json({_shown(path)}): expected a file's path")
        try:
            write_model(path, self.results)
        except OSError as err:  # named as given, not as the temporary file it is written through
            raise UsageError(f"cannot write {path} ({err.strerror})") from None
        return Path(path)

    def report(self, path: str | os.PathLike[str] = "report.html", lang: str = "en", python: bool = True) -> list[Path]:
        """The report in the format of ``path``'s suffix (.html or .md); returns the files written. Its advice
        is in this API's words (``warm_runs=6``); ``python=False`` gives the command line's (``--warm-runs 6``)."""
        return self.reports([path], lang, python)[0]

    def reports(self, paths: Sequence[str | os.PathLike[str]], lang: str = "en", python: bool = True) -> list[list[Path]]:
        """Several formats drawn from one analysis and one set of plots."""
        from mlpbench.output.report import write_reports

        return write_reports(self.results, list(paths), lang, self.analysis, python)

    def figures(self) -> list[dict[str, Any]]:
        """Every measured figure as a plain row (``pandas.DataFrame(result.figures())`` makes a table of them):
        target, mode ("cold": a fresh process per trial; "warm": the training loop repeated), phase ("wall",
        "total", "train", "import", ...), the median and its interval in seconds, its coverage, and n; kept
        runs only (those whose losses failed their check are left out, as everywhere). A sweep adds one row
        per point and target, after the one-off runs' phase rows: mode "sweep", phase "per_step", the point
        ("n=2000") and each of its values (``point_n``, ``point_batch``, ...), the time per step, the whole job
        derived there (``whole_job_s`` and its interval: the report's "whole job"), and the point's status (failed
        points too, without figures)."""
        from mlpbench.output.words import Namer
        from mlpbench.output.i18n import Texts

        name = Namer(self.results, Texts("en"))
        rows = []
        for (target, mode, phase), m in self.analysis.measurements.items():
            rows.append({"target": target.key, "label": name.label(target), "mode": mode, "phase": phase,
                         **_figures(m)})
        if self.results.kind == "sweep":
            from mlpbench.results.model import point_label
            from mlpbench.results.sweep import SweepAnalysis

            for row in SweepAnalysis(self.results, self.analysis).rows:
                whole = row.end_to_end or (None, None, None)
                rows.append({"target": row.target.key, "label": name.label(row.target), "mode": "sweep",
                             "phase": "per_step", "point": point_label(row.point),
                             **{f"point_{k}": v for k, v in row.point.items()}, "status": row.status,
                             **_figures(row.per_step), "whole_job_s": whole[0], "whole_job_low_s": whole[1],
                             "whole_job_high_s": whole[2]})
        return rows

    def _repr_markdown_(self) -> str:  # a notebook shows the verdict
        return self.summary()

    def __repr__(self) -> str:
        targets = {t.key for t in self.analysis.targets}
        return (f"<BenchResults {self.results.kind}: {len(self.results.cold)} cold, {len(self.results.warm)} warm, "
                f"{len(self.results.points)} points; targets {', '.join(sorted(targets)) or 'none'}; "
                f".summary(), .figures(), .report(path)>")


def _figures(m) -> dict[str, Any]:
    """A measurement's median, interval (where there are two samples or more), coverage and n; None's without one."""
    if m is None:
        return {"median_s": None, "low_s": None, "high_s": None, "coverage": None, "n": 0}
    low, high = m.stats.ci if m.stats.n > 1 else (None, None)
    coverage = m.stats.ci_coverage if m.stats.n > 1 else None
    return {"median_s": m.median, "low_s": low, "high_s": high, "coverage": coverage, "n": m.stats.n}


def names(value: str | Sequence[str], keyword: str = "devices") -> list[str]:
    """Devices or backends as a sequence, or as the command line takes them: "cpu,cuda" (a string is never
    taken letter by letter)."""
    items = value.split(",") if isinstance(value, str) else _items(value)
    if items is None or not all(isinstance(s, str) for s in items):
        raise UsageError(f"{keyword}={_shown(value)}: expected names, such as \"cpu,cuda\" or [\"cpu\", \"cuda\"]")
    return list(dict.fromkeys(s.strip() for s in items if s.strip()))


def _items(value: Any) -> list[Any] | None:
    """A list, a tuple, a dict's keys, a numpy array, a generator: its items (None for one value, or a mapping)."""
    if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, Iterable):
        return None
    return list(value)


def paths(value: str | os.PathLike[str] | Sequence[str | os.PathLike[str]]) -> list[str]:
    """Scripts as a sequence, or one path alone (never taken letter by letter)."""
    if isinstance(value, (str, os.PathLike)):
        return [str(value)]
    items = _items(value)
    if items is None or not all(isinstance(v, (str, os.PathLike)) for v in items):
        raise UsageError(f"scripts={_shown(value)}: expected a path, or a list of them")
    return [str(v) for v in items]


def backend_names(value: str | Sequence[str]) -> list[str]:
    """``names``, with "all" for every backend, as ``--backends`` takes it."""
    from mlpbench.workload import backends

    return backends.expand(value) if isinstance(value, str) else names(value, "backends")


def _plain(value: Any) -> Any:
    """numpy's scalars (an int64, a bool_) as Python's own; anything else as it is."""
    return value.item() if hasattr(value, "item") and callable(value.item) else value


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:56] + "…"


def typed(plan: Any) -> Any:
    """A plan built from the API's keywords, with each of the type its field takes: runs="6" or warm_time=None was
    a TypeError from deep inside ("'<' not supported between 'int' and 'str'"). The command line's parser
    typed them already."""
    def plain(value: Any) -> Any:  # numpy's numbers, as they are written
        if _plain(value) is value:
            raise TypeError(f"{type(value).__name__} is not a number")
        return _plain(value)

    try:
        return msgspec.convert(msgspec.to_builtins(plan, enc_hook=plain), type(plan))
    except TypeError as err:
        raise UsageError(f"a setting of the wrong type: {err}") from None
    except msgspec.ValidationError as err:
        found = re.search(r"at `\$\.(\w+)", str(err))
        name = found.group(1) if found else "a setting"
        wanted = str(err).split(" - at ")[0].replace("`", "").replace("null", "None").replace("Expected", "expected")
        raise UsageError(f"{name}={_shown(getattr(plan, name, None))}: {wanted}") from None


def check_call(out: Any = None, progress: Any = None, **switches: Any) -> None:
    """The API's other keywords, each of its type: ``out`` a path, ``progress`` a display, the switches True or
    False (resume="no" resumed: a string is true)."""
    if out is not None and not isinstance(out, (str, os.PathLike)):
        raise UsageError(f"out={_shown(out)}: expected a folder's path")
    if progress not in (None, False) and not all(callable(getattr(progress, m, None))
                                                 for m in ("start", "update", "advance", "stop")):
        raise UsageError(f"progress={_shown(progress)}: expected an object with start, update, advance and stop")
    for name, value in switches.items():
        if not isinstance(_plain(value), bool):  # numpy's bool_ too
            raise UsageError(f"{name}={_shown(value)}: expected True or False")


# ----- the workload ----------------------------------------------------------------------------------------
def resolve_workload(workload: Any, options: dict[str, Any]) -> tuple[WorkloadConfig, Any]:
    """A configuration and, for an object that lives only here, the loaded workload itself."""
    def config(path: str | None) -> WorkloadConfig:
        return WorkloadConfig.from_call(path, options).validate().check_mlp_settings()

    if workload is None or isinstance(workload, (str, os.PathLike)):
        return config(None if workload is None or str(workload) == BUILTIN_WORD else str(workload)), None
    if isinstance(workload, ModuleType) and getattr(workload, "__file__", None):
        return config(workload.__file__), None
    from mlpbench.workload.contract import Source, from_namespace

    name = getattr(workload, "__name__", type(workload).__name__)
    try:
        text = inspect.getsource(workload if inspect.isclass(workload) or isinstance(workload, ModuleType)
                                 else type(workload))
        source = Source(f"<{name}>", text)
    except (OSError, TypeError):
        source = None
    return config(f"<{name}>"), from_namespace(name, workload, source)


def check_workload_file(config: WorkloadConfig) -> None:
    """A workload file that cannot be read or parsed is one line before anything heavy is imported."""
    if config.workload is not None and not config.workload.startswith("<"):
        from mlpbench.workload.contract import parse, read_source

        parse(read_source(config.workload))


def prepare(config: WorkloadConfig, loaded: Any = None, ranks: int = 1):
    """Load the workload and try it on two rows, or one of ``ranks`` data-parallel ranks' share of a batch (one clear
    line if it does not fit together); the workload and the problem it was tried on."""
    from mlpbench.measure.job import import_torch
    from mlpbench.workload import problem

    import_torch()
    workload = loaded or problem.load_workload(config)
    check_optimizer(workload, config)  # before the data: a slow make_data need not run to say this
    tried = problem.make_problem(workload, config)
    problem.check(tried, ranks)
    return workload, tried


def check_optimizer(workload: Any, config: WorkloadConfig) -> None:
    if workload.custom_optimizer and config.lr != WorkloadConfig().lr:
        raise UsageError(f"--lr sets the default Adam's learning rate; {config.name} makes its own optimizer "
                         "(make_optimizer), which sets its own")


def check_problem(problem: Any) -> None:
    """``prepare``'s checks on a problem already drawn (``run`` draws it once, in its data phase). The optimizer is
    checked as the job builds it, in its setup: built here, its first build would load torch._dynamo in the data
    phase (1.5 s there, none in first_optimizer)."""
    from mlpbench.workload.problem import check

    check_optimizer(problem.workload, problem.config)
    check(problem, optimizer=False)


def runnable_backends(targets: Sequence[PlannedTarget]) -> dict[str, list[str]]:
    """The backends that will run, each with the device kinds it runs on: the code of one unavailable here (its
    device, its workload) never ran, and a report that printed it read as if it had (the fused backend's Triton
    kernels beside a CPU-only run)."""
    kinds: dict[str, list[str]] = {}
    for t in targets:
        if t.status == "ok" and not t.target.is_script:
            kinds.setdefault(t.target.backend, [])
            if t.target.kind not in kinds[t.target.backend]:
                kinds[t.target.backend].append(t.target.kind)
    return kinds


def record_code(config: WorkloadConfig, workload: Any, backends: Mapping[str, Sequence[str]], scripts: Sequence[str],
                distributed: bool = False) -> list[Code]:
    from mlpbench.measure import sources

    code: list[Code] = []
    if workload is not None and (workload.source is not None or workload.is_mlp):
        code.append(sources.workload_code(workload.source, config.name))
    code += sources.backend_code(backends if not distributed else ["eager"], distributed)
    code += sources.script_code(list(scripts))
    if config.is_builtin and workload is not None:  # the built-in job ran: it reproduces the seed's scripts
        code += sources.user_scripts(code)
    return code


# ----- run ---------------------------------------------------------------------------------------------------
@in_api_words(aliases={})  # run() takes one device
def run(workload: Any = None, *, device: str = "auto", backend: str = "eager", threads: int | None = None,
        environment: bool = False, echo: bool = False, timed_from: str = "call", **options: Any):
    """The one job once, in this process (``mlpbench run``): its log printed as it goes when ``echo``.

    ``timed_from="call"`` (the API) times it from this call; ``"process"`` (the CLI) from the
    interpreter's start, as the user's script is timed."""
    import time

    called_at = time.monotonic()
    if timed_from not in ("call", "process"):
        raise UsageError(f"timed_from={timed_from!r}: choose 'call' or 'process'")

    from mlpbench.measure import devices, job
    from mlpbench.measure.bench import check_threads
    from mlpbench.results.model import Target
    from mlpbench.workload import backends

    config, loaded = resolve_workload(workload, options)
    check_threads(threads)
    for name, value in (("device", device), ("backend", backend)):
        if not isinstance(value, str):
            raise UsageError(f"{name}={_shown(value)}: expected a name, such as \"cpu\"")
    check_call(environment=environment, echo=echo)
    info = backends.get(backend)
    devices.check_spec(device, "--device")
    check_workload_file(config)
    job.import_torch()
    checked = time.monotonic()
    choice = devices.resolve(device)
    checked = time.monotonic() - checked
    reason = info.unavailable_reason(choice.name, config)
    if reason:
        raise UsageError(f"--backend {backend}: {reason}")
    job.check_memory(config, choice.name)
    spec = job.JobSpec(target=Target(choice.name, backend), config=config, threads=threads, environment=environment,
                       trial="cli")
    # The workload is checked where the job draws its data (not by ``prepare`` beforehand): the data is
    # drawn once, and the time that takes is the data phase's, not time in no phase before it.
    record = job.run_job(spec, emit=job.print_line if echo else None, device_check=checked, device_note=choice.note,
                         workload=loaded, started_at=called_at if timed_from == "call" else None,
                         check=None if config.is_builtin else check_problem)
    assert record is not None
    return record


@in_api_words(aliases={})
def run_script(path: str, *, threads: int | None = None, echo: bool = False):
    """A user's script once, as it is, in a fresh process (``mlpbench run --script``); ``threads`` reaches it as
    it reaches a bench's scripts (OMP_NUM_THREADS: a script that sets its own keeps it)."""
    import signal
    import sys

    from mlpbench.errors import RunFailed
    from mlpbench.measure import sources
    from mlpbench.measure.bench import check_threads
    from mlpbench.measure.children import ChildRunner, stoppable
    from mlpbench.measure.launch import Launcher
    from mlpbench.measure.plan import plan_scripts

    check_threads(threads)
    target = plan_scripts([path])[0].target
    runner = ChildRunner()
    with tempfile.TemporaryDirectory(prefix="mlpbench-") as scratch:
        with stoppable(runner, Quiet()) as stop:  # Ctrl-C or SIGTERM stops the script too: it ran in its own session
            child = Launcher(runner, Path(scratch), sources.script_code([path]), threads).script(
                target, trial="cli", timeout=24 * 3600.0)
    if stop.signal == "SIGINT":
        raise KeyboardInterrupt
    if stop.signal == "SIGTERM":  # ended as SIGTERM ends a process, now that the script is gone (exit 143)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGTERM)
    if echo:
        sys.stdout.write(child.stdout)
    if child.record is None or child.status not in ("ok", "diverged"):
        if echo and child.stderr_tail:  # the script's own traceback, as python3 script.py would have shown it
            sys.stderr.write(child.stderr_tail.rstrip("\n") + "\n")
        why = child.error or child.status
        if child.returncode and child.returncode > 0 and not why.startswith("exit status"):  # argparse's 2, sys.exit(3)
            why = f"exit status {child.returncode}: {why}"
        raise RunFailed(f"the script {path} failed ({why})")
    return child.record


# ----- bench -------------------------------------------------------------------------------------------------
def refuse_job_settings(plan: BenchPlan, config: WorkloadConfig, options: dict[str, Any]) -> None:
    """Beside scripts alone, a setting of mlpbench's own job would be ignored: one line naming them instead. Read
    from the checked plan and configuration (hidden="100,50" is the default; warm_runs=-1 was refused already)."""
    default = {name: p.default for name, p in inspect.signature(bench).parameters.items()}
    given = [flag for flag, changed in (
        ("--devices", plan.devices != names(default["devices"])),
        ("--backends", plan.backends != backend_names(default["backends"])),
        ("--nproc", plan.nproc is not None),
        ("--warm-runs", plan.warm_runs not in (0, default["warm_runs"])),  # 0 asks for what scripts get: none
        ("--warmup", plan.warmup != default["warmup"]), ("--warm-time", plan.warm_time != default["warm_time"]))
        if changed]
    given += [f"--{name.replace('_', '-')}" for name in options
              if getattr(config, name) != getattr(WorkloadConfig(), name)]
    if given:
        raise UsageError(f"{', '.join(given)} {'has' if len(given) == 1 else 'have'} no effect beside --script "
                         "without --workload: a script runs on the device it chooses, in cold trials only, and "
                         "mlpbench's own job runs only with --workload FILE.py or --workload builtin")


RESTARTED_BY_ZEROING = ("compile", "cuda-graph")  # backends that restart the optimizer by zeroing its state in place


def restartable(targets: list[PlannedTarget], tried: Any) -> list[PlannedTarget]:
    """The plan, with the backends that restart a workload's own optimizer by zeroing its state marked
    unavailable where that is not a fresh optimizer (NAdam, Adagrad with an initial accumulator): tried
    here, on the CPU, once, on the problem ``prepare`` drew (``tried``), instead of failing every trial of
    theirs in a fresh process."""
    if not tried.workload.custom_optimizer or not any(
            t.status == "ok" and t.target.backend in RESTARTED_BY_ZEROING for t in targets):
        return targets
    from mlpbench.workload.backends.compiled import require_zero_start
    from mlpbench.workload.backends.eager import EagerTrainer

    try:
        require_zero_start(EagerTrainer(tried, "cpu"))
        return targets
    except UsageError as err:
        return [msgspec.structs.replace(t, status="unavailable", reason=str(err))
                if t.status == "ok" and t.target.backend in RESTARTED_BY_ZEROING else t for t in targets]


def check_runnable(targets: list[PlannedTarget]) -> list[PlannedTarget]:
    """The plan, or one line where none of its targets can run on this machine (each one's reason)."""
    if targets and not any(t.status == "ok" for t in targets):
        reasons = "; ".join(dict.fromkeys(t.reason or t.status for t in targets))
        raise UsageError(f"nothing asked for can run here: {reasons}")
    return targets


def plan_targets(plan: BenchPlan, config: WorkloadConfig) -> list[PlannedTarget]:
    from mlpbench.measure import plan as planning

    if plan.nproc is not None:
        targets = planning.plan_ddp_targets(plan.devices, [1, plan.nproc], plan.nnodes)
    else:
        targets = planning.plan_targets(plan.devices, plan.backends, config)
    return targets


@in_api_words()
def bench(workload: Any = None, *, devices: str | Sequence[str] = ("cpu", "cuda"),
          backends: str | Sequence[str] = ("eager",),
          scripts: str | Sequence[str] = (), runs: int = 6, script_runs: int | None = None, warm_runs: int = 10,
          warmup: int = 2, warm_time: float = 20.0, threads: int | None = None, trial_timeout: float = 600.0,
          nproc: int | None = None, nnodes: int | None = None, rdzv_endpoint: str | None = None,
          out: str | os.PathLike[str] | None = None, progress: Progress | None = None, **options: Any) -> BenchResults:
    """Cold and warm trials of ``workload`` on every device and backend (and ``scripts`` as they are).

    With ``scripts``, only they are measured unless ``workload`` is named (a file, an object, or
    ``"builtin"`` for the built-in MLP). ``options`` are workload settings (n, steps, lr, seed, batch_size, precision, hidden, ...).
    ``devices`` and ``backends`` may be comma-separated strings, as on the command line ("cpu,cuda").
    ``warm_runs`` is the least number of warm runs: more follow until their spread settles or ``warm_time``
    seconds have passed. Results go to ``out``/results.json (a temporary directory when None), rewritten after
    every trial."""
    from mlpbench.measure import bench as benching
    from mlpbench.measure.environment import collect

    config, loaded = resolve_workload(workload, options)
    check_call(out, progress)
    plan = benching.validate(typed(BenchPlan(
        devices=names(devices), backends=backend_names(backends), scripts=paths(scripts), runs=runs,
        script_runs=script_runs, warm_runs=warm_runs, warmup=warmup, warm_time=warm_time, threads=threads,
        trial_timeout=trial_timeout, nproc=nproc, nnodes=nnodes, rdzv_endpoint=rdzv_endpoint)))
    if scripts and workload is None:  # only the scripts: what would set mlpbench's own job is refused, not ignored
        refuse_job_settings(plan, config, options)
    if plan.nproc is not None:
        config.check_ranks(plan.nproc * (plan.nnodes or 1))
    from mlpbench.measure.devices import check_spec
    from mlpbench.measure.plan import plan_scripts

    for spec in plan.devices:
        check_spec(spec, "--devices")
    scripts_planned = plan_scripts(plan.scripts)  # a missing script is one line before torch is imported
    check_workload_file(config)
    # mlpbench's own job beside the scripts only when a workload was named: `--script mine.py` times mine.py
    jobs = bool(plan.devices) and (plan.runs > 0 or plan.warm_runs > 0) and (workload is not None or not plan.scripts)
    if not jobs and plan.scripts:  # recorded as what runs: the scripts' cold trials, nothing of the job's
        if plan.runs_per_script == 0:
            flag = ("--script-runs 0" if plan.script_runs is not None else
                    "--runs 0 (the scripts' trials, where no --script-runs is given)")
            raise UsageError(f"{flag} without --workload measures nothing; ask for at least one trial")
        plan = msgspec.structs.replace(plan, script_runs=plan.runs_per_script, runs=0, warm_runs=0)
    loaded_workload, tried = prepare(config, loaded, (plan.nproc or 1) * (plan.nnodes or 1)) if jobs else (None, None)
    targets = check_runnable((restartable(plan_targets(plan, config), tried) if jobs else []) + scripts_planned)
    code = record_code(config, loaded_workload, runnable_backends(targets), plan.scripts, nproc is not None)
    progress = progress or Quiet()
    directory = Path(out) if out is not None else Path(tempfile.mkdtemp(prefix="mlpbench-"))
    if loaded is not None:
        from mlpbench.measure.inprocess import bench_in_process

        results, stopped_by = bench_in_process(plan, config, targets, code, collect(), progress, loaded, directory)
        return BenchResults(results, directory / "results.json", stopped_by)
    results, stopped_by = benching.run_bench(plan, config, targets, code, collect(), progress, directory)
    return BenchResults(results, directory / "results.json", stopped_by)


@in_api_words()
def sweep(workload: Any = None, *, vary: dict[str, Any] | str | None = None,
          devices: str | Sequence[str] = ("cpu", "cuda"), backends: str | Sequence[str] = ("eager",),
          warm_runs: int = 5, warmup: int = 1, trial_steps: int = 100, warm_time: float = 10.0,
          point_timeout: float = 300.0, time_limit: float | None = None,
          threads: int | None = None, resume: bool = False, largest_first: bool = False,
          out: str | os.PathLike[str] | None = None, progress: Progress | None = None, **options: Any) -> BenchResults:
    """Measure every target across workload sizes (``vary``: {"n": [500, 2000, ...]}), to find where
    the GPU starts to win. ``devices`` and ``backends`` may be comma-separated strings, as on the command line."""
    from mlpbench.measure import plan as planning
    from mlpbench.measure import sweep as sweeping
    from mlpbench.measure.environment import collect

    config, loaded = resolve_workload(workload, options)
    if loaded is not None:
        raise UsageError("a sweep runs every point in a fresh process: save the workload to a file and pass its path")
    check_call(out, progress, resume=resume, largest_first=largest_first)
    plan = typed(SweepPlan(vary=sweeping.check_vary(sweeping.DEFAULT_VARY if vary is None else vary),
                           devices=names(devices), backends=backend_names(backends), warm_runs=warm_runs, warmup=warmup,
                           trial_steps=trial_steps, warm_time=warm_time, point_timeout=point_timeout,
                           time_limit=time_limit, threads=threads, largest_first=largest_first))
    sweeping.validate(plan, config)
    from mlpbench.measure.devices import check_spec

    for spec in plan.devices:
        check_spec(spec, "--devices")
    check_workload_file(config)
    try:
        workload_, tried = prepare(config, None, int(max(plan.vary.get("nproc", [1]))))  # the most ranks' share
    except UsageError as err:  # tried at the configuration as given, where only the one-off runs run
        raise sweeping.at_base_size(plan, config, err) from None
    if "nproc" in plan.vary:
        targets = planning.plan_ddp_targets(plan.devices, [1])
    else:
        targets = restartable(planning.plan_targets(plan.devices, plan.backends, config), tried)
    check_runnable(targets)
    code = record_code(config, workload_, runnable_backends(targets), [], "nproc" in plan.vary)
    directory = Path(out) if out is not None else Path(tempfile.mkdtemp(prefix="mlpbench-sweep-"))
    results, stopped_by = sweeping.run_sweep(plan, config, targets, code, collect(), progress or Quiet(), directory,
                                             resume)
    return BenchResults(results, directory / "results.json", stopped_by)


@in_api_words()
def load(path: str | os.PathLike[str]) -> BenchResults:
    """A saved results file, checked, as ``BenchResults``."""
    from mlpbench.results.files import load_results

    if not isinstance(path, (str, os.PathLike)):
        raise UsageError(f"load({_shown(path)}): expected the path of a results.json")
    return BenchResults(load_results(path), Path(path))
