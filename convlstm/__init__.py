"""convlstm-forecast: ConvLSTM time-series forecasting beside honest baselines.

Public API. Names resolve lazily so that importing the package stays cheap (torch
and statsmodels load only when a model that needs them is used).
"""

from __future__ import annotations

import importlib
from typing import Any

# `backtest` and `compare` name both a module and its function: bind the functions now,
# else importing the submodule first would leave the module under the function's name.
from .backtest import BacktestResult as BacktestResult
from .backtest import backtest as backtest
from .compare import MODEL_NAMES as MODEL_NAMES
from .compare import Comparison as Comparison
from .compare import compare as compare
from .compare import make_model as make_model
from .errors import (
    ConvLSTMError,
    DataError,
    NotFittedError,
    ParameterError,
    TrainingError,
)

__version__ = "0.1.0"

# public name -> module that defines it
_LAZY = {
    "ARIMAForecaster": ".models.arima",
    "ConvLSTMForecaster": ".models.neural",
    "LSTMForecaster": ".models.neural",
    "NaiveForecaster": ".models.baselines",
    "SeasonalNaiveForecaster": ".models.baselines",
    "BaseForecaster": ".models.base",
    "load_model": ".models.neural",
    "read_csv": ".data",
    "to_series": ".data",
}

__all__ = [
    "ARIMAForecaster",
    "BacktestResult",
    "BaseForecaster",
    "Comparison",
    "ConvLSTMError",
    "ConvLSTMForecaster",
    "DataError",
    "LSTMForecaster",
    "MODEL_NAMES",
    "NaiveForecaster",
    "NotFittedError",
    "ParameterError",
    "SeasonalNaiveForecaster",
    "TrainingError",
    "__version__",
    "backtest",
    "compare",
    "load_model",
    "make_model",
    "read_csv",
    "to_series",
]
_SUBMODULES = (
    "cli",
    "data",
    "datasets",
    "explain",
    "images",
    "intervals",
    "metrics",
    "models",
    "moving_blob",
    "nn",
    "plots",
    "record",
    "report",
    "significance",
    "training",
)


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name], __name__), name)
        globals()[name] = value
        return value
    if name in _SUBMODULES:
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'convlstm' has no attribute {name!r}")


def __dir__() -> list[str]:
    return __all__
