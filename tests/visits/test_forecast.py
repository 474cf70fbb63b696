"""The forecast on constructed series whose answers are known."""

import pytest

from visits.forecast import forecast_categories, smoothed_level


def test_constant_series_forecasts_its_level():
    (result,) = forecast_categories({"邻里纠纷": [3] * 12})
    assert result.expected == 12.0  # 4 weeks × 3
    assert result.growth == 0


def test_smoothing_by_hand():
    # level: 0 → 0.5×4 + 0.5×0 = 2 → 0.5×8 + 0.5×2 = 5
    assert smoothed_level([0, 4, 8], alpha=0.5) == pytest.approx(5.0)
    assert smoothed_level([]) == 0.0


def test_rising_category_comes_first():
    results = forecast_categories({"平稳": [2] * 8, "上升": [0, 0, 0, 1, 2, 3, 4, 6]})
    assert [item.category for item in results] == ["上升", "平稳"]
    rising = results[0]
    assert (rising.previous, rising.recent, rising.growth) == (1, 15, 14.0)
