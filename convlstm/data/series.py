"""Series repair: a table to a regular, gap-free float series (:func:`to_series`),
and the check every model runs on a series before fitting (:func:`check_series`).
"""

from __future__ import annotations

import logging
from typing import Any

import numpy as np
import pandas as pd
from pandas.tseries.frequencies import to_offset

from ..errors import DataError
from .cells import format_time, quote
from .columns import pick_time_column, pick_value_column
from .dates import parse_times
from .frequency import infer_freq, regular_freq
from .numbers import MAX_ABS_VALUE, column_values

logger = logging.getLogger(__name__)

#: Fewest points ``to_series`` returns.
MIN_POINTS = 8


def to_series(
    df: pd.DataFrame | pd.Series,
    time_col: str | None = None,
    value_col: str | None = None,
) -> pd.Series:
    """Turn a table into a regular, gap-free float series ready to forecast.

    Picks the time column (named like date/time/year/period..., or the one whose
    cells parse as dates, or whole numbers 1000-2999 read as years) and the value
    column (the first numeric non-time column), parses dates (ISO 8601, with time
    and time zone, day/month/year and month/day/year, month names, quarters such as
    "1956Q1", years), sorts, averages duplicate timestamps, infers the frequency,
    snaps timestamps onto its grid and fills missing timestamps and values by
    linear interpolation. A DataFrame indexed by dates, or a Series, works too.

    Row numbers in messages count the header as row 1 (blank lines are skipped).

    Args:
        df: the table, e.g. from :func:`read_csv`; ``df.attrs["notes"]`` is
            carried into the result.
        time_col: the time column; picked automatically when None.
        value_col: the value column; picked automatically when None.

    Returns:
        Float series with a DatetimeIndex whose ``freq`` is set, named after the
        value column. ``y.attrs["notes"]`` is a list of plain-language strings
        saying what was picked and repaired (e.g. "picked column 'date' as time",
        "filled 3 missing timestamps by linear interpolation (first at
        2020-03-01)"); ``y.attrs["time_col"]`` and ``y.attrs["value_col"]`` name
        the columns used (``time_col`` is the index name when the times come from
        the index).

    Raises:
        DataError: no usable time or value column, cells that are not dates,
            mostly non-numeric values, infinite values or values beyond
            ``MAX_ABS_VALUE``, irregular timestamps with no dominant step, too
            many gaps, or fewer than ``MIN_POINTS`` points.
    """
    df, notes = _as_table(df)
    time_col, value_col = _column_args(df, time_col, value_col)
    times_raw, time_name, value_col = _choose_columns(df, time_col, value_col, notes)
    y = _parse(df, times_raw, time_name, value_col, notes)
    y = _trim_empty_ends(y, value_col, notes)
    _require_points(len(y), "points with a time and a value")
    freq, snapped, freq_notes = regular_freq(y.index, time_name)
    notes.extend(freq_notes)
    if not snapped.equals(y.index):
        y = pd.Series(y.to_numpy(), index=snapped)
        y = _average_duplicates(y, notes, "timestamps fell on the same grid step")
    grid = _grid(y, freq, time_name)
    y = _fill_gaps(y, grid, notes)
    _require_points(len(y), "points")
    index = pd.DatetimeIndex(grid, freq=grid.freq, name=time_name)
    out = pd.Series(y.to_numpy(dtype=float), index=index, name=value_col)
    if np.ptp(out.to_numpy()) == 0:
        notes.append(f"the series is constant (every value is {out.iloc[0]:g})")
    out.attrs["notes"] = notes
    out.attrs["time_col"] = time_name
    out.attrs["value_col"] = value_col
    logger.debug("to_series: %d points at %s; %s", len(out), freq, notes)
    return out


def _as_table(df: Any) -> tuple[pd.DataFrame, list[str]]:
    """A shallow copy of the table with string column names, and its notes."""
    if isinstance(df, pd.Series):
        df = df.to_frame(name=str(df.name) if df.name is not None else "value")
    if not isinstance(df, pd.DataFrame):
        raise DataError(
            f"expected a table (pandas DataFrame) or Series, got {type(df).__name__}"
        )
    notes: list[str] = list(df.attrs.get("notes", []))
    if len(df) == 0:
        raise DataError("the table has no rows")
    df = df.copy(deep=False)
    df.attrs = {}
    df.columns = [str(c) for c in df.columns]
    if df.columns.has_duplicates:
        dupes = df.columns[df.columns.duplicated()].unique()
        raise DataError(
            "duplicate column names: "
            + ", ".join(quote(c) for c in dupes[:5])
            + "; rename them so that each column has its own name"
        )
    return df, notes


def _column_args(
    df: pd.DataFrame, time_col: Any, value_col: Any
) -> tuple[str | None, str | None]:
    """The requested columns as strings; each must exist, and they must differ."""
    for arg, label in ((time_col, "time_col"), (value_col, "value_col")):
        if arg is not None and str(arg) not in df.columns:
            listed = ", ".join(quote(c) for c in list(df.columns)[:10])
            raise DataError(f"{label}={quote(arg)} is not a column (columns: {listed})")
    time_col = None if time_col is None else str(time_col)
    value_col = None if value_col is None else str(value_col)
    if time_col is not None and time_col == value_col:
        raise DataError(f"time_col and value_col are the same column {quote(time_col)}")
    return time_col, value_col


def _choose_columns(
    df: pd.DataFrame, time_col: str | None, value_col: str | None, notes: list[str]
) -> tuple[Any, str, str]:
    """The raw times (a column, or the index), their name, and the value column."""
    if time_col is None and isinstance(df.index, pd.DatetimeIndex | pd.PeriodIndex):
        time_name = str(df.index.name) if df.index.name is not None else "index"
        times_raw: Any = df.index
    else:
        if time_col is None:
            time_col, picked = pick_time_column(df, value_col)
            notes.extend(picked)
        time_name = time_col
        times_raw = df[time_col]
    if value_col is None:
        value_col, picked = pick_value_column(df, time_col)
        notes.extend(picked)
    return times_raw, time_name, value_col


def _parse(
    df: pd.DataFrame, times_raw: Any, time_name: str, value_col: str, notes: list[str]
) -> pd.Series:
    """The values indexed by their parsed times, sorted, one value per timestamp."""
    times, time_notes = parse_times(times_raw, time_name)
    notes.extend(time_notes)
    values, value_notes = column_values(df[value_col], value_col)
    notes.extend(value_notes)
    has_time = ~np.asarray(times.isna())
    if not has_time.all():
        notes.append(f"dropped {int((~has_time).sum())} rows with an empty time cell")
        times, values = times[has_time], values[has_time]
    y = pd.Series(values, index=times)
    if not y.index.is_monotonic_increasing:
        y = y.sort_index(kind="stable")
        notes.append("sorted the rows by time (they were not in time order)")
    return _average_duplicates(y, notes, "rows share a timestamp")


def _average_duplicates(y: pd.Series, notes: list[str], why: str) -> pd.Series:
    if not y.index.has_duplicates:
        return y
    dup = y.index.duplicated(keep=False)
    n_rows = int(dup.sum())
    first = y.index[dup][0]
    y = y.groupby(level=0, sort=True).mean()
    notes.append(
        f"averaged {n_rows} values where {why} (first at {format_time(first)})"
    )
    return y


def _trim_empty_ends(y: pd.Series, value_col: str, notes: list[str]) -> pd.Series:
    """Drop the rows without a value at the start and at the end."""
    valid = np.isfinite(y.to_numpy())
    if not valid.any():
        raise DataError(
            f"column {quote(value_col)} has no numbers: every cell is empty"
        )
    first, last = int(valid.argmax()), len(valid) - int(valid[::-1].argmax())
    if first:
        notes.append(f"dropped {first} rows at the start that have no value")
    if last < len(y):
        notes.append(f"dropped {len(y) - last} rows at the end that have no value")
    return y.iloc[first:last]


def _require_points(n: int, what: str) -> None:
    if n < MIN_POINTS:
        raise DataError(
            f"only {n} {what}; at least {MIN_POINTS} are needed. Use a longer series"
        )


def _grid(y: pd.Series, freq: str, time_name: str) -> pd.DatetimeIndex:
    """The regular grid from the first to the last timestamp of ``y``.

    Raises:
        DataError: the grid would be mostly gaps, or ``y``'s timestamps are off it.
    """
    offset = to_offset(freq)
    start, end = y.index[0], y.index[-1]
    try:
        expected = (end - start) / pd.Timedelta(offset) + 1
    except (TypeError, ValueError):
        expected = len(pd.date_range(start, end, freq=offset))
    if expected > 2 * len(y) + 10:
        raise DataError(
            f"column {quote(time_name)}: a regular {freq} grid from "
            f"{format_time(start)} to {format_time(end)} needs about "
            f"{int(expected):,} steps but only {len(y):,} have data; resample the "
            "data to a coarser frequency first"
        )
    grid = pd.date_range(start, end, freq=offset)
    if len(y.index.difference(grid)):
        raise DataError(
            f"column {quote(time_name)}: the timestamps do not fit a regular {freq} "
            "grid; resample the data to a regular frequency first"
        )
    return pd.DatetimeIndex(grid, freq=offset)


def _fill_gaps(y: pd.Series, grid: pd.DatetimeIndex, notes: list[str]) -> pd.Series:
    """Reindex ``y`` on ``grid``; interpolate missing timestamps and values."""
    missing = np.isnan(y.to_numpy())
    new_stamps = grid.difference(y.index)
    if len(new_stamps):
        notes.append(
            f"filled {len(new_stamps)} missing timestamps by linear interpolation "
            f"(first at {format_time(new_stamps[0])})"
        )
    if missing.any():
        notes.append(
            f"interpolated {int(missing.sum())} missing values (first at "
            f"{format_time(y.index[missing][0])})"
        )
    y = y.reindex(grid)
    if len(new_stamps) or missing.any():
        y = y.interpolate(method="linear", limit_area="inside")
    return y


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
        freq = infer_freq(y.index)
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
    huge = np.abs(values.to_numpy()) > MAX_ABS_VALUE
    if huge.any():
        first = y.index[huge.argmax()]
        raise DataError(
            f"the series has {int(huge.sum())} values beyond {MAX_ABS_VALUE:.0e} in "
            f"absolute value (first at {first}); rescale it (e.g. to thousands or "
            "millions of its unit) before forecasting"
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
