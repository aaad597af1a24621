"""One global net over a panel: padding of short series, uniform sampling over
series, the end-of-series validation split, and the panel path of the neural
forecasters (short series forecast, tiny ones left out with a reason)."""

import numpy as np
import pandas as pd
import pytest
import torch

from convlstm import DataError, PanelFitWarning
from convlstm.models.neural import ConvLSTMForecaster, LSTMForecaster
from convlstm.models.persistence import PANEL_WINDOWS, load_model
from convlstm.windows import PanelWindows, normalise

TINY = {"epochs": 3, "hidden_size": 4, "batch_size": 16, "num_layers": 1}


def _panel(lengths, *, freq="MS", seed=0):
    rng = np.random.default_rng(seed)
    frames = []
    for k, n in enumerate(lengths):
        t = np.arange(n)
        values = 100 * (k + 1) + 10 * np.sin(2 * np.pi * t / 12) + rng.normal(0, 1, n)
        start = pd.Timestamp("2000-01-01") + pd.DateOffset(months=3 * k)
        frames.append(
            pd.DataFrame(
                {
                    "series": f"s{k}",
                    "time": pd.date_range(start, periods=n, freq=freq),
                    "value": values,
                }
            )
        )
    panel = pd.concat(frames, ignore_index=True)
    panel.attrs["freq"] = freq
    return panel


def test_normalise_ignores_leading_padding_and_fills_it():
    real = torch.tensor([[3.0, 5.0, 4.0, 6.0]], dtype=torch.float64)
    padded = torch.cat([torch.full((1, 3), torch.nan, dtype=torch.float64), real], 1)
    x_real, loc_real, scale_real = normalise(real, 2)
    x_pad, loc_pad, scale_pad = normalise(padded, 2)
    torch.testing.assert_close(loc_pad, loc_real)
    torch.testing.assert_close(scale_pad, scale_real)
    torch.testing.assert_close(x_pad[:, 3:], x_real)
    assert torch.equal(x_pad[0, :3], x_real[0, :1].expand(3))  # held flat before
    assert not torch.isnan(x_pad).any()


def test_windows_never_cross_series_and_validation_is_each_series_end():
    a, b = np.arange(30.0), 1000 + np.arange(8.0)
    w = PanelWindows.build(
        [a, b], lookback=6, horizon=2, min_context=3, by_content=False
    )
    vals = w.values.numpy()
    assert np.isnan(vals[:3]).all() and np.isnan(vals[33:36]).all()
    # a: 26 windows (local starts 0..25), the last one validation, training
    # windows end a horizon before it; b (offset 33): 4 windows, the same split
    assert w.val_starts.tolist() == [25, 33 + 3]
    assert w.train_count.tolist() == [24, 2]
    starts = w.draw(5000, torch.Generator().manual_seed(0))
    for s in starts.tolist():
        window = vals[s : s + 6 + 2]
        real = window[~np.isnan(window)]
        assert len(real) >= 3 + 2  # min_context real values plus real targets
        assert not np.isnan(window[-2:]).any()
        assert (real < 1000).all() or (real >= 1000).all()  # one series only
        val = w.val_starts[0] if s < 33 else w.val_starts[1]
        assert s + 6 + 2 <= val + 6  # training targets end before validation's


def test_batches_draw_series_uniformly_not_by_length():
    w = PanelWindows.build(
        [np.arange(2000.0), np.arange(40.0)],
        lookback=8,
        horizon=2,
        min_context=3,
        by_content=False,
    )
    starts = w.draw(20_000, torch.Generator().manual_seed(1))
    share_short = float((starts >= int(w.train_first[1])).double().mean())
    assert 0.45 < share_short < 0.55


@pytest.mark.parametrize("cls", [ConvLSTMForecaster, LSTMForecaster])
def test_one_net_forecasts_every_series_even_short_ones(cls):
    panel = _panel([60, 100, 20, 6, 2])
    with pytest.warns(PanelFitWarning, match="'s4'"):
        model = cls(horizon=6, device="cpu", **TINY).fit(panel)
    f = model.predict()
    assert set(f["series"]) == {"s0", "s1", "s2", "s3"}
    assert "2 point" in model.failed_["s4"] and f.attrs["failed"] == model.failed_
    assert np.isfinite(f["forecast"]).all()
    for name, got in f.groupby("series"):
        last = panel.loc[panel["series"] == name, "time"].max()
        assert got["time"].iloc[0] == last + pd.DateOffset(months=1)
        assert len(got) == 6
    # forecasts are on each series' own scale
    means = f.groupby("series")["forecast"].mean()
    assert means["s0"] < means["s1"] < means["s2"] < means["s3"]


def test_same_seed_same_forecasts_and_one_series_clears_the_panel():
    panel = _panel([50, 70, 30])
    one = ConvLSTMForecaster(horizon=4, device="cpu", **TINY).fit(panel).predict()
    model = ConvLSTMForecaster(horizon=4, device="cpu", **TINY).fit(panel)
    pd.testing.assert_frame_equal(one, model.predict())
    y = panel.loc[panel["series"] == "s1"].set_index("time")["value"].asfreq("MS")
    assert isinstance(model.fit(y).predict(), pd.Series)
    assert not model.fitted_on_panel


@pytest.mark.parametrize("init", ["scratch", "pretrained"])
def test_renaming_a_series_changes_no_forecast(init):
    # the series are sorted by name; the net must not train on that order
    panel = _panel([50, 70, 30])
    renamed = panel.assign(series=panel["series"].replace({"s0": "z9"}))
    params = {"horizon": 4, "device": "cpu", "init": init, **TINY}
    a = ConvLSTMForecaster(**params).fit(panel).predict()
    b = ConvLSTMForecaster(**params).fit(renamed).predict()
    b["series"] = b["series"].replace({"z9": "s0"})
    key = ["series", "time"]
    a = a.sort_values(key).reset_index(drop=True)
    b = b.sort_values(key).reset_index(drop=True)
    pd.testing.assert_frame_equal(a, b, check_like=True)


def test_content_order_depends_on_the_values_only():
    from convlstm.windows import content_order

    series = [np.arange(5.0), np.arange(3.0), np.arange(5.0) + 1, np.ones(3)]
    order = content_order(series)
    assert sorted(order) == [0, 1, 2, 3]
    shuffled = [series[i] for i in (2, 0, 3, 1)]
    laid = [shuffled[i] for i in content_order(shuffled)]
    expected = [series[i] for i in order]
    assert all(np.array_equal(x, y) for x, y in zip(laid, expected, strict=True))


def test_a_panel_too_short_to_train_says_how_long_a_series_must_be():
    # from scratch (init="auto" starts such a panel pretrained: test_pretrained)
    with pytest.raises(DataError, match="at least 12 points"):
        ConvLSTMForecaster(horizon=6, device="cpu", init="scratch", **TINY).fit(
            _panel([5, 7])
        )
    # a lookback set by hand that no series holds says so
    with pytest.raises(DataError, match="longest series has 7 points"):
        ConvLSTMForecaster(
            horizon=6, lookback=12, device="cpu", init="scratch", **TINY
        ).fit(_panel([5, 7]))


@pytest.mark.parametrize("cls", [ConvLSTMForecaster, LSTMForecaster])
def test_a_panel_model_saves_and_forecasts_every_series_again(cls):
    # s1 is shorter than the window (padded), s2 too short (left out, reported)
    model = cls(horizon=3, lookback=24, device="cpu", **TINY).fit(
        _panel([40, 9, 2, 50])
    )
    twin = load_model(model.to_bytes())
    assert twin.fitted_on_panel and twin.panel_names_ == model.panel_names_
    pd.testing.assert_frame_equal(twin.predict(), model.predict())
    assert twin.predict().attrs["failed"] == model.failed_ and "s2" in model.failed_


def test_a_damaged_panel_bundle_is_refused():
    import io
    import zipfile

    model = LSTMForecaster(horizon=3, device="cpu", **TINY).fit(_panel([40, 50]))
    source = zipfile.ZipFile(io.BytesIO(model.to_bytes()))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as out:
        for name in source.namelist():
            if name != PANEL_WINDOWS:
                out.writestr(name, source.read(name))
    with pytest.raises(DataError, match="panel"):
        load_model(buffer.getvalue())


def test_a_series_that_never_moves_is_forecast_flat_in_a_panel():
    panel = _panel([60, 48])
    zeros = panel[panel["series"] == panel["series"].iloc[0]].assign(
        series="zeros", value=0.0
    )
    sevens = zeros.assign(series="sevens", value=7.0)
    model = ConvLSTMForecaster(horizon=6, init="scratch", epochs=2, seed=0)
    pred = model.fit(pd.concat([panel, zeros, sevens])).predict()
    assert (pred.loc[pred["series"] == "zeros", "forecast"] == 0.0).all()
    assert not np.signbit(pred.loc[pred["series"] == "zeros", "forecast"]).any()
    assert (pred.loc[pred["series"] == "sevens", "forecast"] == 7.0).all()
