"""A small stand-in for ``convlstm.compare_panel``'s result, with the same fields,
to test the panel results on screen without training."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd


@dataclass
class FakePanelComparison:
    """The fields of ``convlstm.PanelComparison`` the app reads."""

    summary: pd.DataFrame
    per_series: pd.DataFrame
    forecasts: pd.DataFrame
    future: pd.DataFrame
    failed: dict = field(default_factory=dict)
    notes: list = field(default_factory=list)
    best: str | None = None
    horizon: int = 3
    season_length: int = 12
    freq: str = "MS"


def stores_panel() -> pd.DataFrame:
    """Three stores, 36 months each."""
    times = pd.date_range("2020-01-01", periods=36, freq="MS")
    parts = [
        pd.DataFrame(
            {
                "series": store,
                "time": times,
                "value": 100.0 + 10 * k + np.arange(36) % 12,
            }
        )
        for k, store in enumerate(("north", "south", "east"))
    ]
    panel = pd.concat(parts, ignore_index=True)
    panel.attrs["freq"] = "MS"
    panel.attrs["notes"] = []
    return panel


def fake_comparison(panel: pd.DataFrame, horizon: int = 3) -> FakePanelComparison:
    """Naive and Seasonal naive on every series, Theta failing on one."""
    models = ("Naive", "Seasonal naive", "Theta")
    rows, scores, future = [], [], []
    for k, (name, part) in enumerate(panel.groupby("series", sort=False)):
        for j, model in enumerate(models):
            if model == "Theta" and name == "east":
                continue
            tail = part.iloc[-horizon:]
            for t, actual in zip(tail["time"], tail["value"], strict=True):
                rows.append((name, 1, t, actual, model, actual + j + 1))
            for step in range(1, horizon + 1):
                t = part["time"].iloc[-1] + pd.DateOffset(months=step)
                future.append((name, t, model, 120.0 + j + step))
            mase = 0.5 + 0.1 * j + 0.05 * k
            scores.append((name, model, j + 1.0, j + 1.5, mase, 0.01 * (j + 1)))
    per_series = pd.DataFrame(
        scores, columns=["series", "model", "mae", "rmse", "mase", "smape"]
    )
    summary = per_series.groupby("model", sort=False).agg(
        series=("series", "size"),
        mean_mase=("mase", "mean"),
        median_mase=("mase", "median"),
        mean_smape=("smape", "mean"),
        mean_mae=("mae", "mean"),
    )
    return FakePanelComparison(
        summary=summary,
        per_series=per_series,
        forecasts=pd.DataFrame(
            rows, columns=["series", "fold", "time", "actual", "model", "forecast"]
        ),
        future=pd.DataFrame(future, columns=["series", "time", "model", "forecast"]),
        failed={"Theta": {"east": "the series is too short for Theta"}},
        notes=["3 series scored on 1 fold each"],
        best="Naive",
        horizon=horizon,
    )
