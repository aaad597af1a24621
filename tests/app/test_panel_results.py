"""AppTest checks of a run over all series of a panel on screen (a stand-in result:
no training): leaderboard, failures, the per-series table and its drill-down, the
long-format forecast download."""

from __future__ import annotations

import pandas as pd
from streamlit.testing.v1 import AppTest

from tests.app.panel_fake import fake_comparison, stores_panel
from ui import panel_results


def _results_app() -> None:
    import streamlit as st

    import ui
    from tests.app.panel_fake import fake_comparison, stores_panel

    if "res" not in st.session_state:
        panel = stores_panel()
        st.session_state["res"] = {
            "comparison": fake_comparison(panel),
            "panel": panel,
            "kind": "panel",
            "label": "stores.csv · all 3 series",
            "data_key": "other data",
            "params": {"horizon": 3, "folds": 1, "seed": 0},
            "device": "cpu",
            "finished": "2026-01-01 12:00",
        }
    ui.show_panel_results(st.session_state["res"], None)


def test_panel_results_show_leaderboard_failures_table_and_chart() -> None:
    at = AppTest.from_function(_results_app, default_timeout=30)
    at.run()
    assert not at.exception, at.exception
    assert len(at.dataframe) == 2
    board, table = at.dataframe[0].value, at.dataframe[1].value
    assert list(board.index) == ["★ Naive", "Seasonal naive", "Theta"]
    assert table["Series"].tolist() == ["north", "south", "east"]
    assert table["Best"].tolist() == ["Naive", "Naive", "Naive"]
    assert pd.isna(table.loc[2, "Theta"])
    warning = at.warning[0].value
    assert "Theta could not forecast 1 series" in warning and "east" in warning
    assert "not the data chosen now" in at.info[0].value
    # no row selected: the first series is drawn
    assert any("Series north" in m.value for m in at.markdown)
    assert len(at.get("plotly_chart")) == 1


def test_drilled_series_is_kept_in_the_result() -> None:
    at = AppTest.from_function(_results_app, default_timeout=30)
    at.run()
    at.session_state["res"][panel_results.DRILL] = "south"
    at.run()
    assert not at.exception, at.exception
    assert any("Series south" in m.value for m in at.markdown)


def test_series_table_and_future_table() -> None:
    panel = stores_panel()
    cmp = fake_comparison(panel)
    table = panel_results.series_table(cmp.per_series)
    assert table.columns.tolist() == [
        "Series",
        "Best",
        "Naive",
        "Seasonal naive",
        "Theta",
    ]
    future = panel_results.future_table(cmp.future)
    assert future.columns.tolist() == ["series", "timestamp", "model", "forecast"]
    assert len(future) == 3 * 2 * 3 + 2 * 3  # Theta failed on one series
    assert future["series"].iloc[0] == "east"  # sorted by series
