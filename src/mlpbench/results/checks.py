"""Every measured run's losses, checked against the CPU's eager loop on the same configuration.

A timing is only worth having if the run computed the right thing. For each record (a cold trial,
every warm sample, a sweep point's runs) the logged train losses are compared with the reference's
at the same steps, and its test loss with the reference's test loss, within the tolerance of its
precision (``PARITY``): the first half of the logged steps strictly (float32 sums in a different
order differ in the last digits), every logged step and the test loss loosely (rounding grows as
training goes on). Late in training a loss may approach zero, where any difference is large
relative to it: there, differences are measured against a floor of 1 % of the first logged loss
(the loss's own scale). A run outside them is marked, reported, and left out of every statistic.

A model that draws random numbers as it trains (dropout: ``facts["random_in_training"]``) draws other ones
on another device or backend, so its runs are checked against the first run of their own target and
configuration instead: every run starts its generators from the same state, so those must agree.
"""

from __future__ import annotations

import math
from typing import Iterable

import msgspec

from mlpbench.results.model import Results, RunRecord, Target, point_label
from mlpbench.workload.config import PARITY, WorkloadConfig

REFERENCE = Target("cpu", "eager")
SCALE_FLOOR = 0.01  # late differences are relative to at least 1 % of the first logged loss


class LossCheck(msgspec.Struct, frozen=True):
    """One run's losses against the reference's."""

    target: Target
    run: str  # which run: "cold" (trial ``index``), "warm" (the warm set's first run), "sample" (its measured
    # run ``index``), "point" (a sweep point's first run) or "point_sample"
    index: int
    point: str  # the sweep point ("n=8000"), or ""
    passed: bool
    worst_early: float  # largest relative difference of the train losses in the first half
    worst: float  # ... of every logged train loss and the test loss
    tolerance: tuple[float, float]
    steps: int  # logged steps compared
    own: bool = False  # against its own target's first run (a model that draws random numbers), not the CPU's eager
    inconsistent: bool = False  # failed because other runs of its target disagree with that target's first run

    @property
    def breach(self) -> tuple[str, float, float]:
        """The tolerance a failed run broke and by how much: ("all", worst, late) where every logged step's
        limit was passed, else ("early", worst in the first half, its stricter limit)."""
        early, late = self.tolerance
        return ("all", self.worst, late) if self.worst > late else ("early", self.worst_early, early)


def late_floor(first_loss: float | None) -> float:
    """The scale a late difference is measured against at least: 1 % of the first logged loss."""
    return SCALE_FLOOR * abs(first_loss) if first_loss is not None else 0.0


def relative_difference(value: float | None, ref: float | None, floor: float = 0.0) -> float:
    """|value - ref| relative to |ref|, or to ``floor`` where |ref| is below it (inf where either is missing)."""
    if value is None or ref is None:
        return math.inf
    scale = max(abs(ref), floor)
    if scale == 0:
        return 0.0 if value == 0 else math.inf
    return abs(value - ref) / scale


def compare_losses(target: Target, run: tuple[str, int, str], losses: dict[int, float | None],
                   test_loss: float | None, reference: RunRecord, precision: str) -> LossCheck | None:
    """The check of one run, or None when there is nothing in common to compare."""
    steps = sorted(set(losses) & set(reference.losses))
    if not steps:
        return None
    early_tol, late_tol = PARITY.get(precision, PARITY["fp32"])
    half = max(steps) / 2
    first = reference.losses[steps[0]]
    floor = late_floor(first)
    early = [relative_difference(losses[s], reference.losses[s]) for s in steps if s <= half]
    every = [relative_difference(losses[s], reference.losses[s], floor) for s in steps]
    if reference.test_loss is not None or test_loss is not None:
        every.append(relative_difference(test_loss, reference.test_loss, floor))
    worst_early, worst = max(early, default=0.0), max(every, default=0.0)
    return LossCheck(target, *run, worst_early <= early_tol and worst <= late_tol, worst_early, worst,
                     (early_tol, late_tol), len(steps), draws_random(reference))


def _is_reference(record: RunRecord) -> bool:
    return record.target == REFERENCE


def draws_random(record: RunRecord) -> bool:
    return bool(record.facts.get("random_in_training"))


def references(results: Results) -> list[RunRecord]:
    """Every CPU eager record, wherever it was measured, then the dedicated reference runs."""
    found = [t.record for t in results.cold if t.record is not None and t.status == "ok" and _is_reference(t.record)]
    found += [w.record for w in results.warm if w.record is not None and w.status == "ok" and _is_reference(w.record)]
    found += [p.record for p in results.points if p.record is not None and p.status == "ok"
              and p.target == REFERENCE]
    return found + list(results.references)


def reference_config(config: WorkloadConfig) -> WorkloadConfig:
    """The configuration of the run that checks ``config``'s losses: the same, except that tf32 (a GPU's
    tensor-core mode, which the CPU refuses) is checked against fp32 with tf32's own tolerance."""
    return msgspec.structs.replace(config, precision="fp32") if config.precision == "tf32" else config


def reference_for(config: WorkloadConfig | None, candidates: Iterable[RunRecord]) -> RunRecord | None:
    if config is None:
        return None
    wanted = reference_config(config)
    return next((r for r in candidates if r.config == wanted), None)


def check_record(record: RunRecord, run: tuple[str, int, str], reference: RunRecord | None) -> list[LossCheck]:
    """The first run of a record and, for a warm record, each of its measured runs (the checks of
    those come after the first run's, in order; the reference itself has only its runs checked)."""
    if reference is None or record.config is None:
        return []
    precision = record.config.precision
    found = [] if record is reference else [  # the reference's own warm runs are checked against it, not itself
        compare_losses(record.target, run, record.losses, record.test_loss, reference, precision)]
    warm = record.warm
    if warm is not None:
        sample = "point_sample" if run[0] == "point" else "sample"
        for i, (losses, test) in enumerate(zip(warm.sample_losses, warm.sample_test_losses)):
            found.append(compare_losses(record.target, (sample, i + 1, run[2]), losses, test, reference, precision))
    return [c for c in found if c is not None]


def user_scripts(results: Results) -> list[Target]:
    """The user's scripts with cold trials, in the order they were given (the first is the reference)."""
    return list(dict.fromkeys(t.target for t in results.cold if t.target.is_script))


def scripts_agreement(results: Results) -> list[LossCheck]:
    """Every run of the user's two scripts against the first script's first run, where they logged the
    same steps: whether each process computed the same training, as far as its own log shows (the
    second script's runs: the same training on its device; the first script's later runs: the same
    again). Not a check that excludes anything: mlpbench does not know what a user's scripts are meant
    to compute. The tolerance of fp32."""
    scripts = user_scripts(results)
    if len(scripts) != 2:
        return []
    reference = results.first_run(scripts[0])
    if reference is None or not reference.losses or results.first_run(scripts[1]) is None:
        return []
    found = [compare_losses(t.target, ("cold", t.index + 1, ""), t.record.losses, t.record.test_loss, reference, "fp32")
             for t in results.cold if t.target in scripts and t.status == "ok" and t.record is not None
             and t.record is not reference]
    return [c for c in found if c is not None]


def check_all(results: Results) -> dict[int, list[LossCheck]]:
    """The checks of every record in the file, keyed by ``id`` of the record they belong to."""
    refs = references(results)
    runs = [(t.record, ("cold", t.index + 1, "")) for t in results.cold if t.record is not None and not t.target.is_script]
    runs += [(w.record, ("warm", 1, "")) for w in results.warm if w.record is not None]
    runs += [(p.record, ("point", 1, point_label(p.point))) for p in results.points if p.record is not None]
    # Each target's first finished run of a configuration (a cold trial, else a warm set or point): what a random
    # model's runs are checked against.
    firsts: dict[tuple[Target, WorkloadConfig | None], RunRecord] = {}
    for outcome in [*results.cold, *results.warm, *results.points]:
        if outcome.record is not None and outcome.status == "ok":
            firsts.setdefault((outcome.record.target, outcome.record.config), outcome.record)
    out: dict[int, list[LossCheck]] = {}
    for record, run in runs:
        own = firsts.get((record.target, record.config))
        out[id(record)] = check_record(record, run, own if draws_random(record) else reference_for(record.config, refs))
    # Runs checked against their own target's first run that disagree with it: which of them is right cannot be
    # told (the first may be the wrong one), so none of that target's runs is kept.
    broken = {(r.target, r.config) for r, _ in runs for c in out[id(r)] if c.own and not c.passed}
    for record, run in runs:
        if (record.target, record.config) in broken:
            checks = out[id(record)]
            first = [] if any(c.run == run[0] for c in checks) or not record.losses else [  # a reference's own run
                LossCheck(record.target, *run, False, 0.0, 0.0, PARITY.get(record.config.precision, PARITY["fp32"]),
                          len(record.losses), True, True)]
            out[id(record)] = first + [c if not c.passed else msgspec.structs.replace(c, passed=False, inconsistent=True)
                                       for c in checks]
    return out

