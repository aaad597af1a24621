"""Forecast accuracy metrics: array-likes in, float out.

MAE, RMSE, MAPE, sMAPE (both in percent) and MASE (scaled by the in-sample seasonal
naive error), and :func:`best_model`, the one rule for which model scored best.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from .errors import DataError

__all__ = [
    "best_model",
    "bias",
    "mae",
    "mape",
    "mase",
    "mase_scale",
    "rmse",
    "smape",
]


def _pair(y_true: ArrayLike, y_pred: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    t = np.asarray(y_true, dtype=float).ravel()
    p = np.asarray(y_pred, dtype=float).ravel()
    if t.shape != p.shape:
        raise DataError(
            f"actuals and forecasts differ in length ({t.size} vs {p.size}); "
            "compare forecasts with the actuals of the same timestamps"
        )
    if t.size == 0:
        raise DataError("cannot score an empty forecast: no actuals were given")
    return t, p


def mae(y_true: ArrayLike, y_pred: ArrayLike) -> float:
    """Mean absolute error."""
    t, p = _pair(y_true, y_pred)
    return float(np.mean(np.abs(t - p)))


def bias(y_true: ArrayLike, y_pred: ArrayLike) -> float:
    """Mean error, forecast minus actual: above 0 the forecasts run high (too
    much stock), below 0 low. Errors of both signs cancel, so it says which way
    a model leans, not how far it misses (that is the MAE)."""
    t, p = _pair(y_true, y_pred)
    return float(np.mean(p - t))


def rmse(y_true: ArrayLike, y_pred: ArrayLike) -> float:
    """Root mean squared error.

    Errors below about 1e-150 (or above 1e150) are scaled by the largest before
    squaring, so that their squares neither underflow to 0 nor overflow.
    """
    t, p = _pair(y_true, y_pred)
    err = np.abs(t - p)
    top = float(err.max())
    if 0 < top < 1e-150 or 1e150 < top < math.inf:
        return top * float(np.sqrt(np.mean((err / top) ** 2)))
    return float(np.sqrt(np.mean(err**2)))


def mape(y_true: ArrayLike, y_pred: ArrayLike) -> float:
    """Mean absolute percentage error, in percent.

    Points whose actual value is exactly zero are ignored (their percentage error is
    undefined). If every actual is zero the result is NaN.
    """
    t, p = _pair(y_true, y_pred)
    keep = t != 0
    if not keep.any():
        return float("nan")
    return float(100.0 * np.mean(np.abs((t[keep] - p[keep]) / t[keep])))


def smape(y_true: ArrayLike, y_pred: ArrayLike) -> float:
    """Symmetric MAPE, in percent (0..200): mean of ``2|y - f| / (|y| + |f|)``.

    Points where actual and forecast are both zero count as a perfect forecast.
    """
    t, p = _pair(y_true, y_pred)
    denom = np.abs(t) + np.abs(p)
    ratio = np.divide(
        2.0 * np.abs(t - p), denom, out=np.zeros_like(denom), where=denom != 0
    )
    return float(100.0 * np.mean(ratio))


def mase(
    y_true: ArrayLike,
    y_pred: ArrayLike,
    y_train: ArrayLike,
    season_length: int = 1,
) -> float:
    """Mean absolute scaled error.

    The forecast MAE divided by the in-sample MAE of the seasonal naive forecast
    (``y[t] = y[t - season_length]``) on ``y_train``. If ``y_train`` holds fewer
    than two seasons the lag-1 naive forecast is used as the scale instead. If the
    scale is zero (a constant training series) the result is NaN, or 0.0 when the
    forecast is exact as well (to round-off: within 1e-9 of the series' level).

    Raises:
        DataError: ``y_train`` has fewer than 2 points, or the lengths mismatch.
    """
    t, p = _pair(y_true, y_pred)
    scale = mase_scale(y_train, season_length)
    err = float(np.mean(np.abs(t - p)))
    if scale == 0.0:
        level = float(np.max(np.abs(np.asarray(y_train, dtype=float))))
        return 0.0 if err <= 1e-9 * level else float("nan")
    return err / scale


def mase_scale(y_train: ArrayLike, season_length: int = 1) -> float:
    """The denominator of :func:`mase`: the in-sample MAE of the seasonal naive
    forecast on ``y_train`` (lag 1 when ``y_train`` holds fewer than two seasons).

    Raises:
        DataError: ``y_train`` has fewer than 2 points.
    """
    train = np.asarray(y_train, dtype=float).ravel()
    if train.size < 2:
        raise DataError(
            f"MASE needs at least 2 training points for its scale, got {train.size}"
        )
    m = int(season_length) if season_length and season_length > 1 else 1
    if train.size < 2 * m:
        # fewer than a season of seasonal differences: a scale resting on one or
        # two of them (54 weeks, lag 52) says little, and may be 0 by chance
        m = 1
    return float(np.mean(np.abs(train[m:] - train[:-m])))


#: Two scores this close (a share of the larger) are a tie: a model that
#: forecasts as the naive one does differs from it by round-off (1e-16), which
#: counted as a win on every such series.
TIE_SHARE = 1e-4


def clearly_lower(a: Any, b: Any) -> np.ndarray:
    """Where scores ``a`` are lower than ``b`` by more than :data:`TIE_SHARE` of
    the larger (element-wise; NaN never is)."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return (a < b) & ~(np.abs(a - b) <= TIE_SHARE * np.maximum(np.abs(a), np.abs(b)))


def best_model(
    scores: Any, *, among: Iterable[str] | None = None, column: str = "mae"
) -> str | None:
    """The model with the lowest finite score, or None when no model has one.

    NaN and infinite scores never win; ties go to the first model in order.

    Args:
        scores: a Series of scores indexed by model name, or a DataFrame with the
            ``column`` (e.g. ``Comparison.summary``, index ``model``).
        among: consider only these models (default: all).
        column: the column of a DataFrame to minimise.
    """
    if hasattr(scores, "columns"):
        if column not in scores.columns:
            return None
        scores = scores[column]
    allowed = None if among is None else {str(m) for m in among}
    best, low = None, math.inf
    for name, value in scores.items():
        if allowed is not None and str(name) not in allowed:
            continue
        try:
            value = float(value)
        except (TypeError, ValueError):
            continue
        if math.isfinite(value) and value < low:
            best, low = str(name), value
    return best
