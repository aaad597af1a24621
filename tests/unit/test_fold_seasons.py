"""Models that choose whether to forecast a season (ETS, Theta, ARIMA) say whether
they kept one; backtest folds, trained on less of the series, may drop a season the
final fit keeps, and the results say so for one series and for a panel."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from convlstm import compare, make_model, narrative
from convlstm.panel_compare import compare_panel


def _seasonal(n: int, shift: float = 0.0, seed: int = 0) -> pd.Series:
    t = np.arange(n)
    noise = np.random.default_rng(seed).normal(0, 3, n)
    values = 100 + 0.5 * t + 15 * np.sin(2 * np.pi * t / 12 + shift) + noise
    return pd.Series(values, index=pd.date_range("2020-01-01", periods=n, freq="MS"))


@pytest.mark.parametrize("name", ["ETS", "Theta", "ARIMA"])
def test_a_model_that_chooses_says_whether_it_kept_the_season(name: str) -> None:
    model = make_model(name, horizon=12)
    assert model.keeps_season() is None  # before a fit
    assert model.fit(_seasonal(60)).keeps_season() is True
    # noise: 30 points for ETS (its heuristic start, from 34 points, gets its
    # seasonal states uncounted by AICc and often keeps a season of noise)
    n = 30 if name == "ETS" else 60
    flat = pd.Series(np.random.default_rng(1).normal(50, 1, n), _seasonal(n).index)
    assert make_model(name, horizon=12).fit(flat).keeps_season() is False
    assert make_model("Naive", horizon=3).fit(flat).keeps_season() is None


def test_folds_that_dropped_the_season_are_said_for_one_series() -> None:
    y = _seasonal(60)
    result = compare(y, models=["Theta", "Naive"], horizon=12, folds=3)
    # folds train on 24, 36 and 48 points; Theta's test passes on none of them,
    # and on all 60
    seasons = result.backtest.fold_seasons
    assert set(seasons) == {"Theta"}
    assert seasons["Theta"] == [(24, False), (36, False), (48, False)]
    text = narrative.fold_season_text("Theta", result.fitted["Theta"], seasons["Theta"])
    assert text.startswith("Theta forecast without the season in all 3 backtest")
    assert "(trained on 24, 36 and 48 points)" in text and "on all 60 points" in text
    one = narrative.fold_season_text(
        "Theta", result.fitted["Theta"], [(48, False), (50, True)]
    )
    assert "in 1 of its 2 backtest folds (trained on 48 points)" in one
    alone = narrative.fold_season_text("Theta", result.fitted["Theta"], [(48, False)])
    assert alone.startswith("Theta forecast without the season in its one backtest")
    # kept in every fold, or dropped by the final fit too: nothing to say
    fit = result.fitted["Theta"]
    assert narrative.fold_season_text("Theta", fit, [(48, True)]) is None
    short = make_model("Theta", horizon=12).fit(_seasonal(36))
    assert narrative.fold_season_text("Theta", short, [(24, False)]) is None
    # and Theta's own final fit without a season is explained
    said = narrative.chosen_form_text("Theta", short)
    assert said.startswith("Theta found no season of 12 on 36 points: its test")
    assert narrative.chosen_form_text("Theta", fit) is None


def test_fits_that_dropped_the_season_are_said_for_a_panel() -> None:
    frames = [
        _seasonal(48, shift=k, seed=k).rename_axis("time").rename("value").reset_index()
        for k in range(3)
    ]
    panel = pd.concat(
        [f.assign(series=f"s{k}") for k, f in enumerate(frames)], ignore_index=True
    )[["series", "time", "value"]]
    panel.attrs = {"freq": "MS", "notes": []}
    result = compare_panel(panel, models=["Theta", "Naive"], horizon=12, folds=2)
    (note,) = [n for n in result.notes if n.startswith("Theta forecast without")]
    assert "backtest fits (series x folds, trained on 24 to 36 points)" in note
