"""Naive and seasonal naive forecasts."""

import numpy as np
import pandas as pd
import pytest

from convlstm.errors import DataError, ParameterError
from convlstm.models.baselines import NaiveForecaster, SeasonalNaiveForecaster


def monthly(n=30):
    idx = pd.date_range("2000-01-01", periods=n, freq="MS")
    return pd.Series(np.arange(n, dtype=float), index=idx, name="v")


def test_naive_repeats_last_value():
    f = NaiveForecaster(horizon=3).fit(monthly()).predict()
    assert f.tolist() == [29.0, 29.0, 29.0]
    assert f.name == "Naive"
    assert f.index[0] == pd.Timestamp("2002-07-01")


def test_seasonal_naive_uses_natural_season():
    y = monthly()
    m = SeasonalNaiveForecaster(horizon=14).fit(y)
    assert m.season_length_ == 12
    f = m.predict()
    assert f.tolist() == list(np.arange(18.0, 30.0)) + [18.0, 19.0]
    assert f.name == "Seasonal naive"


def test_seasonal_naive_explicit_season():
    f = SeasonalNaiveForecaster(horizon=3, season_length=2).fit(monthly()).predict()
    assert f.tolist() == [28.0, 29.0, 28.0]


def test_seasonal_naive_too_short():
    with pytest.raises(DataError, match="at least 12"):
        SeasonalNaiveForecaster().fit(monthly(5))


@pytest.mark.parametrize("bad", [0, -1, 2.5, True])
def test_bad_horizon(bad):
    with pytest.raises(ParameterError, match="horizon"):
        NaiveForecaster(horizon=bad).fit(monthly())


def half_hourly(days, weekly_amplitude, seed=0):
    """A daily cycle plus a weekday/weekend difference of ``weekly_amplitude``."""
    t = np.arange(days * 48)
    weekend = (t // 48) % 7 >= 5
    values = 100 + 10 * np.sin(2 * np.pi * t / 48) + weekly_amplitude * weekend
    values += np.random.default_rng(seed).normal(0, 0.1, len(t))
    idx = pd.date_range("2020-01-06", periods=len(t), freq="30min")
    return pd.Series(values, index=idx)


def test_seasonal_naive_picks_the_weekly_season_when_it_validates_better():
    model = SeasonalNaiveForecaster(horizon=48).fit(half_hourly(21, 30.0))
    assert model.season_length_ == 336


def test_seasonal_naive_keeps_the_daily_season_without_a_weekly_pattern():
    model = SeasonalNaiveForecaster(horizon=48).fit(half_hourly(21, 0.0))
    assert model.season_length_ == 48


def test_seasonal_naive_falls_back_to_a_season_that_fits_short_data():
    model = SeasonalNaiveForecaster(horizon=48).fit(half_hourly(3, 30.0))
    assert model.season_length_ == 48


def test_seasonal_naive_explicit_season_is_kept_on_multi_season_data():
    model = SeasonalNaiveForecaster(horizon=48, season_length=48)
    assert model.fit(half_hourly(21, 30.0)).season_length_ == 48
    assert model.get_params()["season_length"] == 48


def test_seasonal_naive_on_electricity_picks_the_week():
    from convlstm import datasets

    y = datasets.load("electricity")
    horizon = datasets.info("electricity").horizon
    model = SeasonalNaiveForecaster(horizon=horizon).fit(y.iloc[:-horizon])
    assert model.season_length_ == 336
