"""The conclusions: sentences drawn from measured quantities, never from fixed text.

Each sentence names the measurement it rests on (a phase's median, a share of the measured matmul
rate, a loss check, an all-reduce share). Where a sentence interprets a number rather than
measuring a cause, it is worded as a reading of that number.
"""

from __future__ import annotations

from typing import Callable

from mlpbench.output.i18n import Texts
from mlpbench.output.report.commands import backends_for, devices_given, same_job, sweep_command
from mlpbench.output.units import format_flops, format_number, format_percent, format_ratio, format_seconds, format_steps
from mlpbench.output.words import Namer
from mlpbench.results.analysis import ONE_OFF_PHASES, Analysis
from mlpbench.results.checks import user_scripts
from mlpbench.results.model import BenchPlan, Results, Target
from mlpbench.stats.compare import trials_for_significance

OVERHEAD_BOUND = 0.10  # below this share of the matmul rate, arithmetic cannot be what takes the time
COMPUTE_BOUND = 0.50  # above it, arithmetic is most of it
DEVICE_BOUND = 0.95  # a GPU busy for at least this share of a warm step waits on nothing but its own work


def dominant_phases(a: Analysis, name: Namer, t: Target, T: Texts) -> str | None:
    total = a.find(t, "cold", "total")
    shares = a.phase_shares(t)  # of the time inside the process; they never add up past 100 %
    if total is None or not shares:
        return None
    parts = sorted(((a.find(t, "cold", p).median, p) for p in shares), reverse=True)  # type: ignore[union-attr]
    top = [T("concl.phase_item", phase=T.phase(p), time=format_seconds(v), share=format_percent(shares[p]))
           for v, p in parts[:3] if v > 0]
    one_off = [p for p in shares if p in ONE_OFF_PHASES]
    train = shares.get("train")
    text = T("concl.dominant" if train is not None else "concl.dominant.no_train", target=name(t),
             total=format_seconds(total.median), top=T.join(top), phases=_named(one_off, shares, T),
             one_off=format_seconds(sum(a.find(t, "cold", p).median for p in one_off)),  # type: ignore[union-attr]
             one_off_pct=format_percent(sum(shares[p] for p in one_off)),
             train_pct=format_percent(train) if train is not None else "")
    first = a.find(t, "cold", "first_optimizer")
    if first is not None and first.median > 0.05 * total.median:
        run = a.first_run(t)
        loaded = run.facts.get("first_optimizer_loaded", []) if run is not None else []
        key = "concl.first_optimizer_dynamo" if "torch._dynamo" in loaded else "concl.first_optimizer"
        text = T.sentences(text, T(key, time=format_seconds(first.median), share=format_percent(shares["first_optimizer"])))
    return text


def arithmetic(a: Analysis, name: Namer, t: Target, T: Texts) -> str | None:
    step = a.per_step(t)
    run = a.first_run(t)
    if step is None or run is None or not run.flops_per_step or step[0] <= 0:
        return None
    achieved = run.flops_per_step / step[0]
    text = T("concl.arithmetic", target=name(t), step=format_seconds(step[0]), mode=T(f"mode.{step[1]}"),
             mflop=f"{run.flops_per_step / 1e6:.3g}", achieved=format_flops(achieved),
             how=T(f"flops.{run.flops_source or 'analytic'}"))
    warm = a.warm_set(t)
    rate = warm.record.matmul_flops_per_s if warm is not None and warm.record is not None else None
    if rate:
        share = achieved / rate
        reading = ("concl.reading_overhead" if share < OVERHEAD_BOUND else
                   "concl.reading_mixed" if share < COMPUTE_BOUND else "concl.reading_compute")
        profile = a.profile(t)
        # the profile says it (a GPU's busy time, or a CPU's time in its matmul operators): no reading of two rates
        measured = profile is not None and (profile.busy_s is not None or
                                            (profile.kernels_per_step is None and profile.host_self_s > 0))
        text = T.sentences(text, T("concl.share.gpu" if t.is_gpu else "concl.share", rate=format_flops(rate),
                                   share=format_percent(share, 1), floor=format_seconds(run.flops_per_step / rate)),
                           "" if measured else T(reading))
    return text


def inside_step(a: Analysis, name: Namer, t: Target, T: Texts) -> str | None:
    """What the profile measured inside a step: the device's busy share (a GPU), or where the host's
    time went (the CPU)."""
    profile = a.profile(t)
    step = a.per_step(t, "warm")
    if profile is None:
        return None
    share = a.busy_share(t)
    if share is not None and step is not None:
        key = ("concl.inside_gpu.whole" if share == 1 else "concl.inside_gpu.full" if share >= DEVICE_BOUND else
               "concl.inside_gpu" if profile.ops_per_step >= 1 else "concl.inside_gpu.graph")
        return T(key, target=name(t), busy=format_seconds(profile.busy_s),
                 step=format_seconds(step[0]), share=format_percent(share),
                 kernels=f"{profile.kernels_per_step:.0f}", ops=f"{profile.ops_per_step:.0f}",
                 gap=format_seconds(profile.gap_s), profiled=format_seconds(profile.profiled_step_s))
    if profile.host_self_s > 0:
        return T("concl.inside_cpu", target=name(t), ops=f"{profile.ops_per_step:.0f}",
                 matmul=format_percent(profile.matmul_s / profile.host_self_s),
                 optimizer=format_percent((profile.optimizer_s or 0.0) / profile.host_self_s))
    return None


def break_even(a: Analysis, name: Namer, base: Target, gpus: list[Target], T: Texts) -> list[str]:
    """Cold figures only: per step (the train phase) and fixed costs, with the rule for "cheaper"."""
    out = []
    for gpu in gpus:
        c = a.comparison(gpu, "cold", "train", base)
        pg, pc = a.per_step(gpu, "cold"), a.per_step(base, "cold")
        if c is None or pg is None or pc is None:
            continue
        args = dict(gpu=name(gpu), cpu=name(base), gpu_step=format_seconds(pg[0]), cpu_step=format_seconds(pc[0]))
        if c.verdict == "faster":
            steps = a.break_even(gpu, base)
            fg, fc = a.fixed_cost(gpu), a.fixed_cost(base)
            if steps is None or fg is None or fc is None:
                continue
            have = a.steps(base) or 0
            out.append(T("concl.gpu_cheaper_everywhere", **args) if steps == 0 else
                       T("concl.break_even", factor=format_ratio(pc[0] / pg[0]), extra=format_seconds(fg - fc),
                         saving=format_seconds(pc[0] - pg[0]), steps=format_steps(steps), have=format_number(have), **args))
        elif c.verdict == "slower":
            out.append(T("concl.gpu_loop_slower", **args))
        elif c.too_few_to_tell:
            out.append(T("concl.loop_too_few", n=min(c.n_candidate, c.n_baseline), need=trials_for_significance(),
                         **args))
        else:
            out.append(T("concl.loop_undecided", **args))
    return out


def better_backend(a: Analysis, name: Namer, T: Texts) -> list[str]:
    """Per device, the fastest backend against the seed's loop, warm against warm (or cold against
    cold where a device has no warm trials), with the rule."""
    out = []
    for kind in dict.fromkeys(t.kind for t in a.targets if not t.is_script):
        group = [t for t in a.targets if t.kind == kind and t.ranks is None and not t.is_script]
        eager = next((t for t in group if t.backend == "eager"), None)
        if eager is None or len(group) < 2:
            continue
        mode = "warm" if all(a.find(t, "warm", "train") for t in group) else "cold"
        timed = [t for t in group if a.per_step(t, mode)]
        if not timed:
            continue
        best = min(timed, key=lambda t: a.per_step(t, mode)[0])  # type: ignore[index]
        c = a.comparison(best, mode, "train", eager)
        if best is eager or c is None or c.verdict != "faster":
            continue
        out.append(T.sentences(T("change.backend", best=name(best), eager=name(eager), mode=T(f"mode.{mode}"),
                                 step=format_seconds(a.per_step(best, mode)[0]), factor=format_ratio(c.speedup)),  # type: ignore[index]
                               fewer_threads(a, name, best, eager, T)))
    return out


def fewer_threads(a: Analysis, name: Namer, best: Target, eager: Target, T: Texts) -> str:
    """Where the faster backend chose its thread count by measurement and eager ran on another, that choice alone may
    be much of the gain (a CNN on a busy 2-core machine: tuned 9.69× faster, on 1 thread against 2), which
    the comparison cannot separate: said, with the command that measures eager on the same count."""
    fast, slow = a.first_run(best), a.first_run(eager)
    probe = {int(k): float(v) for k, v in (fast.facts.get("thread_probe_s") or {}).items()} if fast else {}
    if not probe or slow is None or fast.threads is None or slow.threads is None or fast.threads == slow.threads:
        return ""
    chosen, theirs = probe.get(fast.threads), probe.get(slow.threads)  # the probe's own timing of eager's count
    if not chosen or not theirs or theirs <= chosen:
        return ""
    command = same_job(a.results, T, "bench", devices_given([str(eager.device)]), threads=fast.threads)
    return T("change.backend.threads", eager=name(eager), threads=fast.threads, eager_threads=slow.threads,
             ratio=format_ratio(theirs / chosen), command=command)


def scripts_losses(a: Analysis, name: Namer, T: Texts) -> str | None:
    """Whether every run of the user's two scripts computed the same training as the first script's
    first run, as far as the losses they printed show."""
    checks = a.scripts_checks
    scripts = [t for t in a.targets if t.is_script]
    if not checks:
        return T("concl.scripts_unchecked") if scripts else None
    first = user_scripts(a.results)[0]  # whose first run the others are checked against
    failed = [c for c in checks if not c.passed]
    worst = max(failed or checks, key=lambda c: c.worst)
    args = dict(a=name(first), runs=len(checks), steps=max(c.steps for c in checks), tol_early=f"{worst.tolerance[0]:g}",
                tol_late=f"{worst.tolerance[1]:g}")
    if not failed:
        return T("concl.scripts_agree", early=f"{max(c.worst_early for c in checks):.1e}", all=f"{worst.worst:.1e}",
                 **args)
    return T("concl.scripts_differ", bad=len(failed), worst=name(worst.target), run=T("run.cold", index=worst.index),
             early=f"{worst.worst_early:.1e}", all=f"{worst.worst:.1e}", **args)


def agreement(a: Analysis, name: Namer, T: Texts) -> str | None:
    checks = [c for cs in a.checks.values() for c in cs]
    scripts = scripts_losses(a, name, T)
    if not checks:
        return scripts.strip() if scripts else None
    failed = [c for c in checks if not c.passed]
    early, late = checks[0].tolerance
    own = a.checked_own
    against, random = T("against.own" if own else "against.reference"), T("concl.random") if own else ""
    if not failed:
        # runs shorter than the log interval logged one loss, before any update: only the test loss tells their end
        thin = ".thin" if max(c.steps for c in checks) <= 1 else ""
        return T.sentences(random, T(("concl.agreement.own" if own else "concl.agreement") + thin, n=len(checks),
                                     early=f"{max(c.worst_early for c in checks):.1e}",
                                     all=f"{max(c.worst for c in checks):.1e}", tol_early=f"{early:g}", tol_late=f"{late:g}",
                                     against=against, scripts=scripts or "", every=a.results.config.log_every))
    worst = max(failed, key=lambda c: c.breach[1] / c.breach[2])  # the furthest beyond the limit it broke
    return T.sentences(random, T("concl.disagreement", n=len(failed), total=len(checks), target=name(worst.target),
                                 run=T(f"run.{worst.run}", index=worst.index, point=worst.point), against=against,
                                 worst=f"{worst.breach[1]:.1e}", tol=f"{worst.breach[2]:g}"), (scripts or "").strip())


def scaling(a: Analysis, T: Texts) -> list[str]:
    out = []
    for r in a.scaling():
        if r.ranks <= 1 or r.verdict is None:  # the fewest ranks: what the others are set against
            continue
        text = T("concl.scaling", device=r.device, n=r.ranks, pg=r.process_group or "?", time=format_seconds(r.train_s),
                 speedup=format_ratio(r.speedup), efficiency=format_percent(r.efficiency),
                 share=format_percent(r.allreduce_share))
        if r.verdict == "faster" and r.efficiency >= 0.5:  # decidedly faster, and not at twice the cost of its gain
            reading = T("concl.scaling_pays")
        elif r.verdict != "faster":
            reading = T("concl.scaling_slower" if r.verdict == "slower" else "concl.scaling_undecided")
        elif r.allreduce_share is not None and r.allreduce_share >= 0.3:
            reading = T("concl.scaling_comm", share=format_percent(r.allreduce_share))
        elif r.allreduce_share is not None:
            reading = T("concl.scaling_fixed", share=format_percent(r.allreduce_share))
        else:
            reading = ""
        out.append(T.sentences(text, reading))
    return out


def _named(phases: list[str], shares: dict[str, float], T: Texts) -> str:
    """The phases that took 1 % or more, in words; "and smaller ones" where some took less."""
    named = [T.phase(p) for p in phases if shares[p] >= 0.01]
    return T.join(named + ([T("concl.smaller")] if len(named) < len(phases) else []))


def _planned(results: Results, kind: Callable[[Target], bool]) -> bool:
    """A target of this kind could run here and was planned (the run ended before it)."""
    return any(t.status == "ok" and kind(t.target) and not t.target.is_script for t in results.targets)


def conclusions(results: Results, a: Analysis, T: Texts) -> list[str]:
    name = Namer(results, T)
    out = [s for t in a.targets for s in [dominant_phases(a, name, t, T)] if s]
    out += [s for t in a.targets for s in [arithmetic(a, name, t, T)] if s]
    out += [s for t in a.targets for s in [inside_step(a, name, t, T)] if s]
    if out and results.kind == "sweep":  # its one-off processes, not its points: said before their figures
        out.insert(0, T("concl.sweep_base", n=format_number(results.config.n), steps=format_number(results.config.steps)))
    base = a.baseline
    gpus = [t for t in a.targets if t.is_gpu and t.ranks is None]
    measured = [t for t in a.targets if not t.is_script]  # a script's device is its own business
    if base is not None and base.kind == "cpu" and gpus and results.kind == "bench":  # a sweep says it per point
        out += break_even(a, name, base, gpus, T)
    elif results.kind == "bench" and measured and not any(t.is_gpu for t in measured):
        out.append(T("change.need_gpu.cut" if _planned(results, lambda t: t.is_gpu) else "change.need_gpu"))
    elif results.kind == "bench" and measured and not any(t.kind == "cpu" for t in measured):
        out.append(T("change.need_cpu.cut" if _planned(results, lambda t: t.kind == "cpu") else "change.need_cpu"))
    out += better_backend(a, name, T)
    ddp = isinstance(results.plan, BenchPlan) and results.plan.nproc is not None  # its ranks are swept, not sizes
    if measured and len({t.backend for t in measured}) <= 1 and results.kind == "bench" and not ddp:  # no scripts
        devices = list(dict.fromkeys(t.device for t in measured if t.device is not None))
        backends = backends_for(results, list(dict.fromkeys(t.kind for t in measured)))
        if backends != measured[0].backend:
            out.append(T("change.backends_hint", command=same_job(results, T, "bench", devices_given(devices),
                                                                  backends=backends)))
    if results.kind == "sweep":  # where the answer changes needs both sides of it
        both = any(t.is_gpu for t in measured) and any(t.kind == "cpu" for t in measured)
        out.append(T("change.see_sweep" if both else "change.see_sweep.one_side"))
    elif not measured and a.targets:
        out.append(T("change.sizes.scripts"))
    elif not ddp:  # where this machine has no GPU, the sweep that answers runs on another
        out.append(T("change.sizes" if results.env is not None and results.env.gpus else "change.sizes.no_gpu",
                     command=sweep_command(a, T)))
    text = agreement(a, name, T)
    if text:
        out.append(text)
    out += scaling(a, T)
    return [T.cap(s) for s in out]
