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
