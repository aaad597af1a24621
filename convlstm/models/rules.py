"""Sizing rules of the models (row width, lookback, minimum length) and the
margin of the ConvLSTM's automatic start, torch-free.

Kept apart from the model files so that the registry and the default folds can use
them without importing torch or scipy.
"""

from __future__ import annotations

__all__ = [
    "ARIMA_MIN_LENGTH",
    "AUTO_SCRATCH_MARGIN",
    "MIN_WINDOWS",
    "NONSEASONAL_WIDTH",
    "STAT_MIN_LENGTH",
    "lookback_rule",
    "neural_min_length",
    "panel_lookback_rule",
    "row_width",
]

# Fewest points an ARIMA fit accepts.
ARIMA_MIN_LENGTH = 5
# Fewest points ETS and Theta are fitted on (a level and a slope need a few each).
STAT_MIN_LENGTH = 5
# Fewest training windows a fit accepts beyond the lookback and horizon.
MIN_WINDOWS = 8
# Row width of the image when the series has no season.
NONSEASONAL_WIDTH = 8
# Fewest points of a panel's series that the global net forecasts; a training
# window of a panel holds at least PANEL_MIN_CONTEXT real values (or one row when
# that is shorter), the rest of the window being padding.
PANEL_MIN_POINTS = 3
PANEL_MIN_CONTEXT = 3
# How many times better than the pretrained network's its check error must be for
# the ConvLSTM's init="auto" to keep the scratch start on a series without a
# season (yearly ones too); chosen on validation (see convlstm.models.neural).
AUTO_SCRATCH_MARGIN = 1.5


def row_width(season: int) -> int:
    """Row width of the neural models' image: the season, or ``NONSEASONAL_WIDTH``
    for a series without one (``season`` 1)."""
    return season if season > 1 else NONSEASONAL_WIDTH


def neural_min_length(season: int, horizon: int, lookback: int | None = None) -> int:
    """Fewest points a neural model's fit accepts.

    Args:
        season: the shortest natural cycle in steps (1 if none).
        horizon: steps to forecast.
        lookback: the fixed lookback, or None for the automatic one (whose smallest
            value is one row).
    """
    base = lookback if lookback is not None else row_width(season)
    return base + horizon + MIN_WINDOWS


def lookback_rule(n: int, horizon: int, periods: tuple[int, ...]) -> tuple[int, int]:
    """Choose ``(lookback, width)`` from the season lengths and the series length.

    ``width`` is the shortest cycle (``NONSEASONAL_WIDTH`` without one). The window
    spans ``rows`` rows of ``width``: enough to cover the longest cycle that the
    series repeats at least 3 times plus one more row, at least 3 rows, and at least
    ``max(2 * horizon, 24)`` steps. Rows are then dropped (down to 1) while fewer than
    ``max(lookback, MIN_WINDOWS)`` training windows would remain.

    Args:
        n: length of the training series.
        horizon: steps to forecast.
        periods: natural cycles, shortest first (may be empty).

    Returns:
        ``(lookback, width)`` with ``lookback`` a multiple of ``width``.
    """
    width = periods[0] if periods else NONSEASONAL_WIDTH
    rows = _rows(n, horizon, periods)
    while rows > 1 and n - rows * width - horizon + 1 < max(rows * width, MIN_WINDOWS):
        rows -= 1
    return rows * width, width


def _rows(n: int, horizon: int, periods: tuple[int, ...]) -> int:
    """Rows of one season the window spans before any shrinking (see
    :func:`lookback_rule`)."""
    width = periods[0] if periods else NONSEASONAL_WIDTH
    usable = [p for p in periods if 3 * p + horizon <= n] or [width]
    longest = max(usable)
    return max(3, -(-longest // width) + 1, -(-max(2 * horizon, 24) // width))


def panel_lookback_rule(
    lengths: list[int], horizon: int, periods: tuple[int, ...]
) -> tuple[int, int, int]:
    """Choose ``(lookback, width, min_context)`` for one net over many series.

    The window is :func:`lookback_rule`'s for the median series, without shrinking
    it to leave training windows (a panel has windows from many series; a series
    shorter than the window is padded). ``min_context`` is the fewest real values
    of a training window: half a row, at least ``PANEL_MIN_CONTEXT``.

    Args:
        lengths: length of every series' training part.
        horizon: steps to forecast.
        periods: natural cycles, shortest first (may be empty).
    """
    width = periods[0] if periods else NONSEASONAL_WIDTH
    ordered = sorted(lengths)
    median = ordered[len(ordered) // 2] if ordered else 0
    lookback = _rows(median, horizon, periods) * width
    min_context = min(lookback, max(PANEL_MIN_CONTEXT, width // 2))
    return lookback, width, min_context
