"""compare(): model names, parameter routing, summary, future forecast, progress."""

import re

import numpy as np
import pandas as pd
import pytest

from convlstm.compare import (
    MODEL_NAMES,
    Comparison,
    compare,
    make_model,
    model_name,
    rerun,
    rerun_matches,
)
from convlstm.errors import DataError, ParameterError
from convlstm.models.arima import ARIMAForecaster
from convlstm.models.baselines import SeasonalNaiveForecaster


@pytest.fixture(scope="module")
def y():
    n = 60
    t = np.arange(n)
    values = 100 + t + 15 * np.sin(2 * np.pi * t / 12)
    values += np.random.default_rng(0).normal(0, 2, n)
    return pd.Series(values, index=pd.date_range("2000-01", periods=n, freq="MS"))


@pytest.mark.parametrize(
    "given,canonical",
    [
        ("convlstm", "ConvLSTM"),
        ("LSTM", "LSTM"),
        ("arima", "ARIMA"),
        ("seasonal-naive", "Seasonal naive"),
        ("Seasonal_Naive", "Seasonal naive"),
        ("naive", "Naive"),
    ],
)
def test_model_names(given, canonical):
    assert model_name(given) == canonical


def test_unknown_model_lists_names():
    with pytest.raises(ParameterError, match="Seasonal naive"):
        make_model("prophet", horizon=3)


def test_make_model_passes_only_accepted_params():
    m = make_model("seasonal naive", horizon=7, hidden_size=8, season_length=4)
    assert isinstance(m, SeasonalNaiveForecaster)
    assert m.get_params() == {"horizon": 7, "season_length": 4}
    assert isinstance(make_model("ARIMA", horizon=2, seed=1), ARIMAForecaster)


def test_compare_baselines(y):
    events = []
    result = compare(
        y,
        models=["arima", "Seasonal naive", "naive"],
        horizon=6,
        folds=2,
        progress=events.append,
    )
    assert isinstance(result, Comparison)
    s = result.summary
    assert list(s.index) == ["ARIMA", "Seasonal naive", "Naive"]
    assert s["best"].dtype == bool and s["best"].sum() == 1
    assert s.loc[s["best"]].index[0] == s["mae"].idxmin() == result.best
    assert {"mae", "rmse", "mape", "smape", "mase", "fit_seconds"} <= set(s.columns)
    fut = result.future
    assert list(fut.columns) == ["model", "timestamp", "forecast", "step"]
    assert len(fut) == 3 * 6 and fut["step"].tolist() == [1, 2, 3, 4, 5, 6] * 3
    assert fut["timestamp"].min() > y.index[-1]
    assert set(result.fitted) == {"ARIMA", "Seasonal naive", "Naive"}
    assert result.histories == {}
    assert result.device == "cpu"
    assert result.seconds > 0
    stages = [(e.model, e.stage) for e in events]
    assert stages[0] == ("ARIMA", "fold 1/2")
    assert stages[-1] == ("Naive", "final")
    fractions = [e.fraction for e in events]
    assert fractions == sorted(fractions) and fractions[0] >= 0 and fractions[-1] < 1
    # a notebook shows one line, not every frame and fitted model
    text = repr(result)
    assert text.startswith("<Comparison of 3 models (ARIMA, Seasonal naive, Naive)")
    assert f"horizon 6, 2 folds; best {result.best} (MAE " in text
    assert "\n" not in text and len(text) < 200


def test_compare_without_final_refit(y):
    result = compare(y, models=["naive"], horizon=3, folds=1, refit_final=False)
    assert result.future.empty and result.fitted == {}


def test_compare_unknown_model(y):
    with pytest.raises(ParameterError, match="unknown model"):
        compare(y, models=["naive", "xgboost"], horizon=3, folds=1)


def test_public_names_are_functions_even_after_submodule_import():
    import convlstm.backtest  # noqa: F401
    import convlstm.compare  # noqa: F401

    assert callable(convlstm.backtest) and callable(convlstm.compare)
    assert convlstm.MODEL_NAMES == MODEL_NAMES


def test_compare_neural_progress_and_early_stop(y):
    events = []

    def progress(event):
        events.append(event)
        # ask to stop after the first epoch of every training run
        return event.epoch is not None and event.epoch >= 1

    params = {"epochs": 5, "hidden_size": 4, "lookback": 12, "seed": 0}
    result = compare(
        y,
        models=["ConvLSTM", "LSTM", "naive"],
        horizon=4,
        folds=2,
        params=params,
        progress=progress,
    )
    epochs = [e for e in events if e.epoch is not None]
    assert epochs, "neural models report epochs"
    # the ConvLSTM's start check reports its fits as one run, fit k from k x 5
    within = [(e.epoch - 1) % params["epochs"] + 1 for e in epochs]
    assert all(epoch <= 2 for epoch in within), "stopping early was honoured"
    assert {"ConvLSTM", "LSTM"} <= set(result.histories)
    assert result.device in ("cpu", "cuda", "mps") or result.device.startswith("cuda")
    assert len(result.future) == 3 * 4


def test_figures_from_a_comparison(y):
    import plotly.graph_objects as go

    from convlstm import plots

    result = compare(y, models=["naive", "seasonal naive"], horizon=4, folds=2)
    fig = plots.forecast_figure(y, result)
    assert isinstance(fig, go.Figure)
    names = [t.name for t in fig.data]
    assert names[:2] == ["history", "held-out actual"]
    assert "Naive (backtest)" in names and "Seasonal naive (forecast)" in names
    colors = {t.name: t.line.color for t in fig.data}
    assert colors["Naive (backtest)"] == colors["Naive (forecast)"]
    # one legend entry (the forecast's) shows or hides both lines of a model
    listed = {t.name for t in fig.data if t.showlegend is not False}
    assert "Naive (forecast)" in listed and "Naive (backtest)" not in listed
    groups = {t.name: t.legendgroup for t in fig.data}
    assert groups["Naive (backtest)"] == groups["Naive (forecast)"]
    # about the last four seasons before the test period are in view
    start, end = fig.layout.xaxis.range
    assert pd.Timestamp(start) == y.index[len(y) - 8 - 48]
    assert pd.Timestamp(end) == result.future["timestamp"].max()
    # a long horizon: at least as much history as the test period and the future
    y2 = pd.Series(
        np.arange(200.0), index=pd.date_range("2000-01", periods=200, freq="MS")
    )
    long = compare(y2, models=["naive"], horizon=30, folds=2)
    start, _ = plots.forecast_figure(y2, long).layout.xaxis.range
    assert pd.Timestamp(start) == y2.index[200 - 60 - (60 + 30)]
    # the y range is that of the first view (the climb from 0 before it is not)
    zoomed = plots.forecast_figure(y2, long).layout
    low, high = zoomed.yaxis.range
    assert 40 < low < 50 and 199 < high < 210
    assert zoomed.xaxis.rangeslider.yaxis.rangemode == "auto"  # the whole history
    bare = plots.forecast_figure(y, result, show_backtest=False)
    assert not any("backtest" in (t.name or "") for t in bare.data)
    # a name in brackets gets one pair, not "Naive (old) (backtest)"
    renamed = plots.forecast_figure(
        y,
        (
            result.backtest.forecasts.replace({"Naive": "Naive (old)"}),
            result.future.replace({"Naive": "Naive (old)"}),
        ),
    )
    assert {"Naive (old, backtest)", "Naive (old, forecast)"} <= {
        t.name for t in renamed.data
    }
    # a legend of up to 4 entries fits plotly's height (history, held-out and
    # one entry a model here); each further row of 2 entries grows it
    assert fig.layout.height is None
    assert plots._fit_legend(go.Figure([go.Scatter()] * 4)).layout.height is None
    many = [("history", None), *[(f"m{i}", None) for i in range(28)]]
    tall = plots._fit_legend(go.Figure([go.Scatter(name=n) for n, _ in many]))
    assert tall.layout.height == 450 + 24 * (15 - 2)
    assert isinstance(plots.series_figure(y, title="t"), go.Figure)
    loss = plots.loss_figure(
        {"LSTM": [{"epoch": 1, "train_loss": 1.0, "val_loss": 2.0}]}
    )
    assert [t.name for t in loss.data] == ["LSTM train", "LSTM validation"]
    started = plots.loss_figure(
        {"LSTM": [{"epoch": 1, "train_loss": 1.0, "val_loss": 2.0}]},
        starts={"LSTM": 1.5},
    )
    assert list(started.data[1].x) == [0, 1] and list(started.data[1].y) == [1.5, 2]
    assert list(started.data[0].x) == [1]  # training starts at epoch 1
    assert started.layout.xaxis.dtick == 1  # not 0, 0.5, 1 over a few epochs
    long = [{"epoch": e, "train_loss": 1.0} for e in range(1, 41)]
    assert plots.loss_figure({"LSTM": long}).layout.xaxis.dtick is None
    bars = plots.metrics_figure(result.summary, "mae")
    assert list(bars.data[0].y)[-1] == result.best


def test_a_model_the_series_is_too_short_for_is_left_out_and_said_why(y):
    short = y.iloc[:20]  # LSTM needs 12 + 1 + 8 = 21 training points here
    models = ["LSTM", "Seasonal naive", "naive"]
    result = compare(short, models=models, horizon=1, folds=1, params={"epochs": 1})
    assert list(result.summary.index) == ["Seasonal naive", "Naive"]
    assert set(result.fitted) == {"Seasonal naive", "Naive"}
    assert list(result.left_out) == ["LSTM"]
    assert "needs at least 21 points" in result.left_out["LSTM"]
    assert "trains on 19" in result.left_out["LSTM"]
    assert result.record["models"] == ["LSTM", "Seasonal naive", "Naive"]
    # a re-run of the record leaves the same model out and matches
    again = rerun(short, result.record)
    assert again.left_out == result.left_out
    assert rerun_matches(result, again)[0]
    # a series long enough leaves nothing out
    assert compare(y, models=["naive"], horizon=1, folds=1).left_out == {}


def test_a_series_too_short_for_every_chosen_model_is_refused(y):
    with pytest.raises(DataError, match="too short for every chosen model: LSTM"):
        compare(y.iloc[:20], models=["LSTM"], horizon=1, folds=1)


def test_a_model_that_fails_is_left_out_and_the_others_run(y):
    # a lookback the 54 training points cannot hold: the LSTM fails on its fold
    params = {"epochs": 1, "LSTM": {"lookback": 50}}
    result = compare(y, models=["LSTM", "naive"], horizon=6, folds=1, params=params)
    assert list(result.summary.index) == ["Naive"]
    why = result.left_out["LSTM"]
    assert why.startswith("failed: LSTM, backtest fold 1/1") and "lookback 50" in why
    # the only model failing is still an error, as before
    with pytest.raises(DataError, match="lookback 50"):
        compare(y, models=["LSTM"], horizon=6, folds=1, params=params)


def test_folds_the_series_cannot_hold_are_the_backtests_error_not_a_models(y):
    with pytest.raises(DataError, match="backtest of 20 folds") as caught:
        compare(y, models=["naive"], horizon=12, folds=20)
    assert "every chosen model" not in str(caught.value)


def test_a_model_whose_final_fit_fails_is_left_out_of_the_results(y, monkeypatch):
    from convlstm.errors import TrainingError
    from convlstm.models.baselines import NaiveForecaster

    real = NaiveForecaster.fit

    def fit(self, series, *args, **kwargs):
        if len(series) == len(y):  # the whole series: only the final fit
            raise TrainingError("the loss became NaN")
        return real(self, series, *args, **kwargs)

    monkeypatch.setattr(NaiveForecaster, "fit", fit)
    result = compare(y, models=["naive", "Seasonal naive"], horizon=6, folds=2)
    assert list(result.summary.index) == ["Seasonal naive"]
    assert result.best == "Seasonal naive" and result.summary["best"].all()
    assert set(result.backtest.forecasts["model"]) == {"Seasonal naive"}
    assert set(result.future["model"]) == set(result.fitted) == {"Seasonal naive"}
    assert result.left_out == {
        "Naive": "failed in the final fit on the whole series: the loss became NaN"
    }


def test_zero_folds_is_a_forecast_only_unscored(y):
    tiny = y.iloc[:6]  # too short for any backtest
    models = ["ETS", "naive", "ARIMA", "Seasonal naive"]
    result = compare(tiny, models=models, horizon=4, folds=0)
    assert not result.scored and result.best is None
    # ARIMA, like ETS, fits from 5 points on; seasonal naive needs a season
    assert list(result.summary.index) == ["ETS", "Naive", "ARIMA"]
    assert result.summary[["mae", "rmse", "mase"]].isna().all().all()
    assert (result.summary["fit_seconds"] >= 0).all()
    assert result.backtest.forecasts.empty and result.backtest.folds == 0
    future = result.future.pivot(index="timestamp", columns="model", values="forecast")
    assert list(future.index) == list(
        pd.date_range(tiny.index[-1], periods=5, freq="MS")[1:]
    )
    assert np.allclose(future["Naive"], tiny.iloc[-1])
    assert result.left_out == {
        "Seasonal naive": "needs at least 12 points to train on; the series has 6",
    }
    # no backtest errors: no conformal bands and nothing to test, but the
    # model's own intervals (ETS) remain
    assert result.intervals["lower_95"].isna().all()
    assert result.coverage.empty
    assert "no backtest" in result.significance.attrs["note"]
    assert set(result.model_intervals["model"]) == {"ETS"}
    # ...and the forecasts table (the CSV, the JSON) carries those, said so once
    table = result.forecast_table()
    ets, naive = table[table["model"] == "ETS"], table[table["model"] == "Naive"]
    assert ets["lower_80"].notna().all() and naive["lower_80"].isna().all()
    assert (ets["lower_95"] <= ets["forecast"]).all()
    assert (ets["forecast"] <= ets["upper_95"]).all()
    notes = result.interval_notes()
    assert notes[0].startswith("no backtest (0 folds), so no intervals calibrated")
    assert "the bounds of ETS are the model's own" in notes[0]
    assert not any(n.endswith("no backtest residuals, so no intervals") for n in notes)
    assert result.record["folds"] == 0
    again = rerun(tiny, result.record)
    assert not again.scored and rerun_matches(result, again)[0]


def test_zero_folds_on_a_long_series_skips_the_backtest(y):
    result = compare(y, models=["naive", "Seasonal naive"], horizon=12, folds=0)
    assert not result.scored and result.left_out == {}
    assert len(result.future) == 24


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"folds": -1}, "folds must be 0 \\(a forecast only"),
        ({"folds": 0, "refit_final": False}, "keep refit_final"),
        ({"folds": 0, "horizon": 0}, "horizon must be at least 1"),
    ],
)
def test_zero_folds_checks_its_settings(y, kwargs, message):
    with pytest.raises(ParameterError, match=message):
        compare(y, models=["naive"], **{"horizon": 3, **kwargs})


def test_a_model_failing_mid_backtest_costs_the_others_no_refit(y, monkeypatch):
    # Naive fails on fold 2 of 3 only: the others' fits of folds 1 and 2 are
    # kept (each model fitted once a fold and once on the whole series), and the
    # numbers equal a comparison run without Naive from the start
    from convlstm.errors import TrainingError
    from convlstm.models.baselines import NaiveForecaster

    calls: list[tuple[str, int]] = []
    real_naive, real_seasonal = NaiveForecaster.fit, SeasonalNaiveForecaster.fit

    def naive_fit(self, series, *args, **kwargs):
        calls.append(("Naive", len(series)))
        if len(series) == len(y) - 12:
            raise TrainingError("the loss became NaN")
        return real_naive(self, series, *args, **kwargs)

    def seasonal_fit(self, series, *args, **kwargs):
        calls.append(("Seasonal naive", len(series)))
        return real_seasonal(self, series, *args, **kwargs)

    monkeypatch.setattr(NaiveForecaster, "fit", naive_fit)
    monkeypatch.setattr(SeasonalNaiveForecaster, "fit", seasonal_fit)
    models = ["naive", "Seasonal naive", "Theta"]
    result = compare(y, models=models, horizon=6, folds=3)
    assert [n for m, n in calls if m == "Seasonal naive"] == [42, 48, 54, 60]
    assert [n for m, n in calls if m == "Naive"] == [42, 48]
    assert list(result.summary.index) == ["Seasonal naive", "Theta"]
    assert result.left_out == {
        "Naive": "failed: Naive, backtest fold 2/3 (training on the first 48 "
        "points): the loss became NaN"
    }
    without = compare(y, models=models[1:], horizon=6, folds=3)
    pd.testing.assert_frame_equal(
        result.summary.drop(columns="fit_seconds"),
        without.summary.drop(columns="fit_seconds"),
    )
    pd.testing.assert_frame_equal(result.future, without.future)


def _fading_counts() -> pd.Series:
    # counts that fade towards 0: trend models forecast below it
    rng = np.random.default_rng(1)
    values = np.maximum(0, 8 - np.arange(60) * 0.15 + rng.normal(0, 1.5, 60)).round()
    return pd.Series(values, index=pd.date_range("2020-01-01", periods=60, freq="MS"))


def test_a_floor_raises_forecasts_and_lower_bounds_and_scores_them():
    y = _fading_counts()
    models = ["ETS", "Theta", "Naive"]
    free = compare(y, models=models, horizon=12, folds=3)
    held = compare(y, models=models, horizon=12, folds=3, floor=0)
    assert (
        free.future["forecast"].min() < 0
        and free.backtest.forecasts["forecast"].min() < 0
    )
    assert held.floor == 0.0 and held.future["forecast"].min() == 0.0
    assert held.backtest.forecasts["forecast"].min() == 0.0
    assert held.intervals.filter(like="lower_").min().min() == 0.0
    assert free.intervals.filter(like="lower_").min().min() < 0
    # a model's own bands (ETS) too, upper ones included: one can lie below 0
    own = held.model_intervals.filter(regex="^(lower|upper)_")
    assert (own >= 0).all(axis=None)
    # an upper bound under the floor (the hunter's ETS, "0 to -0.62") is raised
    from convlstm.intervals import raise_to_floor

    bounds = pd.DataFrame({"forecast": [-1.0], "lower_80": [-3.0], "upper_80": [-0.6]})
    assert raise_to_floor(bounds, 0.0).iloc[0].tolist() == [0.0, 0.0, 0.0]
    # the scores are the raised forecasts' own: recounted from the backtest rows
    bt = held.backtest.forecasts
    for name in models:
        rows = bt[bt["model"] == name]
        mae = (rows["actual"] - rows["forecast"]).abs().mean()
        assert held.summary.loc[name, "mae"] == pytest.approx(mae)
        assert held.summary.loc[name, "mae"] <= free.summary.loc[name, "mae"] + 1e-12
    # the bands are calibrated on the raised forecasts' errors, around them
    bands = held.intervals
    assert (bands["upper_80"] >= bands["forecast"]).all()
    assert (bands["lower_80"] <= bands["forecast"]).all()
    # the record keeps it, so a re-run raises the same forecasts
    assert held.record["extra"]["floor"] == 0.0
    again = rerun(y, held.record)
    assert again.floor == 0.0 and rerun_matches(held, again)[0]
    assert "floor" not in free.record["extra"]


@pytest.mark.parametrize(
    ("floor", "message"),
    [
        (1, "the series goes below the floor of 1 (its lowest value is 0)"),
        ("0", "floor must be a number or None"),
        (float("nan"), "floor must be a finite number"),
        (True, "floor must be a number or None"),
    ],
)
def test_a_floor_the_series_goes_below_or_not_a_number_is_refused(floor, message):
    with pytest.raises(ParameterError, match=re.escape(message)):
        compare(_fading_counts(), models=["Naive"], horizon=3, folds=1, floor=floor)


def test_the_pretrained_start_is_not_run_twice_where_no_network_fits_the_season():
    # business days (a season of 5): "ConvLSTM (pretrained)" trained from
    # scratch exactly as the ConvLSTM did, a second row of the same scores
    idx = pd.bdate_range("2023-01-02", periods=80)
    y = pd.Series(100 + 5 * np.sin(np.arange(80) * 2 * np.pi / 5), index=idx)
    tiny = {"epochs": 1, "hidden_size": 8}
    params = {"ConvLSTM": tiny, "ConvLSTM (pretrained)": tiny}
    models = ["ConvLSTM", "ConvLSTM (pretrained)", "Naive"]
    result = compare(y, models=models, horizon=5, folds=1, params=params)
    assert list(result.summary.index) == ["ConvLSTM", "Naive"]
    assert result.left_out["ConvLSTM (pretrained)"].startswith(
        "no network was pretrained for a season of 5 steps, so it would train "
        "from scratch as ConvLSTM does"
    )
    # with settings of its own it is another network: both run
    other = {**params, "ConvLSTM (pretrained)": {**tiny, "hidden_size": 16}}
    result = compare(y, models=models[:2], horizon=5, folds=1, params=other)
    assert list(result.summary.index) == models[:2] and not result.left_out
