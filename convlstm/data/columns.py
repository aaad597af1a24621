"""Which columns of a table hold the time and the values, picked by name and content."""

from __future__ import annotations

import contextlib

import numpy as np
import pandas as pd

from ..errors import DataError
from .cells import cell_text, has_time_word, is_time_name, quote
from .dates import parse_times
from .numbers import to_numbers


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
    named = [c for c in cols if is_time_name(c)]
    named += [c for c in cols if c not in named and has_time_word(c)]
    for c in named:
        if looks_like_dates(df[c]) or is_year_column(df[c]):
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
    raise DataError(
        f"no time column found (columns: {listed}); add a column of dates such as "
        "2020-01-31 (or years such as 1949) named e.g. 'date', or pick it with "
        "time_col=..."
    )


def pick_value_column(df: pd.DataFrame, time_col: str | None) -> tuple[str, list[str]]:
    """Pick the value column: the first numeric column that is not the time.

    Text columns that are mostly numbers count as numeric when no column is.

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
    if not numeric:
        numeric = [c for c in cols if _mostly_numbers(df[c], c)]
    if not numeric:
        if len(cols) == 1:
            return cols[0], []  # converting it reports the bad cells
        listed = ", ".join(quote(c) for c in cols[:10])
        raise DataError(
            f"no column of numbers found (columns: {listed}); pick the values with "
            "value_col=..."
        )
    if len(numeric) > 1:
        others = ", ".join(quote(c) for c in numeric[1:6])
        more = f" and {len(numeric) - 6} more" if len(numeric) > 6 else ""
        return numeric[0], [
            f"picked column {quote(numeric[0])} as value; other numeric columns: "
            f"{others}{more} (choose one with value_col=...)"
        ]
    return numeric[0], [f"picked column {quote(numeric[0])} as value"]


def _mostly_numbers(col: pd.Series, name: str) -> bool:
    """Whether a text column holds more numbers than non-numeric cells."""
    try:
        values, bad, _, _ = to_numbers(col, name=name)
    except DataError:  # mixed currencies: converting it reports them
        return True
    return bool(np.isfinite(values).sum() > bad.sum())


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
    if len(sample) == 0 or sample.str.fullmatch(r"[+-]?[\d.,\s]+").all():
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


def pick_id_columns(
    df: pd.DataFrame, time_col: str, value_col: str | None = None
) -> tuple[list[str], list[str]]:
    """Pick the columns that name series (store, region...) in a long table.

    A column is an id when the timestamps repeat (several rows per time), it is
    text (not mostly numbers) or whole numbers, it repeats (at most half as many
    distinct values as rows), it takes several values at one timestamp (a column
    constant within each timestamp, such as a weekday, describes the time, not a
    series), and it is not a relabelling of the ids already picked (a store name
    beside its number). Whole-number columns are taken fewest distinct values
    first, and never the last numeric column (it holds the values).

    Args:
        df: the table (column names are strings).
        time_col: the time column.
        value_col: the value column, never an id; None when not chosen.

    Returns:
        ``(columns, notes)``: the id columns in table order (empty for one
        series, or a wide table) and a note naming them.
    """
    times = df[time_col]
    if not times.duplicated().any():
        return [], []
    n = len(df)
    text, whole = [], []
    for c in df.columns:
        if c in (time_col, value_col):
            continue
        dtype = df[c].dtype
        if pd.api.types.is_bool_dtype(dtype) or pd.api.types.is_float_dtype(dtype):
            continue
        if pd.api.types.is_integer_dtype(dtype):
            whole.append(c)
        elif (
            not pd.api.types.is_numeric_dtype(dtype)
            and not looks_like_dates(df[c])
            and not _mostly_numbers(df[c], c)
        ):
            text.append(c)
    numeric = [
        c
        for c in df.columns
        if c not in (time_col, value_col)
        and pd.api.types.is_numeric_dtype(df[c].dtype)
        and not pd.api.types.is_bool_dtype(df[c].dtype)
    ]
    if value_col is None and len(numeric) <= 1:
        whole = []  # the only numeric column holds the values
    whole.sort(key=lambda c: df[c].nunique())
    if value_col is None:
        whole = whole[: max(0, len(numeric) - 1)]
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
    picked = [c for c in df.columns if c in picked]
    if not picked:
        return [], []
    listed = ", ".join(quote(c) for c in picked)
    if len(picked) == 1:
        return picked, [f"picked id column {listed}: each value names one series"]
    return picked, [
        f"picked id columns {listed}: each combination of their values names one series"
    ]


def series_names(df: pd.DataFrame, id_cols: list[str]) -> pd.Series:
    """The series name of every row: its id values as text joined with " / "."""
    parts = []
    for c in id_cols:
        col = df[c]
        text = col.astype(str).str.strip()
        text = text.where(col.notna() & (text != ""), "(empty)")
        parts.append(text.reset_index(drop=True))
    names = parts[0]
    for part in parts[1:]:
        names = names + ID_SEPARATOR + part
    return names
