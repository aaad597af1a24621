"""Plain sentences about an explained model, built from its numbers.

The teaching page shows them as they are (Markdown emphasis only), so that the
numbers and the words that state them come from one place.
"""

from __future__ import annotations

import pandas as pd

from ..data.cells import plural
from ..models.neural import FINE_TUNE_LR_FACTOR, FINE_TUNE_STEPS, ConvLSTMForecaster
from .inside import GateTrace
from .subject import Subject

__all__ = [
    "fine_tune_text",
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
        _season_adjust_text(subject)
        + "The window is normalised (minus the mean of its last season, divided by "
        f"its typical one-step change) and cut into **rows of {net.width} steps**"
        f"{season}. Stacked, the rows form an image of {net.rows} x {net.width}: "
        "along a row you move in time, down a column you see the *same phase* in "
        f"successive seasons. A frame is **{plural(net.frame_rows, 'row')}** "
        f"(consecutive); sliding one row at a time gives "
        f"**{plural(net.n_frames, 'frame')}** that the ConvLSTM reads "
        + (
            "like a short film (hover to see each cell's date)."
            if net.n_frames > 1
            else "in one step: with a single frame the cell's memory carries nothing "
            "from frame to frame, so here it works as a convolution (a longer "
            "series gives more frames)."
        )
    )


def _season_adjust_text(subject: Subject) -> str:
    """The sentence on the season a pretrained start divided out ("" if none)."""
    model = subject.model
    adjust = None if model is None else model.season_adjustment()
    if adjust is None:
        return ""
    how = "divided out" if adjust.kind == "multiplicative" else "subtracted"
    back = "multiplied" if adjust.kind == "multiplicative" else "added"
    return (
        "First the series' season is "
        f"**{how}** ({len(adjust.indices)} seasonal indices of a classical "
        "decomposition of the whole series, as the Theta method "
        "does): the pretrained network reads the rest, and the season is "
        f"{back} back into its forecast. "
    )


def training_text(subject: Subject) -> str:
    """Which epoch's weights were kept and why training stopped ("" if untrained);
    for a model that started from the pretrained network, what its fine-tuning did
    and, where that network averages several nets, which of them is shown."""
    model = subject.model
    if model is not None and getattr(model, "start_", None) == "pretrained":
        text = f" {fine_tune_text(model)}"
        if subject.members > 1:
            text += (
                f" The pretrained network is {subject.members} nets of one shape, "
                "trained apart, and forecasts their mean; the loss curves are "
                "the mean's, and the gates, saliency and forecast parts below are "
                "the first net's, with its own forecast."
            )
        return text
    if not subject.history:
        return ""
    kept = subject.best_epoch
    shown = subject.shown_epoch
    if shown is not None:
        forecaster = (
            "its start (no epoch beat it on the validation windows)"
            if kept == 0
            else f"epoch {kept}'s (best validation loss)"
        )
        text = (
            f" Shown: the weights of the last epoch, {shown}, not the ones the "
            f"forecaster keeps, which are {forecaster}; the forecast below is "
            "this network's."
        )
    elif kept == 0:
        text = (
            " No epoch beat the starting point on the validation windows, so "
            "the weights kept are the start: the AR skip solved by ridge "
            "regression plus the anchor. The ConvLSTM path is untrained: its "
            "output layer is still zero, so it adds nothing to the forecast, and "
            "the gates below are those of its random first weights. To look "
            "inside a network that trained, look at the last epoch's weights."
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


def fine_tune_text(model: ConvLSTMForecaster) -> str:
    """What a pretrained ConvLSTM's fine-tuning did, read off its loss history:
    how long it trained, which epoch's weights were kept, or that the pretrained
    weights were kept (Markdown)."""
    origin = getattr(model, "start_", None)
    if origin == "both":  # the pretrained half of a forecast of both starts
        model = getattr(model, "partner_", model)
    elif origin == "scratch":
        return (
            "Trained from scratch: no pretrained network was fine-tuned for this "
            "forecast."
        )
    history = list(getattr(model, "history_", None) or [])
    if not getattr(model, "fine_tune", False):
        return "Zero-shot: the pretrained weights forecast as they are, untrained."
    if not history:
        return (
            "The series is too short to hold a training window before its "
            "validation window, so fine-tuning had nothing to train on and the "
            "pretrained weights were kept."
        )
    start = getattr(model, "start_loss_", None)
    kept = int(getattr(model, "best_epoch_", 0) or 0)
    text = (
        f"Fine-tuning trained for **{plural(len(history), 'epoch')}** (at most "
        f"{FINE_TUNE_STEPS} steps, at {FINE_TUNE_LR_FACTOR:g} x the learning rate) "
        "on the windows before the validation window, the last stretch of the "
        "points it was given. Loss: the mean absolute error in units of each "
        "window's typical step-to-step change (1 = an error as large as that "
        "change); epoch 0 is the pretrained network as shipped."
    )
    if kept == 0:
        best = f" ({start:.3g})" if start is not None else ""
        return text + (
            " **No epoch beat the pretrained weights' validation loss"
            f"{best}, so the pretrained weights were kept**: the fine-tuned "
            "forecast is the zero-shot one."
        )
    row = next((r for r in history if r.get("epoch") == kept), {})
    loss = row.get("val_loss")
    versus = (
        f" ({loss:.3g}, against {start:.3g} at epoch 0)"
        if loss is not None and start is not None
        else ""
    )
    return text + (
        f" **The weights of epoch {kept} were kept**: the lowest validation "
        f"loss{versus}."
    )


def gates_text(trace: GateTrace) -> str:
    """How to read the gate heatmaps, and how exactly they match the model."""
    return (
        "A gate near 1 lets information through, near 0 blocks it. Each row "
        "has its own colour range, written beside it (a gate's at least 0.1 "
        "wide): in the gate rows yellow is the top of that range and purple its "
        "bottom; in the cell and hidden states, centred on 0, blue is above 0, "
        "red below and white near it. Read the numbers, not the colour alone. "
        "Taken from the forward pass that made "
        "the forecast: the cell equations applied to these gates give back the "
        "network's own states"
        + (
            f", to within {error:.1e} (round-off)."
            if (error := max(trace.max_error, trace.forecast_error)) > 0
            else " exactly."
        )
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
        "the ConvLSTM head. It gets no anchor: "
        + (
            "the series has no season, and the level is steadier than its "
            "last value. Of the "
            if getattr(subject.model, "season_length_", 1) <= 1
            else "on the last training windows the linear part forecast "
            "better without the same season a cycle back (a seasonally "
            "adjusted series moves on from its level). Of the "
        )
        + "forecast's movement away from the level, the AR skip makes "
        f"{shares['ar_skip']:.0%} and the ConvLSTM "
        f"{shares['convlstm']:.0%} in this window."
    )
