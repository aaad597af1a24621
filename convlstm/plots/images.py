"""Figures of the image classifier (``convlstm.images``): confusion, examples, loss."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

if TYPE_CHECKING:  # the classifier needs torch; its figures do not
    from ..images import ClassifierResult

__all__ = ["confusion_figure", "examples_figure", "image_loss_figure"]

_RIGHT, _WRONG = "#009e73", "#d55e00"


def confusion_figure(result: ClassifierResult) -> go.Figure:
    """Heatmap of the test confusion matrix: rows true class, columns predicted.

    Cells show counts; the colour is the share of the true class (row), so a
    rare class's mistakes show as clearly as a common one's.
    """
    counts = result.confusion
    totals = counts.sum(axis=1, keepdims=True)
    share = np.divide(counts, totals, out=np.zeros(counts.shape), where=totals > 0)
    names = list(result.class_names)
    fig = go.Figure(
        go.Heatmap(
            z=share,
            x=names,
            y=names,
            text=counts,
            texttemplate="%{text}",
            colorscale="Blues",
            zmin=0,
            zmax=1,
            colorbar={"title": "share of row", "tickformat": ".0%"},
            hovertemplate=(
                "true %{y}, predicted %{x}: %{text} images "
                "(%{z:.1%} of true %{y})<extra></extra>"
            ),
        )
    )
    fig.update_xaxes(title="predicted class", type="category", side="bottom")
    fig.update_yaxes(title="true class", type="category", autorange="reversed")
    fig.update_layout(
        template="plotly_white",
        height=420,
        margin={"l": 60, "r": 20, "t": 20, "b": 50},
    )
    return fig


def examples_figure(
    result: ClassifierResult, *, count: int = 12, mistakes: bool = False
) -> go.Figure:
    """Test images with their predicted and true labels (wrong ones in red).

    Args:
        result: from :func:`convlstm.images.train_classifier`.
        count: images to show (at most the examples the result holds).
        mistakes: show the first images classified wrong instead of the first
            test images.
    """
    picks = [
        j
        for j, i in enumerate(result.example_index)
        if not mistakes or result.predictions[i] != result.labels[i]
    ][:count]
    if not picks:
        fig = go.Figure()
        fig.add_annotation(
            text="no test image was classified wrong", showarrow=False, x=0.5, y=0.5
        )
        fig.update_xaxes(visible=False)
        fig.update_yaxes(visible=False)
        fig.update_layout(template="plotly_white", height=120)
        return fig
    images = result.examples[picks]  # (E, C, H, W) in [0, 1]
    n = len(images)
    cols = min(n, 6)
    rows = -(-n // cols)
    names = result.class_names
    titles = []
    for j in picks:
        i = result.example_index[j]
        pred, true = names[result.predictions[i]], names[result.labels[i]]
        colour = _RIGHT if pred == true else _WRONG
        titles.append(f"<span style='color:{colour}'>{pred}</span> (true {true})")
    fig = make_subplots(
        rows=rows,
        cols=cols,
        subplot_titles=titles,
        horizontal_spacing=0.02,
        vertical_spacing=0.12,
    )
    for i, image in enumerate(images):
        row, col = i // cols + 1, i % cols + 1
        if image.shape[0] == 1:  # grey: dark ink on white, as the digits were drawn
            trace = go.Heatmap(
                z=image[0],
                colorscale="Greys",
                zmin=0,
                zmax=1,
                showscale=False,
                hoverinfo="skip",
            )
        else:
            rgb = (np.clip(image, 0, 1) * 255).astype(np.uint8).transpose(1, 2, 0)
            trace = go.Image(z=rgb, hoverinfo="skip")
        fig.add_trace(trace, row=row, col=col)
    fig.update_xaxes(showticklabels=False, showgrid=False, constrain="domain")
    fig.update_yaxes(
        showticklabels=False, showgrid=False, autorange="reversed", constrain="domain"
    )
    for i in range(n):
        suffix = "" if i == 0 else str(i + 1)
        fig.update_yaxes(scaleanchor=f"x{suffix}", row=i // cols + 1, col=i % cols + 1)
    fig.update_annotations(font_size=12)
    fig.update_layout(
        template="plotly_white",
        height=150 * rows + 30,
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
    )
    return fig


def image_loss_figure(result: ClassifierResult) -> go.Figure:
    """Mean training cross-entropy per epoch (log scale)."""
    epochs = [h["epoch"] for h in result.history]
    losses = [h["train_loss"] for h in result.history]
    fig = go.Figure(
        go.Scatter(
            x=epochs,
            y=losses,
            mode="lines+markers",
            line={"color": _WRONG},
            hovertemplate="epoch %{x}: loss %{y:.4f}<extra></extra>",
        )
    )
    fig.update_xaxes(title="epoch", dtick=1 if len(epochs) <= 20 else None)
    fig.update_yaxes(title="cross-entropy", type="log", dtick=1, tickformat=".3g")
    fig.update_layout(
        template="plotly_white",
        height=260,
        margin={"l": 50, "r": 20, "t": 20, "b": 40},
    )
    return fig
