"""Metrics against hand-computed values."""

import math

import numpy as np
import pandas as pd
import pytest

from convlstm import metrics
from convlstm.errors import DataError

Y = [1.0, 2.0, 4.0]
F = [2.0, 2.0, 1.0]  # errors -1, 0, 3


def test_mae_rmse():
    assert metrics.mae(Y, F) == pytest.approx(4 / 3)
    assert metrics.rmse(Y, F) == pytest.approx(math.sqrt(10 / 3))


@pytest.mark.parametrize("scale", [1e-300, 1e-160, 1e200])
def test_rmse_of_tiny_or_huge_errors_neither_underflows_nor_overflows(scale):
    # squared, errors of 1e-300 are 0 and of 1e200 are inf
    y = [scale * v for v in Y]
    f = [scale * v for v in F]
    assert metrics.rmse(y, f) == pytest.approx(scale * math.sqrt(10 / 3), rel=1e-12)


def test_mape_smape():
    # |e| / |y| = 1, 0, 0.75
    assert metrics.mape(Y, F) == pytest.approx(100 * 1.75 / 3)
    # 2|e| / (|y| + |f|) = 2/3, 0, 6/5
    assert metrics.smape(Y, F) == pytest.approx(100 * (2 / 3 + 6 / 5) / 3)


def test_mape_ignores_zero_actuals_and_nan_when_all_zero():
    assert metrics.mape([0.0, 2.0], [5.0, 1.0]) == pytest.approx(50.0)
    assert math.isnan(metrics.mape([0.0, 0.0], [1.0, 2.0]))


def test_smape_both_zero_is_perfect():
    assert metrics.smape([0.0, 1.0], [0.0, 1.0]) == 0.0


def test_mase_seasonal_scale():
    train = [1.0, 2.0, 3.0, 5.0, 4.0, 8.0]
    # season 2: |3-1|, |5-2|, |4-3|, |8-5| -> mean 9/4
    assert metrics.mase([10.0, 10.0], [11.0, 7.0], train, season_length=2) == (
        pytest.approx(2.0 / (9 / 4))
    )
    # season 1: diffs 1, 1, 2, 1, 4 -> mean 9/5
    assert metrics.mase([10.0], [11.0], train) == pytest.approx(1 / (9 / 5))


def test_mase_falls_back_to_lag_one_for_short_train():
    train = [1.0, 3.0, 4.0]  # shorter than a season of 4: lag-1 scale 1.5
    assert metrics.mase([0.0], [3.0], train, season_length=4) == pytest.approx(2.0)


def test_mase_zero_scale():
    assert math.isnan(metrics.mase([1.0], [2.0], [5.0, 5.0, 5.0]))
    assert metrics.mase([1.0], [1.0], [5.0, 5.0, 5.0]) == 0.0
    # a constant series forecast to round-off (ETS: 4.999999999999997) is exact
    assert metrics.mase([5.0], [5.0 - 3e-15], [5.0, 5.0, 5.0]) == 0.0
    assert math.isnan(metrics.mase([5.0], [5.001], [5.0, 5.0, 5.0]))
    with pytest.raises(DataError, match="at least 2"):
        metrics.mase([1.0], [1.0], [5.0])


def test_array_likes_and_floats():
    s = pd.Series(Y)
    out = metrics.mae(s, np.array(F))
    assert isinstance(out, float)


def test_mismatched_or_empty():
    with pytest.raises(DataError, match="differ in length"):
        metrics.mae([1.0, 2.0], [1.0])
    with pytest.raises(DataError, match="empty"):
        metrics.rmse([], [])


def test_mase_scale_needs_two_seasons_for_the_seasonal_lag():
    # 54 weeks of a random walk: lag 52 would rest on two differences
    rng = np.random.default_rng(3)
    train = np.cumsum(rng.normal(size=54))
    assert metrics.mase_scale(train, 52) == pytest.approx(
        np.mean(np.abs(np.diff(train)))
    )
    long = np.cumsum(rng.normal(size=104))
    assert metrics.mase_scale(long, 52) == pytest.approx(
        np.mean(np.abs(long[52:] - long[:-52]))
    )
