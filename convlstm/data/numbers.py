"""Numbers in text cells: decimal comma, thousands separators, currency and percent
signs, accounting negatives, and the checks on a value column's size and finiteness.
"""

from __future__ import annotations

import re
from collections import Counter

import numpy as np
import pandas as pd

from ..errors import DataError
from .cells import (
    SUPPRESSED,
    VALUE_CHOICE,
    cell_text,
    format_number,
    is_code_column,
    is_exponent_code_column,
    is_time_name,
    plural,
    quote,
)

#: Largest magnitude ``to_series`` accepts; beyond it float arithmetic loses precision.
MAX_ABS_VALUE = 1e15

# Units written next to numbers: currency signs, ISO currency codes and "%".
_CURRENCY_SIGNS = "$€£¥₹"
_CURRENCY_CODES = (
    "USD|EUR|GBP|JPY|CNY|RMB|CHF|CAD|AUD|NZD|INR|SEK|NOK|DKK|ISK|PLN|CZK|HUF|RON|"
    "BGN|RUB|UAH|TRY|BRL|MXN|ARS|CLP|COP|PEN|ZAR|KRW|SGD|HKD|TWD|THB|IDR|MYR|PHP|"
    "VND|ILS|AED|SAR|QAR|EGP|NGN|KES|PKR|BDT"
)
_MARKER = rf"[{_CURRENCY_SIGNS}]|{_CURRENCY_CODES}"
# A number with at most one marker before or after it, an optional sign, and
# optional accounting parentheses: "$1,234.50", "-€ 12,5", "1 234 £", "12.5%",
# "USD 100", "(1,234)", "($5)".
_MARKED_NUMBER = (
    rf"^(?P<open>\()?\s*(?P<s1>[+-])?\s*(?P<pre>{_MARKER})?\s*(?P<s2>[+-])?\s*"
    r"(?P<num>\.?\d(?:[\d.,'’\s]*\d)?)\s*"
    rf"(?P<suf>{_MARKER}|%)?\s*(?P<close>\))?$"
)
# A marker beside a dash: zero in the accounting format ("$ -", "- €").
_MARKED_DASH = rf"(?:{_MARKER})\s*[-–—]+|[-–—]+\s*(?:{_MARKER})"
# Share of the non-empty cells that must carry the same marker for it to be removed.
_MARKER_SHARE = 0.8
# A separator between digit groups (comma, dot, spaces, apostrophes), by decimal mark.
_GROUPING = {",": r"[. \u00a0\u202f'’]", ".": r"[, \u00a0\u202f'’]"}


def to_numeric_columns(
    df: pd.DataFrame, comma_hint: bool, *, semicolons: bool = False
) -> list[str]:
    """Convert, in place, the columns whose non-empty cells are all numbers.

    A column becomes int64 when all its values are whole, else float64. Columns
    named like time ("date", "year", ...) stay strings so that dates are never
    mangled.

    Args:
        df: a table of strings, as ``pd.read_csv(dtype=str)`` returns it.
        comma_hint: prefer a decimal comma when a value like "1,500" is ambiguous.
        semicolons: the file is semicolon-separated (as where a comma marks
            decimals), so "1.234" beside plain "950" groups thousands.

    Returns:
        Notes on the number formats read and the signs removed.
    """
    notes: list[str] = []
    dots = _file_dots(df) if semicolons else "decimal"
    german: list[str] = []  # a comma file's other columns, read once if needed
    for col in df.columns:
        if is_time_name(col):
            continue
        if is_code_column(df[col]):
            notes.append(
                f"kept column {quote(col)} as text: its codes have leading zeros "
                "(such as " + quote(df[col][df[col].str.match(r"^0")].iloc[0]) + ")"
            )
            continue
        if is_exponent_code_column(df[col]):
            notes.append(
                f"kept column {quote(col)} as text: codes such as "
                f"{quote(df[col].iloc[0])} read as numbers would change (12E4 is "
                "120000)"
            )
            continue
        own = dots
        if not semicolons and _dot_grouped(df[col]):
            # a comma file writes decimals with a dot, unless its other columns
            # are German (31.01.2021 dates): then "3.755" may be 3755
            if not german:
                german.append("german" if _file_dots(df) == "thousands" else dots)
            own = german[0]
        try:
            values, bad, style, repairs = to_numbers(df[col], comma_hint, col, dots=own)
        except DataError:
            continue  # mixed currencies: reported if it is picked as the value
        if bad.any() or np.isnan(values).all():
            continue
        whole = np.isfinite(values).all() and (values == np.round(values)).all()
        if whole and np.abs(values).max(initial=0) < 2**53:
            df[col] = values.astype(np.int64)
        else:
            df[col] = values
        notes.extend(number_notes(col, style, repairs))
    return notes


def number_notes(name: str, style: str, repairs: list[str]) -> list[str]:
    """The notes on one column from :func:`to_numbers`'s ``style`` and ``repairs``."""
    notes = [f"column {quote(name)}: {repair}" for repair in repairs]
    if style:
        notes.append(f"column {quote(name)}: read numbers with {style}")
    return notes


def to_numbers(
    raw: pd.Series,
    comma_hint: bool = False,
    name: str = "?",
    *,
    dots: str | None = "decimal",
) -> tuple[np.ndarray, np.ndarray, str, list[str]]:
    """Convert text cells to floats, detecting decimal comma and thousands separators.

    A currency sign or code ("$", "€", "USD", ...) or a percent sign that most
    cells carry is removed first, and accounting negatives such as "(1,234)" are
    read as negative numbers.

    Args:
        raw: the cells (strings; missing markers such as "n/a" count as missing).
        comma_hint: prefer a decimal comma when a value like "1,500" is ambiguous
            (true when the file is not comma-separated).
        name: the column name, for messages.
        dots: how a dot between digit groups of three ("1.234") reads when the
            column alone cannot tell: "decimal", "thousands" (another column of
            the file has decimal commas), None (a semicolon file with no such
            hint: thousands when plain whole numbers stand beside them, else
            decimals with a note), or "german" (a comma file whose other columns
            write German dates or decimal commas: as None). Two dots in a cell
            ("1.234.567") always group thousands.

    Returns:
        ``(values, bad, style, repairs)``: floats with NaN for missing and bad
        cells, a mask of the non-empty cells that are not numbers, a description
        of the number format when it is not plain ("a decimal comma", ...), else
        "", and notes on removed currency or percent signs and accounting
        negatives.

    Raises:
        DataError: most cells carry a currency or percent sign, but not the same.
    """
    text, missing = cell_text(raw)
    missing = missing.to_numpy()
    values = np.full(len(text), np.nan)
    present = text[~missing]
    if len(present) == 0:
        return values, np.zeros(len(text), dtype=bool), "", []
    repairs: list[str] = []
    hidden = text[missing].str.lower().isin(SUPPRESSED)
    if hidden.any():
        first = text[missing][hidden]
        repairs.append(
            f"read {plural(int(hidden.sum()), 'cell')} such as {quote(first.iloc[0])} "
            f"(first at row {int(first.index[0]) + 2}) as missing: a suppressed or "
            "confidential figure; gaps inside the series are interpolated from "
            "their neighbours, which may overstate a small count"
        )
    present = _minus_signs(present, repairs)
    present = _strip_flags(present, repairs)
    nums = _plain(present)
    if np.isnan(nums).any():
        present, stripped = _strip_markers(present, np.isnan(nums), name)
        if stripped:
            repairs += stripped
            nums = _plain(present)
    factor = None
    if np.isnan(nums).any():
        present, factor, scaled = _strip_multipliers(present)
        repairs += scaled
        nums = _plain(present)
    if np.isnan(nums).any():
        present, stripped = _strip_unit(present)
        if stripped:
            repairs += stripped
            nums = _plain(present)
    style = ""
    grouped = _dots_group_thousands(present, dots)
    if grouped:
        nums = _plain(present.str.replace(".", "", regex=False))
        style = "dots between thousands (1.234 read as 1234)"
    elif grouped is None:
        example = present[present.str.contains(".", regex=False)].iloc[0]
        where = (
            "beside German dates or decimal commas (31.01.2021, 12,5)"
            if dots == "german"
            else "in a semicolon-separated file"
        )
        repairs.append(
            f"read values such as {quote(example)} as decimals; {where} the dot may "
            "group thousands instead (1.234 = 1234): if so, write the numbers "
            "without it"
        )
    elif np.isnan(nums).any():
        nums, style = _grouped(present, nums, comma_hint)
        commas = present[present.str.contains(",", regex=False)]
        if "decimal comma" in style and commas.str.fullmatch(_THREE_AFTER).all():
            # the mirror of the dots above: "5,012" may group thousands
            repairs.append(
                f"read values such as {quote(commas.iloc[0])} as decimals; the "
                "comma may group thousands instead (5,012 = 5012): if so, write "
                "the numbers without it"
            )
    if np.isnan(nums).any():
        nums = _below_bounds(present, nums, repairs)
    values[~missing] = nums if factor is None else nums * factor
    bad = np.zeros(len(text), dtype=bool)
    bad[~missing] = np.isnan(nums)
    return values, bad, style, repairs


# A number followed by a footnote mark ("996.7*", "1124.9¹") or by the flags
# statistics offices put after a figure ("1 261.1 p": provisional; Eurostat's b,
# c, d, e, f, n, p, r, s, u, z, one or two of them after a space; "1013.32p",
# provisional, estimated or revised, written without one).
_FLAGGED = re.compile(
    r"(?P<num>.*\d)(?:\s*(?:\*+|\u2020|\u2021|[\u00b9\u00b2\u00b3\u2070\u2074-\u2079]+)"
    r"|\s+[bcdefnprsuz]{1,2}|[per])"
)


def _strip_flags(present: pd.Series, repairs: list[str]) -> pd.Series:
    """Numbers with a footnote mark or a statistics flag read without it, with
    a note (a flag says a figure is provisional or estimated; it is still the
    figure)."""
    flagged = present.str.fullmatch(_FLAGGED)
    if not flagged.any():
        return present
    bare = present[flagged].str.extract(_FLAGGED)["num"].str.strip()
    first = present[flagged].iloc[0]
    repairs.append(
        f"read {plural(int(flagged.sum()), 'cell')} such as {quote(first)} without "
        f"the flag or footnote mark after the number ({quote(bare.iloc[0])}): "
        "statistics exports mark figures so (provisional, estimated, a break in "
        "the series)"
    )
    present = present.copy()
    present[flagged] = bare
    return present


# A number and the unit written after it: "12 kg", "21,5 °C", "1,234 MWh",
# "5km/h". The unit holds no digit, starts with no sign or bracket, and is short.
_UNIT_NUMBER = re.compile(
    r"(?P<num>[+-]?\.?\d(?:[\d.,'’\s]*\d)?)\s*"
    r"(?P<unit>[^\W\d_][^\d]{0,11}|[°µ][^\d]{0,11})"
)


def _some_units(cells: pd.Series) -> bool:
    """Whether some of about 500 cells spread over ``cells`` are a number and a
    unit or multiplier: the cheap test before the whole column is matched (a
    text column of a million ids is not)."""
    every = max(1, len(cells) // 500)
    sample = cells.iloc[::every].str.strip()
    return bool(sample.str.fullmatch(_UNIT_NUMBER.pattern).any())


def _unit_parts(cells: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series]:
    """For stripped ``cells``: the number and the unit after it of each, and
    whether the cell is just those two ("12 kg")."""
    parts = cells.str.extract(_UNIT_NUMBER.pattern)
    matched = cells.str.fullmatch(_UNIT_NUMBER.pattern).fillna(False)
    return parts["num"].str.strip(), parts["unit"].str.strip(), matched


#: Multipliers written after the numbers of counts and money ("1.2K" views,
#: "3.4M" dollars, "2bn"), and their words.
_MULTIPLIERS = {
    "K": (1e3, "thousand"), "k": (1e3, "thousand"),
    "M": (1e6, "million"), "mn": (1e6, "million"),
    "B": (1e9, "billion"), "bn": (1e9, "billion"),
}  # fmt: skip


def _strip_multipliers(
    present: pd.Series,
) -> tuple[pd.Series, np.ndarray | None, list[str]]:
    """Numbers written with multipliers after them ("950", "1.2K", "3.4M"), when
    at least ``_MARKER_SHARE`` of the non-empty cells are numbers with or without
    one and the cells mix two of them or some carry none: the cells without
    them, the factor of each cell (applied once the numbers are read, so decimal
    commas and grouping are read as in any cell) and a note; else ``present``,
    None and no note."""
    if not _some_units(present):
        return present, None, []
    cells = present.str.strip()
    num, unit, matched = _unit_parts(cells)
    matched &= unit.isin(list(_MULTIPLIERS))
    plain = pd.Series(np.isfinite(_plain(cells)), index=cells.index)
    if not matched.any() or (matched | plain).sum() < _MARKER_SHARE * len(present):
        return present, None, []
    if unit[matched].nunique() < 2 and not plain.any():
        # one suffix on every cell may be a unit ("293 K" is kelvin): read as
        # such (_strip_unit), in the units written
        return present, None, []
    factor = np.ones(len(cells))
    factor[matched.to_numpy(dtype=bool)] = [_MULTIPLIERS[u][0] for u in unit[matched]]
    present = present.copy()
    present[matched] = num[matched]
    used = sorted(set(unit[matched]), key=lambda u: _MULTIPLIERS[u][0])
    first = cells[matched].iloc[0]
    return (
        present,
        factor,
        [
            f"read {plural(int(matched.sum()), 'cell')} with a multiplier after the "
            "number ("
            + ", ".join(f"{u} = {_MULTIPLIERS[u][1]}" for u in used)
            + f"; such as {quote(first)}) at their full value: the forecasts are "
            "in units, not in thousands or millions"
        ],
    )


#: Endings of ordinal numbers ("1st", "22nd"), which are not units.
_ORDINALS = {"st", "nd", "rd", "th"}


def _strip_unit(present: pd.Series) -> tuple[pd.Series, list[str]]:
    """Numbers written with the same unit after them ("12 kg") read without it,
    with a note, when at least ``_MARKER_SHARE`` of the non-empty cells carry
    that one unit, matched as written ("mW" is not "MW"). Cells of several units
    ("12 kg", "500 g"), or words after numbers ("1st", "2nd"), stay as they are."""
    if not _some_units(present):
        return present, []
    num, unit, matched = _unit_parts(present.str.strip())
    counts = Counter(unit[matched])
    if (
        len(counts) != 1
        or set(counts) <= _ORDINALS
        or matched.sum() < _MARKER_SHARE * len(present)
    ):
        return present, []
    strip = next(iter(counts))
    present = present.copy()
    present[matched] = num[matched]
    return present, [
        f"removed the unit {quote(strip)} written after the numbers, from "
        f"{plural(int(matched.sum()), 'cell')}"
    ]


_TRAILING_MINUS = re.compile(r"\d[\d.,'’\s]*-")


def _minus_signs(present: pd.Series, repairs: list[str]) -> pd.Series:
    """Cells with the minus sign of typesetting ("−12", U+2212) or written after
    the number ("1.234-", as SAP exports it: a minority of the cells, none of
    them zero) as plain negatives ("-12"), with a note for the latter."""
    if present.str.contains("\u2212", regex=False).any():
        present = present.str.replace("\u2212", "-", regex=False)
    trailing = present.str.endswith("-")
    if trailing.any():
        trailing &= present.str.fullmatch(_TRAILING_MINUS)
    # negatives among numbers, not codes: a column of "0-", "18-", "65-" (age
    # bands, open-ended) stays text
    if trailing.any() and (
        trailing.mean() > 0.5 or present[trailing].str.fullmatch(r"0+-").any()
    ):
        trailing[:] = False
    if trailing.any():
        first = present[trailing].iloc[0]
        present = present.where(~trailing, "-" + present.str[:-1])
        repairs.append(
            f"read {plural(int(trailing.sum()), 'value')} with the minus after the "
            f"number as negative (such as {quote(first)})"
        )
    return present


_BELOW = re.compile(r"<\s*(\d+(?:[.,]\d+)?)")


def _below_bounds(
    present: pd.Series, nums: np.ndarray, repairs: list[str]
) -> np.ndarray:
    """Cells written as below a bound ("<1" in Google Trends, "<0.5" below a
    lab's detection limit) as half the bound (the
    usual substitute), with a note, however many (a rare disease's counts are
    mostly "<5"); a column of bounds alone stays cells that are not numbers."""
    below = present.str.fullmatch(_BELOW).to_numpy(bool) & np.isnan(nums)
    if not below.any() or below.all():
        return nums
    cells = present[below]
    bounds = _plain(cells.str.extract(_BELOW)[0].str.replace(",", ".", regex=False))
    nums = nums.copy()
    nums[below] = bounds / 2
    first = cells.iloc[0]
    repairs.append(
        f"read {plural(int(below.sum()), 'value')} written as below a bound as "
        f"half the bound (first at row {int(cells.index[0]) + 2}: {quote(first)} "
        f"read as {bounds[0] / 2:g})"
    )
    return nums


def _plain(cells: pd.Series) -> np.ndarray:
    """Cells read as plain numbers ("12", "-1.5e3"), NaN where they are not."""
    return np.array(pd.to_numeric(cells, errors="coerce"), dtype=float)


def _grouped(
    present: pd.Series, nums: np.ndarray, comma_hint: bool
) -> tuple[np.ndarray, str]:
    """Read the cells that are not plain numbers with a decimal comma or grouping.

    Returns:
        ``(nums, style)``: the numbers with those cells filled where they parse,
        and the description of the format ("" when it is plain).
    """
    failed = np.isnan(nums)
    cand = present[failed]
    decimal = _decimal_mark(present, cand, comma_hint)
    if decimal == ",":
        # "2.000" parsed as 2.0 in the first pass, but here the dot groups
        # thousands: convert every cell the decimal-comma way.
        failed = np.ones(len(present), dtype=bool)
        cand = present
    cleaned = cand.str.replace(
        rf"(?<=\d){_GROUPING[decimal]}(?=\d{{3}}(?!\d))", "", regex=True
    )
    if decimal == ",":
        cleaned = cleaned.str.replace(",", ".", regex=False)
    else:
        # Indian grouping: lakhs and crores ("1,23,456", "12,34,56,789.5")
        indian = cand.str.fullmatch(_INDIAN)
        if indian.any():
            cleaned = cleaned.where(~indian, cand.str.replace(",", "", regex=False))
    fixed = pd.to_numeric(cleaned, errors="coerce").to_numpy(dtype=float)
    ok = ~np.isnan(fixed)
    style = _style(cand[ok], decimal) if ok.any() else ""
    nums = nums.copy()
    nums[failed] = fixed
    return nums, style


_THREE_AFTER = r"[+-]?[1-9]\d{0,2},\d{3}"
_INDIAN = r"[+-]?\d{1,2}(?:,\d{2})+,\d{3}(?:\.\d*)?"
_DOT_GROUPED = r"[+-]?[1-9]\d{0,2}(?:\.\d{3})+"


def _dot_grouped(cells: pd.Series) -> bool:
    """Whether every cell of a column with a dot in it groups digits in threes
    by dots ("3.755", "1.234.567"), and some cell has one."""
    text = cells.astype(str).str.strip()
    dotted = text[text.str.contains(".", regex=False)]
    return bool(len(dotted)) and bool(dotted.str.fullmatch(_DOT_GROUPED).all())


def _dots_group_thousands(present: pd.Series, dots: str | None) -> bool | None:
    """Whether the dots in the cells group thousands ("1.234", "2.500.000", as
    German or Dutch exports write them) rather than mark decimals: every cell
    with a dot is digits grouped in threes by dots, no cell has a comma, and
    some cell has two dots, or ``dots`` says so (see :func:`to_numbers`). None
    when a semicolon file leaves it open (every cell dotted): read as decimals."""
    dotted = present[present.str.contains(".", regex=False)]
    if not len(dotted) or present.str.contains(",", regex=False).any():
        return False
    if not dotted.str.fullmatch(_DOT_GROUPED).all():
        return False
    if (dotted.str.count(r"\.") > 1).any() or dots == "thousands":
        return True
    if dots not in (None, "german"):
        return False
    # a semicolon file without a hint, or a comma file of German dates:
    # "1.234" beside "950" (thousands written with a dot, small numbers
    # without); every cell dotted ("100.000", "107.375") may be three fixed
    # decimals as well
    return True if present.str.fullmatch(r"[+-]?\d{1,3}").any() else None


_COMMA_EXPONENT = r"[+-]?\d+,\d+[eE][+-]?\d+"
_DECIMAL_COMMA = re.compile(r"[+-]?\d+,\d{1,2}|[+-]?\d+,\d{4,}")
_DECIMAL_DOT = re.compile(r"[+-]?\d*\.\d{1,2}|[+-]?\d*\.\d{4,}")


#: Month names only German writes so ("Mär 2021", "Okt", "Dezember").
_GERMAN_MONTH = re.compile(
    r"(?i)(?:märz?|mrz|mai|okt(?:ober)?|dez(?:ember)?)\.?(?:\s|$)"
)
#: The labels of a German spreadsheet's pivot table ("Summe von Umsatz").
_GERMAN_PIVOT = re.compile(
    r"(?i)(?:summe|anzahl|mittelwert|maximum|minimum) von .+|zeilenbeschriftungen"
    r"|spaltenbeschriftungen|gesamtergebnis"
)
_DOTTED_DATE = re.compile(r"\d{1,2}\.\d{1,2}\.\d{4}(?:\s|$)")


def _file_dots(df: pd.DataFrame) -> str | None:
    """What the other columns of a file say a dot between digits is: "decimal"
    when some cell is a plain dotted decimal ("7.8", "0.25"), "thousands" when
    some cell has a decimal comma ("12,5") or, with neither, when a column holds
    dates written 31.01.2021 or German month names (Mär, Okt); None when none
    says (or both)."""
    decimal = thousands = dotted_dates = False
    for col in df.columns:
        cells = df[col].astype(str).str.strip()
        cells = cells.iloc[:2000]
        # dates written 31.01.2021, as German exports write them beside 1.234
        dotted_dates = (
            dotted_dates
            or bool(cells.str.match(_DOTTED_DATE).mean() > 0.9)
            or bool(cells.str.match(_GERMAN_MONTH).any())
            or bool(cells.str.fullmatch(_GERMAN_PIVOT).any())
            or _GERMAN_PIVOT.fullmatch(str(col)) is not None
        )
        if is_time_name(col):
            continue
        month_year = cells.str.fullmatch(r"\d{1,2}\.\d{4}")  # "01.2021": a date
        decimal = decimal or bool(
            (cells.str.fullmatch(_DECIMAL_DOT) & ~month_year).any()
        )
        thousands = thousands or bool(cells.str.fullmatch(_DECIMAL_COMMA).any())
    if decimal == thousands:
        return "thousands" if dotted_dates and not decimal else None
    return "decimal" if decimal else "thousands"


def _decimal_mark(present: pd.Series, cand: pd.Series, comma_hint: bool) -> str:
    """Whether the cells that are not plain numbers use a decimal "," or "."."""
    comma_vals = cand[cand.str.contains(",", regex=False)]
    if not len(comma_vals):
        return "."
    if comma_vals.str.fullmatch(_COMMA_EXPONENT).any():
        # "1,002E+03": no one groups the thousands of a mantissa
        return ","
    # grouped thousands start with a digit other than 0: "0,440" and "-0,376"
    # are decimals whatever the delimiter
    us = (
        comma_vals.str.fullmatch(r"[+-]?[1-9]\d{0,2}(,\d{3})+(\.\d*)?")
        | comma_vals.str.fullmatch(_INDIAN)
    ).all()
    eu = comma_vals.str.fullmatch(
        r"[+-]?(\d{1,3}([. \u00a0\u202f']\d{3})+|\d*),\d+"
    ).all()
    if eu and not us:
        return ","
    if us and eu:
        # Only values like "1,500": a plain "2.5" elsewhere means the comma
        # groups thousands; otherwise follow the file's delimiter.
        dotted = present[~present.str.contains(",", regex=False)]
        has_dot_decimal = dotted.str.fullmatch(r"[+-]?\d*\.\d+").any()
        return "." if has_dot_decimal or not comma_hint else ","
    return "."


def _style(cells: pd.Series, decimal: str) -> str:
    """Describe the number format of the cells read with ``decimal``."""
    grouped = cells.str.contains(r"\d[, .\u00a0\u202f'’]\d{3}", regex=True).any()
    if decimal != ",":
        return "thousands separators" if grouped else ""
    if grouped and cells.str.contains(r"\d[. \u00a0\u202f'’]\d{3}", regex=True).any():
        return "a decimal comma and thousands separators"
    return "a decimal comma"


def _strip_markers(
    present: pd.Series, failed: np.ndarray, name: str
) -> tuple[pd.Series, list[str]]:
    """Remove a currency sign or code or a percent sign that most cells carry.

    The marker is removed only when at least ``_MARKER_SHARE`` of the non-empty
    cells carry the same one; then "$1,234.50" becomes "1,234.50" (left for the
    decimal-comma and thousands-separator detection). Accounting negatives such as
    "(1,234)" or "($5)" become "-1,234" / "-5". Cells with another marker, or a
    marker below the share, are left as they are (not numbers).

    Args:
        present: the non-empty cells, indexed by row position (0 = first data row).
        failed: mask of the cells that are not plain numbers.
        name: the column name, for messages.

    Returns:
        ``(cells, repairs)``: the cells with markers removed, and plain-language
        notes on what was removed (empty when nothing changed).

    Raises:
        DataError: most cells carry a marker, but not the same one (e.g. "$" and
            "€"), so the values are in different currencies or units.
    """
    # "$(29.71)": the currency sign outside the accounting parentheses, as
    # "($29.71)" writes it inside
    present_raw = present
    cand = present[failed].str.replace(
        rf"^({_MARKER})\s*\(", r"(\1", regex=True, flags=re.IGNORECASE
    )
    hit = cand.str.fullmatch(_MARKED_NUMBER, flags=re.IGNORECASE).to_numpy(bool)
    # an accounting zero ("$ -") carries the marker too
    dashed = cand.str.fullmatch(_MARKED_DASH, flags=re.IGNORECASE).to_numpy(bool)
    if hit.sum() + dashed.sum() < _MARKER_SHARE * len(present):
        hit = hit & cand.str.startswith("(").to_numpy(bool)  # accounting negatives
    cand = cand[hit]
    if len(cand) == 0:
        return present, []
    parts = cand.str.extract(_MARKED_NUMBER, flags=re.IGNORECASE)
    paren = parts["open"].notna()
    sign = parts["s1"].fillna(parts["s2"])
    ok = (
        parts["num"].notna()
        & (paren == parts["close"].notna())
        & ~(parts["pre"].notna() & parts["suf"].notna())
        & ~(parts["s1"].notna() & parts["s2"].notna())
        & ~(paren & sign.notna())
    )
    marker = parts["pre"].fillna(parts["suf"]).str.upper()
    strip = _common_marker(
        marker, ok & marker.notna(), present, name, int(dashed.sum())
    )
    fix = ok & ((marker == strip) | (paren & marker.isna()))
    if not fix.any():
        return present, []
    zeros: list[str] = []
    if strip is not None and strip != "%":
        # Excel's accounting format writes zero as the sign and a dash: "$ -"
        sign_text = re.escape(strip)
        dash = present.str.fullmatch(
            rf"{sign_text}\s*[-–—]+|[-–—]+\s*{sign_text}",
            flags=re.IGNORECASE,
        )
        if dash.any():
            zeros.append(
                f"read {plural(int(dash.sum()), 'cell')} such as "
                f"{quote(present[dash].iloc[0])} as 0 (the accounting format "
                "writes zero as a dash)"
            )
            present = present.mask(dash, "0")
    sign = sign.where(~paren, "-").fillna("")
    cleaned = sign[fix] + parts["num"][fix].str.strip()
    present = present.copy()
    present[cleaned.index] = cleaned
    repairs = _marker_repairs(strip, int((fix & (marker == strip)).sum())) + zeros
    negative = fix & paren
    if negative.any():
        repairs.append(
            f"read {plural(int(negative.sum()), 'value')} in parentheses as "
            f"negative (accounting style, e.g. "
            f"{quote(present_raw[negative[negative].index[0]])} as "
            f"{cleaned[negative].iloc[0]})"
        )
    return present, repairs


def _common_marker(
    marker: pd.Series,
    marked: pd.Series,
    present: pd.Series,
    name: str,
    zeros: int = 0,
) -> str | None:
    """The marker to remove: the one that enough cells carry (``zeros`` more
    carry one beside a dash, the accounting zero), or None.

    Raises:
        DataError: enough cells carry a marker, but not the same one.
    """
    counts = Counter(marker[marked])
    if not counts or marked.sum() + zeros < _MARKER_SHARE * len(present):
        return None
    if len(counts) > 1:
        (first, n_first), (other, n_other) = counts.most_common(2)
        pos = int(marked[marker == other].index[0])
        raise DataError(
            f"column {quote(name)}: the values carry different units, {quote(first)} "
            f"in {n_first} cells and {quote(other)} in {n_other} (first at row "
            f"{pos + 2}: {quote(present[pos])}); convert them to one currency or "
            "unit, or put each in its own column"
        )
    return next(iter(counts))


#: The start of the reader's note on a column read in percent (a forecast above
#: 100 of such a series gets a note of its own: ``narrative.above_hundred_text``).
PERCENT_REMOVED = "removed the percent sign"


def _marker_repairs(strip: str | None, n_strip: int) -> list[str]:
    """The note on the removed marker (none when nothing was removed)."""
    if strip == "%":
        return [
            f"{PERCENT_REMOVED} from {plural(n_strip, 'cell')} (values kept "
            "in percent, not divided by 100)"
        ]
    if strip is not None:
        kind = "sign" if strip in _CURRENCY_SIGNS else "code"
        return [
            f"removed the currency {kind} {quote(strip)} from {plural(n_strip, 'cell')}"
        ]
    return []


def column_values(
    raw: pd.Series, name: str, rows: np.ndarray | None = None
) -> tuple[np.ndarray, list[str]]:
    """Float values of the value column (NaN for missing cells) and notes.

    ``rows`` marks the rows whose values are the series' (the rows with a time;
    None: all): only they judge which values are missing-value markers, so a
    subtotal row's sum does not hide a -999 among the values.

    Raises:
        DataError: the column holds dates, mostly cells that are not numbers,
            infinite values, or values beyond ``MAX_ABS_VALUE``.
    """
    notes: list[str] = []
    raw = raw.reset_index(drop=True)
    if pd.api.types.is_datetime64_any_dtype(raw.dtype):
        raise DataError(
            f"column {quote(name)} holds dates, not numbers; pick the values "
            f"{VALUE_CHOICE}"
        )
    if pd.api.types.is_numeric_dtype(raw.dtype) or pd.api.types.is_bool_dtype(
        raw.dtype
    ):
        values = raw.to_numpy(dtype=float, na_value=np.nan)
    else:
        values, bad, style, repairs = to_numbers(raw, name=name)
        if is_exponent_code_column(raw):  # kept as text when the file was read
            text, missing = cell_text(raw)
            i = int(np.flatnonzero(~missing.to_numpy())[0])
            notes.append(
                f"read column {quote(name)} as numbers after all, as the value "
                f"column: {quote(text.iloc[i])} as {format_number(values[i])}"
            )
        notes.extend(number_notes(name, style, repairs))
        notes.extend(_bad_cells(raw, name, values, bad))
    _check_magnitude(raw, name, values)
    values, marked = missing_markers(values, rows)
    if marked:
        notes.append(f"column {quote(name)}: {marked}")
    return values, notes


def _all_nines(value: float) -> bool:
    """Whether ``value`` is written with nines alone, at least two of them: -999,
    -99.99, 9999, 99.9, -9.99 (the markers data loggers, climate archives and
    statistics packages write for "no value")."""
    digits = f"{abs(value):.10g}".replace(".", "")
    return len(digits) >= 2 and set(digits) == {"9"}


def missing_markers(
    values: np.ndarray, rows: np.ndarray | None = None
) -> tuple[np.ndarray, str | None]:
    """``values`` with its missing-value markers read as missing (NaN), and a
    note on them (None when it has none); with ``rows`` (a mask), only those
    values are judged and changed.

    A marker is a value written with nines alone (:func:`_all_nines`: -999,
    -99.99, 9999), or a negative whole hundred written at least twice (-200, as
    the UCI air-quality data mark a missing reading), that stands outside the
    other values by more than their own range: -999 among temperatures of -5 to
    30, 9999 among anomalies of -1 to 1, -200 among concentrations of 0.1 to 12.
    A 99 among percentages, or a 999 among prices of 900 to 1100, is a value.
    At least 8 other values are needed to tell.
    """
    judged = np.ones(len(values), bool) if rows is None else np.asarray(rows, bool)
    finite = values[np.isfinite(values) & judged]
    if finite.size < 9:
        return values, None
    distinct = np.unique(finite)
    # the values one short of a power of ten (999, 99.99) in up to 4 decimals,
    # found at once; their digits are checked one by one
    size = np.abs(distinct)
    near = np.zeros(len(size), dtype=bool)
    for decimals in range(5):
        scaled = np.round(size * 10.0**decimals, 6)
        up = np.round(scaled) + 1
        with np.errstate(divide="ignore", invalid="ignore"):
            power = np.log10(up)
        near |= (scaled == np.round(scaled)) & (up >= 100) & (power == np.round(power))
    nines = [v for v in distinct[near] if _all_nines(float(v))]
    hundreds = distinct[(distinct <= -100) & (np.mod(distinct, 100) == 0)]
    if hundreds.size:
        counts = dict(zip(*np.unique(finite, return_counts=True), strict=True))
        nines += [v for v in hundreds if counts[v] >= 2 and v not in nines]
    nines = np.array(nines)
    if not nines.size:
        return values, None
    others = finite[~np.isin(finite, nines)]
    if others.size < 8:
        return values, None
    low, high = float(others.min()) + 0.0, float(others.max()) + 0.0  # no "-0"
    span = high - low if high > low else max(abs(high), 1.0)
    far = nines[(nines < low - span) | (nines > high + span)]
    if not far.size:
        return values, None
    hit = np.isin(values, far) & judged
    shown = ", ".join(f"{v:g}" for v in far[:3])
    if len(far) > 3:
        shown += f" and {len(far) - 3} more"
    note = (
        f"read {plural(int(hit.sum()), 'cell')} of {shown} as missing (first at "
        f"row {int(np.flatnonzero(hit)[0]) + 2}): a missing-value marker, far "
        f"outside the other values ({low:.4g} to {high:.4g}); the gaps it leaves "
        "inside the series are interpolated and not scored"
    )
    out = values.copy()
    out[hit] = np.nan
    return out, note


def _bad_cells(
    raw: pd.Series, name: str, values: np.ndarray, bad: np.ndarray
) -> list[str]:
    """Treat a minority of non-numeric cells as missing; refuse a majority."""
    n_bad = int(bad.sum())
    if not n_bad:
        return []
    pos = int(bad.argmax())
    n_present = int(n_bad + np.isfinite(values).sum() + np.isinf(values).sum())
    where = f"first at row {pos + 2}: {quote(raw.iloc[pos])}"
    mixed = _some_marked(raw[bad])
    # numbers with a sign the other cells lack: say so, not "not numbers"
    same_way = (
        f"write every cell the same way, all with {quote(mixed)} or none"
        if mixed
        else ""
    )
    if n_bad * 2 >= n_present:
        units = _units(raw[bad])
        if len(units) > 1:
            (first, n_first), (other, n_other) = units.most_common(2)
            raise DataError(
                f"column {quote(name)}: the values carry different units, "
                f"{quote(first)} in {n_first} cells and {quote(other)} in {n_other} "
                f"({where}); convert them to one unit, or put each in its own column"
            )
        if mixed:
            raise DataError(
                f"column {quote(name)}: {n_bad} of {n_present} cells carry "
                f"{quote(mixed)} and the other {n_present - n_bad} do not ({where}); "
                f"{same_way}"
            )
        raise DataError(
            f"column {quote(name)}: {n_bad} of {n_present} cells are not numbers "
            f"({where}); pick a column of numbers {VALUE_CHOICE} or fix the "
            "cells"
        )
    return [
        f"column {quote(name)}: treated {n_bad} non-numeric cells as missing ({where})"
        + (
            f": they carry {quote(mixed)} and the others do not; {same_way}"
            if mixed
            else ""
        )
    ]


def _units(cells: pd.Series) -> Counter:
    """How many of ``cells`` carry each unit after their number ("12 kg"), when
    every one of them is a number and a unit; else empty."""
    _, unit, matched = _unit_parts(cells.astype(str).str.strip())
    if not matched.all():
        return Counter()
    units = Counter(unit)
    return Counter() if set(units) <= _ORDINALS else units


def _some_marked(cells: pd.Series) -> str | None:
    """The one currency or percent sign that every one of ``cells`` (numbers
    that did not read) carries, else None."""
    parts = cells.astype(str).str.strip().str.extract(_MARKED_NUMBER, flags=re.I)
    marker = parts["pre"].fillna(parts["suf"])
    if parts["num"].isna().any() or marker.isna().any():
        return None
    found = set(marker.str.upper())
    return next(iter(found)) if len(found) == 1 else None


def _check_magnitude(raw: pd.Series, name: str, values: np.ndarray) -> None:
    """Refuse infinite values and values beyond ``MAX_ABS_VALUE``."""
    inf = np.isinf(values)
    if inf.any():
        pos = int(inf.argmax())
        cell = raw.iloc[pos]
        # a column read as numbers has lost the text: "inf", or 1e400 (too large)
        shown = (
            quote(cell)
            if isinstance(cell, str)
            else "'inf', or a number too large to hold, such as 1e400"
        )
        raise DataError(
            f"column {quote(name)}: {int(inf.sum())} infinite values (first at row "
            f"{pos + 2}: {shown}); replace them with numbers, or leave "
            "the cells empty to have them interpolated"
        )
    huge = np.abs(np.nan_to_num(values)) > MAX_ABS_VALUE
    if huge.any():
        pos = int(huge.argmax())
        raise DataError(
            f"column {quote(name)}: {int(huge.sum())} values beyond "
            f"{MAX_ABS_VALUE:.0e} in size (first at row {pos + 2}: "
            f"{values[pos]:.6g}); rescale the data, e.g. to thousands or millions"
        )
