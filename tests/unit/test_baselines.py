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
