"""Time cells to timestamps: ISO 8601 (with time zones), day/month and month/day,
month names, quarters such as "1956Q1", ISO weeks such as "2020-W05", years,
YYYYMMDD numbers, Unix time (seconds to nanoseconds) and Excel serial day numbers.
"""

from __future__ import annotations

import re
import warnings
from typing import Any

import numpy as np
import pandas as pd

from ..errors import DataError
from .cells import CLOCK, MONTHS, TIME_CHOICE, cell_text, format_time, plural, quote
from .frequency import infer_freq, opening_hours_of, strictly_regular

_TZ_SUFFIX = re.compile(r"(?:Z|[+-]\d{2}:?\d{2})$")
# Quarters: "1956Q1", "1956 Q1", "1956:Q1", "Q1 1956", the number first as
# finance writes it ("1Q19", "1Q 2019", "2019 1Q"), a two-digit year after the
# quarter ("Q1'19", "Q1-19"), and fiscal ones: "FY2015 Q1", "FY15-Q1", "Q1 FY2015"
# (a two-digit year read as strptime's %y does)
_YEAR_OR_FY = r"(?:\d{4}|[Ff][Yy]\s*'?(?:\d{4}|\d{2}))"
# ... and in words: "Qtr 1 2019", "Quarter 1, 2019", "1st quarter 2019", "2019 Qtr1"
_Q_WORD = r"[Qq](?i:tr\.?|uarter)?"
_Q_OF = (
    rf"(?:{_Q_WORD}\s*(?P<{{0}}>[1-4])"
    rf"|(?P<{{1}}>[1-4])(?i:st|nd|rd|th)?\s*{_Q_WORD}"
    rf"|(?P<{{2}}>(?i:first|second|third|fourth))\s+{_Q_WORD})"
)
_QUARTER = re.compile(
    rf"^(?:(?P<y1>{_YEAR_OR_FY})\s*[-/:, ]?\s*{_Q_OF.format('q1', 'q2', 'w1')}"
    rf"|{_Q_OF.format('q3', 'q4', 'w2')}(?:\s+(?i:of))?\s*[-/, ]?\s*"
    rf"(?P<y2>{_YEAR_OR_FY}|'?\d{{2}}))$"
)
_QUARTER_WORDS = {"first": "1", "second": "2", "third": "3", "fourth": "4"}
# ISO 8601 weeks: "2020-W05", "2020W05", "2020-W05-3" (weekday 1-7, Monday first)
_YEAR_WEEK = re.compile(r"^(\d{4})-(\d{2})$")
_ISO_WEEK = re.compile(r"^(\d{4})-?[Ww](\d{2})(?:-?([1-7]))?$")
# Week labels: "KW 01/2022" (German Kalenderwoche), "W01 2022", "Week 1, 2022",
# "Wk 5-2022": read as ISO weeks
_WEEK_LABEL = re.compile(
    r"^(?:KW|Wk|Week|W)\s*\.?\s*(\d{1,2})\s*(?:[/,-]\s*|\s+)(\d{4})$", re.IGNORECASE
)
# A fiscal year alone: "FY2015", "FY 2015", "FY15"
_FY_YEAR = re.compile(r"^[Ff][Yy]\s*'?(\d{4}|\d{2})$")
# Fiscal years written by the two calendar years they span: "2000-01",
# "2000/01", "2000-2001", "FY2000-01"; read as the year they start in
_FISCAL = re.compile(r"^(?:FY\s*)?(\d{4})\s*[-/]\s*(\d{2}|\d{4})$", re.IGNORECASE)
# Mixed-format dates go through dateutil cell by cell; only for small columns.
_MIXED_MAX = 50_000
# Formats that fit both ways round; the more regular reading wins.
_AMBIGUOUS = ("day-first", "month-first")


def _date_formats() -> list[tuple[str, str]]:
    """Candidate formats as ``(label, strftime format)``, in the order tried."""
    out: list[tuple[str, str]] = []
    # 12-hour clocks ("1/1/2023 1:00 PM", as US spreadsheets write them) too
    times = ("", " %H:%M", " %H:%M:%S", " %I:%M %p", " %I:%M:%S %p")
    for sep in ("/", ".", "-"):
        for year in ("%Y", "%y"):
            for t in times:
                out.append(("day-first", f"%d{sep}%m{sep}{year}{t}"))
                out.append(("month-first", f"%m{sep}%d{sep}{year}{t}"))
    for fmt in (
        "%Y/%m/%d",
        "%Y/%m/%d %H:%M",
        "%Y/%m/%d %H:%M:%S",
        "%Y/%m",
        "%Y.%m.%d",
        "%Y.%m",
        "%m/%Y",
        "%m.%Y",
        "%m-%Y",
        "%YM%m",
        "%Y-M%m",
        "%Y%m%d",
        "%Y%m",
        "%b %Y",
        "%B %Y",
        "%b-%Y",
        "%b-%y",
        "%B-%Y",
        # two-digit years after a month's name: "Jan 23", "January 23", "Jan '23"
        "%b %y",
        "%B %y",
        "%B-%y",
        "%b '%y",
        "%B '%y",
        # no space between: "Jan2023", and Excel's "mmmyy" ("Jan23")
        "%b%Y",
        "%B%Y",
        "%b%y",
        "%b/%Y",
        "%b/%y",
        # a month and a two-digit year ("01/19", as card expiry dates are written)
        "%m/%y",
        "%Y %b",
        "%Y-%b",
        "%Y %B",
        "%b %d, %Y",
        "%B %d, %Y",
        "%d %b %Y",
        "%d %B %Y",
        "%d-%b-%Y",
        "%d-%b-%y",
        "%d %b %Y %H:%M",
        "%d %b %Y %H:%M:%S",
        "%d %B %Y %H:%M",
        "%d-%b-%Y %H:%M",
        "%d-%b-%Y %H:%M:%S",
        "%b %d, %Y %H:%M",
    ):
        out.append(("format", fmt))
    return out


_FORMATS = _date_formats()


def parse_times(
    raw: pd.Series | pd.Index, name: str, groups: Any = None, *, local: bool = False
) -> tuple[pd.DatetimeIndex, list[str]]:
    """Parse a time column into naive timestamps (NaT for empty cells).

    Times written with a UTC offset (or a tz-aware column) keep their local
    wall-clock times when the data are daily or coarser (one clock time, so
    converting them to UTC would move them off their day), else they are
    converted to UTC (regular across DST changes). With ``groups`` the data are
    daily when each group has one clock time: the series of a panel recorded at
    midnight in different time zones, or at different hours, keep their days.

    Args:
        raw: the cells: text, numbers (years, YYYYMMDD), datetimes or periods.
        name: the column name, for messages.
        groups: the series each cell belongs to (same length as ``raw``), or
            None for one series (or several sharing the column, as in a wide
            table).

    Returns:
        ``(times, notes)``: the timestamps, one per cell, and plain-language notes
        on how they were read (format, time zone dropped, ...).

    Raises:
        DataError: cells that are not dates (names column, count, first row).
    """
    if groups is not None:
        groups = np.asarray(groups, dtype=object)
        if len(groups) != len(raw):
            raise ValueError("groups must have one label per time cell")
    typed = _typed_times(raw, name, groups)
    if typed is not None:
        return typed
    series = pd.Series(raw).reset_index(drop=True)
    text, empty = cell_text(series)
    totals = _total_rows(text, empty)
    if totals is not None:
        empty = empty | totals
        first = int(np.flatnonzero(totals.to_numpy())[0])
        notes_first = [
            f"left out {plural(int(totals.sum()), 'row')} at the end of the file from "
            f"row {first + 2} ({quote(text.iloc[first])} in column {quote(name)}): "
            f"{TOTALS_LEFT_OUT}"
        ]
    else:
        notes_first = []
    present = text[~empty]
    if len(present) == 0:
        raise DataError(f"column {quote(name)} has no dates: every cell is empty")
    own = None if groups is None else groups[present.index.to_numpy()]
    decimal = _decimal_year_text(present, name)
    if decimal is not None:
        out = pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns]")
        out[present.index] = decimal[0].to_numpy()
        return pd.DatetimeIndex(out), notes_first + [decimal[1]]
    dotted = _dotted_quarters(present, name)
    if dotted is not None:
        out = pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns]")
        out[present.index] = dotted[0].to_numpy()
        return pd.DatetimeIndex(out), notes_first + [dotted[1]]
    present, october = _decimal_months(present, name)
    if present.str.fullmatch(r"[12]\d{3}_\d{1,2}(?:_\d{1,2})?").all():
        present = present.str.replace("_", "-")  # "2019_01", as files are named
    present, weeks = _year_week_digits(present, name)
    parsed, notes = _text_times(present, name, own, local=local)
    notes = october + weeks + notes
    out = pd.Series(pd.NaT, index=text.index, dtype=parsed.dtype)
    out[present.index] = parsed.to_numpy()
    return pd.DatetimeIndex(out), notes_first + notes


#: Steps of decimal years (in years) and how a fraction of a year maps to the
#: step's start: months, quarters, years.
_DECIMAL_STEPS = (("monthly", 1 / 12, 12), ("quarterly", 1 / 4, 4), ("yearly", 1.0, 1))


def _decimal_year_text(present: pd.Series, name: str) -> tuple[pd.Series, str] | None:
    """Times written as decimal years ("1850.0417", "1850.125", "1850.5") read as
    the month, quarter or year they fall in, with a note; None when the cells are
    not such years. Cells such as "2018.01" .. "2018.12" are months
    (:func:`_decimal_months`) unless a fraction has three digits or more, or
    every cell has the same fraction (a yearly series stamped mid-year)."""
    if not present.str.fullmatch(r"[12]\d{3}\.\d+").all():
        return None
    fractions = present.str.split(".").str[1]
    one_fraction = fractions.nunique() == 1 and len(present) > 1
    if not one_fraction and not (fractions.str.len() >= 3).any():
        return None
    read = _decimal_years(present.astype(float).to_numpy(), name)
    if read is None:
        return None
    return pd.Series(read[0].to_numpy(), index=present.index), read[1]


def _decimal_years(v: np.ndarray, name: str) -> tuple[pd.Series, str] | None:
    """:func:`_decimal_year_text` for numbers: years 1000-2999 with fractions, on
    a step of a month, a quarter or a year; None otherwise."""
    finite = v[np.isfinite(v)]
    if len(finite) < 3 or finite.min() < 1000 or finite.max() >= 3000:
        return None
    if (finite == np.round(finite)).all():
        return None
    step = float(np.median(np.diff(np.unique(finite))))
    for label, length, parts in _DECIMAL_STEPS:
        if abs(step - length) > 0.1 * length:
            continue
        year = np.floor(v)
        part = np.floor((v - year) * parts + 0.02).clip(0, parts - 1)
        month = (part * (12 // parts) + 1).astype("float")
        text = pd.Series(
            [
                f"{int(y):04d}-{int(m):02d}-01" if np.isfinite(y) else ""
                for y, m in zip(year, month, strict=True)
            ],
            dtype=str,
        )
        times = pd.to_datetime(text, format="%Y-%m-%d", errors="coerce")
        if (
            times[np.isfinite(v)].duplicated().sum()
            > pd.Series(finite).duplicated().sum()
        ):
            return None  # two different fractions in one step: not this step
        at = int(np.flatnonzero(np.isfinite(v) & (v != np.floor(v)))[0])
        return times, (
            f"read column {quote(name)} as decimal years, {label} "
            f"({v[at]:.6g} as {format_time(times.iloc[at])})"
        )
    return None


#: A column named for quarters ("Quarter", "qtr", "Quartal", "trimestre").
_QUARTER_NAME = re.compile(r"quart|qtr|trimest|kwartaal|^q$", re.IGNORECASE)


def _dotted_quarters(present: pd.Series, name: str) -> tuple[pd.Series, str] | None:
    """Quarters written year.quarter ("2019.1" .. "2019.4", as some statistics
    tables and spreadsheets write them) read as the quarters' starts, with a
    note; None unless every cell (text) has that form and the column is named
    for quarters or its quarters run past a year's end (read as months they
    would be January to April of each year only). A column whose cells all
    share one quarter is a yearly series stamped in it
    (:func:`_decimal_year_text`)."""
    if not len(present) or not present.str.fullmatch(r"[12]\d{3}\.[1-4]").all():
        return None
    year = present.str[:4].astype(int)
    quarter = present.str[5:].astype(int)
    if quarter.nunique() < 2:
        return None
    order = np.argsort((year * 4 + quarter).to_numpy(), kind="stable")
    wraps = bool((np.diff(year.to_numpy()[order]) > 0).any())
    if not wraps and not _QUARTER_NAME.search(str(name).strip()):
        return None
    times = pd.to_datetime(
        {"year": year, "month": (quarter - 1) * 3 + 1, "day": 1}, errors="coerce"
    )
    return times, (
        f"read column {quote(name)} as quarters written year.quarter "
        f"({quote(present.iloc[0])} as {format_time(times.iloc[0])})"
    )


_YEAR_WEEK_DIGITS = re.compile(r"([12]\d{3})(0[1-9]|[1-4]\d|5[0-3])")


def _year_week_digits(present: pd.Series, name: str) -> tuple[pd.Series, list[str]]:
    """Weeks written as six digits YYYYWW ("201940", as surveillance systems
    label epidemiological weeks) as ISO weeks "2019-W40", with a note: when the
    column is named for weeks or a week number passes 12 (else YYYYMM months
    are meant)."""
    parts = present.str.fullmatch(_YEAR_WEEK_DIGITS)
    if not parts.all():
        return present, []
    week = present.str[4:].astype(int)
    named = re.search(r"week|wk|yw|kw|semaine|semana|woche", name.lower())
    if not named and week.max() <= 12:
        return present, []
    out = present.str[:4] + "-W" + present.str[4:]
    return out, [f"read column {quote(name)} as ISO weeks written YYYYWW"]


def _decimal_months(present: pd.Series, name: str) -> tuple[pd.Series, list[str]]:
    """Months written as decimals of the year ("2018.01" .. "2018.12") where a
    spreadsheet dropped October's trailing zero ("2018.1"): those read as
    October (``%Y.%m`` would read them as January), with a note. Only when the
    column writes its other months with two digits and holds no "YYYY.10"."""
    year_month = present.str.fullmatch(r"\d{4}\.(?:0[1-9]|1[0-2]|1)")
    if not year_month.all():
        return present, []
    short = present.str.fullmatch(r"\d{4}\.1")
    if not short.any() or present.str.fullmatch(r"\d{4}\.10").any():
        return present, []
    if not present.str.fullmatch(r"\d{4}\.(?:09|11)").any():
        return present, []  # nothing says the months run past September
    fixed = present.where(~short, present + "0")
    return fixed, [
        f"read {plural(int(short.sum()), 'cell')} of column {quote(name)} such as "
        f"{quote(present[short].iloc[0])} as October (a spreadsheet writes the "
        "month 2018.10 as the number 2018.1)"
    ]


#: How the note on summary rows left out under the data ends (the rows are
#: then dropped without a time, which the reader need not say again).
TOTALS_LEFT_OUT = "totals, averages or notes, not times"

#: A time cell that starts a summary row under the data ("Total", "Grand total",
#: "Sum", "Average", "Max", and their German, French, Spanish, Dutch, Chinese,
#: Japanese and Korean words), or a note under it ("Source: ...", "* provisional").
_TOTAL_WORD = re.compile(
    r"(?:grand\s+|sub-?)?(?:totals?|sum|sums|summe|gesamt|gesamtergebnis|insgesamt|"
    r"average|avg|mean|ytd|qtd|mtd|year[\s-]+to[\s-]+date|"
    r"mittelwert|durchschnitt|moyenne|promedio|totaal|gemiddelde|"
    r"min|minimum|max|maximum|median|count|std|"
    # notes under a table: "Source: ERP export", "Quelle: ...", "* provisional"
    r"sources?|quelle|notes?|footnotes?|remarks?|hinweis|anmerkung|copyright|"
    # when the table was made: "Stand: 10.01.2024" (Destatis), "As of ..."
    r"stand|as\s+of|last\s+updated|updated|generated|exported|"
    r"合计|合計|总计|總計|総計|小计|小計|平均|汇总|匯總|총계|합계|평균)\b.*|[©*].*"
    # a rule under the table ("__________") and "(C)opyright ..."
    r"|[_\-=~]{3,}|\(c\).*"
    # a sentence without a digit: "Data are provisional and subject to change."
    r"|[^\d]*?[^\W\d_]{2,}\s+[^\W\d_]{2,}\s+[^\W\d_]{2,}[^\d]*",
    re.IGNORECASE,
)
#: An interval written as its start and end, both with a clock time, a dash with
#: spaces between ("20.10.2023 00:00 - 20.10.2023 00:15"; ENTSO-E writes its MTU
#: so; "2023-01-01T00:00-05:00" is one time with its UTC offset).
#: A clock time may carry the name of its zone in brackets, as ENTSO-E marks
#: the hour repeated in autumn ("02:00 (CEST)", then "02:00 (CET)").
_RANGE = re.compile(
    r"(\S.*?\d{1,2}:\d{2}(?::\d{2})?)(?:\s*\([A-Z]{2,5}\))?\s+[-–]\s+"
    r"(\S.*\d{1,2}:\d{2}(?::\d{2})?)(?:\s*\([A-Z]{2,5}\))?"
)

#: Most summary rows left out at the end of a time column.
_MAX_TOTAL_ROWS = 6


#: A cell that names a whole year or quarter ("2018", "Q1 2018", "2018 Q1"):
#: among finer times, the row of its total (:func:`_coarser_labels`).
_YEAR_CELL = re.compile(r"\d{4}")


def _coarser_labels(present: pd.Series, parsed: pd.Series) -> pd.Series:
    """The cells of ``present`` that name a year or a quarter ("2018", "Q1
    2018") among at least twice as many finer ones in as many months or more
    (2018-01, "Jan 2018", 2018-01-31): subtotal rows; all False otherwise."""
    year = present.str.fullmatch(_YEAR_CELL)
    quarter = present.str.fullmatch(_QUARTER) & ~year
    coarse = year | quarter
    finer = ~coarse & parsed.notna()
    if not coarse.any() or finer.sum() < 2 * coarse.sum():
        return coarse & False
    months = pd.DatetimeIndex(parsed[finer])
    if months.to_period("M").nunique() < 2 * coarse.sum():
        return coarse & False  # the finer cells are no months (days of one month?)
    # under the months they sum, most of them: not a block of years before
    # the months (a long history kept yearly, then monthly)
    under = coarse & finer.shift(1, fill_value=False)
    return coarse if 2 * under.sum() >= coarse.sum() else coarse & False


def _coarser_words(cells: pd.Series) -> str:
    """ "a year", "a quarter" or "a year or quarter" for the cells of
    :func:`_coarser_labels`."""
    year = cells.str.fullmatch(_YEAR_CELL)
    return (
        "a year or quarter"
        if 0 < year.sum() < len(cells)
        else ("a year" if year.all() else "a quarter")
    )


def is_summary_text(cell: str) -> bool:
    """Whether a cell's text starts a summary row or a note under a table
    ("Total", "Source: ...", "__________", "(C)opyright ...")."""
    return bool(_TOTAL_WORD.fullmatch(str(cell).strip()))


def _total_rows(text: pd.Series, empty: pd.Series) -> pd.Series | None:
    """The summary rows ("Total", "Average"...) after the last time of a column
    (at most ``_MAX_TOTAL_ROWS``, with at least two times above them); None when
    there are none."""
    present = np.flatnonzero(~empty.to_numpy())
    if len(present) < 3:
        return None
    tail = present[-_MAX_TOTAL_ROWS - 1 :]
    words = text.iloc[tail].str.fullmatch(_TOTAL_WORD).to_numpy()
    if not words[-1]:
        return None
    # the summary rows are the last cells, one block; a time stands above them
    k = len(words) - int(np.argmin(words[::-1])) if not words.all() else 0
    if k == 0:
        return None
    mask = pd.Series(False, index=text.index)
    mask.iloc[tail[k:]] = True
    return mask


_END_OF_DAY = re.compile(r"(.*\d)[ T]24:00(:00)?")


def _text_times(
    present: pd.Series,
    name: str,
    groups: np.ndarray | None = None,
    *,
    local: bool = False,
) -> tuple[pd.Series, list[str]]:
    """The non-empty text cells of a time column as timestamps, with notes
    (``local``: times with UTC offsets keep their local clock, see
    :func:`_local_or_utc`).

    Raises:
        DataError: cells that are not dates.
    """
    written = present  # the cells as written, for messages
    present = _month_words(_cjk_dates(present))
    numbers = _numbers_as_text(present)
    if numbers is not None and (numbers < 0).any():
        # ISO 8601 would read "-100" as the year 100 BC
        pos = int(np.argmax(numbers < 0))
        raise _not_dates(name, int(present.index[pos]) + 2, present.iloc[pos])
    if numbers is not None:
        stamps = _digit_stamps(numbers, name)
        if stamps is not None:
            return pd.Series(stamps[0].to_numpy(), index=present.index), [stamps[1]]
        counted = _counted_times(numbers, name)
        if counted is not None:
            return counted[0], [counted[1]]
        if (numbers == np.round(numbers)).all() and present.str.contains(
            ".", regex=False
        ).any():
            # whole numbers written as floats ("1990.0"): years or YYYYMMDD
            times, notes = _number_times(pd.Series(numbers), name)
            return pd.Series(times, index=present.index), notes
    if (
        present.iloc[:100].str.fullmatch(CLOCK).all()
        and present.str.fullmatch(CLOCK).all()
    ):
        # read as dates, clock times fall on the day they are read (today)
        raise DataError(
            f"column {quote(name)} holds times of day (such as "
            f"{quote(present.iloc[0])}) but no dates; write the date in each cell "
            "(2024-01-31 13:00), or keep the dates in a column of their own beside "
            "it"
        )
    notes: list[str] = []
    ranges = present.str.fullmatch(_RANGE)
    if ranges.all():
        # "20.10.2023 00:00 - 20.10.2023 00:15" (ENTSO-E's MTU): each reading is
        # dated by the start of its interval
        present = present.str.replace(_RANGE, r"\1", regex=True)
        notes.append(
            f"read the intervals in column {quote(name)} (such as "
            f"{quote(written.iloc[0])}) by their starts"
        )
    # "2023-01-01 24:00", the end of a day as some meters write it: the next
    # day's midnight
    midnight = present.str.fullmatch(_END_OF_DAY).to_numpy(bool)
    if midnight.any():
        present = present.str.replace(_END_OF_DAY, r"\1 00:00\2", regex=True)
    fmt = _choose_format(present, name, notes)
    parsed = _try_format(present, fmt)
    if fmt in _MONTH_YY and len(parsed) > 2 and _days_as_years(parsed):
        # "Feb 01", "Feb 02", ... are days of one month, not the years 2001, 2002
        raise _no_year(name, present)
    if midnight.any():
        parsed = parsed.where(~midnight, parsed + pd.Timedelta(days=1))
        notes.append(
            f"read {plural(int(midnight.sum()), 'time')} of 24:00 in column "
            f"{quote(name)} as midnight of the next day"
        )
    if fmt == "ISO8601":
        # every cell: in a panel sorted by series, the offsets may start late
        zoned = present.str.contains(_TZ_SUFFIX).to_numpy()
        if zoned.any():
            parsed = _local_or_utc(
                present, parsed, zoned, name, notes, groups, local=local
            )
    parsed = _read_leftovers(present, parsed, name, notes)
    parsed = _model_calendar(present, parsed, fmt, name, notes)
    yearless = (parsed.dt.year < 1000).to_numpy()
    if yearless.any():
        # a cell read on its own without a year ("01 Feb") lands in the year 1
        raise _no_year(name, present[yearless])
    subtotals = _coarser_labels(present, parsed)
    if subtotals.any():
        # a year's or quarter's rows among monthly ones ("2018" after each
        # December, "Q1 2018" after each March): their totals, left out
        pos = int(subtotals.to_numpy().argmax())
        notes.append(
            f"left out {plural(int(subtotals.sum()), 'row')} among the times from "
            f"row {int(present.index[pos]) + 2} ({quote(written.iloc[pos])} in "
            f"column {quote(name)}), {_coarser_words(present[subtotals])} among "
            f"finer times: "
            f"{TOTALS_LEFT_OUT}"
        )
        parsed = parsed.mask(subtotals)
    bad = parsed.isna() & ~subtotals
    if (
        bad.any()
        and bad.mean() <= 0.2
        and written[bad].str.fullmatch(_TOTAL_WORD).all()
    ):
        # subtotal rows between the times ("Total 2020" after each December):
        # left out (NaT: their rows are dropped as rows without a time)
        pos = int(bad.to_numpy().argmax())
        notes.append(
            f"left out {plural(int(bad.sum()), 'row')} among the times from row "
            f"{int(present.index[pos]) + 2} ({quote(written.iloc[pos])} in column "
            f"{quote(name)}): totals, averages or notes, not times"
        )
        bad = bad & False
    if bad.any():
        n_bad = int(bad.sum())
        pos = int(bad.to_numpy().argmax())
        row = int(present.index[pos]) + 2
        raise DataError(
            f"column {quote(name)}: {n_bad} of {len(present)} cells are not dates "
            f"(first at row {row}: {quote(written.iloc[pos])}); write dates in one "
            "format such as 2020-01-31 or 2020-01-31 13:00"
            + number_time_hint(present, name)
            + _week_53_hint(written[bad])
            + _no_such_day_hint(written[bad])
        )
    return parsed, notes


_ISO_DAY = re.compile(r"\s*(\d{4})-(\d{1,2})-(\d{1,2})(.*)")


def _model_calendar(
    present: pd.Series, parsed: pd.Series, fmt: str, name: str, notes: list[str]
) -> pd.Series:
    """``parsed`` with the dates of a 360-day calendar read: 30 days in every
    month, as climate models keep time, so February has a 29th and a 30th in
    every year ("1990-02-30"). Those cells are read as the last day of their
    February, with a note; the calendar's other days are real dates already.

    Only a column that looks like such a calendar throughout is read this way:
    every cell the format missed is a 29th or 30th of February, every February in
    the column has a 30th, and no day is a 31st. One mistyped "2021-02-30" among
    real dates stays an error."""
    bad = parsed.isna()
    if not bad.any():
        return parsed
    parts = present[bad].str.fullmatch(_ISO_DAY.pattern)
    if not parts.all():
        return parsed
    cells = present[bad].str.extract(_ISO_DAY)
    year, month, day = (cells[i].astype(int) for i in range(3))
    if not ((month == 2) & day.isin([29, 30])).all():
        return parsed
    good = parsed[~bad]
    if (good.dt.day == 31).any():
        return parsed
    februaries = set(good[good.dt.month == 2].dt.year) | set(year)
    if not februaries <= set(year[day == 30]):
        return parsed
    last = np.where(
        pd.DatetimeIndex(pd.to_datetime(year.astype(str))).is_leap_year, 29, 28
    )
    fixed = (
        year.astype(str).str.zfill(4)
        + "-02-"
        + pd.Series(last, index=year.index).astype(str)
        + cells[3].fillna("")
    )
    read = _try_format(fixed, fmt)
    if read.isna().any():
        return parsed
    parsed = parsed.copy()
    parsed[bad] = read
    note = (
        f"read column {quote(name)} as a 360-day calendar (30 days in every month, "
        f"as climate models keep time): {plural(int(bad.sum()), 'date')} such as "
        f"{quote(present[bad].iloc[0])} as the last day of their February"
    )
    if parsed.dt.to_period("M").duplicated().any():
        note += (
            "; its days are not the real calendar's (no 31sts, and February's last "
            "days share one date), so read it in monthly steps for exact monthly values"
        )
    notes.append(note)
    return parsed


_WEEK_53 = re.compile(r"(\d{4})-?W?53", re.IGNORECASE)


def _week_53_hint(cells: pd.Series) -> str:
    """For week labels "2014-W53" of a year without an ISO week 53: what they
    may be instead (MMWR weeks, which number some other years to 53)."""
    match = cells.str.fullmatch(_WEEK_53)
    if not match.any():
        return ""
    year = cells[match].iloc[0].strip()[:4]
    return (
        f". {year} has no ISO week 53 (ISO weeks run Monday to Sunday); if these "
        "are MMWR (CDC) weeks, which run Sunday to Saturday, give the year and "
        "the week in two columns named 'MMWR year' and 'MMWR week'"
    )


#: A date written year-month-day ("2019-02-30", "2019/2/30").
_YMD = re.compile(r"\s*(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T].*)?")


def _no_such_day_hint(cells: pd.Series) -> str:
    """For a date written year-month-day whose day its month does not have
    ("2019-02-30", a typo): which cell to fix, not which format to use."""
    for cell in cells:
        match = _YMD.fullmatch(str(cell))
        if match is None:
            continue
        year, month, day = (int(g) for g in match.groups())
        if not (1 <= month <= 12 and 1678 <= year <= 2261):
            continue
        when = pd.Timestamp(year=year, month=month, day=1)
        last = when.days_in_month
        if day > last:
            return (
                f". {quote(str(cell).strip())} names a day {when:%B %Y} does not "
                f"have (it has {last} days): correct that cell"
            )
    return ""


#: Formats of a month's name and a two-digit year ("Jan 23"), which also fit a
#: day of the month written without a year ("Feb 01").
_NAME_YY = ("%b %y", "%B %y", "%B-%y", "%b '%y", "%B '%y", "%b-%y", "%b%y", "%b/%y")
#: Formats of a month and a two-digit year that also fit a day of a month
#: without a year ("Feb 01", "01/19"): kept only where the months run on
#: (:func:`_days_as_years`).
_MONTH_YY = (*_NAME_YY, "%m/%y")


def _days_as_years(parsed: pd.Series) -> bool:
    """Whether months read with two-digit years ("Feb 01", "Jan18") are days of
    the month without a year: all in one month, or, row after row, a year apart
    within a month (Jan 01, Jan 02, ... read as 2001, 2002, ...)."""
    if parsed.dt.month.nunique() == 1:
        return True
    months = (parsed.dt.year * 12 + parsed.dt.month).dropna().to_numpy()
    steps = np.abs(np.diff(months))
    return bool(len(steps) and np.median(steps) >= 12)


def _no_year(name: str, cells: pd.Series) -> DataError:
    early = cells.astype(str).str.strip().str.fullmatch(r"0\d{3}(?:\D.*)?")
    if early.any():
        return DataError(
            f"column {quote(name)} holds years before 1000 (such as "
            f"{quote(cells[early].iloc[0])}): the reader reads years from 1000 on; "
            "keep the rows from 1000, or shift every year by 1000 (0850 as 1850) "
            "and read the forecast's years back the same way"
        )
    return DataError(
        f"column {quote(name)} holds dates without a year (such as "
        f"{quote(cells.iloc[0])}); write the year in each cell (2023-02-01, "
        "Feb 2023 or Feb 23 for a month)"
    )


def _utc_note(name: str) -> str:
    return f"{_UTC_NOTE[0]}{quote(name)}{_UTC_NOTE[1]}"


#: The words around the column's name in the note on times converted to UTC.
_UTC_NOTE = ("converted the times in column ", " to UTC and dropped the time zone")


def in_utc(notes: list[str]) -> bool:
    """Whether the reader's ``notes`` say it converted the times to UTC (times
    written with UTC offsets that change, as across a clock change): the data's
    times, and the forecasts', are then UTC."""
    return any(n.startswith(_UTC_NOTE[0]) and n.endswith(_UTC_NOTE[1]) for n in notes)


def _local_note(name: str) -> str:
    return (
        f"dropped the time zone of the dates in column {quote(name)} and kept their "
        "local dates as written (the data are daily or coarser, so converting "
        "them to UTC would move them off their day)"
    )


def _one_time_of_day(wall: pd.Series, groups: np.ndarray | None = None) -> bool:
    """Whether every timestamp has the same clock time (in each group, with
    ``groups``): daily or coarser data."""
    known = wall.notna().to_numpy()
    if not known.any():
        return False
    clock = (wall - wall.dt.normalize())[known]
    if groups is None:
        return clock.nunique() == 1
    return bool(clock.groupby(groups[known], sort=False).nunique().max() == 1)


def _local_or_utc(
    present: pd.Series,
    utc: pd.Series,
    zoned: np.ndarray,
    name: str,
    notes: list[str],
    groups: np.ndarray | None = None,
    *,
    local: bool = False,
) -> pd.Series:
    """Times written with UTC offsets (``zoned`` marks those cells): the local
    wall-clock times when the data are daily or coarser (one clock time, in each
    group with ``groups``) or ``local`` (the rows are to be read in steps of a day
    or longer: each series' days are its own local days), else the times in UTC
    (DST-safe); the cells without an offset are then read as UTC, with a note."""
    with_time = present.str.contains(r"\d:\d\d", regex=True)
    stripped = present.copy()
    stripped[with_time] = (
        present[with_time].str.replace(_TZ_SUFFIX, "", regex=True).str.rstrip()
    )
    wall = _try_format(stripped, "ISO8601")
    if wall.notna().equals(utc.notna()) and _one_time_of_day(wall, groups):
        notes.append(_local_note(name))
        return wall
    if wall.notna().equals(utc.notna()) and (hours := _local_hours(wall)):
        notes.append(_local_hours_note(name, hours))
        return wall
    if local and wall.notna().equals(utc.notna()):
        notes.append(
            f"dropped the time zone of the times in column {quote(name)} and kept "
            "their local clock times: read in steps of a day or longer (or in "
            "business hours), each row falls in the local day and hour it was "
            "written in"
        )
        return wall
    if (midnights := _dst_midnights(utc, groups)) is not None and zoned.all():
        notes.append(_midnights_note(name, utc, midnights))
        return midnights
    notes.append(_utc_note(name))
    if not zoned.all():
        pos = int(np.argmin(zoned))
        notes.append(
            f"{int((~zoned).sum())} of {len(zoned)} times in column {quote(name)} "
            f"have no UTC offset (first at row {int(present.index[pos]) + 2}: "
            f"{quote(present.iloc[pos])}) while the others have one; read them as "
            "UTC times. If they are local times, write their offset too"
        )
    return utc


def _dst_midnights(utc: pd.Series, groups: np.ndarray | None) -> pd.Series | None:
    """Times in UTC at two clock times an hour apart, both in the evening (22:00
    and 23:00: midnight of a time zone east of UTC, moved by its clock change),
    at most one a day (in each group with ``groups``): each as the local
    midnight it stands for, the date of the next day; None for other times."""
    known = utc.dropna()
    if len(known) < 2:
        return None
    clock = np.unique((known - known.dt.normalize()).to_numpy())
    if (
        len(clock) != 2
        or clock[1] - clock[0] != np.timedelta64(1, "h")
        or clock[0] < np.timedelta64(_EVENING_HOUR, "h")
    ):
        return None
    days = (utc + pd.Timedelta(days=1)).dt.normalize()
    keys = pd.DataFrame({"day": days, "group": 0 if groups is None else groups})
    if keys[utc.notna().to_numpy()].duplicated().any():
        return None  # several readings a day: times of day, not midnights
    return days


#: The earliest UTC clock time :func:`_dst_midnights` reads as a local midnight.
_EVENING_HOUR = 20


def _midnights_note(name: str, utc: pd.Series, days: pd.Series) -> str:
    at = " and ".join(sorted({f"{t:%H:%M}" for t in utc.dropna()}))
    first = int(np.argmax(utc.notna().to_numpy()))
    return (
        f"the times in column {quote(name)} fall at {at} UTC, an hour apart as a "
        "clock change moves the local midnight of a time zone east of UTC: read "
        f"them as those midnights, each dated by the day it starts "
        f"({days.iloc[first]:%Y-%m-%d} for {utc.iloc[first]:%Y-%m-%d %H:%M} UTC)"
    )


def _local_hours(wall: pd.Series) -> str | None:
    """The opening hours local clock times keep (a shop's 10:00 to 20:00,
    :func:`~convlstm.data.frequency.opening_hours_of`), in words; None when they
    keep none."""
    times = pd.DatetimeIndex(wall.dropna()).unique().sort_values()
    hours = opening_hours_of(times)
    return hours.words if hours is not None else None


def _local_hours_note(name: str, hours: str) -> str:
    return (
        f"dropped the time zone of the times in column {quote(name)} and kept "
        f"their local clock times: the readings keep opening hours ({hours}, on "
        "the local clock), which a change of clock would move by an hour in UTC"
    )


def _typed_times(
    raw: pd.Series | pd.Index, name: str, groups: np.ndarray | None = None
) -> tuple[pd.DatetimeIndex, list[str]] | None:
    """Times from periods, datetimes or numbers; None for a column of text."""
    if isinstance(raw, pd.PeriodIndex) or isinstance(
        getattr(raw, "dtype", None), pd.PeriodDtype
    ):
        return pd.DatetimeIndex(pd.PeriodIndex(raw).to_timestamp()), []
    series = pd.Series(raw).reset_index(drop=True)
    if isinstance(series.dtype, pd.DatetimeTZDtype):
        wall = series.dt.tz_localize(None)  # the clock time in the series' own zone
        if _one_time_of_day(wall, groups):
            return pd.DatetimeIndex(wall), [_local_note(name)]
        if hours := _local_hours(wall):
            return pd.DatetimeIndex(wall), [_local_hours_note(name, hours)]
        utc = series.dt.tz_convert("UTC").dt.tz_localize(None)
        if (midnights := _dst_midnights(utc, groups)) is not None:
            return pd.DatetimeIndex(midnights), [_midnights_note(name, utc, midnights)]
        return pd.DatetimeIndex(utc), [_utc_note(name)]
    if pd.api.types.is_datetime64_dtype(series.dtype):
        return pd.DatetimeIndex(series), []
    if pd.api.types.is_bool_dtype(series.dtype):
        raise DataError(f"column {quote(name)} holds true/false values, not dates")
    if pd.api.types.is_numeric_dtype(series.dtype):
        return _number_times(series, name)
    return None


def _number_times(series: pd.Series, name: str) -> tuple[pd.DatetimeIndex, list[str]]:
    """Whole numbers read as years (1000-2999) or as dates written YYYYMMDD; Unix
    time and Excel serial day numbers (see :func:`_counted_times`)."""
    v = series.to_numpy(dtype=float, na_value=np.nan)
    stamps = _digit_stamps(v, name)
    if stamps is not None:
        return pd.DatetimeIndex(stamps[0]), [stamps[1]]
    counted = _counted_times(v, name)
    if counted is not None:
        return pd.DatetimeIndex(counted[0]), [counted[1]]
    decimal = _decimal_years(v, name)
    if decimal is not None:
        return pd.DatetimeIndex(decimal[0]), [decimal[1]]
    finite = v[np.isfinite(v)]
    whole = bool(len(finite)) and bool((finite == np.round(finite)).all())
    if len(finite) and not whole:
        tenths = np.round(v * 10)  # "2019.1" typed as a number: one decimal
        one_decimal = np.abs(v * 10 - tenths) < 1e-6
        text = [
            f"{t / 10:.1f}" if ok else ""
            for t, ok in zip(tenths, one_decimal, strict=True)
        ]
        dotted = _dotted_quarters(pd.Series(text, dtype=str), name)
        if dotted is not None:
            return pd.DatetimeIndex(dotted[0]), [dotted[1]]
    if whole:
        text = pd.Series([f"{int(x)}" if np.isfinite(x) else "" for x in v], dtype=str)
        if finite.min() >= 1000 and finite.max() <= 2999:
            years = _try_format(text, "%Y")
            return pd.DatetimeIndex(years), [f"read column {quote(name)} as years"]
        if finite.min() >= 10000101 and finite.max() <= 29991231:
            out = _try_format(text, "%Y%m%d")
            if out.notna().sum() == len(finite):
                return pd.DatetimeIndex(out), [
                    f"read column {quote(name)} as dates written YYYYMMDD"
                ]
    first = int(np.argmax(np.isfinite(v))) if len(finite) else 0
    raise _not_dates(
        name, first + 2, series.iloc[first], number_time_hint(series, name)
    )


#: Dates and times written as one number, by its digits: YYYYMMDDHH (as weather
#: services write hours), YYYYMMDDHHMM and YYYYMMDDHHMMSS.
_DIGIT_STAMPS = {10: ("%Y%m%d%H", "YYYYMMDDHH"), 12: ("%Y%m%d%H%M", "YYYYMMDDHHMM")}
_DIGIT_STAMPS[14] = ("%Y%m%d%H%M%S", "YYYYMMDDHHMMSS")
_DIGIT_STAMPS[7] = ("%Y%j", "YYYYDDD (the year and the day of the year)")


def _digit_stamps(v: np.ndarray, name: str) -> tuple[pd.Series, str] | None:
    """Whole numbers of 10, 12 or 14 digits that all read as dates and times
    written YYYYMMDDHH(MM(SS)), or of 7 digits as days written YYYYDDD (the day
    of the year, as satellite products label them), from the years 1900 to
    2099, on a regular step,
    with a note; None otherwise. (Ten digits also fit Unix seconds of 2030 to
    2036; read so, hours written YYYYMMDDHH would step by 1 and then 77.)"""
    finite = v[np.isfinite(v)]
    if len(finite) < 2 or not (finite == np.round(finite)).all():
        return None
    digits = {len(str(int(x))) for x in finite}
    if len(digits) != 1 or next(iter(digits)) not in _DIGIT_STAMPS:
        return None
    fmt, label = _DIGIT_STAMPS[next(iter(digits))]
    text = pd.Series([f"{int(x)}" if np.isfinite(x) else "" for x in v], dtype=str)
    times = _try_format(text, fmt)
    read = times[np.isfinite(v)]
    if read.isna().any() or not read.dt.year.between(1900, 2099).all():
        return None
    if infer_freq(pd.DatetimeIndex(read.drop_duplicates()).sort_values()) is None:
        return None
    return times, f"read column {quote(name)} as dates and times written {label}"


def _not_dates(name: str, row: int, cell: object, hint: str = "") -> DataError:
    """The error for a time column of numbers that are not dates."""
    return DataError(
        f"column {quote(name)} holds numbers, not dates (row {row}: {quote(cell)}); "
        f"pick the time column {TIME_CHOICE} or write dates such as 2020-01-31" + hint
    )


#: Unix epoch seconds from 1980 to 2100, and Excel serial days from 1927 to 2119.
_EPOCH_SECONDS = (315_532_800, 4_102_444_800)
#: Units of Unix time, and how many make a second.
_EPOCH_UNITS = {
    "seconds": 1,
    "milliseconds": 1_000,
    "microseconds": 1_000_000,
    "nanoseconds": 1_000_000_000,
}
_UNIT_CODES = {
    "seconds": "s",
    "milliseconds": "ms",
    "microseconds": "us",
    "nanoseconds": "ns",
}
_EXCEL_DAYS = (10_000, 80_000)
_EXCEL_ZERO = pd.Timestamp("1899-12-30")  # Excel's day 0 (1900 date system)
#: Words in a column name that say its numbers count time units (milliseconds
#: elapsed, ...), so numbers of 10,000 to 80,000 there are not Excel days.
_ELAPSED_WORDS = re.compile(
    r"time|stamp|epoch|unix|elapsed|duration"
    r"|(?<![a-z])(?:ms|msec|millis|sec|secs|seconds|dur)(?![a-z])"
)
_NUMBER_TEXT = re.compile(r"[+-]?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?")


def _numbers_as_text(present: pd.Series) -> np.ndarray | None:
    """The cells as numbers when every one is a plain number, else None."""
    if not present.str.fullmatch(_NUMBER_TEXT).all():
        return None
    return pd.to_numeric(present, errors="coerce").to_numpy(dtype=float)


def _time_count(finite: np.ndarray, name: str) -> tuple[str, pd.Timestamp] | None:
    """Which count of time the numbers of column ``name`` look like, and the first
    time they name: "seconds" (to "nanoseconds") since 1970 (Unix time), or "days"
    (Excel; not whole numbers in a column named like a count of time units, such
    as "time_ms" or "elapsed")."""
    lo, hi = finite.min(), finite.max()
    for unit, scale in _EPOCH_UNITS.items():
        if _EPOCH_SECONDS[0] * scale <= lo and hi <= _EPOCH_SECONDS[1] * scale:
            return unit, pd.Timestamp(int(lo) // scale, unit="s")
    if _EXCEL_DAYS[0] <= lo and hi <= _EXCEL_DAYS[1]:
        whole = bool((finite == np.round(finite)).all())
        if whole and _ELAPSED_WORDS.search(str(name).lower()):
            return None
        return "days", _EXCEL_ZERO + pd.Timedelta(days=int(lo))
    return None


def _counted_times(v: np.ndarray, name: str) -> tuple[pd.Series, str] | None:
    """A chosen time column of numbers read as Unix time (seconds to
    nanoseconds, UTC) or Excel serial day numbers (fractions are times of day),
    with a note; None when the numbers are neither (NaN cells become NaT).

    Numbers of 10,000 to 80,000 in a column named like a count of time units
    ("time_ms", "elapsed") are not read as Excel days unless they hold fractions.
    """
    finite = v[np.isfinite(v)]
    if len(finite) == 0:
        return None
    count = _time_count(finite, name)
    if count is None:
        return None
    unit, first = count
    if unit == "days":
        times = _EXCEL_ZERO + pd.to_timedelta(pd.Series(v), unit="D")
        times = times.dt.round("s")
        return times, (
            f"read column {quote(name)} as Excel serial day numbers "
            f"({int(finite.min())} = {first.date()})"
        )
    times = pd.to_datetime(pd.Series(v), unit=_UNIT_CODES[unit])
    # floats: beyond 2**53 nanoseconds are ~100 ns off, and fractions of a
    # second carry binary noise (.123 read as .122999907)
    times = times.dt.round("us")
    return times, (
        f"read column {quote(name)} as Unix time in {unit} (UTC; "
        f"{int(finite.min())} = {first})"
    )


def number_time_hint(col: pd.Series, name: str) -> str:
    """A hint naming the format of increasing whole numbers that look like times:
    Unix epoch seconds (to nanoseconds), or Excel serial day numbers ("" for other
    columns). Such a column is read once chosen as the time column."""
    v = pd.to_numeric(pd.Series(col), errors="coerce").to_numpy(dtype=float)
    finite = v[np.isfinite(v)]
    if len(finite) < 2 or len(finite) < 0.9 * len(v):
        return ""
    if not (finite == np.round(finite)).all() or not (np.diff(finite) > 0).all():
        return ""  # times are whole numbers in increasing order
    count = _time_count(finite, name)
    if count is None:
        return ""
    unit, first = count
    what = (
        f"Unix time in {unit} (e.g. {int(finite.min())} = {first} UTC)"
        if unit != "days"
        else f"Excel serial day numbers (e.g. {int(finite.min())} = {first.date()})"
    )
    return (
        f"; column {quote(name)} looks like {what}: pick it as the time column "
        f"{TIME_CHOICE} and it is read as such"
    )


def _choose_format(present: pd.Series, name: str, notes: list[str]) -> str:
    """The format that reads a sample of the cells (first 300, last 100) best."""
    sample = pd.concat([present.iloc[:300], present.iloc[-100:]])
    sample = sample[~sample.index.duplicated()]
    candidates: list[tuple[str, str]] = []
    if sample.str.match(_QUARTER).all():
        candidates.append(("quarter", "quarter"))
    if sample.str.match(_QUARTER).all() and sample.str.contains("[Ff][Yy]").any():
        notes.append(
            f"read column {quote(name)} as fiscal quarters such as "
            f"{quote(present.iloc[0])}, each dated on the calendar quarter of the "
            "same number (FY2015 Q1 as 2015-01-01): the dates are labels, their "
            "spacing is what counts"
        )
    if sample.str.match(_ISO_WEEK).all():
        candidates.append(("week", "week"))
    elif sample.str.match(_WEEK_LABEL).all():
        candidates.append(("week", "week"))
        notes.append(
            f"read column {quote(name)} as ISO weeks such as "
            f"{quote(present.iloc[0])}, each dated on its Monday"
        )
    year_week = sample.str.extract(_YEAR_WEEK)[1].astype(float)
    # "2020-05" .. "2020-52": past 12, so weeks, not months (nor fiscal years
    # "2000-01", "2001-02", whose second number follows the first)
    fiscal = len(sample) >= 2 and _parse_fiscal(sample).notna().all()
    if year_week.between(1, 53).all() and year_week.max() > 12 and not fiscal:
        candidates.append(("week", "year-week"))
        notes.append(
            f"read column {quote(name)} as ISO weeks written year-week such "
            f"as {quote(present.iloc[0])} (the numbers after the year run "
            "past 12, so they are not months), each dated on its Monday"
        )
    if len(sample) >= 2 and _parse_fiscal(sample).notna().all():
        # "2000-01", "2001-02"... read as months would be 13 months apart
        candidates.append(("fiscal", "fiscal"))
        which = "its number's" if sample.str.match(_FY_YEAR).all() else "its first"
        notes.append(
            f"read column {quote(name)} as fiscal years such as "
            f"{quote(present.iloc[0])}, each dated January 1 of {which} year"
        )
    if sample.str.fullmatch(r"[12]\d{3}-[0-3]\d{2}").all():
        # ordinal dates, year and day of the year ("2019-001": ISO 8601's
        # ordinal form, as satellite and GIS products label their days)
        candidates.append(("ordinal", "%Y-%j"))
        notes.append(
            f"read column {quote(name)} as year and day of the year such as "
            f"{quote(present.iloc[0])}"
        )
    candidates.append(("iso", "ISO8601"))
    candidates.extend(_FORMATS)
    best: tuple[int, str] = (-1, "ISO8601")
    fits: dict[str, tuple[str, pd.Series]] = {}
    readings: dict[str, tuple[int, pd.Series]] = {}  # the best of each order
    for label, fmt in candidates:
        if label in fits:
            continue
        parsed = _try_format(sample, fmt)
        n_ok = int(parsed.notna().sum())
        if label in _AMBIGUOUS and n_ok > readings.get(label, (0, None))[0]:
            readings[label] = (n_ok, parsed)
        if n_ok == len(sample):
            fits[label] = (fmt, parsed)
            if label not in _AMBIGUOUS:
                break
        if n_ok > best[0]:
            best = (n_ok, fmt)
    if len(readings) == 2:
        _refuse_order_switch({k: v[1] for k, v in readings.items()}, name)
    chosen = _day_or_month(fits, present, name, notes)
    return fits[chosen][0] if chosen else best[1]


def _day_or_month(
    fits: dict[str, tuple[str, pd.Series]],
    present: pd.Series,
    name: str,
    notes: list[str],
) -> str | None:
    """Pick among the formats that read every sampled cell; note the reading."""
    if not fits:
        return None
    if all(label in fits for label in _AMBIGUOUS):
        day = _regularity(pd.DatetimeIndex(fits["day-first"][1]))
        month = _regularity(pd.DatetimeIndex(fits["month-first"][1]))
        if month == day:
            return _tie_order(fits, present, name, notes)
        chosen = "month-first" if month > day else "day-first"
    else:
        chosen = next(iter(fits))
    if chosen == "day-first":
        notes.append(f"read the dates in column {quote(name)} as day/month/year")
    elif chosen == "month-first":
        notes.append(f"read the dates in column {quote(name)} as month/day/year")
    return chosen


def _tie_order(
    fits: dict[str, tuple[str, pd.Series]],
    present: pd.Series,
    name: str,
    notes: list[str],
) -> str:
    """Day/month or month/day for dates that read both ways and are as regular
    either way: the reading of months' first days (a monthly series' usual stamp,
    "01/01/2021" to "12/01/2021" a year of months rather than twelve days of
    January) where only one reading gives them, else day/month (always for
    dotted dates: "01.02.23" is the 1st of February wherever dots are written).
    The note says how to write the other reading."""
    starts = {
        label: bool((pd.DatetimeIndex(parsed).dropna().day == 1).all())
        for label, (_, parsed) in fits.items()
    }
    chosen = "day-first"
    # dotted dates are day.month wherever they are written (German, Russian...)
    dotted = "." in fits["month-first"][0]
    if starts["month-first"] and not starts["day-first"] and not dotted:
        chosen = "month-first"
    other = "month-first" if chosen == "day-first" else "day-first"
    words = {"day-first": "day/month", "month-first": "month/day"}
    # the first cell the two readings date apart, as the other reading dates it
    # (the sampled cells both readings parsed: the first rows, then the last)
    mine, theirs = fits[chosen][1], fits[other][1]
    apart = theirs[(mine != theirs) & theirs.notna()]
    hint = (
        f" (if they are {words[other]}, write them as year-month-day: "
        f"{quote(present[apart.index[0]])} is {pd.Timestamp(apart.iloc[0]):%Y-%m-%d})"
        if len(apart)
        else ""
    )
    why = ", the first day of each month" if starts[chosen] else ""
    notes.append(
        f"dates in column {quote(name)} such as {quote(present.iloc[0])} could be "
        f"day/month or month/day; read them as {words[chosen]}{why}{hint}"
    )
    return chosen


def _refuse_order_switch(readings: dict[str, pd.Series], name: str) -> None:
    """Refuse a column whose dates run in order as day/month up to a row and as
    month/day after it (or the other way round): two exports pasted together.
    Either reading alone goes back in time or fails there, and a grid of days
    then looks mostly empty, which would send the user the wrong way.

    Args:
        readings: the sampled cells read each way ("day-first", "month-first"),
            NaT where that reading fails.

    Raises:
        DataError: naming the row where the order switches.
    """
    words = {"day-first": "day/month", "month-first": "month/day"}
    for before, after in (("day-first", "month-first"), ("month-first", "day-first")):
        first = readings[before].to_numpy()
        second = readings[after].to_numpy()
        steps = first[1:] > first[:-1]  # False at NaT too
        stop = np.flatnonzero(~steps)
        if not len(stop) or pd.isna(first[0]):
            continue
        k = int(stop[0]) + 1
        tail = second[k:]
        if (
            k >= 2
            and len(tail) >= 2
            and not pd.isna(tail).any()
            and (tail[1:] > tail[:-1]).all()
            and tail[0] > first[k - 1]
        ):
            rows = readings[before].index
            raise DataError(
                f"column {quote(name)} writes its dates as {words[before]} up to "
                f"row {int(rows[k - 1]) + 2} and as {words[after]} from row "
                f"{int(rows[k]) + 2} on (two exports pasted together?); write "
                "every date the same way, best as year-month-day (2023-03-02)"
            )


def _read_leftovers(
    present: pd.Series, parsed: pd.Series, name: str, notes: list[str]
) -> pd.Series:
    """Read the cells the main format missed each on its own (small columns only)."""
    bad = parsed.isna().to_numpy()
    if not bad.any() or len(present) > _MIXED_MAX:
        return parsed
    rest = present[bad]
    scores = []
    for fmt in ("mixed-dayfirst", "mixed"):
        merged = parsed.copy()
        merged[bad] = _try_format(rest, fmt).to_numpy()
        scores.append(
            (int(merged.notna().sum()), _regularity(pd.DatetimeIndex(merged)), merged)
        )
    n_ok, _, merged = max(scores[::-1], key=lambda x: (x[0], x[1]))
    if n_ok <= parsed.notna().sum():
        return parsed
    if parsed.notna().any():
        notes.append(
            f"column {quote(name)} mixes date formats; each cell was read on its "
            "own, check the dates"
        )
    else:  # one format, but none of the formats tried first
        notes.append(
            f"read the dates in column {quote(name)} (such as "
            f"{quote(present.iloc[0])}) cell by cell, as no single format fits "
            "them; check the dates"
        )
    return merged


def _regularity(ts: pd.DatetimeIndex) -> tuple[bool, bool]:
    """Score a parse: in time order, then on a regular frequency (of the
    distinct dates: a file of many series repeats them), is more plausible."""
    ts = ts[~ts.isna()]
    if len(ts) < 2:
        return True, True
    increasing = bool(ts.is_monotonic_increasing and ts.is_unique)
    # monthly on the 10th is regular too: "01/10/2021", "02/10/2021"... read as
    # day/month would be twelve days of each October
    return increasing, strictly_regular(ts.unique().sort_values())


def _year_number(text: pd.Series) -> pd.Series:
    """The year of "2015", "FY2015", "FY 15" or "FY'15" (two digits as
    strptime's %y reads them: 69-99 the 1900s, else the 2000s); NaN where none."""
    digits = text.str.extract(r"(\d+)$")[0]
    year = pd.to_numeric(digits, errors="coerce")
    two = digits.str.len() == 2
    return year.where(~two, np.where(year >= 69, 1900 + year, 2000 + year))


def _parse_quarters(values: pd.Series) -> pd.Series:
    parts = values.str.extract(_QUARTER)
    year = _year_number(parts["y1"].fillna(parts["y2"]))
    quarter = parts["q1"]
    for other in ("q2", "q3", "q4"):
        quarter = quarter.fillna(parts[other])
    words = parts["w1"].fillna(parts["w2"]).str.lower().map(_QUARTER_WORDS)
    quarter = quarter.fillna(words)
    ok = year.notna() & quarter.notna()
    out = pd.Series(pd.NaT, index=values.index, dtype="datetime64[us]")
    if ok.any():
        y = year[ok].astype(int)
        m = (quarter[ok].astype(int) - 1) * 3 + 1
        out[ok] = pd.to_datetime({"year": y, "month": m, "day": 1})
    return out


# Dates written with the Chinese, Japanese or Korean year, month and day marks:
# "2020年1月", "2020年1月15日", "2020年 1月 15日 13:00", "2020년 1월 15일"
_CJK_DATE = re.compile(
    r"^\s*(?P<y>\d{4})\s*[年년]\s*(?:(?P<m>\d{1,2})\s*[月월]\s*"
    r"(?:(?P<d>\d{1,2})\s*[日号號일]\s*)?)?(?P<rest>.*)$"
)
# Quarters: "2020年第1季度", "2020年1季度", "2020年第一季度", "2020年Q1"
_CJK_QUARTER = re.compile(
    r"^\s*(?P<y>\d{4})\s*[年년]\s*(?:第\s*)?(?P<q>[1-4一二三四])\s*季度?\s*$"
    r"|^\s*(?P<y2>\d{4})\s*[年년]\s*[Qq](?P<q2>[1-4])\s*$"
)
_CJK_DIGITS = {"一": "1", "二": "2", "三": "3", "四": "4"}


# Month names and abbreviations in German, French, Spanish, Italian, Dutch and
# Portuguese, by month (English ones parse as they are)
_FOREIGN_MONTHS = (
    "januar jänner janv janvier enero ene gennaio gen januari janeiro",
    "februar feb févr fevr février fevrier febrero febbraio februari fevereiro fev",
    "märz mär mrz maerz mars marzo maart mrt março marco",
    "avr avril abril abr aprile",
    "mai mayo maggio mag mei maio",
    "juni juin junio giugno giu junho",
    "juli juil juillet julio luglio lug julho",
    "août aout agosto ago augustus",
    "sept septembre septiembre settembre set setembro",
    "oktober okt octobre octubre ottobre ott outubro out",
    "novembre noviembre novembro",
    "dezember dez déc dec décembre decembre diciembre dic dicembre desember dezembro",
)
_ENGLISH_MONTHS = [m[:3].title() for m in MONTHS]
_MONTH_OF = {
    word: _ENGLISH_MONTHS[i]
    for i, words in enumerate(_FOREIGN_MONTHS)
    for word in words.split()
}
_ENGLISH_ABBREVIATION = {m.lower(): m[:3].title() for m in MONTHS}
_WORD = re.compile(r"([^\W\d_]+)\.?")


def foreign_month(word: str) -> int | None:
    """The month (1-12) of a German, French, Spanish, Italian, Dutch or
    Portuguese month name or abbreviation ("März", "janv.", "Dez"); None for any
    other word (English names included: they parse as they are)."""
    english = _MONTH_OF.get(str(word).strip().lower().rstrip("."))
    return None if english is None else _ENGLISH_MONTHS.index(english) + 1


# any of those words, to find the cells that hold one (ISO times' "T" do not)
_FOREIGN_MONTH = re.compile(
    r"(?i)(?<![^\W\d_])(?:"
    + "|".join(sorted({re.escape(w) for w in _MONTH_OF}, key=len, reverse=True))
    + r")(?![^\W\d_])"
)


def _month_words(present: pd.Series) -> pd.Series:
    """Cells with month names of other languages ("Mär 2021", "janv. 2021",
    "15 de marzo de 2021") with the English abbreviation ("Mar 2021")."""
    sample = pd.concat([present.iloc[:300], present.iloc[-100:]])
    if not any(_FOREIGN_MONTH.search(cell) for cell in sample):
        return present  # (a regular expression over every cell costs seconds)
    lettered = present.str.contains(r"[^\W\d_]{3}", regex=True)

    def english(match: re.Match) -> str:
        word = match.group(1).lower()
        # English names too, so that one format reads "Jan 2020" (from
        # "Januar") and "Apr 2020" (from "April", German and English alike)
        month = _MONTH_OF.get(word) or _ENGLISH_ABBREVIATION.get(word)
        return match.group(0) if month is None else month

    cells = present[lettered]
    changed = cells.str.replace(_WORD, english, regex=True)
    changed = changed.str.replace(r"\s+de\s+", " ", regex=True)  # "15 de Mar de"
    if changed.equals(cells):
        return present
    out = present.copy()
    out[lettered] = changed
    return out


def _cjk_dates(present: pd.Series) -> pd.Series:
    """Cells with CJK date marks ("2020年1月15日") as ISO text ("2020-01-15");
    other cells as they are."""
    sample = pd.concat([present.iloc[:300], present.iloc[-100:]])
    if not sample.str.contains("[年년]", regex=True).any():
        return present
    marked = present.str.contains("[年년]", regex=True)
    out = present.copy()
    cells = present[marked]
    q = cells.str.extract(_CJK_QUARTER)
    year_q = q["y"].fillna(q["y2"])
    num_q = q["q"].fillna(q["q2"]).replace(_CJK_DIGITS)
    is_q = year_q.notna()
    out[is_q[is_q].index] = year_q[is_q] + "Q" + num_q[is_q]
    d = cells[~is_q].str.extract(_CJK_DATE)
    ok = d["y"].notna()
    d = d[ok]
    text = d["y"]
    month = d["m"].notna()
    text = text.where(~month, text + "-" + d["m"].str.zfill(2))
    day = d["d"].notna()
    text = text.where(~day, text + "-" + d["d"].str.zfill(2))
    rest = d["rest"].fillna("").str.strip()
    text = text.where(rest == "", text + " " + rest)
    out[text.index] = text
    return out


def _parse_fiscal(values: pd.Series) -> pd.Series:
    """Fiscal years ("2000-01", "2000/2001") to January 1 of their first year;
    NaT where the second year is not the one after the first. A column of
    fiscal years alone ("FY2015") to January 1 of each number's year."""
    alone = values.str.extract(_FY_YEAR)[0]
    if alone.notna().all():  # "FY2015": the year of its number
        return pd.to_datetime(
            _year_number(alone).astype("Int64").astype(str),
            format="%Y",
            errors="coerce",
        )
    parts = values.str.extract(_FISCAL)
    first = pd.to_numeric(parts[0], errors="coerce")
    second = pd.to_numeric(parts[1], errors="coerce")
    short = parts[1].str.len() == 2
    follows = np.where(short, (first + 1) % 100 == second, first + 1 == second)
    years = first.where(follows & first.between(1000, 2999))
    return pd.to_datetime(
        years.astype("Int64").astype(str).where(years.notna()),
        format="%Y",
        errors="coerce",
    )


def _parse_iso_weeks(values: pd.Series) -> pd.Series:
    """ISO weeks ("2020-W05", "KW 05/2020") to the Monday (or the weekday
    given) of the week."""
    parts = values.str.extract(_ISO_WEEK)
    label = values.str.extract(_WEEK_LABEL)  # "KW 01/2022": week, then year
    parts[0] = parts[0].fillna(label[1])
    parts[1] = parts[1].fillna(label[0].str.zfill(2))
    text = parts[0] + "-W" + parts[1] + "-" + parts[2].fillna("1")
    return pd.to_datetime(text, format="%G-W%V-%u", errors="coerce")


def _try_format(values: pd.Series, fmt: str) -> pd.Series:
    """Parse ``values`` with one format ("quarter", "week", "ISO8601", "mixed",
    strftime)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if fmt == "quarter":
            return _parse_quarters(values)
        if fmt == "week":
            return _parse_iso_weeks(values)
        if fmt == "year-week":
            return _parse_iso_weeks(
                values.str.replace(_YEAR_WEEK, r"\1-W\2", regex=True)
            )
        if fmt == "fiscal":
            return _parse_fiscal(values)
        if fmt == "ISO8601":
            out = pd.to_datetime(values, format="ISO8601", utc=True, errors="coerce")
            return out.dt.tz_localize(None)
        if fmt in ("mixed", "mixed-dayfirst"):
            out = pd.to_datetime(
                values,
                format="mixed",
                dayfirst=fmt == "mixed-dayfirst",
                errors="coerce",
                utc=True,
            )
            return out.dt.tz_localize(None)
        return pd.to_datetime(values, format=fmt, errors="coerce")
