"""ETS and Theta: registration, every bundled dataset, short and odd data."""

import re
import warnings

import numpy as np
import pandas as pd
import pytest

from convlstm import datasets, narrative
from convlstm.data import future_index
from convlstm.errors import DataError, ParameterError
from convlstm.models import ets, theta
from convlstm.models.arima import ARIMAForecaster
from convlstm.models.decompose import seasons_checked
from convlstm.models.ets import ETSForecaster
from convlstm.models.registry import (
    default_models,
    min_train_length,
    model_class,
    model_names,
    model_spec,
)
from convlstm.models.theta import ThetaForecaster

MODELS = [
    pytest.param(ETSForecaster, id="ETS"),
    pytest.param(ThetaForecaster, id="Theta"),
]
HORIZON = 5


@pytest.fixture(scope="module")
def y():
    n = 72
    t = np.arange(n)
    values = 50 + 0.5 * t + 10 * np.sin(2 * np.pi * t / 12)
    values += np.random.default_rng(0).normal(0, 1, n)
    idx = pd.date_range("2001-01-01", periods=n, freq="MS")
    return pd.Series(values, index=idx, name="value")


def yearly(n, start=100.0, seed=0):
    values = start + np.cumsum(np.random.default_rng(seed).normal(1, 3, n))
    return pd.Series(values, index=pd.date_range("1990", periods=n, freq="YS"))


# The estimator contract (predict before fit, fit returns self, the calendar, clone,
# same data same forecast, input untouched) is checked on every registered model,
# these two included, in tests/unit/test_contract.py.


@pytest.mark.parametrize("cls", MODELS)
def test_registered_as_statistical_baselines_with_their_minimum(cls):
    name = cls.display_name
    assert model_class(name) is cls
    assert name in model_names(kind="statistical", baseline=True)
    assert name in default_models()
    minimum = {ETSForecaster: ets.MIN_LENGTH, ThetaForecaster: theta.MIN_LENGTH}[cls]
    assert min_train_length([name], 12, 6) == minimum
    assert model_spec(name).description


@pytest.mark.parametrize("cls", MODELS)
def test_settings_stored_verbatim_and_chosen_model_recorded(cls, y):
    model = cls(horizon=HORIZON, season_length=12)
    assert model.get_params()["season_length"] == 12
    model.fit(y)
    assert model.clone().get_params() == model.get_params()
    assert isinstance(model.spec_, str) and model.spec_


@pytest.mark.parametrize("cls", MODELS)
@pytest.mark.parametrize("name", datasets.names())
def test_every_bundled_dataset_gets_a_finite_forecast(cls, name):
    series = datasets.load(name)
    horizon = datasets.info(name).horizon
    f = cls(horizon=horizon).fit(series).predict()
    assert len(f) == horizon
    assert np.isfinite(f.to_numpy()).all()
    assert f.index.equals(future_index(series.index, horizon))


@pytest.mark.parametrize("cls", MODELS)
def test_fourteen_point_yearly_series_gets_a_forecast(cls):
    f = cls(horizon=6).fit(yearly(14)).predict()
    assert len(f) == 6 and np.isfinite(f.to_numpy()).all()


@pytest.mark.parametrize("cls", MODELS)
def test_too_short_series_states_the_minimum(cls):
    with pytest.raises(DataError, match=r"3 points .* at least 5"):
        cls(horizon=2).fit(yearly(3))


@pytest.mark.parametrize("cls", MODELS)
@pytest.mark.parametrize(
    "params",
    [
        {"horizon": 0},
        {"horizon": 2.5},
        {"horizon": True},
        {"season_length": 0},
        {"season_length": "12"},
    ],
    ids=repr,
)
def test_bad_settings_raise_parameter_error(cls, params, y):
    with pytest.raises(ParameterError):
        cls(**params).fit(y)


@pytest.mark.parametrize("cls", MODELS)
def test_season_length_one_turns_the_season_off(cls, y):
    model = cls(horizon=HORIZON, season_length=1).fit(y)
    assert model.periods_ == ()


@pytest.mark.parametrize("cls", MODELS)
@pytest.mark.parametrize("shift", [0.0, -80.0], ids=["zeros", "negatives"])
def test_non_positive_data_never_gets_multiplicative_components(cls, shift, y):
    data = y - y.min() + shift  # the minimum becomes 0, or the series dips below 0
    model = cls(horizon=HORIZON).fit(data)
    assert np.isfinite(model.predict().to_numpy()).all()
    if cls is ETSForecaster:
        assert "M" not in model.spec_
        assert all("M" not in spec for spec in model.candidates_)
    else:
        assert model.seasonal_ != "multiplicative"


@pytest.mark.parametrize("cls", MODELS)
def test_quiet_no_warnings_and_no_output(cls, capfd):
    series = datasets.load("electricity")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        cls(horizon=48).fit(series).predict()
        cls(horizon=3).fit(yearly(14)).predict()
        cls(horizon=3).fit(yearly(6)).predict()
    assert caught == []
    out, err = capfd.readouterr()
    assert out == "" and err == ""


def test_ets_records_the_chosen_model_and_candidates(y):
    model = ETSForecaster(horizon=HORIZON).fit(y)
    assert re.fullmatch(r"ETS\([AM],(N|A|Ad),[NAM]\)", model.spec_)
    assert model.aicc_ == min(model.candidates_.values())
    assert model.periods_ == (12,)


def _crash() -> pd.Series:
    """Twenty years that rise and then fall fast: a damped trend whose slope
    follows its level carries the fall below zero."""
    values = np.r_[np.linspace(10, 100, 16), 95, 60, 20]
    return pd.Series(values, index=pd.date_range("2000", periods=19, freq="YS"))


def test_ets_passes_over_forms_that_forecast_below_zero_a_series_that_never_is():
    y = _crash()
    model = ETSForecaster(horizon=4).fit(y)
    assert model.passed_over_
    assert model.spec_ not in model.passed_over_
    assert all(model.candidates_[s] < model.aicc_ for s in model.passed_over_)
    assert (model.predict() >= 0).all()
    text = narrative.chosen_form_text("ETS", model)
    assert "it passed over ETS(" in text and "went below zero" in text
    # a series that goes below zero keeps the form of lowest AICc
    flipped = ETSForecaster(horizon=4).fit(y - 50)
    assert flipped.passed_over_ == []
    assert flipped.aicc_ == min(flipped.candidates_.values())
    assert "passed over" not in narrative.chosen_form_text("ETS", flipped)


def test_ets_keeps_the_best_form_when_every_form_forecasts_below_zero():
    model = ETSForecaster(horizon=4, error="A", trend="A", damped=True).fit(_crash())
    assert model.predict().min() < 0
    assert model.passed_over_ == []
    assert model.aicc_ == min(model.candidates_.values())


def test_ets_chosen_trend_is_damped_and_a_forced_one_tries_both(y):
    chosen = ETSForecaster(horizon=HORIZON).fit(y)
    assert not any(re.search(r",A,", spec) for spec in chosen.candidates_)
    assert any(re.search(r",Ad,", spec) for spec in chosen.candidates_)
    forced = ETSForecaster(horizon=HORIZON, trend="A").fit(y)
    trends = {re.search(r",(A|Ad),", spec).group(1) for spec in forced.candidates_}
    assert trends == {"A", "Ad"}


def test_ets_long_seasons_are_decomposed():
    model = ETSForecaster(horizon=48).fit(datasets.load("electricity"))
    assert model.periods_ == (48, 336)
    assert re.fullmatch(r"MSTL\(48, 336\) \+ ETS\([AM],(N|A|Ad),N\)", model.spec_)


@pytest.mark.parametrize(
    ("params", "pattern"),
    [
        ({"error": "A", "trend": "N", "season": "N"}, r"ETS\(A,N,N\)"),
        ({"error": "M", "trend": "A", "damped": True}, r"ETS\(M,Ad,[NAM]\)"),
        ({"trend": "A", "damped": False, "season": "A"}, r"ETS\([AM],A,A\)"),
    ],
)
def test_ets_forced_components(params, pattern, y):
    model = ETSForecaster(horizon=HORIZON, **params).fit(y)
    assert re.fullmatch(pattern, model.spec_)


@pytest.mark.parametrize(
    "params",
    [
        {"error": "X"},
        {"trend": "M"},
        {"trend": "Ad"},
        {"damped": 1},
        {"season": "mul"},
    ],
    ids=repr,
)
def test_ets_bad_component_settings(params, y):
    with pytest.raises(ParameterError):
        ETSForecaster(**params).fit(y)


def test_ets_forced_multiplicative_on_negative_data_is_a_data_error(y):
    with pytest.raises(DataError, match="strictly positive"):
        ETSForecaster(error="M").fit(y - 100)


@pytest.mark.parametrize("cls", MODELS)
@pytest.mark.parametrize("value", [0.0, 5.0, -2.0])
def test_constant_series_forecasts_the_constant(cls, value):
    data = pd.Series(
        np.full(30, value), index=pd.date_range("2000", periods=30, freq="MS")
    )
    f = cls(horizon=4).fit(data).predict()
    np.testing.assert_allclose(f.to_numpy(), value, atol=1e-9)


def test_ets_falls_back_to_least_squares_ses_when_no_candidate_fits():
    zeros = pd.Series(np.zeros(12), index=pd.date_range("2000", periods=12, freq="YS"))
    model = ETSForecaster(horizon=3).fit(zeros)
    assert model.spec_ == "ETS(A,N,N) by least squares"
    assert np.isnan(model.aicc_)


def _hourly(n, weekend=0.0, seed=0):
    t = np.arange(n)
    values = 50 + 20 * np.sin(2 * np.pi * t / 24)
    values += np.random.default_rng(seed).normal(0, 2, n)
    values += np.where((t // 24) % 7 >= 5, weekend, 0.0)
    return pd.Series(values, index=pd.date_range("2024-01-01", periods=n, freq="h"))


@pytest.mark.parametrize("cls", [*MODELS, pytest.param(ARIMAForecaster, id="ARIMA")])
def test_a_week_that_only_repeats_the_day_is_not_a_season(cls):
    # 30 days of hourly data with a daily cycle only: the lag of 168 hours
    # correlates on the day alone; the week was modelled from noise
    assert cls(horizon=24).fit(_hourly(720)).periods_ == (24,)
    # weekends 4 lower (2 noise-SDs): a weekly season
    assert cls(horizon=24).fit(_hourly(720, weekend=-4)).periods_ == (24, 168)


def test_seasons_checked_keeps_real_weeks_and_drops_repeated_days():

    x = datasets.load("electricity").to_numpy(dtype=float)
    assert seasons_checked(x, (48, 336)) == (48, 336)
    drift = _hourly(2000).to_numpy() + np.cumsum(
        np.random.default_rng(1).normal(0, 0.3, 2000)
    )  # a wandering level: not a week either
    assert seasons_checked(drift, (24, 168)) == (24,)
    # short seasons that repeat none are left to the models' own choice
    assert seasons_checked(np.arange(800.0), (5, 7)) == (5, 7)


def test_a_random_walk_of_prices_gets_no_yearly_season():
    # three years of daily closes: the "yearly profile" of a random walk's
    # wanderings took ETS's next forecast from 4,063 to -4,386
    rng = np.random.default_rng(4)
    days = pd.date_range("2021-01-01", periods=1095, freq="D")
    price = pd.Series(1000 * np.exp(np.cumsum(rng.normal(0, 0.03, 1095))), days)
    model = ETSForecaster(horizon=30).fit(price)
    assert 365 not in model.periods_
    assert abs(model.predict().iloc[0] / price.iloc[-1] - 1) < 0.02
    # a shop's spring peak is a year: kept (tested on the log scale, where the
    # weekend peak that grows with it is one profile)
    doy = days.day_of_year.to_numpy()
    week = np.where(days.day_of_week >= 5, 1.6, 1.0)
    sales = 1000 * week * (0.6 + 0.8 * np.exp(-0.5 * ((doy - 120) / 40) ** 2))
    sales *= rng.lognormal(0, 0.1, 1095)
    assert seasons_checked(sales, (7, 365)) == (7, 365)


def test_arima_decomposes_a_long_hourly_series_instead_of_a_slow_sarima():
    m = ARIMAForecaster(horizon=24).fit(_hourly(5000))
    assert m.periods_ == (24,) and m.method_.startswith("STL(24) + ARIMA(")
    assert ARIMAForecaster(horizon=24).fit(_hourly(720)).method_.startswith("SARIMA(")
