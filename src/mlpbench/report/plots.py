"""Plots as inline SVG, with matplotlib (imported only here, only when a report is written).

Text stays text in the SVG (``svg.fonttype = none``): it is small, searchable, and a Japanese
label is drawn by the reader's own fonts. Colours are fixed per target across every plot.
"""

from __future__ import annotations

import io
import math
import re
import warnings
from typing import Any

from mlpbench import analysis
from mlpbench.report.i18n import Texts

PALETTES = {
    "cpu": ["#1f77b4", "#6baed6", "#08519c", "#4292c6", "#9ecae1", "#2171b5"],
    "cuda": ["#e6550d", "#fd8d3c", "#a63603", "#fdae6b", "#d94801", "#f16913"],
    "mps": ["#31a354", "#74c476", "#006d2c", "#a1d99b"],
}
PHASE_COLOURS = {"import": "#9e9ac8", "device_check": "#fdd0a2", "process_group": "#c7e9c0", "device_init": "#e6550d", "data": "#bdbdbd", "to_device": "#fdae6b",
                 "setup": "#756bb1", "compile": "#de2d26", "train": "#3182bd", "eval": "#31a354", "other": "#d9d9d9"}
STACKED = ("import", "device_check", "process_group", "device_init", "data", "to_device", "setup", "compile", "train", "eval")


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams.update({
        "svg.fonttype": "none", "svg.hashsalt": "mlpbench",
        "font.family": "sans-serif",
        "font.sans-serif": ["DejaVu Sans", "Noto Sans CJK JP", "Hiragino Sans", "Yu Gothic", "Meiryo", "sans-serif"],
        "font.size": 9, "axes.spines.top": False, "axes.spines.right": False,
    })
    return plt


def colours(targets: list[tuple[str, str]]) -> dict[str, str]:
    """A stable colour per target: blues for CPUs, oranges for CUDA, greens for MPS."""
    used: dict[str, int] = {}
    out = {}
    for device, backend in targets:
        kind = device.split(":")[0]
        palette = PALETTES.get(kind, PALETTES["cpu"])
        out[analysis.key(device, backend)] = palette[used.get(kind, 0) % len(palette)]
        used[kind] = used.get(kind, 0) + 1
    return out


def to_svg(fig) -> str:
    plt = _pyplot()
    buf = io.StringIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # missing CJK glyphs in the layout font: the browser draws them
        fig.savefig(buf, format="svg", metadata={"Date": None}, bbox_inches="tight")
    plt.close(fig)
    svg = buf.getvalue()
    svg = svg[svg.index("<svg"):]
    svg = re.sub(r"<!--.*?-->\s*|<metadata>.*?</metadata>\s*", "", svg, flags=re.S)
    return re.sub(r'\s+xmlns:(?:dc|cc|rdf)="[^"]*"', "", svg)


def phases(doc: dict[str, Any], T: Texts) -> str | None:
    targets = [t for t in _targets(doc) if analysis.find(doc, *t, "cold", "total")]
    if not targets:
        return None
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(7.5, 0.55 * len(targets) + 1.4))
    labels = [analysis.key(*t) for t in targets]
    left = [0.0] * len(targets)
    for phase in (*STACKED, "other"):
        widths = []
        for i, t in enumerate(targets):
            if phase == "other":
                total = analysis.find(doc, *t, "cold", "total")["median"]
                widths.append(max(total - left[i], 0.0))
            else:
                m = analysis.find(doc, *t, "cold", phase)
                widths.append(m["median"] if m else 0.0)
        if not any(w > 0 for w in widths):
            continue
        name = T(f"phase.{phase}") if phase != "other" else T("plot.other")
        ax.barh(labels, widths, left=left, color=PHASE_COLOURS[phase], label=name, edgecolor="white", linewidth=0.5)
        left = [a + b for a, b in zip(left, widths)]
    ax.invert_yaxis()
    ax.set_xlabel(T("plot.seconds"))
    ax.legend(ncol=5, fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.25 if len(targets) < 3 else -0.12), frameon=False)
    return to_svg(fig)


def trials(doc: dict[str, Any], T: Texts) -> str | None:
    panels = [("cold", "wall", T("plot.cold_wall")), ("warm", "train", T("plot.warm_train"))]
    panels = [p for p in panels if any(m["mode"] == p[0] and m["phase"] == p[1] for m in doc.get("measurements", []))]
    if not panels:
        return None
    plt = _pyplot()
    targets = _targets(doc)
    colour = colours(targets)
    fig, axes = plt.subplots(1, len(panels), figsize=(7.5, 0.5 * len(targets) + 1.6), squeeze=False, sharey=True)
    for ax, (mode, phase, title) in zip(axes[0], panels):
        values = []
        for row, t in enumerate(targets):
            m = analysis.find(doc, *t, mode, phase)
            if not m:
                continue
            n = len(m["samples"])
            offsets = [((i * 0.618) % 1 - 0.5) * 0.35 for i in range(n)]  # deterministic jitter
            ax.scatter(m["samples"], [row + o for o in offsets], s=14, color=colour[analysis.key(*t)], alpha=0.8, zorder=3)
            ax.plot([m["median"]] * 2, [row - 0.3, row + 0.3], color="black", linewidth=1.5, zorder=4)
            low, high = m["ci95"]
            ax.plot([low, high], [row, row], color="black", linewidth=0.8, zorder=2)
            values += m["samples"]
        ax.set_yticks(range(len(targets)), [analysis.key(*t) for t in targets])
        ax.set_title(title, fontsize=9)
        if values and min(values) > 0 and max(values) / min(values) > 20:
            ax.set_xscale("log")
        ax.grid(axis="x", alpha=0.3)
    axes[0][0].invert_yaxis()
    return to_svg(fig)


def losses(doc: dict[str, Any], T: Texts) -> str | None:
    runs = doc.get("runs", {})
    curves = {}
    for key, run in runs.items():
        points = sorted((int(s), v) for s, v in run.get("train_loss", {}).items()
                        if isinstance(v, (int, float)) and math.isfinite(v) and v > 0)
        if points:
            curves[key] = points
    if not curves:
        return None
    plt = _pyplot()
    targets = list(dict.fromkeys(tuple(k.rsplit("/", 1)) for k in curves))
    colour = colours(targets)
    base = doc.get("baseline") or {}
    base_key = analysis.key(base.get("device", ""), base.get("backend", ""))
    reference = dict(curves.get(base_key, []))
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(7.5, 4.6), sharex=True, gridspec_kw={"height_ratios": [3, 1.3]})
    styles = ["-", "--", ":", "-."]
    for i, (key, points) in enumerate(curves.items()):
        steps, values = zip(*points)
        top.plot(steps, values, styles[i % len(styles)], marker="o", markersize=3, color=colour[key], label=key)
        if reference and key != base_key:
            diffs = [(s, abs(v - reference[s]) / reference[s]) for s, v in points if s in reference]
            if diffs:
                xs, ys = zip(*diffs)
                bottom.plot(xs, ys, styles[i % len(styles)], marker="o", markersize=3, color=colour[key])
    top.set_yscale("log")
    top.set_ylabel(T("plot.train_loss"))
    top.legend(fontsize=7, frameon=False)
    top.grid(alpha=0.3)
    bottom.ticklabel_format(axis="y", style="sci", scilimits=(-2, 2))
    bottom.set_ylim(bottom=0)
    bottom.set_ylabel(T("plot.rel_diff"))
    bottom.set_xlabel(T("plot.step"))
    bottom.grid(alpha=0.3)
    return to_svg(fig)


def _targets(doc: dict[str, Any]) -> list[tuple[str, str]]:
    return list(dict.fromkeys((m["device"], m["backend"]) for m in doc.get("measurements", []) if m["mode"] in ("cold", "warm")))


def _sweep_series(doc: dict[str, Any]) -> dict[str, list[tuple[float, float, dict]]]:
    sweep = doc["sweep"]
    parameter = sweep["parameter"]
    series: dict[str, list[tuple[float, float, dict]]] = {}
    for row in sweep.get("table", []):
        if row["status"] == "ok":
            series.setdefault(row["target"], []).append((row["point"][parameter], row["per_step"], row["point"]))
    return {k: sorted(v, key=lambda p: p[0]) for k, v in series.items()}


def sweep_time(doc: dict[str, Any], T: Texts) -> str | None:
    from mlpbench.config import WorkloadConfig
    from mlpbench.crossover import CostModel
    from mlpbench.sweep import apply

    series = _sweep_series(doc)
    if not series:
        return None
    plt = _pyplot()
    sweep = doc["sweep"]
    parameter = sweep["parameter"]
    colour = colours([tuple(k.rsplit("/", 1)) for k in series])
    base = WorkloadConfig.from_dict(doc["config"])
    fig, ax = plt.subplots(figsize=(7.5, 4.2))
    markers = "osD^v<>"
    for i, (target, points) in enumerate(series.items()):
        groups: dict[str, list] = {}
        for x, y, point in points:
            rest = ",".join(f"{k}={v:g}" for k, v in point.items() if k != parameter)
            groups.setdefault(rest, []).append((x, y, point))
        for j, (rest, pts) in enumerate(groups.items()):
            xs, ys = [p[0] for p in pts], [p[1] for p in pts]
            name = target + (f" ({rest})" if rest else "")
            ax.plot(xs, ys, markers[j % len(markers)], color=colour[target], label=name, markersize=5)
            model = sweep.get("models", {}).get(target)
            if model and len(xs) > 1:
                grid = [xs[0] * (xs[-1] / xs[0]) ** (k / 60) for k in range(61)]
                fixed = {k: v for k, v in pts[0][2].items() if k != parameter}
                cm = CostModel(**model)
                ax.plot(grid, [cm.predict(apply(base, {**fixed, parameter: g}).train_flops_per_step()) for g in grid],
                        "-", color=colour[target], alpha=0.6, linewidth=1)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel(parameter)
    ax.set_ylabel(T("plot.per_step"))
    ax.grid(alpha=0.3, which="both")
    ax.legend(fontsize=7, frameon=False)
    return to_svg(fig)


def sweep_speedup(doc: dict[str, Any], T: Texts) -> str | None:
    sweep = doc["sweep"]
    baseline = sweep.get("baseline")
    series = _sweep_series(doc)
    if not baseline or baseline not in series or len(series) < 2:
        return None
    parameter = sweep["parameter"]
    plt = _pyplot()
    colour = colours([tuple(k.rsplit("/", 1)) for k in series])
    fig, ax = plt.subplots(figsize=(7.5, 3.8))
    reference = {(x, tuple(sorted(p.items()))): y for x, y, p in series[baseline]}
    for target, points in series.items():
        if target == baseline:
            continue
        xs, ys = [], []
        for x, y, p in points:
            ref = reference.get((x, tuple(sorted(p.items()))))
            if ref:
                xs.append(x)
                ys.append(ref / y)
        if xs:
            ax.plot(xs, ys, "o-", color=colour[target], label=target, markersize=5)
    for c in sweep.get("crossovers", []):
        if c.get("value") and c["kind"] in ("steady", "end_to_end"):
            ax.axvline(c["value"], color=colour.get(c["device"], "black"), linestyle=":" if c["kind"] == "steady" else "--",
                       linewidth=1)
            ax.annotate(f"{c['kind']}: {c['value']:,.0f}", (c["value"], 1), textcoords="offset points",
                        xytext=(4, 6 if c["kind"] == "steady" else -14), fontsize=7)
    ax.axhline(1.0, color="grey", linestyle="--", linewidth=1)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel(parameter)
    ax.set_ylabel(T("plot.speedup"))
    ax.grid(alpha=0.3, which="both")
    ax.legend(fontsize=7, frameon=False)
    return to_svg(fig)


def scaling(doc: dict[str, Any], T: Texts) -> str | None:
    rows = doc.get("scaling") or []
    if len(rows) < 2:
        return None
    plt = _pyplot()
    fig, (left, right) = plt.subplots(1, 2, figsize=(7.5, 3.2))
    for i, device in enumerate(dict.fromkeys(r["device"] for r in rows)):
        mine = sorted((r for r in rows if r["device"] == device), key=lambda r: r["nproc"])
        colour = PALETTES.get(device.split(":")[0], PALETTES["cpu"])[0]
        n = [r["nproc"] for r in mine]
        left.plot(n, [r["train_s"] for r in mine], "o-", color=colour, label=device)
        right.plot(n, [100 * r["efficiency"] for r in mine], "o-", color=colour, label=device)
    left.set_xlabel(T("plot.ranks"))
    left.set_ylabel(T("plot.train_loop_s"))
    right.set_xlabel(T("plot.ranks"))
    right.set_ylabel(T("plot.efficiency"))
    right.axhline(100, color="grey", linestyle="--", linewidth=1)
    for ax in (left, right):
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7, frameon=False)
    return to_svg(fig)
