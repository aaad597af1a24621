"""The figure of one series of a panel comparison: history, backtest, future."""

from __future__ import annotations

import pandas as pd
import pytest

from convlstm import DataError, compare_panel, plots


@pytest.fixture(scope="module")
def panel() -> pd.DataFrame:
    times = pd.date_range("2020-01-01", periods=24, freq="MS")
    panel = pd.concat(
        pd.DataFrame({"series": name, "time": times, "value": range(k, k + 24)})
        for k, name in enumerate(("a", "b"))
    ).reset_index(drop=True)
    panel["value"] = panel["value"].astype(float)
    panel.attrs["freq"] = "MS"
    return panel


def test_panel_forecast_figure_draws_one_series(panel: pd.DataFrame) -> None:
    cmp = compare_panel(panel, models=["Naive"], horizon=3, folds=2, n_jobs=1)
    fig = plots.panel_forecast_figure(panel, cmp, "b", highlight="Naive")
    names = [trace.name for trace in fig.data]
    assert names[:2] == ["history", "held-out actual"]
    assert {"Naive (backtest)", "Naive (forecast)"} <= set(names)
    future = next(t for t in fig.data if t.name == "Naive (forecast)")
    assert len(future.x) == 3
    history = fig.data[0]
    assert len(history.x) == 18  # 2 folds x 3 steps held out
    assert history.y[0] == 1.0  # series "b" starts at 1
    assert fig.layout.title.text == "b"
    with pytest.raises(DataError, match="no series 'c'"):
        plots.panel_forecast_figure(panel, cmp, "c")
