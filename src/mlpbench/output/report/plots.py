"""Plots as inline SVG, with matplotlib (imported only here, only when a report is written).

Text stays text in the SVG (``svg.fonttype = none``): it is small, searchable, and a Japanese
label is drawn by the reader's own fonts. Colours are fixed per target across every plot and per
phase across every bar; a measurement with many samples is drawn as its quantiles, so a plot's
size does not grow with the number of trials.
"""

from __future__ import annotations

import io
import math
import re
import warnings

import numpy as np

from mlpbench.output.i18n import Texts
from mlpbench.output.units import format_number, format_seconds
from mlpbench.output.words import Namer
from mlpbench.results.analysis import Analysis
from mlpbench.results.checks import late_floor, reference_for, references, relative_difference
from mlpbench.results.model import Results, Target
from mlpbench.results.sweep import SweepAnalysis
from mlpbench.stats.crossover import loglog_interpolator

PALETTES = {
    "cpu": ["#1f77b4", "#6baed6", "#08519c", "#4292c6", "#9ecae1", "#2171b5"],
    "cuda": ["#e6550d", "#fd8d3c", "#a63603", "#fdae6b", "#d94801", "#f16913"],
    "mps": ["#31a354", "#74c476", "#006d2c", "#a1d99b"],
    "script": ["#756bb1", "#9e9ac8", "#54278f", "#bcbddc"],
}
# One distinct colour per phase: start-up in purples, reds and browns, copies orange, training blue, evaluation green.
PHASE_COLOURS = {
    "interpreter": "#c7e9c0", "import": "#9467bd", "import_torch": "#3f007d", "device_check": "#f7b6d2",
    "process_group": "#98df8a", "device_init": "#d62728", "cuda_init": "#ff9896", "data": "#7f7f7f",
    "to_device": "#ff7f0e", "setup": "#ffbb78", "first_optimizer": "#8c564b", "compile": "#e377c2",
    "train": "#1f77b4", "eval": "#2ca02c", "rest": "#aec7e8", "other": "#dbdb8d",
    "after": "#e5e5e5", "exit": "#c7c7c7",
}
STACKED = ("interpreter", "import", "import_torch", "device_check", "process_group", "device_init", "cuda_init", "data",
           "to_device", "setup", "first_optimizer", "compile", "train", "eval", "rest")
MAX_POINTS = 200  # more samples than this are drawn as quantiles


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams.update({
        "svg.fonttype": "none", "svg.hashsalt": "mlpbench",
        "font.family": "sans-serif",
        "font.sans-serif": ["DejaVu Sans", "Noto Sans CJK JP", "Hiragino Sans", "Yu Gothic", "Meiryo", "sans-serif"],
        "font.size": 9, "axes.spines.top": False, "axes.spines.right": False, "legend.fontsize": 9,
    })
    return plt


def colours(targets: list[Target]) -> dict[Target, str]:
    """A stable colour per target: blues for CPUs, oranges for CUDA, greens for MPS, purples for scripts."""
    used: dict[str, int] = {}
    out = {}
    for target in targets:
        palette = PALETTES.get(target.kind, PALETTES["cpu"])
        out[target] = palette[used.get(target.kind, 0) % len(palette)]
        used[target.kind] = used.get(target.kind, 0) + 1
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


SEEN_SHARE = 0.01  # on the first screen, a phase thinner than 1 % of the longest bar is left out of the legend


def phases(results: Results, a: Analysis, T: Texts, compact: bool = False) -> str | None:
    """Stacked bars: the median of every cold phase, per target; the axis ends past the longest bar. The
    compact chart (the first screen) names in its legend only the phases wide enough to see; the full
    one, under Plots, names every phase."""
    targets = [t for t in a.targets if a.find(t, "cold", "total")]
    if not targets:
        return None
    plt = _pyplot()
    name = Namer(results, T)
    fig, ax = plt.subplots(figsize=(7.5, (0.42 if compact else 0.55) * len(targets) + (1.3 if compact else 1.6)))
    labels = [name.label(t) for t in targets]
    left = [0.0] * len(targets)
    totals = [a.find(t, "cold", "total").median for t in targets]  # type: ignore[union-attr]
    for phase in (*STACKED, "other", "after", "exit"):  # the exit last: the bar then ends where the whole process did
        widths = []
        for i, t in enumerate(targets):
            if phase == "other":  # each trial's own gap, its median: not the median total less the phases' medians
                widths.append(a.in_no_phase(t))
            else:
                m = a.find(t, "cold", phase)
                widths.append(m.median if m else 0.0)
        if not any(w > 0 for w in widths):
            continue
        seen = not compact or max(widths) >= SEEN_SHARE * max(totals)  # the first screen names what shows
        ax.barh(labels, widths, left=left, color=PHASE_COLOURS[phase], label=T.phase(phase) if seen else "_nolegend_",
                edgecolor="white", linewidth=0.5)
        left = [x + w for x, w in zip(left, widths)]
    ax.set_xlim(0, max(left) * 1.03)
    ax.invert_yaxis()
    ax.set_xlabel(T("plot.seconds"))
    ax.legend(ncol=4, loc="upper center", bbox_to_anchor=(0.5, -0.35 if len(targets) < 3 else -0.18), frameon=False)
    return to_svg(fig)


def _strip(ax, row: int, samples: list[float], colour: str) -> list[float]:
    """Every sample as a dot, or, past MAX_POINTS, its percentiles 0.5 % to 99.5 % (bounded size)."""
    values = list(samples) if len(samples) <= MAX_POINTS else list(np.percentile(samples, np.linspace(0.5, 99.5, MAX_POINTS)))
    offsets = [((i * 0.618) % 1 - 0.5) * 0.35 for i in range(len(values))]  # deterministic jitter
    ax.scatter(values, [row + o for o in offsets], s=12, color=colour, alpha=0.8, zorder=3, linewidths=0)
    return values


def trials(results: Results, a: Analysis, T: Texts) -> tuple[str, str] | None:
    """Every trial (cold: the whole process; warm: the training loop) with its median and interval.
    Returns the SVG and the caption key that names the panels actually drawn."""
    panels = [(mode, phase, title) for mode, phase, title in (("cold", "wall", "plot.cold_wall"), ("warm", "train", "plot.warm_train"))
              if any(a.find(t, mode, phase) for t in a.targets)]
    if not panels:
        return None
    plt = _pyplot()
    name = Namer(results, T)
    targets = a.targets
    colour = colours(targets)
    fig, axes = plt.subplots(1, len(panels), figsize=(7.5, 0.5 * len(targets) + 1.6), squeeze=False, sharey=True)
    for ax, (mode, phase, title) in zip(axes[0], panels):
        values: list[float] = []
        for row, t in enumerate(targets):
            m = a.find(t, mode, phase)
            if not m:  # a row left empty says so: this target had no trials of this kind
                ax.text(0.02, row, T(f"plot.no_{mode}"), transform=ax.get_yaxis_transform(), va="center",
                        fontsize=8, color="0.45", style="italic")
                continue
            values += _strip(ax, row, m.samples, colour[t])
            ax.plot([m.median] * 2, [row - 0.3, row + 0.3], color="black", linewidth=1.5, zorder=4)
            low, high = m.stats.ci
            ax.plot([low, high], [row, row], color="black", linewidth=0.8, zorder=2)
        ax.set_yticks(range(len(targets)), [name.label(t) for t in targets])
        ax.set_title(T(title), fontsize=9)
        if values and min(values) > 0 and max(values) / min(values) > 20:
            ax.set_xscale("log")
        ax.grid(axis="x", alpha=0.3)
    axes[0][0].invert_yaxis()
    return to_svg(fig), "plot.trials.both" if len(panels) == 2 else f"plot.trials.{panels[0][0]}"


MIN_LOGGED = 2  # logged steps a loss curve needs: one dot is no curve, and leaves the difference panel empty


def _loss_curves(a: Analysis) -> dict[Target, list[tuple[int, float]]]:
    curves = {}
    for t in a.targets:
        run = a.first_run(t)
        if run is None:
            continue
        points = sorted((s, v) for s, v in run.losses.items() if v is not None and math.isfinite(v) and v > 0)
        if points:
            curves[t] = points
    return curves


def losses_left_out(results: Results, a: Analysis, T: Texts) -> str | None:
    """Why there is no loss plot where every first run logged its loss at fewer than 2 steps (a run of fewer
    updates than the logging interval), else None."""
    curves = _loss_curves(a)
    if not curves or any(len(points) >= MIN_LOGGED for points in curves.values()):
        return None
    run = a.first_run(next(iter(curves)))
    config = run.config if run is not None and run.config is not None else results.config
    return T("plot.loss.too_few", steps=config.steps, every=config.log_every)


def loss_reference(results: Results, a: Analysis) -> tuple[dict[int, float], Target | None, bool]:
    """What the loss plot measures differences against: the checks' own reference (the CPU's eager loop)
    where every run is checked against it, else the baseline's first run. Returns its losses, the target
    whose curve it is (not drawn in the lower panel) and whether it is the checks' reference. A GPU-only
    run's plot measured against the GPU while the checks' table beside it measured against the CPU."""
    curves = _loss_curves(a)
    if not a.checked_own and curves:
        run = a.first_run(next(iter(curves)))
        found = reference_for(run.config if run is not None else None, references(results))
        if found is not None:
            points = {s: v for s, v in found.losses.items() if v is not None and math.isfinite(v) and v > 0}
            if points:
                return points, found.target if found.target in curves else None, True
    base = a.baseline
    return (dict(curves.get(base, [])) if base is not None else {}), base, False


def losses(results: Results, a: Analysis, T: Texts) -> str | None:
    """The logged train loss of every target's first run (top) and its relative difference to the reference's
    (``loss_reference``); None where no run logged its loss at 2 steps or more (``losses_left_out`` says why)."""
    curves = _loss_curves(a)
    if not curves or all(len(points) < MIN_LOGGED for points in curves.values()):
        return None
    plt = _pyplot()
    name = Namer(results, T)
    colour = colours(list(curves))
    reference, base, _ = loss_reference(results, a)
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(7.5, 4.6), sharex=True, gridspec_kw={"height_ratios": [3, 1.3]})
    styles = ["-", "--", ":", "-."]
    for i, (t, points) in enumerate(curves.items()):
        steps, values = zip(*points)
        top.plot(steps, values, styles[i % len(styles)], marker="o", markersize=3, color=colour[t], label=name.label(t))
        if reference and t != base:
            diffs = loss_differences(reference, points)
            if diffs:
                xs, ys = zip(*diffs)
                bottom.plot(xs, ys, styles[i % len(styles)], marker="o", markersize=3, color=colour[t])
    top.set_yscale("log")
    top.set_ylabel(T("plot.train_loss"))
    top.legend(frameon=False)
    top.grid(alpha=0.3)
    bottom.ticklabel_format(axis="y", style="sci", scilimits=(-2, 2))
    bottom.set_ylim(bottom=0)
    bottom.set_ylabel(T("plot.rel_diff"))  # short: a long label runs into the panel above; the caption says how
    bottom.set_xlabel(T("plot.step"))
    bottom.grid(alpha=0.3)
    return to_svg(fig)


def loss_differences(reference: dict[int, float], points: list[tuple[int, float]]) -> list[tuple[int, float]]:
    """Each logged loss's difference from the reference's at the same step, as the checks measure it
    (``checks.relative_difference``): relative to the reference's loss, or to 1 % of its first loss where
    the loss has fallen below that."""
    floor = late_floor(reference[min(reference)]) if reference else 0.0
    found = [(step, relative_difference(value, reference[step], floor)) for step, value in points if step in reference]
    return [(step, d) for step, d in found if math.isfinite(d)]


def scaling(results: Results, a: Analysis, T: Texts) -> str | None:
    rows = a.scaling()
    if len(rows) < 2:
        return None
    plt = _pyplot()
    fig, (left, right) = plt.subplots(1, 2, figsize=(7.5, 3.2))
    for device in dict.fromkeys(r.device for r in rows):
        mine = sorted((r for r in rows if r.device == device), key=lambda r: r.ranks)
        colour = PALETTES.get(device.split(":")[0], PALETTES["cpu"])[0]
        n = [r.ranks for r in mine]
        left.plot(n, [r.train_s for r in mine], "o-", color=colour, label=device)
        right.plot(n, [100 * r.efficiency for r in mine], "o-", color=colour, label=device)
    left.set_xlabel(T("plot.ranks"))
    left.set_ylabel(T("plot.train_loop_s"))
    right.set_xlabel(T("plot.ranks"))
    right.set_ylabel(T("plot.efficiency"))
    right.axhline(100, color="grey", linestyle="--", linewidth=1)
    for ax in (left, right):
        ax.grid(alpha=0.3)
        ax.legend(frameon=False)
    return to_svg(fig)


def sweep_time(results: Results, sweep: SweepAnalysis, T: Texts) -> tuple[str, str] | None:
    """Time per step against the swept parameter, log-log, with each target's fitted cost model where it
    fits (a model the text rejects is not drawn as if it held). Returns the SVG and the caption key
    (which model lines were drawn)."""
    targets = sweep.targets
    if not targets:
        return None
    plt = _pyplot()
    name = Namer(results, T)
    colour = colours(targets)
    fig, ax = plt.subplots(figsize=(7.5, 4.2))
    markers = "osD^v<>"
    modelled = rejected = False
    for target in targets:
        for j, context in enumerate(sweep.contexts()):
            series = sweep.series(target, context)
            if not series:
                continue
            xs = sorted(series)
            label = name.label(target) + (f" ({','.join(f'{k}={v:g}' for k, v in context.items())})" if context else "")
            ax.plot(xs, [series[x].per_step.median for x in xs], markers[j % len(markers)], color=colour[target],  # type: ignore[union-attr]
                    label=label, markersize=5)
            model = sweep.models.get(target)
            flops = [series[x].flops_per_step for x in xs]
            if model is not None and not model.fits:
                rejected = True
            elif model is not None and len(xs) > 1 and all(flops):
                flops_of = loglog_interpolator(xs, flops)  # type: ignore[arg-type]
                grid = np.geomspace(xs[0], xs[-1], 61)
                ax.plot(grid, [model.predict(flops_of(g)) for g in grid], "-", color=colour[target], alpha=0.6, linewidth=1)
                modelled = True
    ax.yaxis.set_major_formatter(_seconds_formatter())
    caption = "plot.sweep_time" + (".models" if modelled else "") + (".rejected" if rejected else "")
    return _loglog(fig, ax, sweep.parameter, T("plot.per_step")), caption


def _seconds_formatter():
    """Log-axis ticks in readable units (1 ms, 10 µs) rather than powers of ten."""
    from matplotlib.ticker import FuncFormatter

    return FuncFormatter(lambda value, _: format_seconds(value) if value > 0 else "")


def sweep_speedup(results: Results, sweep: SweepAnalysis, T: Texts) -> tuple[str, str] | None:
    """Speed-up over the baseline per point (the points only: between them nothing was measured);
    resolved crossovers marked, unresolved brackets shaded. Returns the SVG and the caption key
    (which marks were drawn)."""
    base = sweep.baseline
    if base is None or len(sweep.targets) < 2:
        return None
    plt = _pyplot()
    name = Namer(results, T)
    colour = colours(sweep.targets)
    fig, ax = plt.subplots(figsize=(7.5, 3.8))
    drawn = False
    for target in sweep.targets:
        if target == base:
            continue
        for context in sweep.contexts():
            mine, theirs = sweep.series(target, context), sweep.series(base, context)
            xs = sorted(set(mine) & set(theirs))
            if xs:
                ys = [theirs[x].per_step.median / mine[x].per_step.median for x in xs]  # type: ignore[union-attr]
                ax.plot(xs, ys, "o", color=colour[target], label=name.label(target), markersize=6)
                drawn = True
    marked, shaded = False, False
    for f in sweep.findings:
        c = f.crossover
        if f.kind != "steady":  # the axis is the per-step speed-up: the whole job's crossover is in the text
            continue
        if c.where == "inside" and c.value:
            ax.axvline(c.value, color=colour.get(f.target, "black"), linestyle=":", linewidth=1)
            ax.annotate(format_number(float(f"{c.value:.2g}")), (c.value, 1), textcoords="offset points", xytext=(4, 6),
                        fontsize=8)
            marked = True
        elif c.where == "between" and c.bracket:
            ax.axvspan(*c.bracket, color=colour.get(f.target, "grey"), alpha=0.08)
            shaded = True
    if not drawn:
        plt.close(fig)
        return None
    ax.axhline(1.0, color="grey", linestyle="--", linewidth=1)
    caption = "plot.sweep_speedup" + (".marked" if marked else "") + (".shaded" if shaded else "")
    return _loglog(fig, ax, sweep.parameter, T("plot.speedup")), caption


def _loglog(fig, ax, xlabel: str, ylabel: str) -> str:
    """A sweep plot's axes: log-log, labelled, gridded, with its legend."""
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.grid(alpha=0.3, which="both")
    ax.legend(frameon=False)
    return to_svg(fig)


def inside_step(results: Results, a: Analysis, T: Texts) -> tuple[str, str] | None:
    """One bar per profiled target: where a step's time went. A GPU: the device computing against
    waiting (of the warm step time); otherwise (the CPU, or a GPU whose device time was not caught):
    matrix multiplies, the optimizer and the rest of the host's time under the profiler. The two kinds
    of bar share no colour."""
    rows = []
    for warm in results.warm:
        profile = warm.record.profile if warm.record is not None else None
        if profile is None:
            continue
        if (busy := a.busy_share(warm.target)) is not None:
            rows.append((warm.target, [("plot.busy", busy, "#2ca02c"), ("plot.waiting", 1 - busy, "#eeeeee")]))
        elif profile.host_self_s > 0:
            matmul = profile.matmul_s / profile.host_self_s
            optimizer = (profile.optimizer_s or 0.0) / profile.host_self_s
            rows.append((warm.target, [("plot.matmul", matmul, "#1f77b4"), ("plot.optimizer", optimizer, "#ff7f0e"),
                                       ("plot.framework", max(0.0, 1 - matmul - optimizer), "#a6a6a6")]))
    if not rows:
        return None
    plt = _pyplot()
    name = Namer(results, T)
    fig, ax = plt.subplots(figsize=(7.5, 0.5 * len(rows) + 1.4))
    labels = [name.label(t) for t, _ in rows]
    seen: set[str] = set()
    for i, (_, parts) in enumerate(rows):
        left = 0.0
        for key, share, colour in parts:
            ax.barh(i, 100 * share, left=100 * left, color=colour, edgecolor="white", linewidth=0.5,
                    label=T(key) if key not in seen else None)
            seen.add(key)
            left += share
    ax.set_yticks(range(len(rows)), labels)
    ax.set_xlim(0, 100)
    ax.invert_yaxis()
    ax.set_xlabel(T("plot.share_of_step"))
    ax.legend(ncol=3, loc="upper center", bbox_to_anchor=(0.5, -0.35 if len(rows) < 3 else -0.2), frameon=False)
    kinds = {"gpu" if parts[0][0] == "plot.busy" else "cpu" for _, parts in rows}
    return to_svg(fig), "plot.inside_step" if len(kinds) == 2 else f"plot.inside_step.{kinds.pop()}"
