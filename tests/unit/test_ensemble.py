"""EnsembleForecaster: median and weighted combination, failing members, settings,
and a comparison that fits every member once."""

from collections import Counter
from typing import Self

import numpy as np
import pandas as pd
import pytest

from convlstm.backtest import backtest
from convlstm.compare import compare, metrics_table
from convlstm.data import future_index
from convlstm.errors import DataError, ParameterError
from convlstm.models.base import BaseForecaster
from convlstm.models.checks import check_horizon
from convlstm.models.ensemble import EnsembleForecaster, inverse_mae_weights
from convlstm.models.registry import (
    ModelSpec,
    default_models,
    model_spec,
    register,
    unregister,
)

#: (model name, training length) of every fit of a toy model
FITS: Counter = Counter()


class ToyForecaster(BaseForecaster):
    """Deterministic toy: the mean of the last ``window`` points plus ``shift``."""

    display_name = "Toy"

    def __init__(self, *, horizon: int = 12, window: int = 1, shift: float = 0.0):
        self.horizon = horizon
        self.window = window
        self.shift = shift

    def fit(self, y: pd.Series) -> Self:
        check_horizon(self.horizon)
        FITS[(type(self).display_name, len(y))] += 1
        self.level_ = float(y.iloc[-self.window :].mean()) + self.shift
        self.index_ = y.index
        return self

    def predict(self) -> pd.Series:
        self._check_fitted()
        idx = future_index(self.index_, self.horizon)
        return pd.Series(np.full(self.horizon, self.level_), index=idx)


class ToyA(ToyForecaster):
    display_name = "Toy A"


class ToyB(ToyForecaster):
    display_name = "Toy B"

    def __init__(self, *, horizon: int = 12, window: int = 6, shift: float = 5.0):
        super().__init__(horizon=horizon, window=window, shift=shift)


class ToyC(ToyForecaster):
    display_name = "Toy C"

    def __init__(self, *, horizon: int = 12, window: int = 3, shift: float = -9.0):
        super().__init__(horizon=horizon, window=window, shift=shift)


class ToyFail(ToyForecaster):
    """Fails on any series shorter than 1000 points."""

    display_name = "Toy fail"

    def fit(self, y: pd.Series) -> Self:
        FITS[(self.display_name, len(y))] += 1
        raise DataError(f"Toy fail needs at least 1000 points, got {len(y)}")


TOYS = (ToyA, ToyB, ToyC, ToyFail)
MEMBERS = ("Toy A", "Toy B", "Toy C")


@pytest.fixture(autouse=True)
def toys():
    for cls in TOYS:
        register(ModelSpec(cls.display_name, cls, kind="naive", baseline=True))
    FITS.clear()
    yield
    for cls in TOYS:
        unregister(cls.display_name)


@pytest.fixture
def y():
    n = 60
    t = np.arange(n)
    values = 100 + t + 8 * np.sin(2 * np.pi * t / 12)
    values += np.random.default_rng(1).normal(0, 2, n)
    return pd.Series(values, index=pd.date_range("2000-01", periods=n, freq="MS"))


def ensemble(**params):
    return EnsembleForecaster(horizon=4, members=MEMBERS, **params)


def member_forecasts(y, horizon=4, names=(ToyA, ToyB, ToyC)):
    return np.array([cls(horizon=horizon).fit(y).predict().to_numpy() for cls in names])


def test_registered_in_the_default_set_with_a_sentence():
    spec = model_spec("ensemble")
    assert spec.kind == "ensemble" and not spec.baseline
    assert "Ensemble" in default_models()
    assert spec.description.endswith(".") and "median" in spec.description
    assert EnsembleForecaster().members == ("ConvLSTM", "ETS", "Theta", "ARIMA")


def test_median_of_the_members(y):
    model = ensemble().fit(y)
    f = model.predict()
    np.testing.assert_allclose(f.to_numpy(), np.median(member_forecasts(y), axis=0))
    assert f.name == "Ensemble"
    assert f.index.equals(future_index(y.index, 4))
    assert list(model.members_) == list(MEMBERS)
    assert model.failed_ == {} and model.note_ == ""
    assert model.weights_ == pytest.approx(dict.fromkeys(MEMBERS, 1 / 3))


def test_weighted_mean_by_inverse_validation_mae(y):
    model = ensemble(combine="weighted").fit(y)
    head, tail = y.iloc[:-4], y.to_numpy()[-4:]
    mae = np.abs(member_forecasts(head) - tail).mean(axis=1)
    weights = (1 / mae) / (1 / mae).sum()
    assert model.validation_mae_ == pytest.approx(dict(zip(MEMBERS, mae, strict=True)))
    assert model.weights_ == pytest.approx(dict(zip(MEMBERS, weights, strict=True)))
    expected = weights @ member_forecasts(y)
    np.testing.assert_allclose(model.predict().to_numpy(), expected)


def test_inverse_mae_weights():
    w, missing = inverse_mae_weights(["a", "b", "c"], {"a": 1.0, "b": 3.0})
    assert missing == ["c"]
    raw = {"a": 1.0, "b": 1 / 3, "c": (1.0 + 1 / 3) / 2}
    total = sum(raw.values())
    assert w == pytest.approx({k: v / total for k, v in raw.items()})
    assert inverse_mae_weights(["a", "b"], {"a": 0.0, "b": 2.0})[0] == {
        "a": 1.0,
        "b": 0.0,
    }
    assert inverse_mae_weights(["a", "b"], {})[0] == {"a": 0.5, "b": 0.5}


def test_a_failing_member_is_reported_and_left_out(y):
    model = EnsembleForecaster(horizon=4, members=("Toy A", "Toy fail", "Toy B"))
    f = model.fit(y).predict()
    assert set(model.failed_) == {"Toy fail"}
    assert "at least 1000 points" in model.failed_["Toy fail"]
    assert "Toy fail left out" in model.note_
    assert list(model.forecasts_.columns) == ["Toy A", "Toy B"]
    expected = member_forecasts(y, names=(ToyA, ToyB)).mean(axis=0)
    np.testing.assert_allclose(f.to_numpy(), expected)


def test_every_member_failing_is_a_data_error_saying_why(y):
    with pytest.raises(DataError, match=r"no member .*\(Toy fail: .*1000 points"):
        EnsembleForecaster(horizon=4, members=("Toy fail",)).fit(y)


def test_a_short_series_drops_the_members_that_need_more(y):
    short = y.iloc[:20]
    model = EnsembleForecaster(horizon=4, members=("ARIMA", "ETS", "LSTM"))
    f = model.fit(short).predict()
    assert np.isfinite(f.to_numpy()).all()
    assert "LSTM" in model.failed_ and "ETS" in model.forecasts_.columns


@pytest.mark.parametrize(
    "params",
    [
        {"horizon": 0},
        {"combine": "mean"},
        {"members": ()},
        {"members": "ETS"},
        {"members": ("ETS", "nope")},
        {"members": ("ETS", "ets")},
        {"members": ("ETS", "Ensemble")},
        {"members": ("ETS", 3)},
        {"member_params": 3},
    ],
    ids=repr,
)
def test_bad_settings_raise_parameter_error(params, y):
    model = EnsembleForecaster(**params)
    assert model.get_params() == {**model.get_params(), **params}  # stored verbatim
    with pytest.raises(ParameterError):
        model.fit(y)


def test_member_params_reach_the_members():
    model = EnsembleForecaster(
        members=("Toy A",), member_params={"window": 3, "Toy A": {"shift": 2.0}}
    )
    member = model.make_member("toy a")
    assert member.get_params() == {"horizon": 12, "window": 3, "shift": 2.0}


def test_compare_fits_every_member_once(y):
    """The ensemble reuses the members' fold and final forecasts; a member that is
    not in the comparison (Toy C) is fitted for it, once per training set."""
    result = compare(
        y,
        models=["Toy A", "Toy B", "Ensemble"],
        horizon=4,
        folds=3,
        params={"Ensemble": {"members": MEMBERS}},
    )
    trains = [48, 52, 56, 60]  # the three folds, then the final fit
    assert Counter({(m, n): 1 for m in MEMBERS for n in trains}) == FITS
    assert list(result.summary.index) == ["Toy A", "Toy B", "Ensemble"]
    bt = result.backtest.forecasts
    for k, n in zip((1, 2, 3), trains[:3], strict=True):
        got = bt[(bt["model"] == "Ensemble") & (bt["fold"] == k)]["forecast"]
        expected = np.median(member_forecasts(y.iloc[:n]), axis=0)
        np.testing.assert_allclose(got.to_numpy(), expected)
    helpers = result.backtest.member_forecasts
    assert set(helpers["model"]) == {"Toy C"} and len(helpers) == 12
    future = result.future[result.future["model"] == "Ensemble"]["forecast"]
    np.testing.assert_allclose(future.to_numpy(), np.median(member_forecasts(y), 0))
    fitted = result.fitted["Ensemble"]
    assert set(fitted.members_) == set(MEMBERS)
    # conformal intervals, coverage and a verdict, like every other model
    lower = result.intervals[result.intervals["model"] == "Ensemble"]["lower_80"]
    assert len(lower) == 4 and np.isfinite(lower.to_numpy()).all()
    assert "Ensemble" in set(result.coverage["model"])
    row = metrics_table(result).set_index("Model").loc["Ensemble"]
    assert np.isfinite(row["MAE"]) and row["vs baseline"]


def test_weighted_in_a_backtest_is_the_fit_on_each_fold(y):
    """Weighted validation in a backtest uses the previous fold's forecasts (one
    extra fit per member for the first fold): the same numbers as fitting the
    ensemble on each fold's training data, with one fit per training set."""
    proto = ensemble(combine="weighted")
    result = backtest({"Toy A": ToyA(), "Ensemble": proto}, y, 4, 3)
    assert Counter({(m, n): 1 for m in MEMBERS for n in (44, 48, 52, 56)}) == FITS
    bt = result.forecasts
    for k, n in zip((1, 2, 3), (48, 52, 56), strict=True):
        got = bt[(bt["model"] == "Ensemble") & (bt["fold"] == k)]["forecast"]
        alone = ensemble(combine="weighted").fit(y.iloc[:n]).predict()
        np.testing.assert_allclose(got.to_numpy(), alone.to_numpy())


def test_a_failing_helper_member_does_not_stop_the_comparison(y):
    result = compare(
        y,
        models=["Toy A", "Ensemble"],
        horizon=4,
        folds=2,
        params={"Ensemble": {"members": ("Toy A", "Toy fail")}},
    )
    assert "Toy fail" in result.fitted["Ensemble"].failed_
    bt = result.backtest.forecasts
    a = bt[bt["model"] == "Toy A"]["forecast"].to_numpy()
    np.testing.assert_allclose(bt[bt["model"] == "Ensemble"]["forecast"], a)


def test_all_members_failing_in_a_backtest_names_the_fold(y):
    with pytest.raises(DataError, match=r"Ensemble, backtest fold 1/2 .*Toy fail"):
        backtest(
            {"Ensemble": EnsembleForecaster(horizon=4, members=("Toy fail",))},
            y,
            4,
            2,
        )


def test_weighted_final_forecast_is_the_fit_on_the_whole_series(y):
    """The final weights come from the last fold's errors: the same as fitting the
    weighted ensemble on all of ``y``, with no member fitted twice."""
    result = compare(
        y,
        models=["Toy A", "Ensemble"],
        horizon=4,
        folds=3,
        params={"Ensemble": {"members": MEMBERS, "combine": "weighted"}},
        levels=(),
    )
    assert Counter({(m, n): 1 for m in MEMBERS for n in (44, 48, 52, 56, 60)}) == FITS
    future = result.future[result.future["model"] == "Ensemble"]["forecast"]
    alone = ensemble(combine="weighted").fit(y)
    np.testing.assert_allclose(future.to_numpy(), alone.predict().to_numpy())
    assert result.fitted["Ensemble"].weights_ == pytest.approx(alone.weights_)
