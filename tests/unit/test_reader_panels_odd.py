"""Reader on odd panels: rows interleaved or shuffled with gaps, short series with
many gaps, and UTC offsets that differ between series (time zones, DST, cells
without an offset)."""

import numpy as np
import pandas as pd
import pytest

from convlstm import DataError, to_panel, to_series
from convlstm.data import find_id_columns, read_csv


def _csv(header, rows):
    return read_csv(header + "\n" + "\n".join(",".join(map(str, r)) for r in rows))


def _by_series(panel):
    return {
        name: pd.Series(g["value"].to_numpy(), index=pd.DatetimeIndex(g["time"]))
        for name, g in panel.groupby("series")
    }


def _stamp(t, offset):
    return t.strftime("%Y-%m-%dT%H:%M:%S") + offset


# ------------------------------------------- interleaved rows with gaps
def _monthly_rows():
    """A 48 months, B without 3 scattered months, C from month 12; rows by date."""
    rows = []
    for i, t in enumerate(pd.date_range("2020-01-01", periods=48, freq="MS")):
        d = t.strftime("%Y-%m-%d")
        rows.append((d, "A", 100 + i))
        if i not in (5, 17, 30):
            rows.append((d, "B", 200 + i))
        if i >= 12:
            rows.append((d, "C", 300 + i))
    return rows


@pytest.mark.parametrize("shuffle", [False, True])
def test_interleaved_monthly_panel_with_gaps_and_a_late_start(shuffle):
    rows = _monthly_rows()
    if shuffle:
        rows = [rows[i] for i in np.random.default_rng(1).permutation(len(rows))]
    panel = to_panel(_csv("date,id,value", rows))
    assert panel.attrs["freq"] == "MS"
    ys = _by_series(panel)
    assert {k: len(v) for k, v in ys.items()} == {"A": 48, "B": 48, "C": 36}
    assert ys["C"].index[0] == pd.Timestamp("2021-01-01")
    months = pd.date_range("2020-01-01", periods=48, freq="MS")
    # values sit on their own months; B's gaps are interpolated, and noted
    np.testing.assert_array_equal(ys["A"].to_numpy(), 100 + np.arange(48))
    np.testing.assert_array_equal(ys["B"].to_numpy(), 200 + np.arange(48))
    assert ys["B"].index.equals(months)
    assert panel.attrs["repairs"].keys() == {"B"}
    assert "filled 3 missing timestamps" in panel.attrs["repairs"]["B"][-1]


def test_a_short_series_with_many_gaps_takes_the_panels_frequency():
    # C: 6 months out of 9, too irregular to give a frequency on its own
    rows = [(d, "A", i) for i, d in enumerate(_months(48))]
    rows += [
        (d, "C", i) for i, d in enumerate(_months(48)) if i in (39, 40, 42, 44, 46, 47)
    ]
    panel = to_panel(_csv("date,id,value", rows))
    c = _by_series(panel)["C"]
    assert panel.attrs["freq"] == "MS" and len(c) == 9
    assert c.index[0] == pd.Timestamp("2023-04-01")
    np.testing.assert_array_equal(c.to_numpy(), np.arange(39, 48))
    notes = " ".join(panel.attrs["repairs"]["C"])
    assert "panel's frequency MS" in notes and "filled 3 missing" in notes
    # on its own the same series is still refused, as before
    alone = _csv("date,value", [(d, v) for d, s, v in rows if s == "C"])
    with pytest.raises(DataError, match="irregular"):
        to_series(alone)


def test_a_series_off_the_panels_grid_is_still_refused_by_name():
    rows = [(d, "A", i) for i, d in enumerate(_months(48))]
    days = ("2023-04-01", "2023-04-09", "2023-05-20", "2023-07-03", "2023-09-30")
    rows += [(d, "C", i) for i, d in enumerate(days)]
    with pytest.raises(DataError, match="series 'C'.*irregular"):
        to_panel(_csv("date,id,value", rows))


def _months(n):
    return pd.date_range("2020-01-01", periods=n, freq="MS").strftime("%Y-%m-%d")


# ------------------------------------------- UTC offsets between series
def test_daily_series_at_midnight_in_two_time_zones_are_a_panel_on_their_days():
    # the same calendar days; in UTC they would be 23:00 and 18:30 the day before
    rows = []
    for i, t in enumerate(pd.date_range("2024-01-01", periods=20, freq="D")):
        rows += [(_stamp(t, "+01:00"), "A", i), (_stamp(t, "+05:30"), "B", 100 + i)]
    df = _csv("date,store,value", rows)
    assert find_id_columns(df) == ["store"]  # was: none, and both averaged
    with pytest.raises(DataError, match="holds 2 series"):
        to_series(df)
    panel = to_panel(df)
    ys = _by_series(panel)
    assert panel.attrs["freq"] == "D"
    for name, base in (("A", 0), ("B", 100)):
        assert ys[name].index[0] == pd.Timestamp("2024-01-01") and len(ys[name]) == 20
        np.testing.assert_array_equal(ys[name].to_numpy(), base + np.arange(20))
    assert any("local dates" in n for n in panel.attrs["notes"])


def test_hourly_series_in_two_time_zones_meet_in_utc_and_stay_apart():
    # +01:00 and +02:00: in UTC most hours of A and B coincide
    rows = []
    for i, t in enumerate(pd.date_range("2024-01-01", periods=24, freq="h")):
        rows += [(_stamp(t, "+01:00"), "A", i), (_stamp(t, "+02:00"), "B", 100 + i)]
    df = _csv("date,store,value", rows)
    assert find_id_columns(df) == ["store"]
    panel = to_panel(df)
    ys = _by_series(panel)
    assert panel.attrs["freq"] == "h"
    assert ys["A"].index[0] == pd.Timestamp("2023-12-31 23:00")
    assert ys["B"].index[0] == pd.Timestamp("2023-12-31 22:00")
    np.testing.assert_array_equal(ys["B"].to_numpy(), 100 + np.arange(24))
    assert not any("averaged" in n for n in panel.attrs["notes"])


def test_daily_series_at_different_local_hours_keep_their_days():
    # A at midnight +01:00, B at 09:00 +05:30: each series has one clock time
    rows = []
    for i, t in enumerate(pd.date_range("2024-01-01", periods=20, freq="D")):
        rows.append((_stamp(t, "+01:00"), "A", i))
        rows.append((_stamp(t + pd.Timedelta(hours=9), "+05:30"), "B", 100 + i))
    panel = to_panel(_csv("date,store,value", rows))
    ys = _by_series(panel)
    assert panel.attrs["freq"] == "D"
    assert ys["A"].index[0] == pd.Timestamp("2024-01-01")  # was 2023-12-31 23:00
    assert ys["B"].index[0] == pd.Timestamp("2024-01-01 09:00")
    assert any("local dates" in n for n in panel.attrs["notes"])


def test_offsets_that_only_start_late_in_the_file_are_still_seen():
    # A (no offset) fills the first 1,100 rows; B's +05:30 came after them and
    # was silently converted to UTC: 18:30 on the day before
    days = pd.date_range("2020-01-01", periods=1100, freq="D")
    rows = [(_stamp(t, ""), "A", i) for i, t in enumerate(days)]
    rows += [(_stamp(t, "+05:30"), "B", i) for i, t in enumerate(days[:30])]
    panel = to_panel(_csv("date,id,value", rows))
    b = _by_series(panel)["B"]
    assert b.index[0] == pd.Timestamp("2020-01-01") and len(b) == 30
    assert any("local dates" in n for n in panel.attrs["notes"])


def test_hourly_cells_without_an_offset_among_cells_with_one_are_noted():
    rows = []
    for i, t in enumerate(pd.date_range("2024-01-01", periods=24, freq="h")):
        rows += [(_stamp(t, "+01:00"), "A", i), (_stamp(t, ""), "B", 100 + i)]
    panel = to_panel(_csv("date,store,value", rows))
    ys = _by_series(panel)
    assert ys["A"].index[0] == pd.Timestamp("2023-12-31 23:00")
    assert ys["B"].index[0] == pd.Timestamp("2024-01-01 00:00")
    note = next(n for n in panel.attrs["notes"] if "no UTC offset" in n)
    assert note.startswith("24 of 48 times") and "row 3" in note and "as UTC" in note


@pytest.mark.parametrize("freq", ["D", "h"])
def test_a_berlin_panel_across_dst(freq):
    # daily: local days kept; hourly: regular in UTC (23 h local day in March)
    start, n = ("2024-03-20", 20) if freq == "D" else ("2024-03-30", 48)
    times = pd.date_range(start, periods=n, freq=freq, tz="Europe/Berlin")
    rows = [(t.isoformat(), s, i) for s in ("A", "B") for i, t in enumerate(times)]
    panel = to_panel(_csv("date,id,value", rows))
    ys = _by_series(panel)
    assert panel.attrs["freq"] == freq and len(ys["A"]) == n
    expected = times.tz_localize(None) if freq == "D" else times.tz_convert(None)
    assert ys["A"].index.equals(pd.DatetimeIndex(expected))
    assert not panel.attrs["repairs"]


# ------------------------- series stacked one after another, no id column
def _stacked(*parts):
    """Rows of each part (start month, values) one after another, no id column."""
    rows = []
    for start, values in parts:
        months = pd.date_range(start, periods=len(values), freq="MS")
        rows += [
            (t.strftime("%Y-%m-%d"), v) for t, v in zip(months, values, strict=True)
        ]
    return _csv("date,sales", rows)


def test_series_stacked_without_an_id_column_are_read_as_blocks():
    a, b = list(range(100, 160)), list(range(5, 65))
    df = _stacked(("2020-01-01", a), ("2020-01-01", b))
    assert find_id_columns(df) == ["block"]
    panel = to_panel(df)
    ys = _by_series(panel)
    assert list(ys) == ["block 1", "block 2"]
    np.testing.assert_array_equal(ys["block 1"].to_numpy(), a)
    np.testing.assert_array_equal(ys["block 2"].to_numpy(), b)
    note = next(n for n in panel.attrs["notes"] if "start over" in n)
    assert "row 62" in note and "2 series stacked" in note  # the header is row 1
    # one series of them, by name; without a name, a clear refusal, not an average
    y = to_series(df, series="block 2")
    np.testing.assert_array_equal(y.to_numpy(), b)
    with pytest.raises(DataError, match="stacked one after another"):
        to_series(df)
    # chosen explicitly, or refused by the user: as told
    assert to_panel(df, id_cols=["block"])["series"].nunique() == 2
    one = to_panel(df, id_cols=[])
    np.testing.assert_allclose(one["value"].to_numpy(), (np.array(a) + b) / 2)


def test_stacked_blocks_of_different_spans_and_many_blocks():
    rng = np.random.default_rng(0)
    parts = [(f"{2020 + k % 3}-0{1 + k % 9}-01", rng.random(20) + k) for k in range(12)]
    panel = to_panel(_stacked(*parts))
    ys = _by_series(panel)
    assert list(ys)[:2] == ["block 01", "block 02"] and len(ys) == 12  # sorts right
    for k, (start, values) in enumerate(parts):
        y = ys[f"block {k + 1:02d}"]
        assert y.index[0] == pd.Timestamp(start)
        np.testing.assert_allclose(y.to_numpy(), values)


def test_a_block_column_name_already_taken_gets_another():
    rows = [(d, "x", v) for d, v in _monthly_rows_of(24)] * 2
    rows = [(d, b, v + (1000 if i >= 24 else 0)) for i, (d, b, v) in enumerate(rows)]
    panel = to_panel(_csv("date,block,sales", rows))
    assert panel.attrs["id_cols"] == ["block_"]
    assert panel["series"].nunique() == 2


def _monthly_rows_of(n):
    months = pd.date_range("2020-01-01", periods=n, freq="MS")
    return [(t.strftime("%Y-%m-%d"), i) for i, t in enumerate(months)]


def test_one_series_written_twice_or_sorted_with_repeats_is_still_one_series():
    values = list(range(100, 160))
    # exported twice over overlapping spans: the same values, one series
    twice = _stacked(("2020-01-01", values), ("2022-07-01", values[30:]))
    assert find_id_columns(twice) == []
    np.testing.assert_array_equal(to_series(twice).to_numpy(), values)
    # several rows per month in date order (a log): averaged, as before
    rows = [(d, v + k) for d, v in _monthly_rows_of(24) for k in (0, 2, 4)]
    log = _csv("date,sales", rows)
    assert find_id_columns(log) == []
    y = to_series(log)
    np.testing.assert_array_equal(y.to_numpy(), np.arange(24) + 2)
    assert any("averaged 72 values" in n for n in y.attrs["notes"])
    # one series whose later years come first in the file: sorted, not split
    rows = _monthly_rows_of(36)
    y = to_series(_csv("date,sales", rows[24:] + rows[:24]))
    np.testing.assert_array_equal(y.to_numpy(), np.arange(36))


def test_stacked_blocks_each_newest_first_are_read_as_blocks():
    a, b = np.arange(30.0), 100 + 5 * np.arange(30.0)
    rows = _stacked(("2020-01-01", a), ("2020-01-01", b))
    newest_first = pd.concat([rows.iloc[29::-1], rows.iloc[:29:-1]], ignore_index=True)
    ys = _by_series(to_panel(newest_first))
    assert list(ys) == ["block 1", "block 2"]
    np.testing.assert_array_equal(ys["block 1"].to_numpy(), a)  # in time order
    np.testing.assert_array_equal(ys["block 2"].to_numpy(), b)
    assert ys["block 1"].index[0] == pd.Timestamp("2020-01-01")


@pytest.mark.parametrize("newest_first", [False, True])
def test_an_hour_repeated_when_clocks_go_back_is_not_a_second_series(newest_first):
    # local clock times of an hourly meter: 02:00 twice on the night of winter
    # time, once a year; one series (its two 02:00 rows averaged), not two blocks
    hours = pd.date_range("2022-10-28", periods=24 * 400, freq="h")
    times = list(hours.strftime("%Y-%m-%d %H:%M"))
    for day in ("2023-10-29 02:00", "2022-10-30 02:00"):
        i = times.index(day)
        times.insert(i + 1, times[i])
    values = np.arange(len(times), dtype=float)
    df = pd.DataFrame({"time": times, "load": values})
    if newest_first:
        df = df.iloc[::-1].reset_index(drop=True)
    assert find_id_columns(df) == []
    y = to_series(df)
    assert len(y) == len(hours)
    assert any("averaged 4 values" in n for n in y.attrs["notes"])
