"""Figures of the "How it works" explanations (``convlstm.explain``), never rendered.

The window and its frames, the pipeline (Graphviz), gates and states, receptive
fields, saliency, the parts of a forecast, the ablation bars and the pretrained
network's forecasts.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ..data import freq_of
from . import closed_times, open_only

if TYPE_CHECKING:  # the explanations need torch; their figures do not
    from ..explain import Ablation, GateTrace, Window

__all__ = [
    "ablation_figure",
    "forecast_parts_figure",
    "frames_figure",
    "gates_figure",
    "pipeline_dot",
    "pretrained_figure",
    "receptive_field_figure",
    "saliency_figure",
    "window_figure",
]

_GATE_SCALE = "Viridis"
_STATE_SCALE = "RdBu"


def date_format(index: pd.DatetimeIndex) -> str:
    """``strftime`` format for the timestamps of ``index``: with the time of day
    only when the steps are shorter than a day."""
    if len(index) > 1 and (index[1] - index[0]) < pd.Timedelta(days=1):
        return "%Y-%m-%d %H:%M"
    return "%Y-%m-%d"


def window_figure(y: pd.Series, window: Window) -> go.Figure:
    """The series with the lookback window and the span it forecasts shaded
    (the times of the week it is closed, ``y.attrs["closed"]``, as gaps)."""
    shown = open_only(y)
    fig = go.Figure(
        go.Scatter(
            x=shown.index,
            y=shown.to_numpy(),
            mode="lines",
            name=str(y.name or "value"),
            line={"color": "#444444", "width": 1.5},
        )
    )
    fig.add_vrect(
        x0=window.dates[0],
        x1=window.dates[-1],
        fillcolor="#0072b2",
        opacity=0.15,
        line_width=0,
        annotation_text="lookback window",
        annotation_position="top left",
    )
    fig.add_vrect(
        x0=window.dates[-1],
        x1=window.future[-1],
        fillcolor="#d55e00",
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
    return closed_times(fig, freq_of(y.index))


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


_GATE_ROWS = (
    ("i", "input gate i", _GATE_SCALE, (0.0, 1.0)),
    ("f", "forget gate f", _GATE_SCALE, (0.0, 1.0)),
    ("o", "output gate o", _GATE_SCALE, (0.0, 1.0)),
    ("c", "cell state c", _STATE_SCALE, None),
    ("h", "hidden state h", _STATE_SCALE, None),
)


#: The narrowest colour range of a gate's heatmap row.
GATE_RANGE = 0.1


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
            # at least GATE_RANGE wide: a gate that hardly moves stays one colour
            pad = max((GATE_RANGE - (hi - lo)) / 2, (hi - lo) * 0.05)
            lo, hi = lo - pad, hi + pad
            if lo < bounds[0]:
                lo, hi = bounds[0], min(bounds[1], hi + bounds[0] - lo)
            if hi > bounds[1]:
                lo, hi = max(bounds[0], lo - (hi - bounds[1])), bounds[1]
            ranges[key] = (lo, hi)
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
    fig.update_annotations(font_size=13)
    # the row titles read across, not turned on their side (a projector's
    # audience reads them from the back of the room)
    fig.for_each_annotation(
        lambda a: (
            a.update(textangle=0, xanchor="left", align="left")
            if a.textangle == 90
            else None
        )
    )
    fig.update_layout(
        template="plotly_white",
        height=130 * len(_GATE_ROWS) + 40,
        margin={"l": 10, "r": 130, "t": 40, "b": 10},
    )
    return fig


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
        window.dates[window.image_start :].strftime(date_format(window.dates)),
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
                colorscale=[[0, "#eef1f5"], [1, "#d55e00"]],
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
            marker={"color": "#d55e00"},
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
            marker={"color": "#0072b2"},
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


def forecast_parts_figure(
    parts: pd.DataFrame, window: Window, closed: Any = None
) -> go.Figure:
    """Top: the window, its level and the forecast; bottom: each path's share.

    The bottom bars stack (positive up, negative down) to ``forecast - level``.

    Args:
        closed: the times of the week the series is closed (its
            ``attrs["closed"]``), left out of the window and the forecast.
    """
    raw = open_only(pd.Series(window.raw, index=window.dates), closed)
    if closed:
        parts = parts.apply(lambda column: open_only(column, closed))
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
            x=raw.index,
            y=raw.to_numpy(dtype=float),
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
                marker={"color": "#009e73", "size": 8, "symbol": "x"},
            ),
            row=1,
            col=1,
        )
    names = {
        "anchor": ("anchor", "#e69f00"),
        "ar_skip": ("AR skip", "#cc79a7"),
        "convlstm": ("ConvLSTM head", "#d55e00"),
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


def ablation_figure(result: Ablation) -> go.Figure:
    """Horizontal MAE bars per variant, the full ConvLSTM marked, lowest on top."""
    data = result.summary["mae"].astype(float).sort_values(ascending=False)
    colors = []
    for name in data.index:
        if name == result.reference:
            colors.append("#d55e00")
        elif name == "plain LSTM":
            colors.append("#0072b2")
        elif name.startswith("ConvLSTM k="):
            colors.append("#f2b98c")
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


def pipeline_dot(table: pd.DataFrame, *, rankdir: str = "TB") -> str:
    """A Graphviz (DOT) drawing of the pipeline table: boxes, shapes, skip arrows.

    The AR skip and the anchor branch off the input window and join at the sum
    (dashed arrows).

    Args:
        table: from :func:`convlstm.explain.pipeline_table`.
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
                f'  {main[pos - 2]} -> {node} [style=dashed, color="#009e73", '
                'label="residual"];'
            )
    if side:
        for node in side:
            lines.append(f'  {main[0]} -> {node} [style=dashed, label="skip"];')
            lines.append(f"  {node} -> {main[-1]} [style=dashed];")
    lines.append("}")
    return "\n".join(lines)


def pretrained_figure(
    y: pd.Series, forecasts: dict[str, pd.Series], *, context: int = 48
) -> go.Figure:
    """The last window of ``y`` held out, and forecasts of it side by side.

    Args:
        y: the whole series; the forecasts cover its last steps.
        forecasts: forecast series by label (e.g. "zero-shot", "fine-tuned"),
            indexed by timestamps inside ``y``'s index.
        context: how many steps before the forecasts to draw.
    """
    first = min(f.index[0] for f in forecasts.values())
    start = max(0, int(y.index.get_loc(first)) - context)
    closed = y.attrs.get("closed")  # the times of the week it is closed: gaps
    shown = open_only(y.iloc[start:], closed)
    forecasts = {k: open_only(f, closed) for k, f in forecasts.items()}
    fig = go.Figure(
        go.Scatter(
            x=shown.index,
            y=shown.to_numpy(dtype=float),
            mode="lines",
            name="actual",
            line={"color": "#000000", "width": 1.5},
        )
    )
    styles = ("#0072b2", "#d55e00", "#009e73", "#e69f00")
    dashes = ("dot", "solid", "dash", "dashdot")
    for i, (label, forecast) in enumerate(forecasts.items()):
        fig.add_trace(
            go.Scatter(
                x=forecast.index,
                y=forecast.to_numpy(dtype=float),
                mode="lines+markers",
                name=html.escape(str(label), quote=False),
                line={"color": styles[i % 4], "dash": dashes[i % 4], "width": 2},
                marker={"size": 4},
            )
        )
    fig.add_vline(x=first, line={"color": "#888888", "dash": "dot", "width": 1})
    fig.update_layout(
        template="plotly_white",
        hovermode="x unified",
        margin={"l": 50, "r": 20, "t": 20, "b": 40},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
        yaxis_title=html.escape(str(y.name or "value"), quote=False),
    )
    return closed_times(fig, freq_of(y.index))
