"""The command line: parse, build a config, call the runner, hand results to the exporters.

Every mistake a user can make surfaces as ``UsageError`` and is handled here, in one place: one
line on stderr, exit status 2, no traceback.
"""

from __future__ import annotations

import argparse
import sys
import time
from typing import Callable, NoReturn, Sequence

from mlpbench import __version__
from mlpbench.config import PRECISIONS, WorkloadConfig, parse_hidden
from mlpbench.errors import UsageError

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_SIGINT, EXIT_SIGTERM = 0, 1, 2, 130, 143


class _Parser(argparse.ArgumentParser):
    """argparse, but a mistake is one line (no usage block) routed through UsageError."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(message)


def _positive_int(name: str) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise UsageError(f"--{name} must be an integer, got {text!r}") from None
        if value < 1:
            raise UsageError(f"--{name} must be at least 1, got {value}")
        return value

    return parse


def _number(name: str) -> Callable[[str], float]:
    def parse(text: str) -> float:
        try:
            return float(text)
        except ValueError:
            raise UsageError(f"--{name} must be a number, got {text!r}") from None

    return parse


def _integer(name: str) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            return int(text)
        except ValueError:
            raise UsageError(f"--{name} must be an integer, got {text!r}") from None

    return parse


def _add_workload_options(p: argparse.ArgumentParser) -> None:
    d = WorkloadConfig()
    g = p.add_argument_group("workload (defaults: the user's scripts)")
    g.add_argument("--n", type=_integer("n"), default=d.n, help=f"samples, train + test (default {d.n})")
    g.add_argument("--hidden", type=parse_hidden, default=d.hidden, metavar="W1,W2",
                   help="hidden layer widths (default 100,50)")
    g.add_argument("--steps", type=_integer("steps"), default=d.steps, help=f"optimizer updates (default {d.steps})")
    g.add_argument("--lr", type=_number("lr"), default=d.lr, help=f"Adam learning rate (default {d.lr:g})")
    g.add_argument("--seed", type=_integer("seed"), default=d.seed, help=f"random seed (default {d.seed})")
    g.add_argument("--train-fraction", type=_number("train-fraction"), default=d.train_fraction, metavar="F",
                   help=f"share of the rows used for training (default {d.train_fraction})")
    g.add_argument("--batch-size", type=_integer("batch-size"), default=None, metavar="B",
                   help="rows per update; default: the whole training set, as in the seed")
    g.add_argument("--precision", choices=PRECISIONS, default=d.precision,
                   help="fp32 (default, the seed); tf32 and bf16 change the numerics")
    g.add_argument("--threads", type=_positive_int("threads"), default=None,
                   help="CPU threads for torch (default: torch's choice, usually the physical cores)")


def workload_config(args: argparse.Namespace) -> WorkloadConfig:
    return WorkloadConfig(
        n=args.n, hidden=args.hidden, steps=args.steps, lr=args.lr, seed=args.seed,
        train_fraction=args.train_fraction, batch_size=args.batch_size, precision=args.precision,
    ).validate()


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="mlpbench",
        description="Why did my small network get slower on the GPU, and from what size does the GPU win?",
    )
    parser.add_argument("--version", action="version", version=f"mlpbench {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True

    run = sub.add_parser("run", help="train once, print the seed's log and a phase table",
                         description="Train the workload once on one device, print the seed's log, then "
                                     "where the time went, phase by phase.")
    run.add_argument("--device", default="auto", help="cpu, cuda, cuda:N, mps or auto (cuda > mps > cpu)")
    run.add_argument("--backend", default="eager", help="training-loop implementation (default: eager, the seed's loop)")
    _add_workload_options(run)
    run.add_argument("--json", metavar="PATH", help="also write the run as JSON (schema mlpbench.run/1)")
    run.add_argument("--quiet", action="store_true", help="print nothing but errors (for --json use)")
    run.add_argument("--no-env", action="store_true", help="leave environment metadata out of --json (faster)")
    run.set_defaults(handler=cmd_run)

    bench = sub.add_parser("bench", help="cold and warm trials on every device, with statistics and a report",
                           description="Compare devices (and backends) the way benchmark tools do: cold trials "
                                       "in fresh processes, interleaved; warm trials of the training loop; medians "
                                       "with confidence intervals; a significance test; a report.")
    bench.add_argument("--devices", default="cpu,cuda", help="comma-separated devices (default cpu,cuda; missing ones "
                                                             "are listed as unavailable)")
    bench.add_argument("--backends", default="eager", help="comma-separated backends, or 'all' (default eager)")
    bench.add_argument("--runs", type=_integer("runs"), default=5, help="cold trials per target (default 5)")
    bench.add_argument("--warm-runs", type=_integer("warm-runs"), default=10,
                       help="at least this many warm trials per target (default 10; 0 skips them)")
    bench.add_argument("--warmup", type=_integer("warmup"), default=2, help="warm-up runs before warm trials (default 2)")
    bench.add_argument("--warm-time", type=_number("warm-time"), default=20.0,
                       help="stop warm trials after this many seconds even if not yet stable (default 20)")
    bench.add_argument("--nproc", type=_integer("nproc"), default=None, metavar="N",
                       help="data-parallel: run the eager loop under DistributedDataParallel with 1 and N ranks per "
                            "node (torchrun; gloo on cpu, nccl on cuda) and report scaling")
    bench.add_argument("--nnodes", type=_integer("nnodes"), default=None, help="with --nproc: machines in the job "
                                                                             "(run the same command on each)")
    bench.add_argument("--rdzv-endpoint", default=None, metavar="HOST:PORT",
                       help="with --nnodes: torchrun's rendezvous point (a host all nodes reach)")
    bench.add_argument("--trial-timeout", type=_number("trial-timeout"), default=600.0,
                       help="seconds after which a trial's process is killed and recorded as failed (default 600)")
    _add_workload_options(bench)
    bench.add_argument("--out", default="mlpbench-out", help="output directory (default ./mlpbench-out)")
    bench.add_argument("--quiet", action="store_true", help="no progress and no tables, only errors")
    bench.add_argument("--no-report", action="store_true", help="do not write report.html and report.md")
    bench.add_argument("--lang", default="en", help="report language: en or ja (default en)")
    bench.set_defaults(handler=cmd_bench)

    warm = sub.add_parser("_warm", help=argparse.SUPPRESS)  # the child process of bench's warm trials
    warm.add_argument("--device", required=True)
    warm.add_argument("--backend", required=True)
    _add_workload_options(warm)
    warm.add_argument("--json", required=True)
    warm.add_argument("--warmup", type=int, default=2)
    warm.add_argument("--min-runs", type=int, default=10)
    warm.add_argument("--max-runs", type=int, default=100)
    warm.add_argument("--max-time", type=float, default=20.0)
    warm.set_defaults(handler=cmd_warm)

    compare = sub.add_parser("compare", help="compare two saved results files (two machines, two commits)",
                             description="The same tables for two results.json files, B against A, with ratios "
                                         "and a significance test.")
    compare.add_argument("a", metavar="A.json")
    compare.add_argument("b", metavar="B.json")
    compare.set_defaults(handler=cmd_compare)

    sweep = sub.add_parser("sweep", help="measure every device across workload sizes; find where the GPU wins",
                           description="Vary workload parameters (a grid when several), measure warm time per step "
                                       "and one-off costs on every device, and find where each device overtakes "
                                       "the CPU, with a fitted cost model.")
    sweep.add_argument("--vary", action="append", metavar="NAME=V1,V2,...",
                       help="n (samples), width (multiplier on the hidden widths), steps, batch, nproc (data-parallel "
                            "ranks); repeat for a grid "
                            "(default: n=500,2000,8000,32000,128000)")
    sweep.add_argument("--devices", default="cpu,cuda", help="comma-separated devices (default cpu,cuda)")
    sweep.add_argument("--backends", default="eager", help="comma-separated backends, or 'all' (default eager)")
    sweep.add_argument("--warm-runs", type=_integer("warm-runs"), default=5, help="warm trials per point (default 5)")
    sweep.add_argument("--warmup", type=_integer("warmup"), default=1, help="warm-up runs per point (default 1)")
    sweep.add_argument("--trial-steps", type=_integer("trial-steps"), default=100,
                       help="steps per warm trial (default 100; the per-step time is what is kept)")
    sweep.add_argument("--warm-time", type=_number("warm-time"), default=10.0, help="seconds per point before "
                                                                                   "stopping unstable trials (default 10)")
    sweep.add_argument("--point-timeout", type=_number("point-timeout"), default=300.0,
                       help="seconds after which a point is recorded as timed out (default 300)")
    sweep.add_argument("--time-limit", type=_number("time-limit"), default=None,
                       help="seconds for the whole sweep; points not started by then are listed as skipped")
    sweep.add_argument("--resume", action="store_true", help="keep the points already in DIR/sweep.jsonl")
    _add_workload_options(sweep)
    sweep.add_argument("--out", default="mlpbench-sweep", help="output directory (default ./mlpbench-sweep)")
    sweep.add_argument("--quiet", action="store_true", help="no progress and no tables, only errors")
    sweep.add_argument("--no-report", action="store_true", help="do not write report.html and report.md")
    sweep.add_argument("--lang", default="en", help="report language: en or ja (default en)")
    sweep.set_defaults(handler=cmd_sweep)

    report = sub.add_parser("report", help="write the self-contained report (HTML or Markdown) of a results file",
                            description="Render a results.json as one self-contained file. The format follows the "
                                        "output's suffix: .html (plots inline) or .md (plots as SVG files beside it).")
    report.add_argument("results", metavar="RESULTS.json")
    report.add_argument("-o", "--output", metavar="FILE",
                        help="report.html or report.md; default: both, next to RESULTS.json")
    report.add_argument("--lang", default="en", help="en (default) or ja")
    report.set_defaults(handler=cmd_report)
    return parser


def cmd_run(args: argparse.Namespace) -> int:
    from mlpbench import backends, devices, runner
    from mlpbench.results import check_writable_file, write_json_atomic

    config = workload_config(args)
    json_path = check_writable_file(args.json, "--json") if args.json else None
    info = backends.get(args.backend)
    runner.import_torch()
    checked = time.monotonic()
    choice = devices.resolve(args.device)
    checked = time.monotonic() - checked
    reason = info.unavailable_reason(choice.name, config)
    if reason:
        raise UsageError(f"--backend {args.backend}: {reason}")
    runner.check_memory(config, choice.name)
    record = runner.run_job(
        config, choice.name, args.backend, threads=args.threads,
        emit=None if args.quiet else runner.print_line, device_note=choice.note,
        collect_env=json_path is not None and not args.no_env, device_check=checked,
    )
    if not args.quiet:
        print_phase_table(record)
    if json_path:
        try:
            write_json_atomic(json_path, record.to_json())
        except OSError as err:
            raise UsageError(f"--json {json_path}: could not write it ({err.strerror})") from None
    if record.status != "ok":
        print(f"mlpbench: training diverged: the loss is not finite ({_first_bad(record)}); "
              "this run is not a valid measurement", file=sys.stderr)
        return EXIT_FAILED
    return EXIT_OK


def cmd_warm(args: argparse.Namespace) -> int:
    from mlpbench import runner
    from mlpbench.results import write_json_atomic
    from mlpbench.warm import run_warm

    config = workload_config(args)
    runner.import_torch()
    data = run_warm(config, args.device, args.backend, threads=args.threads, warmup=args.warmup,
                    min_runs=args.min_runs, max_runs=args.max_runs, max_time=args.max_time)
    import math

    data["status"] = "ok" if all(math.isfinite(v) for v in data["final_losses"]) else "diverged"
    write_json_atomic(args.json, data)
    return EXIT_OK if data["status"] == "ok" else EXIT_FAILED


def _split(text: str, flag: str) -> list[str]:
    items = [s.strip() for s in text.split(",") if s.strip()]
    if not items:
        raise UsageError(f"{flag} needs at least one name")
    return list(dict.fromkeys(items))


def cmd_bench(args: argparse.Namespace) -> int:
    from pathlib import Path

    from mlpbench import backends, bench, runner

    config = workload_config(args)
    lang = _check_lang(args.lang)
    device_specs = _check_devices(_split(args.devices, "--devices"))
    if args.nproc is not None and args.backends != "eager":
        raise UsageError("--nproc runs the seed's eager loop under DistributedDataParallel; it does not take --backends")
    settings = bench.BenchSettings(
        config=config, devices=device_specs, backends=backends.expand(args.backends), runs=args.runs,
        warm_runs=args.warm_runs, warmup=args.warmup, warm_time=args.warm_time, threads=args.threads,
        trial_timeout=args.trial_timeout, out=Path(args.out), quiet=args.quiet, nproc=args.nproc,
        nnodes=args.nnodes, rdzv_endpoint=args.rdzv_endpoint,
    ).validate()
    runner.import_torch()
    document, stopped_by = bench.run_bench(settings)
    if not args.quiet:
        print_bench_tables(document)
    reports = [] if args.no_report or stopped_by else write_reports(document, settings.out, lang)
    if not args.quiet:
        print(f"\nresults: {settings.out / 'results.json'}" + "".join(f"\nreport:  {p}" for p in reports))
    if stopped_by:
        print(f"mlpbench: stopped by {stopped_by}; {len(document['trials'])} cold trial(s) and "
              f"{len(document['warm'])} warm set(s) saved in {settings.out / 'results.json'}", file=sys.stderr)
        return EXIT_SIGINT if stopped_by == "SIGINT" else EXIT_SIGTERM
    failed = [t for t in document["trials"] + document["warm"] if t["status"] != "ok"]
    if failed:
        reasons = "; ".join(dict.fromkeys(f"{t['device']}/{t['backend']}: {t.get('error', t['status'])}" for t in failed))
        print(f"mlpbench: {len(failed)} trial(s) failed ({reasons}); their stderr is in "
              f"{settings.out / 'results.json'}", file=sys.stderr)
        return EXIT_FAILED
    if not any(t["status"] == "ok" for t in document["targets"]):
        print("mlpbench: no target could run here; see the reasons above", file=sys.stderr)
        return EXIT_FAILED
    return EXIT_OK


def _check_lang(lang: str) -> str:
    if lang not in ("en", "ja"):
        raise UsageError(f"--lang must be en or ja, got {lang!r}")
    return lang


def write_reports(document, out, lang: str) -> list:
    """report.html and report.md (with its SVG plots) in ``out``."""
    from mlpbench.report import write_report
    from mlpbench.results import validate_results

    document = validate_results(document, "results")
    paths = []
    for name in ("report.html", "report.md"):
        try:
            paths += write_report(document, out / name, lang=lang)[:1]
        except OSError as err:
            raise UsageError(f"cannot write {out / name} ({err.strerror})") from None
    return paths


def cmd_sweep(args: argparse.Namespace) -> int:
    from pathlib import Path

    from mlpbench import backends, runner, sweep

    config = workload_config(args)
    lang = _check_lang(args.lang)
    device_specs = _check_devices(_split(args.devices, "--devices"))
    settings = sweep.SweepSettings(
        config=config, vary=sweep.parse_vary(args.vary) if args.vary else dict(sweep.DEFAULT_VARY),
        devices=device_specs, backends=backends.expand(args.backends), warm_runs=args.warm_runs, warmup=args.warmup,
        trial_steps=args.trial_steps, warm_time=args.warm_time, point_timeout=args.point_timeout,
        time_limit=args.time_limit, threads=args.threads, resume=args.resume, out=Path(args.out), quiet=args.quiet,
    ).validate()
    runner.import_torch()
    document, stopped_by = sweep.run_sweep(settings)
    if not args.quiet:
        print_sweep_tables(document)
    reports = [] if args.no_report or stopped_by else write_reports(document, settings.out, lang)
    if not args.quiet:
        print(f"\nresults: {settings.out / 'results.json'}\njournal: {settings.out / 'sweep.jsonl'}"
              + "".join(f"\nreport:  {p}" for p in reports))
    if stopped_by:
        print(f"mlpbench: stopped by {stopped_by}; every finished point is in {settings.out / 'sweep.jsonl'} "
              f"(continue with --resume)", file=sys.stderr)
        return EXIT_SIGINT if stopped_by == "SIGINT" else EXIT_SIGTERM
    info = document["sweep"]
    if info["skipped"]:
        print(f"mlpbench: --time-limit reached; skipped: {'; '.join(info['skipped'])}", file=sys.stderr)
    if info["failed"]:
        statuses = ", ".join(sorted({r["status"] for r in info["failed"]}))
        print(f"mlpbench: {len(info['failed'])} point(s) did not finish ({statuses}); they are recorded with their "
              f"status in {settings.out / 'sweep.jsonl'}", file=sys.stderr)
    if not any(r["status"] == "ok" for r in info["table"]):
        print("mlpbench: no point of the sweep finished", file=sys.stderr)
        return EXIT_FAILED
    return EXIT_OK


def print_sweep_tables(document) -> None:
    from mlpbench.console import print_table
    from mlpbench.report.i18n import Texts
    from mlpbench.report.sweep import findings, sections

    T = Texts("en")
    for line in findings(document, T):
        print(line)
    for block in sections(document, T)[0].blocks:
        table = getattr(block, "table", None)
        if table is not None and table.rows:
            print()
            print_table(table.title, table.headers, table.rows, caption=table.caption)


def _check_devices(specs: list[str]) -> list[str]:
    from mlpbench import devices

    for spec in specs:
        if not (spec in ("auto", "cpu", "mps") or devices._CUDA_RE.match(spec)):
            raise UsageError(f"--devices: unknown device {spec!r}: choose from {', '.join(devices.DEVICE_CHOICES)}")
    return specs


def cmd_report(args: argparse.Namespace) -> int:
    from pathlib import Path

    from mlpbench.report import write_report
    from mlpbench.results import check_writable_file, load_results

    lang = _check_lang(args.lang)
    if args.output:
        output = check_writable_file(args.output, "-o")
        if output.suffix.lower() not in (".html", ".md"):
            raise UsageError(f"-o {output}: the report format follows the suffix; use .html or .md")
    document = load_results(args.results)
    if args.output:
        try:
            paths = write_report(document, output, lang=lang)[:1]
        except OSError as err:
            raise UsageError(f"-o {output}: could not write it ({err.strerror})") from None
    else:
        paths = write_reports(document, Path(args.results).parent, lang)
    for path in paths:
        print(f"report: {path}")
    return EXIT_OK


def print_bench_tables(document) -> None:
    from mlpbench import tables
    from mlpbench.console import print_table

    for line in tables.unavailable_lines(document):
        print(f"unavailable: {line}")
    for table in (tables.cold_table(document), tables.phase_table(document), tables.warm_table(document),
                  tables.comparison_table(document), tables.scaling_table(document)):
        if table.rows:
            print()
            print_table(table.title, table.headers, table.rows, caption=table.caption)
    for w in document.get("warnings", []):
        print(f"warning: {w['device']}/{w['backend']} {w['mode']} {w['phase']}: {w['message']} — {w['advice']}")


def cmd_compare(args: argparse.Namespace) -> int:
    from mlpbench import tables
    from mlpbench.console import print_table
    from mlpbench.results import load_results

    a, b = load_results(args.a), load_results(args.b)
    table = tables.compare_table(a, b, args.a, args.b)
    if not table.rows:
        raise UsageError(f"{args.a} and {args.b} share no (device, backend, phase) to compare")
    print_table(table.title, table.headers, table.rows, caption=table.caption)
    return EXIT_OK


def _first_bad(record) -> str:
    import math

    for step, loss in record.train_loss.items():
        if not math.isfinite(loss):
            return f"{loss} at step {step}"
    return f"test loss {record.test_loss}"


def print_phase_table(record) -> None:
    from mlpbench.console import format_flops, format_seconds, print_table

    total = record.phases["total"]
    rows = []
    for name, seconds in record.phases.items():
        share = f"{100 * seconds / total:.1f} %" if total > 0 else "–"
        rows.append([name, format_seconds(seconds), share])
    accounted = sum(v for k, v in record.phases.items() if k != "total")
    rows.insert(-1, ["other", format_seconds(total - accounted), f"{100 * (total - accounted) / total:.1f} %"])
    caption = (
        f"train: {record.config.steps} steps, {format_seconds(record.per_step_s)}/step, "
        f"{record.config.train_flops() / 1e9:.3g} GFLOP → {format_flops(record.train_flops_per_s)}; "
        f"{record.threads} CPU thread(s). The seed's own figure (after `import torch`): "
        f"{record.seed_time:.4f} s."
    )
    print()
    print_table(f"Where the time went ({record.device}, {record.backend})", ["phase", "time", "share"], rows,
                caption=caption)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        return args.handler(args)
    except UsageError as err:
        print(f"mlpbench: error: {err}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("mlpbench: interrupted", file=sys.stderr)
        return EXIT_SIGINT
    except (MemoryError, RuntimeError) as err:
        if not _out_of_memory(err):
            raise
        first = (str(err).strip().splitlines() or [type(err).__name__])[0]
        print(f"mlpbench: error: {first}; lower --n or --hidden", file=sys.stderr)
        return EXIT_FAILED


def _out_of_memory(err: BaseException) -> bool:
    """The device (or the host) ran out of memory: a limit of the machine, not a bug."""
    return isinstance(err, MemoryError) or type(err).__name__ == "OutOfMemoryError" or "out of memory" in str(err).lower()
