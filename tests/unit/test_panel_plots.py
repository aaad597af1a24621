"""The figure of one series of a panel comparison: history, backtest, future."""

from __future__ import annotations

import pandas as pd
import pytest

from convlstm import DataError, plots


def _panel() -> pd.DataFrame:
    times = pd.date_range("2020-01-01", periods=24, freq="MS")
    panel = pd.concat(
        pd.DataFrame({"series": name, "time": times, "value": range(k, k + 24)})
        for k, name in enumerate(("a", "b"))
    ).reset_index(drop=True)
    panel["value"] = panel["value"].astype(float)
    panel.attrs["freq"] = "MS"
    return panel


def _frames(panel: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    rows, future = [], []
    for name, part in panel.groupby("series"):
        for model in ("Naive", "Theta"):
            tail = part.iloc[-4:]
            for t, actual in zip(tail["time"], tail["value"], strict=True):
                rows.append((name, 1, t, actual, model, actual + 1))
            for step in range(1, 4):
                t = part["time"].iloc[-1] + pd.DateOffset(months=step)
                future.append((name, t, model, 30.0 + step))
    forecasts = pd.DataFrame(
        rows, columns=["series", "fold", "time", "actual", "model", "forecast"]
    )
    return forecasts, pd.DataFrame(
        future, columns=["series", "time", "model", "forecast"]
    )


def test_panel_forecast_figure_draws_one_series() -> None:
    panel = _panel()
    forecasts, future = _frames(panel)
    fig = plots.panel_forecast_figure(panel, (forecasts, future), "b")
    names = [trace.name for trace in fig.data]
    assert names[:2] == ["history", "held-out actual"]
    assert {"Naive (backtest)", "Naive (forecast)", "Theta (forecast)"} <= set(names)
    future_trace = next(t for t in fig.data if t.name == "Theta (forecast)")
    assert len(future_trace.x) == 3
    history = fig.data[0]
    assert len(history.x) == 20  # the last 4 points are the held-out actuals
    assert history.y[0] == 1.0  # series "b" starts at 1
    assert fig.layout.title.text == "b"


def test_panel_forecast_figure_without_backtest_and_unknown_series() -> None:
    panel = _panel()
    _, future = _frames(panel)
    fig = plots.panel_forecast_figure(panel, (None, future), "a", title="A")
    assert [t.name for t in fig.data][0] == "history"
    assert len(fig.data[0].x) == 24
    with pytest.raises(DataError, match="no series 'c'"):
        plots.panel_forecast_figure(panel, (None, future), "c")
