"""Look inside the ConvLSTM forecaster: frames, shapes, gates, saliency, ablations.

Everything here runs the REAL net (hooks, its own weights, autograd) and returns
arrays, DataFrames and plotly figures for the "How it works" page; nothing renders.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import torch
from plotly.subplots import make_subplots
from torch import nn

from .backtest import BacktestResult, backtest
from .data import check_series
from .errors import DataError
from .models.neural import ConvLSTMForecaster, lookback_rule
from .nn import ConvLSTMCell, ConvLSTMNet
from .training import compute_context, normalise

__all__ = [
    "Ablation",
    "GateTrace",
    "Subject",
    "Window",
    "ablation",
    "ablation_figure",
    "cell_step",
    "forecast_parts",
    "forecast_parts_figure",
    "frames_figure",
    "gate_trace",
    "gates_figure",
    "make_window",
    "pipeline_dot",
    "path_shares",
    "pipeline_table",
    "receptive_field",
    "receptive_field_figure",
    "saliency",
    "saliency_figure",
    "subject_from_model",
    "subject_from_params",
    "train_subject",
    "window_figure",
]

log = logging.getLogger(__name__)

_CPU = torch.device("cpu")
_GATE_SCALE = "Viridis"
_STATE_SCALE = "RdBu"


# ---------------------------------------------------------------- the model to explain


@dataclass
class Subject:
    """A ConvLSTM net and the series it is explained on.

    Attributes:
        net: the :class:`~convlstm.nn.ConvLSTMNet` (trained or fresh).
        y: the series.
        params: the forecaster's hyperparameters (``get_params()``).
        lookback: window length ``L``.
        width: row width (one season, or a fixed width without one).
        norm_period: values averaged for each window's location (``width``).
        fitted: True when the net was trained on ``y``.
        history: per-epoch ``{"epoch", "train_loss", "val_loss"}`` (empty if fresh).
        best_epoch: the epoch whose weights were kept (0 = none beat the starting
            point: the ridge-solved AR skip and an untrained ConvLSTM path); None
            when fresh.
    """

    net: ConvLSTMNet
    y: pd.Series
    params: dict[str, Any]
    lookback: int
    width: int
    norm_period: int
    fitted: bool = False
    history: list[dict] = field(default_factory=list)
    best_epoch: int | None = None


def _model_subject(model: ConvLSTMForecaster, y: pd.Series, fitted: bool) -> Subject:
    net = model.net_.to(_CPU).eval()
    return Subject(
        net=net,
        y=y,
        params=model.get_params(),
        lookback=int(model.lookback_),
        width=int(model.width_),
        norm_period=int(model.width_),
        fitted=fitted,
        history=list(getattr(model, "history_", []) or []),
        best_epoch=getattr(model, "best_epoch_", None) if fitted else None,
    )


def subject_from_params(y: pd.Series, **params: Any) -> Subject:
    """An untrained net built exactly as :meth:`ConvLSTMForecaster.fit` would build it.

    The same lookback rule, season, pooling and anchor as a real fit on ``y``, with
    freshly initialised weights (seeded by ``seed``); no training happens.

    Args:
        y: the series (regular DatetimeIndex).
        **params: ConvLSTMForecaster hyperparameters (unknown names are ignored).

    Raises:
        DataError: the series is too short or a setting is invalid.
        TrainingError: an invalid hyperparameter.
    """
    accepted = set(ConvLSTMForecaster._param_names())
    model = ConvLSTMForecaster(**{k: v for k, v in params.items() if k in accepted})
    # mirrors ConvLSTMForecaster.fit up to the training call (a unit test pins it)
    model._validate()
    y = check_series(y, min_length=1, what="the ConvLSTM")
    periods = model._periods(y.index)
    y = check_series(y, min_length=model._min_length(periods), what="the ConvLSTM")
    if model.lookback is None:
        lookback, width = lookback_rule(len(y), int(model.horizon), periods)
    else:
        lookback = int(model.lookback)
        width = min(periods[0] if periods else 8, lookback)
    model.lookback_ = lookback
    model.width_ = width
    usable = [p for p in periods if p <= lookback]
    model.anchor_period_ = max(usable) if usable else 0
    model._set_derived()
    torch.manual_seed(int(model.seed))
    model.net_ = model._build_net()
    return _model_subject(model, y, fitted=False)


def subject_from_model(model: ConvLSTMForecaster, y: pd.Series) -> Subject:
    """Wrap a fitted ConvLSTMForecaster (e.g. from a comparison) and its series.

    Raises:
        DataError: ``model`` is not a fitted ConvLSTM forecaster.
    """
    if not isinstance(model, ConvLSTMForecaster) or not model.is_fitted:
        raise DataError("need a fitted ConvLSTM forecaster to look inside")
    return _model_subject(model, y, fitted=True)


def train_subject(
    y: pd.Series,
    *,
    params: dict[str, Any] | None = None,
    callback: Callable[[int, int, float, float | None], bool | None] | None = None,
) -> Subject:
    """Train a ConvLSTMForecaster on ``y`` and wrap it for inspection.

    Args:
        y: the series.
        params: ConvLSTMForecaster hyperparameters (unknown names are ignored).
        callback: per-epoch ``callback(epoch, epochs, train_loss, val_loss)``;
            True stops training early (the best weights so far are kept).
    """
    accepted = set(ConvLSTMForecaster._param_names())
    kwargs = {k: v for k, v in (params or {}).items() if k in accepted}
    model = ConvLSTMForecaster(**kwargs).fit(y, callback=callback)
    return subject_from_model(model, y)


# ---------------------------------------------------------------- one window as frames


@dataclass
class Window:
    """One lookback window as the net sees it.

    Attributes:
        dates: the ``L`` timestamps of the window.
        raw: the ``L`` values in the series' units.
        x: the normalised values the net reads, ``(L,)``.
        loc: the window's location (mean of its last season).
        scale: the window's scale (mean absolute one-step change).
        frames: the frame sequence ``(T, R, W)`` (normalised values).
        frame_dates: the timestamp of every frame cell, ``(T, R, W)`` strings.
        image_start: position in the window of the image's first value (the
            frames use the last ``rows * width`` values).
        future: the timestamps the forecast from this window covers.
        actual: the true values there (NaN past the end of the data).
    """

    dates: pd.DatetimeIndex
    raw: np.ndarray
    x: np.ndarray
    loc: float
    scale: float
    frames: np.ndarray
    frame_dates: np.ndarray
    image_start: int
    future: pd.DatetimeIndex
    actual: np.ndarray


def _date_fmt(index: pd.DatetimeIndex) -> str:
    if len(index) > 1 and (index[1] - index[0]) < pd.Timedelta(days=1):
        return "%Y-%m-%d %H:%M"
    return "%Y-%m-%d"


def make_window(subject: Subject, end: int | None = None) -> Window:
    """Cut the window ending at position ``end`` (exclusive) and frame it.

    Args:
        subject: the net and series.
        end: window end, ``lookback <= end <= len(y)``; None = the last window,
            the one the forecast beyond the data is made from.

    Raises:
        DataError: ``end`` leaves no full window.
    """
    y = subject.y
    n, lookback = len(y), subject.lookback
    end = n if end is None else int(end)
    if not lookback <= end <= n:
        raise DataError(f"the window must end between {lookback} and {n}, got {end}")
    raw = y.to_numpy(dtype=np.float64)[end - lookback : end].copy()
    x, loc, scale = normalise(torch.from_numpy(raw)[None, :], subject.norm_period)
    net = subject.net
    image_start = lookback - net.rows * net.width
    with torch.no_grad():
        frames = net.frames(x.float())[0, :, 0].numpy()  # (T, R, W)
    dates = y.index[end - lookback : end]
    labels = np.asarray(dates.strftime(_date_fmt(dates)), dtype=object)
    positions = np.arange(lookback, dtype=float)[None, :]
    with torch.no_grad():
        where = net.frames(torch.from_numpy(positions).float())[0, :, 0].numpy()
    frame_dates = labels[where.round().astype(int)]
    horizon = net.horizon
    future = pd.date_range(dates[-1], periods=horizon + 1, freq=y.index.freq)[1:]
    actual = np.full(horizon, np.nan)
    tail = y.to_numpy(dtype=np.float64)[end : end + horizon]
    actual[: len(tail)] = tail
    return Window(
        dates=dates,
        raw=raw,
        x=x[0].numpy(),
        loc=float(loc),
        scale=float(scale),
        frames=frames,
        frame_dates=frame_dates,
        image_start=image_start,
        future=future,
        actual=actual,
    )


def window_figure(y: pd.Series, window: Window) -> go.Figure:
    """The series with the lookback window and the span it forecasts shaded."""
    fig = go.Figure(
        go.Scatter(
            x=y.index,
            y=y.to_numpy(),
            mode="lines",
            name=str(y.name or "value"),
            line={"color": "#444444", "width": 1.5},
        )
    )
    fig.add_vrect(
        x0=window.dates[0],
        x1=window.dates[-1],
        fillcolor="#1f77b4",
        opacity=0.15,
        line_width=0,
        annotation_text="lookback window",
        annotation_position="top left",
    )
    fig.add_vrect(
        x0=window.dates[-1],
        x1=window.future[-1],
        fillcolor="#d62728",
        opacity=0.12,
        line_width=0,
        annotation_text="forecast",
        annotation_position="bottom right",
    )
    # long series: show the window with three window-lengths of context
    first = max(0, y.index.get_loc(window.dates[0]) - 3 * len(window.dates))
    fig.update_xaxes(range=[y.index[first], window.future[-1]])
    fig.update_layout(
        template="plotly_white",
        height=260,
        showlegend=False,
        margin={"l": 50, "r": 20, "t": 30, "b": 30},
    )
    return fig


def frames_figure(window: Window, *, max_frames: int = 12) -> go.Figure:
    """The window's frames as heatmaps side by side (rows x phase, dates on hover)."""
    frames = window.frames
    t_all = len(frames)
    shown = list(range(t_all))
    if t_all > max_frames:  # keep the last frames: the ones nearest the forecast
        shown = shown[-max_frames:]
    vmax = float(np.abs(frames).max()) or 1.0
    gap = 1 if frames.shape[2] <= 24 else 0  # cell borders only while cells are wide
    fig = make_subplots(
        rows=1,
        cols=len(shown),
        subplot_titles=[f"frame {t + 1}" for t in shown],
        horizontal_spacing=0.02 if len(shown) > 6 else 0.04,
    )
    for col, t in enumerate(shown, start=1):
        fig.add_trace(
            go.Heatmap(
                z=frames[t],
                customdata=window.frame_dates[t],
                zmin=-vmax,
                zmax=vmax,
                colorscale=_STATE_SCALE,
                reversescale=True,
                showscale=col == len(shown),
                colorbar={"title": "normalised", "thickness": 12},
                hovertemplate="%{customdata}<br>value %{z:.2f}<extra>frame "
                + str(t + 1)
                + "</extra>",
                xgap=gap,
                ygap=1,
            ),
            row=1,
            col=col,
        )
    fig.update_yaxes(autorange="reversed", showticklabels=False, showgrid=False)
    fig.update_xaxes(showticklabels=False, showgrid=False)
    fig.update_layout(
        template="plotly_white",
        height=200 + 28 * frames.shape[1],
        margin={"l": 10, "r": 10, "t": 40, "b": 10},
    )
    return fig


# ---------------------------------------------------------------- pipeline and shapes


def _shape(tensor: torch.Tensor) -> str:
    return "(" + ", ".join(str(int(s)) for s in tensor.shape) + ")"


def _n_params(module: nn.Module | None) -> int:
    if module is None:
        return 0
    return int(sum(p.numel() for p in module.parameters()))


def pipeline_table(subject: Subject, window: Window | None = None) -> pd.DataFrame:
    """Every stage of the net with the tensor shape it produced on a real forward pass.

    Forward hooks record what the front-end, each ConvLSTM cell (once per time
    step), the head and the AR skip actually output for one window (batch 1).

    Returns:
        DataFrame with columns ``stage, shape, params, what`` (one row per stage,
        a last ``total`` row); ``params`` counts trainable parameters.
    """
    net = subject.net
    window = window or make_window(subject)
    seen: dict[str, list[torch.Tensor]] = {}

    def hook(name: str):
        def record(_module: nn.Module, _inputs: Any, output: Any) -> None:
            out = output[0] if isinstance(output, tuple) else output
            seen.setdefault(name, []).append(out.detach())

        return record

    handles = []
    if net.frontend is not None:
        handles.append(net.frontend.register_forward_hook(hook("frontend")))
    for i, cell in enumerate(net.cells):
        handles.append(cell.register_forward_hook(hook(f"cell{i}")))
    handles.append(net.head.register_forward_hook(hook("head")))
    if net.ar is not None:
        handles.append(net.ar.register_forward_hook(hook("ar")))
    x = torch.from_numpy(window.x).float()[None, :]  # (1, L)
    try:
        with torch.no_grad():
            out = net(x)
            seq = net.frames(x)
    finally:
        for handle in handles:
            handle.remove()

    b, t, _, r, w = seq.shape
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
            f"frame t = {net.frame_rows} consecutive rows; {t} frames in time order",
        },
    ]
    if net.frontend is not None:
        f = seen["frontend"][0]  # (B*T, F, R, W)
        conv = net.frontend[0]
        rows.append(
            {
                "stage": "front-end (Conv2d + activation)",
                "shape": f"({b}, {t}, {f.shape[1]}, {f.shape[2]}, {f.shape[3]})",
                "params": _n_params(net.frontend),
                "what": f"{conv.out_channels} learned {kh}x{kw} filters applied to "
                f"every frame: local patterns such as slopes and peaks",
            }
        )
    if net.pooling > 1:
        channels = seen["frontend"][0].shape[1] if net.frontend is not None else 1
        rows.append(
            {
                "stage": f"average pooling 1x{net.pooling}",
                "shape": f"({b}, {t}, {channels}, {r}, {w // net.pooling})",
                "params": 0,
                "what": f"every {net.pooling} neighbouring phases averaged, "
                "so the frame stays small",
            }
        )
    for i, cell in enumerate(net.cells):
        steps = seen[f"cell{i}"]  # one (B, hidden, R, W') per time step
        h = steps[0]
        peep = " + peepholes" if cell.peephole else ""
        rows.append(
            {
                "stage": f"ConvLSTM layer {i + 1}",
                "shape": f"({b}, {len(steps)}, {h.shape[1]}, {h.shape[2]}, "
                f"{h.shape[3]})",
                "params": _n_params(cell),
                "what": f"one fused {kh}x{kw} conv over [x, h] -> 4 gates{peep}; "
                f"runs {len(steps)} steps, hidden state of {cell.hidden_channels} "
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
            "shape": _shape(seen["head"][0]),
            "params": _n_params(net.head),
            "what": f"maps the state to {net.horizon} future steps at once",
        }
    )
    if net.ar is not None:
        rows.append(
            {
                "stage": "AR skip (Linear over the window)",
                "shape": _shape(seen["ar"][0]),
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


def pipeline_dot(table: pd.DataFrame, *, rankdir: str = "TB") -> str:
    """A Graphviz (DOT) drawing of :func:`pipeline_table`: boxes, shapes, skip arrows.

    The AR skip and the anchor branch off the input window and join at the sum
    (dashed arrows).

    Args:
        table: from :func:`pipeline_table`.
        rankdir: "TB" (top to bottom) or "LR" (left to right).
    """

    def esc(text: str) -> str:
        return str(text).replace("\\", "\\\\").replace('"', '\\"')

    stages = table[table["stage"] != "total"].reset_index(drop=True)
    lines = [
        "digraph pipeline {",
        f"  rankdir={'LR' if rankdir == 'LR' else 'TB'};",
        "  nodesep=0.3; ranksep=0.25;",
        '  node [shape=box, style="rounded,filled", fillcolor="#f3f6fb", '
        'color="#4a6fa5", fontname="Helvetica", fontsize=13];',
        '  edge [color="#4a6fa5", fontname="Helvetica", fontsize=9];',
    ]
    main: list[str] = []
    side: list[str] = []
    for i, row in stages.iterrows():
        node = f"n{i}"
        params = f"\\n{int(row['params']):,} params" if row["params"] else ""
        label = f"{esc(row['stage'])}\\n{esc(row['shape'])}{params}"
        stage = str(row["stage"])
        if stage.startswith(("AR skip", "anchor")):
            fill = "#fdf1e6"
            side.append(node)
        elif stage.startswith("residual"):
            fill = "#eef7ee"
        elif stage.startswith("ConvLSTM"):
            fill = "#e3ecf9"
        else:
            fill = "#f3f6fb"
        if stage.startswith("forecast"):
            fill = "#fbe9e9"
        lines.append(f'  {node} [label="{label}", fillcolor="{fill}"];')
        if node not in side:
            main.append(node)
    for a, b in zip(main[:-1], main[1:], strict=False):
        lines.append(f"  {a} -> {b};")
    for pos, node in enumerate(main):
        stage = str(stages.loc[int(node[1:]), "stage"])
        if stage.startswith("residual") and pos >= 2:
            # the layer's input skips the layer and joins at the add
            lines.append(
                f'  {main[pos - 2]} -> {node} [style=dashed, color="#2ca02c", '
                'label="residual"];'
            )
    if side:
        for node in side:
            lines.append(f'  {main[0]} -> {node} [style=dashed, label="skip"];')
            lines.append(f"  {node} -> {main[-1]} [style=dashed];")
    lines.append("}")
    return "\n".join(lines)


# ---------------------------------------------------------------- replaying the cell


def cell_step(
    cell: ConvLSTMCell,
    x: torch.Tensor,
    h: torch.Tensor,
    c: torch.Tensor,
) -> dict[str, torch.Tensor]:
    """One ConvLSTM step recomputed by hand from the cell's own parameters.

    Implements the equations of Shi et al. (2015) with the cell's fused convolution
    weights split into the four gates, and its Hadamard peepholes.

    Args:
        cell: the cell whose weights to use.
        x: input frame ``(B, C_in, H, W)``.
        h: hidden state ``(B, C_hidden, H, W)``.
        c: cell state ``(B, C_hidden, H, W)``.

    Returns:
        ``{"i", "f", "o"}`` (gate activations in 0..1), ``"g"`` (candidate),
        ``"c"`` and ``"h"`` (new states), each ``(B, C_hidden, H, W)``.
    """
    conv = cell.conv
    z = nn.functional.conv2d(
        torch.cat([x, h], dim=1), conv.weight, conv.bias, padding=conv.padding
    )  # (B, 4*C_hidden, H, W): W_x* x + W_h* h + b for i, f, g, o
    zi, zf, zg, zo = z.chunk(4, dim=1)
    if cell.peephole:
        zi = zi + cell.w_ci * c
        zf = zf + cell.w_cf * c
    i, f, g = torch.sigmoid(zi), torch.sigmoid(zf), torch.tanh(zg)
    c_new = f * c + i * g
    if cell.peephole:
        zo = zo + cell.w_co * c_new
    o = torch.sigmoid(zo)
    h_new = o * torch.tanh(c_new)
    return {"i": i, "f": f, "g": g, "o": o, "c": c_new, "h": h_new}


def _layer_inputs(net: ConvLSTMNet, x: torch.Tensor) -> torch.Tensor:
    """Frames after the front-end and pooling, ``(B, T, C, R, W')``."""
    seq = net.frames(x)  # (B, T, 1, R, W)
    b, t, c, r, w = seq.shape
    flat = seq.reshape(b * t, c, r, w)
    if net.frontend is not None:
        flat = net.frontend(flat)  # (B*T, F, R, W)
    if net.pooling > 1:
        flat = nn.functional.avg_pool2d(flat, (1, net.pooling))  # (B*T, F, R, W')
    return flat.reshape(b, t, *flat.shape[1:])


@dataclass
class GateTrace:
    """Gate activations and states of every layer for one window, step by step.

    Attributes:
        layers: one dict per layer with ``"i", "f", "o", "c", "h"`` arrays of shape
            ``(T, C_hidden, R, W')`` (batch 1).
        frame_dates: ``(T, R, W)`` timestamps of the input frames (for hover).
        pooling: the net's pooling factor.
        max_error: largest absolute difference between the recomputed ``h``/``c``
            and the cell's own forward pass (should be ~1e-7).
        forecast_error: largest absolute difference between the replayed forecast
            and ``net(x)``.
    """

    layers: list[dict[str, np.ndarray]]
    frame_dates: np.ndarray
    pooling: int
    max_error: float
    forecast_error: float


def _replay(
    net: ConvLSTMNet, x: torch.Tensor
) -> tuple[torch.Tensor, list[dict[str, list[torch.Tensor]]], float]:
    """Run the net's forward by hand, recording every gate; check every step."""
    seq = _layer_inputs(net, x)  # (B, T, C, R, W')
    t = seq.shape[1]
    record: list[dict[str, list[torch.Tensor]]] = []
    err = 0.0
    for layer, cell in enumerate(net.cells):
        h, c = cell.init_state(seq[:, 0])
        steps: dict[str, list[torch.Tensor]] = {k: [] for k in "ifgoch"}
        outputs = []
        for step in range(t):
            out = cell_step(cell, seq[:, step], h, c)
            ref_h, ref_c = cell(seq[:, step], (h, c))
            err = max(
                err,
                float((out["h"] - ref_h).abs().max()),
                float((out["c"] - ref_c).abs().max()),
            )
            h, c = out["h"], out["c"]
            for k in steps:
                steps[k].append(out[k])
            outputs.append(h)
        stacked = torch.stack(outputs, dim=1)  # (B, T, hidden, R, W')
        seq = stacked + seq if net.residual and layer > 0 else stacked
        record.append(steps)
    y = net.head(net.dropout(seq[:, -1].flatten(1)))  # (B, horizon)
    if net.ar is not None:
        y = y + net.ar(x)
    anchor = net.anchor(x)  # the net's own anchor (seasonal naive, maybe with drift)
    if anchor is not None:
        y = y + anchor
    return y, record, err


def gate_trace(subject: Subject, window: Window) -> GateTrace:
    """Recompute the input, forget and output gates and the states of one window.

    The equations run on the cell's own fused-conv weights and peepholes, step by
    step; each step is checked against the cell's forward and the whole replay
    against ``net(x)`` (``max_error``, ``forecast_error``).
    """
    net = subject.net.eval()
    x = torch.from_numpy(window.x).float()[None, :]
    with torch.no_grad(), compute_context(net, _CPU):
        y, record, err = _replay(net, x)
        ref = net(x)
    layers = [
        {k: torch.stack(v[k], dim=1)[0].numpy() for k in ("i", "f", "o", "c", "h")}
        for v in record
    ]
    return GateTrace(
        layers=layers,
        frame_dates=window.frame_dates,
        pooling=net.pooling,
        max_error=err,
        forecast_error=float((y - ref).abs().max()),
    )


_GATE_ROWS = (
    ("i", "input gate i", _GATE_SCALE, (0.0, 1.0)),
    ("f", "forget gate f", _GATE_SCALE, (0.0, 1.0)),
    ("o", "output gate o", _GATE_SCALE, (0.0, 1.0)),
    ("c", "cell state c", _STATE_SCALE, None),
    ("h", "hidden state h", _STATE_SCALE, None),
)


def gates_figure(
    trace: GateTrace, *, layer: int = 0, channel: int | None = None
) -> go.Figure:
    """Heatmaps of i, f, o, c and h (rows) for each time step (columns).

    Args:
        trace: from :func:`gate_trace`.
        layer: 0-based layer.
        channel: one hidden channel, or None for the mean over channels.
    """
    data = trace.layers[layer]
    t = data["i"].shape[0]

    def pick(a: np.ndarray) -> np.ndarray:  # (T, C, R, W') -> (T, R, W')
        return a.mean(axis=1) if channel is None else a[:, channel]

    # Gates live in (0, 1) but a trained gate often varies by a few hundredths: each
    # row gets its own colour range (written in its title) so the variation shows.
    ranges = {}
    for key, _, _, bounds in _GATE_ROWS:
        z = pick(data[key])
        if bounds is None:
            vmax = float(np.abs(z).max()) or 1.0
            ranges[key] = (-vmax, vmax)
        else:
            lo, hi = float(z.min()), float(z.max())
            pad = max(hi - lo, 1e-3) * 0.05
            ranges[key] = (max(bounds[0], lo - pad), min(bounds[1], hi + pad))
    fig = make_subplots(
        rows=len(_GATE_ROWS),
        cols=t,
        row_titles=[
            f"{label}<br>{ranges[key][0]:.2f} to {ranges[key][1]:.2f}"
            for key, label, _, _ in _GATE_ROWS
        ],
        column_titles=[f"frame {s + 1}" for s in range(t)],
        horizontal_spacing=0.015,
        vertical_spacing=0.04,
    )
    dates = trace.frame_dates[:, :, :: trace.pooling]
    for row, (key, label, scale, bounds) in enumerate(_GATE_ROWS, start=1):
        z = pick(data[key])
        bounds = ranges[key]
        for s in range(t):
            fig.add_trace(
                go.Heatmap(
                    z=z[s],
                    customdata=dates[s, :, : z.shape[2]],
                    zmin=bounds[0],
                    zmax=bounds[1],
                    colorscale=scale,
                    showscale=False,
                    hovertemplate=f"{label}<br>%{{customdata}}<br>%{{z:.2f}}"
                    "<extra></extra>",
                    xgap=1,
                    ygap=1,
                ),
                row=row,
                col=s + 1,
            )
    fig.update_yaxes(autorange="reversed", showticklabels=False, showgrid=False)
    fig.update_xaxes(showticklabels=False, showgrid=False)
    fig.update_annotations(font_size=11)
    fig.update_layout(
        template="plotly_white",
        height=130 * len(_GATE_ROWS) + 40,
        margin={"l": 10, "r": 110, "t": 40, "b": 10},
    )
    return fig


# ---------------------------------------------------------------- receptive field


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
    row = r_all - 1 if row is None else int(row)
    col = w_all // 2 if col is None else int(col)
    kh, kw = net.cells[0].kernel_size
    gen = torch.Generator().manual_seed(0)
    x = torch.randn(8, net.lookback, generator=gen, requires_grad=True)
    image = (net.rows, net.width)
    out_rows = []

    # one kxk convolution of the last frame, in image coordinates
    single = np.zeros(image, dtype=bool)
    top = net.rows - net.frame_rows + row  # image row of the cell
    c0 = col * net.pooling
    single[
        max(0, top - kh // 2) : top + kh // 2 + 1,
        max(0, c0 - (kw // 2) * net.pooling) : c0 + (kw // 2 + 1) * net.pooling,
    ] = True
    out_rows.append({"stage": f"one {kh}x{kw} convolution", "mask": single})

    with compute_context(net, _CPU):
        seq = _layer_inputs(net, x)
        t = seq.shape[1]
        for layer, cell in enumerate(net.cells):
            state = None
            outputs = []
            for step in range(t):
                state = cell(seq[:, step], state)
                outputs.append(state[0])
            stacked = torch.stack(outputs, dim=1)
            seq = stacked + seq if net.residual and layer > 0 else stacked
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


def receptive_field_figure(field_table: pd.DataFrame, window: Window) -> go.Figure:
    """The window's image once per stage, the receptive field highlighted in red and
    the cell it belongs to outlined in black."""
    n = len(field_table)
    fig = make_subplots(
        rows=1,
        cols=n,
        subplot_titles=[
            f"{s}<br>{p} points ({sh:.0%})"
            for s, p, sh in zip(
                field_table["stage"],
                field_table["points"],
                field_table["share"],
                strict=True,
            )
        ],
        horizontal_spacing=0.03,
    )
    image = window.x[window.image_start :].reshape(field_table["mask"].iloc[0].shape)
    dates = np.asarray(
        window.dates[window.image_start :].strftime(_date_fmt(window.dates)),
        dtype=object,
    ).reshape(image.shape)
    for col, mask in enumerate(field_table["mask"], start=1):
        z = np.where(mask, 1.0, 0.0)
        fig.add_trace(
            go.Heatmap(
                z=z,
                customdata=np.stack([dates, np.round(image, 2).astype(object)], -1),
                zmin=0,
                zmax=1,
                colorscale=[[0, "#eef1f5"], [1, "#d62728"]],
                showscale=False,
                hovertemplate="%{customdata[0]}<br>value %{customdata[1]}"
                "<extra></extra>",
                xgap=1,
                ygap=1,
            ),
            row=1,
            col=col,
        )
    target = field_table.attrs.get("target")
    if target is not None:
        row, first, cols = target
        for col in range(1, n + 1):
            fig.add_shape(
                type="rect",
                x0=first - 0.5,
                x1=first + cols - 0.5,
                y0=row - 0.5,
                y1=row + 0.5,
                line={"color": "#000000", "width": 3},
                row=1,
                col=col,
            )
    fig.update_yaxes(
        autorange="reversed", title_text="", showgrid=False, showticklabels=False
    )
    fig.update_xaxes(showgrid=False, showticklabels=False)
    fig.update_yaxes(title_text="seasons, oldest on top", row=1, col=1)
    fig.update_annotations(font_size=11)
    fig.update_layout(
        template="plotly_white",
        height=180 + 14 * image.shape[0],
        margin={"l": 40, "r": 10, "t": 60, "b": 10},
    )
    return fig


# ---------------------------------------------------------------- attribution


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


def saliency_figure(frame: pd.DataFrame, *, value_name: str = "value") -> go.Figure:
    """Bars of gradient x input and occlusion over the lookback, the series above."""
    fig = make_subplots(
        rows=2,
        cols=1,
        shared_xaxes=True,
        row_heights=[0.4, 0.6],
        vertical_spacing=0.06,
    )
    fig.add_trace(
        go.Scatter(
            x=frame.index,
            y=frame["value"],
            mode="lines+markers",
            name=value_name,
            line={"color": "#444444"},
            marker={"size": 4},
        ),
        row=1,
        col=1,
    )
    fig.add_trace(
        go.Bar(
            x=frame.index,
            y=frame["grad_share"],
            name="gradient x input",
            marker={"color": "#d62728"},
            customdata=frame["grad_x_input"],
            hovertemplate="%{x}<br>share %{y:.1%}<br>signed %{customdata:.3f}"
            "<extra>gradient x input</extra>",
        ),
        row=2,
        col=1,
    )
    fig.add_trace(
        go.Bar(
            x=frame.index,
            y=frame["occlusion_share"],
            name="occlusion",
            marker={"color": "#1f77b4"},
            hovertemplate="%{x}<br>share %{y:.1%}<extra>occlusion</extra>",
        ),
        row=2,
        col=1,
    )
    fig.update_yaxes(title_text=value_name, row=1, col=1)
    fig.update_yaxes(title_text="share of influence", tickformat=".0%", row=2, col=1)
    fig.update_layout(
        template="plotly_white",
        barmode="group",
        height=460,
        hovermode="x unified",
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
        margin={"l": 50, "r": 20, "t": 30, "b": 40},
    )
    return fig


def forecast_parts(subject: Subject, window: Window) -> pd.DataFrame:
    """Split the window's forecast into what each path contributes, in data units.

    The net's output is ``head + AR skip + seasonal anchor`` in normalised units;
    times the window's scale, plus its location (``level``), it is the forecast.

    Returns:
        DataFrame indexed by the forecast timestamps with columns ``level``,
        ``convlstm``, ``ar_skip``, ``anchor``, ``forecast``, ``actual``.
    """
    net = subject.net.eval()
    x = torch.from_numpy(window.x).float()[None, :]
    seen: dict[str, torch.Tensor] = {}

    def keep(name: str):
        def record(_m: nn.Module, _i: Any, out: torch.Tensor) -> None:
            seen[name] = out.detach()[0]

        return record

    handles = [net.head.register_forward_hook(keep("convlstm"))]
    if net.ar is not None:
        handles.append(net.ar.register_forward_hook(keep("ar_skip")))
    try:
        with torch.no_grad():
            total = net(x)[0]
    finally:
        for handle in handles:
            handle.remove()
    zeros = torch.zeros_like(total)
    head = seen["convlstm"]
    ar = seen.get("ar_skip", zeros)
    anchor = total - head - ar  # the rest of the sum is the seasonal anchor
    scale, loc = window.scale, window.loc
    return pd.DataFrame(
        {
            "level": np.full(len(total), loc),
            "convlstm": head.numpy() * scale,
            "ar_skip": ar.numpy() * scale,
            "anchor": anchor.numpy() * scale,
            "forecast": total.numpy() * scale + loc,
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


def forecast_parts_figure(parts: pd.DataFrame, window: Window) -> go.Figure:
    """Top: the window, its level and the forecast; bottom: each path's share.

    The bottom bars stack (positive up, negative down) to ``forecast - level``.
    """
    fig = make_subplots(
        rows=2,
        cols=1,
        shared_xaxes=True,
        row_heights=[0.6, 0.4],
        vertical_spacing=0.08,
        subplot_titles=("forecast", "contribution of each path (data units)"),
    )
    fig.add_trace(
        go.Scatter(
            x=window.dates,
            y=window.raw,
            name="window",
            mode="lines",
            line={"color": "#444444"},
        ),
        row=1,
        col=1,
    )
    fig.add_trace(
        go.Scatter(
            x=parts.index,
            y=parts["level"],
            name="level (mean of the last season)",
            mode="lines",
            line={"color": "#888888", "dash": "dot"},
        ),
        row=1,
        col=1,
    )
    fig.add_trace(
        go.Scatter(
            x=parts.index,
            y=parts["forecast"],
            name="forecast = level + paths",
            mode="lines+markers",
            line={"color": "#000000", "width": 2},
        ),
        row=1,
        col=1,
    )
    if np.isfinite(parts["actual"]).any():
        fig.add_trace(
            go.Scatter(
                x=parts.index,
                y=parts["actual"],
                name="actual",
                mode="markers",
                marker={"color": "#2ca02c", "size": 8, "symbol": "x"},
            ),
            row=1,
            col=1,
        )
    names = {
        "anchor": ("anchor", "#ff7f0e"),
        "ar_skip": ("AR skip", "#9467bd"),
        "convlstm": ("ConvLSTM head", "#d62728"),
    }
    for key, (name, color) in names.items():
        if key == "anchor" and not parts[key].any():
            continue  # no anchor (a series without a season)
        fig.add_trace(
            go.Bar(
                x=parts.index,
                y=parts[key],
                name=name,
                marker={"color": color},
                hovertemplate=f"{name}: %{{y:+.4g}}<extra></extra>",
            ),
            row=2,
            col=1,
        )
    fig.update_layout(
        barmode="relative",
        template="plotly_white",
        height=520,
        hovermode="x unified",
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.06, "x": 0},
        margin={"l": 50, "r": 20, "t": 50, "b": 40},
    )
    fig.update_annotations(font_size=12)
    return fig


# ---------------------------------------------------------------- ablation


@dataclass
class Ablation:
    """Kernel sizes and the article's design claims, scored on the same folds.

    Attributes:
        summary: one row per variant (index ``variant``) with ``kernel_size,
            frontend, residual, mae, rmse, fit_seconds`` and ``vs_full`` (relative
            MAE change against the full ConvLSTM; +0.05 = 5% worse).
        findings: plain sentences computed from the numbers.
        backtest: the underlying backtest.
        reference: name of the full ConvLSTM variant.
    """

    summary: pd.DataFrame
    findings: list[str]
    backtest: BacktestResult
    reference: str


def _change(new: float, old: float) -> float:
    return (new - old) / old if old and math.isfinite(old) else float("nan")


def _effect(part: str, with_mae: float, without_mae: float, tol: float) -> str:
    """A sentence on what having ``part`` did to the MAE."""
    rel = _change(with_mae, without_mae)
    if not math.isfinite(rel):
        return f"The {part}'s effect could not be measured (no finite MAE)."
    numbers = f"(MAE {without_mae:,.4g} without, {with_mae:,.4g} with)"
    if abs(rel) < tol:
        return f"On this data the {part} made no real difference {numbers}."
    verb = "lowered" if rel < 0 else "raised"
    return f"On this data the {part} {verb} the MAE by {abs(rel):.0%} {numbers}."


def ablation(
    y: pd.Series,
    *,
    horizon: int,
    folds: int = 1,
    params: dict[str, Any] | None = None,
    kernel_sizes: Sequence[int] = (1, 3, 5),
    include_lstm: bool = True,
    tolerance: float = 0.01,
    progress: Callable[[Any], bool | None] | None = None,
) -> Ablation:
    """Backtest ConvLSTM variants and a plain LSTM on the same folds.

    Variants: the full ConvLSTM with each kernel size; at the reference kernel
    (the ``kernel_size`` in ``params`` if listed, else the middle one) without the
    front-end, without residual paths (only when there are 2+ layers, since they
    start at the second), without both; and the plain LSTM.

    Args:
        y: the series.
        horizon: steps per fold.
        folds: backtest folds.
        params: shared hyperparameters (``epochs``, ``hidden_size``, ``seed``...).
        kernel_sizes: odd kernel sizes to compare.
        include_lstm: add the plain LSTM.
        tolerance: relative MAE change below which a sentence says "no difference".
        progress: ``progress(ProgressEvent)`` as in :func:`convlstm.compare.compare`.

    Raises:
        DataError: the series is too short for the folds, or bad settings.
    """
    from .compare import make_model

    params = {k: v for k, v in (params or {}).items() if k != "horizon"}
    sizes = [int(k) for k in dict.fromkeys(kernel_sizes)]
    if not sizes:
        raise DataError("choose at least one kernel size")
    wanted = params.get("kernel_size")
    ref_k = wanted if wanted in sizes else sizes[len(sizes) // 2]
    layers = int(params.get("num_layers", ConvLSTMForecaster().num_layers))
    base = {**params, "frontend": True, "residual": True}

    spec: dict[str, tuple[str, dict[str, Any]]] = {}
    for k in sizes:
        spec[f"ConvLSTM k={k}"] = ("ConvLSTM", {**base, "kernel_size": k})
    reference = f"ConvLSTM k={ref_k}"
    spec["no front-end"] = (
        "ConvLSTM",
        {**base, "kernel_size": ref_k, "frontend": False},
    )
    if layers >= 2:
        spec["no residual"] = (
            "ConvLSTM",
            {**base, "kernel_size": ref_k, "residual": False},
        )
        spec["no front-end, no residual"] = (
            "ConvLSTM",
            {**base, "kernel_size": ref_k, "frontend": False, "residual": False},
        )
    if include_lstm:
        spec["plain LSTM"] = ("LSTM", dict(params))
    models = {
        name: make_model(kind, horizon=horizon, **kw)
        for name, (kind, kw) in spec.items()
    }
    result = backtest(models, y, horizon, folds, progress=progress)

    summary = result.summary[["mae", "rmse", "fit_seconds"]].copy()
    for pos, col in enumerate(("kernel_size", "frontend", "residual")):
        # None for the LSTM, which has none of these
        values = [
            spec[n][1].get(col) if spec[n][0] == "ConvLSTM" else None for n in spec
        ]
        summary.insert(pos, col, pd.Series(values, index=summary.index, dtype=object))
    ref_mae = float(summary.loc[reference, "mae"])
    summary["vs_full"] = [_change(float(m), ref_mae) for m in summary["mae"]]
    summary.index.name = "variant"

    mae = summary["mae"].astype(float)
    findings: list[str] = []
    if len(sizes) > 1:
        kernels = mae[[f"ConvLSTM k={k}" for k in sizes]]
        best = kernels.idxmin()
        others = ", ".join(
            f"{n.split('=')[1]}: {_change(v, kernels[best]):+.0%}"
            for n, v in kernels.items()
            if n != best
        )
        findings.append(
            f"Kernel size {best.split('=')[1]} gave the lowest MAE "
            f"({kernels[best]:,.4g}); the others relative to it: {others}."
        )
    findings.append(
        _effect("convolutional front-end", ref_mae, mae["no front-end"], tolerance)
    )
    if layers >= 2:
        findings.append(
            _effect("residual paths", ref_mae, mae["no residual"], tolerance)
        )
    else:
        findings.append(
            "Residual paths start at the second layer; with 1 layer there is "
            "nothing to switch off, so they were not compared."
        )
    conv = mae[[n for n in spec if spec[n][0] == "ConvLSTM"]]
    if len(conv) > 1 and _change(float(conv.max()), float(conv.min())) < tolerance:
        findings.append(
            "All ConvLSTM variants scored within "
            f"{tolerance:.0%} of each other. Training keeps the weights with the "
            "best validation loss, and when no epoch beats the starting point (the "
            "AR skip solved by ridge regression plus the anchor) the ConvLSTM path "
            "barely counts, so switching its parts changes little. More epochs or "
            "a lower learning rate may change that; so may more data."
        )
    if include_lstm:
        rel = _change(mae["plain LSTM"], ref_mae)
        if math.isfinite(rel) and abs(rel) >= tolerance:
            word = "higher" if rel > 0 else "lower"
            findings.append(
                f"The plain LSTM's MAE was {abs(rel):.0%} {word} than the full "
                f"ConvLSTM's ({mae['plain LSTM']:,.4g} vs {ref_mae:,.4g})."
            )
        elif math.isfinite(rel):
            findings.append("The plain LSTM scored about the same as the ConvLSTM.")
    return Ablation(
        summary=summary, findings=findings, backtest=result, reference=reference
    )


def ablation_figure(result: Ablation) -> go.Figure:
    """Horizontal MAE bars per variant, the full ConvLSTM marked, lowest on top."""
    data = result.summary["mae"].astype(float).sort_values(ascending=False)
    colors = []
    for name in data.index:
        if name == result.reference:
            colors.append("#d62728")
        elif name == "plain LSTM":
            colors.append("#1f77b4")
        elif name.startswith("ConvLSTM k="):
            colors.append("#f4a3a3")
        else:
            colors.append("#999999")
    fig = go.Figure(
        go.Bar(
            x=data.to_numpy(),
            y=[str(n) for n in data.index],
            orientation="h",
            marker={"color": colors},
            text=[f"{v:,.4g}" for v in data.to_numpy()],
            textposition="auto",
            hovertemplate="%{y}: MAE %{x:,.4g}<extra></extra>",
        )
    )
    fig.update_xaxes(title="MAE on the backtest folds (lower is better)")
    fig.update_layout(
        template="plotly_white",
        height=80 + 38 * len(data),
        showlegend=False,
        margin={"l": 10, "r": 20, "t": 20, "b": 40},
    )
    return fig
