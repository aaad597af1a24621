"""Figures of the moving-blob demo (``convlstm.moving_blob``): animation and loss."""

from __future__ import annotations

from typing import TYPE_CHECKING

import plotly.graph_objects as go
from plotly.subplots import make_subplots

if TYPE_CHECKING:  # the demo needs torch; its figures do not
    from ..moving_blob import BlobDemo

__all__ = ["blob_animation", "blob_loss_figure"]


def blob_animation(demo: BlobDemo, *, duration_ms: int = 300) -> go.Figure:
    """Truth, one-step and free-running predictions side by side, with a play button.

    Args:
        demo: from :func:`run_blob_demo`.
        duration_ms: milliseconds per frame when playing.
    """
    truth, one, roll = demo.truth, demo.one_step, demo.rollout
    n = len(one)
    titles = (
        "truth",
        "prediction from the true frames",
        f"on its own after frame {demo.context}",
    )

    def label(t: int) -> str:
        own = "" if t < demo.context - 1 else " (right: running on its own)"
        return f"frame {t + 2} of {n + 1}{own}"

    def traces(t: int) -> list[go.Heatmap]:
        common = {
            "zmin": 0,
            "zmax": 1,
            "colorscale": "Viridis",
            "showscale": False,
            "hovertemplate": "%{z:.2f}<extra></extra>",
        }
        return [
            go.Heatmap(z=truth[t + 1], **common),
            go.Heatmap(z=one[t], **common),
            go.Heatmap(z=roll[t], **common),
        ]

    fig = make_subplots(rows=1, cols=3, subplot_titles=titles, horizontal_spacing=0.04)
    for col, trace in enumerate(traces(0), start=1):
        fig.add_trace(trace, row=1, col=col)
    fig.frames = [
        go.Frame(
            data=traces(t),
            traces=[0, 1, 2],
            name=str(t),
            layout={"title": {"text": label(t)}},
        )
        for t in range(n)
    ]
    still = {"frame": {"duration": 0, "redraw": True}, "mode": "immediate"}
    play = {
        "frame": {"duration": duration_ms, "redraw": True},
        "fromcurrent": True,
        "transition": {"duration": 0},
    }
    fig.update_layout(
        title={"text": label(0), "x": 0.5, "xanchor": "center"},
        template="plotly_white",
        height=400,
        margin={"l": 10, "r": 10, "t": 80, "b": 70},
        updatemenus=[
            {
                "type": "buttons",
                "direction": "left",
                "x": 0,
                "y": -0.05,
                "xanchor": "left",
                "yanchor": "top",
                "showactive": False,
                "pad": {"t": 10, "r": 10},
                "buttons": [
                    {"label": "Play", "method": "animate", "args": [None, play]},
                    {"label": "Pause", "method": "animate", "args": [[None], still]},
                ],
            }
        ],
        sliders=[
            {
                "active": 0,
                "x": 0.18,
                "len": 0.82,
                "y": -0.02,
                "yanchor": "top",
                "currentvalue": {"visible": False},
                "pad": {"t": 10},
                "steps": [
                    {
                        "args": [[str(t)], still],
                        "label": str(t + 2),
                        "method": "animate",
                    }
                    for t in range(n)
                ],
            }
        ],
    )
    fig.update_xaxes(showticklabels=False, showgrid=False, constrain="domain")
    fig.update_yaxes(
        showticklabels=False, showgrid=False, autorange="reversed", constrain="domain"
    )
    for col in (1, 2, 3):
        fig.update_yaxes(scaleanchor=f"x{'' if col == 1 else col}", row=1, col=col)
    return fig


def blob_loss_figure(demo: BlobDemo) -> go.Figure:
    """Training MSE per step (log scale)."""
    fig = go.Figure(
        go.Scatter(
            x=list(range(1, len(demo.losses) + 1)),
            y=demo.losses,
            mode="lines",
            line={"color": "#d55e00"},
            hovertemplate="step %{x}: MSE %{y:.4f}<extra></extra>",
        )
    )
    fig.update_xaxes(title="training step")
    fig.update_yaxes(title="MSE", type="log", dtick=1, tickformat=".3g")
    fig.update_layout(
        template="plotly_white",
        height=260,
        margin={"l": 50, "r": 20, "t": 20, "b": 40},
    )
    return fig
