"""Comparing two sets of samples, and the one rule for when a difference may be claimed.

Every table, sentence and verdict of mlpbench asks ``Comparison.verdict``: a candidate is called
faster or slower only when the Mann-Whitney U test rejects "same distribution" at alpha = 0.05
*and* the bootstrap interval of the ratio of medians excludes 1. Otherwise the difference is not
shown by the data ("undecided"), which never means "equal".

A question asked once (the first screen's: which device finishes the whole job first, which runs a
warm step faster) is tested alone. Where many comparisons are scanned for the ones that differ (a
table, the phases in which the GPU spent more), ``in_family`` adjusts their p-values together
(Benjamini-Hochberg, which keeps the expected share of false calls among the calls at 5 %), and the
rule reads the adjusted value: twenty phases compared at p < 0.05 each would otherwise call one
difference by chance.
"""

from __future__ import annotations

import math
from typing import Literal, Sequence

import msgspec
import numpy as np

ALPHA = 0.05
BOOTSTRAP_RESAMPLES = 2000
EXACT_ORDERINGS = 20_000  # tied groups with at most this many orderings (10 against 7: 19,448) get the exact p
BOOTSTRAP_MAX_SAMPLES = 2000  # larger groups are thinned evenly (by rank) before resampling: bounded time
SIGNIFICANCE_TEST = "Mann-Whitney U, two-sided"

Verdict = Literal["faster", "slower", "undecided"]


class Comparison(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """Candidate against baseline: ratio of medians (below 1: the candidate takes less time)."""

    ratio: float
    ci: tuple[float, float] | None  # bootstrap percentile interval of the ratio (None: too few samples)
    p_value: float | None  # Mann-Whitney U, two-sided (None: too few samples)
    n_candidate: int
    n_baseline: int
    separated: bool  # every candidate sample lies on one side of every baseline sample
    p_family: float | None = None  # p adjusted among the comparisons it was read with (``in_family``)
    family: int = 1  # how many comparisons with a p-value that adjustment counted

    @property
    def p(self) -> float | None:
        """The p-value the rule reads: adjusted where the comparison was read in a family."""
        return self.p_family if self.p_family is not None else self.p_value

    @property
    def speedup(self) -> float:
        return 1.0 / self.ratio if self.ratio > 0 else math.inf

    @property
    def verdict(self) -> Verdict:
        """The one rule: significant by the test and the interval excludes 1."""
        if self.p is None or self.ci is None or self.p >= ALPHA:
            return "undecided"
        low, high = self.ci
        if high < 1.0:
            return "faster"
        if low > 1.0:
            return "slower"
        return "undecided"

    @property
    def smallest_possible_p(self) -> float:
        """The smallest p-value these group sizes allow (complete separation, no ties)."""
        return smallest_p(self.n_candidate, self.n_baseline)

    @property
    def too_few_to_tell(self) -> bool:
        """Completely separated, yet the group sizes cannot reach significance."""
        return self.separated and self.smallest_possible_p >= ALPHA


def smallest_p(n: int, m: int) -> float:
    """2 / C(n + m, n): the smallest two-sided p any rank test of these group sizes can give (in logs: the
    binomial coefficient of thousands of samples overflows a float)."""
    return min(1.0, 2.0 * math.exp(math.lgamma(n + 1) + math.lgamma(m + 1) - math.lgamma(n + m + 1)))


def trials_for_significance(alpha: float = ALPHA) -> int:
    """The fewest trials per group with which a complete separation is significant (4 for 0.05)."""
    n = 2
    while smallest_p(n, n) >= alpha:
        n += 1
    return n


def in_family(comparisons: Sequence[Comparison]) -> list[Comparison]:
    """The same comparisons with their p-values adjusted together (Benjamini-Hochberg); one alone, or
    ones without a test, are returned as they are."""
    from scipy import stats

    tested = [i for i, c in enumerate(comparisons) if c.p_value is not None]
    out = list(comparisons)
    if len(tested) < 2:
        return out
    adjusted = stats.false_discovery_control([comparisons[i].p_value for i in tested], method="bh")
    for i, p in zip(tested, adjusted):
        out[i] = msgspec.structs.replace(comparisons[i], p_family=float(p), family=len(tested))
    return out


def _thin(x: np.ndarray) -> np.ndarray:
    """At most BOOTSTRAP_MAX_SAMPLES values spread evenly over the sorted sample (keeps its quantiles)."""
    if len(x) <= BOOTSTRAP_MAX_SAMPLES:
        return x
    s = np.sort(x)
    return s[np.linspace(0, len(s) - 1, BOOTSTRAP_MAX_SAMPLES).round().astype(int)]


def compare(candidate: Sequence[float], baseline: Sequence[float], *, seed: int = 0) -> Comparison:
    """Ratio of medians with a bootstrap 95 % interval, and a Mann-Whitney U test.

    The bootstrap resamples each group independently (percentile method, fixed seed so reports
    are reproducible). With few trials the test has little power: "undecided" means "not shown".
    """
    from scipy import stats

    a = np.asarray(candidate, dtype=float)
    b = np.asarray(baseline, dtype=float)
    ratio = float(np.median(a) / np.median(b))
    separated = bool(a.max() < b.min() or a.min() > b.max())
    if len(a) < 2 or len(b) < 2:
        return Comparison(ratio, None, None, len(a), len(b), separated)
    if np.ptp(a) == 0 and np.ptp(b) == 0:
        ci = (ratio, ratio)
    else:
        def ratio_of_medians(x, y, axis):
            return np.median(x, axis=axis) / np.median(y, axis=axis)

        options = dict(n_resamples=BOOTSTRAP_RESAMPLES, method="percentile", vectorized=True)
        try:
            result = stats.bootstrap((_thin(a), _thin(b)), ratio_of_medians, **options, rng=np.random.default_rng(seed))
        except TypeError:  # SciPy < 1.15 names the generator random_state
            result = stats.bootstrap((_thin(a), _thin(b)), ratio_of_medians, **options,
                                     random_state=np.random.default_rng(seed))
        ci = (float(result.confidence_interval.low), float(result.confidence_interval.high))
    # With ties SciPy's default is the normal approximation, which can call a difference the exact test does not
    # ([1, 1, 2, 2] against [2, 3, 3, 3]: 0.047, exactly 0.086): with ties and few enough orderings to count
    # them all, the p comes from every one of them (the permutation distribution, exact and deterministic).
    tied = len(np.unique(np.concatenate([a, b]))) < len(a) + len(b)
    if tied and math.comb(len(a) + len(b), len(a)) <= EXACT_ORDERINGS:
        method = stats.PermutationMethod(n_resamples=EXACT_ORDERINGS)
        p = float(stats.mannwhitneyu(a, b, alternative="two-sided", method=method).pvalue)
    else:
        p = float(stats.mannwhitneyu(a, b, alternative="two-sided").pvalue)
    # Nor can any rank test go below what the best ordering of these group sizes allows (the approximation can).
    p = max(p, smallest_p(len(a), len(b)))
    return Comparison(ratio, ci, p, len(a), len(b), separated)
