"""Frequencies: infer the step of timestamps and snap jittered ones onto its grid;
the natural seasonal cycles of a frequency, and the timestamps that continue a series.
"""

from __future__ import annotations

import warnings
from collections import Counter

import numpy as np
import pandas as pd
from pandas.tseries.frequencies import to_offset

from ..errors import DataError, ParameterError
from .cells import quote
from .hours import (
    OpeningDays,
    OpeningHours,
    Session,
    freq_offset,
    hours_of,
    minute_of_day,
    open_gaps,
    runs_of,
    session_of,
)
from .steps import (
    MAX_EMPTY_SHARE,
    MIN_POINTS,
    WHERE_TO_CHOOSE,
    frequency_words,
    step_words,
)

# Seconds in one natural cycle, used to turn any fixed frequency into season lengths.
_DAY = 86_400
_DAY_MINUTES = 1440
_WEEK = 7 * _DAY
# Buckets for calendar steps of varying length (between midnights).
_YEARLY, _QUARTERLY, _MONTHLY = -1.0, -2.0, -3.0
_DAYS = ("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN")
# Steps (seconds) that slightly jittered timestamps are snapped to.
_NICE_STEPS = np.array(
    [1, 2, 5, 10, 15, 20, 30]
    + [60 * m for m in (1, 2, 5, 10, 15, 20, 30)]
    + [3600 * h for h in (1, 2, 3, 4, 6, 8, 12)]
    + [_DAY, _WEEK],
    dtype=float,
)
_FREQ_WORDS = {"h": "1-hour", "min": "1-minute", "s": "1-second", "D": "1-day"}

FreqLike = str | pd.DateOffset | pd.DatetimeIndex | pd.Series


def infer_freq(index: pd.DatetimeIndex) -> str | None:
    """``pd.infer_freq`` as a string or None, without its deprecation chatter."""
    if len(index) < 3:
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            freq = pd.infer_freq(index)
        except (TypeError, ValueError):
            return None
    if freq is None:
        return None
    return freq if isinstance(freq, str) else to_offset(freq).freqstr


def strictly_regular(times: pd.DatetimeIndex) -> bool:
    """Whether sorted times have one frequency pandas knows, or fall on the same day
    and clock time every 1, 2, 3... months (monthly on the 10th, say)."""
    if infer_freq(times) is not None:
        return True
    if len(times) < 3:
        return False
    months = np.diff(times.year.to_numpy() * 12 + times.month.to_numpy())
    same_day = (times - times.to_period("M").to_timestamp()).nunique() == 1
    return bool(same_day and months[0] > 0 and (months == months[0]).all())


def regular_freq(
    index: pd.DatetimeIndex, name: str
) -> tuple[str, pd.DatetimeIndex, list[str]]:
    """Infer the frequency of sorted unique timestamps; snap them onto its grid.

    Args:
        index: sorted, unique timestamps.
        name: the time column, for messages.

    Returns:
        ``(freq, snapped_index, notes)``.

    Raises:
        DataError: no step covers at least half of the time steps.
    """
    if (made := session_of(index.freq)) is not None:  # made so: a step chosen
        return made.freq, index, []
    freq = infer_freq(index)
    if freq == "bh" and not hours_of("bh").contains(index).all():
        freq = None  # pandas names any eight hours a day so (10:00-18:00 daily)
    if freq is not None:
        base = freq.split("-")[0]
        if base == "QS" and set(index.month) <= {1, 4, 7, 10}:
            freq = "QS"
        elif freq == "YS-JAN":
            freq = "YS"
        business = hours_of("bh") if freq == "bh" else None
        return freq, index, [_hours_note(business)] if business else []
    if (hours := opening_hours_of(index)) is not None:
        return hours.freq, index, [_hours_note(hours)]
    if (days := opening_days_of(index)) is not None:
        return (
            days.freq,
            index,
            [
                f"read the dates as opening days ({days.words}): the closed days "
                f"({days.closed_words}) are not gaps"
            ],
        )
    seconds = (
        np.diff(index.asi8) / {"s": 1, "ms": 1e3, "us": 1e6, "ns": 1e9}[index.unit]
    )
    midnight = bool((index == index.normalize()).all())
    if midnight and (semi := _semi_monthly(index)) is not None:
        return semi, index, []
    basis = "the most common time step ({:.0%} of steps)"
    try:
        mode, share = _common_step(seconds, midnight, name)
    except DataError:
        jittered = None if midnight else _jittered_step(index, seconds)
        if jittered is None:
            found = _one_per_period(index)
            if found is None:
                _offer_hours(index, name)
                raise
            return _per_period(index, found)
        mode, share = jittered
        basis = (
            "the readings' typical time step, which varies by up to a quarter of "
            "itself ({:.0%} of the readings lie within that of its grid)"
        )
    if not midnight and _calendar_length(mode):
        # a month of about 30.5 days stamped mid-month at varying hours (climate
        # models' 1850-01-16 12:00, 1850-02-15 00:00): months, not 732 hours
        found = _one_per_period(index)
        if found is not None:
            return _per_period(index, found)
    freq, snapped, where = _grid(index, mode, seconds, midnight)
    notes = [
        f"inferred the frequency {frequency_words(freq)} ({freq}) from "
        + basis.format(share)
    ]
    moved = int((snapped != index).sum())
    if moved:
        notes.append(f"moved {moved} timestamps onto {where}")
    return freq, pd.DatetimeIndex(snapped), notes


#: Share of the opening hours (or days) between the first and last reading
#: that hourly readings (or daily dates) must hold to be read as them (the
#: rest, holidays and missed hours, are gaps filled like any other).
_OPENING_SHARE = 0.8


def opening_hours_of(index: pd.DatetimeIndex) -> OpeningHours | None:
    """The opening hours of hourly readings kept to part of the day or of the
    week (a shop open 10:00 to 20:00 every day; pandas' business hours, 09:00 to
    17:00 on weekdays; a stock exchange's hourly bars at 09:30 to 15:30 on
    weekdays, or at 09:30, 10:30, 13:00 and 14:00 around a lunch break), when
    they hold at least ``_OPENING_SHARE`` of those hours, so that the nights,
    closed days and a missed hour or holiday do not make the steps irregular;
    else None. The hours run from the earliest reading's time of day to an hour
    after the latest's (with up to ``_MAX_SPANS`` spans a day, each at least
    two hours: times of day an hour apart run on), on the days of the week
    that have readings. (``pd.infer_freq`` finds business hours only when no
    hour is missing, and no other opening hours.)"""
    if len(index) < 16 or index.tz is not None:
        return None
    if (index != index.floor("min")).any():
        return None
    minutes = np.unique(minute_of_day(index))
    runs = runs_of(minutes, np.diff(minutes) != 60)
    late = 0
    if len(runs) > 1 and runs[-1][1] + 60 == runs[0][0] + _DAY_MINUTES:
        # the last hours run on past midnight into the first: one span (a bar
        # open 18:00 to 02:00), its night hours the day before's
        late = runs[0][1] + 60
        runs = [*runs[1:-1], (runs[-1][0], runs[0][1] + _DAY_MINUTES)]
    if len(runs) > _MAX_SPANS or any(b - a < 60 for a, b in runs):
        return None
    days = _open_days(index - pd.Timedelta(minutes=late))
    if days is None:
        return None
    try:
        hours = OpeningHours(tuple((a, b + 60) for a, b in runs), days)
    except ValueError:  # around the clock: hourly
        return None
    shut, opens = hours.closed[-1]
    if (opens - shut) % _DAY_MINUTES < _MIN_NIGHT:
        return None  # around the clock but an hour: hourly, that hour filled
    return hours if _fills(index, hours) else None


#: The shortest night of opening hours, in minutes: hourly readings at every
#: hour but one are hourly data with a gap a day.
_MIN_NIGHT = 120


#: The most spans of opening hours a day (two around a lunch break, three
#: around a lunch and a tea break).
_MAX_SPANS = 3


def opening_days_of(index: pd.DatetimeIndex) -> OpeningDays | None:
    """The opening days of daily dates (midnights) kept to some days of the week
    (a shop closed on Sundays: Monday to Saturday), at least three, not the
    weekdays alone (business days, found on their own), when they hold at least
    ``_OPENING_SHARE`` of those days and run over at least four weeks; else
    None."""
    if len(index) < 16 or (index != index.normalize()).any():
        return None
    days = _open_days(index)
    if days is None or not 3 <= len(days) < 7 or days == (0, 1, 2, 3, 4):
        return None
    if index[-1] - index[0] < pd.Timedelta(days=27):
        return None
    session = OpeningDays(days)
    return session if _fills(index, session) else None


def _open_days(index: pd.DatetimeIndex) -> tuple[int, ...] | None:
    """The days of the week ``index`` keeps (0 is Monday); None when one of them
    holds readings on under half as many of its dates as the busiest, each per
    time it occurs from the first date to the last (ten days hold two Mondays
    and one Sunday): a day with readings on few of its dates (one Saturday
    session among weekday closes) is no opening day but odd times, which the
    other readings of the times judge. A day with fewer hours than the others
    (a shop open 18:00 to 21:00 on Saturdays, 11:00 to 21:00 on other days) is
    an opening day all the same."""
    dates = index.normalize().unique()
    counts = np.bincount(np.asarray(dates.day_of_week), minlength=7)
    every = pd.date_range(dates.min(), dates.max(), freq="D")
    occurs = np.bincount(np.asarray(every.day_of_week), minlength=7)
    rate = counts / np.maximum(occurs, 1)
    if rate[counts > 0].min() < 0.5 * rate.max():
        return None
    return tuple(int(d) for d in np.flatnonzero(counts))


def _fills(index: pd.DatetimeIndex, session: Session) -> bool:
    """Whether ``index`` lies on the steps of ``session`` from its first time to
    its last and holds at least ``_OPENING_SHARE`` of them (the rest, holidays
    and missed hours, are gaps filled like any other); of opening hours, of
    those left once the times of the week closed nearly every week are taken
    out (:func:`~convlstm.data.hours.closed_times`: a shop open 18:00 to 21:00
    on Saturdays, 11:00 to 21:00 on other days), as long as they are at most
    :data:`~convlstm.data.hours.CLOSED_SHARE` of the steps."""
    grid = session.times(index[0], index[-1])
    if len(index.difference(grid)):
        return False
    if len(index) >= _OPENING_SHARE * len(grid):
        return True
    if not isinstance(session, OpeningHours):
        return False
    gaps = open_gaps(grid, ~grid.isin(index))  # the closed times taken out
    return len(index) >= _OPENING_SHARE * (len(index) + gaps)


def _hours_note(hours: OpeningHours) -> str:
    """The note that says readings were read as opening hours."""
    closed = "nights and weekends" if hours.is_business else "closed hours and days"
    if len(hours.days) == 7:
        closed = "breaks and nights" if len(hours.spans) > 1 else "nights"
        if hours.past_midnight:  # open at night: the day is closed
            closed = "closed hours"
    return (
        f"read the readings as opening hours ({hours.words}, each hour stamped by "
        f"its start): the {closed} are not gaps"
    )


def opening_hours(index: pd.DatetimeIndex, offset: pd.DateOffset) -> str:
    """For a message about a grid of ``offset`` (shorter than a day) that would
    be mostly gaps: words for readings kept to part of the day or of the week ("
    (the readings fall only between 08:00 and 17:30 on weekdays: ...)") and the
    steps that read them (hourly steps in those opening hours for readings finer
    than an hour, :func:`opening_hours_step`); "" for a longer step, or readings
    at every hour of every day of the week."""
    session = _kept_hours(index, offset)
    if session is None:
        return ""
    words, hours, days = session
    steps = "business-day steps" if days <= {0, 1, 2, 3, 4} else "daily steps"
    if hours is not None and _held_share(index, hours) >= 1 - MAX_EMPTY_SHARE:
        steps = (
            f"{step_words(hours.freq)}, each hour's readings combined, or in {steps}"
        )
    elif hours is not None:  # too sparse for hours: most of them would be empty
        steps += ", since most of the hours would hold no reading"
    if offset == pd.Timedelta(hours=1):  # hourly, yet not in opening hours
        why = (
            "opening hours are read as a session only when the readings fill "
            "most of the hours they keep each week, and these keep different "
            "hours from day to day or leave most of them empty"
        )
    else:
        why = "opening hours are read as a session only when the readings are hourly"
    return f" (the readings fall only {words}: {why}; read these in {steps})"


def opening_hours_step(index: pd.DatetimeIndex, offset: pd.DateOffset) -> str | None:
    """The opening hours that hold readings finer than an hour kept to part of
    the day (a call centre's half hours from 08:00 to 17:30 on weekdays:
    ``"cbh(08:00-18:00 Mon-Fri)"``; a stock's five minutes from 09:30 to 15:55:
    ``"cbh(09:30-16:30 Mon-Fri)"``, the exchange's hourly bars), as a step that
    reads them in hours; where most of those hours would hold no reading, and
    for hourly readings kept to hours too uneven from day to day to be read as
    opening hours, the days that hold them (``"B"``, ``"cbd(Mon-Sat)"``,
    ``"D"``), when most of those hold one (not for a night's hours: days would
    cut them in two); None for other readings."""
    session = _kept_hours(index, offset)
    if session is None:
        return None
    hours, days = session[1], session[2]
    if hours is not None:
        if _held_share(index, hours) >= 1 - MAX_EMPTY_SHARE:
            return hours.freq
        if hours.past_midnight:
            return None  # days would cut each night in two
    elif offset != pd.Timedelta(hours=1) or _past_midnight(
        np.unique(minute_of_day(index))
    ):
        return None  # hourly readings in hours too uneven for a session: days
    if len(index.normalize().unique()) < MIN_POINTS:
        return None  # too few days to read in days
    if len(days) == 7:  # every day of the week
        dates = index.floor("D")
        held = len(dates.unique()) / ((dates[-1] - dates[0]).days + 1)
        return "D" if held >= 1 - MAX_EMPTY_SHARE else None
    whole = OpeningDays(tuple(days))
    return whole.freq if _held_share(index, whole) >= 1 - MAX_EMPTY_SHARE else None


def _held_share(index: pd.DatetimeIndex, session: Session) -> float:
    """The share of ``session``'s steps from the first to the last of the sorted
    ``index`` in it that hold at least one of its times (the rest would be
    filled), as a read in its steps counts them (times outside it left out)."""
    steps = session.step_of(index[session.contains(index)])
    if not len(steps):
        return 0.0
    grid = session.times(steps[0], steps[-1])
    return len(grid.intersection(steps.unique())) / max(len(grid), 1)


def _kept_hours(
    index: pd.DatetimeIndex, offset: pd.DateOffset
) -> tuple[str, OpeningHours | None, set[int]] | None:
    """Readings at steps of ``offset`` (shorter than a day) kept to part of the
    day or of the week: their hours in words, the whole hours that hold them
    (for readings finer than an hour; else None) and their days; None for
    readings around the clock every day, a step of a day or more, or fewer than
    16 readings. The part of the day may run past midnight (a bar's readings
    from 18:00 to 01:45: their days are the days each night began on)."""
    if not isinstance(offset, pd.offsets.Tick) or offset >= pd.Timedelta(days=1):
        return None
    if len(index) < 16:
        return None
    minutes = minute_of_day(index)
    # the part of the day the readings keep: from the reading after the
    # longest time of day without one to the reading before it
    held = np.unique(minutes)
    gaps = np.diff(held, append=held[0] + _DAY_MINUTES)
    longest = int(np.argmax(gaps))
    first, last = int(held[(longest + 1) % len(held)]), int(held[longest])
    part_of_day = gaps[longest] > 4 * 60
    if not part_of_day:
        first, last = int(held[0]), int(held[-1])
    # a night's times past midnight are the day before's, as in OpeningHours
    late = _past_midnight(held) if part_of_day else 0
    opened = index - pd.Timedelta(minutes=late)
    days = set(np.asarray(opened.day_of_week).tolist())
    if not part_of_day and len(days) == 7:
        return None
    words = []
    if part_of_day:
        words.append(
            f"between {first // 60:02d}:{first % 60:02d} and "
            f"{last // 60:02d}:{last % 60:02d}"
        )
    if days == {0, 1, 2, 3, 4}:
        words.append("on weekdays")
    elif len(days) < 7:
        words.append("on " + ", ".join(_DAYS[d].title() for d in sorted(days)))
    hours = None
    if part_of_day and offset < pd.Timedelta(hours=1):
        # a night's times past midnight counted on past 24:00
        since = np.sort(np.where(held < first, held + _DAY_MINUTES, held))
        hours = _hours_holding(since, tuple(sorted(days)))
    return " ".join(words), hours, days


def _past_midnight(held: np.ndarray) -> int:
    """Minutes past midnight that readings at the sorted times of day ``held``
    run on from the night before: the end of their first run (split at over an
    hour without one) when it starts within an hour of midnight and their last
    run ends within an hour of it; else 0."""
    runs = runs_of(held, np.diff(held) > 60)
    if len(runs) < 2 or runs[0][0] + _DAY_MINUTES - runs[-1][1] > 60:
        return 0
    return runs[0][1] + 1


def _hours_holding(minutes: np.ndarray, days: tuple[int, ...]) -> OpeningHours | None:
    """Whole hours that hold readings at sorted times of day ``minutes`` finer
    than an hour (past midnight as minutes past 24:00): a span for each run of
    them without an hour's break (a lunch break splits the day), from its first
    reading's quarter or half hour (a stock exchange's 09:30, as its hourly bars
    run) or else its hour, to the hour that holds its last; None when that is
    not part of a day."""
    spans: list[tuple[int, int]] = []
    for first, last in runs_of(minutes, np.diff(minutes) > 60):
        if spans and first <= spans[-1][1]:
            first = spans.pop()[0]  # a break shorter than the rounding: one span
        start = first if first % 15 == 0 else first - first % 60
        spans.append((start, start - (start - last - 1) // 60 * 60))
    if len(spans) > _MAX_SPANS:
        return None
    # spans that open past midnight open on the next day: first in a day
    day = _DAY_MINUTES
    spans = sorted((a - day, b - day) if a >= day else (a, b) for a, b in spans)
    try:
        hours = OpeningHours(tuple(spans), days)
    except ValueError:
        return None
    return hours if hours.per_day >= 2 else None


def _semi_monthly(index: pd.DatetimeIndex) -> str | None:
    """ "SMS" for dates on the 1st and the 15th of months ("SMS-16": the 1st and
    16th), "SME" for the 15th and the month's last day ("SME-20": the 20th and the
    last day): pay periods, fortnightly reports; with at least ``_PERIOD_SHARE``
    of consecutive half-months present; else None. Their steps are 13 to 16 days,
    so read as a fixed step they would be 14 or 15 days with points moved and
    made up between."""
    if len(index) < 3:
        return None
    day = np.asarray(index.day)
    end = np.asarray(index.is_month_end)
    month = (np.asarray(index.year) * 12 + np.asarray(index.month)) * 2
    mid = sorted(set(day[day != 1]) if (day == 1).any() else set(day[~end]))
    if len(mid) != 1 or not 2 <= mid[0] <= 27:
        return None
    if set(day) == {1, mid[0]}:
        freq, half = "SMS", month + (day != 1)
    elif ((day == mid[0]) | end).all() and end.any():
        freq, half = "SME", month + end
    else:
        return None
    steps = np.diff(half)
    if (steps < 1).any() or (steps == 1).mean() < _PERIOD_SHARE:
        return None
    return freq if mid[0] == 15 else f"{freq}-{mid[0]}"


#: Share of readings within a quarter step of one grid for readings whose
#: steps vary (a sensor's second with its clock's jitter) to be read in it.
_JITTER_SHARE = 0.9


def _jittered_step(
    index: pd.DatetimeIndex, seconds: np.ndarray
) -> tuple[float, float] | None:
    """A round step shorter than a day (a second, a minute, a quarter hour)
    that readings keep whose own steps vary by more than the 2% a common step
    allows (a logger's seconds, each a few hundred milliseconds late or early):
    the round step nearest the median step, when that is within 10% of it and
    at least ``_JITTER_SHARE`` of the readings lie within a quarter step of one
    grid of it (the jitter does not add up: a clock that drifts does not keep
    a step); returns it and that share, or None."""
    positive = seconds[seconds > 0]
    if len(positive) < 10:
        return None
    median = float(np.median(positive))
    step = float(_NICE_STEPS[np.argmin(np.abs(np.log(_NICE_STEPS / median)))])
    if step >= _DAY or abs(median - step) > 0.1 * step:
        return None
    elapsed = (index.asi8 - index.asi8[0]) * (_NANOSECONDS[index.unit] / 1e9)
    angle = 2 * np.pi * elapsed / step
    phase = np.angle(np.exp(1j * angle).mean())
    off = np.abs(np.angle(np.exp(1j * (angle - phase)))) / (2 * np.pi)
    share = float((off <= 0.25).mean())
    return (step, share) if share >= _JITTER_SHARE else None


#: Rows an hour, on average, that irregular times (an event log) kept to part
#: of the day must hold to be offered hourly steps in those hours.
_EVENTS_PER_HOUR = 2


def event_hours(index: pd.DatetimeIndex) -> tuple[str, str, str] | None:
    """Where the times ``index`` (sorted) fall only in part of the day (a shop's
    sales at their clock times, 10:00 to 20:00), at least ``_EVENTS_PER_HOUR``
    an hour: those hours in words ("between 10:00 and 19:59 on weekdays"), the
    step of those hours (an opening-hours frequency) and "business-day" or
    "daily" for the days they fall on; None for other times."""
    session = _kept_hours(index, pd.offsets.Minute())
    hours = session[1] if session is not None else None
    if hours is None:
        return None
    if len(index) < _EVENTS_PER_HOUR * len(hours.times(index[0], index[-1])):
        return None
    days = "business-day" if session[2] <= {0, 1, 2, 3, 4} else "daily"
    return session[0], hours.freq, days


def _offer_hours(index: pd.DatetimeIndex, name: str) -> None:
    """For irregular times kept to part of the day (:func:`event_hours`):
    refuse them with the hours that hold them, as a step to read them in
    (``suggested_step``, which the app offers); nothing for other times."""
    found = event_hours(index)
    if found is None:
        return
    words, freq, days = found
    exc = DataError(
        f"column {quote(name)}: the times are irregular (an event log?) and fall "
        f"only {words}; read them in {step_words(freq)} or "
        f"{days} steps {WHERE_TO_CHOOSE}, each step's rows summed, counted or "
        "averaged (agg=..., --agg, or Rows in one step on the Data page)"
    )
    exc.suggested_step = freq
    exc.suggested_agg = "sum"  # an event log's rows add up (sales in the hour)
    raise exc


def _common_step(seconds: np.ndarray, midnight: bool, name: str) -> tuple[float, float]:
    """The most common step (seconds, or a calendar bucket) and its share of steps."""
    buckets = seconds
    if midnight:
        days = seconds / _DAY
        buckets = np.select(
            [
                (days >= 365) & (days <= 366),
                (days >= 89) & (days <= 92),
                (days >= 28) & (days <= 31),
            ],
            [_YEARLY, _QUARTERLY, _MONTHLY],
            seconds,
        )
    ((mode, count),) = Counter(_nice_steps(buckets).tolist()).most_common(1)
    share = count / len(buckets)
    if share < 0.5:
        raise DataError(
            f"column {quote(name)}: the time steps are irregular (the most common "
            f"step covers only {share:.0%} of them); resample the data: read it in "
            f"regular steps {WHERE_TO_CHOOSE}, as daily sums or monthly means, say"
        )
    return mode, share


#: Share of consecutive periods (months, quarters...) that timestamps stamped on
#: varying days must cover to be read as one per period; the rest are gaps.
_PERIOD_SHARE = 0.8
_PERIODS = (
    ("M", "MS", ("monthly", "month")),
    ("Q", "QS", ("quarterly", "quarter")),
    ("Y", "YS", ("yearly", "year")),
)


def _calendar_length(seconds: float) -> bool:
    """Whether a step of ``seconds`` is about a month, a quarter or a year."""
    days = seconds / _DAY
    return 27 <= days <= 32 or 88 <= days <= 93 or 364 <= days <= 367


def _per_period(
    index: pd.DatetimeIndex,
    found: tuple[str, pd.DatetimeIndex, tuple[str, str]],
) -> tuple[str, pd.DatetimeIndex, list[str]]:
    """:func:`regular_freq`'s answer for timestamps one per calendar period
    (:func:`_one_per_period`), with its note."""
    freq, snapped, (word, noun) = found
    moved = int((snapped != index).sum())
    note = (
        f"read the data as {word}: one timestamp in each {noun}, on varying "
        f"days; moved {moved} timestamps onto the start of their {noun}"
    )
    return freq, snapped, [note]


def _one_per_period(
    index: pd.DatetimeIndex,
) -> tuple[str, pd.DatetimeIndex, tuple[str, str]] | None:
    """Monthly (quarterly, yearly) data stamped on a different day each period.

    Steps between such timestamps vary too much for one step to dominate (the 3rd,
    then the 28th, then the 9th...), yet each month holds one. Returns the
    frequency, the timestamps moved to the start of their period and its words
    (``("monthly", "month")``), or None when the timestamps do not fall one per
    period with at least ``_PERIOD_SHARE`` of the periods consecutive.
    """
    if len(index) < 3:
        return None
    for period, freq, words in _PERIODS:
        periods = index.tz_localize(None).to_period(period)
        steps = np.diff(periods.asi8)
        if (steps < 1).any() or (steps == 1).mean() < _PERIOD_SHARE:
            continue
        snapped = periods.to_timestamp()
        if index.tz is not None:
            snapped = snapped.tz_localize(index.tz)
        return freq, pd.DatetimeIndex(snapped), words
    return None


def _grid(
    index: pd.DatetimeIndex, mode: float, seconds: np.ndarray, midnight: bool
) -> tuple[str, pd.DatetimeIndex, str]:
    """The frequency of step ``mode``, the timestamps on its grid, and the grid."""
    if mode == _YEARLY:
        return "YS", index.to_period("Y").to_timestamp(), "the start of their year"
    if mode == _QUARTERLY:
        snapped = index.to_period("Q").to_timestamp()
        return "QS", snapped, "the start of their quarter"
    if mode == _MONTHLY:
        where = "the start of their month"
        if index.is_month_end.all():
            return "ME", index, where
        return "MS", index.to_period("M").to_timestamp(), where
    if midnight and mode == _DAY:
        weekend = (index.day_of_week >= 5).any()
        business = not weekend and len(index) >= 10 and (seconds == 3 * _DAY).any()
        return ("B" if business else "D"), index, "the daily grid"
    if midnight and mode == _WEEK:
        snapped = _snap_fixed(index, pd.Timedelta(days=7))
        return f"W-{_DAYS[snapped[0].day_of_week]}", snapped, "the weekly grid"
    step = pd.Timedelta(seconds=mode)
    if mode % _DAY == 0:
        freq = "D" if mode == _DAY else f"{int(mode // _DAY)}D"
    else:
        freq = to_offset(step).freqstr
    where = f"a regular grid of {_FREQ_WORDS.get(freq, freq)} steps"
    return freq, _snap_fixed(index, step), where


def _nice_steps(steps: np.ndarray) -> np.ndarray:
    """Replace steps within 2% of a round step (1 min, 1 h, 1 day...) by it."""
    if len(steps) == 0:
        return steps
    pos = np.clip(np.searchsorted(_NICE_STEPS, steps), 1, len(_NICE_STEPS) - 1)
    lower, upper = _NICE_STEPS[pos - 1], _NICE_STEPS[pos]
    nearest = np.where(np.abs(steps - lower) <= np.abs(upper - steps), lower, upper)
    close = (np.abs(steps - nearest) <= 0.02 * nearest) & (steps > 0)
    return np.where(close & (steps < _WEEK * 1.1), nearest, steps)


#: Units a snapped grid's clock phase is rounded to (the largest at most a tenth
#: of the step that moves the phase by no more than the readings' own jitter):
#: jittered quarter-hours snap onto :00, :15... and not onto the first reading's
#: seconds, and hourly readings at :07 stay at :07.
_PHASE_UNITS = tuple(pd.Timedelta(u) for u in ("1h", "15min", "5min", "1min", "1s"))


#: Nanoseconds in each unit numpy may give a time step in (as Python integers,
#: which do not overflow).
_NANOSECONDS = {
    "W": 7 * 86_400 * 10**9, "D": 86_400 * 10**9, "h": 3_600 * 10**9,
    "m": 60 * 10**9, "s": 10**9, "ms": 10**6, "us": 10**3, "ns": 1,
}  # fmt: skip


def _snap_fixed(index: pd.DatetimeIndex, step: pd.Timedelta) -> pd.DatetimeIndex:
    """Round every timestamp to the nearest point of a grid of ``step``: the grid
    at the timestamps' typical phase within a step (their circular mean), rounded
    to a whole unit of the clock (see ``_PHASE_UNITS``). Steps of whole days (a
    meter read each evening, a weekly count) snap onto the hour before their
    typical time of day and are then dated by their day, at midnight: a reading
    a few minutes past midnight belongs to the day before."""
    # in the index's own unit: dates after 2262 or before 1678 (a climate
    # projection to 2300) have no nanoseconds, nor has a step of centuries
    per_unit = _NANOSECONDS[index.unit]

    def units(delta: pd.Timedelta) -> int:
        value = delta.to_timedelta64()
        unit, count = np.datetime_data(value.dtype)
        return int(value.astype(np.int64)) * count * _NANOSECONDS[unit] // per_unit

    width = units(step)
    t = index.asi8
    angle = 2 * np.pi * (t % width) / width
    mean = np.arctan2(np.sin(angle).mean(), np.cos(angle).mean())
    # once more without the readings more than a quarter step off (an extra
    # report at 05:14 among hourly readings at :51 would pull the phase)
    near = np.abs(np.angle(np.exp(1j * (angle - mean)))) <= np.pi / 2
    if near.any():
        angle = angle[near]
    sin, cos = np.sin(angle).mean(), np.cos(angle).mean()
    phase = (np.arctan2(sin, cos) % (2 * np.pi)) / (2 * np.pi) * width
    # the readings' jitter: the circular standard deviation of their phases
    length = min(float(np.hypot(sin, cos)), 1.0)
    jitter = np.sqrt(-2 * np.log(max(length, 1e-12))) / (2 * np.pi) * width
    day = units(pd.Timedelta(days=1))
    whole_days = width % day == 0
    if whole_days:
        hour = units(pd.Timedelta(hours=1))
        phase = np.floor(phase / hour) * hour
    else:
        allowed = max(2 * jitter, units(pd.Timedelta(seconds=1)))
        last = units(_PHASE_UNITS[-1])
        # the step itself first: readings a few hundred milliseconds off each
        # second keep the whole seconds
        tried = [step, *(u for u in _PHASE_UNITS if 10 * units(u) <= width)]
        for unit in (units(u) for u in tried):
            rounded = np.round(phase / unit) * unit
            if abs(rounded - phase) <= allowed or unit == last:
                phase = rounded
                break
    phase = int(phase) % width
    snapped = np.round((t - phase) / width).astype(np.int64) * width + phase
    if whole_days:
        snapped -= snapped % day
    return pd.DatetimeIndex(
        snapped.astype(f"datetime64[{index.unit}]"), name=index.name
    )


def offset_of(freq_or_index: FreqLike) -> pd.DateOffset:
    """The pandas offset of a frequency, or of a series' or index's frequency.

    Raises:
        DataError: the index has no frequency and none can be inferred.
    """
    if isinstance(freq_or_index, pd.Series):
        freq_or_index = freq_or_index.index
    if isinstance(freq_or_index, pd.DatetimeIndex):
        freq = freq_or_index.freq or infer_freq(freq_or_index)
        if freq is None:
            raise DataError(
                "the series has no regular frequency; load it with "
                "convlstm.to_series (or to_panel for many series), which infer "
                "and repair it"
            )
        return to_offset(freq)
    if isinstance(freq_or_index, str):
        return freq_offset(freq_or_index)
    return to_offset(freq_or_index)


def calendar_resolution(freq: str | None) -> str | None:
    """ "year", "quarter" or "month" for a frequency of those steps (start or
    end, business or calendar), else None: the resolution its times are shown
    at ("1956", "1956 Q1", "1956-04")."""
    if not freq:
        return None
    base = offset_of(freq).rule_code.split("-")[0]
    for name, codes in (
        ("year", ("YS", "YE", "BYS", "BYE")),
        ("quarter", ("QS", "QE", "BQS", "BQE")),
        ("month", ("MS", "ME", "BMS", "BME")),
    ):
        if base in codes:
            return name
    return None


def freq_of(index: pd.DatetimeIndex | pd.Series | pd.DateOffset) -> str | None:
    """The frequency of ``index`` (or a series', or an offset) as a string that
    :func:`offset_of` turns back into the same offset: ``freqstr``, except for
    opening hours, whose hours pandas' "cbh" leaves out
    (:mod:`convlstm.data.hours`); None when the index has no frequency."""
    if isinstance(index, pd.Series):
        index = index.index
    freq = (
        index
        if isinstance(index, pd.offsets.BaseOffset)
        else getattr(index, "freq", None)
    )
    if freq is None:
        return None
    session = session_of(freq)
    return session.freq if session is not None else freq.freqstr


def seasonal_periods(freq_or_index: FreqLike) -> tuple[int, ...]:
    """Return the natural seasonal cycles of a frequency, shortest first.

    Args:
        freq_or_index: a pandas frequency ("MS", "30min"), an offset, or a
            DatetimeIndex / Series whose frequency is used.

    Returns:
        Cycle lengths in steps, e.g. ``(12,)`` for monthly, ``(48, 336)`` for
        half-hourly (daily and weekly), ``()`` for yearly data.
    """
    off = offset_of(freq_or_index)
    base = off.rule_code.split("-")[0]  # e.g. "MS", "QS", "W", "D", "B", "h", "min"
    n = max(int(getattr(off, "n", 1)), 1)
    if base in ("bh", "cbh"):
        return _business_hour_periods(off, n)
    if base == "C" and (days := session_of(off.base)) is not None:
        return (len(days.days),) if n == 1 and len(days.days) >= 2 else ()
    calendar = _calendar_periods(base, n)
    return calendar if calendar is not None else _clock_periods(off)


def _business_hour_periods(off: pd.DateOffset, n: int) -> tuple[int, ...]:
    """The day and week of opening hours ("bh": 09:00-17:00 on weekdays, a day
    of 8 steps and a week of 40; any ``CustomBusinessHour``, sessions and nights
    past midnight included), counted in steps of ``n`` hours; none when the
    opening hours are not whole hours or a day is not a whole number of steps."""
    minutes = 0
    for start, end in zip(off.start, off.end, strict=True):
        a, b = start.hour * 60 + start.minute, end.hour * 60 + end.minute
        minutes += b - a if b > a else b - a + 24 * 60  # past midnight
    days = len(str(getattr(off, "weekmask", None) or "Mon Tue Wed Thu Fri").split())
    if minutes % 60 or (minutes // 60) % n:
        return ()
    per_day = minutes // 60 // n
    return tuple(p for p in (per_day, per_day * days) if p >= 2)


def _calendar_periods(base: str, n: int) -> tuple[int, ...] | None:
    """Cycles of a calendar frequency (years to business days); None for others."""
    if base in ("YS", "YE", "Y", "A", "AS", "BYS", "BYE", "BA", "BAS"):
        return ()
    if base in ("QS", "QE", "Q", "BQS", "BQE", "BQ"):
        return (4 // n,) if 4 % n == 0 and n < 4 else ()
    if base in ("MS", "ME", "M", "BMS", "BME", "BM", "SMS", "SME"):
        per_year = 24 if base.startswith("SM") else 12
        return (per_year // n,) if per_year % n == 0 and n < per_year else ()
    if base == "W":
        return (52 // n,) if n in (1, 2, 4) else ()
    if base in ("B", "C"):
        return (5,) if n == 1 else ()
    return None


def _clock_periods(off: pd.DateOffset) -> tuple[int, ...]:
    """Daily and weekly cycles of a fixed step (and yearly for daily data)."""
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
    elif step % _WEEK == 0 and (52 * _WEEK) % step == 0 and step < 26 * _WEEK:
        # every 2 or 4 weeks (pay periods, retail's 13 periods a year): a year of
        # 26 or 13 steps, as weekly data has 52 (364 days, a day short of a year)
        periods.append(int(52 * _WEEK // step))
    # Sub-hourly data has very long daily cycles; keep cycles a model can learn.
    return tuple(p for p in periods if p <= 10_080)


def season_length(freq_or_index: FreqLike) -> int:
    """Return the main (shortest) seasonal cycle in steps, or 1 when there is none."""
    periods = seasonal_periods(freq_or_index)
    return periods[0] if periods else 1


def check_future(index: pd.DatetimeIndex, horizon: int) -> pd.DateOffset:
    """Check that ``horizon`` steps after ``index`` are dates pandas can hold (in
    the index's time unit); return the index's frequency as an offset.

    Raises:
        DataError: the index has no regular frequency.
        ParameterError: the last forecast date would lie past the latest date
            pandas can store (year 2262 in nanoseconds, 294247 in microseconds).
    """
    off = offset_of(index)
    last = index[-1]
    try:
        end = last + off * int(horizon)
        end.as_unit(getattr(index, "unit", "ns"))
    except (OverflowError, ValueError):  # OutOfBoundsDatetime is a ValueError
        raise ParameterError(
            f"horizon {int(horizon):,} is too long for this series: that many steps "
            f"of {off.freqstr} after {last} run past the latest date pandas can "
            "store; forecast fewer steps"
        ) from None
    return off


def future_index(index: pd.DatetimeIndex, horizon: int) -> pd.DatetimeIndex:
    """Return the ``horizon`` timestamps that continue ``index`` at its frequency.

    Raises:
        ParameterError: they would run past the latest date pandas can store
            (:func:`check_future`).
    """
    off = check_future(index, horizon)
    return pd.date_range(index[-1] + off, periods=int(horizon), freq=off)
