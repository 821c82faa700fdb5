"""The answer first: which device finished the whole job first and by how much, why (measured phase
shares), the steady state, from what size the GPU wins, and what the run did not do.

Every sentence is drawn from the measurements and claims no more than the one rule for a
difference allows (``stats.compare``); where the data cannot tell, the sentence says so and what
would settle it. The same sentences open the report, end ``mlpbench bench`` in the terminal, and
are ``BenchResults.summary()``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import PurePath

from mlpbench.output.i18n import Texts
from mlpbench.output.report.commands import sweep_command
from mlpbench.output.report.conclusions import inside_step
from mlpbench.output.units import (format_number, format_p, format_percent, format_point, format_ratio, format_seconds,
                                   format_steps)
from mlpbench.output.words import Namer, advice, backend_name
from mlpbench.results.analysis import START_UP_PHASES, Analysis
from mlpbench.results.model import BenchPlan, ColdTrial, Results, SweepPlan, SweepPoint, Target, WarmSet
from mlpbench.results.sweep import SweepAnalysis
from mlpbench.stats.compare import ALPHA, Comparison, in_family, trials_for_significance
from mlpbench.stats.summary import CONFIDENCE, trials_for_coverage


START_UP_BOUND = 0.5  # where the GPU's start-up is half the CPU's whole job or more, the bound it sets is said
NAMED_SHARE = 0.01  # a start-up phase is named in the why sentence where it took 1 % of some target's time


@dataclass
class FirstScreen:
    verdict: str
    why: list[str] = field(default_factory=list)
    steady: str | None = None
    best: str | None = None
    when: list[str] = field(default_factory=list)
    scripts: str | None = None
    not_done: list[str] = field(default_factory=list)

    def sentences(self) -> list[str]:
        return [self.verdict, *self.why, *([self.scripts] if self.scripts else []),
                *([self.steady] if self.steady else []), *([self.best] if self.best else []), *self.when,
                *self.not_done]

    def terminal(self) -> list[str]:
        """One or two lines to end ``mlpbench bench`` with, as hyperfine ends with its summary."""
        return [self.verdict, *self.why[:1]]


def _interval(c: Comparison, T: Texts, invert: bool = False, warm: bool = False) -> str:
    """The ratio's interval and the test, as a parenthesis."""
    if c.ci is None:
        return T("verdict.no_test")
    low, high = (1 / c.ci[1], 1 / c.ci[0]) if invert else c.ci
    n = min(c.n_candidate, c.n_baseline)
    key = ("verdict.interval_warm" if warm else "verdict.interval") + (".few" if n < trials_for_coverage() else "")
    counted = "verdict.runs_warm" if warm else "verdict.runs"  # "3 warm runs each" where one side had 22
    runs = (T(counted, n=n) if c.n_candidate == c.n_baseline else
            T(f"{counted}.apart", a=c.n_candidate, b=c.n_baseline))
    return T(key, low=format_ratio(low), high=format_ratio(high), p=format_p(c.p_value), runs=runs,
             of=T("verdict.of.speedup" if invert else "verdict.of.ratio"))


def pair(a: Analysis) -> tuple[Target | None, Target | None]:
    """The user's comparison: the CPU baseline and the GPU running the same loop (else the fastest GPU)."""
    cpu = a.baseline if a.baseline is not None and a.baseline.kind == "cpu" else None
    gpus = [t for t in a.targets if t.is_gpu and (a.find(t, "cold", "wall") or a.find(t, "warm", "train"))]
    if not gpus:
        return cpu, None
    same = [t for t in gpus if cpu is not None and t.backend == cpu.backend and t.ranks == cpu.ranks]
    if same:
        return cpu, same[0]
    return cpu, min(gpus, key=lambda t: a.find(t, "cold", "wall").median if a.find(t, "cold", "wall") else math.inf)


def whole_job(a: Analysis, name: Namer, cpu: Target, gpu: Target, T: Texts) -> str:
    c = a.comparison(gpu, "cold", "wall", cpu)
    mine, theirs = a.find(gpu, "cold", "wall"), a.find(cpu, "cold", "wall")
    if c is None or mine is None or theirs is None:
        return T("verdict.no_cold", gpu=name(gpu), cpu=name(cpu))
    args = dict(gpu=name(gpu), cpu=name(cpu), gpu_time=format_seconds(mine.median), cpu_time=format_seconds(theirs.median))
    if c.verdict == "faster":
        return T("verdict.gpu_first", speedup=format_ratio(c.speedup), detail=_interval(c, T, invert=True), **args)
    if c.verdict == "slower":
        return T("verdict.cpu_first", ratio=format_ratio(c.ratio), detail=_interval(c, T), **args)
    faster = name(gpu) if mine.median < theirs.median else name(cpu)
    need = trials_for_significance()
    few = dict(n=min(c.n_candidate, c.n_baseline), need=need, need_interval=max(need, trials_for_coverage()),
               p_min=f"{min(c.smallest_possible_p, 1.0):.2f}", ratio=format_ratio(c.ratio))
    few["how"] = _more_trials(a.results, cpu.is_script or gpu.is_script, few["need_interval"], T)
    if c.too_few_to_tell:
        return T("verdict.too_few", faster=faster, **few, **args)
    if c.smallest_possible_p >= ALPHA:  # overlapping, and too few for any outcome to be significant
        return T("verdict.not_shown.few", detail=_interval(c, T), **few, **args)
    return T("verdict.not_shown", ratio=format_ratio(c.ratio), detail=_interval(c, T), **args)


def _more_trials(results: Results, scripts: bool, need: int, T: Texts) -> str:
    """The flag that gives ``need`` cold trials (a script's own where scripts are compared); where the plan
    asked for that many and a signal stopped the run, that it was stopped, not the flag again."""
    plan = results.plan if isinstance(results.plan, BenchPlan) else None
    flag, planned = "runs", plan.runs if plan is not None else 0
    if scripts:
        flag = "script_runs"
        planned = (plan.script_runs if plan.script_runs is not None else plan.runs) if plan is not None else 0
    if results.interrupted is not None and planned >= need:
        return T("verdict.how.stopped", how=T.option(flag, planned))
    return T.option(flag, need)


def _start_up_seconds(a: Analysis, target: Target) -> float | None:
    share, total = a.start_up_share(target), a.find(target, "cold", "total")
    return share * total.median if share is not None and total is not None else None


def why(a: Analysis, name: Namer, targets: list[Target], T: Texts) -> list[str]:
    """Measured phase shares: start-up against training, per target; and the phases in which the GPU
    spent decidedly more time than the CPU."""
    parts = []
    shares_of = {t: a.phase_shares(t) for t in targets}
    for target in targets:
        start, shares = a.start_up_share(target), shares_of[target]
        if start is None:
            continue
        if target.is_script:  # a script's training is inside "the rest", with whatever else it does
            parts.append(T("why.share.script", target=name(target), start=format_percent(start),
                           rest=format_percent(shares.get("rest", 0.0))))
        else:
            parts.append(T("why.share", target=name(target), start=format_percent(start),
                           train=format_percent(shares.get("train", 0.0))))
    named = [p for p in START_UP_PHASES if any(s.get(p, 0.0) >= NAMED_SHARE for s in shares_of.values())]
    out = [T("why.shares", phases=T.join(T.phase(p) for p in named), parts=T.join(parts))] if parts else []
    # Amdahl, measured: the GPU's whole job takes at least its own start-up, however fast it trains
    cpu = next((t for t in targets if t.kind == "cpu" and not t.is_script), None)
    gpu = next((t for t in targets if t.is_gpu and not t.is_script), None)
    # the CPU's whole process, as the verdict above gives it (the inside total where no wall was timed)
    cpu_total = (a.find(cpu, "cold", "wall") or a.find(cpu, "cold", "total")) if cpu is not None else None
    gpu_start = _start_up_seconds(a, gpu) if gpu is not None else None
    if cpu_total is not None and gpu_start and gpu_start >= START_UP_BOUND * cpu_total.median:
        bound = cpu_total.median / gpu_start
        out.append(T("why.bound" if bound > 1 else "why.bound.never", gpu=name.device(gpu),
                     code=backend_name(gpu.backend, T), gpu_time=format_seconds(gpu_start),
                     cpu_time=format_seconds(cpu_total.median), bound=format_ratio(bound)))
    if len(targets) == 2:
        cpu, gpu = targets
        extra, own = [], []  # phases decidedly slower by the rule; start-up phases the CPU does not have at all
        # the exit is one too; mlpbench's own work after the job is none
        phases = [p for p in a.phases_of(gpu) if p not in ("total", "after", "seed_time", "wall")]
        compared = {p: c for p in phases if (c := a.comparison(gpu, "cold", p, cpu)) is not None}
        compared = dict(zip(compared, in_family(list(compared.values()))))  # scanned for differences: adjusted together
        for phase in phases:
            c = compared.get(phase)
            mine, theirs = a.find(gpu, "cold", phase), a.find(cpu, "cold", phase)
            if c is not None and c.verdict == "slower" and mine and theirs:
                extra.append((mine.median - theirs.median, phase))
            elif c is None and mine and theirs is None and phase in START_UP_PHASES and mine.median > 0.01:
                own.append((mine.median, phase))
        tested = next((c.family for c in compared.values() if c.p is not None), 0)  # how many the adjustment counted
        for key, found in (("why.extra", extra), ("why.extra_own", own)):
            if found:
                items = [T("why.extra_item", phase=T.phase(p), time=format_seconds(d)) for d, p in sorted(found, reverse=True)[:3]]
                out.append(T(key, gpu=name(gpu), cpu=name(cpu), items=T.join(items), n=tested))
    return out


def measured_inside(a: Analysis, name: Namer, target: Target, T: Texts) -> list[str]:
    """A GPU's why, measured: how long the device computed in each warm step (the profile after the
    timed trials), and what the rest of the step was."""
    profile = a.profile(target)
    if not target.is_gpu or profile is None or profile.busy_s is None:
        return []
    found = inside_step(a, name, target, T)
    return [found] if found else []


def steady(a: Analysis, name: Namer, cpu: Target, gpu: Target, T: Texts) -> str | None:
    c = a.comparison(gpu, "warm", "train", cpu)
    pg, pc = a.per_step(gpu, "warm"), a.per_step(cpu, "warm")
    if c is None or pg is None or pc is None:
        return None
    args = dict(gpu=name(gpu), cpu=name(cpu), gpu_step=format_seconds(pg[0]), cpu_step=format_seconds(pc[0]))
    if c.verdict == "faster":
        return T("steady.gpu_faster", factor=format_ratio(c.speedup), detail=_interval(c, T, True, True), **args)
    if c.verdict == "slower":
        return T("steady.gpu_slower", factor=format_ratio(c.ratio), detail=_interval(c, T, warm=True), **args)
    return T("steady.not_shown", detail=_interval(c, T, warm=True), **args)


def _backends(a: Analysis, kind: str) -> tuple[list[Target], str]:
    """The single-process targets of one kind of device with a per-step time, and the mode it is taken
    in: warm where every one of them has warm trials, else cold (never one figure from each)."""
    group = [t for t in a.targets if t.kind == kind and t.ranks is None and not t.is_script]
    mode = "warm" if group and all(a.find(t, "warm", "train") for t in group) else "cold"
    return [t for t in group if a.per_step(t, mode)], mode


def _fastest(a: Analysis, timed: list[Target], mode: str) -> Target | None:
    return min(timed, key=lambda t: a.per_step(t, mode)[0]) if timed else None  # type: ignore[index]


def backends_on_one_device(a: Analysis, name: Namer, main: Target, T: Texts) -> str | None:
    """Where one device ran several backends: its fastest against ``main`` (plain PyTorch), per step,
    warm where all have warm trials, else cold, with the rule."""
    timed, mode = _backends(a, main.kind)
    if len(timed) < 2 or main not in timed:
        return None
    best = _fastest(a, [t for t in timed if t != main], mode)  # the best of the others: plain PyTorch may be fastest
    c = a.comparison(best, mode, "train", main) if best is not None else None
    if c is None:
        return None
    best_step, base_step = a.per_step(best, mode)[0], a.per_step(main, mode)[0]  # type: ignore[index]
    args = dict(best=T(f"backend.{best.backend}"), base=T(f"backend.{main.backend}"), best_step=format_seconds(best_step),
                base_step=format_seconds(base_step))
    if c.verdict == "faster":
        return T("verdict.backends", factor=format_ratio(c.speedup), detail=_interval(c, T, True, mode == "warm"), **args)
    if c.verdict == "slower":
        return T("verdict.backends.slower", factor=format_ratio(c.ratio), detail=_interval(c, T, warm=mode == "warm"),
                 **args)
    return T("verdict.backends.not_shown", detail=_interval(c, T, True, mode == "warm"), **args)


def best_pair(a: Analysis, name: Namer, cpu: Target, gpu: Target, T: Texts) -> str | None:
    """The fastest backend on each device against each other, per step (warm where both have warm
    trials, else cold), with the rule; only where some device has more than the loop it was asked
    to compare."""
    (cpus, cpu_mode), (gpus, gpu_mode) = _backends(a, cpu.kind), _backends(a, gpu.kind)
    best_cpu, best_gpu = _fastest(a, cpus, cpu_mode), _fastest(a, gpus, gpu_mode)
    if best_cpu is None or best_gpu is None or (best_cpu, best_gpu) == (cpu, gpu):
        return None
    mode = "warm" if "cold" not in (cpu_mode, gpu_mode) else "cold"
    c = a.comparison(best_gpu, mode, "train", best_cpu)
    pg, pc = a.per_step(best_gpu, mode), a.per_step(best_cpu, mode)
    if c is None or pg is None or pc is None:
        return None
    warm = mode == "warm"
    args = dict(gpu=name(best_gpu), cpu=name(best_cpu), gpu_step=format_seconds(pg[0]), cpu_step=format_seconds(pc[0]))
    if c.verdict == "faster":
        return T("best.gpu_faster", factor=format_ratio(c.speedup), detail=_interval(c, T, True, warm), **args)
    if c.verdict == "slower":
        return T("best.cpu_faster", factor=format_ratio(c.ratio), detail=_interval(c, T, warm=warm), **args)
    return T("best.not_shown", detail=_interval(c, T, warm=warm), **args)


LOOSE = 0.5  # an IQR over half the median: the first screen says so beside the figure (the warnings from 10 %)


def loose_step(a: Analysis, target: Target, mode: str, T: Texts) -> str:
    """Where the runs behind a per-step figure varied widely, the spread beside it, not only in the warnings."""
    found, steps = a.find(target, mode, "train"), a.steps(target)
    if found is None or not steps or not found.stats.relative_iqr > LOOSE:
        return ""
    s = found.stats
    return T("verdict.per_step.loose", low=format_seconds(s.q1 / steps), high=format_seconds(s.q3 / steps),
             percent=f"{100 * s.relative_iqr:.0f}")


def when_bench(a: Analysis, results: Results, name: Namer, cpu: Target, gpu: Target, T: Texts) -> list[str]:
    """From this one size: are the GPU's steps cheaper (the rule on the warm loops where both have them,
    as the steady-state sentence, else on the cold trials' train phase), and after how many steps would
    they repay its extra one-off costs (cold figures: one-off costs are cold); then what a sweep would settle."""
    mode = "warm" if a.find(gpu, "warm", "train") and a.find(cpu, "warm", "train") else "cold"
    c = a.comparison(gpu, mode, "train", cpu)
    command = sweep_command(a, T, cpu, gpu)
    # a data-parallel job's sweep is over ranks (--vary nproc), not sizes: no size hint for it
    hint = [] if command is None else [T("when.sweep_hint", command=command)]
    if c is None:
        return hint
    steps = a.steps(cpu) or results.config.steps
    if c.verdict == "faster":
        # The break-even divides by a per-step saving: the cold steps' where the rule decides them, else the warm
        # steps' that it just decided (a cold difference within the noise would give any number at all).
        cold = c if mode == "cold" else a.comparison(gpu, "cold", "train", cpu)
        saving = "cold" if cold is not None and cold.verdict == "faster" else mode
        repay = a.break_even(gpu, cpu, saving)
        if repay is not None and repay > 0:
            return [T(f"when.repays.{saving}", gpu=name(gpu), steps=format_steps(repay), have=format_number(steps)), *hint]
        if repay == 0:
            return [T("when.ahead", gpu=name(gpu)), *hint]
        return hint  # cheaper warm steps, but the cold figures give no break-even: say nothing more
    if c.verdict == "slower":
        return [T("when.steps_dearer", gpu=name(gpu), cpu=name(cpu), trials=T(f"when.trials.{mode}")), *hint]
    return [T("when.steps_undecided", gpu=name(gpu), cpu=name(cpu), trials=T(f"when.trials.{mode}")), *hint]


def when_sweep(results: Results, a: Analysis, sweep: SweepAnalysis, T: Texts) -> list[str]:
    from mlpbench.output.report.sweep import findings  # here: it imports the plots (matplotlib)

    return findings(results, a, T, sweep)


def scripts_sentence(results: Results, a: Analysis, T: Texts) -> str | None:
    """What each of the user's scripts printed about itself against what its process took."""
    parts = []
    name = Namer(results, T)
    for target in a.targets:
        if not target.is_script:
            continue
        own, wall, ended = (a.find(target, "cold", p) for p in ("seed_time", "wall", "exit"))
        started = [m.median for p in ("interpreter", "import_torch") if (m := a.find(target, "cold", p))]
        script, ran_on = PurePath(target.script or "").name, name.script_device(target)
        script = T("name.script_on", what=script, device=ran_on) if ran_on else script
        outside = ([T("scripts.before", before=format_seconds(sum(started)))] if started else []) + \
            ([T("scripts.exit", exit=format_seconds(ended.median))] if ended is not None else [])
        exit_part = T("scripts.of_which", items=T("scripts.and").join(outside)) if outside else ""
        if own is not None:
            parts.append(T("scripts.item", script=script, own=format_seconds(own.median),
                           wall=format_seconds(wall.median if wall else None), exit=exit_part))
        elif wall is not None:
            parts.append(T("scripts.item_no_figure", script=script, wall=format_seconds(wall.median), exit=exit_part))
    return T("scripts.sentence", items=("、" if T.lang == "ja" else "; ").join(parts)) if parts else None


def timed_scripts(a: Analysis) -> list[Target]:
    return [t for t in a.targets if t.is_script and a.find(t, "cold", "wall")]


def scripts_comparison(a: Analysis, T: Texts, name: Namer | None = None) -> str | None:
    """The user's own question: their second script's whole process against their first's, by the rule
    (``name``: call each script by its name and device, as a headline must)."""
    scripts = timed_scripts(a)
    if len(scripts) != 2:
        return None
    first, second = scripts
    c = a.comparison(second, "cold", "wall", first)
    if c is None:
        return None
    args = {k: name(t) if name else PurePath(t.script or "").name for k, t in (("a", first), ("b", second))}
    if c.verdict == "faster":
        return T("scripts.faster", factor=format_ratio(c.speedup), detail=_interval(c, T, invert=True), **args)
    if c.verdict == "slower":
        return T("scripts.slower", factor=format_ratio(c.ratio), detail=_interval(c, T), **args)
    text = T("scripts.not_shown", detail=_interval(c, T), **args)
    if c.smallest_possible_p >= ALPHA:  # no outcome of so few could be shown: say how many could
        need = trials_for_significance()
        text = T.sentences(text, T("scripts.too_few", n=min(c.n_candidate, c.n_baseline), p_min=f"{c.smallest_possible_p:.2f}",
                                   need=need, how=_more_trials(a.results, True, need, T)))
    return text


def explained(a: Analysis, targets: list[Target]) -> list[Target]:
    """Whose phase shares say why: ``targets`` where they had cold trials, else the user's scripts."""
    cold = [t for t in targets if a.start_up_share(t) is not None]
    return cold or [t for t in timed_scripts(a) if a.start_up_share(t) is not None]


def _all_failed(results: Results, a: Analysis) -> list[Target]:
    """Targets that ran and failed every time (none of their runs is in any figure)."""
    return [t for t in dict.fromkeys(o.target for o in [*results.cold, *results.warm] if o.status != "ok")
            if t not in a.targets]


def _excluded(a: Analysis) -> list[Target]:
    """Targets that ran but are in no figure: every measured run of theirs failed its loss check."""
    return [t for t in dict.fromkeys(c.target for c in a.failed_checks()) if t not in a.targets]


def not_done(results: Results, a: Analysis, name: Namer, gpu: Target | None, T: Texts,
             sweep: SweepAnalysis | None = None) -> list[str]:
    out = []
    if results.interrupted:
        out.append(T("not_done.interrupted", signal=results.interrupted))
    elif not results.complete:
        out.append(T("not_done.incomplete"))
    if results.skipped:
        out.append(T("not_done.skipped", n=len(results.skipped)))
    failed = [t for t in [*results.cold, *results.warm, *results.points] if t.status not in ("ok", "unsupported")]
    failed_targets = {t.target for t in failed} | set(_excluded(a))
    unmeasured = [t.target for t in results.targets  # not reached; a target whose runs failed or were left out: below
                  if t.status == "ok" and t.target not in a.targets and t.target not in failed_targets]
    if unmeasured and results.kind == "bench":
        out.append(T("not_done.unmeasured", targets=T.join(name(t) for t in unmeasured)))
    if sweep is not None:
        missing = sweep.missing()
        if missing:
            items = [T("not_done.missing_point", point=format_point(p),
                       target=name(t)) for p, t in missing[:6]]
            out.append(T("not_done.missing", n=len(missing), items=T.join(items)))
    if gpu is None and not any(t.is_gpu for t in [*_excluded(a), *_all_failed(results, a)]):  # said in the verdict
        reasons = dict.fromkeys(t.reason for t in results.targets if t.status != "ok" and t.target.is_gpu and t.reason)
        only_scripts = bool(results.targets) and all(t.target.is_script for t in results.targets)  # their own device
        out.append(T("not_done.no_gpu", reasons="; ".join(reasons)) if reasons else
                   T("not_done.no_gpu.scripts") if only_scripts else T("not_done.no_gpu.unasked"))
    colds = {t: m.stats.n for t in a.targets if (m := a.find(t, "cold", "wall")) is not None}
    n = min(colds.values(), default=None)
    if n is not None and n < trials_for_coverage(CONFIDENCE) and sweep is None:  # a sweep's one-off run is one by design
        coverage = 1 - 2 * 0.5**n if n > 1 else 0.0
        fewest = [t for t, k in colds.items() if k == n]
        key = "not_done.few_trials" if len(fewest) == len(a.targets) else "not_done.few_trials.some"  # else: name them
        out.append(T(key, n=n, coverage=format_percent(coverage, 1), need=trials_for_coverage(),
                     targets=T.join(name(t) for t in fewest),
                     how=_more_trials(results, all(t.is_script for t in fewest), trials_for_coverage(), T)))
    if results.kind == "bench" and not results.cold and (results.config.workload or "").startswith("<"):
        out.append(T("not_done.in_process"))
    if results.kind == "bench" and not any(a.find(t, "warm", "train") for t in a.targets):
        only_scripts = bool(a.targets) and all(t.is_script for t in a.targets)  # a bench whose every run failed has none
        out.append(T("not_done.no_warm_scripts" if only_scripts else "not_done.no_warm"))
    points = [p for p in failed if isinstance(p, SweepPoint)]  # named: "a run failed" is no help in a sweep
    runs = [t for t in failed if not isinstance(t, SweepPoint)]
    if runs:  # what failed, said where it is read first: "one run failed; see the warnings" told nothing
        why = list(dict.fromkeys(f"{name.label(t.target)}: {_failure(t, T)}" for t in runs))
        out.append(T("not_done.failed", n=len(runs), why="; ".join(why[:3]) + ("; …" if len(why) > 3 else "")))
    if points:
        items = [T("not_done.failed_point", point=format_point(p.point),
                   target=name(p.target), status=T(f"status.{p.status}")) for p in points[:6]]
        out.append(T("not_done.failed_points", n=len(points), items=T.join(items) + ("…" if len(points) > 6 else "")))
    busy = a.busy()
    if busy is not None:  # every figure above may be slower and noisier than the machine can do
        out.append(T("not_done.notice", message=T.cap(T(f"caveat.{busy.code}", **busy.values)),
                     advice=T.cap(advice(busy.code, results, T))))
    mismatched = a.failed_checks()
    if mismatched:
        out.append(T("not_done.mismatch", n=len(mismatched), targets=T.join(dict.fromkeys(name(c.target) for c in mismatched)),
                     against=T("against.own" if a.checked_own else "against.reference")))
    return out


def _failure(trial: ColdTrial | WarmSet, T: Texts) -> str:
    """Why a run failed, in one short line: its error's first line, else its status in words."""
    lines = (trial.error or "").strip().splitlines()
    return lines[0][:160] if lines else T(f"status.{trial.status}")


def first_screen(results: Results, a: Analysis, T: Texts) -> FirstScreen:
    name = Namer(results, T)
    cpu, gpu = pair(a)
    answered = False  # the user's two scripts against each other made the headline
    sweep = SweepAnalysis(results, a) if isinstance(results.plan, SweepPlan) else None  # once: it is not cheap
    if not a.targets:
        return FirstScreen(T("verdict.nothing"), not_done=not_done(results, a, name, gpu, T, sweep))
    if sweep is not None:
        found = when_sweep(results, a, sweep, T)
        screen = FirstScreen(found[0] if found else T("verdict.sweep", parameter=next(iter(results.plan.vary))))  # type: ignore[union-attr]
        screen.when = found[1:]
        gpu = next((t for t in sweep.targets if t.is_gpu), None)
    elif cpu is not None and gpu is not None:
        verdict = whole_job(a, name, cpu, gpu, T)
        if timed_scripts(a) and not cpu.is_script and not gpu.is_script:  # whose whole job: not the user's scripts'
            verdict = T("verdict.own", sentence=verdict[:1].lower() + verdict[1:] if verdict[1:2].islower() else verdict)
        screen = FirstScreen(verdict, why(a, name, explained(a, [cpu, gpu]), T) + measured_inside(a, name, gpu, T),
                             steady(a, name, cpu, gpu, T), best_pair(a, name, cpu, gpu, T),
                             when_bench(a, results, name, cpu, gpu, T))
    elif not [t for t in a.targets if not t.is_script] and len(timed_scripts(a)) == 2 and \
            (answer := scripts_comparison(a, T, name)) is not None:  # only the user's two scripts: theirs is the answer
        screen = FirstScreen(answer, why(a, name, explained(a, timed_scripts(a)), T))
        answered = True
    else:
        only = [t for t in a.targets if not t.is_script]
        main = cpu or next((t for t in only if t.backend == "eager"), only[0] if only else a.targets[0])
        wall = a.find(main, "cold", "wall")
        step = a.per_step(main)
        excluded, failed = _excluded(a), _all_failed(results, a)
        if excluded or failed:  # they ran, but no figure has them: not "only the CPU was measured"
            text = T.sentences(
                T("verdict.excluded", targets=T.join(name(t) for t in excluded),
                  against=T("against.own" if a.checked_own else "against.reference")) if excluded else "",
                T("verdict.all_failed", targets=T.join(name(t) for t in failed)) if failed else "",
                T("verdict.left", target=name(main), time=format_seconds(wall.median), n=wall.stats.n) if wall else "")
        else:
            text = T("verdict.one_device", target=name(main), time=format_seconds(wall.median if wall else None),
                     n=wall.stats.n if wall else 0) if wall else T("verdict.one_device_warm", target=name(main))
        if step is not None:
            key = "verdict.per_step.own" if timed_scripts(a) else "verdict.per_step"  # whose step it is
            text = T.sentences(text, T(key, step=format_seconds(step[0]), mode=T(f"mode.long.{step[1]}")),
                               loose_step(a, main, step[1], T))
        screen = FirstScreen(text, why(a, name, explained(a, [main]), T) + measured_inside(a, name, main, T),
                             best=backends_on_one_device(a, name, main, T))
    scripts, compared = scripts_sentence(results, a, T), None
    ran_on = [name.script_device(t, short=True) for t in timed_scripts(a)]
    headline = cpu is not None and gpu is not None and a.find(gpu, "cold", "wall") is None \
        and None not in ran_on and len(set(ran_on)) == 2
    if headline and (answer := scripts_comparison(a, T, name)) is not None:
        # no cold trials of the workload on both devices, but the user's scripts ran one on each: the
        # whole-job answer is theirs
        screen.verdict = answer
    elif not answered:  # said once: in the headline or among the scripts' sentences
        compared = scripts_comparison(a, T)
    screen.scripts = T.sentences(scripts, compared) if scripts and compared else scripts
    screen.not_done = not_done(results, a, name, gpu, T, sweep)
    return FirstScreen(T.cap(screen.verdict), [T.cap(s) for s in screen.why],
                       T.cap(screen.steady) if screen.steady else None, T.cap(screen.best) if screen.best else None,
                       [T.cap(s) for s in screen.when],
                       screen.scripts, screen.not_done)
