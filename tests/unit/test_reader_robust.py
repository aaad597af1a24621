"""Reader robustness: panels whose timestamps never repeat, time zones on daily
data, codes with leading zeros, time split over columns, dense Latin-1 text and
plain messages."""

import numpy as np
import pandas as pd
import pytest

from convlstm import DataError, to_panel, to_series
from convlstm.data import find_id_columns, read_csv, series_of


def _rows(header, rows):
    return header + "\n" + "\n".join(",".join(map(str, r)) for r in rows) + "\n"


def _monthly(start, n=36):
    return pd.date_range(start, periods=n, freq="MS").strftime("%Y-%m-%d")


# ---------------------------------------------------------------- 1. panels
def test_stacked_series_with_no_repeated_timestamp_are_a_panel():
    # B starts two years after A ends: not one series
    rows = [("A", d, 100 + i) for i, d in enumerate(_monthly("2000-01-01"))]
    rows += [("B", d, 1 + i) for i, d in enumerate(_monthly("2005-01-01"))]
    df = read_csv(_rows("store,date,sales", rows))
    assert find_id_columns(df) == ["store"]
    panel = to_panel(df)
    assert sorted(panel["series"].unique()) == ["A", "B"]
    assert panel.attrs["freq"] == "MS" and len(panel) == 72
    with pytest.raises(DataError, match="holds 2 series"):
        to_series(df)


def test_blocks_that_continue_one_series_stay_one_series_with_a_note():
    # a label that changes once ("old", then "new") on a series that goes on:
    # one series, and the note names the column in case it is an id after all
    rows = [("A", d, 100 + i) for i, d in enumerate(_monthly("2000-01-01"))]
    rows += [("B", d, 1 + i) for i, d in enumerate(_monthly("2003-01-01"))]
    df = read_csv(_rows("store,date,sales", rows))
    assert find_id_columns(df) == []
    y = to_series(df)
    assert len(y) == 72 and y.index.freqstr == "MS"
    assert any("'store'" in n and "id column" in n for n in y.attrs["notes"])
    panel = to_panel(df, id_cols=["store"])
    assert sorted(panel["series"].unique()) == ["A", "B"]


def test_interleaved_series_on_different_days_are_a_panel():
    rows = [("A", d, i) for i, d in enumerate(_monthly("2000-01-01"))]
    rows += [("B", d[:8] + "10", i) for i, d in enumerate(_monthly("2000-01-01"))]
    rows.sort(key=lambda r: r[1])  # rows in time order: A and B alternate
    panel = to_panel(read_csv(_rows("store,date,sales", rows)))
    assert panel.attrs["id_cols"] == ["store"]
    assert panel.groupby("series").size().to_dict() == {"A": 36, "B": 36}


def test_offset_series_in_two_time_zones_are_a_panel():
    berlin = pd.date_range("2023-03-01", periods=48, freq="h")
    rows = [
        ("berlin", t.strftime("%Y-%m-%dT%H:%M:%S+01:00"), i)
        for i, t in enumerate(berlin)
    ]
    rows += [
        ("ny", t.strftime("%Y-%m-%dT%H:%M:%S-05:00"), i) for i, t in enumerate(berlin)
    ]
    panel = to_panel(read_csv(_rows("id,date,value", rows)))
    assert sorted(panel["series"].unique()) == ["berlin", "ny"]
    assert panel.attrs["freq"] == "h"


def test_a_weekday_or_comment_column_is_not_an_id_but_is_noted():
    dates = pd.date_range("2020-01-01", periods=60, freq="D")
    rows = [
        (d.strftime("%Y-%m-%d"), d.day_name(), "" if i % 7 else "promo", i)
        for i, d in enumerate(dates)
    ]
    df = read_csv(_rows("date,weekday,comment,value", rows))
    assert find_id_columns(df) == []
    y = to_series(df)
    assert len(y) == 60 and y.index.freqstr == "D"
    assert any("'weekday'" in n and "id column" in n for n in y.attrs["notes"])


def test_a_regime_label_in_short_runs_is_not_an_id():
    rows = [
        (d, "old" if i < 34 else "new", i) for i, d in enumerate(_monthly("2000-01"))
    ]
    assert find_id_columns(read_csv(_rows("date,flag,value", rows))) == []


# ---------------------------------------------------------- 2. time zones
@pytest.mark.parametrize("offset", ["+01:00", "-05:00", "+02:00"])
def test_daily_dates_with_offsets_keep_their_local_day(offset):
    dates = pd.date_range("2023-01-01", periods=200, freq="D")
    rows = [(d.strftime("%Y-%m-%dT00:00:00") + offset, i) for i, d in enumerate(dates)]
    y = to_series(read_csv(_rows("date,value", rows)))
    assert y.index[0] == pd.Timestamp("2023-01-01") and y.index.freqstr == "D"
    assert (y.index == y.index.normalize()).all()
    assert any("time zone" in n and "local dates" in n for n in y.attrs["notes"])
    assert not any("moved" in n for n in y.attrs["notes"])


def test_monthly_dates_across_dst_keep_the_first_of_the_month():
    rows = [
        (t.strftime("%Y-%m-%dT%H:%M:%S%z")[:-2] + ":00", i)
        for i, t in enumerate(
            pd.date_range("2020-01-01", periods=36, freq="MS", tz="Europe/Berlin")
        )
    ]
    y = to_series(read_csv(_rows("date,value", rows)))
    assert y.index.freqstr == "MS" and len(y) == 36


def test_tz_aware_monthly_index():
    index = pd.date_range("2020-01-01", periods=24, freq="MS").tz_localize(
        "Europe/Berlin"
    )
    y = to_series(pd.Series(np.arange(24.0), index=index))
    assert y.index.freqstr == "MS" and y.index[0] == pd.Timestamp("2020-01-01")


def test_hourly_offsets_are_still_converted_to_utc():
    times = pd.date_range("2023-03-25", periods=72, freq="h", tz="Europe/Berlin")
    rows = [(t.isoformat(), i) for i, t in enumerate(times)]
    y = to_series(read_csv(_rows("date,value", rows)))
    assert y.index[0] == pd.Timestamp("2023-03-24 23:00") and y.index.freqstr == "h"
    assert any("to UTC" in n for n in y.attrs["notes"])


# -------------------------------------------------------- 3. leading zeros
def test_ids_keep_their_leading_zeros():
    rows = [
        (s, d, i)
        for s in ("007", "07", "7")
        for i, d in enumerate(_monthly("2020-01-01", 30))
    ]
    panel = to_panel(read_csv(_rows("store,date,value", rows)))
    assert sorted(panel["series"].unique()) == ["007", "07", "7"]
    rows = [
        (s, d, i)
        for s in ("01234", "98765")
        for i, d in enumerate(_monthly("2020-01-01", 30))
    ]
    df = read_csv(_rows("zip,date,value", rows))
    assert sorted(to_panel(df)["series"].unique()) == ["01234", "98765"]
    assert any("leading zeros" in n for n in df.attrs["notes"])


# ------------------------------------------------------ 4. split time columns
def test_date_and_time_columns_are_combined():
    times = pd.date_range("2023-01-01", periods=96, freq="h")
    rows = [
        (t.strftime("%Y-%m-%d"), t.strftime("%H:%M"), i) for i, t in enumerate(times)
    ]
    y = to_series(read_csv(_rows("date,time,value", rows)))
    assert y.index.freqstr == "h" and len(y) == 96
    assert y.iloc[-1] == 95
    assert any("combined the columns 'date', 'time'" in n for n in y.attrs["notes"])


def test_year_and_month_columns_are_combined():
    rows = [(2020 + i // 12, i % 12 + 1, i) for i in range(36)]
    y = to_series(read_csv(_rows("year,month,value", rows)))
    assert y.index.freqstr == "MS" and len(y) == 36
    assert y.index[-1] == pd.Timestamp("2022-12-01")


# ------------------------------------------------------------- 5. Latin-1
def test_dense_latin1_text_is_read():
    lines = ["datum;wert;bemerkung"] + [
        f"01.{m:02d}.2020;{100 + m},5;Größe ä" for m in range(1, 13)
    ]
    df = read_csv(("\n".join(lines) + "\n").encode("latin-1"))
    assert df["bemerkung"].iloc[0] == "Größe ä"
    assert any("Latin-1" in n for n in df.attrs["notes"])


def test_random_high_bytes_are_still_refused():
    data = bytes(np.random.default_rng(0).integers(0, 256, 2000, dtype=np.uint8))
    data = data.replace(b"\x00", b"\x01")
    with pytest.raises(DataError, match="does not look like text"):
        read_csv(data)


# ------------------------------------------------------------- 6. messages
def test_one_point_and_series_grammar():
    with pytest.raises(DataError, match="only 1 point with"):
        to_series(read_csv("date,value\n2020-01-01,1\n"))
    rows = [(s, d, i) for s in ("a", "b") for i, d in enumerate(_monthly("2020", 6))]
    rows += [rows[0], rows[7]]
    panel = to_panel(read_csv(_rows("store,date,value", rows)))
    notes = " ".join(panel.attrs["notes"])
    assert "in 2 series:" in notes and "seriess" not in notes


def test_value_column_holding_the_dates_is_named():
    df = read_csv(_rows("date,value", [(d, 1) for d in _monthly("2020", 6)]))
    with pytest.raises(DataError, match="'date', which holds the times"):
        to_series(df, value_col="date")


def test_series_choice_on_a_single_series_file():
    df = read_csv(_rows("date,value", [(d, 1) for d in _monthly("2020", 6)]))
    with pytest.raises(DataError, match="no series 'A': the file holds one series"):
        series_of(to_panel(df), "A")


def test_excel_serials_and_unix_times_are_read_with_a_note():
    y = to_series(read_csv(_rows("date,value", [(44927 + i, i) for i in range(30)])))
    assert y.index[0] == pd.Timestamp("2023-01-01") and y.index.freqstr == "D"
    assert "read column 'date' as Excel serial day numbers" in " ".join(
        y.attrs["notes"]
    )
    rows = [(1_672_531_200 + 3600 * i, i) for i in range(30)]
    y = to_series(read_csv(_rows("ts,value", rows)))
    assert y.index[0] == pd.Timestamp("2023-01-01") and y.index.freqstr == "h"
    assert any("Unix time in seconds (UTC" in n for n in y.attrs["notes"])
    # an unnamed column is only named in the message, and read once chosen
    with pytest.raises(DataError, match="no time column.*'k' looks like Unix time"):
        to_series(read_csv(_rows("k,value", rows)))
    y = to_series(read_csv(_rows("k,value", rows)), time_col="k")
    assert len(y) == 30 and y.index.freqstr == "h"


def test_a_panel_stamped_in_unix_milliseconds_is_read_once_per_note():
    stamps = [1_700_000_000_000 + 86_400_000 * i for i in range(20)]
    rows = [(s, name, i) for name in ("A", "B") for i, s in enumerate(stamps)]
    panel = to_panel(read_csv(_rows("unix_ms,store,sales", rows)))
    assert sorted(panel["series"].unique()) == ["A", "B"]
    assert panel.attrs["freq"] == "D"
    notes = [n for n in panel.attrs["notes"] if "Unix time in milliseconds" in n]
    assert len(notes) == 1, panel.attrs["notes"]


def test_numbers_in_a_column_named_for_elapsed_time_are_not_excel_days():
    rows = [(10_000 + 500 * i, i) for i in range(30)]
    with pytest.raises(DataError, match="holds numbers, not dates"):
        to_series(read_csv(_rows("time_ms,value", rows)), time_col="time_ms")
    # a name that only contains the letters ("items") is not a unit
    rows = [(44927 + i, i) for i in range(30)]
    y = to_series(read_csv(_rows("items_date,value", rows)))
    assert y.index[0] == pd.Timestamp("2023-01-01")
    # fractions of a day are date-times, whatever the name
    rows = [(45292 + i / 24, i) for i in range(30)]
    y = to_series(read_csv(_rows("time,value", rows)))
    assert y.index[1] == pd.Timestamp("2024-01-01 01:00")


def test_a_weekend_label_on_daily_data_with_gaps_is_not_an_id():
    dates = pd.date_range("2020-01-01", periods=90, freq="D").delete([10, 40, 41])
    rows = [
        (d.strftime("%Y-%m-%d"), "weekend" if d.day_of_week >= 5 else "weekday", i)
        for i, d in enumerate(dates)
    ]
    df = read_csv(_rows("date,kind,value", rows))
    assert find_id_columns(df) == []
    assert len(to_series(df)) == 90


def test_an_id_column_that_is_also_the_time_column_is_named_by_role():
    rows = [("A", d, i) for i, d in enumerate(_monthly("2000-01-01"))]
    df = read_csv(_rows("store,date,sales", rows))
    with pytest.raises(DataError, match="'date' cannot be both an id and the time"):
        to_panel(df, id_cols=["date"])
