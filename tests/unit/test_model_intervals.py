"""ETS's own prediction intervals and ``intervals.model_intervals`` beside the
conformal ones (compare, report)."""

import warnings

import numpy as np
import pandas as pd
import pytest

from convlstm import datasets
from convlstm.compare import compare
from convlstm.errors import NotFittedError, ParameterError
from convlstm.intervals import model_intervals
from convlstm.models.ets import ETSForecaster
from convlstm.models.theta import ThetaForecaster
from convlstm.report import build_report


@pytest.fixture(scope="module")
def air():
    return datasets.load("air_passengers")


@pytest.fixture(scope="module")
def air_ets(air):
    return ETSForecaster(horizon=12).fit(air)


def test_ets_95_interval_contains_the_point_forecast_and_widens(air_ets):
    out = air_ets.predict_interval((0.8, 0.95))
    point = air_ets.predict()
    pd.testing.assert_index_equal(out.index, point.index)
    np.testing.assert_allclose(out["forecast"], point)
    assert (out["lower_95"] < point).all() and (point < out["upper_95"]).all()
    assert (out["lower_95"] < out["lower_80"]).all()
    assert (out["upper_80"] < out["upper_95"]).all()
    # a multiplicative season scales the band with the level, so compare
    # widths relative to the forecast: a year ahead is wider than a month ahead
    rel = (out["upper_95"] - out["lower_95"]) / out["forecast"]
    assert rel.iloc[-1] > 1.5 * rel.iloc[0]
    assert out.attrs["levels"] == [0.8, 0.95]


def test_ets_multiplicative_model_is_simulated_with_a_note_and_repeatable(air_ets):
    assert "M" in air_ets.spec_.split("(")[1]  # air_passengers: multiplicative
    a = air_ets.predict_interval(0.95)
    b = air_ets.predict_interval(0.95)
    assert a.attrs["method"] == "simulated"
    assert any("simulated" in n for n in a.attrs["notes"])
    pd.testing.assert_frame_equal(a, b)


def test_ets_additive_model_has_closed_form_intervals_like_statsmodels(air):
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    model = ETSForecaster(horizon=12, error="A", trend="A", damped=True, season="A")
    out = model.fit(air).predict_interval((0.8, 0.95))
    assert out.attrs["method"] == "exact" and out.attrs["notes"] == []
    width = (out["upper_95"] - out["lower_95"]).to_numpy()
    assert (np.diff(width) > 0).all()  # widens with every step
    # statsmodels' own get_prediction on the same (pandas-indexed) model
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = (
            ETSModel(
                air,
                error="add",
                trend="add",
                damped_trend=True,
                seasonal="add",
                seasonal_periods=12,
                initialization_method="heuristic",
            )
            .fit(disp=False)
            .get_prediction(start=len(air), end=len(air) + 11)
            .summary_frame(alpha=0.05)
        )
    np.testing.assert_allclose(out["lower_95"], ref["pi_lower"], rtol=1e-6)
    np.testing.assert_allclose(out["upper_95"], ref["pi_upper"], rtol=1e-6)


def test_ets_without_a_model_falls_back_with_a_note():
    zeros = pd.Series(np.zeros(12), index=pd.date_range("2000", periods=12, freq="YS"))
    model = ETSForecaster(horizon=3).fit(zeros)
    out = model.predict_interval()
    assert out[["lower_95", "upper_95"]].isna().all(axis=None)
    assert out.attrs["method"] is None
    assert "no model intervals" in out.attrs["notes"][0]
    assert "conformal" in out.attrs["notes"][0]
    collected = model_intervals({"ETS": model})
    assert collected.empty and "no model intervals" in collected.attrs["notes"][0]


@pytest.mark.parametrize("days", [14, 15])  # 14: the weekly cycle fits just twice
def test_decomposed_ets_adds_the_season_to_its_bounds(days):
    n = 48 * days
    t = np.arange(n)
    y = pd.Series(
        100
        + 10 * np.sin(2 * np.pi * t / 48)
        + np.random.default_rng(0).normal(0, 1, n),
        index=pd.date_range("2020-01-01", periods=n, freq="30min"),
    )
    model = ETSForecaster(horizon=48).fit(y)
    assert model.spec_.startswith(("STL", "MSTL"))
    out = model.predict_interval(0.95)
    point = model.predict()
    assert (out["lower_95"] < point).all() and (point < out["upper_95"]).all()
    assert any("decomposition" in n for n in out.attrs["notes"])


def test_predict_interval_errors(air):
    with pytest.raises(NotFittedError):
        ETSForecaster().predict_interval()
    with pytest.raises(ParameterError):
        ETSForecaster(horizon=3).fit(air).predict_interval((0.8, 1.5))


def test_model_intervals_collects_models_that_have_them(air, air_ets):
    theta = ThetaForecaster(horizon=12).fit(air)
    out = model_intervals({"ETS": air_ets, "Theta": theta}, (0.8, 0.95))
    assert set(out["model"]) == {"ETS"}
    assert list(out["step"]) == list(range(1, 13))
    assert {"lower_80", "upper_80", "lower_95", "upper_95", "method"} <= set(
        out.columns
    )
    assert out["method"].iloc[0] == "simulated"


def test_compare_shows_model_intervals_beside_conformal_ones(air):
    cmp = compare(air, models=["ETS", "Seasonal naive"], horizon=12, folds=2)
    own = cmp.model_intervals
    assert own is not None and set(own["model"]) == {"ETS"}
    # the conformal ones stay the default for every model
    assert set(cmp.intervals["model"]) == {"ETS", "Seasonal naive"}
    html = build_report(air, cmp, record=cmp.record)
    assert 'id="model-intervals"' in html
    assert "95% conformal" in html and "95% model" in html
    assert "simulated paths" in html  # its note is listed with the others
