"""Split-conformal intervals: the quantile, pooling, unbounded levels and coverage."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from convlstm.errors import DataError, ParameterError
from convlstm.intervals import (
    backtest_intervals,
    conformal_intervals,
    conformal_quantile,
    interval_coverage,
    level_label,
    min_residuals,
)


def synthetic_backtest(
    *, folds: int, horizon: int, noise: float = 1.0, seed: int = 0, model: str = "M"
) -> pd.DataFrame:
    """Sine plus Gaussian noise (growing with the step); the forecast is the sine."""
    rng = np.random.default_rng(seed)
    n = folds * horizon
    t = np.arange(n)
    signal = 10 + 3 * np.sin(2 * np.pi * t / 12)
    step = np.tile(np.arange(1, horizon + 1), folds)
    actual = signal + rng.normal(0, noise * (1 + 0.2 * (step - 1)))
    timestamp = pd.date_range("2000-01-01", periods=n, freq="D")
    return pd.DataFrame(
        {
            "model": model,
            "fold": np.repeat(np.arange(1, folds + 1), horizon),
            "cutoff": timestamp[np.repeat(np.arange(folds) * horizon, horizon)],
            "timestamp": timestamp,
            "step": step,
            "actual": actual,
            "forecast": signal,
        }
    )


def future_frame(model: str = "M", horizon: int = 4, value: float = 5.0):
    return pd.DataFrame(
        {
            "model": model,
            "timestamp": pd.date_range("2030-01-01", periods=horizon, freq="D"),
            "forecast": np.full(horizon, value),
        }
    )


def test_conformal_quantile_by_hand():
    residuals = [-1, 2, -3, 4, -5, 6, -7, 8, -9]  # |r| = 1..9, n = 9
    assert conformal_quantile(residuals, 0.8) == 8  # ceil(10 * 0.8) = 8th smallest
    assert conformal_quantile(residuals, 0.5) == 5  # ceil(5.0) = 5
    # 10 * 0.7 is 7.000000000000001 in floating point; the rank must still be 7
    assert conformal_quantile(residuals, 0.7) == 7
    assert conformal_quantile(residuals, 0.9) == 9  # ceil(9.0) = 9 = n
    assert math.isinf(conformal_quantile(residuals, 0.95))  # ceil(9.5) = 10 > n
    assert math.isinf(conformal_quantile([], 0.5))
    assert conformal_quantile([1.0, np.nan, 2.0, 3.0, 4.0], 0.8) == 4  # NaN dropped


def test_min_residuals_matches_quantile_finiteness():
    assert [min_residuals(lv) for lv in (0.5, 0.8, 0.9, 0.95, 0.99)] == [
        1,
        4,
        9,
        19,
        99,
    ]
    for lv in (0.6, 0.8, 0.95, 0.975):
        n = min_residuals(lv)
        assert math.isfinite(conformal_quantile(np.arange(1, n + 1), lv))
        assert math.isinf(conformal_quantile(np.arange(1, n), lv))


def test_level_label():
    assert level_label(0.8) == "80"
    assert level_label(0.95) == "95"
    assert level_label(0.975) == "97.5"


def test_intervals_columns_and_hand_values():
    bt = synthetic_backtest(folds=10, horizon=3)
    out = conformal_intervals(bt, future_frame(horizon=3), levels=(0.8, 0.5))
    assert list(out.columns) == [
        "model",
        "timestamp",
        "step",
        "forecast",
        "lower_50",
        "upper_50",
        "lower_80",
        "upper_80",
        "calibration_steps_50",
        "n_calibration_50",
        "calibration_steps_80",
        "n_calibration_80",
    ]
    assert out.attrs["levels"] == [0.5, 0.8]
    for step in (1, 2, 3):
        r = np.sort(np.abs((bt.actual - bt.forecast)[bt.step == step]))
        row = out[out.step == step].iloc[0]
        q80 = r[math.ceil(11 * 0.8) - 1]  # 9th of 10
        q50 = r[math.ceil(11 * 0.5) - 1]  # 6th of 10
        assert row.upper_80 == pytest.approx(5.0 + q80)
        assert row.lower_80 == pytest.approx(5.0 - q80)
        assert row.upper_50 == pytest.approx(5.0 + q50)
        assert row.calibration_steps_80 == row.calibration_steps_50 == str(step)
        assert row.n_calibration_80 == row.n_calibration_50 == 10
    assert (out.upper_80 - out.lower_80 >= out.upper_50 - out.lower_50).all()
    assert out.attrs["notes"] == []


def test_steps_pool_neighbours_when_too_few_residuals():
    bt = synthetic_backtest(folds=3, horizon=4)  # 3 residuals per step, 80% needs 4
    out = conformal_intervals(bt, future_frame(horizon=4), levels=(0.8,))
    assert list(out.calibration_steps_80) == ["1-2", "1-3", "2-4", "3-4"]
    assert list(out.n_calibration_80) == [6, 9, 9, 6]
    r = np.abs(bt.actual - bt.forecast)[bt.step.isin([1, 2])].sort_values()
    assert out.upper_80.iloc[0] == pytest.approx(5.0 + r.iloc[math.ceil(7 * 0.8) - 1])
    assert any("pooled" in note for note in out.attrs["notes"])
    # pooling one or two neighbours keeps a band per stretch of the horizon
    assert not any("hardly widens" in note for note in out.attrs["notes"])


def test_a_band_pooled_over_most_steps_says_it_does_not_widen():
    # one fold of 12 steps: each step's 80% band pools 4 of the steps and keeps
    # its shape; the 95% band pools 19 of 12... all, so one width everywhere
    bt = synthetic_backtest(folds=2, horizon=12)
    out = conformal_intervals(bt, future_frame(horizon=12), levels=(0.8, 0.95))
    (note,) = [n for n in out.attrs["notes"] if "pooled" in n]
    assert "95% band pooled most of the steps, so it hardly widens" in note
    assert out["upper_95"].nunique() == 1
    # each level's columns say its own pooling: 19 errors or more for 95%,
    # 4 for 80% (two folds: two errors a step)
    assert (out["n_calibration_95"] >= 19).all()
    assert list(out["calibration_steps_80"][:3]) == ["1-2", "1-3", "2-4"]
    assert list(out["n_calibration_80"][:3]) == [4, 6, 6]


def test_pooling_reaches_all_steps_then_unbounded():
    bt = synthetic_backtest(folds=3, horizon=4)  # 12 residuals in all
    out = conformal_intervals(bt, future_frame(horizon=4), levels=(0.8, 0.99))
    assert set(out.calibration_steps_99) == {"all"}
    assert out.lower_99.isna().all() and out.upper_99.isna().all()
    assert out.lower_80.notna().all()
    assert any("unbounded" in n and "99" in n for n in out.attrs["notes"])


def test_future_steps_numbered_by_timestamp_and_beyond_backtest():
    bt = synthetic_backtest(folds=20, horizon=2)
    fut = future_frame(horizon=3).iloc[::-1]  # unsorted input
    out = conformal_intervals(bt, fut, levels=(0.8,), min_per_step=1)
    assert list(out.step) == [1, 2, 3]
    assert list(out.calibration_steps_80) == ["1", "2", "2"]
    assert out.upper_80.iloc[2] == out.upper_80.iloc[1]
    assert any("beyond 2" in n for n in out.attrs["notes"])


def test_model_without_backtest_gets_no_interval():
    bt = synthetic_backtest(folds=10, horizon=2)
    fut = pd.concat([future_frame("M", 2), future_frame("Other", 2)])
    out = conformal_intervals(bt, fut, levels=(0.8,))
    assert out[out.model == "M"].lower_80.notna().all()
    assert out[out.model == "Other"].lower_80.isna().all()
    assert any("Other" in n for n in out.attrs["notes"])


@pytest.mark.parametrize("level", [0, 1, 1.5, -0.1, "high"])
def test_bad_level_raises(level):
    bt = synthetic_backtest(folds=5, horizon=2)
    with pytest.raises(ParameterError, match="level"):
        conformal_intervals(bt, future_frame(), levels=(level,))
    with pytest.raises(ParameterError, match="level"):
        interval_coverage(bt, levels=(level,))


def test_missing_column_raises():
    bt = synthetic_backtest(folds=5, horizon=2).drop(columns="actual")
    with pytest.raises(DataError, match="'actual'"):
        conformal_intervals(bt, future_frame())


def test_forward_coverage_is_near_nominal_on_exchangeable_errors():
    bt = synthetic_backtest(folds=80, horizon=4, seed=1)
    cov = interval_coverage(bt, levels=(0.8, 0.95))
    assert cov.attrs["scheme"] == "forward"
    assert list(cov.columns) == [
        "model",
        "level",
        "coverage",
        "mean_width",
        "n",
        "n_unbounded",
    ]
    assert list(cov.level) == [0.8, 0.95]
    # fold 1 is never scored; 95% needs 19 residuals: folds 2-5 (4 steps each,
    # calibrated on 4..16 residuals) are unbounded at 95%
    assert list(cov.n) == [316, 300]
    assert list(cov.n_unbounded) == [0, 16]
    assert cov.coverage.iloc[0] == pytest.approx(0.8, abs=0.05)
    assert cov.coverage.iloc[1] == pytest.approx(0.95, abs=0.04)
    assert cov.coverage.iloc[0] < 1.0 and cov.coverage.iloc[1] < 1.0
    # Gaussian noise with sd 1 .. 1.6: 80% half-width ~ 1.28 sd
    assert 2 * 1.28 < cov.mean_width.iloc[0] < 2 * 1.28 * 1.6
    assert cov.mean_width.iloc[1] > cov.mean_width.iloc[0]


def test_leave_one_fold_out_rank_identity():
    # one residual per step and fold: LOFO coverage is ceil(F * level) / F exactly
    bt = synthetic_backtest(folds=40, horizon=3, seed=4)
    cov = interval_coverage(bt, levels=(0.8, 0.9), scheme="leave-one-fold-out")
    assert cov.attrs["scheme"] == "leave-one-fold-out"
    assert list(cov.n) == [120, 120]
    assert cov.coverage.iloc[0] == pytest.approx(math.ceil(40 * 0.8) / 40)
    assert cov.coverage.iloc[1] == pytest.approx(math.ceil(40 * 0.9) / 40)


def test_forward_coverage_reveals_growing_errors():
    bt = synthetic_backtest(folds=60, horizon=3, seed=6)
    growth = np.linspace(1, 8, len(bt))  # error size grows eightfold over time
    bt["actual"] = bt.forecast + (bt.actual - bt.forecast) * growth
    forward = interval_coverage(bt, levels=(0.8,)).coverage.iloc[0]
    lofo = interval_coverage(bt, levels=(0.8,), scheme="leave-one-fold-out")
    assert forward < 0.7
    assert lofo.coverage.iloc[0] == pytest.approx(0.8, abs=0.02)


def test_unknown_scheme_raises():
    with pytest.raises(ParameterError, match="scheme"):
        interval_coverage(synthetic_backtest(folds=3, horizon=2), scheme="random")


def test_intervals_cover_new_data_at_nominal_rate():
    calib = synthetic_backtest(folds=100, horizon=3, seed=2)
    new = synthetic_backtest(folds=300, horizon=3, seed=3)
    fut = new[["model", "timestamp", "step", "forecast"]]
    out = conformal_intervals(calib, fut, levels=(0.8, 0.9))
    out = out.merge(new[["timestamp", "actual"]], on="timestamp", validate="1:1")
    assert len(out) == 900
    for lv, col in ((0.8, "80"), (0.9, "90")):
        inside = out.actual.between(out[f"lower_{col}"], out[f"upper_{col}"])
        assert inside.mean() == pytest.approx(lv, abs=0.04)


def test_coverage_with_one_fold_is_nan_and_explained():
    bt = synthetic_backtest(folds=1, horizon=6)
    cov = interval_coverage(bt, levels=(0.8,))
    assert math.isnan(cov.coverage.iloc[0]) and cov.n.iloc[0] == 0
    assert any("at least 2 folds" in n for n in cov.attrs["notes"])


def test_coverage_counts_unbounded_points_separately():
    bt = synthetic_backtest(folds=3, horizon=2)
    # leave-one-fold-out: the two other folds hold 4 residuals, enough for 80% only
    cov = interval_coverage(bt, levels=(0.8, 0.95), scheme="leave-one-fold-out")
    row80, row95 = cov.iloc[0], cov.iloc[1]
    assert row80.n == 6 and row80.n_unbounded == 0
    assert row95.n == 0 and row95.n_unbounded == 6 and math.isnan(row95.coverage)
    assert any("unbounded" in n for n in cov.attrs["notes"])
    # forward: fold 1 unscored, fold 2 has 2 residuals (unbounded), fold 3 has 4
    cov = interval_coverage(bt, levels=(0.8,))
    assert cov.n.iloc[0] == 2 and cov.n_unbounded.iloc[0] == 2


def test_coverage_per_model():
    bt = pd.concat(
        [
            synthetic_backtest(folds=20, horizon=2, model="A", noise=1.0),
            synthetic_backtest(folds=20, horizon=2, model="B", noise=3.0, seed=5),
        ]
    )
    cov = interval_coverage(bt, levels=(0.9,))
    assert list(cov.model) == ["A", "B"]
    widths = cov.set_index("model").mean_width
    assert widths["B"] > 2 * widths["A"]


def test_a_levels_interval_does_not_depend_on_the_other_levels_asked_for():
    # the widest level chosen set the pooling of every level: removing 95% moved
    # the 80% band and its measured coverage
    bt = synthetic_backtest(folds=6, horizon=4)
    alone = conformal_intervals(bt, future_frame(), levels=(0.8,))
    beside = conformal_intervals(bt, future_frame(), levels=(0.8, 0.95, 0.99))
    for column in ("lower_80", "upper_80"):
        np.testing.assert_allclose(alone[column], beside[column])
    # the bands still nest
    assert (beside["upper_95"].fillna(np.inf) >= beside["upper_80"]).all()
    cov_alone = interval_coverage(bt, levels=(0.8,))
    cov_beside = interval_coverage(bt, levels=(0.8, 0.95))
    pd.testing.assert_frame_equal(
        cov_alone.reset_index(drop=True),
        cov_beside[cov_beside["level"] == 0.8].reset_index(drop=True),
    )


def test_bands_that_come_out_the_same_are_said_so():
    from convlstm.intervals import conformal_intervals

    folds = 20
    bt = pd.DataFrame(
        {
            "model": "A",
            "fold": range(1, folds + 1),
            "step": 1,
            "actual": 10.0,
            "forecast": 5.0,  # every error 5: no level can tell from another
        }
    )
    fut = pd.DataFrame(
        {"model": ["A"], "timestamp": [pd.Timestamp("2024-01-01")], "forecast": [7.0]}
    )
    out = conformal_intervals(bt, fut, levels=(0.8, 0.95))
    assert out["upper_80"].iloc[0] == out["upper_95"].iloc[0] == 12.0
    assert any("80% and 95% bands are the same" in n for n in out.attrs["notes"])


def test_backtest_bounds_recount_the_measured_coverage():
    # the download's backtest rows carry the bounds coverage was measured with
    bt = synthetic_backtest(folds=30, horizon=4, seed=3)
    bt = pd.concat([bt, bt.assign(model="N", forecast=bt["forecast"] + 0.5)])
    levels = (0.8, 0.95)
    with_bounds = backtest_intervals(bt, levels)
    assert len(with_bounds) == len(bt)
    cov = interval_coverage(bt, levels).set_index(["model", "level"])
    for (model, level), row in cov.iterrows():
        rows = with_bounds[with_bounds["model"] == model]
        lo = rows[f"lower_{level_label(level)}"]
        hi = rows[f"upper_{level_label(level)}"]
        bounded = lo.notna()
        inside = (rows["actual"] >= lo) & (rows["actual"] <= hi)
        assert bounded.sum() == row["n"]
        assert inside[bounded].mean() == pytest.approx(row["coverage"])
    first = with_bounds[with_bounds["fold"] == 1]
    assert first["lower_80"].isna().all()  # nothing earlier to calibrate on


def test_unmeasured_levels_are_those_without_a_finite_coverage():
    from convlstm.intervals import unmeasured_levels

    coverage = pd.DataFrame(
        {
            "model": ["a", "b", "a", "b"],
            "level": [0.8, 0.8, 0.95, 0.95],
            "coverage": [0.75, np.nan, np.nan, None],
        }
    )
    assert unmeasured_levels(coverage, [0.8, 0.95]) == [0.95]
    assert unmeasured_levels(None, [0.8, 0.95]) == [0.8, 0.95]
    assert unmeasured_levels(coverage.iloc[:0], [0.8]) == [0.8]
