"""Training progress on screen: one throttled progress bar, the compare page's live
panel (bar, Stop button, loss chart) and a per-epoch callback for simple fits.

Library callbacks can fire hundreds of times a second; redrawing a widget that
often slows training down, so every redraw here is throttled.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import streamlit as st

from convlstm import plots

BAR_EVERY = 0.2  # seconds between progress-bar redraws (5 a second)
CHART_EVERY = 1.0  # seconds between live loss-chart redraws


class Throttle:
    """Says yes at most once every ``seconds`` (monotonic clock), or when forced."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._last = float("-inf")

    def __call__(self, force: bool = False) -> bool:
        now = time.monotonic()
        if force or now - self._last >= self.seconds:
            self._last = now
            return True
        return False


class ProgressBar:
    """A ``st.progress`` bar redrawn at most every ``every`` seconds.

    Args:
        text: the bar's first caption.
        where: the container to draw it in (default: the page).
        every: seconds between redraws.
    """

    def __init__(self, text: str, where: Any = None, every: float = BAR_EVERY):
        self.bar = (where or st).progress(0.0, text=text)
        self._due = Throttle(every)

    def update(self, fraction: float, text: str, *, force: bool = False) -> None:
        """Move the bar to ``fraction`` (clipped to 0..1) with caption ``text``;
        skipped when the last redraw was too recent, unless ``force``."""
        if self._due(force):
            self.bar.progress(min(max(float(fraction), 0.0), 1.0), text=text)

    def empty(self) -> None:
        """Remove the bar."""
        self.bar.empty()


def epoch_callback(bar: ProgressBar, what: str) -> Callable[..., None]:
    """A neural model's per-epoch ``callback(epoch, epochs, train_loss, val_loss)``
    that moves ``bar``; the last epoch always shows."""

    def report(epoch: int, epochs: int, train_loss: float, val_loss=None) -> None:
        bar.update(
            epoch / max(epochs, 1), f"{what}: epoch {epoch}", force=epoch == epochs
        )

    return report


def event_text(event: Any) -> str:
    """Caption of a ``ProgressEvent``: ``"ConvLSTM · fold 1/3 · epoch 4/100"``."""
    step = f" · epoch {event.epoch}/{event.epochs}" if event.epoch else ""
    return f"{event.model} · {event.stage}{step}"


class TrainingPanel:
    """The compare page's live panel: progress bar, Stop button, loss chart.

    Call it as ``compare``'s ``progress`` callback. Pressing Stop reruns the page,
    which ends the running script; the page then reports the interruption.

    Args:
        device: where the neural models train, for the first caption.
    """

    def __init__(self, device: str) -> None:
        with st.container(border=True):
            top, stop_col = st.columns([5, 1], vertical_alignment="center")
            self.bar = ProgressBar(f"Starting on {device.upper()}...", where=top)
            stop_col.button(
                "Stop training",
                icon=":material/stop:",
                key="stop_training",
                help="Stop training now; results of this run are discarded.",
                width="stretch",
            )
            self._chart = st.empty()
        self._chart_due = Throttle(CHART_EVERY)
        self._fit = ""
        self._curve: list[dict] = []  # the current fit's losses, for the chart

    def __call__(self, event: Any) -> None:  # event: convlstm.training.ProgressEvent
        fit = f"{event.model} · {event.stage}"
        if fit != self._fit:
            self._curve.clear()
            self._fit = fit
        if event.epoch is not None and event.train_loss is not None:
            self._curve.append(
                {
                    "epoch": event.epoch,
                    "train_loss": event.train_loss,
                    "val_loss": event.val_loss,
                }
            )
        self.bar.update(event.fraction, event_text(event))
        if len(self._curve) > 1 and self._chart_due():
            self._chart.plotly_chart(plots.loss_figure({fit: list(self._curve)}))
