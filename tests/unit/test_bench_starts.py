"""bench.starts: each way of choosing or combining the ConvLSTM's two starts."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from bench import starts

TINY = {"hidden_size": 4, "epochs": 2, "device": "cpu"}


def _monthly(n: int) -> pd.Series:
    t = np.arange(n, dtype=float)
    values = 50 + 0.3 * t + 5 * np.sin(2 * np.pi * t / 12)
    values += np.random.default_rng(0).normal(0, 0.5, n)
    return pd.Series(values, index=pd.date_range("2000-01-01", periods=n, freq="MS"))


def test_variants_combine_the_two_starts_final_forecasts():
    info = {}
    out = starts.combine(_monthly(80), 3, 0, TINY, info=info)
    assert tuple(out) == starts.VARIANTS
    # what a rule could be chosen on afterwards: the start kept and both checks
    assert info["start"] in ("scratch", "pretrained", "both")
    assert set(info["errors"]) == {"scratch", "pretrained"}
    s, p = out["scratch"], out["pretrained"]
    assert not np.allclose(s, p)
    np.testing.assert_allclose(out["mean"], (s + p) / 2)
    # a monthly series: the default pools the starts as pool@12 does (the mean
    # when their checks were within 2x, else the better-checked start)
    np.testing.assert_allclose(out["mean@12"], out["mean"])
    np.testing.assert_allclose(out["auto"], out["pool@12"])
    low, high = np.minimum(s, p), np.maximum(s, p)
    for name in ("inv", "inv2"):
        assert np.all(out[name] >= low - 1e-9) and np.all(out[name] <= high + 1e-9)
    # pooling: the mean when the checks were close, else one start
    for name in ("pool", "pool@12"):
        assert any(
            np.allclose(out[name], out[v]) for v in ("mean", "scratch", "pretrained")
        )


def test_a_series_the_check_skips_keeps_the_default_everywhere():
    out = starts.combine(_monthly(10), 3, 0, TINY)  # too short to train from scratch
    for name in starts.VARIANTS:
        np.testing.assert_allclose(out[name], out["auto"])


def test_quarterly_weights_both_starts_as_inv2():
    y = _monthly(80)
    y.index = pd.date_range("2000-01-01", periods=80, freq="QS")
    out = starts.combine(y, 4, 0, TINY)
    np.testing.assert_allclose(out["auto"], out["inv2"], rtol=1e-6)
    # mean@12 keeps the better-checked start on a quarterly series
    assert any(np.allclose(out["mean@12"], out[s]) for s in ("scratch", "pretrained"))


def test_arima_reference_is_its_mae_on_the_validation_folds():
    # bench.judge's model_mae also returns the actuals and forecasts
    from bench import judge

    name, model, mae = starts._arima_task("nile")
    assert (name, model) == ("nile", "ARIMA") and np.isfinite(mae)
    assert mae == judge.model_mae(("nile", "ARIMA", {}, 0, 1))[2]


def test_unknown_set_is_refused():
    with pytest.raises(SystemExit):
        starts.main(["--set", "m4"])
