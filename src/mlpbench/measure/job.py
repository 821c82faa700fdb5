"""The one job, timed phase by phase: ``mlpbench run``, every cold trial, every warm set, every
sweep point and every data-parallel rank run exactly this.

Phases, in order (seconds):
  import        interpreter start -> torch ready (Python start-up, mlpbench, import torch)
  device_check  is the device there? (on CUDA this loads the driver; measured by the caller)
  process_group data-parallel runs only: the process group's start-up
  device_init   CUDA context and the first cuBLAS call (~0 on the CPU)
  data          the workload's data and initial model, drawn on the CPU
  to_device     the data copied to the device
  setup         the backend's model, loss and optimizer ...
  first_optimizer ... but for the first torch.optim optimizer's construction, timed apart (with recent
                torch it imports torch._dynamo; the modules it loaded are recorded in ``facts``)
  compile       one-off compiling, graph capture or tuning, for backends that have it
  train         config.steps updates, closed with a device synchronise
  eval          test loss and predictions, copied back to the host
  total         interpreter start -> end of eval
The seed's own figure (``seed_time``) runs from "torch ready" to the end, as its time.time() did.
With a ``WarmPlan`` the job then repeats the training loop from the same start (warm trials),
each run's losses kept so that they can be checked like the first run's.
"""

from __future__ import annotations

import sys
import time
from typing import Callable

import msgspec

from mlpbench.faults import inject
from mlpbench.errors import UsageError
from mlpbench.measure import clock, devices, distributed
from mlpbench.measure.repeat import StoppedBy, measure_repeated
from mlpbench.results.model import Measurement, Memory, RunRecord, Target, WarmRun
from mlpbench.workload.config import WorkloadConfig

ONE_OFF = ("data", "to_device", "setup", "first_optimizer", "compile")


class WarmPlan(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    warmup: int = 2
    min_runs: int = 10
    max_runs: int = 100
    max_time: float = 20.0


class JobSpec(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    """One job, as a parent hands it to a child process (and ``mlpbench run`` to itself)."""

    target: Target
    config: WorkloadConfig
    workload_sha256: str | None = None  # a workload file must still hold what was recorded
    warm: WarmPlan | None = None
    threads: int | None = None
    matmul_rate: bool = False  # also measure the device's large-matmul rate (a ceiling for the report)
    profile: bool = False  # also profile a few steps (torch.profiler), after everything timed
    environment: bool = False  # record the environment (versions, hardware: slower)
    rank_timeout: float = 120.0  # seconds a collective waits for a missing rank before the job fails
    trial: str | None = None  # the parent's name for this trial (planned faults match it)


_TORCH_READY_AT: float | None = None


def import_torch() -> float:
    """Import torch once and remember when it became ready (time.monotonic; 0.0 where someone else had
    imported it before: a notebook's torch was ready before any call of this one)."""
    global _TORCH_READY_AT
    if _TORCH_READY_AT is None:
        imported = "torch" in sys.modules
        import torch  # noqa: F401  the import phase ends here

        _TORCH_READY_AT = 0.0 if imported else time.monotonic()
    return _TORCH_READY_AT


def check_memory(config: WorkloadConfig, device: str) -> None:
    """Refuse, before any work, a built-in workload that cannot fit in the device's memory."""
    if not config.is_builtin:
        return  # a workload file's needs are not known beforehand: its peak memory is measured
    from mlpbench.measure.environment import available_memory_bytes
    from mlpbench.workload.mlp import estimated_bytes

    need = estimated_bytes(config)
    where = "host memory"
    if device.startswith("cuda"):
        import torch

        # total, not free, memory: asking for free memory would create the CUDA context early
        have: int | None = torch.cuda.get_device_properties(device).total_memory
        where = f"memory on {device}"
    else:
        have = available_memory_bytes()
    if have is not None and need > have:
        raise UsageError(f"this workload needs about {need / 2**30:.1f} GiB but only {have / 2**30:.1f} GiB of {where} "
                         f"is available; lower --n or --hidden")


def _finite(value: float) -> float | None:
    return value if value == value and abs(value) != float("inf") else None


def run_job(spec: JobSpec, *, emit: Callable[[str], None] | None = None, device_check: float | None = None,
            device_note: str | None = None, workload=None, started_at: float | None = None,
            check: Callable[..., None] | None = None) -> RunRecord | None:
    """Run the job once (and its warm trials, if planned) and time every phase.

    Returns the record, or None on the ranks of a data-parallel run other than rank 0.
    ``workload`` may hand in an already loaded workload (the Python API); otherwise the
    configuration names it. ``started_at`` (time.monotonic) times the job from a call in a running
    interpreter (the Python API) instead of from the process's start: torch imported before the call
    is then no part of it, and a notebook's earlier work is never counted as "import". ``check`` is
    called on the problem as soon as it is drawn, inside the data phase (``mlpbench run`` checks the
    workload there, so that its data is drawn once and the time it takes is in a phase).
    """
    if started_at is None:
        started_at, import_source = clock.interpreter_start()
    else:
        import_source = "call"
    torch_ready_at = max(import_torch(), started_at)
    import torch

    from mlpbench.workload import backends
    from mlpbench.workload import problem as P

    target, config = spec.target, spec.config
    rank = distributed.this_rank() if target.ranks is not None else None
    device = target.device or "cpu"
    if rank is not None and device.startswith("cuda"):
        device = f"cuda:{rank.local_rank}"
    if spec.threads is not None:
        torch.set_num_threads(spec.threads)
    elif rank is not None:
        import os

        torch.set_num_threads(max(1, (os.cpu_count() or 1) // rank.local_world))
    lead = rank is None or rank.lead
    log: list[str] = []

    def say(line: str) -> None:
        if lead:
            log.append(line)
            if emit:
                emit(line)

    def sync() -> None:
        devices.synchronize(device)
        if rank is not None:
            distributed.barrier()

    timer = clock.PhaseTimer(clock.SyncClock(sync))
    timer.record("import", torch_ready_at - started_at)
    if device_check is not None:
        timer.record("device_check", device_check)
    if rank is not None:
        group = "nccl" if device.startswith("cuda") else "gloo"
        say(f"Using device: {device} (rank 0 of {rank.world}, DistributedDataParallel over {group})")
        with timer.phase("process_group"):
            distributed.start_group(device, spec.rank_timeout)
    else:
        say(f"Using device: {device}" + (f"  [{device_note}]" if device_note and device_note != device else ""))
    info = backends.get(target.backend)
    if target.backend != "eager":
        say(f"Backend: {target.backend} ({info.summary})")
    with timer.phase("device_init"):
        devices.initialize(device)
    with timer.phase("data"):
        workload = workload or P.load_workload(config, spec.workload_sha256)
        problem = P.make_problem(workload, config)
        if check is not None:
            check(problem)
    say(P.data_shapes_line(problem.data))
    with timer.phase("to_device"):
        problem = problem.to(device)
    with clock.FirstCall(torch.optim.Optimizer, "__init__") as first_optimizer, timer.phase("setup"):
        if rank is not None:
            from mlpbench.workload.backends.ddp import DistributedTrainer

            trainer = DistributedTrainer(problem, device)
        else:
            trainer = info.create(problem, device)
    trainer.asked_threads = spec.threads
    if problem.workload.custom_optimizer:  # one line, not an AttributeError in training (mlpbench run checks it here)
        P.check_optimizer(problem.workload, getattr(trainer, "optimizer", None))
    timer.split("setup", "first_optimizer", first_optimizer.seconds)
    if trainer.compiles:
        with timer.phase("compile"):
            trainer.compile()
    say(P.training_banner(problem))
    inject(device, spec.trial if rank is None else f"rank:{rank.rank}")
    P.reseed(problem)
    with timer.phase("train"):
        losses = trainer.train(lambda step, loss: say(P.step_line(step, loss)))
    say(P.TRAINING_COMPLETE)
    with timer.phase("eval"):
        evaluation = P.evaluate(trainer.eval_model(), problem, trainer.loss_fn)
    for line in P.evaluation_lines(evaluation):
        say(line)
    finished_at = time.monotonic()
    timer.record("total", finished_at - started_at)
    say(P.total_time_line(finished_at - torch_ready_at))
    random_in_training = P.draws_random(problem)  # after the total: a fact about the model, in no time of the job

    # a run that diverged repeats itself from the same start: its warm trials and profile would time nothing valid
    diverged = not P.finite([*losses.values(), evaluation.test_loss])
    warm = _warm(spec, trainer, problem, timer, device, rank) if spec.warm is not None and not diverged else None
    peaks = devices.peak_memory(device)  # the job's own peaks: before the matmul probe's big matrices and the profiler
    if rank is not None and rank.world > 1:
        trainer.measure_allreduce(timer.clock.now)
    per_rank = distributed.gather(timer.phases) if rank is not None else None
    rate = devices.matmul_rate(device) if spec.matmul_rate else None
    profile = None
    if spec.profile and rank is None and not diverged:
        from mlpbench.measure.profile import profile_steps

        profile = profile_steps(trainer, device)
    from mlpbench.workload.backends.flops import flops_per_step

    flops, flops_source = flops_per_step(problem)
    facts = _plain({**_optimizer(trainer), "loss": _loss(problem), **trainer.describe(),
                    "first_optimizer_loaded": first_optimizer.loaded,
                    **({"random_in_training": True} if random_in_training else {})})
    memory = Memory(**peaks, jax_peak_bytes=facts.get("peak_bytes_in_use"))
    if rank is not None:
        distributed.finish()
        if not lead:
            return None
    from mlpbench.measure.environment import collect

    env = collect(sample_busy=False) if spec.environment else None
    return RunRecord(
        target=target, config=config, status="diverged" if diverged else "ok", phases=dict(timer.phases),
        seed_time=finished_at - torch_ready_at, import_source=import_source,
        threads=facts["threads"] if isinstance(facts.get("threads"), int) else torch.get_num_threads(),
        losses={k: _finite(v) for k, v in losses.items()}, test_loss=_finite(evaluation.test_loss),
        predictions=[(p, t) for p, t in evaluation.predictions if _finite(p) is not None and _finite(t) is not None],
        classes=evaluation.classes, log=log, flops_per_step=flops,
        facts=facts,
        flops_source="analytic" if flops_source == "workload" and workload.is_mlp else flops_source,
        parameters=P.parameter_count(problem.model), matmul_flops_per_s=rate, memory=memory, warm=warm, profile=profile,
        per_rank_phases={str(i): p for i, p in enumerate(per_rank)} if per_rank else {},
        env=env, after_total=time.monotonic() - finished_at,
    )


def _warm(spec: JobSpec, trainer, problem, timer: clock.PhaseTimer, device: str,
          rank: distributed.Rank | None) -> WarmRun:
    """Warm trials of the whole training loop, each run's losses and test loss kept (untimed)."""
    from mlpbench.measure.energy import EnergyMeter
    from mlpbench.workload import problem as P

    plan = spec.warm
    assert plan is not None
    choices: tuple[StoppedBy | None, ...] = (None, "converged", "time", "max_runs")

    def evaluated(losses: dict[int, float]) -> tuple[dict[int, float | None], float | None]:
        test = P.evaluate(trainer.eval_model(), problem, trainer.loss_fn).test_loss
        return {k: _finite(v) for k, v in losses.items()}, _finite(test)

    def reset() -> None:  # every run from the same weights, optimizer state and random numbers
        trainer.reset()
        P.reseed(problem)

    meter = EnergyMeter(device)
    meter.start()
    result = measure_repeated(
        trainer.train, reset, timer.clock, warmup=plan.warmup, min_runs=plan.min_runs,
        max_runs=plan.max_runs, max_time=plan.max_time, after=evaluated,
        agree=(lambda decision: distributed.agree(decision, device, choices)) if rank is not None else None,
    )
    # energy per training run, over the warm-ups and the warm trials (their untimed evaluations included)
    energy = meter.stop(len(result.samples) + len(result.warmup_samples))
    if rank is not None:  # every rank's GPU drew power: add them up on rank 0
        from mlpbench.measure.energy import across_ranks

        every = distributed.gather(energy)
        energy = across_ranks(every) if every else energy
    return WarmRun(
        measurement=Measurement(result.samples, result.warmup_samples), stopped_by=result.stopped_by,
        sample_losses=[losses for losses, _ in result.outputs], sample_test_losses=[test for _, test in result.outputs],
        one_off={k: v for k, v in timer.phases.items() if k in ONE_OFF}, energy=energy,
    )


def _optimizer(trainer) -> dict[str, str]:
    """The optimizer the run built (a workload's make_optimizer may build any), as "SGD, lr = 0.05, momentum =
    0.9": its learning rate and every setting that differs from the class's default, but how it is implemented."""
    import inspect

    import torch

    optimizer = getattr(trainer, "optimizer", None)
    if not isinstance(optimizer, torch.optim.Optimizer) or not optimizer.param_groups:
        return {}
    group = optimizer.param_groups[0]
    try:
        defaults = {k: p.default for k, p in inspect.signature(type(optimizer).__init__).parameters.items()}
    except (TypeError, ValueError):
        defaults = {}
    shown = [("lr", group.get("lr"))] + [
        (k, v) for k, v in group.items() if k not in ("lr", "params", "foreach", "fused", "capturable", "differentiable")
        and k in defaults and isinstance(v, (bool, int, float, tuple)) and v != defaults[k]]
    settings = ", ".join(f"{k} = {float(v):g}" if isinstance(v, (int, float)) and not isinstance(v, bool) else f"{k} = {v}"
                         for k, v in shown if v is not None and not isinstance(v, torch.Tensor))
    return {"optimizer": type(optimizer).__name__ + (f", {settings}" if settings else "")}


def _loss(problem) -> str:
    """The loss the run trained with, as the workload gave it: "CrossEntropyLoss(label_smoothing=0.1)", "my_loss"."""
    import torch

    fn = problem.workload.loss()
    if not isinstance(fn, torch.nn.Module):
        return str(getattr(fn, "__qualname__", None) or type(fn).__name__)[:200]
    shown = repr(fn)
    if shown.endswith("()"):  # torch's losses print no settings: CrossEntropyLoss(label_smoothing=0.1) read "()"
        try:
            default = type(fn)()
        except Exception:  # noqa: BLE001  a loss that needs arguments: its class name alone
            return shown[:200]
        given = [f"{k}={v!r}" for k, v in vars(fn).items() if not k.startswith("_") and k != "training"
                 and isinstance(v, (bool, int, float, str)) and getattr(default, k, None) != v]
        given += [f"{k}=…" for k, v in fn._buffers.items() if v is not None and default._buffers.get(k) is None]
        shown = f"{type(fn).__name__}({', '.join(given)})"
    return shown[:200]


def _plain(facts: dict[str, object]) -> dict[str, object]:
    """Backend facts as JSON-able values (numbers, text, lists and dicts of them)."""
    return msgspec.to_builtins(facts, builtin_types=(), str_keys=True, enc_hook=str)


def print_line(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()
