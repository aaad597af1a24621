"""Which columns of a table hold the time and the values, picked by name and content."""

from __future__ import annotations

import contextlib
import re

import numpy as np
import pandas as pd

from ..errors import DataError
from .cells import (
    CLOCK,
    MONTHS,
    TIME_CHOICE,
    VALUE_CHOICE,
    cell_text,
    has_time_word,
    is_code_column,
    is_exponent_code_column,
    is_time_name,
    plural,
    quote,
)
from .dates import (
    TOTALS_LEFT_OUT,
    foreign_month,
    is_summary_text,
    number_time_hint,
    parse_times,
)
from .frequency import strictly_regular
from .hours import session_of
from .numbers import to_numbers
from .steps import MAX_STEPS, check_span, check_step


def pick_time_column(df: pd.DataFrame, value_col: str | None) -> tuple[str, list[str]]:
    """Pick the time column: named like time, else the first of dates, else years.

    Args:
        df: the table (column names are strings).
        value_col: the value column, never picked as time; None when not chosen.

    Returns:
        ``(column, notes)``.

    Raises:
        DataError: no column holds dates or years.
    """
    cols = [c for c in df.columns if c != value_col]
    if len(df) > 1:
        # one time in every row (SDMX's "LAST UPDATE", an export's date) is when
        # the file was made, not the times of its readings: a column that moves first
        cols.sort(key=lambda c: _one_value(df[c]))
    named = [c for c in cols if is_time_name(c)]
    named += [c for c in cols if c not in named and has_time_word(c)]
    # dates first: a column of years found by a word of its name ("Candidates"
    # holding 1000-2999) does not outrank one of dates ("Last update")
    dated = next((c for c in named if looks_like_dates(df[c])), None)
    if dated is not None:
        return dated, [f"picked column {quote(dated)} as time"]
    for c in named:
        if is_year_column(df[c]):
            return c, [f"picked column {quote(c)} as time"]
        if pd.api.types.is_integer_dtype(df[c].dtype):
            with contextlib.suppress(DataError):  # e.g. 20200131 (YYYYMMDD)
                parse_times(df[c].iloc[:50], c)
                return c, [f"picked column {quote(c)} as time"]
    for c in cols:
        if looks_like_dates(df[c]):
            return c, [f"picked column {quote(c)} as time"]
    text_named = [c for c in named if not pd.api.types.is_numeric_dtype(df[c].dtype)]
    if text_named:  # named like time but not dates: parse it to report the cells
        return text_named[0], [f"picked column {quote(text_named[0])} as time"]
    numeric = [c for c in cols if pd.api.types.is_numeric_dtype(df[c].dtype)]
    if len(numeric) >= 2 and is_year_column(df[numeric[0]]):
        return numeric[0], [f"picked column {quote(numeric[0])} as time (years)"]
    listed = ", ".join(quote(c) for c in list(df.columns)[:10])
    if value_col is not None and (
        looks_like_dates(df[value_col]) or is_time_name(value_col)
    ):
        raise DataError(
            f"no time column found besides {quote(value_col)}, which holds the "
            f"times but was chosen as the value column {VALUE_CHOICE}; choose a "
            "column of numbers as the value"
        )
    hint = next((h for c in cols if (h := number_time_hint(df[c], c))), "")
    if _names_are_dates([c for c in df.columns if c != value_col]):
        raise DataError(
            f"no time column found, but the column names are dates ({listed}): the "
            "table holds one row per series; transpose it so that the dates are in "
            "one column (and each series in a column of its own)"
        )
    steps = _numbered_steps([str(c) for c in df.columns])
    if steps:
        raise DataError(
            f"no time column found: the columns {quote(steps[0])} to "
            f"{quote(steps[-1])} number the steps of one row per series (as the M5 "
            "competition's sales files do), but the file holds no date; write each "
            "step's date in the header instead (2011-01-29, 2011-01-30, ...), and the "
            "reader takes each row as a series"
        )
    raise DataError(
        f"no time column found (columns: {listed}); add a column of dates such as "
        f"2020-01-31 (or years such as 1949) named e.g. 'date', or pick it "
        f"{TIME_CHOICE}{hint}"
    )


def _numbered_steps(names: list[str]) -> list[str]:
    """The last column names when at least three of them number steps one after
    another under one prefix ("d_1", "d_2", ... or "t1", "t2", ...), else []."""
    found = [re.fullmatch(r"([A-Za-z]+_?)(\d+)", n.strip()) for n in names]
    k = len(found)
    while k > 0 and found[k - 1] is not None:
        k -= 1
    tail = [m for m in found[k:] if m is not None]
    if len(tail) < 3 or len({m.group(1) for m in tail}) != 1:
        return []
    numbers = [int(m.group(2)) for m in tail]
    if any(b != a + 1 for a, b in zip(numbers, numbers[1:], strict=False)):
        return []
    return names[k:]


def _one_value(col: pd.Series) -> bool:
    """Whether a column holds one value in every row (its first and last cells
    are compared before the whole column is counted)."""
    first, last = col.iloc[0], col.iloc[-1]
    if pd.isna(first) or pd.isna(last) or not bool(first == last):
        return False
    return col.nunique(dropna=True) <= 1


def _names_are_dates(names: list[str]) -> bool:
    """Whether the last column names (at least 3) are dates or years: a table with
    one row per series (World Bank style: "Country, 1990, 1991, ...")."""
    if len(names) < 4:
        return False
    tail = pd.Series(names[1:][-50:], dtype=object)  # the first names the series
    years = tail.str.fullmatch(r"[12]\d{3}").all()
    return bool(years or looks_like_dates(tail))


_YEAR_NAMES = (
    "year",
    "years",
    "yr",
    "yyyy",
    "jahr",
    "annee",
    "año",
    "ano",
    # epidemiological and ISO week years
    "mmwr year",
    "mmwr_year",
    "mmwryear",
    "epi year",
    "epi_year",
    "epiyear",
    "iso year",
    "iso_year",
    "isoyear",
)
_MONTH_NAMES = (
    "month",
    "months",
    "mon",
    "mo",
    "mm",
    "month_num",
    "month num",
    "month number",
    "monat",
    "mois",
    "mes",
)
#: Names of a column of days of the year (1-366) beside a column of years.
_DOY_NAMES = (
    "doy",
    "day of year",
    "day_of_year",
    "dayofyear",
    "yday",
    "jday",
    "julian day",
    "julian_day",
)
_DAY_NAMES = (
    "day",
    "days",
    "dy",
    "dd",
    "dom",
    "mday",
    "day of month",
    "day_of_month",
    "dayofmonth",
    "tag",
    "jour",
    "dia",
    "día",
)
_HOUR_NAMES = (
    "hour",
    "hr",
    "hod",
    "hour of day",
    "hour_of_day",
    "hour ending",
    "hour_ending",
    "he",
    "stunde",
    "heure",
    "hora",
    "uur",
)
_MONTH_WORDS = {m[:3]: i + 1 for i, m in enumerate(MONTHS)}
#: Names of a column numbering the periods of a day (UK settlement periods 1-48,
#: German quarter hours 1-96, a market's trading periods).
_PERIOD_NAME = re.compile(
    r"(settlement|trading|delivery|market)?[ _-]?(period|interval)|sp|hh|qh"
    r"|half[ _-]?hour|quarter[ _-]?hour|viertelstunde|viertelstd\.?"
)
#: Minutes of a day's period by the largest period number: a day has 24 hours,
#: 48 half hours or 96 quarter hours (one or two more or fewer on a day the
#: clocks change).
_PERIOD_MINUTES = ((range(23, 26), 60), (range(46, 51), 30), (range(92, 101), 15))


def combine_time_columns(
    df: pd.DataFrame, value_col: str | None, notes: list[str]
) -> pd.DataFrame:
    """Join a time split over several columns into one column of timestamps.

    A column of dates beside a column of clock times ("2023-01-01", "13:00"), or
    columns of years, months (numbers 1-12 or names) and optionally days, become
    one column (named after the parts, placed first; the parts are dropped), with
    a note. Only when the dates (or years) repeat, so that the split is what makes
    the rows distinct. Returns ``df`` unchanged when no split is found.
    """
    df = _without_notes_under(df, notes)
    section = _finest_section(df, notes)
    if section is not None:
        df = section
    if all(re.fullmatch(r"column_\d+", c) for c in df.columns):
        # a file without a header (SILSO's "1749;01;1749.042;96.7"): its first
        # columns read as years, months (and days) when their numbers are those
        out = _unnamed_year_month(df, [c for c in df.columns if c != value_col])
        if out is not None:
            parts, joined = out
            notes.append(
                "the file has no header: read its first columns as "
                + ("year, month and day" if len(parts) == 3 else "year and month")
            )
            return _with_joined(df, parts, joined, notes)
    if value_col is None:
        pivot = _unpivot_months(df, notes)
        if pivot is None:
            pivot = _unpivot_series_rows(df, notes)
        if pivot is not None:
            return pivot
    cols = [c for c in df.columns if c != value_col]
    lower = {c: c.lower().strip() for c in cols}
    years = [c for c in cols if lower[c] in _YEAR_NAMES]
    if years and _has_dates(df, cols, lower):
        # a column of whole dates beside them ("week_ending"): the year and
        # week (month, day) columns describe those dates, not a time of their own
        years = []
    months = [c for c in cols if lower[c] in _MONTH_NAMES]
    if years and months:
        days = [c for c in cols if lower[c] in _DAY_NAMES]
        out = _join_year_month(df, years[0], months[0], days[0] if days else None)
        if out is not None:
            parts, joined = out
            if len(parts) == 3:  # whole days: an hour column, if any, dates the hours
                rest = [c for c in cols if c not in parts]
                hours = _hour_columns(df, rest, lower)
                if hours:
                    part, (clock, note) = next(iter(hours.items()))
                    joined = joined + " " + clock.reset_index(drop=True)
                    parts = [*parts, part]
                    if note:
                        notes.append(note)
            return _with_joined(df, parts, joined, notes)
    if years:
        coded = _join_bls_period(df, years[0], cols, lower, notes)
        if coded is not None:
            return coded
        for names, join in (
            (_QUARTER_NAMES, _join_quarter),
            (_MMWR_WEEK_NAMES, _join_mmwr_week),
            (_WEEK_NAMES, _join_week),
            (_DOY_NAMES, _join_day_of_year),
        ):
            part = next((c for c in cols if lower[c] in names), None)
            joined = None if part is None else join(df, years[0], part)
            if joined is not None:
                return _with_joined(df, [years[0], part], joined, notes)
    clocks = {c: t for c in cols if (t := _clock_text(df[c])) is not None}
    hours = {} if clocks else _hour_columns(df, cols, lower)
    periods = {} if clocks or hours else _period_columns(df, cols, lower)
    if not clocks and not hours and not periods:
        return df
    for c in cols:
        if c in clocks or c in hours or c in periods:
            continue
        if pd.api.types.is_numeric_dtype(df[c].dtype):
            continue
        # a column of dates named otherwise ("dteday") is joined to hours or
        # periods found by their names; to clock times only when named so
        named = is_time_name(c) or has_time_word(c) or not clocks
        if not named or not df[c].duplicated().any():
            continue
        text, missing = cell_text(df[c])
        compact = _compact_dates(text[~missing])
        if compact is not None:  # 20220101: as ISO, which the parser reads with a time
            text = text.where(missing, compact.reindex(text.index))
        elif text[~missing].str.contains(":").any() or not looks_like_dates(df[c]):
            continue
        if clocks:
            part, clock = next(iter(clocks.items()))
        elif periods:
            part, (numbers, minutes) = next(iter(periods.items()))
            clock, note = _period_clock(numbers, minutes, text, c, part)
            notes.append(note)
        else:
            part, (clock, note) = next(iter(hours.items()))
            if note:
                notes.append(note)
        joined = (text + " " + clock).where(~missing, "")
        # a period past the day's end has no clock time (an empty cell of a column
        # of clock times stays: it was written so)
        keep = (clock != "") | bool(clocks)
        return _with_joined(df[keep.to_numpy()], [c, part], joined[keep], notes)
    return df


def _hour_columns(
    df: pd.DataFrame, cols: list[str], lower: dict[str, str]
) -> dict[str, tuple[pd.Series, str | None]]:
    """Columns named like an hour ("hour", "HE", "Stunde") holding whole hours 0-23
    (or 1-24, hours ending), each as clock times ("13:00") to join to a date and
    the note to give when it is joined (None: nothing to say)."""
    out: dict[str, tuple[pd.Series, str | None]] = {}
    numeric = [c for c in cols if pd.api.types.is_numeric_dtype(df[c].dtype)]
    for c in cols:
        if lower[c] not in _HOUR_NAMES or len(numeric) < 2:
            continue  # (the only column of numbers is the values: hours worked)
        h = pd.to_numeric(df[c], errors="coerce")
        if h.isna().any() or not (h == h.round()).all():
            continue
        ending = bool(h.min() >= 1 and h.max() == 24)
        if ending:
            h = h - 1
        if not h.between(0, 23).all():
            continue
        note = (
            f"read the hours 1-24 in column {quote(c)} as hours ending at "
            "01:00 ... 24:00, each dated by its start (hour 1 at 00:00)"
        )
        out[c] = (
            h.astype(int).astype(str).str.zfill(2) + ":00",
            note if ending else None,
        )
    return out


def _period_columns(
    df: pd.DataFrame, cols: list[str], lower: dict[str, str]
) -> dict[str, tuple[pd.Series, int]]:
    """A column named like a period of the day ("SETTLEMENT_PERIOD", "Viertelstunde")
    numbering a day's half hours 1-48, quarter hours 1-96 or hours 1-24: its
    period numbers and their length in minutes (see :func:`_period_clock`)."""
    numeric = [c for c in cols if pd.api.types.is_numeric_dtype(df[c].dtype)]
    for c in cols:
        if not _PERIOD_NAME.fullmatch(lower[c]) or not set(numeric) - {c}:
            continue  # (the values are the only column of numbers)
        # a column named like a time may have been kept as text
        p = pd.to_numeric(df[c], errors="coerce")
        if p.isna().any() or not (p == p.round()).all() or p.min() != 1:
            continue
        top = int(p.max())
        minutes = next((m for r, m in _PERIOD_MINUTES if top in r), None)
        if minutes is not None:
            return {c: (p.astype(int).reset_index(drop=True), minutes)}
    return {}


def _period_clock(
    periods: pd.Series, minutes: int, dates: pd.Series, date_col: str, part: str
) -> tuple[pd.Series, str]:
    """Clock times ("00:30") of a day's numbered periods (period 1 at 00:00), and
    the note saying so.

    A Sunday with an hour's periods fewer or more than a day has is a day the
    clocks changed: its periods after the change go onto the local clock (an hour
    later in spring, so the skipped hour is a gap the reader fills; an hour
    earlier in autumn, so the repeated hour is averaged). The change is taken at
    01:00 for half hours (Great Britain's settlement periods) and at 02:00
    otherwise (Europe's and North America's local time). A period still past the
    day's end gets no clock time ("": its row is left out, and said so)."""
    per_day = 24 * 60 // minutes
    shift = 60 // minutes
    change = 60 if minutes == 30 else 120
    day = pd.Series(pd.NaT, index=dates.index, dtype="datetime64[ns]")
    with contextlib.suppress(DataError):
        day = pd.Series(parse_times(dates, date_col)[0], index=dates.index)
    most = periods.groupby(dates.to_numpy()).transform("max")
    sunday = (day.dt.day_of_week == 6).to_numpy()
    start = (periods - 1) * minutes
    spring = sunday & (most == per_day - shift).to_numpy()
    autumn = sunday & (most == per_day + shift).to_numpy()
    start = start.where(~(spring & (start >= change).to_numpy()), start + 60)
    start = start.where(~(autumn & (start >= change + 60).to_numpy()), start - 60)
    within = start < 24 * 60
    clock = (
        (start // 60).astype(str).str.zfill(2)
        + ":"
        + (start % 60).astype(str).str.zfill(2)
    ).where(within, "")
    what = {60: "hours", 30: "half hours", 15: "quarter hours"}[minutes]
    note = (
        f"read the numbers 1-{int(periods.max())} in column {quote(part)} as the "
        f"{what} of each day, period 1 starting at 00:00"
    )
    changed = len(pd.unique(dates[spring | autumn]))
    if changed:
        note += (
            f"; on {plural(changed, 'day')} the clocks changed (a Sunday with "
            f"{per_day - shift} or {per_day + shift} periods) the periods after "
            f"{change // 60:02d}:00 are placed on the local clock (an hour skipped "
            "is filled, an hour repeated averaged)"
        )
    late = int((~within).sum())
    if late:
        note += (
            f"; left out {plural(late, 'row')} of periods past the day's end (first "
            f"period {int(periods[~within].iloc[0])})"
        )
    return clock, note


#: Clock times written with dots ("18.00.00", as Italian and some German exports
#: write them): read as such only in a column named like a time of day.
_DOTTED_CLOCK = re.compile(r"([01]?\d|2[0-3])\.([0-5]\d)(?:\.([0-5]\d))?")
_CLOCK_NAMES = ("time", "hour", "ora", "orario", "uhrzeit", "zeit", "heure", "hora")


def _is_clock_column(col: pd.Series) -> bool:
    """Whether every non-empty cell of a text column is a clock time ("13:00"; or
    "13.00.00" under a name such as "Time")."""
    if pd.api.types.is_numeric_dtype(col.dtype) or pd.api.types.is_bool_dtype(
        col.dtype
    ):
        return False
    text, missing = cell_text(col)
    present = text[~missing]
    if len(present) == 0:
        return False
    if present.str.fullmatch(CLOCK).all():
        return True
    named = str(col.name).lower().strip() in _CLOCK_NAMES
    return named and bool(present.str.fullmatch(_DOTTED_CLOCK.pattern).all())


#: Names of a column of clock times written as whole numbers HHMM.
_HHMM_NAMES = (*_CLOCK_NAMES, "hrmn", "hhmm", "hh:mm", "hrmin", "hourmin", "time_hhmm")


#: A period of the day written by its clock times ("00:00-01:00", "13:30 – 14:00").
_CLOCK_RANGE = re.compile(
    r"(\d{1,2}:\d{2})(?::\d{2})?\s*[-–]\s*\d{1,2}:\d{2}(?::\d{2})?"
)


def _hhmm(col: pd.Series) -> pd.Series | None:
    """Clock times written as whole numbers HHMM ("0000", "0130", 930, 2300), as
    NOAA's HrMn and many loggers' Time columns hold them, or as periods of the
    day ("00:00-01:00", dated by their start), under a name such as "Time",
    "hour" or "HrMn", as "HH:MM" (indexed 0, 1, ...); None when the column is
    not one: every cell 0 to 2359 with minutes under 60, and some at 1:00 or
    later (0 to 23 alone are hours, :func:`_hour_columns`)."""
    if str(col.name).lower().strip() not in _HHMM_NAMES:
        return None
    text, missing = cell_text(col)
    if missing.any() or len(text) == 0:
        return None
    starts = text.str.fullmatch(_CLOCK_RANGE.pattern)
    if starts.all():
        start = text.str.extract(_CLOCK_RANGE.pattern, expand=False)
        return start.str.zfill(5)
    text = text.str.replace(r"\.0+$", "", regex=True)
    if not text.str.fullmatch(r"\d{1,4}").all():
        return None
    v = text.astype(int)
    if not ((v % 100 < 60) & (v <= 2359)).all() or v.max() < 100:
        return None
    return (
        (v // 100).astype(str).str.zfill(2) + ":" + (v % 100).astype(str).str.zfill(2)
    )


def _clock_text(col: pd.Series) -> pd.Series | None:
    """A column of clock times as "HH:MM(:SS)" text (indexed 0, 1, ...): written
    with colons or dots (:func:`_is_clock_column`) or as HHMM numbers and periods
    of the day (:func:`_hhmm`); None when it is not one."""
    if _is_clock_column(col):
        return _colon_clock(cell_text(col)[0])
    return _hhmm(col)


def _compact_dates(text: pd.Series) -> pd.Series | None:
    """Dates written YYYYMMDD ("20220101") as "2022-01-01"; None unless every
    cell is one."""
    if len(text) == 0 or not text.str.fullmatch(r"[12]\d{7}").all():
        return None
    parsed = pd.to_datetime(text, format="%Y%m%d", errors="coerce")
    if parsed.isna().any():
        return None
    return text.str[:4] + "-" + text.str[4:6] + "-" + text.str[6:]


def _colon_clock(clock: pd.Series) -> pd.Series:
    """Clock times with colons: "18.00.00" as "18:00:00" (others unchanged)."""
    return clock.str.replace(
        _DOTTED_CLOCK.pattern + "$",
        lambda m: ":".join(g for g in m.groups() if g is not None),
        regex=True,
    )


_QUARTER_NAMES = ("quarter", "qtr", "q", "quartal", "trimestre", "kwartaal")
_WEEK_NAMES = (
    "week",
    "wk",
    "kw",
    "woche",
    "semaine",
    "semana",
    "iso week",
    "isoweek",
    "iso_week",
    "week number",
    "week_number",
    "week_num",
    "weeknum",
    "week no",
    "week_no",
    "epi week",
    "epi_week",
    "epiweek",
)
#: Names of a column of MMWR weeks (the US CDC's epidemiological weeks: Sunday
#: to Saturday, week 1 the first with four days in January).
_MMWR_WEEK_NAMES = ("mmwr week", "mmwr_week", "mmwrweek")


def _whole_years(df: pd.DataFrame, year: str) -> pd.Series | None:
    """A column of years (1000-2999) that repeat, as whole numbers; else None."""
    y = pd.to_numeric(df[year], errors="coerce")
    if y.isna().any() or not (y == y.round()).all() or not y.between(1000, 2999).all():
        return None
    return y.astype(int) if y.duplicated().any() else None


def _join_quarter(df: pd.DataFrame, year: str, quarter: str) -> pd.Series | None:
    """Cells "YYYYQn" from a column of years and one of quarters (1-4 or Q1-Q4);
    None if they are not."""
    y = _whole_years(df, year)
    text = df[quarter].astype(str).str.strip().str.upper().str.removeprefix("Q")
    q = pd.to_numeric(text, errors="coerce")
    if y is None or q.isna().any() or not q.isin([1, 2, 3, 4]).all():
        return None
    return (y.astype(str) + "Q" + q.astype(int).astype(str)).reset_index(drop=True)


#: BLS period codes: a letter, then the month or quarter; the code past the last
#: ("M13", "Q05") is the year's average.
_BLS_LAST = {"M": 12, "Q": 4}


def _join_bls_period(
    df: pd.DataFrame,
    year: str,
    cols: list[str],
    lower: dict[str, str],
    notes: list[str],
) -> pd.DataFrame | None:
    """The table with its column of years and its "period" column of BLS codes
    ("M01" to "M12", "Q01" to "Q04"; one letter throughout) joined into one time
    column, the rows of the year's average ("M13", "Q05") left out with a note;
    None when there is no such column."""
    part = next((c for c in cols if lower[c] == "period"), None)
    if part is None or pd.api.types.is_numeric_dtype(df[part].dtype):
        return None
    codes = df[part].astype(str).str.strip().str.upper()
    parsed = codes.str.extract(r"^([MQ])(\d{2})$")
    if parsed[0].isna().any() or parsed[0].nunique() != 1:
        return None
    letter = parsed[0].iloc[0]
    last = _BLS_LAST[letter]
    number = parsed[1].astype(int)
    y = _whole_years(df, year)
    if y is None or not number.between(1, last + 1).all():
        return None
    keep = (number <= last).to_numpy()
    y, number = y.reset_index(drop=True)[keep], number.reset_index(drop=True)[keep]
    if letter == "M":
        joined = y.astype(str) + "-" + number.map("{:02d}".format)
    else:
        joined = y.astype(str) + "Q" + number.astype(str)
    if not keep.all():
        notes.append(
            f"left out {plural(int((~keep).sum()), 'row')} of period "
            f"{quote(f'{letter}{last + 1:02d}')} in column {quote(part)}: the BLS "
            "code of a year's average, not a step of the series"
        )
    return _with_joined(df[keep], [year, part], joined.reset_index(drop=True), notes)


def _has_dates(df: pd.DataFrame, cols: list[str], lower: dict[str, str]) -> bool:
    """Whether a column of ``cols`` that is not a calendar part (year, month,
    week, day...) holds whole dates."""
    parts = set(_YEAR_NAMES + _MONTH_NAMES + _DAY_NAMES + _WEEK_NAMES)
    parts |= set(_MMWR_WEEK_NAMES + _DOY_NAMES + _QUARTER_NAMES)
    return any(
        lower[c] not in parts
        and not pd.api.types.is_numeric_dtype(df[c].dtype)
        and looks_like_dates(df[c])
        for c in cols
    )


def _years_and_numbers(
    df: pd.DataFrame, year: str, part: str, most: int
) -> tuple[pd.Series, pd.Series] | None:
    """The repeating whole years of column ``year`` and the whole numbers 1 to
    ``most`` of column ``part`` (weeks, days of the year) beside them, as ints;
    None when either is not."""
    y = _whole_years(df, year)
    n = pd.to_numeric(df[part], errors="coerce")
    if y is None or n.isna().any() or not (n == n.round()).all():
        return None
    if not n.between(1, most).all():
        return None
    return y, n.astype(int)


def _join_week(df: pd.DataFrame, year: str, week: str) -> pd.Series | None:
    """Cells "YYYY-Www" (ISO weeks) from a column of years and one of week numbers
    1-53; None if they are not."""
    parts = _years_and_numbers(df, year, week, 53)
    if parts is None:
        return None
    y, w = parts
    return (y.astype(str) + "-W" + w.astype(str).str.zfill(2)).reset_index(drop=True)


def _join_mmwr_week(df: pd.DataFrame, year: str, week: str) -> pd.Series | None:
    """Cells "YYYY-MM-DD" (the Sunday each week starts) from a column of MMWR
    years and one of MMWR weeks 1-53; None if they are not. MMWR week 1 starts
    on the Sunday on or before 4 January."""
    parts = _years_and_numbers(df, year, week, 53)
    if parts is None:
        return None
    y, w = parts
    jan4 = pd.to_datetime(y.astype(str) + "-01-04")
    first = jan4 - pd.to_timedelta((jan4.dt.day_of_week + 1) % 7, unit="D")
    start = first + pd.to_timedelta(7 * (w - 1), unit="D")
    return start.dt.strftime("%Y-%m-%d").reset_index(drop=True)


def _join_day_of_year(df: pd.DataFrame, year: str, day: str) -> pd.Series | None:
    """Cells "YYYY-MM-DD" from a column of years and one of days of the year
    1-366; None if they are not (or a day 366 falls in a year of 365)."""
    parts = _years_and_numbers(df, year, day, 366)
    if parts is None:
        return None
    y, d = parts
    dates = pd.to_datetime(y.astype(str) + "-01-01") + pd.to_timedelta(d - 1, unit="D")
    if (dates.dt.year != y).any():
        return None
    return dates.dt.strftime("%Y-%m-%d").reset_index(drop=True)


def _unnamed_year_month(
    df: pd.DataFrame, cols: list[str]
) -> tuple[list[str], pd.Series] | None:
    """Year and month (and day) columns of a table without a header: its first
    two (three) columns, when they hold years 1000-2999 (repeated) and months
    1-12 (days 1-31) that go up in order; None otherwise."""
    if len(cols) < 3:
        return None
    # (months written "01" stay text: _join_year_month reads their numbers)
    out = _join_year_month(df, cols[0], cols[1], cols[2] if len(cols) >= 4 else None)
    if out is None:
        return None
    stamps = pd.to_datetime(out[1], errors="coerce")
    if stamps.notna().all() and stamps.is_monotonic_increasing:
        return out
    return None


def _join_year_month(
    df: pd.DataFrame, year: str, month: str, day: str | None
) -> tuple[list[str], pd.Series] | None:
    """Cells "YYYY-MM(-DD)" from year, month (and day) columns; None if not dates."""
    y = pd.to_numeric(df[year], errors="coerce")
    if y.isna().any() or not (y == y.round()).all() or not y.between(1000, 2999).all():
        return None
    if not y.duplicated().any():
        return None
    m = pd.to_numeric(df[month], errors="coerce")
    if m.isna().any():
        m = _month_number(df[month])
    if m.isna().any() or not (m == m.round()).all() or not m.between(1, 12).all():
        return None
    text = (
        y.astype(int).astype(str).str.zfill(4)
        + "-"
        + m.astype(int).astype(str).str.zfill(2)
    )
    if day is None:
        return [year, month], text.reset_index(drop=True)
    d = pd.to_numeric(df[day], errors="coerce")
    if d.isna().any() or not (d == d.round()).all() or not d.between(1, 31).all():
        return [year, month], text.reset_index(drop=True)  # a weekday name, say
    text = text + "-" + d.astype(int).astype(str).str.zfill(2)
    return [year, month, day], text.reset_index(drop=True)


_YEAR_LABEL = re.compile(r"[12]\d{3}")
#: Most columns besides the months a table of years by months may have (a
#: year's total or average, left out).
_PIVOT_EXTRA = (
    "total",
    "sum",
    "annual",
    "year total",
    "average",
    "mean",
    "avg",
    "ann",
    # GISTEMP's annual and seasonal means: January-December, December-November,
    # and the three-month seasons
    "j-d",
    "d-n",
    "djf",
    "mam",
    "jja",
    "son",
)


def _month_number(labels: pd.Series, numbers: bool = False) -> pd.Series:
    """Months 1-12 of labels that are month names ("Jan", "January"; "März",
    "janv." and the other languages :func:`foreign_month` knows) or, when
    ``numbers``, numbers 1-12; NaN where they are not."""
    text = labels.astype(str).str.strip().str.lower().str.rstrip(".")
    named = text.str[:3].map(_MONTH_WORDS)
    # "Sept" and "January" are months, "Marketing" is not
    full = named.map(lambda m: MONTHS[int(m) - 1], na_action="ignore")
    named = named.where(
        [f == f and f.startswith(t) for f, t in zip(full, text, strict=True)]
    )
    if named.isna().any():
        named = named.fillna(text.map(foreign_month).astype(float))
    if not numbers:
        return named
    number = pd.to_numeric(text, errors="coerce")
    number = number.where(number.between(1, 12) & (number == number.round()))
    return number.fillna(named)


def _unpivot_months(df: pd.DataFrame, notes: list[str]) -> pd.DataFrame | None:
    """A table of months by years, one series, as a long table (``month``,
    ``value``), or None when the table is not one.

    Years as columns ("month, 1949, 1950, ...", a month a row) or months as
    columns ("year, Jan, Feb, ..., Dec", a year a row, as AirPassengers is often
    printed); a column of each year's total beside the months is left out.
    """
    cols = list(df.columns)
    if len(cols) < 3:
        return None
    first, rest = cols[0], cols[1:]
    names = pd.Series([str(c).strip() for c in rest])
    if names.str.fullmatch(_YEAR_LABEL).all() and 1 < len(df) <= 12:
        # month numbers only under a month name: store numbers 1-12 by years
        # are series, one a row
        named = str(first).lower().strip() in _MONTH_NAMES
        months = _month_number(df[first], numbers=named)
        if months.isna().any() or months.duplicated().any():
            return None
        values = df[rest].apply(pd.to_numeric, errors="coerce")
        long = values.set_axis(months.astype(int).to_numpy()).stack(future_stack=True)
        year = long.index.get_level_values(1).astype(str).str.strip().astype(int)
        month = long.index.get_level_values(0)
        how = f"years as columns ({quote(rest[0])} to {quote(rest[-1])})"
    else:
        extra = [c for c in rest if str(c).strip().lower() in _PIVOT_EXTRA]
        month_cols = [c for c in rest if c not in extra]
        months = _month_number(pd.Series([str(c) for c in month_cols]))
        if len(month_cols) < 4 or months.isna().any() or months.duplicated().any():
            return None
        years = pd.to_numeric(df[first], errors="coerce")
        if years.isna().any() or not years.between(1000, 2999).all():
            return None
        if years.duplicated().any() or not (years == years.round()).all():
            return None
        values = df[month_cols].apply(pd.to_numeric, errors="coerce")
        values = values.set_axis(years.astype(int).to_numpy()).set_axis(
            months.astype(int).to_numpy(), axis=1
        )
        long = values.stack(future_stack=True)
        year = long.index.get_level_values(0)
        month = long.index.get_level_values(1)
        how = f"months as columns ({quote(month_cols[0])} to {quote(month_cols[-1])})"
        if extra:
            how += f"; left out {', '.join(quote(c) for c in extra)}"
    order = np.lexsort((np.asarray(month), np.asarray(year)))
    time = [
        f"{y:04d}-{m:02d}"
        for y, m in zip(np.asarray(year)[order], np.asarray(month)[order], strict=True)
    ]
    out = pd.DataFrame({"month": time, "value": long.to_numpy(dtype=float)[order]})
    notes.append(f"read a table of years by months as one monthly series: {how}")
    return out


_MONTH_WORD = "|".join(sorted({m[:3] for m in MONTHS} | set(MONTHS), key=len)[::-1])
#: Time labels of one frequency each, as the ONS writes them one block after
#: another in one column ("1988", then "1988 Q1", then "1988 JAN"), finest last.
_SECTIONS = (
    ("yearly", r"\d{4}"),
    ("quarterly", r"\d{4}\s*Q[1-4]"),
    ("monthly", rf"\d{{4}}\s+(?:{_MONTH_WORD})"),
)


#: Most rows of notes under a table left out before its time is put together.
_MAX_NOTES_UNDER = 6


def _without_notes_under(df: pd.DataFrame, notes: list[str]) -> pd.DataFrame:
    """The table without the rows of notes at its end: one cell each, a note's
    words ("(C)opyright ...", "Stand: 10.01.2024", a rule "__________", as
    Destatis ends its tables), so that columns of years and months under them
    still join into one time column; with a note. Rows with a value stay (a
    "Total" row is left out where the time column is read)."""
    if len(df) < 3 or df.shape[1] < 2:
        return df
    tail = df.iloc[-_MAX_NOTES_UNDER:]
    filled = tail.notna() & (tail.astype(str).apply(lambda c: c.str.strip()) != "")
    k = len(tail)
    while k > 0:
        row = tail.iloc[k - 1][filled.iloc[k - 1].to_numpy()]
        if len(row) != 1 or not is_summary_text(row.iloc[0]):
            break
        k -= 1
    if k == len(tail) or k + len(df) - len(tail) < 2:
        return df
    first = len(df) - len(tail) + k
    cell = next(v for v in df.iloc[first] if pd.notna(v))
    notes.append(
        f"left out {plural(len(df) - first, 'row')} at the end of the file from row "
        f"{first + 2} ({quote(str(cell))}): {TOTALS_LEFT_OUT}"
    )
    return df.iloc[:first]


def _finest_section(df: pd.DataFrame, notes: list[str]) -> pd.DataFrame | None:
    """The rows of the finest frequency when the first column holds blocks of
    time labels of several frequencies one after another (an ONS time series:
    its yearly figures, then its quarterly ones, then its monthly ones, under a
    few rows of notes such as "CDID" and "Release date"), the notes dropped and
    the values read as numbers; None when the table is not one."""
    if df.shape[1] != 2 or len(df) < 6:
        return None
    first, second = df.columns
    cells = df[first].fillna("").astype(str).str.strip()
    head = _section_kinds(cells.iloc[:21])
    if not (head != "").any():
        return None  # cheap for every other file of two columns
    start = int((head != "").to_numpy().argmax())
    if not start and head.iloc[0] == _section_kinds(cells.iloc[-1:]).iloc[0]:
        return None  # no notes above, and one kind from the first row to the last
    kinds = _section_kinds(cells)
    labelled = (kinds != "").to_numpy()
    if not labelled[start:].all():
        return None
    run = kinds.iloc[start:]
    blocks = list(run[run != run.shift()])
    if len(set(blocks)) != len(blocks) or (len(blocks) < 2 and not start):
        return None  # each frequency once, in one block; one under notes
    finest = next(k for k, _ in reversed(_SECTIONS) if k in blocks)
    keep = (kinds == finest).to_numpy()
    values = pd.to_numeric(df.loc[keep, second], errors="coerce")
    if values.notna().mean() < 0.9:
        return None
    above = f"{plural(start, 'row')} of notes above ({quote(cells.iloc[0])}...)"
    if len(blocks) < 2:
        notes.append(f"left out the {above} the {finest} figures of {quote(first)}")
    else:
        left = _and([f"{int((kinds == k).sum())} {k}" for k in blocks if k != finest])
        notes.append(
            f"column {quote(first)} holds {_and(blocks)} figures one block after "
            f"another (as the ONS writes them): read the {int(keep.sum())} {finest} "
            f"ones and left out the {left} ones, which summarise them"
            + (f", and the {above}" if start else "")
        )
    labels = cells[keep].to_numpy()
    if finest == "yearly":
        labels = labels.astype(int)  # years as numbers, as a column of years reads
    return pd.DataFrame({first: labels, second: values.to_numpy()})


def _section_kinds(cells: pd.Series) -> pd.Series:
    """Each cell's kind of time label in :data:`_SECTIONS` ("" for none)."""
    kinds = pd.Series("", index=cells.index, dtype=object)
    for kind, pattern in _SECTIONS:
        kinds[cells.str.fullmatch(pattern, case=False).to_numpy()] = kind
    return kinds


def _and(words: list[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    return " and ".join([", ".join(words[:-1]), words[-1]] if len(words) > 1 else words)


#: Names of a column of coordinates beside the series of a table of one row
#: per series.
_COORDINATE_NAMES = frozenset(
    ("lat", "latitude", "long", "lon", "lng", "longitude", "long_", "lon_")
)


def _time_names(df: pd.DataFrame) -> list[str]:
    """The columns after the first whose names are times (years such as "1960",
    or dates), when they are the last columns, at least three of them."""
    names = [str(c).strip() for c in df.columns]
    k = len(names)
    while k > 1 and _YEAR_LABEL.fullmatch(names[k - 1]):
        k -= 1
    if len(names) - k < 3:
        # the first name from which every name on is a date, by bisection (one
        # parse a name, from the end, took 18 s on 200 dates)
        def dated(i: int) -> bool:
            return looks_like_dates(pd.Series(names[i:], dtype=object))

        low, k = 1, len(names)
        if dated(len(names) - 1):
            high = len(names) - 1  # dated(high) holds; find the least such
            while low < high:
                mid = (low + high) // 2
                if dated(mid):
                    high = mid
                else:
                    low = mid + 1
            k = high
    return list(df.columns[k:]) if len(names) - k >= 3 else []


def _unpivot_series_rows(df: pd.DataFrame, notes: list[str]) -> pd.DataFrame | None:
    """A table with one row per series and the times as its last columns (the
    World Bank's "Country Name, Country Code, ..., 1960, 1961, ..."; Eurostat's
    "geo, 2015, 2016, ...") as a long table: the first columns (text naming the
    series), ``time`` and ``value``; None when the table is not one (a column
    before the times holds numbers and is not named like an id, or is a time)."""
    times = _time_names(df)
    first = [c for c in df.columns if c not in times]
    if not times or not first:
        return None
    # where each series is (Johns Hopkins' "Province/State, Country/Region, Lat,
    # Long, 1/22/20, ..."): attributes of the series, left out
    places = [
        c
        for c in first
        if str(c).lower().strip() in _COORDINATE_NAMES
        and pd.api.types.is_numeric_dtype(df[c].dtype)
    ]
    if places and len(places) < len(first):
        notes.append(
            f"left out {', '.join(quote(c) for c in places)}: where each series "
            "is, not a series"
        )
        df = df.drop(columns=places)
        first = [c for c in first if c not in places]
    if any(
        (pd.api.types.is_numeric_dtype(df[c].dtype) and not _is_id_name(str(c)))
        or is_time_name(str(c))
        or looks_like_dates(df[c].dropna().astype(str))
        for c in first
    ):
        return None
    if not df[times].apply(pd.api.types.is_numeric_dtype).any():
        # cells under the times are text (flags such as "12.3 p"): numbers in most
        text = df[times].astype(str).stack()
        if not text.str.contains(r"\d", regex=True).mean() >= 0.5:
            return None
    time, value = "time", "value"
    while time in first:
        time += "_"
    while value in first:
        value += "_"
    long = df.melt(id_vars=first, value_vars=times, var_name=time, value_name=value)
    long[time] = long[time].astype(str).str.strip()
    notes.append(
        f"read one row per series, with the times as columns ({quote(times[0])} to "
        f"{quote(times[-1])}): {plural(len(df), 'row')} named by "
        + ", ".join(quote(c) for c in first[:4])
        + ("..." if len(first) > 4 else "")
    )
    return long


def _with_joined(
    df: pd.DataFrame, parts: list[str], joined: pd.Series, notes: list[str]
) -> pd.DataFrame:
    name = " ".join(parts)
    while name in df.columns:
        name += "_"
    rest = df.drop(columns=parts)
    out = pd.concat(
        [pd.DataFrame({name: joined.to_numpy()}, index=df.index), rest], axis=1
    )
    listed = ", ".join(quote(c) for c in parts)
    notes.append(f"combined the columns {listed} into one time column {quote(name)}")
    return out


def reader_picks(
    df: pd.DataFrame, time_col: str | None = None, value_col: str | None = None
) -> tuple[str | None, str | None]:
    """The time and value columns the reader would take (each None where it
    could pick none; the value only once a time is known), the given ones kept:
    what a column picker shows for a table whose series could not be read, so
    the user sees what was tried."""
    if time_col is None:
        with contextlib.suppress(DataError):
            time_col = pick_time_column(df, value_col)[0]
    if value_col is None and time_col is not None:  # the reader's order
        with contextlib.suppress(DataError):
            value_col = pick_value_column(df, time_col)[0]
    return time_col, value_col


def pick_value_column(df: pd.DataFrame, time_col: str | None) -> tuple[str, list[str]]:
    """Pick the value column: the first numeric column that is not the time.

    Text columns that are mostly numbers count as numeric when no column is, or
    when every numeric column holds one value.

    Returns:
        ``(column, notes)``; the notes name the other numeric columns.

    Raises:
        DataError: the table has only the time column, or no column of numbers.
    """
    cols = [c for c in df.columns if c != time_col]
    if not cols:
        raise DataError(
            f"the table has only the time column {quote(time_col)}; add a column of "
            "numbers to forecast"
        )
    numeric = [
        c
        for c in cols
        if pd.api.types.is_numeric_dtype(df[c].dtype)
        and not pd.api.types.is_bool_dtype(df[c].dtype)
    ]
    if not any(df[c].nunique(dropna=True) > 1 for c in numeric):
        # none, or only constant ones (a station number beside readings with flag
        # letters such as 21s or M): text columns of mostly numbers count too
        numeric += [c for c in cols if c not in numeric and _mostly_numbers(df[c], c)]
    if not numeric:
        if len(cols) == 1:
            return cols[0], []  # converting it reports the bad cells
        listed = ", ".join(quote(c) for c in cols[:10])
        raise DataError(
            f"no column of numbers found (columns: {listed}); pick the values "
            f"{VALUE_CHOICE}"
        )
    skipped = ""
    if len(numeric) > 1:
        # a column that varies and is not a calendar number comes first
        calendar = set(calendar_columns(df, numeric))
        counters = set(counter_columns(df, numeric)) - calendar
        constant = {c for c in numeric if df[c].nunique(dropna=True) <= 1}
        flags = {c for c in numeric if c not in constant and _is_flag(df[c])}
        ranked = sorted(
            numeric,
            key=lambda c: (c in calendar or c in counters, c in constant, c in flags),
        )
        if ranked[0] != numeric[0]:
            first = numeric[0]
            why = (
                "a calendar number"
                if first in calendar
                else "it counts the rows, a row number or running id"
                if first in counters
                else "the same value in every row"
                if first in constant
                else "a flag of 0 and 1"
            )
            skipped = f" (not {quote(first)}: {why})"
        numeric = ranked
        close = _closing_price(numeric)
        if close is not None and close != numeric[0]:
            skipped = " (the closing price of a price table)"
            numeric = [close] + [c for c in numeric if c != close]
    if len(numeric) > 1:
        others = ", ".join(quote(c) for c in numeric[1:6])
        more = f" and {len(numeric) - 6} more" if len(numeric) > 6 else ""
        return numeric[0], [
            f"picked column {quote(numeric[0])} as value{skipped}; other numeric "
            f"columns: {others}{more}; choose one {VALUE_CHOICE}"
        ]
    return numeric[0], [f"picked column {quote(numeric[0])} as value"]


#: Names of columns that number a time's place in the calendar: the weekday,
#: the hour, the week of the year... (beside the time they were made from).
_CALENDAR_NAMES = frozenset(
    (
        "weekday",
        "week_day",
        "day_of_week",
        "dayofweek",
        "dow",
        "wday",
        "hour",
        "hr",
        "minute",
        "week",
        "mmwr_week",
        "mmwrweek",
        "epi_week",
        "epiweek",
        "iso_week",
        "week_number",
        "week_num",
        "week_no",
        "weekno",
        "week_nr",
        "wk",
        "month",
        "month_num",
        "mnth",
        "mon",
        "mo",
        "day",
        "dy",
        "yr",
        "quarter",
        "qtr",
        "season",
        "weekofyear",
        "week_of_year",
        "isoweek",
        "day_of_year",
        "dayofyear",
        "doy",
        "day_of_month",
        "dom",
        "weekend",
        "is_weekend",
        "holiday",
        "is_holiday",
        "workingday",
        "working_day",
        # the period of a day beside full timestamps (AEMO's PERIODID)
        "period",
        "periodid",
        "period_id",
        "settlement_period",
        "settlementperiod",
        "trading_period",
        "tradingperiod",
        "half_hour",
        "quarter_hour",
        "interval",
        "interval_id",
    )
)


#: Names of a column of the year a time falls in (beside the time itself).
_CALENDAR_YEAR_NAMES = frozenset(
    ("year", "mmwr_year", "mmwryear", "epi_year", "epiyear", "iso_year", "isoyear")
)


#: Names of a column of the time as a fraction of years (1850.042: mid-January).
_DECIMAL_YEAR_NAMES = frozenset(
    (
        "decimal_date",
        "decimal_year",
        "decimal_time",
        "decdate",
        "dec_date",
        "decyear",
        "dec_year",
        "fractional_year",
        "frac_year",
        "year_decimal",
        "year_fraction",
    )
)


def calendar_columns(df: pd.DataFrame, cols: list[str]) -> list[str]:
    """The columns of ``cols`` named like a calendar number (weekday, hour, week
    of the year...) that hold whole numbers from 0 to 366, or like a year that
    hold whole years (1000-2999), or like a decimal year (1850.042) that hold
    such years: features of the time, not values to forecast."""
    out = []
    for c in cols:
        name = str(c).lower().strip().replace(" ", "_")
        if re.fullmatch(r"column_\d+", name):  # a file without a header
            v = pd.to_numeric(df[c], errors="coerce").to_numpy(dtype=float)
            if (
                len(v) > 1
                and np.isfinite(v).all()
                and ((v >= 1000) & (v <= 2999)).all()
                and (np.diff(v) > 0).all()
                and (v != np.round(v)).any()
            ):
                out.append(c)  # years as fractions (1749.042), rising row by row
            continue
        if name in _DECIMAL_YEAR_NAMES:
            v = pd.to_numeric(df[c], errors="coerce")
            if v.notna().all() and v.between(1000, 2999).all():
                out.append(c)  # a fraction of a year, as NOAA writes beside months
            continue
        if name in _CALENDAR_YEAR_NAMES:
            low, high = 1000, 2999
        elif name in _CALENDAR_NAMES:
            low, high = 0, 366
        else:
            continue
        v = pd.to_numeric(df[c], errors="coerce")
        if v.notna().all() and (v == v.round()).all() and v.between(low, high).all():
            out.append(c)
    return out


#: Fewest rows for a column to read as a counter (:func:`counter_columns`),
#: and words of a row number's name (besides an id's).
_COUNTER_ROWS = 6
_ROW_WORDS = frozenset(
    ("row", "rows", "index", "idx", "#", "obs", "record", "serial", "instant")
)  # "instant": the UCI bike-sharing files' record index


def counter_columns(df: pd.DataFrame, cols: list[str]) -> list[str]:
    """The columns of ``cols`` named like an id or a row number ("ID",
    "order_id", "row", "#") whose integers go up (or down) by exactly 1 from
    each row to the next, over at least ``_COUNTER_ROWS`` rows: a row number or
    running id (1, 2, 3... or an order number 100001, 100002...) written beside
    the data, not values to forecast. A column of 0, 1, 2... named otherwise is
    a series (a straight line, in a class)."""
    out = []
    if len(df) < _COUNTER_ROWS:
        return out
    for c in cols:
        words = re.split(r"[^a-z0-9#]+", str(c).lower())
        if not pd.api.types.is_integer_dtype(df[c].dtype) or not (
            _is_id_name(str(c)) or _ROW_WORDS.intersection(words)
        ):
            continue
        v = df[c].to_numpy(dtype=float)
        steps = np.diff(v)
        if (steps == 1).all() or (steps == -1).all():
            out.append(c)
    return out


def _mostly_numbers(col: pd.Series, name: str) -> bool:
    """Whether a text column holds more numbers than non-numeric cells."""
    try:
        values, bad, _, _ = to_numbers(col, name=name)
    except DataError:  # mixed currencies: converting it reports them
        return True
    return bool(np.isfinite(values).sum() > bad.sum())


def price_table_close(df: pd.DataFrame) -> str | None:
    """The closing-price column of a price table (open, high, low and close
    prices with volume and the like, as Yahoo Finance and most market data
    write them), which is one series, not one per column; None for any other
    table."""
    return _closing_price([str(c) for c in df.columns])


def _closing_price(columns: list[str]) -> str | None:
    """The adjusted (else the plain) closing price of a table of open, high, low
    and close prices (Yahoo Finance and most market data; Investing.com calls it
    "Price", others "Last"); None otherwise."""
    names = {re.sub(r"[^a-z]", "", str(c).lower()): c for c in columns}
    if not {"open", "high", "low"} <= names.keys():
        return None
    for key in ("adjclose", "adjustedclose", "close", "closeprice", "price", "last"):
        if key in names:
            return names[key]
    return None


def looks_like_dates(col: pd.Series) -> bool:
    """Whether most of the first non-empty cells of a text column parse as dates."""
    if pd.api.types.is_datetime64_any_dtype(col.dtype):
        return True
    if pd.api.types.is_numeric_dtype(col.dtype) or pd.api.types.is_bool_dtype(
        col.dtype
    ):
        return False
    text, missing = cell_text(col)
    sample = text[~missing].iloc[:50]
    numbers = sample.str.fullmatch(r"[+-]?[\d.,\s]+")
    dotted = sample.str.fullmatch(r"\d{1,2}\.\d{1,2}\.(?:\d{2}|\d{4})")  # 24.03.2023
    if len(sample) == 0 or (numbers.all() and not dotted.all()):
        return False  # numbers (a year column is handled apart)
    try:
        parse_times(sample.reset_index(drop=True), "?")
    except DataError:
        return False
    return True


def is_year_column(col: pd.Series) -> bool:
    """Whether a numeric column holds distinct whole numbers 1000-2999 (years)."""
    if not pd.api.types.is_numeric_dtype(col.dtype) or pd.api.types.is_bool_dtype(
        col.dtype
    ):
        return False
    v = col.to_numpy(dtype=float, na_value=np.nan)
    v = v[np.isfinite(v)]
    return bool(
        len(v)
        and (v == np.round(v)).all()
        and v.min() >= 1000
        and v.max() <= 2999
        and len(np.unique(v)) > 0.9 * len(v)
    )


#: What joins the values of several id columns into one series name.
ID_SEPARATOR = " / "
#: The name of a series whose id cell is empty.
EMPTY_ID = "(empty)"


def pick_id_columns(
    df: pd.DataFrame,
    time_col: str,
    value_col: str | None = None,
    *,
    step: str | None = None,
) -> tuple[list[str], list[str]]:
    """Pick the columns that name series (store, region...) in a long table.

    When the timestamps repeat (several rows per time), a column is an id when it
    is text (not mostly numbers; codes with leading zeros such as "007" count as
    text) or whole numbers, it repeats (at most half as many distinct values as
    rows), it takes several values at one timestamp (a column constant within each
    timestamp, such as a weekday, describes the time, not a series), and it is not
    a relabelling of the ids already picked (a store name beside its number).
    Whole-number columns are taken fewest distinct values first, and never the
    last numeric column (it holds the values).

    Timestamps repeat when their cells do, or (cells all distinct) when the
    times they parse to do: the same day written with the UTC offsets of two
    time zones is one timestamp.

    When no such column names the series, a column of dates not named like time
    is taken by the same rules (cohorts or vintages such as "2020-01" as ids,
    rather than averaging their rows).

    When no timestamp repeats, a text column without empty cells is an id when it
    changes value in blocks: each value a contiguous run of at least
    ``_MIN_BLOCK`` rows (series stacked one after another), or each value's rows
    a regular series of at least ``_MIN_BLOCK`` timestamps while all the rows
    together are not (series on interleaved dates, e.g. one on the 1st and one on
    the 15th of every month).

    With ``step`` (the rows to be read in steps of a day, a month...), times
    that fall in one step count as one timestamp: an event log of several
    stores, each sale at its own moment, names its stores by a column that
    takes several values in one day.

    Args:
        df: the table (column names are strings).
        time_col: the time column.
        value_col: the value column, never an id; None when not chosen.
        step: the step the rows are to be read in (see
            :func:`~convlstm.data.steps.check_step`); None for none.

    Returns:
        ``(columns, notes)``: the id columns in table order (empty for one
        series, or a wide table) and a note naming them (or, when none is
        picked, a note naming the text columns with repeated values left unread).
    """
    times = df[time_col] if step is None else _step_numbers(df, time_col, step)
    text, whole = _id_candidates(df, time_col, value_col)
    text = [c for c in text if not _names_events(df[c], times)]
    parsed = None
    if not times.duplicated().any() and _may_name_series(df, text + whole):
        # cells written differently may still be one time: the same day with
        # the UTC offsets of two time zones, say
        parsed = _parsed(df, time_col)
        if parsed is not None and _known(parsed).has_duplicates:
            times = pd.Series(parsed, index=df.index, name=time_col)
    if not times.duplicated().any():
        picked = _block_ids(df, time_col, text, parsed)
    else:
        picked = _repeating_ids(df, times, text, whole)
        if not picked:
            picked = _repeating_ids(df, times, _dated_ids(df, time_col, value_col), [])
        if not picked:
            # no time shared by two labels: the logs of stores, one after
            # another, whose repeated times (two sales in one second) are each
            # store's own
            picked = _overlapping_blocks(df, time_col, text)
    picked = [c for c in df.columns if c in picked]
    if not picked:
        return [], _unused_text_notes(df, text)
    listed = ", ".join(quote(c) for c in picked)
    if len(picked) == 1:
        return picked, [f"picked id column {listed}: each value names one series"]
    return picked, [
        f"picked id columns {listed}: each combination of their values names one series"
    ]


#: The id column the reader adds to a table of series stacked one after another
#: without a column naming them (see :func:`identify_series`).
BLOCK_COLUMN = "block"


def identify_series(
    df: pd.DataFrame,
    time_col: str,
    value_col: str | None = None,
    *,
    step: str | None = None,
) -> tuple[pd.DataFrame, list[str], list[str]]:
    """The id columns of a table, as :func:`pick_id_columns` picks them, or, when
    none names the series, the blocks of a table whose series are stacked one
    after another without an id column.

    Such a table (two exports pasted one under the other, say) has timestamps that
    repeat and times that start over at the first row of each block. Averaging the
    rows that share a timestamp would make a meaningless series, so each block is
    read as a series of its own ("block 1", "block 2"...) in a column
    ``BLOCK_COLUMN`` added to the table, with a note giving the rows where the
    times start over. Blocks are taken only when each has at least ``_MIN_BLOCK``
    rows in strictly increasing time (or each in strictly decreasing time, newest
    first) and a tenth of the longest block's rows, shares at least
    ``_MIN_BLOCK`` timestamps with the other blocks, and
    the blocks disagree at most of the timestamps they share: a series written
    twice over overlapping spans (same values) is one series, as are a file sorted
    by time with several rows per time and an hourly series whose clock was set
    back an hour for winter time (its rows are averaged).

    ``step``: as :func:`pick_id_columns` takes it.

    Returns:
        ``(table, id columns, notes)``; the table is ``df`` itself unless blocks
        were found.
    """
    ids, notes = pick_id_columns(df, time_col, value_col, step=step)
    if ids:
        return df, ids, notes
    blocks = _stacked_blocks(df, time_col, value_col)
    if blocks is None:
        return df, ids, notes
    name = BLOCK_COLUMN
    while name in df.columns:
        name += "_"
    starts = np.flatnonzero(np.r_[True, blocks[1:] != blocks[:-1]])
    n = len(starts)
    width = len(str(n)) if n >= 10 else 1
    labels = np.array([f"block {i + 1:0{width}d}" for i in range(n)], dtype=object)
    df = df.assign(**{name: labels[blocks]})
    rows = ", ".join(str(r + 2) for r in starts[1:4])  # the header is row 1
    more = f" and {n - 4} more" if n > 4 else ""
    note = (
        f"the times start over at row{'s' if n > 2 else ''} {rows}{more} and no "
        f"column names the series: read the file as {n} series stacked one after "
        f"another, {quote(labels[0])} to {quote(labels[-1])} (id column "
        f"{quote(name)}, added by the reader); if the rows are one series, sort "
        "the file by time"
    )
    return df, [name], [note, *notes]


#: Most steps id detection groups a file's rows into (all its series' spans at
#: once; each series is held to ``MAX_STEPS`` when it is read).
_MAX_SPAN_STEPS = 10 * MAX_STEPS


def _step_numbers(df: pd.DataFrame, time_col: str, step: str) -> pd.Series:
    """The number of the ``step`` each row's time falls in (the times themselves
    when they are not dates: the reader then says what is wrong with them)."""
    parsed = _parsed(df, time_col)
    if parsed is None:
        return df[time_col]
    ordinal = pd.Series(np.arange(len(df)), index=parsed)
    # sorted first: the grouper numbers the steps in time order
    known = ordinal[~np.asarray(parsed.isna())].sort_index(kind="stable")
    freq = check_step(step)
    if len(known):
        # a step far too short for the span (a millisecond over years) is refused
        # before the grouper makes its bins; the readers check each series
        check_span(known.index[0], known.index[-1], freq, _MAX_SPAN_STEPS)
    if (session := session_of(freq)) is not None:  # pandas cannot group by
        # opening hours or days: by the hour or day
        hours = pd.Series(session.step_of(known.index))
        steps = hours.rank(method="dense").astype(np.int64) - 1
    else:
        steps = known.groupby(pd.Grouper(freq=freq, closed="left")).ngroup()
    out = pd.Series(np.nan, index=df.index, name=time_col)
    out.iloc[known.to_numpy()] = steps.to_numpy()
    return out


def _stacked_blocks(
    df: pd.DataFrame, time_col: str, value_col: str | None
) -> np.ndarray | None:
    """The block number of every row when the table's series are stacked one after
    another with no id column (see :func:`identify_series`), else None."""
    if len(df) < 2 * _MIN_BLOCK or not df[time_col].duplicated().any():
        return None  # (stacked series repeat their time cells)
    parsed = _parsed(df, time_col)
    if parsed is None:
        return None
    known = ~np.asarray(parsed.isna())
    t = parsed[known].asi8
    if len(t) < 2 * _MIN_BLOCK or not pd.Index(t).has_duplicates:
        return None
    again = pd.Index(t).duplicated(keep=False)
    for new in (np.r_[True, t[1:] <= t[:-1]], np.r_[True, t[1:] >= t[:-1]]):
        # blocks in increasing time, or each newest first (an export sorted so)
        block = np.cumsum(new) - 1
        sizes = np.bincount(block)
        # each block shares several times with the others: one repeated hour
        # (a clock set back for winter time) starts no series
        overlap = np.bincount(block, weights=again)
        # and none is a few rows sent again under a long series (corrections)
        least = max(_MIN_BLOCK, sizes.max() // 10)
        if len(sizes) >= 2 and sizes.min() >= least and overlap.min() >= _MIN_BLOCK:
            break
    else:
        return None
    restarts = np.flatnonzero(new[1:]) + 1
    if (np.abs(t[restarts - 1] - t[restarts]) < _CLOCK_BACK).all():
        # every start-over goes back under an hour: a clock set back for winter
        # time in readings of a quarter hour or less (repeated times averaged)
        return None
    if value_col is None:
        try:
            value_col, _ = pick_value_column(df, time_col)
        except DataError:
            return None
    values = pd.to_numeric(df[value_col], errors="coerce").to_numpy(float)[known]
    shared = pd.Series(values).groupby(t)
    repeated = shared.size() > 1
    high, low = shared.max()[repeated], shared.min()[repeated]
    scale = np.maximum(np.maximum(high.abs(), low.abs()), 1.0)
    if ((high - low) <= 1e-9 * scale).mean() >= 0.5:
        return None  # the same values again: one series written twice
    out = np.full(len(df), np.nan)
    out[known] = block
    return pd.Series(out).ffill().bfill().to_numpy(int)


_CONTACT = re.compile(r"[^@\s]+@[^@\s]+\.\w+|https?://\S+|www\.\S+")


def _names_events(col: pd.Series, times: pd.Series) -> bool:
    """Whether a text column names single events or people rather than series:
    e-mail addresses or web addresses (a customer's payments are no series to
    forecast), or values whose rows mostly fall at one time each (an order
    number on the order's line items)."""
    text, missing = cell_text(col)
    present = text[~missing.to_numpy()]
    if len(present) and present.iloc[:200].str.fullmatch(_CONTACT).mean() > 0.5:
        return True
    per_value = pd.Series(times.to_numpy()).groupby(text.to_numpy()).nunique()
    return len(per_value) > 1 and float(per_value.median()) < 2


def _unused_text_notes(df: pd.DataFrame, text: list[str]) -> list[str]:
    """A note on the text columns with a few repeated values left unread."""
    few = [c for c in text if 2 <= df[c].nunique(dropna=True) <= len(df) // 2]
    if not few:
        return []
    listed = ", ".join(quote(c) for c in few[:5])
    return [
        f"did not use {plural(len(few), 'text column')} ({listed}); if one "
        "names separate series "
        "(a store, a region...), pick it as the id column (id_cols=..., --id-col, "
        "or Series id columns on the Data page)"
    ]


#: How far back the times of a clock set back for winter time start over (from
#: the last reading of the first pass through the hour to its first again).
_CLOCK_BACK = pd.Timedelta(hours=1).value

#: Fewest rows a value of an id column needs when no timestamp repeats.
_MIN_BLOCK = 3


def _id_candidates(
    df: pd.DataFrame, time_col: str, value_col: str | None
) -> tuple[list[str], list[str]]:
    """The text (or code) columns and the whole-number columns that may be ids.

    Whole-number columns come fewest distinct values first, never the last
    numeric column when no value column is chosen (it holds the values).
    """
    text, whole, numeric = [], [], []
    for c in df.columns:
        if c in (time_col, value_col):
            continue
        dtype = df[c].dtype
        if pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(
            dtype
        ):
            numeric.append(c)
        if pd.api.types.is_bool_dtype(dtype):
            continue
        if pd.api.types.is_integer_dtype(dtype) or _whole_floats(df[c]):
            whole.append(c)
        elif pd.api.types.is_float_dtype(dtype):
            continue
        elif _is_clock_column(df[c]):
            continue  # the end of each reading's interval ("00:15"), no series
        elif not pd.api.types.is_numeric_dtype(dtype) and (
            is_code_column(df[c])
            or is_exponent_code_column(df[c])
            or (
                not looks_like_dates(df[c])
                # item codes 101, 102, X7: mostly numbers, but named as ids
                and (_is_id_name(str(c)) or not _mostly_numbers(df[c], c))
            )
        ):
            text.append(c)
    whole = sorted(whole, key=lambda c: df[c].nunique())
    if value_col is None:
        whole = whole[: max(0, len(numeric) - 1)]
    named = [c for c in whole if _is_id_name(str(c))]
    if text or named:
        # numbers that name series are named so (store, item_nbr, sensor_id);
        # beside such a column, a promo flag or a quantity is no id
        return text, named
    calendar = set(calendar_columns(df, whole))
    return text, [c for c in whole if c not in calendar and not _is_flag(df[c])]


#: Words in the name of a column of numbers that names series.
_ID_WORDS = frozenset(
    re.findall(
        r"\w+",
        "id ids store shop site station sensor meter device region area zone "
        "district country state city location loc branch outlet warehouse dept "
        "department sku item product article category cat group grp cluster segment "
        "customer cust client account acct user household building plant machine "
        "series code key nbr no nr num number unique",
    )
)


def _is_id_name(name: str) -> bool:
    """Whether a column name says its numbers name series: a word of
    ``_ID_WORDS`` ("store_nbr", "ItemID", "sensor id", "storeid"), and not a
    count ("number of visitors")."""
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", name)
    words = [w for w in re.split(r"[^a-z0-9]+", spaced.lower()) if w]
    if "of" in words:
        return False
    return any(
        w in _ID_WORDS or (w.endswith("id") and w[:-2] in _ID_WORDS) for w in words
    )


def numeric_columns(df: pd.DataFrame, time_col: str | None) -> list[str]:
    """The numeric (not boolean) columns besides the time, in table order."""
    return [
        c
        for c in df.columns
        if c != time_col
        and pd.api.types.is_numeric_dtype(df[c].dtype)
        and not pd.api.types.is_bool_dtype(df[c].dtype)
    ]


def constant_id_columns(df: pd.DataFrame, cols: list[str]) -> list[str]:
    """The columns of ``cols`` named like an id ("station", "store_id") holding
    one value in every row: the name of the file's one series, not a series."""
    return [c for c in cols if _is_id_name(str(c)) and df[c].nunique() == 1]


def _is_flag(col: pd.Series) -> bool:
    """Whether a column holds only 0 and 1 (a promotion or holiday flag)."""
    values = pd.unique(col.dropna())
    return len(values) <= 2 and set(values.tolist()) <= {0, 1}


def _dated_ids(df: pd.DataFrame, time_col: str, value_col: str | None) -> list[str]:
    """Text columns of dates whose names are not time names ("cohort", "series")."""
    return [
        c
        for c in df.columns
        if c not in (time_col, value_col)
        and not (is_time_name(c) or has_time_word(c))
        and not pd.api.types.is_numeric_dtype(df[c].dtype)
        and looks_like_dates(df[c])
    ]


def _whole_floats(col: pd.Series) -> bool:
    """Whether a float column holds whole numbers and some empty cells (integer ids
    such as store numbers read as floats because a cell is empty)."""
    if not pd.api.types.is_float_dtype(col.dtype):
        return False
    present = col.dropna()
    # within 2**53: a float beyond (1e300 is "whole" too) is no store number and
    # does not fit an integer column
    return (
        len(present) > 0
        and bool((present.abs() < 2.0**53).all())
        and bool((present == np.round(present)).all())
    )


def _repeating_ids(
    df: pd.DataFrame,
    times: pd.Series,
    text: list[str],
    whole: list[str],
) -> list[str]:
    """Id columns of a table whose timestamps repeat."""
    n = len(df)
    picked: list[str] = []
    for c in text + whole:
        col = df[c]
        distinct = col.nunique(dropna=True)
        if distinct < 2 or distinct > n // 2:
            continue
        if col.groupby(times.to_numpy(), sort=False).nunique().max() < 2:
            continue
        if picked and df.groupby(picked, sort=False)[c].nunique().max() <= 1:
            continue
        picked.append(c)
    return picked


def _may_name_series(df: pd.DataFrame, cols: list[str]) -> bool:
    """Whether any of ``cols`` repeats a few values (as an id column does)."""
    return any(2 <= df[c].nunique(dropna=True) <= len(df) // 2 for c in cols)


def _parsed(df: pd.DataFrame, time_col: str) -> pd.DatetimeIndex | None:
    """The time column parsed, or None when its cells are not dates."""
    try:
        return parse_times(df[time_col], time_col)[0]
    except DataError:
        return None


def _block_ids(
    df: pd.DataFrame,
    time_col: str,
    text: list[str],
    parsed: pd.DatetimeIndex | None = None,
) -> list[str]:
    """Id columns of a table whose timestamps never repeat (series in blocks);
    ``parsed``: the time column parsed, when it already is."""
    picked: list[str] = []
    for c in text:
        if (labelled := _labelled_rows(df[c])) is None:
            continue
        labels, sizes = labelled
        if picked and df.groupby(picked, sort=False)[c].nunique().max() <= 1:
            continue
        if parsed is None:
            parsed = _parsed(df, time_col)
            if parsed is None:
                return picked
        runs = int((labels != labels.shift()).sum())
        if runs == len(sizes):
            # one block per label: series one after another, unless the blocks
            # continue one regular series (a label such as "actual"/"estimated"
            # describes its rows; the note names the column to pick instead)
            known = _known(parsed)
            if not known.has_duplicates and strictly_regular(known.sort_values()):
                continue
        elif not _interleaved(parsed, labels):
            continue
        picked.append(c)
    return picked


def _labelled_rows(col: pd.Series) -> tuple[pd.Series, pd.Series] | None:
    """A text column's labels and the rows each holds, when every row has one
    (a column with gaps is a comment, not an id) and there are at least two,
    each on ``_MIN_BLOCK`` rows or more; else None."""
    labels, missing = cell_text(col)
    if missing.any():
        return None
    sizes = labels.value_counts(sort=False)
    if len(sizes) < 2 or sizes.min() < _MIN_BLOCK:
        return None
    return labels, sizes


def _overlapping_blocks(df: pd.DataFrame, time_col: str, text: list[str]) -> list[str]:
    """The first text column (no empty cell) whose values come in one block of
    rows each, at least ``_MIN_BLOCK`` rows and two values, whose times all run
    over a common stretch (each block reaches past the latest start): series
    stacked one after another over the same period. Blocks one after another
    in time (a label such as "actual"/"estimated") are one series."""
    parsed = None
    for c in text:
        if (labelled := _labelled_rows(df[c])) is None:
            continue
        labels, sizes = labelled
        if int((labels != labels.shift()).sum()) != len(sizes):
            continue  # not one block per value
        parsed = _parsed(df, time_col) if parsed is None else parsed
        if parsed is None:
            return []
        spans = (
            pd.Series(parsed, index=df.index)
            .groupby(labels.to_numpy())
            .agg(["min", "max"])
        )
        if spans["min"].max() < spans["max"].min():
            return [c]
    return []


def _known(times: pd.DatetimeIndex) -> pd.DatetimeIndex:
    return times[~np.asarray(times.isna())]


def _interleaved(times: pd.DatetimeIndex, labels: pd.Series) -> bool:
    """Whether each label's times are regular while all the times together are not."""
    ok = ~np.asarray(times.isna())
    times, labels = times[ok], labels.to_numpy()[ok]
    if strictly_regular(times.unique().sort_values()):
        return False  # one regular series; the column describes its rows
    for label in pd.unique(labels):
        own = times[labels == label]
        if own.has_duplicates or not strictly_regular(own.sort_values()):
            return False
    return True


def _check_mixed_ids(name: str, col: pd.Series, text: pd.Series) -> None:
    """Refuse ids of different types that read as the same text (the number 1
    and the text "1" of frames put together): they would merge two series and
    average their values.

    Raises:
        DataError: such ids (the message names one).
    """
    mixed = ("mixed", "mixed-integer", "mixed-integer-float")
    if col.dtype != object or pd.api.types.infer_dtype(col, skipna=True) not in mixed:
        return
    known = col.notna()
    kinds = col[known].map(lambda v: type(v).__name__)
    pairs = pd.DataFrame({"text": text[known], "kind": kinds})
    counts = pairs.groupby("text")["kind"].nunique()
    clash = counts[counts > 1]
    if len(clash):
        first = clash.index[0]
        types = " and ".join(sorted(pairs.loc[pairs["text"] == first, "kind"].unique()))
        raise DataError(
            f"column {quote(name)}: ids of different types ({types}) read as the "
            f"same id {quote(first)}, which would merge two series into one; make "
            "the column one type (all text, or all numbers) before reading it"
        )


def _one_spelling(text: pd.Series, column: str, notes: list[str] | None) -> pd.Series:
    """``text`` with each id written in other capitals as its most common
    spelling (a note in ``notes`` says which)."""
    folded = text.str.casefold()
    if folded.nunique() == text.nunique():
        return text
    counts = text.value_counts(sort=True)
    main = {}
    for spelling in counts.index:  # most common first
        main.setdefault(spelling.casefold(), spelling)
    merged = folded.map(main)
    changed = merged != text
    if notes is not None:
        first = text[changed].iloc[0]
        notes.append(
            f"column {quote(column)}: read {plural(int(changed.sum()), 'row')} "
            f"written in other capitals as their most common spelling (such as "
            f"{quote(first)} as {quote(merged[changed].iloc[0])})"
        )
    return merged


def series_names(
    df: pd.DataFrame, id_cols: list[str], notes: list[str] | None = None
) -> pd.Series:
    """The series name of every row: its id values as text joined with " / ".
    An id written in other capitals in some rows ("ÎLE-DE-FRANCE" beside
    "Île-de-France") is read as its most common spelling, said in ``notes``."""
    parts = []
    for c in id_cols:
        col = df[c]
        if _whole_floats(col):
            col = col.astype("Int64")  # store 3, not 3.0
        text = col.astype(str).str.strip()
        text = text.where(col.notna() & (text != ""), EMPTY_ID)
        _check_mixed_ids(c, col, text)
        text = _one_spelling(text.reset_index(drop=True), c, notes)
        parts.append(text)
    names = parts[0]
    for part in parts[1:]:
        names = names + ID_SEPARATOR + part
    if len(parts) > 1 and any(
        p.str.contains(ID_SEPARATOR, regex=False).any() for p in parts
    ):
        keys = pd.concat(parts, axis=1).drop_duplicates()
        joined = names.loc[keys.index]
        if joined.duplicated().any():
            shared = joined[joined.duplicated(keep=False)]
            raise DataError(
                f"two different series would both be named {quote(shared.iloc[0])}: "
                f"the id values hold {quote(ID_SEPARATOR)}, which joins the values "
                "of several id columns; replace it in the file, or pick one id "
                "column"
            )
    return names
