"""Shapes and gradients of the ConvLSTM cell and the nets in convlstm.nn."""

import numpy as np
import pytest
import torch

from convlstm.errors import ParameterError
from convlstm.nn import ConvLSTMCell, ConvLSTMNet, LSTMNet, kernel_pair


@pytest.fixture(autouse=True)
def one_thread():
    # tiny tensors: thread hand-offs on busy shared cores cost more than they save
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.mark.parametrize("kernel_size", [1, 3, 5, 7, (3, 5), (1, 7)])
@pytest.mark.parametrize("frame_size", [None, (4, 6)])
def test_cell_keeps_frame_size(kernel_size, frame_size):
    cell = ConvLSTMCell(2, 5, kernel_size, frame_size=frame_size)
    x = torch.randn(3, 2, 4, 6)
    h, c = cell(x)
    assert h.shape == c.shape == (3, 5, 4, 6)
    h2, c2 = cell(x, (h, c))
    assert h2.shape == c2.shape == (3, 5, 4, 6)


def test_cell_uses_one_fused_convolution_and_peepholes():
    cell = ConvLSTMCell(2, 5, 3, frame_size=(4, 6))
    convs = [m for m in cell.modules() if isinstance(m, torch.nn.Conv2d)]
    assert len(convs) == 1
    assert convs[0].in_channels == 2 + 5 and convs[0].out_channels == 4 * 5
    assert cell.w_ci.shape == cell.w_cf.shape == cell.w_co.shape == (5, 4, 6)
    plain = ConvLSTMCell(2, 5, 3, peephole=False)
    assert not hasattr(plain, "w_ci")


@pytest.mark.parametrize("bad", [0, 2, 4, -1, (3, 2), (0, 3), 3.0, "3", (3,)])
def test_bad_kernel_sizes_are_refused(bad):
    with pytest.raises(ValueError, match="odd"):
        kernel_pair(bad)
    with pytest.raises(ValueError, match="odd"):
        ConvLSTMCell(1, 2, bad)


def test_gradients_reach_every_cell_parameter():
    torch.manual_seed(0)
    cell = ConvLSTMCell(2, 3, 3, frame_size=(4, 5))
    x = torch.randn(2, 2, 4, 5)
    state = None
    for _ in range(3):  # the peepholes need a non-zero cell state
        state = cell(x, state)
    state[0].square().sum().backward()
    for name, p in cell.named_parameters():
        assert p.grad is not None, name
        assert p.grad.abs().sum() > 0, name


def _net(**kw):
    args = dict(lookback=36, width=12, horizon=5, hidden_size=4, frontend_channels=3)
    args.update(kw)
    return ConvLSTMNet(**args)


@pytest.mark.parametrize(
    "kw",
    [
        {},
        {"frontend": False, "residual": False, "peephole": False},
        {"pooling": 4, "activation": "tanh", "num_layers": 3},
        {"kernel_size": 5, "frame_rows": 3, "activation": "elu"},
        {"kernel_size": (1, 3), "activation": "leaky_relu", "anchor_period": 12},
        {"lookback": 40, "width": 8, "frame_rows": 1, "ar_skip": False},
    ],
)
def test_convlstm_net_shapes(kw):
    net = _net(**kw)
    x = torch.randn(7, net.lookback)
    assert net(x).shape == (7, 5)


def test_convlstm_frames_follow_the_season_layout():
    net = _net(frame_rows=2)
    x = torch.arange(36.0)[None]
    frames = net.frames(x)  # (1, T, 1, rows, width)
    assert frames.shape == (1, 2, 1, 2, 12)
    # frame t holds seasons t and t+1; a column is one phase of consecutive seasons
    assert frames[0, 0, 0, :, 0].tolist() == [0.0, 12.0]
    assert frames[0, 1, 0, 1].tolist() == list(map(float, range(24, 36)))


def test_gradients_reach_every_net_parameter():
    torch.manual_seed(0)
    # 4 seasons in frames of 2 -> 3 frames, so the cell state is non-zero when the
    # peepholes read it
    net = _net(lookback=48, frame_rows=2, num_layers=2, anchor_period=12)
    x = torch.randn(4, 48)
    # the AR skip starts at zero: a first step makes its gradient path non-trivial
    opt = torch.optim.SGD(net.parameters(), lr=0.1)
    for _ in range(2):
        opt.zero_grad()
        net(x).square().mean().backward()
        opt.step()
    opt.zero_grad()
    (net(x) - 1).square().mean().backward()
    for name, p in net.named_parameters():
        assert p.grad is not None, name
        assert p.grad.abs().sum() > 0, name


def test_anchor_makes_an_untrained_ar_free_net_start_near_seasonal_naive():
    net = _net(anchor_period=12, frontend=False)
    torch.nn.init.zeros_(net.head.weight)
    torch.nn.init.zeros_(net.head.bias)
    x = torch.randn(2, 36)
    # seasonal naive plus the level change between the last two seasons (drift)
    drift = x[:, 24:].mean(1, keepdim=True) - x[:, 12:24].mean(1, keepdim=True)
    assert torch.allclose(net(x), x[:, 24:29] + drift, atol=1e-6)


def test_anchor_drift_can_be_switched_off():
    net = _net(anchor_period=12, frontend=False, anchor_drift=False)
    torch.nn.init.zeros_(net.head.weight)
    torch.nn.init.zeros_(net.head.bias)
    x = torch.randn(2, 36)
    assert not net.anchor_drift
    assert torch.allclose(net(x), x[:, 24:29], atol=1e-6)


def test_net_refuses_bad_pooling():
    with pytest.raises(ValueError, match="pooling"):
        _net(pooling=13)


def test_lstm_net_shapes_and_gradients():
    torch.manual_seed(0)
    net = LSTMNet(lookback=20, horizon=6, hidden_size=5, num_layers=2)
    # the ConvLSTM's linear skip by default (zero until the training loop solves it)
    assert net.ar is not None and not net.ar.weight.any()
    assert LSTMNet(lookback=20, horizon=6, ar_skip=False).ar is None  # a bare LSTM
    x = torch.randn(3, 20)
    assert net(x).shape == (3, 6)
    # the head starts at zero: one step opens the gradient path into the LSTM
    opt = torch.optim.SGD(net.parameters(), lr=0.1)
    (net(x) - 1).square().sum().backward()
    opt.step()
    opt.zero_grad()
    (net(x) - 1).square().sum().backward()
    for name, p in net.named_parameters():
        assert p.grad is not None and p.grad.abs().sum() > 0, name
    assert LSTMNet(lookback=20, horizon=6, ar_skip=False)(x).shape == (3, 6)


def test_lstm_net_has_the_convlstm_nets_linear_part():
    torch.manual_seed(0)
    x = torch.randn(3, 24)
    kw = {"lookback": 24, "horizon": 5, "anchor_period": 6}
    lstm = LSTMNet(hidden_size=4, **kw)
    conv = ConvLSTMNet(width=6, hidden_size=4, **kw)
    assert lstm.anchor_drift and conv.anchor_drift  # 4 cycles in the window
    with torch.no_grad():
        for net in (lstm, conv):
            net.ar.weight.copy_(torch.linspace(-1, 1, 5 * 24).reshape(5, 24))
            net.ar.bias.fill_(0.5)
    torch.testing.assert_close(lstm.anchor(x), conv.anchor(x))
    torch.testing.assert_close(lstm.linear_parts(x), conv.linear_parts(x))
    # zero heads: both nets forecast exactly their linear part
    torch.testing.assert_close(lstm(x), conv(x))
    plain = LSTMNet(hidden_size=4, anchor_drift=False, **kw)
    assert not plain.anchor_drift


@pytest.mark.parametrize(
    ("layers", "frontend", "pooling"), [(1, True, 1), (2, False, 2)]
)
def test_forward_with_states_is_the_same_forward(layers, frontend, pooling):
    torch.manual_seed(0)
    net = ConvLSTMNet(
        lookback=24,
        width=6,
        horizon=4,
        hidden_size=3,
        num_layers=layers,
        frontend=frontend,
        pooling=pooling,
        anchor_period=6,
    )
    with torch.no_grad():
        for p in net.parameters():  # head and skip start at zero: make them matter
            p.add_(0.1 * torch.randn_like(p))
        x = torch.randn(5, 24)
        plain = net(x)
        y, states = net(x, return_states=True)
    torch.testing.assert_close(y, plain, rtol=0, atol=0)
    torch.testing.assert_close(y, states.head + states.ar + states.anchor)
    assert len(states.layers) == len(states.outputs) == layers
    t = net.n_frames
    for layer in states.layers:
        assert set(layer) == set("ifogch")
        assert layer["h"].shape == (5, t, 3, net.frame_rows, 6 // pooling)
    assert states.frames.shape == (5, t, 1, net.frame_rows, 6)


def test_kernel_sizes_read_from_numpy_are_taken():
    # a value from an array or a pandas frame is a numpy int, not an int
    assert kernel_pair(np.int64(3)) == (3, 3)
    assert kernel_pair((np.int32(3), 5)) == (3, 5)
    with pytest.raises(ParameterError):
        kernel_pair(np.bool_(True))
