"""What to run next, as the report advises it: the same model as the results, in the command line's words or
the notebook API's, with every setting that was given (pasted back, it measures the same work)."""

from __future__ import annotations

from typing import Any

from mlpbench.errors import UsageError
from mlpbench.output.i18n import Texts
from mlpbench.results.model import BenchPlan, Results, Target
from mlpbench.workload.config import WorkloadConfig

SWEEP_SIZES = (500, 2000, 8000, 32000, 128000)


def sweep_command(results: Results, T: Texts, cpu: Target | None = None, gpu: Target | None = None) -> str | None:
    """A sweep of the same model as this bench, on the same targets (``cpu`` and ``gpu``; the default devices
    where none are given), as a command or the API's call, with the sizes to try (those the workload can run: a
    batch of training rows at least, the built-in MLP's limits). None for a data-parallel job, whose sweep is
    over ranks."""
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
    sizes = [n for n in SWEEP_SIZES if _runs_at(config, n)]
    vary = {"n": sizes or [m for m in (config.n * 4**i for i in range(4)) if _runs_at(config, m)]}
    return same_job(results, T, "sweep", options, vary=vary)


def devices_given(devices: list[str]) -> dict[str, str]:
    """``--devices`` where the devices are not the default pair (the CPU and the first GPU), else nothing."""
    return {} if devices in (["cpu", "cuda"], ["cpu", "cuda:0"]) else {"devices": ",".join(devices)}


def same_job(results: Results, T: Texts, verb: str, before: dict[str, Any] | None = None, **after: Any) -> str:
    """``verb`` run on the same model as these results: its workload file (a script, or a model that lives only in
    a notebook, must first be saved as one), ``before``, the threads and every setting given other than its
    default, then ``after``. The built-in MLP's d_in, d_out and noise are the API's alone: where they were set,
    the command is the API's call whatever the report's words."""
    config, default = results.config, WorkloadConfig()
    options: dict[str, Any] = {}
    if config.workload is not None:
        options["workload"] = "FILE.py" if config.workload.startswith("<") else config.workload
    options.update(before or {})
    if isinstance(results.plan, BenchPlan) and results.plan.threads is not None:
        options["threads"] = results.plan.threads
    api_only = [n for n in ("d_in", "d_out", "noise") if config.is_builtin and getattr(config, n) != getattr(default, n)]
    names = ["n", *(("hidden",) if config.is_builtin else ()), *api_only, "steps", "lr", "seed", "train_fraction",
             "batch_size", "precision"]  # a workload file builds its own model: no hidden beside it
    options.update({name: getattr(config, name) for name in names if getattr(config, name) != getattr(default, name)})
    options.update(after)
    return (Texts(T.lang, python=True) if api_only else T).command(verb, **options)


def _runs_at(config: WorkloadConfig, n: int) -> bool:
    try:
        config.with_changes(n=n).validate()
    except UsageError:
        return False
    return True
