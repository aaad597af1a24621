"""Baseline forecasters: naive (last value) and seasonal naive (last season repeated).

Every other model should beat these; they are the honest yardstick of the backtests.
"""

from __future__ import annotations

from typing import Self

import numpy as np
import pandas as pd

from ..data import check_series, future_index, seasonal_periods
from .base import BaseForecaster
from .checks import check_horizon, check_season_length
from .season_choice import choose_season, naive_lags

__all__ = ["NaiveForecaster", "SeasonalNaiveForecaster"]


class NaiveForecaster(BaseForecaster):
    """Repeat the last observed value for every future step.

    Args:
        horizon: number of steps to forecast.
    """

    display_name = "Naive"
    supports_panel = True

    def __init__(self, *, horizon: int = 12) -> None:
        self.horizon = horizon

    def fit(self, y: pd.Series) -> Self:
        """Remember the last value of ``y`` and its timestamps."""
        check_horizon(self.horizon)
        y = check_series(y, min_length=1, what="the naive forecast")
        self.last_value_ = float(y.iloc[-1])
        self.index_ = y.index
        return self

    def predict(self) -> pd.Series:
        """Forecast ``horizon`` steps: the last value repeated."""
        self._check_fitted()
        return self._flat_forecast(self.last_value_)


class SeasonalNaiveForecaster(BaseForecaster):
    """Repeat the last observed season: ``y[T + h] = y[T + h - m * k]``.

    Args:
        horizon: number of steps to forecast.
        season_length: season in steps, 1 makes it the naive forecast. ``None``
            picks among the series' natural seasons
            (:func:`convlstm.data.seasonal_periods`; daily and weekly for sub-daily
            data, a week and a year of 52 weeks for daily data:
            :func:`~convlstm.models.season_choice.naive_lags`) the one whose
            seasonal naive forecasts were best on the end of the training data
            (:func:`~convlstm.models.season_choice.choose_season`).
    """

    display_name = "Seasonal naive"
    supports_panel = True

    def __init__(self, *, horizon: int = 12, season_length: int | None = None) -> None:
        self.horizon = horizon
        self.season_length = season_length

    def fit(self, y: pd.Series) -> Self:
        """Remember the last season of ``y``."""
        horizon = check_horizon(self.horizon)
        if self.season_length is None:
            m = 1
            if isinstance(y, pd.Series):
                y = check_series(y, min_length=1, what="the seasonal naive forecast")
                m = choose_season(
                    y.to_numpy(), naive_lags(seasonal_periods(y.index)), horizon
                )
        else:
            m = check_season_length(self.season_length)
        m = int(m)
        y = check_series(
            y,
            min_length=m,
            what=f"the seasonal naive forecast (season {m})",
            advice="use a series of at least one season, or the naive forecast",
        )
        self.season_length_ = m
        self.last_season_ = y.to_numpy()[-m:].copy()
        self.index_ = y.index
        return self

    def predict(self) -> pd.Series:
        """Forecast ``horizon`` steps by repeating the last season."""
        self._check_fitted()
        horizon = check_horizon(self.horizon)
        reps = int(np.ceil(horizon / self.season_length_))
        values = np.tile(self.last_season_, reps)[:horizon]
        idx = future_index(self.index_, horizon)
        return pd.Series(values, index=idx, name=self.display_name)
