"""convlstm-forecast: ConvLSTM time-series forecasting beside honest baselines.

Public API. Names resolve lazily so that importing the package stays cheap (torch
and statsmodels load only when a model that needs them is used).
"""

from __future__ import annotations

import importlib
from typing import Any

from .errors import ConvLSTMError, DataError, NotFittedError, TrainingError

__version__ = "0.1.0"

# public name -> module that defines it
_LAZY = {
    "ARIMAForecaster": ".models.arima",
    "BacktestResult": ".backtest",
    "ConvLSTMForecaster": ".models.neural",
    "LSTMForecaster": ".models.neural",
    "NaiveForecaster": ".models.baselines",
    "SeasonalNaiveForecaster": ".models.baselines",
    "BaseForecaster": ".models.base",
    "backtest": ".backtest",
    "load_model": ".models.neural",
    "read_csv": ".data",
    "to_series": ".data",
}

__all__ = sorted(
    [
        "ConvLSTMError",
        "DataError",
        "NotFittedError",
        "TrainingError",
        "__version__",
        *_LAZY,
    ]
)


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name], __name__), name)
        globals()[name] = value
        return value
    if name in ("data", "datasets", "metrics", "plots", "nn", "training", "models"):
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'convlstm' has no attribute {name!r}")


def __dir__() -> list[str]:
    return __all__
