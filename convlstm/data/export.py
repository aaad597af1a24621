"""Export: tables as CSV text that is safe to open in a spreadsheet."""

from __future__ import annotations

import pandas as pd

# A text cell starting with one of these is run as a formula by spreadsheets.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _neutral_cell(value: object) -> object:
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def safe_csv(frame: pd.DataFrame) -> str:
    """Render ``frame`` as CSV text that is safe to open in a spreadsheet.

    Text cells and headers that a spreadsheet would run as a formula (starting with
    ``= + - @``, a tab or a carriage return) get a leading apostrophe; numbers are
    written with 15 significant digits (no binary-float noise such as
    729.6899999999999), timestamps as they are. Rows end in CRLF, so a cell
    holding a line break is quoted and stays one cell.
    """
    out = frame.copy()
    out.columns = [_neutral_cell(str(c)) for c in out.columns]
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(_neutral_cell)
        elif pd.api.types.is_float_dtype(out[col]):
            # 15 significant digits: 729.69, not the 729.6899999999999 of
            # binary floats (written as floats still: 23.0)
            out[col] = out[col].map(_fifteen_digits)
    return out.to_csv(index=False, lineterminator="\r\n")


def _fifteen_digits(value: float) -> float:
    return value if value != value else float(f"{value:.15g}")


def in_time_zone(
    frame: pd.DataFrame,
    time_zone: str | None,
    columns: tuple[str, ...] = ("timestamp", "cutoff"),
) -> pd.DataFrame:
    """``frame`` with its naive time ``columns`` marked as in ``time_zone`` (a CSV
    then writes "2024-12-03 22:00:00+00:00", not a clock time a reader takes for
    local); ``frame`` itself when ``time_zone`` is None."""
    if not time_zone:
        return frame
    out = frame.copy()
    for column in columns:
        if column in out.columns:
            times = pd.to_datetime(out[column])
            if getattr(times.dt, "tz", None) is None:
                out[column] = times.dt.tz_localize(time_zone)
    return out
