"""Hourly readings kept to opening hours other than 09:00-17:00 on weekdays: read
as a session (their nights and closed days no gaps), with seasons, forecasts,
saved models, reports and plots that keep the hours."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from convlstm import ConvLSTMForecaster, load_model, make_model
from convlstm.data import (
    freq_of,
    future_index,
    offset_of,
    read_csv,
    seasonal_periods,
    to_panel,
    to_series,
)
from convlstm.data.hours import OpeningHours, closed_day_runs, hours_of
from convlstm.data.steps import (
    check_step,
    combine_rows,
    frequency_words,
    step_words,
)
from convlstm.errors import DataError
from convlstm.plots import closed_times


def _readings(
    start: int,
    end: int,
    days: tuple[int, ...],
    weeks: int = 8,
    drop: float = 0.03,
    minute: int = 0,
) -> pd.DataFrame:
    """Hourly sales from ``start`` to ``end`` o'clock (``minute`` past) on
    ``days``, a few hours missing at random."""
    rng = np.random.default_rng(0)
    rows = []
    for day in pd.date_range("2024-01-01", periods=7 * weeks, freq="D"):
        if day.day_of_week not in days:
            continue
        for h in range(start, end):
            if rng.random() < drop:
                continue
            level = 50 + 20 * np.sin((h - start) / (end - start) * np.pi)
            time = day + pd.Timedelta(hours=h, minutes=minute)
            rows.append((time, level + rng.normal(0, 2)))
    return pd.DataFrame(rows, columns=["time", "sales"])


def _series(frame: pd.DataFrame) -> pd.Series:
    return to_series(read_csv(io.StringIO(frame.to_csv(index=False))))


EVERY_DAY = (0, 1, 2, 3, 4, 5, 6)


@pytest.mark.parametrize(
    ("text", "hours"),
    [
        ("bh", OpeningHours.hours(9, 17, (0, 1, 2, 3, 4))),
        ("cbh(10:00-20:00 Mon-Sun)", OpeningHours.hours(10, 20, EVERY_DAY)),
        ("cbh(16:00-24:00 Tue-Sat)", OpeningHours.hours(16, 24, (1, 2, 3, 4, 5))),
        ("cbh(08:00-12:00 Mon Wed Fri)", OpeningHours.hours(8, 12, (0, 2, 4))),
        ("cbh(09:30-16:30 Mon-Fri)", OpeningHours.hours(9, 16, (0, 1, 2, 3, 4), 30)),
        ("cbh(06:15-23:15 Sat Sun)", OpeningHours.hours(6, 23, (5, 6), 15)),
        (
            "cbh(09:30-11:30 13:00-15:00 Mon-Fri)",
            OpeningHours(((570, 690), (780, 900)), (0, 1, 2, 3, 4)),
        ),
        ("cbh(18:00-02:00 Tue-Sun)", OpeningHours.hours(18, 26, (1, 2, 3, 4, 5, 6))),
        ("cbh(20:30-00:30 Mon)", OpeningHours.hours(20, 24, (0,), 30)),
        (
            "cbh(11:00-14:00 18:00-01:00 Mon-Sun)",
            OpeningHours(((660, 840), (1080, 1500)), EVERY_DAY),
        ),
    ],
)
def test_the_string_form_round_trips(text: str, hours: OpeningHours) -> None:
    assert hours_of(text) == hours
    assert hours.freq == text
    assert OpeningHours.of_offset(offset_of(text)) == hours
    index = pd.date_range("2024-01-01", periods=30, freq=offset_of(text))
    assert freq_of(index) == text
    assert hours.contains(index).all()


@pytest.mark.parametrize(
    "text",
    ["cbh", "cbh(20:00-20:00 Mon-Sun)", "cbh(10:00-20:00 Sun-Mon)",
     "cbh(10:30-20:00 Mon)", "cbh(09:30-16:00 Mon-Fri)", "cbh(20:30-24:00 Mon)",
     "cbh(09:00-12:00 18:00-10:00 Mon)",
     "cbh(09:00-12:00 11:00-15:00 Mon)", "cbh(00:00-03:00 04:00-24:00 Mon)",
     "cbh(10:00-20:00 Moon)", "h", "MS", ""],
)  # fmt: skip
def test_other_strings_are_no_opening_hours(text: str) -> None:
    assert hours_of(text) is None


def test_a_shop_open_every_day_reads_in_its_hours() -> None:
    y = _series(_readings(10, 20, EVERY_DAY))
    assert freq_of(y) == "cbh(10:00-20:00 Mon-Sun)"
    assert len(y) == 8 * 7 * 10  # the missed hours filled, the nights no gaps
    assert seasonal_periods(y.index) == (10, 70)
    notes = " ".join(y.attrs["notes"])
    assert "opening hours (10:00-20:00 every day" in notes
    assert "the nights are not gaps" in notes
    future = future_index(y.index, 12)
    # the last reading is at 19:00: the next opens the next morning at 10:00
    assert future[0] == y.index[-1] + pd.Timedelta(hours=15)
    assert list(future.hour[:11]) == [*range(10, 20), 10]
    assert frequency_words(freq_of(y)) == "hourly, 10:00-20:00 every day"
    assert frequency_words(freq_of(y), short=True) == "opening hours"


def test_ten_days_of_a_shop_read_in_its_hours() -> None:
    # Monday to the next Wednesday: two of some weekdays, one of the others,
    # each day as full as the rest
    frame = _readings(10, 20, EVERY_DAY, weeks=2)
    frame = frame[frame["time"] < "2024-01-11"]
    y = _series(frame)
    assert freq_of(y) == "cbh(10:00-20:00 Mon-Sun)" and len(y) == 10 * 10


def test_closed_days_are_no_gaps_and_business_hours_stay_bh() -> None:
    y = _series(_readings(8, 18, (0, 1, 2, 3, 4, 5)))  # Monday to Saturday
    assert freq_of(y) == "cbh(08:00-18:00 Mon-Sat)"
    assert seasonal_periods(y.index) == (10, 60)
    assert "closed hours and days" in " ".join(y.attrs["notes"])
    office = _series(_readings(9, 17, (0, 1, 2, 3, 4)))
    assert freq_of(office) == "bh"
    assert seasonal_periods(office.index) == (8, 40)


def test_shorter_hours_on_saturdays_are_said_to_recur() -> None:
    week = _readings(9, 18, (0, 1, 2, 3, 4), drop=0.0)
    saturday = _readings(10, 16, (5,), drop=0.0)
    y = _series(pd.concat([week, saturday]).sort_values("time"))
    assert freq_of(y) == "cbh(09:00-18:00 Mon-Sat)"
    filled = [n for n in y.attrs["notes"] if n.startswith("filled")]
    assert "they recur nearly every week (Sat 09:00, 16:00 and 17:00)" in (filled[0])
    # missed hours here and there do not recur
    shop = _series(_readings(10, 20, EVERY_DAY))
    filled = [n for n in shop.attrs["notes"] if n.startswith("filled")]
    assert filled and "recur" not in filled[0]


def test_evening_hours_to_midnight() -> None:
    y = _series(_readings(16, 24, (1, 2, 3, 4, 5, 6)))
    assert freq_of(y) == "cbh(16:00-24:00 Tue-Sun)"
    assert seasonal_periods(y.index) == (8, 48)
    assert future_index(y.index, 9)[-1].day_of_week == 2  # Monday is closed


def test_a_bar_open_past_midnight_reads_in_its_hours(tmp_path) -> None:
    # 18:00 to 02:00, closed on Mondays: Monday's first hours are Sunday night's
    y = _series(_readings(18, 26, (1, 2, 3, 4, 5, 6)))
    assert freq_of(y) == "cbh(18:00-02:00 Tue-Sun)"
    assert seasonal_periods(y.index) == (8, 48)
    assert "(18:00-02:00, Tue-Sun, each hour" in " ".join(y.attrs["notes"])
    assert y.index[-1].strftime("%a %H:%M") == "Mon 01:00"
    future = future_index(y.index, 9)
    assert list(future.strftime("%a %H:%M")) == [
        *(f"Tue {h:02d}:00" for h in range(18, 24)),
        "Wed 00:00",
        "Wed 01:00",
        "Wed 18:00",
    ]
    # the closed hours are left out of the charts, not the closed Monday (its
    # first hours are Sunday's night)
    fig = closed_times(go.Figure(), freq_of(y))
    breaks = [b.to_plotly_json() for b in fig.layout.xaxis.rangebreaks]
    assert breaks == [{"bounds": [2, 18], "pattern": "hour"}]
    model = ConvLSTMForecaster(
        horizon=8, epochs=1, hidden_size=4, init="scratch", seed=0
    ).fit(y)
    model.save(tmp_path / "bar.convlstm")
    assert load_model(tmp_path / "bar.convlstm").predict().index.equals(future[:8])
    # every day, hours from half past, lunch and a late dinner
    every = pd.date_range("2024-01-01", periods=30)
    late = _series(_at(every, [m + 30 for m in range(1320, 1800, 60)]))
    assert freq_of(late) == "cbh(22:30-06:30 Mon-Sun)"
    assert "the closed hours are not gaps" in " ".join(late.attrs["notes"])
    meals = [h * 60 for h in (11, 12, 13, 18, 19, 20, 21, 22, 23, 24)]
    dinner = _series(_at(every, [m % 1440 for m in meals]))
    assert freq_of(dinner) == "cbh(11:00-14:00 18:00-01:00 Mon-Sun)"
    # around the clock but an hour before midnight: hourly, that hour filled
    assert freq_of(_series(_at(every, [h * 60 for h in range(24) if h != 23]))) == "h"
    # an event log at night sums into the bar's hours
    times = pd.date_range("2024-01-02 18:10", periods=300, freq="23min")
    notes: list[str] = []
    out = combine_rows(
        pd.Series(1.0, index=times), notes, agg="count", step="cbh(18:00-02:00 Tue-Sun)"
    )
    assert OpeningHours.parse("cbh(18:00-02:00 Tue-Sun)").contains(out.index).all()
    inside = OpeningHours.hours(18, 26, (1, 2, 3, 4, 5, 6)).contains(times)
    assert out.sum() == inside.sum()
    assert "outside the opening hours (18:00-02:00, Tue-Sun" in " ".join(notes)


def test_quarter_hours_past_midnight_are_offered_the_nights_hours() -> None:
    # a bar's till every 15 minutes from 18:00 to 01:45, closed on Mondays
    # (Monday's first hours are Sunday's night)
    days = [d for d in pd.date_range("2024-01-02", periods=41) if d.day_of_week]
    frame = _at(pd.DatetimeIndex(days), list(range(18 * 60, 26 * 60, 15)))
    with pytest.raises(DataError, match="between 18:00 and 01:45 on Tue") as caught:
        _series(frame)
    step = caught.value.suggested_step
    assert step == "cbh(18:00-02:00 Tue-Sun)"
    y = to_series(read_csv(io.StringIO(frame.to_csv(index=False))), step=step)
    assert freq_of(y) == step and len(y) == len(days) * 8
    # a reading in one night hour of each: the hours would be mostly empty,
    # and calendar days would cut each night in two: nothing is offered
    hours = np.random.default_rng(0).integers(18, 26, len(days))
    sparse = pd.concat(
        _at(pd.DatetimeIndex([d]), [h * 60 + m for m in range(0, 60, 15)], drop=0)
        for d, h in zip(days, hours, strict=True)
    )
    with pytest.raises(DataError, match="most of the hours would hold no") as caught:
        _series(sparse)
    assert getattr(caught.value, "suggested_step", None) is None


def test_offered_hours_are_judged_on_the_times_as_read() -> None:
    # half hours at :15 and :45 from Monday and Friday nights' 22:15 to 04:45,
    # then at :00 and :30 from 05:30 to 09:00 and 14:00 to 15:30: the reader
    # moves them onto one half-hour grid before it refuses the grid as gaps,
    # but a read in the offered hours takes the times as written, so the
    # hours are judged on those (they read)
    minutes = [*range(1335, 1755, 30), *range(1770, 2010, 30), *range(2280, 2385, 30)]
    days = pd.date_range("2024-03-01", periods=28)
    frame = _at(days[days.day_of_week.isin([0, 4])], minutes, drop=0)
    with pytest.raises(
        DataError, match="opening hours are read as a session"
    ) as caught:
        _series(frame)
    step = caught.value.suggested_step
    y = to_series(read_csv(io.StringIO(frame.to_csv(index=False))), step=step)
    assert freq_of(y) == step


def test_hourly_bars_from_half_past_read_in_their_hours() -> None:
    # a stock exchange's hourly bars: 09:30 to 15:30 on weekdays
    y = _series(_readings(9, 16, (0, 1, 2, 3, 4), minute=30))
    assert freq_of(y) == "cbh(09:30-16:30 Mon-Fri)"
    assert len(y) == 8 * 5 * 7 and set(y.index.minute) == {30}
    assert seasonal_periods(y.index) == (7, 35)
    assert "opening hours (09:30-16:30 on weekdays" in " ".join(y.attrs["notes"])
    future = future_index(y.index, 8)
    assert [t.strftime("%a %H:%M") for t in future[[0, 6, 7]]] == [
        "Mon 09:30",
        "Mon 15:30",
        "Tue 09:30",
    ]
    pred = make_model("Seasonal naive", horizon=8).fit(y).predict()
    assert pred.index.equals(future)
    fig = closed_times(go.Figure(), freq_of(y))
    breaks = [b.to_plotly_json() for b in fig.layout.xaxis.rangebreaks]
    assert {"bounds": [16.5, 9.5], "pattern": "hour"} in breaks
    # bars on different minutes are no session
    frame = _readings(9, 16, (0, 1, 2, 3, 4), minute=30)
    frame.loc[::2, "time"] -= pd.Timedelta(minutes=30)
    with pytest.raises(DataError):
        _series(frame)


def test_five_minute_bars_are_offered_the_exchange_hours() -> None:
    frame = _readings(9, 16, (0, 1, 2, 3, 4), weeks=2, drop=0.0, minute=30)
    later = [frame["time"] + pd.Timedelta(minutes=5 * k) for k in range(6)]
    fives = pd.concat([frame.assign(time=t) for t in later]).sort_values("time")
    fives = fives[fives["time"].dt.hour * 60 + fives["time"].dt.minute < 16 * 60]
    with pytest.raises(DataError, match="between 09:30 and 15:55") as caught:
        _series(fives)
    step = caught.value.suggested_step
    assert step == "cbh(09:30-16:30 Mon-Fri)"
    later = [fives["time"] + pd.Timedelta(weeks=k) for k in (0, 2, 4, 6)]
    more = pd.concat([fives.assign(time=t) for t in later])
    y = to_series(read_csv(io.StringIO(more.to_csv(index=False))), step=step)
    assert freq_of(y) == step and len(y) == 8 * 5 * 7
    assert "averaged the 1,680 rows in hourly steps (09:30-16:30" in " ".join(
        y.attrs["notes"]
    )
    # the 15:30 bar holds the half hour to the close
    last = fives[
        fives["time"]
        >= fives["time"].iloc[-1].normalize() + pd.Timedelta(hours=15, minutes=30)
    ]
    assert y.iloc[-1] == pytest.approx(last["sales"].mean())
    # hours from different minutes are held by whole hours
    half_past = OpeningHours.hours(9, 16, (0, 1, 2, 3, 4), 30)
    assert (
        OpeningHours.union([half_past, OpeningHours.hours(10, 16, (0,))]).freq == "bh"
    )
    assert OpeningHours.union([half_past, half_past]) == half_past
    with pytest.raises(ValueError, match="not part of a day"):
        OpeningHours.hours(20, 44, (0,), 30)  # 20:30 to 20:30 the next day


def _at(days: pd.DatetimeIndex, minutes: list[int], drop: int = 5) -> pd.DataFrame:
    """Readings at ``minutes`` after midnight on ``days``, ``drop`` left out."""
    rng = np.random.default_rng(1)
    times = pd.DatetimeIndex(
        [d + pd.Timedelta(minutes=m) for d in days for m in minutes]
    )
    times = times.delete(rng.choice(len(times), drop, replace=False))
    values = 100 + np.cumsum(rng.normal(0, 1, len(times)))
    return pd.DataFrame({"time": times, "close": values})


def test_a_day_with_a_lunch_break_reads_in_its_two_spans(tmp_path) -> None:
    # the Shanghai exchange's hourly bars: 09:30, 10:30, 13:00, 14:00
    days = pd.bdate_range("2024-01-01", periods=40)
    y = _series(_at(days, [570, 630, 780, 840]))
    assert freq_of(y) == "cbh(09:30-11:30 13:00-15:00 Mon-Fri)"
    assert len(y) == 40 * 4 and seasonal_periods(y.index) == (4, 20)
    notes = " ".join(y.attrs["notes"])
    assert "(09:30-11:30 and 13:00-15:00 on weekdays, each hour" in notes
    assert frequency_words(freq_of(y)) == (
        "hourly, 09:30-11:30 and 13:00-15:00 on weekdays"
    )
    future = future_index(y.index, 5)
    assert list(future.strftime("%a %H:%M")) == [
        "Mon 09:30",
        "Mon 10:30",
        "Mon 13:00",
        "Mon 14:00",
        "Tue 09:30",
    ]
    fig = closed_times(go.Figure(), freq_of(y))
    breaks = [b.to_plotly_json() for b in fig.layout.xaxis.rangebreaks]
    assert {"bounds": [11.5, 13], "pattern": "hour"} in breaks
    assert {"bounds": [15, 9.5], "pattern": "hour"} in breaks
    model = ConvLSTMForecaster(
        horizon=4, epochs=1, hidden_size=4, init="scratch", seed=0
    ).fit(y)
    model.save(tmp_path / "bars.convlstm")
    again = load_model(tmp_path / "bars.convlstm").predict()
    assert again.index.equals(future[:4])
    # a restaurant's lunch and dinner, every day
    every = pd.date_range("2024-01-01", periods=30)
    meals = [h * 60 for h in (11, 12, 13, 17, 18, 19, 20, 21)]
    dinner = _series(_at(every, meals))
    assert freq_of(dinner) == "cbh(11:00-14:00 17:00-22:00 Mon-Sun)"
    assert "the breaks and nights are not gaps" in " ".join(dinner.attrs["notes"])
    # around the clock but for one hour of the day: hourly, the hour filled
    assert freq_of(_series(_at(every, [h * 60 for h in range(24) if h != 3]))) == "h"


def test_five_minute_bars_around_a_lunch_break_are_offered_both_spans() -> None:
    days = pd.bdate_range("2024-01-01", periods=10)
    minutes = [*range(570, 690, 5), *range(780, 900, 5)]
    frame = _at(days, minutes)
    with pytest.raises(DataError, match="between 09:30 and 14:55") as caught:
        _series(frame)
    step = caught.value.suggested_step
    assert step == "cbh(09:30-11:30 13:00-15:00 Mon-Fri)"
    y = to_series(read_csv(io.StringIO(frame.to_csv(index=False))), step=step)
    assert freq_of(y) == step and len(y) == 10 * 4
    first_lunch = frame["time"].between("2024-01-01 13:00", "2024-01-01 13:55")
    assert y.iloc[2] == pytest.approx(frame.loc[first_lunch, "close"].mean())


def test_too_few_readings_in_the_hours_are_not_read_as_them() -> None:
    # half the opening hours missing: not a session with a few holes
    frame = _readings(10, 20, EVERY_DAY, drop=0.5)
    with pytest.raises(DataError, match="irregular"):
        _series(frame)


def test_half_hours_in_opening_hours_are_offered_hourly_steps_in_them() -> None:
    # a call centre's half hours from 08:00 to 17:30 on weekdays: no session of
    # half hours, but the hours 08:00-18:00 hold them, summed or averaged
    frame = _readings(8, 18, (0, 1, 2, 3, 4), drop=0.0)
    halves = frame.assign(time=frame["time"] + pd.Timedelta(minutes=30))
    both = pd.concat([frame, halves]).sort_values("time")
    with pytest.raises(DataError, match="only when the readings are hourly") as caught:
        _series(both)
    assert "hourly steps (08:00-18:00 on weekdays), each hour's readings" in str(
        caught.value
    )
    step = caught.value.suggested_step
    assert step == "cbh(08:00-18:00 Mon-Fri)"
    text = both.to_csv(index=False)
    y = to_series(read_csv(io.StringIO(text)), step=step, agg="sum")
    assert freq_of(y) == step and len(y) == len(frame)
    assert not any("read the readings as opening hours" in n for n in y.attrs["notes"])


@pytest.mark.parametrize(
    ("days", "step", "words"),
    [("B", "B", "business-day steps"), ("D", "D", "daily steps")],
)
def test_readings_in_one_hour_a_day_are_offered_days_not_empty_hours(
    days: str, step: str, words: str
) -> None:
    # ten-minute readings in one hour of each day, a different hour each day:
    # hours 09:00-17:00 would be seven parts in eight empty (refused again), so
    # the days that hold them are offered, and they read
    rng = np.random.default_rng(1)
    dates = pd.date_range("2024-03-04", periods=60, freq=days)
    hours = rng.integers(9, 17, len(dates))
    times = [
        day + pd.Timedelta(minutes=60 * int(hour) + m)
        for day, hour in zip(dates, hours, strict=True)
        for m in range(0, 60, 10)
    ]
    frame = pd.DataFrame({"time": times, "calls": rng.poisson(20, len(times))})
    with pytest.raises(DataError, match="only when the readings are hourly") as caught:
        _series(frame)
    assert f"read these in {words}, since most of the hours would hold no" in str(
        caught.value
    )
    assert caught.value.suggested_step == step
    text = frame.to_csv(index=False)
    y = to_series(read_csv(io.StringIO(text)), step=step)
    assert len(y) == 60 and y.notna().all()


def test_a_model_forecasts_and_reloads_in_the_hours(tmp_path) -> None:
    y = _series(_readings(10, 20, EVERY_DAY, weeks=4))
    model = ConvLSTMForecaster(
        horizon=10, epochs=2, hidden_size=4, init="scratch", seed=0
    ).fit(y)
    pred = model.predict()
    assert list(pred.index.hour) == list(range(10, 20))
    path = tmp_path / "shop.convlstm"
    model.save(path)
    again = load_model(path).predict()
    pd.testing.assert_series_equal(again, pred)
    assert again.index.freq == pred.index.freq
    naive = make_model("Seasonal naive", horizon=10).fit(y)
    assert naive.predict().index.equals(pred.index)


def test_an_event_log_sums_into_opening_hours() -> None:
    times = pd.date_range("2024-01-01 09:30", periods=400, freq="37min")
    y = pd.Series(1.0, index=times)
    notes: list[str] = []
    out = combine_rows(y, notes, agg="sum", step="cbh(10:00-20:00 Mon-Sat)")
    assert freq_of(out) == "cbh(10:00-20:00 Mon-Sat)"
    assert OpeningHours.hours(10, 20, (0, 1, 2, 3, 4, 5)).contains(out.index).all()
    assert "outside the opening hours (10:00-20:00, Mon-Sat" in " ".join(notes)
    assert check_step("cbh(9:00-17:00 mon-fri)") == "bh"  # one spelling of each
    assert check_step("cbh(10:00-20:00 Mon Tue Wed Thu Fri Sat)") == (
        "cbh(10:00-20:00 Mon-Sat)"
    )
    assert step_words("cbh(10:00-20:00 Mon-Sat)") == (
        "hourly steps (10:00-20:00, Mon-Sat)"
    )


def test_the_plot_leaves_out_closed_hours_and_days() -> None:
    assert closed_day_runs((1, 2, 3, 4, 5)) == [(6, 0)]  # closed Sunday, Monday
    fig = closed_times(go.Figure(), "cbh(10:00-20:00 Tue-Sat)")
    breaks = [b.to_plotly_json() for b in fig.layout.xaxis.rangebreaks]
    assert {"bounds": [0, 2], "pattern": "day of week"} in breaks  # Sun to Tue
    assert {"bounds": [20, 10], "pattern": "hour"} in breaks


def test_shops_with_different_hours_are_offered_hours_that_hold_them_all() -> None:
    from convlstm.data import to_panel

    shops = [
        _readings(10, 20, EVERY_DAY, weeks=3).assign(shop="a"),
        _readings(9, 21, EVERY_DAY, weeks=3).assign(shop="b"),
        _readings(10, 20, (0, 1, 2, 3, 4, 5), weeks=3).assign(shop="c"),
    ]
    text = pd.concat(shops).to_csv(index=False)
    with pytest.raises(DataError, match="do not share one frequency") as caught:
        to_panel(read_csv(io.StringIO(text)))
    message = str(caught.value)
    assert "'c' (hourly, 10:00-20:00, Mon-Sat)" in message
    assert "such as hourly steps (09:00-21:00 every day)" in message
    step = caught.value.suggested_step
    assert step == "cbh(09:00-21:00 Mon-Sun)"
    panel = to_panel(read_csv(io.StringIO(text)), step=step, agg="sum")
    assert panel.attrs["freq"] == step
    assert (
        OpeningHours.union(
            [OpeningHours.hours(0, 12, (0,)), OpeningHours.hours(12, 24, (1,))]
        )
        is None
    )


@pytest.mark.parametrize("first", ["2024-01-01", "2024-03-01"])  # winter; over DST
def test_times_with_utc_offsets_keep_the_opening_hours_of_the_local_clock(first):
    frame = _readings(10, 20, EVERY_DAY, weeks=8)
    frame["time"] += pd.Timestamp(first) - pd.Timestamp("2024-01-01")
    zoned = frame.assign(
        time=frame["time"].dt.tz_localize("Europe/Berlin").map(lambda t: t.isoformat())
    )
    assert zoned["time"].iloc[0].endswith("+01:00")
    y = _series(zoned)
    # in UTC the shop would open at 09:00 in winter and 08:00 in summer
    assert freq_of(y) == "cbh(10:00-20:00 Mon-Sun)" and len(y) == 8 * 7 * 10
    notes = " ".join(y.attrs["notes"])
    assert "kept their local clock times: the readings keep opening hours" in notes


def test_a_shop_closed_on_sundays_reads_in_its_opening_days() -> None:
    dates = pd.date_range("2023-01-02", periods=400, freq="D")
    dates = dates[(dates.day_of_week != 6) & (dates != "2023-05-01")]  # a holiday
    sales = 100 + 30 * (dates.day_of_week == 5) + np.arange(len(dates)) % 3
    text = pd.DataFrame({"date": dates.strftime("%Y-%m-%d"), "sales": sales})
    y = _series(text)
    assert freq_of(y) == "cbd(Mon-Sat)" and len(y) == len(dates) + 1  # the holiday
    assert seasonal_periods(y.index) == (6,)
    assert "opening days (Mon-Sat): the closed days (Sun) are not gaps" in " ".join(
        y.attrs["notes"]
    )
    head = y.index[:-1]  # to a Saturday: the next opening day is a Monday
    assert head[-1].day_of_week == 5 and future_index(head, 2)[0].day_of_week == 0
    assert frequency_words(freq_of(y)) == "daily, Mon-Sat"
    fig = closed_times(go.Figure(), freq_of(y))
    breaks = [b.to_plotly_json() for b in fig.layout.xaxis.rangebreaks]
    assert breaks == [{"bounds": [0, 1], "pattern": "day of week"}]  # Sunday
    # weekdays with one odd Saturday are no six-day week (the Saturday is odd)
    odd = pd.bdate_range("2021-01-04", "2021-12-31").append(
        pd.DatetimeIndex(["2021-05-15"])
    )
    frame = pd.DataFrame({"date": odd.sort_values().strftime("%Y-%m-%d"), "v": 1.0})
    assert freq_of(_series(frame)) != "cbd(Mon-Sat)"


def test_a_cafe_and_bars_in_one_file_are_offered_the_hours_or_days_they_share() -> None:
    from convlstm.data import to_panel

    def place(name: str, start: int, end: int, days: tuple[int, ...]) -> pd.DataFrame:
        return _readings(start, end, days, weeks=4).assign(place=name)

    def offer(*places: pd.DataFrame) -> tuple[str, str]:
        text = pd.concat(places).to_csv(index=False)
        with pytest.raises(DataError, match="do not share one frequency") as caught:
            to_panel(read_csv(io.StringIO(text)))
        return str(caught.value), caught.value.suggested_step

    tue_sun = (1, 2, 3, 4, 5, 6)
    north, south = place("north", 18, 26, tue_sun), place("south", 17, 25, tue_sun)
    # two bars: the hours that hold both nights
    message, step = offer(north, south)
    assert step == "cbh(17:00-02:00 Tue-Sun)"
    text = pd.concat([north, south]).to_csv(index=False)
    panel = to_panel(read_csv(io.StringIO(text)), step=step)
    # 24 nights of 9 steps, less north's first (17:00) and south's last (01:00)
    assert panel.groupby("series").size().tolist() == [24 * 9 - 1] * 2
    # a café 10:00 to 20:00 beside them: hours from 10:00 to 02:00 would leave
    # each mostly empty, so the days are offered, and they read
    message, step = offer(north, south, place("cafe", 10, 20, (0, 1, 2, 3, 4, 5)))
    assert step == "D" and "such as daily steps" in message
    text = pd.concat([north, south, place("cafe", 10, 20, (0, 1, 2, 3, 4, 5))])
    panel = to_panel(read_csv(io.StringIO(text.to_csv(index=False))), step=step)
    assert panel["series"].nunique() == 3


def test_event_logs_of_shops_sum_into_opening_hours_as_a_panel() -> None:
    from convlstm.data import to_panel

    # sales at their seconds, 10:00 to 20:00, in two shops; one shop's log
    # stops a day early (the partial first and last hours and the shop's
    # missing day are judged on the steps of the hours)
    rng = np.random.default_rng(0)
    frames = []
    for shop, days in (("a", 12), ("b", 11)):
        seconds = rng.uniform(10 * 3600, 20 * 3600, (days, 30))
        dates = pd.date_range("2024-01-01", periods=days)
        times = sorted(
            day + pd.Timedelta(seconds=int(x))
            for day, row in zip(dates, seconds, strict=True)
            for x in row
        )
        frames.append(pd.DataFrame({"shop": shop, "time": times, "amount": 2.0}))
    text = pd.concat(frames).to_csv(index=False)
    step = "cbh(10:00-20:00 Mon-Sun)"
    with pytest.raises(DataError, match="series 'a': .*an event log") as caught:
        to_panel(read_csv(io.StringIO(text)))  # offered as one series' log is
    assert caught.value.suggested_step == step
    assert caught.value.suggested_agg == "sum"
    panel = to_panel(read_csv(io.StringIO(text)), step=step, agg="sum")
    assert panel.attrs["freq"] == step
    b = panel[panel["series"] == "b"]
    assert (b["time"].dt.date.astype(str) == "2024-01-12").sum() > 0  # carried on
    assert (b[b["time"] >= "2024-01-12"]["value"] == 0).all()
    assert "carried 1 series on with 0" in " ".join(panel.attrs["notes"])
    # and in opening days (2024-01-01 is a Monday, the day closed)
    days = to_panel(read_csv(io.StringIO(text)), step="cbd(Tue-Sun)", agg="sum")
    assert days.attrs["freq"] == "cbd(Tue-Sun)"
    assert not (days["time"].dt.day_of_week == 0).any()


def test_an_event_log_sums_into_opening_days_and_shops_of_different_days() -> None:
    from convlstm.data import to_panel

    times = pd.date_range("2024-01-01 09:30", periods=300, freq="7h")
    y = pd.Series(1.0, index=times)
    notes: list[str] = []
    out = combine_rows(y, notes, agg="sum", step="cbd(Tue-Sun)")
    assert freq_of(out) == "cbd(Tue-Sun)" and not (out.index.day_of_week == 0).any()
    assert "outside the opening days (Tue-Sun" in " ".join(notes)
    assert step_words("cbd(Tue-Sun)") == "daily steps (Tue-Sun)"
    days = pd.date_range("2023-01-02", periods=200, freq="D")
    shops = [
        pd.DataFrame({"shop": "a", "date": days[days.day_of_week != 6]}),
        pd.DataFrame({"shop": "b", "date": days[days.day_of_week != 0]}),
    ]
    frame = pd.concat(shops).assign(v=1.0)
    with pytest.raises(DataError, match="such as daily steps") as caught:
        to_panel(read_csv(io.StringIO(frame.to_csv(index=False))))
    assert caught.value.suggested_step == "D"


def test_an_event_log_in_opening_hours_is_offered_them() -> None:
    rng = np.random.default_rng(0)
    days = pd.date_range("2024-01-01", periods=30)

    def log(per_day: int) -> str:
        seconds = rng.uniform(10 * 3600, 20 * 3600, (len(days), per_day))
        times = sorted(
            d + pd.Timedelta(seconds=int(s))
            for d, row in zip(days, seconds, strict=True)
            for s in row
        )
        return pd.DataFrame({"time": times, "amount": 1.0}).to_csv(index=False)

    text = log(40)
    with pytest.raises(DataError, match="irregular .an event log.. and fall") as caught:
        _series(pd.read_csv(io.StringIO(text)))
    assert "hourly steps (10:00-20:00 every day) or daily steps" in str(caught.value)
    step = caught.value.suggested_step
    assert step == "cbh(10:00-20:00 Mon-Sun)"
    assert caught.value.suggested_agg == "sum"  # what the app's button reads
    y = to_series(read_csv(io.StringIO(text)), step=step, agg="count")
    assert len(y) == 30 * 10 and y.sum() == 30 * 40
    # a few sales a day: hourly steps would be mostly empty, none offered
    with pytest.raises(DataError, match="the time steps are irregular") as caught:
        _series(pd.read_csv(io.StringIO(log(5))))
    assert getattr(caught.value, "suggested_step", None) is None


def test_an_event_log_summed_in_plain_hours_is_told_its_closed_hours_are_0() -> None:
    rng = np.random.default_rng(1)
    days = pd.date_range("2024-01-01", periods=35)
    days = days[days.day_of_week < 6]  # closed on Sundays
    seconds = rng.uniform(9 * 3600, 18 * 3600, (len(days), 50))
    times = sorted(
        d + pd.Timedelta(seconds=int(s))
        for d, row in zip(days, seconds, strict=True)
        for s in row
    )
    y = pd.Series(1.0, index=pd.DatetimeIndex(times))
    for step in ("hourly", "15min"):
        notes: list[str] = []
        out = combine_rows(y, notes, agg="count", step=step)
        night = out[out.index.hour < 9]  # the closed hours are steps, 0 each
        assert len(night) and (night == 0).all()
        said = " ".join(notes)
        assert "the rows fall only between 09:0" in said and "17:59 on Mon, Tue" in said
        assert "closed hours are among the empty steps" in said
        assert "hourly steps (09:00-18:00, Mon-Sat)" in said
    # in days, the closed Sundays are named, with the days that leave them out
    notes = []
    combine_rows(y, notes, agg="sum", step="daily")
    said = " ".join(notes)
    assert "the rows fall only on Mon-Sat, so the closed days (Sun) are" in said
    assert "read the rows in daily steps (Mon-Sat) (step=..., --step, or" in said
    # the reader hands that step on, for the Data page's button
    text = pd.DataFrame({"time": times, "amount": 1.0}).to_csv(index=False)
    read = to_series(read_csv(io.StringIO(text)), step="daily", agg="sum")
    assert read.attrs["closed_step"] == "cbd(Mon-Sat)"
    again = to_series(read_csv(io.StringIO(text)), step="cbd(Mon-Sat)", agg="sum")
    assert "closed_step" not in again.attrs and len(again) == 30
    # the steps it names leave them out: nothing said; nor over under four weeks
    for step in ("cbh(09:00-18:00 Mon-Sat)", "cbd(Mon-Sat)"):
        notes = []
        combine_rows(y, notes, agg="sum", step=step)
        assert "closed" not in " ".join(notes)
    notes = []
    combine_rows(y[y.index < "2024-01-27"], notes, agg="sum", step="daily")
    assert "closed" not in " ".join(notes)
    # a few sales a day, none on some weekday by chance: not read as closed
    sparse = y.iloc[::40]
    assert sparse.index.normalize().nunique() > len(sparse) / 2
    notes = []
    combine_rows(sparse, notes, agg="sum", step="daily")
    assert "closed" not in " ".join(notes)


def _sales(opens: int, closes: int, weekdays: range, seed: int) -> list[pd.Timestamp]:
    """A shop's sale times over five weeks: 30 a day between ``opens`` and
    ``closes`` o'clock on ``weekdays``."""
    days = pd.date_range("2024-01-01", periods=35)
    days = days[np.isin(days.day_of_week, list(weekdays))]
    seconds = np.random.default_rng(seed).uniform(
        opens * 3600, closes * 3600, (len(days), 30)
    )
    return sorted(
        d + pd.Timedelta(seconds=int(s))
        for d, row in zip(days, seconds, strict=True)
        for s in row
    )


def test_a_file_of_event_logs_summed_in_plain_steps_is_told_their_closed_times() -> (
    None
):
    # two shops: 09:00-18:00 Mon-Sat and 12:00-21:00 Tue-Sat; the hours any of
    # them is open are the ones the note names, and the step it hands on
    log = pd.concat(
        [
            pd.DataFrame({"shop": "a", "time": _sales(9, 18, range(6), 1)}),
            pd.DataFrame({"shop": "b", "time": _sales(12, 21, range(1, 6), 2)}),
        ]
    ).assign(amount=1.0)
    hourly = to_panel(log, step="hourly", agg="sum")
    said = " ".join(hourly.attrs["notes"])
    assert "the rows of the 2 series fall only between 09:0" in said
    assert "and 20:59 on Mon, Tue, Wed, Thu, Fri, Sat, so the closed hours" in said
    assert "the closed hours are among the empty steps" in said
    assert hourly.attrs["closed_step"] == "cbh(09:00-21:00 Mon-Sat)"
    daily = to_panel(log, step="daily", agg="count")
    assert "the closed days (Sun) are among" in " ".join(daily.attrs["notes"])
    assert daily.attrs["closed_step"] == "cbd(Mon-Sat)"
    # read in that step, nothing more is said; nor of a mean, nor where one
    # shop opens on Sundays too
    again = to_panel(log, step="cbd(Mon-Sat)", agg="sum")
    assert "closed_step" not in again.attrs
    assert "closed" not in " ".join(again.attrs["notes"])
    assert set(pd.DatetimeIndex(again["time"]).day_of_week) == set(range(6))
    mean = to_panel(log, step="daily", agg="mean")
    assert "closed_step" not in mean.attrs
    every_day = pd.concat(
        [log, pd.DataFrame({"shop": "c", "time": _sales(9, 18, range(7), 3)})]
    ).assign(amount=1.0)
    assert "closed_step" not in to_panel(every_day, step="daily", agg="sum").attrs
    clock = pd.Series(
        1.0, index=pd.date_range("2024-01-01", periods=2000, freq="17min")
    )
    notes = []
    combine_rows(clock.iloc[::2], notes, agg="sum", step="hourly")
    assert "closed hours" not in " ".join(notes)
