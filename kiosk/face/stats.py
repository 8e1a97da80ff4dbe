"""The arithmetic of threshold evidence (pure, no NumPy): error rates with exact confidence
intervals, the threshold that keeps the false match rate under a target, photo-age bands and
distance bins. Used by `kiosk face eval`, the distance log and `kiosk report`.

- FMR (false match rate): share of impostor pairs at or under the threshold; FNMR (false
  non-match rate): share of genuine pairs over it. Each comes with its 95 % Clopper-Pearson
  interval (exact binomial: with 0 errors in n pairs the upper bound is about 3.7/n, so an FMR
  of 1e-4 needs tens of thousands of impostor pairs to be shown).
- The chip photo is taken when the card is issued, so its age at a session is the time since
  the card's issue date; faces drift with it. `BANDS` split it where Thai cards' lives fall
  (8 years for a card issued since 2011, 6 before; lifelong cards from 70 years of age).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

BANDS = ((0.0, 2.0, "0-2 y"), (2.0, 5.0, "2-5 y"), (5.0, 8.0, "5-8 y"), (8.0, math.inf, "8+ y"))
UNKNOWN_BAND = "unknown"
BIN_WIDTH = 0.05
"""Width of a distance bin in the histograms (embedding distance, unitless)."""


def band_of(years: float | None) -> str:
    """The photo-age band of `years` (None or negative: unknown)."""
    if years is None or years < 0 or math.isnan(years):
        return UNKNOWN_BAND
    return next(label for low, high, label in BANDS if low <= years < high)


def photo_age_years(issue_date: date | None, on: date) -> float | None:
    """Years from the card's issue (the chip photo) to `on`."""
    return None if issue_date is None else (on - issue_date).days / 365.25


def bin_of(distance: float) -> float:
    """The lower edge of the histogram bin holding `distance`."""
    return round(math.floor(distance / BIN_WIDTH + 1e-9) * BIN_WIDTH, 2)


def _binom_cdf(k: int, n: int, p: float) -> float:
    """P(X <= k) for X ~ Binomial(n, p), summed in log space (n up to millions is fine)."""
    if p <= 0.0:
        return 1.0
    if p >= 1.0:
        return 1.0 if k >= n else 0.0
    lp, lq = math.log(p), math.log1p(-p)
    total = 0.0
    for i in range(k + 1):
        total += math.exp(math.lgamma(n + 1) - math.lgamma(i + 1) - math.lgamma(n - i + 1) + i * lp + (n - i) * lq)
    return min(1.0, total)


def clopper_pearson(errors: int, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """Exact (Clopper-Pearson) interval of a rate seen as `errors` out of `n`; (nan, nan) for n = 0."""
    if n == 0:
        return math.nan, math.nan
    alpha = 1.0 - confidence

    def solve(target: float, k: int) -> float:
        # the p where P(X <= k) = target; the CDF falls as p grows
        lo, hi = 0.0, 1.0
        for _ in range(60):
            mid = (lo + hi) / 2
            if _binom_cdf(k, n, mid) > target:
                lo = mid
            else:
                hi = mid
        return (lo + hi) / 2

    lower = 0.0 if errors == 0 else solve(1 - alpha / 2, errors - 1)
    upper = 1.0 if errors == n else solve(alpha / 2, errors)
    return lower, upper


@dataclass(frozen=True)
class Rates:
    genuine: int
    impostor: int
    fmr: float
    fmr_ci: tuple[float, float]
    fnmr: float
    fnmr_ci: tuple[float, float]
    threshold_for_target: float | None
    """Largest threshold whose FMR on this set is at most the target (None without impostors)."""
    fnmr_at_target: float | None
    """What that threshold costs: the FNMR there."""
    target_shown: bool
    """Whether the set has enough impostor pairs for the target to mean anything (>= 1/target)."""


def rates(genuine: Sequence[float], impostor: Sequence[float], threshold: float, target_fmr: float = 1e-4) -> Rates:
    """FMR and FNMR at `threshold` with their intervals, and the threshold for `target_fmr`.

    Distances of pairs without a face are `inf`: a non-match either way."""
    false_matches = sum(d <= threshold for d in impostor)
    misses = sum(d > threshold for d in genuine)
    fmr = false_matches / len(impostor) if impostor else math.nan
    fnmr = misses / len(genuine) if genuine else math.nan
    best: float | None = None
    cost: float | None = None
    finite = sorted(d for d in impostor if math.isfinite(d))
    if finite:
        allowed = math.floor(target_fmr * len(impostor))  # false matches the target tolerates
        best = round(finite[allowed] - 1e-4, 4) if allowed < len(finite) else round(finite[-1], 4)
        cost = sum(d > best for d in genuine) / len(genuine) if genuine else None
    return Rates(
        len(genuine), len(impostor), fmr, clopper_pearson(false_matches, len(impostor)), fnmr,
        clopper_pearson(misses, len(genuine)), best, cost, len(impostor) >= math.ceil(1 / target_fmr),
    )
