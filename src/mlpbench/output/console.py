"""Terminal output: rich tables and a progress bar on a terminal, plain text otherwise."""

from __future__ import annotations

import sys
from typing import Any, Iterable, Sequence, TextIO


def print_table(
    title: str,
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    stream: TextIO | None = None,
    plain: bool | None = None,
    caption: str | None = None,
) -> None:
    """A table: rich with colour and box lines on a terminal, plain aligned text otherwise."""
    stream = stream or sys.stdout
    rows = [[str(c) for c in row] for row in rows]
    if plain is None:
        plain = not stream.isatty()
    if plain:
        stream.write(plain_table(title, headers, rows, caption))
        stream.flush()
        return
    from rich import box
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title, box=box.SIMPLE_HEAD, caption=caption, title_justify="left")
    for i, header in enumerate(headers):
        table.add_column(header, justify="left" if i == 0 else "right")
    for row in rows:
        table.add_row(*row)
    Console(file=stream).print(table)


def plain_table(title: str, headers: Sequence[str], rows: list[list[str]], caption: str | None = None) -> str:
    widths = [max(len(str(h)), *(len(r[i]) for r in rows)) if rows else len(str(h)) for i, h in enumerate(headers)]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths))).rstrip()

    out = [title, line(headers), line(["-" * w for w in widths])]
    out += [line(r) for r in rows]
    if caption:
        out.append(caption)
    return "\n".join(out) + "\n"


class Progress:
    """A rich progress bar on a terminal (stderr); one plain line per finished trial on stdout
    otherwise, so that stderr carries nothing but errors; or nothing with --quiet."""

    def __init__(self, quiet: bool, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stderr
        self.quiet = quiet
        self.rich: Any = None
        self.task: Any = None
        self.done = 0
        self.total = 0

    def start(self, total: int) -> None:
        self.total = total
        if self.quiet or not self.stream.isatty():
            return
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress as RichProgress, TextColumn, \
            TimeElapsedColumn, TimeRemainingColumn

        self.rich = RichProgress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                 TimeElapsedColumn(), TimeRemainingColumn(), console=Console(file=self.stream),
                                 transient=True)
        self.rich.start()
        self.task = self.rich.add_task("starting", total=total)

    def update(self, description: str) -> None:
        if self.rich is not None:
            self.rich.update(self.task, description=description)

    def advance(self, line: str) -> None:
        self.done += 1
        if self.rich is not None:
            self.rich.console.print(line)
            self.rich.advance(self.task)
        elif not self.quiet:
            sys.stdout.write(f"[{self.done}/{self.total}] {line}\n")
            sys.stdout.flush()

    def stop(self) -> None:
        if self.rich is not None:
            self.rich.stop()
            self.rich = None


# ----- what the commands print -----------------------------------------------------------------------------
def first_bad(record) -> str:
    """Where a diverged run's loss stopped being finite."""
    for step, loss in record.losses.items():
        if loss is None:
            return f"at step {step}"
    return "in the test loss"


def print_run(record) -> None:
    """``mlpbench run``: where the time went, phase by phase."""
    from mlpbench.output.units import format_flops, format_seconds

    from mlpbench.output.i18n import Texts

    T = Texts("en")  # the phases named as the bench's tables and the report name them
    total = record.phases.get("total", 0.0)
    rows = [[T.phase(name), format_seconds(seconds), f"{100 * seconds / total:.1f} %" if total > 0 else "–"]
            for name, seconds in record.phases.items() if name != "total"]
    other = total - sum(v for k, v in record.phases.items() if k != "total")
    if abs(other) >= 1e-6:  # time in no phase; none where the phases cover the whole (a script's "rest" does)
        rows.append([T.phase("other"), format_seconds(other), f"{100 * other / total:.1f} %" if total > 0 else "–"])
    rows.append([T.phase("total"), format_seconds(total), "100.0 %" if total > 0 else "–"])
    if record.config is not None:
        steps = record.config.steps
        flops = f"{record.flops_per_step * steps / 1e9:.3g} GFLOP → {format_flops(record.train_flops_per_s)}; " \
            if record.flops_per_step else ""
        caption = (f"train: {steps} steps, {format_seconds(record.per_step_s)}/step, {flops}{record.threads} CPU "
                   f"thread(s). Its own figure, timed as the example scripts time themselves (from after "
                   f"`import torch`): {record.seed_time:.4f} s.")
        title = f"Where the time went ({record.target.device}, {record.target.backend})"
    else:
        own = format_seconds(record.seed_time) if record.seed_time is not None else "none printed"
        caption = f"the script's own figure: {own}; 'rest' is everything the script did that cannot be told apart " \
                  f"without editing it"
        title = f"Where the time went ({record.target.script})"
    print()
    print_table(title, ["phase", "time", "share"], rows, caption=caption)


def print_bench(results, analysis, lang: str = "en") -> None:
    """The tables of a bench, then its verdict in a few lines, in the report's language."""
    from mlpbench.output import tables
    from mlpbench.output.i18n import Texts
    from mlpbench.output.report.verdict import first_screen
    from mlpbench.output.words import Namer

    T = Texts(lang)
    name = Namer(results, T)
    for planned in results.targets:
        if planned.status != "ok":
            print(f"unavailable: {name.label(planned.target)}: {planned.reason}")
    for make in (tables.cold_table, tables.phase_table, tables.warm_table, tables.comparison_table,
                 tables.scaling_table, tables.checks_table):
        table = make(results, analysis, T)
        if table.rows:
            print()
            print_table(table.title, table.headers, table.rows, caption=table.caption)
    print_notices(results, analysis, T)
    print()
    for line in first_screen(results, analysis, T).terminal():
        print(line)


def print_sweep(results, analysis, lang: str = "en") -> None:
    """The sweep's section of the report, in its language."""
    from mlpbench.output.i18n import Texts
    from mlpbench.output.report.sweep import sections

    T = Texts(lang)
    for section in sections(results, analysis, T):
        for block in section.blocks:
            table = getattr(block, "table", None)
            if table is not None and table.rows:
                print()
                print_table(table.title, table.headers, table.rows, caption=table.caption)
            elif hasattr(block, "text"):
                print(block.text)
            elif getattr(block, "items", None) and all(isinstance(item, str) for item in block.items):
                for item in block.items:  # a list under its heading ("Not measured:", "Points that did not finish:")
                    print(f"  - {item}")
    print_notices(results, analysis, T)


def print_notices(results, analysis, T) -> None:
    from mlpbench.output.words import Namer, advice, once_each

    name = Namer(results, T)
    lines = []
    for notice in analysis.notices():
        where = name.label(notice.target) if notice.target else T("warn.whole_run")
        mode = f" ({notice.mode}{': ' + ', '.join(T.phase(p) for p in notice.phases) if notice.phases else ''})" \
            if notice.mode else ""
        lines.append(f"warning: {where}{mode}: {T(f'caveat.{notice.code}', **notice.values)} — "
                     f"{advice(notice.code, results, T, **notice.values)}")
    for line in once_each(lines, T):  # every trial of a script that fails the same way: once, counted
        print(line)


def print_files(out, reports, sweep: bool = False) -> None:
    journal = out / "sweep.jsonl"
    print(f"\nresults: {out / 'results.json'}" + (f"\njournal: {journal}" if sweep and journal.exists() else "")
          + "".join(f"\nreport:  {p}" for p in reports))


class Problems:
    def __init__(self) -> None:
        self.lines: list[str] = []
        self.failed = False


def _stopped(results, out, stopped_by: str) -> list[str]:
    """What a stopped run kept, and how to go on from it: only files that exist are named."""
    saved, journal = out / "results.json", out / "sweep.jsonl"
    if results.kind == "sweep":
        planned = len(results.plan.points()) * len(results.runnable())
        recorded = len({p.key for p in results.points})
        kept = (f"they are in {journal} (--resume continues the sweep from them)" if recorded else
                f"the one-off runs that finished are in {journal} (--resume keeps them)") \
            if journal.exists() and journal.stat().st_size else \
            "nothing had finished, so there is nothing to resume: run the same command again"
        lines = [f"stopped by {stopped_by} after {recorded} of {planned} sweep point(s) (one target at one size each) "
                 f"had been measured; {kept}"]
    else:
        lines = [f"stopped by {stopped_by}; {len(results.cold)} cold trial(s) and {len(results.warm)} warm set(s) "
                 f"saved in {saved}"]
    if saved.exists():
        lines.append(f"no report is written for a stopped run: `mlpbench report {saved}` draws one of what finished")
    return lines


def problems(results, analysis, out, stopped_by: str | None) -> Problems:
    """What went wrong, one line each for stderr, and whether the exit status says failure: a trial or a
    sweep point that failed (out of memory, timed out, diverged, crashed) or a run with the wrong losses
    fails the command, as the README promises for bench and sweep alike."""
    from mlpbench.results.model import point_label

    found = Problems()
    if stopped_by:
        found.lines += _stopped(results, out, stopped_by)
        return found
    if results.skipped:
        found.lines.append(f"--time-limit reached; skipped: {'; '.join(results.skipped)}")
    failed = [t for t in [*results.cold, *results.warm] if t.status != "ok"]
    if failed:
        what = "one-off run(s) of the sweep" if results.kind == "sweep" else "trial(s)"
        reasons = "; ".join(dict.fromkeys(f"{t.target.key}: {t.error or t.status}" for t in failed))
        found.lines.append(f"{len(failed)} {what} failed ({reasons}); their stderr is in {out / 'results.json'}")
        found.failed = True
    if results.kind == "sweep":
        bad = [p for p in results.points if p.status not in ("ok", "unsupported")]
        if bad:
            items = "; ".join(f"{point_label(p.point)} on {p.target.key} ({p.status})" for p in bad[:8])
            found.lines.append(f"{len(bad)} point(s) did not finish: {items}{'; …' if len(bad) > 8 else ''}; they are "
                               f"recorded with their status and stderr in {out / 'sweep.jsonl'}")
            found.failed = True
        if not any(p.status == "ok" for p in results.points):
            found.lines.append("no point of the sweep finished")
            found.failed = True
    mismatched = analysis.failed_checks()
    if mismatched:
        against = "their target's first run" if analysis.checked_own else "the CPU's eager loop"
        found.lines.append(f"{len(mismatched)} measured run(s) computed losses outside the tolerance of {against} "
                           f"and were left out: " + "; ".join(f"{c.target.key} {c.run} {c.point} {c.index}".replace("  ", " ")
                                                                for c in mismatched[:5]))
        found.failed = True
    if not any(t.status == "ok" for t in results.targets):
        found.lines.append("no target could run here; see the reasons above")
        found.failed = True
    return found
