"""Training windows of a 1-D series or of a panel laid end to end: where they start,
how they are cut and normalised, and forecasts from raw windows in the original units.

Windows are gathered per batch by index arithmetic (never all at once) and normalised
per window, so a net learns in those units whatever the series' scale. A panel is
one 1-D tensor of its series, each left-padded with NaN (:class:`PanelWindows`); a
window may start in the padding (a short context), never in another series.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

__all__ = [
    "MAX_VAL_WINDOWS",
    "PanelWindows",
    "gather",
    "last_window",
    "normalise",
    "normalised_pairs",
    "predict_windows",
    "window_starts",
]

# Validation windows evaluated after every epoch (the last ones): enough to rank
# epochs, few enough that a long series does not pay a full pass per epoch.
MAX_VAL_WINDOWS = 512


def normalise(
    windows: torch.Tensor, norm_period: int
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Per-window normalisation, so that any scale (1e-6 .. 1e9) trains alike.

    ``loc`` is the mean of the window's last ``norm_period`` values (its last season)
    and ``scale`` the window's mean absolute one-step change (the scale of MASE),
    floored at ``1e-10 * |loc|`` (and 1 when both are 0) so that constant windows
    stay finite. The one-step change measures how much the series moves locally;
    the standard deviation of the levels is dominated by the trend on a trending
    window, so a net trained on steep windows over-reacts on flat ones (see
    bench/RESULTS.md).

    A window that starts before its series (leading NaN: the padding of a short
    series in a panel) is normalised on its real values, and its padding is then
    filled with its first real value in normalised units (the series held flat
    before its start).

    Args:
        windows: ``(B, L)`` raw values (float64 keeps tiny and huge scales exact);
            NaN only as leading padding.
        norm_period: values averaged for ``loc``.

    Returns:
        ``(normalised (B, L), loc (B, 1), scale (B, 1))``.
    """
    missing = torch.isnan(windows)
    padded = bool(missing.any())
    if padded:
        loc = windows[:, -norm_period:].nanmean(dim=1, keepdim=True)
        scale = windows.diff(dim=1).abs().nanmean(dim=1, keepdim=True)
        scale = torch.nan_to_num(scale, nan=0.0)
    else:
        loc = windows[:, -norm_period:].mean(dim=1, keepdim=True)
        scale = windows.diff(dim=1).abs().mean(dim=1, keepdim=True)
    floor = 1e-10 * loc.abs()  # float64 windows: far above rounding noise
    scale = torch.where(scale > floor, scale, floor)
    scale = torch.where(scale > 0, scale, torch.ones_like(scale))
    x = (windows - loc) / scale
    if padded:
        first = (~missing).to(torch.int8).argmax(dim=1, keepdim=True)
        x = torch.where(missing, x.gather(1, first), x)
    return x, loc, scale


def gather(series: torch.Tensor, starts: torch.Tensor, length: int) -> torch.Tensor:
    """Cut ``series[s : s + length]`` for each start ``s`` without copying the rest.

    Args:
        series: the 1-D series, ``(N,)``.
        starts: window starts, ``(B,)`` int64.
        length: window length.

    Returns:
        ``(B, length)``.
    """
    offsets = torch.arange(length, device=starts.device)
    return series[starts[:, None] + offsets[None, :]]


def normalised_pairs(
    series: torch.Tensor,
    starts: torch.Tensor,
    *,
    lookback: int,
    horizon: int,
    norm_period: int,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Windows and their targets, both in the window's normalised units.

    Args:
        series: the 1-D series, ``(N,)`` float64.
        starts: window starts, ``(B,)`` int64.
        lookback: window length.
        horizon: steps after the window to predict.
        norm_period: as in :func:`normalise`.

    Returns:
        ``(x (B, lookback), target (B, horizon))``, float64.
    """
    xy = gather(series, starts, lookback + horizon)  # (B, L + h)
    x, loc, scale = normalise(xy[:, :lookback], norm_period)
    return x, (xy[:, lookback:] - loc) / scale  # (B, L), (B, h)


def window_starts(
    n: int, lookback: int, horizon: int, val_fraction: float
) -> tuple[torch.Tensor, torch.Tensor]:
    """Split window starts into training and validation, validation at the END.

    A window starting at ``s`` reads ``[s, s + lookback)`` and predicts
    ``[s + lookback, s + lookback + horizon)``. The validation windows are the last
    ones; training windows end before the first validation target, so no training
    target overlaps a validation target.

    Returns:
        ``(train_starts, val_starts)``, int64; ``val_starts`` may be empty.
    """
    last = n - lookback - horizon  # last valid start
    n_windows = last + 1
    n_val = int(round(val_fraction * n_windows))
    n_val = min(n_val, MAX_VAL_WINDOWS)
    if n_val < 1 or n_windows - n_val - horizon < 1:
        return torch.arange(n_windows), torch.arange(0)
    first_val = last - n_val + 1
    train = torch.arange(first_val - horizon + 1)  # s + L + h <= first_val + L
    return train, torch.arange(first_val, last + 1)


def last_window(values: np.ndarray, lookback: int) -> np.ndarray:
    """The last ``lookback`` values, left-padded with NaN when there are fewer (the
    padding :func:`normalise` fills)."""
    out = np.full(lookback, np.nan)
    tail = np.asarray(values, dtype=np.float64)[-lookback:]
    out[lookback - len(tail) :] = tail
    return out


def content_order(series: list[np.ndarray]) -> np.ndarray:
    """An order of ``series`` set by their values alone (length, then sums, last
    and first values, summed absolute steps), so a panel's training draws do not
    depend on what its series are called: renaming one reorders the panel (series
    are sorted by name) yet trains the same net. Series alike in all of these keep
    their order. Vectorised: a million short series take well under a second."""
    n = len(series)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    lengths = np.fromiter((len(v) for v in series), dtype=np.int64, count=n)
    values = np.nan_to_num(
        np.concatenate([np.asarray(v, dtype=np.float64) for v in series]),
        nan=0.0,
        posinf=0.0,
        neginf=0.0,
    )
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    full = lengths > 0
    sums, first, last, moves = (np.zeros(n) for _ in range(4))
    if full.any():
        at = starts[full]
        sums[full] = np.add.reduceat(values, at)
        first[full] = values[at]
        last[full] = values[at + lengths[full] - 1]
        steps = np.abs(np.diff(values, append=values[-1]))
        steps[np.cumsum(lengths)[full] - 1] = 0.0  # no step from one series to the next
        moves[full] = np.add.reduceat(steps, at)
    return np.lexsort((moves, first, last, sums, lengths.astype(float)))


@dataclass
class PanelWindows:
    """The windows of a panel laid end to end in one 1-D tensor (``values``).

    Series ``i`` occupies ``values[offsets[i] : offsets[i] + pad + lengths[i]]``:
    ``pad`` leading NaN, then its values. A window reads ``lookback`` values and
    predicts the ``horizon`` after them; it may start in the padding but holds at
    least ``min_context`` real values, and its targets are real. The last window of
    every series long enough for one more is its validation window (the end of its
    training part), and its training windows end before that window's targets.

    Training windows are drawn series first (uniformly over the series that have
    any), then a window within the series, so long series do not dominate; memory
    is the values plus a few numbers per series, never the windows.
    """

    values: torch.Tensor
    train_first: torch.Tensor  # (S,) first training start of each series (global)
    train_count: torch.Tensor  # (S,) training windows of each series (may be 0)
    val_starts: torch.Tensor  # (V,) one validation window per series that has one

    @classmethod
    def build(
        cls,
        series: list[np.ndarray],
        *,
        lookback: int,
        horizon: int,
        min_context: int,
        max_val: int | None = None,
        seed: int = 0,
        by_content: bool = True,
    ) -> PanelWindows:
        """Lay ``series`` (1-D float arrays, already transformed) end to end.

        Args:
            series: the training values of each series.
            lookback: window length.
            horizon: steps predicted per window.
            min_context: fewest real values a window holds (1..lookback).
            max_val: the most validation windows (a seeded sample of the series'
                last windows when there are more); None keeps one per series.
            seed: seeds that sample.
            by_content: lay the series out in :func:`content_order`, so what
                they are called does not change the windows drawn; False keeps
                the order given.
        """
        pad = lookback - min_context
        if by_content:
            series = [series[i] for i in content_order(series)]
        lengths = np.array([len(v) for v in series], dtype=np.int64)
        offsets = np.concatenate([[0], np.cumsum(lengths + pad)[:-1]])
        values = np.full(int((lengths + pad).sum()), np.nan)
        for off, v in zip(offsets, series, strict=True):
            values[off + pad : off + pad + len(v)] = v
        # local start s reads [s, s + L) and predicts [s + L, s + L + h): s >= 0
        # keeps min_context real values, s <= n - min_context - h keeps real targets
        n_windows = np.maximum(lengths - min_context - horizon + 1, 0)
        has_val = n_windows - horizon >= 1  # room for a training window before it
        val_local = n_windows - 1
        train_count = np.where(has_val, n_windows - horizon, n_windows)
        val = (offsets + val_local)[has_val]
        if max_val is not None and len(val) > max_val:
            rng = np.random.default_rng(seed)
            val = np.sort(rng.choice(val, size=max_val, replace=False))
        return cls(
            values=torch.from_numpy(values),
            train_first=torch.from_numpy(offsets.astype(np.int64)),
            train_count=torch.from_numpy(train_count.astype(np.int64)),
            val_starts=torch.from_numpy(np.asarray(val, dtype=np.int64)),
        )

    @property
    def n_train(self) -> int:
        """Training windows over all series."""
        return int(self.train_count.sum())

    def draw(self, count: int, generator: torch.Generator) -> torch.Tensor:
        """``count`` training starts: a series uniformly, then a window in it."""
        usable = torch.nonzero(self.train_count > 0).flatten()
        pick = usable[torch.randint(len(usable), (count,), generator=generator)]
        within = torch.rand(count, generator=generator, dtype=torch.float64)
        offset = (within * self.train_count[pick]).long()
        return self.train_first[pick] + offset


def predict_windows(
    net: nn.Module,
    windows: torch.Tensor,
    *,
    norm_period: int,
    device: torch.device,
    batch_size: int = 1024,
    reach: float | None = None,
) -> torch.Tensor:
    """Forecast from raw windows, in the original units.

    Args:
        net: a net mapping normalised ``(B, L)`` to ``(B, horizon)``.
        windows: raw windows, ``(B, L)`` float64 (any device).
        norm_period: as in :func:`normalise`.
        device: where the net lives.
        batch_size: windows per forward pass.
        reach: when set, step ``j`` of a forecast stays within the window's range
            widened by ``reach * j`` of its mean absolute one-step change (the
            normalised unit): a guard against a net that extrapolates a jump at the
            end of a window without bound. None: no guard.

    Returns:
        ``(B, horizon)`` float64 on the CPU; a window whose values never change
        forecasts that value.
    """
    net.eval()
    out = []
    with torch.no_grad():
        for chunk in windows.split(batch_size):
            raw = chunk.to(torch.float64)
            x, loc, scale = normalise(raw, norm_period)
            y = net(x.to(device=device, dtype=torch.float32)).double().cpu()
            if reach is not None:
                x = x.cpu()
                steps = reach * torch.arange(1, y.shape[1] + 1, dtype=y.dtype)
                low = x.min(dim=1, keepdim=True).values - steps
                high = x.max(dim=1, keepdim=True).values + steps
                y = torch.maximum(torch.minimum(y, high), low)
            raw = raw.cpu()
            # a window that never moves (a product never sold) stays where it is,
            # as a constant series fitted alone does; + 0.0 turns -0.0 into 0.0
            flat = torch.nan_to_num(raw.diff(dim=1).abs(), nan=0.0).sum(dim=1) == 0
            res = torch.where(flat[:, None], loc.cpu(), y * scale.cpu() + loc.cpu())
            out.append(res + 0.0)
    return torch.cat(out)
