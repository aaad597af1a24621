"""AppTest checks of a run over all series of a panel on screen (a small real
``compare_panel`` run, made outside the app): leaderboard, failures, the per-series
table and its drill-down, the long-format forecast download."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from convlstm import PanelComparison, compare_panel
from convlstm.panel_compare import ALL_SERIES
from ui import panel_results


def stores_panel() -> pd.DataFrame:
    """Three stores, 36 months each."""
    times = pd.date_range("2020-01-01", periods=36, freq="MS")
    parts = [
        pd.DataFrame(
            {"series": store, "time": times, "value": 100.0 + 10 * k + np.arange(36)}
        )
        for k, store in enumerate(("north", "south", "east"))
    ]
    panel = pd.concat(parts, ignore_index=True)
    panel.attrs["freq"] = "MS"
    return panel


@pytest.fixture(scope="module")
def result() -> dict:
    panel = stores_panel()
    cmp = compare_panel(
        panel, models=["Naive", "Seasonal naive"], horizon=3, folds=1, n_jobs=1
    )
    cmp = dataclasses.replace(
        cmp,
        failed={
            "Theta": {"east": "the series is too short for Theta"},
            "LSTM": {ALL_SERIES: "LSTMForecaster does not take a panel"},
        },
    )
    return {
        "comparison": cmp,
        "panel": panel,
        "kind": "panel",
        "label": "stores.csv · all 3 series",
        "data_key": "other data",
        "params": {"horizon": 3, "folds": 1, "seed": 0},
        "device": "cpu",
        "finished": "2026-01-01 12:00",
    }


def _results_app(res: dict) -> None:
    import streamlit as st

    import ui

    if "res" not in st.session_state:
        st.session_state["res"] = res
    ui.show_panel_results(st.session_state["res"], None)


def _app(res: dict) -> AppTest:
    at = AppTest.from_function(_results_app, args=(res,), default_timeout=30)
    at.run()
    assert not at.exception, at.exception
    return at


def test_panel_results_show_leaderboard_failures_table_and_chart(result) -> None:
    at = _app(dict(result))
    assert isinstance(result["comparison"], PanelComparison)
    board = at.dataframe[0].value
    table = at.dataframe(key="panel_series_table").value
    best = result["comparison"].best
    assert f"★ {best}" in board.index and len(board) == 2
    assert "best" not in board.columns  # the star says it
    assert table["Series"].tolist() == ["east", "north", "south"]
    assert table.columns.tolist() == ["Series", "Best", "Naive", "Seasonal naive"]
    # scores as text with three decimals, a dash (never "None") where missing
    assert all(v == "—" or v.count(".") == 1 for v in table["Naive"])
    warning = at.warning[0].value
    assert "Theta could not forecast 1 series" in warning and "east" in warning
    assert "LSTM failed on the whole panel" in warning
    assert any("Only the chosen series" in c.value for c in at.caption)
    assert "not the data chosen now" in at.info[0].value
    # no row selected and no series picked on the Data page: the first is drawn
    assert "**Series east**" in [m.value for m in at.markdown]
    assert len(at.get("plotly_chart")) == 1
    labels = {b.label for b in at.get("download_button")}
    assert labels == {
        "Report (HTML)",
        "Forecasts, all series (CSV)",
        "Scores per series (CSV)",
    }


def test_drilled_series_is_kept_in_the_result(result) -> None:
    at = _app(dict(result))
    at.session_state["res"][panel_results.DRILL] = "south"
    at.run()
    assert not at.exception, at.exception
    assert "**Series south**" in [m.value for m in at.markdown]


def test_series_table_and_future_table(result) -> None:
    cmp = result["comparison"]
    table = panel_results.series_table(cmp.per_series)
    assert len(table) == 3
    assert set(table["Best"]) <= {"Naive", "Seasonal naive"}
    future = cmp.future_table()
    assert future.columns.tolist()[:4] == ["series", "timestamp", "model", "forecast"]
    assert {"lower_80", "upper_80"} <= set(future.columns)  # as the page shows
    assert len(future) == 3 * 2 * 3
    assert future["series"].iloc[0] == "east"  # sorted by series
    csv = panel_results.safe_csv(future).decode()
    assert csv.splitlines()[0].startswith("series,timestamp,model,forecast,lower_")
    # a series without scores (too short for a fold, constant) keeps its row
    scores = cmp.per_series.copy()
    scores.loc[scores["series"] == "south", "mase"] = float("nan")
    scores = scores[scores["series"] != "north"]
    table = panel_results.series_table(scores, series=["north", "south", "east"])
    assert table["Series"].tolist() == ["north", "south", "east"]
    assert table["Best"].tolist()[:2] == ["—", "—"]


def test_a_forecast_below_zero_of_a_series_that_never_is_gets_a_note(result) -> None:
    cmp = result["comparison"]
    future = cmp.future.copy()
    future.loc[future["series"] == "south", "forecast"] = -3.5
    res = {**result, "comparison": dataclasses.replace(cmp, future=future)}
    captions = " ".join(c.value for c in _app(res).caption)
    assert "below zero on 1 of the 3 series that never go below zero" in captions
    assert "'south'" in captions
    assert "below zero" not in " ".join(c.value for c in _app(result).caption)


def test_a_run_over_a_sample_is_labelled_as_one() -> None:
    # the sidebar said "all 5,000 series" of a run over a sample of 200
    panel = pd.DataFrame(
        {"series": [f"s{i}" for i in range(250)], "time": 0, "value": 0}
    )
    assert panel_results.panel_label("big.csv", panel) == (
        "big.csv · a sample of 200 of 250 series"
    )
    assert (
        panel_results.panel_label("big.csv", panel.head(3)) == "big.csv · all 3 series"
    )


def test_coverage_of_a_one_fold_run_says_why_it_is_missing(result) -> None:
    panel = result["panel"]
    one = compare_panel(
        panel, models=["Naive"], horizon=3, folds=1, levels=(0.8,), n_jobs=1
    )
    at = _app({**result, "comparison": one})
    (box,) = [e for e in at.expander if e.label.endswith("measured coverage")]
    assert not box.dataframe
    assert any("needs at least 2 folds" in c.value for c in box.caption)
    two = compare_panel(
        panel, models=["Naive"], horizon=3, folds=2, levels=(0.8,), n_jobs=1
    )
    at = _app({**result, "comparison": two, "params": {**result["params"], "folds": 2}})
    (box,) = [e for e in at.expander if e.label.endswith("measured coverage")]
    table = box.dataframe[0].value
    assert "None" not in table.astype(str).to_numpy()
    assert table["mean_width"].iloc[0] not in ("—", "None")


def test_a_best_mean_that_loses_most_series_is_said_under_the_leaderboard(
    result,
) -> None:
    cmp = result["comparison"]
    per_series = cmp.per_series.copy()
    best = cmp.best
    other = next(m for m in per_series["model"].unique() if m != best)
    # the other model wins two of three series but misses the third badly
    mase = {("north", other): 0.5, ("south", other): 0.5, ("east", other): 50.0}
    mase.update({(s, best): 1.0 for s in ("north", "south", "east")})
    per_series["mase"] = [
        mase[(s, m)] for s, m in per_series[["series", "model"]].values
    ]
    res = {**result, "comparison": dataclasses.replace(cmp, per_series=per_series)}
    captions = " ".join(c.value for c in _app(res).caption)
    assert f"but {other} scores lower on 2 of 3 series" in captions
    assert "scores lower on" not in " ".join(c.value for c in _app(result).caption)
