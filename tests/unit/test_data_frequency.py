"""convlstm.data.frequency: seasonal cycles and future timestamps."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest

from convlstm import to_series
from convlstm.data import (
    freq_of,
    future_index,
    read_csv,
    season_length,
    seasonal_periods,
)
from convlstm.data.frequency import _semi_monthly
from convlstm.data.series import filled_mask
from convlstm.data.steps import frequency_words
from convlstm.errors import DataError


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
        # every 2 or 4 weeks: a year of 26 or 13 steps (364 days), as weekly's 52
        ("14D", 26, (26,)),
        ("28D", 13, (13,)),
        ("2W-SUN", 26, (26,)),
        ("SMS", 24, (24,)),
        ("SME", 24, (24,)),
        # business hours (09:00-17:00 on weekdays): a day of 8 hours, a week of 40
        ("bh", 8, (8, 40)),
        ("2bh", 4, (4, 20)),
    ],
)
def test_seasons(freq, season, periods):
    assert season_length(freq) == season
    assert seasonal_periods(freq) == periods
    idx = pd.date_range("2020-01-06", periods=30, freq=freq)
    assert season_length(idx) == season


def test_seasons_of_other_opening_hours():
    # two sessions a day (08-12 and 13-18) on six days; a night shift past midnight
    six = pd.offsets.CustomBusinessHour(
        start=["08:00", "13:00"],
        end=["12:00", "18:00"],
        weekmask="Mon Tue Wed Thu Fri Sat",
    )
    assert seasonal_periods(six) == (9, 54)
    assert seasonal_periods(pd.offsets.BusinessHour(start="22:00", end="06:00")) == (
        8,
        40,
    )
    # half hours are not whole steps of the hourly offset: no cycle claimed
    assert seasonal_periods(pd.offsets.BusinessHour(start="09:30", end="16:00")) == ()


def _business_hours_csv(drop: list[str]) -> str:
    rows = [
        f"{t:%Y-%m-%d %H:%M},{100 + 10 * (t.hour - 9) * (16 - t.hour) / 16 + i % 3}\n"
        for i, t in enumerate(pd.date_range("2026-09-01 09:00", periods=240, freq="bh"))
        if not any(f"{t:%Y-%m-%d %H:%M}".startswith(d) for d in drop)
    ]
    return "time,calls\n" + "".join(rows)


def test_business_hours_read_as_a_day_of_8_hours_with_holidays_as_gaps():
    # calls per hour of an office open 09:00-17:00 on weekdays, a holiday and one
    # hour missing: pandas finds "bh" only without gaps; the reader before read
    # these as hourly and refused 75% of the grid as gaps
    for drop, filled in (([], 0), (["2026-09-07", "2026-09-10 13"], 9)):
        y = to_series(read_csv(io.StringIO(_business_hours_csv(drop))))
        notes = y.attrs["notes"]
        assert y.index.freqstr == "bh" and len(y) == 240
        assert season_length(y.index) == 8
        assert any("opening hours (09:00-17:00 on weekdays" in n for n in notes)
        assert int(filled_mask(y).sum()) == filled  # holiday 8 + hour 1
        # the forecast continues at 09:00 on the next working day
        fut = future_index(y.index, 9)
        assert str(y.index[-1]) == "2026-10-12 16:00:00"  # a Monday
        assert [str(t) for t in fut[:2]] == [
            "2026-10-13 09:00:00",
            "2026-10-13 10:00:00",
        ]
        assert str(fut[-1]) == "2026-10-14 09:00:00"
    assert frequency_words("bh") == "business hours (09:00-17:00, Mon-Fri)"
    assert frequency_words("bh", short=True) == "business hours"


def test_other_opening_hours_are_read_and_half_hours_refused_with_their_hours():
    # hourly readings from 08:00 to 17:00 on weekdays are not pandas' business
    # hours, but opening hours all the same (convlstm.data.hours)
    dates = pd.date_range("2026-09-01", "2026-10-30 23:00", freq="h")
    dates = dates[(dates.day_of_week < 5) & (dates.hour >= 8) & (dates.hour <= 17)]
    text = "time,v\n" + "".join(f"{t:%Y-%m-%d %H:%M},{t.hour}\n" for t in dates)
    y = to_series(read_csv(io.StringIO(text)))
    assert freq_of(y) == "cbh(08:00-18:00 Mon-Fri)" and len(y) == len(dates)
    # half-hourly readings in them: no session of half hours; the message says
    # what the readings hold, not only "resample"
    dates = pd.date_range("2026-09-01", "2026-10-30 23:00", freq="30min")
    dates = dates[(dates.day_of_week < 5) & (dates.hour >= 8) & (dates.hour <= 17)]
    text = "time,v\n" + "".join(f"{t:%Y-%m-%d %H:%M},{t.hour}\n" for t in dates)
    with pytest.raises(
        DataError,
        match="only between 08:00 and 17:30 on weekdays: .* in business-day steps",
    ):
        to_series(read_csv(io.StringIO(text)))
    # readings around the clock on weekdays only: the days are named
    dates = pd.date_range("2026-09-01", "2026-10-30 23:00", freq="h")
    dates = dates[dates.day_of_week < 5]
    text = "time,v\n" + "".join(f"{t:%Y-%m-%d %H:%M},{t.hour}\n" for t in dates)
    y = to_series(read_csv(io.StringIO(text)))  # 5/7 of the grid: filled, noted
    assert y.index.freqstr == "h"
    # a monthly grid mostly gaps: the plain message (the check of opening hours
    # once raised a ValueError on a calendar step)
    months = pd.date_range("2000-01-01", periods=12, freq="MS").append(
        pd.date_range("2015-01-01", periods=12, freq="MS")
    )
    text = "date,v\n" + "".join(f"{d:%Y-%m-%d},{i}\n" for i, d in enumerate(months))
    with pytest.raises(DataError, match=r"have data; resample"):
        to_series(read_csv(io.StringIO(text)))


def test_future_index_continues():
    idx = pd.date_range("2020-01-01", periods=12, freq="MS")
    fut = future_index(idx, 3)
    assert list(fut) == list(pd.date_range("2021-01-01", periods=3, freq="MS"))
    assert fut.freqstr == "MS"


@pytest.mark.parametrize(
    ("freq", "words"),
    [
        ("SMS", "twice a month (the 1st and 15th)"),
        ("SME", "twice a month (the 15th and last day)"),
    ],
)
def test_dates_twice_a_month_are_read_as_half_months_with_none_made_up(freq, words):
    # pay periods on the 1st and 15th (or the 15th and the month's end): their
    # steps are 13 to 16 days, which a fixed 14-day grid would fill with points
    # nobody measured, and whose forecast dates would drift off the 1st and 15th
    dates = pd.date_range("2021-01-01", periods=60, freq=freq)
    dates = dates.delete([20, 41])  # a few half-months missing
    text = "date,value\n" + "".join(
        f"{d:%Y-%m-%d},{100 + i % 24}\n" for i, d in enumerate(dates)
    )
    y = to_series(read_csv(io.StringIO(text)))
    assert y.index.freqstr.startswith(freq)
    # the two gaps filled, and no point made up between half-months
    assert list(y.index) == list(pd.date_range("2021-01-01", periods=60, freq=freq))
    assert season_length(y.index) == 24
    assert frequency_words(freq) == words
    fut = future_index(y.index, 3)
    assert list(fut) == list(pd.date_range(dates[-1], periods=4, freq=freq)[1:])


def test_other_dates_near_the_middle_of_months_stay_a_fixed_step():
    # every 14 days is not twice a month, nor are the 1st and 16th of months
    every = pd.date_range("2021-01-01", periods=40, freq="14D")
    y = to_series(
        read_csv(
            io.StringIO("date,value\n" + "".join(f"{d:%Y-%m-%d},1\n" for d in every))
        )
    )
    assert y.index.freqstr == "2W-FRI" and season_length(y.index) == 26
    # the 1st and 16th, or the 20th and the month's end: twice a month too
    for freq, words in (
        ("SMS-16", "twice a month (the 1st and 16th)"),
        ("SME-20", "twice a month (the 20th and last day)"),
    ):
        dates = pd.date_range("2021-01-01", periods=40, freq=freq)
        text = "date,value\n" + "".join(f"{d:%Y-%m-%d},1\n" for d in dates)
        y = to_series(read_csv(io.StringIO(text)))
        assert y.index.freqstr == freq and list(y.index) == list(dates)
        assert frequency_words(freq) == words
    # the 1st and 15th in most months, but the 16th or 20th in others: no pattern
    mixed = pd.DatetimeIndex(
        [d for m in pd.date_range("2021-01-01", periods=20, freq="MS")
         for d in (m, m + pd.Timedelta(days=14 + m.month % 3))]
    )  # fmt: skip
    assert _semi_monthly(mixed) is None


def test_charts_leave_out_the_times_business_data_never_has():
    # drawn to scale, business hours are a comb of narrow days with two thirds of
    # the axis empty; business days leave a gap every weekend
    from convlstm import plots

    y = to_series(read_csv(io.StringIO(_business_hours_csv(["2026-09-07"]))))
    for fig in (plots.series_figure(y), plots.forecast_figure(y, None)):
        breaks = [dict(b.to_plotly_json()) for b in fig.layout.xaxis.rangebreaks]
        assert breaks == [
            {"bounds": [6, 1], "pattern": "day of week"},  # Saturday to Monday
            {"bounds": [17, 9], "pattern": "hour"},
        ]
    days = pd.Series(range(30), index=pd.date_range("2026-09-01", periods=30, freq="B"))
    assert len(plots.series_figure(days).layout.xaxis.rangebreaks) == 1
    months = pd.Series(range(30), index=pd.date_range("2020-01", periods=30, freq="MS"))
    assert not plots.series_figure(months).layout.xaxis.rangebreaks
    panel = pd.DataFrame({"series": "a", "time": y.index, "value": y.to_numpy()})
    panel.attrs["freq"] = "bh"
    assert len(plots.panel_figure(panel).layout.xaxis.rangebreaks) == 2
    # How it works draws the window over the series the same way
    from convlstm import explain
    from convlstm.plots import explain as explain_plots

    subject = explain.subject_from_params(y, hidden_size=4, num_layers=1, horizon=8)
    window = explain_plots.window_figure(y, explain.make_window(subject, end=200))
    assert len(window.layout.xaxis.rangebreaks) == 2


def test_a_step_of_centuries_does_not_overflow():
    # two readings in 2261 and one in 1677 (a date misread from 16770922): the
    # most common step is 584 years, more than nanoseconds hold (found by
    # python -m tests.fuzz --seed 61, through to_panel)
    from convlstm.data.frequency import regular_freq

    index = pd.DatetimeIndex(["1677-09-22", "2261-11-03", "2261-11-10"]).as_unit("s")
    freq, snapped, _ = regular_freq(index, "time")
    assert len(snapped) == 3 and freq.endswith("D")
    with pytest.raises(DataError):
        to_series(
            read_csv(io.StringIO("time,v\n16770922,1\n2261-11-03,2\n2261-11-10,3\n"))
        )


def test_a_loggers_seconds_with_jitter_read_as_seconds():
    # each reading up to 300 ms late: steps from 0.7 to 1.3 s, no common one
    rng = np.random.default_rng(0)
    late = pd.to_timedelta(rng.integers(0, 300, 200), unit="ms")
    times = pd.date_range("2024-01-01", periods=200, freq="s") + late
    text = "t,v\n" + "\n".join(f"{t.isoformat()},{i}" for i, t in enumerate(times))
    y = to_series(read_csv(io.StringIO(text)))
    assert y.index.freqstr == "s" and len(y) == 200
    assert y.index[1] == pd.Timestamp("2024-01-01 00:00:01")  # whole seconds
    assert "typical time step, which varies" in " ".join(y.attrs["notes"])
    # a clock that runs slow keeps its own step
    slow = pd.Timestamp("2024-01-01") + pd.to_timedelta(np.arange(300) * 1.05, "s")
    text = "t,v\n" + "\n".join(f"{t.isoformat()},{i}" for i, t in enumerate(slow))
    assert to_series(read_csv(io.StringIO(text))).index.freqstr == "1050ms"
    # steps that vary by more than a quarter of themselves stay refused
    late = pd.to_timedelta(rng.integers(0, 700, 200), unit="ms")
    times = pd.date_range("2024-01-01", periods=200, freq="s") + late
    text = "t,v\n" + "\n".join(f"{t.isoformat()},{i}" for i, t in enumerate(times))
    with pytest.raises(DataError, match="irregular"):
        to_series(read_csv(io.StringIO(text)))
