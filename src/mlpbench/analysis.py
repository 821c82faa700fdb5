"""From raw trials to the derived parts of a results file: measurements, comparisons, warnings.

Raw samples are the source of truth; everything here is recomputed from them, so ``compare`` and
``report`` can trust a file's numbers only as far as its samples go.
"""

from __future__ import annotations

from typing import Any, Iterable

from mlpbench import stats

# Phases in the order a job runs them; "seed_time" is the seed's own figure and "wall" the
# parent's outside view of the whole process (fork/exec to exit).
PHASE_ORDER = ("import", "device_check", "process_group", "device_init", "data", "to_device", "setup", "compile", "train", "eval", "total", "seed_time", "wall")
COMPARED = (("cold", "wall"), ("cold", "total"), ("cold", "seed_time"), ("warm", "train"))


def key(device: str, backend: str) -> str:
    return f"{device}/{backend}"


def ordered_phases(names: Iterable[str]) -> list[str]:
    names = set(names)
    return [p for p in PHASE_ORDER if p in names] + sorted(names - set(PHASE_ORDER))


def measurement(device: str, backend: str, mode: str, phase: str, samples: list[float],
                warmup_samples: list[float] | None = None, extra_warnings: list[stats.Warning_] | None = None) -> dict[str, Any]:
    summary = stats.summarize(samples)
    summary.warnings += extra_warnings or []
    data = summary.to_json()
    return {"device": device, "backend": backend, "mode": mode, "phase": phase, "samples": list(samples),
            "warmup_samples": list(warmup_samples or []), **data}


def cold_measurements(trials: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    targets = list(dict.fromkeys((t["device"], t["backend"]) for t in trials))
    for device, backend in targets:
        ok = [t for t in trials if t["device"] == device and t["backend"] == backend and t["status"] == "ok"]
        if not ok:
            continue
        phases = {**ok[0]["phases"], "seed_time": 0.0, "wall": 0.0}
        for phase in ordered_phases(phases):
            samples = [t["phases"][phase] if phase in t["phases"] else t.get(phase) for t in ok]
            samples = [s for s in samples if s is not None]
            if samples:
                out.append(measurement(device, backend, "cold", phase, samples))
    return out


def warm_measurements(warm: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for record in warm:
        if record.get("status") != "ok" or not record.get("samples"):
            continue
        extra = []
        if record.get("stopped_by") != "converged":
            extra.append(stats.Warning_(
                "not_converged",
                f"the warm trials stopped ({record.get('stopped_by')}) before the IQR fell under 5 % of the median",
                "raise --warm-time or --warm-runs, or quieten the machine",
            ))
        out.append(measurement(record["device"], record["backend"], "warm", "train", record["samples"],
                               record.get("warmup_samples"), extra))
    return out


def comparisons(measurements: list[dict[str, Any]], baseline: tuple[str, str]) -> list[dict[str, Any]]:
    """Every target against the baseline for the headline figures and for each cold phase."""
    index = {(m["device"], m["backend"], m["mode"], m["phase"]): m for m in measurements}
    pairs = list(COMPARED) + [("cold", m["phase"]) for m in measurements if m["mode"] == "cold"]
    out = []
    targets = list(dict.fromkeys((m["device"], m["backend"]) for m in measurements))
    for device, backend in targets:
        if (device, backend) == baseline:
            continue
        for mode, phase in dict.fromkeys(pairs):
            mine = index.get((device, backend, mode, phase))
            base = index.get((*baseline, mode, phase))
            if not mine or not base or base["median"] <= 0:
                continue
            result = stats.compare(mine["samples"], base["samples"])
            out.append({"device": device, "backend": backend, "baseline": {"device": baseline[0], "backend": baseline[1]},
                        "mode": mode, "phase": phase, **result.to_json()})
    return out


def flat_warnings(measurements: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Warnings worth a reader's attention, one entry per distinct message.

    Only material figures are kept: the headline ones (cold wall, total, seed_time, train; warm
    train) and phases that take at least 5 % of their target's cold total. The same message for
    several phases of one target (e.g. "only 5 trials") is listed once with all those phases.
    """
    totals = {(m["device"], m["backend"]): m["median"] for m in measurements if m["mode"] == "cold" and m["phase"] == "total"}
    grouped: dict[tuple[str, ...], dict[str, Any]] = {}
    for m in measurements:
        total = totals.get((m["device"], m["backend"]))
        material = (m["mode"], m["phase"]) in COMPARED or m["phase"] == "train" or (total and m["median"] >= 0.05 * total)
        if not material:
            continue
        for w in m["warnings"]:
            group = (m["device"], m["backend"], m["mode"], w["code"], w["message"])
            entry = grouped.setdefault(group, {"device": m["device"], "backend": m["backend"], "mode": m["mode"],
                                               "phases": [], **w})
            entry["phases"].append(m["phase"])
    for entry in grouped.values():
        entry["phase"] = ", ".join(entry["phases"])
    return list(grouped.values())


def choose_baseline(targets: list[tuple[str, str]]) -> tuple[str, str] | None:
    """The CPU running the seed's loop when it was measured (or its one-rank DDP run), else the first."""
    for wanted in ("eager", "ddp1"):
        for device, backend in targets:
            if device == "cpu" and backend == wanted:
                return device, backend
    return targets[0] if targets else None


def scaling(measurements: list[dict[str, Any]], runs: dict[str, Any]) -> list[dict[str, Any]]:
    """Data-parallel targets (backend "ddpN") against one rank: speed-up and parallel efficiency."""
    from mlpbench.bench import ddp_size

    rows = []
    for device in dict.fromkeys(m["device"] for m in measurements if ddp_size(m["backend"])):
        def loop_time(backend: str) -> tuple[float | None, str]:
            warm = find({"measurements": measurements}, device, backend, "warm", "train")
            cold = find({"measurements": measurements}, device, backend, "cold", "train")
            return (warm["median"], "warm") if warm else ((cold["median"], "cold") if cold else (None, ""))

        base, _ = loop_time("ddp1")
        sizes = sorted({ddp_size(m["backend"]) for m in measurements if m["device"] == device and ddp_size(m["backend"])})
        for n in sizes:
            t, mode = loop_time(f"ddp{n}")
            if t is None or base is None:
                continue
            run = runs.get(key(device, f"ddp{n}"), {})
            rows.append({"device": device, "nproc": n, "train_s": t, "mode": mode, "speedup": base / t,
                         "efficiency": base / t / n, "allreduce_share": run.get("allreduce_share"),
                         "process_group_backend": run.get("process_group_backend")})
    return rows


def derive(document: dict[str, Any]) -> dict[str, Any]:
    """Recompute measurements, comparisons and warnings of a results document in place."""
    measurements = cold_measurements(document.get("trials", [])) + warm_measurements(document.get("warm", []))
    targets = list(dict.fromkeys((m["device"], m["backend"]) for m in measurements))
    baseline = choose_baseline(targets)
    document["measurements"] = measurements
    document["baseline"] = {"device": baseline[0], "backend": baseline[1]} if baseline else None
    document["comparisons"] = comparisons(measurements, baseline) if baseline else []
    document["warnings"] = flat_warnings(measurements)
    document["scaling"] = scaling(measurements, document.get("runs", {}))
    return document


def find(document: dict[str, Any], device: str, backend: str, mode: str, phase: str) -> dict[str, Any] | None:
    for m in document.get("measurements", []):
        if (m["device"], m["backend"], m["mode"], m["phase"]) == (device, backend, mode, phase):
            return m
    return None
