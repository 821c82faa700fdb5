"""Sentences drawn from the measured numbers: the summary at the top and the conclusions.

Nothing here is canned: every claim is computed from the document, and where the data cannot
support a claim (no GPU, too few trials) the text says so instead of guessing.
"""

from __future__ import annotations

import math
from typing import Any

from mlpbench.console import format_flops, format_seconds
from mlpbench.report.facts import ONE_OFF_PHASES, Facts, TargetFacts
from mlpbench.report.i18n import Texts

OVERHEAD_BOUND = 0.10  # below this share of the matmul rate, a loop is bound by overhead
COMPUTE_BOUND = 0.50  # above it, by arithmetic; in between, by both


def _ratio(x: float) -> str:
    return f"{x:.2f}×"


def _p(p: float) -> str:
    return "n/a" if p is None or math.isnan(p) else (f"{p:.3f}" if p >= 0.001 else "< 0.001")


def _verdict(doc: dict[str, Any], cpu: TargetFacts, gpu: TargetFacts, T: Texts) -> str | None:
    """One sentence on the whole job (cold, process wall time): gpu against cpu."""
    from math import comb

    from mlpbench import analysis, stats

    a = analysis.find(doc, gpu.device, gpu.backend, "cold", "wall")
    b = analysis.find(doc, cpu.device, cpu.backend, "cold", "wall")
    if not a or not b:
        return None
    c = stats.compare(a["samples"], b["samples"]).to_json()
    low, high = c["ci95"]
    args = dict(cpu=cpu.key, gpu=gpu.key, cpu_wall=format_seconds(b["median"]), gpu_wall=format_seconds(a["median"]),
                p=_p(c["p_value"]), n=min(a["n"], b["n"]))
    if c["significant"]:
        if c["ratio"] > 1:
            return T("summary.cpu_wins", ratio=_ratio(c["ratio"]), low=_ratio(low), high=_ratio(high), **args)
        return T("summary.gpu_wins", speedup=_ratio(c["speedup"]), low=_ratio(1 / high), high=_ratio(1 / low), **args)
    smallest_p = 2 / comb(a["n"] + b["n"], a["n"])
    separated = max(a["samples"]) < min(b["samples"]) or min(a["samples"]) > max(b["samples"])
    if separated and smallest_p >= 0.05:
        faster = gpu.key if a["median"] < b["median"] else cpu.key
        return T("summary.too_few", faster=faster, ratio=_ratio(c["ratio"]), pmin=f"{smallest_p:.2f}", **args)
    return T("summary.too_close", ratio=_ratio(c["ratio"]), low=_ratio(low), high=_ratio(high), **args)


def summary(facts: Facts, T: Texts, doc: dict[str, Any] | None = None) -> list[str]:
    """Which device won the whole job, by how much, how sure: first the user's comparison (the
    same loop on both devices), then the fastest backend of each device when that differs."""
    doc = doc or {}
    base = facts.baseline
    if base is None:
        return [T("summary.nothing")]
    if not facts.gpus:
        gpu_reasons = dict.fromkeys(u["reason"] for u in facts.unavailable if not str(u.get("device", "")).startswith("cpu"))
        reasons = "; ".join(gpu_reasons) or T("summary.no_gpu_asked")
        text = T("summary.cpu_only", cpu=base.key, wall=format_seconds(base.cold.get("wall")), n=base.cold_n)
        if facts.per_step(base) is not None:
            text = T.sentences(text, T("summary.cpu_only_step", step=format_seconds(facts.per_step(base))))
        return [text, T("summary.no_gpu", reasons=reasons)]
    fastest = lambda group: min(group, key=lambda t: t.cold.get("wall", math.inf))  # noqa: E731
    cpus = [t for t in facts.targets if not t.is_gpu]
    if not cpus:
        return [T("summary.gpu_only", gpu=base.key, wall=format_seconds(base.cold.get("wall")), n=base.cold_n)]
    same_loop = next((t for t in facts.gpus if t.backend == base.backend), fastest(facts.gpus))
    pairs = [(base, same_loop)]
    best = (fastest(cpus), fastest(facts.gpus))
    if (best[0].key, best[1].key) != (base.key, same_loop.key):
        pairs.append(best)
    out = []
    for i, (cpu, gpu) in enumerate(pairs):
        text = _verdict(doc, cpu, gpu, T)
        if text is None:
            out.append(T("summary.no_comparison", gpu=gpu.key))
        else:
            out.append(T("summary.best_prefix") + (text[0].lower() + text[1:] if T.lang == "en" else text) if i else text)
    w = facts.comparison(same_loop, "warm", "train")
    if w is not None and facts.per_step(same_loop) is not None and facts.per_step(base) is not None:
        key = "summary.warm_same" if not w["significant"] else ("summary.warm_gpu_faster" if w["ratio"] < 1 else "summary.warm_gpu_slower")
        out.append(T(key, gpu=same_loop.key, cpu=base.key, gpu_step=format_seconds(facts.per_step(same_loop)),
                     cpu_step=format_seconds(facts.per_step(base)), factor=_ratio(max(w["ratio"], 1 / w["ratio"]))))
    return out


def _phase_name(phase: str, T: Texts) -> str:
    return T(f"phase.{phase}") if T.has(f"phase.{phase}") else phase


def dominant_phases(t: TargetFacts, T: Texts) -> str | None:
    total = t.cold.get("total")
    if not total:
        return None
    parts = sorted(((v, p) for p, v in t.cold.items() if p not in ("total", "seed_time", "wall")), reverse=True)
    top = [f"{_phase_name(p, T)} {format_seconds(v)} ({100 * v / total:.0f} %)" for v, p in parts[:3] if v > 0]
    one_off = sum(t.cold.get(p, 0.0) for p in ONE_OFF_PHASES)
    text = T("concl.dominant", target=t.key, total=format_seconds(total), top=T.join(top),
             one_off=format_seconds(one_off), one_off_pct=f"{100 * one_off / total:.0f}",
             train_pct=f"{100 * t.cold.get('train', 0.0) / total:.0f}")
    if t.cold.get("setup", 0) > 0.2 * total:
        note = "concl.setup_note_jax" if t.backend == "jax" else "concl.setup_note"
        text = T.sentences(text, T(note))
    if t.is_gpu and t.cold.get("device_init", 0) > 0.05 * total:
        text = T.sentences(text, T("concl.device_init_note", init=format_seconds(t.cold["device_init"])))
    return text


def arithmetic(t: TargetFacts, facts: Facts, T: Texts) -> str | None:
    per_step = facts.per_step(t)
    if per_step is None or per_step <= 0:
        return None
    flops = facts.config.train_flops_per_step()
    achieved = flops / per_step
    source = T("concl.warm") if t.warm_train is not None else T("concl.cold")
    text = T("concl.arithmetic", target=t.key, step=format_seconds(per_step), source=source,
             mflop=f"{flops / 1e6:.2f}", achieved=format_flops(achieved))
    if t.matmul_rate:
        share = achieved / t.matmul_rate
        text = T.sentences(text, T("concl.share", rate=format_flops(t.matmul_rate), share=f"{100 * share:.2g}",
                                   floor=format_seconds(flops / t.matmul_rate)),
                           T("concl.overhead_bound" if share < OVERHEAD_BOUND else
                             "concl.mixed_bound" if share < COMPUTE_BOUND else "concl.compute_bound"))
    return text


def why(facts: Facts, T: Texts) -> list[str]:
    base = facts.baseline
    out: list[str] = []
    if base is None or not facts.gpus:
        return out
    for gpu in facts.gpus:
        pg, pc = facts.per_step(gpu), facts.per_step(base)
        fg, fc = facts.fixed_cost(gpu), facts.fixed_cost(base)
        if None in (pg, pc, fg, fc):
            continue
        if pg < pc:
            steps = facts.break_even_steps(gpu, base)
            if steps == 0:
                out.append(T("concl.gpu_cheaper_everywhere", gpu=gpu.key, cpu=base.key))
            else:
                out.append(T("concl.break_even", gpu=gpu.key, cpu=base.key, factor=_ratio(pc / pg),
                             extra=format_seconds(fg - fc), saving=format_seconds(pc - pg),
                             steps=f"{steps:,.0f}", have=f"{facts.config.steps:,}"))
        else:
            out.append(T("concl.gpu_loop_slower", gpu=gpu.key, cpu=base.key, gpu_step=format_seconds(pg),
                         cpu_step=format_seconds(pc)))
    return out


def what_would_change(facts: Facts, doc: dict[str, Any], T: Texts) -> list[str]:
    out = []
    if not facts.gpus:
        out.append(T("change.need_gpu"))
    if doc.get("sweep"):
        out.append(T("change.see_sweep"))
    else:
        out.append(T("change.sizes"))
    backends = sorted({t.backend for t in facts.targets})
    if len(backends) > 1:
        for kind in ("cpu", "gpu"):
            group = [t for t in facts.targets if t.is_gpu == (kind == "gpu") and facts.per_step(t)]
            if len(group) > 1:
                best = min(group, key=facts.per_step)
                eager = next((t for t in group if t.backend == "eager"), None)
                if eager is not None and best is not eager:
                    out.append(T("change.backend", best=best.key, step=format_seconds(facts.per_step(best)),
                                 factor=_ratio(facts.per_step(eager) / facts.per_step(best)), eager=eager.key))
    else:
        out.append(T("change.backends_hint"))
    return out


def agreement(doc: dict[str, Any], T: Texts) -> str | None:
    runs = doc.get("runs", {})
    base = doc.get("baseline") or {}
    ref = runs.get(f"{base.get('device')}/{base.get('backend')}")
    if not ref or len(runs) < 2:
        return None
    worst_early, worst = 0.0, 0.0
    for key, run in runs.items():
        for step, loss in run.get("train_loss", {}).items():
            r = ref["train_loss"].get(step)
            if not isinstance(r, (int, float)) or not isinstance(loss, (int, float)) or r == 0:
                continue
            diff = abs(loss - r) / abs(r)
            worst = max(worst, diff)
            if int(step) <= 500:
                worst_early = max(worst_early, diff)
    return T("concl.agreement", n=len(runs), early=f"{worst_early:.1e}", all=f"{worst:.1e}")


def conclusions(facts: Facts, doc: dict[str, Any], T: Texts) -> list[str]:
    out = []
    for t in facts.targets:
        text = dominant_phases(t, T)
        if text:
            out.append(text)
    for t in facts.targets:
        text = arithmetic(t, facts, T)
        if text:
            out.append(text)
    out += why(facts, T)
    out += what_would_change(facts, doc, T)
    text = agreement(doc, T)
    if text:
        out.append(text)
    for r in doc.get("scaling", []):
        if r["nproc"] > 1:
            share = r.get("allreduce_share")
            out.append(T("concl.scaling", device=r["device"], n=r["nproc"], pg=r.get("process_group_backend") or "?",
                         time=format_seconds(r["train_s"]), speedup=_ratio(r["speedup"]),
                         efficiency=f"{100 * r['efficiency']:.0f}",
                         share="?" if share is None else f"{100 * share:.0f}")
                       + (" " if T.lang == "en" else "")
                       + T("concl.scaling_pays" if r["efficiency"] >= 0.5 else
                           "concl.scaling_comm" if (share or 0) >= 0.3 else "concl.scaling_fixed"))
    small = [t.key for t in facts.targets if 0 < t.cold_n < 6]
    if small:
        out.append(T("concl.small_n", targets=", ".join(small)))
    return out
