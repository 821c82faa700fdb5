"""What to run next, as the report advises it: the same model as the results, in the command line's words or
the notebook API's, with every setting that was given (pasted back, it measures the same work)."""

from __future__ import annotations

from typing import Any

from mlpbench.errors import UsageError
from mlpbench.output.i18n import Texts
from mlpbench.results.analysis import Analysis
from mlpbench.results.model import BenchPlan, Results, Target
from mlpbench.workload.config import WorkloadConfig

SWEEP_SIZES = (500, 2000, 8000, 32000, 128000)


# A suggested sweep's points should finish: those whose estimated time (the job and the sweep's default warm-up and
# warm runs, at the per-step time measured here grown with the rows of a full batch) stays within half the default
# --point-timeout are suggested. An estimate for advice, never a figure of the report.
POINT_RUNS = 1 + 1 + 5  # the job, --warmup 1, --warm-runs 5 (the sweep's defaults)
POINT_BUDGET_S = 150.0  # half of --point-timeout's default 300 s
TRIAL_STEPS = 100  # --trial-steps' default


def sweep_command(a: Analysis, T: Texts, cpu: Target | None = None, gpu: Target | None = None) -> str | None:
    """A sweep of the same model as this bench, on the same targets (``cpu`` and ``gpu``; the default devices
    where none are given), as a command or the API's call, with the sizes to try: those the workload can run (a
    batch of training rows at least, the built-in MLP's limits) and whose points would finish (a CNN at 589 ms a
    step was offered n = 128,000). None for a data-parallel job, whose sweep is over ranks."""
    results = a.results
    if (cpu is not None and cpu.ranks is not None) or (gpu is not None and gpu.ranks is not None):
        return None
    if (cpu is not None and cpu.is_script) or (gpu is not None and gpu.is_script):
        return T.command("sweep", workload="FILE.py", vary={"n": list(SWEEP_SIZES)})
    options: dict[str, Any] = {}
    if cpu is not None and gpu is not None:
        options.update(devices_given([str(cpu.device), str(gpu.device)]))
        backends = list(dict.fromkeys((cpu.backend, gpu.backend)))
        if backends != ["eager"]:
            options["backends"] = ",".join(backends)
    config = results.config
    runs = [n for n in SWEEP_SIZES if _runs_at(config, n)] or [m for m in (config.n * 4**i for i in range(4))
                                                                 if _runs_at(config, m)]
    finish = [n for n in runs if _finishes(a, [t for t in (cpu, gpu) if t is not None] or a.targets, n)]
    sizes = finish if len(finish) >= 2 else runs[:2]
    # the one-off runs measure start-up at the configuration as given: --n 200 beside n=500,... put them outside
    # the swept sizes, the default n among them
    leave = ("n",) if config.n not in sizes and WorkloadConfig().n in sizes else ()
    return same_job(results, T, "sweep", options, leave=leave, vary={"n": sizes})


def _finishes(a: Analysis, targets: list[Target], n: int) -> bool:
    """Whether a sweep point at ``n`` rows could finish within the budget on every target measured: the step
    measured here, plus the added arithmetic of a larger full batch at the device's measured matmul rate (its best
    case: only a size that cannot finish even so is left out). Without a rate nothing is left out: a step grown
    with the rows would leave out sizes an overhead-bound step reaches easily (the seed's MLP: 25× too slow)."""
    config = a.results.config
    grows = n > config.n and (config.batch_size is None or config.batch_size >= config.n_train)  # a mini-batch's does not
    for target in targets:
        found = None if target.is_script else a.per_step(target)
        if found is None:
            continue
        per_step = found[0]
        if grows:
            run, warm = a.first_run(target), a.warm_set(target)
            rate = warm.record.matmul_flops_per_s if warm is not None and warm.record is not None else None
            if not (rate and run is not None and run.flops_per_step):
                continue
            per_step += run.flops_per_step * (n / config.n - 1) / rate
        if per_step * min(config.steps, TRIAL_STEPS) * POINT_RUNS > POINT_BUDGET_S:
            return False
    return True


def devices_given(devices: list[str]) -> dict[str, str]:
    """``--devices`` where the devices are not the default pair (the CPU and the first GPU), else nothing."""
    return {} if devices in (["cpu", "cuda"], ["cpu", "cuda:0"]) else {"devices": ",".join(devices)}


MEASURED = ("runs", "warm_runs", "warmup", "warm_time")  # how a bench measured: carried into a bench it advises


def same_job(results: Results, T: Texts, verb: str, before: dict[str, Any] | None = None,
             leave: tuple[str, ...] = (), **after: Any) -> str:
    """``verb`` run on the same model as these results: its workload file (a script, or a model that lives only in
    a notebook, must first be saved as one), ``before``, the threads and every setting given other than its
    default (but those in ``leave``; a bench's trials too, where it advises a bench), then ``after``. The built-in
    MLP's d_in, d_out and noise are the API's alone: where they were set, the command is the API's call whatever
    the report's words."""
    config, default = results.config, WorkloadConfig()
    options: dict[str, Any] = {}
    if config.workload is not None:
        options["workload"] = "FILE.py" if config.workload.startswith("<") else config.workload
    options.update(before or {})
    plan = results.plan
    if isinstance(plan, BenchPlan) and plan.threads is not None:
        options["threads"] = plan.threads
    api_only = [n for n in ("d_in", "d_out", "noise") if config.is_builtin and getattr(config, n) != getattr(default, n)]
    names = ["n", *(("hidden",) if config.is_builtin else ()), *api_only, "steps", "lr", "seed", "train_fraction",
             "batch_size", "precision", "log_every"]  # a workload file builds its own model: no hidden beside it
    options.update({name: getattr(config, name) for name in names
                    if getattr(config, name) != getattr(default, name) and name not in leave})
    if verb == "bench" and isinstance(plan, BenchPlan):  # pasted back, it measures as much as this one did
        options.update({name: getattr(plan, name) for name in MEASURED
                        if getattr(plan, name) != getattr(BenchPlan(), name)})
    options.update(after)
    return (Texts(T.lang, python=True) if api_only else T).command(verb, **options)


def backends_for(results: Results, kinds: list[str]) -> str:
    """The backends that can run this workload on these device kinds ("all" where every one can): the fused
    kernels and JAX re-implement the built-in MLP, the CUDA graph needs CUDA. What this machine lacks (a C
    compiler, Triton) is not known here, and a bench says it in one line."""
    from mlpbench.workload import backends

    fit = [b.name for b in backends.BACKENDS.values()
           if any(kind in b.device_kinds for kind in kinds) and (b.shapes is None or b.shapes(results.config) is None)
           and results.config.precision in b.precisions]
    return "all" if fit == list(backends.BACKENDS) else ",".join(fit)


def _runs_at(config: WorkloadConfig, n: int) -> bool:
    try:
        config.with_changes(n=n).validate()
    except UsageError:
        return False
    return True
