"""Presentation-neutral tables of a results document, shared by the terminal, compare and report.

Each function returns a ``Table`` of strings; ``console`` prints it, the report renders it as
Markdown or HTML. Labels come through ``text`` so the report can translate them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from mlpbench import analysis
from mlpbench.console import format_flops, format_ratio, format_seconds

HEADLINE = (("cold", "wall"), ("cold", "total"), ("cold", "seed_time"), ("warm", "train"))


@dataclass
class Table:
    title: str
    headers: list[str]
    rows: list[list[str]]
    caption: str | None = None
    anchor: str = ""
    text_columns: bool = False  # True: every column holds text and is left-aligned


def _t(text: Callable[[str], str] | None) -> Callable[[str], str]:
    return text or (lambda s: s)


def with_ci(m: dict[str, Any] | None) -> str:
    if not m:
        return "–"
    low, high = m["ci95"]
    return f"{format_seconds(m['median'])} [{format_seconds(low)}, {format_seconds(high)}]"


def verdict(c: dict[str, Any], text: Callable[[str], str] | None = None) -> str:
    t = _t(text)
    if not c["significant"]:
        return t("not significant")
    return t("faster") if c["ratio"] < 1 else t("slower")


def targets_of(doc: dict[str, Any]) -> list[tuple[str, str]]:
    return list(dict.fromkeys((m["device"], m["backend"]) for m in doc.get("measurements", [])))


def cold_table(doc: dict[str, Any], text: Callable[[str], str] | None = None) -> Table:
    t = _t(text)
    rows = []
    for device, backend in targets_of(doc):
        wall = analysis.find(doc, device, backend, "cold", "wall")
        if not wall:
            continue
        total = analysis.find(doc, device, backend, "cold", "total")
        seed = analysis.find(doc, device, backend, "cold", "seed_time")
        train = analysis.find(doc, device, backend, "cold", "train")
        failed = sum(1 for tr in doc.get("trials", []) if tr["device"] == device and tr["backend"] == backend and tr["status"] != "ok")
        rows.append([analysis.key(device, backend), with_ci(wall), with_ci(total), format_seconds(seed["median"] if seed else None),
                     format_seconds(train["median"] if train else None), str(wall["n"]), str(failed)])
    return Table(t("Cold trials: the whole job in a fresh process (median [95 % CI])"),
                 [t("target"), t("process, outside"), t("total, inside"), t("seed's figure"), t("train"), "n", t("failed")],
                 rows, anchor="cold")


def phase_table(doc: dict[str, Any], text: Callable[[str], str] | None = None) -> Table:
    t = _t(text)
    targets = [tg for tg in targets_of(doc) if analysis.find(doc, *tg, "cold", "total")]
    phases = analysis.ordered_phases(m["phase"] for m in doc.get("measurements", []) if m["mode"] == "cold")
    rows = []
    for phase in phases:
        row = [phase]
        for tg in targets:
            m = analysis.find(doc, *tg, "cold", phase)
            total = analysis.find(doc, *tg, "cold", "total")
            if m is None:
                row.append("–")
            elif phase in ("total", "seed_time", "wall") or not total or total["median"] <= 0:
                row.append(format_seconds(m["median"]))
            else:
                row.append(f"{format_seconds(m['median'])} ({100 * m['median'] / total['median']:.0f} %)")
        rows.append(row)
    return Table(t("Where the time goes, phase by phase (cold, median, share of total)"),
                 [t("phase")] + [analysis.key(*tg) for tg in targets], rows, anchor="phases")


def warm_table(doc: dict[str, Any], text: Callable[[str], str] | None = None) -> Table:
    t = _t(text)
    config = doc.get("config", {})
    steps = config.get("steps", 1)
    flops = _train_flops(config)
    rows = []
    for record in doc.get("warm", []):
        m = analysis.find(doc, record["device"], record["backend"], "warm", "train")
        if record.get("status") != "ok" or not m:
            rows.append([analysis.key(record["device"], record["backend"]), t(record.get("status", "?")), "–", "–", "–", "–"])
            continue
        rows.append([analysis.key(record["device"], record["backend"]), with_ci(m), format_seconds(m["median"] / steps),
                     format_flops(flops / m["median"]) if flops else "–", str(m["n"]), t(record.get("stopped_by", "?"))])
    return Table(t("Warm trials: the training loop alone, after warm-up (median [95 % CI])"),
                 [t("target"), t("train loop"), t("per step"), t("achieved"), "n", t("stopped by")], rows, anchor="warm")


def comparison_table(doc: dict[str, Any], text: Callable[[str], str] | None = None, headline_only: bool = True) -> Table:
    t = _t(text)
    base = doc.get("baseline") or {}
    rows = []
    for c in doc.get("comparisons", []):
        if headline_only and (c["mode"], c["phase"]) not in HEADLINE:
            continue
        low, high = c["ci95"]
        rows.append([analysis.key(c["device"], c["backend"]), f"{t(c['mode'])} {c['phase']}", format_ratio(c["ratio"]),
                     f"[{format_ratio(low)}, {format_ratio(high)}]", format_ratio(c["speedup"]),
                     f"{c['p_value']:.3g}", verdict(c, text)])
    title = t("Against the baseline") + f" ({analysis.key(base.get('device', '?'), base.get('backend', '?'))})"
    return Table(title, [t("target"), t("figure"), t("time ratio"), "95 % CI", t("speed-up"), "p", t("verdict")], rows,
                 caption=t("time ratio = candidate median / baseline median; test: Mann-Whitney U, two-sided"),
                 anchor="comparison")


def unavailable_lines(doc: dict[str, Any]) -> list[str]:
    return [f"{t['key']}: {t['reason']}" for t in doc.get("targets", []) if t.get("status") != "ok"]


def _train_flops(config: dict[str, Any]) -> float | None:
    from mlpbench.config import WorkloadConfig

    try:
        return float(WorkloadConfig.from_dict(config).train_flops())
    except Exception:  # a foreign config: no FLOP/s column rather than a crash
        return None


def compare_table(a: dict[str, Any], b: dict[str, Any], name_a: str, name_b: str) -> Table:
    """Every measurement present in both files: B against A."""
    from mlpbench import stats

    rows = []
    for mb in b.get("measurements", []):
        ma = analysis.find(a, mb["device"], mb["backend"], mb["mode"], mb["phase"])
        if not ma or ma["median"] <= 0:
            continue
        c = stats.compare(mb["samples"], ma["samples"]).to_json()
        low, high = c["ci95"]
        rows.append([analysis.key(mb["device"], mb["backend"]), f"{mb['mode']} {mb['phase']}", format_seconds(ma["median"]),
                     format_seconds(mb["median"]), format_ratio(c["ratio"]), f"[{format_ratio(low)}, {format_ratio(high)}]",
                     f"{c['p_value']:.3g}", verdict(c)])
    return Table(f"{name_b} against {name_a}", ["target", "figure", "A median", "B median", "B / A", "95 % CI", "p", "verdict"],
                 rows, caption=f"A = {name_a}, B = {name_b}; test: Mann-Whitney U, two-sided, alpha 0.05")


def scaling_table(doc: dict[str, Any], text: Callable[[str], str] | None = None) -> Table:
    t = _t(text)
    rows = []
    for r in doc.get("scaling", []):
        share = r.get("allreduce_share")
        rows.append([r["device"], str(r["nproc"]), f"{format_seconds(r['train_s'])} ({t(r['mode'])})",
                     format_ratio(r["speedup"]), f"{100 * r['efficiency']:.0f} %",
                     "–" if share is None else f"{100 * share:.0f} %"])
    return Table(t("Data-parallel scaling: the training loop on N ranks against one rank"),
                 [t("device"), t("ranks"), t("train loop"), t("speed-up"), t("efficiency"), t("all-reduce share")], rows,
                 caption=t("efficiency = speed-up / ranks; the all-reduce share is measured against no_sync() steps"),
                 anchor="scaling")
