"""The pretrained networks as ensembles: nets trained apart (one seed each) that
ship in one file and forecast their mean, zero-shot or fine-tuned together, saved
in a bundle and explained by their first net."""

import hashlib
import json
import shutil

import numpy as np
import pandas as pd
import pytest
import torch
from safetensors.torch import load as load_tensors
from safetensors.torch import save as save_tensors

from convlstm import ParameterError, pretrained
from convlstm.models.neural import ConvLSTMForecaster
from convlstm.nn import MAX_MEMBERS, ConvLSTMNet, NetEnsemble, member_nets
from tests.unit.test_pretrained import tiny_corpus


def _monthly(n, seed=0):
    t = np.arange(n)
    rng = np.random.default_rng(seed)
    values = 200 + 2 * t + 30 * np.sin(2 * np.pi * t / 12) + rng.normal(0, 3, n)
    return pd.Series(values, index=pd.date_range("2000-01-01", periods=n, freq="MS"))


def _net(seed, lookback=24, horizon=6):
    torch.manual_seed(seed)
    net = ConvLSTMNet(lookback=lookback, width=12, horizon=horizon, hidden_size=4)
    with torch.no_grad():  # an untrained net forecasts its anchor: make them differ
        net.head.bias.add_(float(seed))
    return net.eval()


def test_an_ensemble_forecasts_the_mean_of_its_nets():
    nets = [_net(1), _net(2), _net(3)]
    ensemble = NetEnsemble(nets).eval()
    x = torch.randn(5, 24)
    with torch.no_grad():
        expected = torch.stack([n(x) for n in nets]).mean(dim=0)
        torch.testing.assert_close(ensemble(x), expected)
    assert (ensemble.lookback, ensemble.horizon) == (24, 6)
    assert member_nets(ensemble) == nets and member_nets(nets[0]) == [nets[0]]
    with pytest.raises(ParameterError, match="differ in shape"):
        NetEnsemble([_net(1), _net(2, horizon=7)])
    with pytest.raises(ParameterError, match=f"1 to {MAX_MEMBERS}"):
        NetEnsemble([])


def _weights_dir(tmp_path, name, states):
    """A copy of the shipped weights whose monthly network is ``states`` (one
    state: a plain net; several: an ensemble of them)."""
    target = tmp_path / name
    shutil.copytree(pretrained.WEIGHTS_DIR, target)
    card = json.loads((target / "card.json").read_text())
    entry = card["families"]["monthly"]
    if len(states) == 1:
        state = states[0]
    else:
        state = {
            f"members.{k}.{n}": t.clone()
            for k, s in enumerate(states)
            for n, t in s.items()
        }
    data = save_tensors(state)
    (target / entry["file"]).write_bytes(data)
    entry.update(sha256=hashlib.sha256(data).hexdigest(), members=len(states))
    (target / "card.json").write_text(json.dumps(card))
    return target


def _shipped_monthly_net():
    """The first net of the shipped monthly network, and a copy of it moved."""
    _, state = pretrained.load_family("monthly")
    if any(k.startswith("members.") for k in state):
        state = {k[10:]: v for k, v in state.items() if k.startswith("members.0.")}
    moved = {k: v.clone() for k, v in state.items()}
    moved["head.bias"] += 0.3  # forecasts 0.3 window scales higher
    return state, moved


def _forecast(monkeypatch, weights, y, **params):
    monkeypatch.setattr(pretrained, "WEIGHTS_DIR", weights)
    model = ConvLSTMForecaster(horizon=18, init="pretrained", device="cpu", **params)
    return model.fit(y)


def test_a_pretrained_ensemble_forecasts_the_mean_of_its_nets(tmp_path, monkeypatch):
    first, moved = _shipped_monthly_net()
    y = _monthly(70)
    one = _forecast(
        monkeypatch, _weights_dir(tmp_path, "a", [first]), y, fine_tune=False
    )
    two = _forecast(
        monkeypatch, _weights_dir(tmp_path, "b", [moved]), y, fine_tune=False
    )
    weights = _weights_dir(tmp_path, "e", [first, moved])
    both = _forecast(monkeypatch, weights, y, fine_tune=False)
    assert isinstance(both.net_, NetEnsemble) and len(both.net_.members) == 2
    expected = (one.predict() + two.predict()) / 2
    assert not np.allclose(one.predict(), two.predict())
    pd.testing.assert_series_equal(both.predict(), expected, rtol=1e-5)
    # a panel is forecast in one batched pass, as each series alone
    panel = pd.DataFrame({"series": "a", "time": y.index, "value": y.to_numpy()})
    panel.attrs["freq"] = "MS"
    model = ConvLSTMForecaster(horizon=18, init="pretrained", fine_tune=False)
    forecast = model.set_params(device="cpu").fit_panel(panel).predict()
    np.testing.assert_allclose(forecast["forecast"], expected.to_numpy(), rtol=1e-5)


def test_a_fine_tuned_ensemble_keeps_every_skip_saves_and_explains(
    tmp_path, monkeypatch
):
    from convlstm import explain

    first, moved = _shipped_monthly_net()
    weights = _weights_dir(tmp_path, "e", [first, moved])
    model = _forecast(monkeypatch, weights, _monthly(90))
    assert model.history_  # it fine-tuned
    for k, net in enumerate(model.net_.members):  # the pretrained skips are kept
        torch.testing.assert_close(net.ar.weight, (first, moved)[k]["ar.weight"])
    assert model.architecture()["members"] == 2
    again = ConvLSTMForecaster.from_bytes(model.to_bytes())
    assert isinstance(again.net_, NetEnsemble)
    pd.testing.assert_series_equal(again.predict(), model.predict())
    subject = explain.subject_from_model(model, _monthly(90))
    assert subject.net is model.net_.members[0]  # its first net, one shape
    # the words say it was fine-tuned (not stopped by its validation loss) and
    # that the gates shown are the first of its two nets
    words = explain.training_text(subject)
    assert "Fine-tuning trained for" in words and "stopped improving" not in words
    assert subject.members == 2 and "2 nets of one shape" in words
    assert "the first net's" in words


def test_a_bundle_or_card_declaring_too_many_nets_is_refused(tmp_path, monkeypatch):
    first, _ = _shipped_monthly_net()
    weights = _weights_dir(tmp_path, "e", [first, first])
    card = json.loads((weights / "card.json").read_text())
    card["families"]["monthly"]["members"] = MAX_MEMBERS + 1
    (weights / "card.json").write_text(json.dumps(card))
    with pytest.raises(ParameterError, match=f"1 to {MAX_MEMBERS} members"):
        _forecast(monkeypatch, weights, _monthly(60), fine_tune=False)


def test_pretraining_an_ensemble_trains_each_net_on_its_own_seed(tmp_path, monkeypatch):
    from convlstm.pretrain import build, corpus

    seeds = []

    def tiny(family, **kwargs):
        # other walks for each seed, on which the anchor's drift would be chosen
        # differently: the first net chooses it for all
        seeds.append(kwargs["seed"])
        return tiny_corpus(family, **kwargs)

    monkeypatch.setattr(corpus, "build_corpus", tiny)
    entry = build.pretrain_family(
        "quarterly", tmp_path, seed=4, members=2, device="cpu"
    )
    assert seeds == [4, 5] and entry["members"] == 2
    assert [m["seed"] for m in entry["training"]["members"]] == [4, 5]
    state = load_tensors((tmp_path / entry["file"]).read_bytes())
    assert {k.split(".")[1] for k in state} == {"0", "1"}
    assert any(  # other data, other seed: other weights
        not torch.equal(state[k], state[k.replace("members.0", "members.1")])
        for k in state
        if k.startswith("members.0.")
    )
    assert entry["parameters"] == sum(t.numel() for t in state.values())
    single = build.pretrain_family(
        "quarterly", tmp_path, seed=4, members=1, device="cpu"
    )
    assert single["members"] == 1
    first = load_tensors((tmp_path / single["file"]).read_bytes())
    for name, t in first.items():  # member 0 is the one-net build of the same seed
        torch.testing.assert_close(state[f"members.0.{name}"], t)
    with pytest.raises(ParameterError, match="members"):
        build.pretrain_family("quarterly", tmp_path, members=0)
    build.write_card(
        {
            "command": "c",
            "created": "d",
            "code": "x",
            "torch": "t",
            "seed": 4,
            "families": {"quarterly": {**entry, "built": None}},
        },
        tmp_path,
    )
    assert "| quarterly | 4 | 8 |" in (tmp_path / "CARD.md").read_text()
