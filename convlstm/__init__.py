"""convlstm-forecast: ConvLSTM time-series forecasting beside honest baselines.

Public API. Names resolve lazily so that importing the package stays cheap (torch
and statsmodels load only when a model that needs them is used).
"""

from __future__ import annotations

import importlib
from typing import Any

import pandas as _pd

# The reader needs pandas 3 (times at their own resolution, text read as strings); on
# pandas 2, installed beside another tool that asks for it, it fails deep inside.
if int(_pd.__version__.split(".")[0]) < 3:
    raise ImportError(
        f"convlstm-forecast needs pandas 3 or newer; this environment has pandas "
        f"{_pd.__version__} (another package may have asked for pandas<3). Install "
        "with: pip install -r requirements.txt"
    )

# `backtest` and `compare` name both a module and its function: bind the functions now,
# else importing the submodule first would leave the module under the function's name.
from .backtest import BacktestResult as BacktestResult
from .backtest import backtest as backtest
from .compare import (
    DEFAULT_LEVELS,
    MODEL_NAMES,
    Comparison,
    make_model,
    metrics_table,
    rerun,
    rerun_matches,
    with_intervals,
)
from .compare import compare as compare
from .errors import (
    ConvLSTMError,
    DataError,
    NotFittedError,
    PanelFitWarning,
    ParameterError,
    TrainingError,
)
from .metrics import best_model
from .models.registry import (
    NETWORK_SETTINGS,
    STARTS,
    ModelSpec,
    canonical_name,
    default_models,
    min_train_length,
    model_class,
    model_colours,
    model_names,
    model_spec,
    model_specs,
    network_models,
    network_settings_note,
    params_for,
    register,
    route_params,
    route_start,
    start_models,
    start_of,
    unregister,
)
from .record import record_from_json, record_to_json

__version__ = "0.1.0"

# public name -> module that defines it
_LAZY = {
    "ARIMAForecaster": ".models.arima",
    "ConvLSTMForecaster": ".models.neural",
    "ETSForecaster": ".models.ets",
    "EnsembleForecaster": ".models.ensemble",
    "LSTMForecaster": ".models.neural",
    "NaiveForecaster": ".models.baselines",
    "PanelComparison": ".panel_compare",
    "SeasonalNaiveForecaster": ".models.baselines",
    "ThetaForecaster": ".models.theta",
    "BaseForecaster": ".models.base",
    "build_panel_report": ".report",
    "build_report": ".report",
    "compare_panel": ".panel_compare",
    "load_model": ".models.neural",
    "read_csv": ".data",
    "to_panel": ".data",
    "to_series": ".data",
}

__all__ = [
    "ARIMAForecaster",
    "BacktestResult",
    "BaseForecaster",
    "Comparison",
    "ConvLSTMError",
    "ConvLSTMForecaster",
    "DEFAULT_LEVELS",
    "DataError",
    "ETSForecaster",
    "EnsembleForecaster",
    "LSTMForecaster",
    "MODEL_NAMES",
    "ModelSpec",
    "NETWORK_SETTINGS",
    "STARTS",
    "NaiveForecaster",
    "NotFittedError",
    "PanelComparison",
    "ParameterError",
    "SeasonalNaiveForecaster",
    "ThetaForecaster",
    "PanelFitWarning",
    "TrainingError",
    "__version__",
    "backtest",
    "best_model",
    "build_panel_report",
    "build_report",
    "canonical_name",
    "compare",
    "compare_panel",
    "default_models",
    "load_model",
    "make_model",
    "metrics_table",
    "min_train_length",
    "model_class",
    "model_colours",
    "model_names",
    "model_spec",
    "model_specs",
    "network_models",
    "network_settings_note",
    "params_for",
    "read_csv",
    "record_from_json",
    "record_to_json",
    "register",
    "rerun",
    "rerun_matches",
    "route_params",
    "route_start",
    "start_models",
    "start_of",
    "to_panel",
    "to_series",
    "unregister",
    "with_intervals",
]
_SUBMODULES = (
    "cli",
    "data",
    "datasets",
    "device",
    "explain",
    "images",
    "intervals",
    "metrics",
    "models",
    "moving_blob",
    "nn",
    "panel_compare",
    "plots",
    "record",
    "report",
    "significance",
    "training",
    "windows",
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
