"""Model comparison: the one function the pages and the CLI call to evaluate models.

Builds models by name, backtests them on the same folds, refits each on the whole
series for the future forecast, and reports progress through one callback.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from .backtest import BacktestResult, backtest, fit_with_progress
from .data import check_series
from .errors import DataError
from .models.base import BaseForecaster

__all__ = [
    "DEFAULT_MODELS",
    "MODEL_NAMES",
    "Comparison",
    "compare",
    "make_model",
    "model_name",
]

log = logging.getLogger(__name__)

MODEL_NAMES = ("ConvLSTM", "LSTM", "ARIMA", "Seasonal naive", "Naive")
DEFAULT_MODELS = ("ConvLSTM", "LSTM", "ARIMA", "Seasonal naive")
NEURAL_MODELS = ("ConvLSTM", "LSTM")

# model name -> (module, class), imported on demand so that torch loads only if needed
_CLASSES = {
    "ConvLSTM": (".models.neural", "ConvLSTMForecaster"),
    "LSTM": (".models.neural", "LSTMForecaster"),
    "ARIMA": (".models.arima", "ARIMAForecaster"),
    "Seasonal naive": (".models.baselines", "SeasonalNaiveForecaster"),
    "Naive": (".models.baselines", "NaiveForecaster"),
}

ProgressCallback = Callable[[Any], bool | None]


def _key(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def model_name(name: str) -> str:
    """Return the canonical spelling of a model name.

    Matching ignores case, spaces, hyphens and underscores, so ``"seasonal-naive"``
    and ``"convlstm"`` are accepted.

    Raises:
        DataError: the name is not one of :data:`MODEL_NAMES` (the message lists
            them).
    """
    wanted = _key(str(name))
    for canonical in MODEL_NAMES:
        if _key(canonical) == wanted:
            return canonical
    raise DataError(f"unknown model {name!r}; choose from: {', '.join(MODEL_NAMES)}")


def model_class(name: str) -> type[BaseForecaster]:
    """Return the forecaster class of a model name (imports it on first use)."""
    import importlib

    module, cls = _CLASSES[model_name(name)]
    return getattr(importlib.import_module(module, __package__), cls)


def make_model(name: str, *, horizon: int, **params: Any) -> BaseForecaster:
    """Build a forecaster by name, passing only the parameters it accepts.

    Args:
        name: one of :data:`MODEL_NAMES` (case-insensitive; ``"seasonal-naive"``
            works too).
        horizon: steps to forecast.
        **params: hyperparameters by their usual names (``kernel_size``,
            ``hidden_size``, ``learning_rate``, ``epochs``, ``seed``, ...); the
            ones this model does not take are ignored.

    Raises:
        DataError: unknown model name.
    """
    cls = model_class(name)
    accepted = set(cls._param_names())
    kwargs = {k: v for k, v in params.items() if k in accepted and k != "horizon"}
    return cls(horizon=horizon, **kwargs)


@dataclass
class Comparison:
    """The result of :func:`compare`.

    Attributes:
        backtest: the rolling-origin backtest of every model.
        summary: the backtest summary (index ``model``; ``mae, rmse, mape, smape,
            mase, fit_seconds``) plus a boolean ``best`` column (lowest MAE).
        future: tidy ``model, timestamp, forecast`` for the ``horizon`` steps after
            the end of the series, from each model refit on all of it (empty when
            ``refit_final`` was False).
        fitted: the models refit on the whole series, by name.
        histories: per-epoch ``train_loss``/``val_loss`` dicts of each neural
            model's final fit.
        device: the device the neural models trained on ("cpu", "cuda", ...).
        seconds: wall time of the whole comparison.
    """

    backtest: BacktestResult
    summary: pd.DataFrame
    future: pd.DataFrame
    fitted: dict[str, BaseForecaster] = field(default_factory=dict)
    histories: dict[str, list[dict]] = field(default_factory=dict)
    device: str = "cpu"
    seconds: float = 0.0

    @property
    def best(self) -> str:
        """Name of the model with the lowest backtest MAE."""
        return str(self.summary.index[self.summary["best"]][0])


def compare(
    y: pd.Series,
    *,
    models: Sequence[str] = DEFAULT_MODELS,
    horizon: int,
    folds: int,
    params: dict[str, Any] | None = None,
    refit_final: bool = True,
    progress: ProgressCallback | None = None,
) -> Comparison:
    """Backtest several models on the same folds and forecast the future with each.

    Args:
        y: the series (regular DatetimeIndex), e.g. from ``datasets.load``.
        models: model names from :data:`MODEL_NAMES`.
        horizon: steps to forecast (per backtest fold and into the future).
        folds: number of backtest folds.
        params: one dict of hyperparameters (``kernel_size``, ``hidden_size``,
            ``learning_rate``, ``num_layers``, ``lookback``, ``epochs``,
            ``batch_size``, ``activation``, ``seed``, ``device``, ...); each model
            gets the ones it accepts.
        refit_final: refit every model on all of ``y`` for the future forecast.
        progress: optional ``progress(event: ProgressEvent) -> bool | None``
            (stages ``"fold k/n"`` and ``"final"``; ``fraction`` is overall
            progress 0..1); returning True stops the current training early, and
            the model keeps its best weights so far.

    Raises:
        DataError: an unknown model name, bad horizon/folds, or a series too short.
    """
    start = time.perf_counter()
    if isinstance(models, str):
        models = (models,)
    names: list[str] = []
    for name in models:
        canonical = model_name(name)
        if canonical not in names:
            names.append(canonical)
    if not names:
        raise DataError(f"choose at least one model from: {', '.join(MODEL_NAMES)}")
    params = dict(params or {})
    protos = {name: make_model(name, horizon=horizon, **params) for name in names}

    total_units = len(names) * (folds + (1 if refit_final else 0))
    result = backtest(
        protos,
        y,
        horizon,
        folds,
        progress=progress,
        _total_units=total_units if isinstance(folds, int) else None,
    )
    summary = result.summary.copy()
    summary["best"] = False
    if summary["mae"].notna().any():
        summary.loc[summary["mae"].idxmin(), "best"] = True

    fitted: dict[str, BaseForecaster] = {}
    histories: dict[str, list[dict]] = {}
    frames = []
    if refit_final:
        y = check_series(y, min_length=1, what="the final fit")
        for i, name in enumerate(names):
            model = protos[name].clone().set_params(horizon=horizon)
            fit_with_progress(
                model,
                y,
                name=name,
                stage="final",
                unit=len(names) * folds + i,
                total_units=total_units,
                progress=progress,
            )
            pred = model.predict()
            frames.append(
                pd.DataFrame(
                    {
                        "model": name,
                        "timestamp": pred.index,
                        "forecast": pred.to_numpy(dtype=float),
                    }
                )
            )
            fitted[name] = model
            history = getattr(model, "history_", None)
            if history is not None:
                histories[name] = [dict(h) for h in history]
    future = (
        pd.concat(frames, ignore_index=True)
        if frames
        else pd.DataFrame(columns=["model", "timestamp", "forecast"])
    )
    return Comparison(
        backtest=result,
        summary=summary,
        future=future,
        fitted=fitted,
        histories=histories,
        device=_device(names, fitted, params),
        seconds=time.perf_counter() - start,
    )


def _device(
    names: list[str], fitted: dict[str, BaseForecaster], params: dict[str, Any]
) -> str:
    """The device the neural models used: read from a fitted model when there is
    one, else resolved the way training resolves it."""
    for model in fitted.values():
        device = getattr(model, "device_", None)
        if device is not None:
            return str(device)
    if not any(name in NEURAL_MODELS for name in names):
        return "cpu"
    from .training import resolve_device

    return str(resolve_device(params.get("device") or "auto"))
