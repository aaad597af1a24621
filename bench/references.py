"""Outside reference forecasters (statsforecast) scored on the folds of our backtest.

statsforecast is optional (requirements-bench.txt): import this module freely, call
:func:`available` before :func:`reference_specs`.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata
from typing import Any

import numpy as np
import pandas as pd

FORECAST_COLUMNS = [
    "model",
    "fold",
    "cutoff",
    "timestamp",
    "step",
    "actual",
    "forecast",
]


def available() -> bool:
    """Whether statsforecast can be imported here."""
    try:
        import statsforecast.models  # noqa: F401
    except ImportError:
        return False
    return True


def statsforecast_version() -> str | None:
    """The installed statsforecast version, or None when it is absent."""
    try:
        return metadata.version("statsforecast")
    except metadata.PackageNotFoundError:
        return None


def fold_bounds(n: int, horizon: int, folds: int) -> list[tuple[int, int]]:
    """Return ``(train_end, test_end)`` positions of each rolling-origin fold.

    The last ``folds * horizon`` points are the test set; fold ``k`` (oldest first)
    trains on everything before its ``horizon`` test points, as in
    ``convlstm.backtest``.

    Raises:
        ValueError: the series is too short for the folds.
    """
    first = n - folds * horizon
    if horizon < 1 or folds < 1 or first < 2:
        raise ValueError(
            f"{n} points cannot hold {folds} folds of horizon {horizon} "
            "plus a training set"
        )
    return [(first + k * horizon, first + (k + 1) * horizon) for k in range(folds)]


def run_folds(
    y: pd.Series,
    horizon: int,
    folds: int,
    name: str,
    fit_predict: Callable[[pd.Series, int], np.ndarray],
) -> tuple[pd.DataFrame, list[float]]:
    """Rolling-origin evaluation of one model given as a fit-and-predict function.

    Args:
        y: the series (DatetimeIndex with freq).
        horizon: steps per fold.
        folds: number of folds.
        name: model name for the ``model`` column.
        fit_predict: ``(y_train, horizon) -> forecasts`` (array of ``horizon``).
            Its whole run is timed as the fold's fit time (prediction is negligible
            next to fitting for every model here).

    Returns:
        The tidy forecasts (columns ``FORECAST_COLUMNS``; ``fold`` counts from 1,
        oldest first) and the fit seconds of each fold.
    """
    rows: list[pd.DataFrame] = []
    seconds: list[float] = []
    for k, (train_end, test_end) in enumerate(fold_bounds(len(y), horizon, folds)):
        train, test = y.iloc[:train_end], y.iloc[train_end:test_end]
        start = time.perf_counter()
        forecast = np.asarray(fit_predict(train, horizon), dtype=float).ravel()
        seconds.append(time.perf_counter() - start)
        if forecast.shape != (horizon,):
            raise ValueError(
                f"{name} returned {forecast.size} forecasts for horizon {horizon}"
            )
        rows.append(
            pd.DataFrame(
                {
                    "model": name,
                    "fold": k + 1,
                    "cutoff": train.index[-1],
                    "timestamp": test.index,
                    "step": np.arange(1, horizon + 1),
                    "actual": test.to_numpy(dtype=float),
                    "forecast": forecast,
                }
            )
        )
    return pd.concat(rows, ignore_index=True)[FORECAST_COLUMNS], seconds


@dataclass(frozen=True)
class ReferenceSpec:
    """One statsforecast model: a display name, a factory and its settings in words."""

    name: str
    make: Callable[[], Any]
    settings: str


def reference_specs(
    season_length: int, periods: tuple[int, ...], n: int
) -> list[ReferenceSpec]:
    """The statsforecast references for a series.

    AutoARIMA, AutoETS and AutoTheta with the series' main season; for series with
    several seasonal cycles also MSTL with an AutoETS and with an AutoARIMA trend.
    AutoARIMA uses R's rule for its CSS approximation (on for more than 150 points
    or a season longer than 12): without it a season-48 search on electricity takes
    over 5 minutes per fold here.

    Args:
        season_length: main season in steps (1 for none).
        periods: all seasonal cycles, shortest first.
        n: series length (for the approximation rule).
    """
    from statsforecast.models import MSTL, AutoARIMA, AutoETS, AutoTheta

    m = max(int(season_length), 1)
    approx = n > 150 or m > 12
    specs = [
        ReferenceSpec(
            "AutoARIMA",
            lambda: AutoARIMA(season_length=m, approximation=approx),
            f"AutoARIMA(season_length={m}, approximation={approx})",
        ),
        ReferenceSpec(
            "AutoETS",
            lambda: AutoETS(season_length=m),
            f"AutoETS(season_length={m})",
        ),
        ReferenceSpec(
            "AutoTheta",
            lambda: AutoTheta(season_length=m),
            f"AutoTheta(season_length={m})",
        ),
    ]
    if len(periods) >= 2:
        cycles = [int(p) for p in periods]
        specs += [
            ReferenceSpec(
                "MSTL-ETS",
                lambda: MSTL(
                    season_length=cycles, trend_forecaster=AutoETS(model="ZZN")
                ),
                f"MSTL(season_length={cycles}, trend_forecaster=AutoETS(model='ZZN'))",
            ),
            ReferenceSpec(
                "MSTL-ARIMA",
                lambda: MSTL(season_length=cycles, trend_forecaster=AutoARIMA()),
                f"MSTL(season_length={cycles}, trend_forecaster=AutoARIMA())",
            ),
        ]
    return specs


def statsforecast_fit_predict(
    make: Callable[[], Any],
) -> Callable[[pd.Series, int], np.ndarray]:
    """Adapt a statsforecast model factory to :func:`run_folds`' signature."""

    def fit_predict(train: pd.Series, horizon: int) -> np.ndarray:
        model = make()
        with warnings.catch_warnings():
            # statsforecast warns about e.g. ETS seasons > 24; settings are reported.
            warnings.simplefilter("ignore")
            model.fit(train.to_numpy(dtype=float))
            return np.asarray(model.predict(h=horizon)["mean"], dtype=float)

    return fit_predict


def run_references(
    y: pd.Series,
    horizon: int,
    folds: int,
    season_length: int,
    periods: tuple[int, ...],
    *,
    only: list[str] | None = None,
    log: Callable[[str], None] | None = None,
) -> dict[str, dict[str, Any]]:
    """Run every statsforecast reference on the backtest folds of ``y``.

    Args:
        y: the series.
        horizon: steps per fold.
        folds: number of folds.
        season_length: main season in steps.
        periods: all seasonal cycles.
        only: reference names to run (all when None).
        log: called with a progress line per model.

    Returns:
        ``name -> {"settings", "forecasts" (tidy DataFrame), "fold_seconds",
        "error"}``; a model that raised has ``error`` set and no forecasts.
    """
    out: dict[str, dict[str, Any]] = {}
    for spec in reference_specs(season_length, periods, len(y)):
        if only is not None and spec.name not in only:
            continue
        entry: dict[str, Any] = {"settings": spec.settings, "error": None}
        try:
            frame, seconds = run_folds(
                y, horizon, folds, spec.name, statsforecast_fit_predict(spec.make)
            )
        except (ValueError, RuntimeError, np.linalg.LinAlgError) as exc:
            entry.update(forecasts=None, fold_seconds=None, error=repr(exc))
        else:
            entry.update(forecasts=frame, fold_seconds=seconds)
        if log is not None:
            done = entry["error"] or f"{sum(entry['fold_seconds']):.1f}s"
            log(f"  {spec.name}: {done}")
        out[spec.name] = entry
    return out
