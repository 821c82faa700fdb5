"""The command line: parse, call the pipeline (``mlpbench.api``), print (``mlpbench.output``).

Every mistake a user can make surfaces as ``UsageError`` and is handled here, in one place: one
line on stderr, exit status 2, no traceback.
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path
from typing import Any, Callable, NoReturn, Sequence

from mlpbench._started import VERSION
from mlpbench.errors import RunFailed, UsageError, command_line, first_line, out_of_memory, workload_traceback
from mlpbench.workload.config import PRECISIONS, WorkloadConfig, parse_hidden

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_SIGINT, EXIT_SIGTERM = 0, 1, 2, 130, 143
LANGS = ("en", "ja")
MLP_FLAGS = {"hidden": "--hidden"}


class _Parser(argparse.ArgumentParser):
    """argparse, but a mistake is one line (no usage block) routed through UsageError, and a flag is
    never taken for the start of another (``bench --device cpu`` is not ``--devices cpu``)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("allow_abbrev", False)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> NoReturn:
        raise UsageError(message)


def _path(flag: str) -> Callable[[str], str]:
    """A path as given; an empty one is a mistake (`--out ''` wrote into the current folder, `--script ''` ran the
    built-in job, `--json ''` wrote nothing: each as if the flag were not there)."""
    def parse(text: str) -> str:
        if not text.strip():
            raise UsageError(f"{flag} needs a path, got {text!r}")
        return text

    return parse


def _integer(name: str, minimum: int | None = None) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise UsageError(f"--{name} must be an integer, got {text!r}") from None
        if minimum is not None and value < minimum:
            raise UsageError(f"--{name} must be at least {minimum}, got {value}")
        return value

    return parse


def _number(name: str) -> Callable[[str], float]:
    def parse(text: str) -> float:
        try:
            return float(text)
        except ValueError:
            raise UsageError(f"--{name} must be a number, got {text!r}") from None

    return parse


def _seconds(name: str) -> Callable[[str], float]:
    """A time limit: a positive, finite number of seconds (0, a negative or nan would stop or never stop)."""
    number = _number(name)

    def parse(text: str) -> float:
        value = number(text)
        if not (math.isfinite(value) and value > 0):
            raise UsageError(f"--{name} must be a positive number of seconds, got {text}")
        return value

    return parse


def check_out_folder(out: str) -> Path:
    """--out names a folder: an existing file there is one clear line before anything is measured."""
    path = Path(out)
    if path.exists() and not path.is_dir():
        raise UsageError(f"--out {out}: is a file, not a folder; name a folder (it is created if missing)")
    return path


def _names(flag: str) -> Callable[[str], list[str]]:
    def parse(text: str) -> list[str]:
        items = list(dict.fromkeys(s.strip() for s in text.split(",") if s.strip()))
        if not items:
            raise UsageError(f"{flag} needs at least one name")
        return items

    return parse


def _add_workload_options(p: argparse.ArgumentParser) -> None:
    d = WorkloadConfig()
    g = p.add_argument_group("workload (defaults: the user's scripts)")
    g.add_argument("--workload", metavar="FILE.py", default=None, type=_path("--workload"),
                   help="a workload file defining build_model() and make_data(n, seed), or 'builtin' (default: the "
                        "built-in MLP; beside bench's --script, only when given)")
    g.add_argument("--n", type=_integer("n"), default=d.n, help=f"samples, train + test (default {d.n})")
    g.add_argument("--hidden", type=parse_hidden, default=None, metavar="W1,W2",
                   help="built-in MLP: hidden layer widths (default 100,50)")
    g.add_argument("--steps", type=_integer("steps"), default=d.steps, help=f"optimizer updates (default {d.steps})")
    g.add_argument("--lr", type=_number("lr"), default=d.lr, help=f"learning rate of the default Adam (default {d.lr:g})")
    g.add_argument("--seed", type=_integer("seed"), default=d.seed, help=f"random seed (default {d.seed})")
    g.add_argument("--train-fraction", type=_number("train-fraction"), default=d.train_fraction, metavar="F",
                   help=f"share of the rows used for training (default {d.train_fraction})")
    g.add_argument("--batch-size", type=_integer("batch-size"), default=None, metavar="B",
                   help="rows per update; default: the whole training set, as in the seed")
    g.add_argument("--log-every", type=_integer("log-every", 1), default=d.log_every, metavar="K",
                   help=f"log the loss every K updates, as the seed does every {d.log_every} (each logged loss waits "
                        "for the device); the losses logged are what every measured run is checked on")
    g.add_argument("--precision", choices=PRECISIONS, default=d.precision,
                   help="fp32 (default, the seed); tf32 and bf16 change the numerics")
    g.add_argument("--threads", type=_integer("threads", 1), default=None,
                   help="CPU threads for torch (default: torch's choice, usually the physical cores)")


# The workload's flags: what workload_options passes on, and what a script run as it is refuses (one list, so that a
# new flag is not passed on yet ignored beside a script, as --log-every first was).
JOB_FLAGS = ("workload", "n", "hidden", "steps", "lr", "seed", "train_fraction", "batch_size", "precision", "log_every")


def _given(args: argparse.Namespace, names: Sequence[str]) -> list[str]:
    """The flags among ``names`` set to something other than their default (the parser's, kept in
    ``args.defaults``), as the user would type them."""
    return [f"--{n.replace('_', '-')}" for n in names if getattr(args, n) != args.defaults[n]]


def refuse_ignored(args: argparse.Namespace, names: Sequence[str], why: str) -> None:
    """One line instead of a flag silently ignored."""
    given = _given(args, names)
    if given:
        raise UsageError(f"{', '.join(given)} {'has' if len(given) == 1 else 'have'} no effect {why}")


def workload_options(args: argparse.Namespace) -> dict[str, Any]:
    """The workload settings of the command line, as keyword arguments of the pipeline."""
    if args.workload is not None and args.hidden is not None:
        raise UsageError("--hidden sets the built-in MLP's widths; a --workload file builds its own model")
    options = {name: getattr(args, name) for name in JOB_FLAGS if name not in ("workload", "hidden")}
    if args.hidden is not None:
        options["hidden"] = args.hidden
    return options


def _output_options(p: argparse.ArgumentParser, out: str) -> None:
    p.add_argument("--out", default=out, type=_path("--out"), help=f"output directory (default ./{out})")
    p.add_argument("--quiet", action="store_true", help="no progress and no tables, only errors")
    p.add_argument("--no-report", action="store_true",
                   help="do not write report.html and report.md (an earlier report in the folder is removed: it "
                        "would not match the new results)")
    p.add_argument("--lang", choices=LANGS, default="en",
                   help="language of the report and of the terminal's tables and verdict: en or ja (default en)")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="mlpbench",
                     description="Why did my small network get slower on the GPU, and from what size does the GPU win?")
    parser.add_argument("--version", action="version", version=f"mlpbench {VERSION}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True

    run = sub.add_parser("run", help="train once, print the seed's log and where the time went",
                         description="Train the workload once on one device (or run a script as it is), print its "
                                     "log, then where the time went, phase by phase.")
    run.add_argument("--device", default="auto", help="cpu, cuda, cuda:N, mps or auto (cuda > mps > cpu)")
    run.add_argument("--backend", default="eager", help="training-loop implementation (default: eager, the seed's loop)")
    run.add_argument("--script", metavar="PATH.py", default=None, type=_path("--script"),
                     help="run this script as it is instead, timed from outside (with arguments: 'train.py --epochs 1')")
    _add_workload_options(run)
    run.add_argument("--json", metavar="PATH", type=_path("--json"),
                     help="also write the run as JSON (schema mlpbench.run/2)")
    run.add_argument("--quiet", action="store_true", help="print nothing but errors (for --json use)")
    run.add_argument("--no-env", action="store_true", help="leave environment metadata out of --json (faster)")
    run.set_defaults(handler=cmd_run)
    run.set_defaults(defaults={a.dest: a.default for a in run._actions})

    bench = sub.add_parser("bench", help="cold and warm trials on every device, with statistics and a report",
                           description="Compare devices (and backends, and scripts) the way benchmark tools do: cold "
                                       "trials in fresh processes, interleaved; warm trials of the training loop; "
                                       "medians with intervals; one rule for a difference; a report.")
    bench.add_argument("--devices", type=_names("--devices"), default=["cpu", "cuda"],
                       help="comma-separated devices (default cpu,cuda; missing ones are listed as unavailable)")
    bench.add_argument("--backends", default="eager", help="comma-separated backends, or 'all' (default eager)")
    bench.add_argument("--script", action="append", default=[], metavar="PATH.py", dest="scripts",
                       type=_path("--script"),
                       help="benchmark this script as it is (repeatable; with arguments: 'train.py --epochs 1'): cold "
                            "trials, its own printed time; "
                            "mlpbench's own job runs beside it only with --workload (FILE.py or builtin)")
    bench.add_argument("--runs", type=_integer("runs"), default=6, help="cold trials per target (default 6)")
    bench.add_argument("--script-runs", type=_integer("script-runs"), default=None, metavar="N",
                       help="cold trials per --script (default: --runs); e.g. --workload builtin --runs 0 "
                            "--script-runs 4 times the scripts cold and the built-in job warm only")
    bench.add_argument("--warm-runs", type=_integer("warm-runs"), default=10,
                       help="at least this many warm trials per target (default 10; 0 skips them)")
    bench.add_argument("--warmup", type=_integer("warmup"), default=2, help="warm-up runs before warm trials (default 2)")
    bench.add_argument("--warm-time", type=_seconds("warm-time"), default=20.0,
                       help="stop warm trials after this many seconds even if not yet stable (default 20)")
    bench.add_argument("--nproc", type=_integer("nproc"), default=None, metavar="N",
                       help="data-parallel: run the eager loop under DistributedDataParallel with 1 and N ranks per "
                            "node (torchrun; gloo on cpu, nccl on cuda) and report scaling")
    bench.add_argument("--nnodes", type=_integer("nnodes"), default=None,
                       help="with --nproc: machines in the job (run the same command on each)")
    bench.add_argument("--rdzv-endpoint", default=None, metavar="HOST:PORT",
                       help="with --nnodes: torchrun's rendezvous point (a host all nodes reach)")
    bench.add_argument("--trial-timeout", type=_seconds("trial-timeout"), default=600.0,
                       help="seconds after which a trial's process is killed and recorded as failed (default 600)")
    _add_workload_options(bench)
    _output_options(bench, "mlpbench-out")
    bench.set_defaults(handler=cmd_bench)
    bench.set_defaults(defaults={a.dest: a.default for a in bench._actions})

    compare = sub.add_parser("compare", help="compare two saved results files (two machines, two commits)",
                             description="The same figures of two results.json files, B against A, with ratios "
                                         "and the one rule for a difference.")
    compare.add_argument("a", metavar="A.json")
    compare.add_argument("b", metavar="B.json")
    compare.set_defaults(handler=cmd_compare)

    sweep = sub.add_parser("sweep", help="measure every device across workload sizes; find where the GPU wins",
                           description="Vary workload parameters (a grid when several), measure warm time per step "
                                       "and one-off costs on every device, and find where each device overtakes "
                                       "the CPU, with a fitted cost model.")
    sweep.add_argument("--vary", action="append", metavar="NAME=V1,V2,...",
                       help="n (samples), width (multiplier on the built-in MLP's widths), steps, batch, nproc "
                            "(data-parallel ranks); repeat for a grid (default: n=500,2000,8000,32000,128000)")
    sweep.add_argument("--devices", type=_names("--devices"), default=["cpu", "cuda"],
                       help="comma-separated devices (default cpu,cuda)")
    sweep.add_argument("--backends", default="eager", help="comma-separated backends, or 'all' (default eager)")
    sweep.add_argument("--warm-runs", type=_integer("warm-runs", 1), default=5, help="warm trials per point (default 5)")
    sweep.add_argument("--warmup", type=_integer("warmup", 0), default=1, help="warm-up runs per point (default 1)")
    sweep.add_argument("--trial-steps", type=_integer("trial-steps", 1), default=100,
                       help="steps per warm trial, at most --steps (default 100; the per-step time is what is kept)")
    sweep.add_argument("--warm-time", type=_seconds("warm-time"), default=10.0,
                       help="seconds per point before stopping unstable trials (default 10)")
    sweep.add_argument("--point-timeout", type=_seconds("point-timeout"), default=300.0,
                       help="seconds after which a point is recorded as timed out (default 300)")
    sweep.add_argument("--time-limit", type=_seconds("time-limit"), default=None,
                       help="seconds for the whole sweep; points not started by then are listed as skipped")
    sweep.add_argument("--resume", action="store_true", help="keep the points of this plan already in DIR/sweep.jsonl (without it, an earlier journal is "
                            "kept as sweep.jsonl.previous)")
    sweep.add_argument("--largest-first", action="store_true",
                       help="measure the largest point first (with --time-limit, the big points are kept)")
    _add_workload_options(sweep)
    _output_options(sweep, "mlpbench-sweep")
    sweep.set_defaults(handler=cmd_sweep)

    report = sub.add_parser("report", help="write the self-contained report (HTML or Markdown) of a results file",
                            description="Render a results.json as one self-contained file. The format follows the "
                                        "output's suffix: .html (plots inline) or .md (plots as SVG files beside it).")
    report.add_argument("results", metavar="RESULTS.json")
    report.add_argument("-o", "--output", metavar="FILE", type=_path("-o"), help="report.html or report.md; default: both, next to RESULTS.json")
    report.add_argument("--lang", choices=LANGS, default="en", help="en (default) or ja")
    report.set_defaults(handler=cmd_report)
    return parser


# ----- the commands -------------------------------------------------------------------------------------------
def cmd_run(args: argparse.Namespace) -> int:
    from mlpbench.output import console
    from mlpbench.results.files import check_writable_file, write_model

    from mlpbench import api

    json_path = check_writable_file(args.json, "--json") if args.json else None
    if args.script:
        refuse_ignored(args, ("device", "backend", *JOB_FLAGS),
                       "on --script: the script runs as it is, on the device and with the settings it chooses")
        record = api.run_script(args.script, threads=args.threads, echo=not args.quiet)
    else:
        record = api.run(args.workload, device=args.device, backend=args.backend, threads=args.threads,
                         environment=json_path is not None and not args.no_env, echo=not args.quiet,
                         timed_from="process", **workload_options(args))
    if not args.quiet:
        console.print_run(record)
    if json_path:
        try:
            write_model(json_path, record)
        except OSError as err:
            raise UsageError(f"--json {json_path}: could not write it ({err.strerror})") from None
    if record.status != "ok":
        print(f"mlpbench: training diverged: the loss is not finite ({console.first_bad(record)}); "
              "this run is not a valid measurement", file=sys.stderr)
        return EXIT_FAILED
    return EXIT_OK


def cmd_bench(args: argparse.Namespace) -> int:
    from mlpbench import api
    from mlpbench.output import console
    from mlpbench.workload import backends

    check_out_folder(args.out)
    result = api.bench(args.workload, devices=args.devices, backends=backends.expand(args.backends),
                       scripts=args.scripts, runs=args.runs, script_runs=args.script_runs,
                       warm_runs=args.warm_runs, warmup=args.warmup,
                       warm_time=args.warm_time, threads=args.threads, trial_timeout=args.trial_timeout,
                       nproc=args.nproc, nnodes=args.nnodes, rdzv_endpoint=args.rdzv_endpoint, out=Path(args.out),
                       progress=console.Progress(args.quiet), **workload_options(args))
    return finish(result, args, console.print_bench)


def cmd_sweep(args: argparse.Namespace) -> int:
    from mlpbench import api
    from mlpbench.measure.sweep import DEFAULT_VARY, parse_vary
    from mlpbench.output import console
    from mlpbench.workload import backends

    check_out_folder(args.out)
    vary = parse_vary(args.vary) if args.vary else dict(DEFAULT_VARY)
    result = api.sweep(args.workload, vary=vary, devices=args.devices, backends=backends.expand(args.backends),
                       warm_runs=args.warm_runs, warmup=args.warmup, trial_steps=args.trial_steps,
                       warm_time=args.warm_time, point_timeout=args.point_timeout, time_limit=args.time_limit,
                       threads=args.threads, resume=args.resume, largest_first=args.largest_first, out=Path(args.out),
                       progress=console.Progress(args.quiet), **workload_options(args))
    return finish(result, args, console.print_sweep)


def finish(result, args: argparse.Namespace, show: Callable[..., None]) -> int:
    """Tables, reports, and the exit status of a bench or a sweep."""
    from mlpbench.output import console

    out = Path(args.out)
    if not args.quiet:
        show(result.results, result.analysis, args.lang)
    reports = [] if args.no_report or result.stopped_by else write_reports(result, out, args.lang)
    if not args.quiet:
        console.print_files(out, reports, sweep=result.results.kind == "sweep")
    problem = console.problems(result.results, result.analysis, out, result.stopped_by)
    for line in problem.lines:
        print(f"mlpbench: {line}", file=sys.stderr)
    if result.stopped_by:
        return EXIT_SIGINT if result.stopped_by == "SIGINT" else EXIT_SIGTERM
    return EXIT_FAILED if problem.failed else EXIT_OK


def write_reports(result, out: Path, lang: str) -> list[Path]:
    """report.html and report.md (with its SVG plots) in ``out``, drawn once."""
    try:
        return [written[0] for written in result.reports([out / "report.html", out / "report.md"], lang=lang,
                                                         python=False)]
    except OSError as err:
        raise UsageError(f"cannot write {err.filename or out} ({err.strerror})") from None


def cmd_report(args: argparse.Namespace) -> int:
    from mlpbench.api import load
    from mlpbench.results.files import check_writable_file

    if args.output:
        output = check_writable_file(args.output, "-o")
        if output.suffix.lower() not in (".html", ".md"):
            raise UsageError(f"-o {output}: the report format follows the suffix; use .html or .md")
    result = load(args.results)
    if args.output:
        try:
            paths = result.report(output, lang=args.lang, python=False)[:1]
        except OSError as err:
            raise UsageError(f"-o {output}: could not write it ({err.strerror})") from None
    else:
        paths = write_reports(result, Path(args.results).parent, args.lang)
    for path in paths:
        print(f"report: {path}")
    return EXIT_OK


def cmd_compare(args: argparse.Namespace) -> int:
    from mlpbench.output import console, tables
    from mlpbench.results.files import load_results

    a, b = load_results(args.a), load_results(args.b)
    table = tables.compare_table(a, b, args.a, args.b)
    if not table.rows:
        raise UsageError(f"{args.a} and {args.b} share no (target, figure) to compare")
    console.print_table(table.title, table.headers, table.rows, caption=table.caption)
    differences = tables.config_differences(a, b)
    if differences:  # the ratios then compare different work, not only different machines or code
        print(f"mlpbench: warning: A and B measured different settings ({'; '.join(differences)}): a figure they "
              f"change gets no verdict (the training loop is compared per step where only the steps differ)",
              file=sys.stderr)
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = None
    try:
        args = parser.parse_args(argv)
        with command_line(sys.argv[1:] if argv is None else argv):
            try:
                return args.handler(args)
            except SystemExit as err:  # past the parser, only a workload's own code calls sys.exit
                named = f" {args.workload}" if getattr(args, "workload", None) else ""
                raise RunFailed(f"the workload{named} called sys.exit({err.code!r}) as it trained; its functions must "
                                f"return, not end the process") from None
    except UsageError as err:
        print(f"mlpbench: error: {err}", file=sys.stderr)
        return EXIT_USAGE
    except RunFailed as err:
        print(f"mlpbench: {err}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print("mlpbench: interrupted", file=sys.stderr)
        return EXIT_SIGINT
    except Exception as err:  # noqa: BLE001  out of memory, or the workload's own code failed
        if out_of_memory(err):
            print(f"mlpbench: error: {first_line(err)}; lower --n or --hidden", file=sys.stderr)
            return EXIT_USAGE  # a size this machine cannot hold: the user's to change, as any impossible size
        shown = workload_traceback(err, getattr(args, "workload", None))
        if shown is None:
            raise
        if not getattr(args, "quiet", False):
            sys.stderr.write(shown)
        print(f"mlpbench: the workload {args.workload} failed ({type(err).__name__}: {first_line(err)})",
              file=sys.stderr)
        return EXIT_FAILED
