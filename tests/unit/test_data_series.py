"""convlstm.data.series: to_series choices and repairs, round trips, check_series."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from convlstm.data import (
    check_series,
    read_csv,
    to_series,
)
from convlstm.errors import DataError

CSV = "date,value\n" + "".join(f"2020-{m:02d}-01,{m * 1.5}\n" for m in range(1, 13))


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
    with pytest.raises(DataError, match="no column 'nope' .*as the value column"):
        to_series(read_csv(CSV), value_col="nope")


def test_to_series_same_column_twice():
    with pytest.raises(DataError, match="'date' is chosen as both the time and"):
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
    assert any(
        "write them as year-month-day: '01/02/2020' is 2020-01-02" in n
        for n in y.attrs["notes"]
    )


@pytest.mark.parametrize("day_first", [True, False])
def test_dates_that_read_both_ways_read_as_months_first_days(day_first):
    # twelve rows from "01/01/2021" to "12/01/2021" (month/day, as a US export
    # writes them) read as days 1 to 12 of January; the first of each month is
    # a monthly series' usual stamp, twelve days from the 1st a coincidence
    days = pd.date_range("2021-01-01", periods=12, freq="MS")
    written = "%d/%m/%Y" if day_first else "%m/%d/%Y"
    body = "date,v\n" + "".join(f"{d:{written}},{i}\n" for i, d in enumerate(days))
    y = to_series(read_csv(body))
    assert (y.index == days).all()
    (note,) = [n for n in y.attrs["notes"] if "could be day/month" in n]
    order = "day/month" if day_first else "month/day"
    assert f"read them as {order}, the first day of each month" in note
    # twelve days from the 3rd of March stay days, day/month first
    body = "date,v\n" + "".join(f"{d:02d}/03/2023,{d}\n" for d in range(1, 13))
    y = to_series(read_csv(body))
    assert y.index.freqstr == "D" and y.index[0] == pd.Timestamp("2023-03-01")
    assert any("'01/03/2023' is 2023-01-03" in n for n in y.attrs["notes"])


@pytest.mark.parametrize("months", [13, 24, 36])
def test_to_series_reads_monthly_bills_on_the_10th_month_first(months):
    # "01/10/2021", "02/10/2021"...: as day/month, twelve days of each October;
    # as month/day, a bill on the 10th of every month, which is regular (twelve
    # rows alone could be either: the note on ambiguous dates says so)
    days = pd.date_range("2021-01-01", periods=months, freq="MS") + pd.Timedelta(days=9)
    body = "date,bill\n" + "".join(f"{d:%m/%d/%Y},{i}\n" for i, d in enumerate(days))
    y = to_series(read_csv(body))
    assert "read the dates in column 'date' as month/day/year" in y.attrs["notes"]
    assert y.index.freqstr == "MS" and len(y) == months
    assert y.index[0] == pd.Timestamp("2021-01-01")
    # the same bills written day/month are read so
    body = "date,bill\n" + "".join(f"{d:%d/%m/%Y},{i}\n" for i, d in enumerate(days))
    again = to_series(read_csv(body))
    assert "read the dates in column 'date' as day/month/year" in again.attrs["notes"]
    assert (again.index == y.index).all()


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
        st.floats(-1e9, 1e9, allow_nan=False)
        .map(lambda v: round(v, 4))
        # nines alone (999999999, 99.99) may be read as missing-value markers,
        # as test_data_numbers checks: not a round trip
        .filter(lambda v: set(f"{abs(v):.4f}".rstrip("0").replace(".", "")) != {"9"}),
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


def test_values_every_third_step_are_said_to_be_mostly_made_up():
    # FRED's monthly and quarterly series downloaded together: GDP stands on one
    # row in three, and two thirds of it were interpolated without a word
    months = pd.date_range("2000-01-01", periods=60, freq="MS")
    gdp = np.where(np.arange(60) % 3 == 0, 12000 + np.arange(60) * 10.0, np.nan)
    y = to_series(pd.DataFrame({"date": months, "GDPC1": gdp}).iloc[:-2])
    note = next(n for n in y.attrs["notes"] if n.startswith("interpolated"))
    assert "that is 66% of the series made up" in note
    assert "its values come every 3 steps" in note
    # a few gaps are only interpolated
    gdp = 12000 + np.arange(60) * 10.0
    gdp[[5, 20]] = np.nan
    note = next(
        n
        for n in to_series(pd.DataFrame({"date": months, "v": gdp})).attrs["notes"]
        if n.startswith("interpolated")
    )
    assert "made up" not in note


def test_a_long_flat_end_is_said_a_short_one_or_zeros_are_not():
    days = pd.bdate_range("2022-01-03", periods=200)
    price = 80 + np.cumsum(np.random.default_rng(1).normal(0, 1, 200))
    price[-40:] = price[-41]  # a trading halt
    notes = to_series(pd.DataFrame({"date": days, "close": price})).attrs["notes"]
    flat = [n for n in notes if "holds one value" in n]
    assert len(flat) == 1 and "for its last 41 steps" in flat[0]
    price[-40:] = 80 + np.arange(40.0)  # trading again
    price[-8:] = price[-9]  # a short pause is no news
    notes = to_series(pd.DataFrame({"date": days, "close": price})).attrs["notes"]
    assert not any("holds one value" in n for n in notes)
