"""What a cell or column name means, and how messages show one.

Missing-value markers, time-like column names, and quoting of user text in messages.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import pandas as pd

#: Cells that mean "no value" (compared in lower case, after stripping spaces).
MISSING = frozenset(
    {
        "",
        "na",
        "n/a",
        "n.a.",
        "nan",
        "null",
        "none",
        "nil",
        "-",
        "--",
        "?",
        ".",
        ":",  # Eurostat's "not available"
        "missing",
        "#n/a",
        "#na",
        "#value!",
        "#div/0!",
        "#num!",
        "#ref!",
    }
)

#: Cells of suppressed or confidential figures, as health and statistics
#: offices write them: "*", "c" (ONS), "x" (Statistics Canada), "[c]", ":c"
#: (Eurostat). Missing cells too (:data:`MISSING` holds them), with a note of
#: their own: they hide small counts, which interpolation may overstate.
SUPPRESSED = frozenset(
    {
        "*",
        "**",
        "***",
        "suppressed",
        "supp",
        "supp.",
        "confidential",
        "conf",
        "c",
        "[c]",
        "x",
        "[x]",
        ":c",
        ": c",
    }
)
MISSING = MISSING | SUPPRESSED

# Column names that hold time; such columns are never converted to numbers.
_TIME_NAME = re.compile(
    r"^(date|time|timestamp|datetime|date_?time|ds|dt|period|month|year|quarter|week|"
    r"day|yr|fecha|datum|zeit|jahr|monat|mois|annee|time_?stamp|index|ts|"
    r"yyyymm|yyyymmdd|yyyyww|year_?month|yearmon|year_?week|ym|yw|"
    r"日期|时间|時間|年份|月份|年月|季度|날짜|일자|日付)s?$"
)
# Words inside a column name that suggest time ("order_date", "Period end",
# "交易日期"); not inside words that only spell them ("Candidates", "validated",
# "mandate", "consolidated").
_TIME_WORD = re.compile(
    r"(?<!candi)(?<!vali)(?<!man)(?<!accommo)(?<!consoli)(?<!liqui)date|time|stamp|"
    r"period|epoch|unix|datum|fecha|zeitstempel|日期|时间|時間|日付|날짜"
)


def is_time_name(name: str) -> bool:
    """Whether a column name is a time name such as "date", "Year" or "ds"."""
    return _TIME_NAME.match(name.lower().strip()) is not None


def has_time_word(name: str) -> bool:
    """Whether a column name contains a time word ("order_date", "Period end")."""
    return _TIME_WORD.search(name.lower()) is not None


def cell_text(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Return the stripped text of ``raw`` and a mask of its missing cells.

    The text is indexed 0, 1, ... (the row position); a cell is missing when it is
    NA or one of :data:`MISSING`.
    """
    raw = raw.reset_index(drop=True)
    text = raw.astype(str).str.strip()
    return text, text.str.lower().isin(MISSING) | raw.isna()


def quote(value: Any, limit: int = 40) -> str:
    """Quote a user-supplied name or cell for a message, truncated to ``limit``."""
    text = str(value)
    if len(text) > limit:
        text = text[: limit - 3] + "..."
    return repr(text)


def plural(n: int, word: str) -> str:
    """``"1 cell"``, ``"3 cells"``, ``"2 series"``, ``"1,560 rows"``."""
    if n == 1 or word.endswith("s"):
        return f"{n:,} {word}"
    return f"{n:,} {word}s"


def and_list(names: Iterable[str]) -> str:
    """ "a", "a and b", "a, b and c"."""
    names = [str(n) for n in names]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


# Whole numbers written with a leading zero ("007", "01234"): codes, not amounts.
#: The English month names, January first (their first three letters are the
#: abbreviations "%b" reads).
MONTHS = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
]

#: Where the value and time columns are chosen, for messages that ask for one.
VALUE_CHOICE = "(value_col=..., --value-col, or Value column on the Data page)"
TIME_CHOICE = "(time_col=..., --time-col, or Time column on the Data page)"

#: A clock time without a date ("13:00", "1:30:15", "9:00 PM").
CLOCK = r"\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:\s*[AaPp]\.?[Mm]\.?)?"

_CODE = re.compile(r"^0\d+$")


def is_code_column(raw: pd.Series) -> bool:
    """Whether a text column holds codes with leading zeros (zip codes, "007").

    Every non-empty cell is digits, at least one starts with a zero, and the column
    repeats (at most half as many distinct values as cells) or reading the cells
    as numbers would merge some of them ("007" and "7").
    """
    if pd.api.types.is_numeric_dtype(raw.dtype) or pd.api.types.is_bool_dtype(
        raw.dtype
    ):
        return False
    text, missing = cell_text(raw)
    present = text[~missing]
    if len(present) < 2 or not present.str.fullmatch(r"\d+").all():
        return False
    if not present.str.match(_CODE).any():
        return False
    distinct = present.nunique()
    merged = present.str.lstrip("0").replace("", "0").nunique() < distinct
    return bool(merged or distinct <= len(present) // 2)


def is_exponent_code_column(raw: pd.Series) -> bool:
    """Whether every cell of a text column is digits, a letter E and digits
    ("12E4", "7E2"): codes (a SKU, a part number) that read as numbers would
    become 120000 and 700."""
    if pd.api.types.is_numeric_dtype(raw.dtype) or pd.api.types.is_bool_dtype(
        raw.dtype
    ):
        return False
    text, missing = cell_text(raw)
    present = text[~missing]
    return len(present) > 0 and bool(present.str.fullmatch(r"\d+[eE]\d+").all())


def format_number(value: float, digits: int = 4) -> str:
    """A number for people: ``digits`` significant digits, but whole numbers with
    thousands separators from 10,000 on (18,350, not 1.835e+04)."""
    if 1e4 <= abs(value) < 1e15:
        return f"{value:,.0f}"
    return f"{value:.{digits}g}"


def format_time(ts: pd.Timestamp) -> str:
    """A timestamp for messages: the date alone when it is midnight."""
    return str(ts.date()) if ts == ts.normalize() else str(ts)


def same_name(names: pd.Series, wanted: Any) -> str | None:
    """The name of ``names`` (strings) that ``wanted`` means: itself, else the one
    name that differs from it in case alone ('gdp' for 'GDP'); None when there
    is none (or two such)."""
    text = str(wanted)
    if (names == text).any():
        return text
    alike = pd.unique(names[names.str.casefold() == text.casefold()])
    return str(alike[0]) if len(alike) == 1 else None


def clock_change_words(stamps: Any, change: str) -> str:
    """ "; as at the clock change to summer time, an hour the local clock skips"
    when every one of ``stamps`` (missing ones for ``change`` "skipped", repeated
    ones for "repeated") falls in one early-morning hour of a Sunday in the months
    clocks change (March or April for a skipped hour, October or November for a
    repeated one); "" otherwise. Only said, never acted on: the reader cannot
    know the file's time zone."""
    times = pd.DatetimeIndex(stamps)
    if times.empty:
        return ""
    hours = times.floor("h").unique()
    when = hours[0]
    months = (3, 4) if change == "skipped" else (10, 11)
    if len(hours) != 1 or when.day_of_week != 6 or when.month not in months:
        return ""
    if not 0 <= when.hour <= 3:
        return ""
    if change == "skipped":
        return "; as at the clock change to summer time: an hour the local clock skips"
    return "; as at the clock change to winter time: an hour the local clock repeats"
