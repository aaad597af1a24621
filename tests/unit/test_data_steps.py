"""Rows in regular steps (``step``) and how rows that share a time combine
(``agg``): an event log read as daily sums or counts, duplicates summed, empty
steps 0 or interpolated, each series of a panel on its own, and the CLI's --step
and --agg."""

import io

import numpy as np
import pandas as pd
import pytest

from convlstm import DataError, to_panel, to_series
from convlstm.cli import main
from convlstm.data import find_id_columns, read_csv
from convlstm.data.steps import check_step


def _events():
    """Sales at irregular moments over five days; none on 2024-01-03."""
    rows = [
        ("2024-01-01 09:10:00", 10.0),
        ("2024-01-01 17:45:12", 30.0),
        ("2024-01-02 08:00:00", 5.0),
        ("2024-01-04 12:30:00", 7.0),
        ("2024-01-04 12:31:00", 1.0),
        ("2024-01-04 23:59:59", 4.0),
        ("2024-01-05 00:00:00", 2.0),
    ]
    return read_csv("time,amount\n" + "\n".join(f"{t},{v}" for t, v in rows))


def test_an_event_log_is_read_as_daily_sums_counts_or_means():
    days = pd.date_range("2024-01-01", periods=5, freq="D")
    y = to_series(_events(), step="daily", agg="sum")
    assert y.index.equals(days) and y.index.freqstr == "D"
    np.testing.assert_array_equal(y.to_numpy(), [40, 5, 0, 12, 2])  # empty day: 0
    assert any("summed the 7 rows in daily steps" in n for n in y.attrs["notes"])
    y = to_series(_events(), step="D", agg="count")
    np.testing.assert_array_equal(y.to_numpy(), [2, 1, 0, 3, 1])
    y = to_series(_events(), step="daily", agg="mean")
    # the empty day is interpolated between its neighbours' means, and noted
    np.testing.assert_allclose(y.to_numpy(), [20, 5, 4.5, 4, 2])
    assert any("1 of them empty" in n for n in y.attrs["notes"])
    assert any("interpolated 1 missing values" in n for n in y.attrs["notes"])
    y = to_series(_events(), step="daily", agg="last")
    np.testing.assert_allclose(y.to_numpy(), [30, 5, 4.5, 4, 2])
    # without a step, such a file is refused, and the message says what to do
    with pytest.raises(DataError, match="regular steps"):
        to_series(_events())


def test_steps_are_labelled_by_their_start():
    days = ["2024-01-03", "2024-01-07", "2024-01-08", "2024-01-20", "2024-01-22"]
    df = read_csv("date,v\n" + "\n".join(f"{d},1" for d in days))
    y = to_series(df, step="weekly", agg="sum")
    assert y.index[0] == pd.Timestamp("2024-01-01")  # the Monday before the 3rd
    assert y.index.freqstr == "W-MON" and y.tolist() == [2.0, 1.0, 1.0, 1.0]
    df = read_csv(
        "date,v\n"
        + "\n".join(f"2021-{m:02d}-{d:02d},1" for m in (1, 3) for d in (5, 20))
    )
    y = to_series(df, step="monthly", agg="sum")
    assert list(y.index) == list(pd.date_range("2021-01-01", periods=3, freq="MS"))
    assert y.tolist() == [2.0, 0.0, 2.0]
    assert to_series(df, step="monthly", agg="count").tolist() == [2.0, 0.0, 2.0]
    assert check_step("15min") == "15min" and check_step("Hourly") == "h"


def test_a_step_too_fine_for_the_rows_is_refused_unless_summed():
    with pytest.raises(DataError, match="hourly steps hold no row"):
        to_series(_events(), step="hourly", agg="mean")
    y = to_series(_events(), step="hourly", agg="sum")
    assert len(y) == 24 * 4 - 9 + 1 and y.sum() == 59


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"step": "fortnightly"}, "not a time step"),
        ({"step": "-2D"}, "not a time step"),
        ({"agg": "median"}, "one of mean, sum"),
    ],
)
def test_bad_steps_and_aggregations_are_clear_errors(kwargs, message):
    with pytest.raises(DataError, match=message):
        to_series(_events(), **kwargs)
    with pytest.raises(DataError, match=message):
        to_panel(_events(), **kwargs)


def test_rows_that_share_a_timestamp_combine_as_asked():
    df = read_csv("date,v\n2020-01-01,1\n2020-01-01,2\n2020-01-02,5\n2020-01-03,6\n")
    assert to_series(df).tolist() == [1.5, 5.0, 6.0]
    y = to_series(df, agg="sum")
    assert y.tolist() == [3.0, 5.0, 6.0]
    assert any(
        n.startswith("summed 2 values where rows share") for n in y.attrs["notes"]
    )
    assert to_series(df, agg="max").tolist() == [2.0, 5.0, 6.0]
    assert to_series(df, agg="count").tolist() == [2.0, 1.0, 1.0]


def test_each_series_of_a_panel_gets_its_own_steps():
    rows = [
        ("A", "2024-01-01 10:00", 1),
        ("A", "2024-01-01 11:00", 2),
        ("A", "2024-01-03 09:00", 4),
        ("B", "2024-01-02 10:00", 7),
        ("B", "2024-01-02 10:30", 1),
        ("B", "2024-01-03 08:00", 1),
        ("B", "2024-01-04 08:00", 2),
        ("B", "2024-01-05 08:00", 2),
    ]
    df = read_csv("store,time,sales\n" + "\n".join(",".join(map(str, r)) for r in rows))
    panel = to_panel(df, step="daily", agg="sum")
    assert panel.attrs["freq"] == "D"
    a = panel[panel["series"] == "A"]
    b = panel[panel["series"] == "B"]
    # A has no sale after the 3rd while the log runs to the 5th: carried on with 0
    assert a["value"].tolist() == [3.0, 0.0, 4.0, 0.0, 0.0]
    assert b["value"].tolist() == [8.0, 1.0, 2.0, 2.0]
    assert b["time"].iloc[0] == pd.Timestamp("2024-01-02")
    assert any(
        "summed the rows of each series in daily steps" in n
        for n in panel.attrs["notes"]
    )
    # calendar steps too (weeks, months... are never too many)
    months = read_csv(
        "store,date,sales\n"
        + "\n".join(
            f"{k},2024-{m:02d}-{d:02d},1"
            for k in "AB"
            for m in (1, 2, 3, 4)
            for d in (3, 9)
        )
    )
    monthly = to_panel(months, step="monthly", agg="sum")
    assert monthly["value"].tolist() == [2.0] * 8
    # duplicates without a step, summed
    dup = to_panel(df.assign(time=df["time"].str[:10]), agg="sum")
    assert dup[dup["series"] == "B"]["value"].tolist() == [8.0, 1.0, 2.0, 2.0]


def test_the_cli_reads_steps(tmp_path):
    path = tmp_path / "events.csv"
    rng = np.random.default_rng(0)
    t = pd.Timestamp("2024-01-01") + pd.to_timedelta(
        np.sort(rng.uniform(0, 60 * 86400, 600)), unit="s"
    )
    pd.DataFrame({"t": t.strftime("%Y-%m-%d %H:%M:%S"), "amount": 1.0}).to_csv(
        path, index=False
    )
    out, err = io.StringIO(), io.StringIO()
    argv = ["forecast", "--csv", str(path), "--model", "naive", "--horizon", "2"]
    assert main(argv, stdout=out, stderr=err) == 2
    assert "--step" in err.getvalue()
    out, err = io.StringIO(), io.StringIO()
    code = main([*argv, "--step", "daily", "--agg", "count"], stdout=out, stderr=err)
    assert code == 0, err.getvalue()
    assert "counted the 600 rows in daily steps" in err.getvalue()
    forecast = pd.read_csv(io.StringIO(out.getvalue()))
    assert forecast["timestamp"].str[:10].tolist() == ["2024-03-01", "2024-03-02"]
    daily = t.floor("D").value_counts().sort_index()
    assert forecast["forecast"].tolist() == [float(daily.iloc[-1])] * 2


def test_an_event_log_of_several_stores_names_its_stores_once_in_steps():
    # every sale at its own moment: no time repeats, so without a step the store
    # column names nothing (a note says so); in daily steps it names the series
    rng = np.random.default_rng(1)
    seconds = rng.choice(30 * 86400, size=400, replace=False)
    t = pd.Timestamp("2024-01-01") + pd.to_timedelta(np.sort(seconds), unit="s")
    frame = pd.DataFrame(
        {
            "time": t.strftime("%Y-%m-%d %H:%M:%S"),
            "store": rng.choice(["north", "south", "east"], size=len(t)),
            "sales": 1.0,
        }
    )
    df = read_csv(frame.to_csv(index=False))
    assert find_id_columns(df) == []
    assert find_id_columns(df, step="daily") == ["store"]
    panel = to_panel(df, step="daily", agg="count")
    assert sorted(panel["series"].unique()) == ["east", "north", "south"]
    assert panel["value"].sum() == 400
    days = frame.assign(day=t.floor("D")).groupby(["store", "day"]).size()
    north = panel[panel["series"] == "north"].set_index("time")["value"]
    assert north.reindex(days["north"].index).tolist() == days["north"].tolist()
    # one store, by name, as a series
    y = to_series(df, step="daily", agg="count", series="south")
    assert y.sum() == (frame["store"] == "south").sum()


def test_a_panel_step_too_fine_for_one_series_names_it():
    rows = [("A", f"2024-01-{d:02d} 10:00", 1) for d in range(1, 11)]
    rows += [("B", f"2024-01-{d:02d} 10:00", 1) for d in (1, 2, 9, 10)]
    df = read_csv("store,time,sales\n" + "\n".join(",".join(map(str, r)) for r in rows))
    with pytest.raises(DataError, match="series 'B': 6 of the 10 daily steps"):
        to_panel(df, id_cols=["store"], step="daily", agg="mean")
    panel = to_panel(df, id_cols=["store"], step="daily", agg="sum")
    assert panel[panel["series"] == "B"]["value"].tolist() == [1, 1] + [0] * 6 + [1, 1]


def test_a_step_far_too_short_for_the_span_is_refused_before_any_work():
    days = pd.date_range("2000-01-01", periods=3650, freq="D").strftime("%Y-%m-%d")
    df = pd.DataFrame({"date": days, "store": "a", "v": 1.0})
    with pytest.raises(DataError, match="minute|steps of min") as err:
        to_series(df[["date", "v"]], step="min", agg="sum")
    assert "at most 2,000,000" in str(err.value)
    two = pd.concat([df, df.assign(store="b")])
    with pytest.raises(DataError, match="choose a longer step"):
        to_panel(two, id_cols=["store"], step="10s", agg="sum")
    # hours over ten years are under the limit (an event log's: its times are
    # irregular; daily rows summed in hours are refused for another reason)
    log = pd.to_datetime(days) + pd.to_timedelta(np.arange(3650) % 24, "h")
    y = to_series(pd.DataFrame({"date": log, "v": 1.0}), step="h", agg="sum")
    assert len(y) == (log[-1] - log[0]) // pd.Timedelta("1h") + 1
    with pytest.raises(DataError, match="already in daily steps"):
        to_series(df[["date", "v"]], step="h", agg="sum")


def test_a_step_too_long_for_the_rows_asks_for_a_shorter_one():
    q = read_csv("q,v\n2020Q1,1\n2020Q2,2\n2020Q3,3\n2020Q4,4\n2021Q1,5\n2021Q2,6\n")
    with pytest.raises(DataError, match="yearly steps, the rows make 2 points.*short"):
        to_series(q, step="yearly", agg="sum")


@pytest.mark.parametrize(
    ("freq", "words"),
    [
        ("MS", "monthly"),
        ("QS-JAN", "quarterly"),
        ("QS-OCT", "quarterly (from October)"),
        ("W-SUN", "weekly (Sundays)"),
        ("30min", "every 30 minutes"),
        ("h", "hourly"),
        ("B", "business days"),
        ("YE-JUN", "yearly (ending June)"),
        ("odd", "odd"),
    ],
)
def test_frequencies_are_said_in_words(freq, words):
    from convlstm.data.steps import frequency_words

    assert frequency_words(freq) == words


def test_frequencies_fit_a_narrow_place_in_short_words():
    from convlstm.data.steps import frequency_words

    assert frequency_words("W-MON", short=True) == "weekly"
    assert frequency_words("30min", short=True) == "30 min"
    assert frequency_words("2h", short=True) == "2 hours"
    assert frequency_words("B", short=True) == "weekdays"
    assert frequency_words("QS-OCT", short=True) == "quarterly"


def test_business_days_by_name_and_suggested_where_weekends_were_made_up():
    for name in ("business days", "Business", "weekdays", "trading days", "B"):
        assert check_step(name) == "B"
    # three years of weekday closes and one Saturday session: read as calendar
    # days, the weekends are closed days (filled, never scored or forecast); a
    # note says how to read business days
    days = pd.bdate_range("2021-01-04", "2023-12-29")
    days = days.append(pd.DatetimeIndex(["2022-05-14"])).sort_values()
    close = 100 + np.cumsum(np.random.default_rng(0).normal(0, 1, len(days)))
    df = pd.DataFrame({"date": days.strftime("%Y-%m-%d"), "close": close})
    y = to_series(df)
    assert y.attrs["closed"] == [5 * 1440, 6 * 1440]
    note = next(n for n in y.attrs["notes"] if n.startswith("filled"))
    assert "they recur nearly every week (Saturdays and Sundays)" in note
    assert y.attrs["notes"][-1] == (
        "to leave the Saturdays and Sundays out of the data too, read it in "
        "business-day steps (step=..., --step, or Steps on the Data page)"
    )
    # weekends read in three weeks of four: gaps, not closed days, and a fifth
    # of the series made up; the note says how to read business days
    every = pd.date_range("2021-01-04", "2023-12-31", freq="D")
    kept = every[(every.day_of_week < 5) | ((every.day_of_year // 7) % 4 == 0)]
    df = pd.DataFrame(
        {"date": kept.strftime("%Y-%m-%d"), "close": np.arange(len(kept))}
    )
    y = to_series(df)
    note = next(n for n in y.attrs["notes"] if n.startswith("filled"))
    assert "closed" not in y.attrs and "recur" not in note
    assert "nearly all are Saturdays and Sundays" in note and "business-day" in note
    y = to_series(df, step="business days", agg="last")
    assert y.index.freqstr == "B" and not (y.index.day_of_week >= 5).any()


def _office_log(shops=("a",)) -> pd.DataFrame:
    """Calls logged at their minutes over four weeks of an office open about
    08:30 to 17:30 on weekdays; shop "b" logs nothing on the first Monday."""
    rng = np.random.default_rng(0)
    rows = []
    for shop in shops:
        for day in pd.bdate_range("2026-09-07", "2026-10-02"):
            if shop == "b" and day == pd.Timestamp("2026-09-07"):
                continue
            start = day + pd.Timedelta(hours=8, minutes=30)
            for s in np.sort(rng.uniform(0, 9 * 3600, 30)):
                rows.append((shop, start + pd.Timedelta(seconds=float(s)), 1.0))
    return pd.DataFrame(rows, columns=["shop", "time", "calls"])


def test_an_office_log_reads_in_business_hours():
    # read in hourly steps, the nights and weekends are 16 of every 24 steps
    # of zeros; in business-hour steps each day is its 8 hours, and the rows
    # outside them (08:30-09:00, 17:00-17:30) are left out and said
    log = _office_log()
    frame = log[["time", "calls"]].astype({"time": str})
    y = to_series(frame, step="business hours", agg="count")
    assert y.index.freqstr == "bh" and len(y) == 20 * 8
    assert y.index[0] == pd.Timestamp("2026-09-07 09:00")
    assert y.index[-1] == pd.Timestamp("2026-10-02 16:00")
    inside = ((log["time"].dt.hour >= 9) & (log["time"].dt.hour <= 16)).sum()
    assert y.sum() == inside
    notes = y.attrs["notes"]
    assert any(
        n.startswith(f"left out {len(log) - inside} rows outside business hours")
        for n in notes
    )
    assert any("in business-hour steps: 160 steps" in n for n in notes)
    assert not any("nights and weekends are not gaps" in n for n in notes)
    assert check_step("office hours") == check_step("business-hours") == "bh"
    # times written with their UTC offset (+02:00 in summer) keep the office's
    # clock: in UTC the 09:00 calls were 07:00, outside business hours
    zoned = log.assign(time=log["time"].dt.tz_localize("Europe/Berlin"))
    frame = zoned[["time", "calls"]].astype({"time": str})
    assert frame["time"].iloc[0].endswith("+02:00")
    local = to_series(frame, step="business hours", agg="count")
    assert local.index[0] == pd.Timestamp("2026-09-07 09:00")
    assert np.array_equal(local.to_numpy(), y.to_numpy())
    # many logs at once, each on its own business hours; "b" starts a day later
    panel = to_panel(
        _office_log(("a", "b")).astype({"time": str}),
        id_cols=["shop"],
        step="business hours",
        agg="sum",
    )
    sizes = panel.groupby("series").size()
    assert sizes["a"] == 160 and sizes["b"] == 152
    with pytest.raises(DataError, match="none of the 2 rows falls in business hours"):
        to_series(
            pd.DataFrame({"time": ["2026-09-05 10:00", "2026-09-06 10:00"], "v": 1}),
            step="business hours",
            agg="sum",
        )
