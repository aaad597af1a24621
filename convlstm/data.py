"""Data: frequencies and seasons, series validation, future timestamps (and CSV reading).

Dates and frequencies are parsed here and nowhere else.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from pandas.tseries.frequencies import to_offset

from .errors import DataError

# Seconds in one natural cycle, used to turn any fixed frequency into season lengths.
_DAY = 86_400
_WEEK = 7 * _DAY


def _offset(freq_or_index: str | pd.DateOffset | pd.DatetimeIndex | pd.Series):
    if isinstance(freq_or_index, pd.Series):
        freq_or_index = freq_or_index.index
    if isinstance(freq_or_index, pd.DatetimeIndex):
        freq = freq_or_index.freq or pd.infer_freq(freq_or_index)
        if freq is None:
            raise DataError(
                "the series has no regular frequency; load it with "
                "convlstm.data.to_series, which infers and repairs it"
            )
        return to_offset(freq)
    return to_offset(freq_or_index)


def seasonal_periods(
    freq_or_index: str | pd.DateOffset | pd.DatetimeIndex | pd.Series,
) -> tuple[int, ...]:
    """Return the natural seasonal cycles of a frequency, shortest first.

    Args:
        freq_or_index: a pandas frequency ("MS", "30min"), an offset, or a
            DatetimeIndex / Series whose frequency is used.

    Returns:
        Cycle lengths in steps, e.g. ``(12,)`` for monthly, ``(48, 336)`` for
        half-hourly (daily and weekly), ``()`` for yearly data.
    """
    off = _offset(freq_or_index)
    name = off.name  # e.g. "MS", "QS-JAN", "W-SUN", "D", "B", "h", "30min"
    base = name.split("-")[0]
    n = max(int(getattr(off, "n", 1)), 1)
    if base in ("YS", "YE", "Y", "A", "AS", "BYS", "BYE", "BA", "BAS"):
        return ()
    if base in ("QS", "QE", "Q", "BQS", "BQE", "BQ"):
        return (4 // n,) if 4 % n == 0 and n < 4 else ()
    if base in ("MS", "ME", "M", "BMS", "BME", "BM", "SMS", "SME"):
        per_year = 24 if base.startswith("SM") else 12
        return (per_year // n,) if per_year % n == 0 and n < per_year else ()
    if base == "W":
        return (52 // n,) if n == 1 else ()
    if base in ("B", "C"):
        return (5,) if n == 1 else ()
    try:
        step = pd.Timedelta(off).total_seconds()
    except (TypeError, ValueError):
        return ()
    if step <= 0:
        return ()
    periods = []
    for cycle in (_DAY, _WEEK):
        ratio = cycle / step
        if ratio >= 2 and abs(ratio - round(ratio)) < 1e-9:
            periods.append(int(round(ratio)))
    if step == _DAY:
        periods.append(365)
    # Sub-hourly data has very long daily cycles; keep cycles a model can learn.
    return tuple(p for p in periods if p <= 10_080)


def season_length(
    freq_or_index: str | pd.DateOffset | pd.DatetimeIndex | pd.Series,
) -> int:
    """Return the main (shortest) seasonal cycle in steps, or 1 when there is none."""
    periods = seasonal_periods(freq_or_index)
    return periods[0] if periods else 1


def future_index(index: pd.DatetimeIndex, horizon: int) -> pd.DatetimeIndex:
    """Return the ``horizon`` timestamps that continue ``index`` at its frequency."""
    off = _offset(index)
    return pd.date_range(index[-1] + off, periods=int(horizon), freq=off)


def check_series(y: pd.Series, *, min_length: int, what: str = "model") -> pd.Series:
    """Validate a series for fitting and return a float copy with ``freq`` set.

    Args:
        y: the series, indexed by a regular DatetimeIndex.
        min_length: the fewest points the caller can work with.
        what: what needs the points, for the message (e.g. "ConvLSTM with lookback
            24 and horizon 12").

    Raises:
        DataError: not a Series, not time-indexed, irregular, non-finite values, or
            too short (the message states the minimum length).
    """
    if not isinstance(y, pd.Series):
        raise DataError(
            f"expected a pandas Series indexed by time, got {type(y).__name__}; "
            "convert a table with convlstm.data.to_series"
        )
    if not isinstance(y.index, pd.DatetimeIndex):
        raise DataError(
            "the series must be indexed by timestamps (a DatetimeIndex); "
            "use convlstm.data.to_series to parse a time column"
        )
    if y.index.has_duplicates or not y.index.is_monotonic_increasing:
        raise DataError(
            "the series' timestamps must be unique and increasing; "
            "use convlstm.data.to_series, which sorts and de-duplicates them"
        )
    freq = y.index.freq
    if freq is None and len(y) >= 3:
        freq = pd.infer_freq(y.index)
    if freq is None:
        raise DataError(
            "the series has no regular frequency (the time steps differ); "
            "use convlstm.data.to_series, which fills gaps on a regular grid"
        )
    try:
        values = pd.to_numeric(y, errors="raise").astype(float)
    except (TypeError, ValueError) as exc:
        raise DataError(f"the series' values must be numbers: {exc}") from None
    bad = ~np.isfinite(values.to_numpy())
    if bad.any():
        first = y.index[bad.argmax()]
        raise DataError(
            f"the series has {int(bad.sum())} missing or infinite values (first at "
            f"{first}); fill them first (convlstm.data.to_series interpolates them)"
        )
    if len(values) < min_length:
        raise DataError(
            f"the series has {len(values)} points but {what} needs at least "
            f"{min_length}; use a longer series, a shorter horizon or a shorter "
            "lookback"
        )
    out = pd.Series(values.to_numpy(), index=pd.DatetimeIndex(y.index, freq=freq))
    out.name = y.name
    return out
