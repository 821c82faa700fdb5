"""The sweep's part of the report: where the GPU wins in words (claimed only where the points decide
it), the per-point table, the cost models, and the plots."""

from __future__ import annotations

from mlpbench.output.i18n import Texts
from mlpbench.output.report import plots
from mlpbench.output.report.model import Bullets, Figure, Paragraph, Section, TableBlock
from mlpbench.output.tables import Table, coverage, with_interval
from mlpbench.output.units import (format_flops, format_number, format_percent, format_point, format_ratio,
                                   format_seconds, format_steps)
from mlpbench.output.words import Namer
from mlpbench.results.analysis import Analysis
from mlpbench.results.model import Results, SweepPlan, Target, point_label
from mlpbench.results.sweep import Finding, SweepAnalysis
from mlpbench.stats.compare import trials_for_significance
from mlpbench.stats.crossover import GOOD_ERROR, GOOD_R2, Crossover


def _context(context: dict[str, float], T: Texts) -> str:
    return T("sweep.context", context=point_label(context)) if context else ""


def _values(values: tuple[float, ...], T: Texts) -> str:
    return T.join(format_number(v) for v in values) or "–"


def _two_digits(value: float) -> float:
    """An interpolated value to two significant digits: between two measured points it is no sharper."""
    return float(f"{value:.2g}")


def _decides_alike(a: Crossover, b: Crossover) -> bool:
    """Two crossovers that say the same: the same points decided the same way (the per-step finding then
    repeats the whole job's word for word)."""
    return (a.where, a.decided_faster, a.decided_slower) == (b.where, b.decided_faster, b.decided_slower) \
        and a.where not in ("inside", "between")


def finding_sentence(f: Finding, parameter: str, name: Namer, T: Texts) -> str:
    return T.cap(_finding(f, parameter, name, T))


def _finding(f: Finding, parameter: str, name: Namer, T: Texts) -> str:
    c = f.crossover
    args = dict(gpu=name(f.target), cpu=name(f.baseline), parameter=parameter, context=_context(f.context, T),
                low=format_number(c.low), high=format_number(c.high), kind=T(f"kind.{f.kind}"))
    if c.where == "inside" and c.bracket:
        key = f"sweep.inside.{f.kind}" + (".behind" if c.direction == "falls_behind" else "")
        return T(key, value=format_number(_two_digits(c.value)), a=format_number(c.bracket[0]),
                 b=format_number(c.bracket[1]), **args)
    if c.where == "between" and c.bracket:
        return T("sweep.between", a=format_number(c.bracket[0]), b=format_number(c.bracket[1]), **args)
    if c.where == "faster_throughout":
        return T("sweep.faster_throughout", **args)
    if c.where == "slower_throughout":
        return T("sweep.slower_throughout", **args)
    decided = [T(f"sweep.decided_{side}", gpu=name(f.target), parameter=parameter, values=_values(values, T))
               for side, values in (("faster", c.decided_faster), ("slower", c.decided_slower)) if values]
    return T("sweep.mixed" if c.where == "mixed" else "sweep.undecided", decided=T.join(decided) or T("sweep.decided_none"),
             **args)


def _growth(sweep: SweepAnalysis, name: Namer, T: Texts) -> list[str]:
    """How the time per step grew against the arithmetic, for the GPU and the CPU, over the same points: a
    step whose time does not follow its arithmetic is set by something else (launches, dispatch)."""
    out = []
    base = sweep.baseline
    for target in sweep.targets:
        if target == base or not target.is_gpu or base is None:
            continue
        for context in sweep.contexts():
            common = sorted(set(sweep.series(target, context)) & set(sweep.series(base, context)))
            if len(common) < 2:
                continue
            low, high = common[0], common[-1]
            mine, theirs = sweep.growth(target, context, low, high), sweep.growth(base, context, low, high)
            if mine is None or theirs is None:
                continue
            out.append(T("sweep.growth", parameter=sweep.parameter, a=format_number(low), b=format_number(high),
                         context=_context(context, T), work=format_ratio(mine[0]), gpu=name(target),
                         gpu_growth=format_ratio(mine[1]), cpu=name(base), cpu_growth=format_ratio(theirs[1])))
    return out


def findings(results: Results, a: Analysis, T: Texts, sweep: SweepAnalysis | None = None) -> list[str]:
    """The crossover sentences: the sweep report's summary and first screen."""
    sweep = sweep or SweepAnalysis(results, a)
    name = Namer(results, T)
    if not any(t.is_gpu for t in sweep.targets):
        return [T("sweep.no_gpu")]
    if sweep.baseline is None:
        return [T("sweep.no_baseline")]
    out = []
    told: set[tuple[str, str, float, str]] = set()  # too few trials already named (target, context, value, side)
    whole = {(f.target, point_label(f.context)): f.crossover for f in sweep.findings if f.kind == "end_to_end"}
    # The whole job first: it is the user's question (their script, start-up included).
    for f in sorted(sweep.findings, key=lambda f: f.kind != "end_to_end"):
        same = whole.get((f.target, point_label(f.context)))
        if f.kind == "steady" and same is not None and _decides_alike(same, f.crossover):
            out.append(T("sweep.steady_alike", context=_context(f.context, T)))
        else:
            out.append(finding_sentence(f, sweep.parameter, name, T))
        if f.kind == "steady" and f.target in sweep.models and f.baseline in sweep.models:
            if not f.models_fit:
                fits = ("。" if T.lang == "ja" else "; ").join(T("sweep.fit", target=name(t), r2=f"{sweep.models[t].r2:.2f}",
                                  error=format_percent(sweep.models[t].max_rel_error)) for t in (f.baseline, f.target))
                out.append(T("sweep.model_poor", fits=fits, r2=f"{GOOD_R2:g}", error=format_percent(GOOD_ERROR)))
            elif f.predicted is not None:
                out.append(T("sweep.predicted", parameter=sweep.parameter, value=format_number(f.predicted)))
            else:
                out.append(T("sweep.predicted_none"))
    # after the findings, per step first: the same side of a point twice is said once
    for f in sorted(sweep.findings, key=lambda f: f.kind != "steady"):
        for side in ("slower", "faster"):
            values = [x for x, s in f.too_few if s == side and (f.target.key, point_label(f.context), x, s) not in told]
            if values:
                told.update((f.target.key, point_label(f.context), x, side) for x in values)
                out.append(T.cap(T("sweep.too_few", kind=T(f"kind.short.{f.kind}"), gpu=name(f.target),
                                   cpu=name(f.baseline), parameter=sweep.parameter, side=T(f"sweep.side.{side}"),
                                   values=_values(tuple(values), T), context=_context(f.context, T),
                                   need=trials_for_significance())))
    out += _growth(sweep, name, T)
    repaid: dict[tuple[Target, str], list[str]] = {}  # the points where it repays, one sentence a target
    for r in sweep.repay:
        finding = next(f for f in sweep.findings if f.target == r.target and f.context == r.context and f.kind == "steady")
        args = dict(gpu=name(r.target), parameter=sweep.parameter, value=format_number(r.value),
                    context=_context(r.context, T))
        if r.value in finding.crossover.decided_faster and r.steps is not None and r.steps > 0:
            items = repaid.setdefault((r.target, args["context"]), [])
            items.append(T("sweep.repay_item" if items else "sweep.repay_item.first", parameter=sweep.parameter,
                           value=format_number(r.value), steps=format_steps(r.steps)))
        elif r.value in finding.crossover.decided_faster and r.steps is not None:
            out.append(T("sweep.repay_at_once", **args))
        elif r.value in finding.crossover.decided_slower:
            out.append(T("sweep.repay_never", **args))
    for (target, context), items in repaid.items():
        out.append(T("sweep.repay", gpu=name(target), items=T.join(items), context=context))
    return [T.cap(s) for s in out]


def point_table(results: Results, sweep: SweepAnalysis, T: Texts) -> Table:
    name = Namer(results, T)
    rows = []
    for r in sweep.rows:
        if r.per_step is not None:
            rows.append([point_label(r.point), name.label(r.target), with_interval(r.per_step),
                         coverage(r.per_step), format_flops(r.achieved),
                         format_seconds(r.end_to_end[0] if r.end_to_end else None), T("status.ok")])
        else:
            rows.append([point_label(r.point), name.label(r.target), "–", "–", "–", "–", T(f"status.{r.status}")])
    return Table(T("sweep.table"), [T("col.point"), T("col.target"), T("col.per_step"), T("col.coverage"),
                                    T("col.achieved"), T("col.whole_job"), T("col.status")], rows,
                 caption=T("sweep.table.caption"))


def updates_run(results: Results, T: Texts) -> str:
    """How many updates each point's job and warm trials ran, as recorded (``trial_steps`` of each point: the
    smaller of --trial-steps and the point's steps), or as planned where no point was recorded."""
    plan = results.plan
    assert isinstance(plan, SweepPlan)
    ran = {point_label(p.point): (p.point, p.trial_steps) for p in results.points} or {
        point_label(q): (q, min(int(q.get("steps", results.config.steps)), plan.trial_steps)) for q in plan.points()}
    groups: dict[int, list[dict[str, float]]] = {}
    for point, steps in ran.values():
        groups.setdefault(steps, []).append(point)
    if len(groups) == 1 and next(iter(groups)) == plan.trial_steps:
        return T("sweep.ran", steps=plan.trial_steps)
    if len(groups) == 1 and "steps" not in plan.vary:
        return T("sweep.ran.capped", steps=next(iter(groups)), trial_steps=plan.trial_steps)

    def where(points: list[dict[str, float]]) -> str:
        if "steps" in plan.vary:
            return "steps = " + T.join(format_number(v) for v in sorted({p["steps"] for p in points}))
        return T.join(point_label(p) for p in points)

    items = [T("sweep.ran.item", steps=steps, points=where(points)) for steps, points in sorted(groups.items())]
    return T("sweep.ran.each", trial_steps=plan.trial_steps, items=("、" if T.lang == "ja" else "; ").join(items))


def sections(results: Results, a: Analysis, T: Texts) -> list[Section]:
    sweep = SweepAnalysis(results, a)
    plan = sweep.plan
    name = Namer(results, T)
    values = ", ".join(format_number(v) for v in plan.vary.get(sweep.parameter, []))
    whole = T("sweep.whole.each") if "steps" in plan.vary else T("sweep.whole", steps=results.config.steps)
    intro = T("sweep.intro", parameter=sweep.parameter, values=values, what=T(f"parameter.{sweep.parameter}"),
              ran=updates_run(results, T), whole=whole)
    if "batch" in plan.vary and "steps" not in plan.vary:  # one who thinks in epochs reads another amount of training
        intro = T.sentences(intro, T("sweep.whole.batch", steps=results.config.steps))
    blocks: list = [Paragraph(intro)]
    resumed = results.resumed
    if resumed:  # the machine and software were compared with the earlier results file, where it was there
        blocks.append(Paragraph(T("sweep.resumed" if resumed.since else "sweep.resumed.unchecked", points=resumed.points,
                                  one_off=resumed.one_off, total=len(plan.points()) * len(results.runnable()))))
    blocks += [Paragraph(s) for s in findings(results, a, T, sweep)]
    unavailable = [T("results.unavailable_item", target=name.label(t.target), reason=t.reason)
                   for t in results.targets if t.status != "ok"]
    if unavailable:
        blocks += [Paragraph(T("results.unavailable")), Bullets(unavailable)]
    table = point_table(results, sweep, T)
    if table.rows:
        blocks.append(TableBlock(table))
    blocks += [Paragraph(T.cap(T("sweep.inversion" if i.kind == "faster" else "sweep.outgrew", target=name(i.target),
                                 parameter=sweep.parameter, context=_context(i.context, T), a=format_number(i.smaller),
                                 b=format_number(i.larger), ta=format_seconds(i.smaller_step),
                                 tb=format_seconds(i.larger_step), growth=format_ratio(i.larger_step / i.smaller_step),
                                 work=format_ratio(i.work or 1.0),
                                 threads=T("sweep.or_threads") if i.target.kind == "cpu" else "")))
               for i in sweep.inversions()]
    blocks += [Paragraph(T.cap(T("sweep.derived_off", target=name(row.target), point=format_point(row.point),
                                 derived=format_seconds(derived), measured=format_seconds(measured),
                                 side=T("sweep.side.below" if derived < measured else "sweep.side.above"),
                                 off=format_percent(abs(derived / measured - 1)))))
               for row, derived, measured in sweep.derivation_gaps()]
    if sweep.models:
        # a model too poor to quote shows no overhead nor throughput: only why it is not quoted
        rows = [[name.label(t), format_seconds(m.overhead_s) if m.fits else "–",
                 format_flops(m.flops_per_s) if m.fits else "–", f"{m.r2:.3f}",
                 format_percent(m.max_rel_error), str(m.points), T("model.fits" if m.fits else "model.poor")]
                for t, m in sweep.models.items()]
        blocks.append(TableBlock(Table(T("sweep.models"), [T("col.target"), T("col.overhead"), T("col.throughput"), "R²",
                                                           T("col.max_error"), T("col.points"), T("col.fit")], rows,
                                       caption=T("sweep.models.caption"))))
    failed = [f"{point_label(r.point)} {name.label(r.target)}: {T(f'status.{r.status}')}"
              + (f" ({r.reason.strip().splitlines()[-1][:160]})" if r.reason and r.reason.strip() else "")
              for r in sweep.failed()]
    if failed:
        blocks += [Paragraph(T("sweep.failed")), Bullets(failed)]
    if results.skipped:
        blocks.append(Paragraph(T("sweep.skipped", items="; ".join(results.skipped))))
    for figure_name, make in (("sweep-time", plots.sweep_time), ("sweep-speedup", plots.sweep_speedup)):
        drawn = make(results, sweep, T)
        if drawn:
            baseline = name.label(sweep.baseline) if sweep.baseline else "–"
            blocks.append(Figure(figure_name, drawn[0], T(drawn[1], parameter=sweep.parameter, baseline=baseline)))
    return [Section(T("sec.sweep"), "sweep", blocks)]
