"""预期分析: simple exponential smoothing of weekly counts per category; pure functions, no database."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

ALPHA = 0.5
HORIZON_WEEKS = 4


@dataclass(frozen=True)
class CategoryForecast:
    category: str
    expected: float  # matters expected over the next `horizon` weeks
    recent: int  # the last four weeks
    previous: int  # the four weeks before those
    growth: float  # (recent - previous) / max(previous, 1)


def smoothed_level(series: Sequence[float], alpha: float = ALPHA) -> float:
    """The level of simple exponential smoothing after the last observation; the first value seeds it."""
    if not series:
        return 0.0
    level = float(series[0])
    for value in series[1:]:
        level = alpha * value + (1 - alpha) * level
    return level


def forecast_categories(
    weekly: Mapping[str, Sequence[int]], *, alpha: float = ALPHA, horizon: int = HORIZON_WEEKS
) -> list[CategoryForecast]:
    """One forecast per category, fastest rising first: SES is flat, so the next `horizon` weeks sum to horizon × level."""
    results = []
    for category, series in weekly.items():
        recent = int(sum(series[-4:]))
        previous = int(sum(series[-8:-4]))
        results.append(
            CategoryForecast(
                category=category,
                expected=round(horizon * smoothed_level(series, alpha), 1),
                recent=recent,
                previous=previous,
                growth=round((recent - previous) / max(previous, 1), 2),
            )
        )
    return sorted(results, key=lambda item: (-item.growth, -item.expected, item.category))
