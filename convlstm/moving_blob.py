"""The original ConvLSTM use case in small: predict the next frame of a moving blob.

Synthetic bouncing-Gaussian videos and a tiny next-frame net built from the
project's :class:`~convlstm.nn.ConvLSTMCell`, trained by ``convlstm.training``
(its figures are in ``convlstm.plots.demo``).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import numpy as np
import torch
from torch import nn

from .device import compute_context
from .errors import ParameterError
from .models.checks import check_whole
from .nn import ConvLSTMCell
from .training import optimise

__all__ = [
    "BlobDemo",
    "BlobNet",
    "blob_sequences",
    "run_blob_demo",
]

log = logging.getLogger(__name__)

#: The smallest frame (pixels a side) a blob of the default radius moves in.
MIN_SIZE = 8


def blob_sequences(
    n: int,
    steps: int,
    *,
    size: int = 16,
    sigma: float = 1.6,
    max_speed: float = 1.5,
    seed: int = 0,
) -> np.ndarray:
    """Videos of one Gaussian blob moving at constant velocity, bouncing off walls.

    Args:
        n: number of videos.
        steps: frames per video.
        size: frame height and width in pixels.
        sigma: blob radius (standard deviation, pixels).
        max_speed: largest speed per axis in pixels per frame.
        seed: random seed of the start positions and velocities.

    Returns:
        ``(n, steps, size, size)`` float32 array with values in ``[0, 1]``.
    """
    n, steps = check_whole("n", n, minimum=1), check_whole("steps", steps, minimum=1)
    size = check_whole("size", size, minimum=MIN_SIZE)
    seed = check_whole("seed", seed, minimum=0)
    for name, value in (("sigma", sigma), ("max_speed", max_speed)):
        if not isinstance(value, int | float | np.number) or not value > 0:
            raise ParameterError(f"{name} must be a number above 0, got {value!r}")
    if not sigma < (size - 1) / 2:
        raise ParameterError(
            f"sigma must be below half the frame ({(size - 1) / 2:g} pixels for a "
            f"size of {size}), got {sigma!r}"
        )
    rng = np.random.default_rng(seed)
    lo, hi = sigma, size - 1 - sigma  # centre stays inside the frame
    pos = rng.uniform(lo, hi, size=(n, 2))
    speed = rng.uniform(0.5, max_speed, size=(n, 2))
    vel = speed * rng.choice([-1.0, 1.0], size=(n, 2))
    grid = np.arange(size, dtype=float)
    out = np.empty((n, steps, size, size), dtype=np.float32)
    for t in range(steps):
        dy = (grid[None, :] - pos[:, :1]) ** 2  # (n, size) rows
        dx = (grid[None, :] - pos[:, 1:]) ** 2  # (n, size) columns
        out[:, t] = np.exp(-(dy[:, :, None] + dx[:, None, :]) / (2 * sigma**2))
        pos = pos + vel
        # reflect at the walls (position mirrored, velocity flipped) until
        # inside: a fast blob may cross the frame more than once in a step
        while ((pos < lo) | (pos > hi)).any():
            for bound, side in ((lo, pos < lo), (hi, pos > hi)):
                pos = np.where(side, 2 * bound - pos, pos)
                vel = np.where(side, -vel, vel)
    return out


class BlobNet(nn.Module):
    """A one-layer ConvLSTM that predicts the next frame from the frames so far.

    Args:
        hidden_size: channels of the ConvLSTM state.
        kernel_size: odd kernel size of the cell's fused convolution.
        frame_size: ``(H, W)`` of the frames (for the peephole weights).
    """

    def __init__(
        self,
        *,
        hidden_size: int = 12,
        kernel_size: int = 5,
        frame_size: tuple[int, int] = (16, 16),
    ) -> None:
        super().__init__()
        self.cell = ConvLSTMCell(1, hidden_size, kernel_size, frame_size=frame_size)
        self.head = nn.Conv2d(hidden_size, 1, 1)

    def forward(self, frames: torch.Tensor, *, free_after: int | None = None):
        """Predict frame ``t + 1`` after each frame ``t``.

        Args:
            frames: ``(B, T, H, W)``.
            free_after: feed the net's own predictions back in after this many
                frames (None: always feed the true frames, "teacher forcing").

        Returns:
            ``(B, T, H, W)``: the prediction of the frame after each input frame.
        """
        state = None
        preds = []
        x = frames[:, 0]
        for t in range(frames.shape[1]):
            if t > 0:
                use_own = free_after is not None and t >= free_after
                x = preds[-1].detach() if use_own else frames[:, t]
            state = self.cell(x.unsqueeze(1), state)  # h, c: (B, hidden, H, W)
            preds.append(torch.sigmoid(self.head(state[0])).squeeze(1))  # (B, H, W)
        return torch.stack(preds, dim=1)


@dataclass
class BlobDemo:
    """The result of :func:`run_blob_demo`.

    Attributes:
        truth: ``(T, H, W)`` the test video.
        one_step: ``(T - 1, H, W)`` predictions of frames ``2..T``, each made from
            the true frames before it.
        rollout: ``(T - 1, H, W)`` the same, but after ``context`` frames the net is
            fed its own predictions (free-running).
        context: true frames the rollout saw.
        losses: training MSE per step.
        mse_one_step: test MSE of ``one_step`` after the context.
        mse_copy: test MSE of "next frame = this frame" over the same frames.
        mse_rollout: test MSE of ``rollout`` after the context.
        mse_rollout_copy: MSE of repeating the last context frame over the rollout.
        seconds: training time.
        params: trainable parameters of the net.
    """

    truth: np.ndarray
    one_step: np.ndarray
    rollout: np.ndarray
    context: int
    losses: list[float] = field(default_factory=list)
    mse_one_step: float = float("nan")
    mse_copy: float = float("nan")
    mse_rollout: float = float("nan")
    mse_rollout_copy: float = float("nan")
    seconds: float = 0.0
    params: int = 0


def _videos(
    steps: int, batch_size: int, seq_len: int, size: int, seed: int
) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
    """Fresh videos every step: the net must learn the motion, not the paths."""
    for step in range(1, steps + 1):
        video = torch.from_numpy(
            blob_sequences(batch_size, seq_len + 1, size=size, seed=seed * 7919 + step)
        )  # (B, T + 1, H, W)
        yield video[:, :-1], video[:, 1:]  # frames 1..T -> frames 2..T+1


def run_blob_demo(
    *,
    steps: int = 150,
    hidden_size: int = 8,
    kernel_size: int = 3,
    size: int = 16,
    seq_len: int = 10,
    batch_size: int = 8,
    test_frames: int = 24,
    context: int = 6,
    learning_rate: float = 0.02,
    seed: int = 0,
    callback: Callable[[int, int, float], bool | None] | None = None,
) -> BlobDemo:
    """Train a tiny ConvLSTM to predict the next frame of moving-blob videos.

    Every step draws fresh videos, so the net must learn the motion rule rather
    than memorise paths. On the test video the net gets ``context`` true frames
    and then feeds its own predictions back (a free-running rollout).

    Args:
        steps: optimiser steps.
        hidden_size: channels of the ConvLSTM state.
        kernel_size: odd kernel size (at least 3 to see motion of 1 pixel/frame).
        size: frame size in pixels.
        seq_len: frames per training video.
        batch_size: videos per step.
        test_frames: frames of the test video.
        context: true frames shown before the rollout.
        learning_rate: Adam learning rate.
        seed: seed of data and weights.
        callback: ``callback(step, steps, loss)``; True stops training.

    Returns:
        A :class:`BlobDemo`.

    Raises:
        ParameterError: a setting that is not a whole number where one is
            needed, out of range (``context``, ``steps``, ``size`` at least
            :data:`MIN_SIZE`, ``seq_len`` at least 2...), or an even or
            non-positive ``kernel_size``.
    """
    for name, value, least in (
        ("steps", steps, 1),
        ("hidden_size", hidden_size, 1),
        ("size", size, MIN_SIZE),
        ("seq_len", seq_len, 2),
        ("batch_size", batch_size, 1),
        ("test_frames", test_frames, 4),
        ("context", context, 1),
        ("seed", seed, 0),
    ):
        check_whole(name, value, minimum=least)
    if (
        isinstance(learning_rate, bool)
        or not isinstance(learning_rate, int | float | np.number)
        or not 0 < learning_rate < float("inf")
    ):
        raise ParameterError(
            f"learning_rate must be a number above 0, got {learning_rate!r}"
        )
    if not 1 <= context < test_frames - 1:
        raise ParameterError(
            f"context must be between 1 and {test_frames - 2} frames, got {context}"
        )
    torch.manual_seed(seed)
    net = BlobNet(
        hidden_size=hidden_size, kernel_size=kernel_size, frame_size=(size, size)
    )
    opt = torch.optim.Adam(net.parameters(), lr=learning_rate)
    start = time.perf_counter()
    net.train()
    with compute_context(net, torch.device("cpu")):
        losses = optimise(
            net,
            opt,
            _videos(steps, batch_size, seq_len, size, seed),
            nn.functional.mse_loss,
            on_step=None if callback is None else lambda i, v: callback(i, steps, v),
        )
    seconds = time.perf_counter() - start
    log.debug("blob demo trained %d steps in %.2fs", len(losses), seconds)

    net.eval()
    truth = blob_sequences(1, test_frames, size=size, seed=seed + 10_000)[0]
    video = torch.from_numpy(truth)[None, :-1]  # (1, T - 1, H, W)
    with torch.no_grad(), compute_context(net, torch.device("cpu")):
        one_step = net(video)[0].numpy()
        rollout = net(video, free_after=context)[0].numpy()
    target = truth[1:]
    after = slice(context - 1, None)  # predictions of frames the rollout never saw

    def mse(a: np.ndarray, b: np.ndarray) -> float:
        return float(np.mean((a - b) ** 2))

    return BlobDemo(
        truth=truth,
        one_step=one_step,
        rollout=rollout,
        context=context,
        losses=losses,
        mse_one_step=mse(one_step[after], target[after]),
        mse_copy=mse(truth[:-1][after], target[after]),
        mse_rollout=mse(rollout[after], target[after]),
        mse_rollout_copy=mse(truth[context - 1][None], target[after]),
        seconds=seconds,
        params=sum(p.numel() for p in net.parameters()),
    )
