"""Opening hours: hourly readings kept to part of the day and of the week (a shop
open 10:00 to 20:00 every day, an office 09:00 to 17:00 on weekdays), read as a
session of steps whose nights and closed days are not gaps.

pandas steps such a session with a ``CustomBusinessHour`` offset, but names every
one "cbh" whatever its hours. The one string form here carries them, so that a
frequency can travel as a string (a session, a saved model, a report) and come
back as the same offset:

- ``"bh"``: pandas' business hours, 09:00 to 17:00 on weekdays;
- ``"cbh(10:00-20:00 Mon-Sun)"``: other opening hours (days as a range,
  ``Mon-Sat``, or listed, ``Mon Wed Fri``; a day that ends at midnight as
  ``16:00-24:00``); hours that start past the hour, as a stock exchange's
  hourly bars do, as ``cbh(09:30-16:30 Mon-Fri)`` (a whole number of hours:
  the steps 09:30 to 15:30, seven a day); a day with a break, as
  ``cbh(09:30-11:30 13:00-15:00 Mon-Fri)`` (an exchange closed for lunch:
  09:30, 10:30, 13:00 and 14:00); hours that run past midnight, as a bar's,
  as ``cbh(18:00-02:00 Mon-Sun)`` (the steps 18:00 to 01:00, each night's
  hours counted to the day they open on, as pandas counts them).

Each hour is stamped by its start: ``10:00-20:00`` holds the steps 10:00 to
19:00, ten a day.

Daily readings on some days of the week (a shop closed on Sundays) are a session
of days, :class:`OpeningDays`, stepped by a ``CustomBusinessDay`` ("C" to
pandas whatever its days): ``"B"`` for weekdays, as pandas writes it, else
``"cbd(Mon-Sat)"``.

Hours some days keep shorter (a shop open 09:00 to 18:00 on weekdays and 10:00
to 16:00 on Saturdays) are read in the longer hours, their missing times found
to recur every week: the series' closed times (:func:`closed_times`, minutes
after Monday 00:00, in ``y.attrs["closed"]``), filled in, never scored and left
out of the forecasts (:func:`closed_mask`).
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from pandas.tseries.frequencies import to_offset

from .cells import and_list

DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_WEEKDAYS = (0, 1, 2, 3, 4)
_SPAN = re.compile(r"(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})")
_FORM = re.compile(
    r"cbh\(((?:\d{1,2}:\d{2}-\d{1,2}:\d{2} )+)([A-Za-z]{3}(?:[ -][A-Za-z]{3})*)\)"
)
_DAYS_FORM = re.compile(r"cbd\(([A-Za-z]{3}(?:[ -][A-Za-z]{3})*)\)")


@dataclass(frozen=True)
class OpeningHours:
    """Opening hours on ``days`` (0 is Monday): one span a day or a few
    (a lunch break between them), each ``(open, close)`` in minutes after
    midnight and a whole number of hours long, in order; each opens before
    midnight and the last may close after it, counted on past 24:00,
    as long as they leave some time closed (09:00 to 17:00: ``((540,
    1020),)``; an exchange open 09:30 to 11:30 and 13:00 to 15:00: ``((570,
    690), (780, 900))``; a bar open 18:00 to 02:00: ``((1080, 1560),)``).
    Build the common one-span kind with :meth:`hours`."""

    spans: tuple[tuple[int, int], ...]
    days: tuple[int, ...]

    def __post_init__(self) -> None:
        spans = tuple((int(a), int(b)) for a, b in self.spans)
        ends = [m for span in spans for m in span]
        ok = bool(spans) and ends == sorted(ends) and ends[0] >= 0
        ok = ok and all(a < b and a < _DAY for a, b in spans)
        ok = ok and all((b - a) % 60 == 0 for a, b in spans)
        ok = ok and all(b < c for (_, b), (c, _) in itertools.pairwise(spans))
        # closed some time before the first opens again (spans that touch over
        # midnight are one span past it: pandas joins them)
        ok = ok and ends[-1] < spans[0][0] + _DAY
        if not ok:
            # (pandas steps no session of a whole day: that is hourly data)
            raise ValueError(f"opening hours {_span_words(spans)}: not part of a day")
        if not self.days or any(d not in range(7) for d in self.days):
            raise ValueError(f"opening days {self.days}: not days of the week")
        object.__setattr__(self, "spans", spans)
        object.__setattr__(self, "days", tuple(sorted(set(self.days))))

    @classmethod
    def hours(
        cls, start: int, end: int, days: tuple[int, ...], minute: int = 0
    ) -> OpeningHours:
        """Whole hours from ``start`` to ``end`` o'clock (24: midnight), each
        from ``minute`` past: ``hours(9, 16, weekdays, 30)`` is 09:30-16:30."""
        if not 0 <= minute < 60:
            raise ValueError(f"opening hours at {minute} minutes past: not a minute")
        return cls(((start * 60 + minute, end * 60 + minute),), days)

    # -- forms ------------------------------------------------------------------

    @property
    def is_business(self) -> bool:
        """pandas' business hours ("bh": 09:00 to 17:00 on weekdays)."""
        return self.spans == ((540, 1020),) and self.days == _WEEKDAYS

    @property
    def freq(self) -> str:
        """The string form: "bh", or "cbh(10:00-20:00 Mon-Sun)"."""
        if self.is_business:
            return "bh"
        return f"cbh({_span_words(self.spans, ' ')} {self.day_words})"

    @property
    def span(self) -> str:
        """ "10:00-20:00", "09:30-11:30 and 13:00-15:00"."""
        return _span_words(self.spans)

    @property
    def day_words(self) -> str:
        return day_words(self.days)

    @property
    def words(self) -> str:
        """ "10:00-20:00 every day", "09:00-17:00 on weekdays",
        "16:00-24:00, Tue-Sun"."""
        span = self.span
        if len(self.days) == 7:
            return f"{span} every day"
        if self.days == _WEEKDAYS:
            return f"{span} on weekdays"
        return f"{span}, {self.day_words}"

    @property
    def offset(self) -> pd.DateOffset:
        """The pandas offset that steps these hours."""
        if self.is_business:
            return pd.offsets.BusinessHour()
        return pd.offsets.CustomBusinessHour(
            start=[_clock(a) for a, _ in self.spans],
            end=[_clock(b % _DAY) for _, b in self.spans],
            weekmask=_weekmask(self.days),
        )

    @property
    def per_day(self) -> int:
        """Steps a day."""
        return sum(b - a for a, b in self.spans) // 60

    @property
    def past_midnight(self) -> int:
        """Minutes the last span runs on past midnight (0: it closes by
        then)."""
        return max(self.spans[-1][1] - _DAY, 0)

    @property
    def closed(self) -> list[tuple[int, int]]:
        """The closed parts of a day, ``(from, to)`` in minutes after midnight:
        the breaks between spans, then the night (which may wrap past
        midnight, ``to`` before ``from``)."""
        inner = [(b, c) for (_, b), (c, _) in itertools.pairwise(self.spans)]
        return [*inner, (self.spans[-1][1] % _DAY, self.spans[0][0])]

    @classmethod
    def parse(cls, freq: object) -> OpeningHours | None:
        """The opening hours of a string form (or of an offset, an index or
        series with one); None for any other frequency."""
        text = _unwrapped(freq)
        if not isinstance(text, str):
            return cls.of_offset(text) if text is not None else None
        if text == "bh":
            return cls.hours(9, 17, _WEEKDAYS)
        match = _FORM.fullmatch(text)
        if match is None:
            return None
        try:
            spans = [_span_of(part) for part in match.group(1).split()]
            return cls(tuple(spans), _days(match.group(2)))
        except ValueError:
            return None

    @classmethod
    def of_offset(cls, off: pd.DateOffset) -> OpeningHours | None:
        """The opening hours a one-hour business-hour offset steps; None for
        other offsets (and for hours that are not whole hours long or span
        midnight)."""
        if not isinstance(off, pd.offsets.BusinessHour | pd.offsets.CustomBusinessHour):
            return None
        if off.n != 1:
            return None
        spans = []
        for start, end in zip(off.start, off.end, strict=True):
            if start.second or end.second:
                return None
            a, b = start.hour * 60 + start.minute, end.hour * 60 + end.minute
            spans.append((a, b if b > a else b + _DAY))  # past midnight
        days = _mask_days(getattr(off, "weekmask", None) or "Mon Tue Wed Thu Fri")
        if days is None or getattr(off, "holidays", ()):
            return None
        try:
            return cls(tuple(spans), days)
        except ValueError:
            return None

    @classmethod
    def union(cls, many: list[OpeningHours]) -> OpeningHours | None:
        """The opening hours that hold all of ``many``: their own, on any of
        their days, when they keep the same hours; else one span from the
        earliest opening to the latest closing (from the hour when they open
        on different minutes); None when that is the whole day (hourly
        steps), or for none."""
        if not many:
            return None
        days = tuple({d for h in many for d in h.days})
        if len({h.spans for h in many}) == 1:
            return cls(many[0].spans, days)
        opens = {h.spans[0][0] for h in many}
        first = min(opens)
        if len({m % 60 for m in opens}) > 1:
            first -= first % 60
        last = max(h.spans[-1][1] for h in many)
        last += -(last - first) % 60  # whole hours from the first opening
        try:
            return cls(((first, last),), days)
        except ValueError:
            return None

    # -- times ------------------------------------------------------------------

    def step_of(self, times: pd.DatetimeIndex) -> pd.DatetimeIndex:
        """The start of the step each of ``times`` falls in: the hour from its
        span's opening (in the hours or out of them: a time before the first
        opening by the first span's hours)."""
        day, start = self._steps(times)
        return day + pd.to_timedelta(start, unit="min")

    def contains(self, times: pd.DatetimeIndex) -> np.ndarray:
        """Which of ``times`` fall in these hours (by the step they are in)."""
        day, start = self._steps(times)
        inside = np.zeros(len(times), dtype=bool)
        for a, b in self.spans:
            inside |= (start >= a) & (start < b)
        return np.asarray(
            inside & np.isin(np.asarray(day.day_of_week), self.days), dtype=bool
        )

    def _steps(self, times: pd.DatetimeIndex) -> tuple[pd.DatetimeIndex, np.ndarray]:
        """The day whose hours each of ``times`` falls in (the day before, for
        a time past midnight in hours that run past it) and its step's start,
        in minutes after that day's midnight."""
        day = times.floor("D")
        minute = minute_of_day(times)
        if late := self.past_midnight:
            night = minute < late
            day = day - pd.to_timedelta(night.astype(np.int64), unit="D")
            minute = np.where(night, minute + _DAY, minute)
        opens = np.array([a for a, _ in self.spans])
        which = np.clip(np.searchsorted(opens, minute, side="right") - 1, 0, None)
        return day, opens[which] + (minute - opens[which]) // 60 * 60

    def times(self, start: pd.Timestamp, end: pd.Timestamp) -> pd.DatetimeIndex:
        """The steps from ``start`` to ``end`` (both included when they are
        steps), without a frequency, built at once (pandas steps these hours one
        at a time: a second for 100,000 of them)."""
        # a night's hours past midnight are the day before's
        first = start - pd.Timedelta(days=1) if self.past_midnight else start
        days = _dates_on(self.days, first, end)
        minutes = np.concatenate([np.arange(a, b, 60) for a, b in self.spans])
        hours = pd.to_timedelta(minutes, unit="min")
        grid = pd.DatetimeIndex((days.to_numpy()[:, None] + hours.to_numpy()).ravel())
        return grid[(grid >= start) & (grid <= end)]


_DAY = 24 * 60


def minute_of_day(times: pd.DatetimeIndex) -> np.ndarray:
    """The minutes after midnight of each of ``times`` (seconds left out)."""
    return np.asarray(times.hour, dtype=np.int64) * 60 + np.asarray(times.minute)


def _clock(minutes: int) -> str:
    """ "09:30" (24:00 for midnight at a day's end; a time past it, 02:00 for
    26:00)."""
    if minutes > _DAY:
        minutes -= _DAY
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _span_words(spans: tuple[tuple[int, int], ...], sep: str = " and ") -> str:
    """ "09:30-11:30 and 13:00-15:00" (or joined by ``sep``)."""
    return sep.join(f"{_clock(a)}-{_clock(b)}" for a, b in spans)


def _span_of(text: str) -> tuple[int, int]:
    """ "09:30-16:30" as minutes after midnight (24:00 is midnight; a close
    before the opening is past midnight: "18:00-02:00" is ``(1080, 1560)``).

    Raises:
        ValueError: not such a span.
    """
    match = _SPAN.fullmatch(text)
    if match is None:
        raise ValueError(f"opening hours {text}")
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    if m1 > 59 or m2 > 59:
        raise ValueError(f"opening hours {text}")
    start, end = h1 * 60 + m1, h2 * 60 + m2
    return start, end if end > start else end + _DAY


@dataclass(frozen=True)
class OpeningDays:
    """Whole days on ``days`` of the week (0 is Monday), some but not all."""

    days: tuple[int, ...]

    def __post_init__(self) -> None:
        days = tuple(sorted(set(self.days)))
        if not days or len(days) == 7 or any(d not in range(7) for d in days):
            raise ValueError(f"opening days {self.days}: not some days of the week")
        object.__setattr__(self, "days", days)

    @property
    def is_business(self) -> bool:
        """pandas' business days ("B": Monday to Friday)."""
        return self.days == _WEEKDAYS

    @property
    def freq(self) -> str:
        """The string form: "B", or "cbd(Mon-Sat)"."""
        return "B" if self.is_business else f"cbd({self.day_words})"

    @property
    def day_words(self) -> str:
        return day_words(self.days)

    @property
    def words(self) -> str:
        """ "weekdays", "Mon-Sat"."""
        return "weekdays" if self.is_business else self.day_words

    @property
    def closed_words(self) -> str:
        """The days closed, in words: "Sun", "Sat Sun"."""
        return " ".join(DAY_NAMES[d] for d in range(7) if d not in self.days)

    @property
    def offset(self) -> pd.DateOffset:
        """The pandas offset that steps these days."""
        if self.is_business:
            return pd.offsets.BusinessDay()
        return pd.offsets.CustomBusinessDay(weekmask=_weekmask(self.days))

    @classmethod
    def parse(cls, freq: object) -> OpeningDays | None:
        """The days of a string form (or of an offset, an index or series with
        one); None for any other frequency."""
        text = _unwrapped(freq)
        if not isinstance(text, str):
            return cls.of_offset(text) if text is not None else None
        if text == "B":
            return cls(_WEEKDAYS)
        match = _DAYS_FORM.fullmatch(text)
        if match is None:
            return None
        try:
            return cls(_days(match.group(1)))
        except ValueError:
            return None

    @classmethod
    def of_offset(cls, off: pd.DateOffset) -> OpeningDays | None:
        """The days a one-day business-day offset steps (no holidays); None for
        other offsets."""
        if not isinstance(off, pd.offsets.CustomBusinessDay):
            plain = isinstance(off, pd.offsets.BusinessDay) and off.n == 1
            return cls(_WEEKDAYS) if plain and not off.offset else None
        if off.n != 1:
            return None
        if getattr(off, "holidays", ()) or off.offset:
            return None
        days = _mask_days(off.weekmask)
        try:
            return cls(days) if days is not None else None
        except ValueError:  # every day, or none
            return None

    @classmethod
    def union(cls, many: list[OpeningDays]) -> OpeningDays | None:
        """The days that hold all of ``many``; None when that is every day."""
        days = {d for session in many for d in session.days}
        return cls(tuple(days)) if many and len(days) < 7 else None

    def step_of(self, times: pd.DatetimeIndex) -> pd.DatetimeIndex:
        """The day each of ``times`` falls on."""
        return times.floor("D")

    def contains(self, times: pd.DatetimeIndex) -> np.ndarray:
        """Which of ``times`` fall on these days."""
        return np.asarray(np.isin(np.asarray(times.day_of_week), self.days))

    def times(self, start: pd.Timestamp, end: pd.Timestamp) -> pd.DatetimeIndex:
        """The days from ``start`` to ``end`` (midnights), without a frequency."""
        days = _dates_on(self.days, start, end)
        return days[(days >= start) & (days <= end)]


Session = OpeningHours | OpeningDays


def session_of(freq: object) -> Session | None:
    """The opening hours or days of a frequency (a string form, an offset, an
    index or series with one), or None for any other."""
    return OpeningHours.parse(freq) or OpeningDays.parse(freq)


def day_words(days: tuple[int, ...]) -> str:
    """Days of the week (0 is Monday) in words: "Mon-Sun", "Mon-Sat", "Mon Wed
    Fri"."""
    if len(days) > 2 and days == tuple(range(days[0], days[-1] + 1)):
        return f"{DAY_NAMES[days[0]]}-{DAY_NAMES[days[-1]]}"
    return " ".join(DAY_NAMES[i] for i in days)


def _weekmask(days: tuple[int, ...]) -> str:
    """pandas' weekmask of some days of the week: "Mon Tue Wed"."""
    return " ".join(DAY_NAMES[i] for i in days)


def _mask_days(mask: object) -> tuple[int, ...] | None:
    """The days of a pandas weekmask written as names ("Mon Tue Wed"); None
    for another form (a list of flags)."""
    try:
        return tuple(DAY_NAMES.index(m.title()) for m in str(mask).split())
    except ValueError:
        return None


def _dates_on(
    days: tuple[int, ...], start: pd.Timestamp, end: pd.Timestamp
) -> pd.DatetimeIndex:
    """The midnights from ``start``'s day to ``end``'s that fall on ``days``."""
    dates = pd.date_range(start.normalize(), end.normalize(), freq="D")
    return dates[np.isin(np.asarray(dates.day_of_week), days)]


def _unwrapped(freq: object) -> str | pd.DateOffset | None:
    """A frequency as its string (stripped) or offset: a series' or an index's
    own; None for anything else."""
    if isinstance(freq, pd.Series):
        freq = freq.index
    if isinstance(freq, pd.DatetimeIndex):
        freq = freq.freq
    if isinstance(freq, pd.offsets.BaseOffset):
        return freq
    return freq.strip() if isinstance(freq, str) else None


def closed_day_runs(days: tuple[int, ...]) -> list[tuple[int, int]]:
    """The days of the week not in ``days`` as runs (first, last), 0 Monday; a
    run may wrap past Sunday: open Tuesday to Saturday is closed (6, 0)."""
    closed = [d for d in range(7) if d not in days]
    if not closed or len(closed) == 7:
        return []
    # start each run after an open day, so a run over Sunday stays whole
    first_open = min(days)
    order = [(first_open + k) % 7 for k in range(7)]
    runs: list[tuple[int, int]] = []
    for d in order:
        if d in days:
            continue
        if runs and runs[-1][1] == (d - 1) % 7:
            runs[-1] = (runs[-1][0], d)
        else:
            runs.append((d, d))
    return runs


def _days(text: str) -> tuple[int, ...]:
    """ "Mon-Sat" or "Mon Wed Fri" (any case) as day numbers.

    Raises:
        ValueError: a name that is not a day, or a range that runs backwards.
    """
    names = [n.title() for n in DAY_NAMES]
    out: list[int] = []
    for part in text.split():
        ends = part.split("-")
        if len(ends) == 1:
            out.append(names.index(ends[0].title()))
        elif len(ends) == 2:
            a, b = names.index(ends[0].title()), names.index(ends[1].title())
            if b < a:
                raise ValueError(f"days {part}: a range runs Monday to Sunday")
            out += range(a, b + 1)
        else:
            raise ValueError(f"days {part}")
    return tuple(out)


def freq_offset(freq: str) -> pd.DateOffset:
    """The pandas offset of a frequency string, the string forms of opening
    hours and days included.

    Raises:
        ValueError: a string pandas does not know either.
    """
    session = session_of(freq)
    return session.offset if session is not None else to_offset(freq)


def hours_of(freq: object) -> OpeningHours | None:
    """:meth:`OpeningHours.parse`: the opening hours of a frequency, or None."""
    return OpeningHours.parse(freq)


# -- times of the week a series is closed ---------------------------------------


def closed_times(stamps: pd.DatetimeIndex, grid: pd.DatetimeIndex) -> list[int]:
    """The times of the week (minutes after Monday 00:00) at which missing times
    ``stamps`` of a series read more often than daily recur, missing in nearly
    every week (a shop that opens later on Saturdays, read in its weekday
    hours): hours the series is closed, whose forecasts are left out; [] when the
    missing times mostly do not recur."""
    if len(stamps) < 3 or _steps_apart(grid) > pd.Timedelta(days=1):
        return []  # weeks, months...: no time of the week recurs
    missing = np.bincount(week_minutes(stamps), minlength=7 * _DAY)
    every = np.bincount(week_minutes(grid), minlength=7 * _DAY)
    recur = np.flatnonzero((missing >= 3) & (missing >= _RECUR_SHARE * every))
    if missing[recur].sum() < 0.5 * len(stamps):
        return []
    return [int(m) for m in recur]


#: Share of a time of the week's occurrences that must be missing for it to
#: recur (:func:`closed_times`).
_RECUR_SHARE = 0.8

#: The largest share of a series' steps that may be closed every week (filled
#: in, never scored or forecast), as hours or days some weeks' days keep shorter.
CLOSED_SHARE = 0.5


def open_gaps(grid: pd.DatetimeIndex, gaps: np.ndarray) -> int:
    """How many of the steps ``gaps`` (a mask over ``grid``) are gaps, not times
    of the week closed nearly every week (:func:`closed_times`), as long as
    those are at most :data:`CLOSED_SHARE` of the steps; else all of them."""
    closed = closed_times(grid[gaps], grid)
    if not closed:
        return int(gaps.sum())
    shut = closed_mask(grid, closed)
    if shut.mean() > CLOSED_SHARE:
        return int(gaps.sum())
    return int((gaps & ~shut).sum())


def _steps_apart(grid: pd.DatetimeIndex) -> pd.Timedelta:
    """The median time between steps of ``grid`` (a day for business days too)."""
    if len(grid) < 2:
        return pd.Timedelta(0)
    return pd.Timedelta(np.median(np.diff(grid.asi8)), unit=grid.unit)


def week_minutes(times: pd.DatetimeIndex) -> np.ndarray:
    """The minutes after Monday 00:00 of each of ``times`` (its time of the week)."""
    days = np.asarray(times.day_of_week, dtype=np.int64)
    return days * _DAY + minute_of_day(times)


def closed_days(closed: list[int]) -> list[int]:
    """The days of the week (0 is Monday) that hold some of the times of the
    week ``closed`` (as :func:`closed_times` gives them), in order."""
    return sorted({int(m) // _DAY for m in closed})


def closed_words(closed: list[int], index: pd.DatetimeIndex) -> str:
    """Times of the week, as :func:`closed_times` gives them, of a series on
    ``index`` in words: "Sat 09:00, 16:00 and 17:00; Sun 10:00-14:00" (three
    steps or more in a row as the hours they span; three days at most, then
    "..."), or for a series of days "Saturdays and Sundays"."""
    recur = np.asarray(closed, dtype=np.int64)
    week_days = closed_days(closed)
    if (index == index.normalize()).all():
        return and_list([f"{_FULL_DAYS[d]}s" for d in week_days])
    step = max(int(_steps_apart(index).total_seconds() // 60), 1)
    days = []
    for day in week_days:
        minutes = recur[recur // _DAY == day] % _DAY
        times = []
        for a, b in runs_of(minutes, np.diff(minutes) != step):
            if b - a >= 2 * step:
                times.append(f"{_clock(a)}-{_clock(b + step)}")
            else:
                times += [_clock(m) for m in range(a, b + 1, step)]
        shown = times if len(times) <= 6 else [*times[:4], f"{len(times) - 4} more"]
        days.append(f"{DAY_NAMES[day]} {and_list(shown)}")
    return "; ".join(days[:3]) + ("; ..." if len(days) > 3 else "")


def runs_of(values: np.ndarray, cut: np.ndarray) -> list[tuple[int, int]]:
    """The first and last of each run of sorted ``values``, a run ending
    wherever ``cut`` (one shorter) is True."""
    parts = np.split(values, np.flatnonzero(cut) + 1)
    return [(int(part[0]), int(part[-1])) for part in parts]


def closed_mask(times: pd.DatetimeIndex, closed: Any) -> np.ndarray:
    """Which of ``times`` fall at the times of the week a series is closed
    (``y.attrs["closed"]``, :func:`closed_times`): all False for none."""
    times = pd.DatetimeIndex(times)
    if not closed:
        return np.zeros(len(times), dtype=bool)
    return np.isin(week_minutes(times), np.asarray(closed, dtype=np.int64))


_FULL_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday")
_FULL_DAYS += ("Sunday",)
