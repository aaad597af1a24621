"""Validation of forecaster settings shared by the statistical models.

Each check returns the cleaned value or raises :class:`~convlstm.errors.ParameterError`
with a message that says which setting is wrong and what would be accepted.
"""

from __future__ import annotations

from collections.abc import Collection

import numpy as np

from ..errors import ParameterError

__all__ = [
    "MAX_HORIZON",
    "check_choice",
    "check_horizon",
    "check_season_length",
    "check_whole",
]

#: The longest horizon any forecaster, backtest or comparison accepts, in steps. A
#: forecast that far out is the model's long-run level repeated; a bound keeps a typo
#: (1e8 steps) from running for minutes and filling memory. Whether the dates after
#: the series fit pandas' timestamps is checked too, where the series is known
#: (:func:`convlstm.data.frequency.check_future`).
MAX_HORIZON = 100_000


def check_whole(name: str, value: object, *, minimum: int) -> int:
    """Return ``value`` as an int if it is a whole number of at least ``minimum``.

    Raises:
        ParameterError: ``value`` is not a whole number (bools are refused) or is
            below ``minimum``.
    """
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise ParameterError(f"{name} must be a whole number, got {value!r}")
    if value < minimum:
        raise ParameterError(f"{name} must be at least {minimum}, got {value}")
    return int(value)


def check_horizon(horizon: object) -> int:
    """Return the horizon as an int; it must be a whole number of steps from 1 to
    :data:`MAX_HORIZON`."""
    horizon = check_whole("horizon", horizon, minimum=1)
    if horizon > MAX_HORIZON:
        raise ParameterError(
            f"horizon must be at most {MAX_HORIZON:,} steps, got {horizon:,}; "
            "forecast fewer steps (or resample the series to a coarser frequency)"
        )
    return horizon


def check_season_length(season_length: object) -> int | None:
    """Return ``None`` (use the frequency's natural seasons) or a season >= 1."""
    if season_length is None:
        return None
    return check_whole("season_length (or None)", season_length, minimum=1)


def check_choice(name: str, value: object, allowed: Collection[object]) -> object:
    """Return ``value`` if it is one of ``allowed``."""
    # Compare type and value, so that True is not taken for 1 nor 1.0 for 1.
    if not any(type(value) is type(a) and value == a for a in allowed):
        options = ", ".join(repr(a) for a in allowed)
        raise ParameterError(f"{name} must be one of {options}; got {value!r}")
    return value
