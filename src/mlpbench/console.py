"""Terminal output: rich tables on a terminal, plain text otherwise; units chosen only here."""

from __future__ import annotations

import math
import sys
from typing import Any, Iterable, Sequence, TextIO


def format_seconds(seconds: float | None, digits: int = 3) -> str:
    """Seconds with a unit that keeps the number readable: 1.23 s, 45.6 ms, 7.89 µs."""
    if seconds is None or not math.isfinite(seconds):
        return "–"
    for scale, unit in ((1.0, "s"), (1e-3, "ms"), (1e-6, "µs"), (1e-9, "ns")):
        if abs(seconds) >= scale or unit == "ns":
            value = seconds / scale
            return f"{value:.{digits}g} {unit}" if abs(value) < 10**digits else f"{value:.0f} {unit}"
    raise AssertionError("unreachable")


def format_flops(rate: float | None) -> str:
    if rate is None or not math.isfinite(rate):
        return "–"
    for scale, unit in ((1e12, "TFLOP/s"), (1e9, "GFLOP/s"), (1e6, "MFLOP/s")):
        if rate >= scale:
            return f"{rate / scale:.3g} {unit}"
    return f"{rate:.3g} FLOP/s"


def format_ratio(ratio: float | None) -> str:
    return "–" if ratio is None or not math.isfinite(ratio) else f"{ratio:.2f}×"


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
