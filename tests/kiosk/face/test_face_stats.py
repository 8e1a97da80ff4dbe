"""Threshold evidence arithmetic: exact intervals, the threshold for FMR <= 1e-4, photo-age bands."""

from __future__ import annotations

import math
from datetime import date

import pytest

from kiosk.face import stats


def test_clopper_pearson_matches_the_exact_binomial_interval() -> None:
    assert stats.clopper_pearson(0, 10)[1] == pytest.approx(1 - 0.025 ** (1 / 10), abs=1e-6)  # 0.3085
    low, high = stats.clopper_pearson(5, 10)
    assert (low, high) == (pytest.approx(0.1871, abs=1e-4), pytest.approx(0.8129, abs=1e-4))
    assert stats.clopper_pearson(10, 10) == (pytest.approx(0.025 ** (1 / 10), abs=1e-6), 1.0)
    assert stats.clopper_pearson(0, 30000)[1] == pytest.approx(1.23e-4, rel=0.01)  # ~3.7/n
    assert all(math.isnan(v) for v in stats.clopper_pearson(0, 0))


def test_the_threshold_for_fmr_1e4_and_what_it_costs() -> None:
    impostor = [0.50 + i * 1e-5 for i in range(20_000)]  # 20,000 impostor pairs: 2 false matches allowed
    genuine = [0.25, 0.40, 0.50, 0.52, 0.60]
    r = stats.rates(genuine, impostor, threshold=0.45)
    assert r.target_shown and r.fmr == 0.0 and r.fnmr == pytest.approx(3 / 5)
    assert r.fmr_ci[1] == pytest.approx(1.84e-4, rel=0.01)  # 0 of 20,000 shows FMR < 1.8e-4 only
    assert r.threshold_for_target == 0.4999  # just under the third-closest impostor (0.50002)
    assert r.fnmr_at_target == pytest.approx(3 / 5)  # 0.50, 0.52 and 0.60 are refused there
    few = stats.rates([0.4], [0.8, 0.9, math.inf], threshold=0.45)
    assert not few.target_shown and few.threshold_for_target == 0.7999 and few.fnmr_at_target == 0.0


def test_photo_age_bands_and_distance_bins() -> None:
    assert stats.photo_age_years(date(2018, 6, 1), date(2026, 6, 1)) == pytest.approx(8.0, abs=0.01)
    assert [stats.band_of(y) for y in (0.0, 1.99, 2.0, 7.9, 8.0, 40.0)] == ["0-2 y", "0-2 y", "2-5 y", "5-8 y", "8+ y", "8+ y"]
    assert stats.band_of(None) == stats.band_of(-1.0) == "unknown"
    assert [stats.bin_of(d) for d in (0.0, 0.049, 0.05, 0.4161, 0.45)] == [0.0, 0.0, 0.05, 0.4, 0.45]
