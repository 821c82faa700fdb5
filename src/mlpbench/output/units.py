"""Numbers for people: units are chosen here and nowhere else (seconds are floats everywhere)."""

from __future__ import annotations

import math


def format_seconds(seconds: float | None, digits: int = 3) -> str:
    """Seconds with a unit that keeps the number readable: 1.23 s, 45.6 ms, 7.89 µs."""
    if seconds is None or not math.isfinite(seconds):
        return "–"
    for scale, unit in ((1.0, "s"), (1e-3, "ms"), (1e-6, "µs"), (1e-9, "ns")):
        value = seconds / scale
        if _shown(value, digits) >= 1 or unit == "ns":
            return f"{_digits(value, digits)} {unit}"
    raise AssertionError("unreachable")


def _shown(value: float, digits: int = 3) -> float:
    """The magnitude as printed at these digits: 0.9996 shows as 1, so it takes the larger unit ("1 s", not
    "1e+03 ms")."""
    return abs(float(f"{value:.{digits}g}"))


def _digits(value: float, digits: int = 3) -> str:
    """``digits`` significant digits, and a number too large for them whole (1023 MiB, not 1.02e+03 MiB)."""
    return f"{value:.{digits}g}" if _shown(value, digits) < 10**digits else f"{value:.0f}"


def format_flops(rate: float | None) -> str:
    if rate is None or not math.isfinite(rate):
        return "–"
    for scale, unit in ((1e12, "TFLOP/s"), (1e9, "GFLOP/s"), (1e6, "MFLOP/s")):
        if _shown(rate / scale) >= 1:
            return f"{_digits(rate / scale)} {unit}"
    return f"{_digits(rate)} FLOP/s"


def format_ratio(ratio: float | None) -> str:
    """Three significant digits at most (0.98×, 11.4×, 65×, 0.0155×): a ratio of medians is no sharper,
    and a small one keeps its digits (0.0155×, not 0.02×, is 64.7× faster)."""
    if ratio is None or not math.isfinite(ratio):
        return "–"
    if 0 < abs(ratio) < 0.1:
        return f"{ratio:.3g}×"
    return f"{ratio:.2f}×" if ratio < 10 else f"{ratio:.1f}×" if ratio < 100 else f"{ratio:.0f}×"


def format_bytes(n: float | None) -> str:
    if n is None or not math.isfinite(n):
        return "–"
    for scale, unit in ((2**30, "GiB"), (2**20, "MiB"), (2**10, "KiB")):
        if _shown(n / scale) >= 1:
            return f"{_digits(n / scale)} {unit}"
    return f"{n:.0f} B"


def format_p(p: float | None) -> str:
    """A p-value as a sentence fragment: "p = 0.008", "p < 0.001", "p –" (none: too few samples)."""
    if p is None or math.isnan(p):
        return "p –"
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}" if p < 0.1 else f"p = {p:.2f}"


def format_percent(share: float | None, digits: int = 0) -> str:
    """A share as a percentage; one too small to show at these digits is "< 0.1 %", never "0.0 %", and one just
    short of the whole gets the digits that show it (99.6 %, never "100 %" for a device busy 35.3 of a 35.4 µs step)."""
    if share is None or not math.isfinite(share):
        return "–"
    smallest = 10.0 ** -digits
    if 0 < 100 * share < smallest / 2:
        return f"< {smallest:.{digits}f} %"
    while share < 1 and digits < 3 and f"{100 * share:.{digits}f}" == f"{100:.{digits}f}":
        digits += 1
    return f"{100 * share:.{digits}f} %"


def format_number(v: float | None) -> str:
    """A parameter value: 128,000 or 0.5."""
    if v is None or not math.isfinite(v):
        return "–"
    return f"{v:,.0f}" if abs(v) >= 10 or float(v).is_integer() else f"{v:.3g}"


def format_point(point: dict[str, float]) -> str:
    """A sweep's point in words: "n = 8,000, batch = 64"."""
    return ", ".join(f"{k} = {format_number(v)}" for k, v in point.items())


def format_steps(steps: float | None) -> str:
    """Steps after which something is repaid: whole steps, rounded up (3.4 steps are repaid during the 4th)."""
    if steps is None or not math.isfinite(steps):
        return "–"
    return format_number(math.ceil(steps))
