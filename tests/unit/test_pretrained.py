"""The pretrained ConvLSTM: shipped weights and their card, pretraining's
determinism, and ``init="pretrained"`` (zero-shot, fine-tuned, any horizon, short
series, clear errors for a missing season family or damaged weights)."""

import hashlib
import json
import shutil

import numpy as np
import pandas as pd
import pytest

from convlstm import ConvLSTMError, DataError, ParameterError, pretrained
from convlstm.data import season_length
from convlstm.models.neural import ConvLSTMForecaster, auto_choice
from convlstm.models.registry import make_model, model_spec


def _monthly(n, seed=0):
    t = np.arange(n)
    rng = np.random.default_rng(seed)
    values = 200 + 2 * t + 30 * np.sin(2 * np.pi * t / 12) + rng.normal(0, 3, n)
    return pd.Series(values, index=pd.date_range("2000-01-01", periods=n, freq="MS"))


def test_shipped_weights_load_on_cpu_and_match_their_card():
    card = pretrained.load_card()
    assert list(card["families"]) == list(pretrained.FAMILY_OF_SEASON.values())
    assert set(card["families"]) == {
        "yearly",
        "quarterly",
        "monthly",
        "daily",
        "hourly",
        "weekly",
        "halfhourly",
    }
    for family, entry in card["families"].items():
        data = (pretrained.WEIGHTS_DIR / entry["file"]).read_bytes()
        assert len(data) <= pretrained.MAX_WEIGHT_BYTES
        assert hashlib.sha256(data).hexdigest() == entry["sha256"]
        config, state = pretrained.load_family(family)
        assert config["season"] == pretrained.FAMILY_OF_SEASON_INVERSE[family]
        assert all(t.device.type == "cpu" for t in state.values())
    total = sum(p.stat().st_size for p in pretrained.WEIGHTS_DIR.iterdir())
    assert total <= pretrained.MAX_WEIGHT_BYTES


@pytest.mark.parametrize("fine_tune", [False, True])
def test_pretrained_forecasts_any_horizon_and_short_series(fine_tune):
    y = _monthly(80)
    base = {"init": "pretrained", "fine_tune": fine_tune, "device": "cpu"}
    for horizon in (5, 24, 30):  # below, at and beyond the trained heads (24)
        f = ConvLSTMForecaster(horizon=horizon, **base).fit(y).predict()
        assert len(f) == horizon and np.isfinite(f).all()
        assert f.index[0] == y.index[-1] + pd.DateOffset(months=1)
    short = ConvLSTMForecaster(horizon=6, **base).fit(y.iloc[:5]).predict()
    assert len(short) == 6 and np.isfinite(short).all()
    # a level the net never saw: forecasts are in the series' own units
    scaled = ConvLSTMForecaster(horizon=6, **base).fit(y * 1e6).predict()
    np.testing.assert_allclose(
        scaled.to_numpy(),
        1e6 * ConvLSTMForecaster(horizon=6, **base).fit(y).predict().to_numpy(),
        rtol=1e-3,
    )


def test_zero_shot_is_deterministic_and_the_first_steps_agree_across_horizons():
    y = _monthly(60, seed=3)
    m = ConvLSTMForecaster(horizon=30, init="pretrained", fine_tune=False, device="cpu")
    a = m.fit(y).predict()
    b = m.fit(y).predict()
    pd.testing.assert_series_equal(a, b)
    short = ConvLSTMForecaster(horizon=12, init="pretrained", fine_tune=False)
    np.testing.assert_allclose(short.fit(y).predict().to_numpy(), a.to_numpy()[:12])


def test_a_season_without_a_pretrained_family_trains_from_scratch_and_says_so():
    y = pd.Series(  # 4-hourly: a season of 6 steps (and a week of 42)
        np.arange(80.0) % 6, index=pd.date_range("2020-01-01", periods=80, freq="4h")
    )
    assert season_length(y.index) == 6 and 6 not in pretrained.FAMILY_OF_SEASON
    model = ConvLSTMForecaster(horizon=5, init="pretrained", epochs=2, device="cpu")
    f = model.fit(y).predict()
    assert len(f) == 5 and np.isfinite(f).all()
    assert "no pretrained network for a season of 6 steps" in model.init_note_
    assert "family_" not in model.__dict__
    scratch = ConvLSTMForecaster(horizon=5, epochs=2, device="cpu").fit(y).predict()
    pd.testing.assert_series_equal(f, scratch)
    with pytest.raises(ParameterError, match="init"):
        ConvLSTMForecaster(init="warm").fit(_monthly(60))


def _copy_weights(tmp_path, monkeypatch):
    target = tmp_path / "weights"
    shutil.copytree(pretrained.WEIGHTS_DIR, target)
    monkeypatch.setattr(pretrained, "WEIGHTS_DIR", target)
    return target


def test_corrupt_or_oversized_weights_are_a_clear_error(tmp_path, monkeypatch):
    target = _copy_weights(tmp_path, monkeypatch)
    card = json.loads((target / "card.json").read_text())
    path = target / card["families"]["monthly"]["file"]
    path.write_bytes(path.read_bytes()[:-10] + b"0123456789")
    with pytest.raises(ConvLSTMError, match="do not match their model card"):
        ConvLSTMForecaster(init="pretrained").fit(_monthly(40))
    monkeypatch.setattr(pretrained, "MAX_WEIGHT_BYTES", 100)
    with pytest.raises(ConvLSTMError, match="larger than"):
        ConvLSTMForecaster(init="pretrained").fit(_monthly(40))
    (target / "card.json").unlink()
    with pytest.raises(ConvLSTMError, match="make pretrain"):
        ConvLSTMForecaster(init="pretrained").fit(_monthly(40))


def test_a_fine_tuned_model_saves_and_loads_with_the_same_forecast():
    y = _monthly(90)
    model = ConvLSTMForecaster(horizon=30, init="pretrained", device="cpu").fit(y)
    again = ConvLSTMForecaster.from_bytes(model.to_bytes())
    pd.testing.assert_series_equal(again.predict(), model.predict())


def test_the_pretrained_net_works_on_the_log_only_when_asked_for():
    t = np.arange(96)
    # multiplicative: the season's swing grows with the level (as air passengers)
    y = pd.Series(
        np.exp(4 + 0.02 * t + 0.2 * np.sin(2 * np.pi * t / 12)),
        index=pd.date_range("2000-01-01", periods=96, freq="MS"),
    )
    base = {"horizon": 12, "init": "pretrained", "device": "cpu"}
    assert ConvLSTMForecaster(**base).fit(y).transform_ == "none"  # "auto"
    logged = ConvLSTMForecaster(transform="log", **base).fit(y)
    assert logged.transform_ == "log"
    f = logged.predict()
    assert np.isfinite(f).all() and (f > 0).all()
    again = ConvLSTMForecaster.from_bytes(logged.to_bytes())
    pd.testing.assert_series_equal(again.predict(), f)
    with pytest.raises(DataError, match="strictly positive"):
        ConvLSTMForecaster(transform="log", **base).fit(y - y.mean())


@pytest.mark.parametrize("freq, n", [("4h", 10), ("10min", 20), ("15min", 30)])
def test_a_short_series_without_a_family_gets_the_non_seasonal_network(freq, n):
    # too short to train from scratch: the yearly (non-seasonal) net forecasts it
    index = pd.date_range("2020-01-01", periods=n, freq=freq)
    # seasons of 6, 144 and 96 steps: no network of their own
    assert season_length(index) not in pretrained.FAMILY_OF_SEASON
    y = pd.Series(50 + np.arange(float(n)), index=index)
    with pytest.raises(DataError, match="needs at least"):
        ConvLSTMForecaster(horizon=5, init="scratch", device="cpu").fit(y)
    model = ConvLSTMForecaster(horizon=5, init="pretrained", device="cpu").fit(y)
    auto = ConvLSTMForecaster(horizon=5, device="cpu").fit(y)  # the default start
    assert auto.start_ == "pretrained" and auto.family_ == "yearly"
    pd.testing.assert_series_equal(auto.predict(), model.predict())
    f = model.predict()
    assert len(f) == 5 and np.isfinite(f).all() and f.index[0] > y.index[-1]
    assert model.family_ == "yearly"
    assert "too few to train one from scratch" in model.init_note_
    entry = make_model("ConvLSTM (pretrained)", horizon=5, device="cpu")
    pd.testing.assert_series_equal(entry.fit(y).predict(), f)


@pytest.mark.parametrize(
    "freq, n, family, short",
    [
        ("D", 10, "daily", True),
        ("h", 30, "hourly", True),
        ("W-SUN", 20, "weekly", True),
        ("30min", 60, "halfhourly", True),
        ("D", 60, "daily", False),
        ("30min", 200, "halfhourly", False),
    ],
)
def test_a_series_with_a_season_of_its_own_network_starts_from_it(
    freq, n, family, short
):
    index = pd.date_range("2020-01-05", periods=n, freq=freq)
    season = season_length(index)
    t = np.arange(n)
    y = pd.Series(100 + t + 10 * np.sin(2 * np.pi * t / season), index=index)
    model = ConvLSTMForecaster(horizon=5, init="pretrained", device="cpu").fit(y)
    # the only note: that the season was divided out (quarterly and monthly)
    adjusted = model.__dict__.get("season_adjust_") is not None
    assert model.family_ == family and (model.init_note_ is None) != adjusted
    assert adjusted == (family in ("quarterly", "monthly"))
    assert model.season_length_ == season
    f = model.predict()
    assert len(f) == 5 and np.isfinite(f).all() and f.index[0] > y.index[-1]
    again = ConvLSTMForecaster.from_bytes(model.to_bytes())
    pd.testing.assert_series_equal(again.predict(), f)
    auto = ConvLSTMForecaster(horizon=5, device="cpu", **AUTO_SMALL).fit(y)
    if short:  # too short to train from scratch: the season's own network
        assert auto.start_ == "pretrained" and auto.family_ == family
    else:  # long enough: both starts are checked
        assert set(auto.start_errors_) == {"scratch", "pretrained"}


def test_the_half_hourly_network_has_its_settings():
    # heads of two days (96 half-hours); the window the panel rule picked for its
    # corpus: 4 days (it cannot see the weekly cycle of 336)
    config, _ = pretrained.load_family("halfhourly")
    assert pretrained.family_for(48) == "halfhourly"
    assert (config["season"], config["freq"], config["width"]) == (48, "30min", 48)
    assert (config["horizon"], config["lookback"]) == (96, 192)
    assert set(config["corpus"]["sizes"]) == {
        f"synthetic:{kind}"
        for kind in ("kernel", "seasonal", "walk", "shift", "intermittent")
    }
    # business days (5) were tried and not shipped: still no network of their own
    assert 5 not in pretrained.FAMILY_OF_SEASON
    # a longer half-hourly forecast than the heads: block by block
    index = pd.date_range("2020-01-06", periods=400, freq="30min")
    t = np.arange(400)
    y = pd.Series(100 + 10 * np.sin(2 * np.pi * t / 48), index=index)
    model = ConvLSTMForecaster(horizon=150, init="pretrained", fine_tune=False)
    f = model.fit(y).predict()
    assert len(f) == 150 and np.isfinite(f).all() and model.family_ == "halfhourly"


AUTO_SMALL = {"epochs": 2, "hidden_size": 4, "num_layers": 1}


def test_a_short_series_and_a_panel_model_save_with_their_padded_windows():
    short = ConvLSTMForecaster(horizon=5, init="pretrained", fine_tune=False)
    short.fit(_monthly(10))
    assert np.isnan(short.last_window_).any()
    again = ConvLSTMForecaster.from_bytes(short.to_bytes())
    pd.testing.assert_series_equal(again.predict(), short.predict())
    frames = [
        pd.DataFrame({"series": name, "time": y.index, "value": y.to_numpy()})
        for name, y in (("a", _monthly(60)), ("b", _monthly(8)))
    ]
    panel = ConvLSTMForecaster(horizon=5, init="pretrained", fine_tune=False).fit(
        pd.concat(frames, ignore_index=True)
    )
    twin = ConvLSTMForecaster.from_bytes(panel.to_bytes())
    pd.testing.assert_frame_equal(twin.predict(), panel.predict())


def tiny_corpus(family, *, synthetic=None, seed=0, holdout=False):
    """A stand-in for ``build_corpus``: six quarterly random walks of 40 points
    (other walks for another seed)."""
    rng = np.random.default_rng(seed)
    frames = [
        pd.DataFrame(
            {
                "series": f"s{i}",
                "time": pd.date_range("1990-01-01", periods=40, freq="QS"),
                "value": 100 + rng.normal(0, 1, 40).cumsum(),
            }
        )
        for i in range(6)
    ]
    panel = pd.concat(frames, ignore_index=True)
    panel.attrs = {"freq": "QS", "sizes": {"tiny": 6}, "points": 240}
    panel.attrs["dropped"] = ["M1:QNC18"]  # a training part left out as a copy
    return panel


def test_pretraining_is_deterministic(tmp_path, monkeypatch):
    from convlstm.pretrain import build, corpus

    tiny = tiny_corpus
    monkeypatch.setattr(corpus, "build_corpus", tiny)
    a = build.pretrain_family("quarterly", tmp_path, seed=1, members=1, device="cpu")
    b = build.pretrain_family("quarterly", tmp_path, seed=1, members=1, device="cpu")
    assert a["sha256"] == b["sha256"]
    assert a["corpus"]["series"] == 6 and a["horizon"] == 8
    assert a["corpus"]["dropped"] == ["M1:QNC18"]  # the card says what was left out


def test_pretraining_trains_from_scratch_without_the_shipped_network(
    tmp_path, monkeypatch
):
    # the default init="auto" would also fine-tune the shipped network on the
    # corpus (a panel's partner): time spent on a net the build never writes
    from convlstm.models import neural
    from convlstm.pretrain import build, corpus

    def refuse(self, *args, **kwargs):
        raise AssertionError("pretraining read the shipped network")

    monkeypatch.setattr(corpus, "build_corpus", tiny_corpus)
    monkeypatch.setattr(neural.ConvLSTMForecaster, "_load_pretrained", refuse)
    entry = build.pretrain_family("quarterly", tmp_path, members=1, device="cpu")
    assert entry["members"] == 1 and (tmp_path / entry["file"]).exists()


def test_pretraining_on_the_corpus_without_its_season(tmp_path, monkeypatch):
    from convlstm.pretrain import build, corpus

    def seasonal(family, *, synthetic=None, seed=0, holdout=False):
        panel = tiny_corpus(family, seed=seed)
        phase = np.tile(np.array([1.2, 0.9, 0.8, 1.1]), len(panel) // 4)
        return panel.assign(value=panel["value"] * phase)

    monkeypatch.setattr(corpus, "build_corpus", seasonal)
    plain = build.pretrain_family("quarterly", tmp_path, members=1, device="cpu")
    adjusted = build.pretrain_family(
        "quarterly", tmp_path, members=1, device="cpu", season_adjusted=True
    )
    assert plain["corpus"]["season_adjusted"] is None
    assert adjusted["corpus"]["season_adjusted"] == 6  # every series had a season
    assert adjusted["sha256"] != plain["sha256"]


def test_rebuilding_some_families_keeps_the_others_in_the_card(tmp_path, monkeypatch):
    from convlstm.pretrain import build

    def fake(family, out_dir, **kwargs):
        entry = {"file": f"{family}.safetensors", "season": 1, "horizon": 8}
        entry |= {"lookback": 8, "parameters": 10, "bytes": 10}
        entry["corpus"] = {"series": 5, "points": 50, "sizes": {"synthetic:walk": 5}}
        entry["training"] = {"epochs": 1, "best_epoch": 1, "train_seconds": 0.1}
        return entry

    monkeypatch.setattr(build, "pretrain_family", fake)
    build.main(["--families", "weekly,monthly", "--out", str(tmp_path)])
    first = json.loads((tmp_path / "card.json").read_text())
    assert list(first["families"]) == ["monthly", "weekly"]  # the families' order
    # a note on how the kept families were built stays with them
    first["note"] = "Monthly and weekly: built by hand."
    (tmp_path / "card.json").write_text(json.dumps(first))
    build.main(["--families", "daily", "--out", str(tmp_path)])
    card = json.loads((tmp_path / "card.json").read_text())
    assert list(card["families"]) == ["monthly", "daily", "weekly"]
    assert card["note"] == "Monthly and weekly: built by hand."
    assert "Monthly and weekly: built by hand." in (tmp_path / "CARD.md").read_text()
    # families without competition series are named as synthetic only
    assert (
        "the monthly, daily and weekly families, which M1 and M3 do not hold"
        in (tmp_path / "CARD.md").read_text()
    )
    assert "weekly,monthly --out" in card["families"]["monthly"]["built"]["command"]
    assert "--families daily --out" in card["families"]["daily"]["built"]["command"]
    assert card["command"].endswith("--families daily --out " + str(tmp_path))
    text = (tmp_path / "CARD.md").read_text()
    assert "Builds:" in text and "- monthly, weekly: `" in text
    # a holdout build never mixes with the shipped ones
    build.main(["--families", "daily", "--holdout", "--out", str(tmp_path)])
    held = json.loads((tmp_path / "card.json").read_text())
    assert list(held["families"]) == ["daily"] and held["holdout"] is True
    assert "note" not in held


def _panel(series, freq="MS"):
    frame = pd.concat(
        [
            pd.DataFrame({"series": k, "time": y.index, "value": y.to_numpy()})
            for k, y in series.items()
        ],
        ignore_index=True,
    )
    frame.attrs["freq"] = freq
    return frame


def test_a_panel_is_forecast_zero_shot_in_one_pass_as_each_series_alone():
    parts = {"a": _monthly(80), "b": _monthly(30, seed=1) * 50, "c": _monthly(2)}
    model = ConvLSTMForecaster(
        horizon=30, init="pretrained", fine_tune=False, device="cpu"
    ).fit(_panel(parts))
    assert model.fitted_on_panel and model.family_ == "monthly"
    assert list(model.failed_) == ["c"] and "3 points" in model.failed_["c"]
    assert model.history_ == [] and model.best_epoch_ == 0
    f = model.predict()
    assert f["series"].tolist() == ["a"] * 30 + ["b"] * 30
    for name in ("a", "b"):
        alone = ConvLSTMForecaster(
            horizon=30, init="pretrained", fine_tune=False, device="cpu"
        ).fit(parts[name])
        got = f[f["series"] == name]
        np.testing.assert_allclose(
            got["forecast"].to_numpy(), alone.predict().to_numpy(), rtol=1e-4
        )
        assert (got["time"].to_numpy() == alone.predict().index.to_numpy()).all()


def test_a_panel_fine_tunes_one_net_and_a_season_without_a_family_trains_its_own():
    parts = {"a": _monthly(80), "b": _monthly(60, seed=1)}
    model = ConvLSTMForecaster(horizon=6, init="pretrained", epochs=2, device="cpu")
    model.fit(_panel(parts))
    assert model.family_ == "monthly" and model.init_note_ is None
    assert 1 <= len(model.history_) <= 2
    assert model.start_loss_ is not None and np.isfinite(model.start_loss_)
    assert len(model.predict()) == 12
    four_hourly = {  # a season of 6 steps: no network of its own
        k: pd.Series(
            y.to_numpy(), index=pd.date_range("2020-01-06", periods=len(y), freq="4h")
        )
        for k, y in parts.items()
    }
    model = ConvLSTMForecaster(
        horizon=4, init="pretrained", epochs=2, hidden_size=4, device="cpu"
    ).fit(_panel(four_hourly, "4h"))
    assert "season of 6 steps" in model.init_note_
    assert "family_" not in model.__dict__
    assert len(model.predict()) == 8


def test_auto_on_a_panel_too_short_to_train_starts_pretrained():
    # no series can give a scratch net a window: "auto" starts from the
    # pretrained net (one net, bundled like any panel fit) and says why
    parts = {"a": _monthly(6), "b": _monthly(5, seed=1) * 10}
    model = ConvLSTMForecaster(horizon=6, epochs=2, device="cpu").fit(_panel(parts))
    assert model.fitted_on_panel and model.family_ == "monthly"
    assert model.init_note_.startswith("started from the pretrained network")
    assert "long enough to train one from scratch (that needs" in model.init_note_
    f = model.predict()
    assert f["series"].tolist() == ["a"] * 6 + ["b"] * 6
    assert np.isfinite(f["forecast"]).all()
    # "scratch" still says the panel is too short
    with pytest.raises(DataError, match="no series of the panel is long enough"):
        ConvLSTMForecaster(horizon=6, init="scratch", device="cpu").fit(_panel(parts))


def test_auto_on_a_panel_forecasts_the_mean_of_both_starts():
    import io
    import zipfile

    from convlstm.models.persistence import PARTNER, load_model

    panel = _panel({"a": _monthly(80), "b": _monthly(60, seed=1) * 3, "c": _monthly(5)})
    settings = {"horizon": 6, "epochs": 2, "hidden_size": 4, "device": "cpu"}
    events = []
    model = ConvLSTMForecaster(**settings).fit(
        panel, callback=lambda epoch, epochs, *rest: events.append((epoch, epochs))
    )
    assert model.start_ == "both" and model.init_note_.startswith(
        "forecasts the mean of the network trained on the panel from scratch"
    )
    assert "family_" not in model.__dict__ and model.partner_.family_ == "monthly"
    scratch = ConvLSTMForecaster(init="scratch", **settings).fit(panel).predict()
    pretrained = ConvLSTMForecaster(init="pretrained", **settings).fit(panel).predict()
    f = model.predict()
    assert f["series"].tolist() == ["a"] * 6 + ["b"] * 6 + ["c"] * 6
    assert (f["time"].to_numpy() == scratch["time"].to_numpy()).all()
    np.testing.assert_allclose(
        f["forecast"], (scratch["forecast"] + pretrained["forecast"]) / 2
    )
    # a series only one net forecast keeps that net's forecast
    sub = panel[panel["series"] != "c"]
    sub.attrs = dict(panel.attrs)
    odd = ConvLSTMForecaster(**settings).fit(panel)
    odd.partner_ = ConvLSTMForecaster(init="pretrained", **settings).fit(sub)
    theirs = odd.partner_.predict()["forecast"].to_numpy()
    g = odd.predict()
    assert g["series"].tolist() == f["series"].tolist()
    mean = (scratch["forecast"].to_numpy()[:12] + theirs) / 2
    np.testing.assert_allclose(g["forecast"][:12], mean)
    np.testing.assert_allclose(g["forecast"][12:], scratch["forecast"][12:])
    # two fits on one progress scale, in order
    assert {epochs for _, epochs in events} == {2 * settings["epochs"]}
    assert [e for e, _ in events] == sorted(e for e, _ in events)
    # the bundle holds both; a partner of other data is refused
    bundle = model.to_bytes()
    pd.testing.assert_frame_equal(load_model(bundle).predict(), f)
    other = ConvLSTMForecaster(init="pretrained", **settings)
    other.fit(_panel({"a": _monthly(79), "b": _monthly(60, seed=1)}))
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(bundle)) as src, zipfile.ZipFile(out, "w") as zf:
        for item in src.infolist():
            if item.filename != PARTNER:
                zf.writestr(item, src.read(item.filename))
        zf.writestr(PARTNER, other.to_bytes())
    with pytest.raises(DataError, match="not a fit of the same series"):
        load_model(out.getvalue())
    # a season without a pretrained network: the panel's own net alone
    four_hourly = _panel(
        {
            k: pd.Series(
                _monthly(60, seed=i).to_numpy(),
                index=pd.date_range("2020-01-06", periods=60, freq="4h"),
            )
            for i, k in enumerate("ab")
        },
        "4h",
    )
    events.clear()
    alone = ConvLSTMForecaster(**{**settings, "horizon": 4}).fit(
        four_hourly, callback=lambda epoch, epochs, *rest: events.append(epochs)
    )
    assert alone.start_ == "scratch" and "partner_" not in alone.__dict__
    assert max(events) <= settings["epochs"]  # one fit: its own progress scale


def test_fine_tuning_records_its_loss_and_says_what_was_kept():
    from types import SimpleNamespace

    from convlstm import explain

    model = ConvLSTMForecaster(horizon=6, init="pretrained", device="cpu")
    model.fit(_monthly(80))
    assert model.history_ and {"epoch", "train_loss", "val_loss"} <= set(
        model.history_[0]
    )
    assert np.isfinite(model.start_loss_)
    assert 0 <= model.best_epoch_ <= len(model.history_)
    history = [
        {"epoch": 1, "train_loss": 1.0, "val_loss": 0.8},
        {"epoch": 2, "train_loss": 0.9, "val_loss": 0.7},
    ]
    kept = SimpleNamespace(
        fine_tune=True, history_=history, best_epoch_=2, start_loss_=0.75
    )
    text = explain.fine_tune_text(kept)
    assert "2 epochs" in text and "epoch 2 were kept" in text and "0.75" in text
    start = SimpleNamespace(
        fine_tune=True, history_=history, best_epoch_=0, start_loss_=0.5
    )
    assert "pretrained weights were kept" in explain.fine_tune_text(start)
    assert "0.5" in explain.fine_tune_text(start)
    short = SimpleNamespace(fine_tune=True, history_=[], best_epoch_=0)
    assert "nothing to train on" in explain.fine_tune_text(short)
    zero = SimpleNamespace(fine_tune=False, history_=[], best_epoch_=0)
    assert explain.fine_tune_text(zero).startswith("Zero-shot")


def test_the_pretrained_registry_entry_starts_pretrained_and_joins_an_ensemble():
    from convlstm.models.ensemble import EnsembleForecaster
    from convlstm.models.registry import make_model, min_train_length

    model = make_model("convlstm-pretrained", horizon=6, device="cpu")
    assert model.get_params()["init"] == "pretrained"
    assert model.get_params()["fine_tune"] is True
    zero = make_model("ConvLSTM (pretrained)", horizon=6, fine_tune=False)
    assert zero.get_params()["fine_tune"] is False  # the caller's settings win
    assert make_model("ConvLSTM", horizon=6).get_params()["init"] == "auto"
    spec = model_spec("ConvLSTM (pretrained)")
    assert not spec.default and spec.kind == "neural"
    assert min_train_length(["ConvLSTM (pretrained)"], 12, 6) == 3
    # a season without a family: scratch when long enough, else the yearly net
    assert min_train_length(["ConvLSTM (pretrained)"], 6, 6) == 3
    assert min_train_length(["ConvLSTM (pretrained)"], 7, 6) == 3  # daily
    y = _monthly(60, seed=2)
    ensemble = EnsembleForecaster(
        horizon=6,
        members=("ConvLSTM (pretrained)", "Seasonal naive"),
        member_params={"device": "cpu", "ConvLSTM (pretrained)": {"fine_tune": False}},
    ).fit(y)
    alone = ConvLSTMForecaster(
        horizon=6, init="pretrained", fine_tune=False, device="cpu"
    ).fit(y)
    np.testing.assert_allclose(
        ensemble.forecasts_["ConvLSTM (pretrained)"].to_numpy(),
        alone.predict().to_numpy(),
    )


AUTO = {"horizon": 6, "epochs": 3, "hidden_size": 4, "num_layers": 1, "device": "cpu"}


def _quarterly(n, seed=0):
    y = _monthly(n, seed)
    return pd.Series(
        y.to_numpy(), index=pd.date_range("2000-01-01", periods=n, freq="QS")
    )


def _yearly(n, seed=0):
    y = _monthly(n, seed)
    return pd.Series(
        y.to_numpy(), index=pd.date_range("1900-01-01", periods=n, freq="YS")
    )


def test_auto_start_keeps_the_start_that_forecast_the_end_better():
    # monthly and quarterly series keep both (tests below)
    y = _yearly(120, seed=5)
    model = ConvLSTMForecaster(init="auto", **AUTO).fit(y)
    assert model.start_ in ("scratch", "pretrained")
    errors = model.start_errors_
    assert set(errors) == {"scratch", "pretrained"}
    assert all(np.isfinite(v) and v >= 0 for v in errors.values())
    assert model.start_ == auto_choice(errors, 1)
    assert f"started from {'scratch' if model.start_ == 'scratch' else 'the pre'}" in (
        model.init_note_
    )
    # the kept fit is the chosen start's own fit on the whole series
    alone = ConvLSTMForecaster(init=model.start_, **AUTO).fit(y)
    pd.testing.assert_series_equal(model.predict(), alone.predict())
    # forecast_after: the fitted net from any origin; at the end, predict's forecast
    np.testing.assert_allclose(
        model.forecast_after(y.to_numpy()), model.predict().to_numpy()
    )
    again = ConvLSTMForecaster.from_bytes(model.to_bytes())
    assert again.start_ == model.start_ and again.start_errors_ == errors
    pd.testing.assert_series_equal(again.predict(), model.predict())


def test_auto_choice_asks_scratch_to_check_clearly_better_without_a_season():
    from convlstm.models.neural import AUTO_SCRATCH_MARGIN

    assert AUTO_SCRATCH_MARGIN == 1.5
    close = {"scratch": 1.0, "pretrained": 1.4}
    assert auto_choice(close, 1) == "pretrained"  # yearly: 1.4 times is not enough
    assert auto_choice(close, 7) == "scratch"  # a daily season: the lower error
    assert auto_choice({"scratch": 1.0, "pretrained": 1.5}, 1) == "scratch"
    assert auto_choice({"scratch": 2.0, "pretrained": 1.0}, 1) == "pretrained"
    assert auto_choice({"scratch": 1.0, "pretrained": 1.0}, 7) == "scratch"  # a tie
    assert auto_choice({"pretrained": 3.0}, 1) == "pretrained"  # one start checked


def test_auto_on_a_yearly_series_keeps_scratch_only_by_the_margin(monkeypatch):
    from convlstm.models import neural

    y = _yearly(120, seed=5)
    first = ConvLSTMForecaster(init="auto", **AUTO).fit(y)
    errors = first.start_errors_
    ratio = errors["pretrained"] / errors["scratch"]
    assert first.start_ == "scratch" and ratio > neural.AUTO_SCRATCH_MARGIN
    # a margin above the ratio the check found: the pretrained start, and why
    monkeypatch.setattr(neural, "AUTO_SCRATCH_MARGIN", ratio * 1.01)
    model = ConvLSTMForecaster(init="auto", **AUTO).fit(y)
    assert model.start_ == "pretrained" and model.start_errors_ == errors
    assert model.init_note_.startswith(
        "started from the pretrained network: fitted on all but the last 18 "
        "points, scratch forecast those as well or better, but not by the"
    )
    assert "a series without a season needs" in model.init_note_
    alone = ConvLSTMForecaster(init="pretrained", **AUTO).fit(y)
    pd.testing.assert_series_equal(model.predict(), alone.predict())


@pytest.mark.parametrize(
    ("errors", "start"),
    [
        ({"scratch": 110.0, "pretrained": 33.0}, "pretrained"),
        ({"scratch": 60.0, "pretrained": 33.0}, "both"),
    ],
    ids=["3x-worse", "within-2x"],
)
def test_auto_keeps_one_start_when_the_other_checked_far_worse(
    monkeypatch, errors, start
):
    # a levelled-off growth curve: the scratch net, 3x worse in the check, ran
    # 35% above the plateau and the mean carried half of that
    def check(self, y, callback, stages):
        return "pretrained", dict(errors), "started from the pretrained network"

    monkeypatch.setattr(ConvLSTMForecaster, "_choose_init", check)
    model = ConvLSTMForecaster(init="auto", **AUTO).fit(_monthly(120, seed=5))
    assert model.start_ == start and model.start_errors_ == errors
    if start == "pretrained":
        assert "partner_" not in model.__dict__
        assert model.init_note_.startswith("started from the pretrained network; not")
        assert "one checked over 2 times worse than the other" in model.init_note_


def test_auto_on_a_monthly_series_forecasts_the_mean_of_both_starts():
    y = _monthly(120, seed=5)
    events = []
    model = ConvLSTMForecaster(init="auto", **AUTO).fit(
        y, callback=lambda epoch, epochs, *rest: events.append((epoch, epochs))
    )
    assert model.start_ == "both" and set(model.start_errors_) == {
        "scratch",
        "pretrained",
    }
    assert model.init_note_.startswith("forecasts the mean of the network trained")
    assert model.partner_.start_ == "pretrained" and "family_" not in model.__dict__
    scratch = ConvLSTMForecaster(init="scratch", **AUTO).fit(y).predict()
    pretrained = ConvLSTMForecaster(init="pretrained", **AUTO).fit(y).predict()
    pd.testing.assert_series_equal(model.predict(), (scratch + pretrained) / 2)
    np.testing.assert_allclose(
        model.forecast_after(y.to_numpy()), model.predict().to_numpy()
    )
    # four fits in a row on one progress scale: two checks, then both kept fits
    assert {epochs for _, epochs in events} == {4 * AUTO["epochs"]}
    assert [e for e, _ in events] == sorted(e for e, _ in events)
    # the bundle holds both fits; a refit on one series drops the partner
    again = ConvLSTMForecaster.from_bytes(model.to_bytes())
    assert again.start_ == "both"
    pd.testing.assert_series_equal(again.predict(), model.predict())
    model.set_params(init="scratch").fit(y)
    assert "partner_" not in model.__dict__
    pd.testing.assert_series_equal(model.predict(), scratch)


def test_inverse_square_weight():
    from convlstm.models.neural import inverse_square_weight

    assert inverse_square_weight({"scratch": 1.0, "pretrained": 2.0}) == 0.8
    assert inverse_square_weight({"scratch": 3.0, "pretrained": 1.0}) == 0.1
    assert inverse_square_weight({"scratch": 2.0, "pretrained": 2.0}) == 0.5
    assert inverse_square_weight({"scratch": 0.0, "pretrained": 2.0}) == 1.0
    assert inverse_square_weight({"scratch": 0.0, "pretrained": 0.0}) == 0.5


def test_auto_on_a_quarterly_series_weights_both_starts_by_their_checks():
    from convlstm.models.neural import inverse_square_weight

    y = _quarterly(120, seed=5)
    model = ConvLSTMForecaster(init="auto", **AUTO).fit(y)
    errors = model.start_errors_
    assert model.start_ == "both" and set(errors) == {"scratch", "pretrained"}
    w = model.blend()
    assert w == model.blend_ == inverse_square_weight(errors) and 0 < w < 1
    assert model.init_note_.startswith("forecasts the network trained from scratch")
    assert f"{round(100 * w)}% from scratch" in model.init_note_
    scratch = ConvLSTMForecaster(init="scratch", **AUTO).fit(y).predict()
    pretrained = ConvLSTMForecaster(init="pretrained", **AUTO).fit(y).predict()
    pd.testing.assert_series_equal(model.predict(), w * scratch + (1 - w) * pretrained)
    np.testing.assert_allclose(
        model.forecast_after(y.to_numpy()), model.predict().to_numpy()
    )
    # the bundle keeps the weight; a damaged one is refused
    again = ConvLSTMForecaster.from_bytes(model.to_bytes())
    assert again.blend() == w
    pd.testing.assert_series_equal(again.predict(), model.predict())
    for bad in (1.5, -0.1, "half", True):
        model.blend_ = bad
        with pytest.raises(DataError, match="weight of its two starts is damaged"):
            ConvLSTMForecaster.from_bytes(model.to_bytes())
    # a weight far from the mean says so where the networks are described
    from convlstm import narrative, record

    model.blend_ = w
    used = record.networks_used({"ConvLSTM": model})["ConvLSTM"]
    assert used["blend"] == w
    words = narrative.network_words({**used, "blend": 0.8}, {})
    assert words.startswith("a weighted mean (80% and 20%, by their checks) of a ")
    assert narrative.network_words({**used, "blend": 0.5}, {}).startswith("the mean")
    # a refit on one start drops the weight with the partner
    model.set_params(init="scratch").fit(y)
    assert "blend_" not in model.__dict__ and model.blend() == 0.5


def test_a_bundle_whose_partner_is_damaged_or_nested_is_refused():
    import io
    import zipfile

    from convlstm.models.persistence import PARTNER, load_model

    y = _monthly(120, seed=5)
    model = ConvLSTMForecaster(init="auto", **AUTO).fit(y)
    bundle = model.to_bytes()

    def with_partner(data: bytes) -> bytes:
        out = io.BytesIO()
        with (
            zipfile.ZipFile(io.BytesIO(bundle)) as src,
            zipfile.ZipFile(out, "w") as zf,
        ):
            for item in src.infolist():
                if item.filename != PARTNER:
                    zf.writestr(item, src.read(item.filename))
            zf.writestr(PARTNER, data)
        return out.getvalue()

    with pytest.raises(DataError, match="partner.zip holds a partner of its own"):
        load_model(with_partner(bundle))
    with pytest.raises(DataError, match="partner.zip: not a saved convlstm model"):
        load_model(with_partner(b"not a zip"))
    other = ConvLSTMForecaster(init="scratch", **AUTO).fit(y.iloc[:-1]).to_bytes()
    with pytest.raises(DataError, match="not a fit of the same series"):
        load_model(with_partner(other))


def test_auto_start_on_a_short_series_or_a_season_without_a_family():
    short = ConvLSTMForecaster(init="auto", **AUTO).fit(_monthly(15))
    assert short.start_ == "pretrained" and short.start_errors_ is None
    assert "too few to train from scratch" in short.init_note_
    assert np.isfinite(short.predict()).all()
    four_hourly = pd.Series(  # a season of 6 steps: no network of its own
        np.arange(80.0) % 6, index=pd.date_range("2020-01-01", periods=80, freq="4h")
    )
    model = ConvLSTMForecaster(init="auto", **{**AUTO, "horizon": 5}).fit(four_hourly)
    assert model.start_ == "scratch"
    assert "no pretrained network for a season of 6 steps" in model.init_note_
    # a panel trains its own network and fine-tunes the pretrained one (the
    # mean of both: test_auto_on_a_panel_forecasts_the_mean_of_both_starts)
    panel = pd.concat(
        {k: _monthly(60, seed=k) for k in range(3)}, names=["series", "time"]
    )
    fitted = ConvLSTMForecaster(init="auto", **AUTO).fit(
        panel.rename("value").reset_index()
    )
    assert fitted.start_ == "both" and "family_" not in fitted.__dict__


def test_auto_trains_from_scratch_when_its_window_holds_a_cycle_the_network_cannot():
    # four weeks of hours: a scratch fit's window holds the week (168 steps); the
    # hourly network's window (96 steps) cannot, so no check is run
    n = 24 * 28
    t = np.arange(n)
    index = pd.date_range("2020-01-06", periods=n, freq="h")
    y = pd.Series(
        100 + 10 * np.sin(2 * np.pi * t / 24) + 5 * np.sin(2 * np.pi * t / 168),
        index=index,
    )
    model = ConvLSTMForecaster(horizon=24, device="cpu", **AUTO_SMALL).fit(y)
    assert model.start_ == "scratch" and model.start_errors_ is None
    assert "168-step cycle" in model.init_note_
    assert "window of 96 steps" in model.init_note_
    assert model.lookback_ >= 168 and model.anchor_period_ == 168
    scratch = ConvLSTMForecaster(horizon=24, device="cpu", init="scratch", **AUTO_SMALL)
    pd.testing.assert_series_equal(model.predict(), scratch.fit(y).predict())
    # a week of hours: the window cannot hold the week either, so both are checked
    week = ConvLSTMForecaster(horizon=24, device="cpu", **AUTO_SMALL).fit(y.iloc[-336:])
    assert set(week.start_errors_) == {"scratch", "pretrained"}


def test_the_pretrained_models_description_names_every_pretrained_season():
    from convlstm.models.registry import model_spec
    from convlstm.pretrained import FAMILY_OF_SEASON

    text = model_spec("ConvLSTM (pretrained)").description
    listed = text.split("a season other than ")[1].split(" steps")[0]
    numbers = {int(n) for n in listed.replace(" or ", ", ").split(", ")}
    assert numbers == set(FAMILY_OF_SEASON)


def test_the_backtest_records_how_each_fold_started_and_says_when_it_differs():
    from convlstm import narrative
    from convlstm.backtest import backtest

    idx = pd.date_range("2019-01-01", periods=48, freq="MS")
    y = pd.Series(
        100 + 10 * np.sin(np.arange(48) * 2 * np.pi / 12) + np.arange(48), idx
    )
    model = ConvLSTMForecaster(horizon=12, epochs=3, seed=0)
    # the fold trains on 36 points, too few to train from scratch
    result = backtest({"ConvLSTM": model}, y, 12, 1)
    assert result.fold_starts == {"ConvLSTM": ["pretrained"]}
    assert "_start" not in result.per_fold.columns
    text = narrative.fold_start_text("ConvLSTM", "both", ["pretrained"])
    assert "started from the pretrained network" in text
    assert "started from both (their mean, or weighted by their checks)" in text
    assert narrative.fold_start_text("ConvLSTM", "scratch", ["scratch"]) is None
    mixed = narrative.fold_start_text("ConvLSTM", "both", ["pretrained", "both"])
    assert "(1 of 2 folds)" in mixed


def test_a_bundle_that_kept_both_starts_without_its_partner_is_refused():
    import io
    import zipfile

    from convlstm import datasets, load_model
    from convlstm.errors import DataError

    model = ConvLSTMForecaster(horizon=4, epochs=2, seed=0).fit(
        datasets.load("air_passengers")
    )
    assert model.start_ == "both"
    data = model.to_bytes()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w") as zout:
        for name in zin.namelist():
            if name != "partner.zip":
                zout.writestr(name, zin.read(name))
    with pytest.raises(DataError, match="holds no partner.zip"):
        load_model(out.getvalue())
    np.testing.assert_array_equal(load_model(data).predict(), model.predict())


def test_a_horizon_far_past_the_heads_is_refused_not_rolled_out_for_ever():
    # 8 blocks of the monthly network's 24 heads at most: 192 steps; further its
    # forecasts would rest on little but its own output
    y = _monthly(80)
    base = {"init": "pretrained", "fine_tune": False, "device": "cpu"}
    f = ConvLSTMForecaster(horizon=192, **base).fit(y).predict()
    assert len(f) == 192 and np.isfinite(f).all()
    with pytest.raises(DataError, match="193 steps ahead is over 8 times the 24"):
        ConvLSTMForecaster(horizon=193, **base).fit(y)
    # too short to train from scratch as well: the message says both ways out
    quarter_hours = pd.Series(
        20 + np.sin(np.arange(300) * 2 * np.pi / 96),
        index=pd.date_range("2024-01-01", periods=300, freq="15min"),
    )
    with pytest.raises(DataError, match=r"at most 64 steps, or give it at least \d+"):
        ConvLSTMForecaster(horizon=200, init="pretrained").fit(quarter_hours)
    # the default start checks the pretrained one and trains from scratch instead
    auto = ConvLSTMForecaster(horizon=200, epochs=2, device="cpu")
    assert len(auto.fit(_monthly(600)).predict()) == 200
    assert auto.start_ == "scratch"
