"""Numbers the report's sentences are built from, extracted once from a results document."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from mlpbench import analysis
from mlpbench.config import WorkloadConfig

ONE_OFF_PHASES = ("import", "device_check", "process_group", "device_init", "data", "to_device", "setup", "compile")


@dataclass
class TargetFacts:
    device: str
    backend: str
    cold: dict[str, float] = field(default_factory=dict)  # phase -> median, cold trials
    cold_n: int = 0
    warm_train: float | None = None  # median of the whole training loop, warm
    warm_n: int = 0
    matmul_rate: float | None = None  # this device's measured large-matmul FLOP/s, if recorded

    @property
    def key(self) -> str:
        return analysis.key(self.device, self.backend)

    @property
    def is_gpu(self) -> bool:
        return not self.device.startswith("cpu")


@dataclass
class Facts:
    config: WorkloadConfig
    targets: list[TargetFacts]
    baseline: TargetFacts | None
    unavailable: list[dict[str, Any]]
    comparisons: list[dict[str, Any]]

    def comparison(self, target: TargetFacts, mode: str, phase: str) -> dict[str, Any] | None:
        for c in self.comparisons:
            if (c["device"], c["backend"], c["mode"], c["phase"]) == (target.device, target.backend, mode, phase):
                return c
        return None

    @property
    def gpus(self) -> list[TargetFacts]:
        return [t for t in self.targets if t.is_gpu]

    def per_step(self, t: TargetFacts) -> float | None:
        if t.warm_train is not None:
            return t.warm_train / self.config.steps
        if "train" in t.cold:
            return t.cold["train"] / self.config.steps
        return None

    def fixed_cost(self, t: TargetFacts) -> float | None:
        """In-process time not explained by the warm loop: start-up, setup, first-step effects."""
        per_step = self.per_step(t)
        if "total" not in t.cold or per_step is None:
            return None
        return t.cold["total"] - self.config.steps * per_step

    def break_even_steps(self, fast: TargetFacts, slow: TargetFacts) -> float | None:
        """Steps after which ``fast`` (cheaper per step, dearer to start) overtakes ``slow``."""
        pf, ps = self.per_step(fast), self.per_step(slow)
        ff, fs = self.fixed_cost(fast), self.fixed_cost(slow)
        if None in (pf, ps, ff, fs) or pf >= ps:
            return None
        if ff <= fs:
            return 0.0
        return (ff - fs) / (ps - pf)


def extract(doc: dict[str, Any]) -> Facts:
    config = WorkloadConfig.from_dict(doc["config"])
    by_key: dict[tuple[str, str], TargetFacts] = {}
    for m in doc.get("measurements", []):
        if m["mode"] not in ("cold", "warm"):
            continue
        t = by_key.setdefault((m["device"], m["backend"]), TargetFacts(m["device"], m["backend"]))
        if m["mode"] == "cold":
            t.cold[m["phase"]] = m["median"]
            t.cold_n = max(t.cold_n, m["n"])
        elif m["phase"] == "train":
            t.warm_train, t.warm_n = m["median"], m["n"]
    for record in doc.get("warm", []):
        t = by_key.get((record.get("device"), record.get("backend")))
        rate = record.get("matmul_flops_per_s")
        if t and isinstance(rate, (int, float)) and math.isfinite(rate) and rate > 0:
            t.matmul_rate = float(rate)
    targets = list(by_key.values())
    base = doc.get("baseline") or {}
    baseline = by_key.get((base.get("device"), base.get("backend")))
    unavailable = [t for t in doc.get("targets", []) if t.get("status") != "ok"]
    return Facts(config, targets, baseline, unavailable, doc.get("comparisons", []))
