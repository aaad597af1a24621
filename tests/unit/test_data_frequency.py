"""convlstm.data.frequency: seasonal cycles and future timestamps."""

from __future__ import annotations

import pandas as pd
import pytest

from convlstm.data import (
    future_index,
    season_length,
    seasonal_periods,
)


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
