"""The training loop: devices, windows, normalisation, callbacks, guards."""

import math

import pytest
import torch
from torch import nn

from convlstm.errors import ParameterError, TrainingError
from convlstm.training import ProgressEvent, resolve_device, train
from convlstm.windows import gather, normalise, predict_windows, window_starts

CPU = torch.device("cpu")


class Linear(nn.Module):
    """A tiny net: linear map of the window."""

    def __init__(self, lookback=8, horizon=3):
        super().__init__()
        self.horizon = horizon
        self.lin = nn.Linear(lookback, horizon)

    def forward(self, x):
        return self.lin(x)


class Poisoned(Linear):
    """Returns NaN: stands in for a diverging net."""

    def forward(self, x):
        return self.lin(x) * math.nan


def series(n=120):
    t = torch.arange(n, dtype=torch.float64)
    return 10 + torch.sin(2 * math.pi * t / 6) + 0.01 * t


def fit(net, y, **kw):
    args = dict(
        lookback=8,
        horizon=3,
        norm_period=6,
        epochs=5,
        batch_size=16,
        learning_rate=1e-2,
        patience=50,
        seed=0,
        device=CPU,
    )
    args.update(kw)
    return train(net, y, **args)


def test_resolve_device_auto_is_cpu_here():
    if torch.cuda.is_available():
        pytest.skip("this machine has a GPU")
    assert resolve_device("auto") == torch.device("cpu")
    assert resolve_device("cpu") == torch.device("cpu")


def test_resolve_device_refuses_missing_or_unknown():
    if not torch.cuda.is_available():
        with pytest.raises(ParameterError, match="CUDA"):
            resolve_device("cuda")
    with pytest.raises(ParameterError, match="device"):
        resolve_device("tpu9")


def test_progress_event_fields():
    ev = ProgressEvent(model="ConvLSTM", stage="final", fraction=0.5)
    assert ev.epoch is None and ev.val_loss is None
    assert ProgressEvent("LSTM", "fold 1/3", 0.1, 2, 10, 0.3, 0.4).epochs == 10


def test_windows_never_touch_future_points():
    n, lookback, horizon = 50, 8, 3
    train_starts, val_starts = window_starts(n, lookback, horizon, 0.2)
    assert len(val_starts) > 0
    # the last window ends exactly at the end of the series
    assert int(val_starts[-1]) + lookback + horizon == n
    # no training target overlaps a validation target
    first_val_target = int(val_starts[0]) + lookback
    assert int(train_starts.max()) + lookback + horizon <= first_val_target
    # gather reads exactly [s, s + length)
    y = torch.arange(n, dtype=torch.float64)
    w = gather(y, torch.tensor([0, 5, n - 11]), 11)
    assert w[1].tolist() == list(range(5, 16))
    assert w[2, -1] == n - 1


@pytest.mark.parametrize("scale", [1e-6, 1.0, 1e9])
def test_normalise_handles_any_scale_and_constant_windows(scale):
    w = series(24).reshape(2, 12) * scale
    x, loc, scale_ = normalise(w, 6)
    assert torch.isfinite(x).all()
    assert torch.allclose(x * scale_ + loc, w)
    const = torch.full((1, 12), 5.0 * scale)
    x, loc, s = normalise(const, 6)
    assert torch.isfinite(x).all() and (s > 0).all()
    zeros, _, s0 = normalise(torch.zeros(1, 12), 6)
    assert (zeros == 0).all() and (s0 == 1).all()


def test_callback_is_called_every_epoch_and_can_stop():
    calls = []

    def callback(epoch, epochs, train_loss, val_loss):
        calls.append((epoch, epochs, train_loss, val_loss))
        return epoch == 3

    res = fit(Linear(), series(), epochs=10, callback=callback)
    assert [c[0] for c in calls] == [1, 2, 3]
    assert all(c[1] == 10 and math.isfinite(c[2]) for c in calls)
    assert all(c[3] is not None for c in calls)
    assert res.stopped_early and len(res.history) == 3


def test_early_stopping_restores_the_best_weights():
    torch.manual_seed(0)
    net = Linear()
    seen = {}

    def callback(epoch, epochs, train_loss, val_loss):
        seen[epoch] = {k: v.clone() for k, v in net.state_dict().items()}

    res = fit(
        net, series(), epochs=30, patience=2, learning_rate=0.5, callback=callback
    )
    best = min(res.history, key=lambda h: h["val_loss"])["epoch"]
    assert res.best_epoch == best
    for k, v in net.state_dict().items():
        assert torch.equal(v, seen[best][k])


def test_nan_loss_raises_training_error_about_learning_rate():
    with pytest.raises(TrainingError, match="learning rate"):
        fit(Poisoned(), series())


def test_nan_after_a_good_epoch_keeps_the_best_weights():
    net = Linear()
    calls = []

    def callback(epoch, epochs, train_loss, val_loss):
        calls.append(epoch)
        with torch.no_grad():
            net.lin.weight.fill_(math.nan)  # poison the next epoch

    res = fit(net, series(), epochs=5, callback=callback)
    assert calls == [1]
    assert res.stopped_early and res.best_epoch == 1
    assert torch.isfinite(net.lin.weight).all()


def test_same_seed_same_weights():
    a, b = Linear(), Linear()
    b.load_state_dict(a.state_dict())
    fit(a, series(), seed=3)
    fit(b, series(), seed=3)
    for (ka, va), (_, vb) in zip(
        a.state_dict().items(), b.state_dict().items(), strict=True
    ):
        assert torch.equal(va, vb), ka


def test_predict_windows_returns_original_units():
    net = Linear()
    w = series(40)[None, -8:] * 1e9
    out = predict_windows(net, w, norm_period=6, device=CPU)
    assert out.shape == (1, 3) and out.dtype == torch.float64
    assert torch.isfinite(out).all()
    assert abs(float(out.mean()) / float(w.mean()) - 1) < 1.0


def test_threads_are_restored():
    before = torch.get_num_threads()
    fit(Linear(), series(), epochs=1)
    assert torch.get_num_threads() == before


def test_too_short_series_is_refused():
    with pytest.raises(ParameterError, match="at least 12"):
        fit(Linear(), series(11))


class Skipped(Linear):
    """A net with a linear skip ``ar`` that the loop solves by ridge regression."""

    def __init__(self, lookback=8, horizon=3):
        super().__init__(lookback, horizon)
        self.ar = nn.Linear(lookback, horizon)
        nn.init.zeros_(self.lin.weight)
        nn.init.zeros_(self.lin.bias)

    def forward(self, x):
        return self.lin(x) + self.ar(x)


def test_freeze_linear_keeps_the_solved_skip_and_trains_the_rest():
    torch.manual_seed(0)
    frozen = Skipped()
    fit(frozen, series(), epochs=20, freeze_linear=True)
    torch.manual_seed(0)
    solved = Skipped()
    fit(solved, series(), epochs=1, learning_rate=1e-12)
    assert torch.allclose(frozen.ar.weight, solved.ar.weight, atol=1e-6)
    assert all(p.requires_grad for p in frozen.parameters())  # unfrozen afterwards


def test_min_patience_steps_extends_patience_of_one_batch_epochs():
    calls = []

    def callback(epoch, epochs, train_loss, val_loss):
        calls.append(epoch)

    net = Linear()
    with torch.no_grad():
        net.lin.weight.zero_()
        net.lin.bias.fill_(10.0)
    # a learning rate of ~0 never improves: stop after patience epochs
    fit(
        net,
        series(),
        epochs=100,
        patience=2,
        learning_rate=1e-12,
        batch_size=1024,
        min_patience_steps=7,
        callback=callback,
    )
    assert len(calls) == 8  # one batch per epoch: 7 bad epochs after the first


def test_the_start_loss_is_the_loss_to_beat_and_is_kept_when_nothing_beats_it():
    torch.manual_seed(0)
    net = Skipped()
    result = fit(net, series(), epochs=3, learning_rate=1e-12)
    # a learning rate of ~0 cannot beat the solved skip: "epoch 0" is kept
    assert result.best_epoch == 0
    assert result.start_loss == pytest.approx(result.history[0]["val_loss"])
    assert fit(Linear(), series(), epochs=2).start_loss is None  # no skip to solve
