"""Statistics of timing samples, kept as data: summaries, intervals, comparisons, warnings.

Medians and order statistics rather than means: timings have long right tails (a context switch,
a page fault), and the median with a distribution-free interval is robust to them.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any, Sequence

import numpy as np

CONFIDENCE = 0.95
HIGH_VARIANCE = 0.10  # IQR / median above which results are flagged (torch.utils.benchmark's rule)
SLOW_FIRST = 1.5  # first sample / median of the others above which warm-up is advised
OUTLIER_Z = 3.5  # modified z-score (Iglewicz & Hoaglin) above which a sample is an outlier
SIGNIFICANCE_TEST = "Mann-Whitney U, two-sided, alpha 0.05"


@dataclass(frozen=True)
class Warning_:
    code: str
    message: str
    advice: str

    def to_json(self) -> dict[str, str]:
        return asdict(self)


@dataclass
class Summary:
    n: int
    median: float
    q1: float
    q3: float
    iqr: float
    min: float
    max: float
    mean: float
    stdev: float
    ci95: tuple[float, float]
    ci_coverage: float  # the interval's exact confidence (below 0.95 when n is too small for 95 %)
    warnings: list[Warning_] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["ci95"] = list(self.ci95)
        data["warnings"] = [w.to_json() for w in self.warnings]
        return data


def median_ci(sorted_samples: np.ndarray, confidence: float = CONFIDENCE) -> tuple[float, float, float]:
    """Distribution-free confidence interval of the median from order statistics.

    Uses scipy's binomial quantile test. When n is too small for the requested confidence
    (n < 6 for 95 %), returns [min, max] and its exact coverage 1 - 2 * 0.5**n instead.
    """
    from scipy import stats

    n = len(sorted_samples)
    if n == 1:
        return float(sorted_samples[0]), float(sorted_samples[0]), 0.0
    ci = stats.quantile_test(sorted_samples, q=float(np.median(sorted_samples)), p=0.5).confidence_interval(confidence)
    if math.isnan(ci.low) or math.isnan(ci.high):
        return float(sorted_samples[0]), float(sorted_samples[-1]), 1.0 - 2.0 * 0.5**n
    return float(ci.low), float(ci.high), confidence


def summarize(samples: Sequence[float]) -> Summary:
    """Median, quartiles, range, mean, stdev, a 95 % CI of the median, and warnings."""
    if len(samples) == 0:
        raise ValueError("no samples to summarise")
    x = np.asarray(samples, dtype=float)
    s = np.sort(x)
    q1, median, q3 = (float(v) for v in np.percentile(s, [25, 50, 75]))
    low, high, coverage = median_ci(s)
    summary = Summary(
        n=len(s), median=median, q1=q1, q3=q3, iqr=q3 - q1, min=float(s[0]), max=float(s[-1]),
        mean=float(x.mean()), stdev=float(x.std(ddof=1)) if len(x) > 1 else 0.0,
        ci95=(low, high), ci_coverage=coverage,
    )
    summary.warnings = sample_warnings(x, summary)
    return summary


def outliers(samples: Sequence[float]) -> list[int]:
    """Indices of samples whose modified z-score 0.6745 * |x - median| / MAD exceeds 3.5."""
    x = np.asarray(samples, dtype=float)
    med = np.median(x)
    mad = np.median(np.abs(x - med))
    if mad == 0:
        return []
    z = 0.6745 * np.abs(x - med) / mad
    return [int(i) for i in np.flatnonzero(z > OUTLIER_Z)]


def sample_warnings(samples: np.ndarray, summary: Summary) -> list[Warning_]:
    """What a careful reader should know about these samples, each with what to do about it."""
    found: list[Warning_] = []
    if summary.median > 0 and summary.iqr / summary.median > HIGH_VARIANCE:
        found.append(Warning_(
            "high_variance",
            f"the trials vary a lot: IQR is {100 * summary.iqr / summary.median:.0f} % of the median",
            "close other programs, pin the thread count with --threads, or add trials",
        ))
    if len(samples) >= 3:
        rest = float(np.median(samples[1:]))
        if rest > 0 and samples[0] > SLOW_FIRST * rest:
            found.append(Warning_(
                "slow_first",
                f"the first trial took {samples[0] / rest:.1f}× the median of the others",
                "caches, lazy loading or clock ramp-up: add warm-up runs (--warmup) or discard it",
            ))
    bad = outliers(samples)
    if bad:
        found.append(Warning_(
            "outliers",
            f"{len(bad)} of {len(samples)} trials are outliers by median absolute deviation",
            "something else used the machine meanwhile; rerun on a quiet machine",
        ))
    if summary.ci_coverage < CONFIDENCE and len(samples) > 1:
        found.append(Warning_(
            "small_sample",
            f"with {len(samples)} trials the interval [min, max] covers the median with only "
            f"{100 * summary.ci_coverage:.1f} % confidence",
            "run at least 6 trials for a 95 % interval",
        ))
    return found


@dataclass
class Comparison:
    ratio: float  # median(candidate) / median(baseline): below 1 means the candidate is faster
    ci95: tuple[float, float]
    p_value: float
    significant: bool
    test: str = SIGNIFICANCE_TEST

    @property
    def speedup(self) -> float:
        return 1.0 / self.ratio if self.ratio > 0 else math.inf

    def to_json(self) -> dict[str, Any]:
        return {"ratio": self.ratio, "speedup": self.speedup, "ci95": list(self.ci95), "p_value": self.p_value,
                "significant": self.significant, "test": self.test}


def compare(candidate: Sequence[float], baseline: Sequence[float], *, seed: int = 0) -> Comparison:
    """Ratio of medians with a bootstrap 95 % interval, and a Mann-Whitney U test.

    The bootstrap resamples each group independently (percentile method, fixed seed so reports
    are reproducible). Significant means p < 0.05; with few trials the test has little power,
    so "not significant" means "not shown", never "equal".
    """
    from scipy import stats

    a = np.asarray(candidate, dtype=float)
    b = np.asarray(baseline, dtype=float)
    ratio = float(np.median(a) / np.median(b))
    if len(a) < 2 or len(b) < 2:
        return Comparison(ratio, (math.nan, math.nan), math.nan, False)
    if np.ptp(a) == 0 and np.ptp(b) == 0:
        ci = (ratio, ratio)
    else:
        ratio_of_medians = lambda x, y, axis: np.median(x, axis=axis) / np.median(y, axis=axis)  # noqa: E731
        try:
            result = stats.bootstrap((a, b), ratio_of_medians, n_resamples=2000, method="percentile",
                                     vectorized=True, rng=np.random.default_rng(seed))
        except TypeError:  # SciPy < 1.15 names the generator random_state
            result = stats.bootstrap((a, b), ratio_of_medians, n_resamples=2000, method="percentile",
                                     vectorized=True, random_state=np.random.default_rng(seed))
        ci = (float(result.confidence_interval.low), float(result.confidence_interval.high))
    p = float(stats.mannwhitneyu(a, b, alternative="two-sided").pvalue)
    return Comparison(ratio, ci, p, p < 0.05)
