"""The sentences that say what the app's numbers mean."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from convlstm import narrative


@pytest.mark.parametrize(
    ("device", "points", "slow"),
    [
        ("cpu", narrative.LONG_SERIES + 1, True),
        ("cpu", narrative.LONG_SERIES, False),
        ("cuda", 50_000, False),
        ("cuda:0", 50_000, False),
    ],
)
def test_slow_to_train_only_long_series_on_cpu(device, points, slow) -> None:
    assert narrative.slow_to_train(device, points) is slow


def test_training_time_note() -> None:
    assert narrative.training_time_note("cpu", 17_520) == (
        "With 17,520 points expect a minute or more for the neural models; fewer "
        "folds are faster."
    )
    assert narrative.training_time_note("cpu", 1_000_000).startswith(
        "With 1,000,000 points expect several minutes for the neural models: about "
        "a minute per network"
    )
    assert narrative.training_time_note("cpu", 144) == ""
    assert narrative.training_time_note("cuda", 17_520) == ""


def test_rerun_verdict() -> None:
    assert narrative.rerun_verdict(True, 0, 3.14) == (
        "Re-run reproduced every metric and forecast (3.1 s)."
    )
    assert narrative.rerun_verdict(False, 4, 3.0) == (
        "Re-run gave different numbers in 4 place(s):"
    )


def test_published_benchmark_note() -> None:
    table = pd.DataFrame({"model": ["Naive"], "horizon": [12], "folds": [2]})
    table.attrs["measured"] = "2026-01-01 at abc123"
    note = narrative.published_benchmark_note(table)
    assert note.startswith("From bench/RESULTS.md (measured 2026-01-01 at abc123): ")
    assert "horizon 12, 2 folds" in note
    table.attrs.clear()
    assert "(measured ?)" in narrative.published_benchmark_note(table)


def test_bundle_fingerprint_prefers_the_record() -> None:
    model = SimpleNamespace(data_fingerprint_="model-hash")
    assert narrative.bundle_fingerprint(model, {"data": {"sha256": "rec"}}) == "rec"
    assert narrative.bundle_fingerprint(model, None) == "model-hash"
    assert narrative.bundle_fingerprint(model, {"data": {}}) == "model-hash"
    assert narrative.bundle_fingerprint(SimpleNamespace(), None) == "none"
    assert narrative.bundle_fingerprint(
        SimpleNamespace(data_fingerprint_=None), {}
    ) == ("none")


def test_panel_scope_note_says_when_a_sample_is_taken() -> None:
    assert "all 5 series in one run" in narrative.panel_scope_note(5, 200)
    note = narrative.panel_scope_note(1428, 200)
    assert "holds 1,428 series" in note and "sample of 200" in note


def test_panel_failures_name_the_series_and_count_the_rest() -> None:
    failed = {
        "ARIMA": {"a": "too short", "b": "too short", "c": "x", "d": "y"},
        "Naive": {},
        "Theta": {"e": "no season"},
    }
    lines = narrative.panel_failures(failed, listed=2)
    assert lines == [
        "ARIMA could not forecast 4 series (a: too short; b: too short; and 2 "
        "more); they are left out of its scores.",
        "Theta could not forecast 1 series (e: no season); it is left out of its "
        "scores.",
    ]
    unscored = narrative.panel_failures(failed, listed=2, scored=False)
    assert unscored[1].endswith("(e: no season); that series has no forecast from it.")


def test_panel_failures_on_the_whole_panel() -> None:
    lines = narrative.panel_failures({"LSTM": {"(all series)": "takes no panels"}})
    assert lines == ["LSTM failed on the whole panel: takes no panels"]


def test_kinds_phrase_uses_the_registry_kinds():
    from convlstm.narrative import kinds_phrase, model_kind

    assert model_kind("ETS") == "statistical" and model_kind("Theta") == "statistical"
    assert model_kind("ARIMA") == "statistical" and model_kind("LSTM") == "neural"
    assert model_kind("Ensemble") == "ensemble" and model_kind("nope?") is None
    assert kinds_phrase(["ConvLSTM", "LSTM"]) == "neural"
    assert kinds_phrase(["Ensemble", "ConvLSTM"]) == "neural or ensemble"
    assert kinds_phrase(["ETS", "Seasonal naive", "Ensemble"]) == (
        "statistical, naive or ensemble"
    )
    assert kinds_phrase(["mystery"], default="simple") == "simple"
    assert kinds_phrase([]) == "other"


def test_panel_bundle_text_says_which_series_it_knows():
    assert "knows every series" in narrative.panel_bundle_text("ConvLSTM", 5, 5, 5)
    assert "knows 2 of this run's 5" in narrative.panel_bundle_text("LSTM", 3, 2, 5)
    assert "none of them" in narrative.panel_bundle_text("LSTM", 3, 0, 5)


def test_kept_epoch_text_says_when_training_kept_the_start():
    start = SimpleNamespace(history_=[{"epoch": 1}, {"epoch": 2}], best_epoch_=0)
    assert "kept its start (epoch 0: the anchor plus" in (
        narrative.kept_epoch_text("ConvLSTM", start)
    )
    trained = SimpleNamespace(history_=[{"epoch": 1}] * 5, best_epoch_=3)
    assert "kept epoch 3 of 5" in narrative.kept_epoch_text("LSTM", trained)
    tuned = SimpleNamespace(history_=[{}], best_epoch_=0, init="pretrained")
    assert "the pretrained network" in narrative.kept_epoch_text("ConvLSTM", tuned)
    assert narrative.kept_epoch_text("ETS", SimpleNamespace()) is None


def test_kept_start_text_only_when_the_start_was_kept():
    start = SimpleNamespace(history_=[{"epoch": 1}], best_epoch_=0)
    assert "last stretch of the series" in narrative.kept_start_text("LSTM", start)
    panel = SimpleNamespace(
        history_=[{"epoch": 1}], best_epoch_=0, fitted_on_panel=True
    )
    text = narrative.kept_start_text("ConvLSTM", panel)
    assert "each series" in text and "forecasts the same" in text
    trained = SimpleNamespace(history_=[{"epoch": 1}] * 3, best_epoch_=2)
    assert narrative.kept_start_text("LSTM", trained) is None
    assert narrative.kept_start_text("ETS", SimpleNamespace()) is None
    # scratch kept at its start: the network settings did not shape it; they
    # shape the ConvLSTM only, so the LSTM's note does not name them
    conv = SimpleNamespace(history_=[{"epoch": 1}], best_epoch_=0, kernel_size=3)
    assert "settings (kernel size, hidden size" in narrative.kept_start_text(
        "ConvLSTM", conv
    )
    assert "kernel size" not in narrative.kept_start_text("LSTM", start)
    # both starts kept: the scratch half adds its start to the mean, not "alone"
    both = SimpleNamespace(history_=[{"epoch": 1}] * 4, best_epoch_=0, start_="both")
    text = narrative.kept_start_text("ConvLSTM", both)
    assert "the network trained on this series kept its start" in text
    assert "blend with the pretrained network" in text and "alone" not in text


def test_a_big_network_is_said_with_its_size() -> None:
    note = narrative.network_size_note(7, 512, 4)
    assert note.startswith("A network of about 411 million weights (1.6 GB")
    assert "(38 MB" in narrative.network_size_note(3, 256, 2)
    assert narrative.network_size_note(3, 8, 1) == ""  # the defaults: nothing
    assert narrative.network_size_note((3, 5), 512, 1).startswith("A network")


def test_below_zero_counts_among_the_series_forecast():
    from convlstm.narrative import panel_below_zero_text

    panel = pd.DataFrame(
        {"series": [s for s in "abcd" for _ in range(3)], "value": [1.0] * 12}
    )
    future = pd.DataFrame(
        {"series": ["a", "b"], "model": "Theta", "forecast": [-2.0, 1.0]}
    )  # a sampled run forecast two of the four series
    text = panel_below_zero_text(panel, future)
    assert "on 1 of the 2 series that never go below zero" in text


def test_an_ensemble_says_which_members_it_trains_unchosen() -> None:
    from convlstm.narrative import unchosen_members_text

    text = unchosen_members_text(["Ensemble", "Naive", "ETS"])
    assert text.startswith("Ensemble also trains ConvLSTM, Theta and ARIMA, its ")
    one = unchosen_members_text(["Ensemble", "ConvLSTM", "ETS", "Theta"])
    assert "trains ARIMA, its member not chosen, to combine it; it is not" in one
    assert (
        unchosen_members_text(["Ensemble", "ConvLSTM", "ETS", "Theta", "ARIMA"]) is None
    )
    assert unchosen_members_text(["Naive", "No such model"]) is None
    custom = {"Ensemble": {"members": ["Naive", "Theta"]}}
    assert "trains Theta, its member" in unchosen_members_text(
        ["Ensemble", "Naive"], custom
    )


def test_coverage_on_different_points_is_said():
    cov = pd.DataFrame(
        {
            "model": ["A", "A", "B", "B"],
            "level": [0.8, 0.95, 0.8, 0.95],
            "coverage": [0.5, 0.44, 0.8, 0.9],
            "n": [450, 300, 60, 60],
        }
    )
    text = narrative.coverage_points_text(cov)
    assert "A measured its 80% on 450 and its 95% on 300" in text and "B" not in text
    assert narrative.coverage_points_text(cov[cov["model"] == "B"]) is None
    assert narrative.coverage_points_text(None) is None


def test_networks_that_forecast_alike_are_said_to_rate_their_start():
    rows = [
        {"model": m, "fold": f, "forecast": v}
        for f in (1, 2)
        for m, v in (("ConvLSTM", 1.5 * f), ("LSTM", 1.5 * f), ("ETS", 1.5 * f))
    ]
    frame = pd.DataFrame(rows)
    network = SimpleNamespace(history_=[{"epoch": 1}])
    fitted = {"ConvLSTM": network, "LSTM": network, "ETS": SimpleNamespace()}
    text = narrative.alike_networks_text(frame, fitted)
    assert text.startswith("ConvLSTM and LSTM forecast exactly alike")
    assert "ETS" not in text  # a statistical model matching them is no network
    frame.loc[frame["model"] == "LSTM", "forecast"] += 1e-3
    assert narrative.alike_networks_text(frame, fitted) is None


def test_a_ranking_on_one_fold_says_what_it_rests_on():
    times = pd.date_range("2024-07-01", periods=3, freq="MS")
    one = pd.DataFrame({"fold": 1, "timestamp": times, "model": "ETS", "forecast": 1.0})
    text = narrative.one_fold_text(one)
    assert text.startswith("the ranking rests on one backtest fold, 2024-07-01 to")
    two = pd.concat([one, one.assign(fold=2)])
    assert narrative.one_fold_text(two) is None
    assert narrative.one_fold_text(one.iloc[:0]) is None


def test_a_kept_start_note_fits_its_run_one_epoch_a_panel_a_plain_fit():
    one = SimpleNamespace(history_=[{"epoch": 1}], best_epoch_=0)
    text = narrative.kept_start_text("LSTM", one)
    assert "Its one epoch of training did not lower the error" in text
    assert "None of 1 epoch" not in text
    assert text.endswith("the backtest folds train their own fits.")
    # a plain fit has no backtest folds to speak of
    plain = narrative.kept_start_text("LSTM", one, backtest=False)
    assert "backtest" not in plain and plain.endswith("from that start alone.")
    # both starts kept on a panel: these series, each series' last stretch
    both = SimpleNamespace(
        history_=[{}] * 3, best_epoch_=0, start_="both", fitted_on_panel=True
    )
    text = narrative.kept_start_text("ConvLSTM", both)
    assert "trained on these series kept its start" in text
    assert "None of 3 epochs of training lowered the error on the validation " in text
    assert "windows (the last stretch of each series)" in text


def test_the_floor_note_speaks_of_a_backtest_only_where_there_was_one():
    assert narrative.floor_text(None) is None
    scored = narrative.floor_text(0.0)
    assert scored.startswith("a floor of 0: every forecast and interval bound below")
    assert scored.endswith("so the scores are those of the forecasts shown")
    alone = narrative.floor_text(0.0, scored=False)
    assert alone.endswith("is raised to 0") and "backtest" not in alone


def _per_series(rows: dict[str, list[float]]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {"series": f"s{i}", "model": model, "mase": value}
            for model, values in rows.items()
            for i, value in enumerate(values)
        ]
    )


def test_head_to_head_text_when_the_best_mean_loses_most_series() -> None:
    from convlstm.narrative import head_to_head_text

    # B wins 4 of 5 series but misses one badly: A keeps the lower mean
    per_series = _per_series(
        {"A": [1.0, 1.0, 1.0, 1.0, 1.0], "B": [0.8, 0.8, 0.8, 0.8, 9.0]}
    )
    text = head_to_head_text(per_series, "A")
    assert text.startswith("A has the lowest mean MASE, but B scores lower on 4 of 5")
    assert "(80%)" in text and "median MASE B 0.800, A 1.000" in text
    assert text.endswith("on a typical series, B is the better pick")
    # the best mean also wins most series: nothing to say
    assert head_to_head_text(per_series, "B") is None
    # narrow wins, wide losses: B's median is no lower, and the text says so
    # (it said a few misses pulled B's mean up, beside a median that did not)
    narrow = _per_series(
        {
            "A": [0.5, 0.6, 1.0, 1.1, 0.9, 0.95],
            "B": [0.4, 0.5, 0.98, 1.08, 1.5, 1.6],
        }
    )
    text = head_to_head_text(narrow, "A")
    assert text.startswith("A has the lowest mean MASE, but B scores lower on 4 of 6")
    assert "by less than it loses by on the others" in text
    assert "median MASE B 1.030, A 0.925" in text
    assert text.endswith("so A stays the better pick")
    assert "misses badly" not in text
    even = _per_series({"A": [1.0, 1.0], "B": [0.5, 2.0]})
    assert head_to_head_text(even, "A") is None  # half is not most
    assert head_to_head_text(per_series, None) is None


def test_the_cli_and_the_report_say_when_the_best_mean_loses_most_series() -> None:
    from convlstm.report import _panel_notes

    per_series = _per_series(
        {"A": [1.0, 1.0, 1.0, 1.0, 1.0], "B": [0.8, 0.8, 0.8, 0.8, 9.0]}
    )
    result = SimpleNamespace(
        per_series=per_series,
        best="A",
        future=pd.DataFrame(columns=["series", "model", "forecast"]),
        forecasts=pd.DataFrame(columns=["series", "fold", "step"]),
        notes=[],
        failed={},
        folds=1,
        horizon=3,
    )
    panel = pd.DataFrame({"series": ["s0"], "time": [0], "value": [1.0]})
    notes = narrative.panel_run_notes(panel, result)
    assert len(notes) == 1 and "B scores lower on 4 of 5" in notes[0]
    assert "B scores lower on 4 of 5" in _panel_notes(result, panel)


def test_a_season_the_backtest_fits_could_not_use_is_said() -> None:
    import numpy as np

    from convlstm import compare

    # 110 weeks: the whole series holds two yearly cycles (104), the folds'
    # training parts do not; a winter peak each year
    weeks = pd.date_range("2021-01-04", periods=110, freq="W-MON")
    cases = 100 + 60 * np.cos(2 * np.pi * np.arange(110) / 52)
    cases += np.random.default_rng(0).normal(0, 3, 110)
    y = pd.Series(cases, index=weeks, name="cases")
    result = compare(y, models=["ETS", "Naive"], horizon=8, folds=3)
    text = narrative.unchecked_season_text(y, result.fitted, result.backtest.forecasts)
    assert text.startswith("ETS forecasts with a season of 52 steps")
    assert "at most 102 points, fewer than two cycles (104)" in text
    # one fold of 4 steps leaves 106 points: the season is tested
    result = compare(y, models=["ETS"], horizon=4, folds=1)
    assert (
        narrative.unchecked_season_text(y, result.fitted, result.backtest.forecasts)
        is None
    )


def test_percent_errors_text_for_data_near_or_across_zero() -> None:
    import numpy as np

    assert "cross zero" in narrative.percent_errors_text(np.array([-0.3, 0.2, 0.5]))
    assert "come near zero" in narrative.percent_errors_text(
        np.array([0.01, 5.0, 6.0, 7.0])
    )
    assert narrative.percent_errors_text(np.array([100.0, 120.0, 90.0])) is None


def test_tie_text_says_when_the_star_falls_by_list_order():
    summary = pd.DataFrame(
        {"mae": [0.0, 0.0, 1.5, np.nan]}, index=["LSTM", "ARIMA", "ETS", "Theta"]
    )
    text = narrative.tie_text(summary)
    assert text.startswith("LSTM and ARIMA tie on MAE (0): the best mark goes to")
    assert "every backtest forecast was exact" in text
    summary["mae"] = [2.0, 2.0 + 1e-12, 1.5, 3.0]
    assert narrative.tie_text(summary) is None  # the best is alone
    summary["mae"] = [1.5, 2.0, 1.5, 3.0]
    assert "exact" not in narrative.tie_text(summary)
    assert narrative.tie_text(summary.iloc[:1]) is None


def test_round_off_between_two_models_is_no_win():
    # ETS forecasting as the naive does: MASEs equal but for 1e-16
    from convlstm.panel_compare import _wins

    naive = np.array([0.797, 0.5, 0.61, 1.2, 0.9, 0.7])
    ets = naive - np.array([7.8e-16, 1e-17, 0.0, 0.05, 0.0, 2e-16])
    rows = [("ETS", s, v) for s, v in enumerate(ets)]
    rows += [("Naive", s, v) for s, v in enumerate(naive)]
    per_series = pd.DataFrame(rows, columns=["model", "series", "mase"])
    wins = _wins(per_series, ["ETS", "Naive"], ["Naive"]).iloc[0]
    assert (wins["wins"], wins["losses"], wins["ties"]) == (1, 0, 5)
    assert narrative.head_to_head_text(per_series, "Naive") is None


def test_a_best_model_no_better_than_the_baseline_is_said():
    sig = pd.DataFrame(
        {
            "model": ["ConvLSTM", "LSTM"],
            "baseline": ["Naive", "Naive"],
            "p_value": [0.41, 0.01],
            "significant": [False, True],
        }
    )
    text = narrative.best_untested_text(sig, "ConvLSTM")
    assert text.startswith("ConvLSTM, marked best, is not significantly better")
    assert "than Naive, the best baseline (Diebold-Mariano test, p = 0.41)" in text
    assert narrative.best_untested_text(sig, "LSTM") is None  # it is
    assert narrative.best_untested_text(sig, "Naive") is None  # the baseline
    assert narrative.best_untested_text(None, "ConvLSTM") is None


def test_a_pretrained_network_forecasting_past_its_heads_says_so():
    from convlstm.models.neural import ConvLSTMForecaster
    from convlstm.narrative import rollout_text, start_notes

    idx = pd.date_range("2015-01-01", periods=60, freq="MS")
    y = pd.Series(
        100 + np.arange(60) + 10 * np.sin(2 * np.pi * np.arange(60) / 12), index=idx
    )
    heads = None
    for horizon in (12, 40):
        model = ConvLSTMForecaster(
            horizon=horizon, init="pretrained", fine_tune=False
        ).fit(y)
        heads = int(model.net_.horizon)
        text = rollout_text("ConvLSTM", model)
        if horizon <= heads:
            assert text is None
        else:
            assert text.startswith(
                f"ConvLSTM: its pretrained network forecasts {heads} steps at a "
                f"time; steps {heads + 1}-{horizon} feed its own forecasts back in"
            )
            assert text in start_notes("ConvLSTM", model)
    assert heads == 24  # the monthly network's heads (convlstm/weights/card.json)
    # a model without a network, or a network with heads for every step: nothing
    assert rollout_text("ETS", object()) is None
    assert rollout_text("ConvLSTM", None) is None


def test_an_ensemble_that_lost_members_says_what_it_combines():
    from convlstm import compare
    from convlstm.narrative import ensemble_members_text, run_start_notes

    idx = pd.date_range("2024-01-01", periods=3, freq="MS")
    y = pd.Series([10.0, 12.0, 11.0], index=idx)
    result = compare(y, models=["Ensemble"], horizon=2, folds=0)
    text = ensemble_members_text("Ensemble", result.fitted["Ensemble"])
    assert text == (
        "Ensemble: combines ConvLSTM alone (ETS, Theta and ARIMA could not "
        "forecast this series), so it is ConvLSTM's forecast"
    )
    assert text in run_start_notes(result.fitted, None)
    two = SimpleNamespace(
        failed_={"ARIMA": "short"}, weights_={"ETS": 0.5, "Theta": 0.5}
    )
    assert ensemble_members_text("E", two) == (
        "E: combines ETS and Theta (ARIMA could not forecast this series)"
    )
    full = SimpleNamespace(failed_={}, weights_={"ETS": 0.5, "Theta": 0.5})
    assert ensemble_members_text("E", full) is None


def test_a_forecast_above_100_of_a_percentage_gets_a_note():
    from convlstm.narrative import above_hundred_text, below_zero_text

    idx = pd.date_range("2020-01-01", periods=24, freq="MS")
    y = pd.Series(np.linspace(80, 99, 24), index=idx, name="occupancy %")
    future = pd.DataFrame(
        {"model": ["ETS", "ETS", "Theta"], "forecast": [99.0, 101.5, 98.0]}
    )
    text = above_hundred_text(y, future, best="ETS")
    assert text.startswith("ETS (marked best) forecasts above 100 (highest 101.5)")
    assert below_zero_text(y, future, best="ETS") == text  # the one note of range
    # percent signs the reader took off say so too; a plain name does not
    plain = y.rename("occupancy")
    assert above_hundred_text(plain, future) is None
    plain.attrs["notes"] = [
        "column 'occupancy': removed the percent sign from 24 cells"
    ]
    assert above_hundred_text(plain, future) is not None
    # a series that goes over 100 (growth in percent), or forecasts within: none
    assert above_hundred_text(y * 1.2, future) is None
    assert above_hundred_text(y, future.assign(forecast=[99.0, 100.0, 98.0])) is None


def test_notes_several_models_share_are_said_once():
    from convlstm.narrative import merge_model_notes

    models = ["ConvLSTM", "ConvLSTM (pretrained)", "ETS", "Theta"]
    notes = [
        "ETS: steps 1-12 pooled residuals",
        "ConvLSTM (pretrained): steps 1-12 pooled residuals",
        "Theta: steps 1-12 pooled residuals",
        "ConvLSTM: steps 1-12 pooled residuals",
        "ETS: at 3 steps (7-9) the bands are the same",
        "coverage needs at least 2 folds",
        "Theta: at 3 steps (7-9) the bands are the same",
        "ETS: steps 1-12 pooled residuals",  # said twice
    ]
    assert merge_model_notes(notes, models) == [
        "every model: steps 1-12 pooled residuals",
        "ETS and Theta: at 3 steps (7-9) the bands are the same",
        "coverage needs at least 2 folds",
    ]
    # a model whose name starts another's is told apart
    assert merge_model_notes(["ConvLSTM (pretrained): x", "ETS: x"], models) == [
        "ConvLSTM (pretrained) and ETS: x"
    ]


def test_the_best_models_coverage_clearly_under_its_level_gets_a_warning():
    from convlstm.narrative import under_coverage_text

    coverage = pd.DataFrame(
        {
            "model": ["ARIMA", "ARIMA", "ETS"],
            "level": [0.8, 0.95, 0.8],
            "coverage": [5 / 12, 11 / 12, 0.2],
            "n": [12, 12, 12],
        }
    )
    text = under_coverage_text(coverage, "ARIMA")
    assert text.startswith("ARIMA (marked best) covered 42% of 12 held-out values")
    assert "its 80% intervals, clearly under 80%" in text
    # 9 of 12 at 80% is within chance; another model's miss is not the best's
    near = coverage.assign(coverage=[9 / 12, 11 / 12, 0.2])
    assert under_coverage_text(near, "ARIMA") is None
    assert under_coverage_text(coverage, None) is None
    assert under_coverage_text(None, "ARIMA") is None


def test_ranges_of_two_levels_that_coincide_are_explained():
    from convlstm.narrative import same_bands_text

    rows = pd.DataFrame(
        {
            "forecast": [10.0, 11.0, 12.0],
            "lower_80": [8.0, 9.0, 10.0],
            "upper_80": [12.0, 13.0, 14.0],
            "lower_95": [7.0, 9.0, np.nan],
            "upper_95": [13.0, 13.0, np.nan],
        }
    )
    text = same_bands_text(rows, [0.95, 0.8])
    assert text.startswith("At 1 of the 3 steps the 80% and 95% ranges are the same")
    apart = rows.assign(lower_95=[7.0, 8.0, 9.0], upper_95=[13.0, 14.0, 15.0])
    assert same_bands_text(apart, [0.8, 0.95]) is None
    assert same_bands_text(rows[["forecast"]], [0.8, 0.95]) is None


def test_the_statistical_models_say_the_form_they_chose() -> None:
    from convlstm.compare import make_model

    # 24 points of a strong yearly season: ETS's seasonal forms lose by AICc
    # (11 more starting values), which its forecast, flat, did not say
    t = np.arange(24)
    noise = np.random.default_rng(0).normal(0, 3, 24)
    y = pd.Series(
        100 + 30 * np.sin(t * 2 * np.pi / 12) + noise,
        index=pd.date_range("2020-01-01", periods=24, freq="MS"),
    )
    ets = make_model("ETS", horizon=6).fit(y)
    text = narrative.chosen_form_text("ETS", ets)
    assert text.startswith(f"ETS chose {ets.spec_} by AICc, without the season of 12")
    assert "on 24 points its seasonal forms, which fit 11 more" in text
    assert text in narrative.start_notes("ETS", ets, backtest=False)
    arima = make_model("ARIMA", horizon=6).fit(y)
    assert narrative.chosen_form_text("ARIMA", arima) == (
        f"ARIMA chose {arima.method_} by AICc"
    )
    # a comparison's final fit: its form need not be the folds'
    assert narrative.chosen_form_text("ARIMA", arima, backtest=True) == (
        f"ARIMA chose {arima.method_} by AICc for the forecast beyond the data "
        "(each backtest fold chose again, on the data before it)"
    )
    # a seasonal choice says no more; other models say nothing
    longer = pd.concat([y, y.set_axis(y.index + pd.DateOffset(years=2))])
    seasonal = make_model("ETS", horizon=6).fit(longer)
    assert narrative.chosen_form_text("ETS", seasonal) == (
        f"ETS chose {seasonal.spec_} by AICc"
    )
    assert seasonal.spec_.endswith(",A)")
    assert narrative.chosen_form_text("Naive", make_model("Naive", horizon=6)) is None


def test_bands_narrower_further_ahead_are_said_to_vary_by_chance() -> None:
    from convlstm.intervals import conformal_intervals

    # three folds of 4 steps: step 1's 80% band pools steps 1-2 (6 errors, the
    # largest taken), step 2's steps 1-3 (9, the second largest); the largest
    # error at step 1 makes step 1's band the widest
    rows = []
    for fold in range(3):
        for step in range(1, 5):
            error = 40.0 if (fold, step) == (0, 1) else 1.0 + fold + step / 10
            rows.append(("M", fold, step, 100.0 + error, 100.0))
    bt = pd.DataFrame(rows, columns=["model", "fold", "step", "actual", "forecast"])
    future = pd.DataFrame(
        {
            "model": "M",
            "timestamp": pd.date_range("2024-01-01", periods=4, freq="MS"),
            "forecast": 100.0,
        }
    )
    out = conformal_intervals(bt, future, levels=(0.8, 0.95))
    text = narrative.narrower_bands_text(out, [0.8, 0.95])
    assert text.startswith("The 80% band is narrower further ahead at 3 of the 4 ")
    assert "(step 2: " in text and "of step 1's width)" in text
    assert "(6 to 9 here)" in text
    # many errors per step: widths that differ are the errors', nothing said
    many = pd.concat([bt.assign(fold=bt["fold"] + 3 * k) for k in range(8)])
    out = conformal_intervals(many, future, levels=(0.8, 0.95))
    assert narrative.narrower_bands_text(out, [0.8, 0.95]) is None
    # no calibration columns (a forecast only): nothing said
    assert narrative.narrower_bands_text(future, [0.8]) is None


def test_unscored_text_names_the_points_the_backtest_asks_of_this_series() -> None:
    from convlstm import compare

    # three months: under two years, so no season to keep; 9 points are enough
    months = pd.date_range("2020-01-01", periods=3, freq="MS")
    text = narrative.unscored_text(3, months)
    assert "needs at least 9 (a backtest trains on 8" in text
    nine = pd.Series(np.arange(9.0), pd.date_range("2020-01-01", periods=9, freq="MS"))
    assert list(compare(nine, models=["Naive"], horizon=1, folds=1).summary.index)
    # two years and more: a season plus a point
    years = pd.date_range("2020-01-01", periods=20, freq="MS")
    assert "choose 1 or more folds" in narrative.unscored_text(20, years)
    long = pd.date_range("2020-01-01", periods=30, freq="MS")
    assert "choose 1 or more folds" in narrative.unscored_text(30, long)


def test_a_series_too_short_to_score_is_said_before_it_trains() -> None:
    months = pd.date_range("2020-01-01", periods=3, freq="MS")
    alone = narrative.too_short_to_score_text(3, months)
    assert alone.startswith("3 points are too few to score the models")
    assert "at least 9" in alone and "all series" not in alone
    assert "a run over all series" in narrative.too_short_to_score_text(3, months, True)
    nine = pd.date_range("2020-01-01", periods=9, freq="MS")
    assert narrative.too_short_to_score_text(9, nine) is None
