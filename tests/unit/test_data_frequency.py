"""convlstm.data.frequency: seasonal cycles and future timestamps."""

from __future__ import annotations

import io

import pandas as pd
import pytest

from convlstm import to_series
from convlstm.data import (
    future_index,
    read_csv,
    season_length,
    seasonal_periods,
)
from convlstm.data.frequency import _semi_monthly
from convlstm.data.steps import frequency_words


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
