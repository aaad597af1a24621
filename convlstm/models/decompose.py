"""Seasonal decomposition for models that handle long or several seasons outside.

STL (one season) or MSTL (several) splits off the seasonal components; the model then
forecasts the seasonally adjusted series and the last cycle of each component is
repeated over the horizon.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from ..data import seasonal_periods

__all__ = [
    "MAX_POINTS",
    "candidate_periods",
    "recent",
    "extend_seasonal",
    "feasible_periods",
    "seasonal_components",
]


#: The decomposition and the model of the adjusted series see at most this many recent
#: points (or three cycles of the longest period, if more): it bounds the fit time
#: of long high-frequency series, whose distant past says little about the next days.
MAX_POINTS = 5000


def recent(x: np.ndarray, periods: tuple[int, ...]) -> np.ndarray:
    """The last ``max(MAX_POINTS, 3 * longest period)`` points of ``x`` (or all)."""
    return x[-max(MAX_POINTS, 3 * max(periods, default=1)) :]


def candidate_periods(
    index: pd.DatetimeIndex, season_length: int | None
) -> tuple[int, ...]:
    """The seasons to consider: the frequency's natural cycles when
    ``season_length`` is None, else just ``season_length`` (already validated)."""
    if season_length is None:
        return tuple(int(p) for p in seasonal_periods(index))
    return (int(season_length),)


def feasible_periods(periods: tuple[int, ...], n: int, *, cycles: int = 2) -> tuple:
    """The periods above 1 of which a series of ``n`` points holds ``cycles`` cycles."""
    return tuple(int(p) for p in periods if p > 1 and n >= cycles * p)


def seasonal_components(
    z: np.ndarray, periods: tuple[int, ...]
) -> list[tuple[int, np.ndarray]]:
    """Estimate one seasonal component per period with STL or MSTL.

    Args:
        z: the series (at least two cycles of the longest period).
        periods: seasonal periods in steps, shortest first.

    Returns:
        ``[(period, component), ...]``, each component as long as ``z``; the
        seasonally adjusted series is ``z`` minus their sum. With several periods,
        those of at least half of ``z`` are left out (MSTL cannot estimate them).
    """
    from statsmodels.tsa.seasonal import MSTL, STL

    # Like R's stl, evaluate the trend and low-pass smoothers every few points and
    # interpolate: about 10x faster on long periods, the same components to within
    # a fraction of a percent.
    jump = max(1, -(-min(periods) // 5))
    kwargs = {"trend_jump": jump, "low_pass_jump": jump}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if len(periods) == 1:
            res = STL(z, period=periods[0], **kwargs).fit()
            seasonal = np.asarray(res.seasonal).reshape(-1, 1)
        else:
            # MSTL drops the periods of at least half the series (STL alone takes
            # exactly two cycles); name the components of the periods it kept.
            periods = tuple(p for p in periods if p < len(z) / 2) or periods[:1]
            res = MSTL(z, periods=list(periods), stl_kwargs=kwargs).fit()
            seasonal = np.asarray(res.seasonal).reshape(len(z), -1)
    return [(int(p), seasonal[:, i].copy()) for i, p in enumerate(periods)]


def extend_seasonal(components: list[tuple[int, np.ndarray]], horizon: int):
    """Sum of the components over the next ``horizon`` steps (last cycle repeated)."""
    total = np.zeros(horizon)
    for period, component in components:
        total += np.resize(component[-period:], horizon)
    return total
