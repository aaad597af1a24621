"""More awkward CSVs, generated here (the committed corpus in tests/data/ must
match test_data_hostile.py exactly): each parses with finite values or fails with
a specific DataError, never another exception."""

from __future__ import annotations

import io

import numpy as np
import pytest

from convlstm import DataError, NaiveForecaster, read_csv, to_series


def month(i: int) -> str:
    return f"{2000 + i // 12}-{i % 12 + 1:02d}-01"


def rows(n: int = 24, value=lambda i: str(i), fmt=month, sep: str = ",") -> str:
    return "".join(f"{fmt(i)}{sep}{value(i)}\n" for i in range(n))


PLAIN = "date,value\n" + rows()

# name -> (content, length, freqstr, first two values)
PARSES = {
    # a total row under the data is left out with a note (it was an error)
    "total row at the end": (PLAIN + "Total,276\n", 24, "MS", [0, 1]),
    "dates after 2262": (
        "date,value\n" + rows(fmt=lambda i: f"{2300 + i}-01-01"),
        24,
        "YS-JAN",
        [0, 1],
    ),
    "dates before 1677": (
        "date,value\n" + rows(fmt=lambda i: f"{1600 + i}-01-01"),
        24,
        "YS-JAN",
        [0, 1],
    ),
    "year 9999": (
        "date,value\n" + rows(12, fmt=lambda i: f"9999-{i + 1:02d}-01"),
        12,
        "MS",
        [0, 1],
    ),
    "quoted newlines in a text column": (
        "date,value,comment\n" + rows(value=lambda i: f'{i},"line 1\nline 2"'),
        24,
        "MS",
        [0, 1],
    ),
    "duplicate column names": (
        "date,value,value\n" + rows(value=lambda i: f"{i},{2 * i}"),
        24,
        "MS",
        [0, 1],
    ),
    "empty column names": (",\n" + rows(), 24, "MS", [0, 1]),
    "epoch seconds": (
        "ts,value\n" + rows(fmt=lambda i: str(1_600_000_000 + 3600 * i)),
        24,
        "h",
        [0, 1],
    ),
    "epoch milliseconds": (
        "timestamp,value\n" + rows(fmt=lambda i: str(1_600_000_000_000 + 60_000 * i)),
        24,
        "min",
        [0, 1],
    ),
    "Excel serial dates": (
        "date,value\n" + rows(fmt=lambda i: str(43831 + i)),
        24,
        "D",
        [0, 1],
    ),
    "Excel serial date-times": (
        "Time,value\n" + rows(fmt=lambda i: repr(45292 + i / 24)),
        24,
        "h",
        [0, 1],
    ),
    "percentages (sign removed, values kept in percent)": (
        "date,value\n" + rows(value=lambda i: f"{i}%"),
        24,
        "MS",
        [0, 1],
    ),
    "line breaks in column names": ('"da\nte","val\rue"\n' + rows(), 24, "MS", [0, 1]),
    "control characters in a column name": (
        "date,\x1b[31mvalue\x07\n" + rows(),
        24,
        "MS",
        [0, 1],
    ),
    "right-to-left override in a column name": (
        "date,\u202evalue\n" + rows(),
        24,
        "MS",
        [0, 1],
    ),
    "NA, null, None, #N/A, nan cells": (
        "date,value\n"
        + rows(value=lambda i: {3: "NA", 7: "null", 11: "#N/A"}.get(i, str(i))),
        24,
        "MS",
        [0, 1],
    ),
    "negative zero": ("date,value\n" + rows(value=lambda i: "-0.0"), 24, "MS", [0, 0]),
    "two time columns": (
        "start,end,value\n" + rows(value=lambda i: f"{month(i + 1)},{i}"),
        24,
        "MS",
        [0, 1],
    ),
    "500 columns": (
        ",".join(["date", *(f"c{j}" for j in range(499))])
        + "\n"
        + rows(value=lambda i: ",".join(str(i + j) for j in range(499))),
        24,
        "MS",
        [0, 1],
    ),
    "UTF-32": (PLAIN.encode("utf-32"), 24, "MS", [0, 1]),
    "nanosecond steps": (
        "time,value\n" + rows(fmt=lambda i: f"2020-01-01 00:00:00.{i:09d}"),
        24,
        "ns",
        [0, 1],
    ),
    "just below the value limit": (
        "date,value\n" + rows(value=lambda i: "999999999999999" if i == 3 else str(i)),
        24,
        "MS",
        [0, 1],
    ),
}

# name -> (content, substrings of the DataError message)
FAILS = {
    "epoch seconds in an unnamed column": (
        "k,value\n" + rows(fmt=lambda i: str(1_600_000_000 + 3600 * i)),
        ["no time column", "'k' looks like Unix time in seconds", "time_col"],
    ),
    "negative numbers are not years": (
        "time,value\n" + rows(fmt=lambda i: str(-100 + i)),
        ["holds numbers, not dates", "'-100'"],
    ),
    "elapsed milliseconds are not Excel days": (
        "time_ms,value\n" + rows(fmt=lambda i: str(10_000 + 500 * i)),
        ["no time column"],
    ),
    "hexadecimal": (
        "date,value\n" + rows(value=lambda i: f"0x{i:x}"),
        ["not numbers", "'0x0'"],
    ),
    "booleans": (
        "date,value\n" + rows(value=lambda i: "true" if i % 2 else "false"),
        ["not numbers", "'false'"],
    ),
    "a word that is no total at the end": (
        PLAIN + "Later,276\n",
        ["column 'date'", "'Later'"],
    ),
    "1e400 overflows to infinity": (
        "date,value\n" + rows(value=lambda i: "1e400" if i == 3 else str(i)),
        ["infinite values", "row 5"],
    ),
    "-1e400 overflows to -infinity": (
        "date,value\n" + rows(value=lambda i: "-1e400" if i == 3 else str(i)),
        ["infinite values", "row 5"],
    ),
    "only a time column": (
        "date\n" + "".join(f"{month(i)}\n" for i in range(24)),
        ["only the time column"],
    ),
    "29 February in a common year": (
        "date,value\n" + rows(fmt=lambda i: f"{2020 + i // 12}-02-29"),
        ["not dates", "'2021-02-29'"],
    ),
}


def _bytes(content: str | bytes) -> bytes:
    return content if isinstance(content, bytes) else content.encode("utf-8")


@pytest.mark.parametrize("name", sorted(PARSES))
def test_extra_case_parses(name):
    content, length, freq, head = PARSES[name]
    y = to_series(read_csv(_bytes(content)))
    assert len(y) == length
    assert y.index.freqstr == freq
    assert np.isfinite(y.to_numpy()).all()
    np.testing.assert_allclose(y.iloc[:2].to_numpy(), head)
    # every repair or choice is reported, as plain strings
    assert all(isinstance(note, str) for note in y.attrs["notes"])


@pytest.mark.parametrize("name", sorted(FAILS))
def test_extra_case_fails_clearly(name):
    content, expected = FAILS[name]
    with pytest.raises(DataError) as info:
        to_series(read_csv(_bytes(content)))
    for text in expected:
        assert text in str(info.value), str(info.value)


def test_text_mode_file_object_is_read():
    y = to_series(read_csv(io.StringIO(PLAIN)))
    assert len(y) == 24


@pytest.mark.parametrize(
    "name", ["dates after 2262", "dates before 1677", "nanosecond steps"]
)
def test_unusual_time_ranges_can_be_forecast(name):
    """Timestamps outside pandas' nanosecond range, or nanosecond steps, still
    give a forecast with a continuing index."""
    y = to_series(read_csv(_bytes(PARSES[name][0])))
    pred = NaiveForecaster(horizon=3).fit(y).predict()
    assert len(pred) == 3 and pred.index[0] > y.index[-1]
    assert pred.index.freq == y.index.freq
