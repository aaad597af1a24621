"""Rolling-origin backtest: fold layout, no leakage, summaries, validation."""

from typing import Self

import numpy as np
import pandas as pd
import pytest

from convlstm.backtest import backtest
from convlstm.errors import DataError, ParameterError
from convlstm.models.base import BaseForecaster
from convlstm.models.baselines import NaiveForecaster, SeasonalNaiveForecaster

SEEN: list[pd.Timestamp] = []


class Spy(BaseForecaster):
    """Records the last timestamp it was trained on; forecasts the training mean."""

    display_name = "Spy"

    def __init__(self, *, horizon: int = 12) -> None:
        self.horizon = horizon

    def fit(self, y: pd.Series) -> Self:
        SEEN.append(y.index.max())
        self.mean_ = float(y.mean())
        self.index_ = y.index
        return self

    def predict(self) -> pd.Series:
        self._check_fitted()
        from convlstm.data import future_index

        idx = future_index(self.index_, self.horizon)
        return pd.Series(self.mean_, index=idx, name=self.display_name)


def series(n=60):
    idx = pd.date_range("2000-01-01", periods=n, freq="MS")
    return pd.Series(np.arange(n, dtype=float) ** 1.1, index=idx, name="v")


def test_never_trains_on_the_future():
    SEEN.clear()
    y = series()
    res = backtest({"spy": Spy()}, y, horizon=6, folds=3)
    assert len(SEEN) == 3
    for fold, cutoff in enumerate(res.cutoffs, start=1):
        assert SEEN[fold - 1] == cutoff
        test = res.forecasts[res.forecasts["fold"] == fold]
        assert test["timestamp"].min() > cutoff
    # the test set is exactly the last folds * horizon points, with no overlap
    assert list(res.forecasts["timestamp"]) == list(y.index[-18:])
    assert [y.index[-19], y.index[-13], y.index[-7]] == SEEN


def test_tidy_frame_and_summary():
    y = series()
    res = backtest([NaiveForecaster(), SeasonalNaiveForecaster()], y, 4, 2)
    f = res.forecasts
    assert list(f.columns) == [
        "model",
        "fold",
        "cutoff",
        "timestamp",
        "step",
        "actual",
        "forecast",
    ]
    assert len(f) == 2 * 2 * 4
    assert set(f["model"]) == {"Naive", "Seasonal naive"}
    assert list(f[f["model"] == "Naive"]["step"]) == [1, 2, 3, 4, 1, 2, 3, 4]
    np.testing.assert_allclose(f["actual"], np.tile(y.to_numpy()[-8:], 2))
    # naive fold 1 forecasts the value at its cutoff
    first = f[(f["model"] == "Naive") & (f["fold"] == 1)]
    assert (first["forecast"] == y.iloc[-9]).all()
    s = res.summary
    assert list(s.columns) == [
        "mae",
        "rmse",
        "mape",
        "smape",
        "mase",
        "bias",
        "fit_seconds",
    ]
    assert list(s.index) == ["Naive", "Seasonal naive"]
    assert s.index.name == "model"
    naive = f[f["model"] == "Naive"]
    assert s.loc["Naive", "mae"] == pytest.approx(
        np.mean(np.abs(naive["actual"] - naive["forecast"]))
    )


def test_mase_is_scaled_on_each_fold_training_part():
    y = series(40)
    res = backtest([NaiveForecaster()], y, horizon=5, folds=2)
    pf = res.per_fold
    for _, row in pf.iterrows():
        train = y[y.index <= row["cutoff"]].to_numpy()
        scale = np.mean(np.abs(train[12:] - train[:-12]))
        assert row["mase"] == pytest.approx(row["mae"] / scale)
    assert res.summary.loc["Naive", "mase"] == pytest.approx(pf["mase"].mean())


def test_list_names_are_deduplicated_and_models_untouched():
    a, b = NaiveForecaster(horizon=99), NaiveForecaster()
    res = backtest([a, b], series(), horizon=3, folds=1)
    assert list(res.summary.index) == ["Naive", "Naive (2)"]
    assert not a.is_fitted and a.horizon == 99


def test_too_short_states_the_minimum():
    with pytest.raises(DataError, match="at least 49"):
        backtest([NaiveForecaster()], series(40), horizon=12, folds=3)


@pytest.mark.parametrize("horizon,folds", [(0, 1), (3, 0), (2.5, 1)])
def test_bad_counts(horizon, folds):
    with pytest.raises(ParameterError):
        backtest([NaiveForecaster()], series(), horizon=horizon, folds=folds)


def test_model_error_names_the_fold():
    with pytest.raises(DataError, match="fold 1/2"):
        backtest(
            [SeasonalNaiveForecaster(season_length=55)], series(), horizon=5, folds=2
        )


def test_progress_events():
    events = []
    backtest([NaiveForecaster(), Spy()], series(), 3, 2, progress=events.append)
    assert [(e.model, e.stage) for e in events] == [
        ("Naive", "fold 1/2"),
        ("Spy", "fold 1/2"),
        ("Naive", "fold 2/2"),
        ("Spy", "fold 2/2"),
    ]
    assert [e.fraction for e in events] == [0.0, 0.25, 0.5, 0.75]


@pytest.fixture
def naive_fails_on_fold_2(monkeypatch):
    """NaiveForecaster fails on the second fold of :func:`series` (3 x 6)."""
    real = NaiveForecaster.fit

    def fit(self, y, *args, **kwargs):
        if len(y) == 48:
            raise DataError("no luck on this fold")
        return real(self, y, *args, **kwargs)

    monkeypatch.setattr(NaiveForecaster, "fit", fit)


def test_keep_going_leaves_a_failing_model_out_and_keeps_the_rest(
    naive_fails_on_fold_2,
):
    from convlstm.models.ensemble import EnsembleForecaster

    y = series()
    ensemble = EnsembleForecaster(members=("Naive", "Seasonal naive"))
    models = {
        "Naive": NaiveForecaster(),
        "Seasonal naive": SeasonalNaiveForecaster(),
        "Ensemble": ensemble,
    }
    with pytest.raises(DataError, match="Naive, backtest fold 2/3.*no luck"):
        backtest(models, y, horizon=6, folds=3)
    result = backtest(models, y, horizon=6, folds=3, keep_going=True)
    assert list(result.failed) == ["Naive"]
    assert str(result.failed["Naive"]).startswith("Naive, backtest fold 2/3")
    assert result.failed["Naive"].model == "Naive"
    assert list(result.summary.index) == ["Seasonal naive", "Ensemble"]
    assert set(result.forecasts["model"]) == {"Seasonal naive", "Ensemble"}
    # the numbers of a backtest without it: there Naive is the ensemble's member
    # only, fitted for it and failing on fold 2 just the same
    again = backtest(
        {"Seasonal naive": SeasonalNaiveForecaster(), "Ensemble": ensemble},
        y,
        horizon=6,
        folds=3,
    )
    assert again.failed == {}
    pd.testing.assert_frame_equal(result.forecasts, again.forecasts)
    pd.testing.assert_frame_equal(result.member_forecasts, again.member_forecasts)


def test_keep_going_raises_when_every_model_failed(naive_fails_on_fold_2):
    with pytest.raises(DataError, match="no luck"):
        backtest([NaiveForecaster()], series(), horizon=6, folds=3, keep_going=True)


def test_keep_going_still_raises_a_bad_setting_at_once():
    class BadSetting(NaiveForecaster):
        display_name = "Bad"

        def fit(self, y: pd.Series) -> Self:
            raise ParameterError("lookback must be positive")

    models = [BadSetting(), SeasonalNaiveForecaster()]
    with pytest.raises(ParameterError, match="lookback must be positive"):
        backtest(models, series(), horizon=6, folds=3, keep_going=True)


def test_a_constant_series_is_forecast_exactly_flat():
    from convlstm import compare

    y = pd.Series(100.0, index=pd.date_range("2020-01-01", periods=36, freq="MS"))
    c = compare(y, models=["ETS", "Theta", "Naive"], horizon=6, folds=1)
    assert (c.future["forecast"] == 100.0).all()
    assert (c.summary["mae"] == 0.0).all()


def test_bias_says_which_way_a_model_leans():
    from convlstm import metrics

    assert metrics.bias([1, 2, 3], [2, 3, 4]) == 1.0  # every forecast one high
    assert metrics.bias([1, 2, 3], [0, 2, 4]) == 0.0  # misses that cancel
    assert metrics.mae([1, 2, 3], [0, 2, 4]) > 0


def test_a_model_that_misses_a_season_repeated_exactly_gets_no_mase():
    # every training part repeats one season exactly: the seasonal naive forecast,
    # MASE's scale, makes no error, so a miss has no finite MASE. Averaging only
    # the folds where the model was exact showed MASE 0 beside an MAE of 8.
    from convlstm.narrative import blank_mase_text

    season = np.array([5, 7, 9, 12, 15, 18, 20, 19, 16, 12, 8, 6], dtype=float)
    idx = pd.date_range("2015-01-01", periods=60, freq="MS")
    y = pd.Series(np.tile(season, 5), index=idx)
    y.iloc[-6:] += 4.0  # the last fold's actuals leave the pattern: naive misses
    result = backtest(
        [SeasonalNaiveForecaster(season_length=12), NaiveForecaster()],
        y,
        horizon=12,
        folds=2,
    )
    seasonal, naive = result.summary.loc["Seasonal naive"], result.summary.loc["Naive"]
    assert seasonal["mae"] > 0 and np.isnan(seasonal["mase"])
    assert naive["mae"] > 0 and np.isnan(naive["mase"])
    assert result.per_fold["mase"].isna().any()
    text = blank_mase_text(result.summary)
    assert text.startswith("Seasonal naive and Naive have no MASE")
    exact = result.summary.assign(mase=[0.0, 1.0], mae=[0.0, 2.0])
    assert blank_mase_text(exact) is None
