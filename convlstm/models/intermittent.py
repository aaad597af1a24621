"""A forecaster for intermittent demand: TSB (Teunter, Syntetos and Babai, 2011).

Spare parts and slow movers sell now and then: most steps are 0. Croston's method
smooths the size of a sale and the gap between sales; TSB smooths the size of a
sale and the *probability* of a sale in every step, so that a part nobody has
bought for a long while (obsolete) fades towards 0 instead of keeping its old rate.
The forecast is flat: the expected demand per step, probability x size.
"""

from __future__ import annotations

from typing import Self

import numpy as np
import pandas as pd

from ..data import check_series
from ..errors import ParameterError
from .base import BaseForecaster
from .checks import check_horizon

__all__ = ["TSBForecaster"]

#: The smoothing constants tried when ``alpha`` or ``beta`` is None: the usual
#: range for intermittent demand (the literature recommends 0.05 to 0.3).
GRID = (0.05, 0.1, 0.2, 0.3)


def tsb_path(
    values: np.ndarray, alpha: float, beta: float
) -> tuple[np.ndarray, float, float]:
    """Run TSB over ``values``: the one-step-ahead forecast made before each
    value, and the final probability and size.

    The probability starts at the share of non-zero values and the size at the
    mean non-zero value (of the whole series: their usual initialisation).
    """
    sold = values != 0
    p = float(sold.mean())
    z = float(values[sold].mean()) if sold.any() else 0.0
    ahead = np.empty(len(values))
    for t, (v, s) in enumerate(zip(values, sold, strict=True)):
        ahead[t] = p * z
        p += beta * (float(s) - p)
        if s:
            z += alpha * (v - z)
    return ahead, p, z


class TSBForecaster(BaseForecaster):
    """Intermittent demand: the expected demand per step, as TSB smooths it.

    Args:
        horizon: number of steps to forecast.
        alpha: smoothing of the size of a sale (0 to 1); None picks it from
            :data:`GRID` by the in-sample one-step squared error.
        beta: smoothing of the probability of a sale in a step (0 to 1); None
            picks it likewise.
    """

    display_name = "TSB"
    supports_panel = True

    def __init__(
        self,
        *,
        horizon: int = 12,
        alpha: float | None = None,
        beta: float | None = None,
    ) -> None:
        self.horizon = horizon
        self.alpha = alpha
        self.beta = beta

    def fit(self, y: pd.Series) -> Self:
        """Smooth the probability and the size of a sale over ``y``."""
        check_horizon(self.horizon)
        for name in ("alpha", "beta"):
            value = getattr(self, name)
            if value is not None and not (
                isinstance(value, int | float) and 0 < float(value) <= 1
            ):
                raise ParameterError(
                    f"{name} must be a number above 0 and at most 1, or None to "
                    f"choose it; got {value!r}"
                )
        y = check_series(y, min_length=2, what="TSB")
        values = y.to_numpy(dtype=float)
        alphas = [float(self.alpha)] if self.alpha is not None else list(GRID)
        betas = [float(self.beta)] if self.beta is not None else list(GRID)
        best = None
        for a in alphas:
            for b in betas:
                ahead, p, z = tsb_path(values, a, b)
                error = float(np.mean((values[1:] - ahead[1:]) ** 2))
                if best is None or error < best[0]:
                    best = (error, a, b, p, z)
        _, self.alpha_, self.beta_, self.probability_, self.size_ = best
        self.index_ = y.index
        return self

    def predict(self) -> pd.Series:
        """Forecast ``horizon`` steps: probability x size, the same every step."""
        self._check_fitted()
        return self._flat_forecast(self.probability_ * self.size_)
