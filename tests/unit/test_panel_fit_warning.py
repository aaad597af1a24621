"""Panels built by hand: a fit that leaves series out warns (a notebook user sees
it; the comparison and the CLI, which report failures in their own words, do
not); rows in any order; ids and frequencies checked."""

import warnings

import numpy as np
import pandas as pd
import pytest

from convlstm import (
    ConvLSTMForecaster,
    DataError,
    PanelFitWarning,
    ThetaForecaster,
    compare_panel,
)


def _panel() -> pd.DataFrame:
    times = pd.date_range("2020-01-01", periods=30, freq="MS")
    parts = [
        pd.DataFrame({"series": "long", "time": times, "value": 10 + np.arange(30.0)}),
        pd.DataFrame({"series": "tiny", "time": times[:2], "value": [1.0, 2.0]}),
    ]
    panel = pd.concat(parts, ignore_index=True)
    panel.attrs["freq"] = "MS"
    return panel


def test_a_series_left_out_of_a_panel_fit_is_warned_of():
    with pytest.warns(
        PanelFitWarning, match=r"1 of 2 series could not be fitted.*'tiny'"
    ):
        model = ThetaForecaster(horizon=3).fit(_panel(), n_jobs=1)
    assert set(model.failed_) == {"tiny"}
    assert set(model.predict()["series"]) == {"long"}


def test_the_comparison_reports_failures_without_the_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error", PanelFitWarning)
        cmp = compare_panel(_panel(), models=["Theta"], horizon=3, folds=1, n_jobs=1)
    assert "tiny" in cmp.failed.get("Theta", {})


def test_a_hand_built_panel_is_read_in_any_row_order():
    panel = _panel().sample(frac=1.0, random_state=0)
    shuffled = ThetaForecaster(horizon=3).fit(panel[panel["series"] == "long"])
    in_order = ThetaForecaster(horizon=3).fit(_panel().query("series == 'long'"))
    pd.testing.assert_frame_equal(shuffled.predict(), in_order.predict())


def test_a_row_without_a_series_id_is_refused():
    panel = _panel()
    panel.loc[3, "series"] = np.nan
    with pytest.raises(DataError, match="1 row of the panel has no series id"):
        ThetaForecaster(horizon=3).fit(panel)


def test_one_network_refuses_series_of_different_frequencies():
    times = {"MS": pd.date_range("2020-01-01", periods=30, freq="MS")}
    times["D"] = pd.date_range("2020-01-01", periods=60, freq="D")
    panel = pd.concat(
        [
            pd.DataFrame({"series": f, "time": t, "value": np.arange(len(t)) + 1.0})
            for f, t in times.items()
        ],
        ignore_index=True,
    )
    with pytest.raises(DataError, match="do not share one frequency.*'MS' \\(MS\\)"):
        ConvLSTMForecaster(horizon=3, epochs=1, init="scratch").fit(panel)


def test_ids_of_two_types_that_read_alike_are_refused():
    # frames put together: store 1 (a number) and store "1" (text) were merged
    # and their values averaged (10 and 1000 became one series of 505)
    from convlstm import to_panel

    t = pd.date_range("2020-01-01", periods=24, freq="MS")
    frames = [
        pd.DataFrame({"store": 1, "date": t, "sales": 10.0}),
        pd.DataFrame({"store": "1", "date": t, "sales": 1000.0}),
    ]
    with pytest.raises(DataError, match=r"ids of different types \(int and str\)"):
        to_panel(pd.concat(frames, ignore_index=True), id_cols="store")
    frames[1]["store"] = "b"  # two types, no clash: two series
    panel = to_panel(pd.concat(frames, ignore_index=True), id_cols="store")
    assert sorted(panel["series"].unique()) == ["1", "b"]
