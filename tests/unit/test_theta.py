"""Theta-specific checks: the seasonality test, SES and the forecast formula."""

import numpy as np
import pandas as pd
import pytest

from convlstm import datasets
from convlstm.errors import ParameterError
from convlstm.models.theta import (
    ThetaForecaster,
    optimised_theta,
    seasonality_test,
    ses,
)


def monthly(values):
    idx = pd.date_range("2000-01-01", periods=len(values), freq="MS")
    return pd.Series(np.asarray(values, dtype=float), index=idx)


def test_seasonality_test_finds_a_seasonal_cycle_and_not_noise():
    t = np.arange(72)
    seasonal = 100 + 10 * np.sin(2 * np.pi * t / 12)
    noise = 100 + np.random.default_rng(1).normal(0, 1, 72)
    assert seasonality_test(seasonal, 12)
    assert not seasonality_test(noise, 12)
    assert not seasonality_test(np.full(72, 3.0), 12)
    assert not seasonality_test(seasonal[:10], 12)


def test_ses_on_a_constant_series_returns_the_constant():
    alpha, level = ses(np.full(20, 7.0))
    assert level == pytest.approx(7.0)
    assert 0 < alpha < 1


def test_ses_follows_a_random_walk_with_alpha_near_one():
    walk = np.cumsum(np.random.default_rng(0).normal(0, 1, 300))
    alpha, level = ses(walk)
    assert alpha > 0.9
    assert level == pytest.approx(walk[-1], abs=0.2)


def test_ses_minimises_the_squared_one_step_errors():
    z = 10 + np.random.default_rng(2).normal(0, 1, 60)

    def sse(alpha, l0):
        level, total = l0, 0.0
        for v in z:
            total += (v - level) ** 2
            level += alpha * (v - level)
        return total

    alpha, _ = ses(z)
    # the closed-form initial level at the chosen alpha beats nearby levels and alphas
    grid = [(a, l0) for a in (0.05, 0.2, 0.5) for l0 in (9.0, 10.0, 11.0)]
    best_grid = min(sse(a, l0) for a, l0 in grid)
    level0 = np.mean(z[:5])
    assert min(sse(alpha, level0 + d) for d in np.linspace(-1, 1, 41)) <= best_grid


def test_linear_series_is_continued_with_half_its_drift():
    y = monthly(5 + 2 * np.arange(40))
    half = ThetaForecaster(horizon=3, season_length=1).fit(y)
    assert half.drift_ == pytest.approx(2.0)
    steps = np.diff(np.r_[y.iloc[-1], half.predict().to_numpy()])
    # SES (alpha near 1) ends at the last value; each step adds half the slope
    assert steps[0] == pytest.approx(1.0, abs=1e-3)
    assert np.all(steps[1:] == pytest.approx(1.0, rel=1e-9))


def test_seasonal_series_is_deseasonalised_multiplicatively():
    t = np.arange(96)
    y = monthly((100 + t) * (1 + 0.2 * np.sin(2 * np.pi * t / 12)))
    model = ThetaForecaster(horizon=12).fit(y)
    assert model.seasonal_ == "multiplicative"
    assert model.periods_ == (12,)
    f = model.predict().to_numpy()
    expected = (100 + np.arange(96, 108)) * (
        1 + 0.2 * np.sin(2 * np.pi * np.arange(96, 108) / 12)
    )
    assert np.max(np.abs(f / expected - 1)) < 0.05


def test_no_season_when_the_test_fails():
    y = monthly(100 + np.random.default_rng(3).normal(0, 1, 60))
    model = ThetaForecaster(horizon=4).fit(y)
    assert model.seasonal_ == "none" and model.periods_ == ()
    assert model.spec_ == "Theta"


@pytest.mark.parametrize("theta", [0.5, "2", "auto", float("nan"), True])
def test_bad_theta(theta):
    with pytest.raises(ParameterError, match="theta"):
        ThetaForecaster(theta=theta).fit(monthly(np.arange(1.0, 30.0)))


def test_theta_one_is_plain_ses():
    y = monthly(np.cumsum(np.random.default_rng(4).normal(1, 1, 50)))
    f = ThetaForecaster(horizon=4, theta=1, season_length=1).fit(y).predict()
    assert np.ptp(f.to_numpy()) == pytest.approx(0.0, abs=1e-9)


def ses_path(z, alpha, drift, w):
    """One-step fitted values of SES plus ``w`` times the Theta drift term, with the
    initial level solved by least squares, written as a plain loop."""
    t = np.arange(len(z), dtype=float)
    c = (1 - alpha) ** t
    g = np.zeros(len(z))
    for i in range(1, len(z)):
        g[i] = (1 - alpha) * g[i - 1] + alpha * z[i - 1]
    d = drift * (1 - c) / alpha
    level0 = np.dot(c, z - g - w * d) / np.dot(c, c)
    return g + c * level0, w * d


def test_optimised_theta_fits_at_least_as_well_as_the_standard_one():
    rng = np.random.default_rng(6)
    z = 50 + 0.8 * np.arange(80) + np.cumsum(rng.normal(0, 1, 80))
    drift = np.polyfit(np.arange(80.0), z, 1)[0]
    alpha, level, w = optimised_theta(z, drift)
    assert 0 <= w <= 0.999 and 0 < alpha < 1
    fitted_level, trend = ses_path(z, alpha, drift, w)
    otm_sse = float(np.sum((z - fitted_level - trend) ** 2))
    assert level == pytest.approx(fitted_level[-1] + alpha * (z[-1] - fitted_level[-1]))
    # the standard Theta (w = 1/2, SES fitted alone) is one of the models searched
    stm_alpha, _ = ses(z)
    stm_level, stm_trend = ses_path(z, stm_alpha, drift, 0.5)
    assert otm_sse <= float(np.sum((z - stm_level - stm_trend) ** 2)) * (1 + 1e-6)


def test_theta_none_estimates_theta_and_records_it():
    t = np.arange(60)
    y = monthly(10 + 3 * t + np.random.default_rng(7).normal(0, 1, 60))
    model = ThetaForecaster(horizon=6, theta=None, season_length=1).fit(y)
    assert 1 <= model.theta_ <= 1000
    assert model.theta_ > 2  # a clean trend wants more than half its drift
    assert model.spec_.startswith("OTM (theta ")
    f = model.predict()
    assert np.isfinite(f.to_numpy()).all()
    assert model.clone().get_params()["theta"] is None


@pytest.mark.parametrize("name", datasets.names())
def test_optimised_theta_on_every_bundled_dataset(name):
    series = datasets.load(name)
    horizon = datasets.info(name).horizon
    f = ThetaForecaster(horizon=horizon, theta=None).fit(series).predict()
    assert len(f) == horizon and np.isfinite(f.to_numpy()).all()


def test_seasonality_test_autocorrelations_match_the_direct_sum():
    x = np.random.default_rng(8).normal(0, 1, 200) + np.sin(np.arange(200) / 2)
    d = x - x.mean()
    for m in (4, 12, 30):
        r = np.array([np.dot(d[k:], d[:-k]) for k in range(1, m + 1)]) / np.dot(d, d)
        bound = 1.6448536269514722 * np.sqrt((1 + 2 * np.sum(r[:-1] ** 2)) / 200)
        assert seasonality_test(x, m) == (abs(r[-1]) > bound)
