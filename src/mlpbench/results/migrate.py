"""Reading results files of schema ``mlpbench.results/1`` (hand-checked dicts) as the typed model.

Kept so that older measurements (the first H100 session's among them) stay readable. What /1 did
not record is left empty: losses of cold trials other than the first of each target and of warm
samples (so they are not checked), and a sweep point's own one-off costs (its end-to-end time then
counts the process-level one-offs only). Anything malformed is one UsageError line.
"""

from __future__ import annotations

import re
from typing import Any

import msgspec

from mlpbench.errors import UsageError
from mlpbench.results.model import Results

ENV_FIELDS = ("date", "hostname", "os", "python", "cpu", "cpu_count", "cpu_usable", "torch_threads", "memory_bytes",
              "torch", "torch_cuda", "cudnn", "blas", "cpu_capability", "timer", "timer_resolution_s", "git_commit",
              "mlpbench", "argv", "gpus", "cuda_driver")


def _target(device: Any, backend: Any) -> dict[str, Any]:
    match = re.fullmatch(r"ddp(\d+)", str(backend))
    if match:
        return {"device": device, "backend": "eager", "ranks": int(match.group(1))}
    return {"device": device, "backend": backend}


def _cudnn(value: Any) -> Any:
    if isinstance(value, int) and value > 0:  # 91900 -> 9.19.0
        return f"{value // 10000}.{value // 100 % 100}.{value % 100}"
    return value


def _record(config: dict, target: dict, run: dict | None, phases: dict, seed_time: Any, extra: dict | None = None) -> dict:
    run = run or {}
    facts = dict(run.get("backend_facts") or {})
    for name in ("world_size", "process_group_backend", "allreduce_share"):
        if name in run:
            facts[name] = run[name]
    record = {"target": target, "config": config, "status": "ok", "phases": phases, "seed_time": seed_time,
              "losses": {int(k): v for k, v in (run.get("train_loss") or {}).items()}, "test_loss": run.get("test_loss"),
              "predictions": run.get("predictions", []), "log": run.get("log", []), "facts": facts,
              "threads": run.get("threads"), "per_rank_phases": run.get("per_rank_phases", {})}
    if run.get("train_flops") and config.get("steps"):
        record.update(flops_per_step=run["train_flops"] / config["steps"], flops_source="analytic")
    record.update(extra or {})
    return record


def _convert(old: dict[str, Any]) -> dict[str, Any]:
    config = dict(old["config"])
    env = {k: v for k, v in (old.get("env") or {}).items() if k in ENV_FIELDS}
    env["cudnn"] = _cudnn(env.get("cudnn"))
    if isinstance(env.get("cudnn"), int):
        env["cudnn"] = str(env["cudnn"])
    settings = old.get("settings") or {}
    runs = old.get("runs") or {}
    sweep = old.get("sweep")
    targets = [{"target": _target(t["device"], t["backend"]), "status": t.get("status", "ok"), "reason": t.get("reason")}
               for t in old.get("targets", [])]
    doc: dict[str, Any] = {"complete": bool(old.get("complete")), "interrupted": old.get("interrupted"),
                           "created": old.get("created", "?"), "updated": old.get("updated", "?"), "env": env,
                           "config": config, "targets": targets, "cold": [], "warm": [], "points": []}
    seen: set[str] = set()
    for t in old.get("trials", []):
        key = f"{t['device']}/{t['backend']}"
        target = _target(t["device"], t["backend"])
        record = None
        if t.get("phases") is not None:
            first = key not in seen and t.get("status") == "ok"
            seen.add(key)
            record = _record(config, target, runs.get(key) if first else None, t["phases"], t.get("seed_time"))
            record["status"] = "diverged" if t.get("status") == "diverged" else "ok"
        doc["cold"].append({"kind": "cold", "target": target, "status": t["status"], "wall": t.get("wall"),
                            "returncode": t.get("returncode"), "error": t.get("error"),
                            "stderr_tail": t.get("stderr_tail"), "record": record, "index": t["index"],
                            "round": t.get("round", 0)})
    for w in old.get("warm", []):
        target = _target(w["device"], w["backend"])
        record = None
        if w.get("samples"):
            warm = {"measurement": {"samples": w["samples"], "warmup_samples": w.get("warmup_samples", [])},
                    "stopped_by": w.get("stopped_by", "max_runs"), "one_off": w.get("one_off", {})}
            record = _record(config, target, None, {}, None,
                             {"warm": warm, "matmul_flops_per_s": w.get("matmul_flops_per_s")})
        doc["warm"].append({"kind": "warm", "target": target, "status": w["status"], "wall": w.get("wall"),
                            "returncode": w.get("returncode"), "error": w.get("error"),
                            "stderr_tail": w.get("stderr_tail"), "record": record})
    if sweep:
        trial_steps = int(settings.get("trial_steps", 100))
        doc["plan"] = {"kind": "sweep", "vary": settings.get("vary", {}), "devices": settings.get("devices", []),
                       "backends": settings.get("backends", []), "warm_runs": settings.get("warm_runs", 5),
                       "trial_steps": trial_steps, "point_timeout": settings.get("point_timeout", 300.0),
                       "time_limit": settings.get("time_limit")}
        for key, run in runs.items():
            device, _, backend = key.rpartition("/")
            target = _target(device, backend)
            doc["cold"].append({"kind": "cold", "target": target, "status": "ok", "index": len(doc["cold"]),
                                "round": 0, "record": _record(config, target, run, run.get("phases", {}), None)})
        flops = {(str(r["target"]), tuple(sorted(r["point"].items()))): r.get("flops_per_step") for r in sweep["table"]}
        for m in old.get("measurements", []):
            if m.get("mode") != "sweep":
                continue
            target = _target(m["device"], m["backend"])
            point = m["point"]
            changes = {"n": "n", "steps": "steps", "batch": "batch_size"}
            point_config = dict(config, **{changes[k]: int(v) for k, v in point.items() if k in changes})
            point_config["steps"] = min(point_config["steps"], trial_steps)
            warm = {"measurement": {"samples": [s * trial_steps for s in m["samples"]],
                                    "warmup_samples": [s * trial_steps for s in m.get("warmup_samples", [])]},
                    "stopped_by": "max_runs"}
            record = _record(point_config, target, None, {}, None, {
                "warm": warm, "flops_per_step": flops.get((f"{m['device']}/{m['backend']}", tuple(sorted(point.items()))))})
            doc["points"].append({"kind": "point", "target": target, "status": "ok", "record": record, "point": point,
                                  "config": point_config, "trial_steps": trial_steps})
        for row in sweep.get("failed", []):
            device, _, backend = str(row["target"]).rpartition("/")
            doc["points"].append({"kind": "point", "target": _target(device, backend), "status": row["status"],
                                  "error": row.get("reason"), "point": row["point"], "config": config,
                                  "trial_steps": trial_steps})
        doc["skipped"] = list(sweep.get("skipped", []))
    else:
        doc["plan"] = {"kind": "bench", **{k: settings[k] for k in ("devices", "backends", "runs", "warm_runs", "warmup",
                                                                     "warm_time", "threads", "trial_timeout", "nproc",
                                                                     "nnodes") if k in settings}}
    return doc


def from_v1(old: Any, source: str) -> Results:
    if not isinstance(old, dict):
        raise UsageError(f"{source}: not a results file: expected a JSON object")
    try:
        doc = _convert(old)
    except (KeyError, TypeError, ValueError, AttributeError, IndexError) as err:
        raise UsageError(f"{source}: invalid mlpbench.results/1 file ({type(err).__name__}: {str(err)[:200]})") from None
    try:
        return msgspec.convert(doc, Results)
    except msgspec.ValidationError as err:
        raise UsageError(f"{source}: invalid mlpbench.results/1 file ({str(err)[:300]})") from None
