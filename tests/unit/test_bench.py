"""Smoke tests of the benchmark harness (bench/) with cheap models only.

statsforecast is optional: its test is skipped when it is not installed.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest

from bench import references
from bench import run as bench


def _series(n: int = 60, freq: str = "MS") -> pd.Series:
    t = np.arange(n, dtype=float)
    values = 100 + t + 10 * np.sin(2 * np.pi * t / 12)
    return pd.Series(values, index=pd.date_range("2000-01-01", periods=n, freq=freq))


def _last_value(train: pd.Series, horizon: int) -> np.ndarray:
    return np.full(horizon, train.iloc[-1])


def test_fold_bounds_put_the_last_folds_times_horizon_points_in_test():
    assert references.fold_bounds(30, 5, 3) == [(15, 20), (20, 25), (25, 30)]
    with pytest.raises(ValueError, match="cannot hold"):
        references.fold_bounds(10, 5, 2)


def test_run_folds_tidy_frame_and_score_by_hand():
    y = _series(30)
    frame, seconds = references.run_folds(y, 4, 2, "Last", _last_value)
    assert list(frame.columns) == references.FORECAST_COLUMNS
    assert len(frame) == 8 and len(seconds) == 2
    assert list(frame["fold"].unique()) == [1, 2]
    assert frame["cutoff"].iloc[0] == y.index[21]
    assert frame["timestamp"].iloc[-1] == y.index[-1]
    assert list(frame["step"][:4]) == [1, 2, 3, 4]
    scores = bench.score(frame, y, 1)["Last"]
    errors = np.concatenate([y.iloc[22:26] - y.iloc[21], y.iloc[26:30] - y.iloc[25]])
    assert scores["mae"] == pytest.approx(np.mean(np.abs(errors)))
    assert scores["rmse"] == pytest.approx(np.sqrt(np.mean(errors**2)))


def test_score_agrees_with_backtest_and_folds_match():
    from convlstm.backtest import backtest
    from convlstm.models import baselines

    y = _series(60)
    model = baselines.SeasonalNaiveForecaster(horizon=6)
    result = backtest({"SN": model}, y, 6, 3)
    ours = bench.score(result.forecasts, y, 12)["SN"]
    for key in ("mae", "rmse", "mase"):
        assert ours[key] == pytest.approx(result.summary.loc["SN", key])
    frame, _ = references.run_folds(y, 6, 3, "SN", _last_value)
    assert bench.fold_signature(frame) == bench.fold_signature(result.forecasts)


def _fake_results() -> dict:
    def model(mae, **extra):
        return {
            "mae": mae,
            "rmse": mae * 1.2,
            "mase": mae / 10,
            "fit_seconds": 0.1,
            **extra,
        }

    seeds = [{"seed": s, **model(m)} for s, m in enumerate((8.0, 9.0, 10.0))]
    conv = {**bench._seed_stats(seeds), "source": "fake"}
    datasets = {}
    for name in (*bench.ARTICLE, *bench.OTHERS):
        datasets[name] = {
            "n": 100,
            "horizon": 12,
            "folds": 2,
            "season_length": 12,
            "seasonal_periods": [12],
            "ours": {"ConvLSTM": conv, "LSTM": model(11.0), "ARIMA": model(12.0)},
            "references": {
                "key": {"n": 100, "horizon": 12, "folds": 2},
                "models": {"AutoETS": model(10.0, settings="AutoETS()")},
            },
        }
    return {
        "datasets": datasets,
        "speed": {"air_passengers": {"seconds": 5.0, "horizon": 12, "folds": 2,
                                     "fit_seconds": {"ARIMA": 1.0}}},
        "memory": {
            "10000": {"baseline_rss_mb": 300, "peak_rss_mb": 400, "fit_seconds": 1,
                      "lookback": 48},
            "1000000": {"error": "timed out after 1s"},
        },
        "meta": {"command": "python -m bench.run", "date": "today", "code": "x",
                 "machine": bench.machine()},
    }  # fmt: skip


def test_ratios_geomeans_targets_and_report():
    results = _fake_results()
    table = bench.assemble(results["datasets"])
    assert table["co2"]["best_stat"] == "AutoETS"
    assert table["co2"]["models"]["ConvLSTM"]["ratio"] == pytest.approx(0.9)
    gm = bench.geomeans(table)
    assert gm["ConvLSTM"]["others"]["geomean"] == pytest.approx(0.9)
    assert gm["ARIMA"]["all"]["geomean"] == pytest.approx(1.2)
    verdict = {
        t["target"]: t["met"]
        for t in bench.targets(table, gm, results["speed"], results["memory"])
    }
    assert verdict["co2: ConvLSTM MAE >= 20% below ARIMA"] is True  # 9 vs 12
    assert verdict["co2: ConvLSTM below best statistical"] is True
    assert verdict["others: geomean ConvLSTM / best stat <= 1.0"] is True
    assert verdict["co2: ConvLSTM better than LSTM"] is True
    assert verdict["air_passengers: default compare < 10 s"] is True
    assert verdict["electricity: default compare < 60 s"] is None
    assert verdict["1M-point series trains in bounded memory"] is False
    text = bench.render(results)
    assert "## Targets" in text and "| ConvLSTM | 9 ± 1 (8-10) |" in text
    assert "timed out" in text


def test_main_writes_markdown_and_json(tmp_path):
    out, js = tmp_path / "R.md", tmp_path / "r.json"
    args = ["--datasets", "air_passengers", "--models", "Seasonal naive"]
    args += ["--skip-references", "--skip-speed", "--skip-memory"]
    assert bench.main([*args, "--out", str(out), "--json", str(js)]) == 0
    results = json.loads(js.read_text())
    entry = results["datasets"]["air_passengers"]["ours"]["Seasonal naive"]
    assert math.isfinite(entry["mae"]) and entry["mae"] > 0
    assert "air_passengers" in out.read_text()


def test_statsforecast_references_on_the_same_folds():
    y = _series(48)
    if not references.available():
        # statsforecast is optional (requirements-bench.txt): without it the bench
        # says so and uses its cached references instead of running them.
        assert references.statsforecast_version() is None
        with pytest.raises(ImportError, match="statsforecast"):
            references.run_references(y, 6, 2, 12, (12,), only=["AutoETS"])
        return
    out = references.run_references(y, 6, 2, 12, (12,), only=["AutoETS"])
    entry = out["AutoETS"]
    assert entry["error"] is None
    frame = entry["forecasts"]
    assert len(frame) == 12 and np.isfinite(frame["forecast"]).all()
    lv, _ = references.run_folds(y, 6, 2, "Last", _last_value)
    assert bench.fold_signature(frame) == bench.fold_signature(lv)


def test_rewriting_results_keeps_the_sections_other_tools_wrote() -> None:
    from bench.run import with_other_sections

    new = "# Benchmark results\n\n## Notes\n- new\n"
    old = (
        "# Benchmark results\n\n## Notes\n- old\n\n"
        "## Image experiment\nx\n\n## ETS\ny\n"
    )
    out = with_other_sections(new, old)
    assert "- new" in out and "- old" not in out
    order = [out.index(h) for h in ("## Notes", "## Image experiment", "## ETS")]
    assert order == sorted(order)


def test_code_state_and_reading_notes_are_generated_from_the_results():
    results = _fake_results()
    head = bench.subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],
        cwd=bench.ROOT,
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    for name, d in results["datasets"].items():
        code = f"HEAD {head} + convlstm/ sources sha256:x" if name != "co2" else "?"
        d["measured"] = {"date": "today", "code": code}
    note = bench.code_state_note(results)
    assert note.startswith("Code state (generated")
    assert f"on HEAD {head} (0 commit(s) have changed convlstm/models/ since)" in note
    assert "co2" not in note  # no stamp, no claim
    reading = bench.reading_note(results)
    # ConvLSTM 9 (seed mean) vs AutoETS 10 and LSTM 11
    assert "co2: ConvLSTM 0.90x the best statistical (AutoETS), 0.818x the LSTM" in (
        reading
    )
    assert "Geometric mean ratio over all datasets: ConvLSTM 0.900, LSTM 1.100" in (
        reading
    )
    text = bench.render(results)
    assert "- Code state (generated" in text and "- Reading (generated" in text
    assert "Honest reading" not in text


def test_a_probe_reports_its_own_peak_not_its_parents():
    """ru_maxrss survives exec: a probe started by a run that had grown reported the
    run's peak (655 MB at 10,000 and 1,000,000 points alike)."""
    import subprocess
    import sys

    grown = np.ones(300 * 1024 * 1024 // 8)  # 300 MB in this process
    code = "from bench.run import _maxrss_mb; print(_maxrss_mb())"
    child = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert float(child.stdout) < 200, child.stdout  # an interpreter and numpy
    assert bench._maxrss_mb() > 300
    del grown
