"""The season a pretrained start divides out (``season_adjust``)."""

from __future__ import annotations

import copy
import io
import json
import zipfile

import numpy as np
import pandas as pd
import pytest

from convlstm import explain
from convlstm.errors import DataError, ParameterError
from convlstm.models.decompose import (
    SeasonAdjustment,
    classical_indices,
    season_adjustment,
)
from convlstm.models.neural import ConvLSTMForecaster
from convlstm.models.persistence import load_model
from convlstm.nn import member_nets
from tests.unit.test_contract_panel import _panel

ZERO_SHOT = {"init": "pretrained", "fine_tune": False, "device": "cpu"}


def _monthly(
    n: int, *, swing: str = "multiplicative", seed: int = 0, growth: float = 1.01
) -> pd.Series:
    t = np.arange(n)
    rng = np.random.default_rng(seed)
    level = 100 * growth**t
    season = np.sin(2 * np.pi * t / 12)
    if swing == "multiplicative":
        values = level * (1 + 0.3 * season)
    else:
        values = level + 25 * season
    values = values + rng.normal(0, 1, n)
    return pd.Series(values, index=pd.date_range("2001-01-01", periods=n, freq="MS"))


def test_the_adjustment_removes_and_restores_a_season_at_any_position():
    y = _monthly(96).to_numpy()
    adjust = season_adjustment(y, 12)
    assert adjust is not None and adjust.kind == "multiplicative"
    assert adjust.indices.shape == (12,)
    flat = adjust.remove(y, 0)
    # the season made most of the month-to-month changes: few are left
    assert np.abs(np.diff(flat)).mean() < 0.2 * np.abs(np.diff(y)).mean()
    np.testing.assert_allclose(adjust.restore(flat, 0), y)
    # a stretch further on uses the factors of its own positions
    np.testing.assert_allclose(adjust.remove(y[30:50], 30), flat[30:50])
    later = adjust.restore(np.ones(5), 100)
    np.testing.assert_allclose(later, adjust.indices[np.arange(100, 105) % 12])
    additive = SeasonAdjustment("additive", np.array([1.0, -1.0]))
    np.testing.assert_allclose(additive.remove(np.zeros(3), 1), [1.0, -1.0, 1.0])


@pytest.mark.parametrize("kind", ["multiplicative", "additive"])
@pytest.mark.parametrize(("n", "m"), [(24, 12), (37, 12), (120, 12), (21, 7), (9, 4)])
def test_the_indices_are_those_of_statsmodels_classical_decomposition(n, m, kind):
    from statsmodels.tsa.seasonal import seasonal_decompose

    rng = np.random.default_rng(n)
    x = 50 + np.arange(n) + 10 * np.sin(np.arange(n)) + rng.gamma(2, 3, n)
    expected = seasonal_decompose(x, model=kind, period=m).seasonal[:m]
    np.testing.assert_allclose(classical_indices(x, m, kind), expected)


def test_no_adjustment_without_a_season_two_cycles_or_finite_values():
    rng = np.random.default_rng(0)
    assert season_adjustment(rng.normal(0, 1, 120), 12) is None  # no season
    assert season_adjustment(_monthly(20).to_numpy(), 12) is None  # < 2 cycles
    y = _monthly(60).to_numpy().copy()
    y[5] = np.nan
    assert season_adjustment(y, 12) is None
    assert season_adjustment(_monthly(60).to_numpy(), 1) is None
    t = np.arange(60)
    below = 25 * np.sin(2 * np.pi * t / 12) - 5 + rng.normal(0, 1, 60)
    adjust = season_adjustment(below, 12)
    assert adjust is not None and adjust.kind == "additive"


def test_the_pretrained_start_forecasts_the_series_without_its_season():
    y = _monthly(96)
    model = ConvLSTMForecaster(horizon=18, **ZERO_SHOT).fit(y)
    state = model.season_adjust_
    assert state["kind"] == "multiplicative" and len(state["indices"]) == 12
    assert model.init_note_ == (
        "the pretrained network read the series without its season (divided out: "
        "a classical decomposition of the whole series) and put it back into its "
        "forecast"
    )
    plain = ConvLSTMForecaster(horizon=18, season_adjust="none", **ZERO_SHOT).fit(y)
    assert plain.season_adjust_ is None and plain.init_note_ is None
    assert not np.allclose(model.predict(), plain.predict())
    # from the same origin, through every path that forecasts
    np.testing.assert_allclose(model.forecast_after(y.to_numpy()), model.predict())
    np.testing.assert_allclose(
        model.forecast_after(y.to_numpy()[-60:], end=len(y)), model.predict()
    )
    again = load_model(model.to_bytes())
    assert again.season_adjust_ == state
    pd.testing.assert_series_equal(again.predict(), model.predict())
    # an origin inside the series: its own positions' factors
    inside = model.forecast_after(y.to_numpy()[:80])
    assert inside.shape == (18,) and np.isfinite(inside).all()


def test_the_explained_window_forecasts_what_predict_forecasts():
    # no trend: the forecast stays inside the window's range, where predict
    # does not clamp it (How it works shows the net's forecast unclamped)
    y = _monthly(96, growth=1.0)
    model = ConvLSTMForecaster(horizon=18, **ZERO_SHOT).fit(y)
    subject = explain.subject_from_model(model, y)
    assert "the series' season is **subtracted** (12 seasonal indices" in (
        explain.frames_text(subject)
    )
    # How it works shows the first of the ensemble's nets, with its own forecast
    first = copy.deepcopy(model)
    first.net_ = member_nets(model.net_)[0]
    for end in (len(y), 80):  # the last window, and one inside the series
        window = explain.make_window(subject, end=end)
        assert window.end == end
        trace = explain.gate_trace(subject, window)
        np.testing.assert_allclose(
            explain.to_data_units(subject, window, trace.forecast)[:18],
            first.forecast_after(y.to_numpy()[:end]),
            rtol=1e-4,
        )


def test_only_quarterly_and_monthly_series_are_adjusted():
    # on short uploads of days, hours and half-hours it did not help
    t = np.arange(140)
    weekends = 50 + 0.2 * t + 10 * (t % 7 >= 5)
    y = pd.Series(weekends, index=pd.date_range("2024-01-01", periods=140, freq="D"))
    model = ConvLSTMForecaster(horizon=14, **ZERO_SHOT).fit(y)
    assert model.season_adjust_ is None
    quarters = 100 + t[:40] + 20 * (t[:40] % 4 == 3)
    y = pd.Series(quarters, index=pd.date_range("2000-01-01", periods=40, freq="QS"))
    model = ConvLSTMForecaster(horizon=8, **ZERO_SHOT).fit(y)
    assert len(model.season_adjust_["indices"]) == 4


@pytest.mark.parametrize(
    "params",
    [
        {"season_adjust": "none"},
        {"transform": "log"},
        {"init": "scratch", "epochs": 2, "hidden_size": 4, "num_layers": 1},
    ],
    ids=["none", "log", "scratch"],
)
def test_no_adjustment_when_asked_on_the_log_or_from_scratch(params):
    y = _monthly(96)
    model = ConvLSTMForecaster(horizon=6, **{**ZERO_SHOT, **params}).fit(y)
    assert model.__dict__.get("season_adjust_") is None


def test_a_bad_setting_is_refused():
    with pytest.raises(ParameterError, match="season_adjust must be one of"):
        ConvLSTMForecaster(season_adjust="yes").fit(_monthly(96))


def _with_config(bundle: bytes, edit) -> bytes:
    """``bundle`` with ``edit(config)`` applied to its config.json."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(bundle)) as src, zipfile.ZipFile(out, "w") as zf:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "config.json":
                config = json.loads(data)
                edit(config)
                data = json.dumps(config).encode()
            zf.writestr(item, data)
    return out.getvalue()


@pytest.mark.parametrize(
    "value",
    [
        {"kind": "cubic", "indices": [1.0, 1.0]},
        {"kind": "multiplicative", "indices": [1.0, 0.0]},
        {"kind": "additive", "indices": [1.0]},
        {"kind": "additive", "indices": [1.0, "x"]},
        {"kind": "additive", "indices": [1.0, True]},
        {"kind": "additive"},
        [1.0, 2.0],
    ],
)
def test_a_damaged_stored_adjustment_is_refused(value):
    bundle = ConvLSTMForecaster(horizon=6, **ZERO_SHOT).fit(_monthly(96)).to_bytes()
    with pytest.raises(DataError, match="season adjustment is damaged"):
        load_model(
            _with_config(bundle, lambda c: c["state"].update(season_adjust_=value))
        )


def test_a_pretrained_panel_divides_out_each_series_own_season():
    parts = {
        "growing": _monthly(96),
        "flat": _monthly(61, swing="additive", growth=1.0, seed=1),
        "noise": pd.Series(
            np.random.default_rng(2).normal(50, 1, 60),
            index=pd.date_range("2003-01-01", periods=60, freq="MS"),
        ),
    }
    model = ConvLSTMForecaster(horizon=12, **ZERO_SHOT).fit(_panel(parts))
    kinds = {
        n: s and s["kind"]
        for n, s in zip(model.panel_names_, model.panel_season_, strict=True)
    }
    assert kinds == {"growing": "multiplicative", "flat": "additive", "noise": None}
    f = model.predict()
    for name, y in parts.items():  # as each series alone
        alone = ConvLSTMForecaster(horizon=12, **ZERO_SHOT).fit(y).predict()
        got = f.loc[f["series"] == name, "forecast"].to_numpy()
        np.testing.assert_allclose(got, alone.to_numpy(), rtol=1e-4)
    again = load_model(model.to_bytes())
    assert again.panel_season_ == model.panel_season_
    pd.testing.assert_frame_equal(again.predict(), f)
    # damaged: a season per series, each a kind and its indices
    bundle = model.to_bytes()
    for seasons in ([None], [None, None, {"kind": "cubic", "indices": [1, 2]}]):
        damaged = _with_config(bundle, lambda c: c["panel"].update(season=seasons))  # noqa: B023
        with pytest.raises(DataError, match="season adjustment is damaged"):
            load_model(damaged)
    plain = ConvLSTMForecaster(horizon=12, season_adjust="none", **ZERO_SHOT)
    assert plain.fit(_panel(parts)).panel_season_ == [None, None, None]
