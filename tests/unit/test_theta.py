"""Theta-specific checks: the seasonality test, SES and the forecast formula."""

import numpy as np
import pandas as pd
import pytest

from convlstm.errors import ParameterError
from convlstm.models.theta import ThetaForecaster, seasonality_test, ses


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


@pytest.mark.parametrize("theta", [0.5, "2", None, float("nan"), True])
def test_bad_theta(theta):
    with pytest.raises(ParameterError, match="theta"):
        ThetaForecaster(theta=theta).fit(monthly(np.arange(1.0, 30.0)))


def test_theta_one_is_plain_ses():
    y = monthly(np.cumsum(np.random.default_rng(4).normal(1, 1, 50)))
    f = ThetaForecaster(horizon=4, theta=1, season_length=1).fit(y).predict()
    assert np.ptp(f.to_numpy()) == pytest.approx(0.0, abs=1e-9)
