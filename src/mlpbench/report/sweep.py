"""The sweep's part of the report: crossovers in words, the per-point table, the cost models, plots."""

from __future__ import annotations

import math
from typing import Any

from mlpbench.console import format_flops, format_seconds
from mlpbench.report import plots
from mlpbench.report.i18n import Texts
from mlpbench.report.model import Bullets, Figure, Paragraph, Section, TableBlock
from mlpbench.sweep import PARAMETERS, label
from mlpbench.tables import Table


def _num(v: float | None) -> str:
    if v is None or not math.isfinite(v):
        return "–"
    return f"{v:,.0f}" if abs(v) >= 10 else f"{v:.3g}"


def _ctx(c: dict[str, Any], T: Texts) -> str:
    return f"; {c['context']}" if c.get("context") and T.lang == "en" else (f"、{c['context']}" if c.get("context") else "")


def findings(doc: dict[str, Any], T: Texts) -> list[str]:
    """The crossover sentences, also used as the summary of a sweep file."""
    sweep = doc["sweep"]
    steps = doc.get("config", {}).get("steps", "?")
    out: list[str] = []
    gpu_rows = [r for r in sweep.get("table", []) if not str(r["target"]).startswith("cpu") and r["status"] == "ok"]
    if not gpu_rows:
        return [T("sweep.no_gpu")]
    for c in sweep.get("crossovers", []):
        args = dict(device=c["device"], baseline=c["baseline"], parameter=c["parameter"], context=_ctx(c, T),
                    low=_num(c.get("low")), high=_num(c.get("high")), kind=T(f"kind.{c['kind']}") if c["kind"] != "break_even" else "")
        if c["kind"] == "break_even":
            for p in c.get("points", []):
                if p["steps"] is None:
                    out.append(T("sweep.repay_never", value=_num(p["value"]), **args))
                elif p["steps"] == 0:
                    out.append(T("sweep.repay_at_once", value=_num(p["value"]), **args))
                else:
                    out.append(T("sweep.repay", value=_num(p["value"]), steps=_num(math.ceil(p["steps"])), **args))
            continue
        where = c.get("where")
        if where == "inside":
            low, high = c["bracket"]
            key = "sweep.steady_inside" if c["kind"] == "steady" else "sweep.e2e_inside"
            if c.get("direction") == "falls_behind":
                key += "_behind"
            out.append(T(key, value=_num(c["value"]), steps=steps, **{**args, "low": _num(low), "high": _num(high)}))
        elif where == "at_point":
            out.append(T("sweep.at_point", value=_num(c["value"]), **args))
        elif where == "cpu_faster_throughout":
            out.append(T("sweep.never_gpu", **args))
        elif where == "gpu_faster_throughout":
            out.append(T("sweep.always_gpu", **args))
        if c["kind"] == "steady" and "predicted" in c:
            out.append(T("sweep.predicted", parameter=c["parameter"], value=_num(c["predicted"]))
                       if c["predicted"] is not None else T("sweep.predicted_none"))
    return out


def sections(doc: dict[str, Any], T: Texts) -> list[Section]:
    sweep = doc["sweep"]
    settings = doc.get("settings", {})
    parameter = sweep.get("parameter", "?")
    values = ", ".join(_num(v) for v in settings.get("vary", {}).get(parameter, []))
    blocks: list = [Paragraph(T("sweep.intro", parameter=parameter, values=values, what=T.label(PARAMETERS.get(parameter, "")),
                                trial_steps=settings.get("trial_steps", "?"), steps=doc.get("config", {}).get("steps", "?")))]
    blocks += [Paragraph(s) for s in findings(doc, T)]
    unavailable = [f"{t['key']}: {t['reason']}" for t in doc.get("targets", []) if t.get("status") != "ok"]
    if unavailable:
        blocks += [Paragraph(T("results.unavailable")), Bullets(unavailable)]
    rows = []
    for r in sweep.get("table", []):
        if r["status"] == "ok":
            low, high = r.get("ci95") or (None, None)
            rows.append([label(r["point"]), r["target"], f"{format_seconds(r['per_step'])} [{format_seconds(low)}, {format_seconds(high)}]",
                         format_flops(r.get("achieved")), format_seconds(r.get("end_to_end")), "ok"])
        else:
            rows.append([label(r["point"]), r["target"], "–", "–", "–", r["status"]])
    if rows:
        blocks.append(TableBlock(Table(T("sweep.table"), [T("sweep.col.point"), T.label("target"), T("sweep.col.per_step"),
                                                          T.label("achieved"), T("sweep.col.end_to_end"), T("sweep.col.status")], rows)))
    models = sweep.get("models", {})
    if models:
        blocks.append(TableBlock(Table(T("sweep.models"), [T.label("target"), T("sweep.col.overhead"), T("sweep.col.throughput"),
                                                           T("sweep.col.r2"), T("sweep.col.error")],
                                       [[k, format_seconds(m["overhead_s"]), format_flops(m["flops_per_s"]), f"{m['r2']:.3f}",
                                         f"{100 * m['max_rel_error']:.0f} %"] for k, m in models.items()])))
    failed = [f"{label(r['point'])} {r['target']}: {r['status']}" + (f" ({r['reason'].strip().splitlines()[-1][:160]})"
                                                                      if r.get("reason", "").strip() else "")
              for r in sweep.get("failed", [])]
    if failed:
        blocks += [Paragraph(T("sweep.failed")), Bullets(failed)]
    if sweep.get("skipped"):
        blocks.append(Paragraph(T("sweep.skipped", items="; ".join(sweep["skipped"]))))
    for name, make, caption in (("sweep-time", plots.sweep_time, "plot.sweep_time"), ("sweep-speedup", plots.sweep_speedup, "plot.sweep_speedup")):
        svg = make(doc, T)
        if svg:
            blocks.append(Figure(name, svg, T(caption, parameter=parameter, baseline=sweep.get("baseline") or "cpu")))
    return [Section(T("sec.sweep"), "sweep", blocks)]
