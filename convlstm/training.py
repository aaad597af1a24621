"""The one training loop for every neural net: optimiser steps, early stopping, the
linear skip's solve, and the guards for non-finite loss and out-of-memory.

The windows it learns from (cut, normalised, split) are owned by
:mod:`convlstm.windows`.
"""

from __future__ import annotations

import contextlib
import copy
import gc
import logging
import math
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import torch
from torch import nn

from .device import compute_context, resolve_device
from .errors import ParameterError, TrainingError
from .nn import member_nets
from .windows import (
    PanelWindows,
    normalised_pairs,
    window_starts,
)

__all__ = [
    "EpochCallback",
    "ProgressEvent",
    "TrainResult",
    "compute_context",
    "init_linear_skip",
    "linear_validation_loss",
    "optimise",
    "resolve_device",
    "train",
    "train_batches",
    "train_weights",
]

logger = logging.getLogger(__name__)

#: ``callback(epoch, epochs, train_loss, val_loss) -> True to stop``
EpochCallback = Callable[[int, int, float, float | None], bool | None]
#: ``on_step(step, loss) -> True to stop`` after every optimisation step
StepCallback = Callable[[int, float], bool | None]

# Share of the windows held out at the end of the series for early stopping.
VAL_FRACTION = 0.2
# Batches in one epoch at most: a long series' epoch stays short.
MAX_BATCHES_PER_EPOCH = 16
# Largest gradient norm of one step.
GRAD_CLIP = 1.0
# Ridge penalties (per window) tried for the linear skip, weakest first.
RIDGE_PENALTIES = tuple(10.0 ** (k / 2) for k in range(-8, 7))  # 1e-4 .. 1e3
# Training windows of a panel the linear skip is solved on at most (drawn as the
# batches are: series first), so a huge panel solves it in bounded time.
RIDGE_MAX_WINDOWS = 200_000
# Normalised targets of a panel's skip solve are clipped to +-RIDGE_TARGET_CLIP
# (see ``init_linear_skip``).
RIDGE_TARGET_CLIP = 30.0


@dataclass
class ProgressEvent:
    """Progress of a comparison, handed to ``compare(progress=...)`` callbacks.

    Attributes:
        model: display name of the model being trained ("ConvLSTM").
        stage: "fold 1/3" or "final".
        fraction: overall progress, 0..1.
        epoch: 1-based epoch just finished, if a neural model is training.
        epochs: the most epochs this fit may run.
        train_loss: mean training loss of the epoch (normalised units).
        val_loss: validation loss of the epoch, if there is a validation split.
    """

    model: str
    stage: str
    fraction: float
    epoch: int | None = None
    epochs: int | None = None
    train_loss: float | None = None
    val_loss: float | None = None


@dataclass
class TrainResult:
    """What a training run did.

    Attributes:
        history: one dict per epoch: ``epoch``, ``train_loss``, ``val_loss``.
        best_epoch: epoch whose weights were kept (1-based).
        stopped_early: training ended before ``epochs`` (patience, callback or a
            non-finite loss).
        seconds: wall time of the run.
        ridge_penalty: penalty of the solved linear skip (None: not solved).
        start_loss: validation loss of the net as it started (the solved skip or
            the pretrained weights: "epoch 0", the loss to beat); None when the
            start is not a baseline or there is no validation split.
        epochs_allowed: the epochs the run could take: ``epochs``, or fewer where
            ``max_steps`` capped them (None: not a forecasting net's run).
    """

    history: list[dict] = field(default_factory=list)
    best_epoch: int = 0
    stopped_early: bool = False
    seconds: float = 0.0
    ridge_penalty: float | None = None
    start_loss: float | None = None
    epochs_allowed: int | None = None


def _is_oom(exc: BaseException) -> bool:
    oom = getattr(torch.cuda, "OutOfMemoryError", ())
    text = str(exc).lower()
    return (
        isinstance(exc, MemoryError | oom)
        or "out of memory" in text
        or "allocate memory" in text  # the CPU allocator: "can't allocate memory"
    )


@contextlib.contextmanager
def _oom_guard(device: torch.device, batch_size: int) -> Iterator[None]:
    """Turn running out of memory into a TrainingError that says what to change."""
    try:
        yield
    except (RuntimeError, MemoryError) as exc:
        if isinstance(exc, TrainingError) or not _is_oom(exc):
            raise
        on_gpu = torch.device(device).type != "cpu"
        raise TrainingError(
            f"out of memory on {device}: use a smaller batch_size (now {batch_size}) "
            + ("or hidden_size, or device='cpu'" if on_gpu else "or hidden_size")
        ) from None


def _diverged(epoch: int, learning_rate: float) -> TrainingError:
    """The error of a NaN or infinite loss, with a learning rate to try."""
    return TrainingError(
        f"training diverged in epoch {epoch}: the loss became NaN or infinite; "
        f"use a lower learning rate (now {learning_rate:g}, try "
        f"{learning_rate / 10:g})"
    )


def init_linear_skip(
    net: nn.Module,
    series: torch.Tensor,
    train_starts: torch.Tensor,
    val_starts: torch.Tensor,
    *,
    lookback: int,
    horizon: int,
    norm_period: int,
    batch_size: int = 4096,
    target_clip: float | None = None,
) -> float | None:
    """Solve the net's linear AR skip (``net.ar``) by ridge regression, in place.

    The skip predicts the normalised target minus the net's seasonal-naive anchor
    (``net.anchor(x)``, if it has one) from the normalised window, i.e. it starts as
    the best linear correction of seasonal naive; gradient descent then trains it
    jointly with the rest of the net. The ridge penalty is picked on the validation
    windows (the shrinkage pulls towards the anchor). ``X'X`` is accumulated batch
    by batch, so memory grows with ``lookback ** 2``, not with the series length.
    ``target_clip`` bounds the normalised targets of the solve (not of the penalty's
    validation): squared error lets a few windows that end flat before a jump (tiny
    scale, huge normalised target) dominate a solve over many series.

    Returns:
        The chosen penalty (relative to the number of windows), or None when the
        net has no skip or the window is too long (> 2048) to solve directly.
    """
    layer = getattr(net, "ar", None)
    if not isinstance(layer, nn.Linear) or lookback > 2048 or len(train_starts) < 2:
        return None
    anchor = getattr(net, "anchor", None)

    def design(
        starts: torch.Tensor, clip: float | None = None
    ) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
        for batch in starts.split(batch_size):
            x, target = normalised_pairs(
                series,
                batch,
                lookback=lookback,
                horizon=horizon,
                norm_period=norm_period,
            )
            base = anchor(x) if callable(anchor) else None
            if base is not None:
                target = target - base
            if clip is not None:
                target = target.clamp(-clip, clip)
            ones = torch.ones(len(x), 1, dtype=x.dtype)
            yield torch.cat([x, ones], dim=1), target

    d = lookback + 1
    xtx = torch.zeros(d, d, dtype=torch.float64)
    xty = torch.zeros(d, horizon, dtype=torch.float64)
    for x, t in design(train_starts, target_clip):
        xtx += x.T @ x
        xty += x.T @ t
    eye = torch.eye(d, dtype=torch.float64)
    eye[-1, -1] = 0.0  # no penalty on the intercept
    n = len(train_starts)
    best = (math.inf, None, None)
    for lam in RIDGE_PENALTIES:
        try:
            w = torch.linalg.solve(xtx + lam * n * eye, xty)
        except RuntimeError:  # singular: try a stronger penalty
            continue
        if not len(val_starts):
            best = (0.0, lam, w)  # no validation: keep the strongest penalty
            continue
        err = sum(float((x @ w - t).abs().sum()) for x, t in design(val_starts))
        if err < best[0]:
            best = (err, lam, w)
    if best[2] is None:
        return None
    with torch.no_grad():
        layer.weight.copy_(best[2][:-1].T.to(layer.weight.dtype))
        layer.bias.copy_(best[2][-1].to(layer.bias.dtype))
    return best[1]


def linear_validation_loss(
    net: nn.Module,
    series: torch.Tensor,
    *,
    lookback: int,
    horizon: int,
    norm_period: int,
    panel: PanelWindows | None = None,
    seed: int = 0,
) -> float:
    """Solve ``net``'s linear skip (in place) and return its validation L1 loss.

    Used to choose between set-ups (e.g. anchor with or without drift) on the end
    of the training data before any gradient step; ``inf`` when there are no
    validation windows. With ``panel`` the windows are the panel's (``series`` is
    then ignored).
    """
    series, train_starts, val_starts = _window_sets(
        series, panel, lookback=lookback, horizon=horizon, seed=seed
    )
    if not len(val_starts):
        return math.inf
    _solve_skip(
        net, series, train_starts, val_starts, lookback, horizon, norm_period, panel
    )
    return _eval_loss(
        net,
        series,
        val_starts,
        lookback=lookback,
        horizon=horizon,
        norm_period=norm_period,
        device=torch.device("cpu"),
    )


def _solve_skip(
    net: nn.Module,
    series: torch.Tensor,
    train_starts: torch.Tensor,
    val_starts: torch.Tensor,
    lookback: int,
    horizon: int,
    norm_period: int,
    panel: PanelWindows | None,
) -> float | None:
    """:func:`init_linear_skip`; a panel's targets clipped (``RIDGE_TARGET_CLIP``)."""
    return init_linear_skip(
        net,
        series,
        train_starts,
        val_starts,
        lookback=lookback,
        horizon=horizon,
        norm_period=norm_period,
        target_clip=None if panel is None else RIDGE_TARGET_CLIP,
    )


def _window_sets(
    series: torch.Tensor,
    panel: PanelWindows | None,
    *,
    lookback: int,
    horizon: int,
    seed: int,
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """``(values, training starts for the skip's solve, validation starts)``."""
    if panel is None:
        series = series.to(torch.float64)
        n = int(series.shape[0])
        train_starts, val_starts = window_starts(n, lookback, horizon, VAL_FRACTION)
        return series, train_starts, val_starts
    generator = torch.Generator().manual_seed(seed)
    count = min(panel.n_train, RIDGE_MAX_WINDOWS)
    train_starts = panel.draw(count, generator) if count else torch.arange(0)
    return panel.values.to(torch.float64), train_starts, panel.val_starts


def optimise(
    net: nn.Module,
    optimiser: torch.optim.Optimizer,
    batches: Iterable[tuple[torch.Tensor, torch.Tensor]],
    loss_fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor],
    *,
    scheduler: torch.optim.lr_scheduler.LRScheduler | None = None,
    grad_clip: float | None = None,
    on_step: StepCallback | None = None,
    batch_loss: Callable[[float, int], float] | None = None,
) -> list[float]:
    """The gradient steps: one per ``(input, target)`` batch, in order.

    Every optimisation step of the project happens here: the forecasters' epochs
    and the moving-blob demo call it.

    Args:
        net: the net, in training mode.
        optimiser: its optimiser.
        batches: ``(input, target)`` pairs, already on the net's device.
        loss_fn: ``loss_fn(net(input), target)`` -> scalar loss.
        scheduler: stepped after every optimisation step.
        grad_clip: clip the gradient norm to this (None: no clipping).
        on_step: ``on_step(step, loss)`` after each step (1-based); True stops.
        batch_loss: ``batch_loss(loss, windows)`` -> the loss of the whole batch
            when this process holds only a share of it (data-parallel training):
            every process then sees the same loss and stops at the same step.

    Returns:
        The loss of every step taken; it ends with NaN (and no step is taken for
        it) when a loss was not finite.
    """
    losses: list[float] = []
    for step, (x, target) in enumerate(batches, start=1):
        optimiser.zero_grad(set_to_none=True)
        loss = loss_fn(net(x), target)
        value = float(loss.detach())
        if batch_loss is not None:
            value = batch_loss(value, len(x))
        if not math.isfinite(value):
            losses.append(math.nan)
            break
        loss.backward()
        if grad_clip is not None:
            nn.utils.clip_grad_norm_(net.parameters(), grad_clip)
        optimiser.step()
        if scheduler is not None:
            scheduler.step()
        losses.append(value)
        if on_step is not None and on_step(step, value) is True:
            break
    return losses


def train(
    net: nn.Module,
    series: torch.Tensor,
    *,
    lookback: int,
    horizon: int,
    norm_period: int,
    epochs: int,
    batch_size: int,
    learning_rate: float,
    patience: int,
    seed: int,
    device: torch.device,
    max_steps: int | None = None,
    freeze_linear: bool = False,
    min_patience_steps: int = 0,
    callback: EpochCallback | None = None,
    panel: PanelWindows | None = None,
    solve_skip: bool = True,
) -> TrainResult:
    """Train ``net`` in place on the windows of ``series``; best weights are kept.

    A net with a linear AR skip (``net.ar``) first gets it solved by ridge
    regression (:func:`init_linear_skip`); that solution is the one to beat. An
    epoch is at most ``MAX_BATCHES_PER_EPOCH`` batches of training windows drawn
    without replacement (all windows when there are fewer), and a fit runs at most
    ``max_steps`` batches in all, so a very long series trains in bounded time and
    memory. Adam on the L1 loss with gradient clipping (``GRAD_CLIP``) and a cosine
    learning-rate decay over the planned steps (from ``learning_rate`` down to 1/20
    of it); the validation split (``VAL_FRACTION``) is cut from the end of the
    series; training stops after ``patience`` epochs without a better validation
    loss (training loss when there is no validation split), when ``callback``
    returns True, or at a non-finite loss; the weights of the best epoch are
    restored in every case.

    Data-parallel: when this process is one of several in an initialised
    ``torch.distributed`` group (e.g. a Ray Train worker, see
    :func:`convlstm.executor.train_data_parallel`), every process calls ``train``
    with the same arguments: each draws the same batches and trains on its share
    of each one, the net is wrapped in ``DistributedDataParallel`` (gradients
    averaged, rank 0's starting weights broadcast), and the losses, the validation
    loss and a callback's stop are summed over the group, so every process keeps
    the same weights and stops at the same epoch. Alone (no group, or a group of
    one) nothing of this happens.

    Args:
        net: maps normalised windows ``(B, lookback)`` to ``(B, horizon)``.
        series: the 1-D training series, ``(N,)`` (float64 recommended).
        lookback: window length.
        horizon: steps predicted per window.
        norm_period: values averaged for the per-window location.
        epochs: the most epochs.
        batch_size: windows per batch.
        learning_rate: Adam's learning rate.
        patience: epochs without improvement before stopping.
        seed: seeds shuffling, dropout and initialisation order.
        device: where to train.
        max_steps: cap on optimisation steps over the whole fit (None: no cap);
            the epochs are cut to fit it.
        freeze_linear: keep the solved skip fixed, so that the rest of the net
            learns the residual of the linear model (only when it was solved).
        min_patience_steps: patience is at least this many optimisation steps
            (on a short series an epoch may be a single batch).
        callback: ``callback(epoch, epochs, train_loss, val_loss)``; True stops.
        panel: train one net on the windows of a panel instead (``series`` is
            ignored): an epoch is ``MAX_BATCHES_PER_EPOCH`` batches drawn series
            first (:meth:`PanelWindows.draw`); validation is every series' last
            window; the skip is solved on at most ``RIDGE_MAX_WINDOWS`` windows.
        solve_skip: solve the linear skip first (False: keep the net's weights as
            they are, e.g. a pretrained net being fine-tuned; its validation loss
            is then the one to beat and ``freeze_linear`` keeps its skip).

    Returns:
        A :class:`TrainResult`.

    Raises:
        ParameterError: the series is too short for ``lookback`` and ``horizon``,
            or the panel has no training window.
        TrainingError: the loss was non-finite before any good epoch (lower the
            learning rate), or the device ran out of memory.
    """
    started = time.perf_counter()
    if panel is not None:
        if panel.n_train < 1:
            raise ParameterError("no series of the panel is long enough to train on")
        per_epoch = MAX_BATCHES_PER_EPOCH
    else:
        n = int(series.shape[0])
        if n < lookback + horizon + 1:
            raise ParameterError(
                f"the series has {n} points but training needs at least "
                f"{lookback + horizon + 1} (lookback {lookback} + horizon {horizon} "
                "+ 1)"
            )
    series, train_starts, val_starts = _window_sets(
        series, panel, lookback=lookback, horizon=horizon, seed=seed
    )
    if panel is None:
        per_epoch = min(MAX_BATCHES_PER_EPOCH, -(-len(train_starts) // batch_size))
    if max_steps is not None:
        epochs = max(1, min(epochs, max_steps // max(per_epoch, 1)))
    patience = max(patience, -(-min_patience_steps // max(per_epoch, 1)))
    result = TrainResult(epochs_allowed=int(epochs))
    # a net with a linear skip ``ar`` gets it solved first (:func:`init_linear_skip`):
    # its validation loss is the one to beat
    if solve_skip:
        result.ridge_penalty = _solve_skip(
            net, series, train_starts, val_starts, lookback, horizon, norm_period, panel
        )
    # the net as it starts (solved skip, or pretrained weights) is "epoch 0"
    start_is_baseline = result.ridge_penalty is not None or not solve_skip
    frozen = []
    if freeze_linear and start_is_baseline:  # every member's skip, in an ensemble
        skips = [m.ar for m in member_nets(net) if getattr(m, "ar", None) is not None]
        frozen = [p for s in skips for p in s.parameters() if p.requires_grad]
    run = _Run(
        group=_Group.current(),
        net=net,
        series=series,
        train_starts=train_starts,
        val_starts=val_starts,
        lookback=lookback,
        horizon=horizon,
        norm_period=norm_period,
        batch_size=batch_size,
        seed=seed,
        device=device,
        panel=panel,
    )
    best: dict = {}
    try:
        with _oom_guard(device, batch_size), compute_context(net, device):
            net.to(device)
            for p in frozen:
                p.requires_grad_(False)
            run.model = run.group.wrap(net)
            optimiser, scheduler = _make_optimiser(
                net, learning_rate, total_steps=max(1, epochs * per_epoch)
            )
            if start_is_baseline and len(val_starts):
                # the starting net is "epoch 0": later epochs must beat it
                best["loss"] = result.start_loss = run.validation_loss()
                best["state"] = copy.deepcopy(net.state_dict())
            _run_epochs(
                run,
                optimiser,
                scheduler,
                result,
                best,
                epochs=epochs,
                patience=patience,
                learning_rate=learning_rate,
                callback=callback,
            )
    finally:
        if run.model is not net:
            # release the data-parallel wrapper (and its reducer, which holds the
            # group) now, while the group is alive: whoever made the group
            # destroys it after this returns, and a reducer freed later, at exit,
            # can abort the process
            run.model = net
            gc.collect()
        for p in frozen:
            p.requires_grad_(True)
        if "state" in best:
            net.load_state_dict(best["state"])
        net.eval()
    result.seconds = time.perf_counter() - started
    return result


def train_weights(
    net: nn.Module, series: torch.Tensor, **kwargs: Any
) -> tuple[dict[str, torch.Tensor], TrainResult]:
    """:func:`train`, returning the trained weights (a state dict) with its result:
    what a run in another process (a data-parallel worker) sends back."""
    result = train(net, series, **kwargs)
    return net.state_dict(), result


@dataclass(frozen=True)
class _Group:
    """The processes that train one net together (an initialised
    ``torch.distributed`` group: data-parallel training), or this one alone."""

    rank: int = 0
    size: int = 1

    @classmethod
    def current(cls) -> _Group:
        dist = torch.distributed
        if dist.is_available() and dist.is_initialized():
            return cls(dist.get_rank(), dist.get_world_size())
        return cls()

    @property
    def parallel(self) -> bool:
        return self.size > 1

    def share(self, starts: torch.Tensor) -> torch.Tensor:
        """This process's share of the windows at ``starts`` (near-equal parts)."""
        return starts.tensor_split(self.size)[self.rank] if self.parallel else starts

    def sum(self, *values: float) -> list[float]:
        """``values`` summed over the group's processes."""
        total = torch.tensor(values, dtype=torch.float64)
        if self.parallel:
            torch.distributed.all_reduce(total)
        return total.tolist()

    def batch_loss(self, loss: float, windows: int) -> float:
        """The mean loss of a batch whose ``windows`` here had mean ``loss``."""
        total, count = self.sum(loss * windows, windows)
        return total / count

    def wrap(self, net: nn.Module) -> nn.Module:
        """``net`` in ``DistributedDataParallel`` when training in a group."""
        if not self.parallel:
            return net
        return nn.parallel.DistributedDataParallel(net)


@dataclass
class _Run:
    """The fixed inputs of one training run, shared by its epochs. ``model`` is
    what trains: ``net`` itself, or ``net`` wrapped for data-parallel training."""

    group: _Group
    net: nn.Module
    series: torch.Tensor
    train_starts: torch.Tensor
    val_starts: torch.Tensor
    lookback: int
    horizon: int
    norm_period: int
    batch_size: int
    seed: int
    device: torch.device
    panel: PanelWindows | None = None
    generator: torch.Generator = field(init=False)
    model: nn.Module = field(init=False)

    def __post_init__(self) -> None:
        self.generator = torch.Generator().manual_seed(self.seed)
        self.model = self.net

    def validation_loss(self) -> float:
        """Mean loss on the validation windows (each process of a group
        evaluates its share with the plain net: no collective per batch)."""
        starts = self.group.share(self.val_starts)
        loss = 0.0
        if len(starts):
            loss = _eval_loss(
                self.net,
                self.series,
                starts,
                lookback=self.lookback,
                horizon=self.horizon,
                norm_period=self.norm_period,
                device=self.device,
            )
        if not self.group.parallel:
            return loss
        return self.group.batch_loss(loss, len(starts))

    def stop(self, wanted: bool) -> bool:
        """Whether to stop: ``wanted`` here, or by any process of the group."""
        if not self.group.parallel:
            return wanted
        return self.group.sum(float(wanted))[0] > 0


def _make_optimiser(
    net: nn.Module, learning_rate: float, *, total_steps: int
) -> tuple[torch.optim.Optimizer, torch.optim.lr_scheduler.LRScheduler]:
    """Adam over the trainable weights, with a cosine decay to lr/20.

    Big steps first to move away from the solved linear model, small ones last to
    settle.
    """
    optimiser = torch.optim.Adam(
        [p for p in net.parameters() if p.requires_grad], lr=learning_rate
    )
    scheduler = torch.optim.lr_scheduler.LambdaLR(
        optimiser,
        lambda step: (
            0.05
            + 0.475 * (1 + math.cos(math.pi * min(step, total_steps) / total_steps))
        ),
    )
    return optimiser, scheduler


def _run_epochs(
    run: _Run,
    optimiser: torch.optim.Optimizer,
    scheduler: torch.optim.lr_scheduler.LRScheduler,
    result: TrainResult,
    best: dict,
    *,
    epochs: int,
    patience: int,
    learning_rate: float,
    callback: EpochCallback | None,
) -> None:
    """Epochs with early stopping; ``best`` keeps the best ``loss`` and ``state``."""
    bad_epochs = 0
    for epoch in range(1, epochs + 1):
        train_loss = _train_epoch(run, optimiser, scheduler)
        val_loss = None
        if len(run.val_starts) and math.isfinite(train_loss):
            val_loss = run.validation_loss()
        monitor = train_loss if val_loss is None else val_loss
        if not math.isfinite(train_loss) or not math.isfinite(monitor):
            result.stopped_early = True
            if "state" not in best:
                raise _diverged(epoch, learning_rate)
            logger.warning(
                "non-finite loss in epoch %d; keeping the weights of epoch "
                "%d (a lower learning rate may help)",
                epoch,
                result.best_epoch,
            )
            return
        result.history.append(
            {"epoch": epoch, "train_loss": train_loss, "val_loss": val_loss}
        )
        if monitor < best.get("loss", math.inf):
            best["loss"] = monitor
            best["state"] = copy.deepcopy(run.net.state_dict())
            result.best_epoch = epoch
            bad_epochs = 0
        else:
            bad_epochs += 1
        stop = callback(epoch, epochs, train_loss, val_loss) if callback else None
        if run.stop(stop is True) or bad_epochs >= patience:
            result.stopped_early = epoch < epochs
            return


def _train_epoch(
    run: _Run,
    optimiser: torch.optim.Optimizer,
    scheduler: torch.optim.lr_scheduler.LRScheduler,
) -> float:
    """One epoch of shuffled training windows; its mean loss (NaN if non-finite)."""
    run.model.train()
    if run.panel is not None:
        order = run.panel.draw(MAX_BATCHES_PER_EPOCH * run.batch_size, run.generator)
    else:
        starts = run.train_starts
        order = starts[torch.randperm(len(starts), generator=run.generator)]
    batches = order[: MAX_BATCHES_PER_EPOCH * run.batch_size].split(run.batch_size)
    if run.group.parallel:  # every process needs a share of every batch
        batches = tuple(b for b in batches if len(b) >= run.group.size)

    def pairs() -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
        for batch in batches:
            x, target = normalised_pairs(
                run.series,
                run.group.share(batch),
                lookback=run.lookback,
                horizon=run.horizon,
                norm_period=run.norm_period,
            )
            f32 = {"device": run.device, "dtype": torch.float32}
            yield x.to(**f32), target.to(**f32)

    losses = optimise(
        run.model,
        optimiser,
        pairs(),
        nn.functional.l1_loss,
        scheduler=scheduler,
        grad_clip=GRAD_CLIP,
        batch_loss=run.group.batch_loss if run.group.parallel else None,
    )
    if losses and not math.isfinite(losses[-1]):
        return math.nan
    sizes = [len(b) for b in batches[: len(losses)]]
    total = sum(loss * size for loss, size in zip(losses, sizes, strict=True))
    return total / max(sum(sizes), 1)


def _eval_loss(
    net: nn.Module,
    series: torch.Tensor,
    starts: torch.Tensor,
    *,
    lookback: int,
    horizon: int,
    norm_period: int,
    device: torch.device,
) -> float:
    """Mean L1 loss of ``net`` on the windows at ``starts`` (normalised units)."""
    net.eval()
    total = 0.0
    with torch.no_grad():
        for batch in starts.split(1024):
            x, target = normalised_pairs(
                series,
                batch,
                lookback=lookback,
                horizon=horizon,
                norm_period=norm_period,
            )
            pred = net(x.to(device=device, dtype=torch.float32))
            target = target.to(device=device, dtype=torch.float32)
            total += float(nn.functional.l1_loss(pred, target)) * len(batch)
    return total / len(starts)


# ------------------------------------------------ labelled batches (image classifier)


def train_batches(
    net: nn.Module,
    epoch_batches: Callable[[int], Iterable[tuple[torch.Tensor, torch.Tensor]]],
    loss_fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor],
    *,
    epochs: int,
    steps_per_epoch: int,
    learning_rate: float,
    batch_size: int,
    device: torch.device,
    callback: EpochCallback | None = None,
) -> TrainResult:
    """Train ``net`` in place on ready-made ``(input, target)`` batches.

    The loop of nets that learn from labelled examples rather than from windows of a
    series (the image classifier): Adam with the same cosine decay and gradient
    clipping as :func:`train`, every step through :func:`optimise`, the same guards
    (a non-finite loss or running out of memory is a ``TrainingError`` that says
    what to change). There is no validation split: the weights of the last epoch
    are kept.

    Args:
        net: the net; it is moved to ``device``.
        epoch_batches: ``epoch_batches(epoch)`` yields the batches of that epoch
            (1-based), on any device; it owns shuffling and seeding.
        loss_fn: ``loss_fn(net(input), target)`` -> scalar loss.
        epochs: epochs to run.
        steps_per_epoch: batches per epoch (for the learning-rate schedule).
        learning_rate: Adam's learning rate at the start.
        batch_size: examples per batch (named in the out-of-memory message).
        device: where to train.
        callback: ``callback(epoch, epochs, train_loss, None)``; True stops.

    Returns:
        A :class:`TrainResult` whose history holds the mean training loss per epoch.

    Raises:
        ParameterError: an epoch had no batches.
        TrainingError: the loss became NaN or infinite (lower the learning rate),
            or the device ran out of memory.
    """
    started = time.perf_counter()
    result = TrainResult()

    sizes: list[int] = []  # examples per batch of the current epoch

    def on_device(epoch: int) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
        for x, target in epoch_batches(epoch):
            sizes.append(len(x))
            yield x.to(device), target.to(device)

    try:
        with _oom_guard(device, batch_size), compute_context(net, device):
            net.to(device)
            optimiser, scheduler = _make_optimiser(
                net, learning_rate, total_steps=max(1, epochs * steps_per_epoch)
            )
            for epoch in range(1, epochs + 1):
                net.train()
                sizes.clear()
                losses = optimise(
                    net,
                    optimiser,
                    on_device(epoch),
                    loss_fn,
                    scheduler=scheduler,
                    grad_clip=GRAD_CLIP,
                )
                if not losses:
                    raise ParameterError(f"epoch {epoch} has no training batches")
                if not math.isfinite(losses[-1]):
                    raise _diverged(epoch, learning_rate)
                total = sum(v * n for v, n in zip(losses, sizes, strict=False))
                loss = total / sum(sizes[: len(losses)])
                result.history.append(
                    {"epoch": epoch, "train_loss": loss, "val_loss": None}
                )
                result.best_epoch = epoch
                stop = callback(epoch, epochs, loss, None) if callback else None
                if stop is True:
                    result.stopped_early = epoch < epochs
                    break
    finally:
        net.eval()
    result.seconds = time.perf_counter() - started
    return result
