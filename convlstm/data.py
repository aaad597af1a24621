"""Data: CSV reading, time and value columns, frequencies and seasons, validation.

Dates and frequencies are parsed here and nowhere else.
"""

from __future__ import annotations

import codecs
import contextlib
import io
import logging
import os
import re
import threading
import warnings
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from pandas.tseries.frequencies import to_offset

from .errors import DataError

logger = logging.getLogger(__name__)

#: Largest file ``read_csv`` accepts, in bytes.
MAX_BYTES = 50 * 1024 * 1024
#: Most data rows ``read_csv`` accepts.
MAX_ROWS = 2_000_000
#: Most columns ``read_csv`` accepts.
MAX_COLUMNS = 500
#: Most cells (rows x columns) ``read_csv`` accepts; bounds memory for wide files.
MAX_CELLS = 20_000_000
#: Longest single cell ``read_csv`` accepts, in characters.
MAX_CELL_CHARS = 10_000
#: Fewest points ``to_series`` returns.
MIN_POINTS = 8
#: Largest magnitude ``to_series`` accepts; beyond it float arithmetic loses precision.
MAX_ABS_VALUE = 1e15

# Seconds in one natural cycle, used to turn any fixed frequency into season lengths.
_DAY = 86_400
_WEEK = 7 * _DAY


# --------------------------------------------------------------------------- helpers


def _q(value: Any, limit: int = 40) -> str:
    """Quote a user-supplied name or cell for a message, truncated to ``limit``."""
    text = str(value)
    if len(text) > limit:
        text = text[: limit - 3] + "..."
    return repr(text)


def _infer_freq(index: pd.DatetimeIndex) -> str | None:
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


# --------------------------------------------------------------------------- read_csv

# Leading bytes of common non-CSV files people rename or upload by mistake.
_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"PK\x03\x04", "a ZIP archive (an Excel .xlsx workbook is one)"),
    (b"PK\x05\x06", "a ZIP archive (an Excel .xlsx workbook is one)"),
    (b"%PDF", "a PDF document"),
    (b"\x1f\x8b", "a gzip-compressed file"),
    (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
        "an Excel .xls workbook or other Office file",
    ),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"PAR1", "a Parquet file"),
    (b"SQLite format 3\x00", "an SQLite database"),
    (b"\x7fELF", "a program"),
)
_BOMS = (
    (b"\xff\xfe\x00\x00", "utf-32-le", "UTF-32"),
    (b"\x00\x00\xfe\xff", "utf-32-be", "UTF-32"),
    (b"\xef\xbb\xbf", "utf-8", "UTF-8 with a byte-order mark"),
    (b"\xff\xfe", "utf-16-le", "UTF-16"),
    (b"\xfe\xff", "utf-16-be", "UTF-16"),
)
_EXPORT_HINT = (
    "export the data as CSV text (comma- or semicolon-separated) and try again"
)
_DELIMITERS = (",", ";", "\t", "|")
_DELIMITER_NAMES = {",": "commas", ";": "semicolons", "\t": "tabs", "|": "pipes (|)"}
# Control characters that never occur in text (tab, newline, CR and form feed do).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")
_QUOTED = re.compile(r'"[^"]*"')
# Column names that hold time; such columns are never converted to numbers.
_TIME_NAME = re.compile(
    r"^(date|time|timestamp|datetime|date_?time|ds|dt|period|month|year|quarter|week|"
    r"day|yr|fecha|datum|zeit|jahr|monat|mois|annee|time_?stamp|index)s?$"
)
_TIME_WORD = re.compile(r"date|time|stamp|period")
# Cells that mean "no value".
_MISSING = frozenset(
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
        "missing",
        "#n/a",
        "#na",
        "#value!",
        "#div/0!",
        "#num!",
        "#ref!",
    }
)
_NUMBER_LIKE = re.compile(r"^[+-]?[\d.,]+([eE][+-]?\d+)?$")
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
# Share of the non-empty cells that must carry the same marker for it to be removed.
_MARKER_SHARE = 0.8

_fallback = threading.local()


def _cp1252_fallback(exc: UnicodeError) -> tuple[str, int]:
    """Codec error handler: decode bytes that are not UTF-8 as Windows-1252."""
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    chunk = exc.object[exc.start : exc.end]
    _fallback.count = getattr(_fallback, "count", 0) + len(chunk)
    out = []
    for byte in chunk:
        try:
            out.append(bytes([byte]).decode("cp1252"))
        except UnicodeDecodeError:
            out.append(chr(byte))  # the five bytes cp1252 leaves undefined
    return "".join(out), exc.end


codecs.register_error("convlstm-cp1252", _cp1252_fallback)


def _read_source(source: Any) -> bytes:
    """Return the raw bytes of a path, bytes or file-like ``source`` (size-limited)."""
    limit = f"{MAX_BYTES / 1024 / 1024:.0f} MB"
    if isinstance(source, bytes | bytearray | memoryview):
        data = bytes(source)
    elif isinstance(source, str | os.PathLike):
        if isinstance(source, str) and "\n" in source:
            return source.encode("utf-8")  # CSV text, not a path
        path = Path(source)
        if not path.is_file():
            raise DataError(f"file {_q(path, 80)} not found (or not a file)")
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise DataError(
                f"the file is {size / 1024 / 1024:.1f} MB; the limit is {limit}. Keep "
                "only the time column and the values you need, or aggregate to a "
                "coarser frequency, and try again"
            )
        data = path.read_bytes()
    elif hasattr(source, "read"):
        if hasattr(source, "seek"):
            # Not seekable: read from where it is.
            with contextlib.suppress(OSError, ValueError):
                source.seek(0)
        data = source.read(MAX_BYTES + 1)
        if isinstance(data, str):
            data = data.encode("utf-8")
        if not isinstance(data, bytes | bytearray):
            raise DataError(
                f"reading the upload returned {type(data).__name__}, not bytes"
            )
        data = bytes(data)
    else:
        raise DataError(
            f"cannot read a CSV from a {type(source).__name__}; pass a file path, "
            "bytes or an open file"
        )
    if len(data) > MAX_BYTES:
        raise DataError(
            f"the file is larger than {limit}. Keep only the time column and the "
            "values you need, or aggregate to a coarser frequency, and try again"
        )
    return data


def _decode(data: bytes) -> tuple[str, list[str]]:
    """Detect the encoding of ``data`` and return the text and notes about it."""
    head = data[:16]
    for magic, what in _MAGIC:
        if head.startswith(magic):
            extra = (
                "; if it is an Excel workbook, open it and save it as CSV"
                if "Excel" in what
                else ""
            )
            raise DataError(f"this is {what}, not a CSV file{extra}; {_EXPORT_HINT}")
    for bom, codec, label in _BOMS:
        if data.startswith(bom):
            body = data[len(bom) :]
            if codec == "utf-8":
                break  # decoded below, with the Windows-1252 fallback
            try:
                text = body.decode(codec)
            except UnicodeDecodeError as exc:
                raise DataError(
                    f"the file starts like {label} text but byte "
                    f"{exc.start + len(bom)} cannot be decoded; {_EXPORT_HINT}"
                ) from None
            return text, [f"read the file as {label} text"]
    else:
        bom = b""
    body = data[len(bom) :]
    notes = []
    if b"\x00" in body:
        # UTF-16 without a byte-order mark: every other byte of ASCII text is NUL.
        sample = body[:4096]
        half = max(len(sample) // 2, 1)
        even, odd = sample[0::2].count(0), sample[1::2].count(0)
        codec = None
        if odd > 0.4 * half and even == 0:
            codec = "utf-16-le"
        elif even > 0.4 * half and odd == 0:
            codec = "utf-16-be"
        if codec is not None:
            try:
                return body.decode(codec), ["read the file as UTF-16 text"]
            except UnicodeDecodeError:
                pass  # not UTF-16 after all: report the NUL bytes
        raise DataError(
            f"the file contains NUL bytes (first at byte {body.index(0)}), so it is "
            f"binary, not CSV text; {_EXPORT_HINT}"
        )
    _fallback.count = 0
    text = body.decode("utf-8", errors="convlstm-cp1252")
    n_fallback = _fallback.count
    if bom:
        notes.append("read the file as UTF-8 text (with a byte-order mark)")
    if n_fallback:
        if n_fallback > 0.1 * len(body) and len(body) > 20:
            raise DataError(
                f"the file does not look like text ({n_fallback} of {len(body)} bytes "
                f"are not valid characters); {_EXPORT_HINT}"
            )
        if body.decode("utf-8", errors="ignore").isascii():
            notes.append("read the file as Windows-1252 / Latin-1 text (not UTF-8)")
        else:
            notes.append(
                f"the file mixes encodings: {n_fallback} bytes were not valid UTF-8 "
                "and were read as Windows-1252 / Latin-1; check accented text"
            )
    n_control = len(_CONTROL.findall(text, 0, 1_000_000))
    if n_control > max(2, 0.01 * min(len(text), 1_000_000)):
        raise DataError(
            f"the file does not look like text ({n_control} control characters); "
            f"{_EXPORT_HINT}"
        )
    return text, notes


def _count_outside_quotes(line: str, sep: str) -> int:
    if '"' in line:
        line = _QUOTED.sub("", line)
    return line.count(sep)


def _sniff_delimiter(lines: list[str]) -> str:
    """Pick the delimiter that splits the first lines most consistently."""
    best, best_score = ",", None
    for rank, sep in enumerate(_DELIMITERS):
        counts = [_count_outside_quotes(line, sep) for line in lines]
        if counts[0] == 0:
            continue
        consistent = sum(c == counts[0] for c in counts) / len(counts)
        score = (consistent, counts[0] if consistent == 1 else 0, -rank)
        if best_score is None or score > best_score:
            best, best_score = sep, score
    return best


def _looks_like_data(cells: list[str]) -> bool:
    """Whether a header line's cells are all numbers or dates (no header row)."""
    cells = [c.strip().strip('"') for c in cells]
    if not cells or any(not c for c in cells):
        return False
    return all(
        _NUMBER_LIKE.match(c) or re.match(r"^\d{1,4}[-/.]\d{1,2}([-/.]\d{1,4})?\b", c)
        for c in cells
    )


def read_csv(source: str | os.PathLike | bytes | Any) -> pd.DataFrame:
    """Read a CSV file robustly, detecting its encoding, delimiter and number format.

    Encodings: UTF-8 (with or without a byte-order mark), UTF-16/32 with a
    byte-order mark, UTF-16 without one, and Windows-1252 / Latin-1 (also line by
    line inside an otherwise UTF-8 file). Delimiters: comma, semicolon, tab, pipe
    (or an Excel ``sep=;`` first line). Numbers: decimal comma ("1,5") and
    thousands separators ("1,234.5", "1.234,5", "1 234"), a currency sign or code
    or a percent sign carried by at least 80% of a column's non-empty cells
    ("$1,234.50", "€ 12,5", "100 EUR", "12.5%" read as 12.5) and accounting
    negatives ("(1,234)" read as -1234). Every cell is read as a string first; a
    column becomes numeric (int64 when all values are whole, else float64) only
    when every non-empty cell is a number or a missing marker ("n/a", "-", "NaN",
    ...). Columns named like time ("date", "year", ...) stay strings so that dates
    are never mangled.

    Args:
        source: a path (``str`` or ``Path``), CSV text (a ``str`` holding a
            newline), ``bytes``, or a binary or text file object (e.g. a Streamlit
            ``UploadedFile``).

    Returns:
        The table. ``df.attrs["notes"]`` lists what was detected or repaired
        (encoding, delimiter, number format) in plain language; it is empty for
        a plain UTF-8 comma-separated file.

    Raises:
        DataError: the file is missing, too large (``MAX_BYTES``, ``MAX_ROWS``,
            ``MAX_COLUMNS``, ``MAX_CELLS``, ``MAX_CELL_CHARS``), empty, has no
            data rows, is binary (an image, archive, PDF, NUL bytes) or cannot be
            parsed as CSV.
    """
    data = _read_source(source)
    if not data.strip():
        raise DataError(
            "the file is empty; it needs a header row and at least one data row"
        )
    text, notes = _decode(data)
    text = text.lstrip("\ufeff")
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise DataError(
            "the file is empty; it needs a header row and at least one data row"
        )

    sep = None
    first_nl = text.find("\n")
    first_line = text[: first_nl if first_nl >= 0 else len(text)].strip()
    match = re.fullmatch(r'"?sep=(.)"?', first_line, flags=re.IGNORECASE)
    if match:
        sep = match.group(1)
        text = text[first_nl + 1 :] if first_nl >= 0 else ""
    lines = [line for line in text.split("\n", 60)[:60] if line.strip()]
    if not lines:
        raise DataError(
            "the file is empty; it needs a header row and at least one data row"
        )
    if sep is None:
        sep = _sniff_delimiter(lines[:50])
    if sep != ",":
        notes.append(f"columns are separated by {_DELIMITER_NAMES.get(sep, repr(sep))}")

    n_columns = _count_outside_quotes(lines[0], sep) + 1
    if n_columns > MAX_COLUMNS:
        raise DataError(
            f"the file has {n_columns:,} columns; the limit is {MAX_COLUMNS:,}. Keep "
            "the time column and the values you want to forecast"
        )
    n_rows = text.count("\n", 0, len(text.rstrip("\n")))  # lines after the header
    if n_rows > MAX_ROWS:
        raise DataError(
            f"the file has about {n_rows:,} rows; the limit is {MAX_ROWS:,}. "
            "Aggregate it to a coarser frequency (e.g. hourly or daily means) or "
            "keep the most recent part"
        )
    if n_rows * n_columns > MAX_CELLS:
        raise DataError(
            f"the file has about {n_rows:,} rows x {n_columns:,} columns; the limit is "
            f"{MAX_CELLS:,} cells. Keep only the columns you need"
        )
    if n_rows == 0:
        raise DataError(
            f"the file has a header ({_q(lines[0], 60)}) but no data rows; add rows "
            "below the header"
        )

    header_cells = lines[0].split(sep)
    no_header = len(lines) >= 2 and _looks_like_data(header_cells)
    names = [f"column_{i + 1}" for i in range(n_columns)] if no_header else None
    try:
        with warnings.catch_warnings():
            # pandas only warns when rows are longer than the header; that loses data.
            warnings.simplefilter("error", pd.errors.ParserWarning)
            df = pd.read_csv(
                io.StringIO(text),
                sep=sep,
                dtype=str,
                na_filter=False,
                keep_default_na=False,
                skip_blank_lines=True,
                skipinitialspace=True,
                index_col=False,
                header=None if no_header else 0,
                names=names,
                engine="c",
            )
    except pd.errors.ParserWarning:
        raise DataError(
            "some rows have more cells than the header has column names; add the "
            "missing column names or remove the extra cells"
        ) from None
    except pd.errors.EmptyDataError:
        raise DataError(
            "the file has no columns; it needs a header row and data rows"
        ) from None
    except (pd.errors.ParserError, ValueError, OverflowError) as exc:
        detail = str(exc).replace("Error tokenizing data. C error: ", "").strip()
        raise DataError(
            f"the file could not be read as CSV with {_DELIMITER_NAMES.get(sep, sep)} "
            f"between columns ({_q(detail, 120)}); check that every row has the same "
            "number of columns and that quotes are closed"
        ) from None
    if no_header:
        notes.append(
            "the first row holds data, not column names; named the columns "
            + ", ".join(_q(n) for n in names)
        )
    if len(df) == 0:
        raise DataError(
            f"the file has a header ({_q(lines[0], 60)}) but no data rows; add rows "
            "below the header"
        )
    if len(df) > MAX_ROWS:
        raise DataError(
            f"the file has {len(df):,} rows; the limit is {MAX_ROWS:,}. Aggregate "
            "it to a coarser frequency or keep the most recent part"
        )
    df.columns = [str(c).strip() for c in df.columns]

    dropped = []
    for col in list(df.columns):
        s = df[col].str.strip()
        longest = s.str.len().max()
        if longest is not None and longest == longest and longest > MAX_CELL_CHARS:
            pos = int(s.str.len().to_numpy().argmax())
            raise DataError(
                f"column {_q(col)}: a cell at row {pos + 2} has {int(longest):,} "
                f"characters; the limit is {MAX_CELL_CHARS:,}. Is this really a "
                "table of numbers?"
            )
        if col.startswith("Unnamed: ") and (s == "").all():
            dropped.append(col)
            continue
        df[col] = s
    if dropped:
        df = df.drop(columns=dropped)
        notes.append(f"dropped {len(dropped)} empty column(s) without a name")
    if df.shape[1] == 0:
        raise DataError("the file has no data: every column is empty")

    comma_hint = sep != ","
    for col in df.columns:
        if _TIME_NAME.match(col.lower()):
            continue
        try:
            values, bad, style, repairs = _to_numbers(df[col], comma_hint, col)
        except DataError:
            continue  # mixed currencies: reported if it is picked as the value
        if bad.any() or np.isnan(values).all():
            continue
        whole = np.isfinite(values).all() and (values == np.round(values)).all()
        if whole and np.abs(values).max(initial=0) < 2**53:
            df[col] = values.astype(np.int64)
        else:
            df[col] = values
        notes.extend(f"column {_q(col)}: {repair}" for repair in repairs)
        if style:
            notes.append(f"column {_q(col)}: read numbers with {style}")
    df.attrs["notes"] = notes
    logger.debug("read_csv: %d rows x %d columns; %s", *df.shape, notes)
    return df


def _to_numbers(
    raw: pd.Series, comma_hint: bool = False, name: str = "?"
) -> tuple[np.ndarray, np.ndarray, str, list[str]]:
    """Convert text cells to floats, detecting decimal comma and thousands separators.

    A currency sign or code ("$", "€", "USD", ...) or a percent sign that most
    cells carry is removed first (see :func:`_strip_markers`), and accounting
    negatives such as "(1,234)" are read as negative numbers.

    Args:
        raw: the cells (strings; missing markers such as "n/a" count as missing).
        comma_hint: prefer a decimal comma when a value like "1,500" is ambiguous
            (true when the file is not comma-separated).
        name: the column name, for messages.

    Returns:
        ``(values, bad, style, repairs)``: floats with NaN for missing and bad
        cells, a mask of the non-empty cells that are not numbers, a description
        of the number format when it is not plain ("a decimal comma", ...), else
        "", and notes on removed currency or percent signs and accounting
        negatives.

    Raises:
        DataError: most cells carry a currency or percent sign, but not the same.
    """
    text = raw.astype(str).str.strip().reset_index(drop=True)
    missing = text.str.lower().isin(_MISSING).to_numpy() | raw.isna().to_numpy()
    values = np.full(len(text), np.nan)
    present = text[~missing]
    if len(present) == 0:
        return values, np.zeros(len(text), dtype=bool), "", []
    nums = np.array(pd.to_numeric(present, errors="coerce"), dtype=float)
    failed = np.isnan(nums)
    repairs: list[str] = []
    if failed.any():
        present, repairs = _strip_markers(present, failed, name)
        if repairs:
            nums = np.array(pd.to_numeric(present, errors="coerce"), dtype=float)
            failed = np.isnan(nums)
    style = ""
    if failed.any():
        cand = present[failed]
        has_comma = cand.str.contains(",", regex=False)
        comma_vals = cand[has_comma]
        decimal = "."
        if len(comma_vals):
            us = comma_vals.str.fullmatch(r"[+-]?\d{1,3}(,\d{3})+(\.\d*)?").all()
            eu = comma_vals.str.fullmatch(
                r"[+-]?(\d{1,3}([. \u00a0\u202f']\d{3})+|\d*),\d+"
            ).all()
            if eu and not us:
                decimal = ","
            elif us and eu:
                # Only values like "1,500": a plain "2.5" elsewhere means the comma
                # groups thousands; otherwise follow the file's delimiter.
                dotted = present[~present.str.contains(",", regex=False)]
                has_dot_decimal = dotted.str.fullmatch(r"[+-]?\d*\.\d+").any()
                decimal = "." if has_dot_decimal or not comma_hint else ","
        if decimal == ",":
            # "2.000" parsed as 2.0 in the first pass, but here the dot groups
            # thousands: convert every cell the decimal-comma way.
            failed = np.ones(len(present), dtype=bool)
            cand = present
            cleaned = cand.str.replace(
                r"(?<=\d)[. \u00a0\u202f'’](?=\d{3}(?!\d))", "", regex=True
            )
            cleaned = cleaned.str.replace(",", ".", regex=False)
        else:
            cleaned = cand.str.replace(
                r"(?<=\d)[, \u00a0\u202f'’](?=\d{3}(?!\d))", "", regex=True
            )
        fixed = pd.to_numeric(cleaned, errors="coerce").to_numpy(dtype=float)
        ok = ~np.isnan(fixed)
        if ok.any():
            grouped = (
                cand[ok].str.contains(r"\d[, .\u00a0\u202f'’]\d{3}", regex=True).any()
            )
            if decimal == ",":
                style = "a decimal comma"
                if (
                    grouped
                    and cand[ok]
                    .str.contains(r"\d[. \u00a0\u202f'’]\d{3}", regex=True)
                    .any()
                ):
                    style += " and thousands separators"
            elif grouped:
                style = "thousands separators"
        nums[failed] = fixed
    values[~missing] = nums
    bad = np.zeros(len(text), dtype=bool)
    bad[~missing] = np.isnan(nums)
    return values, bad, style, repairs


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


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
    cand = present[failed]
    hit = cand.str.fullmatch(_MARKED_NUMBER, flags=re.IGNORECASE).to_numpy(bool)
    if hit.sum() < _MARKER_SHARE * len(present):
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
    marked = ok & marker.notna()
    counts = Counter(marker[marked])
    strip = None
    if counts and marked.sum() >= _MARKER_SHARE * len(present):
        if len(counts) > 1:
            (first, n_first), (other, n_other) = counts.most_common(2)
            pos = int(marked[marker == other].index[0])
            raise DataError(
                f"column {_q(name)}: the values carry different units, {_q(first)} "
                f"in {n_first} cells and {_q(other)} in {n_other} (first at row "
                f"{pos + 2}: {_q(present[pos])}); convert them to one currency or "
                "unit, or put each in its own column"
            )
        strip = next(iter(counts))
    fix = ok & ((marker == strip) | (paren & marker.isna()))
    if not fix.any():
        return present, []
    sign = sign.where(~paren, "-").fillna("")
    cleaned = sign[fix] + parts["num"][fix].str.strip()
    present = present.copy()
    present[cleaned.index] = cleaned
    repairs = []
    n_strip = int((fix & (marker == strip)).sum())
    if strip == "%":
        repairs.append(
            f"removed the percent sign from {_plural(n_strip, 'cell')} (values kept "
            "in percent, not divided by 100)"
        )
    elif strip is not None:
        kind = "sign" if strip in _CURRENCY_SIGNS else "code"
        repairs.append(
            f"removed the currency {kind} {_q(strip)} from {_plural(n_strip, 'cell')}"
        )
    negative = fix & paren
    if negative.any():
        first_cell = cand[negative].iloc[0]
        repairs.append(
            f"read {_plural(int(negative.sum()), 'value')} in parentheses as "
            f"negative (accounting style, e.g. {_q(first_cell)} as "
            f"{cleaned[negative].iloc[0]})"
        )
    return present, repairs


# --------------------------------------------------------------------------- to_series

_DAYS = ("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN")
_TZ_SUFFIX = re.compile(r"(?:Z|[+-]\d{2}:?\d{2})$")
_QUARTER = re.compile(
    r"^(?:(\d{4})\s*[-/ ]?\s*[Qq]([1-4])|[Qq]([1-4])\s*[-/ ]?\s*(\d{4}))$"
)
# Mixed-format dates go through dateutil cell by cell; only for small columns.
_MIXED_MAX = 50_000


def _date_formats() -> list[tuple[str, str | None, bool]]:
    """Candidate formats as ``(label, strftime format, day_first)``."""
    out: list[tuple[str, str | None, bool]] = []
    times = ("", " %H:%M", " %H:%M:%S")
    for sep in ("/", ".", "-"):
        for year in ("%Y", "%y"):
            for t in times:
                out.append(("day-first", f"%d{sep}%m{sep}{year}{t}", True))
                out.append(("month-first", f"%m{sep}%d{sep}{year}{t}", False))
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
        "%Y%m%d",
        "%b %Y",
        "%B %Y",
        "%b-%Y",
        "%b-%y",
        "%B-%Y",
        "%Y %b",
        "%Y-%b",
        "%Y %B",
        "%b %d, %Y",
        "%B %d, %Y",
        "%d %b %Y",
        "%d %B %Y",
        "%d-%b-%Y",
        "%d-%b-%y",
    ):
        out.append(("format", fmt, False))
    return out


_FORMATS = _date_formats()


def _regularity(ts: pd.DatetimeIndex) -> tuple[bool, bool]:
    """Score a parse: in time order, then on a regular frequency, is more plausible."""
    ts = ts[~ts.isna()]
    if len(ts) < 2:
        return True, True
    increasing = bool(ts.is_monotonic_increasing and ts.is_unique)
    return increasing, _infer_freq(ts.sort_values()) is not None


def _parse_quarters(values: pd.Series) -> pd.Series:
    parts = values.str.extract(_QUARTER)
    year = parts[0].fillna(parts[3])
    quarter = parts[1].fillna(parts[2])
    ok = year.notna() & quarter.notna()
    out = pd.Series(pd.NaT, index=values.index, dtype="datetime64[us]")
    if ok.any():
        y = year[ok].astype(int)
        m = (quarter[ok].astype(int) - 1) * 3 + 1
        out[ok] = pd.to_datetime({"year": y, "month": m, "day": 1})
    return out


def _try_format(values: pd.Series, fmt: str | None) -> pd.Series:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if fmt == "quarter":
            return _parse_quarters(values)
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


def _parse_times(raw: pd.Series | pd.Index, name: str) -> tuple[pd.DatetimeIndex, list]:
    """Parse a time column into naive timestamps (NaT for empty cells).

    Raises:
        DataError: cells that are not dates (names column, count, first row).
    """
    notes: list[str] = []
    if isinstance(raw, pd.PeriodIndex) or isinstance(
        getattr(raw, "dtype", None), pd.PeriodDtype
    ):
        return pd.DatetimeIndex(pd.PeriodIndex(raw).to_timestamp()), notes
    series = pd.Series(raw).reset_index(drop=True)
    if isinstance(series.dtype, pd.DatetimeTZDtype):
        notes.append(
            f"converted the times in column {_q(name)} to UTC and dropped the time zone"
        )
        return pd.DatetimeIndex(series.dt.tz_convert("UTC").dt.tz_localize(None)), notes
    if pd.api.types.is_datetime64_dtype(series.dtype):
        return pd.DatetimeIndex(series), notes
    if pd.api.types.is_bool_dtype(series.dtype):
        raise DataError(f"column {_q(name)} holds true/false values, not dates")
    if pd.api.types.is_numeric_dtype(series.dtype):
        v = series.to_numpy(dtype=float, na_value=np.nan)
        finite = v[np.isfinite(v)]
        whole = len(finite) and (finite == np.round(finite)).all()
        if whole and finite.min() >= 1000 and finite.max() <= 2999:
            text = pd.Series(
                [f"{int(x)}" if np.isfinite(x) else "" for x in v], dtype=str
            )
            notes.append(f"read column {_q(name)} as years")
            return pd.DatetimeIndex(_try_format(text, "%Y")), notes
        if whole and finite.min() >= 10000101 and finite.max() <= 29991231:
            text = pd.Series(
                [f"{int(x)}" if np.isfinite(x) else "" for x in v], dtype=str
            )
            out = _try_format(text, "%Y%m%d")
            if out.notna().sum() == len(finite):
                notes.append(f"read column {_q(name)} as dates written YYYYMMDD")
                return pd.DatetimeIndex(out), notes
        first = int(np.argmax(np.isfinite(v))) if len(finite) else 0
        raise DataError(
            f"column {_q(name)} holds numbers, not dates (row {first + 2}: "
            f"{_q(series.iloc[first])}); pick the time column with time_col=... or "
            "write dates such as 2020-01-31"
        )
    text = series.astype(str).str.strip()
    empty = text.str.lower().isin(_MISSING) | series.isna()
    present = text[~empty]
    if len(present) == 0:
        raise DataError(f"column {_q(name)} has no dates: every cell is empty")

    sample = pd.concat([present.iloc[:300], present.iloc[-100:]])
    sample = sample[~sample.index.duplicated()]
    candidates: list[tuple[str, str | None, bool]] = []
    if sample.str.match(_QUARTER).all():
        candidates.append(("quarter", "quarter", False))
    candidates.append(("iso", "ISO8601", False))
    candidates.extend(_FORMATS)
    best: tuple[int, str | None] = (-1, "ISO8601")
    fits: dict[str, tuple[str | None, pd.Series]] = {}
    for label, fmt, _ in candidates:
        if label in fits:
            continue
        parsed = _try_format(sample, fmt)
        n_ok = int(parsed.notna().sum())
        if n_ok == len(sample):
            fits[label] = (fmt, parsed)
            if label not in ("day-first", "month-first"):
                break
        if n_ok > best[0]:
            best = (n_ok, fmt)
    chosen: str | None = None
    if "day-first" in fits and "month-first" in fits:
        day = _regularity(pd.DatetimeIndex(fits["day-first"][1]))
        month = _regularity(pd.DatetimeIndex(fits["month-first"][1]))
        chosen = "month-first" if month > day else "day-first"
        if month == day:
            notes.append(
                f"dates in column {_q(name)} such as {_q(present.iloc[0])} could be "
                "day/month or month/day; read them as day/month"
            )
    elif fits:
        chosen = next(iter(fits))
    if chosen == "day-first" and not any("could be day/month" in n for n in notes):
        notes.append(f"read the dates in column {_q(name)} as day/month/year")
    elif chosen == "month-first":
        notes.append(f"read the dates in column {_q(name)} as month/day/year")
    fmt = fits[chosen][0] if chosen else best[1]
    parsed = _try_format(present, fmt)
    if fmt == "ISO8601" and present.iloc[:1000].str.contains(_TZ_SUFFIX).any():
        notes.append(
            f"converted the times in column {_q(name)} to UTC and dropped the time zone"
        )

    bad = parsed.isna()
    if bad.any() and len(present) <= _MIXED_MAX:
        # Read only the cells the main format missed, each on its own.
        rest = present[bad.to_numpy()]
        tries = [_try_format(rest, f) for f in ("mixed-dayfirst", "mixed")]
        scores = []
        for t in tries:
            merged = parsed.copy()
            merged[bad.to_numpy()] = t.to_numpy()
            scores.append(
                (
                    int(merged.notna().sum()),
                    _regularity(pd.DatetimeIndex(merged)),
                    merged,
                )
            )
        n_ok, _, merged = max(scores[::-1], key=lambda x: (x[0], x[1]))
        if n_ok > parsed.notna().sum():
            parsed = merged
            bad = parsed.isna()
            notes.append(
                f"column {_q(name)} mixes date formats; each cell was read on its own, "
                "check the dates"
            )
    if bad.any():
        n_bad = int(bad.sum())
        pos = int(bad.to_numpy().argmax())
        row = int(present.index[pos]) + 2
        raise DataError(
            f"column {_q(name)}: {n_bad} of {len(present)} cells are not dates "
            f"(first at row {row}: {_q(present.iloc[pos])}); write dates in one "
            "format such as 2020-01-31 or 2020-01-31 13:00"
        )
    out = pd.Series(pd.NaT, index=text.index, dtype=parsed.dtype)
    out[present.index] = parsed.to_numpy()
    return pd.DatetimeIndex(out), notes


def _looks_like_dates(col: pd.Series) -> bool:
    """Whether most of the first non-empty cells of a text column parse as dates."""
    if pd.api.types.is_datetime64_any_dtype(col.dtype):
        return True
    if pd.api.types.is_numeric_dtype(col.dtype) or pd.api.types.is_bool_dtype(
        col.dtype
    ):
        return False
    text = col.astype(str).str.strip()
    sample = text[~text.str.lower().isin(_MISSING)].iloc[:50]
    if len(sample) == 0 or sample.str.fullmatch(r"[+-]?[\d.,\s]+").all():
        return False  # numbers (a year column is handled apart)
    try:
        _parse_times(sample.reset_index(drop=True), "?")
    except DataError:
        return False
    return True


def _is_year_column(col: pd.Series) -> bool:
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


def _pick_time_col(df: pd.DataFrame, value_col: str | None) -> tuple[str, list[str]]:
    cols = [c for c in df.columns if c != value_col]
    named = [c for c in cols if _TIME_NAME.match(c.lower().strip())]
    named += [c for c in cols if c not in named and _TIME_WORD.search(c.lower())]
    for c in named:
        if _looks_like_dates(df[c]) or _is_year_column(df[c]):
            return c, [f"picked column {_q(c)} as time"]
        if pd.api.types.is_integer_dtype(df[c].dtype):
            with contextlib.suppress(DataError):  # e.g. 20200131 (YYYYMMDD)
                _parse_times(df[c].iloc[:50], c)
                return c, [f"picked column {_q(c)} as time"]
    for c in cols:
        if _looks_like_dates(df[c]):
            return c, [f"picked column {_q(c)} as time"]
    text_named = [c for c in named if not pd.api.types.is_numeric_dtype(df[c].dtype)]
    if text_named:  # named like time but not dates: parse it to report the cells
        return text_named[0], [f"picked column {_q(text_named[0])} as time"]
    numeric = [c for c in cols if pd.api.types.is_numeric_dtype(df[c].dtype)]
    if len(numeric) >= 2 and _is_year_column(df[numeric[0]]):
        return numeric[0], [f"picked column {_q(numeric[0])} as time (years)"]
    listed = ", ".join(_q(c) for c in list(df.columns)[:10])
    raise DataError(
        f"no time column found (columns: {listed}); add a column of dates such as "
        "2020-01-31 (or years such as 1949) named e.g. 'date', or pick it with "
        "time_col=..."
    )


def _pick_value_col(df: pd.DataFrame, time_col: str | None) -> tuple[str, list[str]]:
    cols = [c for c in df.columns if c != time_col]
    if not cols:
        raise DataError(
            f"the table has only the time column {_q(time_col)}; add a column of "
            "numbers to forecast"
        )
    numeric = [
        c
        for c in cols
        if pd.api.types.is_numeric_dtype(df[c].dtype)
        and not pd.api.types.is_bool_dtype(df[c].dtype)
    ]
    if not numeric:
        # Text columns that are mostly numbers (some cells like "n/a" or "oops").
        for c in cols:
            try:
                values, bad, _, _ = _to_numbers(df[c], name=c)
            except DataError:  # mixed currencies: converting it reports them
                numeric.append(c)
                continue
            if np.isfinite(values).sum() > bad.sum():
                numeric.append(c)
    if not numeric:
        if len(cols) == 1:
            return cols[0], []  # converting it reports the bad cells
        listed = ", ".join(_q(c) for c in cols[:10])
        raise DataError(
            f"no column of numbers found (columns: {listed}); pick the values with "
            "value_col=..."
        )
    if len(numeric) > 1:
        others = ", ".join(_q(c) for c in numeric[1:6])
        more = f" and {len(numeric) - 6} more" if len(numeric) > 6 else ""
        return numeric[0], [
            f"picked column {_q(numeric[0])} as value; other numeric columns: "
            f"{others}{more} (choose one with value_col=...)"
        ]
    return numeric[0], [f"picked column {_q(numeric[0])} as value"]


def _values(raw: pd.Series, name: str) -> tuple[np.ndarray, list[str]]:
    """Float values of the value column (NaN for missing cells)."""
    notes: list[str] = []
    raw = raw.reset_index(drop=True)
    if pd.api.types.is_datetime64_any_dtype(raw.dtype):
        raise DataError(
            f"column {_q(name)} holds dates, not numbers; pick the values with "
            "value_col=..."
        )
    if pd.api.types.is_numeric_dtype(raw.dtype) or pd.api.types.is_bool_dtype(
        raw.dtype
    ):
        values = raw.to_numpy(dtype=float, na_value=np.nan)
    else:
        values, bad, style, repairs = _to_numbers(raw, name=name)
        notes.extend(f"column {_q(name)}: {repair}" for repair in repairs)
        if style:
            notes.append(f"column {_q(name)}: read numbers with {style}")
        n_bad = int(bad.sum())
        if n_bad:
            pos = int(bad.argmax())
            n_present = int(n_bad + np.isfinite(values).sum() + np.isinf(values).sum())
            where = f"first at row {pos + 2}: {_q(raw.iloc[pos])}"
            if n_bad * 2 >= n_present:
                raise DataError(
                    f"column {_q(name)}: {n_bad} of {n_present} cells are not numbers "
                    f"({where}); pick a column of numbers with value_col=... or fix "
                    "the cells"
                )
            notes.append(
                f"column {_q(name)}: treated {n_bad} non-numeric cells as missing "
                f"({where})"
            )
    inf = np.isinf(values)
    if inf.any():
        pos = int(inf.argmax())
        raise DataError(
            f"column {_q(name)}: {int(inf.sum())} infinite values (first at row "
            f"{pos + 2}: {_q(raw.iloc[pos])}); replace them with numbers, or leave "
            "the cells empty to have them interpolated"
        )
    huge = np.abs(np.nan_to_num(values)) > MAX_ABS_VALUE
    if huge.any():
        pos = int(huge.argmax())
        raise DataError(
            f"column {_q(name)}: {int(huge.sum())} values beyond {MAX_ABS_VALUE:.0e} "
            f"in size (first at row {pos + 2}: {values[pos]:.6g}); rescale the data, "
            "e.g. to thousands or millions"
        )
    return values, notes


def _snap_fixed(index: pd.DatetimeIndex, step: pd.Timedelta) -> pd.DatetimeIndex:
    """Round every timestamp to the grid that starts at ``index[0]`` with ``step``."""
    offsets = (index - index[0]) / step
    return index[0] + np.round(np.asarray(offsets, dtype=float)) * step


# Steps (seconds) that slightly jittered timestamps are snapped to.
_NICE_STEPS = np.array(
    [1, 2, 5, 10, 15, 20, 30]
    + [60 * m for m in (1, 2, 5, 10, 15, 20, 30)]
    + [3600 * h for h in (1, 2, 3, 4, 6, 8, 12)]
    + [_DAY, _WEEK],
    dtype=float,
)


def _nice_steps(steps: np.ndarray) -> np.ndarray:
    """Replace steps within 2% of a round step (1 min, 1 h, 1 day...) by it."""
    if len(steps) == 0:
        return steps
    pos = np.clip(np.searchsorted(_NICE_STEPS, steps), 1, len(_NICE_STEPS) - 1)
    lower, upper = _NICE_STEPS[pos - 1], _NICE_STEPS[pos]
    nearest = np.where(np.abs(steps - lower) <= np.abs(upper - steps), lower, upper)
    close = (np.abs(steps - nearest) <= 0.02 * nearest) & (steps > 0)
    return np.where(close & (steps < _WEEK * 1.1), nearest, steps)


_FREQ_WORDS = {"h": "1-hour", "min": "1-minute", "s": "1-second", "D": "1-day"}


def _fmt_time(ts: pd.Timestamp) -> str:
    """A timestamp for messages: the date alone when it is midnight."""
    return str(ts.date()) if ts == ts.normalize() else str(ts)


def _regular_freq(
    index: pd.DatetimeIndex, name: str
) -> tuple[str, pd.DatetimeIndex, list[str]]:
    """Infer the frequency of sorted unique timestamps; snap them onto its grid.

    Returns:
        ``(freq, snapped_index, notes)``.
    """
    freq = _infer_freq(index)
    if freq is not None:
        base = freq.split("-")[0]
        if base == "QS" and set(index.month) <= {1, 4, 7, 10}:
            freq = "QS"
        elif freq == "YS-JAN":
            freq = "YS"
        return freq, index, []
    notes: list[str] = []
    seconds = (
        np.diff(index.asi8) / {"s": 1, "ms": 1e3, "us": 1e6, "ns": 1e9}[index.unit]
    )
    midnight = bool((index == index.normalize()).all())
    if midnight:
        days = seconds / _DAY
        buckets = np.where(
            (days >= 365) & (days <= 366),
            -1.0,
            np.where(
                (days >= 89) & (days <= 92),
                -2.0,
                np.where((days >= 28) & (days <= 31), -3.0, seconds),
            ),
        )
    else:
        buckets = seconds
    buckets = _nice_steps(buckets)
    ((mode, count),) = Counter(buckets.tolist()).most_common(1)
    share = count / len(buckets)
    if share < 0.5:
        raise DataError(
            f"column {_q(name)}: the time steps are irregular (the most common step "
            f"covers only {share:.0%} of them); resample the data to a regular "
            "frequency (e.g. daily or monthly means) first"
        )
    snapped = index
    if mode == -1.0:
        freq, snapped = "YS", index.to_period("Y").to_timestamp()
        where = "the start of their year"
    elif mode == -2.0:
        freq, snapped = "QS", index.to_period("Q").to_timestamp()
        where = "the start of their quarter"
    elif mode == -3.0:
        if index.is_month_end.all():
            freq = "ME"
        else:
            freq, snapped = "MS", index.to_period("M").to_timestamp()
        where = "the start of their month"
    elif midnight and mode == _DAY:
        weekend = (index.day_of_week >= 5).any()
        if not weekend and len(index) >= 10 and (seconds == 3 * _DAY).any():
            freq = "B"
        else:
            freq = "D"
        where = "the daily grid"
    elif midnight and mode == _WEEK:
        freq = f"W-{_DAYS[index[0].day_of_week]}"
        snapped = _snap_fixed(index, pd.Timedelta(days=7))
        where = "the weekly grid"
    else:
        step = pd.Timedelta(seconds=mode)
        if mode % _DAY == 0:
            freq = "D" if mode == _DAY else f"{int(mode // _DAY)}D"
        else:
            freq = to_offset(step).freqstr
        snapped = _snap_fixed(index, step)
        where = f"a regular grid of {_FREQ_WORDS.get(freq, freq)} steps"
    notes.append(
        f"inferred the frequency {freq} from the most common time step "
        f"({share:.0%} of steps)"
    )
    moved = int((snapped != index).sum())
    if moved:
        notes.append(f"moved {moved} timestamps onto {where}")
    return freq, pd.DatetimeIndex(snapped), notes


def to_series(
    df: pd.DataFrame | pd.Series,
    time_col: str | None = None,
    value_col: str | None = None,
) -> pd.Series:
    """Turn a table into a regular, gap-free float series ready to forecast.

    Picks the time column (named like date/time/year/period..., or the one whose
    cells parse as dates, or whole numbers 1000-2999 read as years) and the value
    column (the first numeric non-time column), parses dates (ISO 8601, with time
    and time zone, day/month/year and month/day/year, month names, quarters such as
    "1956Q1", years), sorts, averages duplicate timestamps, infers the frequency,
    snaps timestamps onto its grid and fills missing timestamps and values by
    linear interpolation. A DataFrame indexed by dates, or a Series, works too.

    Row numbers in messages count the header as row 1 (blank lines are skipped).

    Args:
        df: the table, e.g. from :func:`read_csv`; ``df.attrs["notes"]`` is
            carried into the result.
        time_col: the time column; picked automatically when None.
        value_col: the value column; picked automatically when None.

    Returns:
        Float series with a DatetimeIndex whose ``freq`` is set, named after the
        value column. ``y.attrs["notes"]`` is a list of plain-language strings
        saying what was picked and repaired (e.g. "picked column 'date' as time",
        "filled 3 missing timestamps by linear interpolation (first at
        2020-03-01)"); ``y.attrs["time_col"]`` and ``y.attrs["value_col"]`` name
        the columns used (``time_col`` is the index name when the times come from
        the index).

    Raises:
        DataError: no usable time or value column, cells that are not dates,
            mostly non-numeric values, infinite values or values beyond
            ``MAX_ABS_VALUE``, irregular timestamps with no dominant step, too
            many gaps, or fewer than ``MIN_POINTS`` points.
    """
    if isinstance(df, pd.Series):
        df = df.to_frame(name=str(df.name) if df.name is not None else "value")
    if not isinstance(df, pd.DataFrame):
        raise DataError(
            f"expected a table (pandas DataFrame) or Series, got {type(df).__name__}"
        )
    notes: list[str] = list(df.attrs.get("notes", []))
    if len(df) == 0:
        raise DataError("the table has no rows")
    df = df.copy(deep=False)
    df.attrs = {}
    df.columns = [str(c) for c in df.columns]
    if df.columns.has_duplicates:
        dupes = df.columns[df.columns.duplicated()].unique()
        raise DataError(
            "duplicate column names: "
            + ", ".join(_q(c) for c in dupes[:5])
            + "; rename them so that each column has its own name"
        )
    for arg, label in ((time_col, "time_col"), (value_col, "value_col")):
        if arg is not None and str(arg) not in df.columns:
            listed = ", ".join(_q(c) for c in list(df.columns)[:10])
            raise DataError(f"{label}={_q(arg)} is not a column (columns: {listed})")
    time_col = None if time_col is None else str(time_col)
    value_col = None if value_col is None else str(value_col)
    if time_col is not None and time_col == value_col:
        raise DataError(f"time_col and value_col are the same column {_q(time_col)}")

    index_times = time_col is None and isinstance(
        df.index, pd.DatetimeIndex | pd.PeriodIndex
    )
    if index_times:
        time_name = str(df.index.name) if df.index.name is not None else "index"
        times_raw: Any = df.index
        df = df.reset_index(drop=True)
    else:
        if time_col is None:
            time_col, picked = _pick_time_col(df, value_col)
            notes.extend(picked)
        time_name = time_col
        times_raw = df[time_col]
    if value_col is None:
        value_col, picked = _pick_value_col(df, None if index_times else time_col)
        notes.extend(picked)

    times, time_notes = _parse_times(times_raw, time_name)
    notes.extend(time_notes)
    values, value_notes = _values(df[value_col], value_col)
    notes.extend(value_notes)

    has_time = ~np.asarray(times.isna())
    if not has_time.all():
        notes.append(f"dropped {int((~has_time).sum())} rows with an empty time cell")
        times, values = times[has_time], values[has_time]
    y = pd.Series(values, index=times)
    if not y.index.is_monotonic_increasing:
        y = y.sort_index(kind="stable")
        notes.append("sorted the rows by time (they were not in time order)")
    y = _average_duplicates(y, notes, "rows share a timestamp")

    valid = np.isfinite(y.to_numpy())
    if not valid.any():
        raise DataError(f"column {_q(value_col)} has no numbers: every cell is empty")
    first, last = int(valid.argmax()), len(valid) - int(valid[::-1].argmax())
    if first:
        notes.append(f"dropped {first} rows at the start that have no value")
    if last < len(y):
        notes.append(f"dropped {len(y) - last} rows at the end that have no value")
    y = y.iloc[first:last]
    if len(y) < MIN_POINTS:
        raise DataError(
            f"only {len(y)} points with a time and a value; at least {MIN_POINTS} "
            "are needed. Use a longer series"
        )

    freq, snapped, freq_notes = _regular_freq(y.index, time_name)
    notes.extend(freq_notes)
    if not snapped.equals(y.index):
        y = pd.Series(y.to_numpy(), index=snapped)
        y = _average_duplicates(y, notes, "timestamps fell on the same grid step")

    offset = to_offset(freq)
    start, end = y.index[0], y.index[-1]
    try:
        expected = (end - start) / pd.Timedelta(offset) + 1
    except (TypeError, ValueError):
        expected = len(pd.date_range(start, end, freq=offset))
    if expected > 2 * len(y) + 10:
        raise DataError(
            f"column {_q(time_name)}: a regular {freq} grid from {_fmt_time(start)} to "
            f"{_fmt_time(end)} "
            f"needs about {int(expected):,} steps but only {len(y):,} have data; "
            "resample the data to a coarser frequency first"
        )
    grid = pd.date_range(start, end, freq=offset)
    missing_values = int(np.isnan(y.to_numpy()).sum())
    first_missing = y.index[np.isnan(y.to_numpy())][:1]
    new_stamps = grid.difference(y.index)
    if len(y.index.difference(grid)):
        raise DataError(
            f"column {_q(time_name)}: the timestamps do not fit a regular {freq} grid; "
            "resample the data to a regular frequency first"
        )
    y = y.reindex(grid)
    if len(new_stamps):
        notes.append(
            f"filled {len(new_stamps)} missing timestamps by linear interpolation "
            f"(first at {_fmt_time(new_stamps[0])})"
        )
    if missing_values:
        notes.append(
            f"interpolated {missing_values} missing values (first at "
            f"{_fmt_time(first_missing[0])})"
        )
    if len(new_stamps) or missing_values:
        y = y.interpolate(method="linear", limit_area="inside")
    out = pd.Series(
        y.to_numpy(dtype=float),
        index=pd.DatetimeIndex(grid, freq=offset, name=time_name),
        name=value_col,
    )
    if len(out) < MIN_POINTS:
        raise DataError(
            f"only {len(out)} points; at least {MIN_POINTS} are needed. Use a longer "
            "series"
        )
    if np.ptp(out.to_numpy()) == 0:
        notes.append(f"the series is constant (every value is {out.iloc[0]:g})")
    out.attrs["notes"] = notes
    out.attrs["time_col"] = time_name
    out.attrs["value_col"] = value_col
    logger.debug("to_series: %d points at %s; %s", len(out), freq, notes)
    return out


def _average_duplicates(y: pd.Series, notes: list[str], why: str) -> pd.Series:
    if not y.index.has_duplicates:
        return y
    dup = y.index.duplicated(keep=False)
    n_rows = int(dup.sum())
    first = y.index[dup][0]
    y = y.groupby(level=0, sort=True).mean()
    notes.append(f"averaged {n_rows} values where {why} (first at {_fmt_time(first)})")
    return y


# ----------------------------------------------------------------------- frequencies


def _offset(freq_or_index: str | pd.DateOffset | pd.DatetimeIndex | pd.Series):
    if isinstance(freq_or_index, pd.Series):
        freq_or_index = freq_or_index.index
    if isinstance(freq_or_index, pd.DatetimeIndex):
        freq = freq_or_index.freq or _infer_freq(freq_or_index)
        if freq is None:
            raise DataError(
                "the series has no regular frequency; load it with "
                "convlstm.data.to_series, which infers and repairs it"
            )
        return to_offset(freq)
    return to_offset(freq_or_index)


def seasonal_periods(
    freq_or_index: str | pd.DateOffset | pd.DatetimeIndex | pd.Series,
) -> tuple[int, ...]:
    """Return the natural seasonal cycles of a frequency, shortest first.

    Args:
        freq_or_index: a pandas frequency ("MS", "30min"), an offset, or a
            DatetimeIndex / Series whose frequency is used.

    Returns:
        Cycle lengths in steps, e.g. ``(12,)`` for monthly, ``(48, 336)`` for
        half-hourly (daily and weekly), ``()`` for yearly data.
    """
    off = _offset(freq_or_index)
    name = off.rule_code  # e.g. "MS", "QS-JAN", "W-SUN", "D", "B", "h", "min"
    base = name.split("-")[0]
    n = max(int(getattr(off, "n", 1)), 1)
    if base in ("YS", "YE", "Y", "A", "AS", "BYS", "BYE", "BA", "BAS"):
        return ()
    if base in ("QS", "QE", "Q", "BQS", "BQE", "BQ"):
        return (4 // n,) if 4 % n == 0 and n < 4 else ()
    if base in ("MS", "ME", "M", "BMS", "BME", "BM", "SMS", "SME"):
        per_year = 24 if base.startswith("SM") else 12
        return (per_year // n,) if per_year % n == 0 and n < per_year else ()
    if base == "W":
        return (52 // n,) if n == 1 else ()
    if base in ("B", "C"):
        return (5,) if n == 1 else ()
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
    # Sub-hourly data has very long daily cycles; keep cycles a model can learn.
    return tuple(p for p in periods if p <= 10_080)


def season_length(
    freq_or_index: str | pd.DateOffset | pd.DatetimeIndex | pd.Series,
) -> int:
    """Return the main (shortest) seasonal cycle in steps, or 1 when there is none."""
    periods = seasonal_periods(freq_or_index)
    return periods[0] if periods else 1


def future_index(index: pd.DatetimeIndex, horizon: int) -> pd.DatetimeIndex:
    """Return the ``horizon`` timestamps that continue ``index`` at its frequency."""
    off = _offset(index)
    return pd.date_range(index[-1] + off, periods=int(horizon), freq=off)


def check_series(y: pd.Series, *, min_length: int, what: str = "model") -> pd.Series:
    """Validate a series for fitting and return a float copy with ``freq`` set.

    Args:
        y: the series, indexed by a regular DatetimeIndex.
        min_length: the fewest points the caller can work with.
        what: what needs the points, for the message (e.g. "ConvLSTM with lookback
            24 and horizon 12").

    Raises:
        DataError: not a Series, not time-indexed, irregular, non-finite values, or
            too short (the message states the minimum length).
    """
    if not isinstance(y, pd.Series):
        raise DataError(
            f"expected a pandas Series indexed by time, got {type(y).__name__}; "
            "convert a table with convlstm.data.to_series"
        )
    if not isinstance(y.index, pd.DatetimeIndex):
        raise DataError(
            "the series must be indexed by timestamps (a DatetimeIndex); "
            "use convlstm.data.to_series to parse a time column"
        )
    if y.index.has_duplicates or not y.index.is_monotonic_increasing:
        raise DataError(
            "the series' timestamps must be unique and increasing; "
            "use convlstm.data.to_series, which sorts and de-duplicates them"
        )
    freq = y.index.freq
    if freq is None and len(y) >= 3:
        freq = _infer_freq(y.index)
    if freq is None:
        raise DataError(
            "the series has no regular frequency (the time steps differ); "
            "use convlstm.data.to_series, which fills gaps on a regular grid"
        )
    try:
        values = pd.to_numeric(y, errors="raise").astype(float)
    except (TypeError, ValueError) as exc:
        raise DataError(f"the series' values must be numbers: {exc}") from None
    bad = ~np.isfinite(values.to_numpy())
    if bad.any():
        first = y.index[bad.argmax()]
        raise DataError(
            f"the series has {int(bad.sum())} missing or infinite values (first at "
            f"{first}); fill them first (convlstm.data.to_series interpolates them)"
        )
    huge = np.abs(values.to_numpy()) > MAX_ABS_VALUE
    if huge.any():
        first = y.index[huge.argmax()]
        raise DataError(
            f"the series has {int(huge.sum())} values beyond {MAX_ABS_VALUE:.0e} in "
            f"absolute value (first at {first}); rescale it (e.g. to thousands or "
            "millions of its unit) before forecasting"
        )
    if len(values) < min_length:
        raise DataError(
            f"the series has {len(values)} points but {what} needs at least "
            f"{min_length}; use a longer series, a shorter horizon or a shorter "
            "lookback"
        )
    out = pd.Series(values.to_numpy(), index=pd.DatetimeIndex(y.index, freq=freq))
    out.name = y.name
    return out


# A text cell starting with one of these is run as a formula by spreadsheets.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _neutral_cell(value: object) -> object:
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def safe_csv(frame: pd.DataFrame) -> str:
    """Render ``frame`` as CSV text that is safe to open in a spreadsheet.

    Text cells and headers that a spreadsheet would run as a formula (starting with
    ``= + - @``, a tab or a carriage return) get a leading apostrophe; numbers and
    timestamps are written as they are. Rows end in CRLF, so a cell holding a line
    break is quoted and stays one cell.
    """
    out = frame.copy()
    out.columns = [_neutral_cell(str(c)) for c in out.columns]
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(_neutral_cell)
    return out.to_csv(index=False, lineterminator="\r\n")
