"""Training windows of a 1-D series: where they start, how they are cut and
normalised, and forecasts from raw windows in the original units.

Windows are gathered per batch by index arithmetic (never all at once) and normalised
per window, so a net learns in those units whatever the series' scale.
"""

from __future__ import annotations

import torch
from torch import nn

__all__ = [
    "MAX_VAL_WINDOWS",
    "gather",
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

    Args:
        windows: ``(B, L)`` raw values (float64 keeps tiny and huge scales exact).
        norm_period: values averaged for ``loc``.

    Returns:
        ``(normalised (B, L), loc (B, 1), scale (B, 1))``.
    """
    loc = windows[:, -norm_period:].mean(dim=1, keepdim=True)
    scale = windows.diff(dim=1).abs().mean(dim=1, keepdim=True)
    floor = 1e-10 * loc.abs()  # float64 windows: far above rounding noise
    scale = torch.where(scale > floor, scale, floor)
    scale = torch.where(scale > 0, scale, torch.ones_like(scale))
    return (windows - loc) / scale, loc, scale


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


def predict_windows(
    net: nn.Module,
    windows: torch.Tensor,
    *,
    norm_period: int,
    device: torch.device,
    batch_size: int = 1024,
) -> torch.Tensor:
    """Forecast from raw windows, in the original units.

    Args:
        net: a net mapping normalised ``(B, L)`` to ``(B, horizon)``.
        windows: raw windows, ``(B, L)`` float64 (any device).
        norm_period: as in :func:`normalise`.
        device: where the net lives.
        batch_size: windows per forward pass.

    Returns:
        ``(B, horizon)`` float64 on the CPU.
    """
    net.eval()
    out = []
    with torch.no_grad():
        for chunk in windows.split(batch_size):
            x, loc, scale = normalise(chunk.to(torch.float64), norm_period)
            y = net(x.to(device=device, dtype=torch.float32)).double().cpu()
            out.append(y * scale.cpu() + loc.cpu())
    return torch.cat(out)
