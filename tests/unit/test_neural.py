"""ConvLSTMForecaster and LSTMForecaster: fit/predict, validation, save/load."""

import io
import json
import zipfile

import numpy as np
import pandas as pd
import pytest
import torch

from convlstm.data import future_index
from convlstm.errors import DataError, NotFittedError, ParameterError
from convlstm.models.neural import (
    ConvLSTMForecaster,
    LSTMForecaster,
    load_model,
    lookback_rule,
)

TINY = {"epochs": 3, "hidden_size": 4, "batch_size": 16, "num_layers": 1, "seed": 0}
TINY_CONV = {**TINY, "device": "cpu"}


def monthly(n=72, scale=1.0, seed=0):
    t = np.arange(n)
    values = 50 + 0.5 * t + 10 * np.sin(2 * np.pi * t / 12)
    values = values + np.random.default_rng(seed).normal(0, 1, n)
    idx = pd.date_range("2001-01-01", periods=n, freq="MS")
    return pd.Series(values * scale, index=idx, name="value")


@pytest.fixture(scope="module")
def y():
    return monthly()


@pytest.fixture(scope="module")
def fitted(y):
    # one network (a monthly series under init="auto" keeps two: test_pretrained)
    return ConvLSTMForecaster(horizon=6, init="scratch", **TINY_CONV).fit(y)


@pytest.mark.parametrize("cls", [ConvLSTMForecaster, LSTMForecaster])
def test_fit_predict_contract(cls, y):
    model = cls(horizon=6, **TINY_CONV)
    with pytest.raises(NotFittedError):
        model.predict()
    assert model.fit(y) is model
    f = model.predict()
    assert len(f) == 6 and f.name == cls.display_name
    assert f.index.equals(future_index(y.index, 6))
    assert np.isfinite(f.to_numpy()).all()
    assert model.device_ == "cpu"
    assert 1 <= len(model.history_) <= 3
    assert set(model.history_[0]) == {"epoch", "train_loss", "val_loss"}
    assert model.n_params_ > 0 and model.fit_seconds_ > 0
    assert model.lookback_ % model.width_ == 0
    assert model.season_length_ == 12
    assert isinstance(model.stopped_early_, bool)


def test_hyperparameters_stored_verbatim_and_validated_in_fit(y):
    model = ConvLSTMForecaster(kernel_size=4, hidden_size=-1)  # no error here
    assert model.kernel_size == 4 and model.hidden_size == -1
    with pytest.raises(ParameterError, match="hidden_size"):
        model.fit(y)


@pytest.mark.parametrize(
    ("params", "error", "match"),
    [
        ({"kernel_size": 2}, ParameterError, "odd"),
        ({"kernel_size": 9}, ParameterError, "1, 3, 5 or 7"),
        ({"hidden_size": 0}, ParameterError, "hidden_size"),
        ({"hidden_size": 2000}, ParameterError, "hidden_size"),
        ({"learning_rate": 0}, ParameterError, "learning rate"),
        ({"learning_rate": 1e6}, ParameterError, "learning rate"),
        ({"activation": "gelu"}, ParameterError, "activation"),
        ({"horizon": 0}, ParameterError, "horizon"),
        ({"lookback": 0}, ParameterError, "lookback"),
        ({"device": "cuda:99"}, ParameterError, "device|CUDA"),
    ],
)
def test_bad_hyperparameters_have_clear_errors(y, params, error, match):
    with pytest.raises(error, match=match):
        ConvLSTMForecaster(**{**TINY_CONV, **params}).fit(y)


@pytest.mark.parametrize("cls", [ConvLSTMForecaster, LSTMForecaster])
def test_too_short_series_states_the_minimum(cls):
    tiny = {**TINY_CONV, **({"init": "scratch"} if cls is ConvLSTMForecaster else {})}
    with pytest.raises(DataError, match=r"at least 26"):
        cls(horizon=6, **tiny).fit(monthly(20))
    with pytest.raises(DataError, match=r"at least 34"):
        cls(horizon=6, lookback=20, **tiny).fit(monthly(30))


def test_same_seed_same_forecast(y):
    a = ConvLSTMForecaster(horizon=6, **TINY_CONV).fit(y).predict()
    b = ConvLSTMForecaster(horizon=6, **TINY_CONV).fit(y).predict()
    pd.testing.assert_series_equal(a, b)


@pytest.mark.parametrize("scale", [1e-6, 1e9])
def test_any_scale_gives_finite_forecasts_in_original_units(scale):
    y = monthly(scale=scale)
    f = ConvLSTMForecaster(horizon=6, **TINY_CONV).fit(y).predict()
    assert np.isfinite(f.to_numpy()).all()
    level = y.iloc[-12:].mean()
    assert np.all(np.abs(f.to_numpy() / level - 1) < 1.0)


def test_callback_can_stop_training(y):
    seen = []

    def callback(epoch, epochs, train_loss, val_loss):
        seen.append(epoch)
        return True

    model = ConvLSTMForecaster(horizon=6, init="scratch", **{**TINY_CONV, "epochs": 10})
    model.fit(y, callback=callback)
    assert seen == [1] and model.stopped_early_ and len(model.history_) == 1


def test_non_seasonal_series_uses_fixed_width():
    idx = pd.date_range("1900-01-01", periods=60, freq="YS")
    y = pd.Series(np.sin(np.arange(60) / 2.0) * 30 + 50, index=idx)
    model = ConvLSTMForecaster(horizon=5, **TINY_CONV).fit(y)
    assert model.season_length_ == 1 and model.width_ == 8
    assert len(model.predict()) == 5


def test_lookback_rule_covers_the_longest_usable_cycle():
    assert lookback_rule(3696, 48, (48, 336)) == (384, 48)  # a week + a day
    assert lookback_rule(120, 12, (12,)) == (36, 12)
    assert lookback_rule(40, 12, (12,)) == (12, 12)  # shrinks for short series
    assert lookback_rule(300, 10, ()) == (24, 8)
    assert lookback_rule(500, 48, (48, 336)) == (144, 48)  # weekly cycle not usable


def test_lstm_takes_the_convlstms_automatic_lookback():
    idx = pd.date_range("2020-01-01", periods=2000, freq="30min")
    t = np.arange(2000)
    y = pd.Series(100 + 10 * np.sin(2 * np.pi * t / 48), index=idx)
    model = LSTMForecaster(horizon=4, **TINY_CONV).build(y)
    assert model.width_ == 48 and model.lookback_ == 384  # a week + a day
    assert model.anchor_period_ == 336  # the weekly cycle, as the ConvLSTM's


@pytest.mark.parametrize("transform", ["none", "log"])
def test_lstm_and_convlstm_share_the_set_up_and_differ_in_the_cell(transform):
    t = np.arange(96)
    rng = np.random.default_rng(2)
    values = 50 + 2.0 * t + 10 * np.sin(2 * np.pi * t / 12)
    idx = pd.date_range("2001-01-01", periods=96, freq="MS")
    y = pd.Series(values + rng.normal(0, 0.5, 96), index=idx)
    kw = {**TINY_CONV, "transform": transform}
    conv = ConvLSTMForecaster(horizon=6, **kw).fit(y)
    lstm = LSTMForecaster(horizon=6, **kw).fit(y)
    for name in (
        "lookback_",
        "width_",
        "season_length_",
        "anchor_period_",
        "anchor_drift_",
        "transform_",
    ):
        assert getattr(lstm, name) == getattr(conv, name), name
    chosen = (conv.anchor_period_, conv.anchor_drift_)
    assert chosen in {(12, True), (12, False), (0, None)}
    assert lstm.net_.anchor_drift == conv.net_.anchor_drift
    # the same ridge-solved linear skip, kept frozen by the same training loop
    for part in ("weight", "bias"):
        a = getattr(lstm.net_.ar, part)
        b = getattr(conv.net_.ar, part)
        assert a.abs().sum() > 0
        torch.testing.assert_close(a, b)

    # the recurrent part (and its head) is all that differs
    def recurrent(model):
        names = {n.split(".")[0] for n, _ in model.net_.named_parameters()}
        return names - {"ar", "head"}

    assert recurrent(lstm) == {"lstm"}
    assert recurrent(conv) == {"frontend", "cells"}
    # untrained, both nets forecast the same linear part on the same windows
    fresh = [m.build(y).net_ for m in (conv, lstm)]
    x = torch.randn(4, conv.lookback_, dtype=torch.float64)
    with torch.no_grad():
        out = [net.double()(x) for net in fresh]
    torch.testing.assert_close(out[0], out[1])


def test_anchor_drift_is_chosen_on_validation_and_saved():
    t = np.arange(96)
    season = 10 * np.sin(2 * np.pi * t / 12)
    idx = pd.date_range("2001-01-01", periods=96, freq="MS")
    trend = pd.Series(50 + 2.0 * t + season, index=idx)
    level = pd.Series(
        50 + season + np.random.default_rng(1).normal(0, 3, 96), index=idx
    )
    kw = {**TINY_CONV, "transform": "none"}
    trending = ConvLSTMForecaster(horizon=6, **kw).fit(trend)
    assert trending.anchor_drift_ is True and trending.net_.anchor_drift
    flat = ConvLSTMForecaster(horizon=6, **kw).fit(level)
    assert flat.anchor_drift_ is not True and not flat.net_.anchor_drift
    twin = load_model(flat.to_bytes())
    assert getattr(twin, "anchor_drift_", None) is flat.anchor_drift_
    assert not twin.net_.anchor_drift
    assert twin.anchor_period_ == flat.anchor_period_ == twin.net_.anchor_period
    pd.testing.assert_series_equal(twin.predict(), flat.predict())


def test_the_seasonal_anchor_is_kept_only_where_it_forecasts_better():
    # on the last training windows, the ridge-solved skip with the anchor of a
    # season a cycle back against the skip alone (from the window's level)
    idx = pd.date_range("2001-01-01", periods=120, freq="MS")
    rng = np.random.default_rng(0)
    kw = {**TINY_CONV, "transform": "none", "init": "scratch"}
    # each month's value wanders from year to year: last year's is the best guide
    wandering = np.cumsum(rng.normal(0, 3, (10, 12)), axis=0).ravel()
    seasonal = ConvLSTMForecaster(horizon=6, **kw).fit(pd.Series(100 + wandering, idx))
    assert seasonal.anchor_period_ == 12 and seasonal.net_.anchor_period == 12
    # a seasonally adjusted series (a random walk with drift): no anchor
    walk = 100 + np.cumsum(0.5 + rng.normal(0, 1, 120))
    adjusted = ConvLSTMForecaster(horizon=6, **kw).fit(pd.Series(walk, idx))
    assert adjusted.anchor_period_ == 0 and adjusted.anchor_drift_ is None
    assert adjusted.net_.anchor(torch.zeros(2, adjusted.lookback_)) is None
    assert adjusted.season_length_ == 12  # its season is still the window's rows'
    twin = load_model(adjusted.to_bytes())
    pd.testing.assert_series_equal(twin.predict(), adjusted.predict())


def test_explicit_lookback_shorter_than_the_season(y):
    model = ConvLSTMForecaster(horizon=3, lookback=6, init="scratch", **TINY_CONV)
    model.fit(y)
    assert model.lookback_ == 6 and model.width_ == 6
    assert len(model.predict()) == 3


def test_save_load_round_trip(fitted, tmp_path):
    path = tmp_path / "model.zip"
    fitted.save(path)
    with zipfile.ZipFile(path) as zf:
        assert set(zf.namelist()) == {"config.json", "model.safetensors"}
        config = json.loads(zf.read("config.json"))
    assert config["class"] == "ConvLSTMForecaster"
    assert config["state"]["data_fingerprint_"] == fitted.data_fingerprint_
    for source in (path, str(path), path.read_bytes(), io.BytesIO(path.read_bytes())):
        twin = load_model(source)
        assert type(twin) is ConvLSTMForecaster
        assert twin.get_params() == fitted.get_params()
        pd.testing.assert_series_equal(twin.predict(), fitted.predict())
        assert twin.history_ == fitted.history_
    twin = ConvLSTMForecaster.from_bytes(fitted.to_bytes())
    pd.testing.assert_series_equal(twin.predict(), fitted.predict())


def test_lstm_save_load_round_trip(y):
    model = LSTMForecaster(horizon=4, **TINY_CONV).fit(y)
    twin = load_model(model.to_bytes())
    assert type(twin) is LSTMForecaster
    pd.testing.assert_series_equal(twin.predict(), model.predict())
    with pytest.raises(DataError, match="LSTMForecaster"):
        ConvLSTMForecaster.from_bytes(model.to_bytes())


def test_save_before_fit_raises():
    with pytest.raises(NotFittedError):
        ConvLSTMForecaster().to_bytes()


def _rezip(data, **replace):
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for name in src.namelist():
            if replace.get(name, b"") is not None:
                dst.writestr(name, replace.get(name, src.read(name)))
    return out.getvalue()


def _config(data):
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return json.loads(zf.read("config.json"))


def _with_config(data, **changes):
    config = json.dumps({**_config(data), **changes}).encode()
    return _rezip(data, **{"config.json": config})


@pytest.mark.parametrize(
    "damage",
    [
        lambda d: b"not a zip at all",
        lambda d: d[: len(d) // 2],
        lambda d: _rezip(d, **{"model.safetensors": None}),
        lambda d: _rezip(d, **{"config.json": b"{not json"}),
        lambda d: _rezip(d, **{"model.safetensors": b"garbage"}),
        lambda d: _rezip(d, **{"config.json": json.dumps({"format": "x"}).encode()}),
        lambda d: _rezip(
            d,
            **{
                "config.json": json.dumps({**_config(d), "class": "os.system"}).encode()
            },
        ),
        lambda d: _rezip(
            d,
            **{
                "config.json": json.dumps(
                    {**_config(d), "params": {**_config(d)["params"], "hidden_size": 9}}
                ).encode()
            },
        ),
        lambda d: _rezip(
            d,
            **{
                "config.json": json.dumps({**_config(d), "last_window": [1.0]}).encode()
            },
        ),
    ],
)
def test_malformed_bundles_raise_data_error(fitted, damage):
    with pytest.raises(DataError, match="bundle|model file"):
        load_model(damage(fitted.to_bytes()))


def test_missing_file_raises_data_error(tmp_path):
    with pytest.raises(DataError, match="cannot read"):
        load_model(tmp_path / "nope.zip")


def test_a_million_points_train_in_bounded_work():
    # windows are gathered per batch and an epoch is capped, so this stays quick
    idx = pd.date_range("2000-01-01", periods=1_000_000, freq="min")
    t = np.arange(len(idx))
    y = pd.Series(np.sin(2 * np.pi * t / 60) + t * 1e-6, index=idx)
    model = ConvLSTMForecaster(
        horizon=4, lookback=16, season_length=8, epochs=1, hidden_size=2, device="cpu"
    )
    f = model.fit(y).predict()
    assert len(f) == 4 and np.isfinite(f.to_numpy()).all()


@pytest.mark.parametrize("start", ["2024-03-01", "2024-01-28"])
def test_a_model_of_zoned_times_loads_back_in_its_zone(start):
    # across a change to summer time: the zone is kept, not a fixed UTC offset
    # (a bundle that could not be loaded, or forecasts an hour off)
    index = pd.date_range(start, periods=60, freq="D", tz="Europe/Paris")
    y = pd.Series(10 + np.sin(np.arange(60.0)), index=index)
    model = ConvLSTMForecaster(horizon=5, init="scratch", **TINY_CONV).fit(y)
    loaded = load_model(model.to_bytes())
    pd.testing.assert_series_equal(loaded.predict(), model.predict())
    assert str(loaded.predict().index.tz) == "Europe/Paris"


def test_a_panel_model_of_zoned_times_loads_back_in_its_zone():
    index = pd.date_range("2024-03-20", periods=30, freq="D", tz="Europe/Paris")
    panel = pd.concat(
        [
            pd.DataFrame({"series": s, "time": index, "value": k + np.arange(30.0)})
            for k, s in enumerate(("a", "b"))
        ],
        ignore_index=True,
    )
    model = ConvLSTMForecaster(horizon=3, init="scratch", **TINY_CONV).fit(panel)
    got = load_model(model.to_bytes()).predict()
    pd.testing.assert_frame_equal(got, model.predict())
    assert str(got["time"].dt.tz) == "Europe/Paris"


def test_the_default_start_reports_each_fits_own_epochs():
    # init="auto" trains up to four fits in a row: the count runs on across them
    # (for the progress fraction) but each event names its fit and its own epoch
    import pickle

    from convlstm.models.neural import FitEpoch

    y = pd.Series(
        100 + 10 * np.sin(np.arange(72) * 2 * np.pi / 12),
        index=pd.date_range("2015-01-01", periods=72, freq="MS"),
    )
    seen = []
    ConvLSTMForecaster(horizon=6, epochs=2, hidden_size=4).fit(
        y, callback=lambda e, n, *rest: seen.append((e, n))
    )
    fits = [e.fit for e, _ in seen if isinstance(e, FitEpoch)]
    assert "checking the scratch start" in fits and "training the start kept" in fits
    assert all(1 <= e.within <= e.span <= 2 for e, _ in seen)
    assert [int(e) for e, _ in seen] == sorted(int(e) for e, _ in seen)
    copy = pickle.loads(pickle.dumps(seen[-1][0]))  # events cross processes
    assert (int(copy), copy.fit, copy.within) == (
        int(seen[-1][0]),
        seen[-1][0].fit,
        seen[-1][0].within,
    )


def test_a_fitted_network_says_what_its_fit_did():
    y = pd.Series(
        100 + 10 * np.sin(np.arange(72) * 2 * np.pi / 12),
        index=pd.date_range("2015-01-01", periods=72, freq="MS"),
    )
    model = ConvLSTMForecaster(horizon=6, epochs=2, hidden_size=4, init="scratch")
    assert model.notes_ == []  # nothing before a fit
    model.fit(y)
    kept = model.best_epoch_ == 0
    assert any("kept its start" in n for n in model.notes_) is kept


def test_forecast_after_refuses_a_window_the_model_cannot_read():
    # a model on the log of a positive series, given a 0: NaN forecasts (with a
    # numpy warning only) before; now a message that says why
    idx = pd.date_range("2015-01-01", periods=60, freq="MS")
    y = pd.Series(100 * 1.01 ** np.arange(60), index=idx)
    model = ConvLSTMForecaster(
        horizon=3, transform="log", init="scratch", **TINY_CONV
    ).fit(y)
    assert model.transform_ == "log"
    assert np.isfinite(model.forecast_after(y.to_numpy())).all()
    window = y.to_numpy().copy()
    window[-2] = 0.0
    with pytest.raises(DataError, match="works on the log of a positive series"):
        model.forecast_after(window)
    with pytest.raises(DataError, match="no number to forecast from"):
        model.forecast_after(np.full(60, np.nan))
