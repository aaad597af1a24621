"""One awkward CSV per failure mode: each parses with its repairs noted, or fails
with a specific DataError; none may hang or exhaust memory."""

from __future__ import annotations

import contextlib
import io
import time
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from convlstm.data import (
    MAX_BYTES,
    MAX_CELL_CHARS,
    MAX_COLUMNS,
    MAX_ROWS,
    read_csv,
    to_series,
)
from convlstm.errors import DataError

CORPUS = Path(__file__).resolve().parent.parent / "data"


def load(name: str):
    return to_series(read_csv(CORPUS / name))


# file -> (length, freqstr, first two values, substrings expected in the notes)
PARSES = {
    "utf8_bom.csv": (24, "MS", [100, 101], ["byte-order mark"]),
    "utf16.csv": (24, "MS", [100, 101], ["UTF-16"]),
    "utf16_be.csv": (24, "MS", [100, 101], ["UTF-16"]),
    "latin1.csv": (24, "MS", [100, 101], ["Windows-1252", "'Größe' as value"]),
    "cp1252.csv": (24, "MS", [100, 101], ["Windows-1252", "'Umsatz €' as value"]),
    "mixed_encoding.csv": (25, "MS", [100, 101], ["mixes encodings"]),
    "semicolon_decimal_comma.csv": (
        24,
        "D",
        [1.5, 2.5],
        ["semicolons", "decimal comma", "day/month/year"],
    ),
    "tab.csv": (24, "MS", [100, 101], ["tabs"]),
    "pipe.csv": (24, "MS", [100, 101], ["pipes"]),
    "thousands.csv": (24, "MS", [1000.5, 1001.5], ["thousands separators"]),
    "thousands_eu.csv": (24, "MS", [1000.5, 1001.5], ["decimal comma and thousands"]),
    "thousands_space.csv": (24, "MS", [1000, 1001], ["thousands separators"]),
    "day_first.csv": (24, "D", [100, 101], ["day/month/year"]),
    "month_first.csv": (24, "D", [100, 101], ["month/day/year"]),
    "with_time.csv": (24, "h", [100, 101], ["'timestamp' as time"]),
    "with_tz.csv": (24, "h", [100, 101], ["to UTC"]),
    "month_names.csv": (24, "MS", [100, 101], ["'month' as time"]),
    "year_month.csv": (24, "MS", [100, 101], []),
    "quarters.csv": (24, "QS-JAN", [100, 101], ["'beer' as value"]),
    "years.csv": (24, "YS-JAN", [100, 101], ["'year' as time"]),
    "year_integers_no_name.csv": (24, "YS-JAN", [100, 101], ["as years"]),
    "mixed_dates.csv": (24, "D", [100, 101], ["mixes date formats"]),
    "duplicates.csv": (24, "D", [100, 101], ["averaged 2 values", "2020-01-03"]),
    "unsorted.csv": (24, "D", [100, 101], ["sorted the rows"]),
    "gaps.csv": (24, "D", [100, 101], ["filled 3 missing timestamps", "2020-01-06"]),
    "missing_values.csv": (24, "D", [100, 101], ["interpolated 3 missing values"]),
    "leading_trailing_nan.csv": (
        21,
        "D",
        [102, 103],
        ["dropped 2 rows at the start", "dropped 1 row at the end"],
    ),
    "some_text_values.csv": (
        24,
        "D",
        [100, 101],
        ["1 non-numeric cells as missing (first at row 8: 'oops')"],
    ),
    "irregular.csv": (24, "h", [100, 101], ["moved 23 timestamps"]),
    "constant.csv": (24, "D", [42, 42], ["constant"]),
    "html_script.csv": (24, "D", [0, 1], ["<script>"]),
    "formula_injection.csv": (24, "D", [0, 1], ["'=SUM(A1:A9)' as value"]),
    "multiple_numeric.csv": (
        24,
        "D",
        [0, 1],
        ["'sales' as value; other numeric columns: 'cost', 'units'"],
    ),
    "no_header.csv": (24, "MS", [100, 101], ["first row holds data"]),
    "crlf.csv": (24, "MS", [100, 101], []),
    "cr_only.csv": (24, "MS", [100, 101], []),
    "trailing_delimiter.csv": (24, "MS", [0, 1], ["empty column"]),
    "excel_sep_line.csv": (24, "MS", [100, 101], ["semicolons"]),
    "month_end.csv": (24, "ME", [100, 101], []),
    "weekly.csv": (24, "W-MON", [100, 101], []),
    "business_days.csv": (28, "B", [0, 1], []),
    "blank_lines.csv": (24, "MS", [100, 101], []),
    "whitespace_cells.csv": (24, "MS", [0, 1], []),
    "scientific.csv": (24, "MS", [-1500, -2500], []),
}


@pytest.mark.parametrize("name", sorted(PARSES))
def test_corpus_parses_with_notes(name):
    length, freq, head, expected = PARSES[name]
    y = load(name)
    assert len(y) == length
    assert y.index.freqstr == freq
    assert y.dtype == float
    np.testing.assert_allclose(y.iloc[:2].to_numpy(), head)
    assert np.isfinite(y.to_numpy()).all()
    notes = " | ".join(y.attrs["notes"])
    for text in expected:
        assert text in notes, notes


# file -> substrings the DataError message must contain
FAILS = {
    "empty.csv": ["empty"],
    "whitespace_only.csv": ["empty"],
    "header_only.csv": ["no data rows", "'date,value'"],
    "one_row.csv": ["only 1 point with", "at least 3"],
    "too_short.csv": ["only 2 points", "at least 3"],
    "binary_garbage.csv": ["NUL bytes", "export the data as CSV"],
    "binary_no_nul.csv": ["does not look like text"],
    "png_renamed.csv": ["PNG image"],
    "jpeg_renamed.csv": ["JPEG image"],
    "gif_renamed.csv": ["GIF image"],
    "pdf_renamed.csv": ["PDF document"],
    "zip_renamed.csv": ["ZIP archive"],
    # read as a workbook now (convlstm.data.workbook); this one is damaged
    "xlsx_renamed.csv": ["Excel workbook could not be opened", "save the sheet as CSV"],
    "gzip_renamed.csv": ["gzip"],
    "nul_bytes.csv": ["NUL bytes (first at byte 40)"],
    "unparseable_dates.csv": [
        "column 'date': 2 of 24 cells are not dates (first at row 6: 'soon')"
    ],
    "random_timestamps.csv": ["column 'time'", "irregular", "resample"],
    "all_nan.csv": ["column 'value' has no numbers"],
    "text_values.csv": [
        "column 'value': 16 of 16 cells are not numbers (first at row 2: 'high')"
    ],
    "inf_values.csv": ["column 'value': 1 infinite values (first at row 9: 'inf'"],
    "huge_values.csv": ["column 'value'", "beyond 1e+15", "row 4"],
    "long_column_name.csv": ["'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...'"],
    "no_time_column.csv": ["no time column", "add a column of dates"],
    "ragged_rows.csv": ["line 7", "same number of columns"],
    "unclosed_quote.csv": ["quotes are closed"],
}


@pytest.mark.parametrize("name", sorted(FAILS))
def test_corpus_fails_clearly(name):
    with pytest.raises(DataError) as info:
        load(name)
    message = str(info.value)
    for text in FAILS[name]:
        assert text in message, message


def test_corpus_is_fully_covered():
    files = {p.name for p in CORPUS.glob("*.csv")}
    assert files == set(PARSES) | set(FAILS)


# --------------------------------------------------------------- large, generated


def _timed(func, *args):
    start = time.perf_counter()
    with pytest.raises(DataError) as info:
        func(*args)
    assert time.perf_counter() - start < 5
    return str(info.value)


def test_millions_of_rows_rejected_before_parsing(tmp_path):
    path = tmp_path / "rows.csv"
    path.write_bytes(b"a,b\n" + b"1,2\n" * (MAX_ROWS + 100_000))
    assert "limit is 2,000,000" in _timed(read_csv, path)


def test_tens_of_thousands_of_columns_rejected(tmp_path):
    header = ",".join(f"c{i}" for i in range(50_000))
    path = tmp_path / "wide.csv"
    path.write_text(header + "\n" + ",".join("1" * 50_000) + "\n")
    message = _timed(read_csv, path)
    assert "50,000 columns" in message and f"limit is {MAX_COLUMNS}" in message


def test_multi_megabyte_cell_rejected(tmp_path):
    path = tmp_path / "cell.csv"
    path.write_text("date,value\n2020-01-01," + "9" * 3_000_000 + "\n")
    message = _timed(read_csv, path)
    assert "3,000,000 characters" in message and f"{MAX_CELL_CHARS:,}" in message


def test_file_over_size_limit_rejected_without_reading(tmp_path):
    path = tmp_path / "big.csv"
    with path.open("wb") as f:
        f.truncate(MAX_BYTES + 1)  # sparse: costs no disk or memory
    assert "limit is 50 MB" in _timed(read_csv, path)


def test_bytes_over_size_limit_rejected():
    assert "larger than 50 MB" in _timed(read_csv, b"a" * (MAX_BYTES + 1))


def test_many_cells_rejected(tmp_path):
    header = ",".join(f"c{i}" for i in range(400))
    row = ",".join("1" for _ in range(400)) + "\n"
    path = tmp_path / "cells.csv"
    path.write_text(header + "\n" + row * 60_000)
    assert "cells" in _timed(read_csv, path)


def test_large_valid_file_is_fast(tmp_path):
    n = 200_000
    idx = np.arange(n)
    stamps = np.datetime64("2000-01-01T00:00") + idx.astype("timedelta64[m]")
    body = "\n".join(f"{t},{v}" for t, v in zip(stamps.astype(str), idx, strict=True))
    path = tmp_path / "ok.csv"
    path.write_text("time,value\n" + body + "\n")
    start = time.perf_counter()
    y = to_series(read_csv(path))
    assert time.perf_counter() - start < 10
    assert len(y) == n and y.index.freqstr == "min"


# --------------------------------------------------------------- properties


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=3000))
def test_arbitrary_bytes_raise_only_data_error(data):
    with contextlib.suppress(DataError):
        to_series(read_csv(data))


CSV_ALPHABET = st.sampled_from(list('0123456789-,;.\t|\n\r:/ "aQTZé+e'))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(CSV_ALPHABET, max_size=400))
def test_csv_like_text_raises_only_data_error(text):
    with contextlib.suppress(DataError):
        to_series(read_csv(io.BytesIO(("date,value\n" + text).encode("utf-8"))))
