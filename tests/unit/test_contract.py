"""The estimator contract on every forecaster (neural ones with tiny settings)."""

import numpy as np
import pandas as pd
import pytest

from convlstm.compare import MODEL_NAMES, make_model
from convlstm.data import future_index
from convlstm.errors import NotFittedError

# Tiny settings: the contract is about behaviour, not accuracy.
TINY = {
    "epochs": 2,
    "hidden_size": 4,
    "lookback": 12,
    "batch_size": 16,
    "num_layers": 1,
    "seed": 0,
    "device": "cpu",
}
# The ensemble's members get the same tiny settings.
TINY["member_params"] = dict(TINY)
HORIZON = 5


ALL = [pytest.param(name, id=name) for name in MODEL_NAMES]


def build(name):
    return make_model(name, horizon=HORIZON, **TINY)


@pytest.fixture(scope="module")
def y():
    n = 72
    t = np.arange(n)
    values = 50 + 0.5 * t + 10 * np.sin(2 * np.pi * t / 12)
    values += np.random.default_rng(0).normal(0, 1, n)
    idx = pd.date_range("2001-01-01", periods=n, freq="MS")
    return pd.Series(values, index=idx, name="value")


@pytest.mark.parametrize("name", ALL)
def test_predict_before_fit_raises(name):
    with pytest.raises(NotFittedError):
        build(name).predict()


@pytest.mark.parametrize("name", ALL)
def test_fit_returns_self_and_forecast_continues_calendar(name, y):
    model = build(name)
    assert model.fit(y) is model
    assert model.is_fitted
    f = model.predict()
    assert isinstance(f, pd.Series)
    assert len(f) == HORIZON
    assert f.dtype == float
    assert np.isfinite(f.to_numpy()).all()
    assert f.index.equals(future_index(y.index, HORIZON))
    assert f.index.freq is not None and f.index.freq == y.index.freq
    assert f.index[0] == y.index[-1] + y.index.freq
    assert f.name == model.display_name


@pytest.mark.parametrize("name", ALL)
def test_clone_round_trip(name, y):
    model = build(name)
    model.fit(y)
    twin = model.clone()
    assert type(twin) is type(model)
    assert twin.get_params() == model.get_params()
    assert not twin.is_fitted
    with pytest.raises(NotFittedError):
        twin.predict()
    assert repr(twin) == repr(model)
    # scikit-learn's clone (what GridSearchCV calls) works too
    from sklearn.base import clone

    other = clone(model)
    assert type(other) is type(model) and not other.is_fitted
    assert repr(other) == repr(model)


@pytest.mark.parametrize("name", ALL)
def test_same_seed_same_forecast(name, y):
    a = build(name).fit(y).predict()
    b = build(name).fit(y).predict()
    pd.testing.assert_series_equal(a, b)


@pytest.mark.parametrize("name", ALL)
def test_does_not_modify_input(name, y):
    before = y.copy()
    build(name).fit(y)
    pd.testing.assert_series_equal(y, before)
    assert y.index.freq == before.index.freq


def test_panel_only_fit_arguments_on_one_series_are_a_clear_error(y):
    from convlstm import ParameterError

    with pytest.raises(ParameterError, match="n_jobs applies to a panel"):
        build("ETS").fit(y, n_jobs=2)


@pytest.mark.parametrize("name", ["ETS", "Seasonal naive"])
def test_predict_with_a_horizon_says_it_is_a_setting(name, y):
    from convlstm import ParameterError

    model = build(name).fit(y)
    for call in (lambda: model.predict(6), lambda: model.predict(horizon=6)):
        with pytest.raises(ParameterError, match="predict\\(\\) takes no horizon"):
            call()
