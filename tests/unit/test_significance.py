"""Diebold-Mariano (HLN) against hand-computed values; verdicts against a baseline."""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from convlstm.errors import DataError, ParameterError
from convlstm.significance import compare_to_baseline, diebold_mariano, format_p

E_A = np.array([0.5, -1.0, 0.8, -0.3, 1.2, -0.7, 0.4, 0.9])
E_B = np.array([1.1, -1.4, 0.6, -1.5, 1.0, -1.9, 1.3, 0.2])


def hand_dm(e_a, e_b, h, power):
    """The textbook recipe, written out loop by loop."""
    d = np.abs(e_a) ** power - np.abs(e_b) ** power
    n = len(d)
    dbar = sum(d) / n
    gamma = []
    for k in range(h):
        gamma.append(sum((d[t] - dbar) * (d[t - k] - dbar) for t in range(k, n)) / n)
    variance = gamma[0] + 2 * sum(gamma[1:])
    dm = dbar / math.sqrt(variance / n)
    hln = dm * math.sqrt((n + 1 - 2 * h + h * (h - 1) / n) / n)
    return hln, 2 * (1 - stats.t.cdf(abs(hln), n - 1))


def test_h1_absolute_matches_hand_and_one_sample_t_test():
    res = diebold_mariano(E_A, E_B, horizon=1, loss="absolute")
    stat, p = hand_dm(E_A, E_B, 1, 1)
    assert res.statistic == pytest.approx(stat, rel=1e-12)
    assert res.p_value == pytest.approx(p, rel=1e-10)
    assert res.n == 8 and res.horizon == 1 and res.note == ""
    # with h = 1 the HLN statistic is exactly the one-sample t statistic of d
    t = stats.ttest_1samp(np.abs(E_A) - np.abs(E_B), 0.0)
    assert res.statistic == pytest.approx(t.statistic, rel=1e-12)
    assert res.p_value == pytest.approx(t.pvalue, rel=1e-10)
    assert res.mean_difference == pytest.approx(np.mean(np.abs(E_A) - np.abs(E_B)))


def test_h2_absolute_matches_hand():
    # d = |a| - |b| = -0.6, -0.4, 0.2, -1.2, 0.2, -1.2, -0.9, 0.7
    res = diebold_mariano(E_A, E_B, horizon=2)
    stat, p = hand_dm(E_A, E_B, 2, 1)
    assert res.statistic == pytest.approx(stat, rel=1e-12)
    assert res.p_value == pytest.approx(p, rel=1e-10)
    # the same numbers, worked once more in plain arithmetic
    d = np.array([-0.6, -0.4, 0.2, -1.2, 0.2, -1.2, -0.9, 0.7])
    c = d - d.mean()
    v = (c @ c + 2 * (c[1:] @ c[:-1])) / 8
    by_hand = d.mean() / math.sqrt(v / 8) * math.sqrt((8 + 1 - 4 + 2 / 8) / 8)
    assert res.statistic == pytest.approx(by_hand, rel=1e-12)


@pytest.mark.parametrize("h", [1, 2, 3])
def test_squared_loss_matches_hand(h):
    res = diebold_mariano(E_A, E_B, horizon=h, loss="squared")
    stat, p = hand_dm(E_A, E_B, h, 2)
    assert res.statistic == pytest.approx(stat, rel=1e-12)
    assert res.p_value == pytest.approx(p, rel=1e-10)
    assert res.loss == "squared"


def test_swapping_a_and_b_negates_statistic():
    ab = diebold_mariano(E_A, E_B, horizon=2)
    ba = diebold_mariano(E_B, E_A, horizon=2)
    assert ba.statistic == pytest.approx(-ab.statistic)
    assert ba.p_value == pytest.approx(ab.p_value)


def test_better_names_the_lower_loss_when_significant():
    rng = np.random.default_rng(0)
    small, large = rng.normal(0, 1, 200), rng.normal(0, 2, 200)
    res = diebold_mariano(small, large, alpha=0.05)
    assert res.p_value < 0.001 and res.statistic < 0 and res.better == "a"
    assert diebold_mariano(large, small).better == "b"
    same = diebold_mariano(rng.normal(0, 1, 50), rng.normal(0, 1, 50))
    assert (same.better is None) == (same.p_value >= 0.05)


def test_negative_long_run_variance_falls_back_to_bartlett():
    # strongly alternating loss differential: gamma_0 + 2 gamma_1 < 0
    d = np.array([1.0, -0.9, 1.1, -1.0, 0.9, -1.1, 1.0, -0.8, 1.2, -1.0])
    e_b = np.full(d.size, 5.0)
    res = diebold_mariano(e_b + d, e_b, horizon=2)
    c = d - d.mean()
    g0, g1 = c @ c / 10, c[1:] @ c[:-1] / 10
    assert g0 + 2 * g1 < 0
    expected = d.mean() / math.sqrt((g0 + g1) / 10) * math.sqrt((10 - 3 + 0.2) / 10)
    assert res.statistic == pytest.approx(expected, rel=1e-12)
    assert "Bartlett" in res.note


def test_identical_or_constant_differences_give_nan_with_note():
    res = diebold_mariano(E_A, E_A.copy())
    assert math.isnan(res.statistic) and math.isnan(res.p_value)
    assert res.better is None and "identical" in res.note
    res = diebold_mariano(np.full(6, 2.0), np.full(6, 1.0))
    assert math.isnan(res.p_value) and "constant" in res.note


def test_non_finite_pairs_are_dropped():
    a, b = E_A.copy(), E_B.copy()
    a[2] = np.nan
    res = diebold_mariano(a, b)
    assert res.n == 7
    assert res.statistic == pytest.approx(
        diebold_mariano(np.delete(E_A, 2), np.delete(E_B, 2)).statistic
    )


def test_bad_input_raises_clear_data_error():
    with pytest.raises(DataError, match="paired"):
        diebold_mariano([1, 2, 3], [1, 2])
    with pytest.raises(DataError, match="at least 3"):
        diebold_mariano([1, 2], [2, 1])
    with pytest.raises(DataError, match="at least 5"):
        diebold_mariano(E_A[:4], E_B[:4], horizon=4)
    with pytest.raises(ParameterError, match="loss"):
        diebold_mariano(E_A, E_B, loss="hinge")
    with pytest.raises(ParameterError, match="horizon"):
        diebold_mariano(E_A, E_B, horizon=0)


def test_format_p():
    assert format_p(0.03) == "= 0.03"
    assert format_p(0.41) == "= 0.41"
    assert format_p(0.0004) == "< 0.001"
    assert format_p(0.0496) == "= 0.0496"  # "0.05" would hide that it is < alpha
    assert format_p(0.0504) == "= 0.0504"  # "0.05" read as a borderline win
    assert format_p(0.05) == "= 0.05"


def backtest_frame(errors: dict[str, np.ndarray], folds: int, horizon: int):
    rows = []
    for model, err in errors.items():
        for f in range(folds):
            for s in range(horizon):
                i = f * horizon + s
                rows.append(
                    {
                        "model": model,
                        "fold": f + 1,
                        "cutoff": pd.Timestamp("2020-01-01") + pd.Timedelta(days=f),
                        "timestamp": pd.Timestamp("2020-01-02") + pd.Timedelta(days=i),
                        "step": s + 1,
                        "actual": 100.0 + err[i],
                        "forecast": 100.0,
                    }
                )
    return pd.DataFrame(rows)


@pytest.fixture
def four_models():
    rng = np.random.default_rng(42)
    n = 5 * 12
    base = rng.normal(0, 2.0, n)
    return backtest_frame(
        {
            "ConvLSTM": rng.normal(0, 0.5, n),
            "LSTM": rng.normal(0, 6.0, n),
            "ARIMA": base,
            "Naive": rng.normal(0, 4.0, n),
            "Seasonal naive": base * 1.02 + rng.normal(0, 0.3, n),
        },
        folds=5,
        horizon=12,
    )


def test_compare_to_baseline_picks_best_non_neural_and_words_verdicts(four_models):
    out = compare_to_baseline(four_models)
    assert list(out.columns) == [
        "model",
        "baseline",
        "mae",
        "baseline_mae",
        "statistic",
        "p_value",
        "n",
        "better",
        "significant",
        "verdict",
    ]
    assert out.attrs["baseline"] == "ARIMA" and out.attrs["horizon"] == 12
    assert list(out.model) == ["ConvLSTM", "LSTM", "Naive", "Seasonal naive"]
    v = out.set_index("model").verdict
    assert re.fullmatch(r"ConvLSTM beats ARIMA, p (= 0\.\d+|< 0\.001)", v["ConvLSTM"])
    assert re.fullmatch(r"ARIMA beats LSTM, p (= 0\.\d+|< 0\.001)", v["LSTM"])
    assert re.fullmatch(
        r"no significant difference from ARIMA \(p = 0\.\d+\)", v["Seasonal naive"]
    )
    row = out.set_index("model").loc["ConvLSTM"]
    assert row.better == "ConvLSTM" and row.significant and row.n == 60
    assert out.set_index("model").loc["LSTM"].better == "ARIMA"


def test_compare_to_baseline_uses_dm_on_fold_step_order(four_models):
    out = compare_to_baseline(four_models, baseline="Naive", loss="squared")
    wide = four_models.assign(e=four_models.actual - four_models.forecast).pivot_table(
        index=["fold", "step"], columns="model", values="e"
    )
    res = diebold_mariano(wide["ConvLSTM"], wide["Naive"], horizon=12, loss="squared")
    row = out.set_index("model").loc["ConvLSTM"]
    assert row.statistic == pytest.approx(res.statistic)
    assert row.p_value == pytest.approx(res.p_value)
    assert row.mae == pytest.approx(wide["ConvLSTM"].abs().mean())
    assert row.baseline_mae == pytest.approx(wide["Naive"].abs().mean())


def test_compare_to_baseline_single_fold_cannot_test():
    rng = np.random.default_rng(1)
    bt = backtest_frame(
        {"ConvLSTM": rng.normal(0, 1, 6), "ARIMA": rng.normal(0, 1, 6)}, 1, 6
    )
    out = compare_to_baseline(bt)
    assert math.isnan(out.p_value.iloc[0]) and not out.significant.iloc[0]
    # a table cell: short, with the numbers that say why
    assert out.verdict.iloc[0] == (
        "not tested: too few folds (6 paired errors, the test needs 7); run more folds"
    )


def test_compare_to_baseline_errors():
    rng = np.random.default_rng(2)
    bt = backtest_frame(
        {"ConvLSTM": rng.normal(0, 1, 24), "LSTM": rng.normal(0, 1, 24)}, 2, 12
    )
    with pytest.raises(ParameterError, match="every model is neural"):
        compare_to_baseline(bt)
    both = backtest_frame(
        {"ConvLSTM": rng.normal(0, 1, 24), "Ensemble": rng.normal(0, 1, 24)}, 2, 12
    )
    with pytest.raises(ParameterError, match="every model is neural or ensemble;"):
        compare_to_baseline(both)
    with pytest.raises(ParameterError, match="'ARIMA' is not in the backtest"):
        compare_to_baseline(bt, baseline="ARIMA")
    out = compare_to_baseline(bt, baseline="LSTM")
    assert list(out.model) == ["ConvLSTM"]


def test_statistical_models_are_baselines_not_challengers():
    rng = np.random.default_rng(3)
    bt = backtest_frame(
        {"ETS": rng.normal(0, 1, 24), "ConvLSTM": rng.normal(0, 1, 24)}, 2, 12
    )
    out = compare_to_baseline(bt)
    assert out.attrs["baseline"] == "ETS"
    assert list(out["model"]) == ["ConvLSTM"]


def test_losses_equal_to_round_off_are_not_tested():
    from convlstm.significance import diebold_mariano

    a = np.arange(1.0, 9.0)
    result = diebold_mariano(a, a + 1e-12)
    assert math.isnan(result.p_value) and result.better is None
    assert "round-off" in result.note
