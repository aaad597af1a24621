"""convlstm.datasets: every bundled dataset loads with its documented shape."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pandas as pd
import pytest

from bench import run as bench
from convlstm import datasets
from convlstm.data import season_length
from convlstm.errors import DataError

ROOT = Path(__file__).resolve().parents[2]

EXPECTED = {
    "air_passengers": (144, "MS", "1949-01-01", 12, 12, 2),
    "co2": (526, "MS", "1958-03-01", 12, 12, 3),
    "electricity": (4032, "30min", "2000-06-05", 48, 48, 7),
    "beer": (211, "QS-JAN", "1956-01-01", 4, 8, 3),
    "wine": (176, "MS", "1980-01-01", 12, 12, 3),
    "sunspots": (309, "YS-JAN", "1700-01-01", 1, 10, 3),
}


def test_names():
    assert datasets.names() == list(EXPECTED)


@pytest.mark.parametrize("name", list(EXPECTED))
def test_load(name):
    length, freq, start, season, horizon, folds = EXPECTED[name]
    y = datasets.load(name)
    assert isinstance(y.index, pd.DatetimeIndex)
    assert len(y) == length
    assert y.index.freqstr == freq
    assert y.index[0] == pd.Timestamp(start)
    assert y.dtype == float and y.notna().all()
    assert y.name == y.attrs["value_col"]
    meta = datasets.info(name)
    assert (meta.season_length, meta.horizon, meta.folds) == (season, horizon, folds)
    assert season_length(y) == meta.season_length
    assert meta.name == name and meta.title and meta.unit and meta.source


def test_load_returns_copies():
    y = datasets.load("air_passengers")
    y.iloc[0] = -1.0
    y.attrs["notes"].append("changed")
    again = datasets.load("air_passengers")
    assert again.iloc[0] == 112.0
    assert "changed" not in again.attrs["notes"]


def test_info_is_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        datasets.info("co2").horizon = 3


@pytest.mark.parametrize("func", [datasets.load, datasets.info])
def test_unknown_name(func):
    with pytest.raises(DataError, match="unknown dataset 'nope'.*air_passengers"):
        func("nope")


def test_published_benchmark_lists_ours_and_references():
    table = datasets.published_benchmark("air_passengers")
    assert table is not None
    assert {"ConvLSTM", "LSTM", "ARIMA", "Seasonal naive"} <= set(table["model"])
    assert table["mae"].is_monotonic_increasing
    assert (table["horizon"] == 12).all() and (table["folds"] == 2).all()


def test_published_benchmark_without_results(monkeypatch, tmp_path):
    monkeypatch.setattr(datasets, "BENCHMARKS", tmp_path / "missing.json")
    assert datasets.published_benchmark("co2") is None
    with pytest.raises(DataError):
        datasets.published_benchmark("nope")


def test_published_benchmarks_match_the_committed_results():
    # data/benchmarks.json is bench.run's copy of what the app shows: regenerate it
    # with `python -m bench.run` (it is written with bench/results.json).
    committed = json.loads((ROOT / "bench" / "results.json").read_text())
    published = json.loads(datasets.BENCHMARKS.read_text())
    assert published == bench.published_benchmarks(committed)
    assert set(published["datasets"]) == set(datasets.names())


def test_bench_publishes_only_with_the_committed_results(tmp_path):
    assert bench.published_path(ROOT / "bench" / "results.json") == (
        datasets.BENCHMARKS
    )
    assert bench.published_path(tmp_path / "results.json") is None


def test_the_panel_is_listed_apart_and_loads_as_a_panel():
    assert "us_macro" not in datasets.names()
    assert datasets.names("panel") == ["us_macro"]
    panel = datasets.load_panel("us_macro")
    assert list(panel.columns) == ["series", "time", "value"]
    assert panel["series"].nunique() == 5
    assert panel.groupby("series").size().eq(203).all()
    assert panel.attrs["freq"].startswith("QS")
    assert datasets.info("us_macro").kind == "panel"
    panel.attrs["notes"].append("changed")
    assert "changed" not in datasets.load_panel("us_macro").attrs["notes"]


def test_load_and_load_panel_refuse_the_other_kind():
    with pytest.raises(DataError, match="is a panel.*load_panel"):
        datasets.load("us_macro")
    with pytest.raises(DataError, match="is a series.*load\\('air_passengers'\\)"):
        datasets.load_panel("air_passengers")
    with pytest.raises(DataError, match="unknown dataset kind"):
        datasets.names("images")
