"""Rows to regular steps: how rows that share a time step are combined (``agg``),
and the optional step the user asks for (``step``: an event log or a file of
irregular timestamps read as daily sums, say).

The one place that decides both; :func:`~convlstm.data.to_series` and
:func:`~convlstm.data.to_panel` call it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
from pandas.tseries.frequencies import to_offset

from ..errors import DataError
from .cells import clock_change_words, format_time, plural, quote
from .hours import OpeningDays, Session, freq_offset, hours_of, open_gaps, session_of

#: How the rows of one step are combined, and the words a note uses for it.
AGGREGATIONS: dict[str, str] = {
    "mean": "averaged",
    "sum": "summed",
    "last": "kept the last of",
    "min": "kept the least of",
    "max": "kept the largest of",
    "count": "counted",
}

#: What a series read in steps holds, by ``agg`` ("daily sums").
AGG_NOUNS: dict[str, str] = {
    "mean": "means",
    "sum": "sums",
    "last": "last values",
    "min": "minima",
    "max": "maxima",
    "count": "counts",
}

#: Steps by name (what the app offers), as pandas frequencies. Weeks start on
#: Monday and months, quarters and years on their first day, each step labelled
#: by its start.
STEPS: dict[str, str] = {
    "hourly": "h",
    "daily": "D",
    "business days": "B",
    "business hours": "bh",
    "weekly": "W-MON",
    "monthly": "MS",
    "quarterly": "QS",
    "yearly": "YS",
}

#: Other names of :data:`STEPS` people type.
_STEP_ALIASES = {
    "business": "business days",
    "business day": "business days",
    "businessdays": "business days",
    "business-days": "business days",
    "weekdays": "business days",
    "trading days": "business days",
    "business-hours": "business hours",
    "business hour": "business hours",
    "businesshours": "business hours",
    "office hours": "business hours",
}

#: Fewest points ``to_series`` returns: three fix a frequency, and the pretrained
#: ConvLSTM forecasts from them (with 0 backtest folds: a forecast only, unscored).
MIN_POINTS = 3

#: Of the steps between the first and the last row, the largest share that may
#: hold no row when empty steps are interpolated (mean, last, min, max): beyond
#: it the series would be mostly made up.
MAX_EMPTY_SHARE = 0.5

#: Where a step is chosen, for messages that ask for one.
WHERE_TO_CHOOSE = "(step=..., --step, or Steps on the Data page)"

#: Most steps one series may be read in: as many as a file may have rows
#: (``MAX_ROWS``); more is a step far too short for the data (minutes over years).
MAX_STEPS = 2_000_000


def check_agg(agg: str) -> str:
    """``agg`` when it is one of :data:`AGGREGATIONS`.

    Raises:
        DataError: any other value.
    """
    if agg not in AGGREGATIONS:
        listed = ", ".join(AGGREGATIONS)
        raise DataError(f"agg={agg!r}: rows are combined by one of {listed}")
    return agg


def check_step(step: str | None) -> str | None:
    """The pandas frequency of ``step``: a name of :data:`STEPS` or a pandas alias
    of a fixed or calendar step ("15min", "2h", "D", "W-MON", "MS"...); None
    for none.

    Raises:
        DataError: a step pandas does not know, or one that is not positive.
    """
    if step is None:
        return None
    text = str(step).strip()
    freq = STEPS.get(_STEP_ALIASES.get(text.lower(), text.lower()), text)
    try:
        offset = freq_offset(freq)
    except (TypeError, ValueError):
        offset = None
    if offset is None or offset.n <= 0:
        listed = ", ".join(STEPS)
        raise DataError(
            f"step={step!r}: not a time step; use one of {listed}, a pandas "
            "frequency such as 15min, 2h, D, W-MON or MS, or opening hours such as "
            "cbh(10:00-20:00 Mon-Sat)"
        )
    session = session_of(freq)
    return session.freq if session is not None else freq  # one spelling of each


def combine_rows(
    y: pd.Series,
    notes: list[str],
    *,
    agg: str = "mean",
    step: str | None = None,
    why: str = "rows share a timestamp",
) -> pd.Series:
    """One value per time step: the rows of ``y`` (sorted by time) that share a
    timestamp combined by ``agg``, or, with ``step``, every row put in its step
    (a day, a month...) and each step's rows combined.

    With ``step``, a step without a row is 0 for "sum" and "count" (no sales that
    day), else missing, which the repair interpolates (with a note).

    Returns:
        Values on sorted, unique timestamps (regular, ``freq`` set, with ``step``).

    Raises:
        DataError: an unknown ``agg`` or ``step``; a step so fine that over
            ``MAX_EMPTY_SHARE`` of the steps would be interpolated.
    """
    agg = check_agg(agg)
    freq = check_step(step)
    if freq is None:
        if agg == "count":
            out = _check_counts(y.groupby(level=0, sort=True).count(), None)
            notes.append(f"counted the rows of each timestamp ({len(y):,} rows)")
            return out.astype(float)
        if not y.index.has_duplicates:
            return y
        dup = y.index.duplicated(keep=False)
        first = y.index[dup][0]
        out = _agg(y.groupby(level=0, sort=True), agg)
        notes.append(
            f"{AGGREGATIONS[agg]} {int(dup.sum())} values where {why} (first at "
            f"{format_time(first)}{clock_change_words(y.index[dup], 'repeated')})"
        )
        return out
    check_span(y.index.min(), y.index.max(), freq, MAX_STEPS)
    # the rows' own times judge whether the first and last steps are whole (a
    # log from 08:30 covers the hour from 09:00), also those left out here
    times = y.index.unique().to_numpy()
    if (session := _session(freq)) is not None:
        y = y[_in_session_only(y.index, session, notes)]
    bins = _bins(y, freq)
    out = _agg(bins, agg)
    rows = int(np.isfinite(y.to_numpy(dtype=float)).sum())
    partial = None
    if agg in ("sum", "count"):
        # pandas sums an empty step to 0, as it should; a step whose rows have
        # no value is 0 too
        out = out.fillna(0.0)
        sizes = bins.size()
        empty = int((sizes == 0).sum())
        clock = clock_change_words(sizes.index[sizes == 0], "skipped")
        if len(out) > 2 and empty > MAX_EMPTY_SHARE * len(out):
            _check_not_finer(y.index, freq, empty, len(out))
        first, last = partial_ends(times, out.index, freq)
        if first or last:
            dropped = [out.index[0]] * first + [out.index[-1]] * last
            which = " and ".join(
                w for w, on in (("first", first), ("last", last)) if on
            )
            out = out.iloc[int(first) : len(out) - int(last)]
            partial = _partial_note(agg, freq, dropped, which)
    else:
        empty = int(out.isna().sum())
        clock = ""
        # steps empty at times closed every week are no gaps (a shop's Sundays)
        gaps = open_gaps(pd.DatetimeIndex(out.index), out.isna().to_numpy())
        if len(out) > 2 and gaps > MAX_EMPTY_SHARE * len(out):
            raise DataError(_mostly_empty(empty, len(out), freq))
        if agg in ("mean", "min", "max"):
            # kept (the newest step holds the newest rows), but said: a year's
            # mean of its two winter months reads as a cold year
            first, last = partial_ends(times, out.index, freq)
            if first or last:
                kept = [out.index[0]] * first + [out.index[-1]] * last
                which = " and ".join(
                    w for w, on in (("first", first), ("last", last)) if on
                )
                partial = _partial_kept_note(agg, freq, kept, which)
    notes.append(
        f"{AGGREGATIONS[agg]} the {plural(rows, 'row')} in {step_words(freq)}: "
        f"{len(out):,} steps from {format_time(out.index[0])}"
        + (f", {empty:,} of them empty" if empty else "")
        + (f" (0 each{clock})" if empty and agg in ("sum", "count") else "")
    )
    if partial:
        notes.append(partial)
    if agg in ("sum", "count") and empty and (hint := _closed_steps_hint(times, freq)):
        notes.append(hint[0])
        out.attrs["closed_step"] = hint[1]  # the step that leaves them out
    if agg == "count":
        _check_counts(out, freq)
    return out.astype(float)


#: Days an event log must span, and rows it must hold per day that holds any
#: on average, for a day of the week without a row to read as closed in
#: :func:`_closed_steps_hint` (sparse sales miss a weekday by chance: at 2 a
#: day, a given weekday of four weeks in 3,000 logs).
_CLOSED_DAY_SPAN = pd.Timedelta(days=28)
_ROWS_PER_OPEN_DAY = 2


def _closed_steps_hint(
    times: np.ndarray, freq: str, whose: str = "the rows"
) -> tuple[str, str] | None:
    """For rows summed or counted in plain steps (not opening hours or days)
    at sorted, unique ``times`` that fall only in part of the day (an event log
    of a shop's sales, in steps shorter than a day) or never on some day of the
    week over four weeks or more (in daily steps): a note that the closed hours
    or days are empty steps, 0 each, and the opening-hours or -days step that
    leaves them out, with that step; None otherwise. ``whose`` names the rows
    in the note (a panel's: "the rows of the 3 series")."""
    if session_of(freq) is not None:
        return None
    index = pd.DatetimeIndex(times)
    if freq == "D":
        days = tuple(sorted(set(index.day_of_week.tolist())))
        dates = index.normalize().unique()
        if (
            len(days) == 7
            or index[-1] - index[0] < _CLOSED_DAY_SPAN
            or len(index) < _ROWS_PER_OPEN_DAY * len(dates)
        ):
            return None
        opening = OpeningDays(days)
        closed, words = f"days ({opening.closed_words})", f"on {opening.words}"
        step = opening.freq
    elif step_length(freq) < pd.Timedelta(days=1):
        from .frequency import event_hours  # noqa: PLC0415 (frequency imports steps)

        found = event_hours(index)
        if found is None:
            return None
        closed, (words, step, _) = "hours", found
    else:
        return None
    return (
        f"{whose} fall only {words}, so the closed {closed} are among the empty "
        "steps: 0 each, forecast and scored as open ones with nothing in them; to "
        f"leave them out, read the rows in {step_words(step)} (step=..., --step, "
        "or the button under these notes on the Data page)"
    ), step


def _bins(y: pd.Series, freq: str) -> Any:
    """The rows of ``y`` (sorted by time) by their step of ``freq``, labelled by
    its start, every step from the first row's to the last's included: pandas'
    resampler, or for opening hours or days (which it cannot resample, or
    would put a closed day's rows in the day before) the rows grouped by their
    hour or day on the grid of those hours or days."""
    if (session := _session(freq)) is None:
        return y.resample(freq, label="left", closed="left")
    steps = session.step_of(y.index)
    grid = pd.date_range(steps[0], steps[-1], freq=session.offset)
    return _GridGroups(
        y.groupby(pd.Categorical(steps, categories=grid), observed=False), grid
    )


def _session(freq: str | None) -> Session | None:
    """The opening hours or days a step reads rows in, on their grid alone (the
    rows outside left out); None for other steps, and for business days, whose
    weekend rows pandas' resampler puts in the Friday before, as it always has."""
    session = session_of(freq) if freq else None
    if isinstance(session, OpeningDays) and session.is_business:
        return None
    return session


class _GridGroups:
    """Groups of rows on a grid of steps (:func:`_bins`), whose aggregates are
    indexed by the grid (with its frequency) as a resampler's are."""

    def __init__(self, groups: Any, grid: pd.DatetimeIndex) -> None:
        self.groups, self.grid = groups, grid

    def __getattr__(self, agg: str) -> Callable[[], pd.Series]:
        if agg.startswith("_"):  # no aggregate: copy and pickle look for these
            raise AttributeError(agg)

        def run() -> pd.Series:
            out = getattr(self.groups, agg)()
            out.index = self.grid
            return out

        return run


def _in_session_only(
    times: pd.DatetimeIndex, session: Session, notes: list[str]
) -> np.ndarray:
    """Which of ``times`` (rows) fall in the opening hours or days of
    ``session``, with a note on the rows left out.

    Raises:
        DataError: none does.
    """
    inside = session.contains(times)
    days = isinstance(session, OpeningDays)
    name = ("business " if session.is_business else "the opening ") + (
        "days" if days else "hours"
    )
    if not inside.any():
        raise DataError(
            f"none of the {plural(len(times), 'row')} falls in {name} "
            f"({session.words}); choose another step {WHERE_TO_CHOOSE}"
        )
    if not inside.all():
        first = times[~inside].min()
        notes.append(
            f"left out {plural(int((~inside).sum()), 'row')} outside {name} "
            f"({session.words}; first at {format_time(first)})"
        )
    return inside


def _check_counts(counts: pd.Series, freq: str | None) -> pd.Series:
    """Refuse counts that are 1 in every step: each row is its own step, so the
    count says nothing (the user meant the values, or a longer step).

    Raises:
        DataError: every step holds one row.
    """
    if len(counts) and bool((counts == 1).all()):
        where = "timestamp" if freq is None else step_words(freq, one=True)
        raise DataError(
            f"every {where} holds one row, so counting rows gives 1 everywhere; "
            f"choose a longer step {WHERE_TO_CHOOSE}, or combine the rows another "
            "way to forecast their values"
        )
    return counts


def _check_not_finer(
    index: pd.DatetimeIndex, freq: str, empty: int, steps: int
) -> None:
    """Refuse summing (or counting) rows that are already in regular steps into
    finer steps (monthly totals in daily steps: each month's total on its first
    day and 0 on the others); an event log's empty days stay 0."""
    times = index.unique()
    from .frequency import infer_freq  # noqa: PLC0415 (frequency imports steps)

    own = infer_freq(times)
    if own is None:
        return
    raise DataError(
        f"the rows are already in {step_words(own)}; in {step_words(freq)} "
        f"{empty:,} of the {steps:,} steps would hold no row and be 0; choose a step "
        "at least as long as the rows' own"
    )


def step_words(freq: str, *, one: bool = False) -> str:
    """ "monthly steps" for a step of :data:`STEPS`, else "steps of 15min" (with
    ``one``: "monthly step", "step of 15min")."""
    named = {v: k for k, v in STEPS.items()} | {
        "B": "business-day",
        "bh": "business-hour",
    }
    noun = "step" if one else "steps"
    if freq not in named and (session := session_of(freq)) is not None:
        kind = "daily" if isinstance(session, OpeningDays) else "hourly"
        return f"{kind} {noun} ({session.words})"
    return f"{named[freq]} {noun}" if freq in named else f"{noun} of {freq}"


_UNITS = {
    "YS": "year", "YE": "year", "Y": "year", "A": "year", "AS": "year",
    "QS": "quarter", "QE": "quarter", "Q": "quarter",
    "MS": "month", "ME": "month", "M": "month",
    "W": "week", "D": "day", "B": "business day", "bh": "business hour",
    "h": "hour", "H": "hour",
    "min": "minute", "T": "minute", "s": "second", "S": "second",
    "ms": "millisecond", "us": "microsecond", "ns": "nanosecond",
}  # fmt: skip
_ADVERBS = {
    "year": "yearly", "quarter": "quarterly", "month": "monthly", "week": "weekly",
    "day": "daily", "hour": "hourly", "business day": "business days",
    "business hour": "business hours (09:00-17:00, Mon-Fri)",
}  # fmt: skip
_SHORT_UNITS = {"minute": "min", "second": "s", "millisecond": "ms"}
_WEEKDAYS = {
    "MON": "Mondays", "TUE": "Tuesdays", "WED": "Wednesdays", "THU": "Thursdays",
    "FRI": "Fridays", "SAT": "Saturdays", "SUN": "Sundays",
}  # fmt: skip


def _ordinal(day: int) -> str:
    """ "1st", "2nd", "3rd", "15th", "22nd"."""
    last = 0 if 10 <= day % 100 <= 20 else day % 10
    return f"{day}{dict(((1, 'st'), (2, 'nd'), (3, 'rd'))).get(last, 'th')}"


def frequency_words(freq: str | None, *, short: bool = False) -> str:
    """A pandas frequency in words for people: "MS" is "monthly", "W-SUN" "weekly
    (Sundays)", "30min" "every 30 minutes", "QS-OCT" "quarterly (from October)";
    the alias itself when it is none of these (or "unknown" for None). ``short``:
    a few characters for a narrow place ("weekly", "30 min", "weekdays")."""
    if not freq:
        return "unknown"
    session = session_of(freq) if str(freq) not in ("bh", "B") else None
    if isinstance(session, OpeningDays):
        return (
            f"{len(session.days)} days a week" if short else f"daily, {session.words}"
        )
    if session is not None:
        return "opening hours" if short else f"hourly, {session.words}"
    semi = re.fullmatch(r"(SMS|SME)(?:-(\d+))?", str(freq))
    if semi is not None:
        if short:
            return "half-monthly"
        mid = _ordinal(int(semi.group(2) or 15))
        days = f"1st and {mid}" if semi.group(1) == "SMS" else f"{mid} and last day"
        return f"twice a month (the {days})"
    match = re.fullmatch(r"(\d*)([A-Za-z]+)(?:-([A-Z]{3}))?", str(freq))
    if match is None or match.group(2) not in _UNITS:
        return str(freq)
    n = int(match.group(1) or 1)
    unit = _UNITS[match.group(2)]
    anchor = match.group(3)
    if short:
        if n > 1:
            return f"{n} {_SHORT_UNITS.get(unit, unit + 's')}"
        if unit.startswith("business"):
            return "weekdays" if unit == "business day" else "business hours"
        return _ADVERBS.get(unit, unit)
    words = f"every {n} {unit}s" if n > 1 else _ADVERBS.get(unit, f"every {unit}")
    if unit == "week" and anchor in _WEEKDAYS:
        words += f" ({_WEEKDAYS[anchor]})"
    elif unit in ("quarter", "year") and anchor:
        starts = match.group(2).endswith("S")
        if anchor != ("JAN" if starts else "DEC"):
            month = pd.Timestamp(f"2000-{anchor}-01").strftime("%B")
            words += f" ({'from' if starts else 'ending'} {month})"
    return words


def combine_panel_rows(
    long: pd.DataFrame,
    notes: list[str],
    *,
    agg: str = "mean",
    step: str | None = None,
    listed: int = 10,
    max_points: int = 20_000_000,
) -> pd.DataFrame:
    """:func:`combine_rows` for every series of a long panel (columns ``series``,
    ``time``, ``value``, sorted by series then time), with one note for all;
    at most ``max_points`` steps in all."""
    agg = check_agg(agg)
    freq = check_step(step)
    if freq is None:
        if agg == "count":
            counts = long.groupby(["series", "time"], sort=True)["value"].size()
            _check_counts(counts, None)
            notes.append(
                f"counted the rows of each timestamp in each series ({len(long):,} "
                "rows)"
            )
            return counts.astype(float).rename("value").reset_index()
        dup = long.duplicated(["series", "time"], keep=False).to_numpy()
        if not dup.any():
            return long
        counts = long.loc[dup].groupby("series", sort=True).size()
        if len(counts) == 1 and long["series"].nunique() == 1:
            # one series (a file read with no id column): combine_rows' note
            first = long.loc[dup, "time"].min()
            notes.append(
                f"{AGGREGATIONS[agg]} {int(dup.sum())} values where rows share a "
                f"timestamp (first at {format_time(first)})"
            )
        else:
            notes.append(
                f"{AGGREGATIONS[agg]} values where rows of the same series share a "
                f"timestamp, in {plural(len(counts), 'series')}: "
                + ", ".join(
                    f"{quote(k)} ({n} rows)" for k, n in counts[:listed].items()
                )
                + (
                    f" and {len(counts) - listed:,} more"
                    if len(counts) > listed
                    else ""
                )
            )
        groups = long.groupby(["series", "time"], sort=True)["value"]
        return _agg(groups, agg).reset_index()
    spans = long.groupby("series", sort=False)["time"].agg(["min", "max"])
    unique = long.drop_duplicates(["series", "time"])
    # series of events (rows at irregular times): a sum or count carries each on
    # to the last step of them all (see _zeros_to_log_end)
    logs = [
        name
        for name, rows in unique.groupby("series", sort=False)["time"]
        if not is_regular(rows.to_numpy())
    ]
    if agg in ("sum", "count") and len(logs) >= 2:
        spans.loc[logs, "max"] = spans.loc[logs, "max"].max()
    _check_count(
        np.sum(_steps_between(spans["min"], spans["max"], freq)), freq, max_points
    )
    if (session := _session(freq)) is not None:
        long = long[_in_session_only(pd.DatetimeIndex(long["time"]), session, notes)]
        out = pd.concat(
            {
                name: _agg(_bins(rows.set_index("time")["value"], freq), agg)
                for name, rows in long.groupby("series", sort=True)
            },
            names=["series", "time"],
        ).rename("value")
    else:
        steps = (
            long.set_index("time")
            .groupby("series", sort=True)["value"]
            .resample(freq, label="left", closed="left")
        )
        out = _agg(steps, agg)
    hint = None  # the closed times of event logs summed or counted
    if agg in ("sum", "count"):
        out = out.fillna(0.0)  # as combine_rows: an empty step is 0
        out = _zeros_to_log_end(logs, out, freq, notes, listed)
        partial: list[str] = []
        out = _drop_partial_panel_ends(unique, logs, out, freq, agg, partial, listed)
        if logs:
            # the event logs' rows together (shops open at different hours: the
            # hours any of them is open), told as combine_rows tells one log's
            pooled = unique.loc[unique["series"].isin(logs), "time"].to_numpy()
            whose = (
                f"the rows of the {len(logs)} series" if len(logs) > 1 else "the rows"
            )
            hint = _closed_steps_hint(np.unique(pooled), freq, whose)
    else:
        empty = out.isna().groupby(level=0).agg(["sum", "size"])
        # steps empty at times a series is closed every week are no gaps
        empty["gaps"] = [
            open_gaps(pd.DatetimeIndex(part.index.get_level_values(1)), part.to_numpy())
            for _, part in out.isna().groupby(level=0)
        ]
        over = empty[
            (empty["size"] > 2) & (empty["gaps"] > MAX_EMPTY_SHARE * empty["size"])
        ]
        if len(over):
            name, (n_empty, size) = over.index[0], over.iloc[0][["sum", "size"]]
            raise DataError(
                f"series {quote(name)}: {_mostly_empty(n_empty, size, freq)}"
            )
    notes.append(
        f"{AGGREGATIONS[agg]} the rows of each series in {step_words(freq)} "
        f"({plural(long['series'].nunique(), 'series')}, {len(long):,} rows)"
    )
    if agg in ("sum", "count"):
        notes.extend(partial)
        if hint:
            notes.append(hint[0])
    if agg == "count":
        _check_counts(out, freq)
    out = out.astype(float).reset_index()
    if hint:
        out.attrs["closed_step"] = hint[1]  # the step that leaves them out
    return out


#: A step at either end of a series whose rows cover less than this share of
#: what its inner steps' rows cover is partial (an event log that ends on the
#: 10th of a month, read in monthly sums).
PARTIAL_SHARE = 0.95
#: Fewest steps left after the partial ends are dropped (else they stay).
_MIN_KEPT_STEPS = 3


def is_regular(times: np.ndarray) -> bool:
    """Whether sorted unique ``times`` are rows in steps of their own (days,
    months: most gaps within 15% of the typical one), not an event log."""
    gaps = np.diff(np.asarray(times, dtype="datetime64[ns]")).astype(np.int64)
    if len(gaps) < 2:
        return False
    gap = float(np.median(gaps))
    return gap > 0 and float(np.mean(np.abs(gaps / gap - 1.0) <= 0.15)) >= 0.8


def partial_ends(
    times: np.ndarray,
    starts: pd.DatetimeIndex,
    freq: str,
    regular: bool | None = None,
) -> tuple[bool, bool]:
    """Whether the first and the last of the steps starting at ``starts`` (of
    ``freq``) hold only part of what a step of these rows holds: summed or
    counted, such a step reads as a fall (monthly rows to April, read in
    quarterly sums, give a "quarter" of one month).

    ``times`` are the rows' sorted unique times. Rows in regular steps of their
    own (days, months) cover a step when none of its own steps is missing; the
    times of an event log cover it when they reach about as far into it as they
    reach into the inner steps (:func:`_usual_reach`). ``regular``: whether the
    rows are regular, when the caller knows (:func:`is_regular`).
    """
    n = len(starts)
    if n < _MIN_KEPT_STEPS + 1 or len(times) < 3:
        return False, False
    offset = freq_offset(freq)
    edges = np.append(starts.to_numpy(), (starts[-1] + offset).to_datetime64())
    times = np.asarray(times, dtype="datetime64[ns]")
    edges = edges.astype("datetime64[ns]")
    gap = float(np.median(np.diff(times).astype(np.int64)))
    width = np.diff(edges).astype(np.int64).astype(float)
    if (session := _session(freq)) is not None:  # an hour or a day each, though
        # the next may start next morning, or after a closed day
        width[:] = 24 * _HOUR_NS if isinstance(session, OpeningDays) else _HOUR_NS
    if gap <= 0 or gap * 2 > width.min():
        return False, False  # the rows are not finer than the steps
    at = np.searchsorted(times, edges)
    if is_regular(times) if regular is None else regular:
        # regular rows: a step misses one of its own steps or more; rows of an
        # hour or finer may miss one hour's worth, the hour a local clock skips
        # in spring (a whole day or month of local readings holds one row less).
        # A step holds no more than the inner steps with rows usually do:
        # weekdays fill a week with 5 days, opening hours a day with 8 hours
        rows = np.diff(at)
        inner = rows[1:-1][rows[1:-1] > 0]
        usual = float(np.median(inner)) if len(inner) else np.inf
        slack = _HOUR_NS / gap if gap <= _HOUR_NS else 0.0
        expected = np.minimum(width / gap, usual) - 0.5 - slack
        return bool(rows[0] < expected[0]), bool(rows[-1] < expected[-1])
    # an event log: how far into each inner step its rows reach
    inner = np.arange(1, n - 1)
    held = at[inner + 1] > at[inner]
    if held.sum() < 3:
        return False, False
    inner = inner[held]
    starts_ns = edges[:-1].astype(np.int64).astype(float)
    last_row = times[at[inner + 1] - 1].astype(np.int64).astype(float)
    first_row = times[at[inner]].astype(np.int64).astype(float)
    reach_end = _usual_reach((last_row - starts_ns[inner]) / width[inner])
    reach_start = _usual_reach(1 - (first_row - starts_ns[inner]) / width[inner])
    t0, t1 = float(times[0].astype(np.int64)), float(times[-1].astype(np.int64))
    first = 1 - (t0 - starts_ns[0]) / width[0] < reach_start
    last = (t1 - starts_ns[-1]) / width[-1] < reach_end
    return bool(first), bool(last)


_HOUR_NS = 3600e9


def _usual_reach(reach: np.ndarray) -> float:
    """How far into a step an event log's rows must reach for the step to count
    as whole: :data:`PARTIAL_SHARE` of the inner steps' median reach, and no
    further than the tenth of them that reach least (a sparse log's rows stop
    anywhere in a step, so its ends are not called partial)."""
    return float(min(PARTIAL_SHARE * np.median(reach), np.quantile(reach, 0.1)))


def _singular(noun: str) -> str:
    """ "sum" of "sums", "minimum" of "minima"."""
    return {"minima": "minimum", "maxima": "maximum"}.get(noun, noun[:-1])


def _partial_note(agg: str, freq: str, dropped: list[pd.Timestamp], which: str) -> str:
    """The note for the partial end steps of one series that were left out."""
    one = len(dropped) == 1
    head = (
        f"left out the {which} of the {step_words(freq)} "
        f"({', '.join(format_time(t) for t in dropped)}): the rows cover only part "
        f"of {'it' if one else 'them'}, and {'its' if one else 'their'} "
        f"{_singular(AGG_NOUNS[agg]) if one else AGG_NOUNS[agg]} would "
    )
    return head + f"read as {'a fall' if one else 'falls'}"


def _partial_kept_note(
    agg: str, freq: str, kept: list[pd.Timestamp], which: str
) -> str:
    """The note for the partial end steps of a series read in means, minima or
    maxima, which are kept."""
    one = len(kept) == 1
    noun = _singular(AGG_NOUNS[agg]) if one else AGG_NOUNS[agg]
    return (
        f"the {which} of the {step_words(freq)} "
        f"({', '.join(format_time(t) for t in kept)}) "
        f"{'holds' if one else 'hold'} rows for only part of "
        f"{'it' if one else 'them'}: {'its' if one else 'their'} {noun} "
        f"{'covers' if one else 'cover'} those alone, and may not compare with "
        "whole steps where the data have a season inside a step (two winter "
        "months read as a cold year); read in shorter steps, or leave those rows "
        "out of the file, if that matters"
    )


def _zeros_to_log_end(
    logs: list[str], out: pd.Series, freq: str, notes: list[str], listed: int
) -> pd.Series:
    """The summed or counted steps of a panel's event logs (``logs``: series whose
    rows come at irregular times), each carried on with 0 from its last row to
    the last step of all the logs: a product with no sale since February has
    sold nothing since, and its forecast starts where the file ends, not in
    February."""
    if len(logs) < 2:
        return out
    names = out.index.get_level_values(0)
    steps = out.index.get_level_values(1)
    end = steps[names.isin(logs)].max()
    last = pd.Series(steps).groupby(np.asarray(names)).max()
    short = [n for n in logs if last[n] < end]
    if not short:
        return out
    added = [
        pd.Series(
            0.0,
            index=pd.MultiIndex.from_product(
                [[n], _step_range(last[n], end, freq)[1:]],
                names=out.index.names,
            ),
            name=out.name,
        )
        for n in short
    ]
    out = pd.concat([out, *added]).sort_index(kind="stable")
    more = f" and {len(short) - listed:,} more" if len(short) > listed else ""
    shown = ", ".join(quote(str(n)) for n in short[:listed])
    notes.append(
        f"carried {plural(len(short), 'series')} on with 0 from their last row to "
        f"the last step of the file ({format_time(pd.Timestamp(end))}): "
        f"{shown}{more}; no rows in a step means none there"
    )
    return out


def _drop_partial_panel_ends(
    unique: pd.DataFrame,
    logs: list[str],
    out: pd.Series,
    freq: str,
    agg: str,
    notes: list[str],
    listed: int,
) -> pd.Series:
    """:func:`partial_ends` for every series of a panel read in summed or
    counted steps (``out``, indexed by series and step start; ``unique``: the
    panel's rows, one per series and time; ``logs``: its series of events, whose
    first and last steps are judged on the rows of them all): the partial end
    steps left out, with one note."""
    starts = out.index.get_level_values(1)
    bounds = pd.Series(np.arange(len(out))).groupby(
        out.index.get_level_values(0), sort=False
    )
    firsts, lasts = bounds.min(), bounds.max()
    keep = np.ones(len(out), dtype=bool)
    cut: dict[str, list[str]] = {"first": [], "last": []}

    def drop(name: str, first: bool, last: bool) -> None:
        lo, hi = int(firsts[name]), int(lasts[name])
        if first:
            keep[lo] = False
            cut["first"].append(str(name))
        if last:
            keep[hi] = False
            cut["last"].append(str(name))

    events = set(logs)
    for name, rows in unique.groupby("series", sort=False)["time"]:
        if name in events:
            continue
        times = rows.to_numpy()
        lo, hi = int(firsts[name]), int(lasts[name]) + 1
        drop(name, *partial_ends(times, starts[lo:hi], freq, regular=True))
    if logs:
        # a store without a sale on the log's first days is no partial step:
        # the log's own first and last steps are judged on all its rows
        times = np.unique(unique.loc[unique["series"].isin(logs), "time"].to_numpy())
        every = _step_range(starts.min(), starts.max(), freq)
        first, last = partial_ends(times, every, freq)
        for name in logs:
            drop(
                name,
                first and starts[int(firsts[name])] == every[0],
                last and starts[int(lasts[name])] == every[-1],
            )
    if not (cut["first"] or cut["last"]):
        return out
    parts = []
    for which, names in cut.items():
        if names:
            more = f" and {len(names) - listed:,} more" if len(names) > listed else ""
            shown = ", ".join(quote(n) for n in names[:listed])
            parts.append(
                f"the {which} step of {plural(len(names), 'series')} ({shown}{more})"
            )
    notes.append(
        f"left out {' and '.join(parts)} in {step_words(freq)}: the rows cover only "
        f"part of those steps, so their {AGG_NOUNS[agg]} would read as falls"
    )
    return out[keep]


def _step_range(start: pd.Timestamp, end: pd.Timestamp, freq: str) -> pd.DatetimeIndex:
    """The steps of ``freq`` from ``start`` to ``end`` (both steps), opening
    hours and days included (whose string forms pandas does not know)."""
    if (session := session_of(freq)) is not None:
        return session.times(start, end)
    return pd.date_range(start, end, freq=freq_offset(freq))


def _steps_between(first, last, freq: str):
    """How many steps of ``freq`` hold the times from ``first`` to ``last``
    (timestamps or arrays of them); 0 for calendar steps (a week or longer,
    never too many)."""
    try:
        width = pd.Timedelta(to_offset(freq))
    except (TypeError, ValueError):
        return 0
    return (last - first) // width + 1


def step_length(freq: str) -> pd.Timedelta:
    """About how long one step of a pandas frequency is (its first step in
    2001: 31 days for "MS"); 0 for a frequency pandas cannot step."""
    if (session := session_of(freq)) is not None:
        days = isinstance(session, OpeningDays)
        return pd.Timedelta(days=1) if days else pd.Timedelta(hours=1)
    try:
        two = pd.date_range("2001-01-01", periods=2, freq=str(freq))
    except (TypeError, ValueError):
        return pd.Timedelta(0)
    return two[1] - two[0]


def on_local_clock(step: str | None) -> bool:
    """Whether rows read in ``step`` keep the local clock of times written with
    UTC offsets: a step of a day or longer (rows fall in local days) and
    opening hours (09:00 on the office's clock, not in UTC)."""
    freq = check_step(step)
    return freq is not None and (
        hours_of(freq) is not None or step_length(freq) >= pd.Timedelta(days=1)
    )


def check_span(first, last, freq: str, limit: int) -> None:
    """Refuse a step so short that the times from ``first`` to ``last`` would take
    more than ``limit`` steps, before any work is done in it.

    Raises:
        DataError: too many steps ("choose a longer step").
    """
    _check_count(_steps_between(first, last, freq), freq, limit)


def _check_count(count: int, freq: str, limit: int) -> None:
    """Refuse a step that would make more than ``limit`` points."""
    if count > limit:
        raise DataError(
            f"reading the rows in {step_words(freq)} would make {int(count):,} points "
            f"(at most {limit:,}); choose a longer step"
        )


def _mostly_empty(empty: int, steps: int, freq: str) -> str:
    """Why a step too fine for the rows is refused, and what to do."""
    return (
        f"{empty:,} of the {steps:,} {step_words(freq)} hold no row; choose a longer "
        "step, or sum or count the rows (empty steps are then 0)"
    )


def _agg(groups, agg: str) -> pd.Series:
    """``groups`` (a groupby or resampler) combined by ``agg``."""
    return getattr(groups, agg)()
