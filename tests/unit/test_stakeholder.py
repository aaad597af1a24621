"""Stakeholder features in the library: compare() with intervals, coverage and
verdicts, the display table, re-runs from the record, model bundles, chart bands."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from convlstm.compare import (
    compare,
    metrics_table,
    rerun,
    rerun_matches,
    with_intervals,
)
from convlstm.errors import DataError, ParameterError
from convlstm.models.persistence import (
    bundle_data_check,
    bundle_model,
    load_bundle,
    values_sha256,
)
from convlstm.plots import forecast_figure
from convlstm.significance import compare_to_baseline

CHEAP = ("Seasonal naive", "Naive")


@pytest.fixture(scope="module")
def noisy() -> pd.Series:
    """A seasonal series with i.i.d. Gaussian noise (sd 1): the seasonal naive
    error is the difference of two noises, so its 80% interval half-width should
    be near 1.2816 * sqrt(2) = 1.81."""
    n = 400
    t = np.arange(n)
    values = 50 + 10 * np.sin(2 * np.pi * t / 12)
    values += np.random.default_rng(42).normal(0, 1, n)
    y = pd.Series(values, index=pd.date_range("1990-01", periods=n, freq="MS"))
    y.name = "demand"
    y.attrs["notes"] = ["filled 1 missing timestamp by linear interpolation"]
    return y


@pytest.fixture(scope="module")
def result(noisy: pd.Series):
    return compare(noisy, models=CHEAP, horizon=3, folds=60)


def test_compare_attaches_intervals_coverage_significance_record(result, noisy):
    assert result.levels == (0.8, 0.95)
    iv = result.intervals
    assert list(iv.columns[:8]) == [
        "model", "timestamp", "step", "forecast",
        "lower_80", "upper_80", "lower_95", "upper_95",
    ]  # fmt: skip
    assert len(iv) == len(result.future) == 2 * 3
    assert (iv["lower_95"] < iv["lower_80"]).all()
    assert (iv["lower_80"] < iv["forecast"]).all()
    assert (iv["forecast"] < iv["upper_80"]).all()
    # Sane coverage: close to nominal with 180 scored points per model.
    cov = result.coverage.set_index(["model", "level"])
    for level in (0.8, 0.95):
        c = cov.loc[("Seasonal naive", level), "coverage"]
        assert abs(c - level) < 0.1, (level, c)
    half = (iv["upper_80"] - iv["forecast"])[iv["model"] == "Seasonal naive"]
    assert half.between(1.81 * 0.7, 1.81 * 1.3).all(), half
    # Naive ignores the season: wider intervals, and significantly worse.
    width = cov["mean_width"]
    assert width[("Naive", 0.8)] > width[("Seasonal naive", 0.8)]
    sig = result.significance
    assert sig.attrs["baseline"] == "Seasonal naive"
    assert sig.loc[0, "verdict"].startswith("Seasonal naive beats Naive, p ")
    # The record describes the run and the data, repairs included.
    rec = result.record
    assert rec["models"] == list(CHEAP) and rec["folds"] == 60
    assert rec["horizon"] == 3 and rec["extra"]["levels"] == [0.8, 0.95]
    assert rec["data"]["notes"] == noisy.attrs["notes"]
    assert rec["data"]["length"] == 400


def test_metrics_table_shows_coverage_and_the_library_verdicts(result):
    table = metrics_table(result)
    assert list(table.columns) == [
        "Model", "MAE", "RMSE", "MASE", "Bias",
        "Coverage 80%", "Width 80%", "Coverage 95%", "Width 95%",
        "vs baseline", "p-value", "Fit seconds",
    ]  # fmt: skip
    expected = compare_to_baseline(result.backtest.forecasts)
    verdicts = dict(zip(table["Model"], table["vs baseline"], strict=True))
    assert verdicts["Seasonal naive"] == "baseline"
    assert verdicts["Naive"] == expected.set_index("model").loc["Naive", "verdict"]
    assert table.attrs == {"best": "Seasonal naive", "baseline": "Seasonal naive"}


def test_verdict_without_a_baseline_says_why(noisy):
    small = compare(noisy, models=("Naive",), horizon=3, folds=4)
    table = metrics_table(small)
    assert table.loc[0, "vs baseline"] == "baseline"
    # Only neural models: no baseline to test against; the table says so.
    fake = with_intervals(small, (0.8,))
    fake.significance.attrs["baseline"] = None
    fake.significance.attrs["note"] = "no baseline"
    assert metrics_table(fake).loc[0, "vs baseline"] == "not tested: no baseline"


def test_with_intervals_changes_levels_without_refitting(result):
    again = with_intervals(result, (0.5, 0.9))
    assert again.levels == (0.5, 0.9)
    assert {"lower_50", "upper_90"} <= set(again.intervals.columns)
    assert again.record["extra"]["levels"] == [0.5, 0.9]
    assert again.fitted is result.fitted and result.levels == (0.8, 0.95)


def test_bad_level_is_refused_before_training(noisy):
    with pytest.raises(ParameterError, match="between 0 and 1"):
        compare(noisy, models=CHEAP, horizon=3, folds=2, levels=(80,))


def test_rerun_reproduces_and_refuses_other_data(result, noisy):
    again = rerun(noisy, result.record)
    match, diffs = rerun_matches(result, again)
    assert match and diffs.empty
    assert again.levels == result.levels
    with pytest.raises(DataError, match="not the data the record was made on"):
        rerun(noisy * 2, result.record)


def test_rerun_matches_lists_the_differences(result):
    other = with_intervals(result, (0.8,))
    other.summary = result.summary.copy()
    other.summary.loc["Naive", "mae"] += 1.0
    match, diffs = rerun_matches(result, other)
    assert not match
    assert diffs[["model", "metric"]].values.tolist() == [["Naive", "mae"]]
    assert diffs.loc[0, "abs_diff"] == pytest.approx(1.0)


def test_forecast_figure_draws_bands(result, noisy):
    fig = forecast_figure(
        noisy, result, intervals=result.intervals, highlight="Seasonal naive"
    )
    bands = {t.name: t for t in fig.data if "interval" in t.name}
    # the widest band's legend entry names and toggles every level (a legend
    # group), so the legend lists one entry per model's bands
    assert set(bands) == {
        name
        for m in CHEAP
        for name in (f"{m} 80% and 95% intervals", f"{m} 80% interval")
    }
    assert [t.showlegend for t in bands.values()].count(True) == len(CHEAP)
    assert bands["Seasonal naive 80% interval"].visible is True
    assert bands["Naive 80% interval"].visible == "legendonly"
    assert bands["Naive 80% and 95% intervals"].fill == "toself"
    assert bands["Naive 80% interval"].showlegend is False
    assert len({t.legendgroup for t in bands.values()}) == len(CHEAP)
    # An unbounded level (NaN bounds) draws no band; without intervals, none.
    iv = result.intervals.assign(lower_95=math.nan)
    fig = forecast_figure(noisy, result, intervals=iv)
    assert {t.name for t in fig.data if "interval" in t.name} == {
        f"{m} 80% interval" for m in CHEAP
    }
    assert not any("interval" in t.name for t in forecast_figure(noisy, result).data)


def test_forecast_figure_escapes_names(noisy):
    future = pd.DataFrame(
        {
            "model": "<b>x</b>",
            "timestamp": pd.date_range("2023-05", periods=2, freq="MS"),
            "forecast": [1.0, 2.0],
        }
    )
    fig = forecast_figure(noisy, (None, future))
    assert fig.data[-1].name == "&lt;b&gt;x&lt;/b&gt; (forecast)"


def test_bundle_carries_record_and_round_trips(noisy):
    small = compare(
        noisy.iloc[:120],
        models=("ConvLSTM", "Seasonal naive"),
        horizon=3,
        folds=2,
        params={"hidden_size": 4, "epochs": 1, "lookback": 24, "num_layers": 1},
    )
    model = small.fitted["ConvLSTM"]
    data = bundle_model(model, small.record)
    loaded, record = load_bundle(data)
    assert record == small.record
    assert loaded.predict().to_numpy() == pytest.approx(model.predict().to_numpy())
    same, message = bundle_data_check(loaded, record, noisy.iloc[:120])
    assert same and "trained on this data" in message
    same, message = bundle_data_check(loaded, record, noisy)
    assert not same and "trained on other data" in message
    # A plain bundle (no record) falls back on the model's own fingerprint.
    plain, none = load_bundle(model.to_bytes())
    assert none is None
    assert values_sha256(noisy.iloc[:120]) == model.data_fingerprint_
    assert bundle_data_check(plain, None, noisy.iloc[:120])[0]
    assert not bundle_data_check(plain, None, noisy)[0]
    with pytest.raises(DataError, match="only the neural models"):
        bundle_model(small.fitted["Seasonal naive"], small.record)
    with pytest.raises(DataError, match="not a saved convlstm model bundle"):
        load_bundle(b"not a zip")
