"""Plain sentences about an explained model, built from its numbers.

The teaching page shows them as they are (Markdown emphasis only), so that the
numbers and the words that state them come from one place.
"""

from __future__ import annotations

import pandas as pd

from .inside import GateTrace
from .subject import Subject

__all__ = [
    "frames_text",
    "gates_text",
    "parts_text",
    "saliency_text",
    "training_text",
]


def frames_text(subject: Subject) -> str:
    """How the window becomes rows, an image and frames (Markdown)."""
    net = subject.net
    season = " - one season per row" if subject.width > 1 else ""
    return (
        "The window is normalised (minus the mean of its last season, divided by "
        f"its typical one-step change) and cut into **rows of {net.width} steps**"
        f"{season}. Stacked, the rows form an image of {net.rows} x {net.width}: "
        "along a row you move in time, down a column you see the *same phase* in "
        f"successive seasons. A frame is **{net.frame_rows} consecutive rows**; "
        f"sliding one row at a time gives **{net.n_frames} frames** that the "
        "ConvLSTM reads like a short film (hover to see each cell's date)."
    )


def training_text(subject: Subject) -> str:
    """Which epoch's weights were kept and why training stopped ("" if untrained)."""
    kept = subject.best_epoch
    if kept == 0:
        text = (
            " No epoch beat the starting point on the validation windows, so "
            "the weights kept are the start: the AR skip solved by ridge "
            "regression and an untrained ConvLSTM path. Try a lower learning "
            "rate."
        )
    elif kept:
        text = f" Weights kept from epoch {kept} (best validation loss)."
    else:
        text = ""
    ran = len(subject.history)
    planned = subject.params.get("epochs")
    if planned and ran < planned:
        text += (
            f" Training stopped after {ran} of {planned} epochs: the "
            "validation loss had stopped improving."
        )
    return text


def gates_text(trace: GateTrace) -> str:
    """How to read the gate heatmaps, and how exactly they match the model."""
    return (
        "Gates near 1 (yellow) let information through, near 0 (purple) "
        "block it. Taken from the forward pass that made the forecast; the cell "
        "equations applied to them give back its states to "
        f"{max(trace.max_error, trace.forecast_error):.1e}."
    )


def saliency_text(frame: pd.DataFrame) -> str:
    """What the saliency bars mean, and the three most influential steps."""
    top = frame["occlusion_share"].nlargest(3)
    return (
        "Gradient x input: how much each step pushes the mean forecast "
        "(share of the total). Occlusion: how far the mean forecast moves "
        "when that step is replaced by the window's level. Most influential "
        "by occlusion: "
        + ", ".join(f"{ts:%Y-%m-%d} ({share:.0%})" for ts, share in top.items())
        + "."
    )


def parts_text(subject: Subject, shares: pd.Series) -> str:
    """The paths that make the forecast and each one's share (from path_shares)."""
    if subject.net.anchor_period > 0:
        return (
            "The forecast is the window's level plus three paths: the "
            "seasonal anchor, the linear AR skip and the ConvLSTM head. Of "
            "the forecast's movement away from the level, the anchor makes "
            f"{shares['anchor']:.0%}, the AR skip {shares['ar_skip']:.0%} "
            f"and the ConvLSTM {shares['convlstm']:.0%} in this window."
        )
    return (
        "The forecast is the window's level (the mean of its last "
        f"{subject.width} values) plus two paths: the linear AR skip and "
        "the ConvLSTM head; a series without a season gets no anchor, "
        "since the level is steadier than its last value. Of the "
        "forecast's movement away from the level, the AR skip makes "
        f"{shares['ar_skip']:.0%} and the ConvLSTM "
        f"{shares['convlstm']:.0%} in this window."
    )
