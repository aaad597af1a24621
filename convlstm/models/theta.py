"""ThetaForecaster: the Theta method of the M3 competition, with its seasonality test.

Classical multiplicative decomposition when the seasonal autocorrelation is
significant, then simple exponential smoothing plus half the drift of the linear trend.
"""

from __future__ import annotations

import logging
import warnings
from typing import Self

import numpy as np
import pandas as pd
from scipy.optimize import minimize_scalar
from scipy.signal import lfilter

from ..data import check_series, future_index
from ..errors import ParameterError
from .base import BaseForecaster
from .checks import check_horizon, check_season_length
from .decompose import (
    candidate_periods,
    classical_indices,
    extend_seasonal,
    feasible_periods,
    recent,
    seasonal_components,
    seasonality_test,
    seasons_checked,
)
from .rules import STAT_MIN_LENGTH

__all__ = ["ThetaForecaster", "optimised_theta", "seasonality_test", "ses"]

log = logging.getLogger(__name__)

#: Fewest points the Theta method is fitted on (a trend line and a smoothed level).
MIN_LENGTH = STAT_MIN_LENGTH
# Bounds of the smoothing parameter (those of R's ets / ses).
_ALPHA_BOUNDS = (1e-4, 0.9999)


class ThetaForecaster(BaseForecaster):
    """The (standard) Theta method: SES with drift on the deseasonalised series.

    What ``fit`` does, following Hyndman & Billah's (2003) form of the M3 Theta:

    * **Seasonality test**: with a season ``m`` (and at least two full cycles in
      the data), the lag-``m`` autocorrelation ``r_m`` is significant at 90% when
      ``|r_m| > 1.645 * sqrt((1 + 2 * sum_{k<m} r_k^2) / n)``.
    * **Decomposition**: a seasonal series is divided by the seasonal indices of a
      classical multiplicative decomposition (centred moving average); a series
      with values <= 0 uses the additive decomposition instead. Forecasts are
      re-seasonalised with the same indices.
    * **Several seasons** (half-hourly 48 and 336, hourly 24 and 168, daily 7 and
      365): each period with two full cycles in the data is tested; when more than
      one is significant, MSTL removes them all (a classical decomposition handles
      one period only) and their last cycles are repeated. This path, and the
      Theta fit after it, use the last 5000 points (or three cycles of the longest
      period, if more), which keeps long high-frequency series interactive.
    * **Forecast**: simple exponential smoothing of the adjusted series (smoothing
      parameter and initial level by least squares) plus ``theta - 1`` over
      ``theta`` times the drift of a straight line fitted to it (``theta = 2``:
      half the drift), ``b / 2 * (h - 1 + 1 / alpha - (1 - alpha)^n / alpha)``.
    * **Optimised Theta** (``theta=None``, Fiorucci et al. 2016's OTM with the
      static trend line): the drift weight ``1 - 1 / theta`` is estimated with the
      smoothing parameter and initial level by least squares of the one-step
      errors (``theta`` between 1 and 1000). On the bundled datasets' backtests
      it wins on some series and loses on others (``python -m bench.models_check``),
      so the classical ``theta=2`` stays the default.

    Args:
        horizon: number of steps to forecast.
        season_length: season in steps; ``None`` uses the natural cycles of the
            series' frequency, 1 turns the seasonal test and decomposition off.
        theta: the weight of the trend line, a number >= 1; 2 is the classical
            Theta method, 1 gives plain SES, ``None`` estimates it (optimised
            Theta).

    Attributes:
        spec_: what was fitted, e.g. ``"Theta (multiplicative season 12)"``.
        alpha_: the SES smoothing parameter.
        theta_: the theta used (the estimate when ``theta=None``).
        drift_: the slope of the fitted trend line (per step).
        periods_: the seasonal periods removed (empty when none passed the test).
        seasonal_: ``"multiplicative"``, ``"additive"``, ``"mstl"`` or ``"none"``.
    """

    display_name = "Theta"
    supports_panel = True

    def __init__(
        self,
        *,
        horizon: int = 12,
        season_length: int | None = None,
        theta: float | None = 2.0,
    ) -> None:
        self.horizon = horizon
        self.season_length = season_length
        self.theta = theta

    def fit(self, y: pd.Series) -> Self:
        """Test for a season, remove it, and fit SES with drift to ``y``."""
        check_horizon(self.horizon)
        season_length = check_season_length(self.season_length)
        if self.theta is not None:
            _check_theta(self.theta)
        y = check_series(
            y, min_length=MIN_LENGTH, what="Theta", advice="use a longer series"
        )
        x = y.to_numpy()
        n = len(x)
        natural = candidate_periods(y.index, season_length)
        periods = seasons_checked(
            x, tuple(m for m in feasible_periods(natural, n) if seasonality_test(x, m))
        )

        self._indices = np.ones(0)
        self._components: list[tuple[int, np.ndarray]] = []
        z = x
        if len(periods) == 1:
            m = periods[0]
            kind = "multiplicative" if (x > 0).all() else "additive"
            indices = classical_indices(x, m, kind)
            if kind == "multiplicative" and (np.abs(indices) < 1e-10).any():
                periods, kind = (), "none"
            elif kind == "multiplicative":
                z = x / np.resize(indices, n)
            else:
                z = x - np.resize(indices, n)
            self._indices = indices
            self.seasonal_ = kind
        elif periods:
            tail = recent(x, periods)
            self._components = seasonal_components(tail, periods)
            z = tail - sum(c for _, c in self._components)
            self.seasonal_ = "mstl"
        else:
            self.seasonal_ = "none"

        t = np.arange(len(z), dtype=float)
        self.drift_ = float(np.polyfit(t, z, 1)[0])
        if self.theta is None:
            alpha, level, weight = optimised_theta(z, self.drift_)
            self.theta_ = 1.0 / (1.0 - weight)
        else:
            alpha, level = ses(z)
            self.theta_ = float(self.theta)
        self.alpha_ = alpha
        self._level = level
        self._n = len(z)
        self.periods_ = tuple(periods)
        joined = ", ".join(str(p) for p in periods)
        name = "Theta" if self.theta is not None else f"OTM (theta {self.theta_:.3g})"
        self.spec_ = (
            name if not periods else f"{name} ({self.seasonal_} season {joined})"
        )
        self.index_ = y.index
        log.debug("Theta: %s, alpha %.4f", self.spec_, alpha)
        return self

    def keeps_season(self) -> bool | None:
        """Whether a season passed the test and was divided out (None before a
        fit)."""
        periods = self.__dict__.get("periods_")
        return None if periods is None else bool(periods)

    def predict(self) -> pd.Series:
        """Forecast ``horizon`` steps after the end of the fitted series."""
        self._check_fitted()
        horizon = check_horizon(self.horizon)
        a, n = self.alpha_, self._n
        h = np.arange(horizon, dtype=float)
        weight = 1.0 - 1.0 / self.theta_
        values = self._level + weight * self.drift_ * (h + 1 / a - (1 - a) ** n / a)
        if self.seasonal_ in ("multiplicative", "additive"):
            m = len(self._indices)
            future = self._indices[(n + np.arange(horizon)) % m]
            values = (
                values * future
                if self.seasonal_ == "multiplicative"
                else (values + future)
            )
        elif self.seasonal_ == "mstl":
            values = values + extend_seasonal(self._components, horizon)
        idx = future_index(self.index_, horizon)
        return pd.Series(values, index=idx, name=self.display_name)


def ses(z: np.ndarray) -> tuple[float, float]:
    """Simple exponential smoothing by least squares of one-step errors.

    The initial level is solved in closed form for each smoothing parameter (the
    one-step forecasts are linear in it) and the parameter by bounded scalar search.

    Returns:
        ``(alpha, level)``: the smoothing parameter and the final level, which is
        the forecast of every future step.
    """
    z = np.asarray(z, dtype=float)
    n = len(z)
    powers = np.arange(n, dtype=float)

    def fitted(alpha: float) -> tuple[np.ndarray, float]:
        # one-step forecasts f[t] = (1 - alpha)^t * l0 + g[t], g from the data alone
        g = lfilter([0.0, alpha], [1.0, alpha - 1.0], z)
        c = (1.0 - alpha) ** powers
        cc = float(np.dot(c, c))
        l0 = float(np.dot(c, z - g)) / cc if cc > 0 else float(z[0])
        return g + c * l0, l0

    def sse(alpha: float) -> float:
        f, _ = fitted(alpha)
        return float(np.sum((z - f) ** 2))

    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        res = minimize_scalar(sse, bounds=_ALPHA_BOUNDS, method="bounded")
    alpha = float(res.x)
    f, _ = fitted(alpha)
    level = float(f[-1] + alpha * (z[-1] - f[-1]))
    return alpha, level


def optimised_theta(z: np.ndarray, drift: float) -> tuple[float, float, float]:
    """The optimised Theta model: SES plus a weighted drift, fitted jointly.

    The one-step forecast after ``t`` points is ``l[t] + w * drift * (1 - (1 -
    alpha)^t) / alpha``, with ``l`` the SES level; it is linear in the initial level
    and ``w``, which are solved by least squares (``w`` clipped to ``[0, 0.999]``,
    i.e. ``theta = 1 / (1 - w)`` between 1 and 1000) for each ``alpha`` searched.

    Returns:
        ``(alpha, level, w)``: smoothing parameter, final SES level and drift weight.
    """
    z = np.asarray(z, dtype=float)
    t = np.arange(len(z), dtype=float)

    def solve(alpha: float) -> tuple[np.ndarray, float, float]:
        g = lfilter([0.0, alpha], [1.0, alpha - 1.0], z)
        c = (1.0 - alpha) ** t
        d = drift * (1.0 - c) / alpha
        coef = np.linalg.lstsq(np.c_[c, d], z - g, rcond=None)[0]
        w = float(np.clip(coef[1], 0.0, 0.999))
        r = z - g - w * d
        l0 = float(np.dot(c, r) / np.dot(c, c))
        return g + c * l0, l0, w

    def sse(alpha: float) -> float:
        level, _, w = solve(alpha)
        d = drift * (1.0 - (1.0 - alpha) ** t) / alpha
        return float(np.sum((z - level - w * d) ** 2))

    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        res = minimize_scalar(sse, bounds=_ALPHA_BOUNDS, method="bounded")
    alpha = float(res.x)
    level, _, w = solve(alpha)
    return alpha, float(level[-1] + alpha * (z[-1] - level[-1])), w


def _check_theta(theta: object) -> float:
    if isinstance(theta, bool) or not isinstance(theta, int | float | np.number):
        raise ParameterError(f"theta must be a number >= 1 or None, got {theta!r}")
    if not np.isfinite(theta) or theta < 1:
        raise ParameterError(f"theta must be a finite number >= 1, got {theta!r}")
    return float(theta)
