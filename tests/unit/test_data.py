"""convlstm.data: read_csv sources and formats, to_series choices, frequencies,
future_index and check_series."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from convlstm.data import (
    check_series,
    future_index,
    read_csv,
    season_length,
    seasonal_periods,
    to_series,
)
from convlstm.errors import DataError

CSV = "date,value\n" + "".join(f"2020-{m:02d}-01,{m * 1.5}\n" for m in range(1, 13))


class UploadedFile(io.BytesIO):
    """Stands in for Streamlit's UploadedFile (a BytesIO with a name)."""

    def __init__(self, data: bytes, name: str):
        super().__init__(data)
        self.name = name


# ------------------------------------------------------------------ read_csv


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


# ------------------------------------------------------------------ to_series


def test_to_series_contract():
    y = to_series(read_csv(CSV))
    assert isinstance(y.index, pd.DatetimeIndex)
    assert y.index.freqstr == "MS"
    assert y.dtype == float
    assert y.name == "value"
    assert y.attrs["time_col"] == "date"
    assert y.attrs["value_col"] == "value"
    assert y.attrs["notes"] == [
        "picked column 'date' as time",
        "picked column 'value' as value",
    ]


def test_to_series_explicit_columns():
    df = pd.DataFrame(
        {
            "a": np.arange(10.0),
            "when": pd.date_range("2020", periods=10, freq="D").astype(str),
            "b": np.arange(10.0) * 2,
        }
    )
    y = to_series(df, time_col="when", value_col="b")
    assert y.iloc[-1] == 18 and y.name == "b"
    assert not any("picked" in n for n in y.attrs["notes"])


def test_to_series_unknown_column():
    with pytest.raises(DataError, match="value_col='nope' is not a column"):
        to_series(read_csv(CSV), value_col="nope")


def test_to_series_same_column_twice():
    with pytest.raises(DataError, match="same column"):
        to_series(read_csv(CSV), time_col="date", value_col="date")


def test_to_series_datetime_index_frame_and_series():
    idx = pd.date_range("2021-01-01", periods=10, freq="h")
    frame = pd.DataFrame({"load": np.arange(10.0)}, index=idx)
    y = to_series(frame)
    assert y.index.freqstr == "h" and y.name == "load"
    y2 = to_series(pd.Series(np.arange(10.0), index=idx, name="x"))
    assert y2.name == "x"


def test_to_series_tz_aware_datetimes():
    idx = pd.date_range("2021-03-27", periods=10, freq="h", tz="Europe/Berlin")
    y = to_series(pd.DataFrame({"t": idx, "v": np.arange(10.0)}))
    assert y.index.tz is None
    assert y.index[0] == pd.Timestamp("2021-03-26 23:00")
    assert any("UTC" in n for n in y.attrs["notes"])


def test_to_series_rejects_non_tables():
    with pytest.raises(DataError, match="expected a table"):
        to_series([1, 2, 3])


def test_to_series_no_numeric_column():
    df = pd.DataFrame(
        {
            "date": pd.date_range("2020", periods=9).astype(str),
            "a": ["x"] * 9,
            "b": ["y"] * 9,
        }
    )
    with pytest.raises(DataError, match="no column of numbers"):
        to_series(df)


def test_to_series_day_month_ambiguity_noted():
    body = "date,v\n" + "".join(f"01/{m:02d}/2020,{m}\n" for m in range(1, 13))
    y = to_series(read_csv(body))
    assert y.index.freqstr == "MS"  # read as day/month: monthly
    assert any("could be day/month" in n for n in y.attrs["notes"])


def test_to_series_sparse_grid_rejected():
    dates = [
        "2020-01-01",
        "2020-01-02",
        "2020-01-03",
        "2020-01-04",
        "2020-01-05",
        "2020-03-01",
        "2020-06-01",
        "2020-09-01",
        "2020-12-01",
    ]
    df = pd.DataFrame({"date": dates, "v": np.arange(9.0)})
    with pytest.raises(DataError, match="resample"):
        to_series(df)


def test_yyyymmdd_integers():
    df = pd.DataFrame({"date": [20200101 + i for i in range(9)], "v": range(9)})
    y = to_series(df)
    assert y.index[0] == pd.Timestamp("2020-01-01") and y.index.freqstr == "D"


@settings(max_examples=40, deadline=None)
@given(
    values=st.lists(
        st.floats(-1e9, 1e9, allow_nan=False).map(lambda v: round(v, 4)),
        min_size=8,
        max_size=40,
    ),
    sep=st.sampled_from([",", ";", "\t", "|"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252"]),
    freq=st.sampled_from(["D", "MS", "h", "QS", "YS"]),
    date_format=st.sampled_from(["%Y-%m-%d %H:%M:%S", "iso"]),
    crlf=st.booleans(),
)
def test_round_trip(values, sep, encoding, freq, date_format, crlf):
    idx = pd.date_range("2001-01-01", periods=len(values), freq=freq)
    stamps = idx.strftime(date_format) if date_format != "iso" else idx.map(str)
    decimal = "," if sep == ";" else "."
    cells = [f"{v:.4f}".replace(".", decimal) for v in values]
    newline = "\r\n" if crlf else "\n"
    body = f"Zeit{sep}Wert{newline}" + "".join(
        f"{t}{sep}{c}{newline}" for t, c in zip(stamps, cells, strict=True)
    )
    y = to_series(read_csv(body.encode(encoding)))
    assert len(y) == len(values)
    np.testing.assert_allclose(y.to_numpy(), values, rtol=0, atol=1e-6)
    assert (y.index == idx).all()


# ------------------------------------------------------------------ frequencies


@pytest.mark.parametrize(
    ("freq", "season", "periods"),
    [
        ("MS", 12, (12,)),
        ("ME", 12, (12,)),
        ("QS", 4, (4,)),
        ("W-SUN", 52, (52,)),
        ("D", 7, (7, 365)),
        ("B", 5, (5,)),
        ("h", 24, (24, 168)),
        ("30min", 48, (48, 336)),
        ("YS", 1, ()),
    ],
)
def test_seasons(freq, season, periods):
    assert season_length(freq) == season
    assert seasonal_periods(freq) == periods
    idx = pd.date_range("2020-01-06", periods=30, freq=freq)
    assert season_length(idx) == season


def test_future_index_continues():
    idx = pd.date_range("2020-01-01", periods=12, freq="MS")
    fut = future_index(idx, 3)
    assert list(fut) == list(pd.date_range("2021-01-01", periods=3, freq="MS"))
    assert fut.freqstr == "MS"


def test_check_series_ok_and_infers_freq():
    y = pd.Series(np.arange(10), index=pd.date_range("2020", periods=10, freq="D"))
    y.index.freq = None
    out = check_series(y, min_length=5, what="test")
    assert out.dtype == float and out.index.freqstr == "D"


@pytest.mark.parametrize(
    ("y", "match"),
    [
        ([1, 2, 3], "expected a pandas Series"),
        (pd.Series(np.arange(10.0)), "DatetimeIndex"),
        (
            pd.Series([1.0, np.nan] * 5, index=pd.date_range("2020", periods=10)),
            "missing or infinite",
        ),
        (pd.Series(np.arange(3.0), index=pd.date_range("2020", periods=3)), "at least"),
    ],
)
def test_check_series_errors(y, match):
    with pytest.raises(DataError, match=match):
        check_series(y, min_length=5, what="test")
