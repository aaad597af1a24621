"""choose_season: the seasonal naive season picked by validation on the training end."""

import numpy as np
import pytest

from convlstm.errors import ParameterError
from convlstm.models.season_choice import choose_season, naive_lags, season_errors


def half_hourly(weeks, weekly_effect, seed=0):
    t = np.arange(weeks * 336)
    daily = 100 * np.sin(2 * np.pi * t / 48)
    weekend = np.where((t // 48) % 7 >= 5, -weekly_effect, 0.0)
    noise = np.random.default_rng(seed).normal(0, 1, len(t))
    return 1000 + daily + weekend + noise


def test_weekly_pattern_picks_the_week():
    assert choose_season(half_hourly(6, 300.0), [48, 336], 48) == 336


def test_pure_daily_pattern_picks_the_day():
    assert choose_season(half_hourly(6, 0.0), [48, 336], 48) == 48


def test_errors_match_a_rolling_origin_loop():
    rng = np.random.default_rng(5)
    x = rng.normal(0, 1, 500)
    got = season_errors(x, [7, 24], 10, windows=3)
    for m in (7, 24):
        errors = []
        for k in range(3):
            origin = len(x) - (3 - k) * 10
            for j in range(1, 11):
                source = origin + j - 1 - m * int(np.ceil(j / m))
                errors.append(abs(x[origin + j - 1] - x[source]))
        assert got[m] == pytest.approx(np.mean(errors))


def test_only_past_points_are_used():
    x = half_hourly(4, 300.0)
    base = season_errors(x, [48, 336], 48)
    # changing the points before the scored window's sources changes nothing
    changed = x.copy()
    changed[: len(x) - 3 * 48 - 336] = -1e6
    assert season_errors(changed, [48, 336], 48) == base


def test_ties_go_to_the_shorter_season():
    x = np.tile([1.0, 2.0], 50)
    assert choose_season(x, [4, 2], 3) == 2


def test_short_data_and_no_candidates():
    assert season_errors(np.arange(10.0), [48], 4) == {}
    assert choose_season(np.arange(10.0), [48, 8], 4) == 8
    assert choose_season(np.arange(10.0), [48, 336], 4) == 48
    assert choose_season(np.arange(10.0), [], 4) == 1


@pytest.mark.parametrize(
    ("candidates", "horizon", "windows"),
    [([0], 4, 3), ([2.5], 4, 3), ([12], 0, 3), ([12], 4, 0), ([True], 4, 3)],
)
def test_bad_settings(candidates, horizon, windows):
    with pytest.raises(ParameterError):
        choose_season(np.arange(100.0), candidates, horizon, windows=windows)


def test_naive_lags_keep_the_place_in_the_shortest_cycle():
    assert naive_lags((7, 365)) == (7, 364)  # a year back on the same weekday
    assert naive_lags((48, 336)) == (48, 336)
    assert naive_lags((24, 168)) == (24, 168)
    assert naive_lags((12,)) == (12,)
    assert naive_lags(()) == ()


def test_a_shop_year_back_is_the_same_weekday():
    # three years of daily sales: weekends high, a spring peak; the spring ahead
    # is last spring's, on the same weekdays
    import pandas as pd

    from convlstm.models.baselines import SeasonalNaiveForecaster

    days = pd.date_range("2023-03-01", "2026-02-28", freq="D")
    doy = days.day_of_year.to_numpy()
    weekend = np.where(days.day_of_week >= 5, 800.0, 0.0)
    spring = 1000 * np.exp(-(((doy - 125) / 30.0) ** 2))
    noise = np.random.default_rng(0).normal(0, 20, len(days))
    y = pd.Series(1000 + weekend + spring + noise, index=days)
    model = SeasonalNaiveForecaster(horizon=90).fit(y)
    assert model.season_length_ == 364
    forecast = model.predict()
    weekend_ahead = forecast.index.day_of_week >= 5
    assert forecast[weekend_ahead].mean() - forecast[~weekend_ahead].mean() > 600
