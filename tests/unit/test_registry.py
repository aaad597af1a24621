"""The model registry: the one list of models, and the best-model rule."""

import math
import subprocess
import sys
from typing import Self

import numpy as np
import pandas as pd
import pytest

import convlstm
from convlstm import plots
from convlstm.compare import compare, make_model, metrics_table
from convlstm.data import future_index
from convlstm.datasets import default_horizon_folds
from convlstm.errors import ParameterError
from convlstm.metrics import best_model
from convlstm.models.base import BaseForecaster
from convlstm.models.checks import check_horizon
from convlstm.models.registry import (
    ModelSpec,
    canonical_name,
    default_models,
    min_train_length,
    model_class,
    model_colours,
    model_names,
    network_models,
    network_settings_note,
    params_for,
    register,
    route_params,
    unregister,
)
from convlstm.models.rules import MIN_WINDOWS, NONSEASONAL_WIDTH
from convlstm.report import build_report


class MeanForecaster(BaseForecaster):
    """A toy model: the mean of the last ``window`` points, repeated."""

    display_name = "Toy mean"

    def __init__(self, *, horizon: int = 12, window: int = 4) -> None:
        self.horizon = horizon
        self.window = window

    def fit(self, y: pd.Series) -> Self:
        check_horizon(self.horizon)
        self.level_ = float(y.iloc[-self.window :].mean())
        self.index_ = y.index
        return self

    def predict(self) -> pd.Series:
        self._check_fitted()
        idx = future_index(self.index_, self.horizon)
        return pd.Series(np.full(self.horizon, self.level_), index=idx)


@pytest.fixture
def toy():
    spec = register(
        ModelSpec(
            name="Toy mean",
            target=MeanForecaster,
            kind="statistical",
            baseline=True,
            min_length=lambda season, horizon: 4,
        )
    )
    yield spec
    unregister("Toy mean")


@pytest.fixture(scope="module")
def y():
    n = 60
    t = np.arange(n)
    values = 100 + t + 15 * np.sin(2 * np.pi * t / 12)
    values += np.random.default_rng(0).normal(0, 2, n)
    return pd.Series(values, index=pd.date_range("2000-01", periods=n, freq="MS"))


def test_builtin_models_in_order():
    assert model_names() == (
        "ConvLSTM",
        "ConvLSTM (pretrained)",
        "LSTM",
        "ARIMA",
        "ETS",
        "Theta",
        "Seasonal naive",
        "Naive",
        "TSB",
        "Ensemble",
    )
    assert default_models() == (
        "ConvLSTM",
        "LSTM",
        "ARIMA",
        "ETS",
        "Theta",
        "Seasonal naive",
        "Ensemble",
    )
    assert model_names(kind="neural") == ("ConvLSTM", "ConvLSTM (pretrained)", "LSTM")
    assert model_names(kind="ensemble") == ("Ensemble",)
    assert model_names(baseline=True) == (
        "ARIMA",
        "ETS",
        "Theta",
        "Seasonal naive",
        "Naive",
        "TSB",
    )
    assert model_names() == convlstm.MODEL_NAMES
    assert model_class("seasonal-naive").__name__ == "SeasonalNaiveForecaster"


def test_a_registered_model_reaches_compare_plots_and_report(toy, y):
    assert canonical_name("toy_mean") == "Toy mean"
    assert "Toy mean" in model_names() and "Toy mean" not in default_models()
    assert isinstance(make_model("toy mean", horizon=3, window=2), MeanForecaster)
    result = compare(y, models=["Toy mean", "Naive"], horizon=3, folds=2)
    assert list(result.summary.index) == ["Toy mean", "Naive"]
    assert set(result.future["model"]) == {"Toy mean", "Naive"}
    assert result.best in ("Toy mean", "Naive")
    assert result.significance.attrs["baseline"] in ("Toy mean", "Naive")
    table = metrics_table(result)
    assert "Toy mean" in set(table["Model"])
    colours = plots.model_colors(["Toy mean", "Naive"])
    assert colours["Naive"] == model_colours()["Naive"]
    assert colours["Toy mean"] not in model_colours().values()
    html = build_report(y, result, record=result.record)
    assert "Toy mean" in html


def test_register_refuses_a_second_model_of_the_same_name(toy):
    with pytest.raises(ParameterError, match="already registered"):
        register(
            ModelSpec(
                name="toy-mean", target=MeanForecaster, kind="naive", baseline=True
            )
        )
    with pytest.raises(ParameterError, match="kind"):
        register(
            ModelSpec(name="Other", target=MeanForecaster, kind="magic", baseline=True)
        )


def test_unknown_model_is_a_parameter_error():
    with pytest.raises(ParameterError, match="unknown model 'prophet'"):
        canonical_name("prophet")


def test_min_train_length_is_what_each_model_needs():
    # neural from scratch: one row of the season (8 steps without one) + horizon +
    # windows; the ConvLSTM (init="auto") starts pretrained on fewer points
    assert min_train_length(["LSTM"], 12, 6) == 12 + 6 + MIN_WINDOWS
    assert min_train_length(["LSTM"], 1, 10) == NONSEASONAL_WIDTH + 10 + MIN_WINDOWS
    assert min_train_length(["ConvLSTM"], 12, 6) == 3
    assert min_train_length(["Seasonal naive"], 12, 3) == 12
    assert min_train_length(["Naive"], 12, 3) == 1
    assert min_train_length([], 12, 3) == 1


@pytest.mark.parametrize(
    "freq,n", [("MS", 60), ("D", 50), ("D", 400), ("h", 100), ("YS", 40)]
)
def test_default_folds_unchanged_by_the_registry(freq, n):
    """The rule the default folds followed before the registry owned the lengths,
    on series long enough for every default model (a shorter one now leaves the
    LSTM out instead of shrinking the horizon: test_cli)."""
    y = pd.Series(
        np.arange(n, dtype=float), index=pd.date_range("2000", periods=n, freq=freq)
    )
    from convlstm.data import season_length

    m = season_length(y.index)
    width = m if m > 1 else 8

    def least(horizon):
        return max(8, m + 1, 2 * horizon, width + horizon + 8)

    horizon = m if 1 < m <= 96 else 10
    while horizon > 1 and n < horizon + least(horizon):
        horizon = max(1, horizon // 2)
    folds = 3
    while folds > 1 and n < folds * horizon + least(horizon):
        folds -= 1
    assert default_horizon_folds(y) == (horizon, folds)


def test_network_settings_shape_the_convlstm_only():
    assert network_models() == ("ConvLSTM",)
    routed = route_params(
        {"kernel_size": 5, "hidden_size": 16, "seed": 3, "LSTM": {"epochs": 2}}
    )
    assert routed == {
        "seed": 3,
        "LSTM": {"epochs": 2},
        "ConvLSTM": {"kernel_size": 5, "hidden_size": 16},
    }
    assert params_for("ConvLSTM", routed) == {
        "seed": 3,
        "kernel_size": 5,
        "hidden_size": 16,
    }
    assert params_for("LSTM", routed) == {"seed": 3, "epochs": 2}
    note = network_settings_note()
    assert "kernel size" in note and "hidden size" in note and "learning rate" in note
    assert "ConvLSTM only" in note


def test_best_model_skips_nan_and_is_none_when_all_nan():
    assert best_model(pd.Series({"a": math.nan, "b": 2.0, "c": 1.0})) == "c"
    assert best_model(pd.Series({"a": 1.0, "b": 1.0})) == "a"  # ties: first
    assert best_model(pd.Series({"a": math.nan, "b": math.nan})) is None
    assert best_model(pd.Series(dtype=float)) is None
    assert best_model(pd.Series({"a": 1.0, "b": 2.0}), among=["b"]) == "b"
    frame = pd.DataFrame({"mae": [math.nan, math.inf]}, index=["a", "b"])
    assert best_model(frame) is None
    assert best_model(pd.DataFrame(index=["a"])) is None


def test_comparison_best_is_none_when_every_mae_is_nan(y):
    result = compare(
        y, models=["Naive"], horizon=3, folds=1, refit_final=False, levels=()
    )
    result.summary["mae"] = math.nan
    result.summary["best"] = False
    assert result.best is None
    assert metrics_table(result).attrs["best"] is None


def test_importing_the_registry_loads_neither_torch_nor_scipy():
    code = (
        "import sys, convlstm.models.registry as r, convlstm.datasets;"
        "r.min_train_length(r.default_models(), 12, 6);"
        "print('torch' in sys.modules, 'scipy' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert out.stdout.split() == ["False", "False"]


def test_starts_reach_the_models_with_a_pretrained_network_only():
    from convlstm import STARTS, route_start, start_models, start_of

    assert start_models() == ("ConvLSTM",)
    for start in STARTS:
        params = route_start({"seed": 1, "ConvLSTM": {"hidden_size": 4}}, start)
        assert start_of(params, "ConvLSTM") == start
        assert params["ConvLSTM"]["hidden_size"] == 4 and params["seed"] == 1
        assert set(params) == {"seed", "ConvLSTM"}
    assert start_of({}, "ConvLSTM (pretrained)") == "fine-tuned"
    with pytest.raises(ParameterError, match="start must be one of"):
        route_start({}, "warm")


def test_one_name_where_names_are_asked_and_an_instance_where_a_name_is():
    from convlstm import NaiveForecaster, ParameterError
    from convlstm.models.registry import canonical_name, min_train_length

    assert min_train_length("ETS", 12, 12) == min_train_length(["ETS"], 12, 12)
    with pytest.raises(ParameterError, match="expected a model name"):
        canonical_name(NaiveForecaster())


def test_naive_joins_the_defaults_for_business_days(monkeypatch):
    import sys

    import numpy as np
    import pandas as pd

    from convlstm import compare, to_panel
    from convlstm.models.registry import default_models

    days = pd.bdate_range("2024-01-01", periods=80)
    price = 100 + np.cumsum(np.random.default_rng(0).normal(0, 1, 80))
    y = pd.Series(price, index=days, name="close")
    assert default_models(y)[-2:] == ("Naive", "Ensemble")
    calendar = pd.Series(price, index=pd.date_range("2024-01-01", periods=80))
    assert "Naive" not in default_models(calendar)
    # hourly prices in business hours too
    hours = pd.Series(
        price, index=pd.date_range("2024-01-01 09:00", periods=80, freq="bh")
    )
    assert default_models(hours)[-2:] == ("Naive", "Ensemble")
    frame = pd.DataFrame(
        {
            "ticker": np.repeat(["a", "b"], 80),
            "day": np.tile(days, 2),
            "close": np.r_[price, price[::-1]],
        }
    )
    assert "Naive" in default_models(to_panel(frame))
    # the library's default comparison asks for the data's defaults (the
    # stand-in keeps the fast ones only)
    asked = []

    def fast_defaults(data=None):
        asked.append(default_models(data))
        return tuple(n for n in asked[-1] if "naive" in n.lower())

    module = sys.modules["convlstm.compare"]  # the package's name is the function
    monkeypatch.setattr(module, "default_models", fast_defaults)
    result = compare(y, horizon=5, folds=1)
    assert "Naive" in asked[0] and "Naive" in result.summary.index
