"""The command line: parse, build a config, call the runner, hand results to the exporters.

Every mistake a user can make surfaces as ``UsageError`` and is handled here, in one place: one
line on stderr, exit status 2, no traceback.
"""

from __future__ import annotations

import argparse
import sys
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
    run.set_defaults(handler=cmd_run)
    return parser


def cmd_run(args: argparse.Namespace) -> int:
    from mlpbench import backends, devices, runner
    from mlpbench.results import check_writable_file, write_json_atomic

    config = workload_config(args)
    json_path = check_writable_file(args.json, "--json") if args.json else None
    info = backends.get(args.backend)
    runner.import_torch()
    choice = devices.resolve(args.device)
    reason = info.unavailable_reason(choice.name)
    if reason:
        raise UsageError(f"--backend {args.backend}: {reason}")
    runner.check_memory(config, choice.name)
    record = runner.run_job(
        config, choice.name, args.backend, threads=args.threads,
        emit=None if args.quiet else runner.print_line, device_note=choice.note,
        collect_env=json_path is not None,
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
