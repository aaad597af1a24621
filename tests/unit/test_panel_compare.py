"""compare_panel: rolling origin per series end, series left out with a note, ensembles
without refits, whole-model failures reported, summary recomputed from per_series."""

import functools
import sys

import numpy as np
import pandas as pd
import pytest

from convlstm import (
    DataError,
    EnsembleForecaster,
    NaiveForecaster,
    PanelComparison,
    ParameterError,
    compare_panel,
    make_model,
)
from convlstm.models.base import BaseForecaster
from convlstm.panel_compare import (
    ALL_SERIES,
    _fit_kwargs,
    _Progress,
    default_panel_horizon,
    unscored_series_text,
)

HORIZON, FOLDS = 3, 2
LENGTHS = {"north": 40, "south": 30, "east": 17, "tiny": 9}


def _panel(lengths=LENGTHS, freq="MS"):
    frames = []
    for i, (name, n) in enumerate(lengths.items()):
        t = np.arange(n)
        values = 20 + 5 * i + 0.2 * t + 3 * np.sin(2 * np.pi * t / 12)
        values = values + np.random.default_rng(i).normal(0, 0.5, n)
        start = pd.Timestamp("2010-01-01") + pd.DateOffset(months=3 * i)
        times = pd.date_range(start, periods=n, freq=freq)
        frames.append(pd.DataFrame({"series": name, "time": times, "value": values}))
    panel = pd.concat(frames, ignore_index=True)
    panel.attrs = {"freq": freq, "notes": []}
    return panel


@pytest.fixture(scope="module")
def result() -> PanelComparison:
    return compare_panel(
        _panel(),
        models=["Naive", "Seasonal naive", "Theta"],
        horizon=HORIZON,
        folds=FOLDS,
        n_jobs=1,
    )


def test_cutoffs_are_aligned_to_each_series_end(result):
    panel = _panel()
    bt = result.forecasts
    assert {"series", "fold", "time", "actual", "model", "forecast"} <= set(bt)
    for name in ("north", "south"):
        times = pd.DatetimeIndex(panel.loc[panel["series"] == name, "time"])
        values = panel.loc[panel["series"] == name, "value"].to_numpy()
        n = len(times)
        for k in range(1, FOLDS + 1):
            rows = bt[(bt["series"] == name) & (bt["fold"] == k)]
            rows = rows[rows["model"] == "Naive"].sort_values("step")
            cut = n - (FOLDS - k + 1) * HORIZON
            assert rows["cutoff"].iloc[0] == times[cut - 1]
            assert list(rows["time"]) == list(times[cut : cut + HORIZON])
            np.testing.assert_allclose(rows["actual"], values[cut : cut + HORIZON])
            # naive repeats the last training value: no leakage past the cutoff
            np.testing.assert_allclose(rows["forecast"], values[cut - 1])


def test_short_series_are_left_out_with_a_note(result):
    # monthly: a fold trains on at least 13 points; east (17) trains on 11 in
    # fold 1 (left out) and 14 in fold 2; tiny (9) fits no fold
    folds_of = result.forecasts.groupby("series")["fold"].unique()
    assert sorted(folds_of["east"]) == [2]
    assert sorted(folds_of["north"]) == [1, 2]
    assert "tiny" not in folds_of.index
    text = " ".join(result.notes)
    assert "'tiny'" in text and "left out of the backtest" in text
    assert "fold 1/2 leaves out 1 series" in text and "'east'" in text
    # the future covers every series a model can fit, the short ones too
    assert "tiny" in set(result.future.loc[result.future["model"] == "Naive", "series"])


def test_the_series_a_run_leaves_unscored_are_said_before_it_trains(result):
    # the same series as the run's own note, before any training
    text = unscored_series_text(_panel(), HORIZON, FOLDS)
    assert text.startswith("1 of the 4 series ('tiny') is too short")
    assert "needs 16 points (13 to train on and 3 to check)" in text
    scored = set(result.per_series["series"])
    assert scored == {"north", "south", "east"}
    # every series scored, or none (a forecast only): nothing to say
    assert unscored_series_text(_panel({"north": 40, "south": 30}), 3, 2) is None
    assert unscored_series_text(_panel(), HORIZON, 0) is None
    # the panel's defaults when none are given
    assert unscored_series_text(_panel()) == unscored_series_text(
        _panel(), default_panel_horizon(_panel()), None
    )


def test_folds_no_series_reaches_are_dropped_and_said():
    # east (17) and tiny (9): with 2 folds of 3, no series trains fold 1 on the
    # 13 points it needs, so the run is a one-fold backtest and says so
    short = compare_panel(
        _panel({"east": 17, "tiny": 9}), models=["Naive"], horizon=3, folds=2
    )
    assert short.folds == 1
    assert set(short.forecasts["fold"]) == {1}
    text = " ".join(short.notes)
    assert "asked for 2 folds" in text and "backtest has 1 fold" in text
    assert "fold 1/1 leaves out" not in text
    assert list(short.per_series["series"]) == ["east"]


def test_series_that_end_early_are_said_to_be_forecast_from_their_own_end(result):
    # tiny ends in 2011-06, east in 2011-11, south in 2012-09 (7 steps before
    # north, the newest, in 2013-04: unremarked)
    (note,) = [n for n in result.notes if "before the newest" in n]
    assert note.startswith("2 series end at least 10 steps before the newest")
    assert "'east', 'tiny';" in note and "south" not in note


def test_summary_is_recomputed_from_per_series(result):
    per = result.per_series
    assert list(per.columns[:6]) == ["series", "model", "mae", "rmse", "mase", "smape"]
    for model, row in result.summary.iterrows():
        rows = per[per["model"] == model]
        assert row["series"] == len(rows) == 3
        assert row["mase_series"] == rows["mase"].notna().sum()
        assert row["mean_mase"] == pytest.approx(rows["mase"].mean())
        assert row["median_mase"] == pytest.approx(rows["mase"].median())
        assert row["mean_smape"] == pytest.approx(rows["smape"].mean())
        assert row["mean_mae"] == pytest.approx(rows["mae"].mean())
        for base in ("Naive", "Seasonal naive", "Theta"):
            col = f"wins vs {base}"
            if base == model:
                assert np.isnan(row[col])
                continue
            other = per[per["model"] == base].set_index("series")["mase"]
            mine = rows.set_index("series")["mase"]
            assert row[col] == pytest.approx((mine < other.loc[mine.index]).mean())
    # per_series averages the folds of the backtest frame
    bt = result.forecasts
    one = bt[(bt["series"] == "north") & (bt["model"] == "Theta")]
    mae = one.groupby("fold").apply(lambda f: (f.actual - f.forecast).abs().mean())
    got = per[(per["series"] == "north") & (per["model"] == "Theta")]["mae"].item()
    assert got == pytest.approx(mae.mean())
    best = result.summary["mean_mase"].idxmin()
    assert result.best == best and result.summary.loc[best, "best"]


def test_intervals_bracket_the_forecast(result):
    fut = result.future
    assert {"series", "time", "model", "forecast", "lower_80", "upper_80"} <= set(fut)
    ok = fut["lower_80"].notna()
    assert ok.any()
    assert (fut.loc[ok, "lower_80"] <= fut.loc[ok, "forecast"]).all()
    assert (fut.loc[ok, "forecast"] <= fut.loc[ok, "upper_80"]).all()


class _NoPanel(NaiveForecaster):
    """A naive forecaster that refuses panels, as the neural models do on main."""

    display_name = "NoPanel"
    supports_panel = False


def test_a_model_failing_on_the_whole_panel_is_reported_and_others_kept():
    out = compare_panel(
        _panel({"a": 30, "b": 26}),
        models=[NaiveForecaster(), _NoPanel()],
        horizon=HORIZON,
        n_jobs=1,
    )
    assert "does not take a panel" in out.failed["NoPanel"][ALL_SERIES]
    assert out.failed_models.keys() == {"NoPanel"}
    assert out.summary.loc["Naive", "series"] == 2
    assert out.summary.loc["NoPanel", "series"] == 0
    assert out.best == "Naive"
    assert set(out.future["model"]) == {"Naive"}


class _FirstFoldFails(NaiveForecaster):
    """A naive forecaster whose panel fit fails on the first fold's shorter data
    (as a round lost to a dead worker does)."""

    display_name = "Flaky"

    def fit(self, y):
        if len(y) < 37:
            raise DataError("the worker running it died")
        return super().fit(y)


def test_a_model_that_lost_a_whole_fold_is_not_ranked():
    # Flaky is scored on fold 2 only: whatever its scores, it must not win
    # against a model scored on both folds
    out = compare_panel(
        _panel({"a": 40, "b": 40}),
        models=[_FirstFoldFails(), "Theta"],
        horizon=HORIZON,
        folds=FOLDS,
        n_jobs=1,
    )
    assert set(out.per_series.loc[out.per_series["model"] == "Flaky", "folds"]) == {1}
    assert out.best == "Theta"
    (note,) = [n for n in out.notes if n.startswith("Flaky is not ranked")]
    assert "missed a backtest fold of 2 series (fold 1/2: " in note


@pytest.fixture
def fits(monkeypatch):
    """Panel fits counted by forecaster class."""
    counts: dict[str, int] = {}
    original = BaseForecaster.fit_panel

    def counting(self, panel, **kwargs):
        counts[type(self).__name__] = counts.get(type(self).__name__, 0) + 1
        return original(self, panel, **kwargs)

    monkeypatch.setattr(BaseForecaster, "fit_panel", counting)
    return counts


def test_ensemble_combines_members_without_refitting(fits):
    members = ["Naive", "Seasonal naive", "Theta"]
    out = compare_panel(
        _panel({"a": 30, "b": 26, "c": 24}),
        models=[*members, EnsembleForecaster(members=members)],
        horizon=HORIZON,
        folds=FOLDS,
        n_jobs=1,
    )
    # one panel fit per model and round (2 folds + the final fit), none for the
    # ensemble
    assert fits == {
        "NaiveForecaster": 3,
        "SeasonalNaiveForecaster": 3,
        "ThetaForecaster": 3,
    }
    for frame, keys in (
        (out.forecasts, ["series", "fold", "time"]),
        (out.future, ["series", "time"]),
    ):
        wide = frame.pivot_table(index=keys, columns="model", values="forecast")
        np.testing.assert_allclose(
            wide["Ensemble"], np.median(wide[members].to_numpy(), axis=1)
        )


def test_members_outside_the_models_are_fitted_once_per_round_not_reported(fits):
    out = compare_panel(
        _panel({"a": 30, "b": 26}),
        models=["Naive", EnsembleForecaster(members=["Naive", "Theta"])],
        horizon=HORIZON,
        folds=FOLDS,
        n_jobs=1,
    )
    assert fits == {"NaiveForecaster": 3, "ThetaForecaster": 3}
    assert list(out.summary.index) == ["Naive", "Ensemble"]
    assert set(out.forecasts["model"]) == {"Naive", "Ensemble"}
    assert any(
        n.startswith("Ensemble also trains Theta, its member") for n in out.notes
    )


def test_ensemble_leaves_out_a_member_missing_for_a_series():
    ensemble = EnsembleForecaster(members=["Naive", "NoPanel"])
    from convlstm.models.registry import ModelSpec, register, unregister

    register(ModelSpec(name="NoPanel", target=_NoPanel, kind="naive", baseline=False))
    try:
        out = compare_panel(
            _panel({"a": 30, "b": 26}),
            models=["Naive", ensemble],
            horizon=HORIZON,
            n_jobs=1,
        )
    finally:
        unregister("NoPanel")
    bt = out.forecasts
    naive = bt[bt["model"] == "Naive"]["forecast"].to_numpy()
    ens = bt[bt["model"] == "Ensemble"]["forecast"].to_numpy()
    np.testing.assert_allclose(ens, naive)


def test_max_series_samples_with_a_note():
    lengths = {f"s{i}": 24 for i in range(6)}
    kwargs = {"models": ["Naive"], "horizon": 2, "max_series": 3, "n_jobs": 1}
    out = compare_panel(_panel(lengths), seed=1, **kwargs)
    again = compare_panel(_panel(lengths), seed=1, **kwargs)
    assert len(out.series) == 3 and out.series == again.series
    assert any("random sample of 3 of the panel's 6 series" in n for n in out.notes)
    # the series a user picked is always in the sample
    for picked in ("s0", "s5"):
        sample = compare_panel(_panel(lengths), seed=1, include=(picked,), **kwargs)
        assert picked in sample.series and len(sample.series) == 3


def test_progress_reaches_one_and_true_stops():
    events = []
    compare_panel(
        _panel({"a": 30}),
        models=["Naive"],
        horizon=2,
        progress=lambda e: events.append(e.fraction),
    )
    assert events == sorted(events) and events[-1] == 1.0 and events[0] == 0.0
    out = compare_panel(
        _panel({"a": 30}), models=["Naive"], horizon=2, progress=lambda e: True
    )
    assert out.stopped and out.future.empty
    assert any("stopped" in n for n in out.notes)
    # stopped after the first fold: every model misses the second alike, so
    # none is "not ranked" for it
    calls = []
    out = compare_panel(
        _panel({"a": 30}),
        models=["Naive", "Theta"],
        horizon=2,
        folds=2,
        progress=lambda e: (
            calls.append(e) or (len(calls) > 3 and e.stage != "fold 1/2")
        ),
    )
    assert out.stopped
    assert not any("not ranked" in n for n in out.notes)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"models": ["nope"]}, ParameterError, "unknown model"),
        ({"folds": -1}, ParameterError, "folds must be 0 \\(a forecast only"),
        ({"folds": 1.5}, ParameterError, "folds must be a whole number"),
        ({"horizon": 50}, ParameterError, "too long for every series"),
        ({"max_series": 0}, ParameterError, "max_series"),
        ({"levels": [1.5]}, ParameterError, "level"),
    ],
)
def test_bad_settings_raise_clear_errors(kwargs, error, match):
    with pytest.raises(error, match=match):
        compare_panel(_panel({"a": 30}), **{"models": ["Naive"], **kwargs})


def test_empty_panel_is_a_data_error():
    empty = pd.DataFrame(columns=["series", "time", "value"])
    with pytest.raises(DataError, match="no rows"):
        compare_panel(empty, models=["Naive"], horizon=2)


def test_series_frames_give_one_series_in_single_series_columns(result):
    bt, fut = result.series_frames("north")
    assert list(bt.columns[:7]) == [
        "model",
        "fold",
        "cutoff",
        "timestamp",
        "step",
        "actual",
        "forecast",
    ]
    assert len(bt) == 3 * FOLDS * HORIZON  # three models
    assert list(fut.columns[:4]) == ["model", "timestamp", "step", "forecast"]
    assert len(fut) == 3 * HORIZON
    with pytest.raises(DataError, match="no series 'nowhere'"):
        result.series_frames("nowhere")


def test_coverage_is_measured_on_later_folds(result):
    cov = result.coverage
    assert set(cov["model"]) == {"Naive", "Seasonal naive", "Theta"}
    assert set(cov["level"]) == {0.8, 0.95}
    # forward scheme: fold 2 of every series (3 x 3 points) is checked with
    # intervals calibrated on fold 1 (2 series x 3 steps = 6 scaled residuals):
    # enough for 80 % (4 needed), too few for 95 % (19 needed)
    assert (cov["n"] + cov["n_unbounded"] == 3 * HORIZON).all()
    at80, at95 = cov[cov["level"] == 0.8], cov[cov["level"] == 0.95]
    assert (at80["n"] == 9).all() and at80["coverage"].between(0, 1).all()
    assert (at95["n"] == 0).all() and at95["coverage"].isna().all()


def test_zero_folds_forecast_every_series_unscored():
    # series too short for any backtest still get a forecast with 0 folds
    panel = _panel({"a": 6, "b": 5, "c": 9})
    result = compare_panel(panel, models=["Naive", "Theta"], horizon=3, folds=0)
    assert result.folds == 0 and result.best is None
    assert result.forecasts.empty and result.coverage is None
    assert result.summary["mean_mase"].isna().all()
    assert (result.summary["series"] == 0).all()
    assert (result.summary["mase_series"] == 0).all()
    assert result.notes[0].startswith("a forecast only: no backtest (0 folds)")
    future = result.future
    assert set(future["model"]) == {"Naive", "Theta"}
    assert future.groupby(["series", "model"]).size().eq(3).all()
    assert len(future) == 3 * 2 * 3
    # with a fold, the same panel is too short for any backtest (as before)
    with pytest.raises(ParameterError, match="too long for every series"):
        compare_panel(panel, models=["Naive"], horizon=3, folds=1)


def test_a_network_that_kept_its_start_says_so():
    # three short smooth series: the net's training does not beat its solved
    # linear start, which then forecasts alone (the note says so)
    frames = [
        pd.DataFrame(
            {
                "series": name,
                "time": pd.date_range("2022-01-01", periods=20, freq="MS"),
                "value": 10 + np.arange(20) + np.sin(np.arange(20)),
            }
        )
        for name in "ABC"
    ]
    panel = pd.concat(frames, ignore_index=True)
    panel.attrs = {"freq": "MS", "notes": []}
    out = compare_panel(panel, models=["LSTM", "Naive"], horizon=6, folds=1, n_jobs=1)
    assert out.fitted["LSTM"].best_epoch_ == 0
    kept = [n for n in out.notes if n.startswith("LSTM: the final fit kept its start")]
    assert len(kept) == 1 and "each series" in kept[0]
    assert not any(n.startswith("Naive: the final fit") for n in out.notes)


def test_local_engine_workers_give_the_serial_numbers(result):
    out = compare_panel(
        _panel(),
        models=["Naive", "Seasonal naive", "Theta"],
        horizon=HORIZON,
        folds=FOLDS,
        n_jobs=2,
        engine="local",
    )
    pd.testing.assert_frame_equal(out.forecasts, result.forecasts)
    pd.testing.assert_frame_equal(out.future, result.future)
    pd.testing.assert_frame_equal(out.per_series, result.per_series)


def test_engine_and_workers_reach_each_panel_fit(monkeypatch):
    given: dict[str, dict] = {}
    original = BaseForecaster.fit_panel

    @functools.wraps(original)  # the same signature: compare_panel reads it
    def recording(self, panel, **kwargs):
        given[type(self).__name__] = kwargs
        return original(self, panel, **kwargs)

    monkeypatch.setattr(BaseForecaster, "fit_panel", recording)
    compare_panel(
        _panel({"a": 30}), models=["Naive"], horizon=2, n_jobs=1, engine="local"
    )
    assert given["NaiveForecaster"] == {"n_jobs": 1, "engine": "local"}
    # a network gets the training workers (and the engine they need); a local
    # model does not
    tracker = _Progress(None, total=1)
    for name, wanted in (
        ("LSTM", {"engine": "ray", "train_workers": 2}),
        ("Naive", {"engine": "ray"}),
    ):
        model = make_model(name, horizon=2)
        kwargs = _fit_kwargs(model, name, "final", tracker, None, "ray", 2)
        assert {k: kwargs[k] for k in kwargs if k != "callback"} == wanted


@pytest.mark.parametrize(
    ("models", "kwargs", "match"),
    [
        (
            ["Naive", "Theta"],
            {"train_workers": 2, "engine": "local"},
            r"train_workers=2: none of the models compared \(Naive, Theta\) has a "
            "network to train on several workers; add ConvLSTM or LSTM",
        ),
        (
            ["Naive", "LSTM"],
            {"train_workers": 2, "engine": "local"},
            "train_workers=2 needs the Ray engine",
        ),
        (["Naive"], {"train_workers": 0}, "train_workers must be a whole number"),
        (["Naive"], {"engine": "spark"}, "unknown engine 'spark'"),
    ],
)
def test_bad_engine_settings_raise_before_any_fit(fits, models, kwargs, match):
    with pytest.raises(ParameterError, match=match):
        compare_panel(_panel({"a": 30}), models=models, horizon=2, **kwargs)
    assert fits == {}


def test_ray_engine_without_ray_is_a_clear_error(fits, monkeypatch):
    monkeypatch.setitem(sys.modules, "ray", None)  # as if Ray were not installed
    with pytest.raises(ParameterError, match="engine 'ray' needs Ray: pip install"):
        compare_panel(_panel({"a": 30}), models=["Naive"], horizon=2, engine="ray")
    assert fits == {}


def test_the_scores_table_keeps_every_series_and_says_why_one_has_no_score(result):
    table = result.scores_table()
    assert list(table.columns) == [*result.per_series.columns, "note"]
    assert len(table) == len(result.series) * len(result.summary)
    tiny = table[table["series"] == "tiny"]
    assert list(tiny["model"]) == ["Naive", "Seasonal naive", "Theta"]
    assert (tiny["folds"] == 0).all() and tiny["mase"].isna().all()
    notes = dict(zip(tiny["model"], tiny["note"], strict=True))
    assert notes["Naive"] == "not scored: too short for the backtest"
    assert notes["Seasonal naive"].startswith("failed: final fit: the series has 9")
    north = table[(table["series"] == "north") & (table["model"] == "Theta")]
    scored = result.per_series
    row = scored[(scored["series"] == "north") & (scored["model"] == "Theta")]
    assert north["mae"].item() == row["mae"].item() and north["note"].item() == ""


def test_the_scores_table_names_a_models_failure_on_each_series():
    out = compare_panel(
        _panel({"a": 30, "b": 26}),
        models=[NaiveForecaster(), _NoPanel()],
        horizon=HORIZON,
        n_jobs=1,
    )
    table = out.scores_table()
    failed = table[table["model"] == "NoPanel"]
    assert list(failed["series"]) == ["a", "b"] and (failed["folds"] == 0).all()
    assert failed["note"].str.startswith("failed: ").all()
    assert "does not take a panel" in failed["note"].iloc[0]
    assert (table.loc[table["model"] == "Naive", "note"] == "").all()


def test_per_series_rmse_and_mape_pool_the_points_of_every_fold(result):
    # RMSE was the mean of the folds' RMSEs (always lower, and ranked models
    # differently from a single series' backtest of the same forecasts)
    bt = result.forecasts
    for (series, model), rows in bt.groupby(["series", "model"]):
        errors = rows["actual"].to_numpy() - rows["forecast"].to_numpy()
        scored = result.per_series[
            (result.per_series["series"] == series)
            & (result.per_series["model"] == model)
        ]
        if scored.empty:
            continue
        assert scored["rmse"].item() == pytest.approx(np.sqrt(np.mean(errors**2)))
        ape = np.abs(errors / rows["actual"].to_numpy()) * 100
        assert scored["mape"].item() == pytest.approx(np.mean(ape))
        assert scored["mae"].item() == pytest.approx(np.mean(np.abs(errors)))


def test_points_filled_in_for_a_gap_are_not_scored_in_a_panel():
    from convlstm import to_panel

    rows = []
    for k, store in enumerate(("a", "b")):
        for i, month in enumerate(pd.date_range("2010-01-01", periods=36, freq="MS")):
            if store == "b" and i == 33:
                continue  # a month missing from the file: filled in by the reader
            rows.append({"store": store, "month": month, "v": 10.0 + k + i + i % 3})
    panel = to_panel(pd.DataFrame(rows), id_cols="store")
    assert list(panel.attrs["filled"]) == ["b"]
    out = compare_panel(panel, models=["Naive"], horizon=6, folds=2, n_jobs=1)
    bt = out.forecasts
    gap = bt[bt["filled"]]
    assert gap["series"].tolist() == ["b"] and gap["time"].tolist() == [
        pd.Timestamp("2012-10-01")
    ]
    seen = bt[(bt["series"] == "b") & ~bt["filled"]]
    row = out.per_series[out.per_series["series"] == "b"]
    errors = seen["actual"] - seen["forecast"]
    # every observed point counts once, though its fold has one point fewer
    assert row["mae"].item() == pytest.approx(np.mean(np.abs(errors)))
    assert row["rmse"].item() == pytest.approx(np.sqrt(np.mean(errors**2)))
    assert row["folds"].item() == 2


def test_hand_built_panel_leaves_out_unreadable_series_for_every_model():
    # a repeated timestamp in one series used to stop the global network for the
    # whole panel, and an all-missing series was called "constant"
    panel = _panel({"north": 40, "south": 30, "east": 30})
    south = panel.index[panel["series"] == "south"]
    panel = pd.concat([panel, panel.loc[south[:1]]], ignore_index=True)
    panel.loc[panel["series"] == "east", "value"] = np.nan
    result = compare_panel(
        panel,
        models={"ConvLSTM": make_model("ConvLSTM", horizon=HORIZON, epochs=1)},
        horizon=HORIZON,
        folds=1,
        n_jobs=1,
    )
    assert set(result.forecasts["series"]) == {"north"}
    assert not any(result.failed.values())
    note = result.notes[0]
    assert "'south' (repeated timestamps)" in note
    assert "'east' (missing or infinite values)" in note
    assert "constant" not in " ".join(result.notes)


def test_panel_with_no_readable_series_is_a_data_error():
    panel = _panel({"north": 40})
    panel["value"] = np.inf
    with pytest.raises(DataError, match="no series of the panel can be read"):
        compare_panel(panel, models=["Naive"], horizon=HORIZON, n_jobs=1)


def test_future_lists_series_in_natural_order():
    result = compare_panel(
        _panel({"store 10": 30, "store 9": 30, "store 1": 30}),
        models=["Naive"],
        horizon=HORIZON,
        folds=1,
        n_jobs=1,
    )
    order = list(dict.fromkeys(result.future["series"]))
    assert order == ["store 1", "store 9", "store 10"]


def test_a_panel_ranking_on_one_fold_says_what_it_rests_on():
    one = compare_panel(_panel(), models=["Naive", "Theta"], horizon=3, folds=1)
    (note,) = (n for n in one.notes if n.startswith("the ranking rests on one"))
    assert "backtest fold, " in note and "more folds give a steadier ranking" in note
    two = compare_panel(_panel(), models=["Naive", "Theta"], horizon=3, folds=2)
    assert not any(n.startswith("the ranking rests on one") for n in two.notes)


def test_a_panel_comparison_prints_as_one_line():
    out = compare_panel(_panel(), models=["Naive", "Theta"], horizon=3, folds=2)
    text = repr(out)
    assert text.startswith("<PanelComparison of 2 models (Naive, Theta) on ")
    assert "horizon 3, 2 folds; best " in text and "\n" not in text


def test_a_series_too_short_for_the_long_season_is_named():
    from convlstm.data import short_cycle_note

    days = pd.date_range("2023-01-01", periods=800, freq="D")
    rows = [
        pd.DataFrame({"series": name, "time": days[-n:], "value": 1.0 + np.arange(n)})
        for name, n in (("old", 800), ("older", 790), ("new", 240))
    ]
    panel = pd.concat(rows, ignore_index=True)
    note = short_cycle_note(panel, "D")
    assert note.startswith("1 series holds fewer than two cycles of the longest")
    assert "(365 steps: 730 in all)" in note and "'new'" in note
    assert "'old'" not in note
    # all alike (all long, or all short): nothing to tell apart
    assert short_cycle_note(panel[panel["series"] != "new"], "D") is None
    assert short_cycle_note(panel[panel["series"] == "new"], "D") is None
    assert short_cycle_note(panel, "MS") is None  # one season only
    # and compare_panel says it (of a panel whose frequency is known, as read)
    panel.attrs["freq"] = "D"
    result = compare_panel(panel, models=["Naive"], horizon=7, folds=1)
    assert any("fewer than two cycles" in n for n in result.notes)


def test_panel_bias_pools_each_series_errors_and_averages_them():
    days = pd.date_range("2024-01-01", periods=30, freq="D")
    panel = pd.concat(
        [
            pd.DataFrame({"series": "up", "time": days, "value": np.arange(30.0)}),
            pd.DataFrame({"series": "flat", "time": days, "value": 5.0}),
        ],
        ignore_index=True,
    )
    panel.attrs["freq"] = "D"
    result = compare_panel(panel, models=["Naive"], horizon=4, folds=1)
    per = result.per_series.set_index("series")["bias"]
    # the naive forecast of a rising line runs low by 2.5 on average (1..4 behind)
    assert per["up"] == pytest.approx(-2.5) and per["flat"] == pytest.approx(0.0)
    assert result.summary.loc["Naive", "mean_bias"] == pytest.approx(-1.25)


@pytest.mark.parametrize(
    ("lengths", "freq", "expected"),
    [
        # three years of weeks, 13 ahead: three folds, as for one series (one
        # fold scored every series on its Christmas quarter alone)
        ({"a": 156, "b": 156, "c": 104}, "W-MON", (13, 3)),
        # the median series (40 months) holds one fold of a year on two years
        ({"a": 48, "b": 40, "c": 12}, "MS", (12, 1)),
        ({"a": 60, "b": 60, "c": 30}, "MS", (12, 3)),  # c: scored on its last fold
        ({"a": 8, "b": 6}, "MS", (6, 0)),  # not even one fold: a forecast only
    ],
)
def test_default_panel_folds_follow_the_one_series_rule(lengths, freq, expected):
    from convlstm.panel_compare import default_panel_folds, default_panel_horizon

    panel = _panel(lengths, freq)
    horizon = default_panel_horizon(panel)
    assert (horizon, default_panel_folds(panel, horizon)) == expected


def test_a_constant_series_is_scored_without_a_mase_and_counted_apart():
    panel = _panel({"a": 40, "b": 40})
    flat = panel[panel["series"] == "a"].assign(series="flat", value=7.0)
    panel = pd.concat([panel, flat], ignore_index=True)
    panel.attrs = {"freq": "MS", "notes": []}
    result = compare_panel(panel, models=["Naive", "Theta"], horizon=3, folds=2)
    assert (result.summary["series"] == 3).all()
    assert (result.summary["mase_series"] == 2).all()
    assert any(n.startswith("1 series constant") for n in result.notes)
