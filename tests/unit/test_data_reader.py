"""convlstm.data.reader: read_csv sources, number formats and encodings."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest

from convlstm import to_series
from convlstm.data import (
    read_csv,
)
from convlstm.errors import DataError

CSV = "date,value\n" + "".join(f"2020-{m:02d}-01,{m * 1.5}\n" for m in range(1, 13))


class UploadedFile(io.BytesIO):
    """Stands in for Streamlit's UploadedFile (a BytesIO with a name)."""

    def __init__(self, data: bytes, name: str):
        super().__init__(data)
        self.name = name


@pytest.mark.parametrize(
    "make",
    [
        lambda tmp: CSV.encode(),
        lambda tmp: bytearray(CSV.encode()),
        lambda tmp: io.BytesIO(CSV.encode()),
        lambda tmp: io.StringIO(CSV),
        lambda tmp: UploadedFile(CSV.encode(), "sales.csv"),
        lambda tmp: CSV,
        lambda tmp: (tmp / "a.csv").write_text(CSV) and tmp / "a.csv",
        lambda tmp: (tmp / "b.csv").write_text(CSV) and str(tmp / "b.csv"),
    ],
    ids=["bytes", "bytearray", "bytesio", "stringio", "upload", "text", "path", "str"],
)
def test_read_csv_sources(tmp_path, make):
    df = read_csv(make(tmp_path))
    assert list(df.columns) == ["date", "value"]
    assert len(df) == 12
    assert df["value"].dtype == float
    assert df["date"].iloc[0] == "2020-01-01"  # time columns stay text
    assert df.attrs["notes"] == []


def test_read_csv_upload_read_twice():
    upload = UploadedFile(CSV.encode(), "x.csv")
    read_csv(upload)
    assert len(read_csv(upload)) == 12  # rewinds before reading


def test_read_csv_missing_file(tmp_path):
    with pytest.raises(DataError, match="not found"):
        read_csv(tmp_path / "nope.csv")


def test_read_csv_bad_source_type():
    with pytest.raises(DataError, match="cannot read a CSV from a int"):
        read_csv(42)


def test_read_csv_whole_numbers_become_int():
    df = read_csv(b"date,n,x\n2020-01-01,1,1.5\n2020-01-02,2,n/a\n")
    assert df["n"].dtype == np.int64
    assert np.isnan(df["x"].iloc[1])


def test_read_csv_keeps_text_columns_with_stray_words():
    df = read_csv(b"date,x\n2020-01-01,1\n2020-01-02,oops\n")
    assert df["x"].tolist() == ["1", "oops"]


@pytest.mark.parametrize(
    ("body", "sep", "expected"),
    [
        ("d;v\n2020-01-01;1,5\n2020-01-02;2,25\n", ";", [1.5, 2.25]),
        ('d,v\n2020-01-01,"1,234.5"\n2020-01-02,"12,345"\n', ",", [1234.5, 12345]),
        ("d;v\n2020-01-01;1.234,5\n2020-01-02;1.000.000\n", ";", [1234.5, 1e6]),
        ("d;v\n2020-01-01;1 234\n2020-01-02;2 000,5\n", ";", [1234, 2000.5]),
        ("d;v\n2020-01-01;1,500\n2020-01-02;2,000\n", ";", [1.5, 2.0]),
        ('d,v\n2020-01-01,"1,500"\n2020-01-02,2.5\n', ",", [1500, 2.5]),
        ("d\tv\n2020-01-01\t-1.5e3\n2020-01-02\t+2\n", "\t", [-1500, 2]),
    ],
)
def test_read_csv_number_formats(body, sep, expected):
    df = read_csv(body.encode())
    np.testing.assert_allclose(df["v"].to_numpy(dtype=float), expected)


@pytest.mark.parametrize(
    ("encoding", "note"),
    [
        ("utf-8", None),
        ("utf-8-sig", "byte-order mark"),
        ("utf-16", "UTF-16"),
        ("utf-16-le", "UTF-16"),
        ("utf-32", "UTF-32"),
        ("cp1252", "Windows-1252"),
        ("latin-1", "Windows-1252"),
    ],
)
def test_read_csv_encodings(encoding, note):
    text = "Datum,Menge (m³)\n" + "".join(f"2020-01-{d:02d},{d}\n" for d in range(1, 9))
    df = read_csv(text.encode(encoding))
    assert list(df.columns) == ["Datum", "Menge (m³)"]
    notes = " ".join(df.attrs["notes"])
    if note:
        assert note in notes
    else:
        assert notes == ""


@pytest.mark.parametrize(
    "body",
    [b"", b"  \n\n", "\ufeff\n".encode(), b"sep=;\n", b"\xef\xbb\xbf \r\n"],
    ids=["nothing", "blank", "bom", "sep-line-only", "bom-crlf"],
)
def test_read_csv_empty_file_has_one_message(body):
    with pytest.raises(DataError) as err:
        read_csv(body)
    assert str(err.value) == (
        "the file is empty; it needs a header row and at least one data row"
    )


@pytest.mark.parametrize(
    "header",
    ["", "Datum;Umsatz\n", "Datum;Umsatz, EUR\n"],
    ids=["no header", "header", "comma in a name"],
)
def test_one_decimal_comma_per_line_beside_one_semicolon(header):
    # "01.01.2023;105,3": one comma and one semicolon a line; the comma sits
    # between digits, so the semicolon separates the columns
    rows = "".join(f"{d:02d}.01.2023;{100 + d},{d % 10}\n" for d in range(1, 29))
    y = to_series(read_csv((header + rows).encode()))
    assert len(y) == 28
    np.testing.assert_allclose(y.iloc[:3], [101.1, 102.2, 103.3])


def test_a_comma_file_with_one_semicolon_in_a_text_column_stays_comma():
    rows = "".join(f"2023-01-{d:02d},{d}.5,a;b\n" for d in range(1, 29))
    frame = read_csv(("date,value,note\n" + rows).encode())
    assert list(frame.columns) == ["date", "value", "note"]


def test_a_series_largely_filled_in_says_how_much_is_made_up():
    # a whole year of 48 months missing: a quarter of the series interpolated
    months = [f"{2016 + i // 12}-{i % 12 + 1:02d}-01" for i in range(48)]
    rows = "".join(f"{m},{100 + i}\n" for i, m in enumerate(months) if not 24 <= i < 36)
    y = to_series(read_csv(("month,value\n" + rows).encode()))
    assert len(y) == 48
    note = next(n for n in y.attrs["notes"] if n.startswith("filled 12 missing"))
    assert "25% of the series made up" in note
    # one gap is said plainly, as before
    rows = "".join(f"{m},{100 + i}\n" for i, m in enumerate(months) if i != 30)
    y = to_series(read_csv(("month,value\n" + rows).encode()))
    note = next(n for n in y.attrs["notes"] if n.startswith("filled 1 missing"))
    assert "made up" not in note


def test_year_dot_month_whose_october_lost_its_zero():
    # Excel writes the number 2018.10 as 2018.1: October, not January again
    months = [f"{2018 + i // 12}.{i % 12 + 1:02d}" for i in range(36)]
    cells = [m[:-1] if m.endswith(".10") else m for m in months]
    rows = "".join(f"{c},{100 + i}\n" for i, c in enumerate(cells))
    y = to_series(read_csv(("period,value\n" + rows).encode()))
    assert len(y) == 36 and y.index.freqstr == "MS"
    assert y[pd.Timestamp("2018-10-01")] == 109
    assert y[pd.Timestamp("2018-01-01")] == 100
    assert any("'2018.1' as October" in n for n in y.attrs["notes"])


def test_year_dash_week_numbers_past_twelve_read_as_iso_weeks():
    mondays = pd.date_range("2019-12-30", periods=104, freq="W-MON")
    weeks = [f"{d.isocalendar()[0]}-{d.isocalendar()[1]:02d}" for d in mondays]
    rows = "".join(f"{w},{100 + i % 7}\n" for i, w in enumerate(weeks))
    y = to_series(read_csv(("week,value\n" + rows).encode()))
    assert len(y) == 104 and y.index.freqstr.startswith("W")
    assert y.index[0] == pd.Timestamp("2019-12-30")  # the Monday of 2020-W01
    assert any("ISO weeks written year-week" in n for n in y.attrs["notes"])
    # months stay months
    months = "".join(f"2020-{m:02d},{m}\n" for m in range(1, 13))
    months += "".join(f"2021-{m:02d},{m}\n" for m in range(1, 13))
    assert (
        to_series(read_csv(("month,value\n" + months).encode())).index.freqstr == "MS"
    )


def test_dates_that_switch_from_day_month_to_month_day_are_refused_by_row():
    days = pd.date_range("2023-01-01", periods=120, freq="D")
    cells = [f"{d:%d/%m/%Y}" if i < 60 else f"{d:%m/%d/%Y}" for i, d in enumerate(days)]
    text = "date,value\n" + "".join(f"{c},{i}\n" for i, c in enumerate(cells))
    with pytest.raises(DataError, match="as day/month up to row 61 and as month/day"):
        to_series(read_csv(text.encode()))


@pytest.mark.parametrize("path", ["", "   "])
def test_an_empty_path_says_so(path):
    with pytest.raises(DataError, match="no file given: the path is empty"):
        read_csv(path)


def test_a_dense_series_is_told_of_a_coarser_step():
    n = 200_000  # 139 days of minutes
    times = pd.date_range("2024-01-01", periods=n, freq="min")
    df = pd.DataFrame({"time": times, "temp": np.sin(np.arange(n) / 500.0)})
    note = next(n for n in to_series(df).attrs["notes"] if "points:" in n)
    assert note.startswith("200,000 points") and "--step hourly" in note
    assert "about 3,333" in note
    assert not any("points:" in n for n in to_series(df.iloc[:50_000]).attrs["notes"])
    hourly = to_series(df, step="hourly", agg="mean")
    assert not any("points:" in n for n in hourly.attrs["notes"])
