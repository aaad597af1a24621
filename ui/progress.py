"""Training progress on screen: one throttled progress bar, a per-epoch callback for
simple fits, and the compare page's live job panel (bar, queue place and wait, Stop
button, loss chart).

Library callbacks can fire hundreds of times a second; redrawing a widget that
often slows training down, so every redraw here is throttled.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import streamlit as st

from convlstm import plots
from convlstm.narrative import epoch_text

BAR_EVERY = 0.2  # seconds between progress-bar redraws (5 a second)


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
            epoch / max(epochs, 1),
            f"{what}: {epoch_text(epoch, epochs)}",
            force=epoch == epochs,
        )

    return report


def event_text(event: Any) -> str:
    """Caption of a ``ProgressEvent``: ``"ConvLSTM · fold 1/3 · epoch 4/100"``."""
    step = f" · {epoch_text(event.epoch, event.epochs)}" if event.epoch else ""
    return f"{event.model} · {event.stage}{step}"


def wait_text(
    position: int, wait: float | None, elapsed: float = 0.0, networks: bool = True
) -> str:
    """Caption of a job's place: ``"2 runs ahead of yours · about 1 min"``; a
    running job's time left is said as at most that (its progress counts epochs
    to the limit) when it trains ``networks``, else as about that; a running job
    without an estimate says how long it has run (a heavy net can spend minutes
    in its first epoch: the time shows it is alive)."""
    about = "" if wait is None else f" · about {_duration(wait)}"
    if position > 1:
        return f"Waiting: {position - 1} runs ahead of yours{about} until it starts"
    if position == 1:
        return f"Waiting: yours starts next{about}"
    if wait is not None and not networks:
        return f"Training ·{about[2:]} left"
    if wait is not None:
        # progress counts a network's epochs up to its limit and early stopping
        # often ends it sooner: the time left is a bound more than a guess
        early = "a network that stops early ends sooner"
        return f"Training · at most{about[2:]} left ({early})"
    return f"Training · {_duration(elapsed)} so far" if elapsed >= 1 else "Training"


def _duration(seconds: float) -> str:
    if seconds < 90:
        return f"{max(int(round(seconds)), 1)} s"
    return f"{int(round(seconds / 60))} min"


def _fit_of(event: Any) -> str:
    """The fit an event belongs to: its model and stage, and the part of that
    stage's run (the default ConvLSTM checks both starts, then fits: "checking
    the scratch start") when its epoch names one."""
    part = getattr(event.epoch, "fit", "")
    return " · ".join(p for p in (event.model, event.stage, part) if p)


def current_curve(events: list[Any]) -> tuple[str, list[dict]]:
    """The loss curve of the fit the last event belongs to: its name and one
    ``epoch, train_loss, val_loss`` dict per epoch, numbered within that fit (a
    stage of several fits in a row counts its epochs on across them, for the
    progress bar; one curve over them jumped from one fit's end to the next
    fit's start)."""
    if not events:
        return "", []
    fit = _fit_of(events[-1])
    curve: list[dict] = []
    for event in reversed(events):
        if _fit_of(event) != fit:
            break
        if event.epoch is not None and event.train_loss is not None:
            within = getattr(event.epoch, "within", 0) or int(event.epoch)
            curve.append(
                {
                    "epoch": within,
                    "train_loss": event.train_loss,
                    "val_loss": event.val_loss,
                }
            )
    return fit, curve[::-1]


class JobPanel:
    """A job's live panel, drawn whole at each poll: bar, queue place, Stop, chart.

    Args:
        device: where the neural models train, for the first caption.
        data: the data the job trains on, named on the bar (the user may have
            chosen other data since).
        networks: whether the job trains a network (its time left is then a
            bound: early stopping ends it sooner).
    """

    def __init__(
        self, device: str, data: str | None = None, networks: bool = True
    ) -> None:
        self.device = device
        self.data = data
        self.networks = networks

    def show(self, job: Any, position: int, wait: float | None) -> bool:
        """Draw ``job`` (a ``convlstm.executor.Job``); True when Stop was pressed."""
        with st.container(border=True):
            top, stop_col = st.columns([4, 1], vertical_alignment="center")
            events = job.events
            text = (
                event_text(events[-1])
                if events
                else f"Starting on {self.device.upper()}..."
            )
            if self.data:
                text = f"{self.data}: {text}"
            top.progress(min(max(job.fraction, 0.0), 1.0), text=text)
            top.caption(wait_text(position, wait, job.seconds, self.networks))
            stop = stop_col.button(
                "Stop training",
                icon=":material/stop:",
                key="stop_training",
                help="Stop training now; results of this run are discarded.",
                width="stretch",
            )
            fit, curve = current_curve(events)
            if len(curve) > 1:
                st.plotly_chart(plots.loss_figure({fit: curve}), key="live_loss")
        return stop
