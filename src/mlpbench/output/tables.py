"""Presentation-neutral tables of a results file, shared by the terminal, ``compare`` and the report.

Each function returns a ``Table`` of strings; ``console`` prints it, the report renders it as
Markdown or HTML. Every label comes from the catalogue, so the report can be in either language.
Every interval is shown with its true coverage; every verdict is the one rule's.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from pathlib import PurePath

from mlpbench.output.i18n import Texts
from mlpbench.output.units import (format_bytes, format_flops, format_p, format_percent, format_point, format_ratio,
                                   format_seconds)
from mlpbench.output.words import Namer
from mlpbench.results.analysis import Analysis, ordered_phases
from mlpbench.results.model import CUMULATIVE_RSS, Measurement, Results
from mlpbench.stats.compare import Comparison, compare, in_family


@dataclass
class Table:
    title: str
    headers: list[str]
    rows: list[list[str]]
    caption: str | None = None
    anchor: str = ""
    text_columns: bool = False  # True: every column holds text and is left-aligned
    notes: list[str] = field(default_factory=list)


def with_interval(m: Measurement | None) -> str:
    if m is None:
        return "–"
    if m.stats.n < 2:  # one trial has no interval
        return f"{format_seconds(m.median)} [–]"
    low, high = m.stats.ci
    return f"{format_seconds(m.median)} [{format_seconds(low)}, {format_seconds(high)}]"


def coverage(m: Measurement | None) -> str:
    if m is None or m.stats.n < 2:
        return "–"
    percent = 100 * m.stats.ci_coverage
    return format_percent(m.stats.ci_coverage, 0 if round(percent, 1).is_integer() else 1)


def verdict_word(c: Comparison, T: Texts) -> str:
    return T(f"verdict.{c.verdict}")


def figure_name(mode: str, phase: str, T: Texts) -> str:
    key = f"figure.{mode}.{phase}"
    return T(key) if T.has(key) else f"{T(f'mode.{mode}')} · {T.phase(phase)}"


def cold_table(results: Results, a: Analysis, T: Texts) -> Table:
    name = Namer(results, T)
    rows = []
    for target in a.targets:
        wall = a.find(target, "cold", "wall")
        if wall is None:
            continue
        total, own, train = (a.find(target, "cold", p) for p in ("total", "seed_time", "train"))
        failed = sum(1 for t in results.cold if t.target == target and (t.status != "ok" or not _passed(a, t)))
        rows.append([name.label(target), with_interval(wall), coverage(wall), with_interval(total),
                     format_seconds(own.median if own else None), format_seconds(train.median if train else None),
                     str(wall.stats.n), str(failed)])
    for target in dict.fromkeys(t.target for t in results.cold if t.target not in a.targets):  # no trial counted
        failed = sum(1 for t in results.cold if t.target == target and (t.status != "ok" or not _passed(a, t)))
        rows.append([name.label(target), "–", "–", "–", "–", "–", "0", str(failed)])
    return Table(T("table.cold"), [T("col.target"), T("col.process"), T("col.coverage"), T("col.inside"),
                                   T("col.own_figure"), T("col.train"), "n", T("col.failed")],
                 rows, caption=T("table.cold.caption"), anchor="cold")


def _passed(a: Analysis, trial) -> bool:
    """A finished trial whose run passed its loss check (one that failed it is left out, as one that failed)."""
    return trial.record is not None and all(c.passed for c in a.checks.get(id(trial.record), []))


def phase_table(results: Results, a: Analysis, T: Texts) -> Table:
    name = Namer(results, T)
    targets = [t for t in a.targets if a.find(t, "cold", "total")]
    phases = ordered_phases(p for t in targets for p in a.phases_of(t))
    rows = []
    shares = {t: a.phase_shares(t) for t in targets}
    for phase in phases:
        row = [T.phase(phase)]
        for target in targets:
            m, share = a.find(target, "cold", phase), shares[target].get(phase)
            if m is None:
                row.append("–")
            elif share is None:
                row.append(format_seconds(m.median))
            else:
                row.append(f"{format_seconds(m.median)} ({format_percent(share)})")
        rows.append(row)
    over = [t for t in targets if a.phase_sum(t) > a.find(t, "cold", "total").median]  # type: ignore[union-attr]
    caption = T("table.phases.caption", targets=T.join(name.label(t) for t in over)) if over else None
    return Table(T("table.phases"), [T("col.phase")] + [name.label(t) for t in targets], rows, caption=caption,
                 anchor="phases")


def warm_table(results: Results, a: Analysis, T: Texts) -> Table:
    name = Namer(results, T)
    rows = []
    for warm in results.warm:
        m = a.find(warm.target, "warm", "train")
        record = warm.record
        if m is None or record is None or record.warm is None:
            rows.append([name.label(warm.target), T(f"status.{warm.status}") if warm.status != "ok" else T("status.mismatch"),
                         "–", "–", "–", "–", "–"])
            continue
        step = a.per_step(warm.target, "warm")
        rate = record.flops_per_step / step[0] if step and record.flops_per_step else None
        rows.append([name.label(warm.target), with_interval(m), coverage(m), format_seconds(step[0] if step else None),
                     format_flops(rate), str(m.stats.n), T(f"stopped.{record.warm.stopped_by}")])
    return Table(T("table.warm"), [T("col.target"), T("col.loop"), T("col.coverage"), T("col.per_step"),
                                   T("col.achieved"), "n", T("col.stopped_by")], rows, anchor="warm")


def _family_columns(comparisons: list[Comparison], T: Texts) -> tuple[list[Comparison], list[str]]:
    """The comparisons adjusted together, and the p column(s) to show: the p-value alone, then, where
    the table holds several tests, the adjusted one the verdict reads."""
    adjusted = in_family(comparisons)
    family = max((c.family for c in adjusted), default=1)
    return adjusted, ["p", *([T("col.p_family", n=family)] if family > 1 else [])]


def _p_cells(c: Comparison, columns: list[str]) -> list[str]:
    return [format_p(c.p_value), *([format_p(c.p_family)] if len(columns) > 1 else [])]


def _family_caption(caption: str, columns: list[str], T: Texts, *more: str) -> str:
    """A caption with the adjustment explained, clause after clause (captions carry no final stop)."""
    if len(columns) < 2:
        return caption
    return ("。" if T.lang == "ja" else "; ").join([caption, T("table.family.caption"), *(T(k) for k in more)])


def comparison_table(results: Results, a: Analysis, T: Texts, headline_only: bool = True) -> Table:
    name = Namer(results, T)
    found = a.comparisons(headline_only)
    adjusted, p_columns = _family_columns([c for *_, c in found], T)
    rows = []
    for (target, mode, phase, _), c in zip(found, adjusted):
        low, high = c.ci if c.ci else (None, None)
        rows.append([name.label(target), figure_name(mode, phase, T), format_ratio(c.ratio),
                     f"[{format_ratio(low)}, {format_ratio(high)}]", format_ratio(c.speedup), *_p_cells(c, p_columns),
                     verdict_word(c, T)])
    base = name.label(a.baseline) if a.baseline else "–"
    caption = T("table.comparison.caption")
    if not results.config.is_builtin and any(t.is_script for t, *_ in found) and a.baseline and not a.baseline.is_script:
        caption = ("。" if T.lang == "ja" else "; ").join(
            [caption, T("table.comparison.scripts", workload=PurePath(results.config.workload or "").name)])
    return Table(T("table.comparison", baseline=base), [T("col.target"), T("col.figure"), T("col.ratio"),
                                                         T("col.ratio_interval"), T("col.speedup"), *p_columns,
                                                         T("col.verdict")],
                 rows, caption=_family_caption(caption, p_columns, T,
                                                  "table.family.first_screen"), anchor="comparison")


def scaling_table(results: Results, a: Analysis, T: Texts) -> Table:
    rows = [[r.device, str(r.ranks), f"{format_seconds(r.train_s)} ({T(f'mode.{r.mode}')})", format_ratio(r.speedup),
             format_percent(r.efficiency), format_percent(r.allreduce_share)] for r in a.scaling()]
    return Table(T("table.scaling"), [T("col.device"), T("col.ranks"), T("col.loop"), T("col.speedup"),
                                      T("col.efficiency"), T("col.allreduce")], rows,
                 caption=T("table.scaling.caption"), anchor="scaling")


def memory_table(results: Results, a: Analysis, T: Texts) -> Table:
    """Peak memory of each target's first complete run: host resident set and device allocator."""
    name = Namer(results, T)
    rows, cumulative = [], False
    for target in a.targets:
        record = a.first_run(target)
        memory = record.memory if record is not None else None
        if memory is None:
            continue
        rss = format_bytes(memory.peak_rss_bytes)
        if record is not None and record.facts.get("peak_rss") == CUMULATIVE_RSS and memory.peak_rss_bytes is not None:
            rss, cumulative = T("table.memory.cumulative", rss=rss), True
        rows.append([name.label(target), rss, format_bytes(memory.device_allocated_bytes),
                     format_bytes(memory.device_reserved_bytes)])
    caption = T("table.memory.caption") + (T("table.memory.caption.cumulative") if cumulative else "")
    return Table(T("table.memory"), [T("col.target"), T("col.rss"), T("col.allocated"), T("col.reserved")], rows,
                 caption=caption, anchor="memory")


def profile_table(results: Results, a: Analysis, T: Texts) -> Table:
    """Inside one step, from each warm set's profile (after its timed trials)."""
    name = Namer(results, T)
    rows = []
    invalid = False
    for warm in results.warm:
        profile = warm.record.profile if warm.record is not None else None
        if profile is None:
            continue
        share = a.busy_share(warm.target)
        invalid = invalid or not profile.device_figures_valid
        rows.append([name.label(warm.target), f"{profile.ops_per_step:.0f}",
                     f"{profile.kernels_per_step:.0f}" if profile.kernels_per_step is not None else "–",
                     format_seconds(profile.busy_s), format_percent(share) if share is not None else "–",
                     format_seconds(profile.gap_s), format_seconds(profile.profiled_step_s),
                     format_percent(profile.matmul_s / profile.host_self_s) if profile.host_self_s else "–"])
    return Table(T("table.profile"), [T("col.target"), T("col.ops"), T("col.kernels"), T("col.busy"), T("col.busy_share"),
                                      T("col.gap"), T("col.profiled_step"), T("col.matmul_share")], rows,
                 caption=T("table.profile.caption") + (T("table.profile.invalid") if invalid else ""), anchor="profile")


def energy_table(results: Results, a: Analysis, T: Texts) -> Table:
    """Joules per training run of the warm trials, where the machine has a counter; why not, where not."""
    name = Namer(results, T)
    rows = []
    for warm in results.warm:
        energy = warm.record.warm.energy if warm.record is not None and warm.record.warm is not None else None
        if energy is None:
            continue
        why = T.join(T("energy.unavailable", what=k, reason=v) for k, v in energy.unavailable.items())
        rows.append([name.label(warm.target), f"{energy.gpu_joules:.3g} J" if energy.gpu_joules is not None else "–",
                     f"{energy.cpu_joules:.3g} J" if energy.cpu_joules is not None else "–", why or "–"])
    return Table(T("table.energy"), [T("col.target"), T("col.gpu_energy"), T("col.cpu_energy"), T("col.energy_note")],
                 rows, caption=T("table.energy.caption"), anchor="energy")


def checks_table(results: Results, a: Analysis, T: Texts) -> Table:
    """Every measured run's losses against the CPU's eager loop: how many, the worst, and the result."""
    name = Namer(results, T)
    rows = []
    for target in a.targets:
        checks = [c for cs in a.checks.values() for c in cs if c.target == target]
        if not checks:
            continue
        failed = [c for c in checks if not c.passed]
        early, late = checks[0].tolerance
        rows.append([name.label(target), str(len(checks)), f"{max(c.worst_early for c in checks):.1e}",
                     f"{max(c.worst for c in checks):.1e}", f"{early:g} / {late:g}",
                     T("check.passed") if not failed else T("check.failed", n=len(failed))])
    return Table(T("table.checks.own" if a.checked_own else "table.checks"), [T("col.target"), T("col.runs"), T("col.worst_early"), T("col.worst"),
                                     T("col.tolerance"), T("col.result")], rows,
                 caption=T("table.checks.caption"), anchor="checks")


# Phases no workload setting changes (the interpreter, torch, the device, the first optimizer's imports): compared
# whatever two files measured; where only the number of steps differs, every figure it does not change, and the warm
# training loop per step (a cold one spreads its first steps' costs over the steps); the rest not at all. A script's
# figures are compared always: no setting of mlpbench's reaches it.
SAME_WORK = ("import", "device_check", "process_group", "device_init", "first_optimizer", "interpreter",
             "import_torch", "cuda_init")
BY_STEPS = ("train", "total", "seed_time", "wall")  # the figures the number of steps changes


def compare_table(a: Results, b: Results, name_a: str, name_b: str, T: Texts | None = None) -> Table:
    """Every figure present in both files: B against A (``mlpbench compare``). Where the files measured different
    work (other settings), a figure that depends on them gets no verdict ("different work"), and the training loop
    is compared per step where only the number of steps differs."""
    T = T or Texts("en")
    first, second = Analysis(a), Analysis(b)
    namer = Namer(b, T)
    differ = {k for k, _, _ in _differing(a, b)}
    found, apart = [], []
    for (target, mode, phase), mb in second.measurements.items():
        ma = first.find(target, mode, phase)
        if ma is None or ma.median <= 0:
            continue
        if not differ or target.is_script or phase in SAME_WORK or (differ == {"steps"} and phase not in BY_STEPS):
            found.append((target, figure_name(mode, phase, T), ma.samples, mb.samples))
        elif differ == {"steps"} and phase == "train" and mode == "warm":
            found.append((target, T("figure.per_step", figure=figure_name(mode, phase, T)),
                          [s / a.config.steps for s in ma.samples], [s / b.config.steps for s in mb.samples]))
        else:
            apart.append((target, figure_name(mode, phase, T), ma.median, mb.median))
    found += _sweep_points(a, b, differ, T)
    compared = [compare(mb, ma) for *_, ma, mb in found]
    adjusted, p_columns = _family_columns(compared, T)
    rows = []
    for (target, figure, ma, mb), c in zip(found, adjusted):
        low, high = c.ci if c.ci else (None, None)
        rows.append([namer.label(target), figure, format_seconds(statistics.median(ma)),
                     format_seconds(statistics.median(mb)),
                     format_ratio(c.ratio), f"[{format_ratio(low)}, {format_ratio(high)}]", *_p_cells(c, p_columns),
                     verdict_word(c, T)])
    for target, figure, ma, mb in apart:
        rows.append([namer.label(target), figure, format_seconds(ma), format_seconds(mb), format_ratio(mb / ma), "–",
                     *["–"] * len(p_columns), T("verdict.different_work")])
    return Table(T("table.compare", a=name_a, b=name_b), [T("col.target"), T("col.figure"), T("col.a_median"),
                                                          T("col.b_median"), "B / A", T("col.ratio_interval"),
                                                          *p_columns, T("col.verdict")],
                 rows, caption=_family_caption(("。" if T.lang == "ja" else "; ").join(
                     [T("table.compare.caption", a=name_a, b=name_b), *([T("table.compare.different")] if apart else [])]),
                     p_columns, T))


def _sweep_points(a: Results, b: Results, differ: set[str], T: Texts) -> list[tuple]:
    """Two sweeps' points measured in both, per step once warm (a point's own settings are its configuration:
    only a difference in what no point sets makes them other work)."""
    fields = {"n": "n", "batch": "batch_size", "steps": "steps", "width": "hidden"}  # what each point sets itself
    if a.kind != "sweep" or b.kind != "sweep":
        return []
    varied = {fields.get(k, k) for r in (a, b) for k in getattr(r.plan, "vary", {})}
    if differ - varied - {"steps", "log_every"}:  # the number of updates changes no step; the rest is other work
        return []
    from mlpbench.results.model import point_label
    from mlpbench.results.sweep import SweepAnalysis

    first = {(point_label(r.point), r.target): r for r in SweepAnalysis(a).rows if r.per_step is not None}
    out = []
    for row in SweepAnalysis(b).rows:
        other = first.get((point_label(row.point), row.target))
        if row.per_step is not None and other is not None and other.per_step is not None:
            figure = T("figure.point_step", point=format_point(row.point))
            out.append((row.target, figure, other.per_step.samples, row.per_step.samples))
    return out


def _differing(a: Results, b: Results) -> list[tuple[str, object, object]]:
    """The workload settings two results files differ in: (name, A's, B's)."""
    import msgspec

    first, second = msgspec.structs.asdict(a.config), msgspec.structs.asdict(b.config)
    return [(k, first[k], second[k]) for k in first if first[k] != second[k]]


def config_differences(a: Results, b: Results) -> list[str]:
    """The workload settings in which two results files differ ("steps 1001 in A, 201 in B")."""
    return [f"{k} {x} in A, {y} in B" for k, x, y in _differing(a, b)]
