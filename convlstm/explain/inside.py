"""What the net does with one window: shapes, gates, receptive field, attribution.

Every function runs the real net (its own weights, one forward pass that returns
its states, autograd) and returns arrays and DataFrames; the figures are in
``convlstm.plots.explain``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import torch
from torch import nn

from ..data.cells import plural
from ..device import compute_context
from ..errors import ParameterError
from .subject import Subject, Window, make_window, to_data_units

__all__ = [
    "GateTrace",
    "forecast_parts",
    "gate_trace",
    "path_shares",
    "pipeline_table",
    "receptive_field",
    "saliency",
]

_CPU = torch.device("cpu")


def _shape(tensor: torch.Tensor) -> str:
    return "(" + ", ".join(str(int(s)) for s in tensor.shape) + ")"


def _n_params(module: nn.Module | None) -> int:
    if module is None:
        return 0
    return int(sum(p.numel() for p in module.parameters()))


def pipeline_table(subject: Subject, window: Window | None = None) -> pd.DataFrame:
    """Every stage of the net with the tensor shape it produced on a real forward pass.

    The shapes are those of the :class:`~convlstm.nn.NetStates` that one forward
    pass of the window (batch 1) returns with its forecast.

    Returns:
        DataFrame with columns ``stage, shape, params, what`` (one row per stage,
        a last ``total`` row); ``params`` counts trainable parameters.
    """
    net = subject.net
    window = window or make_window(subject)
    x = torch.from_numpy(window.x).float()[None, :]  # (1, L)
    with torch.no_grad(), compute_context(net, _CPU):
        out, states = net(x, return_states=True)
    seq = states.frames
    b, t = seq.shape[:2]
    kh, kw = net.cells[0].kernel_size
    rows: list[dict[str, Any]] = [
        {
            "stage": "input window",
            "shape": _shape(x),
            "params": 0,
            "what": f"the last {net.lookback} values, normalised (minus the mean "
            "of the last season, divided by the mean absolute one-step change)",
        },
        {
            "stage": "frames",
            "shape": _shape(seq),
            "params": 0,
            "what": f"the last {net.rows} rows of {net.width} steps form an image; "
            f"frame t = {plural(net.frame_rows, 'consecutive row')}; "
            f"{plural(t, 'frame')} in time order",
        },
    ]
    if net.frontend is not None:
        conv = net.frontend[0]
        rows.append(
            {
                "stage": "front-end (Conv2d + activation)",
                "shape": _shape(states.frontend),
                "params": _n_params(net.frontend),
                "what": f"{conv.out_channels} learned {kh}x{kw} filters applied to "
                f"every frame: local patterns such as slopes and peaks",
            }
        )
    if net.pooling > 1:
        rows.append(
            {
                "stage": f"average pooling 1x{net.pooling}",
                "shape": _shape(states.layer_inputs[0]),
                "params": 0,
                "what": f"every {net.pooling} neighbouring phases averaged, "
                "so the frame stays small",
            }
        )
    for i, cell in enumerate(net.cells):
        h = states.layers[i]["h"]  # (B, T, hidden, R, W')
        peep = " + peepholes" if cell.peephole else ""
        rows.append(
            {
                "stage": f"ConvLSTM layer {i + 1}",
                "shape": _shape(h),
                "params": _n_params(cell),
                "what": f"one fused {kh}x{kw} conv over [x, h] -> 4 gates{peep}; "
                f"runs {plural(h.shape[1], 'step')}, hidden state of "
                f"{cell.hidden_channels} "
                "channels per cell",
            }
        )
        if net.residual and i > 0:
            rows.append(
                {
                    "stage": f"residual add (layer {i + 1})",
                    "shape": rows[-1]["shape"],
                    "params": 0,
                    "what": f"layer {i + 1}'s input added to its output: the layer "
                    "only has to learn a correction",
                }
            )
    head_in = net.head.in_features
    rows.append(
        {
            "stage": "last hidden state, flattened",
            "shape": f"({b}, {head_in})",
            "params": 0,
            "what": "the top layer's hidden state after the last frame",
        }
    )
    rows.append(
        {
            "stage": "output head (Linear)",
            "shape": _shape(states.head),
            "params": _n_params(net.head),
            "what": f"maps the state to {net.horizon} future steps at once",
        }
    )
    if net.ar is not None:
        rows.append(
            {
                "stage": "AR skip (Linear over the window)",
                "shape": _shape(states.ar),
                "params": _n_params(net.ar),
                "what": "a linear autoregression straight from the window, added "
                "to the output (starts as the ridge solution)",
            }
        )
    if net.anchor_period > 0:
        period = net.anchor_period
        repeats = (
            "repeats the last value (the naive forecast)"
            if period == 1
            else f"repeats the window's last {period} values (seasonal naive)"
        )
        rows.append(
            {
                "stage": f"anchor (period {period})",
                "shape": f"({b}, {net.horizon})",
                "params": 0,
                "what": f"{repeats}: the net only learns a correction of it",
            }
        )
    rows.append(
        {
            "stage": "forecast (sum)",
            "shape": _shape(out),
            "params": 0,
            "what": "head + skip paths, then un-normalised: x scale + location",
        }
    )
    table = pd.DataFrame(rows, columns=["stage", "shape", "params", "what"])
    total = pd.DataFrame(
        [
            {
                "stage": "total",
                "shape": "",
                "params": _n_params(net),
                "what": "trainable parameters",
            }
        ]
    )
    return pd.concat([table, total], ignore_index=True)


@dataclass
class GateTrace:
    """Gate activations and states of every layer for one window, step by step.

    They come from the very forward pass that produced ``forecast``
    (``net(x, return_states=True)``), not from a replay.

    Attributes:
        layers: one dict per layer with ``"i", "f", "o", "g", "c", "h"`` arrays of
            shape ``(T, C_hidden, R, W')`` (batch 1).
        forecast: the forecast of that pass, in normalised units, ``(horizon,)``.
        frame_dates: ``(T, R, W)`` timestamps of the input frames (for hover).
        pooling: the net's pooling factor.
        max_error: largest absolute difference between the states and the cell
            equations applied to the gates (``c = f c' + i g``, ``h = o tanh(c)``);
            rounding only, about 1e-7.
        forecast_error: largest absolute difference between ``forecast`` and a
            plain ``net(x)`` of the same window (0 unless the net is random).
    """

    layers: list[dict[str, np.ndarray]]
    forecast: np.ndarray
    frame_dates: np.ndarray
    pooling: int
    max_error: float
    forecast_error: float


def _equation_error(layer: dict[str, torch.Tensor]) -> float:
    """How far the states are from the cell equations applied to the gates."""
    c, h = layer["c"], layer["h"]  # (B, T, C, R, W')
    previous = torch.cat([torch.zeros_like(c[:, :1]), c[:, :-1]], dim=1)
    c_eq = layer["f"] * previous + layer["i"] * layer["g"]
    h_eq = layer["o"] * torch.tanh(c)
    return max(float((c_eq - c).abs().max()), float((h_eq - h).abs().max()))


def gate_trace(subject: Subject, window: Window) -> GateTrace:
    """The input, forget and output gates and the states of one window.

    One forward pass of the window returns the forecast together with every
    layer's gates and states (``net(x, return_states=True)``); ``max_error`` checks
    them against the cell equations and ``forecast_error`` the forecast against a
    plain ``net(x)``.
    """
    net = subject.net.eval()
    x = torch.from_numpy(window.x).float()[None, :]
    with torch.no_grad(), compute_context(net, _CPU):
        forecast, states = net(x, return_states=True)
        plain = net(x)
    layers = [{k: v[0].numpy() for k, v in layer.items()} for layer in states.layers]
    return GateTrace(
        layers=layers,
        forecast=forecast[0].numpy(),
        frame_dates=window.frame_dates,
        pooling=net.pooling,
        max_error=max(_equation_error(layer) for layer in states.layers),
        forecast_error=float((forecast - plain).abs().max()),
    )


def receptive_field(
    subject: Subject, *, row: int | None = None, col: int | None = None
) -> pd.DataFrame:
    """Which points of the window can reach one cell of each layer's last state.

    Autograd on the real net: the gradient of the hidden state at (``row``, ``col``)
    of the last frame, for each layer, with respect to the input window, over a few
    random windows; a point is in the receptive field when any gradient is non-zero.
    A single ``k x k`` convolution of one frame is reported first for comparison.

    Args:
        subject: the net.
        row: cell row in the frame (default: the last row, the newest season).
        col: cell column after pooling (default: the middle).

    Returns:
        DataFrame with columns ``stage, points, share, mask`` where ``mask`` is a
        ``(rows, width)`` boolean array over the window's image (its last
        ``rows * width`` values) and ``share`` the fraction of those points.
    """
    net = subject.net.eval()
    r_all, w_all = net.frame_rows, net.width // net.pooling
    row = r_all - 1 if row is None else row
    col = w_all // 2 if col is None else col
    for name, value, size in (("row", row, r_all), ("col", col, w_all)):
        if not isinstance(value, int) or not 0 <= value < size:
            raise ParameterError(
                f"{name} must be a whole number from 0 to {size - 1}, got {value!r}"
            )
    kh, kw = net.cells[0].kernel_size
    gen = torch.Generator().manual_seed(0)
    x = torch.randn(8, net.lookback, generator=gen, requires_grad=True)
    image = (net.rows, net.width)
    out_rows = []

    # one kxk convolution of the last frame, in image coordinates: it sees only
    # that frame's rows (the rest of its kernel falls on padding)
    single = np.zeros(image, dtype=bool)
    first = net.rows - net.frame_rows  # image row of the last frame's first row
    top = first + row  # image row of the cell
    c0 = col * net.pooling
    single[
        max(first, top - kh // 2) : top + kh // 2 + 1,
        max(0, c0 - (kw // 2) * net.pooling) : c0 + (kw // 2 + 1) * net.pooling,
    ] = True
    out_rows.append({"stage": f"one {kh}x{kw} convolution", "mask": single})

    with compute_context(net, _CPU):
        _, states = net(x, return_states=True)
        t = states.frames.shape[1]
        for layer, seq in enumerate(states.outputs):  # (B, T, hidden, R, W')
            target = seq[:, -1, :, row, col].sum()
            (grad,) = torch.autograd.grad(target, x, retain_graph=True)
            used = grad.abs().sum(0)[x.shape[1] - net.rows * net.width :]
            mask = (used > 0).reshape(image).numpy()
            out_rows.append(
                {
                    "stage": f"layer {layer + 1} after {t} frames",
                    "mask": mask,
                }
            )
    table = pd.DataFrame(out_rows)
    # the cell whose field this is, in image coordinates: (row, first col, cols)
    table.attrs["target"] = (top, c0, net.pooling)
    table["points"] = [int(m.sum()) for m in table["mask"]]
    table["share"] = table["points"] / float(net.rows * net.width)
    return table[["stage", "points", "share", "mask"]]


def saliency(subject: Subject, window: Window) -> pd.DataFrame:
    """Which past steps the forecast leans on: gradient x input and occlusion.

    Both measure the mean forecast over the horizon, in normalised units.
    ``grad_x_input`` is its gradient times the (normalised) input, signed;
    ``occlusion`` is how far it moves when that one step is replaced by the
    window's level (0 in normalised units). ``*_share`` columns divide the
    absolute values by their sum.

    Returns:
        DataFrame indexed by the window's timestamps with columns ``value``,
        ``grad_x_input``, ``occlusion``, ``grad_share``, ``occlusion_share``.
    """
    net = subject.net.eval()
    x = torch.from_numpy(window.x).float()[None, :].requires_grad_(True)
    with compute_context(net, _CPU):
        base = net(x).mean()
        (grad,) = torch.autograd.grad(base, x)
        gxi = (grad * x).detach()[0].numpy()
        with torch.no_grad():
            lookback = x.shape[1]
            occluded = x.detach().repeat(lookback, 1)  # (L, L): row j hides step j
            occluded[torch.arange(lookback), torch.arange(lookback)] = 0.0
            moved = (net(occluded).mean(dim=1) - base.detach()).abs().numpy()
    frame = pd.DataFrame(
        {"value": window.raw, "grad_x_input": gxi, "occlusion": moved},
        index=window.dates,
    )
    for col, share in (
        ("grad_x_input", "grad_share"),
        ("occlusion", "occlusion_share"),
    ):
        total = float(np.abs(frame[col]).sum())
        frame[share] = np.abs(frame[col]) / total if total > 0 else 0.0
    frame.index.name = "timestamp"
    return frame


def forecast_parts(subject: Subject, window: Window) -> pd.DataFrame:
    """Split the window's forecast into what each path contributes, in data units.

    The net's output is ``anchor + AR skip + ConvLSTM head`` in normalised units;
    times the window's scale, plus its location (``level``), and back through the
    model's transform, it is the forecast. The paths are added in that order, each
    part being how far it moves the forecast (with no transform that is simply
    the path times the scale); the parts and the level sum to the forecast.

    Returns:
        DataFrame indexed by the forecast timestamps with columns ``level``,
        ``convlstm``, ``ar_skip``, ``anchor``, ``forecast``, ``actual``.
    """
    net = subject.net.eval()
    x = torch.from_numpy(window.x).float()[None, :]
    with torch.no_grad(), compute_context(net, _CPU):
        total, states = net(x, return_states=True)
    zeros = np.zeros(total.shape[1])
    head = states.head[0].double().numpy()
    ar = zeros if states.ar is None else states.ar[0].double().numpy()
    anchor = zeros if states.anchor is None else states.anchor[0].double().numpy()
    level, with_anchor, with_ar, full = (
        to_data_units(subject, window, v)
        for v in (zeros, anchor, anchor + ar, anchor + ar + head)
    )
    return pd.DataFrame(
        {
            "level": level,
            "convlstm": full - with_ar,
            "ar_skip": with_ar - with_anchor,
            "anchor": with_anchor - level,
            "forecast": to_data_units(subject, window, total[0].double().numpy()),
            "actual": window.actual,
        },
        index=pd.DatetimeIndex(window.future, name="timestamp"),
    )


def path_shares(parts: pd.DataFrame) -> pd.Series:
    """Each path's share of the forecast's movement away from the level.

    Shares of the mean absolute contribution over the horizon of ``anchor``,
    ``ar_skip`` and ``convlstm`` (they sum to 1; all 0 when every path is 0).
    """
    size = parts[["anchor", "ar_skip", "convlstm"]].abs().mean()
    total = float(size.sum())
    return size / total if total > 0 else size * 0.0
