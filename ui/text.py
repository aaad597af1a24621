"""User text made safe to show and download: Markdown escaping, formula-safe CSV,
file names, timestamp and missing-number formats."""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd

from convlstm import data
from convlstm.data.cells import format_number
from convlstm.data.frequency import calendar_resolution

# Characters Markdown would read as formatting, links or HTML.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~:$&])")


# "(value_col=..., --value-col, or Value column on the Data page)": where the
# library, the CLI and the app choose a setting; the app says its own part only
_CHOICE = re.compile(r"\s*\((?:[a-z_]+=\.\.\., )?--[a-z-]+(?:, or ([^)]*))?\)")


def app_words(text: object) -> str:
    """A library message as the app shows it: where to choose a setting in the
    app only, not the Python argument or CLI flag ("(Value column on the Data
    page)", not "(value_col=..., --value-col, or Value column on the Data
    page)")."""
    return _CHOICE.sub(lambda m: f" ({m.group(1)})" if m.group(1) else "", str(text))


def escape_md(text: object) -> str:
    """Escape user text for ``st.markdown`` so it shows literally (no links, HTML)."""
    return _MD_SPECIAL.sub(r"\\\1", str(text)).replace("\n", " ")


def safe_csv(frame: pd.DataFrame) -> bytes:
    """CSV bytes for a download, with formula-like text cells neutralised."""
    return data.safe_csv(frame).encode("utf-8")


def slug(text: str) -> str:
    """A file-name-safe version of ``text`` (ASCII letters, digits, ``_``)."""
    cleaned = re.sub(r"[^A-Za-z0-9]+", "_", text.rsplit(".", 1)[0]).strip("_")
    return cleaned[:40] or "data"


def time_format(index: pd.DatetimeIndex | pd.Series, freq: str | None = None) -> str:
    """A display format for the timestamps of a table (momentJS, as Streamlit's
    date columns take it): a series in ``freq`` of years, quarters or months at
    that resolution, as :func:`short_time` writes them ("1956 Q1"); else dates
    only when every time is midnight."""
    resolution = calendar_resolution(freq)
    if resolution is not None:
        return {"year": "YYYY", "quarter": "YYYY [Q]Q", "month": "YYYY-MM"}[resolution]
    times = pd.DatetimeIndex(index)
    return "YYYY-MM-DD" if (times == times.normalize()).all() else "YYYY-MM-DD HH:mm"


def short_time(ts: pd.Timestamp, freq: str | None) -> str:
    """A timestamp at its series' resolution, short enough for a metric tile:
    "1949" yearly, "1956 Q1" quarterly, "1949-01" monthly, else the date (a
    tile has no room for a time of day too: give the whole time beside it)."""
    resolution = calendar_resolution(freq)
    if resolution == "year":
        return f"{ts:%Y}"
    if resolution == "quarter":
        return f"{ts.year} Q{ts.quarter}"
    if resolution == "month":
        return f"{ts:%Y-%m}"
    return f"{ts:%Y-%m-%d}"


def time_label(ts: pd.Timestamp, freq: str | None) -> str:
    """A timestamp at its series' resolution (:func:`short_time`), with its time
    of day where it has one ("2020-03-01 14:30"): a label of one time among
    many."""
    if calendar_resolution(freq) is not None:
        return short_time(ts, freq)
    return f"{ts:%Y-%m-%d %H:%M}".removesuffix(" 00:00")


def span_text(first: pd.Timestamp, last: pd.Timestamp, freq: str | None) -> str:
    """ "1956 Q1 to 2008 Q3": the first and last time at the series'
    resolution (:func:`short_time`)."""
    return f"{short_time(first, freq)} to {short_time(last, freq)}"


def dash_missing(frame: pd.DataFrame, formats: dict[str, str]) -> pd.DataFrame:
    """A copy with the named numeric columns as display text, "—" where missing.

    Args:
        frame: the table to show.
        formats: column -> Python format spec (e.g. ``".0%"``, ``".4g"``); columns
            not in ``frame`` are ignored.
    """
    out = frame.copy()
    for col, spec in formats.items():
        if col in out.columns:
            out[col] = [
                "—" if v is None or pd.isna(v) else _formatted(float(v), spec)
                for v in out[col]
            ]
    return out


def _formatted(value: float, spec: str) -> str:
    """``format(value, spec)``, but a ``g`` spec writes 18,350 rather than
    1.835e+04 (whole numbers from 10,000 on)."""
    if spec.endswith("g") and spec[:-1].lstrip(".").isdigit():
        return format_number(value, int(spec[:-1].lstrip(".")))
    return format(value, spec)


def score_format(values: Any) -> str:
    """A printf format for a column of scores: 4 significant digits, or whole
    numbers when every value is 10,000 or more apart from those under 1
    (``%.4g`` would write 1.835e+04)."""
    v = pd.to_numeric(pd.Series(values), errors="coerce").abs()
    v = v[np.isfinite(v)]
    if len(v) and v.max() >= 1e4 and v.min() >= 1:
        return "%.0f"
    return "%.4g"
