"""Series repair: a table to a regular, gap-free float series (:func:`to_series`),
and the check every model runs on a series before fitting (:func:`check_series`).
"""

from __future__ import annotations

import logging
from typing import Any

import numpy as np
import pandas as pd

from ..errors import DataError
from .cells import (
    VALUE_CHOICE,
    cell_text,
    clock_change_words,
    format_time,
    plural,
    quote,
    same_name,
)
from .columns import (
    combine_time_columns,
    identify_series,
    numeric_columns,
    pick_time_column,
    pick_value_column,
    series_names,
)
from .dates import TOTALS_LEFT_OUT, in_utc, parse_times
from .frequency import (
    freq_of,
    infer_freq,
    offset_of,
    opening_hours,
    opening_hours_step,
    regular_freq,
    seasonal_periods,
)
from .hours import (
    OpeningDays,
    closed_days,
    closed_mask,
    closed_times,
    closed_words,
    session_of,
)
from .numbers import MAX_ABS_VALUE, column_values
from .steps import (
    MIN_POINTS,
    STEPS,
    WHERE_TO_CHOOSE,
    check_agg,
    check_step,
    combine_rows,
    on_local_clock,
    step_length,
    step_words,
)

logger = logging.getLogger(__name__)


def to_series(
    df: pd.DataFrame | pd.Series,
    time_col: str | None = None,
    value_col: str | None = None,
    *,
    series: str | None = None,
    step: str | None = None,
    agg: str = "mean",
    spikes: str = "keep",
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
        series: in a file of several series (id columns such as store or
            region, detected as :func:`~convlstm.data.to_panel` does), the one to
            read, named as ``to_panel`` names it (id values joined with " / ").
        step: read the rows in regular steps of this length (a name of
            :data:`~convlstm.data.steps.STEPS` such as "daily" or "monthly", or a
            pandas frequency such as "15min" or "W-MON"), each step's rows
            combined by ``agg``: an event log or irregular timestamps as daily
            sums, say. None: the steps the timestamps have.
        agg: how rows that share a timestamp (or a ``step``) are combined: one
            of :data:`~convlstm.data.steps.AGGREGATIONS` ("mean", "sum", "last",
            "min", "max", "count"). With ``step``, an empty step is 0 for "sum"
            and "count", else interpolated.
        spikes: what to do with values far from their neighbours (a sensor's
            error code, a typo; :func:`spike_mask`; a marker written with nines
            alone, such as -999, is read as missing anyway:
            :func:`~convlstm.data.numbers.missing_markers`): "keep" them
            (a note points at them) or "fill" them like missing values, by linear
            interpolation, unscored in a backtest (:data:`SPIKE_CHOICES`).

    Returns:
        Float series with a DatetimeIndex whose ``freq`` is set, named after the
        value column. ``y.attrs["notes"]`` is a list of plain-language strings
        saying what was picked and repaired (e.g. "picked column 'date' as time",
        "filled 3 missing timestamps by linear interpolation (first at
        2020-03-01)"); ``y.attrs["time_col"]`` and ``y.attrs["value_col"]`` name
        the columns used (``time_col`` is the index name when the times come from
        the index); ``y.attrs["closed_step"]``, where rows summed or counted in
        plain steps fall only in opening hours or days (a note says so), is the
        step that leaves the closed ones out.

    Raises:
        DataError: no usable time or value column, cells that are not dates,
            mostly non-numeric values, infinite values or values beyond
            ``MAX_ABS_VALUE``, irregular timestamps with no dominant step, too
            many gaps, or fewer than ``MIN_POINTS`` points; a file that holds
            several series when ``series`` is None (the message names the id
            columns and points to ``to_panel``), or an unknown ``series``.
    """
    df, notes = as_table(df)
    agg, step = check_agg(agg), check_step(step)  # before any work
    spikes = check_spikes(spikes)
    time_col, value_col = column_args(df, time_col, value_col)
    if time_col is None and not isinstance(df.index, pd.DatetimeIndex | pd.PeriodIndex):
        df = combine_time_columns(df, value_col, notes)
    if series is not None and value_col is None:
        # the id columns first, as to_panel finds them: a store number is no value
        time_col, value_col = _series_columns(df, time_col, notes, step)
        if value_col is None and str(series) in df.columns:
            # a wide table's series is its column
            value_col, series = str(series), None
            notes.append(f"read series {quote(value_col)}, a column of a wide table")
    times_raw, time_name, value_col = _choose_columns(df, time_col, value_col, notes)
    if not isinstance(times_raw, pd.Index):
        df = _one_series(df, time_name, value_col, series, notes, step)
        times_raw = df[time_name]
    elif series is not None:
        raise DataError("series=... needs a table with a time column and id columns")
    times, values, _ = parse_rows(
        df, times_raw, time_name, value_col, notes, local=on_local_clock(step)
    )
    y = pd.Series(values, index=times)
    if not y.index.is_monotonic_increasing:
        y = y.sort_index(kind="stable")
        notes.append("sorted the rows by time (they were not in time order)")
    y = combine_rows(y, notes, agg=agg, step=step)
    closed_step = y.attrs.get("closed_step")
    if step is not None and len(y) < MIN_POINTS:
        raise DataError(
            f"read in {step_words(step)}, the rows make {plural(len(y), 'point')}; "
            f"at least {MIN_POINTS} are needed: choose a shorter step"
        )
    if series is not None and not np.isfinite(y.to_numpy()).any():
        raise DataError(
            f"series {quote(series)} has no numbers in column {quote(value_col)}: "
            "every one of its cells is empty or not a number; pick another series"
        )
    out = repair(y, time_name, notes, value_name=value_col, agg=agg)
    if step is None and (days := _closed_days_step(out)):
        notes.append(days)
    if spikes == "fill":
        out = fill_spikes(out, notes)
    out.name = value_col
    if np.ptp(out.to_numpy()) == 0:
        notes.append(f"the series is constant (every value is {out.iloc[0]:g})")
    low = low_end_text(out)
    # a last value far from the one before is a spike too: the low-end note
    # says more of it (an unfinished period), so that one value gets one note
    if (spike := spike_text(out)) and not (low and _spike_is_last(out)):
        notes.append(f"check the data: {spike}")
    if low:
        notes.append(f"check the data: {low}")
    if negative := lone_negative_text(out):
        notes.append(f"check the data: {negative}")
    if sparse := mostly_zero_text(out):
        notes.append(sparse)
    if step is None and (dense := dense_text(out)):
        notes.append(dense)
    if dormant := dormant_text(out):
        notes.append(dormant)
    elif flat := flat_end_text(out):
        notes.append(f"check the data: {flat}")
    out.attrs["notes"] = list(dict.fromkeys(notes))  # a re-read notes once
    if in_utc(notes):
        out.attrs["time_zone"] = "UTC"  # the times are UTC: so are the forecasts'
    out.attrs["time_col"] = time_name
    out.attrs["value_col"] = value_col
    if closed_step:  # the opening hours or days that leave closed ones out
        out.attrs["closed_step"] = closed_step
    logger.debug("to_series: %d points at %s; %s", len(out), freq_of(out), notes)
    return out


#: A value this many times the series' typical one-step change away from both
#: its neighbours (or its one neighbour, at an end) is said in a note: a typo
#: (an extra zero, a wrong unit) or a meter glitch that every model follows.
SPIKE_STEPS = 150.0


def spike_ratios(values: np.ndarray, names: np.ndarray | None = None) -> np.ndarray:
    """For each value, how many times its series' typical one-step change (the
    median) it stands from its nearer neighbour (at an end, the nearer of the two
    values beside it): a lone value jumps away from the one before and back to
    the one after. NaN for a series of fewer than 8 points, or one that mostly
    does not move (intermittent counts). ``names``: each value's series, the
    values sorted by series then time (None: one series)."""
    v = np.asarray(values, dtype=float)
    before, after, typical, size = _steps(v, names)
    return _lone_ratio(before, after, typical, size, _end_skips(v, names))


def _steps(
    v: np.ndarray, names: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Each value's one-step change from the value before and to the value after
    in its series (NaN at its ends), its series' typical (median) change, and its
    series' length."""
    names = np.zeros(len(v)) if names is None else np.asarray(names)
    step = np.abs(np.diff(v))
    same = names[1:] == names[:-1]
    before = np.where(np.r_[False, same], np.r_[np.nan, step], np.nan)
    after = np.where(np.r_[same, False], np.r_[step, np.nan], np.nan)
    groups = pd.Series(before).groupby(names, sort=False)
    typical = groups.transform("median").to_numpy()
    size = groups.transform("size").to_numpy()
    return before, after, typical, size


def _end_skips(v: np.ndarray, names: np.ndarray | None) -> np.ndarray:
    """At the first and last value of each series, the change to the value two
    steps in (NaN elsewhere): an end value beside a spike has only the spike for
    its nearer neighbour, yet is no glitch when it is near the value after."""
    names = np.zeros(len(v)) if names is None else np.asarray(names)
    out = np.full(len(v), np.nan)
    if len(v) < 3:
        return out
    first = np.r_[True, names[1:] != names[:-1]]
    last = np.r_[names[1:] != names[:-1], True]
    ahead = np.r_[np.abs(v[2:] - v[:-2]), np.nan, np.nan]
    back = np.r_[np.nan, np.nan, np.abs(v[2:] - v[:-2])]
    same_ahead = np.r_[names[2:] == names[:-2], False, False]
    same_back = np.r_[False, False, names[2:] == names[:-2]]
    out[first & same_ahead] = ahead[first & same_ahead]
    out[last & same_back] = back[last & same_back]
    return out


def _lone_ratio(
    before: np.ndarray,
    after: np.ndarray,
    typical: np.ndarray,
    size: np.ndarray,
    skips: np.ndarray,
) -> np.ndarray:
    """:func:`spike_ratios` from the parts :func:`_steps` and :func:`_end_skips`
    give."""
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = np.fmin(np.fmin(before, after), skips) / typical
    ratio[(size < 8) | ~(typical > 0)] = np.nan
    return ratio


#: Where a spike note says the spikes can be filled: the readers' option, the
#: Data page's box and the CLI's flag.
FILL_SPIKES_HOW = 'spikes="fill", "Fill spikes" on the Data page, --spikes fill'

#: What the readers do with spikes (:func:`spike_mask`): "keep" them, with
#: a note, or "fill" them like missing values.
SPIKE_CHOICES = ("keep", "fill")


def check_spikes(spikes: str) -> str:
    """``spikes`` when it is one of :data:`SPIKE_CHOICES`.

    Raises:
        DataError: any other value.
    """
    if spikes not in SPIKE_CHOICES:
        listed = " or ".join(repr(c) for c in SPIKE_CHOICES)
        raise DataError(f"spikes={spikes!r}: spikes are kept or filled ({listed})")
    return spikes


#: Points in the moving window (centred) whose median a spike is measured from:
#: runs of up to 7 spikes in a row (a sensor's error code held an hour of
#: 10-minute readings) stand out from it as a lone one does from its neighbours.
SPIKE_WINDOW = 15


def spike_scores(
    values: np.ndarray,
    names: np.ndarray | None = None,
    periods: tuple[int, ...] = (),
) -> np.ndarray:
    """For each value, how many times its series' typical one-step change (the
    median; or the median around it, where larger: the late steps of a growth
    curve) it stands from its neighbours: from the nearer of them for a lone
    value (:func:`spike_ratios`), or from the median of the :data:`SPIKE_WINDOW`
    values around it for a short run of such values, or from the levels on both
    sides of a longer run that leaves the series' level and comes back to it
    (:func:`_long_runs`: an error code held for hours), whichever is larger; but no
    more than it stands from the values one cycle of ``periods`` before or after
    it (a peak that comes back every day or every year is no glitch). NaN for a
    series of fewer than 8 points, one that mostly does not move, or one with
    more than :data:`MOST_FAR` of its values that far (a level shift).
    ``names``: each value's series, sorted by series then time."""
    v = np.asarray(values, dtype=float)
    before, after, typical, size = _steps(v, names)
    key = pd.Series(np.zeros(len(v)) if names is None else np.asarray(names))
    series = pd.Series(v)
    # a value is far from its neighbours by the changes around it too: on a
    # growth curve the last steps are hundreds of its early ones, and no glitch
    local = np.fmax(typical, _local_steps(before, key))
    lone = _lone_ratio(before, after, local, size, _end_skips(v, names))
    with np.errstate(invalid="ignore", divide="ignore"):
        jump = (
            pd.Series(before / typical).groupby(key, sort=False).transform("max")
        ).to_numpy()
    # a run of spikes is entered by a jump of about as many typical steps: the
    # moving medians are taken on the series with one of half that only
    near = (jump > SPIKE_STEPS / 2) & (size >= 8) & (typical > 0)
    run = np.full(len(v), np.nan)
    if near.any():
        middle = (
            series[near]
            .groupby(key[near], sort=False)
            .rolling(SPIKE_WINDOW, center=True, min_periods=SPIKE_WINDOW // 2 + 1)
            .median()
            .to_numpy()
        )
        with np.errstate(invalid="ignore", divide="ignore"):
            run[near] = np.abs(v[near] - middle) / local[near]
    score = np.fmax(lone, run)
    if periods and (score > SPIKE_STEPS).any():
        score = np.fmin(score, _seasonal_distance(series, key, typical, periods))
    if (jump > SPIKE_STEPS).any():
        # checked against its cycles on its own: a run longer than a cycle
        # holds the values a cycle before and after most of its points
        score = np.fmax(score, _long_runs(v, key, before, typical, size, periods))
    # spikes are the exception: where most of a series' values stand far from
    # the median around them, that median lies between two levels (a short
    # series that shifts once), and nothing there is a glitch
    far = pd.Series(score > SPIKE_STEPS).groupby(key.to_numpy(), sort=False)
    score[far.transform("mean").to_numpy() > MOST_FAR] = np.nan
    return score


#: The share of a series' values over :data:`SPIKE_STEPS` beyond which none of
#: them is taken for a spike (:func:`spike_scores`).
MOST_FAR = 1 / 2


def _local_steps(before: np.ndarray, key: pd.Series) -> np.ndarray:
    """The median one-step change in the ``2 * SPIKE_WINDOW + 1`` steps around
    each value of its series (more than twice as many as a run of spikes
    changes: those do not move it)."""
    width = 2 * SPIKE_WINDOW + 1
    return (
        pd.Series(before)
        .groupby(key.to_numpy(), sort=False)
        .rolling(width, center=True, min_periods=SPIKE_WINDOW + 1)
        .median()
        .to_numpy()
    )


#: A run of values far from the level on both its sides (a sensor's error code
#: held for hours) is a spike when it holds at most this share of its series'
#: points; a longer one is left as the series' own (a level it stayed at).
LONG_RUN_SHARE = 1 / 10


def _long_runs(
    v: np.ndarray,
    key: pd.Series,
    before: np.ndarray,
    typical: np.ndarray,
    size: np.ndarray,
    periods: tuple[int, ...] = (),
) -> np.ndarray:
    """Scores (as :func:`spike_scores`) of runs longer than the moving median
    sees: entered by a jump of over :data:`SPIKE_STEPS` typical steps, left by the
    first value back within that many of the level before it, at most
    :data:`LONG_RUN_SHARE` of the series long, and farther from the series'
    median than that level is (so the rare side is the run: normal values
    between two bursts of an error code are not one); not in a series where
    such jumps are more than that share of its steps (it switches between
    levels by nature), nor where the runs found hold more than that share of
    its points together (its own states, such as an appliance's "on"). A run
    shorter than a cycle of ``periods`` is checked against the values a cycle
    before and after it, as :func:`spike_scores` checks a lone value (a few
    hours that peak every day are no glitch). A run's score is how far
    its values stand from the nearer of the two levels around it; NaN
    elsewhere."""
    out = np.full(len(v), np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        big = (before / typical > SPIKE_STEPS) & (size >= 8) & (typical > 0)
    jumps = np.flatnonzero(big)
    if not len(jumps):
        return out
    codes = pd.factorize(key)[0]
    # a series that jumps that far often (a switch between two levels) has
    # jumps of its own, not glitches: its runs are left to the moving median
    often = (
        np.bincount(codes[jumps])
        > LONG_RUN_SHARE * np.bincount(codes)[: codes[jumps].max() + 1]
    )
    jumps = jumps[~often[codes[jumps]]]
    if not len(jumps):
        return out
    ends = np.r_[np.flatnonzero(np.diff(codes)) + 1, len(v)]
    end_of = ends[np.searchsorted(ends, jumps, side="right")]
    median_of: dict[int, float] = {}  # by series, only those with a jump
    covered = -1  # the end of the last run found: its leaving jump starts none
    for i, end in zip(jumps, end_of, strict=True):
        if i <= covered:
            continue
        base, tol = v[i - 1], SPIKE_STEPS * typical[i]
        longest = int(size[i] * LONG_RUN_SHARE)
        stop = min(i + longest + 1, int(end))
        back = np.flatnonzero(np.abs(v[i:stop] - base) <= tol)
        if not len(back) or back[0] == 0:
            continue
        k = i + int(back[0])
        inside = v[i:k]
        code, start = int(codes[i]), int(end - size[i])
        if code not in median_of:
            median_of[code] = float(np.nanmedian(v[start:end]))
        middle = median_of[code]
        if np.median(np.abs(inside - middle)) <= abs(base - middle):
            continue
        near = np.fmin(np.abs(inside - base), np.abs(inside - v[k]))
        for lag in _cycle_lags(periods, longer_than=k - i):
            for j in (i - lag, i + lag):
                if start <= j and j + (k - i) <= end:
                    near = np.fmin(near, np.abs(inside - v[j : j + k - i]))
        out[i:k] = near / typical[i]
        covered = k
    # runs that together hold more than that share of a series are its own
    # states (an appliance's "on"), not glitches
    found = ~np.isnan(out)
    held = np.bincount(codes[found], minlength=codes.max() + 1)
    out[found & (held > LONG_RUN_SHARE * np.bincount(codes))[codes]] = np.nan
    return out


def _cycle_lags(periods: tuple[int, ...], longer_than: int = 0) -> list[int]:
    """The lags a cycle of ``periods`` away (a long cycle give or take a step: a
    yearly peak of weekly data falls in week 52 or 53), longer than
    ``longer_than``, shortest first."""
    return sorted(
        {
            lag
            for m in periods
            for lag in ((m - 1, m, m + 1) if m > 24 else (m,))
            if lag >= 1 and lag > longer_than
        }
    )


def _seasonal_distance(
    series: pd.Series, key: pd.Series, typical: np.ndarray, periods: tuple[int, ...]
) -> np.ndarray:
    """How many typical steps each value stands from the nearest of the values a
    cycle before or after it (a long cycle give or take a step: a yearly peak of
    weekly data falls in week 52 or 53); NaN where no such value exists."""
    lags = [lag for lag in _cycle_lags(periods) if lag < len(series)]
    v = series.to_numpy(dtype=float)
    grouped = series.groupby(key, sort=False)
    nearest = np.full(len(v), np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        for lag in lags:
            for shift in (lag, -lag):
                other = grouped.shift(shift).to_numpy(dtype=float)
                nearest = np.fmin(nearest, np.abs(v - other) / typical)
    return nearest


def spike_mask(
    values: np.ndarray,
    names: np.ndarray | None = None,
    periods: tuple[int, ...] = (),
) -> np.ndarray:
    """Which values are spikes (:func:`spike_scores` over :data:`SPIKE_STEPS`):
    the ones a note names, and the ones ``spikes="fill"`` fills."""
    return spike_scores(values, names, periods) > SPIKE_STEPS


def spike_periods(freq: str | None) -> tuple[int, ...]:
    """The cycles of ``freq`` a spike is checked against (:func:`spike_scores`);
    none without a frequency."""
    if not freq:
        return ()
    try:
        return seasonal_periods(freq)
    except (TypeError, ValueError):
        return ()


def fill_spikes(y: pd.Series, notes: list[str]) -> pd.Series:
    """``y`` (regular, gap-free) with its spikes (:func:`spike_mask`: lone values
    and short runs far from their neighbours) replaced by straight lines between
    their neighbours, as the reader fills a gap; they join ``attrs["filled"]``, so
    a backtest does not score them, and ``notes`` says what was filled. ``y``
    itself when it has none."""
    values = y.to_numpy(dtype=float)
    far = spike_mask(values, periods=spike_periods(freq_of(y.index)))
    if not far.any():
        return y
    return filled_at(y, far, notes)


def filled_at(y: pd.Series, far: np.ndarray, notes: list[str]) -> pd.Series:
    """``y`` with the points ``far`` filled by straight lines between the points
    kept around them (an end: the nearest kept value), said in ``notes``."""
    values = y.to_numpy(dtype=float)
    kept = ~far
    if not far.any() or not kept.any():  # nothing to fill, or nothing to fill from
        return y
    first = int(np.flatnonzero(far)[0])
    at = np.arange(len(values))
    out = pd.Series(
        np.where(far, np.interp(at, at[kept], values[kept]), values),
        index=y.index,
        name=y.name,
    )
    out.attrs = dict(y.attrs)
    out.attrs["filled"] = filled_runs(y.index, filled_mask(y) | far)
    notes.append(
        f"filled {plural(int(far.sum()), 'spike')} (values far from their "
        "neighbours) as missing values by linear interpolation (the first at "
        f"{format_time(y.index[first])}: {values[first]:.6g}); they are not scored"
    )
    return out


def _spike_is_last(y: pd.Series) -> bool:
    """Whether the most extreme spike of ``y`` (:func:`spike_text`) is its last
    value."""
    ratio = spike_scores(
        y.to_numpy(dtype=float), periods=spike_periods(freq_of(y.index))
    )
    far = np.flatnonzero(ratio > SPIKE_STEPS)
    return bool(len(far)) and int(far[np.argmax(ratio[far])]) == len(y) - 1


def spike_text(y: pd.Series) -> str | None:
    """ "the value at 2020-03-01 (1e+09) stands 2e+08 times the series' typical
    one-step change from its neighbours..." for the most extreme spike of ``y``
    (:func:`spike_scores`), or None when no value stands
    :data:`SPIKE_STEPS` times that far out."""
    ratio = spike_scores(
        y.to_numpy(dtype=float), periods=spike_periods(freq_of(y.index))
    )
    far = np.flatnonzero(ratio > SPIKE_STEPS)
    if not len(far):
        return _off_constant_text(y)
    worst = int(far[np.argmax(ratio[far])])
    more = f" ({len(far)} such values)" if len(far) > 1 else ""
    return (
        f"the value at {format_time(y.index[worst])} ({float(y.iloc[worst]):.6g}) "
        f"stands {ratio[worst]:,.0f} times the series' typical one-step change "
        f"from its neighbours{more}; if it is a typo or a glitch, fix it (or fill "
        f"such values as missing: {FILL_SPIKES_HOW}): the models learn from it (one "
        "may carry it into its whole forecast, or into backtest forecasts whose "
        "window holds it), and the scores are scaled by it"
    )


#: A series longer than this is said to be dense: every model trains on all of
#: its points, which takes minutes, and a coarser step is suggested.
DENSE_POINTS = 100_000


def dense_text(y: pd.Series) -> str | None:
    """A note on a series of over :data:`DENSE_POINTS` points that names the
    first of the app's steps (hourly, daily...) longer than its own that leaves
    it at most that many points; None for a shorter series, or when no step
    does."""
    n = len(y)
    freq = freq_of(y.index)
    own = step_length(freq) if freq else pd.Timedelta(0)
    if n <= DENSE_POINTS or own <= pd.Timedelta(0):
        return None
    for name, freq in STEPS.items():
        longer = step_length(freq)
        points = int(n * (own / longer))
        if longer > own and points <= DENSE_POINTS:
            return (
                f"{n:,} points: every model trains on all of them, which takes "
                f"minutes; read in {name} steps (Steps on the Data page, --step "
                f"{name}) they are about {points:,}"
            )
    return None


#: The last value this share of the typical one before it (or less) may be a
#: period not over when the data were exported: said in a note.
LOW_END_SHARE = 0.25


def low_ends(values: np.ndarray, names: np.ndarray | None = None) -> pd.DataFrame:
    """The series that end far below their typical value: a series of values
    >= 0 whose last value is at most ``LOW_END_SHARE`` of the median of its 8
    values before and below each of them, while the value before it is not
    below half that median (a week or month exported before it was over looks
    so; a decline into a trough, or an intermittent series' zero, does not).
    ``names``: each value's series, the values sorted by series then time
    (None: one series). Returns ``last, typical`` per such
    series (index: the name)."""
    v = pd.Series(np.asarray(values, dtype=float))
    key = pd.Series(np.zeros(len(v)) if names is None else np.asarray(names))
    groups = v.groupby(key, sort=False)
    usable = (groups.transform("size") >= 9) & (groups.transform("min") >= 0)
    tail = pd.DataFrame({"series": key[usable], "value": v[usable]})
    tail = tail.groupby("series", sort=False).tail(9)
    if tail.empty:
        return pd.DataFrame(columns=["last", "typical"])
    by = tail.groupby("series", sort=False)["value"]
    from_end = by.cumcount(ascending=False).to_numpy()
    before = tail[from_end > 0].groupby("series", sort=False)["value"]
    out = pd.DataFrame(
        {
            "last": by.last(),
            "second": tail[from_end == 1].groupby("series", sort=False)["value"].last(),
            "typical": before.median(),
            "lowest": before.min(),
        }
    )
    cut = (
        (out["typical"] > 0)
        & (out["last"] <= LOW_END_SHARE * out["typical"])
        & (out["second"] >= 0.5 * out["typical"])
        # below every value before: a zero after zeros is an intermittent
        # series' ordinary step, not a period cut short
        & (out["last"] < out["lowest"])
    )
    return out.loc[cut, ["last", "typical"]]


def low_end_text(y: pd.Series) -> str | None:
    """ "the last value ... is 12% of the typical one before it ..." when ``y``
    ends far below its typical value (:func:`low_ends`), else None."""
    low = low_ends(y.to_numpy(dtype=float))
    if low.empty:
        return None
    last, typical = low.iloc[0]
    return (
        f"the last value ({last:.6g} at {format_time(y.index[-1])}) is "
        f"{last / typical:.0%} of the typical one before it ({typical:.6g}, "
        "the median of the 8 before); if its period was not over when the data "
        "were exported, leave it out: the models take it as real"
    )


#: A series of values >= 0 with at least this share of zeros is intermittent
#: (an item that sells now and then): said in a note.
MOSTLY_ZERO = 0.5

#: What to read off the forecasts of an intermittent series.
INTERMITTENT_READING = (
    "the models forecast an average rate per step, not which steps sell: sum "
    "the forecasts over the horizon to read a total, and mind that a forecast "
    "near 0 scores a low MAE on such a series without being useful; TSB is a "
    "model made for such demand (among the default models where half the series "
    "or more are like this)"
)


def zero_shares(values: np.ndarray, names: np.ndarray | None = None) -> pd.Series:
    """The share of zeros of each intermittent series: values >= 0, at least 8
    of them, zero at :data:`MOSTLY_ZERO` of the steps or more but not all.
    ``names`` as for :func:`low_ends`. Index: the name."""
    v = pd.Series(np.asarray(values, dtype=float))
    key = pd.Series(np.zeros(len(v)) if names is None else np.asarray(names))
    stats = pd.DataFrame(
        {
            "zero": (v == 0).groupby(key, sort=False).mean(),
            "low": v.groupby(key, sort=False).min(),
            "n": v.groupby(key, sort=False).size(),
        }
    )
    keep = (
        (stats["n"] >= 8)
        & (stats["low"] >= 0)
        & (stats["zero"] >= MOSTLY_ZERO)
        & (stats["zero"] < 1)
    )
    return stats.loc[keep, "zero"]


#: Fewest trailing zeros that can make a series dormant (:func:`dormant_ends`).
DORMANT_MIN = 8


def dormant_ends(values: np.ndarray, names: np.ndarray | None = None) -> pd.Series:
    """The series that stopped selling: values >= 0 ending in a run of zeros of
    at least :data:`DORMANT_MIN` steps, longer than every run of zeros before it,
    after at least 3 non-zero values (an obsolete part, a product taken off the
    shelf). ``names`` as for :func:`low_ends`. Returns the run's length per such
    series (index: the name)."""
    v = np.asarray(values, dtype=float)
    key = np.zeros(len(v)) if names is None else np.asarray(names)
    out = {}
    for name, part in pd.Series(v).groupby(key, sort=False):
        x = part.to_numpy()
        if len(x) == 0 or x.min() < 0 or x[-1] != 0:
            continue
        sold = np.flatnonzero(x != 0)
        if len(sold) < 3:
            continue
        tail = len(x) - 1 - sold[-1]
        gaps = np.diff(sold) - 1
        longest = max(int(gaps.max()) if len(gaps) else 0, int(sold[0]))
        if tail >= DORMANT_MIN and tail > longest:
            out[name] = tail
    return pd.Series(out, dtype=int)


#: What a dormant series' note says of the models.
DORMANT_READING = (
    "TSB lets such a series fade to 0; the other models keep forecasting from its "
    "earlier sales"
)


def dormant_text(y: pd.Series) -> str | None:
    """ "no sale in the last 30 steps ..." for a series that stopped selling
    (:func:`dormant_ends`), else None."""
    tail = dormant_ends(y.to_numpy(dtype=float))
    if tail.empty:
        return None
    n = int(tail.iloc[0])
    return (
        f"the series has been 0 for its last {n} steps (since "
        f"{format_time(y.index[-n])}), longer than any gap between sales before: "
        f"if it was discontinued, {DORMANT_READING}"
    )


#: Fewest equal values at the end of a series that :func:`flat_end_text` says.
FLAT_MIN = 10


def flat_end_text(y: pd.Series) -> str | None:
    """ "the series holds one value (84.54) for its last 40 steps..." for a series
    that moves but ends in a run of one value other than 0 (a trading halt, a
    stuck sensor, a figure carried forward) of at least :data:`FLAT_MIN` steps,
    over twice as long as any run of one value before; None otherwise (a run of
    zeros is :func:`dormant_text`'s)."""
    v = y.to_numpy(dtype=float)
    if len(v) < 3 * FLAT_MIN or v[-1] == 0 or not np.isfinite(v).all():
        return None
    change = np.flatnonzero(np.diff(v) != 0)
    if len(change) < 3:
        return None  # constant, or nearly: said otherwise
    tail = len(v) - 1 - int(change[-1])
    runs = np.diff(np.r_[-1, change])  # lengths of the runs before the last
    if tail < FLAT_MIN or tail <= 2 * int(runs.max()):
        return None
    return (
        f"the series holds one value ({v[-1]:.6g}) for its last {tail} steps "
        f"(since {format_time(y.index[-tail])}), far longer than it ever did "
        "before: a halt, a stuck sensor, or a figure carried forward? The models "
        "forecast it flat, and backtest folds inside it score flat forecasts as "
        "perfect (their intervals shrink to nothing)"
    )


def lone_negative_text(y: pd.Series) -> str | None:
    """ "1 value below zero (-5 at 2022-03-01) in counts otherwise never below
    zero..." for a series of whole numbers (counts, admissions, sales) with a
    few values below zero (at most 2% of at least 20): a typo or a correction
    entered as a value; None otherwise."""
    v = y.to_numpy(dtype=float)
    v = v[np.isfinite(v)]
    below = v < 0
    if len(v) < 20 or not below.any() or below.sum() > max(1, 0.02 * len(v)):
        return None
    if not (v == np.round(v)).mean() >= 0.9:
        return None
    first = int(np.flatnonzero(y.to_numpy(dtype=float) < 0)[0])
    n = int(below.sum())
    return (
        f"{plural(n, 'value')} below zero ({y.iloc[first]:g} at "
        f"{format_time(y.index[first])}) in counts otherwise never below zero: "
        f"a typo, or a correction entered as a value? Fix "
        f"{'it' if n == 1 else 'them'}, or leave the cell empty to have it "
        "interpolated"
    )


def mostly_zero_text(y: pd.Series) -> str | None:
    """ "mostly zeros: 87% of the steps are 0 ..." for an intermittent series
    (:func:`zero_shares`), else None."""
    shares = zero_shares(y.to_numpy(dtype=float))
    if shares.empty:
        return None
    return (
        f"mostly zeros: {shares.iloc[0]:.0%} of the steps are 0 (intermittent); "
        f"{INTERMITTENT_READING}"
    )


def _off_constant_text(y: pd.Series) -> str | None:
    """The note of :func:`spike_text` for a series that holds one value but for
    a few points (at most 1%, at least 8 points) standing ``SPIKE_STEPS`` times
    that value away from it: its typical one-step change is 0, so no ratio to
    it says so. None otherwise, and for a level of 0 (intermittent counts)."""
    values = y.to_numpy(dtype=float)
    if len(values) < 8:
        return None
    level = float(pd.Series(values).mode().iloc[0])
    off = np.flatnonzero(values != level)
    if level == 0 or not 0 < len(off) <= max(1, len(values) // 100):
        return None
    distance = np.abs(values[off] - level) / abs(level)
    if distance.max() < SPIKE_STEPS:
        return None
    worst = int(off[np.argmax(distance)])
    return (
        f"the value at {format_time(y.index[worst])} ({values[worst]:.6g}) stands "
        f"{distance.max():,.0f} times the series' level ({level:.6g}, every other "
        "value but a few) away from it; if it is a typo or a glitch, fix it: the "
        "models learn from it"
    )


def repair(
    y: pd.Series,
    time_name: str,
    notes: list[str],
    *,
    value_name: str = "value",
    min_points: int = MIN_POINTS,
    fallback_freq: str | None = None,
    agg: str = "mean",
) -> pd.Series:
    """Repair one series: the steps :func:`to_series` and the panel reader share.

    Drops the rows without a value at both ends, infers the frequency, snaps
    timestamps onto its grid (averaging those that meet), fills missing timestamps
    and values by linear interpolation.

    Args:
        y: float values indexed by sorted, unique timestamps.
        time_name: the time column, for messages.
        notes: the list each repair is reported to (appended in place).
        value_name: the value column, for messages.
        min_points: the fewest points accepted.
        fallback_freq: the frequency to use when the timestamps have no
            dominant step of their own but every one lies on its grid (a
            panel's frequency, for a short series with many gaps); None to
            raise instead.
        agg: how values that meet on one grid step are combined (see
            :func:`~convlstm.data.steps.combine_rows`).

    Returns:
        A float series on a regular DatetimeIndex (``freq`` set, named
        ``time_name``).

    Raises:
        DataError: no values, fewer than ``min_points`` points, irregular
            timestamps with no dominant step, or too many gaps.
    """
    y = _trim_empty_ends(y, value_name, notes)
    _require_points(len(y), "points with a time and a value", min_points)
    try:
        freq, snapped, freq_notes = regular_freq(y.index, time_name)
    except DataError:
        if fallback_freq is None or not _fits(y.index, fallback_freq):
            raise
        freq, snapped = fallback_freq, y.index
        freq_notes = [
            "its time steps are too irregular to give a frequency on their own (it "
            f"has many gaps); read it at the panel's frequency {fallback_freq}"
        ]
    notes.extend(freq_notes)
    read = y.index  # the times as read, before any is moved onto the grid
    if not snapped.equals(y.index):
        y = pd.Series(y.to_numpy(), index=snapped)
        y = combine_rows(y, notes, agg=agg, why="timestamps fell on the same grid step")
    grid = _grid(y, freq, time_name, read)
    observed = pd.Series(~np.isnan(y.to_numpy(dtype=float)), index=y.index)
    y, closed = _fill_gaps(y, grid, notes)
    _require_points(len(y), "points", min_points)
    index = pd.DatetimeIndex(grid, freq=grid.freq, name=time_name)
    out = pd.Series(y.to_numpy(dtype=float), index=index)
    filled = ~observed.reindex(grid, fill_value=False).to_numpy(dtype=bool)
    if filled.any():
        out.attrs["filled"] = filled_runs(index, filled)
    if closed:  # hours closed every week: forecast, then left out
        out.attrs["closed"] = closed
    return out


def filled_runs(
    index: pd.DatetimeIndex, filled: np.ndarray
) -> list[tuple[pd.Timestamp, pd.Timestamp]]:
    """The runs of points the reader filled in, as (first, last) timestamps: kept
    in ``attrs["filled"]`` so that a backtest scores observed points only."""
    edges = np.flatnonzero(np.diff(np.concatenate(([0], filled.astype(int), [0]))))
    return [
        (index[a], index[b - 1]) for a, b in zip(edges[::2], edges[1::2], strict=True)
    ]


def filled_mask(y: pd.Series, index: pd.DatetimeIndex | None = None) -> np.ndarray:
    """Which points of ``index`` (default ``y.index``) the reader filled in by
    interpolation, from ``y.attrs["filled"]``: all False when it filled none."""
    index = y.index if index is None else index
    return runs_mask(index, y.attrs.get("filled"))


def runs_mask(index: pd.DatetimeIndex, runs: Any) -> np.ndarray:
    """Which points of ``index`` lie in the (first, last) ``runs``."""
    mask = np.zeros(len(index), dtype=bool)
    for first, last in runs or ():
        mask |= np.asarray((index >= first) & (index <= last), dtype=bool)
    return mask


def _one_series(
    df: pd.DataFrame,
    time_col: str,
    value_col: str,
    series: str | None,
    notes: list[str],
    step: str | None = None,
) -> pd.DataFrame:
    """The rows of one series: the table itself, or the rows of ``series``
    (``step``: the rows are to be read in it; see ``pick_id_columns``).

    Raises:
        DataError: the table holds several series and ``series`` is None, or no
            series is called ``series``.
    """
    original = df.columns
    df, ids, id_notes = identify_series(df, time_col, value_col, step=step)
    if not ids:
        notes.extend(id_notes)
        if series is not None:
            numeric = numeric_columns(df, time_col)
            if len(numeric) >= 2:  # a wide table: its series are its columns
                listed = ", ".join(quote(c) for c in numeric[:8])
                raise DataError(
                    f"no series {quote(series)}: the table has no id column, and "
                    f"its columns of numbers are {listed}; name one of them"
                )
            raise DataError(
                f"series={quote(series)}: the table holds one series (no id column "
                "such as store or region found)"
            )
        return df
    names = series_names(df, ids)
    listed = ", ".join(quote(c) for c in ids)
    if series is None:
        n = names.nunique()
        examples = ", ".join(quote(v) for v in names.unique()[:3])
        how = f"id columns: {listed}; e.g. {examples}"
        if ids[0] not in original:  # blocks, not a column of the file
            more = ", ..." if n > 3 else ""
            how = f"stacked one after another with no id column: {examples}{more}"
        raise DataError(
            f"the table holds {n:,} series ({how}) "
            "and averaging them would make a meaningless series; read them all with "
            "convlstm.to_panel, or pick one with series=..."
        )
    series = same_name(names, series) or series  # 'b' for 'B'
    keep = (names == str(series)).to_numpy()
    if not keep.any():
        examples = ", ".join(quote(v) for v in names.unique()[:5])
        raise DataError(
            f"no series {quote(series)} in id columns {listed}; series are named "
            f"like {examples}"
        )
    notes.append(f"read series {quote(series)} (id columns: {listed})")
    return df.loc[keep].drop(columns=ids)


def as_table(df: Any) -> tuple[pd.DataFrame, list[str]]:
    """A shallow copy of the table with string column names, and its notes.

    Raises:
        DataError: not a table, no rows, or duplicate column names.
    """
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


def column_args(
    df: pd.DataFrame, time_col: Any, value_col: Any
) -> tuple[str | None, str | None]:
    """The requested columns as strings; each must exist, and they must differ.

    Raises:
        DataError: a requested column is missing, or both name the same column.
    """
    for arg, label in ((time_col, "time"), (value_col, "value")):
        if arg is not None and str(arg) not in df.columns:
            listed = ", ".join(quote(c) for c in list(df.columns)[:10])
            raise DataError(
                f"no column {quote(arg)} (columns: {listed}); choose one of them as "
                f"the {label} column ({label}_col=..., --{label}-col, or "
                f"{label.title()} column on the Data page)"
            )
    time_col = None if time_col is None else str(time_col)
    value_col = None if value_col is None else str(value_col)
    if time_col is not None and time_col == value_col:
        raise DataError(
            f"column {quote(time_col)} is chosen as both the time and the value "
            f"column; choose another column of numbers as the value {VALUE_CHOICE}"
        )
    return time_col, value_col


def _series_columns(
    df: pd.DataFrame, time_col: str | None, notes: list[str], step: str | None
) -> tuple[str | None, str | None]:
    """The time and value columns of a file of several series, picked as
    :func:`~convlstm.data.to_panel` picks them (the id columns first, the value
    among the rest); ``(time_col, None)`` when the times are the index or no id
    column is found."""
    if time_col is None and isinstance(df.index, pd.DatetimeIndex | pd.PeriodIndex):
        return None, None
    if time_col is None:
        time_col, picked = pick_time_column(df, None)
        notes.extend(picked)
    table, ids, _ = identify_series(df, time_col, None, step=step)
    if not ids or not set(ids) <= set(df.columns):
        return time_col, None
    value_col, picked = pick_value_column(table.drop(columns=ids), time_col)
    notes.extend(picked)
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


def parse_rows(
    df: pd.DataFrame,
    times_raw: Any,
    time_name: str,
    value_col: str,
    notes: list[str],
    groups: Any = None,
    *,
    local: bool = False,
) -> tuple[pd.DatetimeIndex, np.ndarray, np.ndarray]:
    """Parse the times and values of a table; drop the rows without a time
    (``local``: the rows are to be read in days or longer steps, so times with
    UTC offsets keep their local clock).

    ``groups`` names the series of each row in a long panel (see
    :func:`~convlstm.data.dates.parse_times`: whether times with UTC offsets
    keep their local days is then decided series by series).

    Returns:
        ``(times, values, kept)`` in row order, rows with an empty time cell
        removed; ``kept`` marks the rows kept.

    Raises:
        DataError: cells that are not dates, or values that are not numbers.
    """
    times, time_notes = parse_times(times_raw, time_name, groups, local=local)
    notes.extend(n for n in time_notes if n not in notes)  # once per wide table
    has_time = ~np.asarray(times.isna())
    values, value_notes = column_values(df[value_col], value_col, has_time)
    notes.extend(value_notes)
    if not has_time.all():
        dropped = ~has_time
        if any(n.endswith(TOTALS_LEFT_OUT) for n in time_notes):
            # the summary rows under the data are said already: count the rest
            dropped &= np.asarray(cell_text(times_raw)[1])
        said = f"dropped {plural(int(dropped.sum()), 'row')} without a time"
        if dropped.any() and said not in notes:  # once per wide table
            notes.append(said)
        times, values = times[has_time], values[has_time]
    return times, values, has_time


def _trim_empty_ends(y: pd.Series, value_col: str, notes: list[str]) -> pd.Series:
    """Drop the rows without a value at the start and at the end."""
    valid = np.isfinite(y.to_numpy())
    if not valid.any():
        raise DataError(
            f"column {quote(value_col)} has no numbers: every cell is empty or "
            "not a number (NaN)"
        )
    first, last = int(valid.argmax()), len(valid) - int(valid[::-1].argmax())
    if first:
        notes.append(f"dropped {plural(first, 'row')} at the start, without a value")
    if last < len(y):
        notes.append(
            f"dropped {plural(len(y) - last, 'row')} at the end, without a value"
        )
    return y.iloc[first:last]


def _require_points(n: int, what: str, least: int = MIN_POINTS) -> None:
    if n < least:
        raise DataError(
            f"only {n} {what if n != 1 else what.replace('points', 'point', 1)}; at "
            f"least {least} are needed. Use a longer series"
        )


def _fits(index: pd.DatetimeIndex, freq: str) -> bool:
    """Whether every timestamp lies on the ``freq`` grid that starts at the first
    (False, before building it, for a grid :func:`_grid` would refuse as gaps)."""
    offset = offset_of(freq)
    if _grid_steps(index[0], index[-1], offset) > 2 * len(index) + 11:
        return False
    try:
        grid = pd.date_range(index[0], index[-1], freq=offset)
    except (TypeError, ValueError):
        return False
    return grid[0] == index[0] and not len(index.difference(grid))


def _grid_steps(start: pd.Timestamp, end: pd.Timestamp, offset: pd.DateOffset) -> float:
    """About how many steps of ``offset`` a grid from ``start`` to ``end`` holds:
    counted without building it for a fixed step, built for a calendar one
    (months, weeks...) and for opening hours (an hour long, yet a night or a
    weekend apart)."""
    if (session := session_of(offset)) is not None:
        return float(len(session.times(start, end)))
    if not isinstance(offset, pd.offsets.BusinessHour | pd.offsets.CustomBusinessHour):
        try:
            return (end - start) / pd.Timedelta(offset) + 1
        except (TypeError, ValueError):
            pass
    return float(len(pd.date_range(start, end, freq=offset)))


def _grid(
    y: pd.Series, freq: str, time_name: str, read: pd.DatetimeIndex
) -> pd.DatetimeIndex:
    """The regular grid from the first to the last timestamp of ``y``; ``read``:
    its times as read (before they were moved onto the grid), which the steps
    offered for a grid of gaps are judged on, as a read in them would take them.

    Raises:
        DataError: the grid would be mostly gaps, or ``y``'s timestamps are off it.
    """
    offset = offset_of(freq)
    start, end = y.index[0], y.index[-1]
    expected = _grid_steps(start, end, offset)
    if expected > 2 * len(y) + 10:
        exc = DataError(
            f"column {quote(time_name)}: a regular {freq} grid from "
            f"{format_time(start)} to {format_time(end)} needs about "
            f"{int(expected):,} steps but only {len(y):,} have data"
            + opening_hours(read, offset)
            + "; resample the data to a coarser frequency: read it in longer steps "
            f"{WHERE_TO_CHOOSE}, or sum or count its rows"
        )
        # hours of opening that hold readings finer than an hour (the app offers
        # them)
        if (step := opening_hours_step(read, offset)) is not None:
            exc.suggested_step = step
        raise exc
    grid = pd.date_range(start, end, freq=offset)
    if len(y.index.difference(grid)):
        raise DataError(
            f"column {quote(time_name)}: the timestamps do not fit a regular {freq} "
            f"grid; resample the data: read it in regular steps {WHERE_TO_CHOOSE}"
        )
    return pd.DatetimeIndex(grid, freq=offset)


#: A share of filled timestamps this large is said loudly: a whole season
#: missing, or dates read in the wrong order (yy/mm/dd as mm/dd/yy).
MADE_UP_SHARE = 0.2


def _made_up(share: float, advice: str) -> str:
    """ "; that is 28% of the series made up, not read" and ``advice`` when
    ``share`` reaches :data:`MADE_UP_SHARE`, else ""."""
    if share < MADE_UP_SHARE:
        return ""
    return f"; that is {share:.0%} of the series made up, not read{advice}"


def _recur_words(
    closed: list[int],
    grid: pd.DatetimeIndex,
    filled: pd.DatetimeIndex | None = None,
    in_closed: int = 0,
) -> str:
    """ "; they recur nearly every week (Sat 09:00, 16:00 and 17:00), ...", or
    for days "(Sundays)"; "" for no closed times. When only ``in_closed`` of the
    ``filled`` times are closed ones, "; 58 of them recur ..." and what the
    others are (weekend days that open now and then: business days leave them
    out)."""
    if not closed:
        return ""
    days = (grid == grid.normalize()).all()
    what = "days closed every week" if days else "hours closed on some days"
    they = "they"
    rest = ""
    if filled is not None and 0 < in_closed < len(filled):
        they = f"{in_closed} of them"
        others = filled[~closed_mask(filled, closed)]
        rest = f"; the other {len(others)} are filled in and forecast as any gap"
        if days and (others.day_of_week >= 5).all():
            rest += (
                " (all on weekend days it opens now and then: to leave the "
                f"weekends out, read it in business-day steps {WHERE_TO_CHOOSE})"
            )
    return (
        f"; {they} recur nearly every week ({closed_words(closed, grid)}), as "
        f"{what} would: filled in, not read, and left out of the backtests' scores "
        f"and of the forecasts{rest}"
    )


def _closed_days_step(y: pd.Series) -> str | None:
    """For a series of days closed on some days of the week (``attrs["closed"]``),
    read in every day: the steps of the days it opens, which leave them out of
    the data ("to leave the Saturdays and Sundays out of the data too, read it
    in business-day steps ..."); None for others."""
    closed = y.attrs.get("closed")
    if not closed or not (y.index == y.index.normalize()).all():
        return None
    kept = tuple(d for d in range(7) if d not in closed_days(closed))
    if len(kept) < 3 or session_of(y.index.freq) is not None:
        return None
    return (
        f"to leave the {closed_words(closed, y.index)} out of the data too, read "
        f"it in {step_words(OpeningDays(kept).freq)} {WHERE_TO_CHOOSE}"
    )


def without_closed(
    frame: pd.DataFrame,
    closed: Any,
    column: str = "timestamp",
    series: str | None = None,
) -> pd.DataFrame:
    """``frame``'s rows whose ``column`` does not fall at the times of the week
    a series is closed: forecasts for hours closed every week left out.
    ``closed``: one series' times (``y.attrs["closed"]``), or with ``series``
    (the column naming each row's series) a panel's, by series
    (``panel.attrs["closed"]``). ``frame`` itself when none are left out."""
    if not closed or frame.empty:
        return frame
    times = pd.DatetimeIndex(frame[column])
    if series is None:
        shut = closed_mask(times, closed)
    else:
        names = frame[series].astype(str).to_numpy()
        shut = np.zeros(len(frame), dtype=bool)
        for name, own in closed.items():
            rows = names == str(name)
            shut[rows] = closed_mask(times[rows], own)
    if not shut.any():
        return frame
    return frame.loc[~shut].reset_index(drop=True)


def _fill_gaps(
    y: pd.Series, grid: pd.DatetimeIndex, notes: list[str]
) -> tuple[pd.Series, list[int]]:
    """Reindex ``y`` on ``grid``; interpolate missing timestamps and values.
    Also returns the times of the week the series is closed (of the missing
    timestamps and values together: :func:`~convlstm.data.hours.closed_times`)."""
    missing = np.isnan(y.to_numpy())
    new_stamps = grid.difference(y.index)
    closed = closed_times(new_stamps.union(y.index[missing]), grid)
    # the note of the gaps that hold most of the closed times says they recur
    in_stamps = int(closed_mask(new_stamps, closed).sum())
    in_values = int(closed_mask(y.index[missing], closed).sum())
    recur = (
        _recur_words(closed, grid, new_stamps, in_stamps)
        if in_stamps >= in_values
        else _recur_words(closed, grid, y.index[missing], in_values)
    )
    if len(new_stamps):
        share = (len(new_stamps) - in_stamps) / len(grid)  # closed times are none
        weekends = (new_stamps.day_of_week >= 5).mean() >= 0.9
        made_up = _made_up(
            share,
            ": check that the dates were read as meant and that the steps are "
            "the data's, or read the data in coarser steps"
            + (
                " (nearly all are Saturdays and Sundays: for business days, read "
                f"it in business-day steps {WHERE_TO_CHOOSE})"
                if weekends
                else ""
            ),
        )
        clock = clock_change_words(new_stamps, "skipped")
        notes.append(
            f"filled {plural(len(new_stamps), 'missing timestamp')} by linear "
            "interpolation "
            f"(first at {format_time(new_stamps[0])}{clock}){made_up}"
            + (recur if in_stamps >= in_values else "")
        )
    if missing.any():
        every = np.unique(np.diff(np.flatnonzero(~missing)))
        made_up = _made_up(
            (missing.sum() - in_values) / len(missing),
            f": its values come every {int(every[0])} steps (a quarterly "
            "column in a monthly file, say), so read it in steps that long "
            f"{WHERE_TO_CHOOSE}, or on its own"
            if len(every) == 1 and every[0] > 1
            else "",
        )
        notes.append(
            f"interpolated {int(missing.sum())} missing values (first at "
            f"{format_time(y.index[missing][0])}){made_up}"
            + (recur if in_values > in_stamps else "")
        )
    y = y.reindex(grid)
    if len(new_stamps) or missing.any():
        y = y.interpolate(method="linear", limit_area="inside")
    return y, closed


def check_series(
    y: pd.Series,
    *,
    min_length: int,
    what: str = "model",
    advice: str = "use a longer series, a shorter horizon or a shorter lookback",
) -> pd.Series:
    """Validate a series for fitting and return a float copy with ``freq`` set.

    Args:
        y: the series, indexed by a regular DatetimeIndex.
        min_length: the fewest points the caller can work with.
        what: what needs the points, for the message (e.g. "ConvLSTM with lookback
            24 and horizon 12").
        advice: what to do when the series is too short, for the message.

    Raises:
        DataError: not a Series, not time-indexed, irregular, non-finite values, or
            too short (the message states the minimum length).
    """
    if not isinstance(y, pd.Series):
        raise DataError(
            f"expected a pandas Series indexed by time, got {type(y).__name__}; "
            "convert a table with convlstm.data.to_series"
        )
    if isinstance(y.index, pd.PeriodIndex):  # months as periods: their starts
        y = y.set_axis(y.index.to_timestamp(how="start"))
    if not isinstance(y.index, pd.DatetimeIndex):
        raise DataError(
            "the series must be indexed by timestamps (a DatetimeIndex); "
            "use convlstm.data.to_series to parse a time column"
        )
    if y.index.has_duplicates or not y.index.is_monotonic_increasing:
        raise DataError(
            "the series' timestamps must be unique and increasing; "
            "use convlstm.to_series (or to_panel for many series), which sorts and "
            "de-duplicates them"
        )
    freq = y.index.freq
    if freq is None and len(y) >= 3:
        freq = infer_freq(y.index)
    if freq is None:
        raise DataError(
            "the series has no regular frequency (the time steps differ); "
            "use convlstm.to_series (or to_panel for many series), which fills gaps "
            "on a regular grid"
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
            f"{first}); fill them first (convlstm.to_series and to_panel interpolate "
            "them)"
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
            f"the series has {plural(len(values), 'point')} but {what} needs at least "
            f"{min_length}; {advice}"
        )
    out = pd.Series(values.to_numpy(), index=pd.DatetimeIndex(y.index, freq=freq))
    out.name = y.name
    if y.attrs.get("filled"):  # the points the reader filled in, for scoring
        out.attrs["filled"] = y.attrs["filled"]
    if y.attrs.get("closed"):  # the times of the week it is closed
        out.attrs["closed"] = y.attrs["closed"]
    return out
