"""The panel contract: every local model fits one clone per series of a long frame
and forecasts them all; a global model (the neural ones) fits one model on all
series and forecasts them all; a failing series is reported, the rest kept; models
that do not take a panel say so."""

import numpy as np
import pandas as pd
import pytest

from convlstm import DataError, PanelFitWarning, ParameterError
from convlstm.compare import MODEL_NAMES, make_model
from convlstm.data import future_index
from tests.unit.test_contract import HORIZON, TINY

ALL = [pytest.param(name, id=name) for name in MODEL_NAMES]


def build(name):
    return make_model(name, horizon=HORIZON, **TINY)


def _series(seed, n, start="2001-01-01"):
    t = np.arange(n)
    values = 50 + 0.3 * t + 10 * np.sin(2 * np.pi * t / 12)
    values += np.random.default_rng(seed).normal(0, 1, n)
    return pd.Series(values, index=pd.date_range(start, periods=n, freq="MS"))


def _panel(series):
    frame = pd.concat(
        [
            pd.DataFrame({"series": k, "time": y.index, "value": y.to_numpy()})
            for k, y in series.items()
        ],
        ignore_index=True,
    )
    frame.attrs["freq"] = "MS"
    return frame


@pytest.fixture(scope="module")
def parts():
    return {"a": _series(0, 72), "b": _series(1, 60, start="2002-01-01")}


@pytest.mark.parametrize("name", ALL)
def test_panel_fit_forecasts_every_series_as_alone(name, parts):
    model = build(name)
    if not model.supports_panel:
        with pytest.raises(DataError, match="does not take a panel"):
            model.fit(_panel(parts))
        return
    assert model.fit(_panel(parts)) is model
    assert model.is_fitted
    assert model.fitted_on_panel
    assert model.failed_ == {}
    f = model.predict()
    assert list(f.columns) == ["series", "time", "forecast"]
    assert f["series"].tolist() == ["a"] * HORIZON + ["b"] * HORIZON
    assert np.isfinite(f["forecast"]).all()
    for key, y in parts.items():
        got = f.loc[f["series"] == key]
        assert pd.DatetimeIndex(got["time"]).equals(future_index(y.index, HORIZON))
        if model.panel_mode == "local":
            alone = build(name).fit(y).predict()
            np.testing.assert_allclose(got["forecast"].to_numpy(), alone.to_numpy())
    # a series in, a series out, as before
    assert isinstance(model.fit(parts["a"]).predict(), pd.Series)
    assert not model.fitted_on_panel


@pytest.mark.parametrize("name", ALL)
def test_one_failing_series_is_reported_and_the_rest_kept(name, parts):
    model = build(name)
    if not model.supports_panel:
        return  # no panel path: the test above checks the refusal
    bad = parts["b"].copy()
    bad.iloc[5] = np.inf
    with pytest.warns(PanelFitWarning, match="1 of 2 series could not be fitted"):
        model.fit(_panel({"a": parts["a"], "bad": bad}), n_jobs=1)
    if model.panel_mode == "local":
        assert list(model.series_models_) == ["a"]
    assert "infinite" in model.failed_["bad"]
    f = model.predict()
    assert set(f["series"]) == {"a"}
    assert f.attrs["failed"] == model.failed_


def test_processes_give_the_same_forecasts(parts):
    panel = _panel(parts)
    one = make_model("Seasonal naive", horizon=HORIZON).fit(panel, n_jobs=1).predict()
    two = make_model("Seasonal naive", horizon=HORIZON).fit(panel, n_jobs=2).predict()
    pd.testing.assert_frame_equal(one, two)


def test_a_bad_setting_fails_the_whole_panel(parts):
    with pytest.raises(ParameterError):
        make_model("Naive", horizon=0).fit(_panel(parts))
    with pytest.raises(ParameterError, match="n_jobs"):
        make_model("Naive", horizon=3).fit(_panel(parts), n_jobs=0)


def test_every_series_failing_is_a_data_error(parts):
    bad = parts["a"].copy()
    bad.iloc[0] = np.nan
    with pytest.raises(DataError, match="no series of the panel could be fitted"):
        make_model("Naive", horizon=3).fit(_panel({"x": bad}))


def test_a_frame_that_is_not_a_panel_is_a_data_error():
    with pytest.raises(DataError, match="columns series, time and value"):
        make_model("Naive", horizon=3).fit(pd.DataFrame({"date": [1], "v": [2]}))
