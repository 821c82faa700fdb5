"""Statistics of timing samples, kept as data: a summary, its interval, and what to beware of.

Medians and order statistics rather than means: timings have long right tails (a context switch,
a page fault), and the median with a distribution-free interval is robust to them. Pure numbers in,
typed data out; nothing here knows about devices, files or words (``Caveat`` carries a code and its
values, and the report's catalogue turns it into sentences in the reader's language).
"""

from __future__ import annotations

import math
from typing import Sequence

import msgspec
import numpy as np

CONFIDENCE = 0.95
HIGH_VARIANCE = 0.10  # IQR / median above which results are flagged (torch.utils.benchmark's rule)
SLOW_FIRST = 1.5  # first sample / median of the others above which warm-up is advised
OUTLIER_Z = 3.5  # modified z-score (Iglewicz & Hoaglin) above which a sample is an outlier
TARGET_REL_IQR = 0.05  # repeated measurement stops once the IQR is under 5 % of the median


class Caveat(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """Something a careful reader should know about a figure: a code (``high_variance``, ...) and the
    numbers the sentence about it is built from. The catalogue holds the sentence and the advice."""

    code: str
    values: dict[str, float | int | str] = {}


class Summary(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """Order statistics of a set of samples, with an interval of the median and its true coverage."""

    n: int
    median: float
    q1: float
    q3: float
    iqr: float
    min: float
    max: float
    mean: float
    stdev: float
    ci: tuple[float, float]  # an interval of the median ...
    ci_coverage: float  # ... and the exact probability that it covers it (>= 0.95, or less where n is too small)
    caveats: tuple[Caveat, ...] = ()

    @property
    def relative_iqr(self) -> float:
        return self.iqr / self.median if self.median > 0 else math.inf


def median_ci(sorted_samples: np.ndarray, confidence: float = CONFIDENCE) -> tuple[float, float, float]:
    """Distribution-free confidence interval of the median from order statistics, and its exact coverage.

    The interval is [X(k), X(n+1-k)] with the largest k whose coverage 1 - 2 P(B <= k-1), B ~ Bin(n, 1/2),
    is at least ``confidence`` (the interval scipy's binomial quantile test gives); its coverage is returned
    as it is (96.9 % at n = 6, 97.9 % at 10), not as the nominal level. When n is too small for the
    requested confidence (n < 6 for 95 %), k = 1: [min, max] and its coverage 1 - 2 * 0.5**n. One sample
    has no interval (coverage 0).
    """
    from scipy import stats

    n = len(sorted_samples)
    if n == 1:
        return float(sorted_samples[0]), float(sorted_samples[0]), 0.0

    def covered(k: int) -> float:
        return float(1.0 - 2.0 * stats.binom.cdf(k - 1, n, 0.5))

    k = 1
    while k + 1 <= n // 2 and covered(k + 1) >= confidence:
        k += 1
    return float(sorted_samples[k - 1]), float(sorted_samples[n - k]), covered(k)


def relative_iqr(samples: Sequence[float]) -> float:
    """IQR / median: the spread measure of every stopping rule and warning here."""
    q1, median, q3 = np.percentile(samples, [25, 50, 75])
    return float((q3 - q1) / median) if median > 0 else math.inf


def summarize(samples: Sequence[float]) -> Summary:
    """Median, quartiles, range, mean, stdev, an interval of the median, and caveats."""
    if len(samples) == 0:
        raise ValueError("no samples to summarise")
    x = np.asarray(samples, dtype=float)
    s = np.sort(x)
    q1, median, q3 = (float(v) for v in np.percentile(s, [25, 50, 75]))
    low, high, coverage = median_ci(s)
    return Summary(
        n=len(s), median=median, q1=q1, q3=q3, iqr=q3 - q1, min=float(s[0]), max=float(s[-1]),
        mean=float(x.mean()), stdev=float(x.std(ddof=1)) if len(x) > 1 else 0.0,
        ci=(low, high), ci_coverage=coverage, caveats=tuple(sample_caveats(x, median, q3 - q1, coverage)),
    )


def outliers(samples: Sequence[float]) -> list[int]:
    """Indices of samples whose modified z-score 0.6745 * |x - median| / MAD exceeds 3.5."""
    x = np.asarray(samples, dtype=float)
    med = np.median(x)
    mad = np.median(np.abs(x - med))
    if mad == 0:
        return []
    z = 0.6745 * np.abs(x - med) / mad
    return [int(i) for i in np.flatnonzero(z > OUTLIER_Z)]


def sample_caveats(samples: np.ndarray, median: float, iqr: float, coverage: float) -> list[Caveat]:
    """What a careful reader should know about these samples."""
    found: list[Caveat] = []
    if median > 0 and iqr / median > HIGH_VARIANCE:
        found.append(Caveat("high_variance", {"percent": round(100 * iqr / median)}))
    if len(samples) >= 3:
        rest = float(np.median(samples[1:]))
        if rest > 0 and samples[0] > SLOW_FIRST * rest:
            found.append(Caveat("slow_first", {"ratio": round(float(samples[0]) / rest, 1)}))
    bad = outliers(samples)
    if bad:
        found.append(Caveat("outliers", {"count": len(bad), "n": len(samples)}))
    if coverage < CONFIDENCE and len(samples) > 1:
        found.append(Caveat("small_sample", {"n": len(samples), "coverage": round(100 * coverage, 1)}))
    return found


def trials_for_coverage(confidence: float = CONFIDENCE) -> int:
    """The fewest samples whose [min, max] covers the median with ``confidence`` (6 for 95 %)."""
    n = 2
    while 1.0 - 2.0 * 0.5**n < confidence:
        n += 1
    return n
