"""Neural nets: the ConvLSTM cell, the ConvLSTM forecasting net and a plain LSTM net.

Pure torch: tensors in, tensors out; no pandas, no training (see ``training.py``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from .errors import ParameterError

ACTIVATIONS = ("relu", "tanh", "elu", "leaky_relu")


def kernel_pair(kernel_size: int | tuple[int, int]) -> tuple[int, int]:
    """Return ``kernel_size`` as ``(kh, kw)``, rejecting even or non-positive sizes.

    Odd sizes keep the frame size with ``padding = k // 2``; even sizes cannot be
    padded symmetrically, so they are refused rather than silently shifting the frame.

    Raises:
        ParameterError: a size that is not a positive odd integer (or a pair).
    """
    whole = int | np.integer  # numpy's ints too (a value read from an array)
    pair = (kernel_size, kernel_size) if isinstance(kernel_size, whole) else kernel_size
    try:
        kh, kw = (int(k) for k in pair)
        ok = all(isinstance(k, whole) and not isinstance(k, bool) for k in pair)
    except (TypeError, ValueError):
        ok = False
    if not ok or kh < 1 or kw < 1 or kh % 2 == 0 or kw % 2 == 0:
        raise ParameterError(
            f"kernel_size must be a positive odd integer (1, 3, 5, 7, ...) or a pair "
            f"of them, got {kernel_size!r}"
        )
    return kh, kw


def make_activation(name: str) -> nn.Module:
    """Return the activation module called ``name`` (one of ``ACTIVATIONS``)."""
    if name == "relu":
        return nn.ReLU()
    if name == "tanh":
        return nn.Tanh()
    if name == "elu":
        return nn.ELU()
    if name == "leaky_relu":
        return nn.LeakyReLU(0.1)
    raise ParameterError(
        f"activation must be one of {', '.join(ACTIVATIONS)}, got {name!r}"
    )


class ConvLSTMCell(nn.Module):
    """One ConvLSTM cell (Shi et al., 2015) with optional Hadamard peepholes.

    The four gates come from ONE convolution over ``cat([x, h])``:

        i = sigmoid(W_xi * x + W_hi * h + W_ci o c + b_i)
        f = sigmoid(W_xf * x + W_hf * h + W_cf o c + b_f)
        c' = f o c + i o tanh(W_xc * x + W_hc * h + b_c)
        o = sigmoid(W_xo * x + W_ho * h + W_co o c' + b_o)
        h' = o o tanh(c')

    where ``*`` is convolution and ``o`` the Hadamard product.

    Args:
        in_channels: channels of the input frames.
        hidden_channels: channels of the hidden and cell states.
        kernel_size: odd kernel size, or an ``(kh, kw)`` pair of odd sizes.
        peephole: add the peephole terms ``W_ci, W_cf, W_co``.
        frame_size: ``(H, W)`` of the frames; with it the peephole weights have
            shape ``(C, H, W)`` as in the paper, without it ``(C, 1, 1)`` (one weight
            per channel, broadcast over the frame).
    """

    def __init__(
        self,
        in_channels: int,
        hidden_channels: int,
        kernel_size: int | tuple[int, int],
        *,
        peephole: bool = True,
        frame_size: tuple[int, int] | None = None,
    ) -> None:
        super().__init__()
        kh, kw = kernel_pair(kernel_size)
        if in_channels < 1 or hidden_channels < 1:
            raise ParameterError(
                f"in_channels and hidden_channels must be >= 1, got {in_channels} "
                f"and {hidden_channels}"
            )
        self.in_channels = in_channels
        self.hidden_channels = hidden_channels
        self.kernel_size = (kh, kw)
        self.conv = nn.Conv2d(
            in_channels + hidden_channels,
            4 * hidden_channels,
            (kh, kw),
            padding=(kh // 2, kw // 2),
        )
        with torch.no_grad():
            # forget-gate bias 1: remember by default early in training
            self.conv.bias[hidden_channels : 2 * hidden_channels].fill_(1.0)
        self.peephole = peephole
        if peephole:
            shape = (hidden_channels, *(frame_size or (1, 1)))
            self.w_ci = nn.Parameter(torch.zeros(shape))
            self.w_cf = nn.Parameter(torch.zeros(shape))
            self.w_co = nn.Parameter(torch.zeros(shape))

    def init_state(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Zero ``(h, c)`` for a batch like ``x`` of shape ``(B, C_in, H, W)``."""
        b, _, h, w = x.shape
        zeros = x.new_zeros(b, self.hidden_channels, h, w)
        return zeros, zeros

    def forward(
        self,
        x: torch.Tensor,
        state: tuple[torch.Tensor, torch.Tensor] | None = None,
        *,
        return_gates: bool = False,
    ) -> tuple[torch.Tensor, ...]:
        """Advance one time step.

        Args:
            x: input frame, ``(B, C_in, H, W)``.
            state: ``(h, c)``, each ``(B, C_hidden, H, W)``; zeros when ``None``.
            return_gates: also return the step's gate activations.

        Returns:
            The new ``(h, c)``, each ``(B, C_hidden, H, W)``; with ``return_gates``
            ``(h, c, gates)`` where ``gates`` maps ``"i", "f", "o"`` (sigmoid
            activations in 0..1) and ``"g"`` (the tanh candidate) to
            ``(B, C_hidden, H, W)`` tensors.
        """
        h, c = self.init_state(x) if state is None else state
        z = self.conv(torch.cat([x, h], dim=1))  # (B, 4*C_hidden, H, W)
        zi, zf, zg, zo = z.chunk(4, dim=1)
        if self.peephole:
            zi = zi + self.w_ci * c
            zf = zf + self.w_cf * c
        i, f, g = torch.sigmoid(zi), torch.sigmoid(zf), torch.tanh(zg)
        c = f * c + i * g
        if self.peephole:
            zo = zo + self.w_co * c
        o = torch.sigmoid(zo)
        h = o * torch.tanh(c)
        if return_gates:
            return h, c, {"i": i, "f": f, "o": o, "g": g}
        return h, c


@dataclass
class NetStates:
    """Everything one forward pass of :class:`ConvLSTMNet` computed, batch first.

    Attributes:
        frames: the frame sequence, ``(B, T, 1, R, W)``.
        frontend: the front-end's output before pooling, ``(B, T, F, R, W)``
            (None without a front-end).
        layer_inputs: per layer, what it read, ``(B, T, C, R, W')``.
        layers: per layer, ``"i", "f", "o", "g", "c", "h"`` stacked over the
            steps, each ``(B, T, C_hidden, R, W')``.
        outputs: per layer, its output sequence (``h``, plus its input where
            residual), ``(B, T, C_hidden, R, W')``.
        head: the ConvLSTM path's contribution, ``(B, horizon)``.
        ar: the linear AR skip's contribution, ``(B, horizon)`` or None.
        anchor: the seasonal-naive anchor, ``(B, horizon)`` or None.
    """

    frames: torch.Tensor
    frontend: torch.Tensor | None
    layer_inputs: list[torch.Tensor]
    layers: list[dict[str, torch.Tensor]]
    outputs: list[torch.Tensor]
    head: torch.Tensor
    ar: torch.Tensor | None
    anchor: torch.Tensor | None


def seasonal_anchor(
    x: torch.Tensor, horizon: int, period: int, *, drift: bool = False
) -> torch.Tensor:
    """Seasonal-naive forecast of each window: repeat its last ``period`` values.

    With ``drift`` (needs ``L >= 2 * period``) each repeated cycle also moves by the
    change of level between the window's last two cycles, i.e. a seasonal random
    walk with drift, the linear part of the airline model: on trending seasonal
    series it is a far better prior than plain seasonal naive.

    Args:
        x: windows, ``(B, L)`` with ``L >= period``.
        horizon: steps to forecast.
        period: the cycle to repeat (1 repeats the last value).
        drift: add the level change per cycle.

    Returns:
        ``(B, horizon)``.
    """
    length = x.shape[1]
    last = x[:, length - period :]  # (B, period)
    reps = -(-horizon // period)
    anchor = last.repeat(1, reps)[:, :horizon]
    if drift:
        before = x[:, length - 2 * period : length - period]  # (B, period)
        change = last.mean(dim=1, keepdim=True) - before.mean(dim=1, keepdim=True)
        cycles = torch.arange(horizon, device=x.device) // period + 1  # (horizon,)
        anchor = anchor + change * cycles.to(x.dtype)
    return anchor


class ForecastNet(nn.Module):
    """What every forecasting net adds to its recurrent part: the linear AR skip over
    the window and the seasonal-naive anchor (with drift when the window holds two
    cycles). One owner, so the ConvLSTM and the plain LSTM differ only in the cell.

    Subclasses call :meth:`init_output` at the end of ``__init__`` (the skip is made
    after the other layers, so the seeded initial weights do not depend on it) and
    add :meth:`linear_parts` to their head's output.
    """

    def init_output(
        self,
        *,
        lookback: int,
        horizon: int,
        ar_skip: bool,
        anchor_period: int,
        anchor_drift: bool | None,
    ) -> None:
        """Zero the subclass's ``head``, set up the skip (zero weights: the training
        loop solves it) and the anchor: an untrained net forecasts the anchor
        (seasonal naive), and the skip can be solved before the recurrent part learns.

        Raises:
            ParameterError: ``anchor_period`` outside ``0..lookback``.
        """
        if anchor_period < 0 or anchor_period > lookback:
            raise ParameterError(f"anchor_period must be in 0..{lookback}")
        # drift needs two whole cycles, and a naive (period 1) anchor gets none
        can_drift = anchor_period > 1 and lookback >= 2 * anchor_period
        self.anchor_drift = can_drift and anchor_drift is not False
        self.anchor_period = anchor_period
        nn.init.zeros_(self.head.weight)
        nn.init.zeros_(self.head.bias)
        self.ar = nn.Linear(lookback, horizon) if ar_skip else None
        if self.ar is not None:
            nn.init.zeros_(self.ar.weight)
            nn.init.zeros_(self.ar.bias)

    def anchor(self, x: torch.Tensor) -> torch.Tensor | None:
        """The seasonal-naive (with drift) anchor of windows ``(B, L)``, or None."""
        if self.anchor_period == 0:
            return None
        return seasonal_anchor(
            x, self.horizon, self.anchor_period, drift=self.anchor_drift
        )

    def linear_parts(
        self, x: torch.Tensor
    ) -> tuple[torch.Tensor | None, torch.Tensor | None]:
        """The skip's and the anchor's forecasts of windows ``(B, L)`` (None if off)."""
        ar = self.ar(x) if self.ar is not None else None
        return ar, self.anchor(x)


class ConvLSTMNet(ForecastNet):
    """ConvLSTM forecaster net: season-shaped frames -> stacked ConvLSTM -> horizon.

    Layout. The (normalised) lookback window of ``rows * width`` values is cut into
    rows of ``width`` steps (one season per row when the series is seasonal), giving
    a 2-D image whose columns are the phase within the season. Frame ``t`` is the
    ``frame_rows`` consecutive rows ending at row ``t``, so the sequence runs over
    seasons and a 2-D kernel sees neighbouring time steps (along a row) and the same
    phase of neighbouring seasons (down a column); the recurrent state carries what
    is older than a frame.

    Output = head(last hidden state) + linear AR skip over the whole window
    (+ a seasonal-naive anchor of period ``anchor_period`` when it is > 0, with the
    level drift of the last two cycles when the window holds two, so the net learns
    a correction of that forecast).

    Args:
        lookback: window length ``L``; the last ``rows * width`` values form the
            image, the AR skip sees all ``L``.
        width: row width (season length, or a fixed width for non-seasonal data).
        horizon: steps forecast at once (direct multi-step).
        hidden_size: channels of each ConvLSTM layer.
        num_layers: stacked ConvLSTM layers.
        kernel_size: odd kernel size (or pair) of the front-end and the cells.
        frame_rows: rows per frame (clipped to the rows available).
        activation: activation of the front-end (one of ``ACTIVATIONS``).
        pooling: average-pool factor along the phase axis after the front-end
            (1 = none); it must leave at least one column.
        frontend: use a convolutional front-end (Conv2d + activation per frame).
        frontend_channels: channels of the front-end.
        residual: add each layer's input to its output from the second layer on.
        peephole: peephole terms in the cells.
        dropout: dropout before the head.
        ar_skip: add the linear autoregressive skip from the window.
        anchor_period: period of the seasonal-naive anchor (0 = no anchor).
        anchor_drift: move the anchor by the level change of the window's last two
            cycles; ``None`` = whenever the window holds two cycles of a period > 1.
    """

    def __init__(
        self,
        *,
        lookback: int,
        width: int,
        horizon: int,
        hidden_size: int = 32,
        num_layers: int = 2,
        kernel_size: int | tuple[int, int] = 3,
        frame_rows: int = 3,
        activation: str = "relu",
        pooling: int = 1,
        frontend: bool = True,
        frontend_channels: int = 16,
        residual: bool = True,
        peephole: bool = True,
        dropout: float = 0.0,
        ar_skip: bool = True,
        anchor_period: int = 0,
        anchor_drift: bool | None = None,
    ) -> None:
        super().__init__()
        kh, kw = kernel_pair(kernel_size)
        if width < 1 or lookback < width:
            raise ParameterError(
                f"need 1 <= width <= lookback, got {width}, {lookback}"
            )
        if pooling < 1 or pooling > width:
            raise ParameterError(
                f"pooling must be between 1 and the row width {width}, got {pooling}"
            )
        self.lookback = lookback
        self.width = width
        self.rows = lookback // width
        self.horizon = horizon
        self.frame_rows = max(1, min(frame_rows, self.rows))
        self.n_frames = self.rows - self.frame_rows + 1
        self.pooling = pooling
        self.residual = residual
        cols = width // pooling
        channels = 1
        if frontend:
            self.frontend = nn.Sequential(
                nn.Conv2d(1, frontend_channels, (kh, kw), padding=(kh // 2, kw // 2)),
                make_activation(activation),
            )
            channels = frontend_channels
        else:
            self.frontend = None
        frame = (self.frame_rows, cols)
        self.cells = nn.ModuleList(
            ConvLSTMCell(
                channels if layer == 0 else hidden_size,
                hidden_size,
                (kh, kw),
                peephole=peephole,
                frame_size=frame,
            )
            for layer in range(num_layers)
        )
        self.dropout = nn.Dropout(dropout)
        self.head = nn.Linear(hidden_size * self.frame_rows * cols, horizon)
        self.init_output(
            lookback=lookback,
            horizon=horizon,
            ar_skip=ar_skip,
            anchor_period=anchor_period,
            anchor_drift=anchor_drift,
        )

    def frames(self, x: torch.Tensor) -> torch.Tensor:
        """Cut windows into the frame sequence.

        Args:
            x: windows, ``(B, L)``.

        Returns:
            ``(B, T, 1, frame_rows, width)`` with ``T = rows - frame_rows + 1``.
        """
        b = x.shape[0]
        image = x[:, x.shape[1] - self.rows * self.width :]  # (B, rows*width)
        image = image.reshape(b, self.rows, self.width)  # (B, rows, width)
        seq = image.unfold(1, self.frame_rows, 1)  # (B, T, width, frame_rows)
        return seq.transpose(2, 3).unsqueeze(2)  # (B, T, 1, frame_rows, width)

    def forward(
        self, x: torch.Tensor, *, return_states: bool = False
    ) -> torch.Tensor | tuple[torch.Tensor, NetStates]:
        """Forecast ``horizon`` steps from each window.

        Args:
            x: normalised windows, ``(B, L)``.
            return_states: also return the :class:`NetStates` of this pass (every
                layer's input, gates and states, and the parts of the output).

        Returns:
            ``(B, horizon)`` in the same normalised units; with ``return_states``
            ``(forecast, states)``.
        """
        frames = self.frames(x)  # (B, T, 1, R, W)
        b, t, c, r, w = frames.shape
        flat = frames.reshape(b * t, c, r, w)
        front = None
        if self.frontend is not None:
            flat = self.frontend(flat)  # (B*T, F, R, W)
            front = flat.reshape(b, t, *flat.shape[1:])  # (B, T, F, R, W)
        if self.pooling > 1:
            flat = nn.functional.avg_pool2d(flat, (1, self.pooling))  # (B*T, F, R, W/p)
        seq = flat.reshape(b, t, *flat.shape[1:])  # (B, T, C, R, W')
        inputs, layers, outputs = [], [], []
        for layer, cell in enumerate(self.cells):
            inputs.append(seq)
            state = None
            steps: dict[str, list[torch.Tensor]] = {k: [] for k in "ifogch"}
            for step in range(t):
                h, c_state, gates = cell(seq[:, step], state, return_gates=True)
                state = (h, c_state)
                for key, value in (*gates.items(), ("c", c_state), ("h", h)):
                    steps[key].append(value)
            out = torch.stack(steps["h"], dim=1)  # (B, T, hidden, R, W')
            seq = out + seq if self.residual and layer > 0 else out
            outputs.append(seq)
            if return_states:
                layers.append({k: torch.stack(v, dim=1) for k, v in steps.items()})
        last = self.dropout(seq[:, -1].flatten(1))  # (B, hidden*R*W')
        head = self.head(last)  # (B, horizon)
        ar, anchor = self.linear_parts(x)
        y = head
        for part in (ar, anchor):
            if part is not None:
                y = y + part
        if not return_states:
            return y
        states = NetStates(
            frames=frames,
            frontend=front,
            layer_inputs=inputs,
            layers=layers,
            outputs=outputs,
            head=head,
            ar=ar,
            anchor=anchor,
        )
        return y, states


class LSTMNet(ForecastNet):
    """Plain LSTM forecaster net: the window as a sequence of single time steps.

    ``nn.LSTM`` over the ``L`` values of the (normalised) window, then a linear head
    from the last hidden state to the ``horizon`` outputs, plus the same linear AR
    skip and seasonal-naive anchor as :class:`ConvLSTMNet` (see
    :class:`ForecastNet`): with the same settings the two nets differ only in the
    recurrent part. ``ar_skip=False, anchor_period=0`` gives a bare LSTM.

    Args:
        lookback: window length ``L``.
        horizon: steps forecast at once.
        hidden_size: LSTM hidden units.
        num_layers: stacked LSTM layers.
        dropout: dropout between LSTM layers and before the head.
        ar_skip: add the linear autoregressive skip from the window.
        anchor_period: period of the seasonal-naive anchor (0 = none).
        anchor_drift: move the anchor by the level change of the window's last two
            cycles; ``None`` = whenever the window holds two cycles of a period > 1.
    """

    def __init__(
        self,
        *,
        lookback: int,
        horizon: int,
        hidden_size: int = 64,
        num_layers: int = 1,
        dropout: float = 0.0,
        ar_skip: bool = True,
        anchor_period: int = 0,
        anchor_drift: bool | None = None,
    ) -> None:
        super().__init__()
        self.lookback = lookback
        self.horizon = horizon
        self.lstm = nn.LSTM(
            1,
            hidden_size,
            num_layers=num_layers,
            batch_first=True,
            dropout=dropout if num_layers > 1 else 0.0,
        )
        self.dropout = nn.Dropout(dropout)
        self.head = nn.Linear(hidden_size, horizon)
        self.init_output(
            lookback=lookback,
            horizon=horizon,
            ar_skip=ar_skip,
            anchor_period=anchor_period,
            anchor_drift=anchor_drift,
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Forecast ``horizon`` steps from each window.

        Args:
            x: normalised windows, ``(B, L)``.

        Returns:
            ``(B, horizon)`` in the same normalised units.
        """
        out, _ = self.lstm(x.unsqueeze(-1))  # (B, L, hidden)
        y = self.head(self.dropout(out[:, -1]))  # (B, horizon)
        for part in self.linear_parts(x):
            if part is not None:
                y = y + part
        return y


#: The most members a :class:`NetEnsemble` may hold (a model card or a bundle
#: that declares more is refused before anything is built).
MAX_MEMBERS = 16


class NetEnsemble(nn.Module):
    """Forecasting nets of one shape, trained apart, that forecast their mean.

    The pretrained networks ship as such an ensemble (one per seed of corpus and
    training): averaging nets that start and learn differently cancels part of each
    one's error. Fine-tuning trains the members together on the mean's loss.

    Args:
        members: the nets (same ``lookback`` and ``horizon``).

    Raises:
        ParameterError: no member, more than :data:`MAX_MEMBERS`, or members of
            different shapes.
    """

    def __init__(self, members: list[nn.Module]) -> None:
        super().__init__()
        if not 1 <= len(members) <= MAX_MEMBERS:
            raise ParameterError(
                f"an ensemble holds 1 to {MAX_MEMBERS} nets, got {len(members)}"
            )
        shapes = {(int(m.lookback), int(m.horizon)) for m in members}
        if len(shapes) > 1:
            raise ParameterError(f"the ensemble's nets differ in shape: {shapes}")
        self.members = nn.ModuleList(members)
        self.lookback, self.horizon = shapes.pop()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """The members' mean forecast of windows ``(B, L)``: ``(B, horizon)``.

        (Running them as one ``torch.func.vmap`` pass over their stacked weights
        was tried: no faster on 2 CPU cores, 0.026 s a fine-tuning step either way.)
        """
        return torch.stack([m(x) for m in self.members]).mean(dim=0)


def member_nets(net: nn.Module) -> list[nn.Module]:
    """The nets that make ``net``: its members when it is a :class:`NetEnsemble`,
    else ``net`` itself."""
    return list(net.members) if isinstance(net, NetEnsemble) else [net]
