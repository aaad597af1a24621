"""Summed or counted steps that the rows cover only in part (the first or the
last) are left out, with a note: a quarter of one month reads as a fall."""

import io

import numpy as np
import pandas as pd
import pytest

from convlstm.data import read_csv, to_panel, to_series
from convlstm.data.steps import partial_ends
from convlstm.errors import DataError


def _frame(times, values=None) -> pd.DataFrame:
    values = np.arange(len(times), dtype=float) + 100 if values is None else values
    return pd.DataFrame({"date": times, "sales": values})


def _partial_notes(y) -> list[str]:
    return [n for n in y.attrs["notes"] if n.startswith("left out")]


def test_monthly_rows_to_april_in_quarterly_sums_leave_out_the_last_quarter():
    y = to_series(
        _frame(pd.date_range("2020-01-01", "2023-04-01", freq="MS")),
        step="quarterly",
        agg="sum",
    )
    assert y.index[-1] == pd.Timestamp("2023-01-01") and len(y) == 13
    (note,) = _partial_notes(y)
    assert "last of the quarterly steps (2023-04-01)" in note and "a fall" in note


@pytest.mark.parametrize("freq", ["MS", "ME"])
def test_whole_quarters_are_kept(freq):
    y = to_series(
        _frame(pd.date_range("2020-01-01", "2022-12-31", freq=freq)),
        step="quarterly",
        agg="sum",
    )
    assert len(y) == 12 and not _partial_notes(y)
    assert y.iloc[0] == 100 + 101 + 102


def test_weekdays_in_weekly_sums_keep_their_whole_first_and_last_weeks():
    # a week of weekday rows holds 5 days, not 7: Monday to Friday is whole (both
    # ends were left out as partial), Wednesday to Friday is not
    y = to_series(
        _frame(pd.bdate_range("2026-01-05", "2026-06-26")), step="weekly", agg="sum"
    )
    assert y.index[0] == pd.Timestamp("2026-01-05") and len(y) == 25
    assert not _partial_notes(y) and y.iloc[0] == y.iloc[1] - 25
    y = to_series(
        _frame(pd.bdate_range("2026-01-07", "2026-06-24")), step="weekly", agg="sum"
    )
    assert y.index[0] == pd.Timestamp("2026-01-12") and len(y) == 23
    (note,) = _partial_notes(y)
    assert "first and last of the weekly steps (2026-01-05, 2026-06-22)" in note
    # hours of opening (09:00-17:00) in business-day means: whole days, no note
    hours = pd.date_range("2026-09-01", "2026-10-30 23:00", freq="h")
    hours = hours[(hours.day_of_week < 5) & (hours.hour >= 9) & (hours.hour <= 16)]
    y = to_series(_frame(hours), step="business days")
    assert len(y) == 44 and not [n for n in y.attrs["notes"] if "part of" in n]
    assert any("in business-day steps" in n for n in y.attrs["notes"])


def test_daily_rows_starting_mid_month_and_ending_a_day_short():
    days = pd.date_range("2021-01-15", "2021-06-29", freq="D")
    y = to_series(_frame(days, 1.0), step="monthly", agg="count")
    assert y.index[0] == pd.Timestamp("2021-02-01")
    assert y.index[-1] == pd.Timestamp("2021-05-01")
    assert "first and last of the monthly steps" in _partial_notes(y)[0]
    assert "falls" in _partial_notes(y)[0]


def test_means_keep_their_partial_steps():
    y = to_series(
        _frame(pd.date_range("2020-01-01", "2023-04-01", freq="MS")),
        step="quarterly",
        agg="mean",
    )
    assert y.index[-1] == pd.Timestamp("2023-04-01") and not _partial_notes(y)
    # but a note says the last quarter's mean covers April alone
    note = next(n for n in y.attrs["notes"] if "holds rows for only part" in n)
    assert note.startswith("the last of the quarterly steps (2023-04-01)")
    assert "its mean covers those alone" in note


def _events(days: pd.DatetimeIndex, seed: int = 0) -> pd.DatetimeIndex:
    """Sales between 9:00 and 18:00 on each day, 5 to 15 a day."""
    rng = np.random.default_rng(seed)
    times = [
        day + pd.Timedelta(hours=9) + pd.Timedelta(minutes=int(m))
        for day in days
        for m in np.sort(rng.integers(0, 540, rng.integers(5, 16)))
    ]
    return pd.DatetimeIndex(times)


def test_an_event_log_ending_on_the_tenth_leaves_out_its_last_month():
    times = _events(pd.date_range("2021-01-01", "2021-07-10", freq="D"))
    y = to_series(_frame(times, 1.0), step="monthly", agg="sum")
    assert y.index[-1] == pd.Timestamp("2021-06-01")
    assert _partial_notes(y)
    # the same log to the month's end keeps July; its days are whole days
    times = _events(pd.date_range("2021-01-01", "2021-07-31", freq="D"))
    y = to_series(_frame(times, 1.0), step="monthly", agg="sum")
    assert y.index[-1] == pd.Timestamp("2021-07-01") and not _partial_notes(y)
    days = to_series(_frame(times, 1.0), step="daily", agg="sum")
    assert len(days) == 212 and not _partial_notes(days)


def test_rows_as_long_as_the_steps_are_never_partial():
    starts = pd.date_range("2020-01-01", periods=8, freq="QS")
    times = pd.date_range("2020-01-01", periods=8, freq="QS").to_numpy()
    assert partial_ends(times, starts, "QS") == (False, False)


def test_a_panel_leaves_out_each_series_own_partial_steps():
    rows = [
        ("A", t, 1.0) for t in pd.date_range("2020-01-01", "2022-12-01", freq="MS")
    ] + [("B", t, 1.0) for t in pd.date_range("2020-01-01", "2022-11-01", freq="MS")]
    text = "store,date,sales\n" + "".join(f"{s},{t:%Y-%m-%d},{v}\n" for s, t, v in rows)
    panel = to_panel(read_csv(text), step="quarterly", agg="sum")
    ends = panel.groupby("series")["time"].max()
    assert ends["A"] == pd.Timestamp("2022-10-01")
    assert ends["B"] == pd.Timestamp("2022-07-01")
    notes = panel.attrs["notes"]
    assert any("the last step of 1 series ('B')" in n for n in notes), notes


def test_a_log_of_many_stores_is_judged_by_where_the_whole_log_starts_and_ends():
    # the log runs from 1 January to 10 July; store C's first sale is on 8 January
    days = pd.date_range("2021-01-01", "2021-07-10", freq="D")
    frames = []
    for seed, store in enumerate("ABC"):
        times = _events(days if store != "C" else days[7:], seed)
        frames.append(pd.DataFrame({"time": times, "store": store, "sales": 1.0}))
    df = pd.concat(frames).sort_values("time")
    text = df.assign(time=df["time"].dt.strftime("%Y-%m-%d %H:%M")).to_csv(index=False)
    panel = to_panel(read_csv(text), step="monthly", agg="sum")
    spans = panel.groupby("series")["time"].agg(["min", "max"])
    assert (spans["min"] == pd.Timestamp("2021-01-01")).all()
    assert (spans["max"] == pd.Timestamp("2021-06-01")).all()
    (note,) = (n for n in panel.attrs["notes"] if n.startswith("left out"))
    assert "the last step of 3 series" in note and "first" not in note


@pytest.mark.parametrize("step", [None, "monthly"])
def test_counting_one_row_per_step_is_refused(step):
    # without a step, count counts the rows of each timestamp, whether or not
    # some repeat (it was ignored when none did)
    df = _frame(pd.date_range("2020-01-01", periods=24, freq="MS"))
    with pytest.raises(DataError, match="holds one row, so counting rows gives 1"):
        to_series(df, step=step, agg="count")
    twice = pd.concat([df, df.iloc[:3]]).sort_values("date")
    y = to_series(twice, agg="count")
    assert y.iloc[:3].tolist() == [2.0, 2.0, 2.0] and y.iloc[3] == 1.0


def test_an_event_log_series_that_stops_is_carried_on_with_zeros():
    # B stopped selling on 20 February; the log runs to the end of March
    rng = np.random.default_rng(0)
    rows = []
    for day in pd.date_range("2023-01-01", "2023-03-31", freq="D"):
        for sku, last in (("A", "2023-03-31"), ("B", "2023-02-20")):
            if day <= pd.Timestamp(last):
                for _ in range(2):
                    t = day + pd.Timedelta(minutes=int(rng.integers(60, 1200)))
                    rows.append(f"{t:%Y-%m-%d %H:%M},{sku},1")
    table = pd.read_csv(io.StringIO("sold_at,sku,qty\n" + "\n".join(rows)))
    panel = to_panel(table, step="daily", agg="sum")
    b = panel[panel["series"] == "B"].set_index("time")["value"]
    assert b.index[-1] == panel["time"].max() == pd.Timestamp("2023-03-31")
    assert (b["2023-02-21":] == 0).all() and b["2023-02-20"] == 2
    assert any("carried 1 series on with 0" in n for n in panel.attrs["notes"])


def test_carrying_logs_on_counts_towards_the_limit_of_points():
    from convlstm.data.steps import combine_panel_rows

    rows = []
    for k in range(20):  # twenty short logs in a year-long file
        day = pd.Timestamp("2023-01-01") + pd.Timedelta(days=18 * k)
        for h in (1, 5, 11, 26, 50):
            rows.append((f"s{k}", day + pd.Timedelta(hours=h), 1.0))
    long = pd.DataFrame(rows, columns=["series", "time", "value"])
    long = long.sort_values(["series", "time"]).reset_index(drop=True)
    with pytest.raises(DataError, match="would make"):
        combine_panel_rows(long, [], agg="sum", step="h", max_points=5_000)
    # their own spans hold 1,000 steps; carried on to the last, some 80,000
    out = combine_panel_rows(long, [], agg="sum", step="h", max_points=200_000)
    assert len(out) > 50_000


def test_a_whole_period_with_the_spring_clock_change_is_kept():
    # local hourly readings: 26 March has 23 hours, March 743; both are whole
    local = pd.date_range(
        "2023-03-01", "2023-12-31 23:00", freq="h", tz="Europe/Berlin"
    ).tz_localize(None)
    table = _frame(local.strftime("%Y-%m-%d %H:%M"), np.ones(len(local)))
    months = to_series(table, step="monthly", agg="sum")
    assert months.index[0] == pd.Timestamp("2023-03-01") and months.iloc[0] == 743
    assert not _partial_notes(months)
    days = to_series(table[table["date"] >= "2023-03-26"], step="daily", agg="sum")
    assert days.index[0] == pd.Timestamp("2023-03-26") and days.iloc[0] == 23
    # a month the export starts in the middle of is still partial
    late = to_series(table[table["date"] >= "2023-03-05"], step="monthly", agg="sum")
    assert late.index[0] == pd.Timestamp("2023-04-01") and _partial_notes(late)


def test_the_clock_changes_of_local_readings_are_named_in_the_notes():
    local = pd.date_range(
        "2023-03-20", "2023-11-05", freq="h", tz="Europe/Berlin"
    ).tz_localize(None)
    table = _frame(local.strftime("%Y-%m-%d %H:%M"), np.ones(len(local)))
    notes = " | ".join(to_series(table).attrs["notes"])
    assert (
        "(first at 2023-10-29 02:00:00; as at the clock change to winter time: an "
        "hour the local clock repeats)" in notes
    )
    assert (
        "(first at 2023-03-26 02:00:00; as at the clock change to summer time: an "
        "hour the local clock skips)" in notes
    )
    # quarter hours summed to hours: the skipped hour's empty step says why
    quarters = pd.date_range(
        "2023-03-20", "2023-04-05", freq="15min", tz="Europe/Berlin"
    ).tz_localize(None)
    frame = _frame(quarters.strftime("%Y-%m-%d %H:%M"), np.full(len(quarters), 0.25))
    notes = " | ".join(to_series(frame, step="hourly", agg="sum").attrs["notes"])
    assert "1 of them empty (0 each; as at the clock change to summer time" in notes
    # a gap on a weekday in May is only a gap
    may = pd.date_range("2023-05-01", "2023-05-20", freq="h")
    gap = _frame(may.drop(pd.Timestamp("2023-05-10 02:00")).strftime("%Y-%m-%d %H:%M"))
    notes = " | ".join(to_series(gap).attrs["notes"])
    assert "(first at 2023-05-10 02:00:00)" in notes
