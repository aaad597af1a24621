"""The model to explain and one window of its series, as the net sees it."""

from __future__ import annotations

import copy
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import torch

from ..errors import ParameterError
from ..models.neural import ConvLSTMForecaster
from ..nn import ConvLSTMNet, member_nets
from ..plots.explain import date_format
from ..windows import normalise

__all__ = [
    "SUBJECT_WEIGHTS",
    "Subject",
    "Window",
    "make_window",
    "subject_from_model",
    "subject_from_params",
    "to_data_units",
    "train_subject",
]

log = logging.getLogger(__name__)

_CPU = torch.device("cpu")


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
        model: the forecaster that built (and maybe trained) ``net``; its
            transform takes values to the units the net works in.
        shown_epoch: the epoch whose weights ``net`` holds when they are not the
            kept ones (:func:`train_subject` with ``weights="last"``), else None.
        members: the nets whose mean the model forecasts (a pretrained ensemble);
            ``net`` is the first of them.
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
    model: ConvLSTMForecaster | None = None
    shown_epoch: int | None = None
    members: int = 1


def _model_subject(model: ConvLSTMForecaster, y: pd.Series, fitted: bool) -> Subject:
    if model.__dict__.get("partner_") is not None:
        # a model that forecasts the mean of both starts is explained by its own
        # network (the one trained from scratch): its forecasts, not the mean
        model = copy.copy(model)
        del model.__dict__["partner_"]
    net = model.net_.to(_CPU).eval()
    members = member_nets(net)
    if len(members) > 1:
        # a pretrained ensemble forecasts the mean of its nets, which share one
        # shape: what happens inside is shown for the first of them
        net = members[0]
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
        model=model,
        members=len(members),
    )


def _forecaster(params: dict[str, Any] | None) -> ConvLSTMForecaster:
    """A ConvLSTMForecaster with the known names of ``params`` (others ignored)."""
    accepted = ConvLSTMForecaster().get_params()
    return ConvLSTMForecaster(
        **{k: v for k, v in (params or {}).items() if k in accepted}
    )


def subject_from_params(y: pd.Series, **params: Any) -> Subject:
    """An untrained net built exactly as :meth:`ConvLSTMForecaster.fit` builds it.

    :meth:`ConvLSTMForecaster.build` runs the set-up of a real fit on ``y`` (the
    same lookback rule, season, pooling and anchor) and stops before training:
    freshly initialised weights (seeded by ``seed``).

    Args:
        y: the series (regular DatetimeIndex).
        **params: ConvLSTMForecaster hyperparameters (unknown names are ignored).

    Raises:
        DataError: the series is too short or unusable.
        ParameterError: an unusable setting.
    """
    model = _forecaster(params).build(y)
    return _model_subject(model, y, fitted=False)


def subject_from_model(model: ConvLSTMForecaster, y: pd.Series) -> Subject:
    """Wrap a fitted ConvLSTMForecaster (e.g. from a comparison) and its series.

    A model that kept both starts (``start_`` "both": the (weighted) mean of the network
    trained from scratch and the pretrained one) is explained by the network
    trained from scratch, with that network's own forecasts.

    Raises:
        ParameterError: ``model`` is not a fitted ConvLSTM forecaster.
    """
    if not isinstance(model, ConvLSTMForecaster) or not model.is_fitted:
        raise ParameterError("need a fitted ConvLSTM forecaster to look inside")
    return _model_subject(model, y, fitted=True)


#: What :func:`train_subject` can show: the weights the forecaster keeps, or
#: the last epoch's.
SUBJECT_WEIGHTS = ("kept", "last")


def train_subject(
    y: pd.Series,
    *,
    params: dict[str, Any] | None = None,
    callback: Callable[[int, int, float, float | None], bool | None] | None = None,
    weights: str = "kept",
) -> Subject:
    """Train a ConvLSTMForecaster on ``y`` and wrap it for inspection.

    Args:
        y: the series.
        params: ConvLSTMForecaster hyperparameters (unknown names are ignored).
        callback: per-epoch ``callback(epoch, epochs, train_loss, val_loss)``;
            True stops training early (the best weights so far are kept).
        weights: "kept": the weights the forecaster keeps (the best epoch on the
            validation windows, or its start when no epoch beat it); "last": a
            network trained from scratch, with the weights of its last epoch
            (``shown_epoch``), so that one can look inside a network that trained
            even where the forecaster would keep its untrained start.

    Raises:
        ParameterError: ``weights`` is neither.
    """
    if weights not in SUBJECT_WEIGHTS:
        raise ParameterError(
            f"weights must be one of {SUBJECT_WEIGHTS}, got {weights!r}"
        )
    model = _forecaster(params)
    if weights == "kept":
        return subject_from_model(model.fit(y, callback=callback), y)
    model.set_params(init="scratch")  # one network, trained on y
    last: dict[str, Any] = {}

    def watch(epoch: int, epochs: int, *losses: Any) -> bool | None:
        # the training loop calls back after each finite epoch
        last["epoch"] = epoch
        last["state"] = copy.deepcopy(model.net_.state_dict())
        return callback(epoch, epochs, *losses) if callback else None

    model.fit(y, callback=watch)
    if "state" in last:
        model.net_.load_state_dict(last["state"])
    subject = subject_from_model(model, y)
    subject.shown_epoch = last.get("epoch")
    return subject


@dataclass
class Window:
    """One lookback window as the net sees it.

    Attributes:
        dates: the ``L`` timestamps of the window.
        raw: the ``L`` values in the series' units.
        x: the normalised values the net reads, ``(L,)``.
        loc: the window's location (mean of its last season), in the model's
            working units (the log of the values when its transform is "log").
        scale: the window's scale (mean absolute one-step change), likewise.
        frames: the frame sequence ``(T, R, W)`` (normalised values).
        frame_dates: the timestamp of every frame cell, ``(T, R, W)`` strings.
        image_start: position in the window of the image's first value (the
            frames use the last ``rows * width`` values).
        future: the timestamps the forecast from this window covers.
        actual: the true values there (NaN past the end of the data).
        end: the window's end in the series (the position of the first
            forecast step).
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
    end: int


def to_data_units(subject: Subject, window: Window, values: np.ndarray) -> np.ndarray:
    """Net outputs for ``window`` (normalised units) in the series' units.

    Undoes the window's normalisation and the model's transform (and the season
    a pretrained start divided out), as ``predict`` does: for the last window this
    is the model's forecast.
    """
    work = np.asarray(values, dtype=np.float64) * window.scale + window.loc
    if subject.model is None:
        return work
    return subject.model.untransform_values(work, start=window.end)


def make_window(subject: Subject, end: int | None = None) -> Window:
    """Cut the window ending at position ``end`` (exclusive) and frame it.

    Args:
        subject: the net and series.
        end: window end, ``lookback <= end <= len(y)``; None = the last window,
            the one the forecast beyond the data is made from.

    Raises:
        ParameterError: ``end`` leaves no full window.
    """
    y = subject.y
    n, lookback = len(y), subject.lookback
    end = n if end is None else int(end)
    if not lookback <= end <= n:
        raise ParameterError(
            f"the window must end between {lookback} and {n}, got {end}"
        )
    raw = y.to_numpy(dtype=np.float64)[end - lookback : end].copy()
    work = raw if subject.model is None else subject.model.transform_values(raw, end)
    x, loc, scale = normalise(torch.from_numpy(work)[None, :], subject.norm_period)
    net = subject.net
    image_start = lookback - net.rows * net.width
    with torch.no_grad():
        frames = net.frames(x.float())[0, :, 0].numpy()  # (T, R, W)
    dates = y.index[end - lookback : end]
    labels = np.asarray(dates.strftime(date_format(dates)), dtype=object)
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
        end=end,
    )
