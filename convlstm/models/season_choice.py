"""Choose the season of a seasonal naive forecast by validation on the training data.

Sub-daily series have several natural cycles (daily and weekly for half-hourly data);
the one whose seasonal naive forecasts were best on the end of the training data wins.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .checks import check_horizon, check_whole

__all__ = ["choose_season", "naive_lags", "season_errors"]

#: How many forecast origins, ``horizon`` apart, are scored at the end of the data.
DEFAULT_WINDOWS = 3


def naive_lags(periods: Sequence[int]) -> tuple[int, ...]:
    """The lags a seasonal naive forecast tries for these natural cycles (shortest
    first): each longer cycle rounded to whole shortest cycles, so that the value
    copied falls on the same place of the shortest one. A daily series' year, 365
    days, becomes 364: a year back on the same weekday, which shops, traffic and
    demand follow far more than the date (a lag of 365 copies each Saturday's sales
    onto a Sunday). Models that decompose the cycles keep the calendar year.
    """
    out: list[int] = []
    short = int(periods[0]) if len(periods) else 1
    for p in (int(p) for p in periods):
        lag = max(round(p / short), 1) * short if short > 1 else p
        if lag not in out:
            out.append(lag)
    return tuple(out)


def season_errors(
    y: np.ndarray | Sequence[float],
    candidates: Sequence[int],
    horizon: int,
    *,
    windows: int = DEFAULT_WINDOWS,
) -> dict[int, float]:
    """Mean absolute error of the seasonal naive forecast of each candidate season.

    The last ``windows * horizon`` points are forecast from ``windows`` origins
    (``horizon`` steps each, oldest first), each origin using only the points before
    it, exactly as a rolling-origin backtest would. A candidate is scored only when
    the first origin has a full season of history before it.

    Args:
        y: the training values, oldest first.
        candidates: season lengths in steps (each >= 1).
        horizon: steps forecast from each origin.
        windows: number of origins; fewer are used when the data is short.

    Returns:
        ``{season: MAE}`` for every candidate that could be scored (possibly empty).

    Raises:
        ParameterError: a candidate, the horizon or ``windows`` is not a whole
            number >= 1.
    """
    horizon = check_horizon(horizon)
    windows = check_whole("windows", windows, minimum=1)
    seasons = [check_whole("season candidate", m, minimum=1) for m in candidates]
    x = np.asarray(y, dtype=float)
    n = len(x)
    out: dict[int, float] = {}
    for m in dict.fromkeys(seasons):
        # as many origins as fit with a full season of history before the first
        k = min(windows, (n - m) // horizon)
        if k < 1:
            continue
        start = n - k * horizon
        steps = np.arange(start, n)
        # position t is forecast from the origin before it: t - m * ceil(j / m),
        # with j the step (1-based) after that origin
        j = (steps - start) % horizon + 1
        source = steps - m * -(-j // m)
        out[m] = float(np.mean(np.abs(x[steps] - x[source])))
    return out


def choose_season(
    y: np.ndarray | Sequence[float],
    candidates: Sequence[int],
    horizon: int,
    *,
    windows: int = DEFAULT_WINDOWS,
) -> int:
    """Return the candidate season whose seasonal naive forecast was best lately.

    Scores each candidate with :func:`season_errors`; ties go to the shorter
    season. When no candidate can be scored (a series shorter than each season plus
    one horizon) the shortest candidate that fits in the data is returned, else the
    shortest candidate, else 1 (no candidates: the naive forecast).

    Args:
        y: the training values, oldest first.
        candidates: season lengths in steps, e.g. ``seasonal_periods(freq)``.
        horizon: steps forecast from each origin.
        windows: number of origins scored.
    """
    errors = season_errors(y, candidates, horizon, windows=windows)
    if errors:
        return min(errors, key=lambda m: (errors[m], m))
    seasons = sorted(int(m) for m in candidates)
    fitting = [m for m in seasons if m <= len(y)]
    if fitting:
        return fitting[0]
    return seasons[0] if seasons else 1
